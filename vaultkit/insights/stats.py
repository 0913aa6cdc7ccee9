"""Figures about the network as plain data: pure functions of people, interactions and a date.

Snapshot figures (size, keeping in touch, diversity) count the people you keep now, so
archived people are left out; history figures (new people per week, channels,
introductions) count what happened, archived people included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vaultkit.config import OPTIONAL_DIMENSIONS, Config
from vaultkit.dates import add_months, parse_birthday
from vaultkit.due import DuePage, resolve_cadence, snoozed
from vaultkit.insights.goals import streak_of, weekly_new
from vaultkit.introductions import IntroPair, IntroReceived
from vaultkit.model import MARKER_TAG, DueItem, Person, has_tag, name_key, name_order, no_value
from vaultkit.notes.parse import named_by

if TYPE_CHECKING:
    from vaultkit.prospects import ProspectFigures

UNKNOWN = "unknown"
WEEKS_PER_YEAR = 52
AGE_BANDS = ("<25", "25–34", "35–44", "45–54", "55–64", "65+")
# Without a cadence there is no reminder; a year of silence is when we say "losing touch".
LOSING_TOUCH_MONTHS = 12


@dataclass(frozen=True)
class GoalProgress:
    """The new-people goal: weekly target, streak, this calendar year against 52 weeks."""

    per_week: int
    streak_weeks: int
    year_to_date: int
    year_target: int

    def to_json(self) -> dict[str, Any]:
        """The spec's `goal` object."""
        return {
            "per_week": self.per_week,
            "streak_weeks": self.streak_weeks,
            "year_to_date": self.year_to_date,
            "year_target": self.year_target,
        }


@dataclass(frozen=True)
class LosingTouch:
    """A person with no cadence and no contact for a year (`last` is contact, else `met`)."""

    name: str
    path: str
    last: dt.date | None


@dataclass(frozen=True)
class KeepingInTouch:
    """Who is on time among people with a cadence, who drifts, who is slipping away."""

    with_cadence: int
    on_time: int
    drifting: tuple[DueItem, ...]  # the furthest overdue first: the first few of drifting_count
    drifting_count: int
    never_contacted: tuple[DueItem, ...]  # by name: the first few of never_count
    never_count: int
    losing_touch: tuple[LosingTouch, ...]

    @property
    def share_on_time(self) -> float | None:
        """on_time / with_cadence, rounded to 2 places; None when nobody has a cadence."""
        return round(self.on_time / self.with_cadence, 2) if self.with_cadence else None

    def to_json(self) -> dict[str, Any]:
        """The spec's `keeping_in_touch` object."""
        return {
            "with_cadence": self.with_cadence,
            "on_time": self.on_time,
            "share_on_time": self.share_on_time,
        }


@dataclass(frozen=True)
class Breakdown:
    """How the network splits on one dimension.

    `groups` holds (value, people) largest first (age bands in age order); `known` counts
    the people with at least one value, `unknown` those with none. A multi-valued field
    (tags) counts a person once in each of their groups.
    """

    dimension: str
    groups: tuple[tuple[str, int], ...]
    known: int
    unknown: int

    @property
    def largest(self) -> tuple[str, int] | None:
        """The largest group (the first of equals in `groups` order)."""
        if not self.groups:
            return None
        top = max(count for _, count in self.groups)
        return next(group for group in self.groups if group[1] == top)

    @property
    def largest_share(self) -> float | None:
        """Share of the people with a known value who are in the largest group."""
        largest = self.largest
        return largest[1] / self.known if largest and self.known else None

    @property
    def effective_number(self) -> float | None:
        """Inverse Simpson index 1/Σp² over known values: how many equal groups it is worth."""
        total = sum(count for _, count in self.groups)
        if not total:
            return None
        return 1 / sum((count / total) ** 2 for _, count in self.groups)

    def to_json(self) -> dict[str, int]:
        """`{value: people, ..., "unknown": n}`."""
        data = dict(self.groups)
        data[UNKNOWN] = self.unknown
        return data

    def sentence(self) -> str:
        """A plain-language line: `62% of your network is in London (of the 25 ...)`."""
        largest, share = self.largest, self.largest_share
        if largest is None or share is None:
            return f"You record no {self.dimension} yet."
        verb = _VERBS.get(self.dimension, f"has {self.dimension} {{}}").format(largest[0])
        line = f"{percent(share)} of your network {verb}"
        if self.unknown:
            who = "person" if self.known == 1 else "people"
            line += f" (of the {self.known} {who} whose {self.dimension} you record)"
        return line + "."


