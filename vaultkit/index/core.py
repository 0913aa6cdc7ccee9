"""The SQLite cache of the vault: schema, incremental sync, link resolution, queries, FTS.

The vault is the truth; this file can be deleted at any time and is rebuilt from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import platform
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from vaultkit.config import Config
from vaultkit.dates import shift
from vaultkit.due import due_base, resolve_cadence
from vaultkit.errors import IndexFileError, NoteParseError, VaultkitError
from vaultkit.index import file as index_file
from vaultkit.index.file import Found
from vaultkit.model import (
    PERSON,
    FollowUp,
    Interaction,
    ParsedNote,
    Person,
    Problem,
    name_key,
)
from vaultkit.vault.files import RACY_NS, STAT_BYTES, FileStat, Listing, Scan, Vault, cannot_read

SCHEMA_VERSION = 18
PARALLEL_THRESHOLD = 2000
_WALK_CHUNK = STAT_BYTES * 512  # the stats of 512 notes
UNREAD = -1  # the mtime_ns in `files` of a note that could not be read: no stat matches it

_SECONDARY_INDEXES = (
    "files_stem", "files_mtime", "people_name", "people_due", "people_birthday", "aliases_key", "aliases_person", "links_src", "links_target",
    "links_stem", "links_person", "contacts_src", "contacts_target", "contacts_stem",
    "contacts_person", "tasks_src", "tasks_open", "problems_path", "clashes_key",
)  # fmt: skip
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (
  id INTEGER PRIMARY KEY,  -- also the rowid of the note's full-text row
  path TEXT UNIQUE, mtime_ns INTEGER, size INTEGER, kind TEXT, ok INTEGER,
  name TEXT, stem_key TEXT, path_key TEXT);
CREATE INDEX files_stem ON files(stem_key);
CREATE INDEX files_mtime ON files(mtime_ns);
CREATE TABLE people (
  path TEXT PRIMARY KEY, name TEXT, name_key TEXT, aliases TEXT, tags TEXT,
  cadence TEXT, met TEXT, last_contact TEXT, birthday TEXT, snooze_until TEXT,
  archived INTEGER, introduced_by TEXT,
  -- derived, kept current by _summarise: the latest contact of any date, the resolved
  -- cadence, and the due date that follows (before "today" filters anything out)
  last_any TEXT, last_channel TEXT, cadence_res TEXT, cadence_source TEXT, due_base TEXT);
CREATE INDEX people_name ON people(name_key);
-- every front-matter value as written, apart: `people` rows stay small, so the queries of
-- `vault due` read few pages
CREATE TABLE people_fields (path TEXT PRIMARY KEY, fields TEXT);
-- `vault due` and the birthday list read only the people these hold, not everyone
CREATE INDEX people_due ON people(due_base, archived, last_any, snooze_until) WHERE cadence_res IS NOT NULL;
CREATE INDEX people_birthday ON people(substr(birthday, -5), name_key, path, name, birthday, archived)
  WHERE birthday IS NOT NULL;
CREATE TABLE aliases (alias_key TEXT, person TEXT);
CREATE INDEX aliases_key ON aliases(alias_key);
CREATE INDEX aliases_person ON aliases(person);
CREATE TABLE links (src TEXT, line INTEGER, target TEXT, stem TEXT, contact INTEGER, person TEXT,
  written TEXT);
CREATE INDEX links_src ON links(src);
CREATE INDEX links_target ON links(target);
CREATE INDEX links_stem ON links(stem);
CREATE INDEX links_person ON links(person);
CREATE TABLE contacts (
  src TEXT, line INTEGER, date TEXT, channel TEXT, text TEXT, source TEXT,
  target TEXT, stem TEXT, person TEXT);
CREATE INDEX contacts_src ON contacts(src);
CREATE INDEX contacts_target ON contacts(target);
CREATE INDEX contacts_stem ON contacts(stem);
CREATE INDEX contacts_person ON contacts(person, date);
-- with their note's kind and name: the overdue follow-ups of person notes need no join
CREATE TABLE tasks (src TEXT, line INTEGER, text TEXT, status TEXT, due TEXT, kind TEXT, name TEXT);
CREATE INDEX tasks_src ON tasks(src);
CREATE INDEX tasks_open ON tasks(kind, due, src, line, text, name) WHERE status IN (' ', '/');
CREATE TABLE problems (path TEXT, line INTEGER, level TEXT, message TEXT);
CREATE INDEX problems_path ON problems(path);
-- two people with one name, shared aliases: kept per name or alias key, redone for the keys
-- a sync touches (working them out over everyone costs 0.5 s at 100,000 people)
CREATE TABLE clashes (key TEXT, path TEXT, message TEXT);
CREATE INDEX clashes_key ON clashes(key);
-- the last walk (see Index._store_walk): each folder's listing, note names joined by "/"
-- (names that are not UTF-8, as shown, a JSON list), and every note's stat, 512 notes a
-- row, so that one edit rewrites one row
CREATE TABLE walk_folders (position INTEGER PRIMARY KEY, prefix TEXT, mtime_ns INTEGER,
  ctime_ns INTEGER, inode INTEGER, names TEXT, folders TEXT, bad_names TEXT);
CREATE TABLE walk_stats (chunk INTEGER PRIMARY KEY, stats BLOB);
CREATE VIRTUAL TABLE notes_fts USING fts5(
  path UNINDEXED, name, body, tokenize = 'unicode61 remove_diacritics 2');
"""


def default_index_path(root: Path) -> Path:
    """The index for a vault in the user's cache folder, keyed by the vault's real path."""
    import hashlib  # OpenSSL: 3 ms, for the default path only

    from platformdirs import user_cache_dir

    # fsencode: the path's own bytes, which need not be UTF-8 (the same bytes when they are).
    digest = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:16]
    return Path(user_cache_dir("vaultkit")) / digest / "index.sqlite"


def _is_default(vault: Vault, path: Path) -> bool:
    """Whether `path` is the vault's index in vaultkit's own cache folder."""
    return os.path.realpath(path) == os.path.realpath(default_index_path(vault.root))


def _quiet(line: str) -> None:
    """Where an index's notices go when nobody listens."""


@dataclass
class SyncReport:
    """What one sync did."""

    total: int = 0
    read: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    problems: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    changed_paths: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "notes": self.total,
            "read": self.read,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "problems": self.problems,
            "seconds": round(self.seconds, 3),
            "rebuilt": self.rebuilt,
        }


@dataclass
class _Outcome:
    stat: FileStat
    note: ParsedNote | None
    error: NoteParseError | None


class _Walk(NamedTuple):
    """A sync's walk, with the generation of the index and the stored walk it started from."""

    generation: int
    previous: _WalkSnapshot | None
    scan: Scan


