"""The index: incremental sync, rebuilds, link resolution, name clashes (spec §1, §4)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import write_note
from typer.testing import Result

from vaultkit.index.core import Index, SyncReport
from vaultkit.model import ASK_CHANNEL, INTRO_CHANNEL, Problem
from vaultkit.vault.files import Vault
from vaultkit.vault.walk import FINE_RACY_NS, RACY_NS, racy_window
from vaultkit.workspace import Workspace

TODAY = dt.date(2026, 11, 22)
OLD_NS = 1_600_000_000 * 10**9
MakePerson = Callable[..., Path]
Cli = Callable[..., Result]


def age(path: Path, offset_s: int = 0) -> None:
    """Give a file an old modification time, outside the racy window of any scan."""
    when = OLD_NS + offset_s * 10**9
    os.utime(path, ns=(when, when))


@pytest.fixture
def index(vault_dir: Path, tmp_path: Path) -> Iterator[Index]:
    opened = Index.open(Vault(vault_dir), tmp_path / "index.sqlite")
    yield opened
    opened.close()


def counts(report: SyncReport) -> tuple[int, int, int, int, int]:
    return report.total, report.read, report.added, report.changed, report.removed


def last_contacts(index: Index) -> dict[str, str | None]:
    return {p.name: p.last_contact.isoformat() if p.last_contact else None for p in index.people(TODAY)}


# -- incremental sync ---------------------------------------------------------------------
def test_only_changed_files_are_read_again(index: Index, make_person: MakePerson, vault_dir: Path) -> None:
    ada, bob, cy = make_person("Ada"), make_person("Bob"), make_person("Cy")
    daily = write_note(vault_dir, "Daily/2026-11-20.md", "[[Ada]]\n")
    for path in (ada, bob, cy, daily):
        age(path)
    first = index.sync()
    assert counts(first) == (4, 4, 4, 0, 0)
    assert first.changed_paths == ["Daily/2026-11-20.md", "People/Ada.md", "People/Bob.md", "People/Cy.md"]
    again = index.sync()
    assert counts(again) == (4, 0, 0, 0, 0)
    assert again.changed_paths == []
    bob.write_text("---\ncadence: 1m\n---\n# Bob\n")
    age(bob, 10)
    daily.write_text("[[Bob]]\n")  # same size and time as before: invisible to a stat walk
    age(daily)
    report = index.sync()
    assert counts(report) == (4, 1, 0, 1, 0)
    assert report.changed_paths == ["People/Bob.md"]
    assert {p.name: p.cadence for p in index.people(TODAY)}["Bob"] == "1m"
    assert last_contacts(index) == {"Ada": "2026-11-20", "Bob": None, "Cy": None}


def test_deleted_notes_are_dropped(index: Index, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada", cadence="sometimes")
    bob = make_person("Bob")
    daily = write_note(vault_dir, "Daily/2026-11-20.md", "[[Bob]]\n")
    index.sync()
    assert [p.name for p in index.people(TODAY)] == ["Ada", "Bob"]
    assert last_contacts(index)["Bob"] == "2026-11-20"
    daily.unlink()
    (vault_dir / "People" / "Ada.md").unlink()
    report = index.sync()
    assert (report.removed, sorted(report.changed_paths)) == (2, ["Daily/2026-11-20.md", "People/Ada.md"])
    assert last_contacts(index) == {"Bob": None}
    assert index.problems() == []
    assert index.search(["Ada"]) == []
    bob.unlink()
    index.sync()
    assert index.people(TODAY) == []
    assert index.note_count() == 0


def test_a_broken_note_is_skipped_until_fixed(index: Index, make_person: MakePerson) -> None:
    ada = make_person("Ada")
    ada.write_text("---\ncadence: [1m\n---\n")
    report = index.sync()
    assert (report.total, report.problems) == (1, 1)
    assert index.people(TODAY) == []
    assert index.problems() == [
        Problem(
            "People/Ada.md",
            3,
            "error",
            "invalid YAML in front matter: did not find expected ',' or ']'; note skipped",
        )
    ]
    ada.write_text("---\ncadence: [1m]\n---\n")
    age(ada)
    assert index.sync().problems == 1
    assert [p.cadence for p in index.people(TODAY)] == [None]  # the person is back; a list is not a cadence
    assert [p.message for p in index.problems()] == [
        "cadence: \"['1m']\" is not a cadence (use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none); ignored"
    ]


def test_the_racy_window(index: Index, make_person: MakePerson) -> None:
    """A file changed within its file system's time resolution of the last scan is read
    again even when its stat is the same."""
    ada = make_person("Ada", company="Acme")
    soon = time.time_ns() + 10**9 + 1  # (as close to the scan as a test can be sure of)
    os.utime(ada, ns=(soon, soon))
    index.sync()
    stat = ada.stat()
    # An edit in the same clock tick: same size, same time.
    ada.write_text(ada.read_text().replace("Acme", "Initech"[:4]))
    os.utime(ada, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert ada.stat().st_size == stat.st_size
    report = index.sync()
    assert (report.read, report.changed) == (1, 0)
    assert index.person("People/Ada.md", TODAY).fields["company"] == "Init"
    # Long after the last scan, an unchanged stat means an unchanged file: nothing is read.
    age(ada)
    index.sync()
    ada.write_text(ada.read_text().replace("Init", "Acme"))
    age(ada)
    assert index.sync().read == 0


@pytest.mark.parametrize("whole_second", [False, True])
def test_the_racy_window_follows_the_resolution_of_the_times(
    index: Index, make_person: MakePerson, whole_second: bool
) -> None:
    """A time with fractions of a second is racy for 0.1 s after it: one a second before the
    scan is not; a whole second may be from a file system keeping only those (FAT, HFS+)
    and is racy for 2 s: one less than a second before the scan is looked at again, and an
    edit that kept its size and time is read."""
    ada = make_person("Ada", company="Acme")
    now = time.time_ns()
    when = now // 10**9 * 10**9 if whole_second else now - 10**9 - 1
    os.utime(ada, ns=(when, when))
    index.sync()
    ada.write_text(ada.read_text().replace("Acme", "Init"))
    os.utime(ada, ns=(when, when))
    assert index.sync().read == int(whole_second)
    assert racy_window(when) == (RACY_NS if whole_second else FINE_RACY_NS)


def test_a_racy_note_whose_bytes_are_the_same_is_not_read_again(
    index: Index, make_person: MakePerson
) -> None:
    """A note written lately keeps a digest of the bytes read: the next sync reads them again
    and compares, and parses the note again only when they differ."""
    ada = make_person("Ada", company="Acme")
    soon = time.time_ns() + 10**9 + 1  # (racy for any scan in the next second)
    os.utime(ada, ns=(soon, soon))
    index.sync()
    digest = index.db.execute("SELECT digest FROM files WHERE path = 'People/Ada.md'").fetchone()[0]
    assert digest is not None
    assert index.sync().read == 0
    ada.write_text(ada.read_text().replace("Acme", "Init"))  # same size, same time
    os.utime(ada, ns=(soon, soon))
    assert index.sync().read == 1
    assert index.person("People/Ada.md", TODAY).fields["company"] == "Init"
    age(ada)
    index.sync()
    assert index.db.execute("SELECT digest FROM files WHERE path = 'People/Ada.md'").fetchone()[0] is None


def test_a_sync_that_verified_racy_notes_counts_the_next_racy_window_from_itself(
    index: Index, make_person: MakePerson
) -> None:
    """Else every note verified by its digest would be verified again at every later sync,
    and more of them after each write."""
    ada = make_person("Ada")
    soon = time.time_ns() + 10**9 + 1
    os.utime(ada, ns=(soon, soon))
    index.sync()
    before = int(index._meta("last_scan_ns") or 0)
    assert index.sync().read == 0  # (its digest says its bytes are the same)
    assert int(index._meta("last_scan_ns") or 0) > before


def test_update_paths_reads_a_written_note_at_once(index: Index, make_person: MakePerson) -> None:
    ada = make_person("Ada")
    index.sync()
    ada.write_text("---\ncadence: 2w\n---\n")
    index.update_paths(["People/Ada.md"])
    assert [p.cadence for p in index.people(TODAY)] == ["2w"]
    ada.unlink()
    index.update_paths(["People/Ada.md"])
    assert index.people(TODAY) == []


def test_a_refresh_counts_the_notes_of_the_index(index: Index, make_person: MakePerson) -> None:
    """Told by the walk it keeps, after a note changed or added (`vault log`, `vault add`),
    or by the index, after one removed."""
    ada = make_person("Ada")
    make_person("Bob")
    index.sync()
    ada.write_text("---\ncadence: 2w\n---\n")
    assert index.refresh(["People/Ada.md"], keep_walk=True).total == 2
    make_person("Cy")
    assert index.refresh(["People/Cy.md"], keep_walk=True).total == 3
    ada.unlink()
    assert index.refresh(["People/Ada.md"], keep_walk=True).total == 2 == index.note_count()


def test_the_index_uses_wal_and_waits_when_busy(index: Index) -> None:
    """The watcher and a command can work at once."""
    assert index.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert index.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_an_empty_index_is_filled_with_a_rollback_journal_then_back_in_wal(
    index: Index, make_person: MakePerson, tmp_path: Path
) -> None:
    """Its pages are written once, not into the log and again into the file."""
    make_person("Ada", cadence="2w")
    statements: list[str] = []
    index.db.set_trace_callback(statements.append)
    index.sync()
    index.db.set_trace_callback(None)
    assert statements.index("PRAGMA journal_mode = DELETE") < statements.index("PRAGMA journal_mode = WAL")
    assert index.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert [p.name for p in index.people(TODAY)] == ["Ada"]
    assert not (tmp_path / "index.sqlite-journal").exists()


def test_a_fill_that_fails_leaves_the_index_empty_in_wal_and_tells_its_own_error(
    index: Index, make_person: MakePerson
) -> None:
    make_person("Ada", cadence="2w")

    def batches() -> Iterator[Any]:
        raise RuntimeError("the parser stopped")
        yield

    with pytest.raises(RuntimeError, match="the parser stopped"):
        index.apply(batches(), [], None, fresh=True)
    assert index.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert index.db.execute("SELECT count(*) FROM files").fetchone() == (0,)
    index.sync()
    assert [p.name for p in index.people(TODAY)] == ["Ada"]


def test_an_empty_index_another_connection_has_open_is_filled_in_wal(
    index: Index, make_person: MakePerson, tmp_path: Path
) -> None:
    make_person("Ada", cadence="2w")
    other = sqlite3.connect(tmp_path / "index.sqlite")
    try:
        assert other.execute("SELECT count(*) FROM people").fetchone() == (0,)
        statements: list[str] = []
        index.db.set_trace_callback(statements.append)
        index.sync()
        index.db.set_trace_callback(None)
        assert "PRAGMA journal_mode = DELETE" in statements  # tried, and refused at once
        assert "PRAGMA journal_mode = WAL" not in statements  # so it never left WAL
        assert index.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert other.execute("SELECT name FROM people").fetchall() == [("Ada",)]
    finally:
        other.close()


# -- rebuilds -----------------------------------------------------------------------------
def _build(vault_dir: Path, make_person: MakePerson) -> None:
    make_person("Ada", cadence="1m", body="## Log\n- 2026-10-02 coffee: hi\n")
    make_person("Bob", cadence="2w")
    write_note(vault_dir, "Daily/2026-11-20.md", "[[Bob]]\n")


def _snapshot(workspace: Workspace) -> tuple[object, ...]:
    return (
        [item.to_json() for item in workspace.due()],
        [p.to_json() for p in workspace.problems()],
        workspace.show("Ada"),
        workspace.search(["hi"]),
    )


def test_schema_version_mismatch_rebuilds_silently(
    vault_dir: Path, tmp_path: Path, make_person: MakePerson
) -> None:
    _build(vault_dir, make_person)
    path = tmp_path / "index.sqlite"
    workspace = Workspace(Vault(vault_dir), path, TODAY)
    workspace.sync()
    expected = _snapshot(workspace)
    workspace.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    db.execute("DELETE FROM people")
    db.commit()
    db.close()
    workspace = Workspace(Vault(vault_dir), path, TODAY)
    report = workspace.sync()
    assert (report.read, report.added) == (3, 3)
    assert _snapshot(workspace) == expected
    workspace.close()


@pytest.mark.parametrize(
    ("garbage", "reason"),
    [
        (b"not a database at all" * 100, "file is not a database"),
        (b"SQLite format 3\x00" + b"\xff" * 5000, "another program's SQLite database"),
        (b"", None),
    ],
)
def test_a_corrupt_index_in_the_cache_folder_is_set_aside_and_rebuilt(
    vault_dir: Path,
    tmp_path: Path,
    make_person: MakePerson,
    monkeypatch: pytest.MonkeyPatch,
    garbage: bytes,
    reason: str | None,
) -> None:
    """In vaultkit's own cache folder whatever is at the index path is vaultkit's: a damaged
    one is set aside (never deleted) and rebuilt, with one line saying so. (Elsewhere, see
    test_index_file.py: a file that cannot prove it is an index is left alone.)"""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _build(vault_dir, make_person)
    workspace = Workspace(Vault(vault_dir), None, TODAY)
    workspace.sync()
    expected = _snapshot(workspace)
    path = workspace.index.path
    workspace.close()
    path.write_bytes(garbage)
    notices: list[str] = []
    workspace = Workspace(Vault(vault_dir), None, TODAY, notify=notices.append)
    workspace.sync()
    assert _snapshot(workspace) == expected
    workspace.close()
    asides = sorted(path.parent.glob("index.sqlite.corrupt-*"))
    if garbage:  # an empty file has no bytes to lose: it simply becomes the index
        assert [aside.read_bytes() for aside in asides] == [garbage]
        assert notices == [
            f"the index {path} is damaged ({reason}); set it aside as {asides[0].name} and made a new one"
        ]
    else:
        assert (asides, notices) == ([], [])


def test_deleting_the_index_loses_nothing(cli: Cli, make_person: MakePerson, tmp_path: Path) -> None:
    make_person("Ada", cadence="1m")
    make_person("Bob", cadence="1w", tags=["x"])
    assert cli("log", "Ada,Bob", "lunch", "--channel", "lunch", "--date", "2026-11-01").exit_code == 0
    before = [
        cli(*args).stdout for args in (("due", "--json"), ("list", "--json"), ("show", "Ada", "--json"))
    ]
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"index.sqlite{suffix}").unlink(missing_ok=True)
    after = [cli(*args).stdout for args in (("due", "--json"), ("list", "--json"), ("show", "Ada", "--json"))]
    assert after == before
    assert json.loads(after[0])["due"][0]["last_channel"] == "lunch"


def test_a_config_change_that_shapes_the_index_rebuilds_it(
    vault_dir: Path, tmp_path: Path, make_person: MakePerson
) -> None:
    make_person("Ada")
    write_note(vault_dir, "Contacts/Bob.md", "# Bob\n")
    path = tmp_path / "index.sqlite"
    index = Index.open(Vault(vault_dir), path)
    index.sync()
    assert [p.name for p in index.people(TODAY)] == ["Ada"]
    index.close()
    (vault_dir / "vaultkit.toml").write_text('people_dir = "Contacts"\n')
    index = Index.open(Vault(vault_dir), path)
    assert index.sync().added == 2
    assert [p.name for p in index.people(TODAY)] == ["Bob"]
    index.close()


def test_the_channel_index_holds_the_intros_and_asks_and_serves_a_bound_channel(
    index: Index, make_person: MakePerson
) -> None:
    # It keeps only the Log entries the figures read by channel word: a query that binds
    # one of those words must still find it (SQLite checks the bound value against the
    # index's WHERE), and any other word must still be answered, without it.
    log = "## Log\n- 2026-10-01 intro: [[Bob]] and [[Cy]]\n- 2026-10-02 asked: email: hi\n- 2026-10-03 call: hi\n"
    make_person("Ada", body=log)
    make_person("Bob")
    make_person("Cy")
    index.sync(rebuild=True)
    db = index.db
    assert db.execute("SELECT count(*) FROM contacts INDEXED BY contacts_channel WHERE source = 'log' "
                      "AND (channel = 'intro' OR channel = 'asked')").fetchone() == (2,)  # fmt: skip
    query = "SELECT src, line FROM contacts WHERE source = 'log' AND channel = ? ORDER BY src, line"
    for channel, line in ((INTRO_CHANNEL, 3), (ASK_CHANNEL, 4), ("call", 5)):
        plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {query}", (channel,)))
        assert ("contacts_channel" in plan) == (channel != "call"), plan
        assert db.execute(query, (channel,)).fetchall() == [("People/Ada.md", line)]


# -- link resolution ----------------------------------------------------------------------
def test_renaming_a_person_updates_link_resolution(
    index: Index, make_person: MakePerson, vault_dir: Path
) -> None:
    make_person("Ada", aliases=["The Countess"])
    write_note(vault_dir, "Daily/2026-11-20.md", "- lunch with [[Ada King]]\n")
    write_note(vault_dir, "Daily/2026-11-21.md", "- tea with [[the countess]]\n")
    write_note(vault_dir, "Notes/About.md", "[[Ada King]] and [[Ada]]\n")
    index.sync()
    assert last_contacts(index) == {"Ada": "2026-11-21"}
    assert index.links_in("People/Ada.md") == ["Daily/2026-11-21.md", "Notes/About.md"]
    (vault_dir / "People" / "Ada.md").rename(vault_dir / "People" / "Ada King.md")
    index.sync()
    assert last_contacts(index) == {"Ada King": "2026-11-21"}
    assert index.links_in("People/Ada King.md") == [
        "Daily/2026-11-20.md",
        "Daily/2026-11-21.md",
        "Notes/About.md",
    ]
    assert [i.path for i in index.interactions("People/Ada King.md")] == [
        "Daily/2026-11-21.md",
        "Daily/2026-11-20.md",
    ]
    # A new note called like the alias takes the link from the alias.
    write_note(vault_dir, "Notes/The Countess.md", "# a title\n")
    index.sync()
    assert [i.path for i in index.interactions("People/Ada King.md")] == ["Daily/2026-11-20.md"]
    (vault_dir / "Notes" / "The Countess.md").unlink()
    index.sync()
    assert [i.path for i in index.interactions("People/Ada King.md")] == [
        "Daily/2026-11-21.md",
        "Daily/2026-11-20.md",
    ]


def test_changing_an_alias_updates_link_resolution(
    index: Index, make_person: MakePerson, vault_dir: Path
) -> None:
    ada = make_person("Ada Lovelace", aliases=["Ada"])
    write_note(vault_dir, "Daily/2026-11-20.md", "[[Ada]]\n")
    index.sync()
    assert last_contacts(index) == {"Ada Lovelace": "2026-11-20"}
    ada.write_text("---\naliases: [Countess]\n---\n")
    index.sync()
    assert last_contacts(index) == {"Ada Lovelace": None}


def test_links_by_path_and_markdown(index: Index, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada", folder="People/Work")
    make_person("Ada", folder="People/Family")
    write_note(vault_dir, "Daily/2026-11-19.md", "[[Family/Ada]]\n")
    write_note(vault_dir, "Daily/2026-11-20.md", "[x](../People/Work/Ada.md)\n")
    write_note(vault_dir, "Daily/2026-11-21.md", "[[People/Nobody/Ada]]\n")
    index.sync()
    assert {p.path: p.last_contact for p in index.people(TODAY)} == {
        "People/Family/Ada.md": dt.date(2026, 11, 19),
        "People/Work/Ada.md": dt.date(2026, 11, 20),
    }


def test_two_people_with_one_name(index: Index, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada", folder="People/Old Friends")
    make_person("Ada")
    make_person("Bob", folder="People/B")
    make_person("Bob", folder="People/A")
    write_note(vault_dir, "Daily/2026-11-20.md", "[[Ada]] [[bob]]\n")
    index.sync()
    assert [p.path for p in index.people(TODAY)] == [
        "People/Ada.md",
        "People/Old Friends/Ada.md",
        "People/A/Bob.md",
        "People/B/Bob.md",
    ]
    assert last_contacts_by_path(index) == {
        "People/Ada.md": "2026-11-20",
        "People/Old Friends/Ada.md": None,
        "People/A/Bob.md": "2026-11-20",
        "People/B/Bob.md": None,
    }
    assert index.problems() == [
        Problem("People/A/Bob.md", None, "warning", "another person has the same name: People/B/Bob.md"),
        Problem(
            "People/Ada.md", None, "warning", "another person has the same name: People/Old Friends/Ada.md"
        ),
        Problem("People/B/Bob.md", None, "warning", "another person has the same name: People/A/Bob.md"),
        Problem(
            "People/Old Friends/Ada.md", None, "warning", "another person has the same name: People/Ada.md"
        ),
    ]
    workspace = Workspace(index.vault, index.path, TODAY)
    assert workspace.find_person("ada").path == "People/Ada.md"
    assert workspace.find_person("BOB").path == "People/A/Bob.md"
    workspace.close()


def last_contacts_by_path(index: Index) -> dict[str, str | None]:
    return {p.path: p.last_contact.isoformat() if p.last_contact else None for p in index.people(TODAY)}


def test_a_non_person_note_with_the_name_takes_the_link(
    index: Index, make_person: MakePerson, vault_dir: Path
) -> None:
    """Obsidian opens the shortest path: a top-level note called Ada wins over People/Ada."""
    make_person("Ada")
    write_note(vault_dir, "Ada.md", "# a project called Ada\n")
    write_note(vault_dir, "Daily/2026-11-20.md", "[[Ada]] [[People/Ada]]\n")
    index.sync()
    assert [i.line for i in index.interactions("People/Ada.md")] == [1]
    assert index.links_in("People/Ada.md") == ["Daily/2026-11-20.md"]


def test_each_link_means_the_person_obsidians_rules_pick(
    index: Index, make_person: MakePerson, vault_dir: Path, tmp_path: Path
) -> None:
    """A link's person, by the rules `RESOLVE_SQL` keeps, read the same by a first sync and
    by one that finds the links added to a vault it already holds."""
    make_person("Ada")
    make_person("Ada", folder="Deep/Zoë", type="person")
    make_person("Bea", folder="Friends", type="person")
    make_person("Bea", folder="Colleagues", type="person")  # same depth: the first in order wins
    make_person("Cyrus", aliases=["Cy", "Dee"])
    make_person("Dorothy", aliases=["dee"])  # an alias two people share means no one
    make_person("Eve")
    write_note(vault_dir, "Notes/Eve.md", "# a project called Eve\n")  # before People/ in order
    links = {
        "[[Ada]]": "People/Ada.md",  # the shortest path
        "[[zoë/ada]]": "Deep/Zoë/Ada.md",  # a path link: notes whose path ends with it
        "[[oë/Ada]]": None,  # ... at a folder's start, not inside a name
        "[[Zoë/Nobody/Ada]]": None,
        "[[Bea]]": "Colleagues/Bea.md",
        "[[Cy]]": "People/Cyrus.md",  # no note called Cy: the one person with that alias
        "[[People/Cy]]": None,  # a path link never means an alias
        "[[Dee]]": None,
        "[[Eve]]": None,  # a note that is not a person's takes the link
        "[[People/Eve]]": "People/Eve.md",
    }
    text = "".join(f"{link}\n" for link in links)

    def resolved(held: Index) -> dict[str, str | None]:
        rows = held.db.execute("SELECT line, person FROM links WHERE src = 'Meetings/Talk.md' ORDER BY line")
        return {written: person for written, (_, person) in zip(links, rows, strict=True)}

    write_note(vault_dir, "Meetings/Talk.md", text)
    index.sync()
    assert resolved(index) == links
    later = Index.open(index.vault, tmp_path / "later.sqlite")
    (vault_dir / "Meetings" / "Talk.md").unlink()
    later.sync()
    write_note(vault_dir, "Meetings/Talk.md", text)
    later.sync()
    assert resolved(later) == links
    later.close()


def test_shared_aliases_are_warned(index: Index, make_person: MakePerson) -> None:
    make_person("Smith, John", aliases=["J", "Boss"])
    make_person("Doe, Jane", aliases=["j"])
    make_person("Boss")
    make_person("Ada", aliases=["Ada"])
    index.sync()
    # The alias as written, at the line of the `aliases` key.
    assert index.problems() == [
        Problem("People/Doe, Jane.md", 2, "warning", "alias 'j' is shared with People/Smith, John.md"),
        Problem("People/Smith, John.md", 2, "warning", "alias 'Boss' is the name of People/Boss.md"),
        Problem("People/Smith, John.md", 2, "warning", "alias 'J' is shared with People/Doe, Jane.md"),
    ]
    write_note(index.vault.root, "People/Sam.md", "# Sam\n")
    write_note(index.vault.root, "People/Samuel.md", "---\ncadence: 1m\naliases:\n  - SAM\n  - Sam\n---\n")
    index.sync()
    assert [p for p in index.problems() if p.path == "People/Samuel.md"] == [
        Problem("People/Samuel.md", 3, "warning", "alias 'SAM' is the name of People/Sam.md")
    ]


def test_daily_interaction_text_is_the_line_with_the_link(
    index: Index, make_person: MakePerson, vault_dir: Path
) -> None:
    make_person("Ada")
    write_note(
        vault_dir, "Daily/2026-11-20.md", "---\nmood: ok\n---\nwoke up\u2028early\x0c\n- lunch with [[Ada]]\n"
    )
    index.sync()
    assert [(i.source, i.line, i.text) for i in index.interactions("People/Ada.md")] == [
        ("daily", 5, "lunch with [[Ada]]")
    ]


def test_refresh_rereads_only_the_notes_named(tmp_path: Path) -> None:
    from vaultkit.index.core import Index
    from vaultkit.vault.files import Vault

    root = tmp_path / "vault"
    (root / "People").mkdir(parents=True)
    (root / "People" / "Ada.md").write_text("---\ncadence: 1m\n---\n", encoding="utf-8")
    (root / "People" / "Bob.md").write_text("---\ncadence: 1m\n---\n", encoding="utf-8")
    index = Index.open(Vault(root), tmp_path / "index.sqlite")
    index.sync()
    (root / "People" / "Ada.md").write_text("---\ncadence: 2w\n---\n", encoding="utf-8")
    (root / "People" / "Bob.md").unlink()
    (root / "People" / "Cy.md").write_text("# Cy\n", encoding="utf-8")
    (root / "Templates" / "vaultkit").mkdir(parents=True)
    (root / "Templates" / "vaultkit" / "x.md").write_text("# not a note\n", encoding="utf-8")
    report = index.refresh(["People/Ada.md", "People/Bob.md", "People/Cy.md", "Templates/vaultkit/x.md"])
    assert report is not None
    assert (report.read, report.added, report.changed, report.removed) == (2, 1, 1, 1)
    assert report.changed_paths == ["People/Ada.md", "People/Bob.md", "People/Cy.md"]
    people = {p.name: p.cadence for p in index.people(dt.date(2026, 11, 22))}
    assert people == {"Ada": "2w", "Cy": None}
    # A folder event, or a name that may be on disk in another Unicode form: only a walk can tell.
    assert index.refresh(["People"]) is None
    assert index.refresh(["People/Zoe\u0308.md"]) is None
    index.close()


def test_refresh_follows_no_symlink_that_leaves_the_vault(tmp_path: Path) -> None:
    """A watcher's event on a link to a file outside (or into a linked folder outside) reads
    nothing, as a walk would not: no outside file is indexed, searched or served."""
    root, outside = tmp_path / "vault", tmp_path / "outside"
    write_note(root, "People/Ada.md", "---\ncadence: 1m\n---\n")
    write_note(outside, "secret.md", "---\ncadence: 1w\n---\nPRIVATE\n")
    index = Index.open(Vault(root), tmp_path / "index.sqlite")
    index.sync()
    os.symlink(outside / "secret.md", root / "People" / "Leak.md")
    os.symlink(outside, root / "People" / "Out")
    os.symlink("Ada.md", root / "People" / "Twin.md")  # (a link that stays inside is followed)
    report = index.refresh(["People/Leak.md", "People/Out/secret.md", "People/Twin.md"])
    assert report is not None and report.changed_paths == ["People/Twin.md"]
    assert index.search(["PRIVATE"]) == []
    assert sorted(p.name for p in index.people(dt.date(2026, 11, 22))) == ["Ada", "Twin"]
    index.close()


def test_refresh_leaves_many_notes_to_a_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A watcher's thousands of events (a checkout) are read by a walk, on every core."""
    from vaultkit.index import core
    from vaultkit.vault.files import Vault

    monkeypatch.setattr(core, "BULK_NOTES", 3)
    root = tmp_path / "vault"
    for name in ("Ada", "Bob", "Cy"):
        write_note(root, f"People/{name}.md", "---\ncadence: 1m\n---\n")
    index = core.Index.open(Vault(root), tmp_path / "index.sqlite")
    index.sync()
    for name in ("Ada", "Bob", "Cy"):
        write_note(root, f"People/{name}.md", "---\ncadence: 2w\n---\n")
    assert index.refresh(["People/Ada.md", "People/Bob.md", "People/Cy.md"]) is None
    assert index.refresh(["People/Ada.md", "People/Bob.md"]) is not None  # (fewer: read here)
    index.close()


