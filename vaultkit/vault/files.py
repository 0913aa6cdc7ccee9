"""The vault on disk: finding it, walking its notes, name rules and safe writes."""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import json
import os
import time
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from vaultkit.config import Config, config_from_dict, load_config, with_vault_id
from vaultkit.errors import (
    ConfigError,
    NoteBusy,
    NoteGone,
    RefusedWrite,
    StaleFileError,
    WriteFailed,
)
from vaultkit.model import MAX_NOTE_BYTES
from vaultkit.places import CONFIG_NAME, vault_root
from vaultkit.vault.atomic import (
    LockTimeout,
    create_files,
    lock_file,
    make_temp,
    new_file_mode,
    read_locked,
    replace_checked,
    write_file,
)
from vaultkit.vault.names import (
    is_conflict_copy,
    is_usable_name,
    is_utf8,
    shown_name,
)
from vaultkit.vault.walk import (
    FileStat,
    Listing,
    Scan,
    _drop_missing,
    _stat_groups,
    any_missing,
    cannot_read,
    in_stored_order,
    kept_runs,
    racy_window,
    stats_by_plan,
)

if TYPE_CHECKING:
    from vaultkit.vault.early import EarlyStats


def find_vault_root(explicit: str | None, cwd: Path) -> Path:
    """The vault: `explicit` if given, else the nearest parent with vaultkit.toml or .obsidian/."""
    return Path(vault_root(explicit, str(cwd)))


class Snapshot(NamedTuple):
    """A file's bytes as read, with the stat that lets a write detect later changes."""

    rel_path: str
    data: bytes
    mtime_ns: int
    size: int


_TEMPLATE_SETTINGS = (
    (".obsidian/templates.json", "folder"),  # Obsidian's core Templates plugin
    (".obsidian/plugins/templater-obsidian/data.json", "templates_folder"),  # Templater
)
"""Where Obsidian's template plugins keep their templates folder: (settings file, key)."""


