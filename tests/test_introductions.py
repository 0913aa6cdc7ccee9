"""`vaultkit.introductions`: both kinds of introduction, read from the index (what `vault show` counts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from vaultkit.introductions import IntroPair, intro_pairs, introductions_of, make_pair, name_resolver
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace


def workspace(root: Path, tmp_path: Path) -> Workspace:
    space = Workspace(Vault(root), tmp_path / "index.sqlite", dt.date(2026, 11, 22))
    space.sync()
    return space


def test_a_pair_reads_the_same_from_either_note() -> None:
    one = make_pair("Charles Babbage", "ada lovelace", dt.date(2026, 11, 20))
    assert one == make_pair("ada lovelace", "Charles Babbage", dt.date(2026, 11, 20))
    assert one == IntroPair("ada lovelace", "Charles Babbage", dt.date(2026, 11, 20))


def test_names_resolve_by_name_then_unique_alias() -> None:
    resolve = name_resolver([("Ada Lovelace", ["Ada"]), ("Ada King", ["Ada"]), ("Charles Babbage", ["CB"])])
    assert resolve("[[People/ada lovelace") == "Ada Lovelace"  # a link target's last part
    assert resolve("cb") == "Charles Babbage"
    assert resolve("Ada") == "Ada"  # two people: left as written
    assert resolve("Nobody/Here ") == "Here"


def test_introductions_of_counts_both_ways(vault_dir: Path, make_person, tmp_path: Path) -> None:
    entry = "## Log\n- 2026-11-20 intro: introduced to [[{}]]: engines\n"
    make_person("Ada Lovelace", entry.format("Charles Babbage"))
    make_person("Charles Babbage", entry.format("Ada Lovelace"))
    make_person("Grace Hopper", introduced_by='"[[Ada Lovelace]]"', met="2026-10-01")
    space = workspace(vault_dir, tmp_path)
    assert intro_pairs(space.index) == [IntroPair("Ada Lovelace", "Charles Babbage", dt.date(2026, 11, 20))]
    ada = space.index.person("People/Ada Lovelace.md", space.today)
    assert introductions_of(space.index, ada, space.today).to_json() == {
        "made_by_them": 1,
        "made_for_them": 1,
        "introduced_you_to": ["Grace Hopper"],
        "you_introduced_them_to": [{"name": "Charles Babbage", "date": "2026-11-20"}],
        "introduced_by": [],
    }
    # An introduction dated after today is not made yet, as the figures count it.
    assert introductions_of(space.index, ada, dt.date(2026, 11, 19)).to_json()["made_for_them"] == 0
    grace = space.index.person("People/Grace Hopper.md", space.today)
    assert introductions_of(space.index, grace, space.today).introduced_by == ["Ada Lovelace"]
