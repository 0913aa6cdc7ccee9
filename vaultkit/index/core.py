"""The SQLite cache of the vault: schema, incremental sync, link resolution, queries, FTS.

The vault is the truth; this file can be deleted at any time and is rebuilt from it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.errors import IndexFileError, VaultkitError
from vaultkit.index import file as index_file
from vaultkit.index import opening
from vaultkit.index.figures import Figures
from vaultkit.index.heartbeat import Heartbeat
from vaultkit.index.links import Links
from vaultkit.index.naming import Naming
from vaultkit.index.rows import (
    LATEST_SQL,
    Summaries,
    _Packed,
    _parse_all,
    _parse_one,
    _Rows,
    detach,
    note_digest,
    read_for_parser,
)
from vaultkit.index.schema import _NOTE_TABLES, _SCHEMA, _SECONDARY_INDEXES, FULL_TEXT, UNREAD
from vaultkit.index.walkstore import WalkStore, _Walk
from vaultkit.vault import early as early_stats
from vaultkit.vault.files import Vault
from vaultkit.vault.walk import RACY_NS, FileStat, Scan, racy_window

BULK_NOTES = 2000
"""At least this many notes to read, and as many as the index holds: their rows are written
without the secondary indexes, which are made again after (see `Index.apply`)."""
VAULT_KEY = "vault"  # in meta: the real path of the vault the index is of (see `Index._claim`)
# In meta: the folders of templates the last walk skipped (`Vault.template_folders`, as JSON).
# Read from settings files (Obsidian's templates.json) rather than vaultkit.toml, whose
# fingerprint makes a new index: when they change, the next sync lists every folder again.
SKIPPED_KEY = "skipped_folders"
_PATH_IN = "path IN (SELECT value FROM json_each(?))"  # (one JSON list of paths, whatever their number)


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


def _finds_targets(statement: str) -> bool:
    """The secondary indexes link resolution reads (`RESOLVE_SQL`): the files' and the aliases'."""
    return " ON files(" in statement or " ON aliases(" in statement


class Index(Figures, Naming, Links, WalkStore, Heartbeat):
    """The cache of one vault. Use `Index.open(vault, path)` and call `sync()` first."""

    def __init__(
        self, vault: Vault, db: sqlite3.Connection, path: Path, notify: Callable[[str], None] | None = None
    ) -> None:
        self.vault = vault
        self.db = db
        self.path = path
        self._notify = notify or _quiet
        self.trusted_watcher = False  # the last sync trusted a watcher instead of walking (see `confirm`)

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        vault: Vault,
        path: Path | None = None,
        notify: Callable[[str], None] | None = None,
        named_by: str = "--index",
    ) -> Index:
        """Open the index database for `vault`, creating or rebuilding it when it is vaultkit's.

        A file vaultkit cannot prove is its own is refused (IndexFileError) and left alone. A
        damaged index is set aside, never deleted, and a new one made: `notify` gets one line
        saying so. A folder, a read-only file system or a full disk is one IndexFileError, and
        so is a `path` inside the vault (`named_by` says where it was given).
        """
        if path is not None:
            index_file.refuse_inside(vault.root, path, named_by)
        db_path = path if path is not None else opening.default_index_path(vault.root)
        notify = notify or _quiet
        found = index_file.inspect(db_path)
        try:
            db = opening.open_found(vault, db_path, found, path is None, notify)
        except sqlite3.Error as err:
            problem = index_file.failure(db_path, err)
            if problem is None:
                raise
            raise problem from err
        except OSError as err:
            raise index_file.unusable(db_path, err) from err
        return cls(vault, db, db_path, notify)

    # -- when the index fails ------------------------------------------------------------
    def _recover(self, err: sqlite3.Error) -> None:
        """After `err` in a sync: a damaged index is set aside and a new, empty one takes its
        place (say so); a failing file system raises its one line; anything else, `err`."""
        if not index_file.damaged(err):
            problem = index_file.failure(self.path, err)
            if problem is None:
                raise err
            raise problem from err
        self.db = opening.replace_damaged(self.path, self.vault.config, self._notify, str(err), self.db)

    def explain(self, err: BaseException, then: str = "run the command again") -> VaultkitError | None:
        """The one line for an error that came out of an index query, or None (a bug).

        A damaged index is set aside first and a new, empty one made, which the next sync
        fills (`then` tells the user what happens next). A failing file system is named
        with its cause."""
        if not isinstance(err, sqlite3.Error):
            return None
        if not index_file.damaged(err):
            return index_file.failure(self.path, err, then)
        try:
            aside = opening.set_aside(self.path, self.db)
            self.db = opening.create(self.path, self.vault.config)
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

    # -- syncing -----------------------------------------------------------------------
    def sync(
        self,
        progress: Callable[[int, int], None] | None = None,
        rebuild: bool = False,
        relist: bool = False,
        after_writing: bool = False,
    ) -> SyncReport:
        """Bring the index up to date with the vault: stat walk, re-read what changed.

        The walk lists only the folders whose mtime changed since the last one; `relist`
        lists every folder (for a file system that does not keep folder mtimes). With a live
        watcher, the index is trusted as it is, unless `after_writing` (notes this process just
        wrote, or found changed, which the watcher may not have heard of yet). A damaged index is set aside and the
        vault read into a new one (see `_recover`)."""
        try:
            return self._sync(progress, rebuild, relist, after_writing)
        except sqlite3.Error as err:
            self._recover(err)
        try:
            report = self._sync(progress, False, relist, after_writing)
        except sqlite3.Error as err:
            problem = index_file.failure(self.path, err)
            if problem is None:
                raise
            raise problem from err
        report.rebuilt = True
        return report

    def _sync(
        self, progress: Callable[[int, int], None] | None, rebuild: bool, relist: bool, after_writing: bool
    ) -> SyncReport:
        started = time.perf_counter()
        self._claim()
        skipped = json.dumps(self.vault.template_folders)
        # Other folders skipped than the last walk's: the stored listings name what is
        # skipped now (a kept folder's listing holds the folders it entered), and a watcher
        # that has not heard of the change may call the index current.
        moved = self._meta(SKIPPED_KEY) != skipped
        relist = relist or moved
        self.trusted_watcher = not rebuild and not after_writing and not moved and self.watcher_is_current()
        if self.trusted_watcher:
            # A live `vault watch` keeps this index current: no need to walk the vault.
            early_stats.discard()
            return self._trusted_report(started)
        report = SyncReport(rebuilt=rebuild)
        if rebuild:
            self.db.close()
            self.db = opening.recreate(self.path, self.vault.config)
            self._claim()
        scan_ns = time.time_ns()
        last_scan = int(self._meta("last_scan_ns") or 0)
        generation, previous = self._walk_snapshot()
        # Changed within the file system's time resolution of the last scan: the stat may
        # not show a second edit, so they are read again unless their bytes are the ones
        # read (their digest: checked before the walk, while the early stats' child stats
        # notes on the other core); and so the notes that could not be read.
        self.db.create_function("racy_window", 1, racy_window, deterministic=True)
        racy = {
            row[0]
            for row in self.db.execute(
                # (the range first, on the index of mtimes: no window is longer than RACY_NS)
                "SELECT path FROM files WHERE mtime_ns >= ? AND mtime_ns + racy_window(mtime_ns) >= ? "
                "OR mtime_ns = ?",
                (last_scan - RACY_NS, last_scan, UNREAD),
            )
        }
        verified = self._read_as_they_are(racy)
        reused = previous if previous is not None and not relist else None
        # The early stats are of the stored walk's notes; with none to reuse, the child stops.
        early = early_stats.take(str(self.vault.root), str(self.path), reused.version if reused else None)
        if early is not None:
            scan_ns = min(scan_ns, early.started_ns)  # the stats may be that old
        scan = self.vault.scan(reused.listings if reused else (), early=early)
        report.total = len(scan.stats) // 3
        # (errors as (path, why); the links it did not follow as warnings, (path, why, level))
        left_out = json.dumps([*scan.left_out(), *((path, why, "warning") for path, why in scan.unfollowed)])
        if left_out != (self._meta("left_out") or "[]"):
            self._set_meta("left_out", left_out)
        removed: list[str] = []
        differences = None
        if previous is not None and previous.generation == generation:
            # The index holds exactly the stats the last walk saw, so comparing the two
            # walks finds every change: the arrays as they are when the notes are the same,
            # else by name in the folders whose notes differ.
            same = previous.same_notes(scan)
            differences = ([], previous.changed(scan), []) if same else previous.differences(scan)
        if differences is not None:
            fresh, paths = False, None
            added, changed, removed = differences
            to_read = []
            if added or changed:
                to_read = scan.files_at([*added, *changed])
            new_or_changed = {stat.rel_path for stat in to_read}
            report.added, report.changed = len(added), len(changed)
        else:
            # Sets of (path, mtime_ns, size): unchanged notes cost one hash each, in C.
            known = set(self.db.execute("SELECT path, mtime_ns, size FROM files"))
            fresh = not known
            current = scan.files()
            paths = [stat.rel_path for stat in current]
            to_read = [stat for stat in current if stat not in known]
            new_or_changed = {stat.rel_path for stat in to_read}
            # Which of those are new: ask the index about just them, not a set of every path
            # (an empty index holds none: 0.1 s at 100,000 notes to ask it).
            old = set(self._indexed(sorted(new_or_changed))) if known else set()
            report.added = len(new_or_changed) - len(old)
            report.changed = len(old)
            # Every note the index knows is still here, unless the walk found fewer known ones.
            if len(known) != len(current) - report.added:
                seen = set(paths)
                removed = [path for path, _, _ in known if path not in seen]
        racy -= new_or_changed | verified
        if racy:
            if len(racy) > 8:
                paths = paths if paths is not None else scan.paths
                where = {path: n for n, path in enumerate(paths)}
                at = [where.get(path, -1) for path in racy]
            else:
                at = [scan.position_of(path) for path in racy]
            to_read.extend(scan.files_at(n for n in at if n >= 0))  # (-1: gone, and removed)
        report.removed = len(removed)
        report.read = len(to_read)
        done = [0]

        def tick(count: int) -> None:
            done[0] += count
            if progress:
                progress(done[0], len(to_read))

        walk = _Walk(generation, previous, scan)
        if to_read or removed or last_scan == 0 or self._meta("cadence_config") != self._cadence_config():
            self.apply(
                _parse_all(self.vault, to_read, tick),
                removed,
                scan_ns,
                fresh=fresh,
                walk=walk,
                reading=[stat.rel_path for stat in to_read],
            )
        elif (
            verified
            or previous is None
            or previous.generation != generation
            or not previous.same_listings(scan)
            or scan.stats.tobytes() != previous.stats
        ):
            # The index holds what this walk saw: the next one counts its racy window from
            # this one (else the notes verified here would be verified again at every sync).
            self._store_walk(walk, scan_ns=scan_ns)
        if moved:  # (after the walk's rows: a sync cut short lists every folder again)
            self._set_meta(SKIPPED_KEY, skipped)
        report.changed_paths = sorted([*new_or_changed, *removed])
        report.problems = self.db.execute("SELECT count(*) FROM problems").fetchone()[0]
        report.seconds = time.perf_counter() - started
        return report

    def _claim(self) -> None:
        """Mark the index as this vault's (its real path, in meta) the first time, and
        refuse one marked as another vault's while that vault is there (a `$VAULTKIT_INDEX`
        shared by two vaults): its notes and its watcher's heartbeat are the other's. One
        whose vault is gone (moved: to here, most likely) is made again for this one."""
        mine = os.fsencode(self.vault.root)  # (bytes: a path need not be UTF-8)
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (VAULT_KEY,)).fetchone()
        theirs = os.fsencode(row[0]) if row else None
        if theirs == mine:
            return
        if theirs is not None:
            if os.path.isdir(theirs):
                raise index_file.another_vaults(self.path, os.fsdecode(theirs), self.vault.root)
            self.db.close()
            self.db = opening.recreate(self.path, self.vault.config)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (VAULT_KEY, mine))
        if self.db.execute("SELECT value FROM meta WHERE key = ?", (VAULT_KEY,)).fetchone()[0] != mine:
            self._claim()  # another vault's command claimed it a moment before

    def _read_as_they_are(self, paths: set[str]) -> set[str]:
        """Which of these notes (their stat as the index has it) hold the bytes they held
        when read, by the digest kept of them (`note_digest`)."""
        if not paths:
            return set()
        root, same = str(self.vault.root), set()
        for path, size, digest in self.db.execute(
            "SELECT path, size, digest FROM files WHERE digest IS NOT NULL AND path IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(paths)),),
        ):
            try:
                data = read_for_parser(os.path.join(root, path), size)
            except OSError:
                continue  # (read again, and the error kept)
            if note_digest(data) == digest:
                same.add(path)
        return same

    def refresh(self, rel_paths: Iterable[str], keep_walk: bool = False) -> SyncReport | None:
        """Re-read just these notes (a watcher's events), or None when only a walk can tell,
        or when they are many (`BULK_NOTES`: a walk reads them on every core).

        A path with no file under that name is a deleted note; one the walk would skip
        (a template, an excluded folder) is dropped from the index. A damaged index is set
        aside for a new, empty one: None, for only a walk can fill it.
        """
        try:
            return self._refresh(rel_paths, keep_walk)
        except sqlite3.Error as err:
            self._recover(err)
        return None

    def _refresh(self, rel_paths: Iterable[str], keep_walk: bool = False) -> SyncReport | None:
        started = time.perf_counter()
        wanted = sorted(set(rel_paths))
        if any(not rel.lower().endswith(".md") for rel in wanted):
            return None  # a folder moved or deleted: its notes have no events of their own
        if len(wanted) >= BULK_NOTES:
            return None  # (a checkout, a copied folder: a walk reads them on every core)
        indexed = {unicodedata.normalize("NFC", path): path for path in self._indexed(wanted)}
        held = set(indexed.values())
        rows, removed, root = _Rows(self.vault.config), [], str(self.vault.root)
        for rel in wanted:
            path = indexed.get(unicodedata.normalize("NFC", rel), rel)
            known = path in held
            try:
                st = os.stat(os.path.join(root, path))
            except OSError:
                if known:
                    removed.append(path)
                elif not rel.isascii():
                    return None  # it may be on disk under another Unicode spelling
                continue
            if self.vault.includes(path) and self.vault.holds_note_file(path):
                rows.add(_parse_one(root, self.vault.config, FileStat(path, st.st_mtime_ns, st.st_size)))
            elif known:
                removed.append(path)
        added = sum(path not in held for path in rows.paths)
        walk = self._walk_after(rows, held) if keep_walk and not removed else None
        self.apply([rows], removed, None, walk=walk, reading=rows.paths)
        report = SyncReport(
            read=len(rows),
            added=added,
            changed=len(rows) - added,
            removed=len(removed),
            # (the walk kept describes every note of the index: no count over 100,000 rows)
            total=len(walk.scan.stats) // 3 if walk is not None else self.note_count(),
        )
        report.changed_paths = sorted([*rows.paths, *removed])
        report.seconds = time.perf_counter() - started
        return report

    def confirm(self, rel_paths: Sequence[str]) -> bool:
        """Whether an answer resting on these notes (none: an answer that found no note) may
        be given from the index as it is. Only a sync that trusted the watcher leaves a doubt:
        the watcher may be behind (busy rendering, about to hear of an edit). When the index
        does not hold these notes as they are now (one stat each), the vault is walked, as
        after a write, and False returned: look again."""
        if not self.trusted_watcher or (rel_paths and self.holds_stats(rel_paths)):
            return True
        self.sync(after_writing=True)
        return False

    def update_paths(self, rel_paths: Iterable[str]) -> None:
        """Re-read these notes now (after vaultkit wrote them), whatever their stat says.

        The stored walk is kept describing the index when these notes were in it: the next
        command then compares stats instead of every note with the index (writing a note
        renames a file into its folder, so that folder is listed again all the same). Many
        notes (an import) are found by a walk instead, as every command finds an editor's
        changes, and read on every core: 100,000 new notes in 8 to 9 s instead of 13."""
        paths = list(rel_paths)
        if self.refresh(paths, keep_walk=True) is None:
            self.sync(after_writing=True)

    def _walk_after(self, rows: _Rows, known: set[str]) -> _Walk | None:
        """The stored walk with the new stats of these re-read notes (those the index
        held before: `known`), when it describes the index as it stands (else None: the
        next sync compares every note with the index).

        A new note (`vault add`) joins its folder's listing, marked to be listed again: the
        next walk lists that folder and finds the notes added or removed by name."""
        generation, previous = self._walk_snapshot()
        if previous is None or previous.generation != generation:
            return None
        listings = list(previous.listings)
        starts: list[int] = []  # the position of each folder's first note
        at = 0
        for each in listings:
            starts.append(at)
            at += len(each.names)
        numbers = {each.prefix: number for number, each in enumerate(listings)}  # folder -> its number
        stats: array[int] = array("q")
        stats.frombytes(previous.stats)
        if len(stats) != 3 * at:
            return None  # it holds notes found the slow way (`odd`): not kept by name
        added: dict[int, list[tuple[str, int, int]]] = {}
        for path, mtime_ns, size, *_ in rows.files:
            folder, _, name = path.rpartition("/")
            number = numbers.get(folder + "/" if folder else "")
            if number is None:
                return None  # a folder the walk has not listed
            at_name = -1
            if path in known:  # (a new note is not looked for among 100,000 names)
                with contextlib.suppress(ValueError):
                    at_name = listings[number].names.index(name)
            if at_name < 0:
                added.setdefault(number, []).append((name, mtime_ns, size))
                continue
            n = 3 * (starts[number] + at_name)
            stats[n], stats[n + 1], stats[n + 2] = mtime_ns, size, 0
        if added:  # new notes join the end of their folder's listing
            kept, stats = stats, array("q")
            for number, listing in enumerate(listings):
                first = 3 * starts[number]
                stats.extend(kept[first : first + 3 * len(listing.names)])
                if number in added:
                    for _, mtime_ns, size in added[number]:
                        stats.extend((mtime_ns, size, 0))
                    names = [*listing.names, *(name for name, _, _ in added[number])]
                    listings[number] = listing._replace(names=names, mtime_ns=-1)
        return _Walk(generation, previous, Scan(listings, [], stats, []))

    def apply(
        self,
        batches: Iterable[_Rows | _Packed],
        removed: Sequence[str],
        scan_ns: int | None,
        fresh: bool = False,
        walk: _Walk | None = None,
        reading: Sequence[str] = (),
    ) -> None:
        """Replace the rows of these notes in one transaction, then re-resolve links.

        `batches` may be a generator fed by parser processes: rows are written as they
        arrive. `fresh` says the index is empty: nothing to forget, and the secondary
        indexes are built once at the end, which is faster than keeping them up to date.
        `reading`: the notes the batches hold. With those `removed`, as many as the index
        holds already, or more (an import, a folder of notes moved in), and their rows are
        written as into a fresh index: the old rows of those it holds are forgotten first,
        the secondary indexes dropped and made again once the rows are in. When those are
        every note it holds, it is emptied and written as a rebuild writes it.
        """
        db = self.db
        index_file.check_write(self.path)
        bulk = not fresh and len(reading) >= BULK_NOTES and len(reading) + len(removed) >= self.note_count()
        remade = fresh or bulk  # (the secondary indexes are dropped and made again)
        alone = remade and opening.write_alone(db)
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS affected (stem TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.affected")
            db.execute("CREATE TEMP TABLE IF NOT EXISTS touched (person TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.touched")
            full_text = self._meta(FULL_TEXT) == "current"  # (else the first search indexes the text)
            if bulk:
                # As into a fresh index, the text's index is left to the first search, which
                # builds it whole (rather than told of each note it is to forget).
                full_text = False
                self._set_meta(FULL_TEXT, "left to the first search")
                # (counted, not listed: 106,000 paths made again as text cost 8 MB at the peak)
                if len(removed) + self._indexed_count(reading) == self.note_count():
                    # Every note is read again (their times all changed: a copied or restored
                    # vault, a checkout): the rows are written as a rebuild writes them.
                    self._clear()
                    fresh, bulk = True, False
                else:
                    self._forget([*removed, *self._indexed(reading)], full_text, unindexed=True)
            elif fresh:
                self._drop_indexes()  # (a new index: nothing to forget)
            else:
                self._forget(removed, full_text)
            targets: set[str] = set()
            for batch in batches:
                if not (fresh or bulk):
                    self._forget(batch.paths, full_text)
                targets |= batch.flush(db, touch=not fresh, full_text=full_text, targets=not fresh)
            if bulk:
                self._make_indexes(lambda statement: True)
            if fresh:
                # Every target there is is in the rows. Resolved before the secondary
                # indexes are made but those that find the notes and aliases a target may
                # mean: the people found are then indexed once, not updated in them; and so
                # the summaries, before the people's own indexes (the rest serve working
                # them out).
                self._make_indexes(_finds_targets)
                self._resolve_all(None, touch=False)
                self._make_indexes(
                    lambda statement: not _finds_targets(statement) and " ON people(" not in statement
                )
                # The parser processes summed each person up from their note (`_Rows.add`):
                # only those a meeting or daily note names can have a later contact.
                db.execute(
                    "INSERT OR IGNORE INTO temp.touched SELECT DISTINCT person FROM contacts "
                    "WHERE source != 'log' AND person IS NOT NULL AND date IS NOT NULL"
                )
                self._summarise(everyone=False)
                self._make_indexes(lambda statement: " ON people(" in statement)
            else:
                # A changed cadence rule changes everyone's due date.
                everyone = self._meta("cadence_config") != self._cadence_config()
                targets.update(
                    row[0]
                    for row in db.execute(
                        "SELECT DISTINCT target FROM links WHERE stem IN (SELECT stem FROM temp.affected) "
                        "UNION SELECT DISTINCT target FROM contacts "
                        "WHERE target IS NOT NULL AND stem IN (SELECT stem FROM temp.affected)"
                    )
                )
                self._resolve_all(targets, touch=not everyone)
                self._summarise(everyone)
            self._update_clashes(every_key=fresh)
            if scan_ns is not None:
                self._set_meta("last_scan_ns", str(scan_ns))
            if walk is not None:
                self._store_walk(walk, inside=True)
            else:  # the notes just written may differ from the stored walk
                self._set_meta("walk", f"-1 {self._walk_state()[1]}")
            self._set_meta("generation", str(self._generation() + 1))
            if remade:
                opening.record_tables(db)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite ends it on its own after some errors (a full disk)
                db.execute("ROLLBACK")
            # Put the connection back as it can; the error that stopped the sync is the one told.
            with contextlib.suppress(sqlite3.Error):
                self._after_apply(alone)
            raise
        self._after_apply(alone)

    def _make_indexes(self, which: Callable[[str], bool]) -> None:
        """Make the secondary indexes `which` picks (by their CREATE statement), after rows
        were written without them. The parser processes are done: their cores may sort
        (one helper thread: 2.25 → 1.77 s for the contacts', links' and people's at 100,000
        realistic; a second did not help)."""
        self.db.execute(f"PRAGMA threads = {1 if (os.cpu_count() or 1) > 1 else 0}")
        for statement in _SCHEMA.split(";"):
            if "CREATE INDEX" in statement and which(statement):
                self.db.execute(statement)
        self.db.execute("PRAGMA threads = 0")

    def _indexed(self, paths: Sequence[str]) -> list[str]:
        """Which of these notes the index holds (one query, whatever their number)."""
        rows = self.db.execute(f"SELECT path FROM files WHERE {_PATH_IN}", (json.dumps(list(paths)),))
        return [row[0] for row in rows]

    def _indexed_count(self, paths: Sequence[str]) -> int:
        """How many of these notes the index holds."""
        row = self.db.execute(f"SELECT count(*) FROM files WHERE {_PATH_IN}", (json.dumps(list(paths)),))
        return int(row.fetchone()[0])

    def _after_apply(self, alone: bool) -> None:
        """The connection as it was before `apply`: no batch attached, in WAL."""
        detach(self.db)
        if alone:
            opening.use_wal(self.db)

    def _forget(self, paths: Iterable[str], full_text: bool, unindexed: bool = False) -> None:
        """Delete the rows of these notes, all of them at once (`full_text`: from the current
        `notes_fts` too), having noted their keys as affected and their people as touched.

        `unindexed`: drop the secondary indexes before deleting (a bulk write makes them
        again). Each table is then scanned once, rather than every index told of each of
        100,000 notes' rows (a sync that found every note changed: 34 s of 60, one note at
        a time, with the indexes).
        """
        paths = list(paths)
        if not paths and not unindexed:
            return
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS forget (path TEXT PRIMARY KEY)")
        db.execute("DELETE FROM temp.forget")
        db.executemany("INSERT OR IGNORE INTO temp.forget VALUES (?)", ((path,) for path in paths))
        db.execute("INSERT OR IGNORE INTO temp.affected SELECT stem_key FROM files WHERE path IN temp.forget")
        db.execute(
            "INSERT OR IGNORE INTO temp.affected SELECT alias_key FROM aliases WHERE person IN temp.forget"
        )
        # A note's contacts: its Log entries' (their person is the note itself: found on
        # contacts_person, which the unary + steers the planner to) and a meeting or daily
        # note's (contacts_src holds only those).
        of_notes = (
            "contacts WHERE person IN temp.forget AND +source = 'log' AND src = person",
            "contacts WHERE src IN temp.forget AND source != 'log'",
        )
        for where in of_notes:
            db.execute(
                f"INSERT OR IGNORE INTO temp.touched SELECT DISTINCT person FROM {where} AND person IS NOT NULL"
            )
        if unindexed:
            self._drop_indexes()
        for where in of_notes:
            db.execute(f"DELETE FROM {where}")
        # The text is kept by the file's id. Its full-text entries go first: an index over a
        # table of text is told the text it is to forget.
        of_files = "id IN (SELECT id FROM files WHERE path IN temp.forget)"
        if full_text:
            db.execute(
                "INSERT INTO notes_fts (notes_fts, rowid, path, name, body) "
                f"SELECT 'delete', id, path, name, body FROM note_text WHERE {of_files}"
            )
        db.execute(f"DELETE FROM note_text WHERE {of_files}")
        for table, column in (
            ("files", "path"), ("people", "path"), ("people_fields", "path"), ("aliases", "person"), ("name_keys", "person"), ("introducers", "person"), ("person_tags", "person"),
            ("links", "src"), ("tasks", "src"), ("problems", "path"),
        ):  # fmt: skip
            db.execute(f"DELETE FROM {table} WHERE {column} IN temp.forget")

    def _clear(self) -> None:
        """Delete every note's rows, their full text and the secondary indexes: the index as
        a new one is, but for its meta and its stored walk."""
        for table in _NOTE_TABLES:
            self.db.execute(f"DELETE FROM {table}")  # (no WHERE: SQLite drops the pages whole)
        self.db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('delete-all')")
        self._drop_indexes()

    def _drop_indexes(self) -> None:
        """Drop the secondary indexes, for rows written without them (`_make_indexes`)."""
        for name in _SECONDARY_INDEXES:
            self.db.execute(f"DROP INDEX IF EXISTS {name}")

    def _cadence_config(self) -> str:
        config = self.vault.config
        return repr((config.cadence_by_tag, config.default_cadence))

    def _summarise(self, everyone: bool) -> None:
        """Recompute the derived columns of the touched people (or of everyone)."""
        db = self.db
        where = "" if everyone else "WHERE p.path IN (SELECT person FROM temp.touched)"
        rows = db.execute(
            "SELECT p.rowid, p.cadence, p.tags, p.status, p.met, p.last_contact, p.snooze_until, "
            f"(SELECT {LATEST_SQL} FROM contacts c WHERE c.person = p.path AND c.date IS NOT NULL) "
            f"FROM people p {where}"
        ).fetchall()
        summaries = Summaries(self.vault.config)
        updates = [(*summaries.of(*row[1:]), row[0]) for row in rows]
        db.executemany(
            "UPDATE people SET last_any = ?, last_channel = ?, cadence_res = ?, cadence_source = ?, "
            "due_base = ?, period = ? WHERE rowid = ?",
            updates,
        )
        self._set_meta("cadence_config", self._cadence_config())

        # -- queries -----------------------------------------------------------------------

    def _trusted_report(self, started: float) -> SyncReport:
        return SyncReport(
            total=self.note_count(),
            problems=self.db.execute("SELECT count(*) FROM problems").fetchone()[0],
            seconds=time.perf_counter() - started,
        )
