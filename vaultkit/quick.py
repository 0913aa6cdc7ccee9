"""Quick edits of a person's properties (snooze, archive, set, unset), opening their note,
and `last_contact` moved forward for `write_last_contact = "derived"`.

Every edit changes only the front-matter lines it must, through the same path as
`vault log`: the note is read and parsed first (a note vaultkit cannot parse is never
written), locked, replaced atomically, and made again on someone else's bytes when they
saved it meanwhile. Comments, key order, quoting and line endings stay.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import urllib.parse
from collections.abc import Mapping, Sequence

from vaultkit.dates import parse_birthday, parse_bool, parse_cadence, parse_date
from vaultkit.errors import RefusedWrite, UsageError
from vaultkit.model import PERSON, written_tag
from vaultkit.workspace import PersonRef, Workspace

_KEY_RE = re.compile(r"[A-Za-z_][\w-]*")
# Keys vaultkit types: a value that would not read back is refused before anything is written.
_DATE_KEYS = {"last_contact", "met", "snooze_until"}


def _aliases(value: str) -> list[str]:
    return [alias for alias in (part.strip() for part in value.split(",")) if alias]


def _tags(value: str) -> list[str]:
    return [tag for tag in map(written_tag, value.split(",")) if tag]


# Keys whose value is a list, written from `key=one, two` (a comma cannot be in a tag; an
# alias holding one can be written in the note itself, or with `vault add --alias`).
_LIST_KEYS = {"tags": _tags, "aliases": _aliases}


def _check_value(key: str, value: str, today: dt.date) -> None:
    try:
        if key == "cadence":
            parse_cadence(value)
        elif key in _DATE_KEYS:
            when = parse_date(value)
            if key == "last_contact" and when > today:  # (as `vault log --date` refuses it)
                raise ValueError(f"{when} is after today ({today}): it records a contact that happened")
        elif key == "archived":
            parse_bool(value)
        elif key == "birthday":
            parse_birthday(value)
    except ValueError as err:
        raise UsageError(f"{key}: {err}") from None


def _yaml_value(key: str, value: str) -> tuple[str, bool]:
    """(the YAML text of a value, whether the note's own quotes around the old value may stay).
    `tags` and `aliases` are lists: `tags=friend, #mentor` is written `[friend, mentor]` (as
    one text, it would read back as a single tag "friend, #mentor")."""
    from vaultkit.notes.frontmatter import yaml_list, yaml_scalar

    if key in _LIST_KEYS:
        return yaml_list(_LIST_KEYS[key](value)), False
    text = yaml_scalar(value)
    return text, text == value and "'" not in value and '"' not in value


def set_properties(
    workspace: Workspace, name: str, values: Mapping[str, str], unset: Sequence[str] = ()
) -> tuple[PersonRef, bool]:
    """Set each `key: value` and remove each key of `unset` in one person's front matter.

    Values are written as YAML text that reads back as written (quoted only when needed);
    `cadence`, the dates and `archived` must be valid. Returns the person and whether
    their note changed.
    """
    from vaultkit.notes.edit import remove_front_matter_key, set_front_matter_value

    for key in [*values, *unset]:
        if not _KEY_RE.fullmatch(key):
            raise UsageError(f"{key!r} is not a property name (letters, digits, _ and -)")
    for key, value in values.items():
        _check_value(key, value, workspace.today)
    ref = workspace.find_person(name)
    if "aliases" in values:
        workspace.refuse_taken_aliases(_aliases(values["aliases"]), "aliases:", own=ref.path)
    if "type" in values or "type" in unset:
        _refuse_unmaking(workspace, ref, values.get("type"))

    def change(text: str) -> str:
        for key, value in values.items():
            written, keep = _yaml_value(key, value)
            text = set_front_matter_value(text, key, written, keep_quotes=keep)
        for key in unset:
            text = remove_front_matter_key(text, key)
        return text

    return ref, workspace.edit_note(ref.path, change)


def _refuse_unmaking(workspace: Workspace, ref: PersonRef, new_type: str | None) -> None:
    """A `type` that would make the note no longer a person's is refused: they would drop out
    of every list and view, silently (edit the note itself to mean it)."""
    from vaultkit.notes.parse import note_kind  # (its regexes: only for a write)

    fields = {} if new_type is None else {"type": new_type}
    if note_kind(ref.path, fields, workspace.config) != PERSON:
        what = f"type={new_type}" if new_type is not None else "removing type"
        raise RefusedWrite(
            f"{what} would make {ref.path} a note that is not a person's; edit the note itself to mean that"
        )


def parse_pairs(pairs: Sequence[str]) -> dict[str, str]:
    """`key=value` arguments as a mapping (the last one of a key wins)."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{pair!r}: give key=value")
        values[key.strip()] = value.strip()
    return values


