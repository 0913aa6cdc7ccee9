"""`vaultkit.checks`: every rule of `vault check`, called as functions (the CLI is in test_cli)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from conftest import write_note

from vaultkit.checks import STOPPED_AFTER, check_vault, sync_problems, vault_problems
from vaultkit.model import Problem
from vaultkit.vault import atomic
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace


def workspace(root: Path, tmp_path: Path) -> Workspace:
    space = Workspace(Vault(root), tmp_path / "index.sqlite", dt.date(2026, 11, 22))
    space.sync()
    return space


def test_a_clean_vault_has_no_problems(vault_dir: Path, make_person, tmp_path: Path) -> None:
    make_person("Ada Lovelace", "See [[Charles Babbage]]\n", email="ada@example.com")
    make_person("Charles Babbage", email="charles@example.com")
    report = check_vault(workspace(vault_dir, tmp_path), links=True)
    assert report.problems == []
    assert report.dangling_links == []
    assert report.errors == 0


def test_every_rule_in_one_report_config_first_then_by_file(
    vault_dir: Path, make_person, tmp_path: Path
) -> None:
    (vault_dir / "vaultkit.toml").write_text("colour = 'blue'\n", encoding="utf-8")
    make_person("Ada Lovelace", "See [[Nobody]]\n", email="ada@example.com")
    make_person("Ada King", email="ada@example.com")
    make_person("Ada Lovelace (conflicted copy 2026-11-20)")
    write_note(vault_dir, "People/Broken.md", "---\nname: [\n---\n")
    report = check_vault(workspace(vault_dir, tmp_path), links=True)
    assert [(p.path, p.level) for p in report.problems] == [
        ("vaultkit.toml", "warning"),
        ("People/Ada King.md", "warning"),
        ("People/Ada Lovelace (conflicted copy 2026-11-20).md", "warning"),
        ("People/Broken.md", "error"),
    ]
    assert report.problems[1].message == (
        "may be the same person as People/Ada Lovelace.md: same email ada@example.com"
    )
    assert report.problems[2].message == (
        "a sync conflict copy: move what it adds into the file it copies, then delete it"
    )
    assert report.errors == 1
    assert report.dangling_links == [("People/Ada Lovelace.md", 5, "Nobody")]


def test_links_are_only_listed_when_asked(vault_dir: Path, make_person, tmp_path: Path) -> None:
    make_person("Ada Lovelace", "See [[Nobody]]\n")
    assert check_vault(workspace(vault_dir, tmp_path)).dangling_links == []


def test_every_command_shows_less_than_check(vault_dir: Path, make_person, tmp_path: Path) -> None:
    """The walk and the pass over everyone are `vault check`'s alone, not `vault due`'s."""
    make_person("Ada Lovelace", email="ada@example.com")
    make_person("Ada King", email="ada@example.com")
    make_person("Ada Lovelace (conflicted copy 2026-11-20)")
    space = workspace(vault_dir, tmp_path)
    assert space.problems() == []
    assert len(vault_problems(space)) == 2


def test_sync_problems_name_clashes_by_case_and_unicode_form(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    nfc = "Zoë Müller"
    nfd = unicodedata.normalize("NFD", nfc)
    for name in (f"{nfd}.md", "ada.md", "Ada.md", "Notes/Ok.md", ".hidden/Ada (conflicted copy).md"):
        write_note(root, f"People/{name}", "")
    assert sync_problems(Vault(root)) == [
        Problem(
            "People/Ada.md",
            None,
            "warning",
            "People/ada.md has the same name but for case; a Mac or Windows sees one file: merge the two into one",
        ),
        Problem(
            f"People/{nfd}.md",
            None,
            "warning",
            "the name is in decomposed Unicode (NFD, as a Mac writes it): rename it to composed Unicode (NFC) "
            "so that every device and vaultkit see the same name",
        ),
        Problem(
            "People/ada.md",
            None,
            "warning",
            "People/Ada.md has the same name but for case; a Mac or Windows sees one file: merge the two into one",
        ),
    ]


def test_temp_files_of_stopped_writes_are_named_once_a_minute_old(vault_dir: Path, make_person, cli) -> None:
    """A write stopped between its temp file and the rename (a kill, a crash) leaves the
    temp beside the note: `vault check` names it, unless it is young enough to be a write
    under way; the temps in dot-folders are not the vault's."""
    ada = make_person("Ada Lovelace")
    stopped = []
    for target in (ada, vault_dir / "Meetings" / "2026-11-20 Lunch.md", vault_dir / ".obsidian" / "x.md"):
        target.parent.mkdir(exist_ok=True)
        temp, fd = atomic.make_temp(target, b"# Ada Lovelace\n- 2026-11-22 lunch\n", 0o644)
        os.close(fd)
        stopped.append(temp)
    young, _ = atomic.make_temp(ada, b"being written", 0o644)
    a_while_ago = time.time() - STOPPED_AFTER - 5
    os.utime(ada, (a_while_ago - 5, a_while_ago - 5))  # (written before its temp)
    for temp in stopped:
        os.utime(temp, (a_while_ago, a_while_ago))
    result = cli("check")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"Meetings/{stopped[1].name}: warning: a vaultkit write was stopped here; Meetings/2026-11-20 Lunch.md "
        "was not made: look in this file if a command of yours failed, then delete it",
        f"People/{stopped[0].name}: warning: a vaultkit write was stopped before it replaced People/Ada "
        "Lovelace.md, which kept its bytes from before it: this file holds what the command was writing: "
        "look in it if a command of yours failed, then delete it",
        "0 error(s), 2 warning(s)",
    ]
    assert young.exists() and ada.read_text() == "# Ada Lovelace\n"


