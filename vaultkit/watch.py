"""Keep the index and the views current while files change: watchdog events -> one loop.

The observer's handler only records which paths changed. One loop does the work: it waits
for a quiet moment (or a maximum wait, so a long burst is still processed), runs the same
incremental `sync()` the commands use, re-renders the views and reports one line. The loop
also keeps a heartbeat in the index so that commands can trust it without walking the
vault while the watcher is current (see `Index.watcher_is_current`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
import threading
import time
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from vaultkit.checks import nobody_hint
from vaultkit.errors import VaultGone, VaultkitError
from vaultkit.index.core import SyncReport
from vaultkit.model import Problem
from vaultkit.places import CONFIG_NAME, vault_cache_dir
from vaultkit.quick import advance_last_contacts
from vaultkit.vault.atomic import held_or_busy, lock_holder
from vaultkit.vault.files import Vault
from vaultkit.vault.names import is_usable_name, shown_name
from vaultkit.views.builtin import VDIR, ViewsFailed, render_views
from vaultkit.workspace import Workspace

DEBOUNCE_S = 0.15  # quiet time after the last event (an editor's save is a few events in ms)
MAX_WAIT_S = 2.0  # a burst longer than this still gets an update
GIT_MAX_WAIT_S = 30.0  # while git holds its index lock, wait for the checkout to finish
RESCAN_S = 60.0  # full incremental rescan, for events the OS dropped
# Due.md follows every change; the other views (Network.md's figures cost seconds at
# 100,000 notes) are redone at most this often, and at start, rescans and a new day.
SLOW_VIEWS_S = 60.0
FAST_VIEWS = ("base", "due")
HEARTBEAT_S = 0.5  # well under Index's HEARTBEAT_MAX_AGE_S
POLL_S = 1.0  # interval of the polling observer (--poll)
WATCH_LOCK = "watch.lock"  # in the vault's cache folder: see Watcher.run
_TICK_S = 0.25  # longest sleep of the loop, so a stop request is seen quickly
_FEW_PENDING = 32  # pending paths the heartbeat checks against the index; more: not current

_EVENT_TYPES = {"created", "modified", "deleted", "moved"}


@dataclass
class Update:
    """What one update of the watcher did."""

    reason: str
    notes: list[str] = field(default_factory=list)  # the notes whose events started it
    sync: SyncReport | None = None
    views_written: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warning: str | None = None  # about the vault as it is now: no people at all, and why
    seconds: float = 0.0
    error: str | None = None

    @property
    def changed(self) -> bool:
        """Whether there is something to report: changed notes or views, or an error."""
        return bool(self.error or self.notes or self.views_written or (self.sync and self.sync.changed_paths))

    def describe(self) -> str:
        """One line for the terminal: what changed and how long it took."""
        parts: list[str] = []
        report = self.sync
        if report is not None:
            # A command that wrote a note has indexed it already: then the events say what changed.
            paths = report.changed_paths or self.notes
            if self.reason == "start":
                parts.append(f"{_count(report.total, 'note')}, {len(paths)} new or changed since last time")
            elif len(paths) == 1:
                verb = "added" if report.added else "removed" if report.removed else "changed"
                parts.append(f"{paths[0]} {verb}")
            elif paths:
                extra = [
                    f"{n} {what}" for n, what in ((report.added, "new"), (report.removed, "removed")) if n
                ]
                parts.append(f"{len(paths)} notes changed" + (f" ({', '.join(extra)})" if extra else ""))
            else:
                parts.append(f"{_count(report.total, 'note')}, none changed")
        if self.views_written:
            parts.append(f"{', '.join(self.views_written)} updated")
        if self.problems:
            more = (
                f" (and {len(self.problems) - 1} more; run `vault check`)" if len(self.problems) > 1 else ""
            )
            parts.append(f"problem: {self.problems[0]}{more}")
        if self.warning:
            parts.append(f"warning: {self.warning}")
        if self.error:
            parts.append(f"error: {self.error}")
        prefix = "" if self.reason == "change" else f"{self.reason}: "
        return f"{prefix}{'; '.join(parts) or 'nothing to do'} ({self.seconds:.2f} s)"


class _Recorder(FileSystemEventHandler):
    """Runs on the observer's thread: only notes which vault paths changed."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type == "events_lost":  # (a queue overflowed, in the watchdog releases that say so)
            self.watcher.lost_events()
            return
        if event.event_type not in _EVENT_TYPES:
            return
        # A folder's "modified" only echoes changes to its files, which have their own events.
        if event.is_directory and event.event_type == "modified":
            return
        # Both ends of a move matter: an editor's atomic save renames a dot-named temp file
        # over the note, so the destination is a real change even though the source is ignored.
        raw = [event.src_path, event.dest_path] if event.event_type == "moved" else [event.src_path]
        paths = {rel for path in raw if (rel := self.watcher.relevant(os.fsdecode(path), event.is_directory))}
        if paths:
            self.watcher.record(paths)


