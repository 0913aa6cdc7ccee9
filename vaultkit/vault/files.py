"""The vault on disk: finding it, walking its notes, name rules and safe writes."""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
import stat
import threading
import time
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from vaultkit.config import CONFIG_NAME, Config, load_config
from vaultkit.dates import is_date_name
from vaultkit.errors import (
    NoteBusy,
    RefusedWrite,
    StaleFileError,
    UsageError,
    VaultNotFound,
    WriteFailed,
)
from vaultkit.vault.atomic import (
    LockTimeout,
    lock_file,
    make_temp,
    new_file_mode,
    read_locked,
    replace_checked,
    write_file,
)

RACY_NS = 2_000_000_000  # a file system may keep mtimes this coarsely (FAT: 2 s)
STAT_BYTES = 24  # one note in `Scan.stats`: mtime_ns, size and a flag, 8 bytes each
_BAD_NAME_CHARS = set('/\\#^[]|:*?"<>')
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}


def find_vault_root(explicit: str | None, cwd: Path) -> Path:
    """The vault: `explicit` if given, else the nearest parent with vaultkit.toml or .obsidian/."""
    if explicit:
        root = Path(explicit).expanduser()
        if not root.is_dir():
            raise VaultNotFound(f"{explicit} is not a folder; pass --vault PATH to a vault")
        return root.resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / ".obsidian").is_dir():
            return folder.resolve()
    raise VaultNotFound(
        "no vault here: run inside a vault (a folder with vaultkit.toml or .obsidian/), "
        "pass --vault PATH, set $VAULTKIT_VAULT, or make one with `vault init`"
    )


