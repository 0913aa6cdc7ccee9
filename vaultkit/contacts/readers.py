"""Reading address books: vCard, LinkedIn's Connections.csv and Google Contacts CSV.

Reading a file gives `Contact` records, and a skipped `ImportRow` (its line, and why) for
each entry that cannot be one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from vaultkit.contacts.records import (
    SKIP,
    Contact,
    ImportRow,
    email_key,
    extend_unique,
    make_tag,
    phone_compare_key,
    spreadsheet_text,
    url_key,
    without_scheme,
)
from vaultkit.contacts.vcard import OUTSIDE_A_CARD, Card, CardProblem, Property, decode_bytes, iter_cards
from vaultkit.dates import parse_birthday, parse_cadence, parse_date
from vaultkit.errors import UsageError, VaultkitError
from vaultkit.model import MAX_NOTE_BYTES, SOCIAL_KEYS, name_key
from vaultkit.workspace import PROPERTY_NAME_RE, RESERVED_KEYS

_SOCIAL_DOMAINS = {
    "linkedin.com": "linkedin", "twitter.com": "twitter", "x.com": "twitter", "github.com": "github",
    "facebook.com": "facebook", "instagram.com": "instagram", "bsky.app": "bluesky",
    "youtube.com": "youtube", "tiktok.com": "tiktok", "xing.com": "xing", "flickr.com": "flickr",
    "threads.net": "threads",
}  # fmt: skip
_SYSTEM_GROUPS = {"mycontacts", "my contacts", "starred", "other contacts"}
_PHOTO_TYPES = {"jpeg": "jpg", "jpg": "jpg", "png": "png", "gif": "gif", "webp": "webp", "heic": "heic"}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip
APPLE_NO_YEAR = "1604"
_CREDENTIALS_RE = re.compile(r"(?:\s*,\s*[A-Z][A-Za-z.]{1,7})+\s*$")


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _tags_from(labels: Iterable[str]) -> list[str]:
    tags: list[str] = []
    for label in labels:
        text = label.strip().removeprefix("*").strip()
        if not text or text.casefold() in _SYSTEM_GROUPS:
            continue
        tag = make_tag(text)
        if tag and tag != "person" and tag not in tags:
            tags.append(tag)
    return tags


def parse_contact_birthday(text: str, omit_year: bool = False) -> str:
    """`1985-04-12`, `19850412`, `--0412`, `--04-12` (a time part is ignored) -> spec form; else ValueError.

    Apple's year 1604 means "no year": `1604-04-12` -> `--04-12`.
    """
    value = text.strip()
    if not value:
        raise ValueError("empty birthday")
    if "T" in value[4:]:
        value = value[: value.index("T", 4)]
    match = re.fullmatch(r"--(\d{2})-?(\d{2})", value) or re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value)
    if not match:
        raise ValueError(f"birthday {text.strip()!r} is not a date")
    groups = match.groups()
    # Apple writes year 1604 for "no year", with or without X-APPLE-OMIT-YEAR=1604.
    if len(groups) == 2 or omit_year or groups[0] == APPLE_NO_YEAR:
        month, day = groups[-2:]
        return str(parse_birthday(f"--{month}-{day}"))
    return str(parse_birthday(f"{groups[0]}-{groups[1]}-{groups[2]}"))


def _classify_url(url: str, kind: str | None = None) -> str:
    """Which front-matter key a profile or web address goes under."""
    if kind:
        kind = {"x": "twitter"}.get(kind.casefold(), kind.casefold())
        if kind in SOCIAL_KEYS:
            return kind
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().casefold()).split("/", 1)[0]
    host = host.removeprefix("www.").split(":", 1)[0]
    for domain, key in _SOCIAL_DOMAINS.items():
        if host == domain or host.endswith("." + domain):
            return key
    return "website"


def _add_url(contact: Contact, url: str, kind: str | None = None) -> None:
    url = url.strip()
    if url:
        extend_unique(contact.urls.setdefault(_classify_url(url, kind), []), [url], url_key)


def _photo_extension(data: bytes, types: Sequence[str]) -> str:
    for kind in types:
        if kind.casefold() in _PHOTO_TYPES:
            return _PHOTO_TYPES[kind.casefold()]
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"GIF8"):
        return "gif"
    return "jpg"


# -- vCard ---------------------------------------------------------------------------------
_NOT_PEOPLE = {"group": "a group", "org": "an organisation", "location": "a place"}


def contact_from_card(card: Card, source: str) -> Contact | str:
    """A parsed card -> a contact record, or why it cannot be one."""
    # vCard 4's KIND, and Apple's X-ADDRESSBOOKSERVER-KIND for its groups.
    kind = card.first("KIND") or card.first("X-ADDRESSBOOKSERVER-KIND")
    if kind is not None and kind.text().strip().casefold() in _NOT_PEOPLE:
        what = _NOT_PEOPLE[kind.text().strip().casefold()]
        return f"card is {what} ({kind.name}:{kind.text().strip()}), not a person"
    contact = Contact(name="", source=source, line=card.line)
    contact.warnings.extend(f"line {problem.line}: {problem.message}" for problem in card.dropped)
    n_prop = card.first("N")
    parts = (n_prop.components() + [""] * 5)[:5] if n_prop else [""] * 5
    family, given, additional = (_clean(p) for p in parts[:3])
    from_n = " ".join(p for p in (given, additional, family) if p)
    fn_prop = card.first("FN")
    full = _clean(fn_prop.text()) if fn_prop else ""
    # Outlook writes "File As" order (`Müller, Jürgen`) in FN; N says which part is which.
    if (
        full
        and family
        and given
        and full in (f"{family}, {given}", f"{family}, {given} {additional}".strip())
    ):
        full = from_n
    contact.name = full or from_n
    contact.keep_name_parts(family, " ".join(p for p in (given, additional) if p))
    for prop in card.all("EMAIL"):
        extend_unique(contact.emails, [without_scheme(_clean(prop.text()), "mailto")], email_key)
    for prop in card.all("TEL"):
        extend_unique(contact.phones, [without_scheme(_clean(prop.text()), "tel")], phone_compare_key)
    org = card.first("ORG")
    if org:
        contact.company = _clean(org.components()[0])
    title = card.first("TITLE") or card.first("ROLE")
    if title:
        contact.role = _clean(title.text())
    bday = card.first("BDAY")
    if bday and bday.text().strip():
        omit_year = bool(bday.params.get("X-APPLE-OMIT-YEAR"))  # iPhone: 1604-04-12 means no year
        try:
            contact.birthday = parse_contact_birthday(bday.text(), omit_year)
        except ValueError as err:
            contact.warnings.append(f"line {bday.line}: {err}; left out")
    for prop in card.all("NOTE"):
        contact.notes.extend(line.strip() for line in prop.text().splitlines() if line.strip())
    contact.tags = _tags_from(item for prop in card.all("CATEGORIES") for item in prop.items())
    addresses = sorted(card.all("ADR"), key=lambda p: (not p.is_pref, "home" not in p.types))
    for prop in addresses:
        parts = (prop.components() + [""] * 7)[:7]
        place = _clean(parts[3]) or _clean(parts[4]) or _clean(parts[6])
        if place:
            contact.location = place
            break
    for prop in card.all("URL"):
        kinds = [t for t in prop.types if t not in ("pref", "home", "work", "internet")]
        _add_url(contact, prop.text(), kinds[0] if kinds else None)
    for prop in card.all("X-SOCIALPROFILE"):
        _add_social(contact, prop)
    for prop in card.all("NICKNAME"):
        extend_unique(contact.aliases, [_clean(a) for a in prop.items()], name_key)
    contact.aliases = [a for a in contact.aliases if name_key(a) != name_key(contact.name)]
    photo = card.first("PHOTO")
    if photo is not None and photo.data:
        contact.photo = (photo.data, _photo_extension(photo.data, photo.types))
    if not contact.name:
        detail = contact.emails[0] if contact.emails else (contact.company or "nothing else")
        return f"card has no name (FN or N); it has {detail}"
    return contact


def _add_social(contact: Contact, prop: Property) -> None:
    value = prop.text().strip()
    kind = next((t for t in prop.types if t != "pref"), None)
    user = (prop.params.get("X-USER") or [""])[0]
    if not re.match(r"^https?://", value, re.IGNORECASE):
        # iPhone writes `x-apple:handle` when it has no web address for the profile.
        value = user or re.sub(r"^[a-z-]+:", "", value)
    if value:
        extend_unique(contact.urls.setdefault(_classify_url(value, kind), []), [value], url_key)


def read_vcard(
    path: Path, progress: Callable[[int, int, str], None] | None = None
) -> tuple[list[Contact], list[ImportRow]]:
    """Every contact of a .vcf file, and a skip row for each card that could not be read;
    `progress(line, lines, stage)` is told every `PROGRESS_CARDS` cards how far it is."""
    data = _read_bytes(path)
    if not data.strip():
        raise UsageError(f"{path} is empty: there is no card in it to import")
    lines = data.count(b"\n") + 1
    contacts: list[Contact] = []
    skipped: list[ImportRow] = []
    cards = 0  # (a file of no card at all is the wrong file: not a row for each of its lines)
    for number, card in enumerate(iter_cards(data)):  # (each card made a contact, then let go)
        if progress is not None and number % PROGRESS_CARDS == 0:
            progress(card.line, lines, f"Reading {path.name}")
        if isinstance(card, CardProblem):
            cards += card.message != OUTSIDE_A_CARD
            skipped.append(ImportRow(SKIP, "", path.name, card.line, reason=card.message))
            continue
        cards += 1
        made = contact_from_card(card, path.name)
        if isinstance(made, str):
            skipped.append(ImportRow(SKIP, "", path.name, card.line, reason=made))
        else:
            contacts.append(made)
    if not cards:
        if b"\x00" in data[:4096]:  # (UTF-16 with no byte order mark: every other byte is NUL)
            raise UsageError(
                f"{path} looks like UTF-16 with no byte order mark: save it as UTF-8, then import it"
            )
        raise UsageError(
            f"{path} holds no vCard (no BEGIN:VCARD line); is this the right file? "
            "(a CSV goes to `vault import csv`)"
        )
    if progress is not None:
        progress(lines, lines, f"Reading {path.name}")
    return contacts, skipped


PROGRESS_CARDS = 1000
"""How often `read_vcard` says how far it is, in cards."""


# -- CSV files -----------------------------------------------------------------------------
def _read_bytes(path: Path) -> bytes:
    try:
        return path.expanduser().read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a file") from None
    except OSError as err:
        raise VaultkitError(f"{path}: cannot read it: {err.strerror}") from None


def _delimiter(text: str) -> str:
    """The cells' separator: `,`, or what a first line without a comma uses instead (`;`, as
    Excel writes CSV where the comma is the decimal mark; a tab, for a sheet's export)."""
    first = next((line for line in io.StringIO(text, newline=None) if line.strip()), "")
    if "," not in first:
        for other in (";", "\t"):
            if other in first:
                return other
    return ","


