"""`draft_reach_out` for someone you want to meet (issue 18 in `vault mcp`): the SDK's own
client against the server on a hand-made vault, the facts `vault prospects` knows in the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from tests.conftest import write_note
from vaultkit.cli.app import Settings
from vaultkit.mcp.server import build_server

pytestmark = pytest.mark.anyio
TODAY = "2026-11-22"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def person(vault_dir: Path, name: str, front: str, body: str = "") -> None:
    write_note(vault_dir, f"People/{name}.md", f"---\n{front}---\n# {name}\n{body}")


@pytest.fixture
def vault(vault_dir: Path) -> Path:
    (vault_dir / "vaultkit.toml").write_text('[goals]\nask_follow_up = "2w"\n', encoding="utf-8")
    person(vault_dir, "Kim Lee", "tags: [person, climate]\ncompany: Volta\nlast_contact: 2026-11-01\n")
    person(
        vault_dir,
        "Ann Ode",
        "tags: [person, rust]\ncompany: Acme\n",
        "## Log\n- 2026-10-02 call: her new team\n",
    )
    person(
        vault_dir,
        "Ines Carvalho",
        "tags: [person, climate]\nstatus: prospect\nwhy: runs the cold-chain sensor lab in Porto\nvia: '[[Kim Lee]]'\n"
        "found: 2026-11-01\n",
        "## Notes\nWrote the sensor paper everyone cites.\n",
    )
    person(
        vault_dir,
        "Dara Okafor",
        "tags: [person, rust]\ncompany: acme\nstatus: prospect\nwhy: staff engineers\n",
    )
    person(
        vault_dir, "Pat Moss", "status: asked\n", "## Log\n- 2026-11-01 asked: email: coffee at the lab?\n"
    )
    return vault_dir


async def reach_out(vault: Path, tmp_path: Path, name: str, today: str = TODAY) -> str:
    settings = Settings(str(vault), today, str(tmp_path / "index.sqlite"), debug=False)
    server: Any = build_server(settings.open_workspace)
    async with Client(server) as client:
        result = await client.get_prompt("draft_reach_out", {"name": name})
    (message,) = result.messages
    return str(message.content.text)


async def test_a_prospect_with_why_and_via_gets_a_first_contact(vault: Path, tmp_path: Path) -> None:
    text = await reach_out(vault, tmp_path, "Ines")
    assert text.startswith("Help me write a first message to Ines Carvalho, whom I have not met yet")
    assert "giving before it asks" in text and "humble" in text and "specific" in text
    assert "## Why I want to meet Ines Carvalho\nruns the cold-chain sensor lab in Porto\n" in text
    assert "## Who could introduce us\n- Kim Lee: named in their note as the one to introduce us\n" in text
    # What you have in common does not stop at `via`: Kim also shares a tag with her.
    assert "## What we have in common\n- #climate, as Kim Lee in my network\n" in text
    assert "## Have I asked already?\nNot yet: this is the first message.\n" in text
    assert "Wrote the sensor paper everyone cites." in text  # the person's own context follows
    assert "to stay in touch" not in text


async def test_a_prospect_without_via_is_introduced_through_a_shared_company(
    vault: Path, tmp_path: Path
) -> None:
    text = await reach_out(vault, tmp_path, "Dara Okafor")
    assert "## Why I want to meet Dara Okafor\nstaff engineers\n" in text
    assert "## Who could introduce us\n- Ann Ode: works at acme; shares #rust\n" in text
    assert (
        "## What we have in common\n- works at acme, as Ann Ode in my network\n- #rust, as Ann Ode in my network\n"
        in text
    )
    assert "Kim Lee" not in text  # another company, no tag in common


async def test_an_asked_prospect_past_the_span_gets_one_gentle_follow_up(vault: Path, tmp_path: Path) -> None:
    before = await reach_out(vault, tmp_path, "Pat", today="2026-11-10")
    assert "Yes, on 2026-11-01 (9 days ago), and no answer yet. It is too soon to follow up" in before
    assert "after 2w" in before
    text = await reach_out(vault, tmp_path, "Pat")
    assert "## Why I want to meet Pat Moss\n(my notes do not say: ask me before drafting)\n" in text
    assert "- nobody in my notes: this would be a cold message" in text
    assert (
        "Yes, on 2026-11-01 (21 days ago), with no answer. Instead of a first message, write the one gentle"
        in text
    )
    assert "- 2026-11-01 asked: email: coffee at the lab? (from Pat Moss)" in text
    write_note(
        vault,
        "People/Pat Moss.md",
        "---\nstatus: asked\n---\n# Pat Moss\n## Log\n- 2026-11-16 asked: a follow-up\n"
        "- 2026-11-01 asked: email: coffee at the lab?\n",
    )
    after = await reach_out(vault, tmp_path, "Pat")
    assert (
        "Yes, on 2026-11-01, 2026-11-16, and I followed up once with no answer. Do not draft another" in after
    )
    assert "write the one gentle" not in after


async def test_an_existing_person_keeps_the_stay_in_touch_prompt(vault: Path, tmp_path: Path) -> None:
    text = await reach_out(vault, tmp_path, "Ann")
    assert text.startswith("Help me write a short message to Ann Ode to stay in touch.")
    assert "- 2026-10-02 call: her new team (from Ann Ode)" in text
    for section in ("## Why I want to meet", "## Who could introduce us", "## Have I asked already?"):
        assert section not in text


async def test_common_ground_names_a_few_then_counts(vault_dir: Path, tmp_path: Path) -> None:
    for n in range(5):
        person(vault_dir, f"Friend {n}", f"tags: [person, friend]\nlast_contact: 2026-11-0{n + 1}\n")
    person(vault_dir, "Sam", "tags: [friend]\nstatus: prospect\nvia: '[[Friend 0]]'\n")
    text = await reach_out(vault_dir, tmp_path, "Sam")
    assert "## Who could introduce us\n- Friend 0: named in their note as the one to introduce us\n\n" in text
    assert "- #friend, as Friend 4, Friend 3, Friend 2 and 2 more in my network\n\n" in text
