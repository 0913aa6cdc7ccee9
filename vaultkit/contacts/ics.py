"""The reminders as iCalendar: one feed streamed event by event, or a vdir kept in step.

Every event is an all-day reach-out (overdue ones on today) or a yearly birthday, with a
9:00 display alarm. Its UID comes from the vault's id, the note's path and the event's
kind, so it stays the same run after run and on every device that syncs the vault, and
two vaults never share one. The content lines are written here with the vCard writer's
escaping and folding (the rules are RFC 5545's too): building an icalendar object per
event costs half a millisecond, 50 s for 100,000 people.

A vdir (khal's and vdirsyncer's format) is a folder holding one `.ics` file per event,
named by its UID; `sync_vdir` rewrites only the files whose event changed and removes
the ones whose event no longer applies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from vaultkit import __version__
from vaultkit.contacts.vcard import content_line, escape
from vaultkit.dates import Birthday, stored_birthday
from vaultkit.due import describe_cadence
from vaultkit.errors import UsageError, VaultGone, WriteFailed
from vaultkit.model import DueItem
from vaultkit.workspace import Workspace

PRODID = f"-//vaultkit//vaultkit {__version__}//EN"
ALARM = "TRIGGER:PT9H\r\n"
"""Alarms ring at 9:00 on the day of the (all-day) event."""
UID_DOMAIN = "vaultkit"
VDIR_FILE_RE = re.compile(r"[0-9a-f]{32}@vaultkit\.ics")
"""The files of a vdir that vaultkit owns (and may remove): the rest are left alone."""
_STAMP_RE = re.compile(r"^DTSTAMP:[0-9TZ]+\r\n", re.MULTILINE)
_CHUNK = 1 << 16
_DAY = dt.timedelta(days=1)
_CRLF = "\r\n"


def event_uid(vault_id: str, rel_path: str, kind: str) -> str:
    """A UID that stays the same for a vault, a person's note and a kind of event."""
    digest = hashlib.sha256(f"{vault_id}\n{rel_path}\n{kind}".encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


class CalendarEvent(NamedTuple):
    """One event: its UID and its VEVENT as text (CRLF line ends)."""

    uid: str
    text: str


def _date(day: dt.date) -> str:
    return day.isoformat().replace("-", "")  # (YYYYMMDD: isoformat pads the year to four digits)


def _reach_out_text(item: DueItem) -> str:
    """Why the reach-out, in words that do not change from day to day (no "N days over")."""
    if item.last_contact:
        channel = f"{item.last_channel} " if item.last_channel else ""
        last = f"Last contact: {channel}{item.last_contact.isoformat()}"
    else:
        last = "Never contacted"
    source = "" if item.cadence_source == "own" else f" ({item.cadence_source.replace('tag:', '#')})"
    due = f"Due {item.due_on.isoformat()}" if item.due_on else "Due now"
    return f"{last}\nKeep in touch {describe_cadence(item.cadence)}{source}\n{due}\nNote: {item.path}"


def _birthday_rule(birthday: Birthday) -> str:
    if (birthday.month, birthday.day) == (2, 29):
        # Feb 29 every year would skip three years in four: ring on the last day of February.
        return "FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=2"
    return "FREQ=YEARLY"


def _vevent(uid: str, stamp: str, start: dt.date, summary: str, description: str, rule: str) -> str:
    summary_text = escape(summary)
    # (One string per event: 100,000 of them are written.)
    end = (
        f"DTEND;VALUE=DATE:{_date(start + _DAY)}\r\n"
        if start < dt.date.max
        else "DURATION:P1D\r\n"  # the calendar's last day has no next day to end on
    )
    return (
        f"BEGIN:VEVENT\r\n{content_line('SUMMARY', summary_text)}DTSTART;VALUE=DATE:{_date(start)}\r\n"
        f"{end}DTSTAMP:{stamp}\r\n{content_line('UID', uid)}{f'RRULE:{rule}{_CRLF}' if rule else ''}"
        f"{content_line('DESCRIPTION', escape(description))}TRANSP:TRANSPARENT\r\n"
        f"BEGIN:VALARM\r\nACTION:DISPLAY\r\n{content_line('DESCRIPTION', summary_text)}{ALARM}"
        "END:VALARM\r\nEND:VEVENT\r\n"
    )


def calendar_events(workspace: Workspace, days: int = 90) -> Iterator[CalendarEvent]:
    """The events, one at a time: reach-outs due within `days` (overdue ones today), by path,
    then the yearly birthdays of the people not archived, by path.

    DTSTAMP is "today" at midnight UTC, so the events depend on nothing but the vault and the date.
    """
    if days < 0:
        raise UsageError(f"--days {days}: use a number of days, 0 or more")
    vault_id = workspace.vault_id()
    today = workspace.today
    stamp = f"{_date(today)}T000000Z"
    for item in sorted(workspace.due(within=f"{days}d" if days else None), key=lambda i: i.path):
        start = max(item.due_on or today, today)
        uid = event_uid(vault_id, item.path, "reach-out")
        summary = f"Reach out to {item.name}"
        yield CalendarEvent(uid, _vevent(uid, stamp, start, summary, _reach_out_text(item), ""))
    for name, path, text in workspace.index.birthdays():
        birthday = stored_birthday(text)  # (the index stores only birthdays that parse, normalised)
        # A birthday without a year starts in 2000, a leap year, so Feb 29 is a real date;
        # so does one after today, which no one is born on (`vault check` names it).
        year = birthday.year
        if year is not None and dt.date(year, birthday.month, birthday.day) > today:
            year = None
        start = dt.date(year or 2000, birthday.month, birthday.day)
        born = f" (born {year})" if year else ""
        uid = event_uid(vault_id, path, "birthday")
        description = f"{name}'s birthday{born}\nNote: {path}"
        yield CalendarEvent(
            uid, _vevent(uid, stamp, start, f"{name}'s birthday", description, _birthday_rule(birthday))
        )


def _head(feed: bool) -> str:
    """The VCALENDAR's opening lines: a feed is published (METHOD, a name); a vdir item is stored
    on a CalDAV server, which forbids METHOD (RFC 4791 4.1)."""
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{content_line('PRODID', PRODID)}CALSCALE:GREGORIAN\r\n"
    return head + "METHOD:PUBLISH\r\nX-WR-CALNAME:vaultkit\r\n" if feed else head


def calendar_chunks(
    workspace: Workspace, days: int = 90, counted: list[int] | None = None
) -> Iterator[bytes]:
    """The whole feed as UTF-8 chunks of about 64 KiB, made as they are written (never all in memory).

    `counted`, when given, gets the number of events appended once the last chunk is out.
    """
    parts = [_head(feed=True)]
    size = 0
    count = 0
    for event in calendar_events(workspace, days):
        parts.append(event.text)
        size += len(event.text)
        count += 1
        if size >= _CHUNK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("END:VCALENDAR\r\n")
    yield "".join(parts).encode("utf-8")
    if counted is not None:
        counted.append(count)


def calendar(workspace: Workspace, days: int = 90) -> str:
    """The whole feed as one string (for a small vault, or a test)."""
    return b"".join(calendar_chunks(workspace, days)).decode("utf-8")


# -- vdir --------------------------------------------------------------------------------------
@dataclass
class VdirReport:
    """What `sync_vdir` did to the folder."""

    folder: Path
    written: list[str]
    removed: list[str]
    unchanged: int

    @property
    def events(self) -> int:
        """How many events the folder holds now."""
        return len(self.written) + self.unchanged

    def summary(self) -> str:
        """One line: `12 events: 2 written, 1 removed, 10 unchanged`."""
        return (
            f"{self.events} event{'s' if self.events != 1 else ''}: {len(self.written)} written, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged"
        )

    def to_json(self) -> dict[str, object]:
        """JSON form (`vault export ics --vdir DIR --json`)."""
        return {
            "vdir": str(self.folder),
            "events": self.events,
            "written": self.written,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


def vdir_folder(workspace: Workspace, folder: str | Path) -> Path:
    """The vdir's folder: `~` expanded, a relative path taken from the vault's root."""
    path = Path(folder).expanduser()
    return path if path.is_absolute() else workspace.vault.root / path


def _without_stamp(data: bytes) -> bytes:
    return _STAMP_RE.sub("", data.decode("utf-8", "replace")).encode("utf-8")


def _write_item(target: Path, data: bytes, shown: Path) -> None:
    """Swap one vdir file in whole; a crash may lose the newest contents, which the next
    run finds different and writes again."""
    from vaultkit.vault.atomic import write_file

    try:
        write_file(target, data, durable=False)
    except OSError as err:
        raise WriteFailed(str(shown), err.strerror or str(err), "it was not written") from None


def sync_vdir(workspace: Workspace, folder: Path, days: int = 90) -> VdirReport:
    """Make `folder` hold exactly the calendar's events, one `<UID>.ics` file each.

    A file whose event is the same but for its DTSTAMP is not touched (its mtime kept, so a
    sync tool sees no change); a changed one is replaced atomically; a vaultkit file whose
    event no longer applies is removed. Files vaultkit did not name are left alone.
    """
    from vaultkit.vault.files import make_folders_below
    from vaultkit.vault.walk import read_note

    root = workspace.vault.root
    full = folder.resolve()
    if full.exists() and not full.is_dir():
        raise UsageError(f"--vdir {folder} is a file; give a folder")
    try:
        if root == full or root in full.parents:
            make_folders_below(root, full)
        else:
            full.mkdir(parents=True, exist_ok=True)
        present = {entry.name for entry in os.scandir(full) if VDIR_FILE_RE.fullmatch(entry.name)}
    except FileNotFoundError:
        if not root.is_dir():
            raise VaultGone(f"the vault folder {root} is gone (deleted or moved away)") from None
        raise WriteFailed(str(folder), "the folder could not be made", "nothing was written") from None
    except OSError as err:
        raise WriteFailed(str(folder), err.strerror or str(err), "nothing was written") from None
    head = _head(feed=False)
    report = VdirReport(full, [], [], 0)
    wanted: set[str] = set()
    prefix = os.path.join(full, "")
    for event in calendar_events(workspace, days):
        name = f"{event.uid}.ics"
        wanted.add(name)
        data = f"{head}{event.text}END:VCALENDAR\r\n".encode()
        if name in present:
            try:  # (by `os.read`: at 128,000 events, a third of the time of `Path.read_bytes`)
                old = read_note(prefix + name, len(data), len(data) + _CHUNK)
            except OSError:
                old = b""
            if old == data or _without_stamp(old) == _without_stamp(data):
                report.unchanged += 1
                continue
        _write_item(full / name, data, folder / name)
        report.written.append(name)
    for name in sorted(present - wanted):
        try:
            (full / name).unlink()
        except FileNotFoundError:
            continue
        except OSError as err:
            raise WriteFailed(str(folder / name), err.strerror or str(err), "it was not removed") from None
        report.removed.append(name)
    flush = getattr(os, "sync", None)  # (POSIX)
    if flush is not None and (report.written or report.removed):
        flush()  # every file written above, in one flush instead of one fsync a file
    return report
