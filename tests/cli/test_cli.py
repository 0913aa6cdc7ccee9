"""Every core command through the real CLI: output, exit codes, error text (spec §3)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, as_run, stderr_on_a_terminal, write_note
from typer.testing import CliRunner, Result

from vaultkit import __version__
from vaultkit.cli.commands import app
from vaultkit.errors import PersonNotFound, RefusedWrite, StaleFileError
from vaultkit.vault.files import Vault
from vaultkit.workspace import EDIT_TRIES, Workspace

Cli = Callable[..., Result]
MakePerson = Callable[..., Path]
OLD = 1_600_000_000  # a time long before any test runs: no racy re-reads


def fails(result: Result, code: int, message: str) -> None:
    """The command failed with one line on stderr, nothing on stdout, no traceback."""
    assert (result.exit_code, result.stderr, result.stdout) == (code, f"vault: {message}\n", "")


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, ns=(OLD * 10**9, OLD * 10**9))


# -- init ---------------------------------------------------------------------------------
def test_init_makes_a_vault_and_is_idempotent(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "My Vault"
    result = cli("init", str(target))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"Made a vault in {target}: People/, Meetings/, Daily/, Templates/vaultkit/, vaultkit.toml, .gitignore\n"
    )
    for folder in ("People", "Meetings", "Daily", "Templates/vaultkit"):
        assert (target / folder).is_dir()
    assert "*.vaultkit-tmp" in (target / ".gitignore").read_text().splitlines()
    config = (target / "vaultkit.toml").read_text()
    assert 'people_dir = "People"' in config
    assert re.match(r'vault_id = "[0-9a-f]{32}"  # calendar UIDs', config)  # made once, with the vault
    again = cli("init", str(target))
    assert (again.exit_code, again.stdout) == (0, f"{target} is already a vault; nothing changed\n")
    # The new vault works at once.
    assert cli("add", "Ada", vault=target).exit_code == 0
    assert (target / "People" / "Ada.md").is_file()


def test_init_without_a_path_makes_the_vault_vault_names(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    monkeypatch.chdir(here)
    result = cli("init", vault=there)  # `vault --vault there init`: there, as every command reads it
    assert (result.exit_code, result.stdout) == (
        0,
        f"Made a vault in {there}: People/, Meetings/, Daily/, Templates/vaultkit/, vaultkit.toml, .gitignore\n",
    )
    assert (there / "vaultkit.toml").is_file() and list(here.iterdir()) == []
    assert cli("init", str(here), vault=there).exit_code == 0  # a PATH given is the folder
    assert (here / "vaultkit.toml").is_file()


def test_init_follows_an_existing_config(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "v"
    target.mkdir()
    (target / "vaultkit.toml").write_text('people_dir = "Contacts"\ntemplates_dir = ""\n')
    result = cli("init", str(target))
    assert result.stdout == f"Made a vault in {target}: Contacts/, Meetings/, Daily/, .gitignore\n"
    assert (target / "vaultkit.toml").read_text() == 'people_dir = "Contacts"\ntemplates_dir = ""\n'


def test_init_in_an_obsidian_vault_reads_its_daily_notes_folder(cli: Cli, tmp_path: Path) -> None:
    """Adopted in place, its daily notes stay where Obsidian makes them, and are read."""
    target = tmp_path / "v"
    (target / ".obsidian").mkdir(parents=True)
    (target / ".obsidian" / "daily-notes.json").write_text('{"folder": "Journal/", "format": ""}')
    result = cli("init", str(target))
    assert (
        result.stdout
        == f"Made a vault in {target}: People/, Meetings/, Journal/, Templates/vaultkit/, vaultkit.toml, .gitignore\n"
    )
    assert (
        'daily_dir = "Journal"  # Obsidian\'s daily notes folder\n' in (target / "vaultkit.toml").read_text()
    )
    assert not (target / "Daily").exists()
    assert cli("check", vault=target).stdout == "No problems found.\n"


def test_init_on_a_file_says_so(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    fails(
        cli("init", str(target)),
        1,
        f"{target} is a file, not a folder: give a folder for the vault; nothing was made",
    )
    assert target.read_text(encoding="utf-8") == "mine"


# -- add ----------------------------------------------------------------------------------
def test_add_writes_the_person_template(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Charles Babbage")
    result = cli(
        "add", "Ada Lovelace", "--cadence", "1m", "--tag", "mentor", "--tag", "#family/close",
        "--met", "2026-11-20", "--introduced-by", "charles", "--set", "company=Analytical Engines",
        "--set", "phone=0123", "--set", "country=NO", "--set", "note=a: b", "--alias", "Ada",
    )  # fmt: skip
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Added Ada Lovelace: People/Ada Lovelace.md\n",
        "",
    )
    assert (vault_dir / "People" / "Ada Lovelace.md").read_text() == (
        "---\n"
        "aliases: [Ada]\n"
        "tags: [person, mentor, family/close]\n"
        "cadence: 1m\n"
        "met: 2026-11-20\n"
        'introduced_by: "[[Charles Babbage]]"\n'
        "company: Analytical Engines\n"
        "phone: 0123\n"
        "country: NO\n"
        'note: "a: b"\n'
        "---\n"
        "# Ada Lovelace\n"
        "\n"
        "## Notes\n"
        "\n"
        "## Log\n"
    )
    fields = as_json(cli("show", "Ada Lovelace", "--json"))["fields"]
    assert (fields["phone"], fields["country"], fields["note"]) == ("0123", "NO", "a: b")


def test_add_with_only_a_name_and_an_unknown_introducer(cli: Cli, vault_dir: Path) -> None:
    assert cli("add", "Grace Hopper", "--introduced-by", "Someone New").exit_code == 0
    assert (vault_dir / "People" / "Grace Hopper.md").read_text() == (
        '---\ntags: [person]\nintroduced_by: "[[Someone New]]"\n---\n# Grace Hopper\n\n## Notes\n\n## Log\n'
    )


def test_add_introduced_by_must_be_someone_or_a_usable_name(
    cli: Cli, make_person: MakePerson, vault_dir: Path
) -> None:
    make_person("Alan Turing")
    make_person("Alice Ball")
    fails(
        cli("add", "Bob", "--introduced-by", "Al"), 1, "'Al' matches several people: Alan Turing, Alice Ball"
    )
    fails(
        cli("add", "Bob", "--introduced-by", 'Al "Big" Capone'),
        2,
        """--introduced-by: cannot use 'Al "Big" Capone' as a person's name: it has one of / \\ # ^ [ ] | : * ? " < >""",
    )
    fails(
        cli("add", "Bob", "--introduced-by", "Dan]] [[Eve"),
        2,
        "--introduced-by: cannot use 'Dan]] [[Eve' as a person's name: it has one of / \\ # ^ [ ] | : * ? \" < >",
    )
    assert not (vault_dir / "People" / "Bob.md").exists()
    assert cli("add", "Bob", "--introduced-by", "alice").exit_code == 0
    assert 'introduced_by: "[[Alice Ball]]"' in (vault_dir / "People" / "Bob.md").read_text()


def test_add_names_are_nfc(cli: Cli, vault_dir: Path) -> None:
    result = cli("add", "Luci\u0301a Ferna\u0301ndez")
    assert result.stdout == "Added Luc\u00eda Fern\u00e1ndez: People/Luc\u00eda Fern\u00e1ndez.md\n"
    assert os.listdir(vault_dir / "People") == ["Luc\u00eda Fern\u00e1ndez.md"]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Ada/Lovelace", 'it has one of / \\ # ^ [ ] | : * ? " < >'),
        ("Ada\\Lovelace", 'it has one of / \\ # ^ [ ] | : * ? " < >'),
        *[(f"Ada{ch}", 'it has one of / \\ # ^ [ ] | : * ? " < >') for ch in '#^[]|:*?"<>'],
        ("Ada\tLovelace", "it has control characters"),
        ("Ada\u200bLovelace", "it has control characters"),
        ("Ada %% Lovelace", "it has %%, which starts a comment in Obsidian"),
        ("Ada..Lovelace", "it has '..'"),
        ("..", "it has '..'"),
        (".Ada", "it starts with a dot"),
        ("Ada.", "it ends with a dot or a space"),
        ("Ada ", "it ends with a dot or a space"),
        (" Ada", "it starts with a space"),
        ("", "it is empty"),
        ("   ", "it is empty"),
        *[
            (device, "it is a reserved device name on Windows")
            for device in ("CON", "PRN", "AUX", "NUL", "nul")
        ],
        *[(device, "it is a reserved device name on Windows") for device in ("COM1", "com9", "LPT1", "LPT9")],
        ("CON.txt", "it is a reserved device name on Windows"),
        *[
            (device, "it is a reserved device name on Windows")
            for device in ("COM¹", "lpt³", "CONIN$", "conout$")
        ],
        ("Ada Lovelace.md", "it ends in .md (the note is named for the person: give 'Ada Lovelace')"),
        ("Ada.MD", "it ends in .md (the note is named for the person: give 'Ada')"),
        ("2026-11-22", "it looks like a date and would collide with a daily note"),
        ("2026-11-22 Standup", "it looks like a date and would collide with a daily note"),
        ("2026-W47", "it looks like a date and would collide with a daily note"),
        ("A" * 201, "it is too long for a file name"),
    ],
)
def test_add_refuses_bad_names(cli: Cli, vault_dir: Path, name: str, why: str) -> None:
    fails(cli("add", name), 1, f"cannot use {name!r} as a person's name: {why}")
    assert not (vault_dir / "People").exists()


@pytest.mark.parametrize(
    "name",
    [
        "Con Air",
        "COM10",
        "Lpt",
        "Ada Lovelace-King",
        "O'Brien",
        "Zoë",
        "A.B. Smith",
        "Ada.Mdembe",
        "50% Ada",
        "سارا نیک\u200cنام",  # a zero-width non-joiner: how Persian spells the word
    ],
)
def test_add_accepts_names_that_only_look_odd(cli: Cli, vault_dir: Path, name: str) -> None:
    assert cli("add", name).stdout == f"Added {name}: People/{name}.md\n"


def test_add_checks_set_values_as_vault_set_does(cli: Cli, vault_dir: Path) -> None:
    """Not a note born with an error `vault check` then reports (`last_contact: 'tomorrow'`)."""
    for value, why in (
        ("last_contact=tomorrow", "last_contact: 'tomorrow' is not a date (use YYYY-MM-DD)"),
        ("birthday=1990-02-30", "birthday: '1990-02-30' is not a real date: February 1990 has 28 days"),
        (
            "last_contact=2026-12-30",
            "last_contact: 2026-12-30 is after today (2026-11-22): it records a contact that happened",
        ),
    ):
        fails(cli("add", "Quin", "--set", value), 2, f"--set {why}; nothing was added")
    assert not (vault_dir / "People").exists()
    assert cli("add", "Quin", "--set", "last_contact=2026-11-01").exit_code == 0


@pytest.mark.parametrize("name", ["Ada Lovelace", "ada lovelace", "ADA LOVELACE", "Ada", "the countess"])
def test_add_refuses_an_existing_name_or_alias(cli: Cli, make_person: MakePerson, name: str) -> None:
    path = make_person("Ada Lovelace", aliases=["Ada", "The Countess"])
    before = path.read_bytes()
    fails(cli("add", name), 1, f"{name!r} is already in the vault: People/Ada Lovelace.md")
    assert path.read_bytes() == before


