"""Replacing a file without losing anyone's bytes: note locks, the atomic swap, the temp name.

A write that checks the file and then renames a new one over it has a window: whatever
lands in between (an editor's autosave, a sync tool, a second `vault log`) is overwritten.
Two mechanisms close it:

- **Note locks** serialise vaultkit processes: an advisory `flock` on the note's own inode,
  taken before the read and held until the new file is in place. The new file is locked
  before it arrives, so a process that was waiting finds the lock on a file that is gone,
  and locks the new one, then reads what the first process wrote.
- **The swap** guards against everyone else, who takes no lock: the new file is exchanged
  with the old one in one step (Linux `renameat2(RENAME_EXCHANGE)`, macOS `renamex_np(
  RENAME_SWAP)`), so the bytes that were replaced can be compared with the bytes that were
  read. If they differ, somebody saved in between: the swap is undone and the write is
  refused. Where the platform or file system cannot swap, the check and an `os.replace`
  run back to back under the lock, which leaves a window of microseconds against writers
  that take no lock.

A file saved *in place* (truncated and rewritten, not renamed) while vaultkit swaps can
still lose that save: only atomic savers can be protected, and editors save atomically.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

LOCK_WAIT = 10.0  # seconds a note lock is waited for before the command gives up
SWAP_TRIES = 8  # undoing a swap while an editor keeps saving: see _undo_swap
TEMP_SUFFIX = ".vaultkit-tmp"  # in the .gitignore `vault init` writes

# Tests set this to act between two steps of a write (`checked`: the old bytes were
# compared; `swapped`: the new file is in place, the old one not yet compared;
# `undoing`: before each swap back); a slow disk or a busy editor does the same at random.
race_hook: Callable[[str, Path], None] | None = None

_exchange_cache: list[Callable[[str, str], bool] | None] = []


class LockTimeout(Exception):
    """Another process held a note's lock for LOCK_WAIT seconds."""


def flock_calls() -> tuple[Callable[[int, int], None], int, int, int] | None:
    """(flock, LOCK_EX, LOCK_NB, LOCK_UN), or None where there are no advisory locks."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here, the checks still run
        return None
    return fcntl.flock, fcntl.LOCK_EX, fcntl.LOCK_NB, fcntl.LOCK_UN


def lock_file(path: Path) -> int | None:
    """Open the file at `path` and hold an exclusive lock on it; returns the descriptor.

    None when there is no file (a new note is guarded by `link` instead). A file replaced
    while this waited is let go and the one now at the path is locked.
    """
    locking = flock_calls()
    deadline = time.monotonic() + LOCK_WAIT
    pause = 0.001
    while True:
        try:
            # O_NONBLOCK: a FIFO where a note should be must not hang the command.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return None
        if locking is None:
            return fd
        flock, exclusive, nonblocking, _ = locking
        try:
            flock(fd, exclusive | nonblocking)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() > deadline:
                raise LockTimeout(str(path)) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
            continue
        except OSError:
            return fd  # a file system without locks (some network shares): the swap still checks
        held = os.fstat(fd)
        try:
            now = os.stat(path)
        except FileNotFoundError:
            now = None
        if now is not None and (now.st_ino, now.st_dev) == (held.st_ino, held.st_dev):
            return fd
        os.close(fd)  # the file was replaced while we waited: lock the new one


@contextlib.contextmanager
def held_or_busy(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on the file at `path` (made if missing) while in the block, not
    waiting, with this process's pid written in it (`lock_holder` reads it).

    Yields False when another process holds it. Where there are no advisory locks (Windows,
    some network shares) or the file cannot be made, it yields True: the lock is a guard,
    not a promise.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError:
        yield True
        return
    try:
        locking = flock_calls()
        if locking is not None:
            try:
                locking[0](fd, locking[1] | locking[2])
            except BlockingIOError:
                yield False
                return
            except OSError:
                pass
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield True
    finally:
        os.close(fd)  # closing lets the lock go


def lock_holder(path: Path) -> str:
    """The pid the holder of a `held_or_busy` lock wrote, or "" when it cannot be told."""
    try:
        written = path.read_bytes()[:32].decode("ascii", "replace").strip()
    except OSError:
        return ""
    return written if written.isdigit() else ""


def read_locked(fd: int) -> tuple[bytes, os.stat_result]:
    """All the bytes of an open file, with its stat."""
    st = os.fstat(fd)
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, max(st.st_size, 65536)):
        chunks.append(chunk)
    return b"".join(chunks), st


def temp_name(target: Path) -> str:
    """A dot-named temp file's name beside `target`, short enough for the file system.

    The note's own name is kept at the front (a leftover after a crash says whose it
    was) but cut so that the whole stays within the folder's longest name.
    """
    tail = f".{os.urandom(4).hex()}{TEMP_SUFFIX}"
    room = _room(target.parent, tail)
    stem = os.fsencode(target.name)[:room].decode("utf-8", "ignore")
    return f".{stem}{tail}"


def _room(folder: str | Path, tail: str) -> int:
    """The bytes of a note's name a temp name keeps: the folder's longest name, less the
    leading dot and `tail`."""
    try:
        longest = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        longest = 255
    return max(longest - len(tail.encode()) - 1, 0)


def temp_stem(temp: str) -> str:
    """The note's name a temp `temp_name` made holds (`.NAME.RANDOM.vaultkit-tmp` → NAME),
    cut where the file system's limit made it cut."""
    return temp[1:].removesuffix(TEMP_SUFFIX).rpartition(".")[0]


