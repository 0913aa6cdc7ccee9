"""The new-people-per-week goal: ISO weeks, weekly counts and streaks. Pure functions."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable

from vaultkit.dates import shift


@functools.lru_cache(maxsize=8192)  # a few thousand days among 100,000 `met` dates
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
    start, last = first.isocalendar(), today.isocalendar()
    weeks: list[tuple[str, int]] = []
    # Labels made year by year rather than a date stepped week by week: a `met` in year 1
    # is a typo that must not cost a second (nor step past 9999-W52, which is no date).
    for year in range(start.year, last.year + 1):
        first_week = start.week if year == start.year else 1
        last_week = last.week if year == last.year else dt.date(year, 12, 28).isocalendar().week
        weeks.extend(
            (key, counts.get(key, 0))
            for key in (f"{year:04d}-W{week:02d}" for week in range(first_week, last_week + 1))
        )
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


def streak_of(met_dates: Iterable[dt.date], today: dt.date, goal: int) -> int:
    """`streak` of the weekly counts of these `met` dates, looking back only as far as a
    streak can reach (one week per `goal` people met): not every week since the earliest."""
    dates = [d for d in met_dates if d <= today]
    if goal <= 0 or not dates:
        return 0
    reach = shift(today, -7 * (len(dates) // goal + 2))
    return streak(weekly_new(dates, today, since=max(min(dates), reach)), goal)