def test_add_says_whom_the_name_found_until_now(cli: Cli, make_person: MakePerson) -> None:
    make_person("Helen Marsh")
    make_person("Zoë")
    make_person("Ann Lee")
    make_person("Ann Marsh")
    helen = cli("add", "Helen")
    assert (helen.exit_code, helen.stdout) == (0, "Added Helen: People/Helen.md\n")
    assert helen.stderr == (
        "vault: note: 'Helen' found Helen Marsh (People/Helen Marsh.md) until now; it finds Helen "
        "from here on, so give Helen Marsh's name in full\n"
    )
    assert cli("show", "Helen").stdout.startswith("Helen  (People/Helen.md)")
    assert "'Zoe' found Zoë (People/Zoë.md) until now" in cli("add", "Zoe").stderr  # accents folded
    assert cli("add", "Ann").stderr == ""  # it found nobody: Ann Lee or Ann Marsh?
    assert cli("add", "Bob").stderr == ""
    make_person("Gus Green")
    assert cli("want", "Gus").stderr == (  # a prospect takes the name over all the same
        "vault: note: 'Gus' found Gus Green (People/Gus Green.md) until now; it finds Gus "
        "from here on, so give Gus Green's name in full\n"
    )


def test_add_never_overwrites_a_file(cli: Cli, vault_dir: Path) -> None:
    path = write_note(vault_dir, "People/Ada.md", "---\ntype: company\n---\nmine\n")
    fails(cli("add", "Ada"), 1, "People/Ada.md already exists; it was not overwritten")
    assert path.read_text() == "---\ntype: company\n---\nmine\n"
    # Nor a note in another case or accent encoding: on a Mac or Windows they are one file.
    acme = write_note(vault_dir, "People/acme corpo\u0301.md", "---\ntype: company\n---\nmine\n")
    fails(
        cli("add", "Acme Corpó"),
        1,
        "People/Acme Corpó.md would be one file with People/acme corpo\u0301.md on a Mac or Windows machine",
    )
    assert sorted(p.name for p in acme.parent.iterdir()) == ["Ada.md", "acme corpo\u0301.md"]
    card = vault_dir.parent / "acme.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:ACME CORPÓ\nEND:VCARD\n", encoding="utf-8")
    report = json.loads(cli("import", "vcard", str(card), "--json").stdout)
    assert [(row["action"], row["reason"]) for row in report["rows"]] == [
        ("skip", "People/acme corpo\u0301.md exists and is not a person note")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--cadence", "fortnightly"),
            "--cadence: 'fortnightly' is not a cadence (use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none)",
        ),
        (("--met", "last week"), "--met 'last week' is not a date (use YYYY-MM-DD)"),
        (("--met", "2026-11-23"), "--met 2026-11-23 is after today (2026-11-22): it records when you met"),
        (("--set", "company"), "--set wants key=value, not 'company'"),
        (("--set", "tags=x"), "--set: tags has an option of its own: use --tag"),
        (("--set", "bad key=x"), "--set: 'bad key' cannot be used as a key (letters, digits, _ and -)"),
    ],
)
def test_add_usage_errors(cli: Cli, vault_dir: Path, args: tuple[str, ...], message: str) -> None:
    fails(cli("add", "Ada", *args), 2, message)
    assert not (vault_dir / "People" / "Ada.md").exists()


# -- log ----------------------------------------------------------------------------------
def test_log_changes_only_the_entry_line_and_last_contact(cli: Cli, vault_dir: Path) -> None:
    before = (
        "\ufeff---\r\n"
        "aliases: [Ada]   # short\r\n"
        "cadence: 1m\r\n"
        "last_contact: '2026-10-02'  # kept current by vault log\r\n"
        'company: "Analytical Engines"\r\n'
        "---\r\n"
        "# Ada Lovelace\r\n"
        "\r\n"
        "## Log\r\n"
        "Newest first.\r\n"
        "- 2026-10-02 coffee: paper\r\n"
        "\r\n"
        "## Notes\r\n"
        "- likes poetry"
    ).encode()
    path = vault_dir / "People" / "Ada Lovelace.md"
    path.parent.mkdir()
    path.write_bytes(before)
    result = cli("log", "Ada", "dinner at the", "Royal Society", "--channel", "dinner")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Logged for Ada Lovelace: People/Ada Lovelace.md\n",
        "",
    )
    assert path.read_bytes() == before.replace(b"'2026-10-02'  # kept", b"'2026-11-22'  # kept").replace(
        b"Newest first.\r\n", b"Newest first.\r\n- 2026-11-22 dinner: dinner at the Royal Society\r\n"
    )
    shown = as_json(cli("show", "Ada", "--json"))
    assert (shown["last_contact"], shown["last_channel"], shown["due_on"]) == (
        "2026-11-22",
        "dinner",
        "2026-12-22",
    )


@pytest.mark.parametrize(
    ("front", "args", "after"),
    [
        ("cadence: 1m\n", (), "cadence: 1m\nlast_contact: 2026-11-22\n"),
        ("last_contact:\ncadence: 1m\n", (), "last_contact: 2026-11-22\ncadence: 1m\n"),
        ("last_contact: soon\n", (), "last_contact: 2026-11-22\n"),
        ("last_contact: 2027-01-01\n", (), "last_contact: 2026-11-22\n"),
        ("last_contact: 2026-10-02\n", (), "last_contact: 2026-11-22\n"),
        ("last_contact: 2026-11-22\n", (), "last_contact: 2026-11-22\n"),
        ("last_contact: 2026-11-01\n", ("--date", "2026-10-01"), "last_contact: 2026-11-01\n"),
        ("last_contact: 2026-09-01\n", ("--date", "2026-10-01"), "last_contact: 2026-10-01\n"),
        ("last_contact: 2026-11-01T08:00\n", ("--date", "2026-10-01"), "last_contact: 2026-11-01T08:00\n"),
    ],
)
def test_log_last_contact_rules(
    cli: Cli, make_person: MakePerson, front: str, args: tuple[str, ...], after: str
) -> None:
    path = make_person("Ada")
    path.write_text(f"---\n{front}---\n# Ada\n## Log\n- 2026-01-01 old\n")
    assert cli("log", "Ada", "hi", *args).exit_code == 0
    when = args[1] if args else TODAY
    assert path.read_text() == f"---\n{after}---\n# Ada\n## Log\n- {when} hi\n- 2026-01-01 old\n"


def test_log_gives_a_note_without_front_matter_one(cli: Cli, make_person: MakePerson) -> None:
    path = make_person("Ada")
    assert path.read_text() == "# Ada\n"
    assert cli("log", "Ada", "hi").exit_code == 0
    assert path.read_text() == "---\nlast_contact: 2026-11-22\n---\n# Ada\n\n## Log\n- 2026-11-22 hi\n"


