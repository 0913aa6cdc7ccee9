"""The import plan: what an import would create, merge or leave alone, and `apply_import`.

Planning matches each record against the people already in the vault
(`vaultkit.contacts.matching`) and works out what would change; nothing is written until
`apply_import`. A merge only adds what is missing: the user's values are never
overwritten, differences are listed instead.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.contacts.matching import NAME_THRESHOLD, Match, Matcher
from vaultkit.contacts.readers import READERS, parse_mapping, read_spreadsheet, read_vcard
from vaultkit.contacts.records import (
    CREATE,
    MERGE,
    PHONE_DIGITS,
    SKIP,
    UNCHANGED,
    Contact,
    ImportRow,
    as_texts,
    email_key,
    make_tag,
    name_parts,
    phone_compare_key,
    same_value,
    text_key,
    url_key,
)
from vaultkit.dates import check_happened, parse_date
from vaultkit.due import resolve_cadence
from vaultkit.errors import IncompleteWrite, NoteParseError, RefusedWrite, UsageError, VaultkitError
from vaultkit.model import SOCIAL_KEYS, ParsedNote, Person, is_prospect, name_key, no_value, tag_key
from vaultkit.notes.edit import add_log_entry, set_front_matter_value
from vaultkit.notes.frontmatter import yaml_list
from vaultkit.notes.frontmatter import yaml_scalar as yaml_value
from vaultkit.notes.grammar import inline_text
from vaultkit.notes.parse import parse_text
from vaultkit.prospects import met_text
from vaultkit.quick import check_value
from vaultkit.vault.files import Snapshot
from vaultkit.vault.names import check_person_name, safe_file_stem
from vaultkit.workspace import Workspace

Progress = Callable[[int, int, str], None]
"""`progress(done, total, stage)`: how far an import is, stage by stage."""

CREATE_CHUNK = 256
"""New notes written together: their bytes synced once (`Vault.create_many`)."""

MET_ENTRIES = {"linkedin": ("linkedin", "connected")}
"""The Log entry (channel, text) of a prospect an import finds met, by importer (else
`vault met`'s `first met`): `- 2018-01-10 linkedin: connected`."""


def _yaml(value: str | list[str]) -> str:
    return yaml_list(list(value)) if isinstance(value, list) else yaml_value(value)


_COMPARE_KEYS: dict[str, Callable[[str], str]] = {
    "email": email_key,
    "phone": phone_compare_key,
    "tags": tag_key,
    "aliases": name_key,
}


def _difference(key: str, existing: Any, incoming: str | list[str]) -> str | None:
    """A sentence when the file says something the note does not, else None."""
    if isinstance(incoming, list) or key in _COMPARE_KEYS or key in SOCIAL_KEYS or key == "website":
        compare = _COMPARE_KEYS.get(key, url_key if (key in SOCIAL_KEYS or key == "website") else text_key)
        have = {compare(v) for v in as_texts(existing)}
        extra = [v for v in as_texts(incoming) if compare(v) not in have]
        if not extra:
            return None
        return f"{key}: the note has {_shown(existing)}; the file also has {', '.join(extra)}"
    if isinstance(existing, list | dict) or not same_value(key, str(existing), str(incoming)):
        return f"{key}: the note has {_shown(existing)}; the file has {incoming!r} (kept the note's)"
    return None


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return repr(str(value))


NOTES_HEADING = "Notes"
"""The section of a person's note that a card's NOTE goes into (`person.md.j2` has it)."""


def _with_notes(text: str, notes: Sequence[str], adds: list[str], differences: list[str]) -> str:
    """A merged note's text with the file's notes that it does not hold yet as the first
    items of its Notes section (made at its end when it has none); `adds` or `differences`
    say so."""
    held = text_key(text)
    new = [f"- {line}" for line in map(inline_text, notes) if text_key(line) not in held]
    if not new:
        return text
    try:
        text = add_log_entry(text, new, NOTES_HEADING)
    except ValueError as err:
        differences.append(f"notes: {err}; left out")
        return text
    adds.append("notes")
    return text


@dataclass
class Target:
    """An existing note being added to (maybe by several records)."""

    snapshot: Snapshot
    text: str
    name: str
    note: ParsedNote | None = None  # `text` as read (None: not read yet)


@dataclass
class _NewPerson:
    """A person this import creates."""

    contact: Contact
    name: str
    path: str
    cadence: str | None
    row: ImportRow
    notes: list[str]
    data: bytes = b""  # the note (`_Planner.make_notes`)


@dataclass
class ImportPlan:
    """What an import would do; `apply_import` carries it out."""

    rows: list[ImportRow]
    threshold: int
    creates: list[_NewPerson] = field(default_factory=list)
    targets: dict[str, Target] = field(default_factory=dict)
    photos: dict[str, bytes] = field(default_factory=dict)
    new_notes: dict[str, str] = field(default_factory=dict)  # path -> text (meeting notes)
    columns: dict[str, str] = field(default_factory=dict)  # `vault import csv`: column -> key
    applied: bool = False

    def counts(self) -> dict[str, int]:
        """How many rows of each action."""
        counts = {CREATE: 0, MERGE: 0, UNCHANGED: 0, SKIP: 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """JSON form (`vault import ... --json`)."""
        shown: dict[str, Any] = {
            "applied": self.applied,
            "name_threshold": self.threshold,
            "phone_digits": PHONE_DIGITS,
            "counts": self.counts(),
            "rows": [row.to_json() for row in self.rows],
        }
        if self.columns:
            shown["columns"] = self.columns
        return shown


class _Planner:
    def __init__(
        self,
        workspace: Workspace,
        cadence: str | None,
        tags: Sequence[str],
        photos: bool,
        threshold: int,
        kind: str = "",
    ) -> None:
        self.workspace = workspace
        self.kind = kind
        self.config = workspace.config
        self.cadence = cadence
        self.extra_tags = [t for t in (make_tag(t) for t in tags) if t]
        self.photos = photos
        self.plan = ImportPlan([], threshold)
        self.matcher = vault_matcher(workspace, threshold)
        self.new: dict[str, _NewPerson] = {}
        self.photo_of: dict[str, str] = {}  # a note's path -> its photo's

    def add(self, contact: Contact) -> None:
        if contact.met:  # (as `vault add --met` refuses it; a card's typo must not stop the import)
            try:
                check_happened("met", parse_date(contact.met), self.workspace.today)
            except ValueError as err:
                contact.warnings.append(f"met: {err}; left out")
                contact.met = ""
        for key, value in list(
            contact.extra.items()
        ):  # (`field:archived`: a yes or no, as `vault set` takes it)
            try:
                check_value(key, value, self.workspace.today)
            except UsageError as err:
                contact.warnings.append(f"{err}; left out")
                del contact.extra[key]
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
        taken = self._taken_by(name)
        if taken is not None:  # by someone else: had they been this person, they would match
            name = self._numbered(name)
            notes.append(f"named {name!r}: {self._whose(taken, raw)}")
        path = self._path_of(name)
        there = path if self.workspace.vault.exists(path) else self.workspace.note_in_the_way(path)
        if there:
            self._row(SKIP, contact, reason=self._in_the_way(there))
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

    def _in_the_way(self, there: str) -> str:
        """Why a new person cannot be written where a note already is: it is not a person's,
        or vaultkit cannot read it (then, what to fix: it may be theirs)."""
        stem = there.rsplit("/", 1)[-1].removesuffix(".md")
        for path, line, reason in self.workspace.index.unreadable_notes(name_key(stem)):
            if path == there:
                where = f"{path}:{line}" if line else path
                return f"{where} cannot be read ({reason.removesuffix('; note skipped')}): fix it, then import again"
        return f"{there} exists and is not a person note"

    def _path_of(self, name: str) -> str:
        folder = self.config.people_dir
        return f"{folder}/{name}.md" if folder else f"{name}.md"

    def _taken_by(self, label: str, besides: str = "") -> str | None:
        """Who else has this name or alias: someone in the vault by either (`vault add`
        refuses both), or a person this import creates by name (their alias gives way)."""
        key = name_key(label)
        for other in sorted(self.matcher.owners(label) - {besides}):
            if other not in self.new or name_key(self.new[other].name) == key:
                return other
        return None

    def _numbered(self, name: str) -> str:
        """`name (2)`, or the next number that nobody has and no file is in the way of."""
        number = 2
        while True:
            numbered = f"{name} ({number})"
            path = self._path_of(numbered)
            if self._taken_by(numbered) is None and not (
                self.workspace.vault.exists(path) or self.workspace.note_in_the_way(path)
            ):
                return numbered
            number += 1

    def _left_out(self, alias: str, owner: str) -> str:
        """The row's word on an alias left out for it is `owner`'s name or alias."""
        return (
            f"aliases: {alias!r} is already {self.matcher.names.get(owner, owner)}'s name or alias; left out"
        )

    def _whose(self, path: str, label: str) -> str:
        """Whose name or alias `label` is, who has other emails (else they would have matched)."""
        name = self.matcher.names.get(path, path)
        if name_key(name) == name_key(label):
            return f"{path} is another {name}, with other emails"
        return f"{label!r} is the alias of {name} ({path}), who has other emails"

    def settle_aliases(self) -> None:
        """Leave out a new person's alias that is already somebody's name or alias: someone
        in the vault, a person this import creates, or an alias an earlier record of it kept
        (`vault add` would refuse it, and a link to it would leave its person). Done once
        every record is in, for a later record may add aliases (`_merge_new`)."""
        kept_by: dict[str, str] = {}  # an alias's key -> the new person who kept it
        for person in self.plan.creates:
            kept: list[str] = []
            for alias in person.contact.aliases:
                owner = self._owner(person, alias, kept_by)
                if owner is None:
                    kept.append(alias)
                    kept_by[name_key(alias)] = person.path
                else:
                    person.row.differences.append(self._left_out(alias, owner))
            if kept != person.contact.aliases:
                person.contact.aliases = kept
                self._decide_cadence(person)  # (which also lists what the note adds)

    def _owner(self, person: _NewPerson, alias: str, kept_by: dict[str, str]) -> str | None:
        """Who else has this alias as a name or alias, if anyone."""
        other = self._taken_by(alias, besides=person.path)
        if other is not None:
            return other
        earlier = kept_by.get(name_key(alias))
        return earlier if earlier is not None and earlier != person.path else None

    def _decide_cadence(self, person: _NewPerson) -> None:
        """No cadence unless asked; `none` when a tag or the default would make them due."""
        contact, notes = person.contact, list(person.notes)
        person.cadence = contact.cadence or self.cadence  # (the file's own first)
        if person.cadence is None:
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
        elif person.cadence:
            notes.append(f"cadence {person.cadence}")
        person.row.reason = "; ".join(["new person", *notes])
        person.row.adds = (
            [*contact.fields()] + ["cadence"] * bool(person.cadence) + ["notes"] * bool(contact.notes)
        )

    def _merge_new(self, contact: Contact, found: Match) -> None:
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

    def _merge_existing(self, contact: Contact, found: Match) -> None:
        target = self.plan.targets.get(found.path) or read_target(
            self.workspace, found.path, self.matcher.names[found.path]
        )
        if isinstance(target, str):
            self._row(SKIP, contact, path=found.path, matched_by=found.how, reason=f"{target}; not merged")
            return
        try:
            note = target.note or parse_text(found.path, target.text, self.config)
        except NoteParseError as err:
            self._row(SKIP, contact, path=found.path, matched_by=found.how, reason=f"{err}; not merged")
            return
        target.note = note
        new_text, adds, differences = target.text, list[str](), list[str]()
        incoming = contact.fields()
        cadence = contact.cadence or self.cadence  # (the file's own first)
        if cadence:
            incoming["cadence"] = cadence
        if "family_name" in incoming or "given_name" in incoming:
            have = {k: " ".join(as_texts(note.fields.get(k))[:1]) for k in ("family_name", "given_name")}
            if name_parts(note.name, have["family_name"], have["given_name"]) == (
                contact.family_name,
                contact.given_name,
            ):  # the note already says it (or the guess does): nothing to add
                incoming.pop("family_name", None)
                incoming.pop("given_name", None)
        for alias in list(incoming.get("aliases", [])):  # (a link to a shared one leads to neither)
            owner = self._taken_by(alias, besides=found.path)
            if owner is not None:
                incoming["aliases"] = [a for a in incoming["aliases"] if a != alias] or []
                differences.append(self._left_out(alias, owner))
        if incoming.get("aliases") == []:
            del incoming["aliases"]
        if name_key(contact.name) not in {name_key(n) for n in (note.name, *note.aliases)}:
            differences.append(f"name: the note is {note.name!r}; the file calls them {contact.name!r}")
        reason = f"matched {target.name}: {found.reason}"
        for key, value in incoming.items():
            existing = note.fields.get(key)
            if key == "met" and no_value(existing) and is_prospect(note.status):
                new_text, said = self._met(found.path, new_text, str(value), note.status, adds, differences)
                reason += said
            elif no_value(existing):
                new_text = set_front_matter_value(new_text, key, _yaml(value))
                adds.append(key)
            else:  # (`tags: friend, work` as the parser splits it, as Obsidian does)
                read = {"tags": note.tags, "aliases": note.aliases}.get(key, existing)
                difference = _difference(key, read, value)
                if difference:
                    differences.append(difference)
        new_text = _with_notes(new_text, contact.notes, adds, differences)
        if adds:
            try:  # (a record too big for a note is left out, not the whole import at --apply)
                target.note = self.workspace.read_back(found.path, new_text)
            except RefusedWrite as err:
                reason = f"{err}{_largest(contact)}"
                self._row(SKIP, contact, path=found.path, matched_by=found.how, reason=reason)
                return
        row = self._row(MERGE if adds else UNCHANGED, contact, path=found.path, matched_by=found.how,
                        reason=reason)  # fmt: skip
        row.adds, row.differences = adds, [*row.differences, *differences]
        if adds:
            target.text = new_text
            self.plan.targets[found.path] = target
        self._plan_photo(contact, found.path, row)

    def _met(
        self, path: str, text: str, met: str, status: str | None, adds: list[str], differences: list[str]
    ) -> tuple[str, str]:
        """A prospect the file says was met (a LinkedIn connection): their note as `vault met`
        leaves it (`prospects.met_text`: `introduced_by` from `via` among the row's adds),
        and what the row's reason says of it; or, when it
        cannot be, their note as it was, and why in `differences`."""
        when = dt.date.fromisoformat(met)  # (not after today: a later one is left out before)
        channel, entry = MET_ENTRIES.get(self.kind, (None, None))
        try:
            text, introduced_by = met_text(self.workspace, path, text, when, channel, entry)
        except VaultkitError as err:
            differences.append(f"met: {err}; left out, so they are still a prospect")
            return text, ""
        adds.append("met")
        if introduced_by:
            adds.append("introduced_by")
        return text, f"; was a prospect (status: {status}): met, as `vault met` records it"

    def make_notes(self, progress: Progress | None) -> None:
        """Make each new person's note as `vault add` does (`Workspace.add_person`), to be
        written at `--apply`; a record that cannot be a note (a value too big for its front
        matter) is skipped with the reason, and the rest go on."""
        renderer = self.workspace.renderer()
        made: list[_NewPerson] = []
        for done, person in enumerate(self.plan.creates, 1):
            contact, into = person.contact, list[tuple[str, bytes]]()
            values = {k: v for k, v in contact.fields().items() if k not in ("aliases", "tags", "met")}
            try:
                self.workspace.add_person(
                    person.name,
                    cadence=person.cadence,
                    tags=contact.tags,
                    met=dt.date.fromisoformat(contact.met) if contact.met else None,
                    aliases=contact.aliases,
                    values=values,
                    notes=contact.notes,
                    renderer=renderer,
                    into=into,  # (the plan made their names and aliases unique: indexed at --apply)
                )
            except VaultkitError as err:
                self._not_created(person, f"{err}{_largest(contact)}")
            else:
                person.data = into[0][1]
                made.append(person)
            if progress is not None and (done % CREATE_CHUNK == 0 or done == len(self.plan.creates)):
                progress(done, len(self.plan.creates), "Making notes")
        self.plan.creates = made

    def _not_created(self, person: _NewPerson, reason: str) -> None:
        """A new person's note cannot be made: their record, and the records of the same
        person merged into it, are skipped."""
        del self.new[person.path]
        self.plan.photos.pop(self.photo_of.pop(person.path, ""), None)
        for row in self.plan.rows:
            if row.path == person.path:
                row.action, row.adds = SKIP, []
                row.reason = (
                    reason if row is person.row else f"the same person as {person.contact.where}: {reason}"
                )

    def _plan_photo(self, contact: Contact, note_path: str, row: ImportRow) -> None:
        if not self.photos or contact.photo is None:
            return
        data, extension = contact.photo
        photo_path = f"{note_path[:-3]}.{extension}"
        if photo_path in self.plan.photos or self.workspace.vault.exists(photo_path):
            return
        self.plan.photos[photo_path] = data
        self.photo_of[note_path] = photo_path
        row.adds.append("photo")
        if row.action == UNCHANGED:
            row.action = MERGE


def _largest(contact: Contact) -> str:
    """`; the file's role is 70,000 characters`: the value that most likely made a note too
    big, when one is long ('' otherwise)."""
    values = [(key, " ".join(as_texts(value))) for key, value in contact.fields().items()]
    values.append(("notes", "\n".join(contact.notes)))
    key, text = max(values, key=lambda kv: len(kv[1]))
    return f"; the file's {key} is {len(text):,} characters" if len(text) >= LONG_VALUE else ""


LONG_VALUE = 1024
"""A value this long is named when a record's note cannot be written (`_largest`)."""


def vault_matcher(workspace: Workspace, threshold: int) -> Matcher:
    """A Matcher holding everyone in the vault: names, aliases, emails and phones."""
    matcher = Matcher(threshold)
    for person in workspace.people(with_fields=True):
        matcher.add(
            person.path,
            person.name,
            person.aliases,
            as_texts(person.fields.get("email")),
            as_texts(person.fields.get("phone")),
        )
    return matcher


def read_target(workspace: Workspace, path: str, name: str) -> Target | str:
    """A note read to be added to, or why it cannot be (as every command that writes reads
    a note: `Workspace.read_for_edit`)."""
    try:
        snapshot, text = workspace.read_for_edit(path)
    except RefusedWrite as err:
        return str(err)
    return Target(snapshot, text, name)


def plan_import(
    workspace: Workspace,
    contacts: Sequence[Contact],
    skipped: Iterable[ImportRow] = (),
    cadence: str | None = None,
    tags: Sequence[str] = (),
    photos: bool = False,
    threshold: int = NAME_THRESHOLD,
    sources: Sequence[str] = (),
    progress: Progress | None = None,
    kind: str = "",
) -> ImportPlan:
    """Match every record and work out what would change; writes nothing.

    Rows come in the order of `sources` (file names), then by line. `progress` is told of
    the records matched. `kind` is the importer's (`linkedin`: a prospect's met entry says so).
    """
    planner = _Planner(workspace, cadence, tags, photos, threshold, kind)
    for done, contact in enumerate(contacts, 1):
        planner.add(contact)
        if progress is not None and (done % CREATE_CHUNK == 0 or done == len(contacts)):
            progress(done, len(contacts), "Matching contacts")
    planner.settle_aliases()
    planner.make_notes(progress)
    plan = planner.plan
    plan.rows.extend(skipped)
    order = {source: index for index, source in enumerate(sources)}
    plan.rows.sort(key=lambda r: (order.get(r.source, len(order)), r.source, r.line or 0))
    return plan


def apply_import(workspace: Workspace, plan: ImportPlan, progress: Progress | None = None) -> None:
    """Write what the plan says: merged notes first (each checked against what was read), then new notes.

    The plan read every note back before (`Workspace.read_back`): a record that would make
    an unreadable note is a skipped row. A failure part-way (a full disk, a note saved
    meanwhile) says which files were written before it; the index knows them, and the same
    import run again finishes.
    """
    total = len(plan.targets) + len(plan.creates) + len(plan.photos) + len(plan.new_notes)
    written: list[str] = []

    def tell(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, "Writing notes")

    try:
        for path, target in plan.targets.items():
            workspace.vault.write(path, target.text.encode("utf-8"), target.snapshot)
            written.append(path)
            tell(len(written), total)
        for start in range(0, len(plan.creates), CREATE_CHUNK):
            chunk = plan.creates[start : start + CREATE_CHUNK]
            workspace.vault.create_many([(person.path, person.data) for person in chunk], written)
            tell(len(written), total)
        for photo_path, data in plan.photos.items():
            workspace.vault.write(photo_path, data, None)
            written.append(photo_path)
            tell(len(written), total)
        for note_path, text in plan.new_notes.items():
            workspace.vault.write(note_path, text.encode("utf-8"), None)
            written.append(note_path)
            tell(len(written), total)
    except VaultkitError as err:
        if not written:
            raise
        raise IncompleteWrite(
            err, written, total, "Run the same import again to finish it: what is written is kept."
        ) from None
    finally:  # once for every note: one index update a note cost 1 ms and more as the index grew
        workspace.index_written([path for path in written if path not in plan.photos])
    plan.applied = True


def run_import(
    workspace: Workspace,
    kind: str,
    files: Sequence[Path],
    apply: bool = False,
    cadence: str | None = None,
    tags: Sequence[str] = (),
    photos: bool = False,
    columns: Sequence[str] = (),
    progress: Progress | None = None,
) -> ImportPlan:
    """Read the files, plan the import, and write it when `apply` is set.

    `columns` are `vault import csv`'s `--map COLUMN=KEY` options; `progress(done, total,
    stage)` is told of the lines of a vCard file read, the records matched, then the files written.
    """
    if cadence is not None:
        from vaultkit.dates import parse_cadence

        try:
            parse_cadence(cadence)
        except ValueError as err:
            raise UsageError(f"--cadence: {err}") from None
    contacts: list[Contact] = []
    skipped: list[ImportRow] = []
    mapping: dict[str, str] = {}
    overrides = parse_mapping(columns) if kind == "csv" else {}
    for path in files:
        if kind == "csv":
            found, bad, used = read_spreadsheet(Path(path), overrides)
            mapping.update(used)
        elif kind == "vcard":
            found, bad = read_vcard(Path(path), progress)  # (a phone's whole address book: seconds)
        else:
            found, bad = READERS[kind](Path(path))
        contacts.extend(found)
        skipped.extend(bad)
    sources = [Path(path).name for path in files]
    plan = plan_import(
        workspace,
        contacts,
        skipped,
        cadence=cadence,
        tags=tags,
        photos=photos,
        sources=sources,
        progress=progress,
        kind=kind,
    )
    plan.columns = mapping
    if apply:
        apply_import(workspace, plan, progress)
    return plan
