"""Notes to rows: the parser pool (worker processes above a few thousand notes) and the
rows it hands back, written table by table; and a person's derived columns (`Summaries`,
`LATEST_SQL`), which the parser processes and the index's updates work out alike."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from vaultkit.config import Config
from vaultkit.dates import Cadence
from vaultkit.due import due_base, period_days, resolve_cadence
from vaultkit.errors import NoteParseError
from vaultkit.index.schema import _SCHEMA, ALIAS, NAME, UNREAD
from vaultkit.model import (
    MAX_NOTE_BYTES,
    PERSON,
    REACH_OUT_HEADING,
    REACHED_OUT,
    ParsedNote,
    Person,
    fold_accents,
    is_reach_out_reminder,
    name_key,
    sort_key,
    tag_key,
    target_key,
    unmarked_words,
)
from vaultkit.vault.files import Vault
from vaultkit.vault.walk import RACY_NS, FileStat, cannot_read, read_note

PARALLEL_THRESHOLD = 2000
CHUNK = 500  # notes a parser process reads at a time


@dataclass
class _Outcome:
    stat: FileStat
    note: ParsedNote | None
    error: NoteParseError | None
    digest: bytes | None = None


def note_digest(data: bytes) -> bytes:
    """A digest of a note's bytes, kept for a note written lately (its mtime within
    `RACY_NS` of its reading). Its stat may not show the next edit, so the next sync looks
    at it again: when its bytes have this digest still, its rows stand, and it is not read
    again (a command that writes a note leaves it so for the next one)."""
    import hashlib  # (3 ms of start-up: only when a note was written lately)

    return hashlib.blake2b(data, digest_size=16).digest()


def read_for_parser(path: str, size: int) -> bytes:
    """A note's bytes as the parser is given them: one byte past its limit at most, enough
    for it to refuse the note as too long (`size`: its stat's, a guess)."""
    return read_note(path, size, MAX_NOTE_BYTES + 1)


def _parse_one(vault_root: str, config: Config, stat: FileStat) -> _Outcome:
    try:
        data = read_for_parser(os.path.join(vault_root, stat.rel_path), stat.size)
    except OSError as err:
        # Kept with no time (UNREAD): every sync tries it again, for its file times do not
        # change when it becomes readable (a chmod, a share that comes back).
        problem = NoteParseError(stat.rel_path, None, cannot_read(err))
        return _Outcome(stat._replace(mtime_ns=UNREAD), None, problem)
    from vaultkit.notes.parse import parse_note  # regexes to compile: not for commands that read nothing

    digest = note_digest(data) if stat.mtime_ns >= time.time_ns() - RACY_NS else None
    try:
        return _Outcome(stat, parse_note(stat.rel_path, data, config), None, digest)
    except NoteParseError as err:
        return _Outcome(stat, None, err, digest)
    except (RecursionError, MemoryError) as err:
        return _Outcome(stat, None, NoteParseError(stat.rel_path, None, f"cannot parse: {err!r}"), digest)


def _parse_chunk(vault_root: str, config: Config, stats: list[FileStat]) -> _Rows:
    rows = _Rows(config)
    for stat in stats:
        rows.add(_parse_one(vault_root, config, stat))
    return rows


def _parse_packed(vault_root: str, config: Config, stats: list[FileStat]) -> _Packed:
    return _parse_chunk(vault_root, config, stats).packed()


def _parse_all(
    vault: Vault, stats: list[FileStat], progress: Callable[[int], None]
) -> Iterator[_Rows | _Packed]:
    """Parse notes into row batches; on several cores, in worker processes (each batch
    streams back as a small SQLite database, see `_Packed`)."""
    root = str(vault.root)
    chunks = [stats[i : i + CHUNK] for i in range(0, len(stats), CHUNK)]
    workers = min(os.cpu_count() or 1, 8)
    if len(stats) < PARALLEL_THRESHOLD or workers < 2:
        for chunk in chunks:
            yield _parse_chunk(root, vault.config, chunk)
            progress(len(chunk))
        return
    from concurrent.futures import ProcessPoolExecutor  # costs 20 ms of start-up: import when used

    with ProcessPoolExecutor(max_workers=workers) as pool:
        for packed in pool.map(_parse_packed, [root] * len(chunks), [vault.config] * len(chunks), chunks):
            yield packed
            progress(len(packed))


def _path_key(rel_path: str) -> str:
    stem = rel_path[:-3] if rel_path.lower().endswith(".md") else rel_path
    return name_key(stem)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@functools.lru_cache(maxsize=65536)  # dates repeat: a few thousand days among 100,000 people
def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class _Rows:
    """Rows of parsed notes waiting to be written, table by table."""

    def __init__(self, config: Config) -> None:
        self.facet_keys = config.stats_fields
        self.summaries = Summaries(config)
        self.paths: list[str] = []
        self.files: list[tuple[Any, ...]] = []
        self.problems: list[tuple[Any, ...]] = []
        self.fts: list[tuple[Any, ...]] = []
        self.links: list[tuple[Any, ...]] = []
        self.tasks: list[tuple[Any, ...]] = []
        self.people: list[tuple[Any, ...]] = []
        self.fields: list[tuple[str, str]] = []
        self.aliases: list[tuple[Any, ...]] = []
        self.name_keys: list[tuple[str, int, str]] = []
        self.introducers: list[tuple[str, str]] = []
        self.person_tags: list[tuple[str, str]] = []
        self.contacts: list[tuple[Any, ...]] = []
        self.log_entries: list[tuple[str, int, str, str | None, str]] = []  # contacts of a Log
        self.affected: set[str] = set()

    def __len__(self) -> int:
        return len(self.paths)

    def add(self, outcome: _Outcome) -> None:
        """Turn one parsed note into rows."""
        self.paths.append(outcome.stat.rel_path)
        stat, note = outcome.stat, outcome.note
        stem = stat.rel_path.rsplit("/", 1)[-1][:-3]
        stem_key = name_key(stem)
        self.affected.add(stem_key)
        if note is None:
            assert outcome.error is not None
            self.files.append(
                (
                    stat.rel_path,
                    stat.mtime_ns,
                    stat.size,
                    "broken",
                    0,
                    stem,
                    stem_key,
                    _path_key(stat.rel_path),
                    outcome.digest,
                )
            )
            self.problems.append(
                (stat.rel_path, outcome.error.line, "error", outcome.error.reason + "; note skipped")
            )
            return
        path = note.path
        self.files.append(
            (
                path,
                stat.mtime_ns,
                stat.size,
                note.kind,
                1,
                note.name,
                stem_key,
                _path_key(path),
                outcome.digest,
            )
        )
        self.problems.extend((p.path, p.line, p.level, p.message) for p in note.problems)
        self.fts.append((path, note.name, _fts_text(note)))
        self.links.extend(
            (path, link.line, link.target, link.stem, int(link.contact), link.written) for link in note.links
        )
        self.tasks.extend(
            (path, t.line, t.text, t.status, _iso(t.due), note.kind, note.name) for t in note.tasks
        )
        if note.kind == PERSON:
            tags, met, written, snooze = (
                _strings(note.tags),
                _iso(note.met),
                _iso(note.last_contact),
                _iso(note.snooze_until),
            )
            # The summary from the note alone: the index's, unless a meeting or daily
            # note gives this person a later contact (`Index.apply` works those out again).
            entries = [(path, e.line, e.date.isoformat(), e.channel, e.text) for e in note.log]
            latest = max((_pack_latest(entry[2], entry[3]) for entry in entries), default=None)
            # (the name's key is the file name's: a note's name is its file name, in NFC)
            self.people.append(
                (
                    path, note.name, stem_key, sort_key(stem_key), _strings(note.aliases),
                    tags, note.cadence, met, written,
                    note.birthday, snooze, int(note.archived), _strings(note.introduced_by),
                    _dumps({key: note.fields[key] for key in self.facet_keys if key in note.fields}),
                    note.status, _dumps(note.fields["found"]) if "found" in note.fields else None,
                    *self.summaries.of(note.cadence, tags, note.status, met, written, snooze, latest),
                )
            )  # fmt: skip
            self.fields.append((path, _dumps(note.fields)))
            # (each alias key once, as first written: a clash's warning quotes it, at its line)
            written_as = {name_key(alias): alias for alias in reversed(note.aliases)}
            alias_keys = set(written_as)
            self.aliases.extend((key, path, alias, note.aliases_line) for key, alias in written_as.items())
            self.name_keys.extend(_name_keys(path, stem_key, alias_keys))
            self.person_tags.extend((key, path) for key in {tag_key(tag) for tag in note.tags})
            self.introducers.extend({(target_key(text), path) for text in note.introduced_by if text.strip()})
            self.affected |= alias_keys
            self.log_entries.extend(entries)
        elif note.date is not None or note.people is not None:
            self._note_contacts(note)

    def _note_contacts(self, note: ParsedNote) -> None:
        """A meeting or daily note: one contact row for each person it names."""
        source = "meeting" if note.kind == "meeting" else "daily"
        when = _iso(note.date)
        named: list[tuple[str, int | None]]
        if note.people is not None:
            named = [(name, None) for name in note.people]
        else:
            named = [(link.target, link.line) for link in note.links if link.contact]
        seen: set[str] = set()
        for target, line in named:
            key = name_key(target)
            if key in seen:
                continue
            seen.add(key)
            text = note.name if source == "meeting" else _line_text(note.body, note, line)
            channel = "meeting" if source == "meeting" else None
            self.contacts.append(
                (note.path, line, when, channel, text, source, key, key.rsplit("/", 1)[-1], None)
            )

    def flush(
        self, db: sqlite3.Connection, touch: bool = True, full_text: bool = False, targets: bool = True
    ) -> set[str]:
        """Write the rows; returns the link targets that need resolving (`targets`: else none,
        as a cold build resolves every target the rows hold). `touch`: note their people as
        touched (for `Index._summarise`); `full_text`: index their text in `notes_fts` too
        (it is current)."""
        # Ids in insertion order: FTS5 builds its index several times faster from rising
        # row ids than from scattered ones.
        first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM files").fetchone()[0]
        self._write(db, first, "note_text")
        if full_text:
            db.execute(INDEX_TEXT_FROM, (first,))
        if touch:
            db.executemany(
                "INSERT OR IGNORE INTO temp.touched VALUES (?)", [(row[0],) for row in self.people]
            )
        db.executemany("INSERT OR IGNORE INTO temp.affected VALUES (?)", [(k,) for k in self.affected])
        if not targets:
            return set()
        return {row[2] for row in self.links} | {row[6] for row in self.contacts}

    def packed(self) -> _Packed:
        """These rows as a `_Packed` batch: written here (in a parser process), not by the main one."""
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("BEGIN")
        for statement in _BATCH_SCHEMA:
            db.execute(statement)
        self._write(db, 1, "fts")
        db.execute("COMMIT")
        data = db.serialize()
        db.close()
        return _Packed(self.paths, data)

    def _write(self, db: sqlite3.Connection, first: int, fts: str) -> None:
        """Insert the rows, the files numbered from `first`, their full text into table `fts`."""
        ids = {row[0]: first + offset for offset, row in enumerate(self.files)}
        db.executemany(
            "INSERT INTO files (id, path, mtime_ns, size, kind, ok, name, stem_key, path_key, digest) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(ids[row[0]], *row) for row in self.files],
        )
        db.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)", self.problems)
        db.executemany(
            f"INSERT INTO {fts} (rowid, path, name, body) VALUES (?, ?, ?, ?)",
            [(ids[row[0]], *row) for row in self.fts],
        )
        db.executemany(
            "INSERT INTO links (src, line, target, stem, contact, written) VALUES (?, ?, ?, ?, ?, ?)",
            self.links,
        )
        db.executemany("INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?)", self.tasks)
        db.executemany(
            "INSERT INTO people (path, name, name_key, sort_key, aliases, tags, cadence, met, last_contact, "
            "birthday, snooze_until, archived, introduced_by, facets, status, found, "
            "last_any, last_channel, cadence_res, cadence_source, due_base, period) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.people,
        )
        db.executemany("INSERT INTO people_fields VALUES (?, ?)", self.fields)
        db.executemany("INSERT INTO aliases VALUES (?, ?, ?, ?)", self.aliases)
        db.executemany("INSERT INTO name_keys VALUES (?, ?, ?)", self.name_keys)
        db.executemany("INSERT INTO introducers VALUES (?, ?)", self.introducers)
        db.executemany("INSERT INTO person_tags VALUES (?, ?)", self.person_tags)
        # A Log entry's contact is its note's person: five values bound, not nine.
        db.executemany(
            "INSERT INTO contacts VALUES (?1, ?2, ?3, ?4, ?5, 'log', NULL, NULL, ?1)", self.log_entries
        )
        db.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self.contacts)


