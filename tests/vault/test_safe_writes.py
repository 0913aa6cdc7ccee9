"""Writes that cannot lose bytes: the race between the check and the replacement, two
vaultkit processes at once, an editor saving meanwhile, long names, full and read-only disks."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import TODAY
from typer.testing import Result

from bench.race import EDITOR  # the editor `make race` runs, saving every 2 ms
from vaultkit.errors import IncompleteWrite, NoteBusy, NoteGone, RefusedWrite, StaleFileError, WriteFailed
from vaultkit.quick import set_properties
from vaultkit.vault import atomic
from vaultkit.vault.files import Snapshot, Vault
from vaultkit.workspace import Workspace

Cli = Callable[..., Result]
MakePerson = Callable[..., Path]
VAULT = str(Path(sys.executable).with_name("vault"))


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.name.endswith(atomic.TEMP_SUFFIX))


def editor_save(path: Path, text: str) -> None:
    """Save as editors do: a temp file renamed over the note."""
    temp = path.with_name(f".{path.name}.editor~")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


@pytest.fixture
def race(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, list[str]], Path], None]:
    """race({stage: [text, ...]}, note): at each stage of a write, an editor saves the next text."""

    def arm(saves: dict[str, list[str]], note: Path) -> None:
        def hook(stage: str, target: Path) -> None:
            if target == note and saves.get(stage):
                editor_save(note, saves[stage].pop(0))

        monkeypatch.setattr(atomic, "race_hook", hook)

    return arm


# -- the window between the check and the replacement -------------------------------------
def test_a_save_between_the_check_and_the_swap_is_kept_and_the_entry_goes_into_it(
    cli: Cli, make_person: MakePerson, race: Callable[..., None]
) -> None:
    ada = make_person("Ada")
    race({"checked": ["# Ada\nsaved by the editor\n"]}, ada)
    result = cli("log", "Ada", "lunch")
    assert (result.exit_code, result.stdout) == (0, "Logged for Ada: People/Ada.md\n")
    assert ada.read_text() == (
        "---\nlast_contact: 2026-11-22\n---\n# Ada\nsaved by the editor\n\n## Log\n- 2026-11-22 lunch\n"
    )
    assert leftovers(ada.parent) == []


def test_the_write_itself_refuses_and_leaves_the_editors_bytes(
    vault_dir: Path, make_person: MakePerson, race: Callable[..., None]
) -> None:
    ada = make_person("Ada")
    vault = Vault(vault_dir)
    snapshot = vault.read("People/Ada.md")
    race({"checked": ["# Ada\nsaved by the editor\n"]}, ada)
    with pytest.raises(StaleFileError):
        vault.write("People/Ada.md", b"# Ada\nvaultkit's\n", snapshot)
    assert ada.read_text() == "# Ada\nsaved by the editor\n"
    assert leftovers(ada.parent) == []


def test_saves_while_the_swap_is_undone_leave_the_newest_one(
    vault_dir: Path, make_person: MakePerson, race: Callable[..., None]
) -> None:
    """An editor saving again while vaultkit puts its previous save back: the newest wins."""
    ada = make_person("Ada")
    vault = Vault(vault_dir)
    snapshot = vault.read("People/Ada.md")
    race({"checked": ["# Ada\nsave 1\n"], "undoing": ["# Ada\nsave 2\n", "# Ada\nsave 3\n"]}, ada)
    with pytest.raises(StaleFileError):
        vault.write("People/Ada.md", b"# Ada\nvaultkit's\n", snapshot)
    assert ada.read_text() == "# Ada\nsave 3\n"
    assert leftovers(ada.parent) == []


def test_a_save_after_the_swap_replaces_ours_as_any_later_save_does(
    vault_dir: Path, make_person: MakePerson, race: Callable[..., None]
) -> None:
    ada = make_person("Ada")
    vault = Vault(vault_dir)
    snapshot = vault.read("People/Ada.md")
    race({"swapped": ["# Ada\nsaved after ours\n"]}, ada)
    vault.write("People/Ada.md", b"# Ada\nvaultkit's\n", snapshot)
    assert ada.read_text() == "# Ada\nsaved after ours\n"
    assert leftovers(ada.parent) == []


def test_where_nothing_can_swap_the_check_still_refuses_a_changed_note(
    vault_dir: Path, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_exchange_cache", [None])
    ada = make_person("Ada")
    vault = Vault(vault_dir)
    snapshot = vault.read("People/Ada.md")
    os.chmod(ada, 0o640)
    vault.write("People/Ada.md", b"# Ada\nnew\n", snapshot)
    assert (ada.read_text(), ada.stat().st_mode & 0o777) == ("# Ada\nnew\n", 0o640)
    editor_save(ada, "# Ada\ntheirs\n")
    with pytest.raises(StaleFileError):
        vault.write("People/Ada.md", b"# Ada\nmine\n", vault.read("People/Ada.md")._replace(data=b"old"))
    assert ada.read_text() == "# Ada\ntheirs\n"
    assert leftovers(ada.parent) == []


def test_a_file_system_that_refuses_to_swap_falls_back(
    vault_dir: Path, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []

    def refuses(first: str, second: str) -> bool:
        calls.append((first, second))
        return atomic._swap_failed(errno.EINVAL, first, second)

    monkeypatch.setattr(atomic, "_exchange_cache", [refuses])
    ada = make_person("Ada")
    vault = Vault(vault_dir)
    vault.write("People/Ada.md", b"# Ada\nnew\n", vault.read("People/Ada.md"))
    assert ada.read_text() == "# Ada\nnew\n"
    assert len(calls) == 1


# -- vaultkit processes wait for each other ------------------------------------------------
def _vault(vault_dir: Path, index: Path, *args: str) -> subprocess.Popen[str]:
    command = [VAULT, "--vault", str(vault_dir), "--index", str(index), "--today", TODAY, *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_vault_log_waits_for_the_lock_and_adds_to_the_first(
    vault_dir: Path, make_person: MakePerson, tmp_path: Path
) -> None:
    ada = make_person("Ada")
    vault = Vault(vault_dir)
    with vault.editing():
        snapshot = vault.read("People/Ada.md")
        other = _vault(vault_dir, tmp_path / "index.sqlite", "log", "Ada", "theirs")
        time.sleep(0.5)  # (if it has not reached the lock by now, it reads after our write)
        assert ada.read_bytes() == snapshot.data
        vault.write("People/Ada.md", snapshot.data + b"\nours\n", snapshot)
    out, err = other.communicate(timeout=60)
    assert (other.returncode, out, err) == (0, "Logged for Ada: People/Ada.md\n", "")
    assert ada.read_text() == (
        "---\nlast_contact: 2026-11-22\n---\n# Ada\n\nours\n\n## Log\n- 2026-11-22 theirs\n"
    )


def test_a_lock_held_too_long_is_one_clear_line(
    vault_dir: Path, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "LOCK_WAIT", 0.1)
    ada = make_person("Ada")
    holder, writer = Vault(vault_dir), Vault(vault_dir)
    snapshot = writer.read("People/Ada.md")
    with holder.editing():
        holder.read("People/Ada.md")
        with pytest.raises(NoteBusy) as err:
            writer.write("People/Ada.md", b"# Ada\nnew\n", snapshot)
    assert str(err.value) == (
        "People/Ada.md is being changed by another vaultkit command (a lock held for over 10 s); "
        "it was not written. Run the command again when that one has finished."
    )
    assert ada.read_text() == "# Ada\n"


ROUNDS = 12


def test_concurrent_vault_logs_both_land(vault_dir: Path, make_person: MakePerson, tmp_path: Path) -> None:
    ada = make_person("Ada")
    index = tmp_path / "index.sqlite"
    assert subprocess.run([VAULT, "--vault", str(vault_dir), "--index", str(index), "due"]).returncode == 0
    for n in range(ROUNDS):
        runs = [_vault(vault_dir, index, "log", "Ada", f"{side}-{n}") for side in "AB"]
        for run in runs:
            out, err = run.communicate(timeout=60)
            assert (run.returncode, out, err) == (0, "Logged for Ada: People/Ada.md\n", "")
    text = ada.read_text()
    lost = [f"{side}-{n}" for n in range(ROUNDS) for side in "AB" if f" {side}-{n}\n" not in text]
    assert lost == []


def test_an_editor_saving_during_vault_log_never_loses_its_newest_save(
    vault_dir: Path, make_person: MakePerson, tmp_path: Path
) -> None:
    """The editor saves every 2 ms until it sees vaultkit's entry (or vaultkit has ended):
    its last save must be in the note at the end. Were it replaced by vaultkit's edit of
    an earlier save, the note would hold the entry but an older `edit N`."""
    ada = make_person("Ada")
    index = tmp_path / "index.sqlite"
    logged = 0
    for n in range(ROUNDS):
        stop = tmp_path / f"stop-{n}"
        editor = subprocess.Popen(
            [sys.executable, "-c", EDITOR, str(ada), f"entry-{n}", str(stop)],
            stdout=subprocess.PIPE,
            text=True,
        )
        run = _vault(vault_dir, index, "log", "Ada", f"entry-{n}")
        out, err = run.communicate(timeout=60)
        stop.touch()
        last, _ = editor.communicate(timeout=60)
        assert f"\nedit {last.strip()}\n" in ada.read_text()
        if run.returncode == 0:
            logged += 1
            assert out == "Logged for Ada: People/Ada.md\n"
        else:
            assert (run.returncode, out) == (1, "")
            assert err.startswith("vault: People/Ada.md changed on disk while vaultkit was working on it")
    assert logged > 0  # mostly it lands: it is added to the save it found
    assert leftovers(ada.parent) == []


def _save_in_place(path: Path, text: str, gap: float) -> subprocess.Popen[bytes]:
    """A program saving `text` in place as a shell's `>` does: it empties the note, then,
    `gap` seconds later, writes it. The note is empty once this returns."""
    script = (
        "import sys, time; f = open(sys.argv[1], 'w', encoding='utf-8'); print(flush=True); "
        "time.sleep(float(sys.argv[3])); f.write(sys.argv[2]); f.close()"
    )
    saver = subprocess.Popen(
        [sys.executable, "-c", script, str(path), text, str(gap)], stdout=subprocess.PIPE
    )
    assert saver.stdout is not None and saver.stdout.readline() == b"\n"  # emptied
    return saver


def test_a_note_emptied_by_a_save_in_place_is_waited_for(
    cli: Cli, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written in the gap, the entry would have replaced the whole note (or the program's
    bytes gone to a file no longer there): vaultkit waits for the bytes, then adds to them."""
    ada = make_person("Ada", "## Log\n- 2026-01-01 first\n")
    saved = ada.read_text(encoding="utf-8").replace("# Ada", "# Ada\nA new line of mine.")
    saver = _save_in_place(ada, saved, 0.5)
    logged = cli("log", "Ada", "phone call")
    saver.wait(timeout=30)
    assert (logged.exit_code, logged.stderr) == (0, "")
    after = ada.read_text(encoding="utf-8")
    assert after.endswith(saved.replace("## Log\n", f"## Log\n- {TODAY} phone call\n"))
    # Still empty once the wait is over: nothing is written, and the program's bytes land.
    monkeypatch.setattr("vaultkit.vault.files.EMPTIED_WAIT", 0.3)
    saver = _save_in_place(ada, saved, 1.5)
    refused = cli("log", "Ada", "second call")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr.startswith(
        "vault: People/Ada.md is empty and was written a moment ago: a program saving"
    )
    saver.wait(timeout=30)
    assert ada.read_text(encoding="utf-8") == saved
    # A note that has been empty for a while is a note: the entry goes into it; so is one
    # whose time is ahead of the clock (a sync that keeps another machine's times).
    for shift, call in ((-60, "third call"), (3600, "fourth call")):
        ada.write_text("", encoding="utf-8")
        os.utime(ada, (time.time() + shift, time.time() + shift))
        assert cli("log", "Ada", call).exit_code == 0
        assert f"- {TODAY} {call}\n" in ada.read_text(encoding="utf-8")


