"""`vault suggest`: whom to reach out to today, with why, from four lists taken in turns.

The lists come from the index (who is due, open follow-ups, introductions, who is losing
touch); reasons are worked out for the people picked only.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vaultkit.dates import days_text, shift
from vaultkit.due import why_due
from vaultkit.errors import UsageError
from vaultkit.insights.network import losing
from vaultkit.insights.stats import LosingTouch
from vaultkit.introductions import IntroPair, IntroReceived, intro_pairs, received_introductions
from vaultkit.model import DueItem, FollowUp, Person
from vaultkit.notes.grammar import DUE_MARK_RE
from vaultkit.prospects import prospect_to_ask
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


def _losing_reason(item: LosingTouch) -> str:
    if item.last is None:
        return "no contact yet and no cadence"
    return f"no contact since {item.last.isoformat()} and no cadence"


Reason = Callable[[], str]
"""Why a list holds someone, worked out when they are picked."""


def pick_suggestions(
    active: Mapping[str, Person],
    due: Sequence[DueItem],
    followups: Sequence[FollowUp],
    pairs: Sequence[IntroPair],
    received: Sequence[IntroReceived],
    losing: Sequence[LosingTouch],
    today: dt.date,
    count: int,
) -> list[Suggestion]:
    """Mix the lists in turns (overdue, follow-up, introduction, losing touch), one person
    each, until `count`; each person carries every reason from every list. Deterministic.

    `active` maps the names of the people the follow-ups and introductions name to those
    of them who are neither archived nor snoozed; nobody due or losing touch is either.
    """
    paths = {name: person.path for name, person in active.items()}
    paths.update((item.name, item.path) for item in due)
    paths.update((item.name, item.path) for item in losing)
    # Reasons are worked out for the people picked only: tens of thousands may be due.
    overdue: list[tuple[str, Reason]] = [(item.name, functools.partial(why_due, item)) for item in due]
    horizon = shift(today, FOLLOW_UP_HORIZON.days)
    dated = [f for f in followups if f.due is not None and f.due <= horizon]
    undated = sorted(
        (f for f in followups if f.due is None), key=lambda f: (f.person.casefold(), f.path, f.line)
    )
    follow_ups: list[tuple[str, Reason]] = []
    followed: set[str] = set()
    for item in [*dated, *undated]:
        # One person can have many open follow-ups; the most pressing says enough.
        if item.person not in followed:
            followed.add(item.person)
            follow_ups.append((item.person, functools.partial(_follow_up_reason, item, today)))
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
    losing_queue: list[tuple[str, Reason]] = [
        (item.name, functools.partial(_losing_reason, item)) for item in losing
    ]
    queues = {
        "overdue": overdue,
        "follow-up": [(name, why) for name, why in follow_ups if name in active],
        "introduction": [(name, why) for name, why in introductions if name in active],
        "losing touch": losing_queue,
    }
    reasons_of: dict[str, list[Reason]] = {}
    for queue in queues.values():
        for name, why in queue:
            reasons_of.setdefault(name, []).append(why)
    picked: dict[str, Suggestion] = {}
    positions = dict.fromkeys(queues, 0)
    while len(picked) < count and any(positions[k] < len(q) for k, q in queues.items()):
        for kind, queue in queues.items():
            while positions[kind] < len(queue) and queue[positions[kind]][0] in picked:
                positions[kind] += 1
            if positions[kind] < len(queue) and len(picked) < count:
                name = queue[positions[kind]][0]
                reasons = list(dict.fromkeys(why() for why in reasons_of[name]))
                picked[name] = Suggestion(name, paths[name], kind, reasons)
                positions[kind] += 1
    return list(picked.values())


def suggest(workspace: Workspace, count: int = 5) -> list[Suggestion]:
    """Whom to reach out to today, with why (see `pick_suggestions`); while this week's goal
    of new people is not met, the last of them is a prospect to ask (`prospects.prospect_to_ask`)."""
    if count < 1:
        raise UsageError(f"--n {count}: ask for at least one suggestion")
    index, today = workspace.index, workspace.today
    followups, pairs, received = index.followups(), intro_pairs(index), received_introductions(index)
    named = (
        {f.person for f in followups} | {r.person for r in received} | {n for p in pairs for n in (p.a, p.b)}
    )
    active = {
        person.name: person
        for person in index.people_named(named, today)
        if not person.archived and not (person.snooze_until is not None and person.snooze_until > today)
    }
    prospect = prospect_to_ask(workspace)
    picked = pick_suggestions(
        active,
        workspace.due(),
        followups,
        pairs,
        received,
        losing(workspace),
        today,
        count - 1 if prospect else count,
    )
    if prospect is not None:
        goal = workspace.config.new_people_per_week
        reasons = [f"this week's goal of {goal} new {'person' if goal == 1 else 'people'} is not met yet"]
        if prospect.why:
            reasons.insert(0, f"you want to meet them: {prospect.why}")
        if prospect.introducers:
            reasons.append(f"ask {prospect.introducers[0].name} to introduce you")
        picked.append(Suggestion(prospect.name, prospect.path, "prospect", reasons))
    return picked