_COPIED = ("problems", "links", "tasks", "people", "people_fields", "aliases", "name_keys", "introducers", "person_tags", "contacts")  # fmt: skip
"""The tables a `_Packed` batch holds as they are in the index (and `files`, and `fts`)."""

_BATCH_SCHEMA = [
    statement
    for statement in _SCHEMA.split(";")
    if any(f"CREATE TABLE {table} (" in statement for table in ("files", *_COPIED))
] + ["CREATE TABLE fts (id INTEGER PRIMARY KEY, path TEXT, name TEXT, body TEXT)"]
"""A batch's tables: the index's own (without their indexes), and the full text as a plain table."""


_BATCH = "batch"  # the schema name a `_Packed` batch is read under
INDEX_TEXT_FROM = (
    "INSERT INTO main.notes_fts (rowid, path, name, body) "
    "SELECT id, path, name, body FROM main.note_text WHERE id >= ? ORDER BY id"
)
"""Index in `notes_fts` the text of the notes from an id on (just written to `note_text`)."""


def _attached(db: sqlite3.Connection) -> bool:
    return any(row[1] == _BATCH for row in db.execute("PRAGMA database_list"))


def detach(db: sqlite3.Connection) -> None:
    """Let go of the last `_Packed` batch's memory (outside a transaction: SQLite holds it till the end)."""
    if _attached(db):
        db.execute(f"DETACH {_BATCH}")