@dataclass
class _WalkSnapshot:
    """The walk the index last stored (see `Index._store_walk`)."""

    generation: int  # the index's generation it describes; -1: it describes none
    version: int  # how many times the walk tables were written
    listings: list[Listing]
    stats: bytes

    def same_notes(self, scan: Scan) -> bool:
        """Whether `scan` found the same notes in the same order."""
        if scan.odd or len(scan.listings) != len(self.listings):
            return False
        return all(
            new is old or (new.prefix == old.prefix and new.names == old.names)
            for new, old in zip(scan.listings, self.listings, strict=True)
        )

    def same_listings(self, scan: Scan) -> bool:
        """Whether `scan` listed no folder again: it reused every listing of this one."""
        return len(scan.listings) == len(self.listings) and all(
            new is old for new, old in zip(scan.listings, self.listings, strict=True)
        )

    def changed(self, scan: Scan) -> list[int]:
        """The positions of the notes whose stat differs (same notes assumed)."""
        new, old = memoryview(scan.stats.tobytes()), memoryview(self.stats)
        if new == old:
            return []
        found: list[int] = []
        step = _WALK_CHUNK
        for start in range(0, len(new), step):
            if new[start : start + step] != old[start : start + step]:
                end = min(start + step, len(new))
                size = STAT_BYTES
                found.extend(
                    n // size for n in range(start, end, size) if new[n : n + size] != old[n : n + size]
                )
        return found


def _parse_one(vault_root: str, config: Config, stat: FileStat) -> _Outcome:
    try:
        with open(os.path.join(vault_root, stat.rel_path), "rb") as handle:
            data = handle.read()
    except OSError as err:
        # Kept with no time (UNREAD): every sync tries it again, for its file times do not
        # change when it becomes readable (a chmod, a share that comes back).
        problem = NoteParseError(stat.rel_path, None, cannot_read(err))
        return _Outcome(stat._replace(mtime_ns=UNREAD), None, problem)
    from vaultkit.notes.parse import parse_note  # regexes to compile: not for commands that read nothing

    try:
        return _Outcome(stat, parse_note(stat.rel_path, data, config), None)
    except NoteParseError as err:
        return _Outcome(stat, None, err)
    except (RecursionError, MemoryError) as err:
        return _Outcome(stat, None, NoteParseError(stat.rel_path, None, f"cannot parse: {err!r}"))


def _parse_chunk(vault_root: str, config: Config, stats: list[FileStat]) -> _Rows:
    rows = _Rows()
    for stat in stats:
        rows.add(_parse_one(vault_root, config, stat))
    return rows


def _parse_all(vault: Vault, stats: list[FileStat], progress: Callable[[int], None]) -> Iterator[_Rows]:
    """Parse notes into row batches; on several cores, in worker processes (rows stream back)."""
    root = str(vault.root)
    size = 500
    chunks = [stats[i : i + size] for i in range(0, len(stats), size)]
    workers = min(os.cpu_count() or 1, 8)
    if len(stats) < PARALLEL_THRESHOLD or workers < 2:
        for chunk in chunks:
            yield _parse_chunk(root, vault.config, chunk)
            progress(len(chunk))
        return
    from concurrent.futures import ProcessPoolExecutor  # costs 20 ms of start-up: import when used

    with ProcessPoolExecutor(max_workers=workers) as pool:
        for rows in pool.map(_parse_chunk, [root] * len(chunks), [vault.config] * len(chunks), chunks):
            yield rows
            progress(len(rows))


def _path_key(rel_path: str) -> str:
    stem = rel_path[:-3] if rel_path.lower().endswith(".md") else rel_path
    return name_key(stem)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def resolve_target(
    target: str, notes: dict[str, list[tuple[str, str, str]]], aliases: dict[str, set[str]]
) -> str | None:
    """The person a link target means, or None.

    Obsidian's rules: a path link matches notes whose path ends with it; a name link
    matches notes with that name; several matches resolve to the shortest path, then
    the first alphabetically. A link that matches no note but exactly one person's alias
    counts for that person. `notes` maps a stem to (path, kind, path_key) of its notes.
    """
    stem = target.rsplit("/", 1)[-1]
    rows = notes.get(stem, [])
    if "/" in target:
        rows = [r for r in rows if r[2] == target or r[2].endswith("/" + target)]
    if rows:
        path, kind, _ = min(rows, key=lambda r: (r[0].count("/"), r[0]))
        return path if kind == PERSON else None
    if "/" in target:
        return None
    people = aliases.get(target, set())
    return next(iter(people)) if len(people) == 1 else None


