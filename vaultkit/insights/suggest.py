"""`vault suggest`: whom to reach out to today, with why, from four lists taken in turns.

The lists come from the index (who is due, open follow-ups, introductions, who is losing
touch); reasons are worked out for the people picked only.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from vaultkit.dates import days_text, shift
from vaultkit.due import DuePage, due_items, why_due
from vaultkit.errors import UsageError
from vaultkit.insights.network import losing
from vaultkit.insights.stats import LosingTouch
from vaultkit.introductions import IntroPair, IntroReceived, intro_pairs, received_introductions
from vaultkit.model import MAX_ROWS, DueItem, FollowUp
from vaultkit.notes.grammar import DUE_MARK_RE
from vaultkit.prospects import AskToFollowUp, asks_to_follow_up, prospect_to_ask, waited
from vaultkit.workspace import Workspace

# An introduction you made gets a check-in once it has had time to happen, and not forever.
INTRO_CHECK_IN_AFTER = dt.timedelta(days=14)
INTRO_CHECK_IN_UNTIL = dt.timedelta(days=90)
FOLLOW_UP_HORIZON = dt.timedelta(days=7)


@dataclass
class Suggestion:
    """Someone to reach out to today; `kind` says which list put them first."""

    name: str
    path: str
    kind: str
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """All the reasons, most pressing first."""
        return "; ".join(self.reasons)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "path": self.path, "kind": self.kind, "reason": self.reason}


def _follow_up_reason(item: FollowUp, today: dt.date) -> str:
    text = DUE_MARK_RE.sub("", item.text).strip()
    if item.due is None:
        return f"open follow-up: {text}"
    late = (today - item.due).days
    if late > 0:
        when = f"due {item.due.isoformat()}, {days_text(late)} late"
    elif late == 0:
        when = "due today"
    else:
        when = f"due in {days_text(-late)}"
    return f"follow-up: {text} ({when})"


def _ask_reason(item: AskToFollowUp) -> str:
    # (Due.md's words for it, `due.md.j2`)
    return (
        f"asked {item.asked_on.isoformat()}, no answer in {waited(item.days_waiting)}; one gentle follow-up"
    )


def _losing_reason(item: LosingTouch) -> str:
    if item.last is None:
        return "no contact yet and no cadence"
    return f"no contact since {item.last.isoformat()} and no cadence"


class Reachable(NamedTuple):
    """Someone a follow-up or an introduction names, neither archived nor snoozed."""

    path: str
    last_contact: dt.date | None


Reason = Callable[[], str]
"""Why a list holds someone, worked out when they are picked."""

Queue = Callable[[int], "str | None"]
"""A list of people to suggest: the name at a position, None past its end."""

FIRST_DUE = 16
"""How many of the people due the overdue list reads at first (more when the picks need them)."""


class _DueNames:
    """The names of the people due, in the spec's order, read from the index a page at a
    time: the picks need the first few, and tens of thousands may be due."""

    def __init__(self, page: Callable[[int], DuePage], first: int) -> None:
        self._page = page
        due = page(first)
        self._names, self._total = [item.name for item in due.items], due.total

    def at(self, position: int) -> str | None:
        """The name at `position`, None past the last person due."""
        if position >= self._total:
            return None
        if position >= len(self._names):
            self._names = [item.name for item in self._page(2 * (position + 1)).items]
        return self._names[position]


def _listed(names: Sequence[str]) -> Queue:
    return lambda position: names[position] if position < len(names) else None


def pick_suggestions(
    active: Mapping[str, Reachable],
    due_page: Callable[[int], DuePage],
    due_named: Callable[[set[str]], list[DueItem]],
    followups: Sequence[FollowUp],
    asks: Sequence[AskToFollowUp],
    pairs: Sequence[IntroPair],
    received: Sequence[IntroReceived],
    losing: Sequence[LosingTouch],
    today: dt.date,
    count: int,
) -> list[Suggestion]:
    """Mix the lists in turns (overdue, follow-up, introduction, losing touch), one person
    each, until `count`; each person carries every reason from every list. Deterministic.
    The follow-ups are the open tasks due within a week, then the asks due their one
    follow-up (as Due.md lists them), then the undated tasks.

    `active` maps the names of the people the follow-ups, asks and introductions name to
    those of them who are neither archived nor snoozed; nobody due or losing touch is either.
    The people due are read as the picks need them: `due_page(n)` gives the first `n` (and
    how many in all), `due_named(names)` every one due with one of these names.
    """
    horizon = shift(today, FOLLOW_UP_HORIZON.days)
    dated = [f for f in followups if f.due is not None and f.due <= horizon]
    undated = sorted(
        (f for f in followups if f.due is None), key=lambda f: (f.person.casefold(), f.path, f.line)
    )
    follow_ups: list[tuple[str, Reason]] = []
    followed: set[str] = set()
    reasons: list[tuple[str, Reason]] = [
        *((f.person, functools.partial(_follow_up_reason, f, today)) for f in dated),
        *((ask.name, functools.partial(_ask_reason, ask)) for ask in asks),
        *((f.person, functools.partial(_follow_up_reason, f, today)) for f in undated),
    ]
    for person, why in reasons:
        # One person can have many open follow-ups; the most pressing says enough.
        if person not in followed:
            followed.add(person)
            follow_ups.append((person, why))
    introductions: list[tuple[str, Reason]] = [
        (item.person, functools.partial(str, f"introduced by {item.introducer}; not contacted yet"))
        for item in received
        if item.person in active and active[item.person].last_contact is None
    ]
    check_in_from = shift(today, -INTRO_CHECK_IN_UNTIL.days)
    check_in_until = shift(today, -INTRO_CHECK_IN_AFTER.days)
    for pair in pairs:
        if not check_in_from <= pair.date <= check_in_until:
            continue
        for one, other in ((pair.a, pair.b), (pair.b, pair.a)):
            last = active[one].last_contact if one in active else pair.date
            if last is None or last <= pair.date:
                reason = f"you introduced them to {other} on {pair.date.isoformat()}; ask how it went"
                introductions.append((one, functools.partial(str, reason)))
    listed: dict[str, list[tuple[str, Reason]]] = {
        "follow-up": [(name, why) for name, why in follow_ups if name in active],
        "introduction": [(name, why) for name, why in introductions if name in active],
        "losing touch": [(item.name, functools.partial(_losing_reason, item)) for item in losing],
    }
    queues: dict[str, Queue] = {"overdue": _DueNames(due_page, max(FIRST_DUE, 2 * count)).at}
    queues.update((kind, _listed([name for name, _ in queue])) for kind, queue in listed.items())
    picked: dict[str, str] = {}  # name: the list that put them first
    positions = dict.fromkeys(queues, 0)
    while len(picked) < count:
        before = len(picked)
        for kind, name_at in queues.items():
            while (name := name_at(positions[kind])) is not None and name in picked:
                positions[kind] += 1
            if name is not None and len(picked) < count:
                picked[name] = kind
                positions[kind] += 1
        if len(picked) == before:
            break
    # Reasons and paths are worked out for the people picked only.
    paths = {name: active[name].path for name in picked if name in active}
    reasons_of: dict[str, list[Reason]] = {name: [] for name in picked}
    for due in due_named(set(picked)):
        paths[due.name] = due.path
        reasons_of[due.name].append(functools.partial(why_due, due))
    for queue in listed.values():
        for name, why in queue:
            if name in reasons_of:
                reasons_of[name].append(why)
    for lost in losing:
        if lost.name in picked:
            paths[lost.name] = lost.path
    return [
        Suggestion(name, paths[name], kind, list(dict.fromkeys(why() for why in reasons_of[name])))
        for name, kind in picked.items()
    ]


def suggest(workspace: Workspace, count: int = 5) -> list[Suggestion]:
    """Whom to reach out to today, with why (see `pick_suggestions`); while this week's goal
    of new people is not met, the last of them is a prospect to ask (`prospects.prospect_to_ask`)."""
    if count < 1:
        raise UsageError(f"--n {count}: ask for at least one suggestion")
    count = min(count, MAX_ROWS)
    index, today = workspace.index, workspace.today
    followups, pairs, received = index.followups(), intro_pairs(index), received_introductions(index)
    asks = asks_to_follow_up(workspace)
    named = (
        {f.person for f in followups}
        | {ask.name for ask in asks}
        | {r.person for r in received}
        | {n for p in pairs for n in (p.a, p.b)}
    )
    active = {name: Reachable(path, last) for name, path, last in index.reachable_named(named, today)}
    prospect = prospect_to_ask(workspace)
    picked = pick_suggestions(
        active,
        lambda first: workspace.due_page(limit=first),
        lambda names: due_items(index.people_named(names, today), workspace.config, today),
        followups,
        asks,
        pairs,
        received,
        losing(workspace),
        today,
        count,
    )
    if prospect is not None:
        goal = workspace.config.new_people_per_week
        reasons = [f"this week's goal of {goal} new {'person' if goal == 1 else 'people'} is not met yet"]
        if prospect.why:
            reasons.insert(0, f"you want to meet them: {prospect.why}")
        if prospect.introducers:
            reasons.append(f"ask {prospect.introducers[0].name} to introduce you")
        # A prospect another list picked (a follow-up, an introduction) is one line with
        # every reason; else they take the last place.
        same = [s for s in picked if s.path == prospect.path]
        if same:
            same[0].reasons.extend(r for r in reasons if r not in same[0].reasons)
        else:
            picked = [*picked[: count - 1], Suggestion(prospect.name, prospect.path, "prospect", reasons)]
    return picked
