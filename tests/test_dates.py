"""The cadence grammar, calendar arithmetic, dates, booleans and birthdays (spec §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultkit.dates import (
    Birthday,
    Cadence,
    add_months,
    is_date_name,
    parse_birthday,
    parse_bool,
    parse_cadence,
    parse_date,
    shift,
    stored_birthday,
)
from vaultkit.insights.goals import iso_week, weekly_new

D = dt.date


@pytest.mark.parametrize(
    ("text", "count", "unit", "nominal"),
    [
        ("10d", 10, "d", 10),
        ("2w", 2, "w", 14),
        ("1m", 1, "m", 30),
        ("6m", 6, "m", 180),
        ("1y", 1, "y", 365),
        ("10D", 10, "d", 10),
        ("2W", 2, "w", 14),
        ("6M", 6, "m", 180),
        ("1Y", 1, "y", 365),
        (" 3m ", 3, "m", 90),
    ],
)
def test_cadence_forms(text: str, count: int, unit: str, nominal: int) -> None:
    cadence = parse_cadence(text)
    assert cadence == Cadence(count, unit, text.strip())
    assert cadence.nominal_days == nominal


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("daily", 1, "d"),
        ("weekly", 1, "w"),
        ("biweekly", 2, "w"),
        ("monthly", 1, "m"),
        ("quarterly", 3, "m"),
        ("yearly", 1, "y"),
        ("Weekly", 1, "w"),
        ("MONTHLY", 1, "m"),
        ("QuarTerly", 3, "m"),
    ],
)
def test_cadence_words(text: str, count: int, unit: str) -> None:
    cadence = parse_cadence(text)
    assert cadence is not None
    assert (cadence.count, cadence.unit, cadence.text) == (count, unit, text)


@pytest.mark.parametrize("text", ["none", "None", "NONE", " none "])
def test_cadence_none_means_no_reminders(text: str) -> None:
    assert parse_cadence(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "0d",
        "00w",
        "-1d",
        "1",
        "d",
        "m1",
        "1x",
        "1.5m",
        "1 month",
        "fortnightly",
        "1m2w",
        "never",
        "1dd",
    ],
)
def test_bad_cadences_are_refused(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_cadence(text)
    assert str(err.value) == (
        f"{text.strip()!r} is not a cadence (use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none)"
    )


@pytest.mark.parametrize(
    ("start", "cadence", "expected"),
    [
        (D(2026, 10, 2), "10d", D(2026, 10, 12)),
        (D(2026, 12, 28), "1w", D(2027, 1, 4)),
        (D(2026, 10, 2), "2w", D(2026, 10, 16)),
        (D(2026, 10, 2), "1m", D(2026, 11, 2)),
        (D(2026, 1, 31), "1m", D(2026, 2, 28)),
        (D(2028, 1, 31), "1m", D(2028, 2, 29)),
        (D(2026, 3, 31), "1m", D(2026, 4, 30)),
        (D(2026, 8, 31), "6m", D(2027, 2, 28)),
        (D(2026, 11, 30), "quarterly", D(2027, 2, 28)),
        (D(2026, 12, 31), "2m", D(2027, 2, 28)),
        (D(2028, 2, 29), "1y", D(2029, 2, 28)),
        (D(2028, 2, 29), "4y", D(2032, 2, 29)),
        (D(2026, 10, 2), "yearly", D(2027, 10, 2)),
    ],
)
def test_cadence_adds_calendar_periods_and_clamps_to_month_end(
    start: dt.date, cadence: str, expected: dt.date
) -> None:
    parsed = parse_cadence(cadence)
    assert parsed is not None
    assert parsed.add_to(start) == expected


def test_cadence_days_is_the_length_of_the_period_that_starts_on_the_date() -> None:
    month = parse_cadence("1m")
    assert month is not None
    assert month.days_from(D(2026, 10, 2)) == 31
    assert month.days_from(D(2026, 2, 2)) == 28
    assert month.days_from(D(2026, 1, 31)) == 28
    assert month.days_from(None) == 30
    year = parse_cadence("1y")
    assert year is not None
    assert year.days_from(D(2027, 3, 1)) == 366
    assert year.days_from(None) == 365


def test_huge_cadences_do_not_overflow() -> None:
    """A silly cadence or a far-future `met` must not crash `vault due`."""
    for text in ("9999y", "999999999999d", "99999999w"):
        cadence = parse_cadence(text)
        assert cadence is not None
        assert cadence.add_to(D(2026, 1, 1)) == dt.date.max
        assert cadence.days_from(D(2026, 1, 1)) == (dt.date.max - D(2026, 1, 1)).days
    month = parse_cadence("1m")
    assert month is not None
    assert month.add_to(D(9999, 12, 15)) == dt.date.max


def test_arithmetic_holds_at_the_calendars_ends() -> None:
    """0001-01-01 and 9999-12-31 are dates a note may hold: nothing past them, no crash."""
    assert shift(D(9999, 12, 30), 7) == dt.date.max and shift(D(1, 1, 3), -7) == dt.date.min
    assert shift(D(2026, 1, 1), 10**12) == dt.date.max and shift(D(2026, 1, 1), -(10**12)) == dt.date.min
    assert shift(D(2026, 11, 22), -14) == D(2026, 11, 8)
    assert add_months(D(9999, 12, 31), 1) == dt.date.max and add_months(D(1, 3, 31), -6) == dt.date.min
    assert add_months(D(1, 3, 31), -2) == D(1, 1, 31)
    month = parse_cadence("1m")
    assert month is not None
    # The period from the calendar's last day has no end: its length is the nominal one,
    # never 0 (`vault due` orders by overdue days over it).
    assert month.add_to(dt.date.max) == dt.date.max and month.days_from(dt.date.max) == 30
    assert month.days_from(D(9999, 12, 20)) == 11
    assert Birthday(12, 31, None).next_on_or_after(dt.date.max) == dt.date.max
    assert Birthday(12, 30, 1990).next_on_or_after(dt.date.max) is None
    assert Birthday(1, 1, None).next_on_or_after(dt.date.min) == dt.date.min
    assert weekly_new([dt.date.max], dt.date.max)[-1] == ("9999-W52", 1)
    assert weekly_new([dt.date.min], D(1, 1, 14)) == [("0001-W01", 1), ("0001-W02", 0)]


@given(
    st.dates(),
    st.dates(),
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from("dwmy"),
    st.integers(min_value=-(10**6), max_value=10**6),
)
def test_date_arithmetic_never_fails_for_any_date(
    start: dt.date, today: dt.date, count: int, unit: str, days: int
) -> None:
    cadence = Cadence(count, unit, f"{count}{unit}")
    assert cadence.add_to(start) >= start
    assert cadence.days_from(start) >= 1
    assert dt.date.min <= shift(start, days) <= dt.date.max
    assert add_months(start, days) is not None
    on = Birthday(start.month, start.day, start.year).next_on_or_after(today)
    assert on is None or on >= today
    assert iso_week(today)


def test_add_months_goes_backwards_and_across_years() -> None:
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2026, 1, 15), -1) == D(2025, 12, 15)
    assert add_months(D(2026, 11, 30), 14) == D(2028, 1, 30)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-02", D(2026, 10, 2)),
        (" 2026-10-02 ", D(2026, 10, 2)),
        ("2026-10-02T09:30:00", D(2026, 10, 2)),
        ("2026-10-02T09:30", D(2026, 10, 2)),
        ("2026-10-02 09:30", D(2026, 10, 2)),
        ("2026-10-02t09:30:00.5Z", D(2026, 10, 2)),
        ("2026-10-02T23:30:00+02:00", D(2026, 10, 2)),
        ("2026-10-02 23:30:00 -5", D(2026, 10, 2)),
        (dt.datetime(2026, 10, 2, 23, 59), D(2026, 10, 2)),
        (D(2026, 10, 2), D(2026, 10, 2)),
        ("2028-02-29", D(2028, 2, 29)),
    ],
)
def test_dates_and_datetimes(value: object, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a real date: February 2026 has 28 days"),
        ("2024-02-30", "'2024-02-30' is not a real date: February 2024 has 29 days"),
        ("2026-02-29", "'2026-02-29' is not a real date: 2026 has no Feb 29"),
        ("2026-13-01", "'2026-13-01' is not a real date: there is no month 13"),
        ("2026-00-01", "'2026-00-01' is not a real date: there is no month 0"),
        ("2026-11-31", "'2026-11-31' is not a real date: November has 30 days"),
        ("2026-01-00", "'2026-01-00' is not a real date: there is no day 0"),
        ("0000-01-01", "'0000-01-01' is not a real date: there is no year 0"),
        ("2026-1-2", "'2026-1-2' is not a date (use YYYY-MM-DD)"),
        ("20261002", "'20261002' is not a date (use YYYY-MM-DD)"),
        ("02/10/2026", "'02/10/2026' is not a date (use YYYY-MM-DD)"),
        ("yesterday", "'yesterday' is not a date (use YYYY-MM-DD)"),
        ("", "'' is not a date (use YYYY-MM-DD)"),
        ("2026-10-02 coffee with Ada", "'2026-10-02 coffee with Ada' is not a date (use YYYY-MM-DD)"),
        ("2026-10-02x", "'2026-10-02x' is not a date (use YYYY-MM-DD)"),
        ("2026-10-02T", "'2026-10-02T' is not a date (use YYYY-MM-DD)"),
        (["2026-10-02"], "\"['2026-10-02']\" is not a date (use YYYY-MM-DD)"),
    ],
)
def test_not_dates(value: object, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_date(value)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("yes", True),
        ("Yes", True),
        ("on", True),
        ("ON", True),
        ("false", False),
        ("False", False),
        ("no", False),
        ("NO", False),
        ("off", False),
        (" Off ", False),
    ],
)
def test_booleans(value: str, expected: bool) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["1", "0", "y", "n", "", "archived", "nope"])
def test_not_booleans(value: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_bool(value)
    assert str(err.value) == f"{value!r} is not true or false"


def test_birthday_with_year() -> None:
    birthday = parse_birthday("1815-12-10")
    assert birthday == Birthday(12, 10, 1815)
    assert str(birthday) == "1815-12-10"
    assert birthday.next_on_or_after(D(2026, 11, 22)) == D(2026, 12, 10)
    assert birthday.next_on_or_after(D(2026, 12, 10)) == D(2026, 12, 10)
    assert birthday.next_on_or_after(D(2026, 12, 11)) == D(2027, 12, 10)


def test_birthday_without_year() -> None:
    birthday = parse_birthday("--12-10")
    assert birthday == Birthday(12, 10, None)
    assert str(birthday) == "--12-10"
    assert parse_birthday("--1210") == Birthday(12, 10, None)
    assert birthday.next_on_or_after(D(2026, 12, 31)) == D(2027, 12, 10)


def test_leap_day_birthday_falls_on_feb_28_in_other_years() -> None:
    birthday = parse_birthday("--02-29")
    assert birthday == Birthday(2, 29, None)
    assert birthday.next_on_or_after(D(2026, 1, 1)) == D(2026, 2, 28)
    assert birthday.next_on_or_after(D(2027, 3, 1)) == D(2028, 2, 29)
    assert parse_birthday("2000-02-29").next_on_or_after(D(2026, 3, 1)) == D(2027, 2, 28)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("--02-30", "'--02-30' is not a real birthday"),
        ("--13-01", "'--13-01' is not a real birthday"),
        ("12-10", "'12-10' is not a date (use YYYY-MM-DD)"),
        ("1815-02-29", "'1815-02-29' is not a real date: 1815 has no Feb 29"),
        ("December 10", "'December 10' is not a date (use YYYY-MM-DD)"),
    ],
)
def test_bad_birthdays(value: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_birthday(value)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026-11-22", True),
        ("2026-11-22 Standup", True),
        ("2026-W47", True),
        ("2026-13-45", True),
        ("Ada Lovelace", False),
        ("2026 Conference", False),
        ("Agent 007", False),
    ],
)
def test_names_that_are_dates(name: str, expected: bool) -> None:
    assert is_date_name(name) is expected


@given(st.dates(), st.booleans())
def test_a_stored_birthday_reads_back_as_the_birthday_that_wrote_it(day: dt.date, yearless: bool) -> None:
    text = f"--{day.month:02d}-{day.day:02d}" if yearless else day.isoformat()
    birthday = parse_birthday(text)
    assert stored_birthday(str(birthday)) == birthday
