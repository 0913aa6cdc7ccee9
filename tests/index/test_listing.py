"""`vault list` as the index answers it (each person's stored summary, read as SQLite sorts
them, one at a time) against the rule `profiles.summarize` applies to every person: the same
people, in the same order, with the same dates, whatever the day, the tag or the cut."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.index.random_vaults import DAYS, random_vault
from vaultkit.model import has_tag, tag_key
from vaultkit.notes.parse import named_by
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


# Front matter whose values SQLite's `lower` cannot fold as Python's `casefold` does, that
# JSON escapes, or that are not text: `--where` must find each one the rule finds.
_AWKWARD = {
    "Ana": 'location: ZÜRICH\nnick: Bob "the" Builder',
    "Ben": "location: Straße\npath: 'C:\\dir'",
    "Cai": "location: \u212aiel\nmeta: {a: b}",  # (a Kelvin sign: `casefold` makes it k)
    "Dee": "location: [Paris, LONDON]\nnote: moving to Tokyo",
    "Eve": "location: Tokyo\ncompany: Acme",
    "Fay": "location: tokyo ",
    "Gus": "location: Zürich\ncompany: ''",
    "Hal": 'location: "[[Places/London|LDN]]"\ncompany: "[[Orgs/ACME Corp.md#HQ|the firm]]"',
    "Ivy": "location: '[[Straße]]'\ncompany: acme   corp",
}
_WANTED = ["location=zürich", "location=STRASSE", "location=kiel", "location=london", "location=tokyo",
           'nick=bob "THE" builder', "path=c:\\DIR", "meta={'a': 'b'}", "company=", "company=acme",
           "location=Tokyo ", "note=moving to tokyo", "location=[[London]]", "company=Acme Corp",
           "company=[[acme  corp]]", "location=strasse"]  # fmt: skip


def _meets(value: object, wanted: str) -> bool:
    """The `--where` rule, written out for the test: any item of a list; a missing key is
    empty; a value names what it names (`named_by`: a link its note's name), case-folded."""
    if value is None:
        return wanted == ""
    if isinstance(value, list):
        return any(_meets(item, wanted) for item in value)
    return named_by(str(value)).casefold() == named_by(wanted).casefold()


def test_where_finds_what_the_rule_finds(vault_dir: Path, tmp_path: Path) -> None:
    (vault_dir / "People").mkdir(exist_ok=True)
    for name, front in _AWKWARD.items():
        (vault_dir / "People" / f"{name}.md").write_text(f"---\n{front}\n---\n# {name}\n", encoding="utf-8")
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", DAYS[0])
    try:
        workspace.sync()
        everyone = workspace.listed_people()
        for condition in _WANTED:
            key, wanted = condition.split("=", 1)
            expected = [p.name for p in everyone if _meets(p.fields.get(key.strip()), wanted.strip())]
            assert [p.name for p in workspace.listed_people(where=[condition])] == expected, condition
            assert expected, condition  # (each finds someone)
    finally:
        workspace.close()
