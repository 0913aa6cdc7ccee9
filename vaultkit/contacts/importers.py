"""Bring people in: vCard, LinkedIn and Google Contacts files -> contact records -> the vault.

Reading a file gives `Contact` records (or a skipped row with its line and why). Planning
matches each record against the people already in the vault (email, phone, name or alias,
then a fuzzy name) and works out what would be created, merged or left alone; nothing is
written until `apply_import`. A merge only adds what is missing: the user's values are
never overwritten, differences are listed instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.contacts.vcard import Card, Property, decode_bytes, parse_cards
from vaultkit.dates import parse_birthday, parse_date
from vaultkit.due import resolve_cadence
from vaultkit.errors import IncompleteWrite, NoteParseError, RefusedWrite, UsageError, VaultkitError
from vaultkit.model import SOCIAL_KEYS, Person, Problem, name_key
from vaultkit.notes.edit import set_front_matter_value
from vaultkit.notes.parse import decode_note, parse_text
from vaultkit.vault.files import Snapshot, check_person_name, safe_file_stem
from vaultkit.views.render import yaml_list, yaml_value
from vaultkit.workspace import Workspace

NAME_THRESHOLD = 92
"""Names (or aliases) at least this alike (rapidfuzz token_sort_ratio, 0-100) are one person."""

PHONE_DIGITS = 9
"""Phones match on their last 9 digits, so `+44 7700 900641` and `07700 900641` are one number."""

CREATE, MERGE, UNCHANGED, SKIP = "create", "merge", "unchanged", "skip"

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
_NON_WORD_RE = re.compile(r"[\W_]+")
_CREDENTIALS_RE = re.compile(r"(?:\s*,\s*[A-Z][A-Za-z.]{1,7})+\s*$")
# Keys the importer writes, in the order a new note lists them (spec's person note order).
_FIELD_ORDER = ("birthday", "company", "role", "location", "email", "phone")


# -- contact records ---------------------------------------------------------------------
@dataclass
class Contact:
    """One person as a file describes them, before matching."""

    name: str
    source: str
    line: int
    aliases: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    company: str = ""
    role: str = ""
    location: str = ""
    birthday: str = ""
    met: str = ""
    urls: dict[str, list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    photo: tuple[bytes, str] | None = None
    warnings: list[str] = field(default_factory=list)

    def fields(self) -> dict[str, str | list[str]]:
        """The front-matter values this record would write, in note order (lists for several)."""
        values: dict[str, str | list[str]] = {}
        if self.aliases:
            values["aliases"] = list(self.aliases)
        if self.tags:
            values["tags"] = list(self.tags)
        if self.met:
            values["met"] = self.met
        scalars = {"birthday": self.birthday, "company": self.company, "role": self.role,
                   "location": self.location}  # fmt: skip
        multi = {"email": self.emails, "phone": self.phones}
        for key in _FIELD_ORDER:
            if scalars.get(key):
                values[key] = scalars[key]
            elif multi.get(key):
                items = multi[key]
                values[key] = items[0] if len(items) == 1 else list(items)
        for key, items in self.urls.items():
            if items:
                values[key] = items[0] if len(items) == 1 else list(items)
        return values

    def absorb(self, other: Contact) -> tuple[list[str], list[str]]:
        """Merge another record of the same person into this one: (keys added, differences)."""
        before = self.fields()
        for mine, theirs, key in (
            (self.emails, other.emails, _email_key),
            (self.phones, other.phones, _phone_compare_key),
            (self.aliases, other.aliases, name_key),
            (self.tags, other.tags, str.casefold),
            (self.notes, other.notes, str),
        ):
            _extend_unique(mine, theirs, key)
        for url_key, urls in other.urls.items():
            _extend_unique(self.urls.setdefault(url_key, []), urls, _url_key)
        differences: list[str] = []
        for attribute in ("company", "role", "location", "birthday", "met"):
            mine_value, their_value = getattr(self, attribute), getattr(other, attribute)
            if not mine_value:
                setattr(self, attribute, their_value)
            elif their_value and not _same_value(attribute, mine_value, their_value):
                differences.append(f"{attribute}: kept {mine_value!r}, {other.where} has {their_value!r}")
        if self.photo is None:
            self.photo = other.photo
        after = self.fields()
        added = [k for k in after if k not in before or after[k] != before[k]]
        return added, differences

    @property
    def where(self) -> str:
        """`file:line` of this record."""
        return f"{self.source}:{self.line}"


def _extend_unique(target: list[str], items: Iterable[str], key: Callable[[str], str]) -> None:
    seen = {key(item) for item in target}
    for item in items:
        if item and key(item) not in seen:
            target.append(item)
            seen.add(key(item))


def _email_key(email: str) -> str:
    return email.strip().removeprefix("mailto:").strip().casefold()


def phone_key(phone: str) -> str | None:
    """The part of a phone number that identifies it: its last 9 digits (None when shorter)."""
    digits = re.sub(r"\D", "", phone)
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else None


def _phone_compare_key(phone: str) -> str:
    return phone_key(phone) or re.sub(r"\D", "", phone) or phone.strip()


def _url_key(url: str) -> str:
    text = url.strip().casefold()
    text = re.sub(r"^https?://", "", text)
    text = text.removeprefix("www.")
    return text.rstrip("/")


def _text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def fuzzy_form(name: str) -> str:
    """A name as the fuzzy matcher sees it: no accents, case or punctuation, words sorted.

    With the words sorted, rapidfuzz's plain `ratio` of two forms is their token_sort_ratio.
    """
    if not name.isascii():
        name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return " ".join(sorted(_NON_WORD_RE.sub(" ", name.casefold()).split()))


def _same_value(key: str, one: str, other: str) -> bool:
    if key in ("birthday",):
        try:
            a, b = parse_birthday(one), parse_birthday(other)
        except ValueError:
            return _text_key(one) == _text_key(other)
        return (a.month, a.day) == (b.month, b.day) and a.year == b.year
    if key == "met":
        try:
            return parse_date(one) == parse_date(other)
        except ValueError:
            return _text_key(one) == _text_key(other)
    return _text_key(one) == _text_key(other)


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def make_tag(text: str) -> str:
    """A label or category as an Obsidian tag: `Work Friends` -> `work-friends` ('' if none)."""
    tag = unicodedata.normalize("NFC", text).strip().lstrip("#").casefold()
    tag = re.sub(r"\s+", "-", tag)
    tag = re.sub(r"[^\w/-]", "", tag).strip("-/")
    return "" if not tag or tag.isdigit() else tag


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
    """`1985-04-12`, `19850412`, `--0412`, `--04-12` (a time part is ignored) -> spec form; else ValueError."""
    value = text.strip()
    if not value:
        raise ValueError("empty birthday")
    if "T" in value[4:]:
        value = value[: value.index("T", 4)]
    match = re.fullmatch(r"--(\d{2})-?(\d{2})", value) or re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value)
    if not match:
        raise ValueError(f"birthday {text.strip()!r} is not a date")
    groups = match.groups()
    if len(groups) == 2 or omit_year:
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
        _extend_unique(contact.urls.setdefault(_classify_url(url, kind), []), [url], _url_key)


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
def contact_from_card(card: Card, source: str) -> Contact | str:
    """A parsed card -> a contact record, or why it cannot be one."""
    contact = Contact(name="", source=source, line=card.line)
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
    for prop in card.all("EMAIL"):
        _extend_unique(contact.emails, [_clean(prop.text()).removeprefix("mailto:")], _email_key)
    for prop in card.all("TEL"):
        _extend_unique(contact.phones, [_clean(prop.text()).removeprefix("tel:")], _phone_compare_key)
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
        _extend_unique(contact.aliases, [_clean(a) for a in prop.items()], name_key)
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
        _extend_unique(contact.urls.setdefault(_classify_url(value, kind), []), [value], _url_key)


def read_vcard(path: Path) -> tuple[list[Contact], list[ImportRow]]:
    """Every contact of a .vcf file, and a skip row for each card that could not be read."""
    text, encoding = decode_bytes(_read_bytes(path))
    cards, problems = parse_cards(text, encoding)
    contacts: list[Contact] = []
    skipped = [ImportRow(SKIP, "", path.name, p.line, reason=p.message) for p in problems]
    for card in cards:
        made = contact_from_card(card, path.name)
        if isinstance(made, str):
            skipped.append(ImportRow(SKIP, "", path.name, card.line, reason=made))
        else:
            contacts.append(made)
    return contacts, skipped


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


def _csv_rows(
    path: Path, is_header: Callable[[list[str]], bool], what: str
) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, row as a dict) for each data row after the header; a string says why a row is bad."""
    text, _ = decode_bytes(_read_bytes(path))
    reader = csv.reader(io.StringIO(text.replace("\x00", "")))
    header: list[str] | None = None
    consumed = 0
    for row in reader:
        line = consumed + 1
        consumed = reader.line_num
        cells = [cell.strip() for cell in row]
        if header is None:
            if is_header(cells):
                header = cells
            continue
        if not any(cells):
            continue
        if len(cells) != len(header):
            yield line, f"row has {len(cells)} fields, the header has {len(header)}; row skipped"
            continue
        yield line, dict(zip(header, cells, strict=True))
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
        _extend_unique(contact.emails, [email], _email_key)
    for _, phone in _numbered(row, "Phone", "Value"):
        _extend_unique(contact.phones, [phone], _phone_compare_key)
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


