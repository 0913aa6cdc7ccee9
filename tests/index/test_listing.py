"""`vault list` as the index answers it (each person's stored summary, read as SQLite sorts
them, one at a time) against the rule `profiles.summarize` applies to every person: the same
people, in the same order, with the same dates, whatever the day, the tag or the cut."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.index.random_vaults import DAYS, random_vault
from vaultkit.model import has_tag, tag_key
from vaultkit.profiles import ListedPerson, summarize
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace


@pytest.mark.parametrize("seed", range(6))
def test_the_listing_gives_what_the_rule_gives(vault_dir: Path, tmp_path: Path, seed: int) -> None:
    random_vault(vault_dir, seed)
    rng = random.Random(seed)
    for _ in range(8):
        today = rng.choice(DAYS)
        tag = rng.choice([None, None, "family", "FRIEND", "work", "#client"])
        limit = rng.choice([1, 5, 100])
        workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", today)
        try:
            workspace.sync()
            expected = [
                ListedPerson(
                    p.name, p.path, p.last_contact, summarize(p, workspace.config, today).due_on, p.fields
                )
                for p in workspace.index.people(today, with_fields=True)
                if tag is None or has_tag(p.tags, tag_key(tag))
            ]
            listed = workspace.listed_people(tag)
            page = workspace.listed_page(tag, limit=limit)
            first = list(workspace.iter_listed(tag, limit=limit))
        finally:
            workspace.close()
        context = f"today {today}, tag {tag}, limit {limit}"
        assert listed == expected, context
        assert page == (expected[:limit], len(expected)), context
        assert first == expected[:limit], context
        assert any(p.due_on for p in expected) or tag, context  # (the vault has people due)
