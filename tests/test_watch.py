"""`vault watch`: a real watchdog observer on a real temp vault.

Most tests run the Watcher on a thread of the test process (short debounce for speed);
the CLI tests run `vault watch` as a subprocess and send it signals. Every wait polls for
the expected state with a generous timeout.
"""

from __future__ import annotations

import configparser
import datetime as dt
import json
import os
import plistlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, TODAY, read_terminal, write_note

from vaultkit.index.core import Index
from vaultkit.vault.files import Vault
from vaultkit.watch import Watcher
from vaultkit.workspace import Workspace

TIMEOUT = 20.0
TODAY_DATE = dt.date.fromisoformat(TODAY)


def wait_for(condition: Callable[[], Any], timeout: float = TIMEOUT, what: str = "condition") -> Any:
    """Poll until `condition()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def due_text(vault: Path) -> str:
    try:
        return (vault / "Due.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def due_names(vault: Path) -> list[str]:
    """Names listed under "Due now" in Due.md."""
    text = due_text(vault)
    section = text.split("## Due now\n", 1)[-1].split("\n\n", 1)[0]
    return [line[4:].split("]]", 1)[0] for line in section.splitlines() if line.startswith("- [[")]


@dataclass
class Running:
    watcher: Watcher
    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def settle(self) -> None:
        assert self.watcher.wait_idle(TIMEOUT)


@pytest.fixture(autouse=True)
def only_the_due_view(vault_dir: Path) -> None:
    """These tests follow Due.md; Network.md (tested in test_network.py) is switched off."""
    (vault_dir / "vaultkit.toml").write_text('[views]\nnetwork = ""\n', encoding="utf-8")


@pytest.fixture
def watch(vault_dir: Path, tmp_path: Path) -> Iterator[Callable[..., Running]]:
    """watch(**options) starts a Watcher on vault_dir (today 2026-11-22) on a thread."""
    running: list[Running] = []

    def start(**options: Any) -> Running:
        workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", TODAY_DATE)
        run = Running(watcher=None)  # type: ignore[arg-type]
        settings = {"debounce": 0.05, "max_wait": 0.5, **options}
        run.watcher = Watcher(workspace, echo=run.lines.append, echo_error=run.errors.append, **settings)
        workspace.close()
        run.watcher.start()
        running.append(run)
        run.settle()
        return run

    yield start
    for run in running:
        run.watcher.stop()


def person(name: str, cadence: str = "1m", last: str | None = None, extra: str = "") -> str:
    last_line = f"last_contact: {last}\n" if last else ""
    return f"---\ncadence: {cadence}\n{last_line}{extra}---\n# {name}\n"


def test_network_view_is_rendered_at_start_but_not_after_every_change(watch, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text("", encoding="utf-8")  # both views on
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    assert "Due.md, Network.md updated" in run.lines[0]
    network = (vault_dir / "Network.md").stat().st_mtime_ns
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-11-20"))
    wait_for(lambda: due_names(vault_dir) == [], what="Ada to leave Due.md")
    run.settle()
    # Network.md's figures changed too (Ada is on time now), but they wait: at 100,000
    # notes they cost seconds, and Due.md must not wait for them.
    assert "People/Ada Lovelace.md changed; Due.md updated (" in run.lines[-1]
    assert (vault_dir / "Network.md").stat().st_mtime_ns == network


def test_the_full_text_index_is_built_while_the_watcher_is_idle(
    watch, vault_dir: Path, tmp_path: Path
) -> None:
    # The watcher's first sync builds a new index, which leaves the full-text index to the
    # first search; the watcher builds it in its first idle moment, so that search need not.
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", extra="company: Analytical\n"))
    watch()

    def built() -> bool:
        index = sqlite3.connect(tmp_path / "index.sqlite")
        try:
            return index.execute("SELECT value FROM meta WHERE key = 'fts'").fetchall() == [("current",)]
        finally:
            index.close()

    wait_for(built, what="the full-text index")
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", TODAY_DATE)
    try:
        assert [hit.path for hit in workspace.search(["analytical"])] == ["People/Ada Lovelace.md"]
    finally:
        workspace.close()


def test_the_network_view_catches_up_after_a_change(watch, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text("", encoding="utf-8")  # both views on
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch(slow_views_every=3.0)  # the change below comes well within 3 s of the start
    write_note(vault_dir, "People/Grace Hopper.md", person("Grace Hopper"))
    wait_for(
        lambda: "**2 people**" in (vault_dir / "Network.md").read_text(encoding="utf-8"), what="Network.md"
    )
    # The update's line comes once the update is done, a moment after Network.md is written.
    wait_for(
        lambda: any(line.split(" ", 1)[1].startswith("catch up:") for line in run.lines),
        what="the catch-up line",
    )


def test_editing_a_note_updates_due(watch, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    assert due_names(vault_dir) == ["Ada Lovelace"]
    assert "start: 1 note, 1 new or changed since last time; Due.md updated (" in run.lines[0]
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-11-20"))
    wait_for(lambda: due_names(vault_dir) == [], what="Ada to leave Due.md")
    run.settle()
    assert "People/Ada Lovelace.md changed; Due.md updated (" in run.lines[-1]
    assert run.errors == []


def test_events_the_system_lost_make_it_look_at_every_note(
    watch, vault_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the kernel's queue overflows (thousands of notes changed at once), watchdog
    says events were lost: the watcher walks the vault at once rather than at its next
    rescan (an hour away here)."""
    from watchdog.events import EventsLostEvent

    import vaultkit.watch as watch_module

    observers: list[tuple[Any, Any]] = []

    class Recorded(watch_module.Observer):  # type: ignore[misc,valid-type]
        def schedule(self, *args: Any, **kwargs: Any) -> Any:
            observed = super().schedule(*args, **kwargs)
            observers.append((self, observed))
            return observed

    monkeypatch.setattr(watch_module, "Observer", Recorded)
    note = write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch(rescan_every=3600)
    assert due_names(vault_dir) == ["Ada Lovelace"]
    # A change no event tells of: written through a hard link outside the vault.
    elsewhere = tmp_path / "elsewhere.md"
    os.link(note, elsewhere)
    with open(elsewhere, "r+", encoding="utf-8") as handle:
        handle.write(person("Ada Lovelace", last="2026-11-20"))
    time.sleep(0.3)
    run.settle()
    assert due_names(vault_dir) == ["Ada Lovelace"]  # (nothing told the watcher)
    observer, observed = observers[0]
    observer.event_queue.put((EventsLostEvent(str(vault_dir), is_directory=True), observed))
    wait_for(lambda: due_names(vault_dir) == [], what="Ada to leave Due.md")
    run.settle()
    assert (
        "events lost, so every note looked at: People/Ada Lovelace.md changed; Due.md updated ("
        in run.lines[-1]
    )
    assert run.errors == []