@dataclass
class _Packed:
    """Rows a parser process wrote into an in-memory SQLite database, as its bytes.

    The main process copies them into the index table by table (`INSERT … SELECT`, in C),
    so no Python object is made there for each row, nor pickled on the way.
    """

    paths: list[str]
    data: bytes

    def __len__(self) -> int:
        return len(self.paths)

    def flush(
        self, db: sqlite3.Connection, touch: bool = True, full_text: bool = False, targets: bool = True
    ) -> set[str]:
        """Copy the rows into the index (as `_Rows.flush`)."""
        if not _attached(db):
            db.execute(f"ATTACH ':memory:' AS {_BATCH}")  # (detached after the transaction: `detach`)
        db.deserialize(self.data, name=_BATCH)
        first = db.execute("SELECT coalesce(max(id), 0) FROM main.files").fetchone()[0]
        db.execute(
            "INSERT INTO main.files SELECT id + ?, path, mtime_ns, size, kind, ok, name, stem_key, path_key, "
            "digest FROM batch.files ORDER BY id",
            (first,),
        )
        for table in _COPIED:
            db.execute(f"INSERT INTO main.{table} SELECT * FROM batch.{table}")
        db.execute(
            "INSERT INTO main.note_text (id, path, name, body) "
            "SELECT id + ?, path, name, body FROM batch.fts ORDER BY id",
            (first,),
        )
        if full_text:
            db.execute(INDEX_TEXT_FROM, (first + 1,))
        if touch:
            db.execute("INSERT OR IGNORE INTO temp.touched SELECT path FROM batch.people")
        db.execute(
            "INSERT OR IGNORE INTO temp.affected SELECT stem_key FROM batch.files "
            "UNION SELECT alias_key FROM batch.aliases"
        )
        if not targets:
            return set()
        rows = db.execute(f"SELECT target FROM {_BATCH}.links UNION SELECT target FROM {_BATCH}.contacts")
        return {target for (target,) in rows if target is not None}


