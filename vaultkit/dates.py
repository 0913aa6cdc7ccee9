"""Dates and the cadence grammar: pure functions, no I/O, no package imports."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

_CADENCE_RE = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$", re.IGNORECASE)
_WORDS = {
    "daily": (1, "d"),
    "weekly": (1, "w"),
    "biweekly": (2, "w"),
    "monthly": (1, "m"),
    "quarterly": (3, "m"),
    "yearly": (1, "y"),
}
_NOMINAL_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
# A date, optionally with a time as YAML and ISO 8601 write it (the time is ignored); any
# other text after the date makes the value not a date.
_DATE_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?\s*$"
)
_YEARLESS_RE = re.compile(r"^\s*--(\d{2})-?(\d{2})\s*$")


@dataclass(frozen=True)
class Cadence:
    """A keep-in-touch interval: `count` units of d, w, m (calendar months) or y."""

    count: int
    unit: str
    text: str

    @property
    def nominal_days(self) -> int:
        """Length used to compare cadences (d 1, w 7, m 30, y 365)."""
        return self.count * _NOMINAL_DAYS[self.unit]

    def add_to(self, start: dt.date) -> dt.date:
        """The date one period after `start`, clamping months to their last day.

        A period that ends after year 9999 ends on the last day Python can represent.
        """
        end = self.end_from(start)
        return dt.date.max if end is None else end

    def end_from(self, start: dt.date) -> dt.date | None:
        """`add_to`'s date, or None when the period ends after 9999-12-31, the last date
        there is (where a deadline may be held, but a date to write down must not be)."""
        try:
            if self.unit == "d":
                return start + dt.timedelta(days=self.count)
            if self.unit == "w":
                return start + dt.timedelta(weeks=self.count)
        except OverflowError:
            return None
        return _months_later(start, self.count if self.unit == "m" else 12 * self.count)

    def days_from(self, start: dt.date | None) -> int:
        """Length in days of the period starting at `start` (nominal without one), held at
        the calendar's end; never 0 (nominal from 9999-12-31), so a ratio to it is defined."""
        if start is None:
            return self.nominal_days
        return (self.add_to(start) - start).days or self.nominal_days


def days_text(count: int) -> str:
    """`1 day`, `12 days`: how every message counts days."""
    return f"{count} day{'s' if count != 1 else ''}"


@functools.lru_cache(maxsize=1024)  # a vault uses a handful of cadences, thousands of times
def parse_cadence(text: str) -> Cadence | None:
    """Parse `10d`, `2w`, `1m`, `1y` or a word; `none` gives None; else ValueError."""
    raw = str(text).strip()
    low = raw.lower()
    if low == "none":
        return None
    if low in _WORDS:
        count, unit = _WORDS[low]
        return Cadence(count, unit, raw)
    match = _CADENCE_RE.match(raw)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{raw!r} is not a cadence (use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none)")
    return Cadence(int(match.group(1)), match.group(2).lower(), raw)


def add_months(start: dt.date, months: int) -> dt.date:
    """Add calendar months; a day past the target month's end clamps to its last day, and
    a date past the calendar's ends to 0001-01-01 or 9999-12-31."""
    later = _months_later(start, months)
    if later is None:
        return dt.date.min if months < 0 else dt.date.max
    return later


def _months_later(start: dt.date, months: int) -> dt.date | None:
    """`add_months`, or None past the calendar's ends."""
    index = start.year * 12 + (start.month - 1) + months
    if index < 12 or index >= 10000 * 12:
        return None
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def shift(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days` days, held at the calendar's ends (0001-01-01, 9999-12-31): a
    date near either end must never make a command fail."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def parse_date(value: object) -> dt.date:
    """Parse `YYYY-MM-DD` (a datetime counts as its date); else ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _date_of_text(str(value))


HAPPENED = {"last_contact": "it records a contact that happened", "met": "it records when you met"}
"""The keys whose dates say what has happened, so are never after today, and why."""


def check_happened(key: str, when: dt.date, today: dt.date) -> dt.date:
    """`when` as the date of `key` (one of HAPPENED); ValueError when it is after `today`."""
    if when > today:
        raise ValueError(f"{when} is after today ({today}): {HAPPENED[key]}")
    return when


@functools.lru_cache(maxsize=8192)  # a vault's dates repeat: each text is read once
def _date_of_text(text: str) -> dt.date:
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date: {_why_not_real(year, month, day)}") from None


def _why_not_real(year: int, month: int, day: int) -> str:
    """What is wrong with a YYYY-MM-DD that `dt.date` refuses (`2026 has no Feb 29`)."""
    if year < 1:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if day < 1:
        return "there is no day 0"
    if (month, day) == (2, 29):
        return f"{year} has no Feb 29"
    days = calendar.monthrange(year, month)[1]
    return f"February {year} has {days} days" if month == 2 else f"{_MONTHS[month - 1]} has {days} days"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""(Not `calendar.month_name`: it speaks the locale's language.)"""


class Birthday(NamedTuple):
    """A birthday; `year` is None when written vCard-style as `--MM-DD`."""

    month: int
    day: int
    year: int | None

    def next_on_or_after(self, today: dt.date) -> dt.date | None:
        """The next anniversary on or after `today` (Feb 29 falls on Feb 28); None when it
        would fall after 9999-12-31."""
        for year in (today.year, today.year + 1):
            if year > dt.MAXYEAR:
                return None
            last = calendar.monthrange(year, self.month)[1]
            candidate = dt.date(year, self.month, min(self.day, last))
            if candidate >= today:
                return candidate
        raise AssertionError("unreachable")

    def age_on(self, today: dt.date) -> int | None:
        """How old they are on `today` (None with no year): a year older on each anniversary,
        which falls on Feb 28 in a year without Feb 29, as `next_on_or_after` has it."""
        if self.year is None:
            return None
        last = calendar.monthrange(today.year, self.month)[1]
        return today.year - self.year - (today < dt.date(today.year, self.month, min(self.day, last)))

    def __str__(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def parse_birthday(value: object) -> Birthday:
    """Parse `YYYY-MM-DD` or `--MM-DD`; else ValueError."""
    text = str(value)
    match = _YEARLESS_RE.match(text)
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            dt.date(2000, month, day)  # a leap year accepts Feb 29
        except ValueError:
            raise ValueError(f"{text!r} is not a real birthday") from None
        return Birthday(month, day, None)
    date = parse_date(text)
    return Birthday(date.month, date.day, date.year)


def stored_birthday(text: str) -> Birthday:
    """The Birthday that `str(birthday)` wrote (`YYYY-MM-DD` or `--MM-DD`: how the index
    stores a birthday that parsed), without checking it again."""
    return Birthday(int(text[-5:-3]), int(text[-2:]), None if text[0] == "-" else int(text[:-6]))


_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def parse_bool(value: object) -> bool:
    """Parse true/yes/on or false/no/off (any case); else ValueError."""
    text = str(value).strip().lower()
    if text in _BOOL:
        return _BOOL[text]
    raise ValueError(f"{value!r} is not true or false")


def is_date_name(name: str) -> bool:
    """Whether a name looks like a date (it would collide with a daily note)."""
    try:
        parse_date(name)
    except ValueError:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}.*|\d{4}-W\d{2}", name.strip()))
    return True
