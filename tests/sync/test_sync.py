"""`vault git-setup`, `vault sync` and the merge driver with real git: a bare repository
and two clones stand for two devices."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.conftest import TODAY, write_note
from vaultkit.cli.commands import app
from vaultkit.config import Config
from vaultkit.sync.git import Change, _failure_kind, commit_message
from vaultkit.sync.repo import git_reason

ADA = """\
---
aliases: [Ada]
tags: [person, mentor]
cadence: 1m
last_contact: 2026-10-02
role: Mathematician
---
# Ada Lovelace

## Notes
- Kids: Byron.

- Loves poetry and horses.

## Log
- 2026-10-02 coffee: talked about her new paper
- 2026-08-15 call: job change
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout


class Device:
    """One clone of the vault's repository, with its own index."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.index = root.parent / f"{root.name}.sqlite"

    def vault(self, *args: str, vault: Path | None = None) -> Result:
        options = ["--vault", str(vault or self.root), "--index", str(self.index), "--today", TODAY]
        return CliRunner().invoke(app, [*options, *args], catch_exceptions=False)

    def read(self, rel_path: str) -> str:
        return (self.root / rel_path).read_bytes().decode("utf-8")

    def write(self, rel_path: str, text: str) -> None:
        write_note(self.root, rel_path, text)

    def edit(self, rel_path: str, old: str, new: str) -> None:
        text = self.read(rel_path)
        assert old in text
        self.write(rel_path, text.replace(old, new, 1))


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git with no user or system config, so the machine's settings cannot change the outcome."""
    config = tmp_path / "gitconfig"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "VAULTKIT_VAULT", "VAULTKIT_INDEX"):
        monkeypatch.delenv(name, raising=False)


def clone(bare: Path, root: Path, name: str) -> Device:
    git(bare.parent, "clone", "-q", str(bare), str(root))
    git(root, "config", "user.name", name)
    git(root, "config", "user.email", f"{name}@example.com")
    return Device(root)


