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

from vaultkit.model import INTRO_CHANNEL, Person, name_key, name_order, target_key

if TYPE_CHECKING:
    from vaultkit.index.core import Index
    from vaultkit.profiles import Introductions


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
    return lambda text: _resolved(text, by_name.get, lambda key: by_alias.get(key, set()))


def resolver_for(index: Index, texts: Iterable[str]) -> Callable[[str], str]:
    """`name_resolver` for these texts only, from the index in two queries: for the few
    names one person's introductions, or everyone's `introduced_by`, hold."""
    by_name, owners = index.names_for_keys(target_key(text) for text in texts)
    return lambda text: _resolved(text, by_name.get, lambda key: owners.get(key, set()))


def received_introductions(index: Index) -> list[IntroReceived]:
    """Every introduction made for you (`introduced_by`), from the people who have one."""
    rows = [(name, by, met) for _, name, by, met in index.introduced_by()]
    return introductions_received(rows, resolver_for(index, (text for _, by, _ in rows for text in by)))


def _resolved(
    text: str, name_of: Callable[[str], str | None], alias_owners: Callable[[str], set[str]]
) -> str:
    """A written name or link target as a person's name: by name, else by an alias only one
    name has, else as written (its last part)."""
    key = target_key(text)
    name = name_of(key)
    if name is not None:
        return name
    owners = alias_owners(key)
    return next(iter(owners)) if len(owners) == 1 else text.rsplit("/", 1)[-1].strip()


def introductions_received(
    introduced: Iterable[tuple[str, Sequence[str], dt.date | None]], resolve: Callable[[str], str]
) -> list[IntroReceived]:
    """Every (introducer, person) from (person, `introduced_by` as written, `met`), by date
    then names; a person who names themselves introduced nobody (as `vault intro` refuses)."""
    found = [
        IntroReceived(by, name, met)
        for name, introducers, met in introduced
        for by in (resolve(introducer) for introducer in introducers if introducer.strip())
        if name_key(by) != name_key(name)
    ]
    found.sort(key=lambda r: (r.met or dt.date.min, r.person.casefold(), r.introducer.casefold()))
    return found


def make_pair(first: str, second: str, date: dt.date) -> IntroPair:
    """An IntroPair with its names in a stable order, whichever note it was read from."""
    a, b = sorted((first, second), key=lambda name: (name_key(name), name))
    return IntroPair(a, b, date)


def intro_pairs(
    index: Index, names: dict[str, str] | None = None, person: str | None = None
) -> list[IntroPair]:
    """Introductions you made, read from `intro:` Log entries in either person's note (with
    `person`, a note path: only the entries in that note or linking to it).

    The first person an entry links to (other than the note's own person) is the one they
    were introduced to; the entries `vault intro` writes in both notes count once. `names`
    maps note paths to people's names when the caller has it.
    """
    rows = index.log_entry_links(INTRO_CHANNEL, person)
    if names is None:
        names = index.names_of({path for row in rows for path in (row[0], row[4]) if path})
    seen: set[tuple[str, int]] = set()
    pairs: set[IntroPair] = set()
    for src, line, date, _target, linked in rows:
        if (src, line) in seen or linked is None or linked == src or src not in names or linked not in names:
            continue
        seen.add((src, line))
        pairs.add(make_pair(names[src], names[linked], date))
    return sorted(pairs, key=lambda p: (p.date, name_order(p.a), name_order(p.b)))


def introductions_of(index: Index, person: Person, today: dt.date) -> Introductions:
    """A person's introductions, both ways: the `introductions` object of `vault show --json`
    (the ones you made up to `today`, as the figures count them)."""
    from vaultkit.profiles import IntroducedTo, Introductions

    # Only the rows that can concern this person: a few, however large the vault.
    by_you = [
        IntroducedTo(pair.b if pair.a == person.name else pair.a, pair.date)
        for pair in intro_pairs(index, person=person.path)
        if person.name in (pair.a, pair.b) and pair.date <= today
    ]
    keys = {name_key(person.name), *(name_key(alias) for alias in person.aliases)}
    named = [(name, by, met) for path, name, by, met in index.introduced_by(keys) if path != person.path]
    own = (person.name, person.introduced_by, person.met)
    rows = [*named, own]
    received = introductions_received(rows, resolver_for(index, (text for _, by, _ in rows for text in by)))
    return Introductions(
        introduced_you_to=[item.person for item in received if item.introducer == person.name],
        you_introduced_them_to=by_you,
        introduced_by=[item.introducer for item in received if item.person == person.name],
    )