def temp_target(folder: str, temp: str, names: Iterable[str]) -> str | None:
    """The file of `names` (its folder's) that a temp `temp_name` made was for, or None when
    there is none: the name the temp holds, or where that name was cut to fit (a name near
    the file system's limit), the one name that begins as the temp's does."""
    stem = temp_stem(temp)
    tail = temp[len(stem) + 2 :]  # `RANDOM.vaultkit-tmp`
    present = set(names)
    if stem in present:
        return stem
    # (the cut may also drop up to three bytes of a character it would split)
    if len(os.fsencode(stem)) < _room(folder, f".{tail}") - 3:
        return None
    begun = [name for name in present if name.startswith(stem) and not name.startswith(".")]
    return begun[0] if len(begun) == 1 else None


def stopped_before_placing(temp: Path, target: Path) -> bool | None:
    """Whether a write whose temp file `temp` was left beside `target` stopped before its
    new file took the note's place, from how the writers use the temp name.

    True: the temp is newer than the note, so it still holds the new bytes and the note
    its old ones (a swap would have put the older file at the temp name: the note as it
    was). None: the two names are one file (a new file linked into place, its temp name
    not yet removed: the write finished). False: the note was written after the temp,
    by that write's swap (the temp is then the note's old copy) or by a later save; which
    one, only their lines can tell. OSError when either is gone."""
    temp_stat, target_stat = os.stat(temp), os.stat(target)
    if (temp_stat.st_ino, temp_stat.st_dev) == (target_stat.st_ino, target_stat.st_dev):
        return None
    return temp_stat.st_mtime_ns > target_stat.st_mtime_ns


def make_temp(
    target: Path, data: bytes | Iterable[bytes], mode: int, durable: bool = True
) -> tuple[Path, int]:
    """Write `data` (bytes, or chunks of them as they are made) to a new temp file beside
    `target`, fsync'ed, with `mode`, and locked.

    Returns its path and an open descriptor holding its lock, so that the file is locked
    from the moment it takes the note's place.
    """
    for _ in range(100):
        temp = target.parent / temp_name(target)
        try:
            fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        except FileExistsError:
            continue
        break
    else:  # pragma: no cover - 100 collisions of 32 random bits
        raise FileExistsError(errno.EEXIST, "no free temp file name", str(target.parent))
    try:
        for chunk in [data] if isinstance(data, bytes) else data:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
        # The temp file is private (0600) until now; a note gets the mode the user's other
        # files get: the old file's, or for a new one what the umask allows.
        os.fchmod(fd, mode) if hasattr(os, "fchmod") else os.chmod(temp, mode)
        locking = flock_calls()
        if locking is not None:
            with contextlib.suppress(OSError):
                locking[0](fd, locking[1] | locking[2])
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return temp, fd