@pytest.fixture
def devices(tmp_path: Path, git_env: None) -> tuple[Device, Device]:
    """A laptop and a desktop, both set up and in sync, holding Ada Lovelace's note."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    laptop = clone(bare, tmp_path / "laptop", "laptop")
    laptop.write("vaultkit.toml", "")
    laptop.write("People/Ada Lovelace.md", ADA)
    assert laptop.vault("git-setup").exit_code == 0
    assert laptop.vault("sync").exit_code == 0
    desk = clone(bare, tmp_path / "desk", "desk")
    assert desk.vault("git-setup").exit_code == 0
    return laptop, desk


def test_git_setup_is_idempotent_and_uninstalls(tmp_path: Path, git_env: None) -> None:
    device = Device(tmp_path / "vault")
    git(tmp_path, "init", "-q", str(device.root))
    device.write(".gitattributes", "*.png binary\r\n")
    result = device.vault("git-setup")
    assert result.exit_code == 0, result.output
    top = device.root.resolve()
    assert result.stdout == (
        "Added `*.md merge=vaultkit` to .gitattributes.\n"
        f"Set the merge.vaultkit driver in the git config of {top}.\n"
        "Notes now merge with vaultkit's driver. Run `vault git-setup` once on each device.\n"
    )
    assert device.read(".gitattributes") == "*.png binary\r\n*.md merge=vaultkit\r\n"
    driver = git(device.root, "config", "--get", "merge.vaultkit.driver").strip()
    assert driver == f"{sys.executable} -m vaultkit merge-driver -- %O %A %B %P"
    assert device.vault("git-setup").stdout == "Already set up; nothing changed.\n"

    result = device.vault("git-setup", "--uninstall")
    assert result.stdout == (
        "Removed `*.md merge=vaultkit` from .gitattributes.\n"
        f"Removed merge.vaultkit from the git config of {top}.\n"
    )
    assert device.read(".gitattributes") == "*.png binary\r\n"
    assert "merge.vaultkit" not in git(device.root, "config", "--list")
    assert device.vault("git-setup", "--uninstall").stdout == "Nothing to remove.\n"


def test_both_devices_log_the_same_person_and_sync_in_turn(devices: tuple[Device, Device]) -> None:
    laptop, desk = devices
    assert (
        laptop.vault(
            "log", "Ada", "the Babbage paper", "--channel", "coffee", "--date", "2026-11-20"
        ).exit_code
        == 0
    )
    assert laptop.vault("add", "Katherine Johnson").exit_code == 0
    assert desk.vault("log", "Ada", "her lecture", "--channel", "call", "--date", "2026-11-21").exit_code == 0

    first = laptop.vault("sync")
    assert (first.exit_code, first.stdout) == (
        0,
        "Committed: vault: log Ada Lovelace, add Katherine Johnson\nPushed to origin/main.\n",
    )
    second = desk.vault("sync")
    assert (second.exit_code, second.stdout) == (
        0,
        "Committed: vault: log Ada Lovelace\n"
        "Pulled from origin/main: 2 files changed\n"
        "  M People/Ada Lovelace.md\n"
        "  A People/Katherine Johnson.md\n"
        "Pushed to origin/main.\n",
    )
    third = laptop.vault("sync")
    assert (third.exit_code, third.stdout) == (
        0,
        "Nothing to commit.\nPulled from origin/main: 1 file changed\n  M People/Ada Lovelace.md\n",
    )
    expected = ADA.replace("last_contact: 2026-10-02", "last_contact: 2026-11-21").replace(
        "## Log\n", "## Log\n- 2026-11-21 call: her lecture\n- 2026-11-20 coffee: the Babbage paper\n"
    )
    assert laptop.read("People/Ada Lovelace.md") == desk.read("People/Ada Lovelace.md") == expected
    assert laptop.vault("sync").stdout == "Nothing to commit.\nUp to date with origin/main.\n"
    assert "Merge" not in git(desk.root, "log", "--format=%s")  # rebased: a straight history


def test_different_front_matter_keys_are_both_kept(devices: tuple[Device, Device]) -> None:
    laptop, desk = devices
    laptop.edit("People/Ada Lovelace.md", "role: Mathematician\n", "role: Mathematician\nlocation: London\n")
    desk.edit("People/Ada Lovelace.md", "cadence: 1m\n", "cadence: 2w\n")
    assert laptop.vault("sync").exit_code == 0
    result = desk.vault("sync")
    assert result.exit_code == 0, result.output
    assert desk.read("People/Ada Lovelace.md") == ADA.replace("cadence: 1m", "cadence: 2w").replace(
        "role: Mathematician\n", "role: Mathematician\nlocation: London\n"
    )


def test_same_key_changed_on_both_devices_is_a_conflict_on_that_key_only(
    devices: tuple[Device, Device],
) -> None:
    laptop, desk = devices
    laptop.edit("People/Ada Lovelace.md", "role: Mathematician", "role: Poet")
    desk.edit("People/Ada Lovelace.md", "role: Mathematician", "role: Engineer")
    assert desk.vault("log", "Ada", "lunch", "--date", "2026-11-21").exit_code == 0
    assert laptop.vault("sync").exit_code == 0

    result = desk.vault("sync")
    assert result.exit_code == 1
    assert result.stdout == (
        "Committed: vault: log Ada Lovelace\n"
        "Conflict while pulling from origin/main; resolve these files:\n"
        "  People/Ada Lovelace.md (front matter key 'role')\n"
        "In each file keep the text you want and delete the <<<<<<< ======= >>>>>>> lines, "
        "then run `vault sync` again.\n"
    )
    conflicted = desk.read("People/Ada Lovelace.md")
    # While rebasing, the remote's version is "ours" and this device's commit "theirs".
    assert conflicted == ADA.replace(
        "last_contact: 2026-10-02\nrole: Mathematician\n",
        "last_contact: 2026-11-21\n<<<<<<< origin/main\nrole: Poet\n=======\nrole: Engineer\n>>>>>>> this device\n",
    ).replace("## Log\n", "## Log\n- 2026-11-21 lunch\n")

    again = desk.vault("sync")
    assert again.exit_code == 1
    assert again.stderr == (
        "vault: unresolved conflicts in People/Ada Lovelace.md: in each file keep the text you want and "
        "delete the <<<<<<< ======= >>>>>>> lines, then run `vault sync` again\n"
    )
    check = desk.vault("check")
    assert check.exit_code == 1
    assert check.stdout == (
        "People/Ada Lovelace.md:6: error: unresolved git conflict: keep the text you want and delete the "
        "<<<<<<< ======= >>>>>>> lines; note skipped\n1 error(s), 0 warning(s)\n"
    )

    desk.edit("People/Ada Lovelace.md", "<<<<<<< origin/main\nrole: Poet\n=======\n", "")
    desk.edit("People/Ada Lovelace.md", ">>>>>>> this device\n", "")
    resolved = desk.vault("sync")
    assert (resolved.exit_code, resolved.stdout) == (
        0,
        "Finished the interrupted rebase.\nNothing to commit.\nPushed to origin/main.\n",
    )
    assert laptop.vault("sync").exit_code == 0
    assert "role: Engineer\n" in laptop.read("People/Ada Lovelace.md")
    assert desk.vault("check").stdout == "No problems found.\n"


def test_a_deleted_log_entry_stays_deleted(devices: tuple[Device, Device]) -> None:
    laptop, desk = devices
    laptop.edit("People/Ada Lovelace.md", "- 2026-08-15 call: job change\n", "")
    assert desk.vault("log", "Ada", "tea", "--date", "2026-11-21").exit_code == 0
    assert laptop.vault("sync").exit_code == 0
    assert desk.vault("sync").exit_code == 0
    assert desk.read("People/Ada Lovelace.md").endswith(
        "## Log\n- 2026-11-21 tea\n- 2026-10-02 coffee: talked about her new paper\n"
    )


def test_body_edits_in_different_sections_merge_and_in_the_same_line_conflict(
    devices: tuple[Device, Device],
) -> None:
    laptop, desk = devices
    laptop.edit("People/Ada Lovelace.md", "- Kids: Byron.", "- Kids: Byron and Annabella.")
    desk.edit("People/Ada Lovelace.md", "- Loves poetry and horses.", "- Loves poetry, horses and maths.")
    assert laptop.vault("sync").exit_code == 0
    assert desk.vault("sync").exit_code == 0
    merged = desk.read("People/Ada Lovelace.md")
    assert "- Kids: Byron and Annabella.\n\n- Loves poetry, horses and maths.\n" in merged

    assert laptop.vault("sync").exit_code == 0
    laptop.edit("People/Ada Lovelace.md", "and maths", "and logic")
    desk.edit("People/Ada Lovelace.md", "and maths", "and music")
    assert laptop.vault("sync").exit_code == 0
    result = desk.vault("sync")
    assert result.exit_code == 1
    assert "  People/Ada Lovelace.md (body)\n" in result.stdout
    assert (
        "\n<<<<<<< origin/main\n- Loves poetry, horses and logic.\n=======\n- Loves poetry, horses and music.\n>>>>>>> this device\n"
        in desk.read("People/Ada Lovelace.md")
    )


def test_crlf_notes_keep_crlf(devices: tuple[Device, Device]) -> None:
    laptop, desk = devices
    laptop.write("People/Ada Lovelace.md", ADA.replace("\n", "\r\n"))
    assert laptop.vault("sync").exit_code == 0
    assert desk.vault("sync").exit_code == 0
    assert laptop.vault("log", "Ada", "coffee", "--date", "2026-11-20").exit_code == 0
    assert desk.vault("log", "Ada", "call", "--date", "2026-11-21").exit_code == 0
    desk.edit("People/Ada Lovelace.md", "role: Mathematician", "role: Poet")
    assert laptop.vault("sync").exit_code == 0
    assert desk.vault("sync").exit_code == 0
    expected = (
        ADA.replace("last_contact: 2026-10-02", "last_contact: 2026-11-21")
        .replace("role: Mathematician", "role: Poet")
        .replace("## Log\n", "## Log\n- 2026-11-21 call\n- 2026-11-20 coffee\n")
        .replace("\n", "\r\n")
    )
    assert desk.read("People/Ada Lovelace.md") == expected


def test_a_name_in_nfd_on_one_device_and_nfc_on_the_other_is_flagged(devices: tuple[Device, Device]) -> None:
    laptop, desk = devices
    nfd, nfc = (unicodedata.normalize(form, "Zoë Müller") for form in ("NFD", "NFC"))
    laptop.write(f"People/{nfd}.md", "# Zoë\n")
    desk.write(f"People/{nfc}.md", "# Zoë\n")
    assert laptop.vault("sync").exit_code == 0
    assert desk.vault("sync").exit_code == 0
    result = desk.vault("check")
    assert result.exit_code == 0
    flagged = [
        f"People/{nfd}.md: warning: People/{nfc}.md has the same name in composed Unicode (NFC); "
        "a Mac sees one file: merge the two into one",
        f"People/{nfc}.md: warning: People/{nfd}.md has the same name in decomposed Unicode (NFD, as a Mac "
        "writes it); a Mac sees one file: merge the two into one",
    ]
    # Other checks may warn about the pair too (two people with one name); these two say why.
    lines = result.stdout.splitlines()
    assert all(line in lines for line in flagged), result.stdout
    assert lines[-1].startswith("0 error(s), ")
    listed = desk.vault("list", "--json")
    assert listed.exit_code == 0 and listed.stdout.count(f'"People/{nfc}.md"') == 1


def test_sync_with_no_remote_commits_and_says_so(tmp_path: Path, git_env: None) -> None:
    device = Device(tmp_path / "vault")
    git(tmp_path, "init", "-q", "-b", "main", str(device.root))
    git(device.root, "config", "user.name", "me")
    git(device.root, "config", "user.email", "me@example.com")
    device.write("vaultkit.toml", "")
    device.write("People/Ada Lovelace.md", ADA)
    result = device.vault("sync", "-m", "my notes")
    assert result.exit_code == 1
    assert result.stdout == (
        "Note: the vaultkit merge driver is not set up on this device: run `vault git-setup` once, "
        "so that notes edited on two devices merge without conflicts.\nCommitted: my notes\n"
    )
    assert result.stderr == (
        f"vault: no git remote to sync with: add one with `git -C {device.root.resolve()} remote add origin "
        "URL`, then run `vault sync` again; your changes are committed here\n"
    )
    assert git(device.root, "log", "--format=%s") == "my notes\n"


def test_sync_offline_commits_and_the_push_waits(devices: tuple[Device, Device], tmp_path: Path) -> None:
    laptop, desk = devices
    remote = git(laptop.root, "remote", "get-url", "origin").strip()
    git(laptop.root, "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    assert laptop.vault("log", "Ada", "tea", "--date", "2026-11-21").exit_code == 0
    result = laptop.vault("sync")
    assert result.exit_code == 0
    assert result.stdout == (
        "Committed: vault: log Ada Lovelace\n"
        f"Could not reach origin/main ('{tmp_path / 'missing.git'}' does not appear to be a git repository); "
        "your commits stay here and the push waits for the next `vault sync`.\n"
    )
    git(laptop.root, "remote", "set-url", "origin", remote)
    assert laptop.vault("sync").stdout == "Nothing to commit.\nPushed to origin/main.\n"
    assert desk.vault("sync").stdout.startswith(
        "Nothing to commit.\nPulled from origin/main: 1 file changed\n"
    )


def test_sync_refuses_a_note_with_conflict_markers(devices: tuple[Device, Device]) -> None:
    laptop, _ = devices
    laptop.edit(
        "People/Ada Lovelace.md",
        "role: Mathematician\n",
        "<<<<<<< HEAD\nrole: A\n=======\nrole: B\n>>>>>>> x\n",
    )
    result = laptop.vault("sync")
    assert result.exit_code == 1
    assert result.stderr == (
        "vault: People/Ada Lovelace.md:6 still has a git conflict marker: keep the text you want and delete "
        "the <<<<<<< ======= >>>>>>> lines, then run `vault sync` again\n"
    )
    assert git(laptop.root, "status", "--porcelain") == ' M "People/Ada Lovelace.md"\n'  # nothing committed


def test_sync_with_merge_makes_a_merge_commit(devices: tuple[Device, Device]) -> None:
    laptop, desk = devices
    assert laptop.vault("log", "Ada", "tea", "--date", "2026-11-20").exit_code == 0
    assert desk.vault("log", "Ada", "walk", "--date", "2026-11-21").exit_code == 0
    assert laptop.vault("sync").exit_code == 0
    result = desk.vault("sync", "--merge")
    assert result.exit_code == 0, result.output
    assert git(desk.root, "log", "-1", "--format=%p").count(" ") == 1  # two parents
    assert "## Log\n- 2026-11-21 walk\n- 2026-11-20 tea\n- 2026-10-02" in desk.read("People/Ada Lovelace.md")


def test_vault_in_a_subfolder_with_its_own_log_heading(tmp_path: Path, git_env: None) -> None:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    laptop = clone(bare, tmp_path / "laptop", "laptop")
    notes = "---\ntags: [person]\n---\n# Grace\n\n## Journal\n- 2026-10-02 coffee\n"
    laptop.write("Notes/vaultkit.toml", 'log_heading = "Journal"\n')
    laptop.write("Notes/People/Grace.md", notes)
    laptop.write("README.txt", "not the vault\n")
    assert laptop.vault("git-setup", vault=laptop.root / "Notes").exit_code == 0
    assert laptop.vault("sync", vault=laptop.root / "Notes").exit_code == 0
    assert git(laptop.root, "status", "--porcelain") == "?? README.txt\n"  # only the vault is committed
    desk = clone(bare, tmp_path / "desk", "desk")
    assert desk.vault("git-setup", vault=desk.root / "Notes").exit_code == 0
    assert (
        laptop.vault("log", "Grace", "tea", "--date", "2026-11-20", vault=laptop.root / "Notes").exit_code
        == 0
    )
    assert (
        desk.vault("log", "Grace", "walk", "--date", "2026-11-21", vault=desk.root / "Notes").exit_code == 0
    )
    assert laptop.vault("sync", vault=laptop.root / "Notes").exit_code == 0
    result = desk.vault("sync", vault=desk.root / "Notes")
    assert result.exit_code == 0, result.output
    assert "  M People/Grace.md\n" in result.stdout
    assert desk.read("Notes/People/Grace.md").endswith(
        "## Journal\n- 2026-11-21 walk\n- 2026-11-20 tea\n- 2026-10-02 coffee\n"
    )


def test_sync_says_one_line_without_git_or_outside_a_repository(
    tmp_path: Path, git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = Device(tmp_path / "vault")
    device.write("vaultkit.toml", "")
    outside = device.vault("sync")
    assert (outside.exit_code, outside.stderr) == (
        1,
        f"vault: {device.root.resolve()} is not in a git repository: run `git init` there and add a remote "
        "(`git remote add origin URL`), or clone your vault's repository\n",
    )
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    missing = device.vault("sync")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "vault: git is not installed (or not on PATH); install git to sync the vault\n",
    )


def test_git_failures_are_told_apart() -> None:
    assert _failure_kind("fatal: Authentication failed for 'https://github.com/me/notes.git/'\n") == "auth"
    assert (
        _failure_kind(
            "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository."
        )
        == "auth"
    )
    assert (
        _failure_kind("fatal: could not read Username for 'https://github.com': terminal prompts disabled")
        == "auth"
    )
    assert (
        _failure_kind("fatal: unable to access 'https://github.com/x/': Could not resolve host: github.com")
        == "offline"
    )
    assert _failure_kind("ssh: connect to host github.com port 22: Network is unreachable") == "offline"
    assert _failure_kind("fatal: refusing to merge unrelated histories") == "other"


def test_commit_message_says_what_changed() -> None:
    changes = [
        Change("M", "People/Ada Lovelace.md"),
        Change("A", "People/Katherine Johnson.md"),
        Change("M", "People/Grace Hopper.md"),
        Change("R", "People/Tom Whitfield.md", "People/Tom W.md"),
        Change("A", "Meetings/2026-11-22 Ada Lovelace.md"),
        Change("M", "Daily/2026-11-22.md"),
        Change("M", "Due.md"),
    ]
    logged = {"People/Ada Lovelace.md"}
    assert commit_message(changes[:3], Config(), logged.__contains__) == (
        "vault: log Ada Lovelace, add Katherine Johnson, edit Grace Hopper"
    )
    assert commit_message(changes, Config(), logged.__contains__) == (
        "vault: log 1 person, add 1 person, edit 1 person, rename 1 person, 1 meeting, 1 daily note, 1 other file"
    )


def test_check_reports_conflicted_copies_and_names_differing_by_case(cli, make_person) -> None:
    make_person("Ada Lovelace")
    make_person("Ada Lovelace (Conflicted copy 2026-11-20 101010)")
    make_person("ada lovelace")
    result = cli("check")
    assert result.exit_code == 0
    # The index already warns about two people with one name; the sync check adds why it matters.
    # Problems are sorted by file.
    assert result.stdout == (
        "People/Ada Lovelace (Conflicted copy 2026-11-20 101010).md: warning: a sync conflict copy: move what "
        "it adds into the file it copies, then delete it\n"
        "People/Ada Lovelace.md: warning: People/ada lovelace.md has the same name but for case; a Mac or "
        "Windows sees one file: merge the two into one\n"
        "People/Ada Lovelace.md: warning: another person has the same name: People/ada lovelace.md\n"
        "People/ada lovelace.md: warning: People/Ada Lovelace.md has the same name but for case; a Mac or "
        "Windows sees one file: merge the two into one\n"
        "People/ada lovelace.md: warning: another person has the same name: People/Ada Lovelace.md\n"
        "0 error(s), 5 warning(s)\n"
    )


def test_a_log_of_60000_entries_merges_through_git(tmp_path: Path, git_env: None) -> None:
    """The driver is linear in the Log's length: quadratic, this merge took minutes while git waited."""
    device = Device(tmp_path / "vault")
    git(tmp_path, "init", "-q", "-b", "main", str(device.root))
    git(device.root, "config", "user.name", "me")
    git(device.root, "config", "user.email", "me@example.com")
    device.write("vaultkit.toml", "")
    newest = dt.date(2026, 11, 20)
    shared = [f"- {newest - dt.timedelta(days=n // 3)} call {60000 - n}: the project\n" for n in range(60000)]

    def note(last_contact: str, new: list[str]) -> str:
        return (
            f"---\ncadence: 1m\nlast_contact: {last_contact}\n---\n# Ada Lovelace\n\n## Log\n"
            + "".join(new + shared)
            + "\n## Links\n- [[Charles Babbage]]\n"
        )

    device.write("People/Ada Lovelace.md", note("2026-11-20", []))
    assert device.vault("git-setup").exit_code == 0
    git(device.root, "add", "-A")
    git(device.root, "commit", "-qm", "Ada")
    git(device.root, "checkout", "-qb", "desk")
    device.write("People/Ada Lovelace.md", note("2026-11-22", ["- 2026-11-22 desk: lunch\n"]))
    git(device.root, "commit", "-qam", "desk")
    git(device.root, "checkout", "-q", "main")
    device.write("People/Ada Lovelace.md", note("2026-11-21", ["- 2026-11-21 laptop: tea\n"]))
    git(device.root, "commit", "-qam", "laptop")

    merge = subprocess.Popen(
        ["git", "-C", str(device.root), "merge", "-q", "--no-edit", "desk"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        # A guard against a hang, not a measurement: linear, this merge takes about a second.
        _, errors = merge.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(merge.pid, signal.SIGKILL)  # the driver too, not only git
        merge.communicate()
        raise
    assert merge.returncode == 0, errors
    assert device.read("People/Ada Lovelace.md") == note(
        "2026-11-22", ["- 2026-11-22 desk: lunch\n", "- 2026-11-21 laptop: tea\n"]
    )


def _entries_the_driver_cannot_merge(laptop: Device, desk: Device) -> str:
    """Ada's note logged on both devices, the laptop's synced, the desk's merge driver gone
    (a venv moved away): the note's path."""
    assert laptop.vault("log", "Ada", "tea", "--date", "2026-11-20").exit_code == 0
    assert laptop.vault("sync").exit_code == 0
    git(
        desk.root,
        "config",
        "merge.vaultkit.driver",
        "/moved/venv/bin/python3 -m vaultkit merge-driver %O %A %B %P",
    )
    assert desk.vault("log", "Ada", "the precious entry", "--date", "2026-11-21").exit_code == 0
    return "People/Ada Lovelace.md"


def test_a_note_the_merge_driver_could_not_merge_is_never_taken_as_resolved(
    devices: tuple[Device, Device],
) -> None:
    """A failed driver leaves the remote's note with no markers: adding it would drop this device's entry."""
    laptop, desk = devices
    note = _entries_the_driver_cannot_merge(laptop, desk)

    hint = (
        "Note: the vaultkit merge driver cannot run on this device (/moved/venv/bin/python3 is missing): "
        "run `vault git-setup` again.\n"
    )
    advice = (
        "People/Ada Lovelace.md could not be merged (the merge driver could not run) and holds origin/main's "
        "version: keep that with `git add -- 'People/Ada Lovelace.md'`, or take this device's with "
        "`git checkout --theirs -- 'People/Ada Lovelace.md'` and `git add -- 'People/Ada Lovelace.md'`"
    )
    first = desk.vault("sync")
    assert (first.exit_code, first.stdout) == (
        1,
        hint + "Committed: vault: log Ada Lovelace\n"
        "Conflict while pulling from origin/main; resolve these files:\n"
        "  People/Ada Lovelace.md (not merged: the merge driver could not run)\n"
        f"{advice}.\nThen run `vault sync` again.\n",
    )
    assert "<<<<<<<" not in desk.read(note)
    again = desk.vault("sync")
    assert (again.exit_code, again.stderr) == (
        1,
        f"vault: unresolved conflicts in People/Ada Lovelace.md: {advice}; then run `vault sync` again\n",
    )
    assert "the precious entry" in git(desk.root, "show", f":3:{note}")  # still there to take

    git(desk.root, "checkout", "--theirs", "--", note)
    git(desk.root, "add", "--", note)
    done = desk.vault("sync")
    assert (done.exit_code, done.stdout) == (
        0,
        hint + "Finished the interrupted rebase.\nNothing to commit.\nPushed to origin/main.\n",
    )
    assert laptop.vault("sync").exit_code == 0
    assert "the precious entry" in laptop.read(note)


def test_a_binary_note_changed_on_both_devices_is_never_taken_as_resolved(
    devices: tuple[Device, Device],
) -> None:
    laptop, desk = devices
    laptop.write("scan.md", "scan\0")
    assert laptop.vault("sync").exit_code == 0
    assert desk.vault("sync").exit_code == 0
    laptop.write("scan.md", "scan\0laptop")
    desk.write("scan.md", "scan\0desk")
    assert laptop.vault("sync").exit_code == 0
    first = desk.vault("sync")
    assert first.exit_code == 1
    assert "  scan.md (not merged: binary)\n" in first.stdout
    assert "\nscan.md could not be merged (binary)" in first.stdout  # (its name as it is, not Scan.md)
    again = desk.vault("sync")
    assert again.exit_code == 1
    assert again.stderr.startswith(
        "vault: unresolved conflicts in scan.md: scan.md could not be merged (binary) and holds "
        "origin/main's version: keep that with `git add -- scan.md`, or take this device's with "
        "`git checkout --theirs -- scan.md`"
    )
    assert git(desk.root, "show", ":3:scan.md") == "scan\0desk"


def test_a_file_that_is_not_a_note_resolved_by_deleting_the_markers_is_added(
    devices: tuple[Device, Device],
) -> None:
    laptop, desk = devices
    laptop.write(".obsidian/app.json", '{"theme": "dark"}\n')
    assert laptop.vault("sync").exit_code == 0
    desk.write(".obsidian/app.json", '{"theme": "light"}\n')
    first = desk.vault("sync")
    assert first.exit_code == 1
    assert first.stdout.endswith(
        "  .obsidian/app.json\n"
        "In each file keep the text you want and delete the <<<<<<< ======= >>>>>>> lines, "
        "then run `vault sync` again.\n"
    )
    assert "<<<<<<<" in desk.read(".obsidian/app.json")
    desk.write(".obsidian/app.json", '{"theme": "light"}\n')
    done = desk.vault("sync")
    assert (done.exit_code, done.stdout) == (
        0,
        "Finished the interrupted rebase.\nNothing to commit.\nPushed to origin/main.\n",
    )
    assert laptop.vault("sync").exit_code == 0
    assert laptop.read(".obsidian/app.json") == '{"theme": "light"}\n'


def test_a_second_sync_at_once_is_refused(devices: tuple[Device, Device]) -> None:
    """Two syncs at once each continued the other's rebase: a detached HEAD, a lost commit."""
    laptop, _ = devices
    assert laptop.vault("log", "Ada", "tea", "--date", "2026-11-20").exit_code == 0
    lock = Path(git(laptop.root, "rev-parse", "--absolute-git-dir").strip()) / "vaultkit-sync.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import fcntl, sys; f = open({str(lock)!r}, 'w'); fcntl.flock(f, fcntl.LOCK_EX); print(1, flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "1\n"
        busy = laptop.vault("sync")
    finally:
        holder.communicate("")
    assert (busy.exit_code, busy.stdout, busy.stderr) == (
        1,
        "",
        f"vault: another `vault sync` is running in this vault (it holds {lock}): wait for it to finish, "
        "then run `vault sync` again if you need to\n",
    )
    assert git(laptop.root, "status", "--porcelain") == ' M "People/Ada Lovelace.md"\n'  # nothing done
    assert laptop.vault("sync").stdout == "Committed: vault: log Ada Lovelace\nPushed to origin/main.\n"


def test_a_git_message_wrapped_mid_sentence_is_joined() -> None:
    wrapped = (
        "fatal: It seems that there is already a rebase-merge directory, and\n"
        "I wonder if you are in the middle of another rebase.  If that is the\n"
        "case, please try\n\tgit rebase (--continue | --abort | --skip)\n"
    )
    assert git_reason(wrapped) == (
        "It seems that there is already a rebase-merge directory, and I wonder if you are in the middle of "
        "another rebase."
    )
    assert git_reason("fatal: 'x' does not appear to be a git repository\nfatal: Could not read\n") == (
        "'x' does not appear to be a git repository"
    )


def test_a_note_deleted_on_one_device_and_logged_on_the_other_says_how_to_keep_or_delete_it(
    devices: tuple[Device, Device],
) -> None:
    laptop, desk = devices
    note = "People/Ada Lovelace.md"
    git(laptop.root, "rm", "-q", note)
    assert laptop.vault("sync").exit_code == 0
    assert desk.vault("log", "Ada", "tea", "--date", "2026-11-21").exit_code == 0
    advice = (
        "People/Ada Lovelace.md (deleted on origin/main, changed on this device): keep it with "
        "`git add -- 'People/Ada Lovelace.md'` or delete it with `git rm -- 'People/Ada Lovelace.md'`"
    )
    first = desk.vault("sync")
    assert (first.exit_code, first.stdout) == (
        1,
        "Committed: vault: log Ada Lovelace\n"
        "Conflict while pulling from origin/main; resolve these files:\n"
        "  People/Ada Lovelace.md (deleted on origin/main, changed on this device)\n"
        f"{advice}.\nThen run `vault sync` again.\n",
    )
    again = desk.vault("sync")
    assert (again.exit_code, again.stderr) == (
        1,
        f"vault: unresolved conflicts in People/Ada Lovelace.md: {advice}; then run `vault sync` again\n",
    )
    git(desk.root, "add", "--", note)
    done = desk.vault("sync")
    assert (done.exit_code, done.stdout) == (
        0,
        "Finished the interrupted rebase.\nNothing to commit.\nPushed to origin/main.\n",
    )
    assert laptop.vault("sync").exit_code == 0
    assert "- 2026-11-21 tea\n" in laptop.read(note)


def test_a_push_the_remote_refuses_says_why_and_not_to_retry(
    devices: tuple[Device, Device], tmp_path: Path
) -> None:
    laptop, _ = devices
    hook = tmp_path / "remote.git" / "hooks" / "pre-receive"
    hook.write_text('#!/bin/sh\necho "main is protected" >&2\nexit 1\n', encoding="utf-8")
    hook.chmod(0o755)
    assert laptop.vault("log", "Ada", "tea", "--date", "2026-11-20").exit_code == 0
    result = laptop.vault("sync")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "Committed: vault: log Ada Lovelace\n",
        "vault: origin refused the push: pre-receive hook declined (it said: main is protected); "
        "your commits stay here\n",
    )


def test_a_push_that_races_another_device_says_to_sync_again(
    devices: tuple[Device, Device], tmp_path: Path
) -> None:
    """Origin takes another device's push between its check of ours and its update: git says
    "cannot lock ref … is at X but expected Y", and `failed to update ref`. A race, not a refusal."""
    laptop, _ = devices
    hook = tmp_path / "remote.git" / "hooks" / "pre-receive"
    hook.write_text(  # (out of git's quarantine, as another push would be)
        "#!/bin/sh\nunset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES\n"
        "c=$(git -c user.name=desk -c user.email=desk@example.com commit-tree 'refs/heads/main^{tree}' "
        "-p refs/heads/main -m 'from elsewhere')\n"
        'git update-ref refs/heads/main "$c"\n',
        encoding="utf-8",
    )
    hook.chmod(0o755)
    assert laptop.vault("log", "Ada", "tea", "--date", "2026-11-20").exit_code == 0
    result = laptop.vault("sync")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "Committed: vault: log Ada Lovelace\n",
        "vault: origin changed while syncing and did not take the push; run `vault sync` again\n",
    )
    hook.unlink()
    again = laptop.vault("sync")
    assert (again.exit_code, again.stdout) == (0, "Nothing to commit.\nPushed to origin/main.\n")