_VERBS = {
    "location": "is in {}",
    "company": "works at {}",
    "tags": "is tagged {}",
    "age": "is aged {}",
    "gender": "is {}",
    "seniority": "is {}",
}


@dataclass(frozen=True)
class NetworkStats:
    """Every figure of `vault stats` and Network.md."""

    today: dt.date
    people: int
    archived: int
    new_per_week: tuple[tuple[str, int], ...]
    goal: GoalProgress
    keeping_in_touch: KeepingInTouch
    channels: tuple[tuple[str, int], ...]
    pairs: tuple[IntroPair, ...]
    received: tuple[IntroReceived, ...]
    dimensions: tuple[Breakdown, ...]
    prospects: ProspectFigures | None = None  # (vaultkit.prospects counts them over a workspace)

    def to_json(self) -> dict[str, Any]:
        """The spec's `vault stats --json` object."""
        prospects = {"prospects": self.prospects.to_json()} if self.prospects is not None else {}
        return {
            "today": self.today.isoformat(),
            "people": self.people,
            "new_per_week": [{"week": week, "new": new} for week, new in self.new_per_week],
            "goal": self.goal.to_json(),
            "keeping_in_touch": self.keeping_in_touch.to_json(),
            "channels": dict(self.channels),
            "introductions": {
                "made": len(self.pairs),
                "pairs": [pair.to_json() for pair in self.pairs],
            },
            "dimensions": {b.dimension: b.to_json() for b in self.dimensions},
            **prospects,
        }


def percent(share: float) -> str:
    """0.623 -> `62%`."""
    return f"{round(share * 100)}%"


# -- growth -------------------------------------------------------------------------------
def goal_progress(met: Sequence[dt.date], per_week: int, today: dt.date) -> GoalProgress:
    """Streak over the whole history of `met` dates, and this calendar year against 52 weeks."""
    return GoalProgress(
        per_week=per_week,
        streak_weeks=streak_of(met, today, per_week),
        year_to_date=sum(1 for day in met if day.year == today.year and day <= today),
        year_target=per_week * WEEKS_PER_YEAR,
    )


# -- keeping in touch ---------------------------------------------------------------------
def _opted_out(person: Person, config: Config) -> bool:
    """`cadence: none` on the person, or on a tag of theirs: no reminders and no guilt."""
    if person.cadence:
        return person.cadence.strip().casefold() == "none"
    return any(
        text.strip().casefold() == "none" and has_tag(person.tags, key) for key, text in config.cadence_by_tag
    )


def losing_touch(people: Iterable[Person], config: Config, today: dt.date) -> list[LosingTouch]:
    """People with no cadence (and not opted out) whose last contact, else `met`, is a year old.

    Nobody ever contacted with no `met` date counts too; the longest silent come first.
    """
    cutoff = add_months(today, -LOSING_TOUCH_MONTHS)
    found: list[LosingTouch] = []
    for person in people:
        if person.archived or person.prospect or snoozed(person, today):
            continue  # (a prospect was never in touch: `vault prospects` keeps them)
        if resolve_cadence(person, config) is not None or _opted_out(person, config):
            continue
        last = person.last_contact or person.met
        if last is None or last <= cutoff:
            found.append(LosingTouch(person.name, person.path, last))
    found.sort(key=lambda item: (item.last or dt.date.min, name_order(item.name), item.path))
    return found


def keeping_in_touch(
    with_cadence: int, due: int, drifting: DuePage, never: DuePage, losing: Sequence[LosingTouch]
) -> KeepingInTouch:
    """On time = has a cadence and is not due today (a snooze counts as on time). `due` is
    how many are due today; `drifting` and `never` are `vault due`'s late and never
    contacted people (`DueKind`), `losing` who is losing touch (`losing_touch`)."""
    return KeepingInTouch(
        with_cadence=with_cadence,
        on_time=with_cadence - due,
        drifting=tuple(drifting.items),
        drifting_count=drifting.total,
        never_contacted=tuple(never.items),
        never_count=never.total,
        losing_touch=tuple(losing),
    )


# -- channels -----------------------------------------------------------------------------
InteractionCount = tuple[str | None, int]
"""(channel, how many): interactions grouped by the channel they were had over, as
`Index.interaction_counts` gives them (it knows an ask's channel)."""