@pytest.mark.parametrize(("path", "command"), [("Daily/2026-11-22.md", "today"), ("Due.md", "render")])
def test_a_daily_note_or_a_view_emptied_by_a_save_in_place_is_waited_for(
    cli: Cli, make_person: MakePerson, vault_dir: Path, path: str, command: str
) -> None:
    """`vault today`, `vault render` (and the watcher) write into a note too: not into one a
    program is saving in place, whose bytes would be lost."""
    make_person("Dan", cadence="1w")
    note = vault_dir / path
    note.parent.mkdir(exist_ok=True)
    mine = "# Day\n- [ ] important todo\n- [ ] and another\n"
    note.write_text("# Day\n", encoding="utf-8")
    saver = _save_in_place(note, mine, 0.5)
    result = cli(command)
    saver.wait(timeout=30)
    assert result.exit_code == 0, result.output
    assert note.read_text(encoding="utf-8").startswith(mine)  # the program's bytes, then vaultkit's


# -- names near the file system's limit -----------------------------------------------------
@pytest.mark.parametrize("name", ["A" * 246, "名" * 77])
def test_a_note_with_a_long_name_can_be_written(cli: Cli, make_person: MakePerson, name: str) -> None:
    note = make_person(name)
    assert len(os.fsencode(note.name)) >= 234
    result = cli("log", name, "lunch")
    assert (result.exit_code, result.stderr) == (0, "")
    assert note.read_text().endswith("## Log\n- 2026-11-22 lunch\n")
    assert leftovers(note.parent) == []


