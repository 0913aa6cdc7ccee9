"""Introductions, suggestions and the Network.md view, over a Workspace.

The figures come from `stats.py` (pure functions); this module gathers their inputs from
the index, records introductions through the Workspace's Log machinery, and turns the
figures into Markdown with Mermaid charts that Obsidian draws.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TypedDict

from vaultkit.dates import add_months, days_text
from vaultkit.due import why_due
from vaultkit.errors import RefusedWrite, UsageError
from vaultkit.insights.goals import week_start
from vaultkit.insights.stats import (
    LOSING_TOUCH_MONTHS,
    Breakdown,
    LosingTouch,
    NetworkStats,
    PeopleGroups,
    age_band,
    dimension_breakdowns,
    keeping_in_touch,
    losing_touch,
    network_stats,
    percent,
    shown_values,
)
from vaultkit.introductions import (
    IntroPair,
    IntroReceived,
    intro_pairs,
    make_pair,
    received_introductions,
)
from vaultkit.model import INTRO_CHANNEL, name_order
from vaultkit.notes.grammar import inline_text
from vaultkit.prospects import figures_of, week_context
from vaultkit.workspace import PersonRef, Workspace, write_view

VIEW_NAME = "network"
VIEW_TEMPLATE = "network.md.j2"
VIEW_WEEKS = 12
DRIFTING_SHOWN = 5
LOSING_SHOWN = 10
NEVER_SHOWN = 10
TOUCH_LISTED = max(DRIFTING_SHOWN, NEVER_SHOWN)  # the figures keep this many of each list
INTROS_SHOWN = 20  # of each kind, the latest: a graph of hundreds of people shows nothing
GROUPS_SHOWN = 8
MIN_CHART_TOP = 8  # people: see week_chart
MIN_SLICE_SHARE = 0.03  # of the known: a thinner pie slice's label overlaps its neighbours'
PIE_SLICES = 6

_NODE_ID_RE = re.compile(r"[^A-Za-z0-9]+")


# -- gathering ------------------------------------------------------------------------------
def collect_stats(workspace: Workspace, since: dt.date | None = None, received: bool = True) -> NetworkStats:
    """Every figure of `vault stats` for this vault as of the workspace's today: counted and
    grouped by the index, so that no object is made for each person. `received=False`
    leaves out the introductions made for you, which only the views show (not the JSON)."""
    index, config, today = workspace.index, workspace.config, workspace.today
    if since is not None and since > today:
        raise UsageError(f"--since {since} is after today ({today})")
    touch = keeping_in_touch(
        index.with_cadence(),
        workspace.due_page(limit=0).total,
        workspace.due_page(kind="late", limit=TOUCH_LISTED),
        workspace.due_page(kind="never", limit=TOUCH_LISTED),
        losing(workspace),
    )
    people = index.people_counts()
    tag_groups, birthday_groups, facet_groups = (
        index.tag_groups(),
        index.birthday_groups(people[0]),
        index.facet_groups(),
    )

    def groups_of(dimension: str) -> PeopleGroups:
        if dimension == "tags":
            return [(shown_values(tags, dimension), count) for tags, count in tag_groups]
        if dimension == "age":
            return [
                ([band] if (band := age_band(day, today)) else [], count) for day, count in birthday_groups
            ]
        return [(shown_values(facets.get(dimension), dimension), count) for facets, count in facet_groups]

    stats = network_stats(
        people,
        index.met_dates(),
        touch,
        index.interaction_counts(today, since),
        intro_pairs(index),
        received_introductions(index) if received else (),
        dimension_breakdowns(groups_of, config),
        config,
        today,
        since,
    )
    return dataclasses.replace(stats, prospects=figures_of(workspace))


def losing(workspace: Workspace, today: dt.date | None = None) -> list[LosingTouch]:
    """Who is losing touch (`losing_touch`), as of `today` (else the workspace's)."""
    today = today or workspace.today
    cutoff = add_months(today, -LOSING_TOUCH_MONTHS)
    return losing_touch(workspace.index.losing_candidates(today, cutoff), workspace.config, today)


# -- vault intro ----------------------------------------------------------------------------
def record_intro(
    workspace: Workspace, first: str, second: str, note: str | None = None, date: dt.date | None = None
) -> tuple[PersonRef, PersonRef]:
    """Log an introduction you made in both notes: `- DATE intro: introduced to [[B]]: note`.

    Both notes are checked before either is written; the same pair on the same date is
    refused, so running the command twice does not count it twice.
    """
    a, b = workspace.find_person(first), workspace.find_person(second)
    if a.path == b.path:
        raise UsageError(f"{first!r} and {second!r} are both {a.name}; an introduction needs two people")
    when = date or workspace.today
    if make_pair(a.name, b.name, when) in intro_pairs(workspace.index, person=a.path):
        raise RefusedWrite(
            f"the introduction of {a.name} and {b.name} on {when} is already logged "
            f"({a.path}, {b.path}); nothing was written"
        )
    suffix = f": {note.strip()}" if note and note.strip() else ""
    workspace.log_each(
        [
            (a, f"introduced to {workspace.person_link(b)}{suffix}"),
            (b, f"introduced to {workspace.person_link(a)}{suffix}"),
        ],
        date=when,
        channel=INTRO_CHANNEL,
    )
    return a, b


# -- pictures -------------------------------------------------------------------------------
def bar(count: int, largest: int, width: int = 20) -> str:
    """A terminal bar cell, `█████ 12`, scaled so `largest` fills `width`."""
    if largest <= 0 or count <= 0:
        return f"{count}"
    blocks = max(1, round(count / largest * width))
    return f"{'█' * blocks} {count}"


def mermaid_label(text: str) -> str:
    """Text that can stand inside a Mermaid double-quoted label."""
    return " ".join(text.replace('"', "'").replace("`", "'").split())


def node_ids(names: Iterable[str]) -> dict[str, str]:
    """A Mermaid node id ([A-Za-z0-9_]+) for each name: ASCII-folded, `p_` first so no
    id is a keyword such as `end`, numbered when two names fold alike."""
    ids: dict[str, str] = {}
    for name in sorted(set(names), key=lambda n: (name_order(n), n)):
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        base = "p_" + (_NODE_ID_RE.sub("_", folded).strip("_") or "person")
        candidate, number = base, 2
        while candidate in ids.values():
            candidate, number = f"{base}_{number}", number + 1
        ids[name] = candidate
    return ids


def week_chart(weeks: Sequence[tuple[str, int]], goal: int) -> str:
    """An `xychart-beta` of new people per week (bars) against the goal (a line)."""
    labels = ", ".join(f'"{week.split("-", 1)[1]}"' for week, _ in weeks)
    counts = [count for _, count in weeks]
    # Headroom above the goal, or its line hides in the chart's top edge; and at least 8,
    # where the axis ticks fall on whole people (below it they come at 0.1 or 0.5 people).
    top = max(*counts, goal + 1, MIN_CHART_TOP)
    lines = [
        "xychart-beta",
        '    title "New people per week"',
        f"    x-axis [{labels}]",
        f'    y-axis "People" 0 --> {top}',
        f"    bar [{', '.join(str(c) for c in counts)}]",
    ]
    if goal > 0:
        lines.append(f"    line [{', '.join(str(goal) for _ in weeks)}]")
    return "\n".join(lines)


def pie_chart(title: str, slices: Sequence[tuple[str, int]]) -> str | None:
    """A `pie` chart, or None when there is nothing to draw."""
    shown = [(label, count) for label, count in slices if count > 0]
    if not shown:
        return None
    lines = [f"pie title {mermaid_label(title)}"]
    lines += [f'    "{mermaid_label(label)}" : {count}' for label, count in shown]
    return "\n".join(lines)


def intro_graph(pairs: Sequence[IntroPair], received: Sequence[IntroReceived]) -> str | None:
    """A `graph LR` of who connects whom: `---` for introductions you made (labelled with
    the date), `-.->` from whoever introduced you to someone. None when there are none."""
    if not pairs and not received:
        return None
    names = [n for pair in pairs for n in (pair.a, pair.b)]
    names += [n for item in received for n in (item.introducer, item.person)]
    ids = node_ids(names)
    lines = ["graph LR"]
    lines += [f'    {node}["{mermaid_label(name)}"]' for name, node in ids.items()]
    lines += [f'    {ids[p.a]} ---|"{p.date.isoformat()}"| {ids[p.b]}' for p in pairs]
    lines += [f'    {ids[r.introducer]} -.->|"introduced you"| {ids[r.person]}' for r in received]
    return "\n".join(lines)


# -- the view -------------------------------------------------------------------------------
# The figures as plain values: `network.md.j2` reads them as a dict (TypedDicts are dicts)
# and `vault stats` prints them, so the template and the terminal cannot drift apart.
class GoalView(TypedDict):
    """The new-people goal: `GoalProgress.to_json()` and this year's share of the target."""

    per_week: int
    streak_weeks: int
    year_to_date: int
    year_target: int
    year_share: str | None


class WeekView(TypedDict):
    """New people in one ISO week (`YYYY-Www`)."""

    week: str
    new: int


class DriftingView(TypedDict):
    """Someone with a cadence who is overdue; `overdue` reads "N days (x.y×)"."""

    name: str
    path: str
    cadence: str
    last_contact: str | None
    days_overdue: int | None
    overdue: str
    why: str


class LosingView(TypedDict):
    """Someone without a cadence and no contact for a year; `last` is their last contact."""

    name: str
    path: str
    last: str | None


class TouchView(TypedDict):
    """Keeping in touch: who is on time, drifting, never contacted, losing touch."""

    with_cadence: int
    on_time: int
    share: str | None
    drifting: list[DriftingView]
    more_drifting: int
    never_contacted: list[str]
    more_never: int
    losing_touch: list[LosingView]
    more_losing: int


class ChannelView(TypedDict):
    """How many interactions went through one channel."""

    channel: str
    count: int
    share: str


class PairView(TypedDict):
    """An introduction you made (`IntroPair.to_json()`)."""

    a: str
    b: str
    date: str


class ReceivedView(TypedDict):
    """Someone introduced you to a person, on the day you met them when known."""

    introducer: str
    person: str
    date: str | None


class IntroductionsView(TypedDict):
    """The latest introductions both ways, the totals, and their Mermaid graph."""

    made: list[PairView]
    received: list[ReceivedView]
    made_count: int
    received_count: int
    received_people: int  # (several may have introduced you to one person)
    older: int
    introducers: int
    graph: str | None


class GroupView(TypedDict):
    """One value of a diversity dimension and how many people have it."""

    value: str
    count: int
    share: str


class DimensionView(TypedDict):
    """One diversity dimension (`country`, `industry`...): its largest groups, the rest, unknowns."""

    name: str
    title: str
    sentence: str
    concentration: str | None
    rows: list[GroupView]
    more_groups: int
    more_people: int
    known: int
    unknown: int
    chart: str | None


class StatsView(TypedDict):
    """Everything `network.md.j2` gets and `vault stats` prints."""

    today: str
    people: int
    archived: int
    goal: GoalView
    weeks: list[WeekView]
    weeks_chart: str
    touch: TouchView
    channels: list[ChannelView]
    channels_chart: str | None
    introductions: IntroductionsView
    dimensions: list[DimensionView]


def _title(dimension: str) -> str:
    return dimension.replace("_", " ").capitalize()


def _dimension_context(item: Breakdown) -> DimensionView:
    shown, rest = item.groups[:GROUPS_SHOWN], item.groups[GROUPS_SHOWN:]
    # The pie is of the people whose value is known, as the text beside it is (it says
    # how many are unknown in words); slices too thin to label are folded into "others".
    smallest = item.known * MIN_SLICE_SHARE
    slices = [(value, count) for value, count in item.groups[:PIE_SLICES] if count >= smallest]
    folded = item.groups[len(slices) :]
    if folded:
        slices.append(
            (f"{len(folded)} others" if len(folded) > 1 else folded[0][0], sum(c for _, c in folded))
        )
    concentration = None
    if item.largest_share is not None and item.effective_number is not None:
        concentration = (
            f"Largest group {percent(item.largest_share)}, effective number "
            f"{item.effective_number:.1f} of {len(item.groups)} group{'s' if len(item.groups) != 1 else ''}"
        )
    return {
        "name": item.dimension,
        "title": _title(item.dimension),
        "sentence": item.sentence(),
        "concentration": concentration,
        "rows": [
            {"value": value, "count": count, "share": percent(count / item.known)} for value, count in shown
        ],
        "more_groups": len(rest),
        "more_people": sum(count for _, count in rest),
        "known": item.known,
        "unknown": item.unknown,
        "chart": pie_chart(_title(item.dimension), slices) if item.groups else None,
    }


def view_context(
    stats: NetworkStats, weeks_shown: int | None = VIEW_WEEKS, max_rows: int | None = None
) -> StatsView:
    """The figures as plain values for `network.md.j2` (and for the terminal).

    `max_rows` (`[views] max_rows`) caps each list of people below its usual length.
    """
    weeks = list(stats.new_per_week)
    if weeks_shown is not None:
        weeks = weeks[-weeks_shown:]
    goal, touch = stats.goal, stats.keeping_in_touch
    total_channels = sum(count for _, count in stats.channels)
    drifting_shown, never_shown, losing_shown, intros_shown = (
        shown if max_rows is None else min(shown, max_rows)
        for shown in (DRIFTING_SHOWN, NEVER_SHOWN, LOSING_SHOWN, INTROS_SHOWN)
    )
    made, received = stats.pairs[-intros_shown:], stats.received[-intros_shown:]
    return {
        "today": stats.today.isoformat(),
        "people": stats.people,
        "archived": stats.archived,
        "goal": {
            "per_week": goal.per_week,
            "streak_weeks": goal.streak_weeks,
            "year_to_date": goal.year_to_date,
            "year_target": goal.year_target,
            "year_share": percent(goal.year_to_date / goal.year_target) if goal.year_target else None,
        },
        "weeks": [{"week": week, "new": new} for week, new in weeks],
        "weeks_chart": week_chart(weeks, goal.per_week),
        "touch": {
            "with_cadence": touch.with_cadence,
            "on_time": touch.on_time,
            "share": percent(touch.share_on_time) if touch.share_on_time is not None else None,
            "drifting": [
                {
                    "name": item.name,
                    "path": item.path,
                    "cadence": item.cadence,
                    "last_contact": item.last_contact.isoformat() if item.last_contact else None,
                    "days_overdue": item.days_overdue,
                    "overdue": f"{days_text(item.days_overdue or 0)} ({(item.days_overdue or 0) / item.cadence_days:.1f}×)",
                    "why": why_due(item),
                }
                for item in touch.drifting[:drifting_shown]
            ],
            "more_drifting": max(0, touch.drifting_count - drifting_shown),
            "never_contacted": [item.name for item in touch.never_contacted[:never_shown]],
            "more_never": max(0, touch.never_count - never_shown),
            "losing_touch": [
                {"name": item.name, "path": item.path, "last": item.last.isoformat() if item.last else None}
                for item in touch.losing_touch[:losing_shown]
            ],
            "more_losing": max(0, len(touch.losing_touch) - losing_shown),
        },
        "channels": [
            {"channel": channel, "count": count, "share": percent(count / total_channels)}
            for channel, count in stats.channels
        ],
        "channels_chart": pie_chart("Interactions by channel", stats.channels),
        "introductions": {
            "made": [{"a": pair.a, "b": pair.b, "date": pair.date.isoformat()} for pair in made],
            "received": [
                {
                    "introducer": item.introducer,
                    "person": item.person,
                    "date": item.met.isoformat() if item.met else None,
                }
                for item in received
            ],
            "made_count": len(stats.pairs),
            "received_count": len(stats.received),
            "received_people": len({item.person for item in stats.received}),
            "older": len(stats.pairs) + len(stats.received) - len(made) - len(received),
            "introducers": len({item.introducer for item in stats.received}),
            "graph": intro_graph(made, received),
        },
        "dimensions": [_dimension_context(item) for item in stats.dimensions],
    }


def table_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: one line, `|` and comment openers escaped
    (`grammar.inline_text`: a company `Acme <!-- Labs` would hide the rest of the view)."""
    return inline_text(str(value).replace("|", "\\|"))


def render_network(workspace: Workspace, stats: NetworkStats | None = None) -> str:
    """The content of Network.md's `vaultkit:network` block, as of the workspace's today.

    `stats` saves collecting the figures again; it must be `collect_stats(workspace)`.
    """
    renderer = workspace.renderer()
    renderer.env.filters["cell"] = table_cell
    figures = stats or collect_stats(workspace)
    context = view_context(figures, max_rows=workspace.config.max_rows)
    today = workspace.today
    prospects = week_context(workspace, week_start(today), today, workspace.config.max_rows)
    counts = figures.prospects.to_json() if figures.prospects is not None else {}
    if counts:
        share = counts["share_answered"]
        counts["answered"] = percent(share) if share is not None else None
    return renderer.render(VIEW_TEMPLATE, **context, prospects={**prospects, "figures": counts})


def write_network(workspace: Workspace, stats: NetworkStats | None = None) -> tuple[str | None, bool]:
    """Write Network.md's block when it changed: (its path or None when switched off, written?)."""
    rel_path = workspace.config.view_path(VIEW_NAME)
    if rel_path is None:
        return None, False
    return rel_path, write_view(workspace, rel_path, VIEW_NAME, render_network(workspace, stats))