def check_person_name(name: str) -> str:
    """Return the NFC form of a new person's name, or raise UsageError saying why not."""
    clean = unicodedata.normalize("NFC", name)
    why: str | None = None
    if not clean.strip():
        why = "it is empty"
    elif any(ch in _BAD_NAME_CHARS for ch in clean):
        why = 'it has one of / \\ # ^ [ ] | : * ? " < >'
    elif any(unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d" for ch in clean):
        why = "it has control characters"
    elif ".." in clean:
        why = "it has '..'"
    elif clean.startswith("."):
        why = "it starts with a dot"
    elif clean != clean.rstrip(". "):
        why = "it ends with a dot or a space"
    elif clean != clean.lstrip():
        why = "it starts with a space"
    elif clean.split(".")[0].upper() in _DEVICE_NAMES:
        why = "it is a reserved device name on Windows"
    elif is_date_name(clean):
        why = "it looks like a date and would collide with a daily note"
    elif len(clean.encode("utf-8")) > 200:
        why = "it is too long for a file name"
    if why:
        raise UsageError(f"cannot use {name!r} as a person's name: {why}")
    return clean


class Snapshot(NamedTuple):
    """A file's bytes as read, with the stat that lets a write detect later changes."""

    rel_path: str
    data: bytes
    mtime_ns: int
    size: int


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
    inode: int  # and its inode: a folder renamed into its place is another folder
    names: list[str]  # its plain notes (regular `.md` files a walk keeps), in listing order
    folders: list[str]  # the names of its sub-folders a walk enters


class Scan(NamedTuple):
    """A walk's result: the folders' listings, then the notes found the slow way (`odd`:
    symlinks, a note's name in another case), and `stats` holding (mtime_ns, size, 0) for
    each note in that order."""

    listings: list[Listing]
    odd: list[str]
    stats: array[int]

    @property
    def paths(self) -> list[str]:
        """Every note's vault-relative path, in the order of `stats`."""
        return [listing.prefix + name for listing in self.listings for name in listing.names] + self.odd

    def file_at(self, position: int, paths: list[str]) -> FileStat:
        """The note at this position, with `paths` from `self.paths` (built once by the caller)."""
        return FileStat(paths[position], self.stats[3 * position], self.stats[3 * position + 1])

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
        return _stat_names(groups)
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
                out.write(_stat_names(theirs).tobytes())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    first = _stat_names(mine)
    with open(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or len(data) % STAT_BYTES:
        return _stat_names(groups)  # the child failed: do its share here
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


def _drop_missing(stats: array[int], listings: list[Listing]) -> tuple[array[int], list[Listing]]:
    """Leave out the notes whose stat failed, and mark their folders to be listed again."""
    kept: array[int] = array("q")
    out: list[Listing] = []
    at = 0
    for listing in listings:
        count = len(listing.names)
        flags = stats[at + 2 : at + 3 * count : 3]
        if flags.count(-1):
            names = [name for n, name in enumerate(listing.names) if flags[n] != -1]
            for n in range(count):
                if flags[n] != -1:
                    kept.extend(stats[at + 3 * n : at + 3 * n + 3])
            listing = listing._replace(names=names, mtime_ns=-1)
        else:
            kept.extend(stats[at : at + 3 * count])
        out.append(listing)
        at += 3 * count
    return kept, out


def _stat_names(groups: list[tuple[str, list[str]]]) -> array[int]:
    found: array[int] = array("q")
    add = found.append
    regular = stat.S_IFREG
    for folder, names in groups:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            found.extend([0, 0, -1] * len(names))
            continue
        try:
            for name in names:
                try:
                    st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                except (OSError, ValueError):  # gone; or a name no file can have (a NUL)
                    add(0), add(0), add(-1)
                    continue
                add(st.st_mtime_ns), add(st.st_size), add(0 if stat.S_IFMT(st.st_mode) == regular else -1)
        finally:
            os.close(fd)
    return found


class Vault:
    """A vault folder and its config: the only code that touches the user's files."""

    def __init__(self, root: Path, config: Config | None = None) -> None:
        self.root = root.resolve()
        self.config = config if config is not None else load_config(self.root)
        self._skip_dirs = self._skipped_folders()
        self._locks: dict[str, int] | None = None  # inside `editing()`: real path -> locked fd

    def _skipped_folders(self) -> set[str]:
        skipped = {self.config.templates_dir} if self.config.templates_dir else set()
        settings = self.root / ".obsidian" / "templates.json"
        with contextlib.suppress(OSError, ValueError, AttributeError):
            folder = json.loads(settings.read_text(encoding="utf-8")).get("folder")
            if isinstance(folder, str) and folder.strip("/"):
                skipped.add(folder.strip("/"))
        return skipped

    def _excluded(self, rel_path: str) -> bool:
        return any(
            fnmatch.fnmatchcase(rel_path, pattern) or fnmatch.fnmatchcase(rel_path + "/", pattern)
            for pattern in self.config.exclude
        )

    def walk(self) -> list[FileStat]:
        """Every note vaultkit reads: `.md` files outside dot-folders, templates and excludes."""
        return self.scan().files()

    def scan(self, previous: Iterable[Listing] = (), parallel: bool = True) -> Scan:
        """What `walk` lists, compactly. `previous` are the listings of an earlier scan:
        a folder whose mtime and inode are the same since is not listed again.

        This runs before every command. One stat per note is the bulk of it (100,000 system
        calls at 100,000 notes), so a long list is stat'ed by two processes.
        """
        known = {listing.prefix: listing for listing in previous}
        listings: list[Listing] = []
        odd: list[FileStat] = []  # notes found the slow way: symlinks, `.MD`
        stack = [""]
        seen: set[str] = set()
        root = str(self.root)
        while stack:
            prefix = stack.pop()
            folder = os.path.join(root, prefix) if prefix else root
            real = os.path.realpath(folder)
            if real in seen:
                continue
            seen.add(real)
            listing = known.get(prefix)
            try:
                st = os.stat(folder)
            except OSError:
                continue
            if listing is None or (listing.mtime_ns, listing.inode) != (st.st_mtime_ns, st.st_ino):
                listing = self._list(folder, prefix, st, odd)
                if listing is None:
                    continue
            listings.append(listing)
            stack.extend(prefix + name + "/" for name in listing.folders)
        stats = _stat_groups([(os.path.join(root, each.prefix), each.names) for each in listings], parallel)
        if stats.count(-1):  # gone or replaced between listing and stat: list them again next time
            stats, listings = _drop_missing(stats, listings)
        for note in odd:
            stats.extend((note.mtime_ns, note.size, 0))
        return Scan(listings, [note.rel_path for note in odd], stats)

    def _list(self, folder: str, prefix: str, st: os.stat_result, odd: list[FileStat]) -> Listing | None:
        """List one folder: its plain notes and sub-folders; other notes go to `odd`."""
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            return None
        names = [e.name for e in entries]
        joined = "\0" + "\0".join(names) + "\0"
        plain = [e.is_file(follow_symlinks=False) for e in entries]
        had_odd = len(odd)
        if (
            joined.count(".md\0") == len(names)
            and plain.count(False) == 0
            and joined.isascii()
            and "\0." not in joined
            and "onflict" not in joined
            and not self.config.exclude
        ):
            notes, folders = names, list[str]()  # the common case: a folder of notes, nothing else
        else:
            notes, folders = self._split_entries(entries, folder, prefix, odd)
        # A folder changed within the file system's time resolution of now may change again
        # without a new mtime: list it again next time.
        mtime_ns = st.st_mtime_ns
        if time.time_ns() - mtime_ns < RACY_NS or len(odd) > had_odd:
            mtime_ns = -1  # (and a symlinked note is found only by listing its folder)
        return Listing(prefix, mtime_ns, st.st_ino, notes, folders)

    def _split_entries(
        self, entries: list[os.DirEntry[str]], folder: str, prefix: str, odd: list[FileStat]
    ) -> tuple[list[str], list[str]]:
        """A folder's plain notes and the sub-folders to enter; a note a walk keeps that is
        not a plain `.md` file (a symlink, `.MD`) is stat'ed here and added to `odd`."""
        notes: list[str] = []
        folders: list[str] = []
        for entry in entries:
            name = entry.name
            if not self._wanted(entry, folder, prefix):
                continue
            try:
                if name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    notes.append(name)
                    continue
                rel = prefix + name
                key = rel if rel.isascii() else unicodedata.normalize("NFC", rel)
                if entry.is_symlink():
                    if not self._inside(entry.path):
                        continue
                    is_dir = entry.is_dir()
                else:
                    is_dir = entry.is_dir(follow_symlinks=False)
                if is_dir:
                    if key not in self._skip_dirs:
                        folders.append(name)
                elif name[-3:].lower() == ".md":
                    st = entry.stat()
                    if entry.is_file():
                        odd.append(FileStat(rel, st.st_mtime_ns, st.st_size))
            except OSError:
                continue
        return notes, folders

    def _wanted(self, entry: os.DirEntry[str], folder: str, prefix: str) -> bool:
        """Whether a walk keeps this entry, by its name: no dot files, no sync tool's
        conflict copies, no decomposed twin of a composed name, nothing excluded."""
        name = entry.name
        if name[0] == ".":
            return False
        if "onflict" in name and is_conflict_copy(name):
            return False  # a sync tool's copy: `vault check` reports it; it is nobody
        # A Mac's decomposed spelling: when the composed one sits beside it (Linux keeps
        # both), they are one note to a Mac and to vaultkit: read the NFC one.
        if (
            not name.isascii()
            and not unicodedata.is_normalized("NFC", name)
            and os.path.lexists(os.path.join(folder, unicodedata.normalize("NFC", name)))
        ):
            return False
        if self.config.exclude:
            # Settings match the NFC form, but the path stays as it is on disk: a
            # decomposed name (saved on a Mac) opens only by its own bytes.
            rel = prefix + name
            return not self._excluded(rel if rel.isascii() else unicodedata.normalize("NFC", rel))
        return True

    def includes(self, rel_path: str) -> bool:
        """Whether `walk` would list a note at this vault-relative path (file type aside)."""
        parts = rel_path.split("/")
        if not rel_path.lower().endswith(".md") or any(part.startswith(".") for part in parts):
            return False
        if is_conflict_copy(parts[-1]):
            return False
        key = unicodedata.normalize("NFC", rel_path)
        folders = ["/".join(parts[:n]) for n in range(1, len(parts))]
        if any(folder in self._skip_dirs for folder in folders):
            return False
        return not (self.config.exclude and any(self._excluded(f) for f in [*folders, key]))

    def _inside(self, path: str) -> bool:
        real = os.path.realpath(path)
        return real == str(self.root) or real.startswith(str(self.root) + os.sep)

    def path(self, rel_path: str) -> Path:
        """The absolute path of a vault-relative path, refusing anything outside the vault."""
        if rel_path.startswith("/") or ".." in rel_path.split("/"):
            raise RefusedWrite(f"{rel_path} is outside the vault")
        full = self.root / rel_path
        if not self._inside(str(full.parent)):
            raise RefusedWrite(f"{rel_path} leads outside the vault (a symlink?)")
        return full

    def read(self, rel_path: str) -> Snapshot:
        """Read a note's bytes with its stat; inside `editing()`, lock it first."""
        full = self.path(rel_path)
        if self._locks is not None:
            target = self._real_target(rel_path, full)
            fd = self._lock(rel_path, target)
            if fd is not None:
                data, st = read_locked(fd)
                return Snapshot(rel_path, data, st.st_mtime_ns, st.st_size)
        with open(full, "rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read()
        return Snapshot(rel_path, data, st.st_mtime_ns, st.st_size)

    @contextlib.contextmanager
    def editing(self) -> Iterator[None]:
        """Within the block, every note read is locked against other vaultkit processes
        until the block ends, so that a read, the edit and the write are one step to them:
        two commands editing one note both land, one after the other. Read the notes in
        one order (sorted) to never wait on each other in a circle. Not for sharing one
        Vault between threads."""
        if self._locks is not None:
            yield
            return
        self._locks = {}
        try:
            yield
        finally:
            locks, self._locks = self._locks, None
            for fd in locks.values():
                os.close(fd)

    def _lock(self, rel_path: str, target: Path) -> int | None:
        """The descriptor holding this note's lock: the one held, while the note is still
        that file (someone else may have saved it since), else a new one."""
        assert self._locks is not None
        key = str(target)
        held = self._locks.get(key)
        if held is not None:
            with contextlib.suppress(OSError):
                if os.fstat(held).st_ino == os.stat(target).st_ino:
                    return held
            os.close(self._locks.pop(key))
        try:
            fd = lock_file(target)
        except LockTimeout:
            raise NoteBusy(rel_path) from None
        if fd is not None:
            self._locks[key] = fd
        return fd

    def _real_target(self, rel_path: str, full: Path) -> Path:
        """The file a note's path names: a symlink inside the vault is followed (the link
        stays a link); one that leads outside is refused."""
        if not full.is_symlink():
            return full
        real = Path(os.path.realpath(full))
        if not self._inside(str(real)):
            raise RefusedWrite(f"{rel_path} leads outside the vault (a symlink?)")
        return real

    def exists(self, rel_path: str) -> bool:
        """Whether a file is at that vault-relative path."""
        return self.path(rel_path).exists()

    def write(self, rel_path: str, data: bytes, expected: Snapshot | None) -> None:
        """Write atomically; refuse if the file changed since `expected` (None: must be new).

        A change made by anyone after `expected` was read is never replaced: vaultkit
        processes wait for the note's lock, other writers are caught by the swap (see
        `vaultkit.vault.atomic`). A file system's refusal (full, read-only) leaves the file as it
        was and raises WriteFailed.
        """
        full = self.path(rel_path)
        if not self.root.is_dir():
            raise WriteFailed(rel_path, f"the vault folder {self.root} is gone", "nothing was written")
        try:
            if expected is None:
                self._create(rel_path, full, data)
            else:
                self._replace(rel_path, self._real_target(rel_path, full), data, expected)
        except FileNotFoundError:
            if not self.root.is_dir():
                raise WriteFailed(
                    rel_path, f"the vault folder {self.root} is gone", "nothing was written"
                ) from None
            raise StaleFileError(rel_path) from None
        except OSError as err:
            outcome = "it was not created" if expected is None else "it was not changed"
            raise WriteFailed(rel_path, err.strerror or str(err), outcome) from None
        _fsync_dir(full.parent)

    def _create(self, rel_path: str, full: Path, data: bytes) -> None:
        if full.exists() or full.is_symlink():
            raise RefusedWrite(f"{rel_path} already exists; it was not overwritten")
        # Folders are made one at a time below the vault, never the vault itself: a vault
        # deleted meanwhile stays deleted (FileNotFoundError: the write fails).
        rel_parts = full.parent.relative_to(self.root).parts
        for depth in range(1, len(rel_parts) + 1):
            (self.root / Path(*rel_parts[:depth])).mkdir(exist_ok=True)
        try:
            write_file(full, data, new_file_mode(), exclusive=True)
        except FileExistsError:
            raise RefusedWrite(f"{rel_path} already exists; it was not overwritten") from None

    def _replace(self, rel_path: str, target: Path, data: bytes, expected: Snapshot) -> None:
        held = self._locks is not None and str(target) in self._locks
        try:
            locked = self._locks[str(target)] if self._locks is not None and held else lock_file(target)
        except LockTimeout:
            raise NoteBusy(rel_path) from None
        if locked is None:
            raise StaleFileError(rel_path)  # deleted since it was read
        lock = locked
        temp, fd = make_temp(target, data, os.fstat(lock).st_mode & 0o7777)
        try:
            if not replace_checked(target, temp, expected.data):
                raise StaleFileError(rel_path)
            # Our file is in place and `fd` holds its lock: keep that one, let the old go.
            if held:
                assert self._locks is not None
                self._locks[str(target)], fd = fd, lock
        finally:
            os.close(fd)
            if not held:
                os.close(lock)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)  # the old file, or ours when it was refused


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def is_conflict_copy(name: str) -> bool:
    """A copy that a sync tool left beside a note it could not merge (Obsidian Sync, Dropbox:
    `Note (conflicted copy 2026-11-20).md`; Syncthing: `Note.sync-conflict-20261120-1.md`)."""
    folded = name.casefold()
    return "conflicted copy" in folded or ".sync-conflict-" in folded


_SAFE_FILE_RE = re.compile(r"[\x00-\x1f/\\:*?\"<>|#^\[\]]")


def safe_file_stem(text: str) -> str:
    """A file stem from free text (titles): unsafe characters become spaces."""
    clean = _SAFE_FILE_RE.sub(" ", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", clean).strip(" .") or "Untitled"


_CONFIG_TEMPLATE = """\
# vaultkit settings: every key is optional; these are the defaults.
people_dir = "People"
meetings_dir = "Meetings"
daily_dir = "Daily"
templates_dir = "Templates/vaultkit"
log_heading = "Log"
default_cadence = ""            # e.g. "3m" for everyone without a cadence
write_last_contact = true

[cadence_by_tag]
# family = "2w"
# mentor = "3m"

[goals]
new_people_per_week = 1
"""

_GITIGNORE = """\
# vaultkit keeps its index outside the vault; these are Obsidian's per-device files.
.obsidian/workspace*.json
.obsidian/cache
.trash/
*.vaultkit-tmp
"""


def init_vault(root: Path) -> list[str]:
    """Make a vault at `root`: config, folders, templates folder, .gitignore. Returns what was made."""
    made: list[str] = []
    try:
        root.mkdir(parents=True, exist_ok=True)
        config = load_config(root)
        for folder in (config.people_dir, config.meetings_dir, config.daily_dir, config.templates_dir):
            if folder and not (root / folder).is_dir():
                (root / folder).mkdir(parents=True)
                made.append(folder + "/")
    except OSError as err:
        outcome = f"made so far: {', '.join(made)}" if made else "nothing was made"
        raise WriteFailed(str(err.filename or root), err.strerror or str(err), outcome) from None
    vault = Vault(root, config)
    for name, content in ((CONFIG_NAME, _CONFIG_TEMPLATE), (".gitignore", _GITIGNORE)):
        if not (root / name).exists():
            vault.write(name, content.encode("utf-8"), None)
            made.append(name)
    return made
