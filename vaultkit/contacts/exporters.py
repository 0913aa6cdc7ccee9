"""Take people and reminders out: an iCalendar feed, vCard 4.0, CSV and JSON.

Every export is a string that depends only on the vault and "today", so a calendar
subscribed to the file updates instead of duplicating, and a file synced with the vault
does not churn. `write_output` writes one atomically wherever the user asks.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vaultkit import __version__
from vaultkit.contacts.vcard import content_line, escape
from vaultkit.dates import Birthday, parse_birthday
from vaultkit.due import describe_cadence
from vaultkit.errors import RefusedWrite, UsageError, VaultGone, WriteFailed
from vaultkit.model import SOCIAL_KEYS, DueItem, Person
from vaultkit.workspace import Workspace

PRODID = f"-//vaultkit//vaultkit {__version__}//EN"
ALARM_AT = dt.timedelta(hours=9)
"""Alarms ring at 9:00 on the day of the (all-day) event."""


def event_uid(rel_path: str, kind: str) -> str:
    """A UID that stays the same for a person's note and kind of event, run after run."""
    digest = hashlib.sha256(f"{rel_path}\n{kind}".encode()).hexdigest()[:32]
    return f"{digest}@vaultkit"


def _texts(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if not isinstance(v, list | dict) and str(v).strip()]
    if isinstance(value, dict):
        return []
    return [str(value).strip()] if str(value).strip() else []


# -- iCalendar -------------------------------------------------------------------------------
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


def _birthday_rule(birthday: Birthday) -> dict[str, Any]:
    if (birthday.month, birthday.day) == (2, 29):
        # Feb 29 every year would skip three years in four: ring on the last day of February.
        return {"freq": "yearly", "bymonth": 2, "bymonthday": -1}
    return {"freq": "yearly"}


def calendar(workspace: Workspace, days: int = 90) -> str:
    """An iCalendar feed: all-day reach-outs due within `days` (overdue ones today) and yearly birthdays.

    Each event has a 9:00 display alarm and a UID from the note's path and the event's kind.
    DTSTAMP is "today" at midnight UTC, so the output depends on nothing but the vault and the date.
    """
    from icalendar import Alarm, Calendar, Event

    if days < 0:
        raise UsageError(f"--days {days}: use a number of days, 0 or more")
    today = workspace.today
    stamp = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", "vaultkit")

    def event(uid: str, start: dt.date, summary: str, description: str, rule: dict[str, Any] | None) -> None:
        item = Event()
        item.add("uid", uid)
        item.add("dtstamp", stamp)
        item.add("dtstart", start)
        if start < dt.date.max:
            item.add("dtend", start + dt.timedelta(days=1))
        else:  # the calendar's last day has no next day to end on
            item.add("duration", dt.timedelta(days=1))
        item.add("summary", summary)
        item.add("description", description)
        item.add("transp", "TRANSPARENT")
        if rule:
            item.add("rrule", rule)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", ALARM_AT)
        item.add_component(alarm)
        feed.add_component(item)

    for item in sorted(workspace.due(within=f"{days}d" if days else None), key=lambda i: i.path):
        start = max(item.due_on or today, today)
        event(
            event_uid(item.path, "reach-out"), start, f"Reach out to {item.name}", _reach_out_text(item), None
        )
    for person in sorted(workspace.people(), key=lambda p: p.path):
        if person.archived or not person.birthday:
            continue
        birthday = parse_birthday(person.birthday)
        # A birthday without a year starts in 2000, a leap year, so Feb 29 is a real date;
        # so does one after today, which no one is born on (`vault check` names it).
        year = birthday.year
        if year is not None and dt.date(year, birthday.month, birthday.day) > today:
            year = None
        start = dt.date(year or 2000, birthday.month, birthday.day)
        born = f" (born {year})" if year else ""
        event(
            event_uid(person.path, "birthday"),
            start,
            f"{person.name}'s birthday",
            f"{person.name}'s birthday{born}\nNote: {person.path}",
            _birthday_rule(birthday),
        )
    return str(feed.to_ical().decode("utf-8"))


# -- vCard 4.0 -------------------------------------------------------------------------------
def _split_name(name: str) -> tuple[str, str]:
    """(family, given) for the N property: the last word is the family name, a guess vCard needs."""
    words = name.split()
    if len(words) < 2:
        return name, ""
    return words[-1], " ".join(words[:-1])


def _vcard_birthday(text: str) -> str | None:
    try:
        birthday = parse_birthday(text)
    except ValueError:
        return None
    if birthday.year is None:
        return f"--{birthday.month:02d}{birthday.day:02d}"
    return f"{birthday.year:04d}{birthday.month:02d}{birthday.day:02d}"