class Vault:
    """A vault folder and its config: the only code that touches the user's files."""

    def __init__(self, root: Path, config: Config | None = None) -> None:
        self.root = root.resolve()
        self.config = config if config is not None else load_config(self.root)
        self._skip_dirs = self._skipped_folders()
        self._locks: dict[str, int] | None = None  # inside `editing()`: real path -> locked fd

    def _skipped_folders(self) -> set[str]:
        skipped = {self.config.templates_dir} if self.config.templates_dir else set()
        for settings, key in _TEMPLATE_SETTINGS:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                folder = json.loads((self.root / settings).read_text(encoding="utf-8")).get(key)
                if isinstance(folder, str) and folder.strip("/"):
                    skipped.add(folder.strip("/"))
        return skipped

    @property
    def template_folders(self) -> list[str]:
        """The folders of templates a walk skips, in order: vaultkit's (`templates_dir`),
        Obsidian's own (its `.obsidian/templates.json`) and the Templater plugin's; a base
        leaves them out too."""
        return sorted(self._skip_dirs)

    def templates_moved(self) -> bool:
        """Whether the folders of templates, their settings read again now, are other than
        the ones this Vault's walks skip (`template_folders`): then make a new Vault."""
        return self._skipped_folders() != self._skip_dirs

    def _excluded(self, rel_path: str) -> bool:
        return any(
            fnmatch.fnmatchcase(rel_path, pattern) or fnmatch.fnmatchcase(rel_path + "/", pattern)
            for pattern in self.config.exclude
        )

    def walk(self) -> list[FileStat]:
        """Every note vaultkit reads: `.md` files outside dot-folders, templates and excludes."""
        return self.scan().files()

    def scan(
        self,
        previous: Iterable[Listing] = (),
        parallel: bool = True,
        quick: bool = True,
        early: EarlyStats | None = None,
    ) -> Scan:
        """What `walk` lists, compactly. `previous` are the listings of an earlier scan:
        a folder whose mtime, ctime and inode are the same since is not listed again.

        This runs before every command. One stat per note is the bulk of it (100,000 system
        calls at 100,000 notes), so a long list is stat'ed by two processes.

        A folder is listed `quick`ly by name alone when every name is a plain note's; the
        stat then tells a folder or a link named `.md`, and the walk is made again without.
        `early`: the stats of `previous`'s notes, begun at start-up (`vaultkit.vault.early`).
        """
        previous = list(previous)
        known = {listing.prefix: listing for listing in previous}
        listed_quick = False
        listings: list[Listing] = []
        odd: list[FileStat] = []  # notes found the slow way: symlinks, `.MD`
        unfollowed: list[tuple[str, str]] = []  # links named as notes that lead out or nowhere
        # A folder it cannot list is left out with why, and is never kept as a listing: the
        # next walk tries it again.
        unreadable: list[tuple[str, str]] = []
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
                if listing is None or (listing.mtime_ns, listing.ctime_ns, listing.inode) != (
                    st.st_mtime_ns,
                    st.st_ctime_ns,
                    st.st_ino,
                ):
                    listing = self._list(folder, prefix, st, (odd, unfollowed), quick, stored=listing)
                    listed_quick = listed_quick or listing.quick
            except (FileNotFoundError, NotADirectoryError):
                continue  # gone since its parent was listed
            except OSError as err:
                unreadable.append((prefix, cannot_read(err)))
                continue
            listings.append(listing)
            stack.extend(prefix + name + "/" for name in listing.folders)
        planned = early.stats_for(previous, root) if early is not None else None
        if planned is not None:
            stats = stats_by_plan(listings, previous, planned, root)
        else:
            stats = _stat_groups(
                [(os.path.join(root, each.prefix), each.names) for each in listings], parallel
            )
        missing = any_missing(stats)
        if missing and listed_quick:  # a name listed quickly is not a plain note
            return self.scan(previous, parallel, quick=False)
        if missing:  # gone or replaced between listing and stat: list them again next time
            stats, listings = _drop_missing(stats, listings, root, unreadable)
        for note in odd:
            stats.extend((note.mtime_ns, note.size, 0))
        return Scan(listings, [note.rel_path for note in odd], stats, unreadable, tuple(unfollowed))

    def _list(
        self,
        folder: str,
        prefix: str,
        st: os.stat_result,
        found: tuple[list[FileStat], list[tuple[str, str]]],
        quick: bool,
        stored: Listing | None = None,
    ) -> Listing:
        """List one folder: its plain notes and sub-folders; `found` is (odd, unfollowed):
        other notes go to the first, links named as notes it does not follow, with why, to
        the second. An OSError (a folder it may not read) is the caller's.

        `quick`: by names alone (half the time of a listing with each entry's type) when
        they all look like plain notes; the Listing says so, and the caller's stats check it.
        `stored`: its listing the walk kept, whose note order is kept (`in_stored_order`);
        when every name in it looked plain, only the names new since are looked at.
        """
        entries: list[os.DirEntry[str]] | None = None
        if quick:
            names = os.listdir(folder)
        else:
            with os.scandir(folder) as listing:
                entries = list(listing)
            names = [e.name for e in entries]
        runs = kept_runs(stored.names, names) if stored is not None and stored.plain and quick else None
        looked_at = [names[n] for n in runs[0]] if runs is not None else names
        joined = "\0" + "\0".join(looked_at) + "\0"
        odd, unfollowed = found
        had = len(odd) + len(unfollowed)
        bad_names: tuple[str, ...] = ()
        plain = (
            joined.count(".md\0") == len(looked_at)
            and (entries is None or [e.is_file(follow_symlinks=False) for e in entries].count(False) == 0)
            # (names in other scripts too, when they are UTF-8 and composed: no twin to drop)
            and (joined.isascii() or (is_utf8(joined) and unicodedata.is_normalized("NFC", joined)))
            and is_usable_name(joined)
            and "\0." not in joined
            and "onflict" not in joined
            and not self.config.exclude
        )
        if plain:
            notes, folders = names, list[str]()  # the common case: a folder of notes, nothing else
        elif entries is None:
            return self._list(folder, prefix, st, found, quick=False, stored=stored)
        else:
            if not is_usable_name(joined):
                entries, bad_names = self._bad_names(entries, folder, prefix)
            notes, folders = self._split_entries(entries, folder, prefix, found)
        # A folder changed within the file system's time resolution of now may change again
        # without a new mtime: list it again next time.
        mtime_ns = st.st_mtime_ns
        if time.time_ns() - mtime_ns < racy_window(mtime_ns) or len(odd) + len(unfollowed) > had:
            mtime_ns = -1  # (and a symlinked note, or one not followed, is found only by listing its folder)
        listed = Listing(
            prefix, mtime_ns, st.st_ctime_ns, st.st_ino, notes, folders, bad_names, entries is None, plain
        )
        if stored is None:
            return listed
        return in_stored_order(stored, listed, runs if notes is names else None)

    def _bad_names(
        self, entries: list[os.DirEntry[str]], folder: str, prefix: str
    ) -> tuple[list[os.DirEntry[str]], tuple[str, ...]]:
        """Take out the entries whose names no note may have (not UTF-8, a control character);
        returns the others, and those of the taken that a walk would keep (notes and
        folders), as shown."""
        kept: list[os.DirEntry[str]] = []
        bad: list[str] = []
        for entry in entries:
            name = entry.name
            if is_usable_name(name):
                kept.append(entry)
            elif self._wanted(entry, folder, prefix):
                with contextlib.suppress(OSError):
                    if entry.is_dir():
                        bad.append(shown_name(name) + "/")
                    elif name[-3:].lower() == ".md":
                        bad.append(shown_name(name))
        return kept, tuple(bad)

    def _split_entries(
        self,
        entries: list[os.DirEntry[str]],
        folder: str,
        prefix: str,
        found: tuple[list[FileStat], list[tuple[str, str]]],
    ) -> tuple[list[str], list[str]]:
        """A folder's plain notes and the sub-folders to enter; a note a walk keeps that is
        not a plain `.md` file (a symlink, `.MD`) is stat'ed here and added to `found`'s
        odd ones, and a link named as a note that is not followed to its unfollowed ones."""
        odd, unfollowed = found
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
                    fault = self.link_fault(entry.path)
                    if fault is not None:
                        if name[-3:].lower() == ".md":
                            unfollowed.append((rel, fault))
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
        if not is_usable_name(rel_path):
            return False  # not UTF-8, a line break: the walk names it in `vault check` instead
        if is_conflict_copy(parts[-1]):
            return False
        key = unicodedata.normalize("NFC", rel_path)
        folders = ["/".join(parts[:n]) for n in range(1, len(parts))]
        if any(folder in self._skip_dirs for folder in folders):
            return False
        return not (self.config.exclude and any(self._excluded(f) for f in [*folders, key]))

    def holds_note_file(self, rel_path: str) -> bool:
        """Whether this path (one `includes`) is a file a walk reads: a regular file, or a
        symlink that leads to one inside the vault; a link that leads out, directly or
        through a linked folder, is not followed."""
        full = os.path.join(self.root, rel_path)
        return os.path.isfile(full) and self._inside(full)

    def link_fault(self, path: str) -> str | None:
        """Why a walk does not follow the symlink at `path`, or None when it leads to a file
        or folder inside the vault (a link out could bring in any file of the machine)."""
        try:
            os.stat(path)
        except FileNotFoundError:
            return "a symlink to nothing (its target is gone), so not read: remove it or fix the link"
        except OSError as err:
            if err.errno == errno.ELOOP:
                return "a symlink that leads round in a loop, so not read: remove it or fix the link"
            return f"a symlink whose target {cannot_read(err)}, so not read"
        if not self._inside(path):
            return "a symlink leading outside the vault, so not followed: move the note into the vault to have it read"
        return None

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

    def read_to_change(self, rel_path: str) -> Snapshot:
        """`read`, for a write to follow: a note emptied a moment ago is waited for.

        A program that saves a note in place (a shell's `>`, a script's `open(path, "w")`)
        empties it, then writes. A write in that gap would be replaced by the program's
        bytes, or replace them (they go to a file no longer there), so the note is waited
        for (`EMPTIED_WAIT` at most), and else nothing is written. A note empty for longer,
        or dated ahead (a clock, a sync that keeps another machine's times), is empty."""
        snapshot = self.read(rel_path)
        if snapshot.data or not 0 <= time.time_ns() - snapshot.mtime_ns < EMPTIED_WAIT * 1e9:
            return snapshot
        deadline = time.monotonic() + EMPTIED_WAIT
        while time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                if os.stat(self.path(rel_path)).st_size:
                    return self.read(rel_path)
            except OSError:
                break
        raise RefusedWrite(
            f"{rel_path} is empty and was written a moment ago: a program saving a note in place "
            "empties it first, so nothing was written; run the command again in a moment"
        )

    def read(self, rel_path: str) -> Snapshot:
        """Read a note's bytes with its stat; inside `editing()`, lock it first. No file at
        the path (anymore) raises NoteGone, a VaultkitError."""
        full = self.path(rel_path)
        if full.is_dir():  # (a folder named like a note: what is read is there to be changed)
            raise RefusedWrite(f"{rel_path} is a folder, not a file; it was not changed")
        try:
            if self._locks is not None:
                target = self._real_target(rel_path, full)
                fd = self._lock(rel_path, target)
                if fd is not None:
                    data, st = read_locked(fd)
                    return Snapshot(rel_path, data, st.st_mtime_ns, st.st_size)
            with open(full, "rb") as handle:
                st = os.fstat(handle.fileno())
                data = handle.read()
        except FileNotFoundError:  # (a checkout, a sync tool: deleted, and maybe made again)
            raise NoteGone(rel_path) from None
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

    def vault_id(self) -> str:
        """The vault's id: `vault_id` in vaultkit.toml, made (random) and written there on first use.

        It lives in the config file because that is the one file every way of syncing a
        vault carries (git, iCloud, Syncthing, and Obsidian Sync, which skips dot-folders),
        so every device gives an event the same UID.
        """
        if self.config.vault_id:
            return self.config.vault_id
        import dataclasses
        import uuid

        made = uuid.uuid4().hex
        try:
            snapshot: Snapshot | None = self.read(CONFIG_NAME)
        except FileNotFoundError:
            snapshot = None
        text = snapshot.data.decode("utf-8") if snapshot else ""
        try:
            self.write(CONFIG_NAME, with_vault_id(text, made).encode("utf-8"), snapshot)
        except (StaleFileError, RefusedWrite):  # written meanwhile, maybe with an id: read it again
            config = load_config(self.root)
            if not config.vault_id:
                raise
            made = config.vault_id
        self.config = dataclasses.replace(self.config, vault_id=made)
        return made

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
        refuse_too_long(rel_path, data, "it was not created" if expected is None else "it was not changed")
        gone = self._gone(rel_path)
        if not self.root.is_dir():
            raise gone
        try:
            if expected is None:
                self._create(rel_path, full, data)
            else:
                self._replace(rel_path, self._real_target(rel_path, full), data, expected)
        except FileNotFoundError:
            raise (gone if not self.root.is_dir() else StaleFileError(rel_path)) from None
        except OSError as err:
            outcome = "it was not created" if expected is None else "it was not changed"
            raise WriteFailed(rel_path, err.strerror or str(err), outcome) from None
        _fsync_dir(full.parent)

    def create_many(self, files: Sequence[tuple[str, bytes]], placed: list[str]) -> None:
        """New files, as `write(rel_path, data, None)` makes each one (refused where a file
        is), but their bytes synced once for all and each folder once, instead of two syncs
        a file (`atomic.create_files`: a crash leaves each whole or absent). `placed` gets
        each path as it takes its name: on a failure part-way, the files that are there."""
        if not files:
            return
        for rel_path, data in files:
            refuse_too_long(rel_path, data, "none was created")
        if not self.root.is_dir():
            raise self._gone(files[0][0])
        fulls = [self.path(rel_path) for rel_path, _ in files]
        for full, (rel_path, _) in zip(fulls, files, strict=True):
            _must_be_new(rel_path, full)
        done: list[Path] = []
        try:
            for folder in sorted({full.parent for full in fulls}):
                make_folders_below(self.root, folder)
            create_files(
                [(full, data) for full, (_, data) in zip(fulls, files, strict=True)], new_file_mode(), done
            )
        except OSError as err:
            rel_path = files[len(done)][0]  # the first not in place
            if isinstance(err, FileExistsError):
                raise _taken(rel_path) from None
            if not self.root.is_dir():
                raise self._gone(rel_path, "it was not created") from None
            raise WriteFailed(rel_path, err.strerror or str(err), "it was not created") from None
        finally:
            placed.extend(rel_path for rel_path, _ in files[: len(done)])
            for folder in sorted({full.parent for full in done}):
                _fsync_dir(folder)

    def _gone(self, rel_path: str, outcome: str = "nothing was written") -> WriteFailed:
        return WriteFailed(rel_path, f"the vault folder {self.root} is gone", outcome)

    def _create(self, rel_path: str, full: Path, data: bytes) -> None:
        _must_be_new(rel_path, full)
        make_folders_below(self.root, full.parent)
        try:
            write_file(full, data, new_file_mode(), exclusive=True)
        except FileExistsError:
            raise _taken(rel_path) from None

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


