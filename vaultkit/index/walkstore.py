"""The stored walk: the last walk's folder listings and note stats, kept in the index so
that the next command lists only the folders that changed."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import NamedTuple

from vaultkit.index.base import IndexBase
from vaultkit.vault.stats import STAT_BYTES
from vaultkit.vault.stored import NAMES_ROW, STATS_ROW, parts, read_names, rows_past, walk_state
from vaultkit.vault.walk import Listing, Scan, kept_runs


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
        new = scan.stats.tobytes()
        return _changed_in_run(new, self.stats, 0, 0, len(new) // STAT_BYTES)

    def differences(self, scan: Scan) -> tuple[list[int], list[int], list[str]] | None:
        """What `scan` found that this walk did not, folder by folder and name by name: the
        positions in `scan` of the new notes and of those whose stat changed, and the paths
        of the notes gone. None when a walk holds notes found the slow way (`odd`)."""
        size = STAT_BYTES
        if scan.odd or len(self.stats) != size * sum(len(each.names) for each in self.listings):
            return None
        before_at: dict[str, tuple[int, Listing]] = {}
        start = 0
        for each in self.listings:
            before_at[each.prefix] = (start, each)
            start += len(each.names)
        new, old = scan.stats.tobytes(), self.stats
        added: list[int] = []
        changed: list[int] = []
        gone: list[str] = []
        at = 0
        for listing in scan.listings:
            count = len(listing.names)
            found = before_at.pop(listing.prefix, None)
            if found is None:
                added.extend(range(at, at + count))
            elif found[1].names == listing.names:
                changed.extend(_changed_in_run(new, old, at, found[0], count))
            else:
                runs = kept_runs(found[1].names, listing.names)
                if runs is not None:  # a few names came or went, the rest in the same order
                    fresh, lost, kept = runs
                    added.extend(at + n for n in fresh)
                    gone.extend(listing.prefix + found[1].names[n] for n in lost)
                    for new_at, old_at, length in kept:
                        changed.extend(_changed_in_run(new, old, at + new_at, found[0] + old_at, length))
                else:
                    where = {name: found[0] + n for n, name in enumerate(found[1].names)}
                    for n, name in enumerate(listing.names):
                        was = where.pop(name, None)
                        if was is None:
                            added.append(at + n)
                        elif new[(at + n) * size : (at + n + 1) * size] != old[was * size : (was + 1) * size]:
                            changed.append(at + n)
                    gone.extend(listing.prefix + name for name in where)
            at += count
        for _, before in before_at.values():
            gone.extend(before.prefix + name for name in before.names)
        return added, changed, gone


def _changed_in_run(new: bytes, old: bytes, new_at: int, old_at: int, count: int) -> list[int]:
    """The positions in `new` of the notes, of `count` from `new_at`, whose stats differ
    from those of `old` from `old_at`: compared 512 notes at a time, then one by one.

    (Byte strings, sliced: a slice is a copy, but comparing two is one memcmp, where two
    memoryviews compare item by item, 45 times slower: 4 ms for 100,000 notes.)"""
    size = STAT_BYTES
    if new[new_at * size : (new_at + count) * size] == old[old_at * size : (old_at + count) * size]:
        return []
    found: list[int] = []
    step = STATS_ROW // size
    for first in range(0, count, step):
        last = min(first + step, count)
        if (
            new[(new_at + first) * size : (new_at + last) * size]
            != old[(old_at + first) * size : (old_at + last) * size]
        ):
            found.extend(
                new_at + n
                for n in range(first, last)
                if new[(new_at + n) * size : (new_at + n + 1) * size]
                != old[(old_at + n) * size : (old_at + n + 1) * size]
            )
    return found


def _folder_row(position: int, listing: Listing) -> tuple[object, ...]:
    """A folder's row of `walk_folders`: where it is, its times, its sub-folders, and
    whether all its names looked plain."""
    return (
        position,
        listing.prefix,
        listing.mtime_ns,
        listing.ctime_ns,
        listing.inode,
        "/".join(listing.folders),
        json.dumps(listing.bad_names) if listing.bad_names else "",
        int(listing.plain),
    )


class WalkStore(IndexBase):
    """The part of `Index` that keeps walkstore: see the module's docstring."""

    # -- the last walk, kept so that the next one can tell what changed cheaply ---------------
    # The walk this process last read or wrote, with the meta row that names it: each write
    # of the walk tables writes a new row (a nonce in it), so an equal row is the same walk.
    _walk_cache: tuple[str, _WalkSnapshot] | None = None

    def _walk_state(self) -> tuple[int, int]:
        """The generation the stored walk describes (-1: none) and how many times the walk
        tables were written."""
        return walk_state(self._meta("walk"))

    def _walk_snapshot(self) -> tuple[int, _WalkSnapshot | None]:
        """The index's generation, and the walk it stored, read together (not read again
        when this process read or wrote that walk last)."""
        db = self.db
        db.execute("BEGIN")
        try:
            generation = self._generation()
            state = self._meta("walk") or "-1 0"
            described, version = walk_state(state)
            if version == 0:
                return generation, None
            if self._walk_cache is not None and self._walk_cache[0] == state:
                return generation, self._walk_cache[1]
            names = read_names(db.execute("SELECT part, names FROM walk_names ORDER BY part"))
            listings = [
                Listing(
                    prefix,
                    mtime_ns,
                    ctime_ns,
                    inode,
                    names.get(position, []),
                    folders.split("/") if folders else [],
                    tuple(json.loads(bad_names)) if bad_names else (),
                    plain=bool(plain),
                )
                for position, prefix, mtime_ns, ctime_ns, inode, folders, bad_names, plain in db.execute(
                    "SELECT position, prefix, mtime_ns, ctime_ns, inode, folders, bad_names, plain "
                    "FROM walk_folders ORDER BY position"
                )
            ]
            stats = b"".join(row[0] for row in db.execute("SELECT stats FROM walk_stats ORDER BY part"))
        finally:
            if db.in_transaction:  # (SQLite may have ended it after an error)
                db.execute("COMMIT")
        snapshot = _WalkSnapshot(described, version, listings, stats)
        self._walk_cache = (state, snapshot)
        return generation, snapshot

    def _store_walk(self, walk: _Walk, inside: bool = False, scan_ns: int | None = None) -> None:
        """Keep this walk for the next sync, marked as describing the index's generation if
        the index holds exactly what it saw: nothing was written since its sync began, and
        no note needed a closer look (`odd`). Only the rows that differ are written.

        `inside` an `apply`, which bumps the generation after this in the same transaction.
        `scan_ns`: when the walk began, kept as the last scan's time when the walk describes
        the index (an `apply` keeps it itself).
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
                new = scan.stats.tobytes()
                if stored is None or len(stored.listings) != len(scan.listings):
                    for table in ("walk_folders", "walk_names", "walk_stats"):
                        db.execute(f"DELETE FROM {table}")
                    self._store_folders(scan.listings, new, [], b"")
                elif not (stored.same_listings(scan) and new == stored.stats):
                    self._store_folders(scan.listings, new, stored.listings, stored.stats)
                if scan_ns is not None:
                    self._set_meta("last_scan_ns", str(scan_ns))
                state = f"{walk.generation + inside} {version + 1} {os.urandom(6).hex()}"
                self._set_meta("walk", state)
                # (if `apply` rolls back, the row is the old one, and this never matches it)
                self._walk_cache = (
                    state,
                    _WalkSnapshot(walk.generation + inside, version + 1, scan.listings, new),
                )
            if not inside:
                db.execute("COMMIT")
        except BaseException:
            if not inside and db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _store_folders(
        self, listings: list[Listing], stats: bytes, before: list[Listing], old: bytes
    ) -> None:
        """Write each folder's rows of the walk tables that differ from those it had
        `before` (the listing at the same position, with the stats `old`; none: all)."""
        db = self.db
        size = STAT_BYTES
        at = old_at = 0
        for n, listing in enumerate(listings):
            mine = stats[at * size : (at + len(listing.names)) * size]
            at += len(listing.names)
            was: Listing | None = None
            stats_before: bytes | None = None
            if n < len(before):  # (rows of this position to keep, replace or delete)
                if before[n].prefix == listing.prefix:
                    was = before[n]
                    stats_before = old[old_at * size : (old_at + len(was.names)) * size]
                old_at += len(before[n].names)
            if listing is not was:
                db.execute(
                    "INSERT OR REPLACE INTO walk_folders VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    _folder_row(n, listing),
                )
            names_before = was.names if was is not None else None
            if listing.names is not names_before:
                db.executemany(
                    "INSERT OR REPLACE INTO walk_names VALUES (?, ?)",
                    [(key, "/".join(part)) for key, part in parts(n, listing.names, NAMES_ROW, names_before)],
                )
                if n < len(before):
                    db.execute(
                        "DELETE FROM walk_names WHERE part >= ? AND part < ?",
                        rows_past(n, len(listing.names), NAMES_ROW),
                    )
            if mine != stats_before:
                db.executemany(
                    "INSERT OR REPLACE INTO walk_stats VALUES (?, ?)", parts(n, mine, STATS_ROW, stats_before)
                )
                if n < len(before):
                    db.execute(
                        "DELETE FROM walk_stats WHERE part >= ? AND part < ?",
                        rows_past(n, len(mine), STATS_ROW),
                    )