def test_a_stopped_write_of_a_note_whose_name_was_cut_names_that_note(
    vault_dir: Path, make_person, cli
) -> None:
    """A temp file's name keeps the note's name only as far as the file system's limit
    allows: `vault check` still finds the note it was for."""
    longest = os.pathconf(vault_dir, "PC_NAME_MAX")
    name = "Ada " + "é" * ((longest - 8) // 2)  # (two bytes a character: the cut splits one)
    assert len(os.fsencode(f"{name}.md")) > longest - 20
    note = make_person(name)
    (note.parent / f"{name[:40]}.md").write_text("# another note, whose name begins alike\n")
    temp, fd = atomic.make_temp(note, b"# Ada\n- 2026-11-22 lunch\n", 0o644)
    os.close(fd)
    assert not temp.name[1:].startswith(note.name)  # (the note's name was cut)
    a_while_ago = time.time() - STOPPED_AFTER - 5
    os.utime(note, (a_while_ago - 5, a_while_ago - 5))
    os.utime(temp, (a_while_ago, a_while_ago))
    result = cli("check", "--json")
    messages = [p["message"] for p in json.loads(result.stdout)["problems"] if p["path"].endswith(temp.name)]
    assert messages == [
        f"a vaultkit write was stopped before it replaced People/{note.name}, which kept its bytes from "
        "before it: this file holds what the command was writing: look in it if a command of yours "
        "failed, then delete it"
    ]
    note.unlink()
    messages = [
        p["message"]
        for p in json.loads(cli("check", "--json").stdout)["problems"]
        if p["path"].endswith(temp.name)
    ]
    assert [m.split("; ")[1].split(":")[0] for m in messages] == [
        f"People/{temp.name[1:].rsplit('.', 2)[0]} was not made"
    ]


def test_check_names_meeting_and_daily_notes_whose_date_cannot_be_read(
    vault_dir: Path, make_person, cli
) -> None:
    # "No problems found", and nobody counted as met.
    for name in ("Ada", "A", "F"):
        make_person(name, cadence="1w")
    write_note(vault_dir, "Meetings/2026-1-5 A.md", "---\npeople: [A]\n---\n")
    write_note(vault_dir, "Meetings/no date F.md", "---\npeople: [F]\n---\n")
    write_note(vault_dir, "Meetings/Index.md", "[[2026-1-5 A]]\n")
    write_note(vault_dir, "Daily/2026-1-5.md", "Met [[Ada]]\n")
    write_note(vault_dir, "Daily/2026-W47.md", "Met [[Ada]]\n")
    write_note(vault_dir, "Daily/Inbox.md", "Met [[Ada]]\n")
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Daily/2026-1-5.md: warning: the file name's date 2026-1-5 is not YYYY-MM-DD (write 2026-01-05), "
        "so nobody it names counts as met\n"
        "Meetings/2026-1-5 A.md: warning: the file name's date 2026-1-5 is not YYYY-MM-DD (write 2026-01-05), "
        "so nobody it names counts as met\n"
        "Meetings/no date F.md: warning: a meeting note with no date (a `date` property, or a file name "
        "starting YYYY-MM-DD), so nobody it names counts as met\n"
        "0 error(s), 3 warning(s)\n"
    )