def test_temp_names_fit_the_folder(tmp_path: Path) -> None:
    for name in ("a.md", "A" * 251 + ".md", "名" * 84):
        temp = atomic.temp_name(tmp_path / name)
        assert temp.startswith(".") and temp.endswith(atomic.TEMP_SUFFIX)
        assert len(os.fsencode(temp)) <= 255
        (tmp_path / temp).touch()


# -- the file system refuses ----------------------------------------------------------------
@contextlib.contextmanager
def small_file_system(path: Path, size: str = "256k") -> Iterator[bool]:
    """A tmpfs of `size` at `path` when this machine lets us mount one (it does as root);
    yields whether it is mounted."""
    path.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=True)


def _fill(folder: Path) -> None:
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as out:
        while True:
            out.write(b"x" * 65536)
            out.flush()


@pytest.fixture
def refusing(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool, int], None]:
    """refusing(mounted, code): where no tmpfs could be mounted, make writes of new files
    fail with `code` as the file system would."""

    def arm(mounted: bool, code: int) -> None:
        if mounted:
            return
        real_open = os.open

        def failing_open(path: str | Path, flags: int, *args: int, **kwargs: int) -> int:
            if flags & os.O_CREAT:
                raise OSError(code, os.strerror(code), str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(atomic.os, "open", failing_open)

    return arm


def test_a_full_disk_is_one_line_and_the_note_is_unchanged(
    cli: Cli, tmp_path: Path, refusing: Callable[[bool, int], None]
) -> None:
    with small_file_system(tmp_path / "small") as mounted:
        vault = tmp_path / "small"
        (vault / "People").mkdir()
        note = vault / "People" / "Ada.md"
        note.write_text("# Ada\n")
        assert cli("due", vault=vault).exit_code == 0
        if mounted:  # (never fill a disk that is not the small one)
            _fill(vault)
        refusing(mounted, errno.ENOSPC)
        result = cli("log", "Ada", "lunch", vault=vault)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            "vault: People/Ada.md could not be written (No space left on device); it was not changed.\n"
        )
        assert note.read_text() == "# Ada\n"
        assert leftovers(vault) == []


