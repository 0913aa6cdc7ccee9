"""The index's file on disk: whose it is, setting a damaged one aside, and the one line
that says why it cannot be used.

vaultkit deletes or rewrites an index file only when it is its own: an SQLite database
carrying vaultkit's application id (or, from before the mark, vaultkit's meta table).
Anything else at the index path is left alone, byte for byte.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path

from vaultkit import places
from vaultkit.errors import IndexFileError

APPLICATION_ID = 0x564B4958  # "VKIX" at offset 68 of the SQLite header: a vaultkit index
_MAGIC = b"SQLite format 3\x00"
_CHOOSE = "--index PATH or $VAULTKIT_INDEX"

# The one test hook: when set, it is called with the index's path before vaultkit creates
# the index or writes notes into it, and raises the OSError a file system would (ENOSPC,
# EROFS, EACCES). Tests use it where no small or read-only file system can be mounted.
before_write: Callable[[Path], None] | None = None


class Found(enum.Enum):
    """What is at the index path."""

    MISSING = "missing"
    EMPTY = "an empty file"  # no bytes to lose: it becomes the index
    OURS = "a vaultkit index"
    UNMARKED = "an SQLite database without an application id"  # an index from before the mark?
    FOREIGN = "another program's SQLite database"
    OTHER = "not an SQLite database, or one whose header is damaged"


def inspect(path: Path) -> Found:
    """What is at `path`, from one stat and the 100-byte SQLite header (cheap: every command
    does it). A folder, a device, a pipe or a socket is refused here, before anything opens it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Found.MISSING
    except OSError as err:
        raise unusable(path, err) from None
    if not stat.S_ISREG(info.st_mode):
        raise IndexFileError(
            f"{path} is {_kind(info.st_mode)}, not an index file, so vaultkit leaves it alone; "
            f"give {_CHOOSE} the path of a file"
        )
    if info.st_size == 0:
        return Found.EMPTY
    try:
        # O_NONBLOCK: should the file have become a pipe since the stat, do not wait on it.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            header = os.read(handle, 100)
        finally:
            os.close(handle)
    except OSError as err:
        raise unusable(path, err) from None
    if not header.startswith(_MAGIC):
        return Found.OTHER
    application_id = int.from_bytes(header[68:72], "big")
    if application_id == APPLICATION_ID:
        return Found.OURS
    return Found.UNMARKED if application_id == 0 else Found.FOREIGN


def is_old_index(path: Path) -> bool:
    """Whether an unmarked SQLite database is an index of a vaultkit from before the mark:
    vaultkit's meta table with a schema version and a config, next to its files and people
    tables (every index since the first had them). Opened read-only.

    Raises sqlite3.DatabaseError when the database cannot be read (see `damaged`)."""
    db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "files", "people"} <= tables:
            return False
        try:
            keys = {row[0] for row in db.execute("SELECT key FROM meta")}
        except sqlite3.OperationalError as err:
            if _name(err) == "SQLITE_ERROR":  # no column `key`: somebody else's meta table
                return False
            raise
        return {"schema_version", "config"} <= keys
    finally:
        db.close()


def refuse_inside(root: Path, path: Path, named_by: str) -> None:
    """Refuse an index path given (`named_by`: `--index` or `$VAULTKIT_INDEX`) that lies in
    the vault `root`, once links are followed: a sync service (iCloud, Dropbox, Syncthing,
    Obsidian Sync) would copy the live database, and a copy of a database being written is
    a damaged one (spec §1). A stat of each existing folder above it: only for a path given."""
    try:
        vault = os.stat(root)
    except OSError:
        return  # (no vault to be inside: the command says so)
    real = Path(os.path.realpath(path))  # (where it is: a link out of the vault is fine)
    for folder in (real, *real.parents):
        try:
            info = os.stat(folder)
        except OSError:  # (not made yet)
            continue
        if os.path.samestat(info, vault):
            default = places.default_index_path(str(root))  # (3 ms: only to say where it is)
            raise IndexFileError(
                f"{named_by} {path} is inside the vault, where a sync service would copy the live "
                f"database; give a path outside {root}, or none for the default ({default})"
            )


def not_ours(path: Path, found: Found) -> IndexFileError:
    """The refusal for a file at the index path that vaultkit cannot prove is its own."""
    if found is Found.FOREIGN or found is Found.UNMARKED:
        return IndexFileError(
            f"{path} is another program's SQLite database, so vaultkit leaves it alone; "
            f"give {_CHOOSE} another file"
        )
    return IndexFileError(
        f"{path} is not a vaultkit index (or is one whose header is damaged), so vaultkit leaves it "
        f"alone; if it is a damaged index, delete it, else give {_CHOOSE} another file"
    )