def test_check_warns_of_note_links_it_does_not_follow(
    vault_dir: Path, make_person, cli, tmp_path: Path
) -> None:
    """A link named as a note that leads out of the vault, to nothing or round in a loop is
    not read (rightly), and `vault check` says so, also when the walk reuses its listing."""
    outside = write_note(tmp_path, "outside/Outsider.md", "---\ncadence: 1w\n---\n# Outsider\n")
    make_person("Ada")
    people = vault_dir / "People"
    os.symlink(outside, people / "Outsider.md")
    os.symlink("Gone.md", people / "Dangling.md")
    os.symlink("Loop.md", people / "Loop.md")
    os.symlink(outside.parent, people / "Elsewhere")  # a folder: not a note, no warning
    expected = [
        "People/Dangling.md: warning: a symlink to nothing (its target is gone), so not read: "
        "remove it or fix the link",
        "People/Loop.md: warning: a symlink that leads round in a loop, so not read: remove it or fix the link",
        "People/Outsider.md: warning: a symlink leading outside the vault, so not followed: "
        "move the note into the vault to have it read",
        "0 error(s), 3 warning(s)",
    ]
    for _ in range(2):
        result = cli("check")
        assert (result.exit_code, result.stdout.splitlines()) == (0, expected)
        for folder in (vault_dir, people):  # (as a vault nobody added a note to lately)
            os.utime(folder, ns=(1_600_000_000 * 10**9, 1_600_000_000 * 10**9))
    assert cli("log", "Outsider", "lunch").stderr.startswith("vault: nobody called 'Outsider'")


KILLED_AT = """
import os, signal, sys
from vaultkit.vault import atomic
from vaultkit.cli.launch import main

STAGE = sys.argv[1]

def kill(stage, path):
    if stage == STAGE:
        os.kill(os.getpid(), signal.SIGKILL)

atomic.race_hook = kill
sys.argv = ["vault", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        (
            "swapped",  # the new note in place, the temp name holding the old one
            "a vaultkit write was stopped here; People/Ada.md, written since (by that write or another), "
            "holds every line of this file: delete it",
        ),
        (
            "checked",  # the temp holding the new note, the note as it was
            "a vaultkit write was stopped before it replaced People/Ada.md, which kept its bytes from "
            "before it: this file holds what the command was writing: look in it if a command of yours "
            "failed, then delete it",
        ),
    ],
)
def test_a_write_killed_before_or_after_its_swap_says_which_file_to_keep(
    vault_dir: Path, make_person, cli, tmp_path: Path, stage: str, message: str
) -> None:
    """Killed after the swap, the temp holds the note's old bytes, and `vault check` said
    "People/Ada.md kept its bytes from before it: look in this file", inviting the user to
    put the old note back and lose the entry."""
    ada = make_person("Ada")
    args = ["--vault", str(vault_dir), "--index", str(tmp_path / "i.sqlite"), "--today", "2026-11-22"]
    killed = subprocess.run([sys.executable, "-c", KILLED_AT, stage, *args, "log", "Ada", "lunch"])
    assert killed.returncode == -signal.SIGKILL
    (temp,) = ada.parent.glob(f".*{atomic.TEMP_SUFFIX}")
    assert "- 2026-11-22 lunch" in (ada if stage == "swapped" else temp).read_text()
    # Aged past a write under way, in their order.
    first, second = (temp, ada) if stage == "swapped" else (ada, temp)
    a_while_ago = time.time() - STOPPED_AFTER - 10
    os.utime(first, (a_while_ago, a_while_ago))
    os.utime(second, (a_while_ago + 5, a_while_ago + 5))
    messages = [p["message"] for p in json.loads(cli("check", "--json").stdout)["problems"]]
    assert messages == [message]