# -- the stored walk -----------------------------------------------------------------------
def age_all(root: Path) -> None:
    """Old mtimes on every note and folder: a vault nobody touched for a while."""
    for path in [root, *root.rglob("*")]:
        age(path)


def test_a_sync_compares_with_the_stored_walk_and_still_sees_every_change(
    index: Index, make_person: MakePerson, vault_dir: Path
) -> None:
    ada, bob = make_person("Ada"), make_person("Bob")
    write_note(vault_dir, "Daily/2026-11-20.md", "[[Ada]]\n")
    age_all(vault_dir)
    assert counts(index.sync()) == (3, 3, 3, 0, 0)
    assert index.db.execute("SELECT count(*) FROM walk_folders").fetchone()[0] == 3
    assert counts(index.sync()) == (3, 0, 0, 0, 0)
    # Edited in place: the folder's listing is reused, the stat differs.
    bob.write_text("---\ncadence: 2w\n---\n# Bob\n")
    age(bob, 5)
    report = index.sync()
    assert (counts(report), report.changed_paths) == ((3, 1, 0, 1, 0), ["People/Bob.md"])
    assert {p.name: p.cadence for p in index.people(TODAY)}["Bob"] == "2w"
    # Added, deleted and renamed notes.
    ada.rename(vault_dir / "People" / "Ada Lovelace.md")
    write_note(vault_dir, "People/Cy.md", "# Cy\n")
    (vault_dir / "Daily" / "2026-11-20.md").unlink()
    age(vault_dir / "People" / "Cy.md")  # (the folders' mtimes moved on: they are listed again)
    report = index.sync()
    assert report.changed_paths == [
        "Daily/2026-11-20.md",
        "People/Ada Lovelace.md",
        "People/Ada.md",
        "People/Cy.md",
    ]
    assert sorted(p.name for p in index.people(TODAY)) == ["Ada Lovelace", "Bob", "Cy"]
    assert counts(index.sync()) == (3, 0, 0, 0, 0)


