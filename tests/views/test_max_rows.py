"""`[views] max_rows`: each section of Due.md, the weekly review and Network.md lists at
most that many entries, then one line saying how many more and which command shows them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_note

from vaultkit.config import Config, config_from_dict
from vaultkit.errors import ConfigError

FIVE = ("Anna", "Bruno", "Carla", "Dora", "Emil")


@pytest.fixture
def crowded_vault(vault_dir: Path, make_person: Callable[..., Path]) -> Path:
    """Five of everything as of 2026-11-22 (week 2026-W47), and room for three in each list."""
    (vault_dir / "vaultkit.toml").write_text("[views]\nmax_rows = 3\n", encoding="utf-8")
    for first in FIVE:
        make_person(f"{first} Due", cadence="1m")  # never contacted: due now
        make_person(f"{first} Soon", cadence="2w", last_contact="2026-11-12", met="2026-11-17")
        make_person(f"{first} Born", birthday=f"--12-0{FIVE.index(first) + 1}")
    tasks = "".join(f"- [ ] Task {n} 📅 2026-11-0{n}\n" for n in range(1, 6))
    make_person("Zoe Tasks", body=f"## Notes\n{tasks}")
    write_note(vault_dir, "Meetings/2026-11-18 Sync.md", '---\npeople: ["[[Zoe Tasks]]"]\n---\n')
    return vault_dir


def section(text: str, heading: str) -> list[str]:
    """The lines of a section, up to the next heading or the end of the block."""
    body = text.split(f"## {heading}\n", 1)[1]
    lines = []
    for line in body.splitlines():
        if line.startswith(("#", "<!--")):
            break
        lines.append(line)
    return [line for line in lines if line]


def test_due_md_lists_max_rows_then_how_many_more(cli, crowded_vault: Path) -> None:
    result = cli("render")
    assert result.exit_code == 0, result.stderr
    text = (crowded_vault / "Due.md").read_text(encoding="utf-8")
    assert section(text, "Due now") == [
        "- [[Anna Due]]: never contacted, every month",
        "- [[Bruno Due]]: never contacted, every month",
        "- [[Carla Due]]: never contacted, every month",
        "- and 2 more: `vault due`",
    ]
    coming = section(text, "Coming up in the next 7 days")
    assert len(coming) == 4
    assert coming[-1] == "- and 2 more: `vault due --within 7d`"
    assert section(text, "Birthdays in the next 30 days") == [
        "- [[Anna Born]]: 2026-12-01, in 9 days",
        "- [[Bruno Born]]: 2026-12-02, in 10 days",
        "- [[Carla Born]]: 2026-12-03, in 11 days",
        "- and 2 more: `vault due --json`",
    ]
    followups = section(text, "Overdue follow-ups")
    assert followups[0] == "- [[Zoe Tasks]]: Task 1 (due 2026-11-01, 21 days over)"
    assert len(followups) == 4
    assert followups[-1] == "- and 2 more: `vault followups --overdue`"


def test_the_review_lists_max_rows_then_how_many_more(cli, crowded_vault: Path) -> None:
    result = cli("review")
    assert result.exit_code == 0, result.stderr
    # The summary counts everyone, not only those listed.
    assert result.stdout == (
        "Wrote Reviews/2026-W47.md: 5 new people (goal 1, streak 1 week), 1 meeting, "
        "5 due, 5 overdue follow-ups\n"
    )
    text = (crowded_vault / "Reviews/2026-W47.md").read_text(encoding="utf-8")
    assert section(text, "Due now") == [
        "- [[Anna Due]]: never contacted, every month",
        "- [[Bruno Due]]: never contacted, every month",
        "- [[Carla Due]]: never contacted, every month",
        "- and 2 more: `vault due`",
    ]
    new_people = section(text, "New people")
    assert new_people[1:] == [
        "- [[Anna Soon]], met 2026-11-17",
        "- [[Bruno Soon]], met 2026-11-17",
        "- [[Carla Soon]], met 2026-11-17",
        "- and 2 more: `vault list`",
    ]
    coming = section(text, "Coming due in the next 7 days")
    assert (len(coming), coming[-1]) == (4, "- and 2 more: `vault due --within 7d`")
    followups = section(text, "Overdue follow-ups")
    assert (len(followups), followups[-1]) == (4, "- and 2 more: `vault followups --overdue`")


def test_the_review_counts_every_ask_of_the_week_and_lists_max_rows(cli, vault_dir: Path) -> None:
    # It said "(2 asked this week)" of four, and listed two with no "and more".
    (vault_dir / "vaultkit.toml").write_text("[views]\nmax_rows = 2\n", encoding="utf-8")
    for name in ("Ann", "Bea", "Cy", "Dee"):
        assert cli("want", name).exit_code == 0
        assert cli("ask", name).exit_code == 0
    result = cli("review")
    assert result.stdout.endswith(", 4 to meet (4 asked this week)\n"), result.stdout
    assert json.loads(cli("review", "--json").stdout)["asked"] == 4
    text = (vault_dir / "Reviews/2026-W47.md").read_text(encoding="utf-8")
    assert [line for line in section(text, "People you want to meet") if "asked" in line][-3:] == [
        "- asked [[Ann]] on 2026-11-22",
        "- asked [[Bea]] on 2026-11-22",
        "- and 2 more asked: `vault prospects`",
    ]
    assert cli("render").exit_code == 0
    network = (vault_dir / "Network.md").read_text(encoding="utf-8")
    assert "This week: 4 asks made ([[Ann]], [[Bea]] and 2 more), 0 answered.\n" in network


def test_network_md_lists_at_most_max_rows_people(cli, crowded_vault: Path) -> None:
    result = cli("render")
    assert result.exit_code == 0, result.stderr
    text = (crowded_vault / "Network.md").read_text(encoding="utf-8")
    assert "Never contacted: [[Anna Due]], [[Bruno Due]], [[Carla Due]] and 2 more.\n" in text


def test_max_rows_defaults_to_100_and_must_be_a_whole_number_of_at_least_one() -> None:
    assert Config().max_rows == 100
    assert config_from_dict({"views": {"max_rows": 7}}).max_rows == 7
    assert config_from_dict({"views": {"max_rows": 7}}).view_path("due") == "Due.md"
    for bad in (0, -1, "3", 2.5, True):
        with pytest.raises(ConfigError) as err:
            config_from_dict({"views": {"max_rows": bad}})
        assert str(err.value) == "vaultkit.toml: views.max_rows must be a whole number ≥ 1"


def test_a_bad_max_rows_is_one_clear_error(cli, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text("[views]\nmax_rows = 0\n", encoding="utf-8")
    result = cli("render")
    assert result.exit_code != 0
    assert result.stderr == "vault: vaultkit.toml: views.max_rows must be a whole number ≥ 1\n"
