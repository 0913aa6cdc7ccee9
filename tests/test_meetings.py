"""`vault meet`, `vault followups` and `vault review` through the real CLI on temp vaults."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_note

ADA = """\
---
tags: [person, mentor]
cadence: 1m
met: 2024-05-01
introduced_by: "[[Charles Babbage]]"
birthday: 1815-12-10
company: Analytical Engines
role: Mathematician
---
# Ada Lovelace

## Notes
- Kids: Byron. Loves poetry and horses.
- [ ] Send her the Babbage paper 📅 2026-11-30
- [x] Read her translation notes

### Family
- Mother: Annabella, who wanted her to study mathematics.

## Log
- 2026-10-02 coffee: talked about her new paper, and [[Mary Somerville]]'s lecture
- 2026-08-15 call: job change
- 2026-07-01 email: sent the notes
- 2026-06-01 letter: first letter
"""

CHARLES = """\
---
tags: [person]
cadence: 1m
---
# Charles Babbage

## Notes
- Building the engine.
"""

MARY = """\
---
tags: [person]
---
# Mary Somerville

## Notes
- Taught [[Ada Lovelace]] mathematics.
"""

OLD_MEETING = """\
---
date: 2026-10-20
people: ["[[Ada Lovelace]]"]
tags: [meeting]
---
# Engine demo

## Follow-ups
- [ ] Send the slides to [[Charles Babbage]] 📅 2026-11-10
"""

DAILY = """\
# Wednesday 21 October

- Tea with [[Ada Lovelace]] at the Royal Society.
"""


@pytest.fixture
def ada_vault(vault_dir: Path) -> Path:
    """Ada with every kind of context, Charles (due, never contacted) and Mary."""
    write_note(vault_dir, "People/Ada Lovelace.md", ADA)
    write_note(vault_dir, "People/Charles Babbage.md", CHARLES)
    write_note(vault_dir, "People/Mary Somerville.md", MARY)
    write_note(vault_dir, "Meetings/2026-10-20 Engine demo.md", OLD_MEETING)
    write_note(vault_dir, "Daily/2026-10-21.md", DAILY)
    return vault_dir


def due_names(cli) -> list[str]:
    result = cli("due", "--json")
    assert result.exit_code == 0, result.stderr
    return [item["name"] for item in json.loads(result.stdout)["due"]]


EXPECTED_MEETING = """\
---
date: 2026-11-22
people: ["[[Ada Lovelace]]"]
tags: [meeting]
---
# Ada Lovelace

<!-- vaultkit:context -->
## Before you talk

### [[Ada Lovelace]]
- **Role**: Mathematician at Analytical Engines
- **Met**: 2024-05-01, introduced by [[Charles Babbage]]
- **Birthday**: 2026-12-10, in 18 days (turns 211)
- **Linked with**: [[Charles Babbage]], [[Mary Somerville]]

**Last interactions**
- 2026-10-21 daily note: Tea with [[Ada Lovelace]] at the Royal Society. ([[2026-10-21]])
- 2026-10-20 meeting: [[2026-10-20 Engine demo]]
- 2026-10-02 coffee: talked about her new paper, and [[Mary Somerville]]'s lecture
- 2026-08-15 call: job change
- 2026-07-01 email: sent the notes

**Open follow-ups**
- ☐ Send the slides to [[Charles Babbage]] 📅 2026-11-10 (overdue) ([[2026-10-20 Engine demo]])
- ☐ Send her the Babbage paper 📅 2026-11-30

**Notes**
- Kids: Byron. Loves poetry and horses.

### Family
- Mother: Annabella, who wanted her to study mathematics.
<!-- /vaultkit:context -->

## Conversation