def test_a_read_only_vault_is_one_line(
    cli: Cli, tmp_path: Path, refusing: Callable[[bool, int], None]
) -> None:
    with small_file_system(tmp_path / "small") as mounted:
        vault = tmp_path / "small"
        (vault / "People").mkdir()
        (vault / "People" / "Ada.md").write_text("# Ada\n")
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(vault)], check=True)
        refusing(mounted, errno.EROFS)
        result = cli("add", "Bob", vault=vault)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            "vault: People/Bob.md could not be written (Read-only file system); it was not created.\n"
        )


def test_an_import_that_runs_out_of_space_says_what_it_wrote(
    cli: Cli, tmp_path: Path, refusing: Callable[[bool, int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = tmp_path / "cards.vcf"
    cards.write_text(
        "".join(
            f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {n:02}\nNOTE:{'x' * 2000}\nEND:VCARD\n" for n in range(40)
        )
    )
    with small_file_system(tmp_path / "small", "64k") as mounted:
        vault = tmp_path / "small"
        (vault / "People").mkdir()
        if not mounted:  # the hook: the seventh new note finds the disk full
            made: list[int] = []
            real_open = os.open

            def failing_open(path: str | Path, flags: int, *args: int, **kwargs: int) -> int:
                if flags & os.O_CREAT:
                    made.append(1)
                    if len(made) > 6:
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
                return real_open(path, flags, *args, **kwargs)

            monkeypatch.setattr(atomic.os, "open", failing_open)
        result = cli("import", "vcard", str(cards), "--apply", vault=vault)
        made_notes = sorted(p.name for p in (vault / "People").iterdir())
        assert 0 < len(made_notes) < 40
        assert result.exit_code == 1
        first = f"People/Person {len(made_notes):02}.md"
        assert result.stderr.startswith(
            f"vault: {first} could not be written (No space left on device); it was not created. "
            f"Before that, {len(made_notes)} of 40 files were written (People/Person 00.md, "
        )
        assert result.stderr.endswith(
            "; the others were not. Run the same import again to finish it: what is written is kept.\n"
        )
        assert leftovers(vault) == []


def test_new_files_written_together_have_their_bytes_synced_before_any_gets_its_name(
    vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What makes a crash leave each new note whole or absent (`vault import` writes its new
    # notes so): one sync of every temp file's bytes, then the names.
    steps: list[str] = []
    real_sync, real_link = atomic._sync_files, os.link

    def sync_files(syncfs: Callable[[int], int], paths: list[Path]) -> None:
        steps.append(f"sync {len(paths)}")
        real_sync(syncfs, paths)

    def link(source: str | Path, target: str | Path) -> None:
        steps.append(f"name {Path(target).name}")
        real_link(source, target)

    monkeypatch.setattr(atomic, "_sync_files", sync_files)
    monkeypatch.setattr(atomic.os, "link", link)
    placed: list[str] = []
    files = [(f"People/P{n}.md", f"# P{n}\n".encode()) for n in range(3)]
    Vault(vault_dir).create_many(files, placed)
    assert steps == ["sync 3", "name P0.md", "name P1.md", "name P2.md"]
    assert placed == ["People/P0.md", "People/P1.md", "People/P2.md"]
    assert [(vault_dir / path).read_bytes() for path, _ in files] == [data for _, data in files]
    assert leftovers(vault_dir) == []


@pytest.mark.parametrize("syncfs", ["fails", "missing"])
def test_without_syncfs_each_new_file_is_fsynced_and_none_is_kept_open(
    vault_dir: Path, monkeypatch: pytest.MonkeyPatch, syncfs: str
) -> None:
    import resource

    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic, "_linux_syncfs", lambda: (lambda fd: -1) if syncfs == "fails" else None)
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    # macOS gives a process 256 descriptors: 300 new files at once must not hold one each.
    limits = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, limits[1]))
    try:
        Vault(vault_dir).create_many([(f"People/P{n}.md", b"# P\n") for n in range(300)], [])
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, limits)
    assert len(synced) == 300 + 1  # each file, then its folder
    assert len(list((vault_dir / "People").iterdir())) == 300
    assert leftovers(vault_dir) == []


def test_new_files_written_together_never_replace_one_that_is_there(
    vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = Vault(vault_dir)
    (vault_dir / "People").mkdir()
    (vault_dir / "People/P1.md").write_text("mine\n")
    files = [(f"People/P{n}.md", b"# P\n") for n in range(3)]
    placed: list[str] = []
    with pytest.raises(RefusedWrite, match=r"^People/P1\.md already exists; it was not overwritten$"):
        vault.create_many(files, placed)
    assert placed == []  # refused before any was written
    assert sorted(p.name for p in (vault_dir / "People").iterdir()) == ["P1.md"]
    # One that appears while they are written: those before it are in place, it is kept.
    (vault_dir / "People/P1.md").unlink()
    real_sync = atomic._sync_files

    def someone_saves(syncfs: Callable[[int], int], paths: list[Path]) -> None:
        (vault_dir / "People/P1.md").write_text("saved meanwhile\n")
        real_sync(syncfs, paths)

    monkeypatch.setattr(atomic, "_sync_files", someone_saves)
    with pytest.raises(RefusedWrite, match=r"^People/P1\.md already exists; it was not overwritten$"):
        vault.create_many(files, placed)
    assert placed == ["People/P0.md"]
    assert (vault_dir / "People/P1.md").read_text() == "saved meanwhile\n"
    assert not (vault_dir / "People/P2.md").exists()
    assert leftovers(vault_dir) == []


def test_a_new_file_whose_close_fails_is_not_made(vault_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A network file system can report a failed write only when the file is closed: that
    # file is not given its name, those before it are, and the error names it.
    closes: list[int] = []
    real_close = os.close

    def close(fd: int) -> None:
        closes.append(fd)
        real_close(fd)
        if len(closes) == 3:  # the third new file's
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(atomic.os, "close", close)
    placed: list[str] = []
    with pytest.raises(WriteFailed) as err:
        Vault(vault_dir).create_many([(f"People/P{n}.md", b"# P\n") for n in range(5)], placed)
    assert (
        str(err.value) == f"People/P2.md could not be written ({os.strerror(errno.EIO)}); it was not created."
    )
    assert placed == ["People/P0.md", "People/P1.md"]
    assert sorted(p.name for p in (vault_dir / "People").iterdir()) == ["P0.md", "P1.md"]
    assert leftovers(vault_dir) == []


def test_a_write_never_makes_the_vault_folder_again(vault_dir: Path, tmp_path: Path) -> None:
    vault = Vault(vault_dir)
    moved = tmp_path / "moved"
    vault_dir.rename(moved)
    with pytest.raises(WriteFailed) as err:
        vault.write("People/Ada.md", b"# Ada\n", None)
    assert str(err.value) == (
        f"People/Ada.md could not be written (the vault folder {vault_dir} is gone); nothing was written."
    )
    assert not vault_dir.exists()


def test_an_export_to_a_full_disk_is_one_line(
    cli: Cli, make_person: MakePerson, tmp_path: Path, refusing: Callable[[bool, int], None]
) -> None:
    make_person("Ada")
    with small_file_system(tmp_path / "small") as mounted:
        if mounted:
            _fill(tmp_path / "small")
        refusing(mounted, errno.ENOSPC)
        target = tmp_path / "small" / "people.csv"
        result = cli("export", "csv", "-o", str(target))
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"vault: {target} could not be written (No space left on device); nothing was written.\n"
        )
        assert not target.exists()
        assert leftovers(tmp_path / "small") == []


def test_init_on_a_read_only_disk_is_one_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with small_file_system(tmp_path / "small") as mounted:
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(tmp_path / "small")], check=True)
        else:

            def mkdir(path: str | Path, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

            monkeypatch.setattr(os, "mkdir", mkdir)
        result = cli("init", str(tmp_path / "small" / "My Vault"))
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"vault: {tmp_path / 'small' / 'My Vault'} could not be written (Read-only file system); "
            "nothing was made.\n"
        )