def person_vcard(person: Person) -> str:
    """One person as a vCard 4.0 (CRLF line ends, folded at 75 octets)."""
    fields = person.fields
    lines = ["BEGIN:VCARD\r\n", "VERSION:4.0\r\n", content_line("PRODID", escape(PRODID))]
    lines.append(content_line("UID", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'vaultkit:' + person.path)}"))
    lines.append(content_line("FN", escape(person.name)))
    family, given = _split_name(person.name)
    lines.append(content_line("N", f"{escape(family)};{escape(given)};;;"))
    if person.aliases:
        lines.append(content_line("NICKNAME", ",".join(escape(a) for a in person.aliases)))
    for email in _texts(fields.get("email")):
        lines.append(content_line("EMAIL", escape(email)))
    for phone in _texts(fields.get("phone")):
        lines.append(content_line("TEL", escape(phone), ";VALUE=text"))
    for company in _texts(fields.get("company"))[:1]:
        lines.append(content_line("ORG", escape(company)))
    for role in _texts(fields.get("role"))[:1]:
        lines.append(content_line("TITLE", escape(role)))
    if person.birthday:
        bday = _vcard_birthday(person.birthday)
        if bday:
            lines.append(content_line("BDAY", bday))
    for location in _texts(fields.get("location"))[:1]:
        lines.append(content_line("ADR", f";;;{escape(location)};;;"))
    for key in ("website", *SOCIAL_KEYS):
        kind = "" if key == "website" else f";TYPE={key}"
        for url in _texts(fields.get(key)):
            lines.append(content_line("URL", escape(url), kind))
    tags = [t for t in person.tags if t.casefold() != "person"]
    if tags:
        lines.append(content_line("CATEGORIES", ",".join(escape(t) for t in tags)))
    lines.append("END:VCARD\r\n")
    return "".join(lines)


def vcards(workspace: Workspace) -> str:
    """Every person as vCard 4.0, in name order."""
    return "".join(person_vcard(person) for person in workspace.people(with_fields=True))


# -- CSV and JSON ----------------------------------------------------------------------------
_BASE_COLUMNS = ("name", "path", "last_contact", "due_on")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell that a spreadsheet may run as a formula starts (OWASP, "CSV Injection")."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def spreadsheet_safe(cell: str) -> str:
    """`cell` with a `'` in front when it starts like a formula, so that a spreadsheet shows it as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def people_csv(workspace: Workspace, raw: bool = False) -> str:
    """Every person, one row each: name, path, last_contact, due_on, then every front-matter key.

    Front-matter values are as written (lists joined with `; `); a key that is also a
    derived column (`last_contact`) shows the derived value, which is never older. A cell
    (or column name) that a spreadsheet would run as a formula, say `=cmd|' /C calc'!A0`
    from an imported card, gets a `'` in front, unless `raw`.
    """
    people = workspace.list_people()
    keys: dict[str, None] = {}
    for person in people:
        keys.update((k, None) for k in person["fields"] if k not in _BASE_COLUMNS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows: list[list[str]] = [[*_BASE_COLUMNS, *keys]]
    for person in people:
        rows.append(
            [_cell(person[c]) for c in _BASE_COLUMNS] + [_cell(person["fields"].get(k)) for k in keys]
        )
    for row in rows:
        writer.writerow(row if raw else [spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def people_json(workspace: Workspace) -> str:
    """Every person as `vault list --json` shows them: name, path, last_contact, due_on, fields."""
    return json.dumps({"people": workspace.list_people()}, ensure_ascii=False, indent=2) + "\n"


EXPORTS = ("ics", "vcard", "csv", "json")


def run_export(workspace: Workspace, kind: str, days: int = 90, raw: bool = False) -> tuple[str, str]:
    """(the export's text, what it holds in words, e.g. `12 events`) for `vault export KIND`.

    `raw` keeps CSV cells that start like a formula as written (see `people_csv`).
    """
    if kind == "ics":
        text = calendar(workspace, days)
        count = text.count("BEGIN:VEVENT")
        return text, f"{count} event{'s' if count != 1 else ''}"
    makers: dict[str, Callable[[Workspace], str]] = {
        "vcard": vcards,
        "csv": lambda ws: people_csv(ws, raw=raw),
        "json": people_json,
    }
    if kind not in makers:
        raise UsageError(f"cannot export {kind!r}; use one of {', '.join(EXPORTS)}")
    text = makers[kind](workspace)
    people = len(workspace.index.names())
    return text, f"{people} {'person' if people == 1 else 'people'}"


# -- writing ---------------------------------------------------------------------------------
def write_output(workspace: Workspace, target: Path, text: str) -> Path:
    """Write an export where the user asked, atomically (temp file, fsync, rename).

    The one refusal: a Markdown note inside the vault, which would lose the user's text.
    """
    path = target.expanduser()
    full = path.resolve()
    root = workspace.vault.root
    if full.suffix.lower() == ".md" and (full == root or root in full.parents) and full.exists():
        raise RefusedWrite(f"{target} is a note in the vault; write the export to another file")
    if full.is_dir():
        raise UsageError(f"-o {target} is a folder; give a file name")
    from vaultkit.vault.atomic import write_file
    from vaultkit.vault.files import make_folders_below

    inside = root in full.parents
    try:
        if inside:
            make_folders_below(root, full.parent)
        else:
            full.parent.mkdir(parents=True, exist_ok=True)
        write_file(full, text.encode("utf-8"))
    except FileNotFoundError as err:
        if inside and not root.is_dir():  # a vault deleted meanwhile stays deleted
            raise VaultGone(
                f"the vault folder {root} is gone (deleted or moved away); "
                f"{full.relative_to(root).as_posix()} was not written"
            ) from None
        raise WriteFailed(str(target), err.strerror or str(err), "nothing was written") from None
    except OSError as err:
        raise WriteFailed(str(target), err.strerror or str(err), "nothing was written") from None
    return full
