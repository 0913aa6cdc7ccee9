"""`vault list` as the index answers it (each person's stored summary, read as SQLite sorts
them, one at a time) against the rule `profiles.summarize` applies to every person: the same
people, in the same order, with the same dates, whatever the day, the tag or the cut."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from conftest import write_note

from vaultkit.model import has_tag, tag_key
from vaultkit.profiles import ListedPerson, summarize
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace

CADENCES = ["1w", "2w", "10d", "1m", "quarterly", "1y", "none", "often"]
TAGS = ["friend", "family", "family/cousins", "Work", "#client", "work/old"]
DAYS = [dt.date(2026, 11, 22) + dt.timedelta(days=n) for n in range(-400, 60, 9)]


def random_vault(root: Path, seed: int) -> None:
    """Forty people with every kind of date the rule reads (own, tag, default and unreadable
    cadences, contacts after today in their Log and in meeting notes, snoozes before and
    after, met only, never contacted), some archived, some prospects, names that sort apart
    from their paths, and front matter as written (lists, nested values, none at all)."""
    rng = random.Random(seed)
    (root / "vaultkit.toml").write_text(
        'default_cadence = "2m"\n[cadence_by_tag]\nfamily = "2w"\nwork = "none"\nfriend = "1m"\n',
        encoding="utf-8",
    )
    names = []
    for number in range(40):
        lines = []
        if rng.random() < 0.4:
            lines.append(f"cadence: {rng.choice(CADENCES)}")
        tags = rng.sample(TAGS, rng.randint(0, 2))
        if tags:
            lines.append(f"tags: [{', '.join(repr(t) for t in tags)}]")
        for key, chance in (("met", 0.5), ("last_contact", 0.3), ("snooze_until", 0.2)):
            if rng.random() < chance:
                lines.append(f"{key}: {rng.choice(DAYS).isoformat()}")
        if rng.random() < 0.1:
            lines.append("archived: true")
        if rng.random() < 0.1:
            lines.append(f"status: {rng.choice(['prospect', 'asked', 'met'])}")
        if rng.random() < 0.3:
            lines.append('company: "Acme, Ltd."\nlinks: {site: [a, b]}')
        log = [f"- {rng.choice(DAYS).isoformat()} call: hello" for _ in range(rng.randint(0, 3))]
        name = f"{rng.choice(['Ada', 'ada', 'Ádám', 'Bo', 'Zoë', 'émile'])} {number:02d}"
        names.append(name)
        head = "---\n" + "".join(f"{line}\n" for line in lines) + "---\n" if lines else ""
        write_note(root, f"People/{name}.md", f"{head}# {name}\n\n## Log\n" + "\n".join(log) + "\n")
    for number, day in enumerate((DAYS[0], DAYS[len(DAYS) // 2], DAYS[-1])):  # never met, snoozed
        write_note(root, f"People/Snoozed {number}.md", f"---\ncadence: 1m\nsnooze_until: {day}\n---\n")
    for number in range(6):
        day = rng.choice(DAYS).isoformat()
        people = ", ".join(f'"[[{name}]]"' for name in rng.sample(names, 2))
        write_note(root, f"Meetings/{day} Meeting {number}.md", f"---\npeople: [{people}]\n---\n# Met\n")


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
