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
import shlex
import sys
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from vaultkit.dates import HAPPENED, check_happened, parse_birthday, parse_bool, parse_cadence, parse_date
from vaultkit.due import snooze_changes_nothing, snooze_moves_no_due_date
from vaultkit.errors import RefusedWrite, UsageError, VaultkitError
from vaultkit.model import PERSON, no_value, written_tag
from vaultkit.vault.files import Vault
from vaultkit.workspace import PROPERTY_NAME_RE, PersonRef, Workspace, unkeyed_layout_refused

# Keys vaultkit types: a value that would not read back is refused before anything is written.
_DATE_KEYS = {"last_contact", "met", "snooze_until"}


def _list_items(key: str, value: str) -> list[str]:
    """The items of a list value: `one, two`, or a YAML flow list as a note writes it
    (`[one, "two, three"]`: a comma inside quotes is part of the item). ValueError for
    another YAML value in brackets (a nested list, a mapping), and for a bracket out of
    place (`[a, b` with its `]` missing, `a, [b]`): no tag or alias holds one."""
    text = value.strip()
    if not text.startswith("[") or not text.endswith("]"):
        if "[" in text or "]" in text:
            raise ValueError(f"{value!r} has a bracket out of place: write it as one, two or [one, two]")
        return value.split(",")
    from vaultkit.notes.frontmatter import YamlSyntaxError, load_yaml

    try:
        items = load_yaml(f"{key}: {text}").get(key)
    except (YamlSyntaxError, ValueError):
        items = None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError(f"{value!r} is not a list of texts: write it as one, two or [one, two]")
    return items


def _aliases(value: str) -> list[str]:
    return [alias for alias in (part.strip() for part in _list_items("aliases", value)) if alias]


def _tags(value: str) -> list[str]:
    return [tag for tag in map(written_tag, _list_items("tags", value)) if tag]


# Keys whose value is a list, written from `key=one, two` or `key=[one, two]`.
_LIST_KEYS = {"tags": _tags, "aliases": _aliases}


def check_value(key: str, value: str, today: dt.date) -> None:
    """A value of a key vaultkit reads as a date, a cadence, a yes/no or a birthday, as
    `vault set` takes it (else UsageError: `key: why`); any other key's value is text."""
    try:
        if key == "cadence":
            parse_cadence(value)
        elif key in _DATE_KEYS:
            when = parse_date(value)
            if key in HAPPENED:  # (as `vault log --date` and `vault add --met` refuse it)
                check_happened(key, when, today)
        elif key in _LIST_KEYS:
            _LIST_KEYS[key](value)
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


@dataclass(frozen=True)
class Edited:
    """What `set_properties` did to one person's note: whether it changed, the keys it set
    or removed, and the keys it left as they were (already so; for an unset, absent)."""

    ref: PersonRef
    changed: bool
    keys: list[str]
    unchanged: list[str]


def set_properties(
    workspace: Workspace, names: str, values: Mapping[str, str], unset: Sequence[str] = ()
) -> list[Edited]:
    """Set each `key: value` and remove each key of `unset` in the front matter of each
    person of `NAME[,NAME...]` (as `vault log` reads it: `Workspace.find_people`).

    Values are written as YAML text that reads back as written (quoted only when needed);
    `cadence`, the dates and `archived` must be valid. Every note is checked before any is
    written, then each is edited on its own (atomically: `Workspace.edit_notes`).
    """
    from vaultkit.notes.edit import remove_front_matter_key, set_front_matter_value
    from vaultkit.notes.parse import parse_text

    for key in [*values, *unset]:
        if not PROPERTY_NAME_RE.fullmatch(key):
            raise UsageError(f"{key!r} is not a property name (letters, digits, _ and -)")
    for key, value in values.items():
        check_value(key, value, workspace.today)
    refs = workspace.find_people(names)
    if "aliases" in values and len(refs) > 1:
        raise UsageError(
            f"aliases: an alias is one person's, and {names!r} names {len(refs)}: set them one by one"
        )
    for ref in refs:
        if "aliases" in values:
            workspace.refuse_taken_aliases(_aliases(values["aliases"]), "aliases:", own=ref.path)
        if "type" in values or "type" in unset:
            _refuse_unmaking(workspace, ref, values.get("type"))
    changed_keys: dict[str, list[str]] = {}

    def change_of(path: str) -> Callable[[str], str]:
        def change(text: str) -> str:
            done = changed_keys[path] = []
            read = text
            for key, value in values.items():
                written, keep = _yaml_value(key, value)
                before, text = text, set_front_matter_value(text, key, written, keep_quotes=keep)
                if text != before:
                    done.append(key)
            for key in unset:
                before, text = text, remove_front_matter_key(text, key)
                if text != before:
                    done.append(key)
                elif key in parse_text(path, read, workspace.config).fields:
                    raise _unedited(path, read, key)
            return text

        return change

    changed = workspace.edit_notes([(ref, change_of(ref.path)) for ref in refs])
    edits = []
    for ref, was_changed in zip(refs, changed, strict=True):
        keys = changed_keys[ref.path] if was_changed else []
        edits.append(Edited(ref, was_changed, keys, [k for k in [*values, *unset] if k not in keys]))
    return edits


