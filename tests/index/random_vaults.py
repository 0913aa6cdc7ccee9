"""A random vault of forty people for the tests that hold what the index answers (`vault
due`, `vault list`) to the rules applied to every person."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from tests.conftest import write_note

CADENCES = ["1w", "2w", "10d", "1m", "6w", "quarterly", "1y", "none", "3m", "often"]
TAGS = ["friend", "family", "family/cousins", "Work", "#client", "work/old"]
DAYS = [dt.date(2026, 11, 22) + dt.timedelta(days=n) for n in range(-400, 60, 7)]


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