class _Rows:
    """Rows of parsed notes waiting to be written, table by table."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.files: list[tuple[Any, ...]] = []
        self.problems: list[tuple[Any, ...]] = []
        self.fts: list[tuple[Any, ...]] = []
        self.links: list[tuple[Any, ...]] = []
        self.tasks: list[tuple[Any, ...]] = []
        self.people: list[tuple[Any, ...]] = []
        self.fields: list[tuple[str, str]] = []
        self.aliases: list[tuple[Any, ...]] = []
        self.contacts: list[tuple[Any, ...]] = []
        self.affected: set[str] = set()
        self.targets: set[str] = set()

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
                )
            )
            self.problems.append(
                (stat.rel_path, outcome.error.line, "error", outcome.error.reason + "; note skipped")
            )
            return
        path = note.path
        self.files.append(
            (path, stat.mtime_ns, stat.size, note.kind, 1, note.name, stem_key, _path_key(path))
        )
        self.problems.extend((p.path, p.line, p.level, p.message) for p in note.problems)
        self.fts.append((path, note.name, _fts_text(note)))
        self.links.extend(
            (path, link.line, link.target, link.stem, int(link.contact), link.written) for link in note.links
        )
        self.targets.update(link.target for link in note.links)
        self.tasks.extend(
            (path, t.line, t.text, t.status, _iso(t.due), note.kind, note.name) for t in note.tasks
        )
        if note.kind == PERSON:
            self.people.append(
                (
                    path, note.name, name_key(note.name), _dumps(note.aliases),
                    _dumps(note.tags), note.cadence, _iso(note.met), _iso(note.last_contact),
                    note.birthday, _iso(note.snooze_until), int(note.archived), _dumps(note.introduced_by),
                )
            )  # fmt: skip
            self.fields.append((path, _dumps(note.fields)))
            alias_keys = {name_key(alias) for alias in note.aliases}
            self.aliases.extend((key, path) for key in alias_keys)
            self.affected |= alias_keys
            self.contacts.extend(
                (path, e.line, e.date.isoformat(), e.channel, e.text, "log", None, None, path)
                for e in note.log
            )
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
            self.targets.add(key)

    def flush(self, db: sqlite3.Connection) -> set[str]:
        """Write the rows; returns the link targets that need resolving."""
        # Ids in insertion order: FTS5 builds its index several times faster from rising
        # row ids than from scattered ones.
        first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM files").fetchone()[0]
        ids = {row[0]: first + offset for offset, row in enumerate(self.files)}
        db.executemany(
            "INSERT INTO files (id, path, mtime_ns, size, kind, ok, name, stem_key, path_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(ids[row[0]], *row) for row in self.files],
        )
        db.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)", self.problems)
        db.executemany(
            "INSERT INTO notes_fts (rowid, path, name, body) VALUES (?, ?, ?, ?)",
            [(ids[row[0]], *row) for row in self.fts],
        )
        db.executemany(
            "INSERT INTO links (src, line, target, stem, contact, written) VALUES (?, ?, ?, ?, ?, ?)",
            self.links,
        )
        db.executemany("INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?)", self.tasks)
        db.executemany(
            "INSERT INTO people (path, name, name_key, aliases, tags, cadence, met, last_contact, "
            "birthday, snooze_until, archived, introduced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.people,
        )
        db.executemany("INSERT INTO people_fields VALUES (?, ?)", self.fields)
        db.executemany("INSERT OR IGNORE INTO temp.touched VALUES (?)", [(row[0],) for row in self.people])
        db.executemany("INSERT INTO aliases VALUES (?, ?)", self.aliases)
        db.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self.contacts)
        db.executemany("INSERT OR IGNORE INTO temp.affected VALUES (?)", [(k,) for k in self.affected])
        return self.targets


@functools.lru_cache(maxsize=4096)
def _list_of(text: str) -> list[str]:
    """A stored JSON list; many people share the same tags, so each text is decoded once.

    The lists are shared between people: treat a Person's tags and aliases as read-only.
    """
    value = json.loads(text)
    return value if isinstance(value, list) else []


def _unpack_latest(packed: str | None) -> tuple[str | None, str | None]:
    """Undo the `date flag[channel]` packing that lets MAX() pick the date and its channel together."""
    if not packed:
        return None, None
    date_text, flag = packed.split(" ", 1)
    return date_text, (flag[1:] if flag.startswith("1") else None)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Index:
    """The cache of one vault. Use `Index.open(vault, path)` and call `sync()` first."""

    def __init__(
        self, vault: Vault, db: sqlite3.Connection, path: Path, notify: Callable[[str], None] | None = None
    ) -> None:
        self.vault = vault
        self.db = db
        self.path = path
        self._notify = notify or _quiet

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(
        cls, vault: Vault, path: Path | None = None, notify: Callable[[str], None] | None = None
    ) -> Index:
        """Open the index database for `vault`, creating or rebuilding it when it is vaultkit's.

        A file vaultkit cannot prove is its own is refused (IndexFileError) and left alone. A
        damaged index is set aside, never deleted, and a new one made: `notify` gets one line
        saying so. A folder, a read-only file system or a full disk is one IndexFileError.
        """
        db_path = path if path is not None else default_index_path(vault.root)
        notify = notify or _quiet
        found = index_file.inspect(db_path)
        try:
            db = cls._open_found(vault, db_path, found, path is None, notify)
        except sqlite3.Error as err:
            problem = index_file.failure(db_path, err)
            if problem is None:
                raise
            raise problem from err
        except OSError as err:
            raise index_file.unusable(db_path, err) from err
        return cls(vault, db, db_path, notify)

    @classmethod
    def _open_found(
        cls, vault: Vault, path: Path, found: Found, default: bool, notify: Callable[[str], None]
    ) -> sqlite3.Connection:
        config = vault.config
        if found is Found.MISSING or found is Found.EMPTY:
            return cls._create(path, config)
        try:
            if found is Found.UNMARKED and index_file.is_old_index(path):
                return cls._recreate(path, config)  # vaultkit's, from before the mark: made again with it
            if found is Found.OURS:
                db = cls._connect(path)
                try:
                    current = cls._current(db, config)
                except sqlite3.DatabaseError as err:
                    if not index_file.damaged(err):
                        db.close()
                        raise
                    return cls._replace_damaged(path, config, notify, str(err), db)
                if current:
                    return db
                db.close()
                return cls._recreate(path, config)
        except sqlite3.DatabaseError as err:
            if not index_file.damaged(err):
                raise
            if found is not Found.OURS and not (default or _is_default(vault, path)):
                raise index_file.not_ours(path, Found.OTHER) from err
            return cls._replace_damaged(path, config, notify, str(err))
        # Not provably vaultkit's. In vaultkit's own cache folder nobody else puts files: one
        # there whose header was destroyed is set aside; anywhere else it is left alone.
        if not (default or _is_default(vault, path)):
            raise index_file.not_ours(path, found)
        reason = "file is not a database" if found is Found.OTHER else found.value
        return cls._replace_damaged(path, config, notify, reason)

    @classmethod
    def _replace_damaged(
        cls,
        path: Path,
        config: Config,
        notify: Callable[[str], None],
        reason: str,
        db: sqlite3.Connection | None = None,
    ) -> sqlite3.Connection:
        """Set a damaged index aside (see `index_file.set_aside`), say so, and make a new one."""
        aside = cls._set_aside(path, db)
        notify(f"the index {path} is damaged ({reason}); set it aside as {aside.name} and made a new one")
        return cls._create(path, config)

    @staticmethod
    def _set_aside(path: Path, db: sqlite3.Connection | None) -> Path:
        try:
            return index_file.set_aside(path)
        finally:
            if db is not None:
                # After the rename: the last connection to close tidies the log away by name.
                db.close()

    @staticmethod
    def _connect(db_path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _current(db: sqlite3.Connection, config: Config) -> bool:
        try:
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError as err:
            if err.sqlite_errorname != "SQLITE_ERROR":  # locked, a failing disk: not "outdated"
                raise
            return False
        return bool(
            rows.get("schema_version") == str(SCHEMA_VERSION) and rows.get("config") == config.fingerprint()
        )

    @classmethod
    def _recreate(cls, db_path: Path, config: Config) -> sqlite3.Connection:
        """Delete an index known to be vaultkit's and make a new one."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{db_path}{suffix}")
        return cls._create(db_path, config)

    @staticmethod
    def _create(db_path: Path, config: Config) -> sqlite3.Connection:
        """Make a new index: vaultkit's mark, the schema and the meta rows in one transaction,
        written to the main file before the switch to WAL, so it is marked from its first page."""
        db_path.parent.mkdir(parents=True, exist_ok=True)
        index_file.check_write(db_path)
        db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("BEGIN IMMEDIATE")
            # Another vaultkit may have made it while this one waited for the lock.
            if db.execute("PRAGMA application_id").fetchone()[0] != index_file.APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {index_file.APPLICATION_ID}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [("schema_version", str(SCHEMA_VERSION)), ("config", config.fingerprint())],
                )
            db.execute("COMMIT")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            db.close()
            raise
        return db

    # -- when the index fails ------------------------------------------------------------
    def _recover(self, err: sqlite3.Error) -> None:
        """After `err` in a sync: a damaged index is set aside and a new, empty one takes its
        place (say so); a failing file system raises its one line; anything else, `err`."""
        if not index_file.damaged(err):
            problem = index_file.failure(self.path, err)
            if problem is None:
                raise err
            raise problem from err
        self.db = self._replace_damaged(self.path, self.vault.config, self._notify, str(err), self.db)

    def explain(self, err: BaseException, then: str = "run the command again") -> VaultkitError | None:
        """The one line for an error that came out of an index query, or None (a bug).

        A damaged index is set aside first and a new, empty one made, which the next sync
        fills (`then` tells the user what happens next). A failing file system is named
        with its cause."""
        if not isinstance(err, sqlite3.Error):
            return None
        if not index_file.damaged(err):
            return index_file.failure(self.path, err)
        try:
            aside = self._set_aside(self.path, self.db)
            self.db = self._create(self.path, self.vault.config)
        except VaultkitError as problem:
            return problem
        except sqlite3.Error as problem:
            return index_file.failure(self.path, problem)
        except OSError as problem:
            return index_file.unusable(self.path, problem)
        return IndexFileError(
            f"the index {self.path} is damaged ({err}); set it aside as {aside.name} and made a new one: {then}"
        )

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- syncing -----------------------------------------------------------------------
    def sync(
        self,
        progress: Callable[[int, int], None] | None = None,
        rebuild: bool = False,
        relist: bool = False,
    ) -> SyncReport:
        """Bring the index up to date with the vault: stat walk, re-read what changed.

        The walk lists only the folders whose mtime changed since the last one; `relist`
        lists every folder (for a file system that does not keep folder mtimes). A damaged
        index is set aside and the vault read into a new one (see `_recover`)."""
        try:
            return self._sync(progress, rebuild, relist)
        except sqlite3.Error as err:
            self._recover(err)
        try:
            report = self._sync(progress, False, relist)
        except sqlite3.Error as err:
            problem = index_file.failure(self.path, err)
            if problem is None:
                raise
            raise problem from err
        report.rebuilt = True
        return report

    def _sync(self, progress: Callable[[int, int], None] | None, rebuild: bool, relist: bool) -> SyncReport:
        started = time.perf_counter()
        if not rebuild and self.watcher_is_current():
            # A live `vault watch` keeps this index current: no need to walk the vault.
            return self._trusted_report(started)
        report = SyncReport(rebuilt=rebuild)
        if rebuild:
            self.db.close()
            self.db = self._recreate(self.path, self.vault.config)
        scan_ns = time.time_ns()
        last_scan = int(self._meta("last_scan_ns") or 0)
        generation, previous = self._walk_snapshot()
        scan = self.vault.scan(previous.listings if previous and not relist else ())
        report.total = len(scan.stats) // 3
        left_out = json.dumps(scan.left_out())
        if left_out != (self._meta("left_out") or "[]"):
            self._set_meta("left_out", left_out)
        removed: list[str] = []
        if previous is not None and previous.generation == generation and previous.same_notes(scan):
            # The notes of the last walk, and nothing written since: the index holds exactly
            # the stats that walk saw, so comparing the two arrays finds every change.
            fresh, paths = False, None
            to_read = []
            positions = previous.changed(scan)
            if positions:
                paths = scan.paths
                to_read = [scan.file_at(n, paths) for n in positions]
            new_or_changed = {stat.rel_path for stat in to_read}
            report.changed = len(to_read)
        else:
            # Sets of (path, mtime_ns, size): unchanged notes cost one hash each, in C.
            known = set(self.db.execute("SELECT path, mtime_ns, size FROM files"))
            fresh = not known
            current = scan.files()
            paths = [stat.rel_path for stat in current]
            to_read = [stat for stat in current if stat not in known]
            new_or_changed = {stat.rel_path for stat in to_read}
            # Which of those are new: ask the index about just them, not a set of every path.
            old = {
                row[0]
                for row in self.db.execute(
                    "SELECT path FROM files WHERE path IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(new_or_changed)),),
                )
            }
            report.added = len(new_or_changed) - len(old)
            report.changed = len(old)
            # Every note the index knows is still here, unless the walk found fewer known ones.
            if len(known) != len(current) - report.added:
                seen = set(paths)
                removed = [path for path, _, _ in known if path not in seen]
        # Changed within the file system's time resolution of the last scan: the stat may
        # not show a second edit, so read them again; and so the notes that could not be read.
        racy = {
            row[0]
            for row in self.db.execute(
                "SELECT path FROM files WHERE mtime_ns >= ? OR mtime_ns = ?", (last_scan - RACY_NS, UNREAD)
            )
        } - new_or_changed
        if racy:
            paths = paths if paths is not None else scan.paths
            where = {path: n for n, path in enumerate(paths)} if len(racy) > 8 else None
            for path in racy:
                if where is not None:
                    n = where.get(path, -1)
                else:
                    try:
                        n = paths.index(path)
                    except ValueError:
                        n = -1  # gone: the walk's comparison has it as removed
                if n >= 0:
                    to_read.append(scan.file_at(n, paths))
        report.removed = len(removed)
        report.read = len(to_read)
        done = [0]

        def tick(count: int) -> None:
            done[0] += count
            if progress:
                progress(done[0], len(to_read))

        walk = _Walk(generation, previous, scan)
        if to_read or removed or last_scan == 0 or self._meta("cadence_config") != self._cadence_config():
            self.apply(_parse_all(self.vault, to_read, tick), removed, scan_ns, fresh=fresh, walk=walk)
        elif (
            previous is None
            or previous.generation != generation
            or not previous.same_listings(scan)
            or scan.stats.tobytes() != previous.stats
        ):
            self._store_walk(walk)
        report.changed_paths = sorted([*new_or_changed, *removed])
        report.problems = self.db.execute("SELECT count(*) FROM problems").fetchone()[0]
        report.seconds = time.perf_counter() - started
        return report

    # -- the last walk, kept so that the next one can tell what changed cheaply ---------------
    def _generation(self) -> int:
        """How many times notes were written into the index (`apply`)."""
        return int(self._meta("generation") or 0)

    def _walk_state(self) -> tuple[int, int]:
        state = (self._meta("walk") or "-1 0").split()
        return int(state[0]), int(state[1])

    def _walk_snapshot(self) -> tuple[int, _WalkSnapshot | None]:
        """The index's generation, and the walk it stored, read together."""
        db = self.db
        db.execute("BEGIN")
        try:
            generation = self._generation()
            described, version = self._walk_state()
            listings = [
                Listing(
                    prefix,
                    mtime_ns,
                    ctime_ns,
                    inode,
                    names.split("/") if names else [],
                    folders.split("/") if folders else [],
                    tuple(json.loads(bad_names)) if bad_names else (),
                )
                for prefix, mtime_ns, ctime_ns, inode, names, folders, bad_names in db.execute(
                    "SELECT prefix, mtime_ns, ctime_ns, inode, names, folders, bad_names FROM walk_folders "
                    "ORDER BY position"
                )
            ]
            stats = b"".join(row[0] for row in db.execute("SELECT stats FROM walk_stats ORDER BY chunk"))
        finally:
            if db.in_transaction:  # (SQLite may have ended it after an error)
                db.execute("COMMIT")
        if version == 0:
            return generation, None
        return generation, _WalkSnapshot(described, version, listings, stats)

    def _store_walk(self, walk: _Walk, inside: bool = False) -> None:
        """Keep this walk for the next sync, marked as describing the index's generation if
        the index holds exactly what it saw: nothing was written since its sync began, and
        no note needed a closer look (`odd`). Only the rows that differ are written.

        `inside` an `apply`, which bumps the generation after this in the same transaction.
        """
        db = self.db
        if not inside:
            db.execute("BEGIN IMMEDIATE")
        try:
            version = self._walk_state()[1]
            scan, previous = walk.scan, walk.previous
            if scan.odd or self._generation() != walk.generation:
                self._set_meta("walk", f"-1 {version}")
            else:
                # What the tables hold now, unless another process wrote them since this sync
                # read them: then they are written whole.
                stored = previous if previous is not None and previous.version == version else None
                if stored is None or not stored.same_listings(scan):
                    db.execute("DELETE FROM walk_folders")
                    db.executemany(
                        "INSERT INTO walk_folders VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            (
                                n,
                                each.prefix,
                                each.mtime_ns,
                                each.ctime_ns,
                                each.inode,
                                "/".join(each.names),
                                "/".join(each.folders),
                                json.dumps(each.bad_names) if each.bad_names else "",
                            )
                            for n, each in enumerate(scan.listings)
                        ],
                    )
                new, old = scan.stats.tobytes(), (stored.stats if stored is not None else b"")
                chunks = range(0, len(new), _WALK_CHUNK)
                db.executemany(
                    "INSERT OR REPLACE INTO walk_stats VALUES (?, ?)",
                    [
                        (at // _WALK_CHUNK, new[at : at + _WALK_CHUNK])
                        for at in chunks
                        if new[at : at + _WALK_CHUNK] != old[at : at + _WALK_CHUNK]
                    ],
                )
                db.execute("DELETE FROM walk_stats WHERE chunk >= ?", (len(chunks),))
                self._set_meta("walk", f"{walk.generation + inside} {version + 1}")
            if not inside:
                db.execute("COMMIT")
        except BaseException:
            if not inside and db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def refresh(self, rel_paths: Iterable[str]) -> SyncReport | None:
        """Re-read just these notes (a watcher's events), or None when only a walk can tell.

        A path with no file under that name is a deleted note; one the walk would skip
        (a template, an excluded folder) is dropped from the index. A damaged index is set
        aside for a new, empty one: None, for only a walk can fill it.
        """
        try:
            return self._refresh(rel_paths)
        except sqlite3.Error as err:
            self._recover(err)
        return None

    def _refresh(self, rel_paths: Iterable[str]) -> SyncReport | None:
        started = time.perf_counter()
        wanted = sorted(set(rel_paths))
        if any(not rel.lower().endswith(".md") for rel in wanted):
            return None  # a folder moved or deleted: its notes have no events of their own
        indexed = {
            unicodedata.normalize("NFC", path): path
            for (path,) in self.db.execute(
                "SELECT path FROM files WHERE path IN (SELECT value FROM json_each(?))", (json.dumps(wanted),)
            )
        }
        rows, removed, root = _Rows(), [], str(self.vault.root)
        for rel in wanted:
            path = indexed.get(unicodedata.normalize("NFC", rel), rel)
            known = path in indexed.values()
            try:
                st = os.stat(os.path.join(root, path))
            except OSError:
                if known:
                    removed.append(path)
                elif not rel.isascii():
                    return None  # it may be on disk under another Unicode spelling
                continue
            if self.vault.includes(path) and os.path.isfile(os.path.join(root, path)):
                rows.add(_parse_one(root, self.vault.config, FileStat(path, st.st_mtime_ns, st.st_size)))
            elif known:
                removed.append(path)
        self.apply([rows], removed, None)
        added = sum(path not in indexed.values() for path in rows.paths)
        report = SyncReport(
            read=len(rows),
            added=added,
            changed=len(rows) - added,
            removed=len(removed),
            total=self.note_count(),
        )
        report.changed_paths = sorted([*rows.paths, *removed])
        report.seconds = time.perf_counter() - started
        return report

    def update_paths(self, rel_paths: Iterable[str]) -> None:
        """Re-read these notes now (after vaultkit wrote them), whatever their stat says."""
        if self.refresh(rel_paths) is None:
            self.sync()

    def apply(
        self,
        batches: Iterable[_Rows],
        removed: Sequence[str],
        scan_ns: int | None,
        fresh: bool = False,
        walk: _Walk | None = None,
    ) -> None:
        """Replace the rows of these notes in one transaction, then re-resolve links.

        `batches` may be a generator fed by parser processes: rows are written as they
        arrive. `fresh` says the index is empty: nothing to forget, and the secondary
        indexes are built once at the end, which is faster than keeping them up to date.
        """
        db = self.db
        index_file.check_write(self.path)
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS affected (stem TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.affected")
            db.execute("CREATE TEMP TABLE IF NOT EXISTS touched (person TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.touched")
            if fresh:
                for name in _SECONDARY_INDEXES:
                    db.execute(f"DROP INDEX IF EXISTS {name}")
            self._forget(removed)
            targets: set[str] = set()
            for batch in batches:
                if not fresh:
                    self._forget(batch.paths)
                targets |= batch.flush(db)
            if fresh:
                for statement in _SCHEMA.split(";"):
                    if "CREATE INDEX" in statement:
                        db.execute(statement)
            targets.update(
                row[0]
                for row in db.execute(
                    "SELECT DISTINCT target FROM links WHERE stem IN (SELECT stem FROM temp.affected) "
                    "UNION SELECT DISTINCT target FROM contacts "
                    "WHERE target IS NOT NULL AND stem IN (SELECT stem FROM temp.affected)"
                )
            )
            self._resolve_all(targets)
            self._summarise(everyone=fresh or self._meta("cadence_config") != self._cadence_config())
            self._update_clashes()
            if scan_ns is not None:
                self._set_meta("last_scan_ns", str(scan_ns))
            if walk is not None:
                self._store_walk(walk, inside=True)
            else:  # the notes just written may differ from the stored walk
                self._set_meta("walk", f"-1 {self._walk_state()[1]}")
            self._set_meta("generation", str(self._generation() + 1))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite ends it on its own after some errors (a full disk)
                db.execute("ROLLBACK")
            raise

    def _forget(self, paths: Sequence[str]) -> None:
        db = self.db
        for path in paths:
            row = db.execute("SELECT stem_key, id FROM files WHERE path = ?", (path,)).fetchone()
            if row is None:
                continue
            db.execute("INSERT OR IGNORE INTO temp.affected VALUES (?)", (row[0],))
            db.execute(
                "INSERT OR IGNORE INTO temp.affected SELECT alias_key FROM aliases WHERE person = ?",
                (path,),
            )
            db.execute(
                "INSERT OR IGNORE INTO temp.touched SELECT DISTINCT person FROM contacts "
                "WHERE src = ? AND person IS NOT NULL",
                (path,),
            )
            for table, column in (
                ("files", "path"), ("people", "path"), ("people_fields", "path"), ("aliases", "person"), ("links", "src"),
                ("contacts", "src"), ("tasks", "src"), ("problems", "path"),
            ):  # fmt: skip
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (path,))
            # The full-text table has no index on path: delete by its rowid, the file's id.
            db.execute("DELETE FROM notes_fts WHERE rowid = ?", (row[1],))

    def _resolve_all(self, targets: set[str]) -> None:
        """Resolve link targets to people in bulk and store the answer on every row."""
        if not targets:
            return
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS need (target TEXT PRIMARY KEY, stem TEXT)")
        db.execute("DELETE FROM temp.need")
        db.executemany(
            "INSERT OR IGNORE INTO temp.need VALUES (?, ?)",
            [(target, target.rsplit("/", 1)[-1]) for target in targets],
        )
        notes: dict[str, list[tuple[str, str, str]]] = {}
        for path, kind, path_key, stem_key in db.execute(
            "SELECT path, kind, path_key, stem_key FROM files WHERE stem_key IN (SELECT stem FROM temp.need)"
        ):
            notes.setdefault(stem_key, []).append((path, kind, path_key))
        aliases: dict[str, set[str]] = {}
        for alias_key, person in db.execute(
            "SELECT alias_key, person FROM aliases WHERE alias_key IN (SELECT target FROM temp.need)"
        ):
            aliases.setdefault(alias_key, set()).add(person)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS answer (target TEXT PRIMARY KEY, person TEXT)")
        db.execute("DELETE FROM temp.answer")
        db.executemany(
            "INSERT INTO temp.answer VALUES (?, ?)",
            [(target, resolve_target(target, notes, aliases)) for target in targets],
        )
        touched = (
            "INSERT OR IGNORE INTO temp.touched SELECT DISTINCT person FROM contacts "
            "WHERE person IS NOT NULL AND target IN (SELECT target FROM temp.answer)"
        )
        db.execute(touched)
        for table in ("links", "contacts"):
            db.execute(
                f"UPDATE {table} SET person = (SELECT person FROM temp.answer a WHERE a.target = {table}.target) "
                "WHERE target IN (SELECT target FROM temp.answer)"
            )
        db.execute(touched)

    def _cadence_config(self) -> str:
        config = self.vault.config
        return repr((config.cadence_by_tag, config.default_cadence))

    def _summarise(self, everyone: bool) -> None:
        """Recompute the derived columns of the touched people (or of everyone)."""
        db = self.db
        where = "" if everyone else "WHERE p.path IN (SELECT person FROM temp.touched)"
        rows = db.execute(
            "SELECT p.path, p.cadence, p.tags, p.met, p.last_contact, p.snooze_until, "
            "(SELECT MAX(date || ' ' || (CASE WHEN channel IS NULL THEN '0' ELSE '1' || channel END)) "
            f"FROM contacts c WHERE c.person = p.path AND c.date IS NOT NULL) FROM people p {where}"
        ).fetchall()
        updates = []
        for path, cadence, tags, met, written, snooze, packed in rows:
            last, channel = _unpack_latest(packed)
            if written and (last is None or written > last):
                last, channel = written, None
            probe = Person(
                name="", path=path, fields={}, aliases=[], tags=json.loads(tags), cadence=cadence,
                met=_date(met), birthday=None, snooze_until=_date(snooze), archived=False,
                introduced_by=[], last_contact=_date(last),
            )  # fmt: skip
            resolved = resolve_cadence(probe, self.vault.config)
            base: str | None = None
            if resolved is not None:
                base = _iso(due_base(probe, resolved[0]))
            updates.append(
                (
                    last,
                    channel,
                    resolved[0].text if resolved else None,
                    resolved[1] if resolved else None,
                    base,
                    path,
                )
            )
        db.executemany(
            "UPDATE people SET last_any = ?, last_channel = ?, cadence_res = ?, cadence_source = ?, "
            "due_base = ? WHERE path = ?",
            updates,
        )
        self._set_meta("cadence_config", self._cadence_config())

        # -- queries -----------------------------------------------------------------------

    def people(
        self, today: dt.date, with_fields: bool = False, field_keys: Sequence[str] | None = None
    ) -> list[Person]:
        """Every person with their derived last contact as of `today`, by name.

        `field_keys` keeps only those front-matter keys (a figure over 100,000 people needs
        a few keys, not every note's whole front matter in memory at once).
        """
        return self._people_where("", (), today, with_fields, field_keys)

    def birthday_candidates(self, today: dt.date, days: int) -> list[tuple[str, str, str]]:
        """(name, path, birthday) of the people not archived whose birthday (month and day)
        falls in the `days` after today, by name: a superset (Feb 29 is always included) that
        `views.upcoming_birthdays_of` then decides. Birthdays are stored normalised
        (`YYYY-MM-DD` or `--MM-DD`)."""
        month_days = {shift(today, n).strftime("%m-%d") for n in range(days + 1)}
        month_days.add("02-29")
        marks = ", ".join("?" * len(month_days))
        # Everything from the index (it holds these columns): no row of the table is read.
        rows = self.db.execute(
            "SELECT name, path, birthday FROM people "
            f"WHERE birthday IS NOT NULL AND substr(birthday, -5) IN ({marks}) AND archived = 0 "
            "ORDER BY name_key, path",
            tuple(sorted(month_days)),
        )
        return rows.fetchall()

    def birthdays_after(self, today: dt.date) -> list[tuple[str, str]]:
        """(path, birthday) of the people born after `today`, by path: a date that makes no
        sense, shown without its year."""
        # Stored normalised: `--MM-DD` (no year) sorts before every date.
        rows = self.db.execute(
            "SELECT path, birthday FROM people WHERE birthday > ? ORDER BY path", (today.isoformat(),)
        )
        return rows.fetchall()

    def unreadable_notes(self, key: str, prefix: bool = False) -> list[tuple[str, int | None, str]]:
        """(path, line, reason) of skipped notes whose name is `key` (or starts with it)."""
        if prefix:
            # The range keeps the scan on the stem index; substr makes the prefix exact.
            where = "f.stem_key BETWEEN ? AND ? AND substr(f.stem_key, 1, ?) = ?"
            args: list[object] = [key, key + "\U0010ffff", len(key), key]
        else:
            where, args = "f.stem_key = ?", [key]
        rows = self.db.execute(
            "SELECT f.path, p.line, p.message FROM files f LEFT JOIN problems p ON p.path = f.path "
            f"WHERE f.ok = 0 AND {where}",
            args,
        )
        return [
            (path, line, (message or "unknown problem").removesuffix("; note skipped"))
            for path, line, message in rows
        ]

    def shared_names(self) -> set[str]:
        """The name keys that more than one person has."""
        return {
            r[0] for r in self.db.execute("SELECT name_key FROM people GROUP BY name_key HAVING count(*) > 1")
        }

    def due_candidates(self, today: dt.date, horizon: dt.date) -> list[Person]:
        """People who may be due by `horizon`: a superset that `due.due_items` then decides.

        The stored date is `due.due_base`, which counts every contact and knows no today;
        the rule that needs today can only make someone due earlier than it says (a contact
        after today does not count; a snooze on someone never met), so those people, and
        everyone without a stored date, are always candidates.
        """
        return self._people_where(
            # The planner would rather walk everyone in name order; the partial index holds
            # only the people with a cadence, and a few thousand sort quickly.
            "INDEXED BY people_due WHERE archived = 0 AND cadence_res IS NOT NULL AND (due_base IS NULL OR due_base <= ? "
            "OR last_any > ? OR snooze_until IS NOT NULL)",
            (horizon.isoformat(), today.isoformat()),
            today,
            with_fields=False,
        )

    def _people_where(
        self,
        where: str,
        params: tuple[Any, ...],
        today: dt.date,
        with_fields: bool,
        field_keys: Sequence[str] | None = None,
    ) -> list[Person]:
        columns = (
            "path, name, aliases, tags, cadence, met, last_contact, birthday, snooze_until, archived, "
            "introduced_by, last_any, last_channel"
        )
        if with_fields:
            columns += ", (SELECT fields FROM people_fields f WHERE f.path = people.path)"
        result: list[Person] = []
        keys = set(field_keys) if field_keys is not None else None
        for row in self.db.execute(f"SELECT {columns} FROM people {where} ORDER BY name_key, path", params):
            fields: dict[str, Any] = json.loads(row[13]) if with_fields else {}
            if keys is not None:
                fields = {key: value for key, value in fields.items() if key in keys}
            person = Person(
                name=row[1], path=row[0], fields=fields,
                aliases=_list_of(row[2]), tags=_list_of(row[3]), cadence=row[4],
                met=_date(row[5]), birthday=row[7], snooze_until=_date(row[8]),
                archived=bool(row[9]), introduced_by=_list_of(row[10]),
            )  # fmt: skip
            if row[11] is not None and row[11] <= today.isoformat():
                person.last_contact, person.last_channel = _date(row[11]), row[12]
            elif row[11] is not None:
                person.last_contact, person.last_channel = self._latest_until(row[0], row[6], today)
            result.append(person)
        return result

    def _latest_until(
        self, path: str, written: str | None, today: dt.date
    ) -> tuple[dt.date | None, str | None]:
        """A person's last contact on or before `today` (for people with later-dated contacts)."""
        row = self.db.execute(
            "SELECT MAX(date || ' ' || (CASE WHEN channel IS NULL THEN '0' ELSE '1' || channel END)) "
            "FROM contacts WHERE person = ? AND date IS NOT NULL AND date <= ?",
            (path, today.isoformat()),
        ).fetchone()
        last, channel = _unpack_latest(row[0])
        if written and written <= today.isoformat() and (last is None or written > last):
            last, channel = written, None
        return _date(last), channel

    def person(self, path: str, today: dt.date) -> Person:
        """One person (by note path) with fields and last contact."""
        found = self._people_where("WHERE path = ?", (path,), today, with_fields=True)
        if not found:
            raise KeyError(path)
        return found[0]

    def names(self) -> list[tuple[str, str, list[str]]]:
        """(path, name, aliases) of every person, for NAME matching."""
        return [
            (row[0], row[1], json.loads(row[2]))
            for row in self.db.execute("SELECT path, name, aliases FROM people ORDER BY name_key, path")
        ]

    def interactions(self, path: str, today: dt.date | None = None) -> list[Interaction]:
        """A person's interactions from every source, newest first."""
        rows = self.db.execute(
            "SELECT date, source, src, line, channel, text FROM contacts "
            "WHERE person = ? AND date IS NOT NULL ORDER BY date DESC, source, src, line",
            (path,),
        )
        items = [Interaction(dt.date.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5] or "") for r in rows]
        if today is not None:
            items = [i for i in items if i.date <= today]
        return items

    def followups(self, path: str | None = None, due_before: dt.date | None = None) -> list[FollowUp]:
        """Open tasks in person notes and in meeting notes naming a person (that person's,
        with `path`; only those dated before `due_before`, with it)."""
        # Both halves read the partial index of open tasks by their note's kind (and date).
        own = "t.kind = 'person' AND t.status IN (' ', '/')"
        met = "t.kind = 'meeting' AND t.status IN (' ', '/')"
        params: list[str] = []
        if due_before is not None:
            own += " AND t.due < ?"
            met += " AND t.due < ?"
            params.append(due_before.isoformat())
        if path is not None:
            own += " AND t.src = ?"
            met += " AND p.path = ?"
            params.append(path)
        query = (
            f"SELECT t.src, t.name, t.text, t.due, t.src, t.line FROM tasks t WHERE {own} "
            "UNION SELECT DISTINCT p.path, p.name, t.text, t.due, t.src, t.line FROM tasks t "
            # From the few tasks to their meeting's people, not from every contact to its task.
            "CROSS JOIN contacts c ON c.src = t.src AND c.source = 'meeting' "
            f"JOIN people p ON p.path = c.person WHERE {met}"
        )
        items = [
            FollowUp(r[1], r[2], _date(r[3]), r[4], r[5], person_path=r[0])
            for r in self.db.execute(query, params * 2)
        ]
        items.sort(key=lambda f: (f.due or dt.date.max, f.person.casefold(), f.path, f.line))
        return items

    def links_out(self, path: str) -> list[str]:
        """Names of the people a note links to (resolved), sorted."""
        rows = self.db.execute(
            "SELECT DISTINCT p.name FROM links l JOIN people p ON p.path = l.person "
            "WHERE l.src = ? AND l.person != ? ORDER BY p.name_key",
            (path, path),
        )
        return [r[0] for r in rows]

    def links_in(self, path: str) -> list[str]:
        """Vault-relative paths of the notes that link to this person."""
        rows = self.db.execute(
            "SELECT DISTINCT src FROM links WHERE person = ? AND src != ? ORDER BY src",
            (path, path),
        )
        return [r[0] for r in rows]

    def search(self, words: Sequence[str], limit: int = 50) -> list[tuple[str, str, str]]:
        """Full-text search: (path, name, snippet) of people, meeting and daily notes holding every word."""
        terms = [w for word in words for w in word.split() if w.strip()]
        if not terms:
            return []
        query = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        rows = self.db.execute(
            "SELECT path, name, snippet(notes_fts, 2, '[', ']', '…', 12) FROM notes_fts "
            "WHERE notes_fts MATCH ? AND path IN (SELECT path FROM files WHERE kind IN ('person', 'meeting', 'daily')) "
            "ORDER BY rank LIMIT ?",
            (query, limit),
        )
        return [(r[0], r[1], " ".join(r[2].split())) for r in rows]

    def problems(self) -> list[Problem]:
        """Problems found while reading notes, name and alias clashes, and what the last
        walk left out (`left_out`)."""
        rows = self.db.execute(
            "SELECT * FROM (SELECT path, line, level, message FROM problems "
            "UNION ALL SELECT path, NULL, 'warning', message FROM clashes "
            "UNION ALL SELECT json_extract(value, '$[0]'), NULL, 'error', json_extract(value, '$[1]') "
            "FROM json_each(coalesce((SELECT value FROM meta WHERE key = 'left_out'), '[]'))) "
            "ORDER BY path, coalesce(line, 0), level, message"
        )
        return list(map(Problem._make, rows))

    def left_out(self) -> list[Problem]:
        """What the last walk could not take in: folders it could not read (their paths end
        in `/`) and names that are not UTF-8. One small read: cheap enough for every command."""
        found = json.loads(self._meta("left_out") or "[]")
        return [Problem(path, None, "error", why) for path, why in found]

    def _update_clashes(self) -> None:
        """Redo the name and alias clashes of the name and alias keys this sync touched."""
        db = self.db
        touched = "(SELECT stem FROM temp.affected)"
        db.execute(f"DELETE FROM clashes WHERE key IN {touched}")
        rows: list[tuple[str, str, str]] = []
        for key, paths in db.execute(
            "SELECT name_key, group_concat(path, char(10)) FROM people "
            f"WHERE name_key IN {touched} GROUP BY name_key HAVING count(*) > 1"
        ):
            listed = sorted(paths.split("\n"))
            for path in listed:
                others = ", ".join(p for p in listed if p != path)
                rows.append((key, path, f"another person has the same name: {others}"))
        for alias_key, persons in db.execute(
            # Paths may hold commas (`Smith, John.md`): join them with a newline.
            "SELECT alias_key, group_concat(person, char(10)) FROM "
            f"(SELECT DISTINCT alias_key, person FROM aliases WHERE alias_key IN {touched}) GROUP BY alias_key"
        ):
            owners = sorted(set(persons.split("\n")))
            if len(owners) > 1:
                for path in owners:
                    others = ", ".join(o for o in owners if o != path)
                    rows.append((alias_key, path, f"alias {alias_key!r} is shared with {others}"))
            named = db.execute(
                "SELECT path FROM people WHERE name_key = ? ORDER BY path DESC LIMIT 1", (alias_key,)
            ).fetchone()
            if named is not None and named[0] not in owners:
                rows.extend(
                    (alias_key, path, f"alias {alias_key!r} is the name of {named[0]}") for path in owners
                )
        db.executemany("INSERT INTO clashes VALUES (?, ?, ?)", rows)

    def unresolved_links(self) -> list[tuple[str, int, str]]:
        """(path, line, target) of links that lead to no note at all."""
        known = {r[0] for r in self.db.execute("SELECT stem_key FROM files")}
        known |= {r[0] for r in self.db.execute("SELECT alias_key FROM aliases")}
        return [
            (r[0], r[1], r[3] or r[2])  # as written
            for r in self.db.execute("SELECT src, line, target, written FROM links ORDER BY src, line")
            if r[2].rsplit("/", 1)[-1] not in known
        ]

    def note_count(self) -> int:
        """How many notes the index holds."""
        return int(self.db.execute("SELECT count(*) FROM files").fetchone()[0])

    def interaction_counts(self, today: dt.date) -> list[tuple[dt.date, str, str | None, int]]:
        """(date, source, channel, how many) over every person's interactions up to `today`;
        grouped, so that figures over them need not load each one."""
        rows = self.db.execute(
            "SELECT date, source, channel, count(*) FROM contacts "
            "WHERE person IS NOT NULL AND date IS NOT NULL AND date <= ? "
            "GROUP BY date, source, channel ORDER BY date, source, channel",
            (today.isoformat(),),
        )
        return [(dt.date.fromisoformat(r[0]), r[1], r[2], r[3]) for r in rows]

    def introduced_by(self) -> list[tuple[str, list[str], dt.date | None]]:
        """(name, introducers as written, met) of each person whose note has `introduced_by`."""
        rows = self.db.execute(
            "SELECT name, introduced_by, met FROM people WHERE introduced_by != '[]' ORDER BY name_key, path"
        )
        return [(r[0], json.loads(r[1]), _date(r[2])) for r in rows]

    def log_entry_links(self, channel: str) -> list[tuple[str, int, dt.date, str, str | None]]:
        """(note, line, date, link target, person it resolves to) for each link in Log entries
        with this channel word, in the order the links stand on their line."""
        rows = self.db.execute(
            "SELECT c.src, c.line, c.date, l.target, l.person FROM contacts c "
            "JOIN links l ON l.src = c.src AND l.line = c.line "
            "WHERE c.source = 'log' AND c.channel = ? ORDER BY c.src, c.line, l.rowid",
            (channel,),
        )
        return [(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4]) for r in rows]

    def meetings_between(self, start: dt.date, end: dt.date) -> list[tuple[str, dt.date, list[str]]]:
        """Meeting notes dated from `start` to `end` that name someone: (path, date, people's names)."""
        rows = self.db.execute(
            "SELECT c.src, c.date, p.name FROM contacts c LEFT JOIN people p ON p.path = c.person "
            "WHERE c.source = 'meeting' AND c.date BETWEEN ? AND ? ORDER BY c.date, c.src, p.name_key",
            (start.isoformat(), end.isoformat()),
        )
        meetings: dict[str, tuple[dt.date, list[str]]] = {}
        for src, date_text, name in rows:
            _, names = meetings.setdefault(src, (dt.date.fromisoformat(date_text), []))
            if name is not None and name not in names:
                names.append(name)
        return [(path, date, names) for path, (date, names) in meetings.items()]

    def path_of_name(self, key: str) -> str | None:
        """The note of a person whose name or alias has this `name_key`, or None."""
        row = self.db.execute(
            "SELECT path FROM people WHERE name_key = ? UNION ALL SELECT person FROM aliases WHERE alias_key = ? "
            "LIMIT 1",
            (key, key),
        ).fetchone()
        return str(row[0]) if row else None

    def people_fields(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(path, name, front-matter fields) of every person, by name: `people` without last contacts."""
        return [
            (row[0], row[1], json.loads(row[2]))
            for row in self.db.execute(
                "SELECT p.path, p.name, f.fields FROM people p JOIN people_fields f ON f.path = p.path "
                "ORDER BY p.name_key, p.path"
            )
        ]

    # -- the watcher's heartbeat ---------------------------------------------------------
    def write_heartbeat(self, current: bool) -> None:
        """Say that a watcher in this process is alive, and whether the index is current now."""
        beat = {"time": time.time(), "pid": os.getpid(), "host": platform.node(), "current": current}
        self._set_meta(WATCHER_KEY, json.dumps(beat))

    def clear_heartbeat(self) -> None:
        """Withdraw this process's heartbeat (its watcher is stopping)."""
        if self._heartbeat().get("pid") == os.getpid():
            self.db.execute("DELETE FROM meta WHERE key = ?", (WATCHER_KEY,))

    def live_watcher(self) -> int | None:
        """The pid of a watcher on this machine whose heartbeat is fresh, or None."""
        beat = self._heartbeat()
        try:
            age = time.time() - float(beat["time"])
            pid = int(beat["pid"])
        except (KeyError, TypeError, ValueError):
            return None
        fresh = -1.0 <= age <= HEARTBEAT_MAX_AGE_S
        if fresh and beat.get("host") == platform.node() and _process_alive(pid):
            return pid
        return None

    def watcher_is_current(self) -> bool:
        """Whether a live watcher says the index is current (no events pending)."""
        return self._heartbeat().get("current") is True and self.live_watcher() is not None

    def _heartbeat(self) -> dict[str, Any]:
        try:
            beat = json.loads(self._meta(WATCHER_KEY) or "{}")
        except ValueError:
            return {}
        return beat if isinstance(beat, dict) else {}

    def _trusted_report(self, started: float) -> SyncReport:
        return SyncReport(
            total=self.note_count(),
            problems=self.db.execute("SELECT count(*) FROM problems").fetchone()[0],
            seconds=time.perf_counter() - started,
        )


def _line_text(body: str, note: ParsedNote, line: int | None) -> str:
    """The text of a link's line in a daily note, for the interaction list."""
    if line is None:
        return note.name
    from vaultkit.notes.parse import split_lines

    body_lines = split_lines(body)
    offset = line - note.body_line
    if 0 <= offset < len(body_lines):
        return body_lines[offset].strip().lstrip("-*+ ").strip()
    return note.name


def _fts_text(note: ParsedNote) -> str:
    values = " ".join(str(v) for v in note.fields.values() if isinstance(v, str))
    return f"{values}\n{note.body}"


WATCHER_KEY = "watcher_heartbeat"
HEARTBEAT_MAX_AGE_S = 10.0  # a watcher refreshes its heartbeat every few seconds


def _process_alive(pid: int) -> bool:
    """Whether a process runs with this pid (on Windows, signal 0 would kill it: say no)."""
    if os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    except OSError:
        return False
    return True