def new_file_mode() -> int:
    """The mode a new file gets: what the umask allows of 0o666."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_file(
    target: Path,
    data: bytes | Iterable[bytes],
    mode: int | None = None,
    exclusive: bool = False,
    durable: bool = True,
) -> None:
    """Put a file holding `data` (bytes or chunks) at `target` in one step: a temp file beside
    it, fsync'ed, renamed.

    Nobody ever sees half a file. `mode` defaults to the old file's, or for a new one what
    the umask allows. `exclusive`: raise FileExistsError when a file is there, even one that
    appears meanwhile, instead of replacing it. The caller checks for conflicts: this
    writer only makes the write atomic (a note's stale check is `replace_checked`).
    `durable=False` skips the fsync, for files made again from the notes (a vdir of 100,000
    events would spend minutes in fsync); the caller fsyncs their folder once at the end.
    """
    if mode is None:
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = new_file_mode()
    temp, fd = make_temp(target, data, mode, durable)
    renamed = False
    try:
        if not exclusive:
            os.replace(temp, target)
            renamed = True  # (no temp name left to remove: one failing call a file fewer)
            return
        _place_new(temp, target)
    finally:
        os.close(fd)
        if not renamed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


def _place_new(temp: Path, target: Path) -> None:
    """Give a temp file the name of a new file; FileExistsError if a file is there, even one
    that appeared a moment ago (never clobbers one). The temp's name is left to remove."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if target.exists():
            raise FileExistsError(errno.EEXIST, "a file is there", str(target)) from None
        os.replace(temp, target)


def create_files(files: Iterable[tuple[Path, bytes]], mode: int, placed: list[Path]) -> None:
    """New files, as `write_file(target, data, mode, exclusive=True)` makes each one, but with
    one sync of their bytes for all of them instead of one each where Linux's `syncfs` is
    there (0.07 ms a file instead of 0.7 on a virtual disk); elsewhere each is fsynced.

    Every file's bytes are durable before any of them gets its name: a crash leaves each
    new file whole or absent, never part-written. A file that cannot be made (a full disk)
    stops the rest, once those made before it are in place. `placed` gets each target as
    it takes its name, so that a failure part-way can say which are there. The caller
    syncs their folders. No temp file is kept open (a new file needs no lock), so any
    number of files takes a few descriptors (macOS allows a process 256 by default).
    """
    syncfs = _linux_syncfs()
    made: list[tuple[Path, Path]] = []
    stopped: OSError | None = None
    try:
        try:
            for target, data in files:
                temp, fd = make_temp(target, data, mode, durable=syncfs is None)
                try:
                    os.close(fd)  # (where a write fails late, at its close: that file is not made)
                except OSError:
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
                    raise
                made.append((target, temp))
        except OSError as err:
            stopped = err
        if syncfs is not None:
            _sync_files(syncfs, [temp for _, temp in made])
        for target, temp in made:
            _place_new(temp, target)
            placed.append(target)
        if stopped is not None:
            raise stopped
    finally:
        for _, temp in made:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


def _sync_files(syncfs: Callable[[int], int], paths: list[Path]) -> None:
    """Make these files' bytes durable: one `syncfs` of each file system they are on (by a
    descriptor of their folder), or, if it fails, an fsync each (which says which failed)."""
    folders = {os.stat(folder).st_dev: folder for folder in {path.parent for path in paths}}
    if all(_syncfs_folder(syncfs, folder) for folder in folders.values()):
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _syncfs_folder(syncfs: Callable[[int], int], folder: Path) -> bool:
    fd = os.open(folder, os.O_RDONLY)
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


def _linux_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int
    return syncfs


def _linux_exchange() -> Callable[[str, str], bool] | None:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # glibc before 2.28, musl: no wrapper
        return None
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2

    def exchange(first: str, second: str) -> bool:
        if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
            return True
        return _swap_failed(ctypes.get_errno(), first, second)

    return exchange


def _macos_exchange() -> Callable[[str, str], bool] | None:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renamex_np = libc.renamex_np
    except (OSError, AttributeError):
        return None
    renamex_np.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    renamex_np.restype = ctypes.c_int
    rename_swap = 2

    def exchange(first: str, second: str) -> bool:
        if renamex_np(os.fsencode(first), os.fsencode(second), rename_swap) == 0:
            return True
        return _swap_failed(ctypes.get_errno(), first, second)

    return exchange


_CANNOT_SWAP = {errno.EINVAL, errno.ENOSYS, errno.EXDEV, getattr(errno, "ENOTSUP", -1), errno.EOPNOTSUPP}


def _swap_failed(code: int, first: str, second: str) -> bool:
    """False when this file system cannot swap (the caller falls back); else raise."""
    if code in _CANNOT_SWAP:
        return False
    raise OSError(code, os.strerror(code), first, None, second)


def exchanger() -> Callable[[str, str], bool] | None:
    """The platform's atomic swap of two paths, or None where it has none.

    The function returns False when the file system at hand refuses to swap.
    """
    if not _exchange_cache:
        if sys.platform.startswith("linux"):
            _exchange_cache.append(_linux_exchange())
        elif sys.platform == "darwin":
            _exchange_cache.append(_macos_exchange())
        else:
            _exchange_cache.append(None)
    return _exchange_cache[0]


def replace_checked(target: Path, temp: Path, expected: bytes) -> bool:
    """Put `temp` in the place of `target` if `target` still holds `expected`.

    Returns False, with `target` holding whatever it held (and `temp` still the new
    file), when someone else's bytes were there. The caller holds the note's lock, so the
    only writers left are those that take no lock.
    """
    current = target.read_bytes()
    if current != expected:
        return False
    if race_hook is not None:
        race_hook("checked", target)
    exchange = exchanger()
    ours = os.stat(temp).st_ino
    if exchange is None or not exchange(str(temp), str(target)):
        os.replace(temp, target)  # no swap here: the check above ran just before
        return True
    if race_hook is not None:
        race_hook("swapped", target)
    if temp.read_bytes() == expected:
        return True
    _undo_swap(exchange, target, temp, ours)
    return False


def _undo_swap(exchange: Callable[[str, str], bool], target: Path, temp: Path, ours: int) -> None:
    """Swap back after someone's save landed between the check and the swap.

    The target holds our file (inode `ours`) and the temp name theirs. Swapping again puts
    theirs back, unless they saved once more in the meantime: then what comes back is not
    what we had put there but their newer save, which must go back in its turn; so swap
    until what comes back is what we last put there. Only we use the temp name, so what
    is there is known.
    """
    placed = ours
    for _ in range(SWAP_TRIES):
        waiting = os.stat(temp).st_ino  # theirs, about to go back to the target
        if race_hook is not None:
            race_hook("undoing", target)
        exchange(str(temp), str(target))
        if os.stat(temp).st_ino == placed:
            return
        placed = waiting  # a newer save had replaced ours: it is at the temp name now
    # Saves kept landing between every two swaps: the target holds one of theirs.