def test_a_write_between_a_syncs_walk_and_its_store_makes_the_next_sync_compare_with_the_index(
    index: Index, make_person: MakePerson, vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A watcher (another process) writes notes while a command syncs: the command must not
    store its walk as what the index holds, or a later sync would trust it."""
    import vaultkit.index.core as index_module

    ada, bob = make_person("Ada"), make_person("Bob")
    age_all(vault_dir)
    index.sync()
    other = Index.open(Vault(vault_dir), index.path)
    real_apply = index_module.Index.apply

    def meanwhile(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self is index:
            # After this sync's walk, the other process re-reads Bob (edited since).
            bob.write_text("---\ncadence: 3m\n---\n# Bob\n")
            age(bob, 20)
            assert other.refresh(["People/Bob.md"]) is not None
        return real_apply(self, *args, **kwargs)

    ada.write_text("---\ncadence: 2w\n---\n# Ada\n")
    age(ada, 10)
    monkeypatch.setattr(index_module.Index, "apply", meanwhile)
    assert index.sync().changed_paths == ["People/Ada.md"]
    monkeypatch.setattr(index_module.Index, "apply", real_apply)
    assert index.db.execute("SELECT value FROM meta WHERE key = 'walk'").fetchone()[0].startswith("-1 ")
    # The next sync compares every stat with the index: Bob's row is the one on disk.
    assert counts(index.sync()) == (2, 0, 0, 0, 0)
    assert {p.name: p.cadence for p in index.people(TODAY)} == {"Ada": "2w", "Bob": "3m"}
    # A watcher's refresh also marks the stored walk as out of date.
    index.sync()
    other.refresh(["People/Ada.md"])
    assert index.db.execute("SELECT value FROM meta WHERE key = 'walk'").fetchone()[0].startswith("-1 ")
    other.close()


def test_after_vaultkit_writes_a_note_the_stored_walk_still_describes_the_index(
    make_person: MakePerson, vault_dir: Path, tmp_path: Path
) -> None:
    """`vault log` re-reads the note it wrote and keeps the stored walk current with it, so
    the next command compares stats (not every note with the index) and still sees what
    others changed meanwhile."""
    make_person("Ada", "## Log\n")
    bob = make_person("Bob")
    age_all(vault_dir)
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", TODAY)
    index = workspace.index
    try:
        index.sync()
        workspace.log("Ada", "tea and Babbage")
        walk = index.db.execute("SELECT value FROM meta WHERE key = 'walk'").fetchone()[0]
        assert walk.split()[0] == str(index._generation())  # it describes the index as it stands
        snapshot = index._walk_snapshot()[1]
        assert snapshot is not None and snapshot.stats == index.vault.scan().stats.tobytes()
        # Someone else edits Bob meanwhile: the comparison of stats finds it.
        bob.write_text("---\ncadence: 2w\n---\n# Bob\n")
        age(bob, 30)
        report = index.sync()
        assert "People/Bob.md" in report.changed_paths
        assert {p.name: p.cadence for p in index.people(TODAY)}["Bob"] == "2w"
        assert [i.text for i in index.interactions("People/Ada.md", TODAY)] == ["tea and Babbage"]
        # A new note joins the stored walk too.
        workspace.add_person("Cy")
        walk = index.db.execute("SELECT value FROM meta WHERE key = 'walk'").fetchone()[0]
        assert walk.split()[0] == str(index._generation())
        assert "Cy" in {p.name for p in index.people(TODAY)}
        # Others add and remove notes meanwhile: the next sync finds them by name in the
        # folders listed again, without reading every note's row from the index.
        make_person("Dee")
        bob.unlink()
        statements: list[str] = []
        index.db.set_trace_callback(statements.append)
        report = index.sync()
        index.db.set_trace_callback(None)
        assert (report.added, report.removed) == (1, 1)
        assert report.changed_paths == ["People/Bob.md", "People/Dee.md"]
        assert not [s for s in statements if s.startswith("SELECT path, mtime_ns, size FROM files")]
        assert {p.name for p in index.people(TODAY)} == {"Ada", "Cy", "Dee"}
    finally:
        workspace.close()


def looks_unchanged(db: sqlite3.Connection, vault_dir: Path, prefix: str) -> None:
    """Make the stored walk's listing of a folder look current, as on a file system that
    keeps no folder times (a utime cannot put a folder's ctime back)."""
    st = os.stat(vault_dir / prefix)
    db.execute(
        "UPDATE walk_folders SET mtime_ns = ?, ctime_ns = ?, inode = ? WHERE prefix = ?",
        (st.st_mtime_ns, st.st_ctime_ns, st.st_ino, prefix),
    )
    # (as every write of the walk tables does, so that no process keeps the old walk)
    db.execute("UPDATE meta SET value = value || ' changed' WHERE key = 'walk'")


def test_vault_index_lists_every_folder_again(index: Index, make_person: MakePerson, vault_dir: Path) -> None:
    """On a file system that keeps no folder mtimes, `vault index` still finds a new note."""
    make_person("Ada")
    age_all(vault_dir)
    index.sync()
    write_note(vault_dir, "People/Bob.md", "# Bob\n")
    age_all(vault_dir)
    looks_unchanged(index.db, vault_dir, "People/")
    assert index.sync().total == 1
    report = index.sync(relist=True)
    assert (report.total, report.changed_paths) == (2, ["People/Bob.md"])


def test_a_folder_moved_into_the_place_of_another_is_listed(
    index: Index, make_person: MakePerson, vault_dir: Path
) -> None:
    make_person("Ada")
    write_note(vault_dir, "Other/Bob.md", "# Bob\n")
    age_all(vault_dir)
    index.sync()
    (vault_dir / "People").rename(vault_dir / "Gone")
    (vault_dir / "Other").rename(vault_dir / "People")
    (vault_dir / "Gone").rename(vault_dir / "Other")
    age_all(vault_dir)  # same mtimes everywhere; only the folders' inodes tell
    assert index.sync().changed_paths == ["Other/Ada.md", "Other/Bob.md", "People/Ada.md", "People/Bob.md"]
    assert [p.path for p in index.people(TODAY)] == ["People/Bob.md"]


def test_the_index_command_lists_every_folder_again(
    cli: Cli, make_person: MakePerson, vault_dir: Path, tmp_path: Path
) -> None:
    make_person("Ada", cadence="1m")
    age_all(vault_dir)
    assert len(json.loads(cli("due", "--json").stdout)["due"]) == 1
    make_person("Bob", cadence="1m")
    age_all(vault_dir)
    with contextlib.closing(sqlite3.connect(tmp_path / "index.sqlite", isolation_level=None)) as db:
        looks_unchanged(db, vault_dir, "People/")
    assert len(json.loads(cli("due", "--json").stdout)["due"]) == 1
    assert cli("index").stdout.startswith("2 notes; read 1 (1 new, 0 changed)")
    assert len(json.loads(cli("due", "--json").stdout)["due"]) == 2


def test_many_notes_changed_within_the_racy_window_are_all_read_again(
    index: Index, make_person: MakePerson
) -> None:
    notes = [make_person(f"P{n}", company="Acme") for n in range(12)]
    index.sync()
    for note in notes:  # same size, same time: invisible to a stat
        stat = note.stat()
        note.write_text(note.read_text().replace("Acme", "Init"))
        os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert index.sync().read == 12
    assert {p.fields["company"] for p in index.people(TODAY, with_fields=True)} == {"Init"}


def test_a_moved_templates_folder_is_taken_up_by_the_next_sync(cli: Any, vault_dir: Path) -> None:
    """Obsidian's templates.json is no part of vaultkit.toml's fingerprint: the index keeps
    the folders it skipped, and lists every folder again when they change (its listing of
    People/ is as it was, so an incremental walk would enter Tpl/ still)."""
    write_note(vault_dir, "People/Ada Lovelace.md", "---\ncadence: 1m\n---\n")
    write_note(vault_dir, "People/Tpl/Person template.md", "---\ncadence: 1m\n---\n# {{title}}\n")
    settings = vault_dir / ".obsidian" / "templates.json"
    settings.parent.mkdir(exist_ok=True)
    for folder in (vault_dir, vault_dir / "People", vault_dir / "People" / "Tpl"):
        os.utime(folder, (time.time() - 60, time.time() - 60))  # past the racy window: kept

    def names() -> list[str]:
        return [p["name"] for p in json.loads(cli("list", "--json").stdout)["people"]]

    assert names() == ["Ada Lovelace", "Person template"]
    settings.write_text('{"folder": "People/Tpl"}', encoding="utf-8")
    assert names() == ["Ada Lovelace"]
    assert "Person template" not in cli("due").stdout
    settings.write_text("{}", encoding="utf-8")
    assert names() == ["Ada Lovelace", "Person template"]