def another_vaults(path: Path, theirs: str, mine: Path) -> IndexFileError:
    """The refusal for an index made for another vault, which is still there."""
    return IndexFileError(
        f"the index {path} is the vault {theirs}'s; {mine} cannot share it (each would answer with "
        f"the other's people): give it its own with {_CHOOSE}, or leave them unset for the default"
    )


def damaged(err: BaseException) -> bool:
    """Whether SQLite says the database file is corrupt or not a database at all (and not, say,
    locked: OperationalError is a DatabaseError too)."""
    name = _name(err)
    return name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB"


def set_aside(path: Path) -> Path:
    """Move a damaged index out of the way, renamed beside itself with its -wal and -shm
    (`index.sqlite.corrupt-20261122-093000`); it is never deleted. Returns the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    number = 1
    while True:
        aside = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{number}" if number > 1 else ""))
        if not any(os.path.lexists(f"{aside}{suffix}") for suffix in ("", "-wal", "-shm")):
            break
        number += 1
    try:
        # The log first: a new index must never meet the old one's log under its own name.
        for suffix in ("-wal", "-shm", ""):
            # (Not found: no log, or another vaultkit set it aside a moment ago.)
            with contextlib.suppress(FileNotFoundError):
                os.rename(f"{path}{suffix}", f"{aside}{suffix}")
    except OSError as err:
        raise unusable(path, err) from None
    return aside


def check_write(path: Path) -> None:
    """Run the test hook `before_write`, if set, as vaultkit is about to write the index."""
    if before_write is not None:
        try:
            before_write(path)
        except OSError as err:
            raise unusable(path, err) from None


def failure(path: Path, err: BaseException, then: str = "run the command again") -> IndexFileError | None:
    """The one line for an SQLite error that is the file system's doing (a full disk, a
    read-only file system, a lock held too long: `then` says what to do), or None: a
    damaged file or a bug."""
    name = _name(err)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return IndexFileError(f"the index {path} stayed locked by another process; {then}")
    # A file open since, gone from its path (deleted, or another file there: SQLite says
    # "moved"), fails as a broken disk would; the place is fine. (Not CANTOPEN: a file
    # that could not be made is not there either.)
    if name == "SQLITE_READONLY_DBMOVED" or (
        name.startswith(("SQLITE_IOERR", "SQLITE_READONLY")) and not os.path.lexists(path)
    ):
        return IndexFileError(f"the index {path} was removed while in use; {then}")
    if name.startswith(
        ("SQLITE_FULL", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM", "SQLITE_NOLFS")
    ):
        assert isinstance(err, sqlite3.Error)
        return unusable(path, err)
    return None


def unusable(path: Path, err: OSError | sqlite3.Error) -> IndexFileError:
    """The index cannot be opened, created or written: the path, the cause and what to do."""
    cause = _cause(path, err)
    fix = "free some space or choose" if cause == "the disk is full" else "choose"
    return IndexFileError(f"cannot use the index {path}: {cause}; {fix} another place with {_CHOOSE}")


def _cause(path: Path, err: OSError | sqlite3.Error) -> str:
    if isinstance(err, OSError):
        code = err.errno
        if code == errno.ENOTDIR:
            return f"{_file_in_the_way(path)} is a file, not a folder"
        if code == errno.EISDIR:
            return "it is a folder"
        if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return "the disk is full"
        if code == errno.EROFS:
            return "the file system is read-only"
        if code in (errno.EACCES, errno.EPERM):
            return "permission denied"
        return (err.strerror or str(err)).lower()
    if _name(err).startswith("SQLITE_FULL"):
        return "the disk is full"
    # SQLite says only "unable to open database file" or "attempt to write a readonly
    # database": ask the file system why.
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None:
        if hasattr(os, "statvfs"):
            with_space = os.statvfs(existing)
            if with_space.f_flag & os.ST_RDONLY:
                return "the file system is read-only"
            if with_space.f_bavail == 0:
                return "the disk is full"
        if not os.access(existing, os.W_OK):
            return "permission denied"
    return str(err)


def _file_in_the_way(path: Path) -> Path:
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return path.parent


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _name(err: BaseException) -> str:
    return getattr(err, "sqlite_errorname", None) or ""