def make_folders_below(root: Path, folder: Path) -> None:
    """Make `folder` and the missing folders between it and `root`, one at a time, never
    `root` itself: a vault deleted meanwhile stays deleted (FileNotFoundError instead)."""
    parts = folder.relative_to(root).parts
    for depth in range(1, len(parts) + 1):
        (root / Path(*parts[:depth])).mkdir(exist_ok=True)


def refuse_too_long(rel_path: str, data: bytes, outcome: str) -> None:
    """A note is never written longer than vaultkit reads one (`MAX_NOTE_BYTES`): the
    person would drop out of every list, and every later write be refused."""
    if len(data) > MAX_NOTE_BYTES and rel_path[-3:].lower() == ".md":
        raise RefusedWrite(
            f"{rel_path} would be over {MAX_NOTE_BYTES // 1024 // 1024} MiB, more than vaultkit reads in a "
            f"note; {outcome}"
        )


def _taken(rel_path: str) -> RefusedWrite:
    return RefusedWrite(f"{rel_path} already exists; it was not overwritten")


def _must_be_new(rel_path: str, full: Path) -> None:
    """Refuse a new file's name where a file (or a link, even a broken one) is."""
    if full.exists() or full.is_symlink():
        raise _taken(rel_path)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


EMPTIED_WAIT = 2.0
"""Seconds a note emptied a moment ago is waited for before a write (`Vault.read_to_change`)."""