def _rows_of(reader: Iterator[list[str]], path: Path) -> Iterator[list[str]]:
    """The reader's rows; what the csv module refuses (a cell over its 128 KiB limit) is
    one line naming the file and the line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            line = getattr(reader, "line_num", 0)
            raise UsageError(f"{path}:{line}: not a CSV this can read: {err}") from None


def _csv_rows(
    path: Path, is_header: Callable[[list[str]], bool], what: str
) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, row as a dict) for each data row after the header; a string says why a row is bad."""
    text, _ = decode_bytes(_read_bytes(path))
    text = text.replace("\x00", "")
    # A cell may be as long as a note (the csv module's limit is 128 KiB: a Monica export's
    # long notes); past that, one line says so (`_rows_of`).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_NOTE_BYTES))
    # Universal newlines: a CSV whose lines end in a CR alone (Excel for Mac's "CSV
    # (Macintosh)") reads as rows, not as one field holding line breaks.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=_delimiter(text))
    header: list[str] | None = None
    repeated = False  # a header that names two columns alike: the first of them counts
    consumed = 0
    for row in _rows_of(reader, path):
        line = consumed + 1
        consumed = reader.line_num
        cells = [cell.strip() for cell in row]
        if header is None:
            if is_header(cells):
                header = cells
                repeated = len(set(header)) < len(header)
            continue
        if not any(cells):
            continue
        if len(cells) != len(header):
            yield line, f"row has {len(cells)} fields, the header has {len(header)}; row skipped"
            continue
        if not repeated:
            yield line, dict(zip(header, cells, strict=True))
            continue
        first_of_each: dict[str, str] = {}
        for column, cell in zip(header, cells, strict=True):
            first_of_each.setdefault(column, cell)
        yield line, first_of_each
    if header is None:
        raise UsageError(f"{path}: no {what} header line found; is this the right export?")


