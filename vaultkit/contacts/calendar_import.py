"""`vault import calendar`: past meetings in a calendar export become interactions.

Each past occurrence of an event (repeating events expanded by recurring-ical-events, with
their EXDATEs and moved instances) whose attendees match people in the vault (by email,
then by name: the importers' `Matcher`) becomes a Log entry for each of them, or with
`notes` one meeting note with a `people` property. Future events, cancelled ones, ones you
declined and ones with more than `max_attendees` people are skipped with the reason.
The plan is an `ImportPlan`, written by the importers' `apply_import`; an occurrence
already in the vault (the same Log entry, the same meeting note) is `unchanged`, so a
calendar imported twice changes nothing: also one imported before events were dated in
your zone (`_day`), whose entry of an event at a time with a zone may be a day off.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.contacts.matching import NAME_THRESHOLD
from vaultkit.contacts.plan import ImportPlan, read_target, vault_matcher
from vaultkit.contacts.records import (
    CREATE,
    MERGE,
    SKIP,
    UNCHANGED,
    Contact,
    ImportRow,
    email_key,
    without_scheme,
)
from vaultkit.contacts.vcard import decode_bytes
from vaultkit.errors import NoteGone, NoteParseError, UsageError, VaultkitError
from vaultkit.model import name_key
from vaultkit.notes.frontmatter import yaml_list, yaml_scalar
from vaultkit.notes.grammar import inline_text
from vaultkit.notes.parse import parse_text
from vaultkit.vault.names import title_stem
from vaultkit.workspace import Workspace

MAX_ATTENDEES = 8
MAX_OCCURRENCES = 5_000
"""Past occurrences of one event read at most, the latest (a daily meeting for thirteen years)."""
CHANNEL = "meeting"
"""The channel of the Log entries an import writes (`- 2026-11-20 meeting: Roadmap review`)."""
_NOT_PEOPLE = {"ROOM", "RESOURCE", "UNKNOWN"}
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_EARLIEST = dt.date(1900, 1, 1)
"""Occurrences before this day are no meeting anyone had (a birthday in calendar form,
Apple's year 1604): left out, with a row."""


@dataclass
class Attendee:
    """Someone an event names: its organizer or an attendee."""

    name: str
    email: str
    declined: bool


@dataclass
class Occurrence:
    """One time an event happened (or happens), as the import sees it."""

    source: str
    line: int
    day: dt.date
    summary: str
    cancelled: bool
    attendees: list[Attendee] = field(default_factory=list)
    earlier_day: dt.date | None = None
    """The day an import before `_day` dated it on, when that is another: at a time with a
    zone, it took the date in the zone the time is written in (`…Z`: UTC), not yours."""

    @property
    def title(self) -> str:
        """`2026-11-20 Roadmap review`: the row's name in the report."""
        return f"{self.day.isoformat()} {self.summary}"


def _text(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def _address(value: Any) -> str:
    return without_scheme(str(value or ""), "mailto")


def _day(value: Any, zone: dt.tzinfo | None) -> dt.date | None:
    """The date an event starts on where you are: a time with a zone (`…Z`, a `TZID`) is
    moved into `zone` (None: this machine's zone) first, so one moment has one date however
    it is written; a floating time and an all-day event keep the date they are written with."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.date()
        try:
            return value.astimezone(zone).date()
        except (OverflowError, OSError, ValueError):  # by the calendar's ends; before 1970 on Windows
            return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _zone(calendar: Any) -> tuple[dt.tzinfo | None, str | None]:
    """(The zone a calendar's times are dated in: its X-WR-TIMEZONE (Google and Apple write
    the calendar's zone there), else None for this machine's; a sentence when the name
    given is no zone, else None.)"""
    from zoneinfo import ZoneInfo

    name = str(calendar.get("X-WR-TIMEZONE", "") or "").strip()
    if not name:
        return None, None
    try:
        return ZoneInfo(name), None
    except (ValueError, KeyError):  # (ZoneInfoNotFoundError is a KeyError)
        return None, f"X-WR-TIMEZONE {name!r} is not a time zone: times are dated in this machine's zone"


def _attendees(event: Any) -> list[Attendee]:
    """The event's organizer and attendees, once each (rooms and resources left out)."""
    found: dict[str, Attendee] = {}
    organizer = event.get("ORGANIZER")
    listed = event.get("ATTENDEE") or []
    if not isinstance(listed, list):
        listed = [listed]
    for who in [organizer, *listed] if organizer is not None else listed:
        params = getattr(who, "params", {})
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        if str(params.get("ROLE", "")).upper() == "NON-PARTICIPANT":
            continue
        email = _address(who)
        name = _text(params.get("CN", "")).strip("'\"")
        if not _EMAIL_RE.fullmatch(email):
            email = ""
        if not email and not name:
            continue
        key = email_key(email) if email else name_key(name)
        declined = str(params.get("PARTSTAT", "")).upper() == "DECLINED"
        if key in found:
            found[key].declined = found[key].declined and declined
            found[key].name = found[key].name or name
        else:
            found[key] = Attendee(name, email, declined)
    return list(found.values())


def _event_lines(text: str) -> dict[str, int]:
    """UID -> the line of its first BEGIN:VEVENT, for the report."""
    lines: dict[str, int] = {}
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        upper = line.strip().upper()
        if upper == "BEGIN:VEVENT":
            start = number
        elif upper.startswith("UID:") and start:
            lines.setdefault(line.strip()[4:], start)
            start = 0
    return lines


def _by_uid(calendar: Any) -> Iterator[tuple[str, Any]]:
    """(UID, a calendar of that event's components and the time zones) for each event."""
    from icalendar import Calendar

    groups: dict[str, list[Any]] = {}
    for number, event in enumerate(calendar.walk("VEVENT")):
        groups.setdefault(str(event.get("UID", "")) or f"#{number}", []).append(event)
    zones = calendar.walk("VTIMEZONE")
    for uid, events in groups.items():
        group = Calendar()
        for component in [*zones, *events]:
            group.add_component(component)
        yield uid, group


_SUB_DAILY = {"SECONDLY": "every second", "MINUTELY": "every minute", "HOURLY": "every hour"}
_MOST_A_DAY = 24  # occurrences a day a rule may make (its BYHOUR × BYMINUTE × BYSECOND)


def _too_frequent(group: Any) -> str | None:
    """Why an event's rule repeats too often to be meetings, or None. Such a rule would
    also take minutes to expand, whatever bound is set on what is kept: the library works
    out every occurrence of a span of time at once (a year of FREQ=SECONDLY is 31 million)."""
    for event in group.walk("VEVENT"):
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [] if rules is None else [rules]:
            freq = str((rule.get("FREQ") or [""])[0]).upper()
            if freq in _SUB_DAILY:
                return f"repeats {_SUB_DAILY[freq]}: not meetings to log; left out"
            per_day = 1
            for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                per_day *= max(1, len(rule.get(part) or []))
            if per_day > _MOST_A_DAY:
                return f"repeats {per_day:,} times a day: not meetings to log; left out"
    return None


def _files(path: Path) -> list[Path]:
    full = path.expanduser()
    if full.is_dir():
        return sorted(p for p in full.rglob("*.ics") if p.is_file() and not p.name.startswith("."))
    if not full.exists():
        raise UsageError(f"{path}: no such file or folder")
    return [full]


def _occurrence(event: Any, day: dt.date, source: str, line: int | None) -> Occurrence:
    return Occurrence(
        source,
        line or 0,
        day,
        _summary(event),
        str(event.get("STATUS", "")).upper() == "CANCELLED",
        _attendees(event),
        _earlier_day(event.decoded("DTSTART", None), day),
    )


def _earlier_day(value: Any, day: dt.date) -> dt.date | None:
    if isinstance(value, dt.datetime) and value.tzinfo is not None and value.date() != day:
        return value.date()
    return None


def _summary(event: Any) -> str:
    return _text(event.get("SUMMARY")) or "(no title)"


def _past(group: Any, today: dt.date, zone: dt.tzinfo | None) -> tuple[list[tuple[Any, dt.date]], str | None]:
    """(the latest `MAX_OCCURRENCES` occurrences of an event up to `today`, each with its
    day in `zone`; which were left out, or None). The latest are the ones that decide
    `last_contact`.

    Read back from today a span at a time, each twice the last: the library's `between`
    takes a second for decades of a daily rule, where reading forward (`after`) took minutes.
    """
    import recurring_ical_events  # type: ignore[import-untyped]

    query = recurring_ical_events.of(group)
    found: dict[Any, tuple[Any, dt.date]] = {}  # the occurrence's start -> (it, its day)
    # (The library reads a date bound in each event's own zone: a day more takes in what is
    # still today here and already tomorrow there.)
    stop, span = today + dt.timedelta(days=2), dt.timedelta(days=366)
    first = _EARLIEST - dt.timedelta(days=1)  # (that bound again, the other way)
    while len(found) <= MAX_OCCURRENCES and stop > first:
        start = max(stop - span, first)
        for event in query.between(start, stop):
            when = event.decoded("DTSTART", None)
            day = _day(when, zone)
            if day is not None and _EARLIEST <= day <= today:
                found.setdefault(when, (event, day))  # (one that spans two spans comes twice)
        stop, span = start, span * 2
    latest = sorted(found.values(), key=lambda item: item[1])
    if len(latest) <= MAX_OCCURRENCES:
        return latest, _before_earliest(group, zone)
    kept = latest[-MAX_OCCURRENCES:]
    return kept, (
        f"happened more than {MAX_OCCURRENCES:,} times by today; the latest {MAX_OCCURRENCES:,} "
        f"count (from {kept[0][1]}), the earlier ones are left out"
    )


def _before_earliest(group: Any, zone: dt.tzinfo | None) -> str | None:
    """Why an event's occurrences before `_EARLIEST` are left out, when it has any; else None."""
    starts = [(_day(event.decoded("DTSTART", None), zone), event) for event in group.walk("VEVENT")]
    early = [(day, event) for day, event in starts if day is not None and day < _EARLIEST]
    if not early:
        return None
    day, event = min(early, key=lambda start: start[0])
    if "RRULE" in event or "RDATE" in event:
        return (
            f"repeats from {day.isoformat()}: its occurrences before {_EARLIEST.year} "
            "are no meetings you had; left out"
        )
    return f"is on {day.isoformat()}, before {_EARLIEST.year}: no meeting you had; left out"


def _future(group: Any, today: dt.date, zone: dt.tzinfo | None) -> list[tuple[Any, dt.date]]:
    """Each event (not a moved occurrence) that starts after `today`, with its day in `zone`."""
    found = []
    for event in group.walk("VEVENT"):
        if "RECURRENCE-ID" not in event:
            day = _day(event.decoded("DTSTART", None), zone)
            if day is not None and day > today:
                found.append((event, day))
    return found


def _why_unreadable(group: Any, err: Exception) -> str:
    """Why an event cannot be read: in icalendar's words when it found a property broken."""
    for event in group.walk("VEVENT"):
        if "DTSTART" not in event:
            return "it has no DTSTART (when it starts)"
        for name, message in getattr(event, "errors", ()):
            return f"its {name} cannot be read: {message}"
    return str(err) or type(err).__name__


_FOLD_RE = re.compile(rb"\r?\n[ \t]")
_CALENDAR_RE = re.compile(r"^(BEGIN|END):VCALENDAR[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)
_EVENT_END_RE = re.compile(r"^END:VEVENT[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)


def _closed(text: str) -> tuple[str, str | None]:
    """A calendar that ends without its END:VCALENDAR (a download cut short), closed after
    its last whole event, and a sentence saying so; any other as it is, and None. (icalendar
    reads nothing of a calendar never closed.)"""
    marks = list(_CALENDAR_RE.finditer(text))
    if not marks or marks[-1].group(1).upper() != "BEGIN":
        return text, None
    ends = list(_EVENT_END_RE.finditer(text, marks[-1].end()))
    whole = f"{text[: ends[-1].end()]}\r\nEND:VCALENDAR\r\n" if ends else text
    return whole, (
        f"the file ends without END:VCALENDAR (cut short?): its {len(ends)} whole event"
        f"{'s are' if len(ends) != 1 else ' is'} read, what follows the last is left out"
    )


def read_calendar(path: Path, today: dt.date) -> tuple[list[Occurrence], list[Occurrence], list[ImportRow]]:
    """(past occurrences up to `today`, future events, rows for what could not be read) of
    one .ics file, dated where you are (`_day`). An event that cannot be read is one row;
    the others still count."""
    from icalendar import Calendar

    try:
        data = path.read_bytes()
    except OSError as err:
        raise VaultkitError(f"{path}: cannot read it: {err.strerror}") from None
    lines = _event_lines(data.decode("utf-8", "replace"))
    # Folds joined as octets before decoding (RFC 5545 3.1: a fold may split a UTF-8
    # character; icalendar decodes first), then UTF-8, else Windows-1252 (Outlook's).
    text, _ = decode_bytes(_FOLD_RE.sub(b"", data))
    text, cut_short = _closed(text)
    bad: list[ImportRow] = []
    if cut_short:
        bad.append(ImportRow(SKIP, "", path.name, None, reason=cut_short))
    if not text.strip():
        return [], [], [ImportRow(SKIP, "", path.name, None, reason="the file is empty: no event in it")]
    if not _CALENDAR_RE.search(text):
        reason = "not an iCalendar file (no BEGIN:VCALENDAR line): is this the right file?"
        return [], [], [ImportRow(SKIP, "", path.name, None, reason=reason)]
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except ValueError as err:
        return [], [], [ImportRow(SKIP, "", path.name, None, reason=f"not an iCalendar file: {err}")]
    past: list[Occurrence] = []
    future: list[Occurrence] = []
    for calendar in calendars:
        zone, not_a_zone = _zone(calendar)
        if not_a_zone:
            bad.append(ImportRow(SKIP, "", path.name, None, reason=not_a_zone))
        for uid, group in _by_uid(calendar):
            line = lines.get(uid)
            try:
                too_often = _too_frequent(group)
                happened, left_out = ([], too_often) if too_often else _past(group, today, zone)
                coming = _future(group, today, zone)
            except Exception as err:  # a broken rule or date: the library's errors have no common base
                left_out = f"cannot be read, so it is left out: {_why_unreadable(group, err)}"
                happened, coming = [], []
            if left_out:
                name = _summary(group.walk("VEVENT")[0])
                bad.append(ImportRow(SKIP, name, path.name, line, reason=f"event {uid} {left_out}"))
            past.extend(_occurrence(event, day, path.name, line) for event, day in happened)
            future.extend(_occurrence(event, day, path.name, line) for event, day in coming)
    return past, future, bad


@dataclass
class _Entry:
    """A Log entry the import compares occurrences with."""

    text: str  # as `_compared`
    in_note: bool  # there before the import (not one it adds)
    taken: bool = False  # an occurrence of the next or the day before is this entry's


@dataclass
class _Person:
    path: str
    name: str
    how: str


def me_from(calendars: Iterable[Path]) -> set[str]:
    """The calendar owner's addresses, where a file names them (Google: X-WR-CALNAME is the address)."""
    found: set[str] = set()
    for path in calendars:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                head = handle.read(4096)
        except OSError:
            continue
        match = re.search(r"^X-WR-CALNAME:(.+)$", head, re.MULTILINE)
        if match and _EMAIL_RE.fullmatch(match.group(1).strip()):
            found.add(email_key(match.group(1).strip()))
    return found


class _CalendarPlanner:
    def __init__(
        self,
        workspace: Workspace,
        notes: bool,
        max_attendees: int,
        me: set[str],
        past: Iterable[Occurrence] = (),
    ) -> None:
        self.workspace = workspace
        self.notes = notes
        self.max_attendees = max_attendees
        self.me = me
        self.plan = ImportPlan([], NAME_THRESHOLD)
        self.matcher = vault_matcher(workspace, NAME_THRESHOLD)
        self._logged: dict[str, dict[dt.date, list[_Entry]]] = {}
        # (day, text) of each occurrence imported: an entry of that day is that occurrence's,
        # never the one of the day before or after (a daily stand-up)
        self._days = {(o.day, _compared(inline_text(o.summary))) for o in past}
        self._taken_notes: set[str] = set()
        self._entries: dict[str, tuple[str, list[tuple[dt.date, str]]]] = {}  # path -> name, entries
        self._planned: set[str] = set()  # the new notes' names, as `name_key`s

    def row(self, action: str, occurrence: Occurrence, reason: str, **kwargs: Any) -> ImportRow:
        row = ImportRow(
            action, occurrence.title, occurrence.source, occurrence.line or None, reason=reason, **kwargs
        )
        self.plan.rows.append(row)
        return row

    def add(self, occurrence: Occurrence) -> None:
        if occurrence.cancelled:
            self.row(SKIP, occurrence, "cancelled")
            return
        if any(a.declined and email_key(a.email) in self.me for a in occurrence.attendees if a.email):
            self.row(SKIP, occurrence, "you declined it")
            return
        if len(occurrence.attendees) > self.max_attendees:
            self.row(
                SKIP,
                occurrence,
                f"{len(occurrence.attendees)} people (more than --max-attendees {self.max_attendees})",
            )
            return
        people: dict[str, _Person] = {}
        strangers: list[str] = []
        declined: list[str] = []  # (whether in the vault or not: they were not met)
        for attendee in occurrence.attendees:
            if attendee.email and email_key(attendee.email) in self.me:
                continue
            label = attendee.email or attendee.name
            if attendee.declined:
                declined.append(label)
                continue
            contact = Contact(attendee.name, occurrence.source, occurrence.line)
            contact.emails = [attendee.email] if attendee.email else []
            found = self.matcher.match(contact, [attendee.name] if attendee.name else [])
            if found is None or isinstance(found, str):
                strangers.append(label)
            else:
                people.setdefault(found.path, _Person(found.path, self.matcher.names[found.path], found.how))
        others = f"; not in the vault: {', '.join(strangers)}" if strangers else ""
        others += f"; declined: {', '.join(declined)}" if declined else ""
        if not people:
            nobody = f"nobody in the vault: {', '.join(strangers)}" if strangers else "nobody to log"
            self.row(SKIP, occurrence, nobody + (f"; declined: {', '.join(declined)}" if declined else ""))
            return
        met = ", ".join(f"{p.name} ({p.how})" for p in sorted(people.values(), key=lambda p: p.name))
        if self.notes:
            self._note(occurrence, sorted(people.values(), key=lambda p: p.name), f"with {met}{others}")
        else:
            self._log(occurrence, sorted(people.values(), key=lambda p: p.path), f"with {met}{others}")

    def _log(self, occurrence: Occurrence, people: Sequence[_Person], reason: str) -> None:
        entry_text = inline_text(occurrence.summary)  # (as the note will hold it, and read it back)
        adds: list[str] = []
        text = _compared(entry_text)
        for person in people:
            logged = self._logged_of(person.path)
            if self._already_logged(logged, occurrence, text):
                continue
            entry = f"- {occurrence.day.isoformat()} {CHANNEL}: {entry_text}"
            self._entries.setdefault(person.path, (person.name, []))[1].append((occurrence.day, entry))
            logged.setdefault(occurrence.day, []).append(_Entry(text, in_note=False))
            adds.append(f"Log of {person.name}")
        self.row(MERGE if adds else UNCHANGED, occurrence, reason, adds=adds)

    def write_entries(self) -> None:
        """Put each person's new entries into their note's text at once, newest first: one
        edit a note however many meetings (entry by entry, a daily stand-up would be quadratic)."""
        for path, (name, entries) in sorted(self._entries.items()):
            entries.sort(key=lambda e: e[0], reverse=True)
            target = read_target(self.workspace, path, name)
            try:
                if isinstance(target, str):
                    raise VaultkitError(target)
                lines = [entry for _, entry in entries]
                text = self.workspace.with_log_entry(path, target.text, lines, entries[0][0])
                target.text = self.workspace.readable(path, text)  # (as `apply_import` expects)
                self.plan.targets[path] = target
            except VaultkitError as err:  # a note that cannot take the entries: the rest go on
                for row in self.plan.rows:
                    if f"Log of {name}" in row.adds:
                        row.adds.remove(f"Log of {name}")
                        row.differences.append(f"{err}; not logged for {name}")
                        row.action = MERGE if row.adds else SKIP

    def _already_logged(self, logged: dict[dt.date, list[_Entry]], occurrence: Occurrence, text: str) -> bool:
        """Whether a person's Log has this occurrence's entry: of its day, or (`_near_days`)
        of the day before or after, as an import before `_day` wrote it."""
        if any(not e.taken and _same_entry(text, e.text) for e in logged.get(occurrence.day, [])):
            return True
        for day in self._near_days(occurrence, text):
            for entry in logged.get(day, []):
                if entry.in_note and not entry.taken and _same_entry(text, entry.text):
                    entry.taken = True
                    return True
        return False

    def _near_days(self, occurrence: Occurrence, text: str) -> list[dt.date]:
        """The other day where an occurrence's entry or note may be, as an import dated it
        before `_day` moved times into your zone (`Occurrence.earlier_day`), unless an
        occurrence of the same title is on that day: a meeting logged by hand the next day
        is not this one."""
        day = occurrence.earlier_day
        return [] if day is None or (day, text) in self._days else [day]

    def _logged_of(self, path: str) -> dict[dt.date, list[_Entry]]:
        """A person's Log entries, by day."""
        if path not in self._logged:
            entries: dict[dt.date, list[_Entry]] = {}
            try:
                snapshot = self.workspace.vault.read(path)
                note = parse_text(path, snapshot.data.decode("utf-8", "replace"), self.workspace.config)
                for entry in note.log:
                    entries.setdefault(entry.date, []).append(_Entry(_compared(entry.text), in_note=True))
            except (OSError, NoteGone, NoteParseError):
                pass
            self._logged[path] = entries
        return self._logged[path]

    def _note(self, occurrence: Occurrence, people: Sequence[_Person], reason: str) -> None:
        stem = title_stem(f"{occurrence.day.isoformat()} {occurrence.summary}")
        name, number = stem, 2
        # (`sync.md` beside `Sync.md`: one file on a Mac or Windows machine the vault syncs to)
        while name_key(name) in self._planned:
            name, number = f"{stem} ({number})", number + 1
        self._planned.add(name_key(name))
        path = self._meeting_path(name)
        there = self._note_there(path)
        for day in [] if there else self._near_days(occurrence, _compared(inline_text(occurrence.summary))):
            near = self._note_there(self._meeting_path(title_stem(f"{day.isoformat()} {occurrence.summary}")))
            if near and near not in self._taken_notes:
                there = near
                self._taken_notes.add(near)
                break
        if there:
            self.row(UNCHANGED, occurrence, f"{reason}; {there} is there already", path=there)
            return
        links = [f"[[{person.name}]]" for person in people]
        self.plan.new_notes[path] = (
            f"---\ndate: {occurrence.day.isoformat()}\npeople: {yaml_list(links)}\n"
            f"source: {yaml_scalar(occurrence.source)}\n---\n# {inline_text(occurrence.summary)}\n"
        )
        self.row(CREATE, occurrence, reason, path=path, adds=["meeting note"])

    def _meeting_path(self, name: str) -> str:
        folder = self.workspace.config.meetings_dir
        return f"{folder}/{name}.md" if folder else f"{name}.md"

    def _note_there(self, path: str) -> str | None:
        """The note at `path`, or one with its name but for case or accent encoding, or None."""
        return path if self.workspace.vault.exists(path) else self.workspace.note_in_the_way(path)


def plan_calendar(
    workspace: Workspace,
    paths: Sequence[Path],
    notes: bool = False,
    max_attendees: int = MAX_ATTENDEES,
    me: Sequence[str] = (),
) -> ImportPlan:
    """What importing these calendar files (or folders of them) would write; writes nothing."""
    if max_attendees < 1:
        raise UsageError(f"--max-attendees {max_attendees}: use a number of people, 1 or more")
    files = [file for path in paths for file in _files(Path(path))]
    if not files:
        raise UsageError(f"no .ics files in {', '.join(str(p) for p in paths)}")
    owner = {email_key(m) for m in me} | me_from(files)
    calendars = [read_calendar(file, workspace.today) for file in files]
    planner = _CalendarPlanner(workspace, notes, max_attendees, owner, [o for c in calendars for o in c[0]])
    for past, future, bad in calendars:
        planner.plan.rows.extend(bad)
        for occurrence in sorted(past, key=lambda o: (o.day, o.line, o.summary)):
            planner.add(occurrence)
        for occurrence in sorted(future, key=lambda o: (o.day, o.line)):
            planner.row(SKIP, occurrence, "in the future")
    planner.write_entries()
    return planner.plan


def _compared(text: str) -> str:
    """A Log entry's text as an import compares it: blanks folded, case-blind."""
    return " ".join(text.split()).casefold()


def _same_entry(imported: str, there: str) -> bool:
    """Whether an entry of the same day is this event's, logged before: its text, or its
    text with words the user added after it (`Coffee - moving to Lisbon in March`)."""
    return there == imported or (there.startswith(imported) and not there[len(imported)].isalnum())
