"""The merge driver git calls for notes (`vault merge-driver`, installed by `vault git-setup`).

It needs no vault and no index: three versions of a note in, the merged note written over
ours, and a line for git's output for each conflict left marked.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vaultkit.config import Config, load_config
from vaultkit.errors import ConfigError, GitError, UsageError
from vaultkit.notes.merge import OURS_LABEL, THEIRS_LABEL, merge_note
from vaultkit.places import CONFIG_NAME
from vaultkit.sync.repo import git_env, git_reason, require_git

LABELS_ENV = "VAULTKIT_MERGE_LABELS"
"""`ours|theirs` names for conflict markers; `vault sync` sets it so a conflict says which is which."""
DRIVER_PREFIX = "vault merge-driver"
CONFLICT_IN = "conflict in the "


# -- the merge driver -------------------------------------------------------------------------------
def git_merge_file(
    ancestor: str, ours: str, theirs: str, labels: tuple[str, str] = (OURS_LABEL, THEIRS_LABEL)
) -> tuple[str, bool]:
    """git's own line-based three-way merge of three texts: (merged text, clean)."""
    require_git()
    with tempfile.TemporaryDirectory(prefix="vaultkit-merge-") as folder:
        paths = [Path(folder, name) for name in ("ours", "base", "theirs")]
        for path, text in zip(paths, (ours, ancestor, theirs), strict=True):
            path.write_bytes(text.encode("utf-8"))
        proc = subprocess.run(
            ["git", "merge-file", "-p", "-L", labels[0], "-L", "base", "-L", labels[1], *map(str, paths)],
            capture_output=True,
            env=git_env(),
        )
    if not 0 <= proc.returncode <= 127:
        raise GitError(f"git merge-file failed: {git_reason(proc.stderr.decode('utf-8', 'replace'))}")
    return proc.stdout.decode("utf-8"), proc.returncode == 0


@dataclass(frozen=True)
class DriverOutcome:
    """What the merge driver did: clean or not, and lines for git's output."""

    clean: bool
    messages: tuple[str, ...] = ()


def _labels() -> tuple[str, str]:
    ours, _, theirs = os.environ.get(LABELS_ENV, "").partition("|")
    return (ours or OURS_LABEL, theirs or THEIRS_LABEL)


def _driver_log_heading(top: Path, rel_path: str) -> str:
    """The vault's log_heading, from the nearest vaultkit.toml above the note inside the repository."""
    folder = (top / rel_path).parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            try:
                return load_config(candidate).log_heading
            except ConfigError:
                break
        if candidate == top:
            break
    return Config().log_heading


def merge_driver(
    ancestor: Path, ours: Path, theirs: Path, rel_path: str, top: Path | None = None
) -> DriverOutcome:
    """git's merge driver for notes: merge three versions and write the result over `ours`.

    Needs no vault and no index. Text that is not UTF-8 is left to `git merge-file`, and
    so is any note this code fails on, so that a merge never loses either side.
    """
    labels = _labels()
    datas = [_read(path) for path in (ancestor, ours, theirs)]
    try:
        texts = [data.decode("utf-8") for data in datas]
    except UnicodeDecodeError:
        return _merge_in_place(ancestor, ours, theirs, labels, rel_path, "not UTF-8 text")
    try:
        result = merge_note(
            texts[0],
            texts[1],
            texts[2],
            merge_text=lambda a, o, t: git_merge_file(a, o, t, labels),
            log_heading=_driver_log_heading(top or Path.cwd(), rel_path),
            labels=labels,
        )
    except Exception as err:  # a bug here must not cost the user either side of the merge
        why = f"vaultkit could not merge it part by part (a bug: {type(err).__name__})"
        return _merge_in_place(ancestor, ours, theirs, labels, rel_path, why)
    ours.write_bytes(result.text.encode("utf-8"))
    return DriverOutcome(result.clean, tuple(f"{rel_path}: {CONFLICT_IN}{what}" for what in result.conflicts))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise UsageError(
            f"cannot read {path} ({err.strerror or err}): vault merge-driver takes the paths of three "
            "files, as git passes them (%O %A %B)"
        ) from None


def _merge_in_place(
    ancestor: Path, ours: Path, theirs: Path, labels: tuple[str, str], rel_path: str, why: str
) -> DriverOutcome:
    """git's line merge of the files themselves, for text this driver does not merge part by part."""
    proc = subprocess.run(
        [
            "git",
            "merge-file",
            "-L",
            labels[0],
            "-L",
            "base",
            "-L",
            labels[1],
            str(ours),
            str(ancestor),
            str(theirs),
        ],
        capture_output=True,
        env=git_env(),
    )
    if not 0 <= proc.returncode <= 127:  # nothing merged: binary; ours is left as it was
        reason = (
            "binary" if b"\0" in ours.read_bytes() else git_reason(proc.stderr.decode("utf-8", "replace"))
        )
        return DriverOutcome(False, (f"{rel_path}: not merged ({reason}); the file holds one side",))
    return DriverOutcome(proc.returncode == 0, (f"{rel_path}: {why}, merged line by line",))
