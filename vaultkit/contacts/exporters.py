"""Take people out: vCard 4.0, CSV and JSON (the calendar is `vaultkit.contacts.ics`).

Every export depends only on the vault and "today", so a file synced with the vault does
not churn. `write_output` writes one atomically wherever the user asks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from vaultkit.contacts.ics import PRODID
from vaultkit.contacts.records import GUARDED_STARTS, name_parts
from vaultkit.contacts.vcard import content_line, escape, uri_value
from vaultkit.dates import parse_birthday
from vaultkit.errors import RefusedWrite, UsageError, VaultGone, WriteFailed
from vaultkit.model import SOCIAL_KEYS, Person, no_value
from vaultkit.profiles import ListedPerson, people_json
from vaultkit.workspace import Workspace


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):  # (most values: one text)
        text = value.strip()
        return [] if no_value(text) else [text]
    if isinstance(value, list):
        return [text for v in value if not isinstance(v, list | dict) for text in _texts(str(v))]
    if value is None or isinstance(value, dict):
        return []
    return [str(value).strip()] if str(value).strip() else []


def _first(value: Any) -> str:
    texts = _texts(value)
    return texts[0] if texts else ""


# -- vCard 4.0 -------------------------------------------------------------------------------
def _vcard_birthday(text: str) -> str | None:
    try:
        birthday = parse_birthday(text)
    except ValueError:
        return None
    if birthday.year is None:
        return f"--{birthday.month:02d}{birthday.day:02d}"
    return f"{birthday.year:04d}{birthday.month:02d}{birthday.day:02d}"


_CARD_HEAD = "BEGIN:VCARD\r\nVERSION:4.0\r\n" + content_line("PRODID", escape(PRODID))
_URL_KINDS = (("website", ""), *((key, f";TYPE={key}") for key in SOCIAL_KEYS))
_URL_KEYS = frozenset(key for key, _ in _URL_KINDS)


def person_vcard(person: Person) -> str:
    """One person as a vCard 4.0 (CRLF line ends, folded at 75 octets)."""
    fields = person.fields
    lines = [
        _CARD_HEAD,
        content_line("UID", f"urn:uuid:{card_uid(person.path)}"),
        content_line("FN", escape(person.name)),
    ]
    family = _first(fields["family_name"]) if "family_name" in fields else ""
    given = _first(fields["given_name"]) if "given_name" in fields else ""
    family, given = name_parts(person.name, family, given)
    lines.append(content_line("N", f"{escape(family)};{escape(given)};;;"))
    if person.aliases:
        lines.append(content_line("NICKNAME", ",".join(escape(a) for a in person.aliases)))
    # (a key most people do not have costs a look into their fields, not a call)
    if "email" in fields:
        lines.extend(content_line("EMAIL", escape(email)) for email in _texts(fields["email"]))
    if "phone" in fields:
        lines.extend(content_line("TEL", escape(phone), ";VALUE=text") for phone in _texts(fields["phone"]))
    for key, name in (("company", "ORG"), ("role", "TITLE")):
        if key in fields and (text := _first(fields[key])):
            lines.append(content_line(name, escape(text)))
    if person.birthday:
        bday = _vcard_birthday(person.birthday)
        if bday:
            lines.append(content_line("BDAY", bday))
    if "location" in fields and (location := _first(fields["location"])):
        lines.append(content_line("ADR", f";;;{escape(location)};;;"))
    if not _URL_KEYS.isdisjoint(fields):
        for key, kind in _URL_KINDS:
            if key in fields:
                lines.extend(content_line("URL", uri_value(url), kind) for url in _texts(fields[key]))
    tags = [t for t in person.tags if t.casefold() != "person"]
    if tags:
        lines.append(content_line("CATEGORIES", ",".join(escape(t) for t in tags)))
    lines.append("END:VCARD\r\n")
    return "".join(lines)


_URL_NAMESPACE = bytes.fromhex("6ba7b8119dad11d180b400c04fd430c8")  # uuid.NAMESPACE_URL


def card_uid(path: str) -> str:
    """`uuid.uuid5(uuid.NAMESPACE_URL, "vaultkit:" + path)` as text, without making a UUID
    object (3.4 µs a card): the name's SHA-1 with the version and variant bits set."""
    digest = bytearray(hashlib.sha1(_URL_NAMESPACE + f"vaultkit:{path}".encode()).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # the RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def vcard_chunks(workspace: Workspace) -> Iterator[bytes]:
    """Every person as vCard 4.0, in name order, in chunks made as the people are read."""
    return _chunks(person_vcard(person) for person in workspace.iter_people(with_fields=True))


# -- CSV and JSON ----------------------------------------------------------------------------
_CHUNK = 1 << 16  # characters made before they are handed on
_BASE_COLUMNS = ("name", "path", "last_contact", "due_on")


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join([v if isinstance(v, str) else _cell(v) for v in value])
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_chunks(workspace: Workspace, raw: bool = False) -> Iterator[bytes]:
    """Every person, one row each: name, path, last_contact, due_on, then every front-matter key.

    Front-matter values are as written (lists joined with `; `); a key that is also a
    derived column (`last_contact`) shows the derived value, which is never older. A cell
    (or column name) that a spreadsheet would run as a formula, say `=cmd|' /C calc'!A0`
    from an imported card, gets a `'` in front, unless `raw`. In chunks made as the people
    are read, after a first reading of everyone's keys for the header.
    """
    keys = [key for key in workspace.index.field_keys() if key not in _BASE_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def row(cells: list[str]) -> list[str]:  # (a `'` before each of `GUARDED_STARTS`: no call a cell)
        return cells if raw else ["'" + cell if cell.startswith(GUARDED_STARTS) else cell for cell in cells]

    writer.writerow(row([*_BASE_COLUMNS, *keys]))
    for person in map(ListedPerson.to_json, workspace.iter_listed()):
        fields = person["fields"]
        cells = [person[column] or "" for column in _BASE_COLUMNS]  # (texts or None)
        cells += [value if isinstance(value := fields.get(key), str) else _cell(value) for key in keys]
        writer.writerow(row(cells))
        if out.tell() >= _CHUNK:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def json_chunks(workspace: Workspace) -> Iterator[bytes]:
    """Every person as `vault list --json` shows them (name, path, last_contact, due_on,
    fields), indented, in chunks made as the people are read."""
    return people_json(workspace.iter_listed(), indent=True)


def _chunks(texts: Iterable[str]) -> Iterator[bytes]:
    """`texts` joined, as UTF-8 chunks of about 64 KiB."""
    parts: list[str] = []
    size = 0
    for text in texts:
        parts.append(text)
        size += len(text)
        if size >= _CHUNK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    yield "".join(parts).encode("utf-8")


EXPORTS = ("ics", "vcard", "csv", "json")


def run_export(
    workspace: Workspace, kind: str, days: int = 90, raw: bool = False
) -> tuple[Iterable[bytes], Callable[[], str]]:
    """(the export's bytes, in chunks as they are made; a function saying what they held, e.g.
    `12 events`, once they are consumed) for `vault export KIND`.

    Each streams person by person (the calendar event by event); `raw` keeps CSV cells that
    start like a formula as written (see `csv_chunks`).
    """
    if kind == "ics":
        from vaultkit.contacts.ics import calendar_chunks

        counted: list[int] = []

        def events() -> str:
            count = counted[0] if counted else 0
            return f"{count} event{'s' if count != 1 else ''}"

        return calendar_chunks(workspace, days, counted), events
    makers: dict[str, Callable[[Workspace], Iterator[bytes]]] = {
        "vcard": vcard_chunks,
        "csv": lambda ws: csv_chunks(ws, raw=raw),
        "json": json_chunks,
    }
    if kind not in makers:
        raise UsageError(f"cannot export {kind!r}; use one of {', '.join(EXPORTS)}")
    people = workspace.index.person_count()
    return makers[kind](workspace), lambda: f"{people} {'person' if people == 1 else 'people'}"


# -- writing ---------------------------------------------------------------------------------
def write_output(workspace: Workspace, target: Path, data: str | Iterable[bytes]) -> Path:
    """Write an export (text, or chunks of bytes as they are made) where the user asked,
    atomically (temp file, fsync, rename).

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
        write_file(full, data.encode("utf-8") if isinstance(data, str) else data)
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