## Follow-ups
<!-- New follow-ups as tasks, e.g. - [ ] send the paper 📅 2026-12-01 -->
"""


def test_meet_fills_every_section_from_its_source_and_makes_the_person_not_due(cli, ada_vault: Path) -> None:
    assert due_names(cli) == ["Charles Babbage", "Ada Lovelace"]

    result = cli("meet", "Ada")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Meetings/2026-11-22 Ada Lovelace.md\n"
    note = ada_vault / "Meetings/2026-11-22 Ada Lovelace.md"
    assert note.read_text(encoding="utf-8") == EXPECTED_MEETING
    # The meeting is a contact for Ada on its date; the links in the context are not
    # contacts for Charles and Mary, and the copied tasks are not follow-ups again.
    assert due_names(cli) == ["Charles Babbage"]
    shown = json.loads(cli("show", "Charles", "--json").stdout)
    assert shown["last_contact"] is None
    ada = json.loads(cli("show", "Ada", "--json").stdout)
    assert (ada["last_contact"], ada["last_channel"]) == ("2026-11-22", "meeting")
    assert [f["path"] for f in ada["followups"]] == [
        "Meetings/2026-10-20 Engine demo.md",
        "People/Ada Lovelace.md",
    ]
    assert cli("check").stdout == "No problems found.\n"


def test_meet_names_the_file_from_people_or_title_and_never_overwrites(cli, ada_vault: Path) -> None:
    assert cli("meet", "Ada, Charles").stdout == "Meetings/2026-11-22 Ada Lovelace and Charles Babbage.md\n"
    assert cli("meet", "Ada,Charles,Mary").stdout == (
        "Meetings/2026-11-22 Ada Lovelace, Charles Babbage and Mary Somerville.md\n"
    )
    first = cli("meet", "Ada", "--title", "Lunch: plans? [draft]", "--date", "2026-11-20")
    assert first.stdout == "Meetings/2026-11-20 Lunch plans draft.md\n"
    again = cli("meet", "Ada", "--title", "Lunch: plans? [draft]", "--date", "2026-11-20")
    assert again.stdout == "Meetings/2026-11-20 Lunch plans draft (2).md\n"
    text = (ada_vault / "Meetings/2026-11-20 Lunch plans draft.md").read_text(encoding="utf-8")
    assert text.startswith('---\ndate: 2026-11-20\npeople: ["[[Ada Lovelace]]"]\ntags: [meeting]\n---\n')
    assert "\n# Lunch: plans? [draft]\n" in text
    both = (ada_vault / "Meetings/2026-11-22 Ada Lovelace and Charles Babbage.md").read_text(encoding="utf-8")
    assert 'people: ["[[Ada Lovelace]]", "[[Charles Babbage]]"]' in both
    assert "### [[Ada Lovelace]]" in both and "### [[Charles Babbage]]" in both
    assert due_names(cli) == []


def test_a_long_title_in_any_script_makes_a_file_name_a_file_system_takes(cli, ada_vault: Path) -> None:
    # A name was cut at 120 characters: 120 CJK characters are 360 bytes, over the 255 a name may have.
    title = "日本語" * 40
    made = cli("meet", "Ada", "--title", title, "--date", "2026-11-20")
    assert made.exit_code == 0, made.output
    assert made.stdout == f"Meetings/2026-11-20 {'日本語' * 22}.md\n"  # the title's first 200 bytes
    assert f"\n# {title}\n" in (ada_vault / made.stdout.strip()).read_text(encoding="utf-8")


def test_a_title_with_a_comment_opener_hides_nothing_of_the_meeting_note(cli, ada_vault: Path) -> None:
    # `# Chat %% about it` would open a comment over the rest of the note, its context
    # block and the follow-ups written under it: the heading gets the opener escaped.
    made = cli("meet", "Ada", "--title", "Chat %% about it <!-- x", "--date", "2026-11-20")
    path = ada_vault / made.stdout.strip()
    # The file name has neither: a link to it (the weekly review's) would open a comment.
    assert path.name == "2026-11-20 Chat % about it !-- x.md"
    text = path.read_text(encoding="utf-8")
    assert "\n# Chat %\\% about it <\\!-- x\n" in text
    path.write_text(text + "- [ ] Send Ada the paper\n", encoding="utf-8")
    # A role or company of hers (front matter) in the context block is escaped the same way.
    cli("set", "Ada", "role=Lead <!-- x", "company=Acme %% Corp")
    other = ada_vault / cli("meet", "Ada", "--date", "2026-11-21").stdout.strip()
    assert "- **Role**: Lead <\\!-- x at Acme %\\% Corp\n" in other.read_text(encoding="utf-8")
    followups = json.loads(cli("followups", "--json").stdout)
    assert [f["text"] for f in followups["followups"] if f["path"] == f"Meetings/{path.name}"] == [
        "Send Ada the paper"
    ]


def test_meet_refuses_unknown_people_and_bad_dates(cli, ada_vault: Path) -> None:
    unknown = cli("meet", "Grace Hopper")
    assert unknown.exit_code == 1
    assert unknown.stderr == "vault: nobody called 'Grace Hopper' in the vault\n"
    bad = cli("meet", "Ada", "--date", "22/11/2026")
    assert bad.exit_code == 2
    assert bad.stderr == "vault: --date '22/11/2026' is not a date (use YYYY-MM-DD)\n"
    assert not (ada_vault / "Meetings/2026-11-22 Ada Lovelace.md").exists()


def test_a_meeting_prepared_for_a_later_date_counts_from_that_date(cli, ada_vault: Path) -> None:
    assert cli("meet", "Charles", "--date", "2026-11-25").exit_code == 0
    assert "Charles Babbage" in due_names(cli)
    result = cli("due", "--json", today="2026-11-25")
    assert "Charles Babbage" not in [item["name"] for item in json.loads(result.stdout)["due"]]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses xdg-open, the Linux opener")
def test_meet_open_uses_the_system_opener_or_says_there_is_none(
    cli, ada_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$@" > "{opened}"\n', encoding="utf-8")
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))

    assert cli("meet", "Ada", "--open").exit_code == 0
    assert _wait_for(opened) == f"{ada_vault / 'Meetings/2026-11-22 Ada Lovelace.md'}\n"

    opened.unlink()
    (ada_vault / ".obsidian").mkdir()
    assert cli("meet", "Mary", "--open").exit_code == 0
    assert _wait_for(opened) == (
        "obsidian://open?vault=vault&file=Meetings%2F2026-11-22%20Mary%20Somerville.md\n"
    )

    opener.unlink()
    result = cli("meet", "Charles", "--open")
    assert result.exit_code == 1
    assert result.stdout == "Meetings/2026-11-22 Charles Babbage.md\n"
    assert result.stderr == (
        "vault: cannot open Meetings/2026-11-22 Charles Babbage.md: there is no `xdg-open` "
        "on this system; open it yourself\n"
    )
    assert (ada_vault / "Meetings/2026-11-22 Charles Babbage.md").exists()


def _wait_for(path: Path, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8").endswith("\n"):
            return path.read_text(encoding="utf-8")
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


# -- follow-ups --------------------------------------------------------------------------
FOLLOWUP_PERSON = """\
---
tags: [person]
---
# Ada Lovelace