def test_a_vault_set_up_on_its_own_says_how_to_join_the_remote(tmp_path: Path, git_env: None) -> None:
    """A second device made with `git init` shares no history with origin: say how to join them."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    devices = []
    for name in ("laptop", "desk"):
        device = Device(tmp_path / name)
        git(tmp_path, "init", "-q", "-b", "main", str(device.root))
        git(device.root, "config", "user.name", name)
        git(device.root, "config", "user.email", f"{name}@example.com")
        git(device.root, "remote", "add", "origin", str(bare))
        device.write("vaultkit.toml", "")
        assert device.vault("git-setup").exit_code == 0
        devices.append(device)
    laptop, desk = devices
    laptop.write("People/Ada Lovelace.md", ADA)
    assert laptop.vault("sync").exit_code == 0
    desk.write("People/Katherine Johnson.md", "# Katherine Johnson\n")

    result = desk.vault("sync")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "Committed: vault: add Katherine Johnson, 2 other files\n",
        "vault: this vault's history and origin/main's have no commit in common (the vault was not cloned "
        "from it): to join them, run `git rebase origin/main` in the vault, then `vault sync`; "
        "your changes are committed here\n",
    )
    git(desk.root, "rebase", "-q", "origin/main")
    joined = desk.vault("sync")
    assert (joined.exit_code, joined.stdout) == (0, "Nothing to commit.\nPushed to origin/main.\n")
    assert laptop.vault("sync").exit_code == 0
    assert laptop.read("People/Katherine Johnson.md") == "# Katherine Johnson\n"


def test_uncommitted_changes_outside_the_vault_that_conflict_are_reported(
    tmp_path: Path, git_env: None
) -> None:
    """git puts them back after the rebase and exits 0 on a conflict: sync said "Pushed" and exit 0."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    laptop = clone(bare, tmp_path / "laptop", "laptop")
    laptop.write("Notes/vaultkit.toml", "")
    laptop.write("Notes/People/Grace.md", "# Grace\n\n## Log\n- 2026-10-02 coffee\n")
    laptop.write("todo.txt", "v1\n")
    assert laptop.vault("git-setup", vault=laptop.root / "Notes").exit_code == 0
    git(laptop.root, "add", "-A")
    git(laptop.root, "commit", "-qm", "start")
    git(laptop.root, "push", "-q", "origin", "main")
    desk = clone(bare, tmp_path / "desk", "desk")
    laptop.write("todo.txt", "v2 laptop\n")
    git(laptop.root, "commit", "-qam", "todo")
    git(laptop.root, "push", "-q")
    desk.write("todo.txt", "v2 desk, not committed\n")
    notes = desk.root / "Notes"
    assert desk.vault("git-setup", vault=notes).exit_code == 0
    assert desk.vault("log", "Grace", "walk", "--date", "2026-11-21", vault=notes).exit_code == 0

    todo = desk.root.resolve() / "todo.txt"
    result = desk.vault("sync", vault=notes)
    assert (result.exit_code, result.stdout) == (
        1,
        "Committed: vault: log Grace\n"
        "Conflict while pulling from origin/main; resolve these files:\n"
        f"  {todo} (your uncommitted changes)\n"
        "In each file keep the text you want and delete the <<<<<<< ======= >>>>>>> lines, then run `vault sync` "
        "again.\nGit also kept your uncommitted changes in the stash: `git stash drop` it once they are right.\n",
    )
    desk.write("todo.txt", "v2 laptop and desk\n")
    done = desk.vault("sync", vault=notes)
    assert (done.exit_code, done.stdout) == (0, "Nothing to commit.\nPushed to origin/main.\n")
    assert git(desk.root, "status", "--porcelain") == " M todo.txt\n"  # uncommitted again, as before


