"""`vault due` as the index answers it (ordered, cut and counted in SQL, the odd people worked
out in Python) against the rules of `vaultkit.due` applied to every person: the same people,
in the same order, with the same figures, whatever the day, the horizon, the tag or the cut."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from conftest import write_note

from tests.index.random_vaults import DAYS, random_vault
from vaultkit.dates import parse_cadence
from vaultkit.due import due_items
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace


@pytest.mark.parametrize("seed", range(6))
def test_the_index_gives_who_the_rules_give(vault_dir: Path, tmp_path: Path, seed: int) -> None:
    random_vault(vault_dir, seed)
    rng = random.Random(seed)
    for _ in range(8):
        today = rng.choice(DAYS)
        within = rng.choice([None, "7d", "1m"])
        tag = rng.choice([None, "family", "FRIEND", "work", "#client"])
        limit = rng.choice([None, 1, 5, 100])
        kind = rng.choice([None, None, "never", "late", "today", "coming"])
        workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", today)
        try:
            workspace.sync()
            horizon = parse_cadence(within) if within else None
            expected = due_items(workspace.index.people(today), workspace.config, today, horizon, tag)
            expected = [item for item in expected if kind is None or item.kind(today) == kind]
            page = workspace.due_page(within, tag, limit=limit, kind=kind)
        finally:
            workspace.close()
        context = f"today {today}, within {within}, tag {tag}, limit {limit}, kind {kind}"
        assert page.items == expected[:limit], context
        assert page.total == len(expected), context
        assert page.latest == max((i.due_on for i in expected if i.due_on), default=None), context


def test_a_page_sees_notes_written_since_the_last_page(vault_dir: Path, tmp_path: Path) -> None:
    # The people whose stored date cannot say are kept between pages; a write must renew them.
    note = "---\ncadence: 1m\nlast_contact: 2026-01-01\n---\n# Ada\n\n## Log\n"
    write_note(vault_dir, "People/Ada.md", note)
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", dt.date(2026, 11, 22))
    try:
        workspace.sync()
        assert [(i.name, i.last_contact) for i in workspace.due_page().items] == [
            ("Ada", dt.date(2026, 1, 1))
        ]
        # A contact dated after today does not count yet: Ada is still due, from her stored date.
        write_note(vault_dir, "People/Ada.md", note + "- 2026-12-05 call: planned\n")
        workspace.sync()
        page = workspace.due_page()
    finally:
        workspace.close()
    assert [(i.name, i.last_contact) for i in page.items] == [("Ada", dt.date(2026, 1, 1))]
    assert page.total == 1


def test_a_kept_page_gives_shorter_ones_until_notes_are_written(vault_dir: Path, tmp_path: Path) -> None:
    for number in range(5):
        note = f"---\ncadence: 1w\nlast_contact: 2026-0{number + 1}-01\n---\n# P{number}\n\n## Log\n"
        write_note(vault_dir, f"People/P{number}.md", note)
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", dt.date(2026, 11, 22))
    try:
        workspace.sync()
        first, shorter = workspace.due_page(limit=4), workspace.due_page(limit=2)
        assert [i.name for i in first.items] == ["P0", "P1", "P2", "P3"]
        assert (shorter.items, shorter.total, shorter.latest) == (first.items[:2], 5, first.latest)
        write_note(
            vault_dir, "People/P0.md", "---\ncadence: 1w\n---\n# P0\n\n## Log\n- 2026-11-20 call: hi\n"
        )
        workspace.sync()
        after = workspace.due_page(limit=2)
    finally:
        workspace.close()
    assert ([i.name for i in after.items], after.total) == (["P1", "P2"], 4)
