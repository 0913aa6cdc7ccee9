"""Who is due: the rules of `vaultkit.due` as functions, then through the real `vault due --json`
on temp vaults (spec §1 "Due", §3)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import write_note
from typer.testing import Result

from vaultkit import due as rules
from vaultkit.config import Config
from vaultkit.dates import parse_cadence
from vaultkit.model import Person

Cli = Callable[..., Result]


def due(cli: Cli, *args: str, today: str = "2026-11-22") -> dict[str, Any]:
    result = cli("due", "--json", *args, today=today)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def due_items(cli: Cli, *args: str, today: str = "2026-11-22") -> list[dict[str, Any]]:
    data = due(cli, *args, today=today)
    assert data["problems"] == []
    items: list[dict[str, Any]] = data["due"]
    return items


def by_name(cli: Cli, *args: str, today: str = "2026-11-22") -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in due_items(cli, *args, today=today)}


def last(cli: Cli, name: str, today: str = "2026-11-22") -> tuple[str | None, str | None]:
    """(last_contact, last_channel) of someone with a 1d cadence (due within a year)."""
    item = by_name(cli, "--within", "1y", today=today)[name]
    return item["last_contact"], item["last_channel"]


def config(vault: Path, text: str) -> None:
    (vault / "vaultkit.toml").write_text(text, encoding="utf-8")


# -- the JSON shape -----------------------------------------------------------------------
def test_due_json_is_exactly_the_spec_shape(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person(
        "Ada Lovelace",
        body="## Log\n- 2026-10-02 coffee: talked about her paper\n- 2026-08-15 call: job change\n",
        cadence="1m",
        last_contact="2026-10-02",
    )
    make_person("Charles Babbage", cadence="1y", last_contact="2026-10-02")
    result = cli("due", "--json")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "today": "2026-11-22",
        "due": [
            {
                "name": "Ada Lovelace",
                "path": "People/Ada Lovelace.md",
                "cadence": "1m",
                "cadence_source": "own",
                "cadence_days": 31,
                "last_contact": "2026-10-02",
                "last_channel": "coffee",
                "due_on": "2026-11-02",
                "days_overdue": 20,
            }
        ],
        "problems": [],
        # Issue 4 adds these two to the spec's shape (nobody here has either).
        "followups": [],
        "birthdays": [],
    }
    # Keys in the spec's order.
    assert list(json.loads(result.stdout)["due"][0]) == [
        "name", "path", "cadence", "cadence_source", "cadence_days",
        "last_contact", "last_channel", "due_on", "days_overdue",
    ]  # fmt: skip


def test_names_with_accents_are_in_order_among_the_others(cli: Cli, make_person: Callable[..., Path]) -> None:
    """By name with accents folded (Émile beside Emma, not after Zed), then as written;
    the same order in `due`, `list` and the index's pages as in Python's (`name_order`)."""
    from vaultkit.model import name_order

    names = ["Zoë", "Ömer", "eve", "Émile", "Zed", "Adam", "Zoe", "Emma", "zara", "Søren", "Łukasz", "Ægir"]
    for name in names:
        make_person(name, cadence="1m")
    expected = [
        "Adam",
        "Ægir",
        "Émile",
        "Emma",
        "eve",
        "Łukasz",
        "Ömer",
        "Søren",
        "zara",
        "Zed",
        "Zoe",
        "Zoë",
    ]
    assert sorted(names, key=name_order) == expected
    assert [item["name"] for item in due_items(cli)] == expected
    assert [person["name"] for person in json.loads(cli("list", "--json").stdout)["people"]] == expected
    table = cli("due", "--limit", "3", today="2026-11-22").stdout.splitlines()
    assert [line.split()[0] for line in table[3:6]] == expected[:3]


def test_never_contacted_has_nulls_and_the_nominal_length(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Yuki Tanaka", cadence="1m")
    assert due_items(cli) == [
        {
            "name": "Yuki Tanaka",
            "path": "People/Yuki Tanaka.md",
            "cadence": "1m",
            "cadence_source": "own",
            "cadence_days": 30,
            "last_contact": None,
            "last_channel": None,
            "due_on": None,
            "days_overdue": None,
        }
    ]


def test_problems_are_listed_and_the_rest_still_works(
    cli: Cli, make_person: Callable[..., Path], vault_dir: Path
) -> None:
    make_person("Ada", cadence="1w")
    make_person("Bob", cadence="fortnightly")
    write_note(vault_dir, "People/Broken.md", "---\ncadence: [1m\n---\n")
    data = due(cli)
    assert [item["name"] for item in data["due"]] == ["Ada"]
    assert data["problems"] == [
        {
            "path": "People/Bob.md",
            "line": 2,
            "level": "error",
            "message": "cadence: 'fortnightly' is not a cadence "
            "(use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none); ignored",
        },
        {
            "path": "People/Broken.md",
            "line": 3,
            "level": "error",
            "message": "invalid YAML in front matter: did not find expected ',' or ']'; note skipped",
        },
    ]
    human = cli("due")
    assert human.stderr == (
        "vault: 1 note(s) skipped, and 1 value(s) in notes ignored; run `vault check` to see them\n"
    )


# -- where the last contact comes from ----------------------------------------------------
def test_last_contact_from_front_matter(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1d", last_contact="2026-10-02")
    assert last(cli, "Ada") == ("2026-10-02", None)


def test_last_contact_from_own_log_in_any_order(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person(
        "Ada", cadence="1d", body="## Log\n- 2026-08-15 call: a\n- 2026-10-02 coffee: b\n- 2026-09-01 c\n"
    )
    assert last(cli, "Ada") == ("2026-10-02", "coffee")


def test_the_newer_of_front_matter_and_derived_wins(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1d", last_contact="2026-11-01", body="## Log\n- 2026-10-02 coffee: b\n")
    make_person("Bob", cadence="1d", last_contact="2026-09-01", body="## Log\n- 2026-10-02 coffee: b\n")
    make_person("Cy", cadence="1d", last_contact="2026-10-02", body="## Log\n- 2026-10-02 coffee: b\n")
    people = by_name(cli)
    assert (people["Ada"]["last_contact"], people["Ada"]["last_channel"]) == ("2026-11-01", None)
    assert (people["Bob"]["last_contact"], people["Bob"]["last_channel"]) == ("2026-10-02", "coffee")
    assert (people["Cy"]["last_contact"], people["Cy"]["last_channel"]) == ("2026-10-02", "coffee")


def test_future_dates_are_ignored(cli: Cli, make_person: Callable[..., Path], vault_dir: Path) -> None:
    make_person(
        "Ada",
        cadence="1d",
        last_contact="2026-12-25",
        body="## Log\n- 2026-12-01 call: planned by mistake\n- 2026-10-02 coffee: real\n",
    )
    write_note(vault_dir, "Meetings/2026-12-01 Ada.md", "---\npeople: [Ada]\n---\n")
    write_note(vault_dir, "Daily/2026-11-23.md", "- [[Ada]]\n")
    assert last(cli, "Ada") == ("2026-10-02", "coffee")
    # The same notes count once their day has come.
    assert last(cli, "Ada", today="2026-11-23") == ("2026-11-23", None)
    assert last(cli, "Ada", today="2026-12-01") == ("2026-12-01", "meeting")
    assert last(cli, "Ada", today="2026-12-31") == ("2026-12-25", None)


@pytest.mark.parametrize(
    "people",
    [
        "[Ada Lovelace]",
        "Ada Lovelace",
        "'[[Ada Lovelace]]'",
        "[[Ada Lovelace]]",
        "'[[People/Ada Lovelace|Ada]]'",
        "['[[Ada Lovelace]]', Somebody Else]",
        "\n  - Nobody\n  - ada lovelace",
        "[Ada]",
    ],
)
def test_meeting_people_property(
    cli: Cli, make_person: Callable[..., Path], vault_dir: Path, people: str
) -> None:
    make_person("Ada Lovelace", cadence="1d", aliases=["Ada"])
    write_note(vault_dir, "Meetings/2026-11-04 Intro.md", f"---\npeople: {people}\n---\n# Intro\n")
    assert last(cli, "Ada Lovelace") == ("2026-11-04", "meeting")


def test_meeting_people_property_wins_over_body_links(
    cli: Cli, make_person: Callable[..., Path], vault_dir: Path
) -> None:
    make_person("Ada", cadence="1d")
    make_person("Bob", cadence="1d")
    write_note(vault_dir, "Meetings/2026-11-04 Intro.md", "---\npeople: [Bob]\n---\nTalked about [[Ada]].\n")
    people = by_name(cli)
    assert people["Ada"]["last_contact"] is None
    assert people["Bob"]["last_contact"] == "2026-11-04"


def test_meeting_body_links_count_when_there_is_no_people_property(
    cli: Cli, make_person: Callable[..., Path], vault_dir: Path
) -> None:
    for name in ("Ada", "Bob", "Cy", "Di"):
        make_person(name, cadence="1d")
    write_note(
        vault_dir,
        "Meetings/2026-11-04 Team.md",
        "# Team\n- with [[Ada]] and [Bob](../People/Bob.md)\n- [ ] send [[Cy]] the notes\n> [[Di]] said\n",
    )
    people = by_name(cli)
    assert [people[n]["last_contact"] for n in ("Ada", "Bob", "Cy", "Di")] == [
        "2026-11-04",
        "2026-11-04",
        None,
        None,
    ]


def test_meeting_date_property_wins_over_the_file_name(
    cli: Cli, make_person: Callable[..., Path], vault_dir: Path
) -> None:
    make_person("Ada", cadence="1d")
    make_person("Bob", cadence="1d")
    write_note(vault_dir, "Meetings/2026-11-04 Ada.md", "---\ndate: 2026-11-06T10:00\n---\n[[Ada]]\n")
    write_note(vault_dir, "Meetings/Lunch with Bob.md", "---\ndate: 2026-11-07\n---\n[[Bob]]\n")
    write_note(vault_dir, "Meetings/Undated.md", "[[Bob]] [[Ada]]\n")
    people = by_name(cli)
    assert people["Ada"]["last_contact"] == "2026-11-06"
    assert people["Bob"]["last_contact"] == "2026-11-07"


def test_daily_notes_that_link(cli: Cli, make_person: Callable[..., Path], vault_dir: Path) -> None:
    make_person("Ada Lovelace", cadence="1d")
    make_person("Bob", cadence="1d")
    write_note(vault_dir, "Daily/2026-11-20.md", "- lunch with [[Ada Lovelace|Ada]]\n- [ ] call [[Bob]]\n")
    write_note(vault_dir, "Daily/Notes about Bob.md", "[[Bob]]\n")
    people = by_name(cli)
    assert (people["Ada Lovelace"]["last_contact"], people["Ada Lovelace"]["last_channel"]) == (
        "2026-11-20",
        None,
    )
    assert people["Bob"]["last_contact"] is None


def test_dates_never_come_from_file_times(
    cli: Cli, make_person: Callable[..., Path], vault_dir: Path
) -> None:
    make_person("Ada", cadence="1d")
    write_note(vault_dir, "Meetings/Lunch.md", "[[Ada]]\n")
    write_note(vault_dir, "Notes/Random.md", "Saw [[Ada]] today.\n")
    assert last(cli, "Ada") == (None, None)


def test_a_person_note_never_makes_a_contact_for_somebody_else(
    cli: Cli, make_person: Callable[..., Path]
) -> None:
    make_person("Ada", cadence="1d", body="## Log\n- 2026-10-02 coffee: with [[Mary]]\n")
    make_person("Mary", cadence="1d", body="Met through [[Ada]].\n")
    people = by_name(cli)
    assert people["Ada"]["last_contact"] == "2026-10-02"
    assert people["Mary"]["last_contact"] is None


def test_alias_links_count(cli: Cli, make_person: Callable[..., Path], vault_dir: Path) -> None:
    make_person("Ada Lovelace", cadence="1d", aliases=["Ada", "The Countess"])
    make_person("Bob", cadence="1d", aliases=["Shared"])
    make_person("Bobby", cadence="1d", aliases=["Shared"])
    make_person("Cy", cadence="1d", aliases=["Home"])
    write_note(vault_dir, "Daily/2026-11-20.md", "[[Ada]] [[Shared]] [[Home]]\n")
    write_note(vault_dir, "Daily/2026-11-21.md", "[[the countess]]\n")
    write_note(vault_dir, "Home.md", "a note called Home\n")
    data = due(cli)
    assert [(p["path"], p["message"]) for p in data["problems"]] == [
        ("People/Bob.md", "alias 'Shared' is shared with People/Bobby.md"),
        ("People/Bobby.md", "alias 'Shared' is shared with People/Bob.md"),
    ]
    people = {item["name"]: item for item in data["due"]}
    assert people["Ada Lovelace"]["last_contact"] == "2026-11-21"
    # An alias shared by two people, or the name of another note, counts for nobody.
    assert [people[n]["last_contact"] for n in ("Bob", "Bobby", "Cy")] == [None, None, None]


# -- which cadence ------------------------------------------------------------------------
def test_cadence_by_tag_takes_the_shortest(
    cli: Cli, make_person: Callable[..., Path], vault_dir: Path
) -> None:
    config(vault_dir, '[cadence_by_tag]\nmentor = "3m"\nfamily = "2w"\nclient = "1m"\n"#Friend" = "6w"\n')
    make_person("Ada", tags=["person", "mentor", "client"], last_contact="2026-09-01")
    make_person("Bob", tags=["family/close", "mentor"], last_contact="2026-09-01")
    make_person("Cy", tags=["'#friend'"], last_contact="2026-09-01")
    make_person("Di", tags=["FAMILY"], last_contact="2026-09-01")
    make_person("Ed", tags=["familyish"], last_contact="2026-09-01")
    make_person("Fay", tags=["mentor"], cadence="6m", last_contact="2026-05-01")
    people = by_name(cli)
    assert {n: (i["cadence"], i["cadence_source"]) for n, i in people.items()} == {
        "Ada": ("1m", "tag:client"),
        "Bob": ("2w", "tag:family"),
        "Cy": ("6w", "tag:friend"),
        "Di": ("2w", "tag:family"),
        "Fay": ("6m", "own"),
    }


def test_default_cadence_and_opting_out(cli: Cli, make_person: Callable[..., Path], vault_dir: Path) -> None:
    config(vault_dir, 'default_cadence = "3m"\n[cadence_by_tag]\nfamily = "2w"\nacquaintance = "none"\n')
    make_person("Ada", last_contact="2026-01-01")
    make_person("Bob", cadence="none", last_contact="2026-01-01")
    make_person("Cy", cadence="None", tags=["family"], last_contact="2026-01-01")
    make_person("Di", tags=["acquaintance", "family"], last_contact="2026-01-01")
    make_person("Ed", cadence="1y", last_contact="2026-01-01")
    people = by_name(cli)
    assert {n: (i["cadence"], i["cadence_source"]) for n, i in people.items()} == {"Ada": ("3m", "default")}


def test_no_cadence_means_no_reminders(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", last_contact="2020-01-01", tags=["person"])
    make_person("Bob", cadence="fortnightly")  # (not a cadence: an error, and none)
    result = cli("due", "--json", today="2026-11-22")
    assert json.loads(result.stdout)["due"] == []
    assert result.stderr.startswith("vault: nobody has a cadence, so nobody is ever due: ")


# -- when ---------------------------------------------------------------------------------
def test_met_counts_when_there_is_no_contact(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="2w", met="2026-11-01")
    make_person("Bob", cadence="2w", met="2026-11-10")
    assert due_items(cli) == [
        {
            "name": "Ada",
            "path": "People/Ada.md",
            "cadence": "2w",
            "cadence_source": "own",
            "cadence_days": 14,
            "last_contact": None,
            "last_channel": None,
            "due_on": "2026-11-15",
            "days_overdue": 7,
        }
    ]


def test_due_today_and_not_yet(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1m", last_contact="2026-10-22")
    make_person("Bob", cadence="1m", last_contact="2026-10-23")
    assert [(i["name"], i["due_on"], i["days_overdue"]) for i in due_items(cli)] == [("Ada", "2026-11-22", 0)]


def test_month_end_clamping_in_due_on(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1m", last_contact="2026-01-31")
    make_person("Bob", cadence="1y", last_contact="2024-02-29")
    items = by_name(cli, today="2026-03-01")
    assert (items["Ada"]["due_on"], items["Ada"]["cadence_days"]) == ("2026-02-28", 28)
    assert (items["Bob"]["due_on"], items["Bob"]["cadence_days"]) == ("2025-02-28", 365)


def test_snooze(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1m", last_contact="2026-10-02", snooze_until="2026-12-01")
    make_person("Bob", cadence="1m", last_contact="2026-10-02", snooze_until="2026-11-10")
    make_person("Cy", cadence="1m", last_contact="2026-10-02", snooze_until="2026-10-20")
    make_person("Di", cadence="1m", snooze_until="2026-12-01")
    make_person("Ed", cadence="1m", snooze_until="2026-11-01")
    make_person("Fay", cadence="1m", last_contact="2026-10-02", snooze_until="later")
    data = due(cli)
    assert [(i["name"], i["due_on"], i["days_overdue"], i["cadence_days"]) for i in data["due"]] == [
        ("Ed", None, None, 30),
        ("Cy", "2026-11-02", 20, 31),
        ("Fay", "2026-11-02", 20, 31),
        ("Bob", "2026-11-10", 12, 31),
    ]
    assert [p["message"] for p in data["problems"]] == [
        "snooze_until: 'later' is not a date (use YYYY-MM-DD); ignored"
    ]
    # Once the snooze is over, Ada and Di are due from its date.
    after = {item["name"]: item for item in due(cli, today="2026-12-03")["due"]}
    assert (after["Ada"]["due_on"], after["Ada"]["days_overdue"]) == ("2026-12-01", 2)
    assert (after["Di"]["due_on"], after["Di"]["days_overdue"]) == (None, None)


@pytest.mark.parametrize("value", ["true", "yes", "On", "TRUE"])
def test_archived_people_are_never_due(cli: Cli, make_person: Callable[..., Path], value: str) -> None:
    make_person("Ada", cadence="1d", archived=value)
    make_person("Bob", cadence="1d", archived="no")
    assert [i["name"] for i in due_items(cli)] == ["Bob"]


def test_within(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1m", last_contact="2026-10-22")
    make_person("Bob", cadence="1m", last_contact="2026-10-29")
    make_person("Cy", cadence="1m", last_contact="2026-10-30")
    make_person("Di", cadence="1m", last_contact="2026-11-20")
    assert [(i["name"], i["days_overdue"]) for i in due_items(cli, "--within", "7d")] == [
        ("Ada", 0),
        ("Bob", -7),
    ]
    assert [i["name"] for i in due_items(cli, "--within", "1w")] == ["Ada", "Bob"]
    assert [i["name"] for i in due_items(cli, "--within", "0d")] == ["Ada"]
    assert [i["name"] for i in due_items(cli, "--within", "1m")] == ["Ada", "Bob", "Cy", "Di"]
    assert [i["name"] for i in due_items(cli)] == ["Ada"]


def test_bad_within_is_a_usage_error(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1m")
    for within in ("soon", "-1d", "none"):  # (not "a cadence ... or none": `none` is no span)
        result = cli("due", "--within", within)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"vault: --within {within!r}: give a span such as 7d, 2w or 1m\n"


def test_tag_filter(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1d", tags=["mentor"])
    make_person("Bob", cadence="1d", tags=["family/close"])
    make_person("Cy", cadence="1d")
    assert [i["name"] for i in due_items(cli, "--tag", "family")] == ["Bob"]
    assert [i["name"] for i in due_items(cli, "--tag", "#Mentor")] == ["Ada"]


def test_a_tag_is_the_same_tag_however_its_accents_are_encoded(
    cli: Cli, make_person: Callable[..., Path], vault_dir: Path
) -> None:
    # A phone's keyboard may write "é" as e and a combining accent (NFD), the desktop as one
    # character (NFC): the config's tag, the note's and `--tag` are the same tag.
    config(vault_dir, '[cadence_by_tag]\n"caf\u00e9" = "2w"\n')
    make_person("Ada", tags=["cafe\u0301"], last_contact="2026-10-01")
    make_person("Bob", tags=["caf\u00e9/paris"], last_contact="2026-10-01")
    people = by_name(cli, "--tag", "CAFE\u0301")
    assert {n: i["cadence_source"] for n, i in people.items()} == {"Ada": "tag:café", "Bob": "tag:café"}
    result = cli("list", "--tag", "caf\u00e9", "--json")
    assert [p["name"] for p in json.loads(result.stdout)["people"]] == ["Ada", "Bob"]


def test_order(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Zoe", cadence="1m")  # never contacted
    make_person("amy", cadence="1w")  # never contacted
    make_person("Bea", cadence="1w", last_contact="2026-11-01")  # 14 over / 7 = 2.0
    make_person("Cat", cadence="1m", last_contact="2026-09-02")  # 51 over / 30 = 1.7
    make_person("Dan", cadence="2w", last_contact="2026-10-11")  # 28 over / 14 = 2.0
    make_person("Eve", cadence="10d", last_contact="2026-11-12")  # 0 over
    make_person("Fin", cadence="1y", last_contact="2025-08-01")  # 113 over / 365
    assert [i["name"] for i in due_items(cli)] == ["amy", "Zoe", "Bea", "Dan", "Cat", "Fin", "Eve"]


def test_human_output_says_why(cli: Cli, make_person: Callable[..., Path], vault_dir: Path) -> None:
    config(vault_dir, '[cadence_by_tag]\nfamily = "2w"\n')
    make_person("Ada Lovelace", cadence="1m", body="## Log\n- 2026-10-02 coffee: paper\n")
    make_person("Bob", tags=["family"], last_contact="2026-11-01", snooze_until="2026-11-20")
    make_person("Yuki", cadence="quarterly")
    make_person("Zed", cadence="1m", last_contact="2026-11-15")
    result = cli("due", "--within", "4w")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "4 due on 2026-11-22 or coming due by 2026-12-20:",
        "Who            Last contact        Keep in touch             Due",
        "─" * 92,
        "Yuki           never contacted     every 3 months            now",
        "Ada Lovelace   coffee 2026-10-02   every month               20 days over",
        "Bob            2026-11-01          every 2 weeks (#family)   2 days over, snoozed until then",
        "Zed            2026-11-15          every month               due in 23 days",
    ]


def test_nobody_due(cli: Cli, make_person: Callable[..., Path]) -> None:
    make_person("Ada", cadence="1m", last_contact="2026-11-20")
    result = cli("due")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Nobody is due on 2026-11-22. Enjoy your day.\n",
        "",
    )


# -- the rules as functions ---------------------------------------------------------------
D = dt.date
TODAY = D(2026, 11, 22)


def person(
    name: str,
    cadence: str | None = None,
    tags: tuple[str, ...] = (),
    last_contact: dt.date | None = None,
    met: dt.date | None = None,
    snooze_until: dt.date | None = None,
    archived: bool = False,
    folder: str = "People",
) -> Person:
    return Person(
        name=name,
        path=f"{folder}/{name}.md",
        fields={},
        aliases=[],
        tags=list(tags),
        cadence=cadence,
        met=met,
        birthday=None,
        snooze_until=snooze_until,
        archived=archived,
        introduced_by=[],
        last_contact=last_contact,
    )


def cadence_of(who: Person, config: Config) -> tuple[str, str] | None:
    resolved = rules.resolve_cadence(who, config)
    return (resolved[0].text, resolved[1]) if resolved else None


def test_resolve_cadence_own_then_shortest_tag_then_default() -> None:
    config = Config(
        cadence_by_tag=(("family", "2w"), ("friend", "14d"), ("client", "1m"), ("paused", "none")),
        default_cadence="3m",
    )
    assert cadence_of(person("A", cadence="1y", tags=("family",)), config) == ("1y", "own")
    assert cadence_of(person("B", cadence="none", tags=("family",)), config) is None
    assert cadence_of(person("C", cadence="whenever"), config) is None  # unreadable: no reminders
    assert cadence_of(person("D", tags=("client", "#Family/Close")), config) == ("2w", "tag:family")
    # 2w and 14d are as short: the tag that sorts first wins, whatever the order of the tags
    assert cadence_of(person("E", tags=("friend", "family")), config) == ("2w", "tag:family")
    assert cadence_of(person("F", tags=("client", "paused")), config) is None  # a `none` tag opts out
    assert cadence_of(person("G", tags=("familyish",)), config) == ("3m", "default")
    assert cadence_of(person("H"), Config()) is None


@pytest.mark.parametrize(
    ("who", "cadence", "expected"),
    [
        (person("Last", last_contact=D(2026, 1, 31), met=D(2025, 1, 1)), "1m", (D(2026, 2, 28), 28)),
        (person("Met", met=D(2026, 11, 1)), "2w", (D(2026, 11, 15), 14)),
        (person("Never"), "1m", (None, 30)),
        (
            person("Snoozed", last_contact=D(2026, 11, 1), snooze_until=D(2026, 12, 1)),
            "1w",
            (D(2026, 12, 1), 7),
        ),
        (
            person("Stale snooze", last_contact=D(2026, 11, 1), snooze_until=D(2026, 11, 5)),
            "1w",
            (D(2026, 11, 8), 7),
        ),
        (person("Never, snoozed", snooze_until=D(2026, 12, 1)), "1w", (D(2026, 12, 1), 7)),
        (person("Never, snooze over", snooze_until=D(2026, 11, 1)), "1w", (None, 7)),
        (person("Leap", last_contact=D(2024, 2, 29)), "1y", (D(2025, 2, 28), 365)),
    ],
)
def test_due_on(who: Person, cadence: str, expected: tuple[dt.date | None, int]) -> None:
    parsed = parse_cadence(cadence)
    assert parsed is not None
    assert rules.due_on(who, parsed, TODAY) == expected


def test_due_items_order_never_contacted_first_then_most_periods_overdue() -> None:
    people = [
        person("bea", cadence="1w", last_contact=D(2026, 11, 1)),  # 14 days over a 7-day period: 2.0
        person("Abe", cadence="1m", last_contact=D(2026, 9, 22)),  # 31 days over a 30-day period: 1.03
        person("cal", cadence="2w", last_contact=D(2026, 10, 25)),  # 14 days over 14: 1.0
        person("Bob", cadence="1w", last_contact=D(2026, 11, 8)),  # 7 days over 7: 1.0
        person("Zed", cadence="1w"),  # never contacted
        person("Amy", cadence="1w", folder="People/B"),  # never contacted
        person("Amy", cadence="1w", folder="People/A"),
        person("Today", cadence="1w", last_contact=D(2026, 11, 15)),  # due today: 0 periods
        person("Soon", cadence="1w", last_contact=D(2026, 11, 20)),  # due 11-27
        person("Gone", cadence="1w", archived=True),
        person("Free"),  # no cadence
    ]
    items = rules.due_items(people, Config(), TODAY)
    assert [(i.name, i.path, i.days_overdue) for i in items] == [
        ("Amy", "People/A/Amy.md", None),
        ("Amy", "People/B/Amy.md", None),
        ("Zed", "People/Zed.md", None),
        ("bea", "People/bea.md", 14),
        ("Abe", "People/Abe.md", 31),
        ("Bob", "People/Bob.md", 7),  # a tie on 1.0 periods: by name, case aside
        ("cal", "People/cal.md", 14),
        ("Today", "People/Today.md", 0),
    ]
    within = rules.due_items(people, Config(), TODAY, parse_cadence("5d"))
    assert [i.name for i in within][-2:] == ["Today", "Soon"]
    assert within[-1].days_overdue == -5


def test_due_items_tag_filter_and_the_snoozed_flag() -> None:
    people = [
        person(
            "Ann",
            cadence="1w",
            tags=("work/acme",),
            last_contact=D(2026, 11, 1),
            snooze_until=D(2026, 11, 20),
        ),
        person("Bo", cadence="1w", tags=("workshop",)),
        person("Cy", cadence="1w", tags=("#Work",), last_contact=D(2026, 11, 1)),
    ]
    items = rules.due_items(people, Config(), TODAY, tag="#work")
    assert [(i.name, i.due_on, i.snoozed) for i in items] == [
        ("Cy", D(2026, 11, 8), False),
        ("Ann", D(2026, 11, 20), True),  # snoozed past 11-08: 2 days over, not 14
    ]
