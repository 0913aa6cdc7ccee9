"""The index's stored due dates pick the same people as the plain due rules, always."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench.generate import generate
from vaultkit.dates import parse_cadence
from vaultkit.due import due_items
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace

DAYS = [dt.date(2026, 11, 22), dt.date(2025, 6, 1), dt.date(2022, 1, 1), dt.date(2026, 12, 31)]


def plain_due(workspace: Workspace, within: str | None) -> list[str]:
    horizon = parse_cadence(within) if within else None
    people = workspace.index.people(workspace.today)
    return [item.name for item in due_items(people, workspace.config, workspace.today, horizon)]


def fast_due(workspace: Workspace, within: str | None) -> list[str]:
    return [item.name for item in workspace.due(within=within)]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(400, tmp_path_factory.mktemp("synthetic") / "vault", seed=7)


def open_workspace(root: Path, index: Path, today: dt.date) -> Workspace:
    workspace = Workspace(Vault(root), index, today)
    workspace.sync()
    return workspace


@pytest.mark.parametrize("today", DAYS)
@pytest.mark.parametrize("within", [None, "2w"])
def test_stored_due_dates_agree_with_the_rules(
    synthetic: Path, tmp_path: Path, today: dt.date, within: str | None
) -> None:
    workspace = open_workspace(synthetic, tmp_path / "index.sqlite", today)
    expected = plain_due(workspace, within)
    assert expected, "the synthetic vault should have someone due"
    assert fast_due(workspace, within) == expected


def test_agreement_survives_edits_and_config_changes(synthetic: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "vault"
    shutil.copytree(synthetic, root)
    index = tmp_path / "index.sqlite"
    today = dt.date(2026, 11, 22)
    workspace = open_workspace(root, index, today)
    due_before = fast_due(workspace, None)
    first = due_before[0]
    workspace.log(first, "caught up over coffee", channel="coffee")
    assert first not in fast_due(workspace, None)
    assert fast_due(workspace, None) == plain_due(workspace, None)
    workspace.close()
    # A contact made in a daily note counts for the person it links.
    second = due_before[1]
    (root / "Daily" / "2026-11-21.md").write_text(f"- lunch with [[{second}]]\n", encoding="utf-8")
    workspace = open_workspace(root, index, today)
    assert second not in fast_due(workspace, None)
    assert fast_due(workspace, None) == plain_due(workspace, None)
    workspace.close()
    # A new tag cadence changes who is due without any note changing.
    (root / "vaultkit.toml").write_text('[cadence_by_tag]\nfriend = "1w"\n', encoding="utf-8")
    workspace = open_workspace(root, index, today)
    assert fast_due(workspace, None) == plain_due(workspace, None)
    assert len(fast_due(workspace, None)) != len(due_before)


def test_new_notes_get_the_usual_file_mode(cli, vault_dir: Path) -> None:  # type: ignore[no-untyped-def]
    import os
    import stat

    mask = os.umask(0o022)
    try:
        assert cli("add", "Ada Lovelace").exit_code == 0
    finally:
        os.umask(mask)
    mode = stat.S_IMODE((vault_dir / "People" / "Ada Lovelace.md").stat().st_mode)
    assert mode == 0o644


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 22), dt.date(2026, 12, 20), dt.date(2027, 2, 10), dt.date(2028, 2, 10)]
)
def test_birthday_candidates_find_every_upcoming_birthday(
    synthetic: Path, tmp_path: Path, today: dt.date
) -> None:
    from vaultkit.views.builtin import upcoming_birthdays, upcoming_birthdays_of

    workspace = open_workspace(synthetic, tmp_path / "index.sqlite", today)
    everyone = upcoming_birthdays(workspace.index.people(today), today)
    assert everyone, "the synthetic vault should have a birthday coming"
    assert upcoming_birthdays_of(workspace) == everyone


def test_a_leap_day_birthday_is_found_in_a_common_year(tmp_path: Path) -> None:
    from vaultkit.views.builtin import upcoming_birthdays_of

    root = tmp_path / "vault"
    (root / "People").mkdir(parents=True)
    (root / "People" / "Leap.md").write_text("---\nbirthday: 2000-02-29\n---\n", encoding="utf-8")
    workspace = open_workspace(root, tmp_path / "index.sqlite", dt.date(2027, 2, 1))
    assert [(b.name, b.on) for b in upcoming_birthdays_of(workspace)] == [("Leap", dt.date(2027, 2, 28))]


def test_upcoming_birthdays_leave_out_archived_people_and_give_ages_when_the_year_is_known(
    tmp_path: Path,
) -> None:
    from vaultkit.views.builtin import upcoming_birthdays, upcoming_birthdays_of

    root = tmp_path / "vault"
    (root / "People").mkdir(parents=True)
    notes = {
        "Gone": "birthday: 1990-11-25\narchived: true",
        "Yearless": "birthday: --11-24",
        "Born": "birthday: 1990-11-23",
        "Newborn": "birthday: 2026-11-30",
    }
    for name, front in notes.items():
        (root / "People" / f"{name}.md").write_text(f"---\n{front}\n---\n", encoding="utf-8")
    today = dt.date(2026, 11, 22)
    workspace = open_workspace(root, tmp_path / "index.sqlite", today)
    found = upcoming_birthdays_of(workspace)
    assert [(b.name, b.days, b.age) for b in found] == [
        ("Born", 1, 36),
        ("Yearless", 2, None),
        ("Newborn", 8, None),
    ]
    assert found == upcoming_birthdays(workspace.index.people(today), today)