def snooze_date(workspace: Workspace, until: str) -> dt.date:
    """The date a snooze ends: a date, or a span from today (`2w`, `1m`); after today."""
    try:
        when = parse_date(until)
    except ValueError:
        try:
            span = parse_cadence(until)
        except ValueError:
            raise UsageError(f"{until!r} is neither a date (YYYY-MM-DD) nor a span like 2w or 1m") from None
        if span is None:
            raise UsageError("snooze until when? give a date or a span like 2w") from None
        end = span.end_from(workspace.today)
        if end is None:
            raise UsageError(
                f"{until} from {workspace.today} is past the last date vaultkit can write"
            ) from None
        when = end
    if when <= workspace.today:
        raise UsageError(f"{when} is not after today ({workspace.today}): a snooze ends in the future")
    return when


def advance_last_contacts(workspace: Workspace) -> list[PersonRef]:
    """With `write_last_contact = "derived"`: move each person's `last_contact` property
    forward to a newer contact found elsewhere (a meeting, a daily note, a Log entry), so
    that Obsidian Bases, which read front matter only, agree with `vault due`.

    Only that line changes (or is added); a later date in the note, or a value that is not
    a date, is left alone, and so is a note vaultkit cannot parse. Returns whose notes changed.
    """
    if workspace.config.write_last_contact != "derived":
        return []
    from vaultkit.notes.edit import set_front_matter_value
    from vaultkit.notes.parse import parse_text

    moved: list[PersonRef] = []
    for path, name, newer in workspace.index.newer_contacts(workspace.today):

        def change(text: str, path: str = path, newer: dt.date = newer) -> str:
            note = parse_text(path, text, workspace.config)
            if note.fields.get("last_contact") is not None and (
                note.last_contact is None or note.last_contact >= newer
            ):
                return text
            return set_front_matter_value(text, "last_contact", newer.isoformat())

        try:
            if workspace.edit_note(path, change):
                moved.append(PersonRef(path, name))
        except (RefusedWrite, OSError):
            continue  # a note that cannot be read or written stays as it is; `vault check` names it
    return moved


def open_command(
    workspace: Workspace, name: str, environ: Mapping[str, str] | None = None
) -> tuple[PersonRef, list[str] | str]:
    """How to open a person's note: an `obsidian://` URI when the vault is an Obsidian vault
    (it has `.obsidian/`), else the command line of `$VISUAL` or `$EDITOR` with the note's path."""
    env = os.environ if environ is None else environ
    ref = workspace.find_person(name)
    root = workspace.vault.root
    if (root / ".obsidian").is_dir():
        query = urllib.parse.urlencode({"vault": root.name, "file": ref.path}, quote_via=urllib.parse.quote)
        return ref, f"obsidian://open?{query}"
    editor = env.get("VISUAL") or env.get("EDITOR")
    if not editor:
        raise UsageError(
            f"{root} is not an Obsidian vault (no .obsidian/) and neither $VISUAL nor $EDITOR is set: "
            f"set one, or open {ref.path} yourself"
        )
    return ref, [*shlex.split(editor), str(root / ref.path)]
