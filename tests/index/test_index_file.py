"""The index file: vaultkit touches only its own, sets a damaged one aside, and says in one
line why an index path cannot be used (spec §1 and §4; issue 12).

Every scenario runs the real CLI on real SQLite files. A full or read-only file system is a
real tmpfs where this machine lets the tests mount one (as root, as CI runs), else the one
test hook, `vaultkit.index.file.before_write`, raises the OSError such a file system would.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, write_note
from typer.testing import CliRunner, Result

from vaultkit.cli.app import app_for
from vaultkit.index import file as index_file
from vaultkit.index.core import Index
from vaultkit.index.opening import default_index_path
from vaultkit.vault.files import Vault
from vaultkit.watch import Watcher
from vaultkit.workspace import Workspace

MakePerson = Callable[..., Path]
PAGE = 4096
GARBAGE = bytes(range(256)) * (PAGE // 256)
CHOOSE = "--index PATH or $VAULTKIT_INDEX"
OLD_NS = 1_600_000_000 * 10**9


def run(vault: Path, *args: str, index: Path | None, cache: Path | None = None) -> Result:
    """`vault` with this --index (None: the default path, in the `cache` folder)."""
    env = {"COLUMNS": "120", "VAULTKIT_VAULT": None, "VAULTKIT_TODAY": None, "VAULTKIT_INDEX": None}
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    options = ["--vault", str(vault), "--today", TODAY]
    if index is not None:
        options += ["--index", str(index)]
    # The app as `vault` itself starts it: with only the command it runs (see `app_for`).
    return CliRunner(env=env).invoke(app_for([*options, *args]), [*options, *args], catch_exceptions=False)


def refused(result: Result, message: str) -> None:
    """The command stopped with one line on stderr and printed nothing else."""
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"vault: {message}\n")


def fingerprint(path: Path) -> tuple[Any, ...]:
    """Everything that would show the file was touched: its stat and its bytes."""
    info = os.stat(path)
    data = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
    return (info.st_mode, info.st_ino, info.st_dev, info.st_rdev, info.st_size, info.st_mtime_ns, data)


def folder_listing(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def application_id(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[68:72], "big")


def set_asides(folder: Path, name: str = "index.sqlite") -> list[Path]:
    """The damaged indexes set aside in `folder` (without their -wal and -shm)."""
    return sorted(p for p in folder.glob(f"{name}.corrupt-*") if not p.name.endswith(("-wal", "-shm")))


def damage(path: Path, offset: int) -> bytes:
    """Write a page of garbage at `offset`; return the damaged file's bytes."""
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(GARBAGE)
    return path.read_bytes()


def root_pages(path: Path) -> dict[str, int]:
    """Each table's and index's first page, as SQLite records it."""
    db = sqlite3.connect(path)
    try:
        return {
            name: page
            for name, page in db.execute("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0")
        }
    finally:
        db.close()


@pytest.fixture
def people(vault_dir: Path, make_person: MakePerson) -> Path:
    """A vault big enough for every table of its index to span several pages."""
    for n in range(60):
        log = "".join(
            f"- 2026-{month:02d}-1{n % 9} call: about project {n}-{month}\n" for month in (7, 8, 9, 10)
        )
        make_person(
            f"Person {n}",
            body=f"[[Person {(n + 1) % 60}]] knows them.\n- [ ] send the paper {n} 📅 2026-11-30\n\n## Log\n{log}",
            cadence="1m",
            tags=["friend", f"group{n % 7}"],
            aliases=[f"P{n}"],
            company=f"Company {n % 13}",
        )
    for day in range(1, 20):
        write_note(
            vault_dir, f"Daily/2026-11-{day:02d}.md", f"Lunch with [[Person {day}]] and [[P{day + 40}]].\n"
        )
    # Old file times: no note is read again for being new (which would renumber its rows).
    for note in vault_dir.rglob("*.md"):
        os.utime(note, ns=(OLD_NS, OLD_NS))
    return vault_dir


