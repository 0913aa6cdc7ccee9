"""SPEC §4 "Bad input is reported, not fatal", through the real CLI: a note with dates at the
calendar's ends, a file or folder name that is not UTF-8, a folder that cannot be read. Each
is named in `vault check` (where it is worth saying) and every other note still works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_note
from typer.testing import Result

Cli = Callable[..., Result]

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
