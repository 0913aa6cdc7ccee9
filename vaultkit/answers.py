"""What the read commands answer, in the JSON shapes their `--json` prints.

The CLI prints these objects and `vault mcp` returns them as structured content, so an
assistant sees what `vault due --json` shows (spec §3), its long lists `cut`. Each is a plain dict of
JSON values; the modules that gather the data are imported only when an answer needs them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from vaultkit.workspace import Workspace

if TYPE_CHECKING:
    from vaultkit.insights.stats import NetworkStats

T = TypeVar("T")


def due_answer(workspace: Workspace, within: str | None = None, tag: str | None = None) -> dict[str, Any]:
    """`vault due --json`: who is due, the problems, overdue follow-ups and coming birthdays."""
    from vaultkit.views.builtin import overdue_followups, upcoming_birthdays_of

    items = workspace.due(within=within, tag=tag)
    return {
        "today": workspace.today.isoformat(),
        "due": [item.to_json() for item in items],
        "problems": [p.to_json() for p in workspace.problems()],
        "followups": [f.to_json() for f in overdue_followups(workspace)],
        "birthdays": [b.to_json() for b in upcoming_birthdays_of(workspace)],
    }


def show_answer(workspace: Workspace, name: str) -> dict[str, Any]:
    """`vault show --json`: one person with interactions and follow-ups."""
    return workspace.show(name).to_json()


def search_answer(workspace: Workspace, words: Sequence[str], limit: int | None = None) -> dict[str, Any]:
    """`vault search --json`: every note holding all the words, best first (the first
    `limit`, and how many more, `cut` as an assistant is answered)."""
    found = {"results": [hit.to_json() for hit in workspace.search(words, limit)]}
    if limit is None:
        return found
    return cut(found, limit, {"results": workspace.search_count(words)})


def cut(answer: dict[str, Any], limit: int, totals: dict[str, int] | None = None) -> dict[str, Any]:
    """An answer with each of its lists cut to `limit` items, and `more`: how many each left
    out, when any did (`totals`: of lists found no longer than that). `vault mcp` answers so:
    an assistant reads 50 people, not the 68,000 (16 MB) of a vault where everyone is due."""
    counts = {key: len(value) for key, value in answer.items() if isinstance(value, list)} | (totals or {})
    more = {key: count - limit for key, count in counts.items() if count > limit}
    if not more:
        return answer
    return {**{key: value[:limit] if key in more else value for key, value in answer.items()}, "more": more}


def followups_answer(workspace: Workspace, names: str | None = None, overdue: bool = False) -> dict[str, Any]:
    """`vault followups --json`: open follow-ups (of these people), soonest due first."""
    from vaultkit.meetings import open_followups

    today = workspace.today
    return {
        "today": today.isoformat(),
        "followups": [
            item.to_json() | {"overdue": bool(item.due and item.due < today)}
            for item in open_followups(workspace, names, overdue=overdue)
        ],
    }


def suggest_answer(workspace: Workspace, count: int = 5) -> dict[str, Any]:
    """`vault suggest --json`: whom to reach out to today, each with why."""
    from vaultkit.insights.suggest import suggest

    picks = suggest(workspace, count)
    return {"today": workspace.today.isoformat(), "suggestions": [p.to_json() for p in picks]}


def stats_answer(
    workspace: Workspace, since: dt.date | None = None, limit: int | None = None
) -> dict[str, Any]:
    """`vault stats --json`: the network's figures (counting from `since`); with `limit`,
    cut as an assistant is answered (`cut_stats`)."""
    from vaultkit.insights.network import collect_stats

    figures = collect_stats(workspace, since, received=False)  # (the JSON holds no received)
    if limit is None:
        return figures.to_json()
    return cut_stats(figures, limit)


def cut_stats(figures: NetworkStats, limit: int) -> dict[str, Any]:
    """The figures' JSON with each list cut to `limit` items, keeping what matters most: the
    latest weeks and introductions, the largest channels and groups of each dimension; and
    `more`: how many each left out (`introductions.pairs`, `dimensions.NAME`), when any did.
    One `met: 0217-09-15` typo makes 94,000 weeks (9 MB) of what an assistant reads."""
    more: dict[str, int] = {}

    def keep(key: str, items: tuple[T, ...], latest: bool = False) -> tuple[T, ...]:
        if len(items) <= limit:
            return items
        more[key] = len(items) - limit
        return items[-limit:] if latest else items[:limit]

    cut = dataclasses.replace(
        figures,
        new_per_week=keep("new_per_week", figures.new_per_week, latest=True),
        channels=keep("channels", figures.channels),
        pairs=keep("introductions.pairs", figures.pairs, latest=True),
        dimensions=tuple(
            dataclasses.replace(item, groups=keep(f"dimensions.{item.dimension}", item.groups))
            for item in figures.dimensions
        ),
    )
    answer = cut.to_json()
    answer["introductions"]["made"] = len(figures.pairs)  # every pair, not only those kept
    return {**answer, "more": more} if more else answer