def test_log_without_write_last_contact(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text("write_last_contact = false\n")
    path = make_person("Ada", cadence="1m")
    assert cli("log", "Ada", "hi", "--channel", "call").exit_code == 0
    assert path.read_text() == "---\ncadence: 1m\n---\n# Ada\n\n## Log\n- 2026-11-22 call: hi\n"


def test_log_several_people_at_once(cli: Cli, make_person: MakePerson) -> None:
    ada = make_person("Ada Lovelace", aliases=["Ada"])
    charles = make_person("Charles Babbage")
    mary = make_person("Mary Somerville")
    result = cli(
        "log", "Ada, charles,Mary Somerville, ada", "dinner at the Royal Society", "--channel", "dinner"
    )
    assert result.stdout == (
        "Logged for Ada Lovelace: People/Ada Lovelace.md\n"
        "Logged for Charles Babbage: People/Charles Babbage.md\n"
        "Logged for Mary Somerville: People/Mary Somerville.md\n"
    )
    for path in (ada, charles, mary):
        text = path.read_text()
        assert text.count("- 2026-11-22 dinner: dinner at the Royal Society\n") == 1
        assert text.count("last_contact: 2026-11-22\n") == 1


def test_log_tries_the_whole_argument_as_one_name_first(cli: Cli, make_person: MakePerson) -> None:
    both = make_person("Smith, John")
    smith = make_person("Smith")
    john = make_person("John")
    assert cli("log", "smith, john", "hi").stdout == "Logged for Smith, John: People/Smith, John.md\n"
    assert "- 2026-11-22 hi" in both.read_text()
    assert smith.read_text() == "# Smith\n"
    assert john.read_text() == "# John\n"
    assert cli("log", "Smith,John", "hi").stdout == (
        "Logged for Smith: People/Smith.md\nLogged for John: People/John.md\n"
    )


def test_log_by_unique_prefix_of_a_name_or_alias(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada Lovelace", aliases=["Countess"])
    make_person("Alan Turing")
    make_person("Ad")
    assert cli("log", "ada", "hi").stdout == "Logged for Ada Lovelace: People/Ada Lovelace.md\n"
    assert cli("log", "coun", "hi").stdout == "Logged for Ada Lovelace: People/Ada Lovelace.md\n"
    # An exact name wins over a longer name it is a prefix of.
    assert cli("log", "AD", "hi").stdout == "Logged for Ad: People/Ad.md\n"


def test_log_ambiguous_and_unknown_names(cli: Cli, make_person: MakePerson) -> None:
    paths = [
        make_person("Ada Lovelace", aliases=["J"]),
        make_person("Alan Turing", aliases=["J"]),
        make_person("Smith, Jane"),
        make_person("Smith, John"),
    ]
    before = [p.read_bytes() for p in paths]
    fails(cli("log", "A", "hi"), 1, "'A' matches several people: Ada Lovelace, Alan Turing")
    fails(cli("log", "j", "hi"), 1, "'j' is an alias of several people: Ada Lovelace, Alan Turing")
    fails(
        cli("log", "Ada Lovelance", "hi"),
        1,
        "nobody called 'Ada Lovelance' in the vault; did you mean Ada Lovelace?",
    )
    fails(cli("log", "Zed", "hi"), 1, "nobody called 'Zed' in the vault")
    fails(cli("log", "Ada, Zed", "hi"), 1, "nobody called 'Zed' in the vault")
    # Ambiguous as a whole is not "nobody": it is not split on the comma.
    fails(cli("log", "Smith, J", "hi"), 1, "'Smith, J' matches several people: Smith, Jane, Smith, John")
    assert [p.read_bytes() for p in paths] == before


def test_two_people_with_one_name_are_named_by_their_paths(cli: Cli, make_person: MakePerson) -> None:
    make_person("Sam", folder="People/A", company="A")
    make_person("Sam", folder="People/B", company="B")
    assert json.loads(cli("show", "B/Sam", "--json").stdout)["path"] == "People/B/Sam.md"
    assert json.loads(cli("show", "People/B/Sam.md", "--json").stdout)["path"] == "People/B/Sam.md"
    assert cli("log", "People/B/Sam", "hi").stdout == "Logged for Sam: People/B/Sam.md\n"
    fails(cli("show", "Sa"), 1, "'Sa' matches several people: People/A/Sam, People/B/Sam")


def test_log_refuses_a_future_date_and_bad_options(cli: Cli, make_person: MakePerson) -> None:
    path = make_person("Ada")
    fails(
        cli("log", "Ada", "dinner", "--date", "2026-11-23"),
        2,
        "--date 2026-11-23 is after today (2026-11-22): a Log records what happened; write a follow-up task for plans",
    )
    fails(
        cli("log", "Ada", "x", "--date", "23/11/2026"),
        2,
        "--date '23/11/2026' is not a date (use YYYY-MM-DD)",
    )
    fails(
        cli("log", "Ada", "x", "--channel", "Coffee"),
        2,
        "--channel 'Coffee': use a lower-case word like coffee or call",
    )
    fails(cli("log", "Ada", "  "), 2, "the Log text is empty")
    assert path.read_text() == "# Ada\n"


def test_log_text_stays_on_one_line(cli: Cli, make_person: MakePerson) -> None:
    path = make_person("Ada", body="## Log\n")
    assert cli("log", "Ada", "line one\n## Notes\nline two").exit_code == 0
    assert path.read_text() == (
        "---\nlast_contact: 2026-11-22\n---\n# Ada\n## Log\n- 2026-11-22 line one ## Notes line two\n"
    )


def test_log_refuses_an_entry_that_would_be_hidden(cli: Cli, make_person: MakePerson) -> None:
    ada = make_person("Ada")
    bob = make_person("Bob", body="%% a draft I never closed\n")
    fails(
        cli("log", "Ada, Bob", "lunch"),
        1,
        "People/Bob.md: the note ends inside a %% comment that is never closed, "
        "which would hide the new Log entry; close it; the note was not changed",
    )
    assert (ada.read_text(), bob.read_text()) == ("# Ada\n", "# Bob\n%% a draft I never closed\n")


def test_no_write_goes_into_a_note_whose_front_matter_is_never_closed(
    cli: Cli, make_person: MakePerson, vault_dir: Path
) -> None:
    """A property written would start a second front matter above the open one, and the
    mistake would be hidden (`vault check` then warns of nothing)."""
    ada = make_person("Ada")
    bob = write_note(vault_dir, "People/Bob.md", "---\ncadence: 1w\n# Bob\n")
    refused = "People/Bob.md:1: its front matter is never closed (add a --- line after it); the note was not changed"
    for args in (["log", "Ada, Bob", "lunch"], ["set", "Bob", "city=Oslo"], ["snooze", "Bob", "2w"]):
        fails(cli(*args), 1, refused)
    # An import too: the card's merge is skipped, with the same reason.
    card = vault_dir.parent / "bob.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL:+44 1234 567890\nEND:VCARD\n", encoding="utf-8")
    [row] = json.loads(cli("import", "vcard", str(card), "--apply", "--json").stdout)["rows"]
    assert (row["action"], row["reason"]) == ("skip", f"{refused}; not merged")
    assert (ada.read_text(), bob.read_text()) == ("# Ada\n", "---\ncadence: 1w\n# Bob\n")
    assert "People/Bob.md:1: warning: front matter is never closed" in cli("check").stdout


def test_no_write_leaves_a_note_vaultkit_would_skip(cli: Cli, make_person: MakePerson) -> None:
    """Front matter grown over 64 KiB would be skipped: the person would drop out of every
    list, and every later write be refused."""
    bob = make_person("Bob", cadence="1w")
    before = bob.read_text()
    fails(
        cli("set", "Bob", f"role={'a' * 70_000}"),
        1,
        "People/Bob.md:1: front matter is over 64 KiB after this change; the note was not changed",
    )
    assert bob.read_text() == before


def test_log_with_a_broken_note_writes_nothing(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    ada = make_person("Ada")
    bobby = make_person("Bobby")
    bob = write_note(vault_dir, "People/Bob.md", "---\ncadence: [1m\n---\n# Bob\n")
    message = (
        "People/Bob.md:3 cannot be read (invalid YAML in front matter: did not find expected ',' or ']'); "
        "fix it, then run the command again"
    )
    fails(cli("log", "Ada, Bob", "lunch"), 1, message)
    # Bob is not a prefix of Bobby while Bob's note cannot be read.
    fails(cli("log", "bob", "lunch"), 1, message)
    fails(cli("show", "Bob"), 1, message)
    assert (ada.read_text(), bobby.read_text()) == ("# Ada\n", "# Bobby\n")
    assert bob.read_text() == "---\ncadence: [1m\n---\n# Bob\n"
    # A unique prefix of an unreadable note, when it fits nobody else, names it too.
    write_note(vault_dir, "People/Carol Conflict.md", "# Carol\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n")
    fails(
        cli("show", "car"),
        1,
        "People/Carol Conflict.md:2 cannot be read (unresolved git conflict: keep the text you want "
        "and delete the <<<<<<< ======= >>>>>>> lines); fix it, then run the command again",
    )
    # An unreadable note outside the people folder is not a person.
    write_note(vault_dir, "Notes/Dave.md", "---\ncadence: [1m\n---\n")
    fails(cli("show", "Dave"), 1, "nobody called 'Dave' in the vault")


def test_every_note_is_checked_before_any_is_written(
    vault_dir: Path, tmp_path: Path, make_person: MakePerson
) -> None:
    """A note that breaks between the index sync and the write stops the whole command."""
    ada = make_person("Ada")
    bob = make_person("Bob")
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", dt.date(2026, 11, 22))
    workspace.sync()
    bob.write_text("---\n<<<<<<< HEAD\ncadence: 1m\n=======\ncadence: 2w\n>>>>>>> theirs\n---\n")
    with pytest.raises(RefusedWrite) as err:
        workspace.log("Ada, Bob", "lunch")
    assert str(err.value) == (
        "People/Bob.md:2: unresolved git conflict: keep the text you want and delete the <<<<<<< ======= >>>>>>> lines; the note was not changed"
    )
    assert ada.read_text() == "# Ada\n"
    workspace.close()


class EditedWhileWriting(Vault):
    """A vault whose user edits one note right before vaultkit writes it (`times` times)."""

    def __init__(self, root: Path, edited: str, times: int = 1000) -> None:
        super().__init__(root)
        self.edited = edited
        self.times = times

    def write(self, rel_path: str, data: bytes, expected: Any) -> None:
        if rel_path == self.edited and self.times:
            self.times -= 1
            with (self.root / rel_path).open("a") as note:
                note.write("typed meanwhile\n")
        super().write(rel_path, data, expected)


def test_a_note_saved_meanwhile_gets_the_entry_added_to_the_new_bytes(
    vault_dir: Path, tmp_path: Path, make_person: MakePerson
) -> None:
    bob = make_person("Bob")
    workspace = Workspace(
        EditedWhileWriting(vault_dir, "People/Bob.md", 1), tmp_path / "i.sqlite", dt.date(2026, 11, 22)
    )
    workspace.sync()
    workspace.log("Bob", "dinner")
    assert bob.read_text() == (
        "---\nlast_contact: 2026-11-22\n---\n# Bob\ntyped meanwhile\n\n## Log\n- 2026-11-22 dinner\n"
    )
    workspace.close()


@pytest.mark.parametrize(
    ("names", "outcome"),
    [
        (
            "Ada, Bob",
            "it was not written (already written: People/Ada Lovelace.md). Run the command again for Bob.",
        ),
        (
            "Ada, Bob, Carol",
            "it and People/Carol.md were not written (already written: People/Ada Lovelace.md). "
            "Run the command again for Bob, Carol.",
        ),
        ("Bob, Ada", "nothing was written. Run the command again."),
    ],
)
def test_a_note_changed_while_logging_says_what_was_written(
    vault_dir: Path, tmp_path: Path, make_person: MakePerson, names: str, outcome: str
) -> None:
    ada, bob, carol = make_person("Ada Lovelace"), make_person("Bob"), make_person("Carol")
    workspace = Workspace(
        EditedWhileWriting(vault_dir, "People/Bob.md"), tmp_path / "i.sqlite", dt.date(2026, 11, 22)
    )
    workspace.sync()
    with pytest.raises(StaleFileError) as err:
        workspace.log(names, "dinner")
    assert (str(err.value), err.value.exit_code) == (
        f"People/Bob.md changed on disk while vaultkit was working on it; {outcome}",
        1,
    )
    # Each try found a new save of the user's: all of them are kept, the entry is not.
    assert bob.read_text() == "# Bob\n" + "typed meanwhile\n" * EDIT_TRIES
    assert carol.read_text() == "# Carol\n"
    if names.startswith("Ada"):
        assert ada.read_text().endswith("## Log\n- 2026-11-22 dinner\n")
        # The index knows what was written.
        assert [i.text for i in workspace.index.interactions("People/Ada Lovelace.md")] == ["dinner"]
    else:
        assert ada.read_text() == "# Ada Lovelace\n"
    workspace.close()


# -- show ---------------------------------------------------------------------------------
def _network(vault_dir: Path, make_person: MakePerson) -> None:
    make_person(
        "Ada Lovelace",
        body=(
            "Friend of [[Charles Babbage]].\n"
            "- [ ] Send her the paper 📅 2026-11-30\n"
            "- [x] done already\n"
            "## Log\n"
            "- 2026-10-02 coffee: talked about poetry\n"
            "- 2026-12-01 call: in the future\n"
        ),
        aliases=["Ada"],
        tags=["person", "mentor"],
        cadence="1m",
        company="Analytical Engines",
        phone="0123",
    )
    make_person("Charles Babbage", body="Knows [[Ada]].\n", tags=["engineer"], location="London")
    write_note(
        vault_dir, "Meetings/2026-11-04 Lunch.md", "---\npeople: [Ada Lovelace]\n---\n- [ ] book the table\n"
    )
    write_note(vault_dir, "Daily/2026-11-20.md", "- tea with [[Ada Lovelace]]\n")


def test_show_json(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    _network(vault_dir, make_person)
    assert as_json(cli("show", "ada", "--json")) == {
        "name": "Ada Lovelace",
        "path": "People/Ada Lovelace.md",
        "last_contact": "2026-11-20",
        "last_channel": None,
        "cadence": "1m",
        "cadence_source": "own",
        "due_on": "2026-12-20",
        "days_overdue": -28,
        "fields": {
            "aliases": ["Ada"],
            "tags": ["person", "mentor"],
            "cadence": "1m",
            "company": "Analytical Engines",
            "phone": "0123",
        },
        "aliases": ["Ada"],
        "tags": ["person", "mentor"],
        "interactions": [
            {
                "date": "2026-11-20",
                "source": "daily",
                "path": "Daily/2026-11-20.md",
                "line": 1,
                "channel": None,
                "text": "tea with [[Ada Lovelace]]",
            },
            {
                "date": "2026-11-04",
                "source": "meeting",
                "path": "Meetings/2026-11-04 Lunch.md",
                "line": None,
                "channel": "meeting",
                "text": "2026-11-04 Lunch",
            },
            {
                "date": "2026-10-02",
                "source": "log",
                "path": "People/Ada Lovelace.md",
                "line": 13,
                "channel": "coffee",
                "text": "talked about poetry",
            },
        ],
        "followups": [
            {
                "person": "Ada Lovelace",
                "text": "Send her the paper 📅 2026-11-30",
                "due": "2026-11-30",
                "path": "People/Ada Lovelace.md",
                "line": 10,
            },
            {
                "person": "Ada Lovelace",
                "text": "book the table",
                "due": None,
                "path": "Meetings/2026-11-04 Lunch.md",
                "line": 4,
            },
        ],
        "links_out": ["Charles Babbage"],
        "links_in": ["Daily/2026-11-20.md", "People/Charles Babbage.md"],
        "introductions": {
            "introduced_by": [],
            "introduced_you_to": [],
            "made_by_them": 0,
            "made_for_them": 0,
            "you_introduced_them_to": [],
        },
    }


def test_show_human(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    _network(vault_dir, make_person)
    result = cli("show", "Charles")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Charles Babbage  (People/Charles Babbage.md)\n"
        "  tags: engineer\n"
        "  location: London\n"
        "  keep in touch: no reminders; last contact: never; due: -\n"
        "\n"
        "Last interactions:\n"
        "  none yet\n"
        "\n"
        "Open follow-ups:\n"
        "  none\n"
        "\n"
        "Links to: Ada Lovelace\n"
        "Linked from: People/Ada Lovelace.md\n"
    )


def test_show_prints_a_text_over_lines_indented_and_a_mapping_as_yaml_writes_one(
    cli: Cli, vault_dir: Path
) -> None:
    write_note(
        vault_dir,
        "People/Ada.md",
        "---\nbio: |\n  First line\n  Second line\nold:\n  a: 1\n  b: [x, '[[Bob]]']\nlist: [a, [b, c]]\nnone:\n---\n",
    )
    shown = cli("show", "Ada").stdout
    assert shown.startswith(
        "Ada  (People/Ada.md)\n"
        "  bio: First line\n"
        "    Second line\n"
        "  old: {a: 1, b: [x, Bob]}\n"
        "  list: a, [b, c]\n"
        "  none: \n"
        "  keep in touch:"
    )


def test_show_says_how_many_interactions_it_left_out(cli: Cli, make_person: MakePerson) -> None:
    log = "".join(f"- 2026-10-{day:02d} call: number {day}\n" for day in range(1, 13))
    make_person("Ada Lovelace", body=f"## Log\n{log}")
    shown = cli("show", "Ada").stdout
    assert "  2026-10-12  call: number 12  (People/Ada Lovelace.md)\n" in shown
    assert "number 2 " not in shown and "number 3 " in shown
    assert "  2026-10-03  call: number 3  (People/Ada Lovelace.md)\n  and 2 more: " in shown
    assert "  and 2 more: `vault show 'Ada Lovelace' --json` lists every one\n" in shown
    assert len(json.loads(cli("show", "Ada", "--json").stdout)["interactions"]) == 12


def test_show_unknown(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada")
    fails(cli("show", "Bob"), 1, "nobody called 'Bob' in the vault")
    fails(cli("show", "Bob", "--json"), 1, "nobody called 'Bob' in the vault")


# -- list ---------------------------------------------------------------------------------
def test_list_json_keeps_fields_as_written(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada", tags=["mentor"], cadence="1m", last_contact="2026-11-01", country="NO", version="1.10")
    make_person("Bob", body="", tags=["family/close"], related="[[Ada]]")
    write_note(vault_dir, "Elsewhere/Cy.md", "---\ntype: person\nlocation: london\n---\n")
    write_note(vault_dir, "People/Acme.md", "---\ntype: company\n---\n")
    assert as_json(cli("list", "--json")) == {
        "people": [
            {
                "name": "Ada",
                "path": "People/Ada.md",
                "last_contact": "2026-11-01",
                "due_on": "2026-12-01",
                "fields": {
                    "tags": ["mentor"],
                    "cadence": "1m",
                    "last_contact": "2026-11-01",
                    "country": "NO",
                    "version": "1.10",
                },
            },
            {
                "name": "Bob",
                "path": "People/Bob.md",
                "last_contact": None,
                "due_on": None,
                "fields": {"tags": ["family/close"], "related": "[[Ada]]"},
            },
            {
                "name": "Cy",
                "path": "Elsewhere/Cy.md",
                "last_contact": None,
                "due_on": None,
                "fields": {"type": "person", "location": "london"},
            },
        ]
    }


def test_list_where_a_key_nobody_has_says_so(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada", location="London")
    typo = cli("list", "--where", "locaton=London")
    assert typo.stdout.endswith("0 people\n")
    assert (
        typo.stderr
        == "vault: nobody has a key 'locaton' in their front matter (keys are compared as written)\n"
    )
    assert cli("list", "--where", "location=Paris").stderr == ""  # the key is there: nobody in Paris


def test_list_filters(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada", tags=["mentor", "family/close"], location="London", company="Acme")
    make_person("Bob", tags=["family"], location="Lagos", company="Acme")
    make_person("Cy", tags=["'#mentor'"], location="london")

    def names(*args: str) -> list[str]:
        return [p["name"] for p in as_json(cli("list", "--json", *args))["people"]]

    assert names("--tag", "mentor") == ["Ada", "Cy"]
    assert names("--tag", "family") == ["Ada", "Bob"]
    assert names("--tag", "#FAMILY/close") == ["Ada"]
    assert names("--where", "location=London") == ["Ada", "Cy"]
    assert names("--where", "location=London", "--where", "company=Acme") == ["Ada"]
    assert names("--where", "tags=family") == ["Bob"]
    assert names("--where", "company=") == ["Cy"]
    assert names("--tag", "mentor", "--where", "location=Lagos") == []
    fails(cli("list", "--where", "location"), 2, "--where wants key=value, not 'location'")
    # A blank tag is a mistake (an empty shell variable), not a filter that lets everyone by.
    fails(cli("list", "--tag", ""), 2, "--tag wants a tag, not ''")
    fails(cli("due", "--tag", " # ", "--json"), 2, "--tag wants a tag, not ' # '")
    fails(cli("add", "Dee", "--tag", "#"), 2, "--tag wants a tag, not '#'")  # (not `tags: [person, ""]`)
    fails(cli("add", "Dee", "--alias", " "), 2, "--alias wants a name, not ''")  # (nor `aliases: [""]`)
    assert not (vault_dir / "People" / "Dee.md").exists()
    assert names("--tag", " mentor ") == ["Ada", "Cy"]


def test_list_where_a_link_matches_by_its_note_name(cli: Cli, make_person: MakePerson) -> None:
    # The rule the figures count by (`vault stats`: `parse.named_by`), case-folded.
    make_person("Ada", location='"[[Places/London|LDN]]"', company='"[[Acme]]"')
    make_person("Bob", location="london", company="Acme  Corp")
    make_person("Cy", location='"[[Lagos]]"', company='["[[Orgs/Acme Corp.md|ACME]]", Initech]')
    make_person("Dee", location="LDN", company="[Acme]")

    def names(*args: str) -> list[str]:
        return [p["name"] for p in as_json(cli("list", "--json", *args))["people"]]

    assert names("--where", "location=London") == ["Ada", "Bob"]
    assert names("--where", "location=[[London]]") == ["Ada", "Bob"]
    assert names("--where", "company=acme") == ["Ada", "Dee"]
    assert names("--where", "company=Acme Corp") == ["Bob", "Cy"]
    assert names("--where", "location=LDN") == ["Dee"]  # (what a link shows is not what it is)
    dimensions = as_json(cli("stats", "--json"))["dimensions"]
    assert (dimensions["location"]["London"], dimensions["company"]["Acme Corp"]) == (2, 2)


def test_list_human(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada Lovelace", tags=["person", "mentor"], cadence="1m", last_contact="2026-11-01")
    make_person("Bob")
    result = cli("list")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "Name           Last contact   Due on       Tags",
        "─" * 57,
        "Ada Lovelace   2026-11-01     2026-12-01   person, mentor",
        "Bob            -              -",
        "2 people",
    ]


def test_list_human_prints_tags_of_any_shape(cli: Cli, vault_dir: Path) -> None:
    """A list in the tags (`tags: [[a, b]]`, a YAML list in a list) is one person's odd
    value: printed as written, never a failure of the whole list."""
    write_note(vault_dir, "People/X.md", "---\ntags: [[a, b], {c: d}]\n---\n")
    write_note(vault_dir, "People/Ok.md", "---\ncadence: 1w\n---\n")
    result = cli("list", "--all")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "\nX     -             -       [a, b], {c: d}\n" in result.stdout
    table = cli("list")
    assert (table.exit_code, table.stderr) == (0, "")
    assert "[a, b], {c: d}" in table.stdout
    # Text as written in a table too: no markup, no emoji codes.
    write_note(vault_dir, "People/Y.md", '---\ntags: ["[red]hot", "[x]", ":fire:"]\n---\n')
    assert "[red]hot, [x], :fire:" in cli("list").stdout


# Front matter that JSON has to escape or nest, and notes with none.
AWKWARD = (
    'quote: "say \\"hi\\" \\\\ back"\n'
    'control: "a\\x01b\\tc\\x7f"\n'
    'wide: "😀 \\u2028 é 中文"\n'
    "nested: {a: [b, {c: d}], e: []}\n"
    'empty: ""\n'
    "poem: |\n  line one\n  line two\n"
)


def _many_people(vault_dir: Path, count: int) -> None:
    """`count` people, most of them with the awkward front matter, in more than one chunk of JSON."""
    for n in range(count):
        head = (
            "" if n % 7 == 0 else f"---\ncadence: 1m\nlast_contact: 2026-10-{n % 28 + 1:02d}\n{AWKWARD}---\n"
        )
        write_note(vault_dir, f"People/Person {n:04d}.md", f"{head}# Person {n}\n")


def _as_listed(vault_dir: Path, tmp_path: Path) -> list[dict[str, Any]]:
    """Everyone as `vault list --json` shows them, worked out person by person (not streamed)."""
    from vaultkit.profiles import summarize

    today = dt.date.fromisoformat(TODAY)
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", today)
    try:
        workspace.sync()
        people = workspace.index.people(today, with_fields=True)
        due = [summarize(person, workspace.config, today).due_on for person in people]
    finally:
        workspace.close()
    return [
        {
            "name": person.name,
            "path": person.path,
            "last_contact": person.last_contact.isoformat() if person.last_contact else None,
            "due_on": due_on.isoformat() if due_on else None,
            "fields": person.fields,
        }
        for person, due_on in zip(people, due, strict=True)
    ]


def test_list_json_of_many_people_is_what_one_dump_of_them_writes(
    cli: Cli, vault_dir: Path, tmp_path: Path
) -> None:
    """Written a chunk at a time as the index reads the people: the same bytes as the whole
    object written at once, compact into a pipe and indented on a terminal."""
    import subprocess
    import sys

    import orjson
    from conftest import REPO, read_terminal

    _many_people(vault_dir, 1000)
    result = cli("list", "--json")
    assert (result.exit_code, result.stderr) == (0, "")
    people = _as_listed(vault_dir, tmp_path)
    assert people[1]["fields"]["control"] == "a\x01b\tc\x7f" and people[7]["fields"] == {}
    assert len(result.stdout_bytes) > 3 * 65536  # (several chunks)
    assert result.stdout_bytes == orjson.dumps({"people": people}) + b"\n"

    import pty

    master, terminal = pty.openpty()
    index = tmp_path / "index.sqlite"
    command = [sys.executable, "-m", "vaultkit", "--vault", str(vault_dir), "--index", str(index)]
    process = subprocess.Popen(
        [*command, "--today", TODAY, "list", "--json"],
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        cwd=REPO,  # (this checkout's vaultkit)
    )
    os.close(terminal)
    shown = read_terminal(master)
    assert process.wait(timeout=60) == 0
    indented = json.dumps({"people": people}, ensure_ascii=False, indent=2) + "\n"
    assert shown.replace(b"\r\n", b"\n") == indented.encode("utf-8")
    assert (
        shown.replace(b"\r\n", b"\n") == orjson.dumps({"people": people}, option=orjson.OPT_INDENT_2) + b"\n"
    )


def test_list_all_of_many_people_sizes_columns_on_the_first_rows(cli: Cli, vault_dir: Path) -> None:
    """Every row, written as they come: the columns fit the first 200 rows, and a longer name
    further down pushes only its own line out."""
    for n in range(1205):
        write_note(vault_dir, f"People/P {n:04d}.md", f"# P {n}\n")
    write_note(vault_dir, "People/P 0999 with a longer name.md", "---\ntags: [late]\n---\n")
    result = cli("list", "--all")
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    rows = [f"P {n:04d}  -             -" for n in range(1205)]
    rows.insert(1000, "P 0999 with a longer name  -             -       late")
    assert lines == ["Name    Last contact  Due on  Tags", *rows, "1206 people"]


def test_list_json_and_all_of_nobody(cli: Cli, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada.md", "# Ada\n")
    for args, out in (
        (["--json"], '{"people":[]}\n'),
        (["--all"], "Name  Last contact  Due on  Tags\n0 people\n"),
    ):
        result = cli("list", "--tag", "friend", *args)
        assert (result.exit_code, result.stdout) == (0, out)
        assert result.stderr == "vault: nobody has the tag #friend\n"


# -- search -------------------------------------------------------------------------------
def test_search(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada Lovelace", body="Loves poetry and horses.\n", company="Analytical Engines")
    write_note(vault_dir, "Meetings/2026-11-04 Lunch.md", "Talked about Poetry, at length.\n")
    write_note(vault_dir, "Daily/2026-11-20.md", "Wrote some poétry.\n")
    write_note(vault_dir, "Due.md", "<!-- vaultkit:due -->\nAda poetry\n<!-- /vaultkit:due -->\n")
    write_note(vault_dir, "Ideas/Reading.md", "poetry books\n")
    result = cli("search", "poetry")
    assert (result.exit_code, result.stderr) == (0, "")
    assert sorted(result.stdout.splitlines()) == [
        "Daily/2026-11-20.md: Wrote some [poétry].",
        "Meetings/2026-11-04 Lunch.md: Talked about [Poetry], at length.",
        "People/Ada Lovelace.md: Analytical Engines # Ada Lovelace Loves [poetry] and horses.",
    ]
    assert as_json(cli("search", "analytical", "HORSES", "--json")) == {
        "results": [
            {
                "path": "People/Ada Lovelace.md",
                "name": "Ada Lovelace",
                "snippet": "[Analytical] Engines # Ada Lovelace Loves poetry and [horses].",
            }
        ]
    }


def test_the_first_search_indexes_the_text_and_every_sync_keeps_it(
    cli: Cli, make_person: MakePerson, tmp_path: Path
) -> None:
    # A cold build keeps each note's text but leaves the full-text index to the first
    # search; from then on every sync keeps it: an edited note is found by its new words
    # and not by its old ones, a removed note is found no more, a new one is found.
    ada, bob = make_person("Ada", body="Loves poetry.\n"), make_person("Bob", body="Plays chess.\n")
    assert cli("index", "--rebuild").exit_code == 0
    index = sqlite3.connect(tmp_path / "index.sqlite")
    built = "SELECT value FROM meta WHERE key = 'fts'"
    assert index.execute(built).fetchall() == []
    bob.write_text("# Bob\nPlays chess and go.\n", encoding="utf-8")  # (before the first search)

    def found(*words: str) -> list[str]:
        return [hit["path"] for hit in as_json(cli("search", *words, "--json"))["results"]]

    assert found("go") == ["People/Bob.md"]
    assert index.execute(built).fetchall() == [("current",)]
    ada.write_text("# Ada\nLoves sculpture.\n", encoding="utf-8")
    bob.unlink()
    make_person("Cy", body="Plays chess too.\n")
    assert (found("poetry"), found("sculpture"), found("chess")) == ([], ["People/Ada.md"], ["People/Cy.md"])
    # The index holds exactly the notes' text (FTS5 checks it against the text kept).
    index.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")
    index.close()


def test_a_search_word_finds_the_words_it_begins_and_the_word_itself_first(
    cli: Cli, make_person: MakePerson
) -> None:
    make_person("Ada", body="Planning the trip to Zürich, planned by planners.\n")
    make_person("Bob", body="The plan.\n")
    make_person("Cy", body="An airplane, and a biplane.\n")  # "plan" inside a word: not found
    found = as_json(cli("search", "plan", "--json"))["results"]
    assert [r["path"] for r in found] == ["People/Bob.md", "People/Ada.md"]  # the word itself first
    assert found[1]["snippet"] == "# Ada [Planning] the trip to Zürich, [planned] by [planners]."
    assert [r["path"] for r in as_json(cli("search", "zu", "TRIP", "--json"))["results"]] == ["People/Ada.md"]
    result = cli("search", "planx")
    assert (result.exit_code, result.stdout) == (1, "No notes match.\n")


def test_search_folds_letters_that_have_no_marks_as_names_do(cli: Cli, make_person: MakePerson) -> None:
    """`soren` finds Søren and `lukasz` Łukasz, as `vault show soren` does (the tokenizer
    takes marks off é, not these letters)."""
    make_person("Søren Kierkegaard", "Talked about Æsop with Łukasz.\n")
    make_person("Ann", "Nothing here.\n")
    for words in (("soren",), ("Søren",), ("lukasz",), ("aesop",), ("kierkegaard", "aesop")):
        found = json.loads(cli("search", *words, "--json").stdout)["results"]
        assert [hit["name"] for hit in found] == ["Søren Kierkegaard"], words
    make_person("Ann", "Met Øystein.\n")  # (an edit after the first search: kept by the sync)
    assert [hit["name"] for hit in json.loads(cli("search", "oystein", "--json").stdout)["results"]] == [
        "Ann"
    ]


def test_search_results_that_rank_alike_come_in_path_order(cli: Cli, make_person: MakePerson) -> None:
    """Whatever order the notes came into the index (here, made, searched, then edited)."""
    names = ["Cy", "Ann", "Bo", "Di"]
    for name in names:
        make_person(name, "## Log\n- 2026-01-01 coffee\n")
    assert cli("search", "coffee").exit_code == 0  # (the full-text index is made now)
    for name in ("Bo", "Ann"):
        make_person(name, "## Log\n- 2026-01-01 coffee\n")  # written again: indexed again, last
    found = [hit["path"] for hit in json.loads(cli("search", "coffee", "--json").stdout)["results"]]
    assert found == sorted(f"People/{name}.md" for name in names)


def test_search_words_are_not_query_syntax(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada", body='Said "AND" or NOT* (maybe).\n')
    assert as_json(cli("search", "AND", "NOT*", "--json"))["results"][0]["path"] == "People/Ada.md"
    result = cli("search", "nothing-here")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "No notes match.\n", "")
    assert as_json(cli("search", "nothing-here", "--json")) == {"results": []}  # (and exit 0)
    # No word at all is a usage error (not "No notes match"); a part with none is left out.
    for wordless in (["  ", ""], ['"'], ["'", "..."], ["%%"]):
        fails(cli("search", *wordless), 2, "give a word to search for (letters or digits)")
        fails(cli("search", *wordless, "--json"), 2, "give a word to search for (letters or digits)")
    assert as_json(cli("search", "--json", "maybe", "'", "--", "-"))["results"][0]["path"] == "People/Ada.md"


def test_search_terms_are_the_words_with_a_letter_or_digit_each_once() -> None:
    """Each once: FTS5's time grows with the square of a word repeated (8,000 times: 31 s)."""
    from vaultkit.index.queries import search_terms

    assert search_terms(["Bus bus", "BUS", "'", "…", "c3po", "it's"]) == ["BUS", "c3po", "it's"]


# -- index --------------------------------------------------------------------------------
INDEX_LINE = re.compile(
    r"^(\d+) notes; read (\d+) \((\d+) new, (\d+) changed\), removed (\d+); (\d+) problem\(s\); \d+\.\d\ds( \(rebuilt\))?\n$"
)


def index_numbers(result: Result) -> tuple[str, ...]:
    assert (result.exit_code, result.stderr) == (0, "")
    match = INDEX_LINE.match(result.stdout)
    assert match, result.stdout
    return match.groups()


def test_index_shows_its_progress_on_a_terminal_and_its_report_on_stdout(
    vault_dir: Path, tmp_path: Path
) -> None:
    for n in range(600):
        write_note(vault_dir, f"People/Person {n}.md", f"# Person {n}\n")
    index = tmp_path / "index.sqlite"
    code, out, shown = stderr_on_a_terminal(
        "--vault", str(vault_dir), "--index", str(index), "index", "--rebuild"
    )
    assert code == 0
    assert "Reading notes" in shown
    assert out.startswith("600 notes; read 600 (600 new, 0 changed), removed 0; 0 problem(s); ")
    assert "Reading notes" not in out


def test_every_command_shows_its_first_reading_on_a_terminal(vault_dir: Path, tmp_path: Path) -> None:
    """A first run, a checkout or a copied vault has every note to read (15 s at 100,000):
    any command shows it as `vault index` does, on stderr, and then only its answer."""
    for n in range(600):
        write_note(vault_dir, f"People/Person {n}.md", f"---\ncadence: 1m\n---\n# Person {n}\n")
    index = tmp_path / "index.sqlite"
    args = ("--vault", str(vault_dir), "--index", str(index), "--today", TODAY, "due", "--json")
    code, out, shown = stderr_on_a_terminal(*args)
    assert code == 0 and "Reading notes" in shown
    assert len(json.loads(out)["due"]) == 600
    code, out, shown = stderr_on_a_terminal(*args)  # (nothing to read: no bar)
    assert (code, shown.strip()) == (0, "")


def test_check_shows_it_compares_names_on_a_terminal(vault_dir: Path, tmp_path: Path) -> None:
    """Comparing every name for likely duplicates takes seconds at 100,000 people."""
    for n in range(600):
        write_note(vault_dir, f"People/Person {n}.md", f"# Person {n}\n")
    args = ("--vault", str(vault_dir), "--index", str(tmp_path / "index.sqlite"), "check", "--json")
    stderr_on_a_terminal(*args)  # (the first reading has a bar of its own)
    code, out, shown = stderr_on_a_terminal(*args)
    assert code == 0 and "Comparing names" in shown and "Reading notes" not in shown
    assert "may be the same person as People/Person 10.md" in out


def test_index_says_what_it_did(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    ada, bob, cy = make_person("Ada"), make_person("Bob"), make_person("Cy")
    broken = write_note(vault_dir, "People/Broken.md", "\x00")
    age(ada, bob, cy, broken)
    assert index_numbers(cli("index")) == ("4", "4", "4", "0", "0", "1", None)
    assert index_numbers(cli("index")) == ("4", "0", "0", "0", "0", "1", None)
    ada.write_text("# Ada changed\n")
    age(ada)
    os.utime(ada, ns=(OLD * 10**9, (OLD + 5) * 10**9))
    cy.unlink()
    age(write_note(vault_dir, "People/Di.md", "# Di\n"))
    assert index_numbers(cli("index")) == ("4", "2", "1", "1", "1", "1", None)
    assert index_numbers(cli("index", "--rebuild")) == ("4", "4", "4", "0", "0", "1", " (rebuilt)")
    data = as_json(cli("index", "--json"))
    assert data.pop("seconds") >= 0
    assert data == {
        "notes": 4,
        "read": 0,
        "added": 0,
        "changed": 0,
        "removed": 0,
        "problems": 1,
        "rebuilt": False,
    }


# -- check --------------------------------------------------------------------------------
def test_check_clean(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada", cadence="1m")
    assert (cli("check").exit_code, cli("check").stdout) == (0, "No problems found.\n")
    assert as_json(cli("check", "--json")) == {"problems": []}


def test_check_warnings_only_exit_0(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada", aliases=["A"])
    make_person("Alan", aliases=["a"])
    write_note(vault_dir, "People/Unclosed.md", "---\ncadence: 1m\n")
    (vault_dir / "vaultkit.toml").write_text("colour = 'blue'\n")
    result = cli("check")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "vaultkit.toml: warning: unknown key 'colour' is ignored\n"
        "People/Ada.md:2: warning: alias 'A' is shared with People/Alan.md\n"
        "People/Alan.md:2: warning: alias 'a' is shared with People/Ada.md\n"
        "People/Unclosed.md:1: warning: front matter is never closed\n"
        "0 error(s), 4 warning(s)\n"
    )


def test_check_errors_exit_1(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada", cadence="sometimes")
    write_note(vault_dir, "People/Bin.md", "\x00\x01")
    write_note(vault_dir, "Meetings/2026-11-04 x.md", "a\n=======\nb\n")
    write_note(vault_dir, "Notes/Dangling.md", "[[Nobody Here]]\n")
    result = cli("check")
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == (
        "Meetings/2026-11-04 x.md:2: error: unresolved git conflict: keep the text you want and delete the <<<<<<< ======= >>>>>>> lines; note skipped\n"
        "People/Ada.md:2: error: cadence: 'sometimes' is not a cadence "
        "(use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none); ignored\n"
        "People/Bin.md: error: note is binary (it has NUL bytes); note skipped\n"
        "3 error(s), 0 warning(s)\n"
    )
    data = cli("check", "--json")
    assert data.exit_code == 1
    assert json.loads(data.stdout) == {
        "problems": [
            {
                "path": "Meetings/2026-11-04 x.md",
                "line": 2,
                "level": "error",
                "message": "unresolved git conflict: keep the text you want and delete the <<<<<<< ======= >>>>>>> lines; note skipped",
            },
            {
                "path": "People/Ada.md",
                "line": 2,
                "level": "error",
                "message": "cadence: 'sometimes' is not a cadence "
                "(use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none); ignored",
            },
            {
                "path": "People/Bin.md",
                "line": None,
                "level": "error",
                "message": "note is binary (it has NUL bytes); note skipped",
            },
        ]
    }
    links = cli("check", "--links")
    assert links.stdout.splitlines()[3:] == [
        "Notes/Dangling.md:1: link to no note: [[Nobody Here]]",  # as written
        "3 error(s), 0 warning(s), 1 link(s) to no note",
    ]


def test_check_prints_errors_first_at_most_limit_lines_and_says_how_many_more(
    cli: Cli, make_person: MakePerson, vault_dir: Path
) -> None:
    for name in ("Ann", "Bea", "Cyd"):
        make_person(name, aliases=["Shared"])  # a warning in each note
    write_note(vault_dir, "People/Zed.md", "---\ncadence: sometimes\n---\n")  # the one error, last by path
    write_note(vault_dir, "Notes/Dangling.md", "[[Nobody Here]]\n")
    cut = cli("check", "--links", "--limit", "2")
    assert (cut.exit_code, cut.stderr) == (1, "")
    assert cut.stdout.splitlines() == [
        "People/Zed.md:2: error: cadence: 'sometimes' is not a cadence "
        "(use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none); ignored",
        "People/Ann.md:2: warning: alias 'Shared' is shared with People/Bea.md, People/Cyd.md",
        f"and 3 more: `{as_run(vault_dir, 'check', '--links', '--all')}` shows every one (or `--json`)",
        "1 error(s), 3 warning(s), 1 link(s) to no note",  # the counts are of everything
    ]
    every = cli("check", "--links", "--all").stdout.splitlines()
    assert every[1:] == [
        "People/Ann.md:2: warning: alias 'Shared' is shared with People/Bea.md, People/Cyd.md",
        "People/Bea.md:2: warning: alias 'Shared' is shared with People/Ann.md, People/Cyd.md",
        "People/Cyd.md:2: warning: alias 'Shared' is shared with People/Ann.md, People/Bea.md",
        "Notes/Dangling.md:1: link to no note: [[Nobody Here]]",
        "1 error(s), 3 warning(s), 1 link(s) to no note",
    ]
    assert cli("check", "--links").stdout == "\n".join(every) + "\n"  # 50 by default
    assert len(json.loads(cli("check", "--limit", "1", "--json").stdout)["problems"]) == 4


def test_check_links_leaves_out_attachments_that_exist_and_shows_embeds(cli: Cli, vault_dir: Path) -> None:
    write_note(
        vault_dir,
        "Notes/Trip.md",
        "![[photo.png]] ![[gone.png]] [[Attachments/map.pdf]] [[Nobody]] ![[Ghost|a ghost]]\n",
    )
    (vault_dir / "Attachments").mkdir()
    (vault_dir / "Attachments" / "photo.png").write_bytes(b"\x89PNG")
    (vault_dir / "Attachments" / "map.pdf").write_bytes(b"%PDF")
    result = cli("check", "--links")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Notes/Trip.md:1: link to no note: ![[gone.png]]",
        "Notes/Trip.md:1: link to no note: [[Nobody]]",
        "Notes/Trip.md:1: link to no note: ![[Ghost]]",
        "3 link(s) to no note",  # not "No problems found." after listing some
    ]
    data = json.loads(cli("check", "--links", "--json").stdout)
    assert data["links"][0] == {"path": "Notes/Trip.md", "line": 1, "target": "gone.png", "embed": True}


def test_every_kind_of_bad_note_is_reported_and_skipped(
    cli: Cli, make_person: MakePerson, vault_dir: Path
) -> None:
    make_person("Good", cadence="1d")
    bomb = "".join(
        f"{k}: &{k} [{', '.join(['*' + p] * 10) if p.strip() else ', '.join(['x'] * 10)}]\n"
        for p, k in zip(" abcdefgh", "abcdefghi", strict=True)
    )
    bad = {
        "People/Yaml.md": b"---\ncadence: [1m\n---\n",
        "People/Latin.md": "---\ncadence: 1m\n---\nCaf\u00e9\n".encode("latin-1"),
        "People/Binary.md": b"\x00\x01\x02",
        "People/Conflict.md": b"---\ncadence: 1m\n---\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n",
        "People/Bomb.md": f"---\n{bomb}---\n".encode(),
        "People/Big front.md": b"---\nnotes: " + b"a" * 70_000 + b"\n---\n",
        "People/Huge.md": b"# Huge\n" + b"a" * (8 * 1024 * 1024),
    }
    for rel, data in bad.items():
        (vault_dir / rel).write_bytes(data)
    result = cli("check", "--json")
    assert result.exit_code == 1
    problems = [(p["path"], p["line"], p["level"]) for p in json.loads(result.stdout)["problems"]]
    assert problems == [
        ("People/Big front.md", 1, "error"),
        ("People/Binary.md", None, "error"),
        ("People/Bomb.md", 1, "error"),
        ("People/Conflict.md", 4, "error"),
        ("People/Huge.md", None, "error"),
        ("People/Latin.md", 4, "error"),
        ("People/Yaml.md", 3, "error"),
    ]
    assert all(p["message"].endswith("; note skipped") for p in json.loads(result.stdout)["problems"])
    due = json.loads(cli("due", "--json").stdout)
    assert [item["name"] for item in due["due"]] == ["Good"]
    assert len(due["problems"]) == 7


def test_a_bad_config_stops_every_command(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada")
    (vault_dir / "vaultkit.toml").write_text('default_cadence = "fortnightly"\n')
    message = (
        "vaultkit.toml: default_cadence: 'fortnightly' is not a cadence "
        "(use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none)"
    )
    for args in (("due",), ("list",), ("check",), ("log", "Ada", "hi"), ("add", "Bob")):
        fails(cli(*args), 1, message)
    (vault_dir / "vaultkit.toml").write_text("people_dir = [\n")
    result = cli("due")
    assert result.exit_code == 1
    assert result.stderr.startswith("vault: vaultkit.toml: not valid TOML: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("people_dir = 3", "people_dir must be a string, not 3"),
        ('people_dir = "../Outside"', "people_dir must be a folder inside the vault, not '../Outside'"),
        ('templates_dir = "T/../../x"', "templates_dir must be a folder inside the vault, not 'T/../../x'"),
        ('exclude = "Archive/*"', "exclude must be a list of glob strings"),
        ('write_last_contact = "yes"', 'write_last_contact must be true, false or "derived"'),
        ('[daily]\nreachouts = "yes"', "daily.reachouts must be true or false"),
        ('log_heading = "  "', 'log_heading must be a heading\'s text, like "Log"'),
        ("log_heading = 5", "log_heading must be a string, not 5"),
        (
            '[cadence_by_tag]\nfamily = "often"',
            "cadence_by_tag.family: 'often' is not a cadence (use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none)",
        ),
        ("[cadence_by_tag]\nfamily = 2", "cadence_by_tag.family must be a string, not 2"),
        ('cadence_by_tag = "x"', "[cadence_by_tag] must be a table"),
        ("[goals]\nnew_people_per_week = -1", "goals.new_people_per_week must be a whole number ≥ 0"),
        ("[views]\ndue = 5", "views.due must be a string, not 5"),
    ],
)
def test_each_bad_config_value_is_named(
    cli: Cli, make_person: MakePerson, vault_dir: Path, toml: str, message: str
) -> None:
    make_person("Ada")
    (vault_dir / "vaultkit.toml").write_text(toml + "\n")
    fails(cli("due"), 1, f"vaultkit.toml: {message}")


# -- global options -----------------------------------------------------------------------
def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"vaultkit {__version__}\n")


def test_today_option_and_environment(
    cli: Cli, make_person: MakePerson, vault_dir: Path, tmp_path: Path
) -> None:
    make_person("Ada", cadence="1m", last_contact="2026-10-02")
    assert as_json(cli("due", "--json", today="2026-11-01"))["due"] == []
    runner = CliRunner(env={"VAULTKIT_TODAY": "2026-12-31", "VAULTKIT_VAULT": None, "VAULTKIT_INDEX": None})
    base = ["--vault", str(vault_dir), "--index", str(tmp_path / "i.sqlite")]
    data = json.loads(runner.invoke(app, [*base, "due", "--json"]).stdout)
    assert (data["today"], data["due"][0]["days_overdue"]) == ("2026-12-31", 59)
    data = json.loads(runner.invoke(app, [*base, "--today", "2026-11-22", "due", "--json"]).stdout)
    assert data["today"] == "2026-11-22"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("tomorrow", "is not a date (use YYYY-MM-DD)"),
        ("22/11/2026", "is not a date (use YYYY-MM-DD)"),
        ("2026-11-22x", "is not a date (use YYYY-MM-DD)"),
        # Python's own reading took these as dates: notes, and `vault set`, refuse them.
        ("2026W477", "is not a date (use YYYY-MM-DD)"),
        ("20261120", "is not a date (use YYYY-MM-DD)"),
        # In the form asked for, yet refused as "not a date (use YYYY-MM-DD)".
        ("2026-13-01", "is not a real date: there is no month 13"),
        ("2026-02-29", "is not a real date: 2026 has no Feb 29"),
        ("2026-04-31", "is not a real date: April has 30 days"),
    ],
)
def test_bad_today_is_a_usage_error(
    cli: Cli, make_person: MakePerson, vault_dir: Path, tmp_path: Path, value: str, why: str
) -> None:
    make_person("Ada")
    fails(cli("due", today=value), 2, f"--today {value!r} {why}")
    # From the environment, the refusal names it: there was no --today.
    runner = CliRunner(env={"VAULTKIT_TODAY": value, "VAULTKIT_VAULT": None, "VAULTKIT_INDEX": None})
    result = runner.invoke(app, ["--vault", str(vault_dir), "--index", str(tmp_path / "i.sqlite"), "due"])
    fails(result, 2, f"$VAULTKIT_TODAY {value!r} {why}")


def test_every_date_option_reads_dates_as_notes_do(cli: Cli, make_person: MakePerson) -> None:
    ada = make_person("Ada", cadence="1m")
    # `--met 20261120` was taken (Python's reading) while `vault set met=20261120` refused it.
    fails(cli("add", "Bob", "--met", "20261120"), 2, "--met '20261120' is not a date (use YYYY-MM-DD)")
    fails(cli("set", "Ada", "met=20261120"), 2, "met: '20261120' is not a date (use YYYY-MM-DD)")
    fails(
        cli("log", "Ada", "--date", "2026-W47-7", "tea"),
        2,
        "--date '2026-W47-7' is not a date (use YYYY-MM-DD)",
    )
    # A time after the date is read as a note's `date: 2026-11-20T10:00` is, by `snooze` and
    # by `log --date` alike (the second refused it).
    assert cli("snooze", "Ada", "2026-12-21T10:00").exit_code == 0
    assert cli("log", "Ada", "--date", "2026-11-20T10:00", "coffee").exit_code == 0
    assert "- 2026-11-20 coffee\n" in ada.read_text(encoding="utf-8")


def test_vault_option_environment_and_nearest_parent(
    make_person: MakePerson, vault_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_person("Ada")
    index = str(tmp_path / "i.sqlite")
    clean = {"VAULTKIT_VAULT": None, "VAULTKIT_TODAY": None, "VAULTKIT_INDEX": None}

    def names(*args: str, env: dict[str, str | None] = clean, index: str = index) -> list[str]:
        result = CliRunner(env=env).invoke(app, [*args, "--index", index, "list", "--json"])
        assert result.exit_code == 0, result.stderr
        return [p["name"] for p in json.loads(result.stdout)["people"]]

    assert names("--vault", str(vault_dir)) == ["Ada"]
    assert names(env={**clean, "VAULTKIT_VAULT": str(vault_dir)}) == ["Ada"]
    monkeypatch.chdir(vault_dir / "People")
    assert names() == ["Ada"]
    # .obsidian/ marks a vault root too, and the nearest one wins.
    inner = vault_dir / "People" / "Inner"
    (inner / ".obsidian").mkdir(parents=True)
    write_note(inner, "People/Bob.md", "# Bob\n")
    monkeypatch.chdir(inner / "People")
    assert names(index=str(tmp_path / "inner.sqlite")) == ["Bob"]  # (another vault: its own index)
    # --vault wins over the environment and the current folder.
    assert names("--vault", str(vault_dir), env={**clean, "VAULTKIT_VAULT": str(inner)}) == ["Ada", "Bob"]


def test_no_vault_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"VAULTKIT_VAULT": None, "VAULTKIT_INDEX": None})
    result = runner.invoke(app, ["--index", str(tmp_path / "i.sqlite"), "due"])
    fails(
        result,
        1,
        "no vault here: run inside a vault (a folder with vaultkit.toml or .obsidian/), "
        "pass --vault PATH, set $VAULTKIT_VAULT, or make one with `vault init`",
    )
    result = runner.invoke(app, ["--vault", str(tmp_path / "missing"), "due"])
    fails(
        result,
        1,
        f"--vault {tmp_path / 'missing'} is no folder: there is nothing there; give the folder of a vault",
    )
    (tmp_path / "a file").write_text("", encoding="utf-8")
    from_env = CliRunner(env={"VAULTKIT_VAULT": str(tmp_path / "a file"), "VAULTKIT_INDEX": None})
    result = from_env.invoke(app, ["--index", str(tmp_path / "i.sqlite"), "due"])
    fails(
        result,
        1,
        f"$VAULTKIT_VAULT {tmp_path / 'a file'} is a file, not a folder; give the folder of a vault",
    )


def test_index_option_and_environment(make_person: MakePerson, vault_dir: Path, tmp_path: Path) -> None:
    make_person("Ada")
    runner = CliRunner(env={"VAULTKIT_VAULT": None, "VAULTKIT_INDEX": str(tmp_path / "env" / "index.sqlite")})
    assert runner.invoke(app, ["--vault", str(vault_dir), "list"]).exit_code == 0
    assert (tmp_path / "env" / "index.sqlite").is_file()
    option = tmp_path / "opt" / "x.sqlite"
    assert runner.invoke(app, ["--vault", str(vault_dir), "--index", str(option), "list"]).exit_code == 0
    assert option.is_file()
    # Nothing derived is stored in the vault.
    assert sorted(p.name for p in vault_dir.rglob("*")) == ["Ada.md", "People", "vaultkit.toml"]


def test_one_index_is_never_two_vaults(tmp_path: Path) -> None:
    """A `$VAULTKIT_INDEX` shared by two vaults: the second is refused in one line naming both
    (before, it answered with the first one's people); once the first is gone, it is made again."""
    shared = tmp_path / "shared.sqlite"
    runner = CliRunner(env={"VAULTKIT_VAULT": None, "VAULTKIT_TODAY": None, "VAULTKIT_INDEX": str(shared)})
    first, second = tmp_path / "first", tmp_path / "second"
    for vault in (first, second):
        vault.mkdir()
        (vault / "vaultkit.toml").write_text("", encoding="utf-8")
    assert runner.invoke(app, ["--vault", str(first), "add", "Alice Alpha"]).exit_code == 0
    refused = runner.invoke(app, ["--vault", str(second), "add", "Bob Beta"])
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        1,
        "",
        f"vault: the index {shared} is the vault {first}'s; {second} cannot share it (each would answer "
        "with the other's people): give it its own with --index PATH or $VAULTKIT_INDEX, or leave them "
        "unset for the default\n",
    )
    assert not (second / "People").exists()
    assert runner.invoke(app, ["--vault", str(second), "list"]).exit_code == 1
    assert runner.invoke(app, ["--vault", str(first), "list"]).exit_code == 0
    # The first vault moved away (to the second's place, say): the index is made for this one.
    first.rename(tmp_path / "moved")
    listed = runner.invoke(app, ["--vault", str(second), "list", "--json"])
    assert (listed.exit_code, json.loads(listed.stdout)["people"]) == (0, [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("due", "--bogus"), "No such option: --bogus (see vault due --help)"),
        (
            ("due", "--withn", "1w"),
            "No such option: --withn (Possible options: --within) (see vault due --help)",
        ),
        (("due", "--within"), "Option '--within' requires an argument (see vault due --help)"),
        (("due", "soon"), "Got unexpected extra argument(s) (soon) (see vault due --help)"),
        (("log",), "Missing argument 'names' (see vault log --help)"),
        (("log", "Ada"), "Missing argument 'text' (see vault log --help)"),
        (("lgo",), "No such command 'lgo'. Did you mean 'log'? (see vault --help)"),
        (("--bogus", "due"), "No such option: --bogus (see vault --help)"),
        (
            ("export", "ics", "--days", "x"),
            "Invalid value for '--days': 'x' is not a valid int (see vault export ics --help)",
        ),
        (("export", "ics", "--days"), "Option '--days' requires an argument (see vault export ics --help)"),
        (("templates", "copy"), "Missing argument 'name' (see vault templates copy --help)"),
    ],
)
def test_usage_errors_are_one_line(cli: Cli, args: tuple[str, ...], message: str) -> None:
    fails(cli(*args), 2, message)


def test_vault_alone_shows_the_help() -> None:
    result = CliRunner().invoke(app, [])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: vault [OPTIONS] COMMAND [ARGS]...\n")
    assert "Commands:" in result.stderr


def test_errors_are_one_line_and_debug_shows_the_exception(
    cli: Cli, make_person: MakePerson, vault_dir: Path
) -> None:
    make_person("Ada")
    fails(cli("show", "Nobody"), 1, "nobody called 'Nobody' in the vault")
    runner = CliRunner(env={"VAULTKIT_VAULT": None, "VAULTKIT_INDEX": None})
    with pytest.raises(PersonNotFound):
        runner.invoke(
            app,
            [
                "--vault",
                str(vault_dir),
                "--index",
                str(vault_dir.parent / "i.sqlite"),
                "--debug",
                "show",
                "Nobody",
            ],
            catch_exceptions=False,
        )


# -- found by walking through the README as a new user --------------------------------------
def test_add_refuses_an_alias_someone_already_has(cli: Cli, make_person: MakePerson) -> None:
    make_person("Tunde Adeyemi", aliases=["Tunde"])
    fails(
        cli("add", "Q3", "--alias", "Tunde"),
        1,
        "--alias 'Tunde' is already a name or alias in the vault: People/Tunde Adeyemi.md",
    )
    fails(
        cli("add", "Q3", "--alias", "tunde adeyemi"),
        1,
        "--alias 'tunde adeyemi' is already a name or alias in the vault: People/Tunde Adeyemi.md",
    )
    assert cli("add", "Q3", "--alias", "Quentin").exit_code == 0


def test_within_needs_a_span(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada", cadence="1m")
    fails(cli("due", "--within", "none"), 2, "--within 'none': give a span such as 7d, 2w or 1m")


def test_due_within_says_how_far_it_looks(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada", cadence="1m", last_contact="2026-10-25")
    make_person("Bob", cadence="1m", last_contact="2026-10-01")
    result = cli("due", "--within", "7d")
    assert (
        result.stdout.splitlines()[0] == "2 due on 2026-11-22 or coming due by 2026-11-29:"
    )  # the window asked for
    assert cli("due").stdout.splitlines()[0] == "1 due on 2026-11-22:"


def test_list_counts_one_person(cli: Cli, make_person: MakePerson) -> None:
    make_person("Ada")
    assert cli("list").stdout.splitlines()[-1] == "1 person"


def test_a_closed_pipe_ends_quietly(make_person: MakePerson, vault_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    for number in range(100):
        make_person(f"Person {number}", body="## Notes\n- loves poetry\n")
    vault = Path(sys.executable).with_name("vault")
    index = tmp_path / "pipe.sqlite"
    shell = f"'{vault}' --vault '{vault_dir}' --index '{index}' search poetry | head -1"
    result = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, timeout=60)
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


def test_the_installed_command_prints_everything_and_exits_with_the_right_code(
    cli: Cli, make_person: MakePerson, vault_dir: Path, tmp_path: Path
) -> None:
    """`vault` ends its process without Python's slow teardown: nothing printed may be lost."""
    import subprocess
    import sys

    for number in range(300):
        make_person(f"Person {number}", cadence="1w")
    vault = str(Path(sys.executable).with_name("vault"))
    base = [
        vault,
        "--vault",
        str(vault_dir),
        "--index",
        str(tmp_path / "exit.sqlite"),
        "--today",
        "2026-11-22",
    ]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, *args], capture_output=True, text=True, timeout=60)

    due = run("due", "--json")
    assert due.returncode == 0 and due.stderr == ""
    assert json.loads(due.stdout) == json.loads(cli("due", "--json").stdout)
    assert len(json.loads(due.stdout)["due"]) == 300
    assert (run("bogus").returncode, run("bogus").stderr) == (
        2,
        "vault: No such command 'bogus' (see vault --help)\n",
    )
    assert run("due", "--within", "soon").returncode == 2
    assert run("show", "Nobody").returncode == 1
    assert run("--version").stdout.startswith("vaultkit ")
    helped = run("--help")
    assert helped.returncode == 0 and "due" in helped.stdout and "watch" in helped.stdout


def test_only_the_command_named_is_built() -> None:
    from vaultkit.cli.app import app, app_for, command_named

    assert command_named(["--vault", "v", "--today=2026-11-22", "--debug", "due", "--json"]) == "due"
    assert command_named(["--index", "x.sqlite", "templates", "list"]) == "templates"
    assert command_named(["--help"]) is None and command_named(["--vault", "v"]) is None
    everything = (list(app.registered_commands), list(app.registered_groups))
    lean = app_for(["--vault", "v", "due"])
    assert [c.callback.__name__ for c in lean.registered_commands if c.callback] == ["due"]
    assert lean.registered_callback is app.registered_callback
    assert [g.name for g in app_for(["templates", "list"]).registered_groups] == ["templates"]
    assert app_for(["nosuchcommand"]) is app and app_for([]) is app
    assert (app.registered_commands, app.registered_groups) == everything  # untouched


def test_compact_json_is_one_line_that_reads_back(capsys: pytest.CaptureFixture[str]) -> None:
    from vaultkit.cli.app import print_json

    data = {
        "today": "2026-11-22",
        "due": [{"name": "Zoë", "n": 1}],
        "followups": [{"text": "call 📅 2026-11-01"}],
    }
    # (orjson writes them; what it refuses, an integer past 64 bits or a lone surrogate,
    # `json` writes)
    for value in (data, [1, "é"], {}, {1: "one"}, {"big": 2**70}, {"odd": "\udc80"}):
        print_json(value)
        out = capsys.readouterr().out
        assert out.endswith("\n") and out.count("\n") == 1
        assert "📅" in out or "📅" not in str(value)  # UTF-8 as it is, not \\u escapes
        assert json.loads(out) == json.loads(json.dumps(value))


# -- long lists -----------------------------------------------------------------------------
def _five_due(make_person: MakePerson) -> None:
    for n, name in enumerate(["Ann", "Bea", "Cyd", "Dot", "Eve"]):
        make_person(name, cadence="1m", last_contact=f"2026-09-0{n + 1}")


def test_due_prints_at_most_limit_rows_and_says_how_many_more(
    cli: Cli, make_person: MakePerson, vault_dir: Path
) -> None:
    _five_due(make_person)
    result = cli("due", "--limit", "2")
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == "5 due on 2026-11-22:"
    assert [line.split()[0] for line in lines[3:5]] == ["Ann", "Bea"]
    assert lines[5:] == [f"and 3 more: `{as_run(vault_dir, 'due', '--all')}` shows every one (or `--json`)"]
    assert len(json.loads(cli("due", "--limit", "2", "--json").stdout)["due"]) == 5


def test_due_all_prints_every_row_as_plain_aligned_text(cli: Cli, make_person: MakePerson) -> None:
    _five_due(make_person)
    result = cli("due", "--all")
    assert result.stdout == (
        "5 due on 2026-11-22:\n"
        "Who  Last contact  Keep in touch  Due\n"
        "Ann  2026-09-01    every month    52 days over\n"
        "Bea  2026-09-02    every month    51 days over\n"
        "Cyd  2026-09-03    every month    50 days over\n"
        "Dot  2026-09-04    every month    49 days over\n"
        "Eve  2026-09-05    every month    48 days over\n"
    )


def test_list_limit_and_all(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    _five_due(make_person)
    cut = cli("list", "--limit", "4").stdout.splitlines()
    hint = f"and 1 more: `{as_run(vault_dir, 'list', '--all')}` shows every one (or `--json`)"
    assert cut[-2:] == [hint, "5 people"]
    assert cli("list", "--all").stdout.splitlines() == [
        "Name  Last contact  Due on      Tags",
        "Ann   2026-09-01    2026-10-01",
        "Bea   2026-09-02    2026-10-02",
        "Cyd   2026-09-03    2026-10-03",
        "Dot   2026-09-04    2026-10-04",
        "Eve   2026-09-05    2026-10-05",
        "5 people",
    ]


def test_the_more_hint_repeats_the_command_as_given_with_all(
    cli: Cli, make_person: MakePerson, vault_dir: Path
) -> None:
    for n in range(12):
        tags = {"tags": ["t1"]} if n < 5 else {}
        body = f"- [ ] task {n} 📅 2026-{10 + n % 3}-01\n"
        make_person(f"Ann Lee {n:02}", body=body, cadence="1m", last_contact="2026-09-01", **tags)

    def hint(*args: str) -> str:
        return cli(*args).stdout.splitlines()[-1]

    def more(count: int, *words: str) -> str:
        return f"and {count} more: `{as_run(vault_dir, *words, '--all')}` shows every one (or `--json`)"

    assert hint("due", "--tag", "t1", "--limit", "3") == more(2, "due", "--tag", "t1")
    assert hint("due", "--within", "7d", "--limit", "3", "--tag=t1") == more(
        2, "due", "--within", "7d", "--tag", "t1"
    )
    assert hint("list", "--tag", "t1", "--limit", "1").startswith("5 people")
    assert cli("list", "--tag", "t1", "--limit", "1").stdout.splitlines()[-2] == more(
        4, "list", "--tag", "t1"
    )
    found = len(json.loads(cli("search", "task", "1", "--json").stdout)["results"])
    assert hint("search", "task", "1", "--limit", "2") == more(found - 2, "search", "task", "1")
    assert hint("followups", "--overdue", "--limit", "3") == more(5, "followups", "--overdue")
    assert hint("followups", "Ann Lee 00,Ann Lee 01", "--limit", "1") == more(
        1, "followups", "Ann Lee 00,Ann Lee 01"
    )
    # What follows is the command a shell runs: it shows every row the hint counts.
    assert len(cli("followups", "--overdue", "--all").stdout.splitlines()) == 1 + 8


@pytest.mark.parametrize("command", ["due", "list", "check"])
def test_a_limit_below_one_is_a_usage_error(cli: Cli, command: str) -> None:
    result = cli(command, "--limit", "0")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "vault: --limit 0: give a number of rows from 1 up, or --all\n"


@pytest.mark.parametrize(
    "command",
    [
        ("due", "--limit"),
        ("list", "--limit"),
        ("search", "Ann", "--limit"),
        ("followups", "--limit"),
        ("suggest", "-n"),
    ],
)
def test_a_limit_larger_than_any_list_is_every_row(
    cli: Cli, make_person: MakePerson, command: tuple[str, ...]
) -> None:
    """(Past SQLite's largest integer, it was an "unexpected error".)"""
    _five_due(make_person)
    huge = cli(*command, "99999999999999999999")
    assert (huge.exit_code, huge.stderr) == (0, ""), huge.stderr
    assert huge.stdout == cli(*command, "1000").stdout


def test_views_max_rows_larger_than_any_list(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    _five_due(make_person)
    (vault_dir / "vaultkit.toml").write_text("[views]\nmax_rows = 99999999999999999999\n", encoding="utf-8")
    rendered = cli("render")
    assert (rendered.exit_code, rendered.stderr) == (0, "")
    assert "[[Eve]]" in (vault_dir / "Due.md").read_text(encoding="utf-8")


def test_followups_limit_and_all(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ann", body="".join(f"- [ ] Task {n} 📅 2026-12-0{n}\n" for n in range(1, 6)))
    cut = cli("followups", "--limit", "2").stdout.splitlines()
    assert cut == [
        "5 open follow-ups, 0 overdue:",
        "  2026-12-01       Ann: Task 1  (People/Ann.md:2)",
        "  2026-12-02       Ann: Task 2  (People/Ann.md:3)",
        f"and 3 more: `{as_run(vault_dir, 'followups', '--all')}` shows every one (or `--json`)",
    ]
    assert len(cli("followups", "--all").stdout.splitlines()) == 6
    assert len(json.loads(cli("followups", "--limit", "2", "--json").stdout)["followups"]) == 5


def test_search_limit_says_how_many_more_and_json_is_never_cut(
    cli: Cli, make_person: MakePerson, vault_dir: Path
) -> None:
    for n in range(60):
        make_person(f"Person {n:02}", body="## Notes\n- loves poetry\n")
    cut = cli("search", "poetry", "--limit", "3").stdout.splitlines()
    assert len(cut) == 4 and all(line.endswith("loves [poetry]") for line in cut[:3])
    assert (
        cut[3]
        == f"and 57 more: `{as_run(vault_dir, 'search', 'poetry', '--all')}` shows every one (or `--json`)"
    )
    assert len(cli("search", "poetry").stdout.splitlines()) == 51  # 50 by default, and the line
    assert len(cli("search", "poetry", "--all").stdout.splitlines()) == 60
    assert len(json.loads(cli("search", "poetry", "--json").stdout)["results"]) == 60


def test_show_says_when_someone_with_a_cadence_is_never_due(cli: Cli, make_person: MakePerson) -> None:
    """Archived, a cadence is no reminder: not "due: now" beside a `vault due` that leaves them out."""
    make_person("Arch", cadence="1w", last_contact="2026-10-01", archived="true")
    make_person("Fresh", cadence="1w")
    assert "; last contact: 2026-10-01; due: never (archived)\n" in cli("show", "Arch").stdout
    assert "; last contact: never; due: now\n" in cli("show", "Fresh").stdout


def test_add_writes_the_log_heading_of_the_config(cli: Cli, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text('log_heading = "📝 Contacts"\n', encoding="utf-8")
    assert cli("add", "Ann").exit_code == 0
    assert cli("log", "Ann", "coffee").exit_code == 0
    text = (vault_dir / "People/Ann.md").read_text(encoding="utf-8")
    assert text.endswith(f"\n## 📝 Contacts\n- {TODAY} coffee\n") and "## Log" not in text


def test_log_refuses_a_log_kept_as_dated_headings(cli: Cli, vault_dir: Path) -> None:
    """An entry written below `### 2026-11-20 / A call.` would sit in that day's section."""
    text = "---\ncadence: 1m\n---\n## Log\n### 2026-11-30\nCoffee.\n### 2026-11-20\nA call.\n"
    note = write_note(vault_dir, "People/Ada.md", text)
    fails(
        cli("log", "Ada", "call: second"),
        1,
        "People/Ada.md:5: the Log is kept as dated headings or a table, not as - YYYY-MM-DD entries; "
        "the note was not changed: write it by hand, or turn them into entries",
    )
    assert note.read_text(encoding="utf-8") == text