def _csv_contacts(
    path: Path,
    is_header: Callable[[list[str]], bool],
    what: str,
    make: Callable[[dict[str, str], Contact], str | None],
) -> tuple[list[Contact], list[ImportRow]]:
    contacts: list[Contact] = []
    skipped: list[ImportRow] = []
    for line, row in _csv_rows(path, is_header, what):
        if isinstance(row, str):
            skipped.append(ImportRow(SKIP, "", path.name, line, reason=row))
            continue
        contact = Contact(name="", source=path.name, line=line)
        why = make(row, contact)
        if why:
            skipped.append(ImportRow(SKIP, contact.name, path.name, line, reason=why))
        else:
            contacts.append(contact)
    return contacts, skipped


def parse_connected_on(text: str) -> str:
    """LinkedIn's `12 Mar 2021` (or an ISO date) -> `2021-03-12`; else ValueError."""
    value = text.strip()
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})", value)
    if match and match.group(2).casefold() in _MONTHS:
        day, month, year = int(match.group(1)), _MONTHS[match.group(2).casefold()], int(match.group(3))
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    else:
        try:
            return parse_date(value).isoformat()
        except ValueError:
            pass
    raise ValueError(f"Connected On {value!r} is not a date")


def _linkedin_row(row: dict[str, str], contact: Contact) -> str | None:
    first = _clean(row.get("First Name"))
    # LinkedIn last names often carry credentials: `Lovelace, PhD` is still Lovelace.
    last = _clean(_CREDENTIALS_RE.sub("", row.get("Last Name") or ""))
    contact.name = " ".join(p for p in (first, last) if p)
    contact.keep_name_parts(last, first)
    if row.get("Email Address"):
        contact.emails.append(_clean(row["Email Address"]))
    contact.company = _clean(row.get("Company"))
    contact.role = _clean(row.get("Position"))
    if row.get("URL"):
        _add_url(contact, row["URL"], "linkedin")
    if row.get("Connected On"):
        try:
            contact.met = parse_connected_on(row["Connected On"])
        except ValueError as err:
            contact.warnings.append(f"{err}; met left out")
    return None if contact.name else "row has no First Name or Last Name"