def test_a_note_written_by_a_command_updates_due(watch, cli, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    # `vault log` indexes the note itself; the watcher must still redo the view.
    result = cli("log", "Ada", "tea and the paper", "--channel", "tea")
    assert result.exit_code == 0, result.stderr
    wait_for(lambda: due_names(vault_dir) == [], what="Ada to leave Due.md")
    run.settle()
    assert "People/Ada Lovelace.md changed; Due.md updated (" in run.lines[-1]


def test_an_atomic_save_is_an_update(watch, vault_dir: Path) -> None:
    note = write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    # What editors do: write a temp file next to the note, then rename it over the note.
    temp = vault_dir / "People" / ".Ada Lovelace.md.swp"
    temp.write_text(person("Ada Lovelace", last="2026-11-21"), encoding="utf-8")
    os.replace(temp, note)
    wait_for(lambda: due_names(vault_dir) == [], what="the atomic save to be seen")
    run.settle()
    assert "People/Ada Lovelace.md changed; Due.md updated" in run.lines[-1]
    # And one that uses a visible temp name.
    temp = vault_dir / "People" / "Ada Lovelace.md.tmp"
    temp.write_text(person("Ada Lovelace", last="2026-10-01"), encoding="utf-8")
    os.replace(temp, note)
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace"], what="the second atomic save")


def test_deleting_and_renaming_people(watch, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    write_note(vault_dir, "People/Charles Babbage.md", person("Charles Babbage"))
    run = watch()
    assert due_names(vault_dir) == ["Ada Lovelace", "Charles Babbage"]
    (vault_dir / "People/Charles Babbage.md").unlink()
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace"], what="the deleted person to go")
    (vault_dir / "People/Ada Lovelace.md").rename(vault_dir / "People/Ada King.md")
    wait_for(lambda: due_names(vault_dir) == ["Ada King"], what="the renamed person")
    run.settle()
    assert run.errors == []


def test_files_in_a_new_folder_are_seen(watch, vault_dir: Path, tmp_path: Path) -> None:
    run = watch()
    folder = vault_dir / "People" / "Work" / "Team"
    folder.mkdir(parents=True)
    for name in ("Grace Hopper", "Alan Turing"):
        (folder / f"{name}.md").write_text(person(name), encoding="utf-8")
    wait_for(lambda: due_names(vault_dir) == ["Alan Turing", "Grace Hopper"], what="the new folder's people")
    # A folder moved in from outside brings notes that never had events of their own.
    outside = tmp_path / "elsewhere" / "Friends"
    outside.mkdir(parents=True)
    (outside / "Emmy Noether.md").write_text(person("Emmy Noether"), encoding="utf-8")
    outside.rename(vault_dir / "People" / "Friends")
    wait_for(
        lambda: due_names(vault_dir) == ["Alan Turing", "Emmy Noether", "Grace Hopper"],
        what="the moved-in folder's people",
    )
    run.settle()
    assert run.errors == []


def test_a_burst_of_500_files_gives_few_renders(watch, vault_dir: Path) -> None:
    # Room in Due.md for all 250 due (the default lists 100, then "and N more").
    (vault_dir / "vaultkit.toml").write_text('[views]\nnetwork = ""\nmax_rows = 500\n', encoding="utf-8")
    run = watch(debounce=0.3, max_wait=2.0)  # the defaults
    first = run.watcher.updates
    for number in range(500):
        write_note(vault_dir, f"People/Person {number:03d}.md", person(f"Person {number:03d}"))
    for number in range(0, 500, 2):  # then half of them are contacted: the final state counts
        write_note(
            vault_dir, f"People/Person {number:03d}.md", person(f"Person {number:03d}", last="2026-11-21")
        )
    expected = [f"Person {n:03d}" for n in range(1, 500, 2)]
    wait_for(lambda: due_names(vault_dir) == expected, what="the final view after the burst")
    run.settle()
    assert 1 <= run.watcher.updates - first <= 4
    assert run.errors == []


def test_text_outside_the_markers_survives(watch, vault_dir: Path) -> None:
    head = "# Due\n\nMy words before.\n\n"
    tail = "\n## After\nMy words after.\n"
    write_note(vault_dir, "Due.md", head + "<!-- vaultkit:due -->\n<!-- /vaultkit:due -->\n" + tail)
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    watch()
    text = due_text(vault_dir)
    assert text.startswith(head + "<!-- vaultkit:due -->\n*As of 2026-11-22.*\n")
    assert text.endswith("<!-- /vaultkit:due -->\n" + tail)
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-11-20"))
    wait_for(lambda: due_names(vault_dir) == [], what="Ada to leave Due.md")
    assert due_text(vault_dir).startswith(head) and due_text(vault_dir).endswith(tail)


def test_no_rewrite_when_nothing_changed(watch, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch(rescan_every=0.1)
    due = vault_dir / "Due.md"
    before = due.stat()
    first = run.watcher.updates
    # A note that does not change the view, then several idle rescans. The note comes in
    # whole (a rename): a rescan every 0.1 s can otherwise find it empty, then changed.
    home = vault_dir.parent / "Home.md"
    home.write_text("# Home\nsee [[Due]]\n", encoding="utf-8")
    home.replace(vault_dir / "Home.md")
    wait_for(lambda: any("Home.md added" in line for line in run.lines), what="Home.md to be indexed")
    wait_for(lambda: run.watcher.updates >= first + 5, what="idle rescans")
    after = due.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert not any("Due.md updated" in line for line in run.lines[1:])
    assert run.lines[1:] == [
        line for line in run.lines[1:] if "Home.md added" in line
    ]  # idle rescans are quiet


def test_its_own_writes_do_not_trigger_it(watch, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-11-20"))
    wait_for(lambda: due_names(vault_dir) == [], what="Due.md to change")
    run.settle()
    # Events arrive in order: once this later edit is processed, an echo of the Due.md
    # write would have shown up as an update of its own.
    write_note(vault_dir, "Home.md", "# Home\n")
    wait_for(lambda: any("Home.md added" in line for line in run.lines), what="Home.md")
    run.settle()
    changes = [line.split(" ", 1)[1] for line in run.lines[1:]]
    assert [c.split(" (")[0] for c in changes] == [
        "People/Ada Lovelace.md changed; Due.md updated",
        "Home.md added",
    ]


def test_a_broken_note_is_reported_and_the_watcher_carries_on(watch, vault_dir: Path, cli) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    write_note(vault_dir, "People/Broken.md", "---\ncadence: [1m\n---\n# Broken\n")
    wait_for(lambda: any("Broken.md" in line for line in run.lines), what="the broken note")
    run.settle()
    assert "People/Broken.md added; problem: People/Broken.md:3: error: invalid YAML" in run.lines[-1]
    result = cli("check", "--json")
    assert [p["path"] for p in json.loads(result.stdout)["problems"]] == ["People/Broken.md"]
    write_note(vault_dir, "People/Charles Babbage.md", person("Charles Babbage"))
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace", "Charles Babbage"], what="later changes")
    assert run.errors == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [(b"Bad\xff.md", "People/Bad\\xff.md"), (b"New\nLine.md", "People/New\\nLine.md")],
    ids=["not UTF-8", "a line break"],
)
def test_a_name_no_note_may_have_is_left_to_the_walk(
    watch, vault_dir: Path, tmp_path: Path, name: bytes, shown: str
) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    fd = os.open(os.fsencode(vault_dir / "People") + b"/" + name, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, person("Bad").encode())
    os.close(fd)

    def in_the_index() -> list[str]:  # as the watcher left it: no sync here
        index = Index.open(Vault(vault_dir), tmp_path / "index.sqlite")
        try:
            return [problem.path for problem in index.problems()]
        finally:
            index.close()

    # The event makes the watcher walk the vault, which names it (for `vault check`).
    wait_for(lambda: in_the_index() == [shown], what="the watcher to name it")
    write_note(vault_dir, "People/Charles Babbage.md", person("Charles Babbage"))
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace", "Charles Babbage"], what="later changes")
    assert "Line" not in (vault_dir / "Due.md").read_text(encoding="utf-8")
    assert run.errors == []


def test_an_error_in_one_update_is_printed_and_it_carries_on(watch, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    template = write_note(vault_dir, "Templates/vaultkit/due.md.j2", "{{ no_such_thing }}\n")
    wait_for(lambda: run.errors, what="the template error")
    assert f"error: template {template}:1: 'no_such_thing' is undefined (" in run.errors[0]
    template.write_text("{% for item in due %}{{ item.name }}!{% endfor %}\n", encoding="utf-8")
    wait_for(lambda: "Ada Lovelace!" in due_text(vault_dir), what="the fixed template")
    assert len(run.errors) == 1


def test_a_new_day_renders_again(vault_dir: Path, tmp_path: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-10-23"))
    today = [TODAY_DATE]
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", TODAY_DATE)
    lines: list[str] = []
    watcher = Watcher(workspace, today=lambda: today[0], echo=lines.append)
    workspace.close()
    watcher.start()
    try:
        assert "*As of 2026-11-22.*" in due_text(vault_dir)
        assert due_names(vault_dir) == []
        today[0] = TODAY_DATE + dt.timedelta(days=1)
        wait_for(lambda: "*As of 2026-11-23.*" in due_text(vault_dir), what="the new day")
        assert due_names(vault_dir) == ["Ada Lovelace"]
        wait_for(
            lambda: any(
                "new day 2026-11-23: 2 notes, none changed; Due.md updated (" in line for line in lines
            ),
            what="its line",
        )
    finally:
        watcher.stop()


def test_an_edited_config_is_taken_up(watch, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    (vault_dir / "vaultkit.toml").write_text('[views]\ndue = "Today.md"\nnetwork = ""\n', encoding="utf-8")
    wait_for(lambda: "[[Ada Lovelace]]" in (vault_dir / "Today.md").read_text(encoding="utf-8")
             if (vault_dir / "Today.md").exists() else False, what="the view at its new path")  # fmt: skip
    (vault_dir / "vaultkit.toml").write_text("default_cadence = 12\n", encoding="utf-8")
    wait_for(lambda: run.errors, what="the bad config to be reported")
    assert "error: vaultkit.toml: default_cadence must be a string, not 12" in run.errors[0]


def test_with_no_people_its_line_and_due_say_why(watch, vault_dir: Path) -> None:
    write_note(vault_dir, "Contacts/Ada.md", "# Ada\n")  # no People/ folder
    run = watch()
    why = f"no people in {vault_dir}: a person is a note under People/ (people_dir in vaultkit.toml; it does not exist there)"
    assert f"warning: {why}" in run.lines[0]
    in_vault = "No people in this vault" + why.removeprefix(f"no people in {vault_dir}")
    assert f"\n{in_vault}" in due_text(vault_dir) and "Enjoy your day" not in due_text(vault_dir)
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace"], what="Ada in Due.md")
    run.settle()
    assert "warning" not in run.lines[-1]


def test_git_checkout_is_processed_once_it_is_done(watch, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    (vault_dir / ".git").mkdir()
    run = watch()
    first = run.watcher.updates
    lock = vault_dir / ".git" / "index.lock"
    lock.write_text("", encoding="utf-8")
    write_note(vault_dir, "People/Charles Babbage.md", person("Charles Babbage"))
    time.sleep(1.0)  # twice the max wait: without the lock check it would have updated
    assert run.watcher.updates == first
    lock.unlink()
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace", "Charles Babbage"], what="the update after git")


def test_polling_observer(watch, vault_dir: Path) -> None:
    run = watch(poll=True)
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace"], what="the polling observer")
    run.settle()
    assert run.errors == []


# -- the heartbeat: commands trust a live, current watcher --------------------------------
def write_beat(index_path: Path, **beat: Any) -> None:
    db = sqlite3.connect(index_path)
    with db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('watcher_heartbeat', ?)", (json.dumps(beat),))
    db.close()


def read_beat(index_path: Path) -> dict[str, Any]:
    db = sqlite3.connect(index_path)
    rows = db.execute("SELECT value FROM meta WHERE key = 'watcher_heartbeat'").fetchall()
    db.close()
    return json.loads(rows[0][0]) if rows else {}


def test_commands_trust_a_current_watcher_and_only_then(cli, vault_dir: Path, tmp_path: Path) -> None:
    index_path = tmp_path / "index.sqlite"
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    assert cli("due", "--json").exit_code == 0
    index = Index.open(Vault(vault_dir), index_path)
    index.write_heartbeat(current=True)  # this test process is the live "watcher"
    index.close()
    write_note(vault_dir, "People/Charles Babbage.md", person("Charles Babbage"))

    def names() -> list[str]:
        return [item["name"] for item in json.loads(cli("due", "--json").stdout)["due"]]

    assert names() == ["Ada Lovelace"]  # trusted the index: no walk
    beat = read_beat(index_path)
    write_beat(index_path, **{**beat, "current": False})
    assert names() == ["Ada Lovelace", "Charles Babbage"]  # events pending: walked
    write_note(vault_dir, "People/Grace Hopper.md", person("Grace Hopper"))
    write_beat(index_path, **{**beat, "time": time.time() - 30})
    assert names() == ["Ada Lovelace", "Charles Babbage", "Grace Hopper"]  # stale heartbeat
    write_note(vault_dir, "People/Alan Turing.md", person("Alan Turing"))
    write_beat(index_path, **{**beat, "time": time.time(), "host": "elsewhere"})
    assert "Alan Turing" in names()  # another machine's process
    write_note(vault_dir, "People/Mary Somerville.md", person("Mary Somerville"))
    write_beat(index_path, **{**beat, "time": time.time(), "root": str(tmp_path / "another vault")})
    assert "Mary Somerville" in names()  # another vault's watcher


def test_a_heartbeat_naming_pending_notes_is_trusted_while_the_index_holds_them(
    vault_dir: Path, tmp_path: Path
) -> None:
    """The watcher heard of a note a moment before the command that wrote it indexed it:
    its heartbeat says "not current" and names the note; the next command trusts the index
    if it holds that note as it is now, and walks the vault otherwise."""
    ada = write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    index = Index.open(Vault(vault_dir), tmp_path / "index.sqlite")
    try:
        index.sync()
        index.write_heartbeat(current=False, pending=["People/Ada Lovelace.md"])
        assert index.watcher_is_current()
        write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-11-20"))
        assert ada.stat().st_size != index.db.execute("SELECT size FROM files").fetchone()[0]
        assert not index.watcher_is_current()  # changed since it was indexed
        index.sync()
        assert index.watcher_is_current()
        index.write_heartbeat(current=False, pending=["People/Ada Lovelace.md", "People/Grace Hopper.md"])
        assert not index.watcher_is_current()  # a note the index does not have
        index.write_heartbeat(current=False)
        assert not index.watcher_is_current()  # not current, for no note it names
    finally:
        index.close()


def test_the_person_a_trusted_index_finds_is_confirmed_by_their_note(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    """A watcher may be behind (busy rendering, or not yet woken by an edit): a command about
    one person checks the stat of that person's note, and walks the vault when it changed or
    is gone, or when the index finds nobody."""
    ada = write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", extra="company: Engines\n"))
    assert cli("due").exit_code == 0
    index = Index.open(Vault(vault_dir), tmp_path / "index.sqlite")

    def behind() -> None:
        index.write_heartbeat(current=True)  # this test process is the live "watcher", not yet woken

    behind()
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", extra="company: Looms\n"))
    assert json.loads(cli("show", "Ada", "--json").stdout)["fields"]["company"] == "Looms"
    behind()
    (vault_dir / "People" / "Family").mkdir()
    ada.rename(vault_dir / "People" / "Family" / "Ada Lovelace.md")
    logged = cli("log", "Ada", "after the move")
    assert (logged.exit_code, logged.stdout) == (
        0,
        "Logged for Ada Lovelace: People/Family/Ada Lovelace.md\n",
    )
    behind()
    write_note(vault_dir, "People/Grace Hopper.md", person("Grace Hopper"))
    assert json.loads(cli("show", "Grace", "--json").stdout)["name"] == "Grace Hopper"
    index.close()


def test_pending_events_of_what_the_index_holds_keep_it_trusted(
    watch, cli, vault_dir: Path, tmp_path: Path
) -> None:
    """A command's own write (indexed at once) and the watcher's own views leave the index
    current while their events wait out the debounce; an editor's write does not."""
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch(debounce=2.0, max_wait=8.0)  # events stay pending while the test looks
    watcher = run.watcher

    def beat_after(pending: set[str]) -> dict[str, Any]:
        """The first heartbeat written once these paths are pending (and from now)."""
        wait_for(lambda: pending <= watcher._pending, what=f"{pending} to be pending")
        seen = time.time()
        return wait_for(
            lambda: (b := read_beat(tmp_path / "index.sqlite"))["time"] > seen and b, what="a beat"
        )

    assert cli("log", "Ada", "tea and the paper").exit_code == 0  # indexed by the command itself
    assert beat_after({"People/Ada Lovelace.md"})["current"] is True
    # An editor saves the same note before the watcher got to it: now the index is behind.
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-11-20"))
    assert beat_after({"People/Ada Lovelace.md"})["current"] is False
    run.settle()
    assert json.loads(cli("show", "Ada", "--json").stdout)["last_contact"] == "2026-11-20"
    # A new note: once it is read, the watcher's own Due.md write is what is pending, and
    # the index holds everything all the same.
    write_note(vault_dir, "People/Grace Hopper.md", person("Grace Hopper"))
    wait_for(lambda: due_names(vault_dir) == ["Grace Hopper"], what="Grace in Due.md")
    assert beat_after({"Due.md"})["current"] is True


def test_while_it_reads_again_a_note_the_index_holds_the_index_stays_trusted(
    watch, cli, vault_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command's own write, read again by the watcher after the debounce: meanwhile the
    next command may trust the index (it holds the note as it is); an editor's write may not."""
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    run = watch()
    index = run.watcher._workspace.index  # (the loop's own, once it has started)
    beats: list[bool] = []
    refresh = index.refresh

    def refresh_seeing_the_beat(rel_paths: Any, keep_walk: bool = False) -> Any:
        if "People/Ada Lovelace.md" in rel_paths:  # (not the views it writes)
            beats.append(read_beat(tmp_path / "index.sqlite")["current"])
        return refresh(rel_paths, keep_walk)

    monkeypatch.setattr(index, "refresh", refresh_seeing_the_beat)
    assert cli("log", "Ada", "tea and the paper").exit_code == 0  # indexed by the command itself
    wait_for(lambda: len(beats) == 1, what="the watcher to read the note again")
    run.settle()
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-11-20"))
    wait_for(lambda: len(beats) == 2, what="the watcher to read the edit")
    run.settle()
    assert beats == [True, False]
    assert json.loads(cli("show", "Ada", "--json").stdout)["last_contact"] == "2026-11-20"


def vault_command(*args: str, vault: Path, index: Path) -> list[str]:
    return [str(Path(sys.executable).parent / "vault"), "--vault", str(vault), "--index", str(index), *args]


@pytest.fixture
def watch_process(
    vault_dir: Path, tmp_path: Path
) -> Iterator[Callable[..., tuple[subprocess.Popen[bytes], Path]]]:
    """Start `vault watch` as a subprocess; returns (process, output file)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*options: str) -> tuple[subprocess.Popen[bytes], Path]:
        out = tmp_path / f"watch-{len(started)}.out"
        with open(out, "wb") as sink:
            process = subprocess.Popen(
                vault_command(
                    "--today", TODAY, "watch", *options, vault=vault_dir, index=tmp_path / "index.sqlite"
                ),
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        wait_for(lambda: " start: " in out.read_text(encoding="utf-8"), what="the watcher to start")
        return process, out

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigterm_and_ctrl_c_stop_it_cleanly(watch_process, vault_dir: Path, tmp_path: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    for signum in (signal.SIGTERM, signal.SIGINT):
        process, out = watch_process()
        assert due_names(vault_dir) == ["Ada Lovelace"]
        process.send_signal(signum)
        assert process.wait(TIMEOUT) == 0
        lines = out.read_text(encoding="utf-8").splitlines()
        assert lines[0] == f"Watching {vault_dir}; Ctrl-C to stop."
        assert lines[-1] == "Stopped."
        assert not any("Traceback" in line for line in lines)
        assert read_beat(tmp_path / "index.sqlite") == {}


def test_its_start_shows_the_progress_of_a_long_reading_on_a_terminal(
    vault_dir: Path, tmp_path: Path
) -> None:
    """As every command's first reading does: a bar on the terminal's stderr while 500 notes
    or more are read, gone before the start's line; stdout holds the lines alone."""
    import pty

    for n in range(600):
        write_note(vault_dir, f"People/Person {n}.md", f"# Person {n}\n")
    out = tmp_path / "watch.out"
    command = vault_command("--today", TODAY, "watch", vault=vault_dir, index=tmp_path / "index.sqlite")
    master, terminal = pty.openpty()
    with open(out, "wb") as stdout:
        process = subprocess.Popen(command, stdout=stdout, stderr=terminal)
    os.close(terminal)
    try:
        wait_for(lambda: " start: " in out.read_text(encoding="utf-8"), what="the watcher to start")
        process.send_signal(signal.SIGINT)
        assert process.wait(TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    shown = read_terminal(master).decode("utf-8", "replace")
    assert "Reading notes" in shown and "Reading notes" not in out.read_text(encoding="utf-8")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"Watching {vault_dir}; Ctrl-C to stop."
    assert " start: 600 notes, 600 new or changed since last time" in lines[1]
    assert lines[-1] == "Stopped."


@pytest.mark.parametrize("how", ["deleted", "moved away", "replaced"])
def test_a_vault_that_goes_away_stops_the_watcher(how: str, vault_dir: Path, tmp_path: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    other = tmp_path / "other"  # a folder made elsewhere and moved in place of the vault
    write_note(other, "People/Grace Hopper.md", person("Grace Hopper"))
    write_note(other, "vaultkit.toml", "")
    out, err = tmp_path / "watch.out", tmp_path / "watch.err"
    command = vault_command("--today", TODAY, "watch", vault=vault_dir, index=tmp_path / "index.sqlite")
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
    try:
        wait_for(lambda: " start: " in out.read_text(encoding="utf-8"), what="the watcher to start")
        assert due_names(vault_dir) == ["Ada Lovelace"]
        elsewhere = tmp_path / "elsewhere"
        if how == "deleted":
            shutil.rmtree(vault_dir)
        else:
            vault_dir.rename(elsewhere)
        if how == "replaced":
            other.rename(vault_dir)
        assert process.wait(TIMEOUT) == 1
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if how == "replaced":
        # The folder now in its place is not the one watched: left as it is, and not watched.
        assert sorted(str(p.relative_to(vault_dir)) for p in vault_dir.rglob("*")) == [
            "People",
            "People/Grace Hopper.md",
            "vaultkit.toml",
        ]
        assert err.read_text(encoding="utf-8") == (
            f"vault: the vault folder {vault_dir} was replaced by another folder; stopped watching: "
            "run `vault watch` again\n"
        )
    else:
        # It did not make the folder again to write Due.md into it.
        assert not vault_dir.exists()
        assert err.read_text(encoding="utf-8") == (
            f"vault: the vault folder {vault_dir} is gone (deleted or moved away); stopped watching\n"
        )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"Watching {vault_dir}; Ctrl-C to stop."
    assert len(lines) == 2 and " start: " in lines[1]
    assert read_beat(tmp_path / "index.sqlite") == {}
    if how != "deleted":
        assert sorted(p.name for p in elsewhere.iterdir()) == ["Due.md", "People", "vaultkit.toml"]


def test_one_watcher_per_vault_whatever_its_index_or_today(
    watch_process, vault_dir: Path, tmp_path: Path
) -> None:
    """Two watchers that disagreed on today would render Due.md over each other forever:
    the second is refused even with another index, and through a symlink to the vault."""
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    process, _ = watch_process()
    (tmp_path / "link").symlink_to(vault_dir)
    for vault in (vault_dir, tmp_path / "link"):
        second = subprocess.run(
            vault_command("--today", "2026-11-23", "watch", vault=vault, index=tmp_path / "other.sqlite"),
            capture_output=True,
            timeout=TIMEOUT,
        )
        assert (second.returncode, second.stdout) == (1, b"")
        assert second.stderr.decode() == (
            f"vault: another `vault watch` (pid {process.pid}) already keeps {vault_dir} current\n"
        )
    # Once it is gone (killed: no clean stop), a watcher starts.
    process.kill()
    process.wait()
    watch_process()


def test_a_killed_watcher_is_not_trusted(watch_process, cli, vault_dir: Path, tmp_path: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    process, _ = watch_process()
    index = Index.open(Vault(vault_dir), tmp_path / "index.sqlite")
    wait_for(index.watcher_is_current, what="a current heartbeat")
    assert index.live_watcher() == process.pid
    # A second watcher on the same vault is refused.
    result = cli("watch")
    assert (result.exit_code, result.stdout) == (1, "")  # not "Watching …" first
    assert result.stderr == (
        f"vault: another `vault watch` (pid {process.pid}) already keeps {vault_dir} current\n"
    )
    # While it runs, a command sees what the watcher indexed.
    write_note(vault_dir, "People/Charles Babbage.md", person("Charles Babbage"))
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace", "Charles Babbage"], what="the watcher's update")
    wait_for(index.watcher_is_current, what="the watcher to be current again")
    process.kill()
    process.wait()
    # The heartbeat is still fresh, but its process is gone: commands walk the vault again.
    assert read_beat(tmp_path / "index.sqlite")["pid"] == process.pid
    assert not index.watcher_is_current()
    index.close()
    write_note(vault_dir, "People/Grace Hopper.md", person("Grace Hopper"))
    data = json.loads(cli("due", "--json").stdout)
    assert [item["name"] for item in data["due"]] == ["Ada Lovelace", "Charles Babbage", "Grace Hopper"]


def _state(pid: int) -> str:
    """A process's state letter in /proc (R, S, T...)."""
    line = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    return line[line.rfind(")") + 2]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="a process's state is read from /proc")
def test_a_stopped_watcher_is_not_trusted(watch_process, cli, vault_dir: Path, tmp_path: Path) -> None:
    """Ctrl-Z (SIGSTOP): the process is there and its heartbeat fresh, but nothing reads the
    events: commands walk the vault."""
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    process, _ = watch_process()
    index = Index.open(Vault(vault_dir), tmp_path / "index.sqlite")
    wait_for(index.watcher_is_current, what="a current heartbeat")
    process.send_signal(signal.SIGSTOP)
    try:
        wait_for(lambda: _state(process.pid) == "T", what="the watcher to stop")
        assert not index.watcher_is_current()
        write_note(vault_dir, "People/Charles Babbage.md", person("Charles Babbage"))
        data = json.loads(cli("due", "--json").stdout)
        assert [item["name"] for item in data["due"]] == ["Ada Lovelace", "Charles Babbage"]
    finally:
        process.send_signal(signal.SIGCONT)
    wait_for(index.watcher_is_current, what="the watcher to go on")
    index.close()


def test_service_samples_are_valid() -> None:
    unit = configparser.ConfigParser(strict=True, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(REPO / "docs" / "vault-watch.service", encoding="utf-8")
    assert unit["Service"]["ExecStart"].split()[-1] == "watch"
    assert unit["Install"]["WantedBy"] == "default.target"
    with open(REPO / "docs" / "com.vaultkit.watch.plist", "rb") as handle:
        plist = plistlib.load(handle)
    assert plist["Label"] == "com.vaultkit.watch"
    assert plist["ProgramArguments"][-1] == "watch"
    page = (REPO / "docs" / "views-and-watch.md").read_text(encoding="utf-8")
    assert "](vault-watch.service)" in page and "](com.vaultkit.watch.plist)" in page


def test_the_watcher_adds_todays_reachouts_once_the_daily_note_exists(watch: Any, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text(
        '[views]\nnetwork = ""\n[daily]\nreachouts = true\n', encoding="utf-8"
    )
    write_note(vault_dir, "People/Yuki Tanaka.md", "---\ncadence: 2w\n---\n# Yuki\n")
    run = watch()
    assert not (vault_dir / "Daily").exists()  # only a note that exists is changed
    # Made empty (Obsidian with no daily-note template): left alone, no error, until it is saved.
    note = write_note(vault_dir, "Daily/2026-11-22.md", "")
    wait_for(lambda: run.watcher.updates >= 2, what="the new note's update")
    run.settle()
    assert note.read_text(encoding="utf-8") == "" and not run.watcher.last_update.error
    write_note(vault_dir, "Daily/2026-11-22.md", "# Sunday\n")
    wait_for(lambda: "## Reach out" in note.read_text(encoding="utf-8"), what="the reach-outs")
    run.settle()
    text = note.read_text(encoding="utf-8")
    assert text.count("## Reach out") == 1 and "- [ ] [[Yuki Tanaka]]: never contacted\n" in text
    note.write_text(text + "More notes.\n", encoding="utf-8")  # a later edit that day adds nothing
    wait_for(lambda: run.watcher.updates >= 3, what="the edit's update")
    run.settle()
    assert note.read_text(encoding="utf-8") == text + "More notes.\n"


def test_reachouts_a_user_deleted_stay_deleted_when_the_watcher_restarts(
    watch: Any, cli: Any, vault_dir: Path
) -> None:
    """Once a day, across restarts: the index remembers the day; `vault today` still adds them."""
    (vault_dir / "vaultkit.toml").write_text(
        '[views]\nnetwork = ""\n[daily]\nreachouts = true\n', encoding="utf-8"
    )
    write_note(vault_dir, "People/Yuki Tanaka.md", "---\ncadence: 2w\n---\n# Yuki\n")
    note = write_note(vault_dir, "Daily/2026-11-22.md", "# Sunday\n")
    first = watch()
    assert "## Reach out" in note.read_text(encoding="utf-8")
    first.watcher.stop()
    note.write_text("# Sunday\n", encoding="utf-8")  # the user deletes the section
    second = watch()  # (its first update is done: it would have added them by now)
    second.settle()
    assert note.read_text(encoding="utf-8") == "# Sunday\n"
    second.watcher.stop()
    assert cli("today").exit_code == 0  # asked for by hand: added
    assert "- [ ] [[Yuki Tanaka]]: never contacted\n" in note.read_text(encoding="utf-8")


def test_the_watcher_moves_last_contact_forward_when_derived(watch: Any, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text(
        'write_last_contact = "derived"\n[views]\nnetwork = ""\nbase = "People.base"\n', encoding="utf-8"
    )
    ada = write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-10-01"))
    run = watch()
    assert (vault_dir / "People.base").is_file()
    write_note(vault_dir, "Meetings/2026-11-20 Lunch.md", "---\npeople: [Ada Lovelace]\n---\nLunch.\n")
    wait_for(
        lambda: "last_contact: 2026-11-20\n" in ada.read_text(encoding="utf-8"), what="last_contact moved"
    )
    run.settle()
    assert ada.read_text(encoding="utf-8") == person("Ada Lovelace", last="2026-11-20")
    assert due_names(vault_dir) == []


def test_the_watcher_keeps_the_views_vdir_in_step(watch, cli, vault_dir: Path, tmp_path: Path) -> None:
    vdir = tmp_path / "calendar"
    (vault_dir / "vaultkit.toml").write_text(f'[views]\nnetwork = ""\nvdir = "{vdir}"\n', encoding="utf-8")
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace", last="2026-10-02"))

    def reach_out_starts() -> list[str]:
        return sorted(
            line
            for path in vdir.glob("*@vaultkit.ics")
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("DTSTART")
        )

    run = watch(slow_views_every=0.0)
    assert reach_out_starts() == ["DTSTART;VALUE=DATE:20261122"]  # overdue: rings today
    assert "Due.md, vdir updated" in run.lines[0]
    assert cli("log", "Ada", "coffee").exit_code == 0
    wait_for(lambda: reach_out_starts() == ["DTSTART;VALUE=DATE:20261222"], what="Ada's reach-out to move")
    run.settle()
    assert run.errors == []


def test_moving_obsidians_templates_folder_drops_its_notes(watch: Any, cli: Any, vault_dir: Path) -> None:
    """Obsidian's templates.json names the folder a walk skips: the watcher takes up a new
    one at once, and Due.md agrees with People.base, which leaves the folder out."""
    (vault_dir / "vaultkit.toml").write_text(
        '[views]\nnetwork = ""\nbase = "People.base"\n', encoding="utf-8"
    )
    write_note(vault_dir, "People/Ada Lovelace.md", person("Ada Lovelace"))
    write_note(vault_dir, "People/Tpl/Person template.md", person("{{title}}"))
    run = watch()
    assert due_names(vault_dir) == ["Ada Lovelace", "Person template"]
    (vault_dir / ".obsidian").mkdir(exist_ok=True)
    (vault_dir / ".obsidian" / "templates.json").write_text('{"folder": "People/Tpl"}', encoding="utf-8")
    wait_for(lambda: due_names(vault_dir) == ["Ada Lovelace"], what="the template to leave Due.md")
    run.settle()
    assert "People/Tpl" in (vault_dir / "People.base").read_text(encoding="utf-8")
    assert any("folders of templates now People/Tpl/" in line for line in run.lines)
    run.watcher.stop()
    listed = json.loads(cli("list", "--json").stdout)["people"]
    assert [p["name"] for p in listed] == ["Ada Lovelace"]
