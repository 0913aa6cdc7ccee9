"""SPEC §4 "Bad input is reported, not fatal", through the real CLI: a note with dates at the
calendar's ends, a file or folder name that is not UTF-8, a folder that cannot be read. Each
is named in `vault check` (where it is worth saying) and every other note still works."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import write_note
from typer.testing import CliRunner, Result

import vaultkit.index.rows as index_module
from vaultkit.cli.commands import app

Cli = Callable[..., Result]
MakePerson = Callable[..., Path]

FIRST, LAST = "0001-01-01", "9999-12-31"
OLD_NS = 1_600_000_000 * 10**9  # a time long before any test runs


# -- dates at the calendar's ends ---------------------------------------------------------
def _extreme_dates_vault(root: Path) -> None:
    """Every date field at both ends of the calendar, beside one ordinary person."""
    (root / "vaultkit.toml").write_text(
        'default_cadence = "1m"\n[cadence_by_tag]\nfamily = "2w"\n', encoding="utf-8"
    )
    for n, day in enumerate((FIRST, LAST)):
        for key in ("met", "last_contact", "birthday", "snooze_until"):
            write_note(
                root,
                f"People/{key.title()} {n}.md",
                f'---\ncadence: 1m\n{key}: {day}\nintroduced_by: "[[Ok Person]]"\n---\n'
                f"- [ ] call 📅 {day}\n\n## Log\n- {day} coffee: met [[Ok Person]]\n",
            )
        write_note(
            root,
            f"People/Every {n}.md",
            f"---\ncadence: 1y\nmet: {day}\nlast_contact: {day}\nbirthday: {day}\nsnooze_until: {day}\n"
            f'tags: [family]\nintroduced_by: "[[Ok Person]]"\n---\n- [ ] todo 📅 {day}\n'
            f"## Log\n- {day} call: x\n- {day} intro: introduced [[Ok Person]] to [[Met 0]]\n",
        )
        write_note(
            root,
            f"Meetings/{day} Meeting {n}.md",
            f'---\ndate: {day}\npeople: ["[[Ok Person]]", "[[Every {n}]]"]\n---\n- [ ] follow 📅 {day}\n',
        )
        write_note(root, f"Meetings/{day} Undated {n}.md", "# m\n[[Ok Person]]\n")
        write_note(root, f"Daily/{day}.md", f"- saw [[Ok Person]] and [[Every {n}]]\n")
    write_note(
        root,
        "People/Ok Person.md",
        "---\ncadence: 1m\nlast_contact: 2026-10-01\nmet: 2026-01-01\nbirthday: 1990-11-25\n---\n"
        "## Log\n- 2026-10-01 coffee: hi\n",
    )


def _commands(today: str) -> list[list[str]]:
    past = min(today, "2026-11-22")
    commands = [
        ["index"], ["check"], ["due"], ["due", "--json"], ["due", "--within", "99999y"],
        ["due", "--within", "3650000d"], ["due", "--within", "9999m"], ["show", "Every 0"],
        ["show", "Every 1"], ["show", "--json", "Birthday 1"], ["show", "Ok Person"], ["list"],
        ["list", "--json"], ["search", "call"], ["followups"], ["followups", "--overdue"],
        ["followups", "--json"], ["review"], ["review", "--week", "0001-W01"], ["stats"], ["stats", "--json"], ["suggest"],
        ["suggest", "--json"], ["export", "ics"], ["export", "ics", "--days", "999999999"],
        ["export", "vcard"], ["export", "csv"], ["export", "json"], ["render"],
        ["meet", "Ok Person"], ["meet", "Every 1", "--date", FIRST],
        ["log", "Ok Person", "hi", "--date", FIRST], ["log", "Every 0", "hello"],
        ["intro", "Ok Person", "Met 1", "--date", past], ["add", "New One", "--met", today],
        ["add", "New Two", "--met", FIRST], ["templates", "list"],
    ]  # fmt: skip
    if today == LAST:  # (the calendar's last week, once it has begun: a later one is refused)
        commands.append(["review", "--week", "9999-W52"])
    if today == "2026-11-22":  # and once more over the notes those commands wrote
        commands += [["index", "--rebuild"], ["check"], ["due", "--within", "99999y"], ["render"]]
    return commands


@pytest.mark.parametrize("today", ["2026-11-22", FIRST, LAST])
def test_dates_at_the_calendars_ends_never_crash_a_command(cli: Cli, vault_dir: Path, today: str) -> None:
    _extreme_dates_vault(vault_dir)
    crashed = []
    for args in _commands(today):
        result = cli(*args, today=today)
        if "unexpected error" in result.output or result.exit_code not in (0, 1):
            crashed.append(f"vault {' '.join(args)}: {result.output.strip().splitlines()[-1:]}")
    assert crashed == []


def test_the_ordinary_person_is_still_there_beside_dates_at_the_calendars_ends(
    cli: Cli, vault_dir: Path
) -> None:
    _extreme_dates_vault(vault_dir)
    due = cli("due", "--within", "99999y")
    assert due.exit_code == 0 and "Ok Person" in due.stdout
    calendar = cli("export", "ics")
    assert calendar.exit_code == 0
    assert "SUMMARY:Ok Person's birthday" in calendar.stdout
    assert "SUMMARY:Reach out to Ok Person" in calendar.stdout
    # A birthday after today makes no sense: not in the calendar as a date of birth, and named.
    assert "born 9999" not in calendar.stdout
    check = cli("check")
    assert "People/Birthday 1.md: warning: birthday 9999-12-31 is after today" in check.stdout
    # And so does a last contact after today: until then it counts for nothing.
    assert (
        "People/Last_Contact 1.md: warning: last_contact 9999-12-31 is after today; it counts from that day on"
        in check.stdout
    )
    assert "Last_Contact 0.md: warning: last_contact" not in check.stdout
    assert (
        "People/Met 1.md: warning: met 9999-12-31 is after today; it counts from that day on" in check.stdout
    )
    assert "Met 0.md: warning: met" not in check.stdout


def test_a_name_no_link_can_hold_is_a_warning(cli: Cli, make_person: MakePerson) -> None:
    """Made outside vaultkit (`vault add` refuses them): links to it lead elsewhere."""
    for name in ("Ana #1", "A|B", "Mr [X]", "Ok Person", "Ann %% Lee", "Bo % Li"):
        make_person(name)
    check = cli("check").stdout
    warned = [line.split(":")[0] for line in check.splitlines() if "no [[link]] can hold" in line]
    assert warned == ["People/Ana #1.md", "People/Ann %% Lee.md", "People/A|B.md", "People/Mr [X].md"]
    assert (
        "People/Ann %% Lee.md: warning: the name holds %%, which no [[link]] can hold "
        "(it starts a comment in Obsidian): rename the note\n"
    ) in check
    # `vault add` refuses each of them by the same rule.
    for name in ("Ana #2", "Ann %% Lea"):
        assert cli("add", name).exit_code == 1


# -- names that are not UTF-8 ---------------------------------------------------------------
def _bytes_path(folder: Path, name: bytes) -> bytes:
    return os.fsencode(folder) + b"/" + name


def _write_bytes_name(folder: Path, name: bytes, data: bytes) -> None:
    """A file whose name is bytes no UTF-8 decodes (as a zip file or an old share leaves)."""
    fd = os.open(_bytes_path(folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _bad_names_vault(root: Path, make_person: MakePerson) -> None:
    make_person("Ada Lovelace", cadence="1m", last_contact="2026-09-01", birthday="1815-12-10")
    _write_bytes_name(root / "People", b"Bad\xff\xfeName.md", b"---\ncadence: 1w\n---\n# Bad\n")
    os.mkdir(_bytes_path(root / "People", b"Old\xe9Share"))
    _write_bytes_name(root / "People", b"Old\xe9Share/Inside.md", b"---\ncadence: 1w\n---\n")
    _write_bytes_name(root / "People", b"photo\xff.jpg", b"not a note: nothing to say")
    _write_bytes_name(root / "People", b".hidden\xff.md", b"a dot file: never read")


BAD_NAMES_CHECK = (
    "People/Bad\\xff\\xfeName.md: error: the file name is not valid UTF-8: rename the file; note skipped\n"
    "People/Old\\xe9Share/: error: the folder name is not valid UTF-8: rename the folder; "
    "its notes are left out\n"
)


def test_a_name_that_is_not_utf8_is_named_in_check_and_skipped(
    cli: Cli, vault_dir: Path, make_person: MakePerson
) -> None:
    _bad_names_vault(vault_dir, make_person)
    check = cli("check")
    assert (check.exit_code, check.stdout) == (1, BAD_NAMES_CHECK + "2 error(s), 0 warning(s)\n")
    as_json = json.loads(cli("check", "--json").stdout)
    assert [p["path"] for p in as_json["problems"]] == [
        "People/Bad\\xff\\xfeName.md",
        "People/Old\\xe9Share/",
    ]
    due = cli("due")
    assert due.exit_code == 0 and "Ada Lovelace" in due.stdout and "Bad" not in due.stdout
    assert due.stderr == (
        "vault: 1 folder(s) could not be read, so their notes are left out, and 1 note(s) skipped; "
        "run `vault check` to see them\n"
    )
    crashed = []
    for args in (
        ["log", "Ada", "coffee"], ["show", "Ada"], ["render"], ["export", "ics"], ["export", "csv"],
        ["export", "json"], ["export", "vcard"], ["list"], ["search", "Ada"], ["followups"],
        ["stats"], ["suggest"], ["meet", "Ada"], ["index"], ["index", "--rebuild"], ["due", "--json"],
    ):  # fmt: skip
        result = cli(*args)
        if result.exit_code != 0 or "unexpected error" in result.output:
            crashed.append(f"vault {' '.join(args)}: {result.output.strip().splitlines()[-1:]}")
    assert crashed == []
    # The stored walk keeps what it found: still named when the folder is not listed again.
    again = cli("check")
    assert (again.exit_code, again.stdout) == (1, BAD_NAMES_CHECK + "2 error(s), 0 warning(s)\n")
    os.rename(_bytes_path(vault_dir / "People", b"Bad\xff\xfeName.md"), vault_dir / "People" / "Bea.md")
    os.rename(_bytes_path(vault_dir / "People", b"Old\xe9Share"), vault_dir / "People" / "Old Share")
    fixed = cli("check")
    assert (fixed.exit_code, fixed.stdout) == (0, "No problems found.\n")
    assert [p["name"] for p in json.loads(cli("list", "--json").stdout)["people"]] == [
        "Ada Lovelace", "Bea", "Inside",
    ]  # fmt: skip


def test_a_name_with_a_line_break_is_named_in_check_and_skipped(
    cli: Cli, vault_dir: Path, make_person: MakePerson
) -> None:
    """A line break in a note's name would split its line in Due.md; with a marker after it,
    the first render would write a second start marker and every later render fail."""
    make_person("Ada Lovelace", cadence="1m", last_contact="2026-09-01")
    for name in ("New\nLine", "Evil\n<!-- vaultkit:due -->", "Tab\there"):
        make_person(name, cadence="1w")
    write_note(vault_dir, "People/Esc\x1bFolder/Inside.md", "---\ncadence: 1w\n---\n")
    check = cli("check")
    assert (check.exit_code, check.stdout) == (
        1,
        "People/Esc\\u001bFolder/: error: the folder name has a line break or another control "
        "character: rename the folder; its notes are left out\n"
        "People/Evil\\n<!-- vaultkit:due -->.md: error: the file name has a line break or another "
        "control character: rename the file; note skipped\n"
        "People/New\\nLine.md: error: the file name has a line break or another control character: "
        "rename the file; note skipped\n"
        "People/Tab\\there.md: error: the file name has a line break or another control character: "
        "rename the file; note skipped\n"
        "4 error(s), 0 warning(s)\n",
    )
    for _ in range(2):
        assert cli("render").exit_code == 0
    due = (vault_dir / "Due.md").read_text(encoding="utf-8")
    assert due.count("<!-- vaultkit:due -->") == 1 and "[[Ada Lovelace]]" in due
    assert "Line" not in due and "Evil" not in due and "Tab" not in due and "Inside" not in due


def test_a_vault_folder_named_in_bytes_is_still_a_vault(tmp_path: Path) -> None:
    root = os.fsdecode(_bytes_path(tmp_path, b"Vault\xff"))
    write_note(Path(root), "People/Ada.md", "---\ncadence: 1m\n---\n")
    # No --index: the default one is named from the vault's path.
    runner = CliRunner(env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "VAULTKIT_INDEX": None})
    result = runner.invoke(app, ["--vault", root, "--today", "2026-11-22", "due"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert "Ada" in result.stdout


# -- folders that cannot be read ------------------------------------------------------------
def _deny(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 a folder; as root, whom chmod denies nothing, its listing fails through hooks."""
    folder.chmod(0)
    if os.geteuid() == 0:
        denied = os.path.normpath(folder)

        def denying(real: Callable[..., Any]) -> Callable[..., Any]:
            def listing(path: Any = ".") -> Any:
                if isinstance(path, str) and os.path.normpath(path) == str(denied):
                    raise PermissionError(13, "Permission denied", path)
                return real(path)

            return listing

        monkeypatch.setattr(os, "scandir", denying(os.scandir))
        monkeypatch.setattr(os, "listdir", denying(os.listdir))