_CONFIG_TEMPLATE = """\
# vaultkit settings: every key is optional.
people_dir = "People"
meetings_dir = "Meetings"
daily_dir = "Daily"
templates_dir = "Templates/vaultkit"
log_heading = "Log"
default_cadence = ""            # e.g. "3m" for everyone without a cadence
write_last_contact = true       # "derived": render/watch also copy newer contacts from
                                # meetings and daily notes into last_contact (for People.base)

[cadence_by_tag]
# family = "2w"
# mentor = "3m"

[views]
base = "People.base"            # an Obsidian base of the people (Obsidian 1.9 or later)

[daily]
reachouts = false               # true: `vault watch` adds today's reach-outs to the daily note

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


DAILY_NOTES_SETTINGS = ".obsidian/daily-notes.json"
"""Where Obsidian's Daily notes plugin keeps its folder and its file names' format."""


def read_daily_notes_settings(root: Path) -> dict[str, str] | None:
    """Obsidian's Daily notes settings in the vault at `root` (`folder` and `format`, as
    written), or None when there are none to read."""
    try:
        settings = json.loads((root / DAILY_NOTES_SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(settings, dict):
        return None
    return {key: str(settings.get(key) or "").strip() for key in ("folder", "format")}


def _first_config(root: Path, vault_id: str) -> tuple[str, Config]:
    """The vaultkit.toml `vault init` writes into a vault that has none, and its Config: the
    defaults, but for the daily notes' folder Obsidian already uses (an Obsidian vault
    adopted in place: its daily notes stay where they are, and are read)."""
    text = with_vault_id(_CONFIG_TEMPLATE, vault_id)
    folder = ((read_daily_notes_settings(root) or {}).get("folder") or "").strip("/")
    if folder and folder != Config().daily_dir:
        mine = text.replace(
            'daily_dir = "Daily"',
            f"daily_dir = {json.dumps(folder, ensure_ascii=False)}  # Obsidian's daily notes folder",
        )
        try:
            return mine, config_from_dict(tomllib.loads(mine))
        except (ConfigError, ValueError):  # a folder vaultkit cannot take: the default, and `check` says so
            pass
    return text, config_from_dict(tomllib.loads(text))


def init_vault(root: Path) -> list[str]:
    """Make a vault at `root`: config, folders, templates folder, .gitignore. Returns what was made."""
    made: list[str] = []
    if root.exists() and not root.is_dir():
        raise RefusedWrite(f"{root} is a file, not a folder: give a folder for the vault; nothing was made")
    import uuid

    # A new vault gets its id at once, before a second device could make another.
    config_text, first = _first_config(root, uuid.uuid4().hex)
    try:
        root.mkdir(parents=True, exist_ok=True)
        config = load_config(root) if (root / CONFIG_NAME).exists() else first
        for folder in (config.people_dir, config.meetings_dir, config.daily_dir, config.templates_dir):
            if folder and not (root / folder).is_dir():
                (root / folder).mkdir(parents=True)
                made.append(folder + "/")
    except OSError as err:
        outcome = f"made so far: {', '.join(made)}" if made else "nothing was made"
        raise WriteFailed(str(err.filename or root), err.strerror or str(err), outcome) from None
    vault = Vault(root, config)
    for name, content in ((CONFIG_NAME, config_text), (".gitignore", _GITIGNORE)):
        if not (root / name).exists():
            vault.write(name, content.encode("utf-8"), None)
            made.append(name)
    return made
