"""The figures of `vault stats`, worked out by hand on small vaults."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import write_note

from vaultkit.config import Config
from vaultkit.due import DuePage
from vaultkit.insights.goals import iso_week
from vaultkit.insights.stats import AGE_BANDS, age_band, breakdown, keeping_in_touch, network_stats
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace


def workspace(root: Path, tmp_path: Path, today: str = "2026-11-22") -> Workspace:
    """A synced Workspace on a real vault and a real index."""
    space = Workspace(Vault(root), tmp_path / "python-index.sqlite", dt.date.fromisoformat(today))
    space.sync()
    return space


def stats_json(cli, *args: str, today: str = "2026-11-22") -> dict:
    result = cli("stats", "--json", *args, today=today)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# -- growth ---------------------------------------------------------------------------------
def test_iso_weeks_at_the_year_boundary() -> None:
    assert iso_week(dt.date(2026, 12, 31)) == "2026-W53"
    assert iso_week(dt.date(2027, 1, 1)) == "2026-W53"
    assert iso_week(dt.date(2027, 1, 4)) == "2027-W01"


def test_weekly_counts_and_streak_across_the_year_boundary(cli, make_person) -> None:
    make_person("Ann", met="2026-12-21")  # Monday of 2026-W52
    make_person("Bob", met="2026-12-31")  # 2026-W53
    make_person("Cat", met="2027-01-01")  # still 2026-W53
    make_person("Dan", met="2027-01-04")  # 2027-W01
    make_person("Eve")  # never met: not in any week
    data = stats_json(cli, today="2027-01-05")
    assert data["new_per_week"] == [
        {"week": "2026-W52", "new": 1},
        {"week": "2026-W53", "new": 2},
        {"week": "2027-W01", "new": 1},
    ]
    # The year so far is the calendar year: Cat (2027-01-01, in 2026-W53) counts for 2027.
    assert data["goal"] == {"per_week": 1, "streak_weeks": 3, "year_to_date": 2, "year_target": 52}
    assert data["people"] == 5


def test_streak_ends_last_week_while_this_week_is_short_of_the_goal(cli, vault_dir, make_person) -> None:
    (vault_dir / "vaultkit.toml").write_text("[goals]\nnew_people_per_week = 2\n", encoding="utf-8")
    make_person("Ann", met="2026-12-21")
    make_person("Bob", met="2026-12-31")
    make_person("Cat", met="2027-01-01")
    make_person("Dan", met="2027-01-04")
    data = stats_json(cli, today="2027-01-05")
    # W01 (1 so far) does not break the run yet; W53 (2) meets it; W52 (1) does not.
    assert data["goal"] == {"per_week": 2, "streak_weeks": 1, "year_to_date": 2, "year_target": 104}


def test_since_lists_fewer_weeks_but_the_streak_is_the_whole_history(cli, make_person) -> None:
    for name, met in [("Ann", "2026-12-21"), ("Bob", "2026-12-31"), ("Dan", "2027-01-04")]:
        make_person(name, met=met)
    data = stats_json(cli, "--since", "2026-12-28", today="2027-01-05")
    assert data["new_per_week"] == [{"week": "2026-W53", "new": 1}, {"week": "2027-W01", "new": 1}]
    assert data["goal"]["streak_weeks"] == 3


def test_since_after_today_is_a_usage_error(cli) -> None:
    result = cli("stats", "--since", "2026-12-01")
    assert result.exit_code == 2
    assert result.stderr == "vault: --since 2026-12-01 is after today (2026-11-22)\n"


def test_met_in_the_future_and_archived_people(cli, make_person) -> None:
    make_person("Ann", met="2026-11-20")
    make_person("Old", met="2026-11-18", archived="true")  # history: still met that week
    make_person("Soon", met="2026-11-30")  # after today: not counted yet
    data = stats_json(cli)
    assert data["new_per_week"] == [{"week": "2026-W47", "new": 2}]
    assert data["people"] == 2  # the network now: Ann and Soon, not the archived
    assert data["goal"]["year_to_date"] == 2


# -- keeping in touch -----------------------------------------------------------------------
@pytest.fixture
def touch_vault(vault_dir: Path, make_person) -> Path:
    (vault_dir / "vaultkit.toml").write_text('[cadence_by_tag]\nacquaintance = "none"\n', encoding="utf-8")
    make_person("On Time", cadence="1m", last_contact="2026-11-01")  # due 2026-12-01
    make_person("Drifter", cadence="2w", last_contact="2026-10-01")  # due 10-15: 38 days over
    make_person("Far Drifter", cadence="1w", last_contact="2026-10-01")  # due 10-08: 45 days, 6.4 periods
    make_person("Stranger", cadence="1w")  # never contacted: due now
    make_person("Due Today", cadence="1m", last_contact="2026-10-22")  # due 11-22: not on time
    make_person("Snoozed", cadence="1m", last_contact="2026-09-01", snooze_until="2026-12-01")
    make_person("Archived", cadence="1w", archived="yes")
    make_person("Year Ago", last_contact="2025-11-22")  # no cadence, exactly a year: losing touch
    make_person("Almost", last_contact="2025-11-23")  # a day short of a year
    make_person("Met Long Ago", met="2024-01-01")  # no contact, met long ago: losing touch
    make_person("Nothing")  # no cadence, no dates at all: losing touch
    make_person("Opted Out", cadence="none", last_contact="2020-01-01")
    make_person("Tag Opted Out", tags=["acquaintance"], last_contact="2020-01-01")
    make_person("Snoozed Silence", last_contact="2020-01-01", snooze_until="2027-01-01")
    return vault_dir


def test_on_time_share(cli, touch_vault) -> None:
    data = stats_json(cli)
    # With a cadence: On Time, Drifter, Far Drifter, Stranger, Due Today, Snoozed (not Archived).
    assert data["keeping_in_touch"] == {"with_cadence": 6, "on_time": 2, "share_on_time": 0.33}


def test_drifting_never_contacted_and_losing_touch(touch_vault, tmp_path) -> None:
    touch = network_stats_of(workspace(touch_vault, tmp_path)).keeping_in_touch
    assert [(i.name, i.days_overdue) for i in touch.drifting] == [("Far Drifter", 45), ("Drifter", 38)]
    assert [i.name for i in touch.never_contacted] == ["Stranger"]
    assert [(i.name, i.last) for i in touch.losing_touch] == [
        ("Nothing", None),
        ("Met Long Ago", dt.date(2024, 1, 1)),
        ("Year Ago", dt.date(2025, 11, 22)),
    ]


def test_share_on_time_is_null_when_nobody_has_a_cadence(cli, make_person) -> None:
    make_person("Ann")
    assert stats_json(cli)["keeping_in_touch"] == {"with_cadence": 0, "on_time": 0, "share_on_time": None}


def network_stats_of(space: Workspace):
    from vaultkit.insights.network import collect_stats

    return collect_stats(space)


# -- channels -------------------------------------------------------------------------------
def test_channel_split(cli, vault_dir, make_person) -> None:
    make_person(
        "Ann",
        "## Log\n"
        "- 2026-11-20 coffee: flat whites\n"
        "- 2026-11-10 Coffee: capital C is not a channel word\n"
        "- 2026-10-01 call: catch-up\n"
        "- 2026-09-01 coffee: first one\n"
        "- 2026-12-01 dinner: planned, after today: not counted\n",
    )
    make_person("Bob", "## Log\n- 2026-11-01 video: hello\n")
    write_note(vault_dir, "Meetings/2026-11-05 Kickoff.md", "---\npeople: [Ann, Bob]\n---\n# Kickoff\n")
    write_note(vault_dir, "Daily/2026-11-21.md", "- saw [[Ann]] at the market\n")
    data = stats_json(cli)
    assert list(data["channels"].items()) == [
        ("coffee", 2),
        ("meeting", 2),  # one meeting note, two people
        ("unknown", 2),  # the entry with no channel word, and the daily note
        ("call", 1),
        ("video", 1),
    ]
    since = stats_json(cli, "--since", "2026-11-05")
    assert list(since["channels"].items()) == [("meeting", 2), ("unknown", 2), ("coffee", 1)]


def test_an_ask_counts_for_the_channel_it_was_made_over(cli, vault_dir) -> None:
    # (`vault ask --channel facebook` writes `asked: facebook: ...`: `asked` is no channel)
    assert cli("want", "Jane", "--why", "x", today="2026-11-01").exit_code == 0
    assert cli("ask", "Jane", "loved your post", "--channel", "facebook", today="2026-11-02").exit_code == 0
    assert cli("met", "Jane", "she wrote back", "--channel", "facebook", today="2026-11-20").exit_code == 0
    write_note(vault_dir, "People/Kim.md", "---\nstatus: asked\n---\n## Log\n- 2026-11-03 asked: hello\n")
    assert list(stats_json(cli)["channels"].items()) == [("facebook", 2), ("unknown", 1)]
    assert list(stats_json(cli, "--since", "2026-11-03")["channels"].items()) == [
        ("facebook", 1),
        ("unknown", 1),
    ]
    assert cli("stats").exit_code == 0
    network = (vault_dir / "Network.md").read_text(encoding="utf-8")
    assert 'pie title Interactions by channel\n    "facebook" : 2\n    "unknown" : 1\n```\n' in network


# -- introductions --------------------------------------------------------------------------
def test_introductions_both_ways(cli, vault_dir, make_person) -> None:
    make_person("Ada Lovelace", "## Log\n")
    make_person("Charles Babbage", "## Log\n")
    make_person("Mary Somerville", "## Log\n- 2026-06-01 intro: introduced to [[Ada Lovelace]] (by hand)\n")
    assert cli("intro", "Ada", "Charles", "--date", "2026-11-20").exit_code == 0
    assert cli("add", "John Herschel", "--introduced-by", "Ada").exit_code == 0
    data = stats_json(cli)
    assert data["introductions"] == {
        "made": 2,
        "pairs": [
            {"a": "Ada Lovelace", "b": "Mary Somerville", "date": "2026-06-01"},
            {"a": "Ada Lovelace", "b": "Charles Babbage", "date": "2026-11-20"},
        ],
    }
    shown = json.loads(cli("show", "Ada", "--json").stdout)["introductions"]
    assert shown == {
        "made_by_them": 1,
        "made_for_them": 2,
        "introduced_you_to": ["John Herschel"],
        "you_introduced_them_to": [
            {"name": "Mary Somerville", "date": "2026-06-01"},
            {"name": "Charles Babbage", "date": "2026-11-20"},
        ],
        "introduced_by": [],
    }
    john = json.loads(cli("show", "John", "--json").stdout)["introductions"]
    assert john["introduced_by"] == ["Ada Lovelace"]
    assert john["made_by_them"] == john["made_for_them"] == 0
    assert stats_json(cli, "--since", "2026-07-01")["introductions"]["made"] == 1


def test_an_intro_entry_counts_the_first_person_it_links(cli, make_person) -> None:
    make_person("Ann", "## Log\n- 2026-11-01 intro: introduced to [[Nobody Here]] and [[Bob]], see [[Cat]]\n")
    make_person("Bob")
    make_person("Cat")
    make_person("Dan", "## Log\n- 2026-11-02 intro: no link, not counted\n- 2026-11-03 call: [[Ann]]\n")
    assert stats_json(cli)["introductions"]["pairs"] == [{"a": "Ann", "b": "Bob", "date": "2026-11-01"}]


# -- diversity ------------------------------------------------------------------------------
@pytest.fixture
def diverse_vault(make_person) -> None:
    make_person("Ann", location="London", tags=["person", "friend"], gender="female", birthday="2001-11-23")
    make_person("Bob", location="london", tags=["person", "Friend", "climate"], birthday="2001-11-22")
    make_person("Cat", location='"[[London]]"', tags=["person"], birthday="--05-01")
    make_person("Dan", location="Lagos", company="Acme", birthday="1961-01-01")
    make_person("Eve", tags=["person"])
    make_person("Fay", location="unknown", company="Acme")
    make_person("Gus", location="London", company="Zeta", archived="true", seniority="senior")


def test_diversity_breakdowns_with_unknowns(cli, diverse_vault) -> None:
    data = stats_json(cli)
    assert data["dimensions"] == {
        "location": {"London": 3, "Lagos": 1, "unknown": 2},
        "company": {"Acme": 2, "unknown": 4},
        "tags": {"friend": 2, "climate": 1, "unknown": 4},
        # seniority is only on an archived person: not shown
        "gender": {"female": 1, "unknown": 5},
        "age": {"<25": 1, "25–34": 1, "65+": 1, "unknown": 3},
    }


def test_a_link_counts_as_the_note_it_leads_to_not_what_it_shows(cli, make_person) -> None:
    make_person("Ann", location="London")
    make_person("Bob", location='"[[Places/London|LDN]]"')
    make_person("Cat", location='"[[london]]"')
    assert stats_json(cli)["dimensions"]["location"] == {"London": 3, "unknown": 0}


def test_concentration_is_over_known_values(diverse_vault, vault_dir, tmp_path) -> None:
    dims = {b.dimension: b for b in network_stats_of(workspace(vault_dir, tmp_path)).dimensions}
    location = dims["location"]
    assert (location.known, location.unknown) == (4, 2)
    assert location.largest == ("London", 3)
    assert location.largest_share == 0.75
    assert location.effective_number == pytest.approx(1 / (0.75**2 + 0.25**2))  # 1.6
    assert (
        location.sentence() == "75% of your network is in London (of the 4 people whose location you record)."
    )
    tags = dims["tags"]
    # Bob counts in both of his groups; shares of people, spread over the 3 tag uses.
    assert tags.largest_share == 1.0
    assert tags.effective_number == pytest.approx(1 / ((2 / 3) ** 2 + (1 / 3) ** 2))
    assert (
        dims["gender"].sentence()
        == "100% of your network is female (of the 1 person whose gender you record)."
    )
    assert dims["company"].effective_number == 1.0


def test_a_dimension_nobody_records(cli, vault_dir, make_person) -> None:
    (vault_dir / "vaultkit.toml").write_text('[stats]\ndimensions = ["industry"]\n', encoding="utf-8")
    make_person("Ann")
    assert stats_json(cli)["dimensions"] == {"industry": {"unknown": 1}}


def test_yamls_null_is_no_value_on_a_dimension(cli, vault_dir, make_person) -> None:
    # `company: ~` made a company called `~`.
    make_person("Ann", company="~")
    make_person("Bob", company="null")
    make_person("Cy", company="Acme")
    assert stats_json(cli)["dimensions"]["company"] == {"Acme": 1, "unknown": 2}
    listed = json.loads(cli("list", "--where", "company=", "--json").stdout)["people"]
    assert [(p["name"], p["fields"].get("company")) for p in listed] == [("Ann", "~"), ("Bob", "null")]


def test_age_bands() -> None:
    today = dt.date(2026, 11, 22)
    assert [age_band(b, today) for b in ("2001-11-23", "2001-11-22", "1992-11-22", "1992-11-23")] == [
        "<25",
        "25–34",
        "25–34",
        "25–34",
    ]
    assert age_band("1991-11-22", today) == "35–44"
    assert age_band("1972-01-01", today) == "45–54"
    assert age_band("1962-11-22", today) == "55–64"
    assert age_band("1961-11-22", today) == "65+"
    assert age_band("--11-22", today) is None
    assert age_band("2030-01-01", today) is None
    assert age_band(None, today) is None
    assert AGE_BANDS == ("<25", "25–34", "35–44", "45–54", "55–64", "65+")
    # Born on Feb 29: a year older on Feb 28 in a year without one, as Due.md says "turns 25".
    assert age_band("2000-02-29", dt.date(2025, 2, 28)) == "25–34"
    assert age_band("2000-02-29", dt.date(2025, 2, 27)) == "<25"
    assert age_band("2000-02-29", dt.date(2024, 2, 29)) == "<25"  # 24 that day
    assert age_band("1996-02-29", dt.date(2021, 2, 28)) == "25–34"


# -- the whole object -----------------------------------------------------------------------
def test_json_shape_on_an_empty_vault(cli) -> None:
    assert stats_json(cli) == {
        "today": "2026-11-22",
        "people": 0,
        "new_per_week": [{"week": "2026-W47", "new": 0}],
        "goal": {"per_week": 1, "streak_weeks": 0, "year_to_date": 0, "year_target": 52},
        "keeping_in_touch": {"with_cadence": 0, "on_time": 0, "share_on_time": None},
        "channels": {},
        "introductions": {"made": 0, "pairs": []},
        "dimensions": {
            "location": {"unknown": 0},
            "company": {"unknown": 0},
            "tags": {"unknown": 0},
        },
        "prospects": {
            "waiting": 0,
            "asked": 0,
            "met_this_year": 0,
            "share_answered": None,
            "median_days_to_meet": None,
        },
    }


def test_json_shape_on_the_example_vault(cli, example_vault) -> None:
    result = cli("stats", "--json", vault=example_vault)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == [
        "today",
        "people",
        "new_per_week",
        "goal",
        "keeping_in_touch",
        "channels",
        "introductions",
        "dimensions",
        "prospects",
    ]
    assert data["people"] == 30
    assert data["new_per_week"][0] == {"week": "2001-W37", "new": 1}  # Chioma, met 2001-09-10
    assert data["new_per_week"][-4:] == [
        {"week": "2026-W44", "new": 0},
        {"week": "2026-W45", "new": 1},
        {"week": "2026-W46", "new": 1},
        {"week": "2026-W47", "new": 1},
    ]
    assert data["goal"] == {"per_week": 1, "streak_weeks": 3, "year_to_date": 5, "year_target": 52}
    assert data["keeping_in_touch"] == {"with_cadence": 28, "on_time": 17, "share_on_time": 0.61}
    assert data["introductions"] == {"made": 0, "pairs": []}
    assert list(data["dimensions"]) == ["location", "company", "tags", "seniority", "gender", "age"]
    assert data["dimensions"]["gender"] == {"female": 7, "male": 2, "unknown": 21}
    assert all(isinstance(v, int) for dim in data["dimensions"].values() for v in dim.values())
    assert not (example_vault / "Network.md").exists()  # --json only reads


def test_network_stats_is_a_pure_function_of_its_parts() -> None:
    nobody = DuePage([], 0, None)
    touch = keeping_in_touch(0, 0, nobody, nobody, [])
    stats = network_stats(
        (3, 1), [dt.date(2026, 11, 17)], touch, [], [], [], [], Config(), dt.date(2026, 11, 22)
    )
    data = stats.to_json()
    assert data["new_per_week"] == [{"week": "2026-W47", "new": 1}]
    assert data["people"] == 3 and stats.archived == 1
    assert data["keeping_in_touch"] == {"with_cadence": 0, "on_time": 0, "share_on_time": None}


def test_a_breakdown_counts_groups_of_people_and_keeps_the_first_spelling_on_a_tie() -> None:
    groups = [(["London"], 2), (["london", "Paris"], 1), ([], 4), (["Paris"], 1), (["LONDON"], 1)]
    found = breakdown(groups, "location")
    assert found.groups == (("London", 4), ("Paris", 2))
    assert (found.known, found.unknown) == (5, 4)
    tied = breakdown([(["paris"], 1), (["Paris"], 1)], "location")
    assert tied.groups == (("paris", 2),)


@pytest.mark.parametrize(("first", "second"), [("Paris", "paris"), ("paris", "Paris")])
def test_on_a_tie_the_spelling_of_the_first_person_by_name_then_path(cli, make_person, first, second) -> None:
    # Two Sams, one spelling each: the groups' first people share a name, so their paths decide.
    make_person("Sam", folder="People/A", location=first)
    make_person("Sam", folder="People/B", location=second)
    make_person("Ann", location="Oslo")
    assert stats_json(cli)["dimensions"]["location"] == {first: 2, "Oslo": 1, "unknown": 0}