def _allow(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    folder.chmod(0o755)


UNREADABLE = "People/Private/: error: cannot be read (permission denied); its notes are left out\n"
FOLDER_WARNING = (
    "vault: 1 folder(s) could not be read, so their notes are left out; run `vault check` to see them\n"
)


def test_a_folder_that_cannot_be_read_is_named_and_tried_again_every_run(
    cli: Cli, vault_dir: Path, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_person("Ada", cadence="1m")
    make_person("Bob", folder="People/Private", cadence="1m")
    make_person("Cy", folder="People/Private/Deep", cadence="1m")
    private = vault_dir / "People" / "Private"
    for folder in (vault_dir, vault_dir / "People", private, private / "Deep"):
        os.utime(folder, ns=(OLD_NS, OLD_NS))  # folders nobody changed lately: listings kept
    names = lambda result: [item["name"] for item in json.loads(result.stdout)["due"]]  # noqa: E731
    assert names(cli("due", "--json")) == ["Ada", "Bob", "Cy"]  # indexed, and the walk stored
    _deny(private, monkeypatch)
    try:
        # Its people leave, with a word: on stderr where people are shown, and in check.
        due = cli("due")
        assert (due.exit_code, due.stderr) == (0, FOLDER_WARNING)
        assert "Ada" in due.stdout and "Bob" not in due.stdout and "Cy" not in due.stdout
        listed = cli("list")
        assert (listed.exit_code, listed.stderr) == (0, FOLDER_WARNING)
        assert "Ada" in listed.stdout and "Bob" not in listed.stdout
        check = cli("check")
        assert (check.exit_code, check.stdout) == (1, UNREADABLE + "1 error(s), 0 warning(s)\n")
        assert json.loads(cli("due", "--json").stdout)["problems"] == [
            {
                "path": "People/Private/",
                "line": None,
                "level": "error",
                "message": "cannot be read (permission denied); its notes are left out",
            }
        ]
        assert (
            cli("index").exit_code == 0 and cli("check").stdout == UNREADABLE + "1 error(s), 0 warning(s)\n"
        )
        show = cli("show", "Bob")
        assert show.exit_code == 1 and "unexpected" not in show.output
    finally:
        _allow(private, monkeypatch)
    # Readable again: tried on the next run, its people are back and check is quiet.
    assert names(cli("due", "--json")) == ["Ada", "Bob", "Cy"]
    assert (cli("check").stdout, cli("due").stderr) == ("No problems found.\n", "")


def test_a_folder_that_cannot_be_read_before_the_first_run(
    cli: Cli, vault_dir: Path, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_person("Ada", cadence="1m")
    make_person("Bob", folder="People/Private", cadence="1m")
    private = vault_dir / "People" / "Private"
    _deny(private, monkeypatch)
    try:
        check = cli("check")
        assert (check.exit_code, check.stdout) == (1, UNREADABLE + "1 error(s), 0 warning(s)\n")
    finally:
        _allow(private, monkeypatch)
    assert [p["name"] for p in json.loads(cli("list", "--json").stdout)["people"]] == ["Ada", "Bob"]


def test_a_note_that_cannot_be_read_is_read_again_once_it_can(
    cli: Cli, vault_dir: Path, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_person("Ada", cadence="1m")
    bob = make_person("Bob", cadence="1m")
    os.utime(bob, ns=(OLD_NS, OLD_NS))  # a chmod leaves its times: they say nothing changed
    bob.chmod(0)
    if os.geteuid() == 0:  # chmod denies root nothing: the read fails through a hook
        real = index_module.read_note

        def denying_read(path: str, size: int, limit: int) -> bytes:
            if os.path.normpath(path) == str(bob):
                raise PermissionError(13, "Permission denied", path)
            return real(path, size, limit)

        monkeypatch.setattr(index_module, "read_note", denying_read)
    unreadable = "People/Bob.md: error: cannot be read (permission denied); note skipped\n"
    try:
        for _ in range(2):  # the first run, and one that compares with the stored walk
            check = cli("check")
            assert (check.exit_code, check.stdout) == (1, unreadable + "1 error(s), 0 warning(s)\n")
        shown = cli("show", "Bob")
        assert (shown.exit_code, shown.stderr) == (
            1,
            "vault: People/Bob.md cannot be read (permission denied); fix it, then run the command again\n",
        )
    finally:
        monkeypatch.undo()
        bob.chmod(0o644)
    assert [item["name"] for item in json.loads(cli("due", "--json").stdout)["due"]] == ["Ada", "Bob"]
    assert cli("check").stdout == "No problems found.\n"


def _without_root_powers() -> None:
    """In a child about to run a command as root: drop the capabilities that let root read
    any folder (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a chmod 000 folder denies it."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def test_an_unreadable_folder_for_real(vault_dir: Path, make_person: MakePerson, tmp_path: Path) -> None:
    """The same without a hook, in a process that a chmod 000 folder really denies."""
    make_person("Ada", cadence="1m")
    make_person("Bob", folder="People/Private", cadence="1m")
    cy = make_person("Cy", cadence="1m")
    os.utime(cy, ns=(OLD_NS, OLD_NS))
    private = vault_dir / "People" / "Private"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "vaultkit", "--vault", str(vault_dir), "--index"]
        command += [str(tmp_path / "index.sqlite"), "--today", "2026-11-22", *args]
        env = {**os.environ, "COLUMNS": "120"}
        setup = _without_root_powers if os.geteuid() == 0 and sys.platform == "linux" else None
        return subprocess.run(command, capture_output=True, text=True, env=env, preexec_fn=setup)

    cy.chmod(0)
    try:
        first = run("due")
        assert (first.stdout.count("Bob"), first.stdout.count("Cy")) == (1, 0)
        private.chmod(0)
        due = run("due")
        assert (due.returncode, due.stdout.count("Ada"), due.stdout.count("Bob")) == (0, 1, 0)
        assert due.stderr == (
            "vault: 1 folder(s) could not be read, so their notes are left out, and 1 note(s) skipped; "
            "run `vault check` to see them\n"
        )
        check = run("check")
        assert (check.returncode, check.stdout) == (
            1,
            "People/Cy.md: error: cannot be read (permission denied); note skipped\n"
            + UNREADABLE
            + "2 error(s), 0 warning(s)\n",
        )
    finally:
        private.chmod(0o755)
        cy.chmod(0o644)
    assert ("Bob" in run("due").stdout, "Cy" in run("due").stdout) == (True, True)
    assert run("check").stdout == "No problems found.\n"


def test_a_huge_note_is_refused_without_reading_it_all(
    cli: Cli, vault_dir: Path, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 9 MiB file named `.md` (a log dumped into the vault) is one error, the rest indexed;
    the index reads no more of it than the parser's limit and a byte."""
    make_person("Ada", cadence="1m")
    (vault_dir / "People" / "Dump.md").write_bytes(b"- line\n" * (9 * 1024 * 1024 // 7))
    real, read = index_module.read_note, []

    def counting(path: str, size: int, limit: int) -> bytes:
        data = real(path, size, limit)
        read.append(len(data))
        return data

    monkeypatch.setattr(index_module, "read_note", counting)
    check = cli("check")
    assert (check.exit_code, check.stdout) == (
        1,
        "People/Dump.md: error: note is over 8 MiB; note skipped\n1 error(s), 0 warning(s)\n",
    )
    assert max(read) == 8 * 1024 * 1024 + 1
    assert [item["name"] for item in json.loads(cli("due", "--json").stdout)["due"]] == ["Ada"]


def test_a_write_never_makes_a_note_longer_than_vaultkit_reads(cli: Cli, vault_dir: Path) -> None:
    """A Log entry (or a property) that would push a note over 8 MiB is refused: written,
    the person would drop out of every list and every later write be refused."""
    note = vault_dir / "People" / "Ada.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    head = b"---\ncadence: 1m\n---\n# Ada\n\n## Log\n- 2020-01-01 x\n\n"
    note.write_bytes(head + b"y" * (8 * 1024 * 1024 - len(head) - 100) + b"\n")
    before = note.read_bytes()
    for args in (["log", "Ada", "x" * 4096], ["set", "Ada", f"bio={'y' * 4096}"]):
        result = cli(*args)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            "vault: People/Ada.md would be over 8 MiB, more than vaultkit reads in a note; it was not changed\n"
        )
    assert note.read_bytes() == before
    assert cli("show", "Ada").exit_code == 0