# -- files that are not vaultkit's are never touched ----------------------------------------
def test_a_plain_file_is_refused_and_left_alone(vault_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("precious\n")
    before, listing = fingerprint(notes), folder_listing(tmp_path)
    result = run(vault_dir, "due", index=notes)
    refused(
        result,
        f"{notes} is not a vaultkit index (or is one whose header is damaged), so vaultkit leaves it alone; "
        f"if it is a damaged index, delete it, else give {CHOOSE} another file",
    )
    assert fingerprint(notes) == before
    assert folder_listing(tmp_path) == listing  # no -wal, -shm or journal beside it


def _foreign_database(path: Path, application: int, tables: str) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA application_id = {application}")
    db.executescript(tables)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "application, tables",
    [
        (0, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('precious');"),
        # a GeoPackage, say: it has its own mark
        (0x47504B47, "CREATE TABLE gpkg_contents (table_name TEXT); INSERT INTO gpkg_contents VALUES ('x');"),
        # a look-alike: a meta table of keys and values, but not vaultkit's tables
        (
            0,
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema_version', '16');",
        ),
        # tables with vaultkit's names, but a meta table of another shape
        (0, "CREATE TABLE meta (name TEXT); CREATE TABLE files (x); CREATE TABLE people (y);"),
    ],
)
def test_another_programs_database_is_refused_and_left_alone(
    vault_dir: Path, tmp_path: Path, application: int, tables: str
) -> None:
    other = tmp_path / "app.db"
    _foreign_database(other, application, tables)
    before, listing = fingerprint(other), folder_listing(tmp_path)
    result = run(vault_dir, "due", index=other)
    refused(
        result,
        f"{other} is another program's SQLite database, so vaultkit leaves it alone; give {CHOOSE} another file",
    )
    assert fingerprint(other) == before
    assert folder_listing(tmp_path) == listing


@pytest.mark.parametrize("what", ["a device", "a named pipe", "a socket", "a folder"])
def test_what_is_not_a_file_is_refused_and_left_alone(vault_dir: Path, tmp_path: Path, what: str) -> None:
    target = tmp_path / "target"
    listener = None
    if what == "a device":
        # A /dev/null of its own: the real one, which a vaultkit of before would replace with
        # an index when run as root, only where this user cannot make device nodes (nor harm it).
        try:
            os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            target = Path(os.devnull)
    elif what == "a named pipe":
        os.mkfifo(target)
    elif what == "a socket":
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(target))
    else:
        target.mkdir()
    before = fingerprint(target)
    result = run(vault_dir, "due", index=target)
    if listener is not None:
        listener.close()
    refused(
        result,
        f"{target} is {what}, not an index file, so vaultkit leaves it alone; give {CHOOSE} the path of a file",
    )
    assert fingerprint(target) == before
    if what == "a folder":
        assert folder_listing(target) == []