def _name_keys(path: str, key_of_name: str, alias_keys: set[str]) -> list[tuple[str, int, str]]:
    """The `name_keys` rows of a person: name and alias keys, and their folded forms where
    folding changes them."""
    keys = [(key_of_name, NAME), *((key, ALIAS) for key in alias_keys)]
    keys += [(folded, kind + 2) for key, kind in keys if (folded := fold_accents(key)) != key]
    return [(key, kind, path) for key, kind in keys]


@functools.lru_cache(maxsize=4096)
def _list_of(text: str) -> list[str]:
    """A stored JSON list; many people share the same tags, so each text is decoded once.

    The lists are shared between people: treat a Person's tags and aliases as read-only.
    """
    value = json.loads(text)
    return value if isinstance(value, list) else []


LATEST_SQL = "MAX(date || ' ' || (CASE WHEN channel IS NULL THEN '0' ELSE '1' || channel END))"
"""A person's latest contact as one value over their `contacts` rows: the date, and the
channel of that day's entry that sorts last (`_pack_latest` is the same in Python)."""


def _pack_latest(date_text: str, channel: str | None) -> str:
    return f"{date_text} {'0' if channel is None else '1' + channel}"


def _unpack_latest(packed: str | None) -> tuple[str | None, str | None]:
    """Undo the `date flag[channel]` packing that lets MAX() pick the date and its channel together."""
    if not packed:
        return None, None
    date_text, flag = packed.split(" ", 1)
    return date_text, (flag[1:] if flag.startswith("1") else None)