def test_merge_driver_names_a_path_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "A.md").write_text("# A\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["merge-driver", str(tmp_path / "missing.md"), str(tmp_path / "A.md"), str(tmp_path), "X.md"]
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"vault: cannot read {tmp_path / 'missing.md'} (No such file or directory): vault merge-driver takes "
        "the paths of three files, as git passes them (%O %A %B)\n",
    )


def test_a_temp_file_of_a_write_is_never_committed(devices: tuple[Device, Device]) -> None:
    """One a crash left, or one of a write in progress (the watcher's), where no .gitignore
    names them (a vault whose .gitignore was there before `vault init`)."""
    laptop, _ = devices
    assert not (laptop.root / ".gitignore").exists()
    laptop.write("People/.Ada Lovelace.md.0a1b2c3d.vaultkit-tmp", "half a note")
    assert laptop.vault("log", "Ada", "call").exit_code == 0
    synced = laptop.vault("sync")
    assert (synced.exit_code, synced.stdout.splitlines()[0]) == (0, "Committed: vault: log Ada Lovelace")
    assert "vaultkit-tmp" not in git(laptop.root, "ls-files")


@pytest.mark.parametrize("git_keeps_auto_merge", [True, False])
def test_markers_from_a_pull_run_by_hand_and_edited_away_are_resolved(
    devices: tuple[Device, Device], git_keeps_auto_merge: bool
) -> None:
    """Obsidian Git pulls by itself; the markers it leaves are the user's to resolve, as sync's are.

    Without AUTO_MERGE (git before 2.32) a file that matches neither side was edited by the user.
    """
    laptop, desk = devices
    note = "People/Ada Lovelace.md"
    laptop.edit(note, "- Loves poetry and horses.", "- Loves poetry and Arabian horses.")
    assert laptop.vault("sync").exit_code == 0
    desk.edit(note, "- Loves poetry and horses.", "- Loves poetry and ponies.")
    git(desk.root, "commit", "-q", "-am", "ponies")
    pulled = subprocess.run(["git", "-C", str(desk.root), "pull", "-q", "--no-rebase"], capture_output=True)
    assert pulled.returncode == 1
    assert "<<<<<<<" in desk.read(note)
    if not git_keeps_auto_merge:
        git(desk.root, "update-ref", "-d", "AUTO_MERGE")
    text = desk.read(note)
    start, end = text.index("<<<<<<<"), text.index(">>>>>>> ")
    desk.write(
        note,
        text[:start] + "- Loves poetry, ponies and Arabian horses.\n" + text[text.index("\n", end) + 1 :],
    )

    done = desk.vault("sync")
    assert (done.exit_code, done.stdout) == (
        0,
        "Finished the interrupted merge.\nNothing to commit.\nPushed to origin/main.\n",
    )
    assert laptop.vault("sync").exit_code == 0
    assert "- Loves poetry, ponies and Arabian horses.\n" in laptop.read(note)


@pytest.mark.parametrize("git_keeps_auto_merge", [True, False])
def test_a_note_a_pull_run_by_hand_could_not_merge_is_not_taken_as_resolved(
    devices: tuple[Device, Device], git_keeps_auto_merge: bool
) -> None:
    laptop, desk = devices
    note = _entries_the_driver_cannot_merge(laptop, desk)
    git(desk.root, "commit", "-q", "-am", "precious")
    pulled = subprocess.run(["git", "-C", str(desk.root), "pull", "-q", "--no-rebase"], capture_output=True)
    assert pulled.returncode == 1
    assert "<<<<<<<" not in desk.read(note)
    if not git_keeps_auto_merge:
        git(desk.root, "update-ref", "-d", "AUTO_MERGE")
    again = desk.vault("sync")
    assert again.exit_code == 1
    assert again.stderr.startswith(
        "vault: unresolved conflicts in People/Ada Lovelace.md: People/Ada Lovelace.md could not be merged "
        "(the merge driver could not run) and holds this device's version"
    )
