"""The walk's data: the notes and folder listings it found, and the stat of every note,
done by two processes for a long list; and matching a folder listed again with its
stored listing (`kept_runs`), and the early stats with this walk's folders (`stats_by_plan`)."""

from __future__ import annotations

import contextlib
import os
import threading
from array import array
from collections.abc import Iterable
from typing import NamedTuple

from vaultkit.vault.names import shown_name_fault
from vaultkit.vault.stats import STAT_BYTES, stat_names

# A change to a file within its file system's time resolution of its mtime may leave that
# mtime as it was: a file (or folder) whose mtime is that close to a walk is looked at again
# by the next one. A file system keeping whole seconds may keep them 2 s apart (FAT; HFS+
# and ext3 keep 1 s); one keeping fractions stamps times from a clock that ticks every 1 to
# 16 ms (the kernel's jiffy; Windows' 15.6 ms), so 0.1 s leaves room.
RACY_NS = 2_000_000_000
FINE_RACY_NS = 100_000_000


def racy_window(mtime_ns: int) -> int:
    """How long after `mtime_ns` a change may still leave it as it is: a whole second's time
    may come from a file system that keeps only those (`RACY_NS`), else `FINE_RACY_NS`."""
    return RACY_NS if mtime_ns % 1_000_000_000 == 0 else FINE_RACY_NS


class FileStat(NamedTuple):
    """One note found by the walk."""

    rel_path: str
    mtime_ns: int
    size: int


class Listing(NamedTuple):
    """One folder as a walk listed it: enough to skip listing it again while it is unchanged.

    Adding, removing or renaming a file changes its folder's mtime (saving a note in place
    does not, but every note is stat'ed anyway), so a folder whose mtime is the one listed
    has the same names.
    """

    prefix: str  # vault-relative with a trailing slash; "" for the vault itself
    mtime_ns: int  # the folder's mtime when listed; -1: list it again next time
    ctime_ns: int  # and its ctime: a chmod changes only that, and may make it unreadable
    inode: int  # and its inode: a folder renamed into its place is another folder
    names: list[str]  # its plain notes (regular `.md` files a walk keeps), in listing order
    folders: list[str]  # the names of its sub-folders a walk enters
    # Notes and sub-folders a walk would keep but whose names no note may have (not UTF-8,
    # a control character), as `shown_name` shows them, a folder's with a trailing slash:
    # `vault check` names them.
    bad_names: tuple[str, ...] = ()
    quick: bool = False  # listed by names alone: its stats must show plain files (`Vault.scan`)
    # Every name in it looked like a plain note's (`Vault._list`): listed again, only the
    # names new since need that look.
    plain: bool = False


class Scan(NamedTuple):
    """A walk's result: the folders' listings, then the notes found the slow way (`odd`:
    symlinks, a note's name in another case), and `stats` holding (mtime_ns, size, 0) for
    each note in that order; the folders it could not read, with why; and the links it
    did not follow, with why."""

    listings: list[Listing]
    odd: list[str]
    stats: array[int]
    unreadable: list[tuple[str, str]]
    # (path, why) of the symlinks named as notes that a walk does not follow: leading out
    # of the vault, to nothing, or round in a loop (`Vault.link_fault`); `vault check` warns.
    unfollowed: tuple[tuple[str, str], ...] = ()

    def left_out(self) -> list[tuple[str, str]]:
        """(path, why) of what this walk could not take in, by path: folders it could not
        read, and notes and folders whose names are not UTF-8 or hold a control character."""
        found = [(prefix or "./", f"{why}; its notes are left out") for prefix, why in self.unreadable]
        for listing in self.listings:
            for name in listing.bad_names:
                fault = shown_name_fault(name)
                if name.endswith("/"):
                    why = f"the folder name {fault}: rename the folder; its notes are left out"
                else:
                    why = f"the file name {fault}: rename the file; note skipped"
                found.append((listing.prefix + name, why))
        return sorted(found)

    @property
    def paths(self) -> list[str]:
        """Every note's vault-relative path, in the order of `stats`."""
        return [listing.prefix + name for listing in self.listings for name in listing.names] + self.odd

    def file_at(self, position: int, paths: list[str]) -> FileStat:
        """The note at this position, with `paths` from `self.paths` (built once by the caller)."""
        return FileStat(paths[position], self.stats[3 * position], self.stats[3 * position + 1])

    def files_at(self, positions: Iterable[int]) -> list[FileStat]:
        """The notes at these positions; a few are found folder by folder, without `paths`."""
        positions = sorted(positions)
        if len(positions) > _FEW:
            paths = self.paths
            return [self.file_at(n, paths) for n in positions]
        found: list[FileStat] = []
        for n in positions:
            at = n
            for listing in self.listings:
                if at < len(listing.names):
                    path = listing.prefix + listing.names[at]
                    break
                at -= len(listing.names)
            else:
                path = self.odd[at]
            found.append(FileStat(path, self.stats[3 * n], self.stats[3 * n + 1]))
        return found

    def position_of(self, path: str) -> int:
        """Where this note is in the walk, or -1."""
        prefix, _, name = path.rpartition("/")
        prefix = prefix + "/" if prefix else ""
        at = 0
        for listing in self.listings:
            if listing.prefix == prefix:
                with contextlib.suppress(ValueError):  # (one pass over the names, not two)
                    return at + listing.names.index(name)
            at += len(listing.names)
        return at + self.odd.index(path) if path in self.odd else -1

    def files(self) -> list[FileStat]:
        """The notes as FileStat tuples."""
        stats = self.stats
        return [FileStat._make(t) for t in zip(self.paths, stats[0::3], stats[1::3], strict=True)]


