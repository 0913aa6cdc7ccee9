"""The new-people-per-week goal: ISO weeks, weekly counts and streaks. Pure functions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable


def iso_week(day: dt.date) -> str:
    """`2026-W47` for a date (ISO 8601 week, which may belong to the next or last year)."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def parse_iso_week(text: str) -> dt.date:
    """`2026-W47` -> the Monday of that week; ValueError when it is not an ISO week."""
    try:
        year_text, week_text = text.strip().upper().split("-W")
        return dt.date.fromisocalendar(int(year_text), int(week_text), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO week (use YYYY-Www, e.g. 2026-W47)") from None


def weekly_new(
    met_dates: Iterable[dt.date], today: dt.date, since: dt.date | None = None
) -> list[tuple[str, int]]:
    """(week, people met) for every ISO week from `since` (else the earliest `met`) to this week."""
    dates = [d for d in met_dates if d <= today and (since is None or d >= since)]
    counts = Counter(iso_week(d) for d in dates)
    first = since or (min(dates) if dates else today)
    weeks: list[tuple[str, int]] = []
    monday, last = week_start(first), week_start(today)
    while monday <= last:
        key = iso_week(monday)
        weeks.append((key, counts.get(key, 0)))
        monday += dt.timedelta(weeks=1)
    return weeks


def streak(weeks: list[tuple[str, int]], goal: int) -> int:
    """Consecutive weeks meeting the goal, ending with this week if it already meets it, else last week."""
    if goal <= 0 or not weeks:
        return 0
    counts = [count for _, count in weeks]
    if counts[-1] < goal:
        counts = counts[:-1]
    run = 0
    for count in reversed(counts):
        if count < goal:
            break
        run += 1
    return run
