"""Who is due: pure functions of the people, the config and a date (spec §1 "Due")."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import NamedTuple

from vaultkit.config import Config
from vaultkit.dates import Cadence, days_text, parse_cadence
from vaultkit.model import DueItem, Person, has_tag, is_prospect, name_order, tag_key

_UNIT_WORDS = {"d": "day", "w": "week", "m": "month", "y": "year"}


def resolve_cadence(person: Person, config: Config) -> tuple[Cadence, str] | None:
    """The person's cadence and where it came from (`own`, `tag:NAME`, `default`), or None.

    Their own cadence wins (`none` opts out); else the shortest of their tags' cadences (a
    tag set to `none` opts its people out); else `default_cadence`. A prospect (someone you
    want to meet) has none: this is the one rule that keeps them from ever being due.
    """
    if is_prospect(person.status):
        return None
    if person.cadence:
        try:
            own = parse_cadence(person.cadence)
        except ValueError:
            own = None
        return (own, "own") if own else None
    matches: list[tuple[int, str, Cadence]] = []
    for key, text in config.cadence_by_tag:
        if not text or not has_tag(person.tags, key):
            continue
        cadence = parse_cadence(text)
        if cadence is None:
            return None
        matches.append((cadence.nominal_days, key, cadence))
    if matches:
        _, key, cadence = min(matches, key=lambda m: (m[0], m[1]))
        return cadence, f"tag:{key}"
    if config.default_cadence:
        default = parse_cadence(config.default_cadence)
        return (default, "default") if default else None
    return None


def due_base(start: dt.date | None, snooze: dt.date | None, cadence: Cadence) -> dt.date | None:
    """The day a person with a cadence is due, whatever today is: the cadence after `start`
    (their last contact, else the day met), moved later by a snooze; None with no start."""
    when = cadence.add_to(start) if start else None
    if when is not None and snooze and snooze > when:
        when = snooze
    return when


def snoozed(person: Person, today: dt.date) -> bool:
    """Whether a person is snoozed as of `today`: not to be reminded of before `snooze_until`
    (not due, and left out of `vault suggest` and Due.md's asks to follow up)."""
    return person.snooze_until is not None and person.snooze_until > today


def snooze_changes_nothing(person: Person) -> str | None:
    """Why snoozing `person` changes nothing anywhere (`archived: never due nor suggested`),
    or None: any other is left out of `vault suggest` until the snooze ends."""
    return "archived: never due nor suggested" if person.archived else None


def snooze_moves_no_due_date(person: Person, config: Config, until: dt.date) -> str | None:
    """Why snoozing `person` until `until` does not move the day they are due (`no cadence:
    never due`, `not due before 2027-10-01 anyway`), or None when it does."""
    if person.archived:
        return "archived: never due"
    if is_prospect(person.status):
        return "a prospect: never due"
    resolved = resolve_cadence(person, config)
    if resolved is None:
        return "no cadence: never due"
    unsnoozed = due_base(
        person.last_contact or person.met, None, resolved[0]
    )  # (any snooze of theirs replaced)
    if unsnoozed is not None and unsnoozed >= until:
        return f"not due before {unsnoozed.isoformat()} anyway"
    return None


def due_on(person: Person, cadence: Cadence, today: dt.date) -> tuple[dt.date | None, int]:
    """(due_on, cadence_days) of a person with a cadence, snooze applied (`due_when`)."""
    start = person.last_contact or person.met
    when = due_when(due_base(start, person.snooze_until, cadence), person.snooze_until, today)
    return when, period_days(cadence.text, start)


def due_when(base: dt.date | None, snooze: dt.date | None, today: dt.date) -> dt.date | None:
    """`due_base` as of `today`: someone never met nor contacted is due at once, unless
    snoozed past today: then on the snooze's day. (The index stores `due_base`.)"""
    if base is None and snooze and snooze > today:
        return snooze
    return base


@functools.lru_cache(maxsize=65536)  # a few cadences times a few thousand days, at 100,000 people
def period_days(cadence: str, start: dt.date | None) -> int:
    """The length in days of one cadence (resolved, as text) from `start`: `Cadence.days_from`."""
    parsed = parse_cadence(cadence)
    assert parsed is not None, cadence
    return parsed.days_from(start)


class DueRow(NamedTuple):
    """A person with a cadence, as far as being due goes: what the index stores, or what
    `due_items` works out from a Person."""

    name: str
    path: str
    tags: list[str]
    cadence: str  # resolved (`resolve_cadence`), as text
    source: str  # own, tag:NAME or default
    last_contact: dt.date | None  # on or before today
    last_channel: str | None
    met: dt.date | None
    snooze_until: dt.date | None
    base: dt.date | None  # `due_base`


def due_items(
    people: Iterable[Person],
    config: Config,
    today: dt.date,
    within: Cadence | None = None,
    tag: str | None = None,
) -> list[DueItem]:
    """Everyone due on `today` (or within the horizon), in the spec's order."""
    rows = []
    for person in people:
        if person.archived or (resolved := resolve_cadence(person, config)) is None:
            continue
        cadence, source = resolved
        start = person.last_contact or person.met
        base = due_base(start, person.snooze_until, cadence)
        rows.append(
            DueRow(
                person.name, person.path, person.tags, cadence.text, source, person.last_contact,
                person.last_channel, person.met, person.snooze_until, base,
            )
        )  # fmt: skip
    return due_items_of(rows, today, within.add_to(today) if within else None, tag)


def due_items_of(
    rows: Iterable[DueRow], today: dt.date, horizon: dt.date | None = None, tag: str | None = None
) -> list[DueItem]:
    """The DueItems of the rows due on `today` (or by `horizon`), in the spec's order."""
    horizon = horizon or today
    wanted = tag_key(tag) if tag else None
    items: list[DueItem] = []
    for row in rows:
        if wanted and not has_tag(row.tags, wanted):
            continue
        when = due_when(row.base, row.snooze_until, today)
        if when is not None and when > horizon:
            continue
        items.append(
            DueItem(
                name=row.name,
                path=row.path,
                cadence=row.cadence,
                cadence_source=row.source,
                cadence_days=period_days(row.cadence, row.last_contact or row.met),
                last_contact=row.last_contact,
                last_channel=row.last_channel,
                due_on=when,
                days_overdue=(today - when).days if when else None,
                snoozed=bool(row.snooze_until and when == row.snooze_until),
            )
        )
    items.sort(key=due_order)
    return items


class DuePage(NamedTuple):
    """The first of the people due (`items`), how many are due in all, and the latest
    `due_on` among them all (None when nobody is due, or nobody due has one)."""

    items: list[DueItem]
    total: int
    latest: dt.date | None


def due_order(item: DueItem) -> tuple[int, float, str, str]:
    """The spec's order: no `due_on` first, then `days_overdue / cadence_days` descending,
    then name (`name_order`), then path. (The index orders its rows the same way in SQL:
    `Queries.due_page`.)"""
    if item.due_on is None or item.days_overdue is None:
        return (0, 0.0, name_order(item.name), item.path)
    return (1, -item.days_overdue / item.cadence_days, name_order(item.name), item.path)


def describe_cadence(cadence_text: str) -> str:
    """`1m` -> `every month`, `2w` -> `every 2 weeks`."""
    cadence = parse_cadence(cadence_text)
    if cadence is None:
        return "no reminders"
    word = _UNIT_WORDS[cadence.unit]
    return f"every {word}" if cadence.count == 1 else f"every {cadence.count} {word}s"


def describe_last(item: DueItem) -> str:
    """`coffee 2026-10-02`, or `never contacted`."""
    if not item.last_contact:
        return "never contacted"
    channel = f"{item.last_channel} " if item.last_channel else ""
    return f"{channel}{item.last_contact.isoformat()}"


def describe_every(item: DueItem) -> str:
    """`every month`, with where a cadence not the person's own came from: `every 2 weeks (#family)`."""
    text = describe_cadence(item.cadence)
    if item.cadence_source != "own":
        text += f" ({item.cadence_source.replace('tag:', '#')})"
    return text


def describe_overdue(item: DueItem) -> str:
    """`20 days over`, `due today`, `due in 3 days` or `now` (never contacted)."""
    if item.days_overdue is None:
        return "now"
    days = item.days_overdue
    if days > 0:
        text = f"{days_text(days)} over"
    elif days == 0:
        text = "due today"
    else:
        text = f"due in {days_text(-days)}"
    return text + (", snoozed until then" if item.snoozed else "")


def why_due(item: DueItem) -> str:
    """A short reason: `last: coffee 2026-10-02, every month, 20 days over`."""
    last = f"last: {describe_last(item)}" if item.last_contact else "never contacted"
    parts = [last, describe_every(item)]
    if item.days_overdue is not None:
        parts.append(describe_overdue(item))
    return ", ".join(parts)