def read_linkedin(path: Path) -> tuple[list[Contact], list[ImportRow]]:
    """LinkedIn's Connections.csv (its "Notes:" preamble is skipped)."""

    def is_header(cells: list[str]) -> bool:
        return "First Name" in cells and "Last Name" in cells and ("URL" in cells or "Connected On" in cells)

    return _csv_contacts(
        path, is_header, "LinkedIn (First Name,Last Name,URL,Email Address,...)", _linkedin_row
    )


def _multi(value: str | None) -> list[str]:
    """Google's ` ::: `-separated multi-values."""
    return [_clean(part) for part in (value or "").split(":::") if _clean(part)]


def _numbered(row: dict[str, str], prefix: str, part: str) -> list[tuple[str, str]]:
    """(label, value) pairs from `PREFIX N - Value` columns, primary (`* ...` label) first."""
    found: list[tuple[bool, int, str, str]] = []
    for column, value in row.items():
        match = re.fullmatch(rf"{re.escape(prefix)} (\d+) - {re.escape(part)}", column)
        if not match or not value.strip():
            continue
        number = match.group(1)
        label = row.get(f"{prefix} {number} - Label") or row.get(f"{prefix} {number} - Type") or ""
        for item in _multi(value):
            found.append((not label.startswith("*"), int(number), label, item))
    found.sort(key=lambda f: (f[0], f[1]))
    return [(label, item) for _, _, label, item in found]