Summary = tuple[str | None, str | None, str | None, str | None, str | None, int | None]
"""A person's derived columns: last_any, last_channel, cadence_res, cadence_source, due_base, period."""


class Summaries:
    """Works out a person's `Summary`, each cadence rule once (people share a few)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.cadences: dict[tuple[str | None, str, str | None], tuple[Cadence, str] | None] = {}

    def of(
        self,
        cadence: str | None,
        tags: str,
        status: str | None,
        met: str | None,
        written: str | None,
        snooze: str | None,
        latest: str | None,
    ) -> Summary:
        """From the person's own columns (`tags` as stored, JSON) and their latest contact
        as `LATEST_SQL` packs it; the note's `last_contact` (`written`) counts when later."""
        last, channel = _unpack_latest(latest)
        if written and (last is None or written > last):
            last, channel = written, None
        # A cadence resolves from the person's own cadence, tags and status alone.
        key = (cadence, tags, status)
        if key in self.cadences:
            resolved = self.cadences[key]
        else:
            probe = Person(
                name="", path="", fields={}, aliases=[], tags=json.loads(tags), cadence=cadence,
                met=None, birthday=None, snooze_until=None, archived=False, introduced_by=[],
                last_contact=None, status=status,
            )  # fmt: skip
            resolved = self.cadences[key] = resolve_cadence(probe, self.config)
        if resolved is None:
            return (last, channel, None, None, None, None)
        start = _date(last) or _date(met)
        base = _iso(due_base(start, _date(snooze), resolved[0]))
        return (last, channel, resolved[0].text, resolved[1], base, period_days(resolved[0].text, start))


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # (json.dumps with options makes an encoder a call)
_ENCODE_STRING = json.encoder.encode_basestring  # what that encoder writes a string as (in C)


def _dumps(value: Any) -> str:
    if isinstance(value, dict) and not value:
        return "{}"  # (most people's facets)
    return _ENCODE(value)


def _strings(values: list[str]) -> str:
    """A list of strings as JSON, as `_dumps` writes it, without the encoder's calls for each."""
    return "[" + ", ".join(map(_ENCODE_STRING, values)) + "]"


def _line_text(body: str, note: ParsedNote, line: int | None) -> str:
    """The text of a link's line in a daily note, for the interaction list: a task's text
    without its box, and a ticked reach-out (`vault today`) still saying the reminder vaultkit
    wrote as `reached out` (the reminder quotes the last interaction: quoted again, it would
    nest); one the user rewrote keeps their words."""
    if line is None:
        return note.name
    task = next((task for task in note.tasks if task.line == line), None)
    if task is not None:
        section = next((text for number, text in reversed(note.headings) if number < line), None)
        reach_out = section is not None and name_key(section) == name_key(REACH_OUT_HEADING)
        if reach_out and is_reach_out_reminder(task.text):
            return REACHED_OUT
        return task.text
    from vaultkit.notes.frontmatter import split_lines

    body_lines = split_lines(body)
    offset = line - note.body_line
    if 0 <= offset < len(body_lines):
        return body_lines[offset].strip().lstrip("-*+ ").strip()
    return note.name


def _fts_text(note: ParsedNote) -> str:
    values = " ".join(str(v) for v in note.fields.values() if isinstance(v, str))
    text = f"{values}\n{note.body}"
    if text.isascii() and note.name.isascii():
        return text  # (most notes)
    folded = unmarked_words(f"{note.name} {text}")  # (`soren` finds Søren, as NAME does)
    return f"{text}\n{folded}" if folded else text
