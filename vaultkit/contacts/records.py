"""A contact as an address book describes it, and how two of its values compare.

The readers (`vaultkit.contacts.readers`) make `Contact` records and skipped `ImportRow`s;
matching and the import plan compare emails, phones, addresses and free text with the
keys here, so "the same value" means one thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from vaultkit.dates import parse_birthday, parse_date
from vaultkit.model import name_key, no_value

PHONE_DIGITS = 9
"""Phones match on their last 9 digits, so `+44 7700 900641` and `07700 900641` are one number."""

CREATE, MERGE, UNCHANGED, SKIP = "create", "merge", "unchanged", "skip"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell that a spreadsheet may run as a formula starts (OWASP, "CSV Injection"):
`vault export csv` puts a `'` in front of it, `vault import csv` takes that `'` off."""
GUARDED_STARTS = (*FORMULA_STARTS, *("'" + start for start in FORMULA_STARTS))
"""The cells `vault export csv` puts a `'` in front of: a formula's, and one that starts
with a `'` already before a formula's start, so that the import's taking one off gives
back what the note held (`'-) smiley`)."""

# Keys the importer writes, in the order a new note lists them (spec's person note order).
_FIELD_ORDER = ("family_name", "given_name", "birthday", "company", "role", "location", "email", "phone")

NAME_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "dos",
        "do",
        "du",
        "la",
        "le",
        "ter",
        "ten",
        "bin",
        "binti",
        "ibn",
        "al",
        "el",
        "ní",
        "nic",
        "ó",
        "o",
        "mac",
        "mc",
        "uí",
        "ua",
        "ap",
    ]
)
"""Words that belong to the family name that follows them (`Ní Bhriain`, `van der Berg`, `de la Cruz`)."""


def guess_name_parts(name: str) -> tuple[str, str]:
    """(family, given) of a name when nothing says: the last word with the particles before it,
    the rest given. Only a guess: `Nguyễn Văn An` puts the family name first (`family_name`
    in the note says so)."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in NAME_PARTICLES:
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start])


def name_parts(name: str, family: str = "", given: str = "") -> tuple[str, str]:
    """(family, given): what the note says (`family_name`, `given_name`), the part it leaves
    out taken from the rest of the name, else the guess."""
    if family and given:
        return family, given
    if family or given:
        known = family or given
        rest = name.replace(known, " ", 1) if known in name else ""
        rest = " ".join(rest.split())
        return (family, rest) if family else (rest, given)
    return guess_name_parts(name)


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
    last_contact: str = ""
    family_name: str = ""  # kept only when the guess from the name would be wrong
    given_name: str = ""
    urls: dict[str, list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    photo: tuple[bytes, str] | None = None
    warnings: list[str] = field(default_factory=list)
    cadence: str = ""  # the file's own (`vault import csv --map COLUMN=cadence`); a plan's --cadence else
    extra: dict[str, str] = field(default_factory=dict)  # any other key (`--map COLUMN=field:KEY`)

    def fields(self) -> dict[str, str | list[str]]:
        """The front-matter values this record would write, in note order (lists for several)."""
        values: dict[str, str | list[str]] = {}
        if self.aliases:
            values["aliases"] = list(self.aliases)
        if self.tags:
            values["tags"] = list(self.tags)
        if self.met:
            values["met"] = self.met
        if self.last_contact:
            values["last_contact"] = self.last_contact
        scalars = {"family_name": self.family_name, "given_name": self.given_name,
                   "birthday": self.birthday, "company": self.company, "role": self.role,
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
        values.update((key, value) for key, value in self.extra.items() if key not in values)
        return values

    def keep_name_parts(self, family: str, given: str) -> None:
        """Keep the structured name a file gives, when guessing from the name would get it wrong."""
        family, given = " ".join(family.split()), " ".join(given.split())
        if (family or given) and guess_name_parts(self.name) != (family, given):
            self.family_name, self.given_name = family, given

    def absorb(self, other: Contact) -> tuple[list[str], list[str]]:
        """Merge another record of the same person into this one: (keys added, differences)."""
        before = self.fields()
        for mine, theirs, key in (
            (self.emails, other.emails, email_key),
            (self.phones, other.phones, phone_compare_key),
            (self.aliases, other.aliases, name_key),
            (self.tags, other.tags, str.casefold),
            (self.notes, other.notes, str),
        ):
            extend_unique(mine, theirs, key)
        for kind, urls in other.urls.items():
            extend_unique(self.urls.setdefault(kind, []), urls, url_key)
        differences: list[str] = []
        mine_values = {a: getattr(self, a) for a in _ONE_VALUE} | self.extra
        their_values = {a: getattr(other, a) for a in _ONE_VALUE} | other.extra
        for name, their_value in their_values.items():
            mine_value = mine_values.get(name, "")
            if not mine_value:
                if name in _ONE_VALUE:
                    setattr(self, name, their_value)
                elif their_value:
                    self.extra[name] = their_value
            elif their_value and not same_value(name, mine_value, their_value):
                differences.append(f"{name}: kept {mine_value!r}, {other.where} has {their_value!r}")
        if self.photo is None:
            self.photo = other.photo
        after = self.fields()
        added = [k for k in after if k not in before or after[k] != before[k]]
        return added + ["cadence"] * (self.cadence != mine_values["cadence"]), differences

    @property
    def where(self) -> str:
        """`file:line` of this record."""
        return f"{self.source}:{self.line}"


_ONE_VALUE = ("company", "role", "location", "birthday", "met", "last_contact", "cadence")
"""A `Contact`'s attributes of one value: a second record of the same person fills them when empty."""