def channel_counts(interactions: Iterable[InteractionCount]) -> list[tuple[str, int]]:
    """Interactions per channel (one per person met: a dinner for three counts three), largest
    first; none written is unknown."""
    counts: Counter[str] = Counter()
    for channel, count in interactions:
        counts[channel or UNKNOWN] += count
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# -- diversity ----------------------------------------------------------------------------
def age_band(birthday: str | None, today: dt.date) -> str | None:
    """The age band of a birthday with a year (`--MM-DD` or none gives None)."""
    if not birthday:
        return None
    try:
        born = parse_birthday(birthday)
    except ValueError:
        return None
    age = born.age_on(today)
    if age is None or age < 0:
        return None
    if age < 25:
        return AGE_BANDS[0]
    if age >= 65:
        return AGE_BANDS[-1]
    return AGE_BANDS[(age - 15) // 10]


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if no_value(value) or isinstance(value, dict):
        return []
    return [str(value)]


def shown_values(raw: Any, dimension: str) -> list[str]:
    """A person's values on a field dimension as shown (tags without `person`), from the
    front matter's value (or the tags list); unknowns left out."""
    texts = _texts(raw)
    if dimension == "tags":
        texts = [tag for tag in texts if tag.casefold() != MARKER_TAG]
    values = [named_by(text) for text in texts]
    return [v for v in values if v and name_key(v) != UNKNOWN]


PeopleGroups = Iterable[tuple[Sequence[str], int]]
"""(values, people): how many people have these values on one dimension, a group per
distinct set, in the order of each group's first person by name."""


def breakdown(groups: PeopleGroups, dimension: str) -> Breakdown:
    """Count the people on one dimension; values compare NFC and case-folded, shown in
    their most common spelling. Missing values are unknown, never guessed."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    keys: dict[str, str] = {}  # value -> its comparison key; a network repeats few values
    known = unknown = 0
    for values, people in groups:
        if not values:
            unknown += people
            continue
        known += people
        seen: dict[str, str] = {}
        for value in values:
            key = keys.get(value)
            if key is None:
                key = keys[value] = name_key(value)
            seen.setdefault(key, value)
        for key, value in seen.items():
            counts[key] += people
            spellings.setdefault(key, Counter())[value] += people
    # The most common spelling; on a tie the first met (groups come in name order).
    shown = {key: max(words.items(), key=lambda w: w[1])[0] for key, words in spellings.items()}
    found = [(shown[key], count) for key, count in counts.items()]
    if dimension == "age":
        found.sort(key=lambda group: AGE_BANDS.index(group[0]))
    else:
        found.sort(key=lambda group: (-group[1], group[0].casefold(), group[0]))
    return Breakdown(dimension, tuple(found), known, unknown)


# -- everything ---------------------------------------------------------------------------
def dimension_breakdowns(groups_of: Callable[[str], PeopleGroups], config: Config) -> list[Breakdown]:
    """The configured dimensions, then seniority, gender and age when anybody records them;
    `groups_of(dimension)` gives the people's values on it."""
    chosen = list(dict.fromkeys(config.stats_dimensions))
    found = [breakdown(groups_of(dimension), dimension) for dimension in chosen]
    for extra in OPTIONAL_DIMENSIONS:
        if extra not in chosen:
            item = breakdown(groups_of(extra), extra)
            if item.known:
                found.append(item)
    return found


def network_stats(
    people: tuple[int, int],
    met: Sequence[dt.date],
    touch: KeepingInTouch,
    interactions: Iterable[InteractionCount],
    pairs: Iterable[IntroPair],
    received: Iterable[IntroReceived],
    dimensions: Sequence[Breakdown],
    config: Config,
    today: dt.date,
    since: dt.date | None = None,
) -> NetworkStats:
    """All figures from their parts; `since` limits the weeks listed and the introductions
    counted, both ways (`interactions` are counted from it already; an introduction made
    for you is dated by the day you met, and one with no such day is left out then).
    `people` is (not archived, archived); `met` every `met` date."""
    chosen_pairs = sorted(
        (pair for pair in pairs if pair.date <= today and (since is None or pair.date >= since)),
        key=lambda pair: (pair.date, name_order(pair.a), name_order(pair.b)),
    )
    return NetworkStats(
        today=today,
        people=people[0],
        archived=people[1],
        new_per_week=tuple(weekly_new(met, today, since)),
        goal=goal_progress(met, config.new_people_per_week, today),
        keeping_in_touch=touch,
        channels=tuple(channel_counts(interactions)),
        pairs=tuple(dict.fromkeys(chosen_pairs)),
        received=tuple(
            item
            for item in received
            if (item.met is None or item.met <= today)
            and (since is None or (item.met or dt.date.min) >= since)
        ),
        dimensions=tuple(dimensions),
    )