def _google_row(row: dict[str, str], contact: Contact) -> str | None:
    parts = [row.get(k, "") for k in ("First Name", "Middle Name", "Last Name")]
    if not any(parts):
        parts = [row.get(k, "") for k in ("Given Name", "Additional Name", "Family Name")]
    contact.name = _clean(row.get("Name")) or " ".join(_clean(p) for p in parts if _clean(p))
    contact.name = contact.name or _clean(row.get("File As"))
    if any(parts) and contact.name == " ".join(_clean(p) for p in parts if _clean(p)):
        contact.keep_name_parts(_clean(parts[2]), " ".join(_clean(p) for p in parts[:2] if _clean(p)))
    contact.aliases = [a for a in _multi(row.get("Nickname")) if name_key(a) != name_key(contact.name)]
    contact.company = _clean(row.get("Organization Name") or row.get("Organization 1 - Name"))
    contact.role = _clean(row.get("Organization Title") or row.get("Organization 1 - Title"))
    birthday = _clean(row.get("Birthday"))
    if birthday:
        try:
            contact.birthday = parse_contact_birthday(birthday)
        except ValueError as err:
            contact.warnings.append(f"{err}; left out")
    notes = (row.get("Notes") or "").replace("\r\n", "\n")
    contact.notes = [line.strip() for line in notes.split("\n") if line.strip()]
    contact.tags = _tags_from(_multi(row.get("Labels") or row.get("Group Membership")))
    for _, email in _numbered(row, "E-mail", "Value"):
        extend_unique(contact.emails, [email], email_key)
    for _, phone in _numbered(row, "Phone", "Value"):
        extend_unique(contact.phones, [phone], phone_compare_key)
    for part in ("City", "Region", "Country"):
        places = _numbered(row, "Address", part)
        if places:
            contact.location = places[0][1]
            break
    for label, url in _numbered(row, "Website", "Value"):
        _add_url(contact, url, label.removeprefix("*").strip() or None)
    if contact.name:
        return None
    return f"row has no name; it has {contact.emails[0] if contact.emails else 'no email either'}"


def read_google(path: Path) -> tuple[list[Contact], list[ImportRow]]:
    """Google Contacts CSV, the current (`First Name,...,Labels`) or older (`Name,Given Name,...`) kind."""

    def is_header(cells: list[str]) -> bool:
        names = {"First Name", "Given Name", "Name"}
        return bool(names & set(cells)) and any(c.startswith(("E-mail 1", "Phone 1")) for c in cells)

    return _csv_contacts(
        path, is_header, "Google Contacts (First Name,... or Name,Given Name,...)", _google_row
    )


# -- any spreadsheet -----------------------------------------------------------------------
CSV_KEYS = (
    "name", "first_name", "last_name", "aliases", "email", "phone", "company", "role", "birthday",
    "location", "tags", "notes", "last_contact", "met", "cadence", "website", "ignore",
)  # fmt: skip
"""What a column of `vault import csv` can be (`--map COLUMN=KEY`), besides `field:KEY`;
`ignore` leaves it out."""
FIELD = "field:"
"""`--map COLUMN=field:KEY`: the column's cells go into the front-matter key KEY as they are."""
_NOT_FIELDS = frozenset({*RESERVED_KEYS, "type", "status", "family_name", "given_name"})
"""Keys `field:KEY` cannot be: those with their own options or commands (`vault want`
writes `status`; a `type` could make the note no person's), and the name's parts."""
_HEADER_KEYS = {
    "name": ("name", "full name", "display name", "contact", "contact name", "person"),
    "first_name": ("first name", "firstname", "first", "given name", "forename"),
    "last_name": ("last name", "lastname", "last", "family name", "surname"),
    "aliases": ("nickname", "nick name", "aliases", "alias", "nicknames"),
    "email": ("email", "e mail", "email address", "e mail address", "emails", "mail", "primary email",
              "work email", "personal email"),
    "phone": ("phone", "phones", "phone number", "mobile", "mobile phone", "cell", "cell phone",
              "telephone", "tel", "work phone", "home phone"),
    "company": ("company", "company name", "organisation", "organization", "org", "employer",
                "organisation name", "organization name"),
    "role": ("title", "job title", "role", "position", "job", "occupation"),
    "birthday": ("birthday", "birth date", "date of birth", "dob", "birthdate", "born"),
    "location": ("location", "city", "town", "address city", "place"),
    "tags": ("tags", "tag", "groups", "group", "labels", "label", "categories", "category",
             "circles", "lists"),
    "notes": ("notes", "note", "description", "comments", "comment", "about", "bio"),
    "last_contact": ("last contacted", "last contact", "last contacted at", "last contacted on",
                     "last interaction", "last touch", "last touched", "last activity"),
    "met": ("met", "met on", "first met", "date met", "how long known since", "connected on",
            "known since", "met date"),
    "website": ("website", "web", "url", "homepage", "web page", "linkedin", "linkedin url", "twitter"),
    "cadence": ("cadence", "keep in touch", "keep in touch every", "contact frequency", "contact every",
                "reach out every", "frequency"),
}  # fmt: skip
_HEADER_INDEX = {header: key for key, headers in _HEADER_KEYS.items() for header in headers}