def extend_unique(target: list[str], items: Iterable[str], key: Callable[[str], str]) -> None:
    """Append the items whose `key` is not in `target` yet, in order."""
    seen = {key(item) for item in target}
    for item in items:
        if item and key(item) not in seen:
            target.append(item)
            seen.add(key(item))


def without_scheme(value: str, scheme: str) -> str:
    """A value without its `scheme:` in front, in any case (`MAILTO:uri@example.com`)."""
    value = value.strip()
    if value[: len(scheme) + 1].casefold() == f"{scheme}:":
        return value[len(scheme) + 1 :].strip()
    return value


def email_key(email: str) -> str:
    """How two email addresses compare: no `mailto:`, case-folded."""
    return without_scheme(email, "mailto").casefold()


def phone_key(phone: str) -> str | None:
    """The part of a phone number that identifies it: its last 9 digits (None when shorter)."""
    digits = re.sub(r"\D", "", phone)
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else None


def phone_compare_key(phone: str) -> str:
    """How two phone numbers compare: their last 9 digits, else all of them."""
    return phone_key(phone) or re.sub(r"\D", "", phone) or phone.strip()


def url_key(url: str) -> str:
    """How two web addresses compare: no scheme, `www.` or final slash, case-folded."""
    text = url.strip().casefold()
    text = re.sub(r"^https?://", "", text)
    text = text.removeprefix("www.")
    return text.rstrip("/")


def text_key(text: str) -> str:
    """How two free texts compare: spaces collapsed, case-folded."""
    return " ".join(text.split()).casefold()


def same_value(key: str, one: str, other: str) -> bool:
    """Whether two values of a field say the same (dates as dates, else as text)."""
    if key in ("birthday",):
        try:
            a, b = parse_birthday(one), parse_birthday(other)
        except ValueError:
            return text_key(one) == text_key(other)
        return (a.month, a.day) == (b.month, b.day) and a.year == b.year
    if key in ("met", "last_contact"):
        try:
            return parse_date(one) == parse_date(other)
        except ValueError:
            return text_key(one) == text_key(other)
    return text_key(one) == text_key(other)


def spreadsheet_text(cell: str) -> str:
    """A cell as it was before the export's `'` (`GUARDED_STARTS`): `'+49 30 1234` -> `+49 30 1234`,
    `''-) smiley` -> `'-) smiley`; any other as it is."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(GUARDED_STARTS) else cell


def make_tag(text: str) -> str:
    """A label or category as an Obsidian tag: `Work Friends` -> `work-friends` ('' if none)."""
    tag = unicodedata.normalize("NFC", text).strip().lstrip("#").casefold()
    tag = re.sub(r"\s+", "-", tag)
    tag = re.sub(r"[^\w/-]", "", tag).strip("-/")
    return "" if not tag or tag.isdigit() else tag


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


def as_texts(value: Any) -> list[str]:
    """A front-matter value as a list of texts (nested lists and mappings left out; none for
    no value, `model.no_value`)."""
    if no_value(value):
        return []
    if isinstance(value, list):
        return [str(v) for v in value if not isinstance(v, list | dict) and not no_value(v)]
    if isinstance(value, dict):
        return []
    return [str(value)]
