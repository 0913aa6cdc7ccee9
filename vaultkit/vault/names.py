"""Name rules: what a person's name may be, file stems from free text, the copies sync tools
leave, and names no note may have (bytes that are not UTF-8, control characters)."""

from __future__ import annotations

import os
import re
import unicodedata

from vaultkit.dates import is_date_name
from vaultkit.errors import (
    UsageError,
)
from vaultkit.model import JOINERS

_BAD_NAME_CHARS = set('/\\#^[]|:*?"<>')

UNLINKABLE = {
    "#": "starts a heading",
    "|": "starts a link's alias",
    "^": "starts a block",
    "[": "breaks the link",
    "]": "ends the link",
    "%%": "starts a comment in Obsidian",
}
"""What no `[[link]]` to a note can hold in its name (what it does there): a link to a
person with one leads elsewhere, and `%%` hides the rest of the note it is written in.
`vault add` refuses such a name; `vault check` warns of a person's note that has one."""


def unlinkable_part(name: str) -> str | None:
    """The first of `UNLINKABLE` that `name` holds, or None."""
    return next((part for part in UNLINKABLE if part in name), None)


MAX_STEM_BYTES = 200
"""The longest file stem vaultkit makes or accepts, in UTF-8 bytes: file systems allow 255
bytes a name, which leaves room for `.md`, a ` (2)` and a temp file's tail."""
MAX_TITLE_CHARS = 120
"""The most characters of a title (a meeting's) that go into a file name."""

_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in [*range(1, 10), "¹", "²", "³"]
}


def check_person_name(name: str) -> str:
    """Return the NFC form of a new person's name, or raise UsageError saying why not."""
    clean = unicodedata.normalize("NFC", name)
    why: str | None = None
    if not clean.strip():
        why = "it is empty"
    elif any(ch in _BAD_NAME_CHARS for ch in clean):
        why = 'it has one of / \\ # ^ [ ] | : * ? " < >'
    elif any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in JOINERS for ch in clean):
        why = "it has control characters"
    elif (part := unlinkable_part(clean)) is not None:  # (%%: the rest are bad characters above)
        why = f"it has {part}, which {UNLINKABLE[part]}"
    elif ".." in clean:
        why = "it has '..'"
    elif clean.startswith("."):
        why = "it starts with a dot"
    elif clean != clean.rstrip(". "):
        why = "it ends with a dot or a space"
    elif clean != clean.lstrip():
        why = "it starts with a space"
    elif clean.split(".")[0].upper() in _DEVICE_NAMES:
        why = "it is a reserved device name on Windows"
    elif clean.casefold().endswith(".md"):  # a file name typed or completed: `X.md.md` would follow
        why = f"it ends in .md (the note is named for the person: give {clean[:-3].rstrip()!r})"
    elif is_date_name(clean):
        why = "it looks like a date and would collide with a daily note"
    elif len(clean.encode("utf-8")) > MAX_STEM_BYTES:
        why = "it is too long for a file name"
    if why:
        raise UsageError(f"cannot use {name!r} as a person's name: {why}")
    return clean


def is_conflict_copy(name: str) -> bool:
    """A copy that a sync tool left beside a note it could not merge (Obsidian Sync, Dropbox:
    `Note (conflicted copy 2026-11-20).md`; Syncthing: `Note.sync-conflict-20261120-1.md`)."""
    folded = name.casefold()
    return "conflicted copy" in folded or ".sync-conflict-" in folded


_SAFE_FILE_RE = re.compile(r"[\x00-\x1f/\\:*?\"<>|#^\[\]]")


def safe_file_stem(text: str) -> str:
    """A file stem from free text (titles): unsafe characters become spaces, and `%%` one
    `%`: a link to the note (`[[2026-11-22 x%%y]]` in the weekly review) would open a comment."""
    clean = _SAFE_FILE_RE.sub(" ", unicodedata.normalize("NFC", text))
    clean = re.sub(r"%{2,}", "%", clean)
    return re.sub(r"\s+", " ", clean).strip(" .") or "Untitled"


def title_stem(text: str) -> str:
    """A file stem from a title: `safe_file_stem`, cut to `MAX_TITLE_CHARS` characters and
    to `MAX_STEM_BYTES` bytes (a file system counts bytes: 120 CJK characters are 360)."""
    stem = safe_file_stem(text)[:MAX_TITLE_CHARS]
    stem = stem.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore")
    return stem.rstrip(" .") or "Untitled"


def is_utf8(text: str) -> bool:
    """Whether a name from the file system is text: a name whose bytes are not UTF-8 (from
    a zip file or an old share) holds lone surrogates, which no note path may hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# C0 (but NUL, which no file name holds: the walk joins names with it), DEL and C1. A line
# break in a note's name would split every line that names it (Due.md's list, `vault check`).
_CONTROL_RE = re.compile("[\x01-\x1f\x7f-\x9f]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SHOWN_NOT_UTF8_RE = re.compile(r"\\x[89a-f][0-9a-f]")  # what backslashreplace makes of a byte


def is_usable_name(text: str) -> bool:
    """Whether a name (or path) from the file system can be a note's or a folder's: UTF-8
    text with no control character. A walk leaves the others out and `vault check` names them."""
    return (text.isascii() or is_utf8(text)) and _CONTROL_RE.search(text) is None


def shown_name(text: str) -> str:
    """A file name as a user can read it, on one line: bytes that are not UTF-8 as `\\xff`,
    a control character as `\\n`, `\\t`, `\\r` or `\\u001b`."""
    readable = os.fsencode(text).decode("utf-8", "backslashreplace")
    return _CONTROL_RE.sub(lambda found: _ESCAPES.get(found[0], f"\\u{ord(found[0]):04x}"), readable)


def shown_name_fault(shown: str) -> str:
    """What is wrong with a name that is not `is_usable_name`, from its `shown_name`."""
    if _SHOWN_NOT_UTF8_RE.search(shown):
        return "is not valid UTF-8"
    return "has a line break or another control character"
