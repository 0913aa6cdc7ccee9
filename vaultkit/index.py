"""The SQLite cache of the vault: schema, incremental sync, link resolution, queries, FTS.

The vault is the truth; this file can be deleted at any time and is rebuilt from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.config import Config
from vaultkit.errors import NoteParseError
from vaultkit.model import (
    PERSON,
    FollowUp,
    Interaction,
    ParsedNote,
    Person,
    Problem,
    name_key,
)
from vaultkit.parse import parse_note
from vaultkit.vault import FileStat, Vault

SCHEMA_VERSION = 1
RACY_WINDOW_NS = 2_000_000_000  # files changed this close to a scan are re-read next time
PARALLEL_THRESHOLD = 2000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (
  path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, kind TEXT, ok INTEGER,
  name TEXT, stem_key TEXT, path_key TEXT);
CREATE INDEX files_stem ON files(stem_key);
CREATE TABLE people (
  path TEXT PRIMARY KEY, name TEXT, name_key TEXT, fields TEXT, aliases TEXT, tags TEXT,
  cadence TEXT, met TEXT, last_contact TEXT, birthday TEXT, snooze_until TEXT,
  archived INTEGER, introduced_by TEXT);
CREATE INDEX people_name ON people(name_key);
CREATE TABLE aliases (alias_key TEXT, person TEXT);
CREATE INDEX aliases_key ON aliases(alias_key);
CREATE INDEX aliases_person ON aliases(person);
CREATE TABLE links (src TEXT, line INTEGER, target TEXT, stem TEXT, contact INTEGER, person TEXT);
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
CREATE TABLE tasks (src TEXT, line INTEGER, text TEXT, status TEXT, due TEXT);
CREATE INDEX tasks_src ON tasks(src);
CREATE TABLE problems (path TEXT, line INTEGER, level TEXT, message TEXT);
CREATE INDEX problems_path ON problems(path);
CREATE VIRTUAL TABLE notes_fts USING fts5(
  path UNINDEXED, name, body, tokenize = 'unicode61 remove_diacritics 2');
"""


def default_index_path(root: Path) -> Path:
    """The index for a vault in the user's cache folder, keyed by the vault's real path."""
    from platformdirs import user_cache_dir

    digest = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(user_cache_dir("vaultkit")) / digest / "index.sqlite"


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


def _parse_one(vault_root: str, config: Config, stat: FileStat) -> _Outcome:
    try:
        with open(os.path.join(vault_root, stat.rel_path), "rb") as handle:
            data = handle.read()
    except OSError as err:
        return _Outcome(stat, None, NoteParseError(stat.rel_path, None, f"cannot read: {err}"))
    try:
        return _Outcome(stat, parse_note(stat.rel_path, data, config), None)
    except NoteParseError as err:
        return _Outcome(stat, None, err)
    except (RecursionError, MemoryError) as err:
        return _Outcome(stat, None, NoteParseError(stat.rel_path, None, f"cannot parse: {err!r}"))


def _parse_chunk(vault_root: str, config: Config, stats: list[FileStat]) -> list[_Outcome]:
    return [_parse_one(vault_root, config, stat) for stat in stats]