READERS: dict[str, Callable[[Path], tuple[list[Contact], list[ImportRow]]]] = {
    "vcard": read_vcard,
    "linkedin": read_linkedin,
    "google": read_google,
}


# -- planning ------------------------------------------------------------------------------
@dataclass
class ImportRow:
    """One line of the import report: what happens to one record, and why."""

    action: str
    name: str
    source: str
    line: int | None
    path: str | None = None
    matched_by: str | None = None
    reason: str = ""
    adds: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "action": self.action,
            "name": self.name,
            "source": self.source,
            "line": self.line,
            "path": self.path,
            "matched_by": self.matched_by,
            "reason": self.reason,
            "adds": self.adds,
            "differences": self.differences,
        }


@dataclass
class _Match:
    path: str
    how: str
    reason: str


class Matcher:
    """Who in the vault (or earlier in this import) a record is: email, phone, name/alias, fuzzy name."""

    def __init__(self, threshold: int = NAME_THRESHOLD) -> None:
        self.threshold = threshold
        self.names: dict[str, str] = {}
        self._emails: dict[str, set[str]] = {}
        self._phones: dict[str, set[str]] = {}
        self._exact: dict[str, set[str]] = {}
        self._fuzzy: list[tuple[str, str, str]] = []  # (fuzzy form, path, the name as written)
        self._emails_of: dict[str, set[str]] = {}

    def add(
        self,
        path: str,
        name: str,
        aliases: Iterable[str],
        emails: Iterable[str],
        phones: Iterable[str],
        fuzzy: bool = True,
    ) -> None:
        """Make a person findable (by a similar name too, unless `fuzzy` is off)."""
        self.names[path] = name
        for email in emails:
            self._emails.setdefault(_email_key(email), set()).add(path)
            self._emails_of.setdefault(path, set()).add(_email_key(email))
        for phone in phones:
            key = phone_key(phone)
            if key:
                self._phones.setdefault(key, set()).add(path)
        for label in (name, *aliases):
            if label.strip():
                self._exact.setdefault(name_key(label), set()).add(path)
                if fuzzy:
                    self._fuzzy.append((fuzzy_form(label), path, label))

    def match(self, contact: Contact, names: Sequence[str]) -> _Match | str | None:
        """The person this record is, None for nobody, or a string saying why it is ambiguous."""
        emails = {_email_key(e) for e in contact.emails}
        for how, values, index, key in (
            ("email", contact.emails, self._emails, _email_key),
            ("phone", contact.phones, self._phones, phone_key),
        ):
            found: dict[str, str] = {}
            for value in values:
                value_key = key(value)
                for path in index.get(value_key, set()) if value_key else ():
                    if how == "phone" and self._emails_differ(path, emails):
                        continue  # a shared landline: different emails say these are two people
                    found.setdefault(path, value)
            if len(found) == 1:
                path, value = next(iter(found.items()))
                return _Match(path, how, f"same {how} {value}")
            if len(found) > 1:
                return f"its {how} matches several people: {self._listed(found)}"
        for label in names:
            exact = self._exact.get(name_key(label), set())
            if len(exact) == 1:
                path = next(iter(exact))
                if name_key(self.names[path]) == name_key(label):
                    return _Match(path, "name", "same name")
                return _Match(path, "alias", f"{label!r} is their alias")
            if len(exact) > 1:
                return f"its name matches several people: {self._listed(exact)}"
        return self._fuzzy_match(names, emails)

    def _emails_differ(self, path: str, emails: set[str]) -> bool:
        known = self._emails_of.get(path)
        return bool(emails and known and not emails & known)

    def _fuzzy_match(self, names: Sequence[str], emails: set[str]) -> _Match | str | None:
        from rapidfuzz import fuzz, process

        if not self._fuzzy:
            return None
        choices = [form for form, _, _ in self._fuzzy]
        best: dict[str, tuple[float, str, str]] = {}
        for label in names:
            for _, score, index in process.extract(
                fuzzy_form(label), choices, scorer=fuzz.ratio, score_cutoff=self.threshold, limit=10
            ):
                _, path, written = self._fuzzy[index]
                if self._emails_differ(path, emails):
                    continue  # different email addresses say more than a similar name
                if path not in best or score > best[path][0]:
                    best[path] = (score, written, label)
        if not best:
            return None
        top = max(score for score, _, _ in best.values())
        leaders = {path: v for path, v in best.items() if v[0] == top}
        if len(leaders) > 1:
            return f"its name is {top:.0f}% like several people: {self._listed(leaders)}"
        path, (score, written, label) = next(iter(leaders.items()))
        return _Match(
            path, "similar name", f"name {label!r} is {score:.0f}% like {written!r} (≥ {self.threshold})"
        )

    def _listed(self, paths: Iterable[str]) -> str:
        return ", ".join(sorted(self.names.get(p, p) for p in paths))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _as_texts(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value if not isinstance(v, list | dict)]
    if isinstance(value, dict):
        return []
    return [str(value)]


