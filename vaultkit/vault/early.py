"""Early stats: the walk's stats begun while the command is still importing.

Every command that reads the index first stats every note (`Vault.scan`): 100,000 system
calls at 100,000 notes, a quarter of a second on one core. The `vault` script forks a
child before it imports the CLI (`start`); the child reads the stored walk's listings from
the index and stats those notes, in order, into memory it shares with the parent. When the
parent's sync reaches its walk, it takes the child's stats (`take`) and stats the second
half of what is left itself, so the two cores share the work from the first millisecond.

The child only guesses the vault and the index from the command line, the environment
and the current folder; the parent uses its stats only when the guess is the vault and
index it opened, the stored walk is the one it read, and the child started less than a
second ago. Anything else, and the parent stats the notes as it always does.

Stats taken before a folder is listed are older than the listing: a note changed in that
moment is seen by the next command, as a note changed just after any walk is.
"""

from __future__ import annotations

import mmap
import os
import time

from vaultkit.vault.stats import STAT_BYTES, stat_names

TYPE_CHECKING = False  # (typing is not imported: this module runs before anything else is)
if TYPE_CHECKING:
    from array import array
    from collections.abc import Mapping, Sequence

    from vaultkit.vault.walk import Listing

MINIMUM = 1000  # notes; below this the walk is quick anyway
CAPACITY = 1 << 20  # notes the shared memory holds (24 MB of address space, used as written)
FRESH_NS = 1_000_000_000  # stats older than this are not used: a sync long after start-up
CHUNK = 512  # notes the child stats between looks at its limit
# Commands that never walk the vault (git runs `merge-driver` once per note in a merge),
# and `vault mcp`, whose first walk may be hours away: no child for them.
NO_WALK = ("init", "git-setup", "merge-driver", "mcp")

# The shared memory: a header of int64 slots, the guessed paths, then 3 int64 per note.
STATE, VERSION, TOTAL, DONE, LIMIT, TEXT = range(6)
HEADER = 8
TEXT_BYTES = 16384
STARTING, STATTING, FINISHED, NOTHING = 0, 1, 2, -1

_pending: EarlyStats | None = None


