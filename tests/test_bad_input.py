"""SPEC §4 "Bad input is reported, not fatal", through the real CLI: a note with dates at the
calendar's ends, a file or folder name that is not UTF-8. Each is named in `vault check`
(where it is worth saying) and every other note still works."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_note
from typer.testing import CliRunner, Result

from vaultkit.cli import app

Cli = Callable[..., Result]
MakePerson = Callable[..., Path]

FIRST, LAST = "0001-01-01", "9999-12-31"


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
        ["followups", "--json"], ["review"], ["review", "--week", "9999-W52"],
        ["review", "--week", "0001-W01"], ["stats"], ["stats", "--json"], ["suggest"],
        ["suggest", "--json"], ["export", "ics"], ["export", "ics", "--days", "999999999"],
        ["export", "vcard"], ["export", "csv"], ["export", "json"], ["render"],
        ["meet", "Ok Person"], ["meet", "Every 1", "--date", FIRST],
        ["log", "Ok Person", "hi", "--date", FIRST], ["log", "Every 0", "hello"],
        ["intro", "Ok Person", "Met 1", "--date", past], ["add", "New One", "--met", LAST],
        ["add", "New Two", "--met", FIRST], ["templates", "list"],
    ]  # fmt: skip
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
        "vault: 1 folder(s) could not be read, so their notes are left out, and 1 note problem(s) "
        "skipped; run `vault check` to see them\n"
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


def test_a_vault_folder_named_in_bytes_is_still_a_vault(tmp_path: Path) -> None:
    root = os.fsdecode(_bytes_path(tmp_path, b"Vault\xff"))
    write_note(Path(root), "People/Ada.md", "---\ncadence: 1m\n---\n")
    # No --index: the default one is named from the vault's path.
    runner = CliRunner(env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "VAULTKIT_INDEX": None})
    result = runner.invoke(app, ["--vault", root, "--today", "2026-11-22", "due"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert "Ada" in result.stdout