def _parse_all(vault: Vault, stats: list[FileStat], progress: Callable[[int], None]) -> Iterator[_Outcome]:
    root = str(vault.root)
    workers = min(os.cpu_count() or 1, 8)
    if len(stats) < PARALLEL_THRESHOLD or workers < 2:
        for stat in stats:
            yield _parse_one(root, vault.config, stat)
            progress(1)
        return
    size = 500
    chunks = [stats[i : i + size] for i in range(0, len(stats), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for outcomes in pool.map(_parse_chunk, [root] * len(chunks), [vault.config] * len(chunks), chunks):
            yield from outcomes
            progress(len(outcomes))


def _path_key(rel_path: str) -> str:
    stem = rel_path[:-3] if rel_path.lower().endswith(".md") else rel_path
    return name_key(stem)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Index:
    """The cache of one vault. Use `Index.open(vault, path)` and call `sync()` first."""

    def __init__(self, vault: Vault, db: sqlite3.Connection, path: Path) -> None:
        self.vault = vault
        self.db = db
        self.path = path

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, vault: Vault, path: Path | None = None) -> Index:
        """Open (creating or rebuilding when needed) the index database for `vault`."""
        db_path = path if path is not None else default_index_path(vault.root)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = cls._connect(db_path)
            if not cls._current(db, vault.config):
                db.close()
                db = cls._recreate(db_path, vault.config)
        except sqlite3.DatabaseError:
            db = cls._recreate(db_path, vault.config)
        return cls(vault, db, db_path)

    @staticmethod
    def _connect(db_path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    @staticmethod
    def _current(db: sqlite3.Connection, config: Config) -> bool:
        try:
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError:
            return False
        return bool(
            rows.get("schema_version") == str(SCHEMA_VERSION) and rows.get("config") == config.fingerprint()
        )

    @classmethod
    def _recreate(cls, db_path: Path, config: Config) -> sqlite3.Connection:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{db_path}{suffix}")
        db = cls._connect(db_path)
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("schema_version", str(SCHEMA_VERSION)), ("config", config.fingerprint())],
        )
        return db

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
    ) -> SyncReport:
        """Bring the index up to date with the vault: stat walk, re-read what changed."""
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
        stored = {
            path: (mtime, size)
            for path, mtime, size in self.db.execute("SELECT path, mtime_ns, size FROM files")
        }
        current = list(self.vault.walk())
        report.total = len(current)
        to_read: list[FileStat] = []
        for stat in current:
            before = stored.get(stat.rel_path)
            if before is None:
                report.added += 1
                to_read.append(stat)
            elif before != (stat.mtime_ns, stat.size) or before[0] >= last_scan - RACY_WINDOW_NS:
                to_read.append(stat)
        seen = {stat.rel_path for stat in current}
        removed = [path for path in stored if path not in seen]
        report.removed = len(removed)
        report.read = len(to_read)
        done = [0]

        def tick(count: int) -> None:
            done[0] += count
            if progress:
                progress(done[0], len(to_read))

        outcomes = list(_parse_all(self.vault, to_read, tick)) if to_read else []
        self.apply(outcomes, removed, scan_ns)
        for outcome in outcomes:
            before = stored.get(outcome.stat.rel_path)
            if before is not None and before != (outcome.stat.mtime_ns, outcome.stat.size):
                report.changed += 1
        report.changed_paths = sorted(
            [
                o.stat.rel_path
                for o in outcomes
                if stored.get(o.stat.rel_path) != (o.stat.mtime_ns, o.stat.size)
            ]
            + removed
        )
        report.problems = self.db.execute("SELECT count(*) FROM problems").fetchone()[0]
        report.seconds = time.perf_counter() - started
        return report

    def update_paths(self, rel_paths: Iterable[str]) -> None:
        """Re-read these notes now (after vaultkit wrote them), whatever their stat says."""
        outcomes: list[_Outcome] = []
        removed: list[str] = []
        for rel in rel_paths:
            full = self.vault.root / rel
            try:
                st = full.stat()
            except FileNotFoundError:
                removed.append(rel)
                continue
            outcomes.append(
                _parse_one(
                    str(self.vault.root),
                    self.vault.config,
                    FileStat(rel, st.st_mtime_ns, st.st_size),
                )
            )
        self.apply(outcomes, removed, None)

    def apply(self, outcomes: Sequence[_Outcome], removed: Sequence[str], scan_ns: int | None) -> None:
        """Replace the rows of these notes in one transaction and re-resolve links."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS affected (stem TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.affected")
            gone = [*removed, *(o.stat.rel_path for o in outcomes)]
            self._forget(gone)
            new_targets: set[str] = set()
            for outcome in outcomes:
                new_targets |= self._insert(outcome)
            to_resolve = set(new_targets)
            to_resolve.update(
                row[0]
                for row in db.execute(
                    "SELECT DISTINCT target FROM links WHERE stem IN (SELECT stem FROM temp.affected) "
                    "UNION SELECT DISTINCT target FROM contacts "
                    "WHERE target IS NOT NULL AND stem IN (SELECT stem FROM temp.affected)"
                )
            )
            for target in to_resolve:
                person = self._resolve(target)
                db.execute("UPDATE links SET person = ? WHERE target = ?", (person, target))
                db.execute("UPDATE contacts SET person = ? WHERE target = ?", (person, target))
            if scan_ns is not None:
                self._set_meta("last_scan_ns", str(scan_ns))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _forget(self, paths: Sequence[str]) -> None:
        db = self.db
        for path in paths:
            row = db.execute("SELECT stem_key FROM files WHERE path = ?", (path,)).fetchone()
            if row is None:
                continue
            db.execute("INSERT OR IGNORE INTO temp.affected VALUES (?)", (row[0],))
            db.execute(
                "INSERT OR IGNORE INTO temp.affected SELECT alias_key FROM aliases WHERE person = ?",
                (path,),
            )
            for table, column in (
                ("files", "path"), ("people", "path"), ("aliases", "person"), ("links", "src"),
                ("contacts", "src"), ("tasks", "src"), ("problems", "path"), ("notes_fts", "path"),
            ):  # fmt: skip
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (path,))

    def _insert(self, outcome: _Outcome) -> set[str]:
        """Insert one note's rows; returns the link targets it needs resolved."""
        db = self.db
        stat, note = outcome.stat, outcome.note
        stem = stat.rel_path.rsplit("/", 1)[-1][:-3]
        stem_key = name_key(stem)
        db.execute("INSERT OR IGNORE INTO temp.affected VALUES (?)", (stem_key,))
        if note is None:
            assert outcome.error is not None
            db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
                (
                    stat.rel_path,
                    stat.mtime_ns,
                    stat.size,
                    "broken",
                    stem,
                    stem_key,
                    _path_key(stat.rel_path),
                ),
            )
            db.execute(
                "INSERT INTO problems VALUES (?, ?, 'error', ?)",
                (stat.rel_path, outcome.error.line, outcome.error.reason + "; note skipped"),
            )
            return set()
        db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
            (
                stat.rel_path,
                stat.mtime_ns,
                stat.size,
                note.kind,
                note.name,
                stem_key,
                _path_key(stat.rel_path),
            ),
        )
        db.executemany(
            "INSERT INTO problems VALUES (?, ?, ?, ?)",
            [(p.path, p.line, p.level, p.message) for p in note.problems],
        )
        db.execute(
            "INSERT INTO notes_fts VALUES (?, ?, ?)",
            (stat.rel_path, note.name, _fts_text(note)),
        )
        targets: set[str] = set()
        db.executemany(
            "INSERT INTO links VALUES (?, ?, ?, ?, ?, NULL)",
            [(note.path, link.line, link.target, link.stem, int(link.contact)) for link in note.links],
        )
        targets.update(link.target for link in note.links)
        db.executemany(
            "INSERT INTO tasks VALUES (?, ?, ?, ?, ?)",
            [(note.path, t.line, t.text, t.status, _iso(t.due)) for t in note.tasks],
        )
        if note.kind == PERSON:
            db.execute(
                "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    note.path, note.name, name_key(note.name),
                    json.dumps(note.fields, ensure_ascii=False), json.dumps(note.aliases, ensure_ascii=False),
                    json.dumps(note.tags, ensure_ascii=False), note.cadence, _iso(note.met),
                    _iso(note.last_contact), note.birthday, _iso(note.snooze_until),
                    int(note.archived), json.dumps(note.introduced_by, ensure_ascii=False),
                ),
            )  # fmt: skip
            alias_keys = {name_key(alias) for alias in note.aliases}
            db.executemany("INSERT INTO aliases VALUES (?, ?)", [(k, note.path) for k in alias_keys])
            db.executemany("INSERT OR IGNORE INTO temp.affected VALUES (?)", [(k,) for k in alias_keys])
            db.executemany(
                "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, 'log', NULL, NULL, ?)",
                [(note.path, e.line, e.date.isoformat(), e.channel, e.text, note.path) for e in note.log],
            )
        elif note.date is not None or note.people is not None:
            source = "meeting" if note.kind == "meeting" else "daily"
            when = _iso(note.date)
            named: list[tuple[str, int | None]]
            if note.people is not None:
                named = [(name, None) for name in note.people]
            else:
                named = [(link.target, link.line) for link in note.links if link.contact]
            rows: dict[str, tuple[Any, ...]] = {}
            for target, line in named:
                key, stem_part = name_key(target), name_key(target).rsplit("/", 1)[-1]
                text = note.name if source == "meeting" else _line_text(note.body, note, line)
                channel = "meeting" if source == "meeting" else None
                rows.setdefault(key, (note.path, line, when, channel, text, source, key, stem_part))
                targets.add(key)
            db.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)", list(rows.values()))
        return targets

    def _resolve(self, target: str) -> str | None:
        """The person a link target means (Obsidian's rules, then a unique alias), or None."""
        stem = target.rsplit("/", 1)[-1]
        rows = self.db.execute(
            "SELECT path, kind, path_key FROM files WHERE stem_key = ?", (stem,)
        ).fetchall()
        if "/" in target:
            rows = [r for r in rows if r[2] == target or r[2].endswith("/" + target)]
        if rows:
            path, kind, _ = min(rows, key=lambda r: (r[0].count("/"), r[0]))
            return str(path) if kind == PERSON else None
        if "/" in target:
            return None
        people = {r[0] for r in self.db.execute("SELECT person FROM aliases WHERE alias_key = ?", (target,))}
        return people.pop() if len(people) == 1 else None

    # -- queries -----------------------------------------------------------------------
    def people(self, today: dt.date, with_fields: bool = False) -> list[Person]:
        """Every person with their derived last contact as of `today`, by name."""
        latest: dict[str, tuple[str, str | None]] = {}
        for person, packed in self.db.execute(
            "SELECT person, MAX(date || ' ' || (CASE WHEN channel IS NULL THEN '0' ELSE '1' || channel END)) "
            "FROM contacts WHERE person IS NOT NULL AND date IS NOT NULL AND date <= ? GROUP BY person",
            (today.isoformat(),),
        ):
            date_text, flag = packed.split(" ", 1)
            latest[person] = (date_text, flag[1:] if flag.startswith("1") else None)
        columns = "path, name, aliases, tags, cadence, met, last_contact, birthday, snooze_until, archived, introduced_by"
        if with_fields:
            columns += ", fields"
        result: list[Person] = []
        for row in self.db.execute(f"SELECT {columns} FROM people ORDER BY name_key, path"):
            person = Person(
                name=row[1], path=row[0], fields=json.loads(row[11]) if with_fields else {},
                aliases=json.loads(row[2]), tags=json.loads(row[3]), cadence=row[4],
                met=_date(row[5]), birthday=row[7], snooze_until=_date(row[8]),
                archived=bool(row[9]), introduced_by=json.loads(row[10]),
            )  # fmt: skip
            last, channel = None, None
            if row[0] in latest:
                last, channel = _date(latest[row[0]][0]), latest[row[0]][1]
            written = _date(row[6])
            if written and written <= today and (last is None or written > last):
                last, channel = written, None
            person.last_contact, person.last_channel = last, channel
            result.append(person)
        return result

    def person(self, path: str, today: dt.date) -> Person:
        """One person (by note path) with fields and last contact."""
        for person in self.people(today, with_fields=True):
            if person.path == path:
                return person
        raise KeyError(path)

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

    def followups(self, path: str | None = None) -> list[FollowUp]:
        """Open tasks in person notes and in meeting notes naming a person."""
        names = dict(self.db.execute("SELECT path, name FROM people"))
        query = (
            "SELECT p.path, t.text, t.due, t.src, t.line FROM tasks t JOIN people p ON p.path = t.src "
            "WHERE t.status IN (' ', '/') "
            "UNION SELECT DISTINCT c.person, t.text, t.due, t.src, t.line FROM tasks t "
            "JOIN contacts c ON c.src = t.src AND c.source = 'meeting' AND c.person IS NOT NULL "
            "WHERE t.status IN (' ', '/')"
        )
        items = [
            FollowUp(names.get(r[0], r[0]), r[1], _date(r[2]), r[3], r[4])
            for r in self.db.execute(query)
            if path is None or r[0] == path
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
        """Full-text search: (path, name, snippet) of notes holding every word."""
        terms = [w for word in words for w in word.split() if w.strip()]
        if not terms:
            return []
        query = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        rows = self.db.execute(
            "SELECT path, name, snippet(notes_fts, 2, '[', ']', '…', 12) FROM notes_fts "
            "WHERE notes_fts MATCH ? ORDER BY rank LIMIT ?",
            (query, limit),
        )
        return [(r[0], r[1], " ".join(r[2].split())) for r in rows]

    def problems(self) -> list[Problem]:
        """Problems found while reading notes, plus name and alias clashes."""
        found = [
            Problem(r[0], r[1], r[2], r[3])
            for r in self.db.execute("SELECT path, line, level, message FROM problems")
        ]
        found.extend(self._clashes())
        found.sort(key=lambda p: (p.path, p.line or 0, p.level, p.message))
        return found

    def _clashes(self) -> list[Problem]:
        clashes: list[Problem] = []
        for _key, paths in self.db.execute(
            "SELECT name_key, group_concat(path, char(10)) FROM people GROUP BY name_key HAVING count(*) > 1"
        ):
            listed = sorted(paths.split("\n"))
            for path in listed:
                others = ", ".join(p for p in listed if p != path)
                clashes.append(Problem(path, None, "warning", f"another person has the same name: {others}"))
        people = dict(self.db.execute("SELECT name_key, path FROM people"))
        for alias_key, persons in self.db.execute(
            "SELECT alias_key, group_concat(DISTINCT person) FROM aliases GROUP BY alias_key"
        ):
            owners = sorted(set(persons.split(",")))
            if len(owners) > 1:
                for path in owners:
                    clashes.append(
                        Problem(
                            path,
                            None,
                            "warning",
                            f"alias {alias_key!r} is shared with {', '.join(o for o in owners if o != path)}",
                        )
                    )
            if alias_key in people and people[alias_key] not in owners:
                for path in owners:
                    clashes.append(
                        Problem(
                            path,
                            None,
                            "warning",
                            f"alias {alias_key!r} is the name of {people[alias_key]}",
                        )
                    )
        return clashes

    def unresolved_links(self) -> list[tuple[str, int, str]]:
        """(path, line, target) of links that lead to no note at all."""
        known = {r[0] for r in self.db.execute("SELECT stem_key FROM files")}
        known |= {r[0] for r in self.db.execute("SELECT alias_key FROM aliases")}
        return [
            (r[0], r[1], r[2])
            for r in self.db.execute("SELECT src, line, target FROM links ORDER BY src, line")
            if r[2].rsplit("/", 1)[-1] not in known
        ]

    def note_count(self) -> int:
        """How many notes the index holds."""
        return int(self.db.execute("SELECT count(*) FROM files").fetchone()[0])

    # -- the watcher's heartbeat ---------------------------------------------------------
    def write_heartbeat(self, current: bool) -> None:
        """Say that a watcher in this process is alive, and whether the index is current now."""
        beat = {"time": time.time(), "pid": os.getpid(), "host": socket.gethostname(), "current": current}
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
        if fresh and beat.get("host") == socket.gethostname() and _process_alive(pid):
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
    body_lines = body.splitlines()
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
