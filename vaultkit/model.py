"""Plain data: what a note says and what vaultkit derives from it. No I/O here."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

PERSON, MEETING, DAILY, OTHER = "person", "meeting", "daily", "other"
MAX_NOTE_BYTES = 8 * 1024 * 1024
"""A longer note is skipped with an error (`notes.parse.decode_note`), and never read further."""
JOINERS = ("\u200c", "\u200d")
"""Zero-width (non-)joiners: format characters that are text, for they spell words (Persian's
نیک‌نام, emoji); names and the Log heading may hold them, not other format characters."""
MAX_ROWS = (1 << 62) - 1
"""More rows than any list can hold (half SQLite's largest integer, so that twice it is
still one): a `--limit` or a count asked above it means every row (`min(limit,
MAX_ROWS)`), never an overflow."""
SOCIAL_KEYS = (
    "linkedin", "twitter", "github", "facebook", "instagram", "mastodon", "bluesky", "youtube",
    "tiktok", "xing", "flickr", "threads",
)  # fmt: skip
"""Front-matter keys that hold a social profile, in the order exports write them."""
MARKER_TAG = "person"
"""`vault add` tags everyone `person`: as a group or a shared tag it says nothing."""
PROSPECT, ASKED = "prospect", "asked"
"""The `status` values of someone you want to meet (not asked yet, asked): never due, not yet met."""


INTRO_CHANNEL, ASK_CHANNEL = "intro", "asked"
"""The channel words of a Log entry that records an introduction (`- 2026-11-20 intro: [[Ada]]
and [[Alan]]`) and an ask (`- 2026-11-20 asked: email: would you have...`): the figures read
these entries, and the index keeps them apart (`contacts_channel`)."""

NO_VALUE_TEXTS = frozenset({"", "null", "Null", "NULL", "~"})
"""The texts that are no value (`no_value`): empty, and YAML's null written out."""


def no_value(value: Any) -> bool:
    """Whether a front-matter value (as written: YAML's null is kept as its text) says nothing:
    missing, empty (`key:`, `""`, `[]`), or YAML's null written out (`~`, `null`: what
    Templater and other tools write for "no value"). The parser reads no value there, and
    what writes a value where there is none (`vault met`, `want`, an import) writes over it."""
    if isinstance(value, str):
        return value in NO_VALUE_TEXTS  # (a set: the parser asks of every key of every note)
    return value is None or value == []


REACH_OUT_HEADING, REACHED_OUT = "Reach out", "reached out"
"""The heading of the reach-outs `vault today` adds to a daily note, and what a ticked task
under it says as an interaction: vaultkit's own reminder text is not what was said."""
_NEVER_CONTACTED = "never contacted"
_REMINDER_RE = re.compile(
    rf"\[\[[^\[\]]+\]\]: (?:{_NEVER_CONTACTED}|last \S+ \d{{4}}-\d{{2}}-\d{{2}}(?:, .*)?)", re.DOTALL
)


def reach_out_reason(last_contact: dt.date | None, channel: str | None = None, text: str = "") -> str:
    """Why to reach out, as `vault today` writes it after the person's link: `never
    contacted`, `last contact 2026-10-02`, `last coffee 2026-10-02, talked about her paper`."""
    if last_contact is None:
        return _NEVER_CONTACTED
    said = f"last {channel or 'contact'} {last_contact.isoformat()}"
    return f"{said}, {text}" if text else said


def is_reach_out_reminder(task_text: str) -> bool:
    """Whether a reach-out task's text (`[[Tom Whitfield]]: last contact 2026-10-02`) is the
    reminder `vault today` wrote (`reach_out_reason`), not words the user put in its place."""
    return _REMINDER_RE.fullmatch(task_text) is not None


def is_prospect(status: str | None) -> bool:
    """Whether a note's `status` (as parsed: trimmed, case-folded) marks a prospect or an open ask."""
    return status in (PROSPECT, ASKED)


def name_key(text: str) -> str:
    """How names, aliases and link targets compare: NFC, case-folded, trimmed."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def sort_key(key: str) -> str:
    """How people are put in order by name, from their `name_key`: with accents folded
    first (`émile` beside `emma`, not after `zoe`), then as written (`zoe` before `zoë`).
    One text, so that SQLite orders by a column: the key itself when folding changes
    nothing, else the folded key, a `\\x01` and the key."""
    folded = fold_accents(key)
    return key if folded == key else f"{folded}\x01{key}"


def name_order(name: str) -> str:
    """A name's place in lists by name (`sort_key` of its `name_key`)."""
    return sort_key(name_key(name))


def written_tag(tag: str) -> str:
    """A tag as a note gets it written: trimmed, without its `#` (`" #mentor"` → `mentor`;
    `""` for a blank one)."""
    return tag.strip().lstrip("#").strip()


def tag_key(tag: str) -> str:
    """How tags compare: as written (`written_tag`), NFC, case-folded (`#Café` is `café`)."""
    return unicodedata.normalize("NFC", written_tag(tag)).casefold()


def has_tag(tags: Iterable[str], key: str) -> bool:
    """Whether one of `tags` is the tag `key` (a `tag_key`) or nested below it (`key/...`).
    (The index asks the same of its `person_tags` table: `Figures.tagged`.)"""
    return any((found := tag_key(tag)) == key or found.startswith(key + "/") for tag in tags)


def target_key(text: str) -> str:
    """The name key a written name or link target (`People/Ada`) matches people by: its last part's."""
    return name_key(text).rsplit("/", 1)[-1]