class EarlyStats:
    """The parent's handle on the child (see the module's docstring)."""

    def __init__(self, pid: int, memory: mmap.mmap, done: int, started_ns: int) -> None:
        self.pid = pid
        self.memory = memory
        self.slots = memoryview(memory).cast("q")
        self.done = done  # the pipe's read end: at its end when the child has stopped
        self.started_ns = started_ns
        self.version = -1  # the stored walk's version the parent read (`take`)

    def guessed(self) -> tuple[str, str] | None:
        """The (vault, index) the child guessed, waiting for it to read the index's walk;
        None when it has no stats to give."""
        deadline = time.monotonic() + 0.5
        while self.slots[STATE] == STARTING:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.0002)
        if self.slots[STATE] == NOTHING:
            return None
        size = self.slots[TEXT]
        start = HEADER * 8
        vault, _, index = bytes(self.memory[start : start + size]).partition(b"\0")
        return os.fsdecode(vault), os.fsdecode(index)

    def stats_for(self, plan: Sequence[Listing], root: str) -> array[int] | None:
        """The stats of the notes of `plan` (the stored walk the parent read), in its order:
        the child's share, and the rest stat'ed here. None when the child read another walk
        or failed. Either way the child is done with after this."""
        from array import array

        try:
            total = sum(len(listing.names) for listing in plan)
            if (
                self.slots[STATE] == NOTHING
                or self.slots[VERSION] != self.version
                or self.slots[TOTAL] != total
            ):
                return None
            limit = total
            if self.slots[STATE] == STATTING:  # share what is left
                done = self.slots[DONE]
                limit = done + (total - done + 1) // 2
                self.slots[LIMIT] = limit
            mine = stat_names(_groups(plan, root, limit, total))
            self._wait()
            reached = min(self.slots[DONE], limit)
            theirs: array[int] = array("q")
            base = HEADER * 8 + TEXT_BYTES
            theirs.frombytes(self.memory[base : base + reached * STAT_BYTES])
            if reached < limit:  # the child stopped short: do the rest of its share
                theirs.extend(stat_names(_groups(plan, root, reached, limit)))
            theirs.extend(mine)
            return theirs
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child (it stops at its next look at its limit), wait for it, let go."""
        if self.memory.closed:
            return
        self.slots[LIMIT] = 0
        self._wait()
        self.slots.release()
        self.memory.close()

    def _wait(self) -> None:
        if self.pid:
            os.read(self.done, 1)
            os.close(self.done)
            os.waitpid(self.pid, 0)
            self.pid = 0


def _groups(plan: Sequence[Listing], root: str, first: int, last: int) -> list[tuple[str, list[str]]]:
    """The (folder, names) of the notes at positions first..last of `plan`."""
    groups: list[tuple[str, list[str]]] = []
    at = 0
    for listing in plan:
        count = len(listing.names)
        if at + count > first and at < last:
            names = listing.names[max(first - at, 0) : min(last - at, count)]
            groups.append((os.path.join(root, listing.prefix), names))
        at += count
    return groups


def start(
    argv: list[str], environ: Mapping[str, str], minimum: int = MINIMUM, limit: int | None = None
) -> None:
    """Fork the child that stats the notes of the stored walk (see the module's docstring):
    not for `--help` and the like, nor for the commands in NO_WALK, nor on one core or
    without fork. (`limit`: the child stops there, for tests.)"""
    global _pending
    from vaultkit.places import global_options

    options, command = global_options(argv)
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    if (
        command in (None, *NO_WALK)
        or not hasattr(os, "fork")
        or len(cores) < 2
        or "_VAULT_COMPLETE" in environ
    ):
        return
    try:
        memory = mmap.mmap(-1, HEADER * 8 + TEXT_BYTES + CAPACITY * STAT_BYTES)
    except OSError:  # (a machine that commits no memory it was not asked to use)
        return
    slots = memoryview(memory).cast("q")
    slots[LIMIT] = CAPACITY if limit is None else limit
    started_ns = time.time_ns()
    parent = os.getpid()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no more processes: the command walks as it always does
        for fd in (read_end, write_end):
            os.close(fd)
        slots.release()
        memory.close()
        return
    if pid == 0:
        try:
            # Nothing to say: a reader of the command's output sees its end when the parent ends.
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.close(read_end)
            _child(memory, slots, options, dict(environ), minimum, parent)
        finally:
            os._exit(0)  # (nothing of the parent's to clean up: it has imported nothing yet)
    os.close(write_end)
    slots.release()
    _pending = EarlyStats(pid, memory, read_end, started_ns)


def take(vault: str, index: str, version: int | None) -> EarlyStats | None:
    """The early stats for this vault and index, whose stored walk is `version` (None: it
    keeps none), once per process, while they are fresh; else None, the child stopped."""
    global _pending
    early, _pending = _pending, None
    if early is None:
        return None
    paths = early.guessed() if time.time_ns() - early.started_ns < FRESH_NS and version else None
    if paths != (os.path.realpath(vault), os.path.realpath(index)):
        early.close()
        return None
    early.version = version or -1
    return early


def discard() -> None:
    """Tell the child to stop, without waiting for it: the walk is not needed (a live
    `vault watch` keeps the index current)."""
    global _pending
    early, _pending = _pending, None
    if early is not None:
        early.slots[LIMIT] = 0


def _guess(options: dict[str, str], environ: dict[str, str]) -> tuple[str, str]:
    """The vault and index the global options name, read as the CLI reads them."""
    from vaultkit import places

    vault = places.vault_root(options.get("--vault") or environ.get("VAULTKIT_VAULT"), os.getcwd())
    index = options.get("--index") or environ.get("VAULTKIT_INDEX")
    index = os.path.expanduser(index) if index else places.default_index_path(vault)
    return vault, os.path.realpath(index)


def _child(
    memory: mmap.mmap,
    slots: memoryview,
    options: dict[str, str],
    environ: dict[str, str],
    minimum: int,
    parent: int,
) -> None:
    """Read the stored walk's listings and stat their notes into `memory`, a chunk at a time,
    stopping before the parent's limit, or when the parent has ended without asking."""
    try:
        try:
            vault, index = _guess(options, environ)
            plan = _stored_walk(index)
        except Exception:  # no vault, no index, no walk: the parent walks as it always does
            return
        if plan is None:
            return
        version, listings = plan
        total = sum(len(names) for _, names in listings)
        text = os.fsencode(vault) + b"\0" + os.fsencode(index)
        if total < minimum or total > CAPACITY or len(text) > TEXT_BYTES:
            return
        start = HEADER * 8
        memory[start : start + len(text)] = text
        slots[TEXT], slots[VERSION], slots[TOTAL] = len(text), version, total
        slots[STATE] = STATTING
        at = 0
        base = HEADER * 8 + TEXT_BYTES
        for prefix, names in listings:
            folder = os.path.join(vault, prefix)
            for first in range(0, len(names), CHUNK):
                if at + first >= slots[LIMIT] or os.getppid() != parent:
                    slots[STATE] = FINISHED
                    return
                chunk = stat_names([(folder, names[first : first + CHUNK])]).tobytes()
                offset = base + (at + first) * STAT_BYTES
                memory[offset : offset + len(chunk)] = chunk
                slots[DONE] = at + first + len(chunk) // STAT_BYTES
            at += len(names)
        slots[STATE] = FINISHED
    finally:
        if slots[STATE] == STARTING:
            slots[STATE] = NOTHING


def _stored_walk(index: str) -> tuple[int, list[tuple[str, list[str]]]] | None:
    """The stored walk's version and (prefix, names) of each folder, as `WalkStore` keeps
    them; None when the index keeps none. Read only: the child writes nothing there."""
    import sqlite3

    from vaultkit.vault.stored import read_names, walk_state

    if not os.path.isfile(index):
        return None
    uri = "file:" + index.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    db = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        db.execute("BEGIN")
        row = db.execute("SELECT value FROM meta WHERE key = 'walk'").fetchone()
        version = walk_state(row[0] if row else None)[1]
        names = read_names(db.execute("SELECT part, names FROM walk_names ORDER BY part"))
        listings = [
            (prefix, names.get(position, []))
            for position, prefix in db.execute("SELECT position, prefix FROM walk_folders ORDER BY position")
        ]
        db.execute("COMMIT")
    finally:
        db.close()
    return (version, listings) if version else None