def _header_words(header: str) -> str:
    """A column header as the mapping compares it: case, accents' marks and punctuation aside."""
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", header).casefold()).split())


def column_mapping(header: Sequence[str], overrides: dict[str, str]) -> dict[str, str]:
    """Column -> key for a spreadsheet's header: `overrides` (from `--map`) first, then the
    common headers; other columns map to `ignore`. A header that names a second column
    like an earlier one is shown as `Name (column 2: a repeated header)` mapped to
    `ignore`: the first column of a name counts (`_csv_rows`)."""
    mapping: dict[str, str] = {}
    by_words = {_header_words(column): column for column in header}
    for column, key in overrides.items():
        found = column if column in header else by_words.get(_header_words(column))
        if found is None:
            raise UsageError(
                f"--map {column}={key}: the file has no column {column!r}; it has {', '.join(header)}"
            )
        mapping[found] = key
    taken = {key for key in mapping.values() if key != "ignore"}
    for column in header:
        if column in mapping or not column.strip():
            continue
        key = _HEADER_INDEX.get(_header_words(column), "ignore")
        if key in taken and key not in ("email", "phone", "tags", "notes", "website", "aliases"):
            key = "ignore"  # a second "Company" column: the first one wins
        mapping[column] = key
        if key != "ignore":
            taken.add(key)
    shown: dict[str, str] = {}
    for number, column in enumerate(header, 1):
        if column in shown:
            shown[f"{column} (column {number}: a repeated header)"] = "ignore"
        elif column in mapping:
            shown[column] = mapping[column]
    return shown


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """`--map COLUMN=KEY` options -> {column: key}; a bad one is a UsageError."""
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, key = item.partition("=")
        if sep and column.strip() and key.strip()[: len(FIELD)].casefold() == FIELD:
            mapping[column.strip()] = FIELD + _field_key(
                item, column.strip(), key.strip()[len(FIELD) :].strip()
            )
            continue
        key = key.strip().casefold().replace("-", "_")
        key = {"title": "role", "organisation": "company", "organization": "company", "skip": "ignore",
               "groups": "tags", "last_contacted": "last_contact", "nickname": "aliases"}.get(key, key)  # fmt: skip
        if not sep or not column.strip() or key not in CSV_KEYS:
            raise UsageError(
                f"--map {item!r}: use COLUMN=KEY, KEY one of {', '.join(CSV_KEYS)}, or COLUMN=field:KEY"
            )
        mapping[column.strip()] = key
    return mapping


def _field_key(item: str, column: str, key: str) -> str:
    """The KEY of `--map COLUMN=field:KEY`, a property name as `vault set` takes one; else UsageError."""
    if not PROPERTY_NAME_RE.fullmatch(key):
        raise UsageError(f"--map {item!r}: {key!r} is not a property name (letters, digits, _ and -)")
    if key in CSV_KEYS:
        raise UsageError(f"--map {item!r}: {key} has its own KEY: --map {column}={key}")
    if key in _NOT_FIELDS:
        raise UsageError(f"--map {item!r}: an import cannot write {key}")
    return key


def _date_cell(text: str) -> str:
    """A spreadsheet's date (`2024-05-01`, `2024-05-01 10:30`, `2024-05-01T10:30:00Z`, `1 May 2024`) -> ISO."""
    value = text.strip()
    match = re.match(r"(\d{4}-\d{2}-\d{2})[ T]", value)
    if match:
        value = match.group(1)
    try:
        return parse_connected_on(value)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a date (use YYYY-MM-DD)") from None