def _yaml(value: str | list[str]) -> str:
    return yaml_list(list(value)) if isinstance(value, list) else yaml_value(value)


_COMPARE_KEYS: dict[str, Callable[[str], str]] = {
    "email": _email_key,
    "phone": _phone_compare_key,
    "tags": lambda t: t.lstrip("#").casefold(),
    "aliases": name_key,
}


def _difference(key: str, existing: Any, incoming: str | list[str]) -> str | None:
    """A sentence when the file says something the note does not, else None."""
    if isinstance(incoming, list) or key in _COMPARE_KEYS or key in SOCIAL_KEYS or key == "website":
        compare = _COMPARE_KEYS.get(key, _url_key if (key in SOCIAL_KEYS or key == "website") else _text_key)
        have = {compare(v) for v in _as_texts(existing)}
        extra = [v for v in _as_texts(incoming) if compare(v) not in have]
        if not extra:
            return None
        return f"{key}: the note has {_shown(existing)}; the file also has {', '.join(extra)}"
    if isinstance(existing, list | dict) or not _same_value(key, str(existing), str(incoming)):
        return f"{key}: the note has {_shown(existing)}; the file has {incoming!r} (kept the note's)"
    return None


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return repr(str(value))


@dataclass
class _Target:
    """An existing person's note being merged into (maybe by several records)."""

    snapshot: Snapshot
    text: str
    name: str