def test_an_index_path_under_a_file(vault_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("precious\n")
    result = run(vault_dir, "due", index=notes / "index.sqlite")
    refused(
        result,
        f"cannot use the index {notes / 'index.sqlite'}: {notes} is a file, not a folder; "
        f"choose another place with {CHOOSE}",
    )
    assert notes.read_text() == "precious\n"


def test_an_empty_file_becomes_the_index(vault_dir: Path, tmp_path: Path, make_person: MakePerson) -> None:
    """An empty file has no bytes to lose (`mktemp` makes one): it is taken as a new index."""
    make_person("Ada", cadence="1m")
    empty = tmp_path / "made-by-mktemp"
    empty.touch()
    result = run(vault_dir, "due", "--json", index=empty)
    assert (result.exit_code, result.stderr) == (0, "")
    assert [item["name"] for item in json.loads(result.stdout)["due"]] == ["Ada"]
    assert application_id(empty) == index_file.APPLICATION_ID


def test_a_missing_index_is_made_with_its_folders(vault_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "index.sqlite"
    (vault_dir / "People").mkdir()
    # (else: "no people in...", or "nobody has a cadence...")
    (vault_dir / "People" / "Ada.md").write_text("---\ncadence: 1m\n---\n# Ada\n", encoding="utf-8")
    result = run(vault_dir, "due", index=path)
    assert (result.exit_code, result.stderr) == (0, "")
    assert application_id(path) == index_file.APPLICATION_ID


def test_an_index_from_before_the_mark_is_still_vaultkits(
    vault_dir: Path, tmp_path: Path, make_person: MakePerson
) -> None:
    """An index made before vaultkit marked its files has no application id, but has
    vaultkit's meta table: it is recognised, and made again with the mark."""
    make_person("Ada", cadence="1m")
    path = tmp_path / "index.sqlite"
    assert run(vault_dir, "due", index=path).exit_code == 0
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 0")
    db.close()
    assert application_id(path) == 0
    result = run(vault_dir, "due", "--json", index=path)
    assert (result.exit_code, result.stderr) == (0, "")
    assert [item["name"] for item in json.loads(result.stdout)["due"]] == ["Ada"]
    assert application_id(path) == index_file.APPLICATION_ID
    assert set_asides(tmp_path) == []


# -- a damaged vaultkit index is set aside and rebuilt ---------------------------------------
def _aside_line(path: Path, reason: str) -> str:
    (aside,) = set_asides(path.parent, path.name)
    return f"vault: the index {path} is damaged ({reason}); set it aside as {aside.name} and made a new one\n"


def test_a_damaged_index_is_set_aside_with_its_log_and_rebuilt(people: Path, tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    expected = run(people, "due", "--json", index=path).stdout
    damaged = damage(path, PAGE)  # the second page: the start of vaultkit's meta table
    log = os.urandom(PAGE)
    (tmp_path / "index.sqlite-wal").write_bytes(log)
    (tmp_path / "index.sqlite-shm").write_bytes(os.urandom(PAGE))
    result = run(people, "due", "--json", index=path)
    assert (result.exit_code, result.stdout) == (0, expected)
    assert result.stderr == _aside_line(path, "database disk image is malformed")
    (aside,) = set_asides(tmp_path)
    assert aside.read_bytes() == damaged
    assert Path(f"{aside}-wal").read_bytes() == log
    assert Path(f"{aside}-shm").is_file()
    # The new index is vaultkit's, and the next command is quiet.
    assert application_id(path) == index_file.APPLICATION_ID
    again = run(people, "due", "--json", index=path)
    assert (again.exit_code, again.stdout, again.stderr) == (0, expected, "")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("DROP TABLE people", "its table people is missing"),
        ("DROP TABLE tasks; DROP TABLE links", "its tables links, tasks are missing"),
        ("DROP INDEX people_due", "its index people_due is missing"),
        ("ALTER TABLE problems DROP COLUMN message", "its tables are not as vaultkit made them"),
        ("DROP TABLE meta", "its table meta is missing"),
        ("ALTER TABLE meta DROP COLUMN value", "its tables are not as vaultkit made them"),
    ],
)
def test_an_index_whose_tables_were_changed_is_set_aside_and_rebuilt(
    people: Path, tmp_path: Path, change: str, reason: str
) -> None:
    # As a bad page is: SQLite reads the file well, but vaultkit's queries would fail.
    path = tmp_path / "index.sqlite"
    expected = run(people, "due", "--json", index=path).stdout
    db = sqlite3.connect(path)
    db.executescript(change)
    db.close()
    changed = path.read_bytes()
    result = run(people, "due", "--json", index=path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, _aside_line(path, reason))
    (aside,) = set_asides(tmp_path)
    assert aside.read_bytes() == changed
    again = run(people, "due", "--json", index=path)
    assert (again.exit_code, again.stdout, again.stderr) == (0, expected, "")


def test_an_index_from_before_the_tables_digest_is_made_again_quietly(people: Path, tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    expected = run(people, "due", "--json", index=path).stdout
    db = sqlite3.connect(path)
    db.execute("DELETE FROM meta WHERE key = 'tables'")
    db.commit()
    db.close()
    result = run(people, "due", "--json", index=path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert set_asides(tmp_path) == []
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM meta WHERE key = 'tables'").fetchone() == (1,)
    db.close()


COMMANDS = (  # between them, they read every table
    ("due", "--json"),
    ("show", "Person 7", "--json"),
    ("search", "project"),
    ("followups",),
    ("check", "--json"),
)


def test_any_damaged_page_is_survived(people: Path, tmp_path: Path) -> None:
    """Garbage over the first page of every table and index, and over a middle page: each
    command answers as before, having set the index aside and rebuilt it, or, when the damage
    shows only after its start-up sync, says in one line that it set the index aside and to
    run it again, which then answers as before. Never the catch-all."""
    path = tmp_path / "index.sqlite"
    expected = {args: run(people, *args, index=path) for args in COMMANDS}
    assert all(result.exit_code == 0 for result in expected.values())
    pristine = tmp_path / "pristine.sqlite"
    shutil.copyfile(path, pristine)
    pages = root_pages(pristine)
    pages["(middle)"] = os.path.getsize(pristine) // PAGE // 2 + 1
    assert len(set(pages.values())) > 30
    outcomes = set()
    for table, page in sorted(pages.items()):
        for args in COMMANDS:
            for leftover in tmp_path.glob("index.sqlite*"):
                leftover.unlink()
            shutil.copyfile(pristine, path)
            damage(path, (page - 1) * PAGE)
            result = run(people, *args, index=path)
            where = f"{args[0]} with page {page} ({table}) damaged: {result.stderr}"
            reason = r"\((database disk image is malformed|vtable constructor failed: notes_fts)\)"
            if result.exit_code == 0:
                assert result.stdout == expected[args].stdout, where
                if result.stderr:  # the damage showed in the start-up sync, which rebuilt the index
                    (aside,) = set_asides(tmp_path)
                    assert re.fullmatch(
                        f"vault: the index {re.escape(str(path))} is damaged {reason}; "
                        f"set it aside as {re.escape(aside.name)} and made a new one\n",
                        result.stderr,
                    ), where
                    outcomes.add("rebuilt by the start-up sync")
                else:  # the command never read the damaged page
                    assert set_asides(tmp_path) == [], where
                    outcomes.add("not read")
            else:
                (aside,) = set_asides(tmp_path)
                assert re.fullmatch(
                    f"vault: the index {re.escape(str(path))} is damaged {reason}; "
                    f"set it aside as {re.escape(aside.name)} and made a new one: run the command again\n",
                    result.stderr,
                ), where
                again = run(people, *args, index=path)
                assert (again.exit_code, again.stdout, again.stderr) == (0, expected[args].stdout, ""), where
                outcomes.add("found after the start-up sync")
            assert len(set_asides(tmp_path)) <= 1, where
    assert outcomes == {"rebuilt by the start-up sync", "found after the start-up sync", "not read"}


def test_damage_found_after_a_write_rebuilds_the_index_then_and_there(people: Path, tmp_path: Path) -> None:
    """`vault log` writes the note, then finds the index damaged as it records it: the index
    is set aside and rebuilt on the spot, so the command ends as if nothing happened (running
    it again would log twice)."""
    path = tmp_path / "index.sqlite"
    assert run(people, "due", index=path).exit_code == 0
    damage(path, (root_pages(path)["contacts"] - 1) * PAGE)
    result = run(people, "log", "Person 3", "coffee talk", index=path)
    assert (result.exit_code, result.stdout) == (0, "Logged for Person 3: People/Person 3.md\n")
    assert result.stderr == _aside_line(path, "database disk image is malformed")
    assert (people / "People" / "Person 3.md").read_text().count("coffee talk") == 1
    shown = json.loads(run(people, "show", "Person 3", "--json", index=path).stdout)
    assert [i["text"] for i in shown["interactions"]].count("coffee talk") == 1


def test_a_destroyed_header_at_a_given_path_is_refused(
    vault_dir: Path, tmp_path: Path, make_person: MakePerson
) -> None:
    """Without its header a file cannot prove it is an index: at a path the user gave, it may
    be anything of theirs, so it is left alone, with what to do."""
    make_person("Ada", cadence="1m")
    path = tmp_path / "index.sqlite"
    assert run(vault_dir, "due", index=path).exit_code == 0
    damage(path, 0)
    before, listing = fingerprint(path), folder_listing(tmp_path)
    refused(
        run(vault_dir, "due", index=path),
        f"{path} is not a vaultkit index (or is one whose header is damaged), so vaultkit leaves it alone; "
        f"if it is a damaged index, delete it, else give {CHOOSE} another file",
    )
    assert (fingerprint(path), folder_listing(tmp_path)) == (before, listing)
    path.unlink()  # as the line says
    assert run(vault_dir, "due", index=path).exit_code == 0


@pytest.mark.parametrize("garbage", ["header", "another database", "text"])
def test_anything_damaged_in_vaultkits_own_cache_folder_is_set_aside(
    vault_dir: Path, tmp_path: Path, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch, garbage: str
) -> None:
    """The default index lives in vaultkit's own cache folder, where nothing else puts files:
    whatever is there and unreadable is vaultkit's damaged index, set aside (not deleted)."""
    make_person("Ada", cadence="1m")
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    path = default_index_path(vault_dir)
    expected = run(vault_dir, "due", "--json", index=None, cache=cache).stdout
    assert path.is_file()
    if garbage == "header":
        damaged = damage(path, 0)
        reason = "file is not a database"
    elif garbage == "another database":
        path.unlink()
        _foreign_database(path, 0x47504B47, "CREATE TABLE t (x);")
        damaged = path.read_bytes()
        reason = "another program's SQLite database"
    else:
        path.write_text("precious\n")
        damaged = path.read_bytes()
        reason = "file is not a database"
    result = run(vault_dir, "due", "--json", index=None, cache=cache)
    assert (result.exit_code, result.stdout) == (0, expected)
    assert result.stderr == _aside_line(path, reason)
    assert set_asides(path.parent)[0].read_bytes() == damaged


def test_a_locked_index_is_not_taken_for_a_damaged_one(vault_dir: Path, tmp_path: Path) -> None:
    """ "database is locked" is a DatabaseError too: it must not set the index aside."""
    path = tmp_path / "index.sqlite"
    index = Index.open(Vault(vault_dir), path)
    index.sync()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as locked:
        waiter.execute("BEGIN IMMEDIATE")
    assert isinstance(locked.value, sqlite3.DatabaseError)
    explained = index.explain(locked.value)
    assert str(explained) == f"the index {path} stayed locked by another process; run the command again"
    holder.execute("ROLLBACK")
    for db in (holder, waiter):
        db.close()
    index.close()
    assert set_asides(tmp_path) == []
    assert application_id(path) == index_file.APPLICATION_ID


# -- a full or read-only file system -------------------------------------------------------
class SmallDisk:
    """A 2 MiB tmpfs for the index, or, where this machine cannot mount one, the test hook."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self._monkeypatch = monkeypatch
        folder.mkdir()
        try:
            mounted = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True
            )
            self.mounted = mounted.returncode == 0
        except OSError:  # no mount command
            self.mounted = False

    def fill(self) -> None:
        """No space left."""
        if not self.mounted:
            self._fail_with(errno.ENOSPC)
            return
        with (self.folder / "filler").open("wb", buffering=0) as filler:  # nothing left to flush at close
            try:
                while True:
                    filler.write(b"\0" * 65536)
            except OSError as err:
                assert err.errno == errno.ENOSPC

    def make_read_only(self) -> None:
        if not self.mounted:
            self._fail_with(errno.EROFS)
            return
        subprocess.run(["mount", "-o", "remount,ro", str(self.folder)], check=True)

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.folder)], check=True)
            self.mounted = False

    def _fail_with(self, code: int) -> None:
        def refuse(path: Path) -> None:
            raise OSError(code, os.strerror(code), str(path))

        self._monkeypatch.setattr(index_file, "before_write", refuse)


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmallDisk]:
    disk = SmallDisk(tmp_path / "disk", monkeypatch)
    yield disk
    disk.unmount()


def test_an_index_on_a_full_disk(vault_dir: Path, make_person: MakePerson, small_disk: SmallDisk) -> None:
    make_person("Ada", cadence="1m")
    path = small_disk.folder / "index.sqlite"
    small_disk.fill()
    refused(
        run(vault_dir, "due", index=path),
        f"cannot use the index {path}: the disk is full; free some space or choose another place with {CHOOSE}",
    )


def test_a_full_disk_while_the_index_is_updated(
    vault_dir: Path, make_person: MakePerson, small_disk: SmallDisk
) -> None:
    make_person("Ada", cadence="1m")
    path = small_disk.folder / "index.sqlite"
    assert run(vault_dir, "due", index=path).exit_code == 0
    small_disk.fill()
    for n in range(300):
        make_person(f"Person {n}", cadence="1w", body="- call\n" * 20)
    refused(
        run(vault_dir, "due", index=path),
        f"cannot use the index {path}: the disk is full; free some space or choose another place with {CHOOSE}",
    )
    # The index is whole, still vaultkit's, and not set aside.
    assert application_id(path) == index_file.APPLICATION_ID
    assert set_asides(path.parent) == []


@pytest.mark.parametrize("existing", [False, True])
def test_an_index_on_a_read_only_file_system(
    vault_dir: Path, make_person: MakePerson, small_disk: SmallDisk, existing: bool
) -> None:
    """Also what an unwritable index looks like when the tests run as root (chmod denies
    nothing to root; a read-only mount does)."""
    make_person("Ada", cadence="1m")
    path = small_disk.folder / "index.sqlite"
    if existing:
        assert run(vault_dir, "due", index=path).exit_code == 0
        make_person("Bob", cadence="1m")  # something for the index to write
    small_disk.make_read_only()
    refused(
        run(vault_dir, "due", index=path),
        f"cannot use the index {path}: the file system is read-only; choose another place with {CHOOSE}",
    )
    assert path.exists() == existing


@pytest.mark.parametrize("trouble", ["full", "read-only"])
def test_the_first_search_on_a_disk_that_takes_no_more(
    vault_dir: Path, make_person: MakePerson, small_disk: SmallDisk, trouble: str
) -> None:
    # A new index leaves the full-text index to the first search, which writes it: on a
    # full disk or a read-only file system, that search says so in one line, and the index
    # is left whole, still searchable once the disk takes writes again.
    make_person("Ada", body="Loves poetry.\n" * 200)
    for n in range(50):
        make_person(f"Person {n}", body="Plays chess.\n" * 200)
    path = small_disk.folder / "index.sqlite"
    assert run(vault_dir, "index", index=path).exit_code == 0
    if trouble == "full":
        small_disk.fill()
        reason = "the disk is full; free some space or choose another place with"
    else:
        small_disk.make_read_only()
        reason = "the file system is read-only; choose another place with"
    refused(run(vault_dir, "search", "poetry", index=path), f"cannot use the index {path}: {reason} {CHOOSE}")
    assert application_id(path) == index_file.APPLICATION_ID
    assert set_asides(path.parent) == []


# -- the watcher ---------------------------------------------------------------------------
def test_the_watcher_refuses_a_file_that_is_not_an_index(vault_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("precious\n")
    refused(
        run(vault_dir, "watch", index=notes),
        f"{notes} is not a vaultkit index (or is one whose header is damaged), so vaultkit leaves it alone; "
        f"if it is a damaged index, delete it, else give {CHOOSE} another file",
    )
    assert notes.read_text() == "precious\n"


def test_the_watcher_sets_a_damaged_index_aside_and_carries_on(vault_dir: Path, tmp_path: Path) -> None:
    """Damage that only a view's query finds: the watcher sets the index aside, says so, does
    not let commands trust the new, empty one, and walks the vault into it at once."""
    note = write_note(
        vault_dir, "People/Ada.md", "---\ncadence: 1m\n---\n# Ada\n- [ ] send the paper 📅 2026-11-01\n"
    )
    os.utime(note, ns=(OLD_NS, OLD_NS))
    path = tmp_path / "index.sqlite"
    assert run(vault_dir, "index", index=path).exit_code == 0
    damage(path, (root_pages(path)["tasks_open"] - 1) * PAGE)  # the sync does not read it; Due.md does
    workspace = Workspace(Vault(vault_dir), path, dt.date.fromisoformat(TODAY))
    errors: list[str] = []
    watcher = Watcher(workspace, debounce=0.05, echo_error=errors.append)
    workspace.close()
    due = vault_dir / "Due.md"
    watcher.start()
    try:
        deadline = time.monotonic() + 20
        while not (due.exists() and "send the paper" in due.read_text()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "send the paper" in due.read_text()
    finally:
        watcher.stop()
    (aside,) = set_asides(tmp_path)
    (line,) = errors
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d start: 1 note, 0 new or changed since last time; error: "
        + re.escape(
            f"the index {path} is damaged (database disk image is malformed); "
            f"set it aside as {aside.name} and made a new one: rebuilding it"
        )
        + r" \(\d+\.\d\d s\)",
        line,
    )


def test_an_index_removed_while_in_use_says_so_not_that_the_place_is_bad(
    vault_dir: Path, make_person: MakePerson, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rm` of the index (and its log) while `vault index --rebuild` fills it: the place is
    fine, and running the command again works."""
    make_person("Ada", cadence="1m")
    path = tmp_path / "index.sqlite"
    assert run(vault_dir, "due", index=path).exit_code == 0
    made: list[Path] = []

    def removed_once_made(_: Path) -> None:
        made.append(path)
        if len(made) == 2:  # made again, and about to take the notes
            for each in tmp_path.glob("index.sqlite*"):
                each.unlink()

    monkeypatch.setattr(index_file, "before_write", removed_once_made)
    refused(
        run(vault_dir, "index", "--rebuild", index=path),
        f"the index {path} was removed while in use; run the command again",
    )
    monkeypatch.setattr(index_file, "before_write", None)
    assert run(vault_dir, "index", "--rebuild", index=path).exit_code == 0


def test_a_write_the_index_cannot_take_says_the_note_was_written(
    vault_dir: Path, make_person: MakePerson, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note is written first: when the index then cannot take it (a full disk), the
    error says so, for the same command run again would log the entry twice."""
    note = make_person("Ada", cadence="1m")
    path = tmp_path / "index.sqlite"
    assert run(vault_dir, "due", index=path).exit_code == 0

    def full_once_written(_: Path) -> None:
        if "lunch at the museum" in note.read_text(encoding="utf-8"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(index_file, "before_write", full_once_written)
    refused(
        run(vault_dir, "log", "Ada", "lunch at the museum", index=path),
        "People/Ada.md was written (the change is made: do not make it again), but the index is not up "
        f"to date: cannot use the index {path}: the disk is full; free some space or choose another "
        f"place with {CHOOSE}; the next command brings it up to date",
    )
    assert note.read_text(encoding="utf-8").count("lunch at the museum") == 1
    monkeypatch.setattr(index_file, "before_write", None)
    shown = run(vault_dir, "show", "Ada", "--json", index=path)
    assert json.loads(shown.stdout)["interactions"][0]["text"] == "lunch at the museum"


# -- an index inside the vault ---------------------------------------------------------------
def test_an_index_inside_the_vault_is_refused(
    vault_dir: Path, make_person: MakePerson, tmp_path: Path
) -> None:
    # A sync service would copy the live database (spec §1), so it is never made there.
    make_person("Ada", cadence="1m")
    default = default_index_path(vault_dir.resolve())
    inside = vault_dir / "People" / "idx.sqlite"
    refused(
        run(vault_dir, "due", index=inside),
        f"--index {inside} is inside the vault, where a sync service would copy the live database; "
        f"give a path outside {vault_dir.resolve()}, or none for the default ({default})",
    )
    # Through a link to the vault, and from the environment, named as given.
    (tmp_path / "link").symlink_to(vault_dir)
    linked = tmp_path / "link" / "new" / "idx.sqlite"
    options = ["--vault", str(vault_dir), "--today", TODAY]
    result = CliRunner(env={"VAULTKIT_INDEX": str(linked), "VAULTKIT_VAULT": None}).invoke(
        app_for([*options, "due"]), [*options, "due"]
    )
    refused(
        result,
        f"$VAULTKIT_INDEX {linked} is inside the vault, where a sync service would copy the live database; "
        f"give a path outside {vault_dir.resolve()}, or none for the default ({default})",
    )
    assert not list(vault_dir.rglob("*.sqlite*"))
    # A link in the vault to a folder outside it leads out: the index is made there.
    (tmp_path / "elsewhere").mkdir()
    (vault_dir / "out").symlink_to(tmp_path / "elsewhere")
    assert run(vault_dir, "due", index=vault_dir / "out" / "idx.sqlite").exit_code == 0
    assert (tmp_path / "elsewhere" / "idx.sqlite").is_file()