def _spreadsheet_row(mapping: dict[str, str]) -> Callable[[dict[str, str], Contact], str | None]:
    def make(row: dict[str, str], contact: Contact) -> str | None:
        values: dict[str, list[str]] = {}
        for column, key in mapping.items():
            # (a `'` that a spreadsheet export, vaultkit's too, put before `+49 30 1234` is not the person's)
            cell = spreadsheet_text((row.get(column) or "").strip())
            if cell and key != "ignore":
                values.setdefault(key, []).append(cell)
        first = " ".join(_clean(v) for v in values.get("first_name", []))
        last = " ".join(_clean(v) for v in values.get("last_name", []))
        contact.name = _clean(" ".join(values.get("name", [])[:1])) or " ".join(p for p in (first, last) if p)
        if contact.name == " ".join(p for p in (first, last) if p):
            contact.keep_name_parts(last, first)
        for cell in values.get("email", []):
            extend_unique(
                contact.emails, [_clean(e) for e in re.split(r"[,;\s]+|:::", cell) if e.strip()], email_key
            )
        for cell in values.get("phone", []):
            extend_unique(
                contact.phones,
                [_clean(p) for p in re.split(r"[,;]|:::", cell) if p.strip()],
                phone_compare_key,
            )
        for cell in values.get("aliases", []):
            extend_unique(
                contact.aliases, [_clean(a) for a in re.split(r"[,;]", cell) if a.strip()], name_key
            )
        contact.aliases = [a for a in contact.aliases if name_key(a) != name_key(contact.name)]
        contact.company = _clean(" ".join(values.get("company", [])[:1]))
        contact.role = _clean(" ".join(values.get("role", [])[:1]))
        contact.location = _clean(" ".join(values.get("location", [])[:1]))
        contact.tags = _tags_from(t for cell in values.get("tags", []) for t in re.split(r"[,;]|:::", cell))
        for cell in values.get("notes", []):
            contact.notes.extend(
                line.strip() for line in cell.replace("\r\n", "\n").split("\n") if line.strip()
            )
        for cell in values.get("website", []):
            _add_url(contact, cell)
        cadence = _clean(" ".join(values.get("cadence", [])[:1]))
        if cadence:
            try:
                parse_cadence(cadence)
                contact.cadence = cadence
            except ValueError as err:
                contact.warnings.append(f"cadence: {err}; left out")
        for key, cells in values.items():
            if key.startswith(FIELD):
                contact.extra.setdefault(key[len(FIELD) :], _clean(cells[0]))
        for key in ("birthday", "last_contact", "met"):
            cell = (values.get(key) or [""])[0]
            if not cell:
                continue
            try:
                if key == "birthday":
                    contact.birthday = parse_contact_birthday(
                        _date_cell(cell) if not cell.startswith("--") else cell
                    )
                else:
                    setattr(contact, key, _date_cell(cell))
            except ValueError as err:
                contact.warnings.append(f"{key.replace('_', ' ')}: {err}; left out")
        if contact.name:
            return None
        return f"row has no name; it has {contact.emails[0] if contact.emails else 'no email either'}"

    return make


def read_spreadsheet(
    path: Path, overrides: dict[str, str]
) -> tuple[list[Contact], list[ImportRow], dict[str, str]]:
    """Any CSV with a header line (UpHabit, Monica, a Notion table...): contacts, skipped rows,
    and the column mapping used."""
    mapping: dict[str, str] = {}

    def is_header(cells: list[str]) -> bool:
        if not any(cells):
            return False
        mapping.update(column_mapping(cells, overrides))
        return True

    makers: list[Callable[[dict[str, str], Contact], str | None]] = []

    def make(row: dict[str, str], contact: Contact) -> str | None:
        if not makers:  # the header was read: the mapping is known
            if not {"name", "first_name", "last_name"} & set(mapping.values()):
                raise UsageError(
                    f"{path}: no column is a name ({', '.join(mapping)}); say which with --map COLUMN=name"
                )
            makers.append(_spreadsheet_row(mapping))
        return makers[0](row, contact)

    contacts, skipped = _csv_contacts(path, is_header, "CSV", make)
    return contacts, skipped, mapping


READERS: dict[str, Callable[[Path], tuple[list[Contact], list[ImportRow]]]] = {
    "vcard": read_vcard,
    "linkedin": read_linkedin,
    "google": read_google,
}
