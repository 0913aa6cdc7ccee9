"""The watcher's heartbeat in the index: whether a live `vault watch` keeps it current; and
the day the daily note got its reach-outs, which the watcher adds once a day."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import time
from collections.abc import Iterable, Sequence
from stat import S_ISREG
from typing import Any

from vaultkit.index.base import IndexBase

WATCHER_KEY = "watcher_heartbeat"
REACHOUTS_KEY = "reachouts"  # {"day": ISO date, "path": the daily note}: see `reachouts_done`


# A watcher beats twice a second while its loop turns (`watch.HEARTBEAT_S`): one busy for
# longer (rendering Network.md at 100,000 notes), or stopped, is not trusted for long.
HEARTBEAT_MAX_AGE_S = 2.0


def _process_alive(pid: int) -> bool:
    """Whether a process runs with this pid, and is not stopped (on Windows, signal 0
    would kill it: say no)."""
    if os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return not _stopped(pid)
    except OSError:
        return False
    return not _stopped(pid)


def _stopped(pid: int) -> bool:
    """Whether the process is stopped (Ctrl-Z, SIGSTOP, a debugger) or dead but not yet
    reaped, by its state in /proc/PID/stat (Linux; elsewhere only the heartbeat's age tells)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            line = handle.read()
    except OSError:
        return False
    end = line.rfind(b")")  # (the name before it, in parentheses, may hold anything)
    return line[end + 2 : end + 3] in (b"T", b"t", b"Z", b"X")


class Heartbeat(IndexBase):
    """The part of `Index` that keeps heartbeat: see the module's docstring."""

    # -- the daily note's reach-outs -----------------------------------------------------
    def reachouts_done(self) -> tuple[str, str] | None:
        """(day, daily note) the reach-outs were last added to (or found in, or found nobody
        for), kept across the watcher's restarts: a section the user deleted stays deleted."""
        with contextlib.suppress(ValueError, TypeError, KeyError):
            done = json.loads(self._meta(REACHOUTS_KEY) or "null")
            if isinstance(done["day"], str) and isinstance(done["path"], str):
                return done["day"], done["path"]
        return None

    def mark_reachouts_done(self, day: str, path: str) -> None:
        """Remember that `day`'s reach-outs were dealt with, in the daily note at `path`."""
        self._set_meta(REACHOUTS_KEY, json.dumps({"day": day, "path": path}))

    # -- the watcher's heartbeat ---------------------------------------------------------
    def write_heartbeat(self, current: bool, at: float | None = None, pending: Sequence[str] = ()) -> None:
        """Say that a watcher in this process is alive, and whether the index was current at
        `at` (the time it looked; now by default). `pending`: when it was not, because of
        events about these notes alone, waiting out the debounce."""
        when = time.time() if at is None else at
        beat = {
            "time": when,
            "pid": os.getpid(),
            "host": platform.node(),
            "root": str(self.vault.root),
            "current": current,
        }
        if pending and not current:
            beat["pending"] = list(pending)
        self._set_meta(WATCHER_KEY, json.dumps(beat))

    def clear_heartbeat(self) -> None:
        """Withdraw this process's heartbeat (its watcher is stopping)."""
        if self._heartbeat().get("pid") == os.getpid():
            self.db.execute("DELETE FROM meta WHERE key = ?", (WATCHER_KEY,))

    def live_watcher(self) -> int | None:
        """The pid of a watcher of this vault, on this machine, whose heartbeat is fresh, or None."""
        beat = self._heartbeat()
        try:
            age = time.time() - float(beat["time"])
            pid = int(beat["pid"])
        except (KeyError, TypeError, ValueError):
            return None
        fresh = -1.0 <= age <= HEARTBEAT_MAX_AGE_S
        ours = beat.get("host") == platform.node() and beat.get("root") == str(self.vault.root)
        if fresh and ours and _process_alive(pid):
            return pid
        return None

    def watcher_is_current(self) -> bool:
        """Whether a live watcher says the index is current: no events pending, or events
        only about notes the index now holds as they are (a command that wrote a note
        indexes it at once, a moment after the watcher heard of it)."""
        beat = self._heartbeat()
        if beat.get("current") is not True:
            pending = beat.get("pending")
            if not isinstance(pending, list) or not pending or not self.holds_stats(pending):
                return False
        return self.live_watcher() is not None

    def holds_stats(self, rel_paths: Iterable[object]) -> bool:
        """Whether each of these notes is indexed with the stat it has now (a note vaultkit
        has just written and indexed); False for anything else (a new, gone or other file)."""
        wanted = sorted({path for path in rel_paths if isinstance(path, str)})
        rows = self.db.execute(
            "SELECT path, mtime_ns, size FROM files WHERE path IN (SELECT value FROM json_each(?))",
            (json.dumps(wanted),),
        )
        held = {path: (mtime_ns, size) for path, mtime_ns, size in rows}
        if not wanted or len(held) != len(wanted):
            return False
        root = str(self.vault.root)
        for path, known in held.items():
            try:
                st = os.stat(os.path.join(root, path), follow_symlinks=False)
            except OSError:
                return False
            if (st.st_mtime_ns, st.st_size) != known or not S_ISREG(st.st_mode):
                return False
        return True

    def _heartbeat(self) -> dict[str, Any]:
        try:
            beat = json.loads(self._meta(WATCHER_KEY) or "{}")
        except ValueError:
            return {}
        return beat if isinstance(beat, dict) else {}
