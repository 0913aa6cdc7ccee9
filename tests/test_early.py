"""Early stats: the child forked at start-up stats the stored walk's notes, and a sync that
takes them holds exactly what a sync without them holds, whatever share the child did."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_note

from vaultkit.index.core import Index
from vaultkit.vault import early
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace

TODAY = dt.date(2026, 11, 22)
VAULT = str(Path(sys.executable).with_name("vault"))


def _vault(root: Path, count: int) -> None:
    for number in range(count):
        write_note(root, f"People/Person {number:04}.md", f"---\ncadence: 1m\n---\n# Person {number}\n")
    write_note(root, "Meetings/2026-11-01 Standup.md", "# Standup\n\n- 2026-11-01 met [[Person 0001]]\n")


def _index(root: Path, index: Path) -> list[tuple[str, int, int]]:
    """A sync of the vault into `index` (with no early stats): its files rows."""
    workspace = Workspace(Vault(root), index, TODAY)
    try:
        workspace.sync()
        return sorted(workspace.index.db.execute("SELECT path, mtime_ns, size FROM files"))
    finally:
        workspace.close()


def _sync_with_early(
    root: Path, index: Path, monkeypatch: pytest.MonkeyPatch, limit: int | None = None
) -> None:
    """Start the child as `vault` does (small chunks; stopped at `limit` notes) and sync."""
    monkeypatch.setattr(early, "CHUNK", 2)
    early.start(["--vault", str(root), "--index", str(index), "due"], {}, minimum=0, limit=limit)
    assert early._pending is not None
    workspace = Workspace(Vault(root), index, TODAY)
    try:
        workspace.sync()
    finally:
        workspace.close()
    assert early._pending is None  # taken, and the child waited for


@pytest.mark.parametrize("limit", [None, 0, 1, 5, 17])
def test_a_sync_with_early_stats_holds_what_a_plain_sync_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int | None
) -> None:
    """Whatever share the child did (all, none, a few notes), the rest is stat'ed by the
    parent, and notes edited, added and removed since the last sync are all seen."""
    root, index = tmp_path / "vault", tmp_path / "index.sqlite"
    _vault(root, 20)
    _index(root, index)
    os.utime(root / "People" / "Person 0003.md", ns=(1, 1))  # edited (a new stat)
    (root / "People" / "Person 0007.md").unlink()
    write_note(root, "People/Newcomer.md", "---\ncadence: 1w\n---\n# Newcomer\n")
    write_note(root, "Projects/Plan.md", "# Plan\n")
    _sync_with_early(root, index, monkeypatch, limit)
    held = _index(root, tmp_path / "fresh.sqlite")
    workspace = Workspace(Vault(root), index, TODAY)
    try:
        assert sorted(workspace.index.db.execute("SELECT path, mtime_ns, size FROM files")) == held
    finally:
        workspace.close()


def test_early_stats_of_another_index_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, index = tmp_path / "vault", tmp_path / "index.sqlite"
    _vault(root, 5)
    _index(root, index)
    early.start(["--vault", str(root), "--index", str(tmp_path / "other.sqlite"), "due"], {}, minimum=0)
    assert early.take(str(root), str(index), 1) is None and early._pending is None
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the child was waited for


def test_stale_early_stats_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sync long after start-up (`vault mcp`'s first request) walks for itself."""
    root, index = tmp_path / "vault", tmp_path / "index.sqlite"
    _vault(root, 5)
    _index(root, index)
    early.start(["--vault", str(root), "--index", str(index), "due"], {}, minimum=0)
    assert early._pending is not None
    early._pending.started_ns -= early.FRESH_NS
    assert early.take(str(root), str(index), 1) is None


def test_early_stats_of_another_walk_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored walk changed between the child's read and the parent's: stat'ed anew."""
    root, index = tmp_path / "vault", tmp_path / "index.sqlite"
    _vault(root, 5)
    _index(root, index)
    early.start(["--vault", str(root), "--index", str(index), "due"], {}, minimum=0)
    taken = early.take(str(root), str(index), 99)
    assert taken is not None
    assert taken.stats_for([], str(root)) is None


def test_no_child_for_help_or_without_a_command() -> None:
    for argv in (["--help"], [], ["--vault", "x"], ["--version"], ["mcp"], ["merge-driver", "a", "b", "c"]):
        early.start(argv, {})
        assert early._pending is None


def test_the_vault_command_sees_edits_with_early_stats(tmp_path: Path) -> None:
    """The installed `vault` on a vault big enough for early stats: the stats it took before
    the edits' folder listings agree with the notes on disk after every command."""
    root, index = tmp_path / "vault", tmp_path / "index.sqlite"
    _vault(root, early.MINIMUM + 100)
    base = [VAULT, "--vault", str(root), "--index", str(index), "--today", "2026-11-22"]

    def people() -> list[str]:
        done = subprocess.run(
            [*base, "list", "--json"], capture_output=True, text=True, timeout=60, check=True
        )
        return [person["name"] for person in json.loads(done.stdout)["people"]]

    before = people()
    write_note(root, "People/Zed Newcomer.md", "# Zed Newcomer\n")
    (root / "People" / "Person 0005.md").unlink()
    write_note(root, "People/Person 0009.md", "---\ncadence: 1m\naliases: [Niner]\n---\n# Person 9 renamed\n")
    after = people()
    assert "Zed Newcomer" in after and "Person 0005" not in after and len(after) == len(before)
    shown = subprocess.run([*base, "show", "Niner"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "Person 0009" in shown.stdout


def test_early_stats_not_needed_are_discarded_without_waiting(tmp_path: Path) -> None:
    """With a live, current watcher the sync skips the walk: the child is told to stop."""
    root, index = tmp_path / "vault", tmp_path / "index.sqlite"
    _vault(root, 5)
    _index(root, index)
    watcher = Index.open(Vault(root), index)
    watcher.write_heartbeat(current=True)  # this test process is the live "watcher"
    early.start(["--vault", str(root), "--index", str(index), "due"], {}, minimum=0)
    pending = early._pending
    assert pending is not None
    workspace = Workspace(Vault(root), index, TODAY)
    try:
        assert workspace.sync().read == 0
        # Told to stop, not taken (taking waits for the child and lets go of the memory).
        assert early._pending is None and not pending.memory.closed and pending.slots[early.LIMIT] == 0
    finally:
        workspace.close()
        watcher.close()
        pending.close()  # (here, only so that the test leaves no child behind)


@pytest.mark.parametrize("failing", ["fork", "mmap"])
def test_no_child_when_the_system_refuses_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """No process or memory to spare: the command walks as it always does, nothing left open."""

    def refuse(*args: object) -> None:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(*((os, "fork") if failing == "fork" else (early.mmap, "mmap")), refuse)
    before = len(os.listdir("/dev/fd"))
    early.start(["--vault", str(tmp_path), "due"], {}, minimum=0)
    assert early._pending is None and len(os.listdir("/dev/fd")) == before