# Letters Unicode does not decompose into a base letter and marks, written as people write
# them without the letter (`Søren` as `Soren`, `Łukasz` as `Lukasz`, `Ægir` as `Aegir`).
# Keys are case-folded, so the lower case is enough.
_UNMARKED = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ŀ": "l",
        "ĸ": "k",
    }
)


_UNMARKED_LETTERS = frozenset("øłđðħıŧæœþŀĸ")


def unmarked_words(text: str) -> str:
    """The words of `text` that hold a letter `_UNMARKED` folds, folded (`Søren Kierkegaard` →
    `soren`), once each: what the full-text index keeps beside a note's text, for SQLite's
    tokenizer takes marks off (`é`) but not these letters, as names are matched."""
    lower = text.lower()
    if _UNMARKED_LETTERS.isdisjoint(lower):
        return ""
    found = (word.translate(_UNMARKED) for word in lower.split() if not _UNMARKED_LETTERS.isdisjoint(word))
    return " ".join(dict.fromkeys(found))


def fold_accents(key: str) -> str:
    """A name key with its accents folded (`nguyễn văn an` → `nguyen van an`, `søren` →
    `soren`, `łukasz` → `lukasz`): NAME's second try (spec §3), and the first part of the
    order by name (`sort_key`)."""
    if key.isascii():
        return key  # nothing to fold (and most keys are)
    decomposed = unicodedata.normalize("NFKD", key).translate(_UNMARKED)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


class Problem(NamedTuple):
    """Something wrong in one note: an `error` (note or field skipped) or a `warning`.

    A named tuple: `vault due` reads thousands of them (name clashes) straight from SQLite."""

    path: str
    line: int | None
    level: str
    message: str

    def to_json(self) -> dict[str, Any]:
        """The spec's problem object."""
        return {"path": self.path, "line": self.line, "level": self.level, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"


class Link(NamedTuple):
    """A link in a note. `target` is the normalised link path, `stem` its last part,
    `written` the target as the note has it (for messages)."""

    target: str
    stem: str
    line: int
    contact: bool
    written: str = ""


class LogEntry(NamedTuple):
    """One `- YYYY-MM-DD [channel:] text` item of a Log section."""

    date: dt.date
    channel: str | None
    text: str
    line: int


class Task(NamedTuple):
    """A Markdown task `- [ ] text`, with an Obsidian Tasks due date `📅 YYYY-MM-DD`."""

    text: str
    status: str
    due: dt.date | None
    line: int

    @property
    def is_open(self) -> bool:
        """`[ ]` and `[/]` are open; everything else is done or cancelled."""
        return self.status in (" ", "/")


@dataclass
class ParsedNote:
    """Everything vaultkit reads from one note."""

    path: str
    name: str
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    aliases_line: int | None = None  # the line of the `aliases` key (its warnings name it)
    tags: list[str] = field(default_factory=list)
    cadence: str | None = None
    last_contact: dt.date | None = None
    met: dt.date | None = None
    birthday: str | None = None
    snooze_until: dt.date | None = None
    archived: bool = False
    status: str | None = None
    date: dt.date | None = None
    introduced_by: list[str] = field(default_factory=list)
    people: list[str] | None = None
    links: list[Link] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    problems: list[Problem] = field(default_factory=list)
    body: str = ""
    body_line: int = 1


@dataclass
class Interaction:
    """A contact with a person: a Log entry, a meeting note or a daily note."""

    date: dt.date
    source: str
    path: str
    line: int | None
    channel: str | None
    text: str

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "date": self.date.isoformat(),
            "source": self.source,
            "path": self.path,
            "line": self.line,
            "channel": self.channel,
            "text": self.text,
        }


@dataclass
class FollowUp:
    """An open task that belongs to a person (in their note or a meeting naming them)."""

    person: str
    text: str
    due: dt.date | None
    path: str
    line: int
    person_path: str = ""  # the person's note

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "person": self.person,
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "path": self.path,
            "line": self.line,
        }


@dataclass(slots=True)  # 100,000 of them for `vault stats`: no dict per person
class Person:
    """A person as the index knows them, with their derived last contact."""

    name: str
    path: str
    fields: dict[str, Any]
    aliases: list[str]
    tags: list[str]
    cadence: str | None
    met: dt.date | None
    birthday: str | None
    snooze_until: dt.date | None
    archived: bool
    introduced_by: list[str]
    last_contact: dt.date | None = None
    last_channel: str | None = None
    status: str | None = None

    @property
    def prospect(self) -> bool:
        """Someone you want to meet (`status: prospect` or `asked`): never due, not yet met."""
        return is_prospect(self.status)


DueKind = Literal["never", "late", "today", "coming"]


@dataclass(slots=True)
class DueItem:
    """A person who is due, with why (spec §3 `vault due --json`)."""

    name: str
    path: str
    cadence: str
    cadence_source: str
    cadence_days: int
    last_contact: dt.date | None
    last_channel: str | None
    due_on: dt.date | None
    days_overdue: int | None
    snoozed: bool = False

    def kind(self, today: dt.date) -> DueKind:
        """`never` contacted (no `due_on`), `late` (past its `due_on`), due `today`, or
        `coming` due within the horizon."""
        if self.due_on is None:
            return "never"
        return "late" if self.due_on < today else "today" if self.due_on == today else "coming"

    def to_json(self) -> dict[str, Any]:
        """The spec's `due` item."""
        return {
            "name": self.name,
            "path": self.path,
            "cadence": self.cadence,
            "cadence_source": self.cadence_source,
            "cadence_days": self.cadence_days,
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
            "last_channel": self.last_channel,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "days_overdue": self.days_overdue,
        }
