"""The watcher's heartbeat in the index: whether a live `vault watch` keeps it current."""

from __future__ import annotations

import json
import os
import platform
import time
from typing import Any

from vaultkit.index.base import IndexBase

WATCHER_KEY = "watcher_heartbeat"


HEARTBEAT_MAX_AGE_S = 10.0  # a watcher refreshes its heartbeat every few seconds


def _process_alive(pid: int) -> bool:
    """Whether a process runs with this pid (on Windows, signal 0 would kill it: say no)."""
    if os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    except OSError:
        return False
    return True


class Heartbeat(IndexBase):
    """The part of `Index` that keeps heartbeat: see the module's docstring."""

    # -- the watcher's heartbeat ---------------------------------------------------------
    def write_heartbeat(self, current: bool, at: float | None = None) -> None:
        """Say that a watcher in this process is alive, and whether the index was current at
        `at` (the time it looked; now by default)."""
        when = time.time() if at is None else at
        beat = {"time": when, "pid": os.getpid(), "host": platform.node(), "current": current}
        self._set_meta(WATCHER_KEY, json.dumps(beat))

    def clear_heartbeat(self) -> None:
        """Withdraw this process's heartbeat (its watcher is stopping)."""
        if self._heartbeat().get("pid") == os.getpid():
            self.db.execute("DELETE FROM meta WHERE key = ?", (WATCHER_KEY,))

    def live_watcher(self) -> int | None:
        """The pid of a watcher on this machine whose heartbeat is fresh, or None."""
        beat = self._heartbeat()
        try:
            age = time.time() - float(beat["time"])
            pid = int(beat["pid"])
        except (KeyError, TypeError, ValueError):
            return None
        fresh = -1.0 <= age <= HEARTBEAT_MAX_AGE_S
        if fresh and beat.get("host") == platform.node() and _process_alive(pid):
            return pid
        return None

    def watcher_is_current(self) -> bool:
        """Whether a live watcher says the index is current (no events pending)."""
        return self._heartbeat().get("current") is True and self.live_watcher() is not None

    def _heartbeat(self) -> dict[str, Any]:
        try:
            beat = json.loads(self._meta(WATCHER_KEY) or "{}")
        except ValueError:
            return {}
        return beat if isinstance(beat, dict) else {}