class Watcher:
    """Keeps one vault's index and views current. `start()`/`stop()` run it on a thread;
    `run()` runs it on the calling thread until `request_stop()`.

    All index work happens on the thread that runs the loop, with its own connection.
    `today` is called on every loop turn when given (the CLI passes the clock), so the
    views are rendered again when the day changes; without it the workspace's date stays.
    `echo` gets one line per update, `echo_error` one line per failed update.
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        today: Callable[[], dt.date] | None = None,
        poll: bool = False,
        debounce: float = DEBOUNCE_S,
        max_wait: float = MAX_WAIT_S,
        rescan_every: float = RESCAN_S,
        heartbeat_every: float = HEARTBEAT_S,
        slow_views_every: float = SLOW_VIEWS_S,
        echo: Callable[[str], None] | None = None,
        echo_error: Callable[[str], None] | None = None,
        announce: Callable[[str], None] | None = None,
        reading: Callable[[], contextlib.AbstractContextManager[Callable[[int, int], None] | None]]
        | None = None,
    ) -> None:
        self.vault = workspace.vault
        # What shows a walk's sync reading many notes (the CLI: a progress bar on a
        # terminal, gone before the update's line is echoed); nothing by default.
        self._reading = reading or (lambda: contextlib.nullcontext(None))
        self._announce = announce or (lambda line: None)  # "Watching …", once no other watcher is
        self.index_path = workspace.index.path
        self.poll = poll
        self.debounce = debounce
        self.max_wait = max_wait
        self.rescan_every = rescan_every
        self.heartbeat_every = heartbeat_every
        self.slow_views_every = slow_views_every
        self.updates = 0
        self.last_update: Update | None = None
        self._start_day = workspace.today
        self._today = today
        self._echo = echo or (lambda line: None)
        self._echo_error = echo_error or self._echo
        self._git_lock = _git_index_lock(self.vault.root)
        self._lock = threading.Condition()
        self._wake = threading.Event()
        self._pending: set[str] = set()
        self._first_event = 0.0
        self._last_event = 0.0
        self._working = True  # until the first update is done
        self._stop = False
        self._written: dict[str, bytes] = {}  # views as this watcher wrote them
        self._reachouts_on: dt.date | None = None  # the day the daily note got its reach-outs
        self._render_owed = False  # the last render failed
        self._slow_views_at = -slow_views_every  # when the slow views were last rendered
        self._slow_views_owed = False  # a change was rendered into Due.md only
        self._synced = False  # the last sync worked: the index matches the vault
        # The notes a change's refresh is reading again: until it is done, the index is as
        # current as it was, but for these (see `_beat`).
        self._refreshing: set[str] = set()
        self._current: bool | None = False  # what the last heartbeat said (None: not written)
        self._beat_at = 0.0  # when it looked
        self._workspace = workspace  # replaced by the loop's own in run()
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._resync = False  # the index was set aside: walk the vault at once
        self._lost = False  # the system dropped events: walk the vault at once
        self._text_indexed = False  # the full-text index is built (in the first idle moment)
        self._root_id: tuple[int, int] | None = None  # the folder being watched, to notice it go
        with contextlib.suppress(OSError):
            self._root_id = _folder_id(self.vault.root)

    # -- control ---------------------------------------------------------------------
    def start(self) -> None:
        """Run the watcher on a background thread; returns once its first update is done."""
        started = threading.Event()
        self._thread = threading.Thread(
            target=self._run_thread, args=(started,), name="vault-watch", daemon=True
        )
        self._thread.start()
        started.wait()
        if self._failure is not None:
            raise self._failure

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the watcher started with `start()` and wait for it to finish."""
        self.request_stop()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def request_stop(self) -> None:
        """Ask the loop to stop after the current update (safe in a signal handler)."""
        self._stop = True

    @property
    def stopping(self) -> bool:
        """Whether a stop was requested."""
        return self._stop

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until the first update is done and no event is pending or being processed.

        An event the OS has not delivered yet is not pending: after writing a file, wait for
        the state you expect rather than for idle alone.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._working or self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stop:
                    return False
                self._lock.wait(remaining)
        return True

    # -- the observer's side ---------------------------------------------------------
    def relevant(self, path: str, is_directory: bool) -> str | None:
        """The vault-relative path of a change worth an update, else None."""
        rel = os.path.relpath(path, self.vault.root)
        if rel == "." or rel == ".." or rel.startswith(".." + os.sep):
            return None
        rel = unicodedata.normalize("NFC", rel.replace(os.sep, "/"))
        # Dot-files and dot-folders: .git, .obsidian, .trash, editors' swap files, and the
        # `.NAME.vaultkit-tmp` files of vaultkit's own atomic writes. But for Obsidian's
        # settings when they moved the folder of templates (a walk skips it): then the
        # update makes a new Vault and lists every folder again.
        if any(part.startswith(".") for part in rel.split("/")):
            if rel.startswith(".obsidian/") or rel == ".obsidian":
                with contextlib.suppress(Exception):  # (on the observer's thread: never raise)
                    if self.vault.templates_moved():
                        return rel
            return None
        if not is_usable_name(rel):
            # Bytes that are not UTF-8, a line break make no note: a path that is not a
            # note's sends the update to a walk, which names it in `vault check`.
            return shown_name(rel) + "/"
        if is_directory or rel.lower().endswith(".md") or rel == CONFIG_NAME:
            return rel
        if self._is_template(rel):
            return rel
        return None

    def lost_events(self) -> None:
        """The system dropped events (its queue overflowed: thousands of notes changed at
        once, a checkout): walk the vault, and until then commands walk it too."""
        self._lost = True
        self._wake.set()

    def record(self, paths: set[str]) -> None:
        """Note changed paths; the loop picks them up after the debounce."""
        now = time.monotonic()
        with self._lock:
            if not self._pending:
                self._first_event = now
            self._pending |= paths
            self._last_event = now
        self._wake.set()

    # -- the loop --------------------------------------------------------------------
    def _run_thread(self, started: threading.Event) -> None:
        try:
            self.run(started)
        except BaseException as err:
            self._failure = err
            if started.is_set():  # start() has returned: nobody else will see it
                self._echo_error(f"{_clock()} watcher stopped: {err}")
        finally:
            started.set()

    def run(self, started: threading.Event | None = None) -> None:
        """Watch until `request_stop()`; `started` is set once the first update is done."""
        # watchdog's inotify observer warns when a new folder (a `git init`) is registered
        # twice by its own recursive scan; the watch is kept, so the warning is only noise.
        warnings.filterwarnings(
            "ignore", message="Callback with id .* already exists", category=RuntimeWarning
        )
        # One watcher per vault, whatever index each uses: two that disagreed on today would
        # each take the other's Due.md for a user's edit and render it again, a few times a
        # second. The lock is in the user's cache folder, keyed by the vault's real path.
        lock = Path(vault_cache_dir(str(self.vault.root))) / WATCH_LOCK
        with contextlib.suppress(OSError):
            lock.parent.mkdir(parents=True, exist_ok=True)
        with held_or_busy(lock) as held:
            if not held:
                pid = lock_holder(lock)
                raise VaultkitError(
                    f"another `vault watch`{f' (pid {pid})' if pid else ''} already keeps {self.vault.root} current"
                )
            self._run(started)

    def _run(self, started: threading.Event | None) -> None:
        self._workspace = Workspace(self.vault, self.index_path, self._start_day, self._notice)
        observer: BaseObserver = PollingObserver(timeout=POLL_S) if self.poll else Observer()
        try:
            observer.schedule(_Recorder(self), str(self.vault.root), recursive=True)
            try:
                observer.start()
            except OSError as err:
                raise VaultkitError(
                    f"cannot watch {self.vault.root}: {err}; try `vault watch --poll`"
                ) from None
            self._announce(f"{'Polling' if self.poll else 'Watching'} {self.vault.root}; Ctrl-C to stop.")
            self._update("start", set())
            if started is not None:
                started.set()
            self._loop()
        finally:
            if observer.is_alive():
                observer.stop()
                observer.join(5)
            try:
                self._workspace.index.clear_heartbeat()
            finally:
                self._workspace.close()
                with self._lock:
                    self._stop = True
                    self._lock.notify_all()

    def _check_vault(self) -> None:
        """Raise VaultGone when the vault folder is no longer the one being watched.

        Carrying on would make it again (a view's write makes its folders) or watch a folder
        that no longer exists while another one stands in its place.
        """
        try:
            now = _folder_id(self.vault.root)
        except OSError:
            return  # cannot tell (a permission, a network drive away): the updates say what fails
        if now is None:
            raise VaultGone(
                f"the vault folder {self.vault.root} is gone (deleted or moved away); stopped watching"
            )
        if self._root_id is None:
            self._root_id = now
        elif now != self._root_id:
            raise VaultGone(
                f"the vault folder {self.vault.root} was replaced by another folder; stopped watching: "
                "run `vault watch` again"
            )

    def _loop(self) -> None:
        next_rescan = time.monotonic() + self.rescan_every
        next_beat = time.monotonic() + self.heartbeat_every
        while not self._stop:
            self._check_vault()
            self._wake.clear()  # before looking: an event from now on ends the wait below
            now = time.monotonic()
            batch, wait = self._take_batch(now)
            today = self._today() if self._today is not None else self._workspace.today
            if batch is not None:
                batch = self._drop_own_writes(batch)
                if batch:
                    self._update("change", batch)
                    next_rescan = time.monotonic() + self.rescan_every
                else:
                    self._beat()  # only our own writes: current again
            elif today != self._workspace.today:
                self._workspace.today = today
                self._update(f"new day {today.isoformat()}", set())
            elif self._resync or self._lost or now >= next_rescan:
                reason = "events lost, so every note looked at" if self._lost else "rescan"
                self._resync = self._lost = False
                self._update(reason, set())
                next_rescan = time.monotonic() + self.rescan_every
            elif self._slow_views_owed and now >= self._slow_views_at + self.slow_views_every:
                self._update("catch up", set())
            elif self._pending:
                # Events are waiting: commands must walk the vault until they are done, unless
                # the index holds what they name already (look again every turn; write a
                # new verdict at once, the same one a few times a second).
                self._beat(if_changed=True)
            elif not self._text_indexed:
                self._index_text()
            if time.monotonic() >= next_beat:
                self._beat()
                next_beat = time.monotonic() + self.heartbeat_every
            self._wake.wait(max(0.0, min(wait, next_beat - time.monotonic())))

    def _index_text(self) -> None:
        """In the first idle moment: build the full-text index a cold build leaves to the
        first search (that search need not wait for it). Once, whatever comes of it: a
        search builds it otherwise."""
        self._text_indexed = True
        try:
            self._workspace.index.full_text_ready()
        except Exception as err:  # a locked or broken index: the search that needs it says so
            self._echo_error(f"{_clock()} cannot build the search index yet: {err!r}")

    def _beat(self, if_changed: bool = False) -> None:
        """Refresh the heartbeat: current when the last sync worked and no pending event may
        name a change the index does not hold (`if_changed`: skip writing the same verdict
        within a tick of the last one). Not current for pending notes alone, it names them:
        a command checks their stats itself (it may have indexed them a moment ago)."""
        at = time.time()  # the beat says what was so when it looked, not when it was written
        with self._lock:
            synced = self._synced and not self._lost
            pending = self._pending | self._refreshing
        notes = self._pending_notes(pending)
        try:
            current = synced and notes is not None and (not notes or self._workspace.index.holds_stats(notes))
        except (sqlite3.Error, OSError):  # cannot tell: commands walk the vault
            current, notes = False, None
        if if_changed and current == self._current and at - self._beat_at < _TICK_S:
            return
        named = sorted(notes) if synced and notes else []
        try:
            self._workspace.index.write_heartbeat(current=current, at=at, pending=named)
            self._current, self._beat_at = current, at
        except Exception as err:  # a locked or broken index: say so once, keep watching
            if self._current is not None:
                self._echo_error(f"{_clock()} cannot write the heartbeat: {err!r}")
            self._current = None

    def _pending_notes(self, pending: set[str]) -> set[str] | None:
        """The pending paths the index may not hold as they are now: all but the views this
        watcher wrote, still as it wrote them. None when there are too many to look at, or a
        view changed. (Each is processed after the debounce all the same, the views redone;
        until then a command may trust the index for the notes it holds as they are.)"""
        if len(pending) > _FEW_PENDING:
            return None
        notes = set()
        for rel in pending:
            if rel in self._written:
                try:
                    if (self.vault.root / rel).read_bytes() == self._written[rel]:
                        continue
                except OSError:
                    return None
            notes.add(rel)
        return notes

    def _take_batch(self, now: float) -> tuple[set[str] | None, float]:
        """The pending paths when it is time to process them, else how long to wait."""
        with self._lock:
            if not self._pending:
                return None, _TICK_S
            first, last = self._first_event, self._last_event
        due = min(last + self.debounce, first + self.max_wait)
        if now < due:
            return None, min(due - now, _TICK_S)
        # A checkout or pull holds git's index lock while it rewrites files: process the
        # final state once it is done, not a half-applied one.
        if self._git_lock is not None and self._git_lock.exists() and now < first + GIT_MAX_WAIT_S:
            return None, 0.1
        with self._lock:
            batch, self._pending = self._pending, set()
            self._working = True
        return batch, 0.0

    def _drop_own_writes(self, batch: set[str]) -> set[str]:
        """Leave out views this watcher wrote, while they still hold what it wrote."""
        for rel in batch & self._written.keys():
            try:
                data = (self.vault.root / rel).read_bytes()
            except OSError:
                continue
            if data == self._written[rel]:
                batch.discard(rel)
        if not batch:
            with self._lock:
                self._working = False
                self._lock.notify_all()
        return batch

    def _update(self, reason: str, changed: set[str]) -> None:
        """Sync, render the views, report one line. Errors are reported, never raised."""
        started = time.perf_counter()
        update = Update(reason, notes=sorted(rel for rel in changed if rel.lower().endswith(".md")))
        # Notes the events named are re-read on their own (a walk of 100,000 notes costs
        # most of a second); anything else, and every start and rescan, walks the vault.
        # New settings (vaultkit.toml, or Obsidian's that moved the folder of templates: a
        # rescan looks too) make a new Vault, whose sync lists every folder again.
        settings = CONFIG_NAME in changed or any(rel.startswith(".") for rel in changed)
        quick = bool(reason == "change" and changed and not settings)
        synced = False  # (by this update)
        with self._lock:
            self._working = True
            if quick and self._synced:
                # The index stays as current as it was but for the notes read again: a
                # command may trust it meanwhile when it holds them as they are (a note the
                # command wrote and indexed itself a moment ago), as while they were pending.
                self._refreshing = set(changed)
            else:
                self._synced = False
        try:
            self._check_vault()
            if CONFIG_NAME in changed or (not quick and self.vault.templates_moved()):
                try:
                    reloaded = self._reload()
                    if reloaded:
                        update.reason = reloaded
                except VaultkitError as err:  # a bad config: say so, go on with the old one
                    update.error = str(err)
            workspace = self._workspace
            # This sync is what makes the index current: not current meanwhile (but for a
            # refresh of notes the index holds as they are, above).
            self._beat()
            # A start or a rescan lists every folder too: they are there to catch what was missed.
            update.sync = workspace.index.refresh(changed) if quick else None
            if update.sync is None:
                with self._reading() as progress:
                    update.sync = workspace.sync(progress=progress, relist=reason != "change")
            synced = True
            with self._lock:
                self._synced = True
                self._refreshing = set()
            self._beat()  # the index is current: commands need not wait for the views
            # Render after every event, not only when the sync saw changes: a command that
            # wrote a note (`vault log`) has indexed it already, but the views are not redone.
            if self._render_owed or reason != "rescan" or update.sync.changed_paths:
                self._render_owed = True  # until the views are written: a failure retries
                self._check_vault()  # gone while syncing: writing a view would make it again
                every = reason != "change" or time.monotonic() >= self._slow_views_at + self.slow_views_every
                for ref in advance_last_contacts(workspace):
                    update.views_written.append(f"{ref.path} (last_contact)")
                try:
                    views, failed = render_views(workspace, None if every else FAST_VIEWS), None
                except ViewsFailed as err:  # the others were written: known as ours, then said
                    views, failed = err.rendered, err
                for view in views:
                    if view.name == VDIR:  # a folder of events, often outside the vault
                        if view.written:
                            update.views_written.append(VDIR)
                        continue
                    if view.written:
                        update.views_written.append(view.path)
                        written = (self.vault.root / view.path).read_bytes()
                        self._written[unicodedata.normalize("NFC", view.path)] = written
                if failed is not None:
                    raise failed
                self._render_owed = False
                update.warning = nobody_hint(workspace)  # (Due.md says it too)
                self._add_reachouts(workspace, update)
                if every:
                    self._slow_views_at = time.monotonic()
                self._slow_views_owed = not every
            touched = set(update.sync.changed_paths)
            if touched:
                update.problems = [
                    p for p in workspace.problems() if p.path in touched and p.level == "error"
                ]
        except VaultGone:
            self._failed(synced)
            raise  # there is nothing left to watch
        except Exception as err:  # one bad update must not end the watcher
            self._failed(synced)
            explained = (
                None if isinstance(err, VaultkitError) else self._workspace.explain(err, "rebuilding it")
            )
            if explained is not None:
                # The index failed under a query (a damaged one is set aside for an empty one
                # now): commands must not trust it before the walk that fills it again.
                with self._lock:
                    self._synced = False
                self._resync = True
            error = str(err) if isinstance(err, VaultkitError) else str(explained or repr(err))
            update.error = f"{update.error}; {error}" if update.error else error
        update.seconds = time.perf_counter() - started
        self.updates += 1
        self.last_update = update
        if update.error:
            self._echo_error(f"{_clock()} {update.describe()}")
        elif update.changed or update.reason not in ("change", "rescan"):
            self._echo(f"{_clock()} {update.describe()}")
        self._beat()
        with self._lock:
            self._working = False
            self._lock.notify_all()

    def _failed(self, synced: bool) -> None:
        """An update failed: unless its sync had worked, commands walk the vault until one does."""
        if not synced:
            with self._lock:
                self._synced = False
                self._refreshing = set()

    def _add_reachouts(self, workspace: Workspace, update: Update) -> None:
        """With `[daily] reachouts`, add today's reach-outs to the daily note once a day, as
        soon as the note exists (Obsidian's daily-note template makes it). Once a day across
        restarts too: the index remembers the day (a section the user deleted stays so)."""
        if not workspace.config.daily_reachouts or self._reachouts_on == workspace.today:
            return
        from vaultkit.views.daily import NoDailyNote, daily_note_path, reach_out, reachouts_due

        if not reachouts_due(workspace):
            self._reachouts_on = workspace.today
            return
        path = daily_note_path(workspace)
        if workspace.vault.exists(path) and not os.path.getsize(workspace.vault.path(path)):
            return  # made empty (no daily-note template): the first save is an event, and this runs again
        try:
            done = reach_out(workspace)
        except NoDailyNote:
            return  # not made yet: its creation is an event, and this runs again
        self._reachouts_on = workspace.today
        if done.outcome == "added":
            update.views_written.append(f"{done.path} (reach-outs)")

    def _reload(self) -> str | None:
        """Take up an edited vaultkit.toml, or moved folders of templates: what changed,
        as the update's reason; None when nothing did.

        A bad vaultkit.toml raises ConfigError and the old settings stay.
        """
        vault = Vault(self.vault.root)
        if vault.config != self.vault.config:
            what = f"{CONFIG_NAME} reloaded"
        elif vault.template_folders != self.vault.template_folders:
            shown = ", ".join(f"{folder}/" for folder in vault.template_folders) or "none"
            what = f"folders of templates now {shown}"
        else:
            return None
        today = self._workspace.today
        self._workspace.close()
        self.vault = vault
        self._workspace = Workspace(vault, self.index_path, today, self._notice)
        return what

    def _notice(self, line: str) -> None:
        """A line from the index (it was damaged and set aside)."""
        self._echo_error(f"{_clock()} {line}")

    def _is_template(self, rel: str) -> bool:
        templates = self.vault.config.templates_dir
        return bool(templates) and rel.startswith(templates + "/") and rel.endswith(".j2")


def _folder_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the folder at `path`; None when there is no folder there.

    Raises OSError when that cannot be told (no permission to look, an I/O error).
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def _git_index_lock(root: Path) -> Path | None:
    """Where git puts its index lock for the repository holding the vault, if any."""
    for folder in (root, *root.parents):
        if (folder / ".git").is_dir():
            return folder / ".git" / "index.lock"
    return None


def _clock() -> str:
    return time.strftime("%H:%M:%S")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
