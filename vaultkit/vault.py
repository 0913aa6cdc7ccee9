"""The vault on disk: finding it, walking its notes, name rules and safe writes."""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from vaultkit.config import CONFIG_NAME, Config, load_config
from vaultkit.dates import is_date_name
from vaultkit.errors import RefusedWrite, StaleFileError, UsageError, VaultNotFound

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


@dataclass(frozen=True)
class Snapshot:
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


class Vault:
    """A vault folder and its config: the only code that touches the user's files."""

    def __init__(self, root: Path, config: Config | None = None) -> None:
        self.root = root.resolve()
        self.config = config if config is not None else load_config(self.root)
        self._skip_dirs = self._skipped_folders()

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
        """Every note vaultkit reads: `.md` files outside dot-folders, templates and excludes.

        This runs before every command, so it is one tight loop over `os.scandir`.
        """
        found: list[FileStat] = []
        stack = [(str(self.root), "")]
        seen: set[str] = set()
        excluded = self._excluded if self.config.exclude else None
        while stack:
            folder, prefix = stack.pop()
            real = os.path.realpath(folder)
            if real in seen:
                continue
            seen.add(real)
            try:
                entries = os.scandir(folder)
            except OSError:
                continue
            with entries:
                self._walk_folder(entries, folder, prefix, excluded, stack, found)
        return found

    def _walk_folder(
        self,
        entries: Iterator[os.DirEntry[str]],
        folder: str,
        prefix: str,
        excluded: Callable[[str], bool] | None,
        stack: list[tuple[str, str]],
        found: list[FileStat],
    ) -> None:
        """Add the notes of one folder to `found`, its sub-folders to `stack`."""
        nfc = unicodedata.normalize
        new_stat = tuple.__new__  # a FileStat without the Python-level __new__ call
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            if "onflict" in name and is_conflict_copy(name):
                continue  # a sync tool's copy: `vault check` reports it; it is nobody
            # A Mac's decomposed spelling: when the composed one sits beside it (Linux keeps
            # both), they are one note to a Mac and to vaultkit: read the NFC one.
            if (
                not name.isascii()
                and not unicodedata.is_normalized("NFC", name)
                and os.path.lexists(os.path.join(folder, nfc("NFC", name)))
            ):
                continue
            rel = prefix + name
            try:
                # The common case first, with no call that is not needed: a plain
                # note (the type comes with the directory listing; one stat).
                if not excluded and name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    found.append(new_stat(FileStat, (rel, st.st_mtime_ns, st.st_size)))
                    continue
                # Settings match the NFC form, but the path stays as it is on disk: a
                # decomposed name (saved on a Mac) opens only by its own bytes.
                key = rel if rel.isascii() else nfc("NFC", rel)
                if entry.is_symlink():
                    if not self._inside(entry.path):
                        continue
                    is_dir = entry.is_dir()
                else:
                    is_dir = entry.is_dir(follow_symlinks=False)
                if is_dir:
                    if key not in self._skip_dirs and not (excluded and excluded(key)):
                        stack.append((entry.path, rel + "/"))
                elif name[-3:].lower() == ".md" and not (excluded and excluded(key)):
                    st = entry.stat()
                    if entry.is_file():
                        found.append(FileStat(rel, st.st_mtime_ns, st.st_size))
            except OSError:
                continue

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
        """Read a note's bytes with its stat."""
        full = self.path(rel_path)
        with open(full, "rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read()
        return Snapshot(rel_path, data, st.st_mtime_ns, st.st_size)

    def exists(self, rel_path: str) -> bool:
        """Whether a file is at that vault-relative path."""
        return self.path(rel_path).exists()

    def write(self, rel_path: str, data: bytes, expected: Snapshot | None) -> None:
        """Write atomically; refuse if the file changed since `expected` (None: must be new)."""
        full = self.path(rel_path)
        if expected is not None and full.is_symlink():
            # Edit the note a link inside the vault points at, and keep the link a link.
            full = Path(os.path.realpath(full))
            if not self._inside(str(full)):
                raise RefusedWrite(f"{rel_path} leads outside the vault (a symlink?)")
        if expected is None:
            if full.exists():
                raise RefusedWrite(f"{rel_path} already exists; it was not overwritten")
        else:
            try:
                current = full.read_bytes()
            except FileNotFoundError:
                raise StaleFileError(rel_path) from None
            if current != expected.data:
                raise StaleFileError(rel_path)
        full.parent.mkdir(parents=True, exist_ok=True)
        mode = os.stat(full).st_mode & 0o7777 if full.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{full.name}.", suffix=".vaultkit-tmp", dir=full.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            # mkstemp makes the file private (0600); a note gets the mode the user's other
            # files get: the old file's, or for a new one what the umask allows.
            os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
            if expected is None:
                # link() fails if a file appeared meanwhile, so a new note never clobbers one.
                try:
                    os.link(tmp, full)
                except FileExistsError:
                    raise RefusedWrite(f"{rel_path} already exists; it was not overwritten") from None
                except OSError:
                    if full.exists():
                        raise RefusedWrite(f"{rel_path} already exists") from None
                    os.replace(tmp, full)
            else:
                os.replace(tmp, full)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        _fsync_dir(full.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
    root.mkdir(parents=True, exist_ok=True)
    config = load_config(root)
    made: list[str] = []
    for folder in (config.people_dir, config.meetings_dir, config.daily_dir, config.templates_dir):
        if folder and not (root / folder).is_dir():
            (root / folder).mkdir(parents=True)
            made.append(folder + "/")
    vault = Vault(root, config)
    for name, content in ((CONFIG_NAME, _CONFIG_TEMPLATE), (".gitignore", _GITIGNORE)):
        if not (root / name).exists():
            vault.write(name, content.encode("utf-8"), None)
            made.append(name)
    return made