## Notes
- [ ] Send the paper 📅 2026-11-20
- [/] Draft the intro email
- [x] Booked the table
- [X] Returned the book 📅 2026-11-01
- [-] Cancelled: the opera 📅 2026-11-02
"""

FOLLOWUP_MEETING = """\
---
date: 2026-11-10
people: [Ada Lovelace, "[[Charles Babbage]]"]
---
# Engine demo

- [ ] Book the next demo 📅 2026-12-01
- [x] Send the minutes
> - [ ] a quoted task is not a task
"""

FOLLOWUP_UNNAMED = """\
---
date: 2026-11-11
---
# Nobody's meeting

- [ ] Nobody's task 📅 2026-11-12
"""


@pytest.fixture
def followup_vault(vault_dir: Path) -> Path:
    write_note(vault_dir, "People/Ada Lovelace.md", FOLLOWUP_PERSON)
    write_note(vault_dir, "People/Charles Babbage.md", "# Charles Babbage\n")
    write_note(vault_dir, "Meetings/2026-11-10 Engine demo.md", FOLLOWUP_MEETING)
    write_note(vault_dir, "Meetings/2026-11-11 Nobody.md", FOLLOWUP_UNNAMED)
    return vault_dir


def test_followups_lists_open_tasks_of_person_and_meeting_notes(cli, followup_vault: Path) -> None:
    result = cli("followups")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "4 open follow-ups, 1 overdue:\n"
        "  2026-11-20 late  Ada Lovelace: Send the paper  (People/Ada Lovelace.md:7)\n"
        "  2026-12-01       Ada Lovelace: Book the next demo  (Meetings/2026-11-10 Engine demo.md:7)\n"
        "  2026-12-01       Charles Babbage: Book the next demo  (Meetings/2026-11-10 Engine demo.md:7)\n"
        "  no date          Ada Lovelace: Draft the intro email  (People/Ada Lovelace.md:8)\n"
    )


def test_followups_json_for_one_person_and_overdue(cli, followup_vault: Path) -> None:
    data = json.loads(cli("followups", "Ada", "--json").stdout)
    assert data == {
        "today": "2026-11-22",
        "followups": [
            {"person": "Ada Lovelace", "text": "Send the paper 📅 2026-11-20", "due": "2026-11-20",
             "path": "People/Ada Lovelace.md", "line": 7, "overdue": True},
            {"person": "Ada Lovelace", "text": "Book the next demo 📅 2026-12-01", "due": "2026-12-01",
             "path": "Meetings/2026-11-10 Engine demo.md", "line": 7, "overdue": False},
            {"person": "Ada Lovelace", "text": "Draft the intro email", "due": None,
             "path": "People/Ada Lovelace.md", "line": 8, "overdue": False},
        ],
    }  # fmt: skip
    overdue = json.loads(cli("followups", "--overdue", "--json").stdout)["followups"]
    assert [(f["person"], f["text"]) for f in overdue] == [("Ada Lovelace", "Send the paper 📅 2026-11-20")]
    # Due today is not overdue; the day after it is.
    assert cli("followups", "Charles", "--overdue", today="2026-12-01").stdout == "No overdue follow-ups.\n"
    assert "Book the next demo" in cli("followups", "Charles", "--overdue", today="2026-12-02").stdout


def test_ticking_a_follow_up_in_the_editor_removes_it(cli, followup_vault: Path) -> None:
    note = followup_vault / "People/Ada Lovelace.md"
    note.write_text(note.read_text(encoding="utf-8").replace("- [ ] Send", "- [x] Send"), encoding="utf-8")
    note.write_text(note.read_text(encoding="utf-8").replace("- [/] Draft", "- [-] Draft"), encoding="utf-8")
    data = json.loads(cli("followups", "Ada", "--json").stdout)
    assert [f["text"] for f in data["followups"]] == ["Book the next demo 📅 2026-12-01"]
    assert cli("followups", "Nobody").exit_code == 1


# -- the weekly review ---------------------------------------------------------------------
def _person(root: Path, name: str, **fields: str) -> None:
    head = "".join(f"{key}: {value}\n" for key, value in fields.items())
    write_note(root, f"People/{name}.md", f"---\ntags: [person]\n{head}---\n# {name}\n")


@pytest.fixture
def review_vault(vault_dir: Path) -> Path:
    """People met around the turn of 2026/2027 (ISO week 2026-W53 runs Dec 28 to Jan 3)."""
    _person(vault_dir, "Wen", met="2026-12-15")  # 2026-W51
    _person(vault_dir, "Xavier", met="2026-12-22")  # 2026-W52
    _person(vault_dir, "Yara", met="2026-12-29")  # 2026-W53
    _person(vault_dir, "Zane", met="2027-01-02")  # 2026-W53, though in 2027
    _person(vault_dir, "Ola", met="2027-01-05")  # 2027-W01
    # Due on Jan 8: coming due as of Sunday Jan 3, due as of the real today (Jan 20).
    _person(vault_dir, "Soon", cadence="2w", last_contact="2026-12-25")
    _person(vault_dir, "Quick", cadence="1w", last_contact="2026-12-01")  # due Dec 8
    _person(vault_dir, "Rare", cadence="1m", last_contact="2026-10-01")  # due Nov 1
    write_note(
        vault_dir,
        "Meetings/2026-12-30 Yara.md",
        '---\ndate: 2026-12-30\npeople: ["[[Yara]]"]\n---\n# Yara\n\n'
        "- [ ] Send Yara the deck 📅 2026-12-31\n- [ ] Call Yara back 📅 2027-01-05\n",
    )
    write_note(vault_dir, "Meetings/2027-01-04 Ola.md", '---\npeople: ["[[Ola]]"]\n---\n# Ola\n')
    return vault_dir


EXPECTED_W53 = """\
# Week 2026-W53