def _unedited(path: str, text: str, key: str) -> RefusedWrite:
    """A key the note has that is on no line of its own at the left margin, where vaultkit finds keys."""
    return unkeyed_layout_refused(path, text) or RefusedWrite(
        f"{path}: its `{key}` is not on a line of its own at the left margin, where vaultkit edits keys; "
        "remove it yourself; the note was not changed"
    )


def set_archived(workspace: Workspace, names: str, archived: bool) -> list[tuple[PersonRef, bool]]:
    """Archive each person of `NAME[,NAME...]` (`archived: true`) or bring them back
    (`archived: false`), unless their note already reads that way as the parser reads it
    (`archived: yes` is archived; no `archived`, or one with no value, `model.no_value`, is not): then nothing is
    written. Returns each person and whether their note changed."""
    from vaultkit.notes.edit import set_front_matter_value
    from vaultkit.notes.parse import parse_text

    refs = workspace.find_people(names)

    def change_of(path: str) -> Callable[[str], str]:
        def change(text: str) -> str:
            written = parse_text(path, text, workspace.config).fields.get("archived")
            try:
                now = False if no_value(written) else parse_bool(written)
            except ValueError:  # a value that is neither: written over, as `vault set` would
                now = not archived
            if now == archived:
                return text
            return set_front_matter_value(text, "archived", "true" if archived else "false")

        return change

    changed = workspace.edit_notes([(ref, change_of(ref.path)) for ref in refs])
    return list(zip(refs, changed, strict=True))


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


@dataclass(frozen=True)
class Snoozed:
    """What `snooze` did: whose note, until when, whether the note changed, why the snooze
    changes nothing at all (`due.snooze_changes_nothing`, None when it does something), and
    else why it moves no day they are due (None when it does: `due.snooze_moves_no_due_date`)."""

    ref: PersonRef
    until: dt.date
    changed: bool
    no_effect: str | None
    due_unchanged: str | None = None


def snooze(workspace: Workspace, names: str, until: str) -> list[Snoozed]:
    """Set the `snooze_until` of each person of `NAME[,NAME...]` (`until`: a date or a span
    from today, `snooze_date`), saying so when it changes nothing, or moves no day they are
    due: it is written all the same."""
    when = snooze_date(workspace, until)
    done: list[Snoozed] = []
    for edit in set_properties(workspace, names, {"snooze_until": when.isoformat()}):
        person = workspace.index.person(edit.ref.path, workspace.today)
        no_effect = snooze_changes_nothing(person)
        due_unchanged = None if no_effect else snooze_moves_no_due_date(person, workspace.config, when)
        done.append(Snoozed(edit.ref, when, edit.changed, no_effect, due_unchanged))
    return done


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


class OpenerMissing(VaultkitError):
    """No program to open a note with."""


def obsidian_uri(vault: Vault, rel_path: str) -> str | None:
    """The `obsidian://` link that opens a note in Obsidian, when the vault is an Obsidian
    vault (it has `.obsidian/`); else None."""
    if not (vault.root / ".obsidian").is_dir():
        return None
    query = urllib.parse.urlencode({"vault": vault.root.name, "file": rel_path}, quote_via=urllib.parse.quote)
    return f"obsidian://open?{query}"


def open_note(vault: Vault, rel_path: str) -> str:
    """Open a note with the system's opener (`xdg-open`, `open`), its `obsidian://` link in an
    Obsidian vault, without waiting for it (a desktop app may not return); returns what it opened."""
    import shutil
    import subprocess

    target = obsidian_uri(vault, rel_path) or str(vault.path(rel_path))
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        os.startfile(target)  # type: ignore[attr-defined]
        return target
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    program = shutil.which(opener)
    if program is None:
        raise OpenerMissing(
            f"cannot open {rel_path}: there is no `{opener}` on this system; open it yourself"
        )
    subprocess.Popen(
        [program, target],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return target


def open_command(
    workspace: Workspace, name: str, environ: Mapping[str, str] | None = None
) -> tuple[PersonRef, list[str] | str]:
    """How to open a person's note: its `obsidian://` link when the vault is an Obsidian
    vault (`open_note` opens it), else the command line of `$VISUAL` or `$EDITOR` with the
    note's path."""
    env = os.environ if environ is None else environ
    ref = workspace.find_person(name)
    uri = obsidian_uri(workspace.vault, ref.path)
    if uri is not None:
        return ref, uri
    editor = env.get("VISUAL") or env.get("EDITOR")
    root = workspace.vault.root
    if not editor:
        raise OpenerMissing(
            f"{root} is not an Obsidian vault (no .obsidian/) and neither $VISUAL nor $EDITOR is set: "
            f"set one, or open {ref.path} yourself"
        )
    return ref, [*shlex.split(editor), str(root / ref.path)]