def test_a_note_locked_too_long_midway_says_what_was_written(
    vault_dir: Path, make_person: MakePerson, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's note is saved by an editor just before vaultkit writes it, and another vaultkit
    process locks the new file: the second try waits in vain, after Ada's entry was written."""
    monkeypatch.setattr(atomic, "LOCK_WAIT", 0.1)
    ada, bob = make_person("Ada"), make_person("Bob")
    held: list[int] = []

    class SavedAndLocked(Vault):
        def write(self, rel_path: str, data: bytes, expected: Snapshot | None) -> None:
            if rel_path == "People/Bob.md" and not held:
                editor_save(bob, "# Bob\nsaved\n")
                fd = atomic.lock_file(bob)
                assert fd is not None
                held.append(fd)
            super().write(rel_path, data, expected)

    workspace = Workspace(SavedAndLocked(vault_dir), tmp_path / "i.sqlite", dt.date(2026, 11, 22))
    workspace.sync()
    try:
        with pytest.raises(IncompleteWrite) as err:
            workspace.log("Ada, Bob", "lunch")
    finally:
        for fd in held:
            os.close(fd)
    assert str(err.value) == (
        "People/Bob.md is being changed by another vaultkit command (a lock held for over 10 s); it was "
        "not written. Run the command again when that one has finished. Before that, 1 of 2 files were "
        "written (People/Ada.md); the others were not. Run the command again for Bob."
    )
    assert ada.read_text().endswith("## Log\n- 2026-11-22 lunch\n")
    assert bob.read_text() == "# Bob\nsaved\n"
    workspace.close()


def test_a_note_moved_or_deleted_as_it_is_read_is_one_line(
    vault_dir: Path, make_person: MakePerson, tmp_path: Path
) -> None:
    """A git checkout or a sync tool deletes a note (and makes it again, or elsewhere) while
    a command that found it in the index reads it: one line, not a FileNotFoundError."""
    ada, bob = make_person("Ada"), make_person("Bob")
    workspace = Workspace(Vault(vault_dir), tmp_path / "i.sqlite", dt.date(2026, 11, 22))
    workspace.sync()
    ada.unlink()
    with pytest.raises(NoteGone) as err:
        set_properties(workspace, "Ada", {"company": "Acme"})
    assert str(err.value) == (
        "People/Ada.md was moved or deleted while vaultkit was reading it; nothing was written. "
        "Run the command again."
    )
    # Bob's note is moved away as Ada's entry is written: say what was.
    make_person("Ada")
    workspace.sync()

    class Moving(Vault):
        def write(self, rel_path: str, data: bytes, expected: Snapshot | None) -> None:
            if rel_path == "People/Ada.md":
                (vault_dir / "People" / "Old").mkdir()
                bob.rename(vault_dir / "People" / "Old" / "Bob.md")
            super().write(rel_path, data, expected)

    workspace.close()
    workspace = Workspace(Moving(vault_dir), tmp_path / "i.sqlite", dt.date(2026, 11, 22))
    with pytest.raises(NoteGone) as err:
        workspace.log("Ada, Bob", "lunch")
    assert str(err.value) == (
        "People/Bob.md was moved or deleted while vaultkit was reading it; it was not written "
        "(already written: People/Ada.md). Run the command again for Bob."
    )
    workspace.close()


def test_a_kill_at_any_moment_of_vault_log_leaves_old_or_new_bytes(
    vault_dir: Path, make_person: MakePerson, tmp_path: Path
) -> None:
    """kill -9 at moments spread over a `vault log` (and after it, on a slow machine): the
    note is always whole, either as it was or with the entry; at most a dot-named temp file
    is left beside it."""
    ada = make_person("Ada")
    index = tmp_path / "index.sqlite"
    assert subprocess.run([VAULT, "--vault", str(vault_dir), "--index", str(index), "due"]).returncode == 0
    landed = 0
    delays = [0.01 * n for n in range(20)] + [0.5, 1.0, 3.0]
    for n, delay in enumerate(delays):
        before = ada.read_text()
        run = _vault(vault_dir, index, "log", "Ada", f"entry-{n}")
        time.sleep(delay)
        run.kill()
        run.communicate(timeout=60)
        after = ada.read_text()
        assert after == before or (
            after.startswith("---\nlast_contact: 2026-11-22\n---\n# Ada\n") and f" entry-{n}\n" in after
        )
        landed += after != before
        for leftover in ada.parent.glob(".*"):
            assert leftover.name.endswith(atomic.TEMP_SUFFIX)
            leftover.unlink()
    assert 0 < landed < len(delays)  # the kills fell both before and after the write


def test_a_kill_at_any_moment_of_an_import_leaves_each_note_whole_or_absent(
    vault_dir: Path, tmp_path: Path
) -> None:
    """kill -9 at moments spread over a `vault import --apply` of 600 cards (new notes are
    written 256 at a time): each note is there whole or not at all, at most dot-named temp
    files are left, and the same import run again finishes it."""
    cards = tmp_path / "book.vcf"
    cards.write_text(
        "".join(
            f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {n:03}\nEMAIL:p{n}@example.com\nEND:VCARD\n"
            for n in range(600)
        )
    )
    whole = tmp_path / "whole"
    (whole / "People").mkdir(parents=True)
    run = [VAULT, "--index", str(tmp_path / "whole.sqlite"), "--today", TODAY, "--vault"]
    assert (
        subprocess.run(
            [*run, str(whole), "import", "vcard", str(cards), "--apply"], capture_output=True
        ).returncode
        == 0
    )
    expected = {p.name: p.read_bytes() for p in (whole / "People").iterdir()}
    assert len(expected) == 600
    (vault_dir / "People").mkdir()
    index = tmp_path / "index.sqlite"
    seen = set()
    for delay in (0.2, 0.4, 0.6, 0.8, 1.0, 1.5, 3.0):
        process = subprocess.Popen(
            [VAULT, "--vault", str(vault_dir), "--index", str(index), "--today", TODAY,
             "import", "vcard", str(cards), "--apply"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(delay)
        process.kill()
        process.wait(timeout=60)
        for note in (vault_dir / "People").iterdir():
            if note.name.endswith(atomic.TEMP_SUFFIX):
                continue
            assert note.read_bytes() == expected[note.name]
        seen.add(sum(1 for p in (vault_dir / "People").iterdir() if not p.name.endswith(atomic.TEMP_SUFFIX)))
    assert all(name.startswith(".") for name in leftovers(vault_dir))
    again = subprocess.run(
        [VAULT, "--vault", str(vault_dir), "--index", str(index), "--today", TODAY, "import", "vcard", str(cards), "--apply"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert {
        p.name: p.read_bytes() for p in (vault_dir / "People").iterdir() if p.name.endswith(".md")
    } == expected
    assert len(seen) > 1, seen  # the kills fell at different points of the import


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (("set", "Alice,Bob,Carol", "company=Busy"), "company: Busy\n"),
        (("unset", "Alice,Bob,Carol", "company"), ""),
        (("snooze", "Alice,Bob,Carol", "2w"), "company: Acme\nsnooze_until: 2026-12-06\n"),
        (("archive", "Alice,Bob,Carol"), "company: Acme\narchived: true\n"),
        (("log", "Alice,Bob,Carol", "lunch"), "company: Acme\nlast_contact: 2026-11-22\n"),
    ],
)
def test_a_note_broken_midway_says_why_and_what_was_written(
    cli: Cli, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], written: str
) -> None:
    """Bob's note is saved with broken YAML once Alice's is written: `vault set` said only
    "People/Bob.md:3: invalid YAML ...", not that Alice's note was written and Carol's not;
    `vault log` said Bob's note "changed on disk" and to run it again, which fails the same."""
    alice, bob, carol = (make_person(name, company="Acme") for name in ("Alice", "Bob", "Carol"))

    def hook(stage: str, target: Path) -> None:
        if stage == "swapped" and target == alice:
            editor_save(bob, "---\ncompany: Acme\nx: [\n---\n# Bob\n")

    monkeypatch.setattr(atomic, "race_hook", hook)
    result = cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "vault: People/Bob.md:4: invalid YAML in front matter: did not find expected node content; the note "
        "was not changed. Before that, 1 of 3 files were written (People/Alice.md); the others were not. "
        "Run the command again for Bob, Carol.\n",
    )
    assert alice.read_text().startswith(f"---\n{written}---\n# Alice\n")
    assert carol.read_text() == "---\ncompany: Acme\n---\n# Carol\n"


def test_a_note_locked_too_long_stops_a_quick_edit_before_any_write(
    cli: Cli, make_person: MakePerson, vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vault set Alice,Bob,Carol` wrote Alice's note, then waited in vain for Bob's, and said
    only that Bob's "was not written"; every note is now locked before any is written."""
    monkeypatch.setattr(atomic, "LOCK_WAIT", 0.1)
    alice, _, carol = (make_person(name) for name in ("Alice", "Bob", "Carol"))
    holder = Vault(vault_dir)
    with holder.editing():
        holder.read("People/Bob.md")
        result = cli("set", "Alice,Bob,Carol", "company=Busy")
    assert (result.exit_code, result.stderr) == (
        1,
        "vault: People/Bob.md is being changed by another vaultkit command (a lock held for over 10 s); "
        "nothing was written. Run the command again when that one has finished.\n",
    )
    assert (alice.read_text(), carol.read_text()) == ("# Alice\n", "# Carol\n")