<!-- vaultkit:review -->
2026-12-28 to 2027-01-03, as of 2027-01-03.

## New people
2 met this week, goal 1 (reached); streak: 3 weeks.
- [[Yara]], met 2026-12-29
- [[Zane]], met 2027-01-02

## People you want to meet
- nobody waiting: `vault want NAME` adds someone you want to meet

## Meetings
- 2026-12-30 [[2026-12-30 Yara]]: [[Yara]]

## Due now
- [[Quick]]: last: 2026-12-01, every week, 26 days over
- [[Rare]]: last: 2026-10-01, every month, 63 days over

## Coming due in the next 7 days
- [[Soon]] on 2027-01-08: last: 2026-12-25, every 2 weeks, due in 5 days

## Overdue follow-ups
- Send Yara the deck 📅 2026-12-31 ([[Yara]], in [[2026-12-30 Yara]]; 3 days late)

## Drifting furthest
- [[Quick]]: 26 days overdue on a 1w cadence (3.7 cadences)
- [[Rare]]: 63 days overdue on a 1m cadence (2.0 cadences)
<!-- /vaultkit:review -->

## Notes to self
"""


def test_review_of_a_week_across_the_new_year(cli, review_vault: Path) -> None:
    result = cli("review", "--week", "2026-W53", today="2027-01-20")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Wrote Reviews/2026-W53.md: 2 new people (goal 1, streak 3 weeks), 1 meeting, "
        "2 due, 1 overdue follow-up\n"
    )
    assert (review_vault / "Reviews/2026-W53.md").read_text(encoding="utf-8") == EXPECTED_W53


@pytest.mark.parametrize(
    ("goal", "week", "today", "count", "streak"),
    [
        (1, "2026-W52", "2027-01-20", 1, 2),  # W51, W52
        (2, "2026-W53", "2027-01-20", 2, 1),  # only W53 has two
        (1, "2027-W01", "2027-01-06", 1, 4),  # W51 through 2027-W01, counted on Wednesday
        (1, "2027-W02", "2027-01-12", 0, 4),  # nobody yet this week: the streak ends last week
        (1, "2027-W03", "2027-01-20", 0, 0),  # a week with nobody breaks it
    ],
)
def test_review_goal_count_and_streak(
    cli, review_vault: Path, goal: int, week: str, today: str, count: int, streak: int
) -> None:
    (review_vault / "vaultkit.toml").write_text(f"[goals]\nnew_people_per_week = {goal}\n", encoding="utf-8")
    result = cli("review", "--week", week, today=today)
    assert result.exit_code == 0, result.stderr
    text = (review_vault / f"Reviews/{week}.md").read_text(encoding="utf-8")
    weeks = "week" if streak == 1 else "weeks"
    reached = " (reached)" if count >= goal else ""
    assert f"\n{count} met this week, goal {goal}{reached}; streak: {streak} {weeks}.\n" in text


def test_review_with_no_goal_says_so(cli, review_vault: Path) -> None:
    (review_vault / "vaultkit.toml").write_text("[goals]\nnew_people_per_week = 0\n", encoding="utf-8")
    result = cli("review", "--week", "2026-W53", today="2027-01-20")
    assert result.stdout.startswith(
        "Wrote Reviews/2026-W53.md: 2 new people (no weekly goal set), 1 meeting, "
    )


def test_review_again_replaces_only_its_block(cli, review_vault: Path) -> None:
    assert cli("review", "--week", "2026-W53", today="2027-01-20").exit_code == 0
    review = review_vault / "Reviews/2026-W53.md"
    mine = (
        review.read_text(encoding="utf-8")
        .replace("# Week 2026-W53", "# My week")
        .replace("## Notes to self\n", "## Notes to self\n- Too many intros, not enough follow-through.\n")
    )
    review.write_text(mine, encoding="utf-8")
    again = cli("review", "--week", "2026-W53", today="2027-01-20")
    assert again.stdout.startswith("Up to date: Reviews/2026-W53.md:")
    assert review.read_text(encoding="utf-8") == mine

    _person(review_vault, "Vic", met="2026-12-31")
    assert cli("review", "--week", "2026-W53", today="2027-01-20").stdout.startswith("Wrote")
    text = review.read_text(encoding="utf-8")
    assert text.startswith("# My week\n")
    assert text.endswith("## Notes to self\n- Too many intros, not enough follow-through.\n")
    assert "3 met this week" in text and "- [[Vic]], met 2026-12-31\n" in text


def test_review_defaults_to_this_week_and_refuses_a_bad_week(cli, review_vault: Path) -> None:
    assert cli("review", today="2027-01-02").stdout.startswith("Wrote Reviews/2026-W53.md: 2 new people")
    bad = cli("review", "--week", "2027-53")
    assert bad.exit_code == 2
    assert bad.stderr == "vault: --week: '2027-53' is not an ISO week (use YYYY-Www, e.g. 2026-W47)\n"
    ahead = cli("review", "--week", "2027-W10", today="2027-01-06")
    assert (ahead.exit_code, ahead.stderr) == (
        2,
        "vault: --week 2027-W10 has not begun yet (today is 2027-01-06)\n",
    )
    assert not (review_vault / "Reviews" / "2027-W10.md").exists()
