"""Introductions, both kinds: those you made (`intro:` Log entries, `vault intro`) and those
made for you (a person's `introduced_by`).

Below the workspace, so that `vault show` can count a person's introductions; the
network figures (`vaultkit.insights`) read them from here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vaultkit.model import Person, name_key

if TYPE_CHECKING:
    from vaultkit.index.core import Index
    from vaultkit.profiles import Introductions

INTRO_CHANNEL = "intro"


@dataclass(frozen=True)
class IntroPair:
    """An introduction you made between two people (names in alphabetical order)."""

    a: str
    b: str
    date: dt.date

    def to_json(self) -> dict[str, Any]:
        """The spec's pair object."""
        return {"a": self.a, "b": self.b, "date": self.date.isoformat()}


@dataclass(frozen=True)
class IntroReceived:
    """Someone introduced you to a person (their `introduced_by`); `met` dates it."""

    introducer: str
    person: str
    met: dt.date | None


# -- introductions ------------------------------------------------------------------------
def name_resolver(names: Iterable[tuple[str, Sequence[str]]]) -> Callable[[str], str]:
    """From (name, aliases) of everyone, a function from a written name or link target to a
    person's name (names first, then unique aliases); text that matches nobody comes back
    as written."""
    by_name: dict[str, str] = {}
    by_alias: dict[str, set[str]] = {}
    for name, aliases in names:
        by_name.setdefault(name_key(name), name)
        for alias in aliases:
            by_alias.setdefault(name_key(alias), set()).add(name)

    def resolve(text: str) -> str:
        key = name_key(text).rsplit("/", 1)[-1]
        if key in by_name:
            return by_name[key]
        owners = by_alias.get(key, set())
        if len(owners) == 1:
            return next(iter(owners))
        return text.rsplit("/", 1)[-1].strip()

    return resolve


def introductions_received(
    introduced: Iterable[tuple[str, Sequence[str], dt.date | None]], resolve: Callable[[str], str]
) -> list[IntroReceived]:
    """Every (introducer, person) from (person, `introduced_by` as written, `met`), by date then names."""
    found = [
        IntroReceived(resolve(introducer), name, met)
        for name, introducers, met in introduced
        for introducer in introducers
        if introducer.strip()
    ]
    found.sort(key=lambda r: (r.met or dt.date.min, r.person.casefold(), r.introducer.casefold()))
    return found


def make_pair(first: str, second: str, date: dt.date) -> IntroPair:
    """An IntroPair with its names in a stable order, whichever note it was read from."""
    a, b = sorted((first, second), key=lambda name: (name_key(name), name))
    return IntroPair(a, b, date)


def intro_pairs(index: Index, names: dict[str, str] | None = None) -> list[IntroPair]:
    """Introductions you made, read from `intro:` Log entries in either person's note.

    The first person an entry links to (other than the note's own person) is the one they
    were introduced to; the entries `vault intro` writes in both notes count once. `names`
    maps note paths to people's names when the caller has it.
    """
    if names is None:
        names = {path: name for path, name, _ in index.names()}
    seen: set[tuple[str, int]] = set()
    pairs: set[IntroPair] = set()
    for src, line, date, _target, linked in index.log_entry_links(INTRO_CHANNEL):
        if (src, line) in seen or linked is None or linked == src or src not in names or linked not in names:
            continue
        seen.add((src, line))
        pairs.add(make_pair(names[src], names[linked], date))
    return sorted(pairs, key=lambda p: (p.date, name_key(p.a), name_key(p.b)))


def introductions_of(index: Index, person: Person) -> Introductions:
    """A person's introductions, both ways: the `introductions` object of `vault show --json`."""
    from vaultkit.profiles import IntroducedTo, Introductions

    # Names only: working out everyone's last contact (Workspace.people) would double `vault show`'s time.
    everyone = index.names()
    by_you = [
        IntroducedTo(pair.b if pair.a == person.name else pair.a, pair.date)
        for pair in intro_pairs(index, {path: name for path, name, _ in everyone})
        if person.name in (pair.a, pair.b)
    ]
    resolve = name_resolver((name, aliases) for _, name, aliases in everyone)
    received = introductions_received(index.introduced_by(), resolve)
    return Introductions(
        introduced_you_to=[item.person for item in received if item.introducer == person.name],
        you_introduced_them_to=by_you,
        introduced_by=[item.introducer for item in received if item.person == person.name],
    )