@dataclass
class _NewPerson:
    """A person this import creates."""

    contact: Contact
    name: str
    path: str
    cadence: str | None
    row: ImportRow
    notes: list[str]


@dataclass
class ImportPlan:
    """What an import would do; `apply_import` carries it out."""

    rows: list[ImportRow]
    threshold: int
    creates: list[_NewPerson] = field(default_factory=list)
    targets: dict[str, _Target] = field(default_factory=dict)
    photos: dict[str, bytes] = field(default_factory=dict)
    applied: bool = False

    def counts(self) -> dict[str, int]:
        """How many rows of each action."""
        counts = {CREATE: 0, MERGE: 0, UNCHANGED: 0, SKIP: 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """JSON form (`vault import ... --json`)."""
        return {
            "applied": self.applied,
            "name_threshold": self.threshold,
            "phone_digits": PHONE_DIGITS,
            "counts": self.counts(),
            "rows": [row.to_json() for row in self.rows],
        }


class _Planner:
    def __init__(
        self,
        workspace: Workspace,
        cadence: str | None,
        tags: Sequence[str],
        photos: bool,
        threshold: int,
    ) -> None:
        self.workspace = workspace
        self.config = workspace.config
        self.cadence = cadence
        self.extra_tags = [t for t in (make_tag(t) for t in tags) if t]
        self.photos = photos
        self.plan = ImportPlan([], threshold)
        self.matcher = Matcher(threshold)
        self.new: dict[str, _NewPerson] = {}
        for person in workspace.people(with_fields=True):
            self.matcher.add(
                person.path,
                person.name,
                person.aliases,
                _as_texts(person.fields.get("email")),
                _as_texts(person.fields.get("phone")),
            )

    def add(self, contact: Contact) -> None:
        raw = unicodedata.normalize("NFC", contact.name)
        safe = safe_file_stem(raw)
        found = self.matcher.match(contact, [raw] if safe == raw else [raw, safe])
        if isinstance(found, str):
            self._row(SKIP, contact, reason=found)
        elif found is None:
            self._create(contact, raw)
        elif found.path in self.new:
            self._merge_new(contact, found)
        else:
            self._merge_existing(contact, found)

    def _row(self, action: str, contact: Contact, **kwargs: Any) -> ImportRow:
        row = ImportRow(action, contact.name, contact.source, contact.line, **kwargs)
        row.differences.extend(contact.warnings)
        self.plan.rows.append(row)
        return row

    def _create(self, contact: Contact, raw: str) -> None:
        notes: list[str] = []
        try:
            name = check_person_name(raw)
        except UsageError:
            try:
                name = check_person_name(safe_file_stem(raw))
            except UsageError as err:
                self._row(SKIP, contact, reason=str(err))
                return
            notes.append(f"name made safe for a file name (was {raw!r})")
        folder = self.config.people_dir
        path = f"{folder}/{name}.md" if folder else f"{name}.md"
        if self.workspace.vault.exists(path):
            self._row(SKIP, contact, reason=f"{path} exists and is not a person note")
            return
        contact.name = name
        contact.tags = [*contact.tags, *(t for t in self.extra_tags if t not in contact.tags)]
        row = self._row(CREATE, contact, path=path)
        person = _NewPerson(contact, name, path, self.cadence, row, notes)
        self._decide_cadence(person)
        self.new[path] = person
        self.plan.creates.append(person)
        # Within one import only exact signals merge: two similar names in one address book
        # are usually two people (and `vault check` points them out).
        self.matcher.add(path, name, contact.aliases, contact.emails, contact.phones, fuzzy=False)
        self._plan_photo(contact, path, row)

    def _decide_cadence(self, person: _NewPerson) -> None:
        """No cadence unless asked; `none` when a tag or the default would make them due."""
        contact, notes = person.contact, list(person.notes)
        person.cadence = self.cadence
        if self.cadence is None:
            probe = Person(
                name=person.name, path=person.path, fields={}, aliases=contact.aliases,
                tags=["person", *contact.tags], cadence=None, met=None, birthday=None,
                snooze_until=None, archived=False, introduced_by=[],
            )  # fmt: skip
            resolved = resolve_cadence(probe, self.config)
            if resolved is not None:
                person.cadence = "none"
                source = resolved[1].replace("tag:", "tag #")
                notes.append(f"cadence: none, so the import adds nobody to `vault due` ({source} would)")
        elif self.cadence:
            notes.append(f"cadence {self.cadence}")
        person.row.reason = "; ".join(["new person", *notes])
        person.row.adds = (
            [*contact.fields()] + ["cadence"] * bool(person.cadence) + ["notes"] * bool(contact.notes)
        )

    def _merge_new(self, contact: Contact, found: _Match) -> None:
        person = self.new[found.path]
        added, differences = person.contact.absorb(contact)
        if name_key(contact.name) != name_key(person.name):
            differences.insert(
                0, f"name: the new note is {person.name!r}; {contact.where} calls them {contact.name!r}"
            )
        reason = f"{found.reason}: the same person as {person.contact.where}, created once"
        row = self._row(
            MERGE if added else UNCHANGED, contact, path=found.path, matched_by=found.how, reason=reason
        )
        row.adds, row.differences = added, [*row.differences, *differences]
        self._decide_cadence(person)
        self.matcher.add(
            found.path,
            person.name,
            person.contact.aliases,
            person.contact.emails,
            person.contact.phones,
            fuzzy=False,
        )
        self._plan_photo(person.contact, found.path, row)

    def _merge_existing(self, contact: Contact, found: _Match) -> None:
        target = self.plan.targets.get(found.path)
        if target is None:
            snapshot = self.workspace.vault.read(found.path)
            try:
                text = decode_note(found.path, snapshot.data)
            except NoteParseError as err:
                self._row(SKIP, contact, path=found.path, matched_by=found.how, reason=f"{err}; not merged")
                return
            target = _Target(snapshot, text, self.matcher.names[found.path])
        try:
            note = parse_text(found.path, target.text, self.config)
        except NoteParseError as err:
            self._row(SKIP, contact, path=found.path, matched_by=found.how, reason=f"{err}; not merged")
            return
        new_text, adds, differences = target.text, [], []
        incoming = contact.fields()
        if self.cadence and "cadence" not in incoming:
            incoming["cadence"] = self.cadence
        if name_key(contact.name) not in {name_key(n) for n in (note.name, *note.aliases)}:
            differences.append(f"name: the note is {note.name!r}; the file calls them {contact.name!r}")
        for key, value in incoming.items():
            existing = note.fields.get(key)
            if _empty(existing):
                new_text = set_front_matter_value(new_text, key, _yaml(value))
                adds.append(key)
            else:
                difference = _difference(key, existing, value)
                if difference:
                    differences.append(difference)
        row = self._row(MERGE if adds else UNCHANGED, contact, path=found.path, matched_by=found.how,
                        reason=f"matched {target.name}: {found.reason}")  # fmt: skip
        row.adds, row.differences = adds, [*row.differences, *differences]
        if adds:
            target.text = new_text
            self.plan.targets[found.path] = target
        self._plan_photo(contact, found.path, row)

    def _plan_photo(self, contact: Contact, note_path: str, row: ImportRow) -> None:
        if not self.photos or contact.photo is None:
            return
        data, extension = contact.photo
        photo_path = f"{note_path[:-3]}.{extension}"
        if photo_path in self.plan.photos or self.workspace.vault.exists(photo_path):
            return
        self.plan.photos[photo_path] = data
        row.adds.append("photo")
        if row.action == UNCHANGED:
            row.action = MERGE


def plan_import(
    workspace: Workspace,
    contacts: Iterable[Contact],
    skipped: Iterable[ImportRow] = (),
    cadence: str | None = None,
    tags: Sequence[str] = (),
    photos: bool = False,
    threshold: int = NAME_THRESHOLD,
    sources: Sequence[str] = (),
) -> ImportPlan:
    """Match every record and work out what would change; writes nothing.

    Rows come in the order of `sources` (file names), then by line.
    """
    planner = _Planner(workspace, cadence, tags, photos, threshold)
    for contact in contacts:
        planner.add(contact)
    plan = planner.plan
    plan.rows.extend(skipped)
    order = {source: index for index, source in enumerate(sources)}
    plan.rows.sort(key=lambda r: (order.get(r.source, len(order)), r.source, r.line or 0))
    return plan


def apply_import(workspace: Workspace, plan: ImportPlan) -> None:
    """Write what the plan says: merged notes first (each checked against what was read), then new notes.

    A failure part-way (a full disk, a note saved meanwhile) says which files were
    written before it; the index knows them, and the same import run again finishes.
    """
    for path, target in plan.targets.items():
        try:
            parse_text(path, target.text, workspace.config)
        except NoteParseError as err:  # pragma: no cover - edits keep a parsable note parsable
            raise RefusedWrite(
                f"merging into {path} would make it unreadable ({err}); nothing was written"
            ) from None
    total = len(plan.targets) + len(plan.creates) + len(plan.photos)
    written: list[str] = []
    try:
        for path, target in plan.targets.items():
            workspace.vault.write(path, target.text.encode("utf-8"), target.snapshot)
            written.append(path)
        renderer = workspace.renderer()
        for person in plan.creates:
            contact = person.contact
            values = {k: v for k, v in contact.fields().items() if k not in ("aliases", "tags", "met")}
            ref = workspace.add_person(
                person.name,
                cadence=person.cadence,
                tags=contact.tags,
                met=dt.date.fromisoformat(contact.met) if contact.met else None,
                aliases=contact.aliases,
                values=values,
                notes=contact.notes,
                renderer=renderer,
            )
            written.append(ref.path)
        for photo_path, data in plan.photos.items():
            workspace.vault.write(photo_path, data, None)
            written.append(photo_path)
    except VaultkitError as err:
        if not written:
            raise
        raise IncompleteWrite(
            err, written, total, "Run the same import again to finish it: what is written is kept."
        ) from None
    finally:  # (new notes are in the index already: add_person puts them there)
        workspace.index.update_paths([path for path in written if path in plan.targets])
    plan.applied = True


def run_import(
    workspace: Workspace,
    kind: str,
    files: Sequence[Path],
    apply: bool = False,
    cadence: str | None = None,
    tags: Sequence[str] = (),
    photos: bool = False,
) -> ImportPlan:
    """Read the files, plan the import, and write it when `apply` is set."""
    if cadence is not None:
        from vaultkit.dates import parse_cadence

        try:
            parse_cadence(cadence)
        except ValueError as err:
            raise UsageError(f"--cadence: {err}") from None
    reader = READERS[kind]
    contacts: list[Contact] = []
    skipped: list[ImportRow] = []
    for path in files:
        found, bad = reader(Path(path))
        contacts.extend(found)
        skipped.extend(bad)
    sources = [Path(path).name for path in files]
    plan = plan_import(
        workspace, contacts, skipped, cadence=cadence, tags=tags, photos=photos, sources=sources
    )
    if apply:
        apply_import(workspace, plan)
    return plan


# -- duplicates in the vault ---------------------------------------------------------------
def likely_duplicates(
    people: Sequence[tuple[str, str, dict[str, Any]]], threshold: int = NAME_THRESHOLD
) -> list[Problem]:
    """Warnings for pairs of people who are probably one: same email, same phone, near-identical names.

    `people` are (path, name, front-matter fields). Two notes with the very same name are
    already reported by the index, so they are left out here.
    """
    reasons: dict[tuple[str, str], str] = {}

    def pair(one: str, other: str, reason: str) -> None:
        if one != other:
            reasons.setdefault((min(one, other), max(one, other)), reason)

    for field_name, key in (("email", _email_key), ("phone", phone_key)):
        seen: dict[str, str] = {}
        for path, _, fields in people:
            for value in _as_texts(fields.get(field_name)):
                value_key = key(value)
                if not value_key:
                    continue
                if value_key in seen:
                    pair(seen[value_key], path, f"same {field_name} {value}")
                else:
                    seen[value_key] = path
    names = [(path, name) for path, name, _ in people]
    for (one, one_name), (other, other_name), score in _similar_names(names, threshold):
        pair(one, other, f"names {score:.0f}% alike ({one_name!r}, {other_name!r})")
    return [
        Problem(one, None, "warning", f"may be the same person as {other}: {reason}")
        for (one, other), reason in sorted(reasons.items())
    ]


def _similar_names(
    names: Sequence[tuple[str, str]], threshold: int
) -> Iterator[tuple[tuple[str, str], tuple[str, str], float]]:
    """Pairs of (path, name) whose names are at least `threshold` alike, but not the same name."""
    from rapidfuzz import fuzz, process

    forms = [fuzzy_form(name) for _, name in names]
    # Near-identical names share their first or their last four letters (words sorted);
    # comparing only within those groups keeps a 10,000-person vault well under a second.
    blocks: dict[str, list[int]] = {}
    for index, form in enumerate(forms):
        if form:
            for block in ("<" + form[:4], ">" + form[-4:]):
                blocks.setdefault(block, []).append(index)
    found: set[tuple[int, int]] = set()
    for members in blocks.values():
        choices = [forms[i] for i in members]
        for position in range(len(members) - 1):
            for _, score, offset in process.extract(
                choices[position],
                choices[position + 1 :],
                scorer=fuzz.ratio,
                score_cutoff=threshold,
                limit=None,
            ):
                one, other = members[position], members[position + 1 + offset]
                if (one, other) in found or name_key(names[one][1]) == name_key(names[other][1]):
                    continue
                found.add((one, other))
                yield names[one], names[other], score