PARALLEL_STAT = 4000  # notes; below this a second process costs more than it saves


def _stat_groups(groups: list[tuple[str, list[str]]], parallel: bool) -> array[int]:
    """(mtime_ns, size, 0) for each name of each folder, in order; (0, 0, -1) for a name that
    is gone or is no longer a regular file.

    A stat is a system call of a few microseconds that holds the GIL on return, so threads
    do not help; a forked child stats the second half of every folder while this process
    stats the first, and sends its numbers back through a pipe.
    """
    total = sum(len(names) for _, names in groups)
    if not parallel or total < PARALLEL_STAT or not hasattr(os, "fork") or threading.active_count() > 1:
        return stat_names(groups)
    halves = [(folder, len(names) // 2) for folder, names in groups]
    mine = [(folder, names[:half]) for (folder, names), (_, half) in zip(groups, halves, strict=True)]
    theirs = [(folder, names[half:]) for (folder, names), (_, half) in zip(groups, halves, strict=True)]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: stat, write, leave without running any of the parent's cleanup
        code = 1
        try:
            os.close(read_end)
            with open(write_end, "wb") as out:
                out.write(stat_names(theirs).tobytes())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    first = stat_names(mine)
    with open(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or len(data) % STAT_BYTES:
        return stat_names(groups)  # the child failed: do its share here
    second: array[int] = array("q")
    second.frombytes(data)
    merged: array[int] = array("q")
    at_first = at_second = 0
    for (_, names), (_, half) in zip(groups, halves, strict=True):
        merged.extend(first[at_first : at_first + 3 * half])
        at_first += 3 * half
        rest = 3 * (len(names) - half)
        merged.extend(second[at_second : at_second + rest])
        at_second += rest
    return merged


def _drop_missing(
    stats: array[int], listings: list[Listing], root: str, unreadable: list[tuple[str, str]]
) -> tuple[array[int], list[Listing]]:
    """Leave out the notes whose stat failed, and mark their folders to be listed again; a
    folder whose notes it may not open goes to `unreadable`."""
    kept: array[int] = array("q")
    out: list[Listing] = []
    at = 0
    for listing in listings:
        count = len(listing.names)
        flags = stats[at + 2 : at + 3 * count : 3]
        if -1 in flags:
            names = [name for n, name in enumerate(listing.names) if flags[n] != -1]
            denied = _denied(os.path.join(root, listing.prefix), listing.names[flags.index(-1)])
            if denied:
                unreadable.append((listing.prefix, denied))
            for n in range(count):
                if flags[n] != -1:
                    kept.extend(stats[at + 3 * n : at + 3 * n + 3])
            listing = listing._replace(names=names, mtime_ns=-1)
        else:
            kept.extend(stats[at : at + 3 * count])
        out.append(listing)
        at += 3 * count
    return kept, out


def _denied(folder: str, name: str) -> str | None:
    """Why a note in this folder cannot be stat'ed, when it is the folder's permissions."""
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.stat(name, dir_fd=fd, follow_symlinks=False)
        finally:
            os.close(fd)
    except PermissionError as err:
        return cannot_read(err)
    except OSError:
        pass  # gone, or no longer a note: nothing to say
    return None


def read_note(path: str, size: int, limit: int) -> bytes:
    """A note's bytes, at most `limit` of them, its stat's `size` a guess: read in one call
    when it still holds, and on to the end whatever it holds now (a cold index reads every
    note: `open()` would add a file object, its buffer and four system calls to each). The
    limit keeps a huge file named `.md` out of memory: the parser refuses what reaches it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunk = os.read(fd, min(size + 1, limit))
        parts, total = [chunk], len(chunk)
        while chunk and total < limit:  # (a read may stop short of the end: to the empty one)
            chunk = os.read(fd, min(65536, limit - total))
            parts.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    return b"".join(parts)


def cannot_read(err: OSError) -> str:
    """`cannot be read (permission denied)`: why a walk left a folder out."""
    return f"cannot be read ({(err.strerror or type(err).__name__).lower()})"


_FEW = 64  # names come, gone or moved in one folder that `kept_runs` pairs one by one


def _common_run(after: list[str], i: int, before: list[str], j: int) -> int:
    """How many names from after[i] are those from before[j]: compared 1,024 at a time."""
    length, step = 0, 1024
    while True:
        count = min(step, len(after) - i - length, len(before) - j - length)
        if count <= 0:
            return length
        if after[i + length : i + length + count] == before[j + length : j + length + count]:
            length += count
            continue
        for k in range(count):
            if after[i + length + k] != before[j + length + k]:
                return length + k


def kept_runs(
    before: list[str], after: list[str]
) -> tuple[list[int], list[int], list[tuple[int, int, int]]] | None:
    """How a folder's listing changed when a few names came, went or moved (a file system
    lists an unchanged folder in the same order; `Index._walk_after` appends a new note to
    its stored listing): the positions of the new names in `after`, those of the names gone
    in `before`, and the runs of kept names as (position in after, position in before,
    length). None when many changed: the caller matches every name instead.

    The two lists are read side by side; a name out of place waits for its twin on the
    other side, and the names that wait to the end came or went."""
    kept: list[tuple[int, int, int]] = []
    waiting_after: dict[str, int] = {}  # name -> position, not yet met in `before`
    waiting_before: dict[str, int] = {}
    i = j = 0
    while i < len(after) or j < len(before):
        length = _common_run(after, i, before, j)
        if length:
            kept.append((i, j, length))
            i, j = i + length, j + length
            continue
        name_after = after[i] if i < len(after) else None
        name_before = before[j] if j < len(before) else None
        if name_after is not None and name_after in waiting_before:
            kept.append((i, waiting_before.pop(name_after), 1))
            i += 1
        elif name_before is not None and name_before in waiting_after:
            kept.append((waiting_after.pop(name_before), j, 1))
            j += 1
        elif len(waiting_after) + len(waiting_before) >= _FEW:
            return None
        else:
            if name_after is not None:
                waiting_after[name_after] = i
                i += 1
            if name_before is not None:
                waiting_before[name_before] = j
                j += 1
    return sorted(waiting_after.values()), sorted(waiting_before.values()), kept


def in_stored_order(
    before: Listing,
    after: Listing,
    runs: tuple[list[int], list[int], list[tuple[int, int, int]]] | None = None,
) -> Listing:
    """`after`, a folder listed again, with its notes in the order of `before`, its stored
    listing, and the notes new since at the end, when only a few came or went (`kept_runs`,
    or its `runs` for these two lists).

    A file system lists a folder in an order of its own (on ext4, by a hash of the name),
    where a new note may land anywhere: keeping the stored order, the stored walk changes
    by the names that came and went instead of being written whole (`Index._store_walk`)."""
    if runs is None:
        if after.names == before.names:
            return after._replace(names=before.names)  # (one list: the store sees it is the same)
        runs = kept_runs(before.names, after.names)
        if runs is None:
            return after
    elif not runs[0] and not runs[1]:
        return after._replace(names=before.names)
    fresh, lost, _ = runs
    gone = set(lost)
    names = [name for n, name in enumerate(before.names) if n not in gone] if gone else list(before.names)
    names.extend(after.names[n] for n in fresh)
    return after._replace(names=names)


def stats_by_plan(
    listings: list[Listing], plan: list[Listing], plan_stats: array[int], root: str
) -> array[int]:
    """The stats of the notes of `listings`, from `plan_stats`, the stats of the notes of
    `plan` (an earlier walk's listings, stat'ed early: `vaultkit.vault.early`) in its order. A
    folder listed since is matched name by name; a note not in the plan is stat'ed now."""
    at_of: dict[str, tuple[int, Listing]] = {}
    at = 0
    for listing in plan:
        at_of[listing.prefix] = (at, listing)
        at += len(listing.names)
    out: array[int] = array("q")
    for listing in listings:
        folder, names = os.path.join(root, listing.prefix), listing.names
        found = at_of.get(listing.prefix)
        runs = None
        if found is not None:
            at, before = found
            if before is listing or before.names == names:
                out.extend(plan_stats[3 * at : 3 * (at + len(names))])
                continue
            runs = kept_runs(before.names, names)
        if runs is None:  # a folder new since, or much changed
            out.extend(stat_names([(folder, names)]))
            continue
        fresh, _, kept = runs
        part: array[int] = array("q", bytes(STAT_BYTES * len(names)))
        for new_at, old_at, length in kept:
            part[3 * new_at : 3 * (new_at + length)] = plan_stats[
                3 * (at + old_at) : 3 * (at + old_at + length)
            ]
        stated = stat_names([(folder, [names[n] for n in fresh])])
        for k, n in enumerate(fresh):
            part[3 * n : 3 * n + 3] = stated[3 * k : 3 * k + 3]
        out.extend(part)
    return out


def any_missing(stats: array[int]) -> bool:
    """Whether any note of these stats is gone or not a plain file (its flag is -1): the
    flags' bytes are all zero unless one is (one C pass, not an int object per note)."""
    return b"\xff" in stats[2::3].tobytes()
