"""People you want to meet (vaultkit.prospects, cli/prospects.py), on hand-worked vaults
through the real CLI, SQLite index and files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.conftest import as_run, write_note

Cli = Callable[..., Result]


def fails(result: Result, code: int, message: str) -> None:
    """The command failed with one line on stderr, nothing on stdout, no traceback."""
    assert (result.exit_code, result.stderr, result.stdout) == (code, f"vault: {message}\n", "")


def ok(result: Result) -> str:
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return result.stdout


def as_json(result: Result) -> Any:
    return json.loads(ok(result))


def config(vault_dir: Path, text: str) -> None:
    (vault_dir / "vaultkit.toml").write_text(text, encoding="utf-8")


def person(vault_dir: Path, name: str, front: str, body: str = "") -> Path:
    return write_note(vault_dir, f"People/{name}.md", f"---\n{front}---\n# {name}\n{body}")


def prospects_json(cli: Cli, today: str = "2026-11-22") -> list[dict[str, Any]]:
    return list(as_json(cli("prospects", "--json", today=today))["prospects"])


# -- never due, never met -------------------------------------------------------------------
@pytest.fixture
def mixed_vault(vault_dir: Path) -> Path:
    config(vault_dir, 'default_cadence = "1m"\n[cadence_by_tag]\nfamily = "2w"\n')
    person(vault_dir, "Ada", "tags: [person]\nmet: 2026-11-18\n")
    person(vault_dir, "Bob", "tags: [person]\nlast_contact: 2026-01-01\n")
    # Every rule that would make someone due: an own cadence, a tag's, the default, no contact.
    person(vault_dir, "Pat", "tags: [person, family]\ncadence: 1w\nstatus: prospect\nwhy: kernels\n")
    person(vault_dir, "Ash", "tags: [person]\nstatus: Asked \nmet: 2026-11-17\n")
    return vault_dir


def test_a_prospect_is_never_due(cli: Cli, mixed_vault: Path) -> None:
    for within, names in (("0d", ["Bob"]), ("1y", ["Bob", "Ada"])):
        due = as_json(cli("due", "--json", "--within", within))
        assert [item["name"] for item in due["due"]] == names
    assert as_json(cli("due", "--json", "--tag", "family"))["due"] == []  # Pat's tag
    assert cli("due", "--tag", "family").stdout == "Nobody is due on 2026-11-22. Enjoy your day.\n"
    assert [p["name"] for p in as_json(cli("list", "--tag", "family", "--json"))["people"]] == ["Pat"]
    ok(cli("render"))
    due_md = (mixed_vault / "Due.md").read_text(encoding="utf-8")
    assert "[[Bob]]" in due_md
    assert "Pat" not in due_md and "Ash" not in due_md
    suggested = as_json(cli("suggest", "--json"))["suggestions"]
    assert [s["name"] for s in suggested] == ["Bob"]  # (the week's goal is met: Ada)
    shown = as_json(cli("show", "Pat", "--json"))
    assert (shown["cadence"], shown["due_on"]) == (None, None)


def test_a_prospect_is_not_counted_as_met(cli: Cli, mixed_vault: Path) -> None:
    stats = as_json(cli("stats", "--json"))
    assert stats["goal"]["year_to_date"] == 1  # Ada; Ash's met is a contradiction, ignored
    assert stats["new_per_week"][-1] == {"week": "2026-W47", "new": 1}
    assert stats["keeping_in_touch"]["with_cadence"] == 2  # Ada and Bob
    check = cli("check", "--json")
    assert check.exit_code == 1  # an error: the field is dropped
    problems = json.loads(check.stdout)["problems"]
    assert problems == [
        {
            "path": "People/Ash.md",
            "line": 4,
            "level": "error",
            "message": "met: a prospect (status: asked) is not met yet; `vault met` records it; ignored",
        }
    ]


def test_everything_else_treats_a_prospect_as_a_person(cli: Cli, mixed_vault: Path) -> None:
    listed = as_json(cli("list", "--json"))["people"]
    assert [p["name"] for p in listed] == ["Ada", "Ash", "Bob", "Pat"]
    assert listed[3]["fields"]["status"] == "prospect"
    assert [hit["name"] for hit in as_json(cli("search", "kernels", "--json"))["results"]] == ["Pat"]
    assert "why: kernels" in ok(cli("show", "Pat"))


def test_a_status_written_later_takes_a_known_person_off_the_due_list(cli: Cli, vault_dir: Path) -> None:
    path = person(vault_dir, "Kim", "tags: [person]\ncadence: 1w\n")
    assert [i["name"] for i in as_json(cli("due", "--json"))["due"]] == ["Kim"]
    path.write_text("---\ntags: [person]\ncadence: 1w\nstatus: prospect\n---\n# Kim\n", encoding="utf-8")
    assert as_json(cli("due", "--json"))["due"] == []


# -- want -----------------------------------------------------------------------------------
def test_want_writes_the_person_template_with_a_status(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Priya Raghunathan", "tags: [person]\n")
    result = cli(
        "want", "Grace Hopper", "--why", "compilers: she explains", "--via", "priya", "--tag", "engineer",
        "--set", "company=Navy",
    )  # fmt: skip
    assert ok(result) == "Added Grace Hopper as a prospect: People/Grace Hopper.md\n"
    assert (vault_dir / "People/Grace Hopper.md").read_text(encoding="utf-8") == (
        "---\n"
        "tags: [person, engineer]\n"
        "company: Navy\n"
        "status: prospect\n"
        'why: "compilers: she explains"\n'
        'via: "[[Priya Raghunathan]]"\n'
        "found: 2026-11-22\n"
        "---\n"
        "# Grace Hopper\n\n## Notes\n\n## Log\n"
    )
    [item] = prospects_json(cli)
    assert (item["why"], item["via"], item["found"], item["status"]) == (
        "compilers: she explains",
        ["Priya Raghunathan"],
        "2026-11-22",
        "prospect",
    )


def test_want_completes_a_prospect_with_only_what_is_missing(cli: Cli, vault_dir: Path) -> None:
    before = "---\ntags:\n  - person  # me\nstatus: prospect\nwhy: 'already known'\n---\n# Lin\nText.\n"
    path = write_note(vault_dir, "People/Lin.md", before)
    result = cli(
        "want", "lin", "--why", "another reason", "--via", "New Friend", "--tag", "rust", "--tag", "person"
    )
    assert ok(result) == (
        "Added via, tags to Lin: People/Lin.md; kept the note's why: already known (`vault set` changes it)\n"
    )
    assert path.read_text(encoding="utf-8") == (
        "---\ntags:\n  - person  # me\n  - rust\nstatus: prospect\nwhy: 'already known'\n"
        'via: "[[New Friend]]"\n---\n# Lin\nText.\n'
    )
    again = cli("want", "Lin", "--why", "already   known", "--tag", "Rust")
    assert ok(again) == "Lin is already a prospect with all of that; nothing changed: People/Lin.md\n"
    assert path.read_text(encoding="utf-8").endswith('via: "[[New Friend]]"\n---\n# Lin\nText.\n')
    # A blank tag is refused, as for a new prospect (it wrote '""' into her tags).
    fails(cli("want", "Lin", "--tag", " # "), 2, "--tag wants a tag, not ' # '")
    assert path.read_text(encoding="utf-8").endswith('via: "[[New Friend]]"\n---\n# Lin\nText.\n')


def test_want_says_which_given_values_it_kept_the_notes_own_of(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Ada Lovelace", "tags: [person]\n")
    person(vault_dir, "Bob Stone", "tags: [person]\n")
    ok(cli("want", "Grace Hopper", "--why", "compilers", "--via", "Ada", "--set", "company=Navy"))
    path = vault_dir / "People/Grace Hopper.md"
    before = path.read_text(encoding="utf-8")
    assert ok(cli("want", "Grace Hopper", "--why", "COBOL", "--via", "Bob", "--set", "company=Army")) == (
        "Grace Hopper is already a prospect; nothing changed: People/Grace Hopper.md; kept the note's "
        "company: Navy, why: compilers, via: [[Ada Lovelace]] (`vault set` changes them)\n"
    )
    assert path.read_text(encoding="utf-8") == before
    assert ok(cli("want", "Grace Hopper", "--why", "COBOL", "--tag", "navy")) == (
        "Added tags to Grace Hopper: People/Grace Hopper.md; kept the note's why: compilers "
        "(`vault set` changes it)\n"
    )
    assert "why: compilers\n" in path.read_text(encoding="utf-8")
    # The same values as the note's (a name found the same way, a why spaced otherwise): nothing kept.
    assert ok(
        cli("want", "Grace Hopper", "--why", " compilers ", "--via", "ada", "--set", "company=Navy")
    ) == ("Grace Hopper is already a prospect with all of that; nothing changed: People/Grace Hopper.md\n")


def test_via_and_introduced_by_link_the_person_when_another_note_has_their_name(
    cli: Cli, vault_dir: Path
) -> None:
    # A bare [[Sam Lee]] opens the shortest path of that name: the topic note at the top.
    person(vault_dir, "Sam Lee", "tags: [person]\n")
    write_note(vault_dir, "Sam Lee.md", "topic\n")
    write_note(vault_dir, "People/Lin.md", "---\nstatus: prospect\n---\n# Lin\n")
    ok(cli("add", "Uma Vo", "--introduced-by", "Sam Lee"))
    ok(cli("want", "Wes Xu", "--via", "sam lee", "--why", "x"))
    ok(cli("want", "Lin", "--via", "Sam Lee"))
    link = '"[[People/Sam Lee|Sam Lee]]"'
    assert f"introduced_by: {link}\n" in (vault_dir / "People/Uma Vo.md").read_text(encoding="utf-8")
    assert f"via: {link}\n" in (vault_dir / "People/Wes Xu.md").read_text(encoding="utf-8")
    assert f"via: {link}\n" in (vault_dir / "People/Lin.md").read_text(encoding="utf-8")
    # The link vaultkit wrote names the person given: no different via kept (it named the path).
    assert ok(cli("want", "Lin", "--via", "Sam Lee")) == (
        "Lin is already a prospect with all of that; nothing changed: People/Lin.md\n"
    )
    shown = as_json(cli("show", "Sam Lee", "--json"))
    assert shown["links_in"] == ["People/Lin.md", "People/Uma Vo.md", "People/Wes Xu.md"]
    assert shown["introductions"]["introduced_you_to"] == ["Uma Vo"]


def test_want_never_replaces_a_value_of_another_shape(cli: Cli, vault_dir: Path) -> None:
    before = "---\nstatus: prospect\nwhy:\n  - maps\n  - tea\nvia: [[Kim]]\n---\n# Lin\n"
    path = write_note(vault_dir, "People/Lin.md", before)
    assert ok(cli("want", "Lin", "--why", "other", "--via", "Bob")) == (
        "Lin is already a prospect; nothing changed: People/Lin.md; kept the note's why: maps, tea, "
        "via: [[Kim]] (`vault set` changes them)\n"
    )
    assert path.read_text(encoding="utf-8") == before


def test_want_refuses_a_person_you_know_and_bad_input(cli: Cli, vault_dir: Path) -> None:
    path = person(vault_dir, "Ada Lovelace", "aliases: [Ada]\ntags: [person]\n")
    before = path.read_bytes()
    fails(
        cli("want", "ada"),
        1,
        "'Ada Lovelace' is already in the vault and not a prospect: People/Ada Lovelace.md; "
        "`vault log` records a contact",
    )
    fails(
        cli("want", "Bob", "--set", "status=asked"),
        2,
        "--set status=...: `vault want` sets the status (prospect)",
    )
    fails(cli("want", "Bob", "--set", "met=2026-01-01"), 2, "--set: 'met' cannot be set here")
    assert cli("want", "../Evil").exit_code == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in (vault_dir / "People").iterdir()) == ["Ada Lovelace.md"]


# -- ask and met ----------------------------------------------------------------------------
PAT_BEFORE = (
    "---\n"
    "aliases: [Pat]\n"
    "tags: [person, family]  # family\n"
    "status: prospect   # from the conference\n"
    'why: "her talk on kernels"\n'
    "company: Acme\n"
    "---\n"
    "# Pat Doe\n"
    "\n"
    "Intro.\n"
    "\n"
    "## Log\n"
    "- 2026-10-01 note: saw her talk\n"
    "\n"
    "## After\n"
    "Kept.\n"
)


def test_ask_then_met_leave_exactly_the_expected_lines(cli: Cli, vault_dir: Path) -> None:
    config(vault_dir, '[cadence_by_tag]\nfamily = "2w"\n')
    path = write_note(vault_dir, "People/Pat Doe.md", PAT_BEFORE)
    assert ok(cli("ask", "Pat", "coffee", "next", "week?", "--channel", "email", "--date", "2026-11-10")) == (
        "Recorded your ask for Pat Doe: People/Pat Doe.md\n"
    )
    asked = PAT_BEFORE.replace("status: prospect   #", "status: asked   #").replace(
        "company: Acme\n", "company: Acme\nlast_contact: 2026-11-10\n"
    )
    asked = asked.replace("## Log\n", "## Log\n- 2026-11-10 asked: email: coffee next week?\n")
    assert path.read_text(encoding="utf-8") == asked
    assert ok(cli("met", "Pat", "talked", "kernels", "--channel", "coffee", "--date", "2026-11-20")) == (
        "Met Pat Doe on 2026-11-20: People/Pat Doe.md; keep in touch: every 2 weeks\n"
    )
    met = asked.replace("status: asked   # from the conference\n", "")
    met = met.replace("last_contact: 2026-11-10\n", "last_contact: 2026-11-20\nmet: 2026-11-20\n")
    met = met.replace("## Log\n", "## Log\n- 2026-11-20 coffee: talked kernels\n")
    assert path.read_text(encoding="utf-8") == met
    # Now a contact: the tag's cadence counts from the day met, and they are no prospect.
    [due] = as_json(cli("due", "--json", "--within", "2w"))["due"]
    assert (due["name"], due["cadence_source"], due["due_on"]) == ("Pat Doe", "tag:family", "2026-12-04")
    assert prospects_json(cli) == []


def test_yamls_null_is_no_value_to_want_and_met(cli: Cli, vault_dir: Path) -> None:
    # `~` and `null` are no value to the parser, yet `want` kept them and `met` left them.
    person(vault_dir, "Sam Lee", "tags: [person]\n")
    path = person(vault_dir, "W", "status: prospect\nwhy: ~\nvia: null\ntags: ~\ncompany: NULL\n")
    assert ok(
        cli("want", "W", "--why", "compilers", "--via", "Sam Lee", "--tag", "foo", "--set", "company=Acme")
    ) == ("Added why, via, company, tags to W: People/W.md\n")
    assert path.read_text(encoding="utf-8") == (
        '---\nstatus: prospect\nwhy: compilers\nvia: "[[Sam Lee]]"\ntags: [foo]\ncompany: Acme\n---\n# W\n'
    )
    ok(cli("met", "W"))
    met = path.read_text(encoding="utf-8")
    assert 'introduced_by: "[[Sam Lee]]"\n' in met
    person(vault_dir, "P", 'status: prospect\nvia: "[[Sam Lee]]"\nintroduced_by: ~\n')
    ok(cli("met", "P"))
    text = (vault_dir / "People/P.md").read_text(encoding="utf-8")
    assert 'introduced_by: "[[Sam Lee]]"\n' in text and "~" not in text


def test_met_makes_who_could_introduce_you_who_did(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Lia Poet", "tags: [person]\nmet: 2017-12-01\n")
    ok(cli("want", "Dana Coach", "--why", "coach", "--via", "Lia", today="2018-01-24"))
    # It said nothing of the introduced_by it set, in words or in JSON.
    said = as_json(
        cli("met", "Dana", "coffee, Lia set it up", "--channel", "coffee", "--json", today="2018-01-26")
    )
    assert said["introduced_by"] == ["[[Lia Poet]]"]
    text = (vault_dir / "People/Dana Coach.md").read_text(encoding="utf-8")
    assert 'via: "[[Lia Poet]]"\n' in text
    assert text.endswith('met: 2018-01-26\nintroduced_by: "[[Lia Poet]]"\n---\n# Dana Coach\n\n## Notes\n\n'
                         "## Log\n- 2018-01-26 coffee: coffee, Lia set it up\n")  # fmt: skip
    assert as_json(cli("show", "Dana", "--json", today="2018-01-26"))["introductions"]["introduced_by"] == [
        "Lia Poet"
    ]
    assert "You made 0 introductions; 1 person introduced you to 1.\n" in ok(cli("stats", today="2018-01-26"))
    # A list of names is copied as written; an introduced_by of the note's own is kept.
    person(vault_dir, "Eve", "status: asked\nvia: [Lia, '[[Sam]]']\n")
    person(vault_dir, "Max", "status: prospect\nvia: '[[Sam]]'\nintroduced_by: Kim  # at the party\n")
    assert ok(cli("met", "Eve", today="2018-01-26")) == (
        "Met Eve on 2018-01-26: People/Eve.md; introduced_by: Lia, Sam (from their via); "
        "keep in touch: no reminders (no cadence)\n"
    )
    assert "introduced_by" not in as_json(cli("met", "Max", "--json", today="2018-01-26"))
    assert 'introduced_by: [Lia, "[[Sam]]"]\n' in (vault_dir / "People/Eve.md").read_text(encoding="utf-8")
    max_text = (vault_dir / "People/Max.md").read_text(encoding="utf-8")
    assert max_text.startswith("---\nvia: '[[Sam]]'\nintroduced_by: Kim  # at the party\nlast_contact:")
    assert max_text.count("introduced_by") == 1


def test_ask_twice_counts_the_asks_and_keeps_the_status_line(cli: Cli, vault_dir: Path) -> None:
    path = person(vault_dir, "Kim", "status: asked\n", "## Log\n- 2026-11-01 asked: reached out\n")
    assert ok(cli("ask", "Kim", "--date", "2026-11-20")) == "Recorded ask number 2 for Kim: People/Kim.md\n"
    assert path.read_text(encoding="utf-8") == (
        "---\nstatus: asked\nlast_contact: 2026-11-20\n---\n# Kim\n"
        "## Log\n- 2026-11-20 asked: reached out\n- 2026-11-01 asked: reached out\n"
    )


def test_ask_and_met_refuse_a_contact_and_a_date_after_today(cli: Cli, vault_dir: Path) -> None:
    known = person(vault_dir, "Bob", "tags: [person]\n")
    pat = person(vault_dir, "Pat", "status: prospect\n")
    before = known.read_bytes(), pat.read_bytes()
    for command in ("ask", "met"):
        fails(
            cli(command, "Bob"),
            1,
            "Bob is not a prospect (no `status: prospect` or `asked` in People/Bob.md): "
            f"`vault {command}` is for people you want to meet; `vault log` records a contact",
        )
        result = cli(command, "Pat", "--date", "2026-11-23")
        assert result.exit_code == 2 and "is after today (2026-11-22)" in result.stderr
    fails(cli("ask", "Nobody"), 1, "nobody called 'Nobody' in the vault")
    assert (known.read_bytes(), pat.read_bytes()) == before


def test_met_on_an_unreadable_prospect_writes_nothing(cli: Cli, vault_dir: Path) -> None:
    path = person(vault_dir, "Pat", "status: prospect\n")
    ok(cli("prospects"))
    path.write_text("---\nstatus: prospect\nwhy: [unclosed\n---\n# Pat\n", encoding="utf-8")
    result = cli("met", "Pat")
    assert result.exit_code == 1 and "People/Pat.md" in result.stderr and "Traceback" not in result.stderr
    assert path.read_text(encoding="utf-8") == "---\nstatus: prospect\nwhy: [unclosed\n---\n# Pat\n"


@pytest.mark.parametrize(
    ("met_on", "weeks"),
    [("2026-11-20", {"2026-W46": 0, "2026-W47": 1}), ("2026-11-10", {"2026-W46": 1, "2026-W47": 0})],
)
def test_the_weekly_goal_counts_a_met_prospect_in_the_week_of_met(
    cli: Cli, vault_dir: Path, met_on: str, weeks: dict[str, int]
) -> None:
    person(vault_dir, "Old", "met: 2026-11-02\n")
    person(vault_dir, "Pat", "status: prospect\nfound: 2026-11-01\n")
    before = as_json(cli("stats", "--json"))["new_per_week"]
    assert {w["week"]: w["new"] for w in before} == {"2026-W45": 1, "2026-W46": 0, "2026-W47": 0}
    ok(cli("met", "Pat", "--date", met_on))
    after = as_json(cli("stats", "--json"))
    assert {w["week"]: w["new"] for w in after["new_per_week"]} == {"2026-W45": 1, **weeks}
    assert after["goal"]["year_to_date"] == 2


# -- the list -------------------------------------------------------------------------------
def test_introducers_come_from_via_then_company_then_tags(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Ann", "tags: [person]\ncompany: ACME \n")
    person(vault_dir, "Ben", "tags: [person, climate]\nlast_contact: 2026-09-01\n")
    person(vault_dir, "Cy", "tags: [person, '#Climate', rust]\nlast_contact: 2026-10-01\n")
    person(vault_dir, "Dee", "tags: [person]\ncompany: Other\n")  # only the `person` tag
    person(vault_dir, "Eve", "tags: [climate]\ncompany: Acme\narchived: true\n")
    person(vault_dir, "Kim", "tags: [person, climate]\n")
    person(vault_dir, "Quinn", "tags: [climate]\ncompany: Acme\nstatus: prospect\n")  # not in your network
    person(vault_dir, "P1", "tags: [person, climate]\nstatus: prospect\nvia: '[[Kim]]'\n")
    person(vault_dir, "P2", "tags: [person, climate, rust]\ncompany: Acme\nstatus: prospect\n")
    person(vault_dir, "P3", "status: prospect\nvia: '[[Zed Unknown]]'\n")
    person(vault_dir, "P4", "tags: [person]\ncompany: '[[Orgs/Acme|ACME Inc]]'\nstatus: prospect\n")
    found = {item["name"]: item for item in prospects_json(cli)}
    # A company written as a link is the note it leads to: Acme, as Ann's ACME is.
    assert found["P4"]["introducers"][0]["name"] == "Ann"
    assert found["P1"]["introducers"] == [{"name": "Kim", "path": "People/Kim.md", "reason": "via"}]
    assert found["P2"]["introducers"] == [
        {"name": "Ann", "path": "People/Ann.md", "reason": "works at Acme"},
        {"name": "Cy", "path": "People/Cy.md", "reason": "shares #climate, #rust"},
        {"name": "Ben", "path": "People/Ben.md", "reason": "shares #climate"},
        {"name": "Kim", "path": "People/Kim.md", "reason": "shares #climate"},
    ]
    assert found["P3"]["introducers"] == [{"name": "Zed Unknown", "path": None, "reason": "via"}]
    assert found["Quinn"]["introducers"][0]["name"] == "Ann"


def test_no_more_than_five_introducers_then_a_count(cli: Cli, vault_dir: Path) -> None:
    for n in range(8):
        person(vault_dir, f"Friend {n}", "tags: [person, friend]\n")
    person(vault_dir, "Pat", "tags: [friend]\nstatus: prospect\n")
    [item] = prospects_json(cli)
    assert [i["name"] for i in item["introducers"]] == [f"Friend {n}" for n in range(5)]
    assert item["more_introducers"] == 3
    assert "Friend 0, Friend 1, Friend 2, Friend 3, Friend 4, +3" in ok(cli("prospects"))


@pytest.fixture
def asked_vault(vault_dir: Path) -> Path:
    person(vault_dir, "Pat", "status: asked\n", "## Log\n- 2026-11-01 asked: email: coffee?\n")
    person(vault_dir, "Wes", "status: prospect\nfound: 2026-10-01\nwhy: maps\n")
    return vault_dir


def test_the_follow_up_flag_appears_once_after_the_span(cli: Cli, asked_vault: Path) -> None:
    due_md = asked_vault / "Due.md"

    def flagged(today: str) -> bool:
        [pat] = [item for item in prospects_json(cli, today) if item["name"] == "Pat"]
        ok(cli("render", today=today))
        shown = "## Asks to follow up\n- [[Pat]]: asked 2026-11-01" in due_md.read_text(encoding="utf-8")
        assert shown == pat["follow_up"]
        return bool(pat["follow_up"])

    assert not flagged("2026-11-14")
    assert flagged("2026-11-15")  # two weeks after the ask
    assert flagged("2026-11-30")
    ok(cli("ask", "Pat", "just following up", today="2026-11-30"))
    assert not flagged("2026-12-31")  # one gentle follow-up, never more
    assert not flagged("2027-06-30")
    assert "Asks to follow up" not in due_md.read_text(encoding="utf-8")


def test_ask_follow_up_comes_from_the_config(cli: Cli, asked_vault: Path) -> None:
    config(asked_vault, '[goals]\nask_follow_up = "10d"\n')
    assert [i["follow_up"] for i in prospects_json(cli, "2026-11-10") if i["name"] == "Pat"] == [False]
    assert [i["follow_up"] for i in prospects_json(cli, "2026-11-11") if i["name"] == "Pat"] == [True]
    config(asked_vault, '[goals]\nask_follow_up = "none"\n')
    fails(cli("prospects"), 1, "vaultkit.toml: goals.ask_follow_up must be a span such as 2w")


def test_prospects_lists_asks_due_a_follow_up_first(cli: Cli, asked_vault: Path) -> None:
    person(asked_vault, "Ray", "status: asked\n", "## Log\n- 2026-11-20 asked: reached out\n")
    assert ok(cli("prospects")) == (
        "3 people you want to meet (1 to ask, 2 asked, 1 due a follow-up):\n"
        "Who   Status             Waiting   Could introduce you   Why \n"
        "─────────────────────────────────────────────────────────────\n"
        "Pat   follow up once     21 days   -                     -   \n"
        "Ray   asked 2026-11-20   2 days    -                     -   \n"
        "Wes   prospect           52 days   -                     maps\n"
    )
    assert ok(cli("prospects", "--limit", "1")).endswith(
        f"and 2 more: `{as_run(asked_vault, 'prospects', '--all')}` shows every one (or `--json`)\n"
    )
    [pat, ray, wes] = prospects_json(cli)
    assert (pat["asked"], pat["waiting_since"], pat["days_waiting"]) == (["2026-11-01"], "2026-11-01", 21)
    assert (wes["asked"], wes["waiting_since"], wes["days_waiting"], wes["follow_up"]) == (
        [],
        "2026-10-01",
        52,
        False,
    )
    assert ray["follow_up"] is False


def test_prospects_with_nobody_says_how_to_add_one(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Bob", "tags: [person]\n")
    assert (
        ok(cli("prospects")) == 'No prospects. `vault want NAME --why "..."` adds someone you want to meet.\n'
    )
    assert as_json(cli("prospects", "--json")) == {
        "today": "2026-11-22",
        "ask_follow_up": "2w",
        "prospects": [],
    }


# -- into the loop --------------------------------------------------------------------------
def test_stats_figures(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "W1", "status: prospect\nfound: 2026-11-01\n")
    person(vault_dir, "W2", "status: prospect\n")
    person(vault_dir, "A1", "status: asked\n", "## Log\n- 2026-11-10 asked: reached out\n")
    person(vault_dir, "M1", "found: 2026-03-01\nmet: 2026-03-10\n", "## Log\n- 2026-03-05 asked: x\n")
    person(vault_dir, "M2", "met: 2026-06-20\n", "## Log\n- 2026-06-01 asked: x\n")
    person(vault_dir, "M3", "found: 2025-12-01\nmet: 2025-12-20\n")  # last year: not this year's
    person(vault_dir, "M4", "met: 2026-05-01\n")  # never a prospect
    assert as_json(cli("stats", "--json"))["prospects"] == {
        "waiting": 2,
        "asked": 1,
        "met_this_year": 2,
        "share_answered": 0.67,  # M1 and M2 of M1, M2 and A1
        "median_days_to_meet": 19,  # of 9 (M1), 19 (M2), 19 (M3)
    }


def test_stats_leave_archived_prospects_out_of_who_waits(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Pa", "status: prospect\nfound: 2026-01-01\n")
    person(
        vault_dir,
        "Pb",
        "status: asked\narchived: true\nfound: 2026-01-01\n",
        "## Log\n- 2026-01-02 asked: hi\n",
    )
    person(vault_dir, "Pc", "status: prospect\narchived: true\n")
    figures = as_json(cli("stats", "--json", today="2026-02-01"))["prospects"]
    assert (figures["waiting"], figures["asked"]) == (1, 0)
    assert figures["share_answered"] == 0.0  # Pb's ask still happened
    ok(cli("stats", today="2026-02-01"))
    assert "**1** waiting to be asked, **0** asked" in (vault_dir / "Network.md").read_text(encoding="utf-8")


def test_suggest_offers_a_prospect_while_the_week_goal_is_not_met(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Bob", "cadence: 1w\nlast_contact: 2026-01-01\n")
    person(vault_dir, "Kim", "tags: [person, rust]\nlast_contact: 2026-11-01\n")
    person(vault_dir, "Old", "status: prospect\nfound: 2026-09-01\nwhy: maps\ntags: [rust]\n")
    person(vault_dir, "New", "status: prospect\nfound: 2026-11-01\n")
    person(vault_dir, "Asked", "status: asked\nfound: 2026-01-01\n")
    suggestions = as_json(cli("suggest", "--json", "--n", "2"))["suggestions"]
    assert suggestions[1] == {
        "name": "Old",
        "path": "People/Old.md",
        "kind": "prospect",
        "reason": "you want to meet them: maps; this week's goal of 1 new person is not met yet; "
        "ask Kim to introduce you",
    }
    assert [s["name"] for s in suggestions] == ["Bob", "Old"]
    # A snoozed prospect is not offered, as suggest leaves the snoozed out; the next one is.
    ok(cli("snooze", "Old", "2w"))
    assert [s["name"] for s in as_json(cli("suggest", "--json", "--n", "2"))["suggestions"]] == ["Bob", "New"]
    person(vault_dir, "Met", "met: 2026-11-16\n")  # this week's goal met
    assert [s["kind"] for s in as_json(cli("suggest", "--json"))["suggestions"]] == ["overdue"]


def test_suggest_offers_an_ask_due_its_one_follow_up(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Robin", "status: prospect\nwhy: x\n")
    ok(cli("ask", "Robin", "LinkedIn note", "--channel", "linkedin", today="2018-01-02"))
    person(
        vault_dir,
        "Ann",
        "tags: [person]\nlast_contact: 2018-01-20\n",
        "- [ ] send the photos 📅 2018-01-23\n",
    )
    person(vault_dir, "Kim", "status: asked\n", "## Log\n- 2018-01-20 asked: coffee?\n")  # asked lately
    person(vault_dir, "Sue", "status: asked\nsnooze_until: 2018-03-01\n", "## Log\n- 2018-01-01 asked: hi\n")
    ok(cli("render", today="2018-01-24"))
    due_md = (vault_dir / "Due.md").read_text(encoding="utf-8")
    assert "- [[Robin]]: asked 2018-01-02, no answer in 22 days;" in due_md
    # Snoozed, Sue is not to be reminded of before March: Due.md listed her ask, suggest did not.
    assert "[[Sue]]" not in due_md
    suggestions = as_json(cli("suggest", "--json", "-n", "10", today="2018-01-24"))["suggestions"]
    assert [(s["name"], s["kind"], s["reason"]) for s in suggestions] == [
        ("Ann", "follow-up", "follow-up: send the photos (due 2018-01-23, 1 day late)"),
        ("Robin", "follow-up", "asked 2018-01-02, no answer in 22 days; one gentle follow-up"),
    ]
    ok(cli("render", today="2018-03-02"))  # (the snooze over)
    assert "- [[Sue]]: asked 2018-01-01" in (vault_dir / "Due.md").read_text(encoding="utf-8")


def test_suggest_names_a_prospect_picked_by_another_list_once(cli: Cli, vault_dir: Path) -> None:
    # Cat has a follow-up and is the prospect to ask; Dee was introduced by Cat (never contacted).
    person(
        vault_dir, "Cat", "status: prospect\nwhy: great writer\n", "- [ ] send her my essay 📅 2026-11-20\n"
    )
    person(vault_dir, "Bob", "cadence: 1w\nlast_contact: 2026-01-01\n")
    suggestions = as_json(cli("suggest", "--json", "--n", "2"))["suggestions"]
    assert [(s["name"], s["kind"]) for s in suggestions] == [("Bob", "overdue"), ("Cat", "follow-up")]
    assert suggestions[1]["reason"] == (
        "follow-up: send her my essay (due 2026-11-20, 2 days late); you want to meet them: great writer; "
        "this week's goal of 1 new person is not met yet"
    )
    (vault_dir / "People/Cat.md").write_text("# Cat\n", encoding="utf-8")
    person(vault_dir, "Dee", 'status: prospect\nintroduced_by: "[[Cat]]"\nwhy: w\n')
    names = [s["name"] for s in as_json(cli("suggest", "--json"))["suggestions"]]
    assert names.count("Dee") == 1


def test_review_and_network_show_prospects_asks_and_answers(cli: Cli, vault_dir: Path) -> None:
    # (a why of hers in a line of Markdown: its comment openers escaped, as `vault log` writes them)
    person(vault_dir, "Wes", 'status: prospect\nfound: 2026-10-01\nwhy: "maps <!-- and %% more"\n')
    person(vault_dir, "Pat", "status: asked\n", "## Log\n- 2026-11-17 asked: coffee?\n")
    person(vault_dir, "Ray", "status: prospect\nfound: 2026-11-01\n")
    ok(cli("ask", "Ray", "--date", "2026-11-16"))
    ok(cli("met", "Ray", "--date", "2026-11-21"))
    assert ok(cli("review")).endswith(", 2 to meet (2 asked this week)\n")
    review = (vault_dir / "Reviews/2026-W47.md").read_text(encoding="utf-8")
    assert (
        "## People you want to meet\n"
        "- [[Pat]]: asked, waiting 5 days\n"
        "- [[Wes]]: not asked yet; maps <\\!-- and %\\% more\n"
        "- asked [[Ray]] on 2026-11-16\n"
        "- asked [[Pat]] on 2026-11-17\n"
        "- [[Ray]] answered: met 2026-11-21\n"
    ) in review
    assert (
        "\nPeople you want to meet: 1 to ask, 1 asked and not met yet, 1 met this year (`vault prospects`)\n"
    ) in ok(cli("stats"))
    network = (vault_dir / "Network.md").read_text(encoding="utf-8")
    assert (
        "## People you want to meet\n\n"
        "**1** waiting to be asked, **1** asked and not met yet; **1** met this year after an ask "
        "or a `vault want`; all time: 50% of asks answered, 20 days from found to met (median).\n\n"
        "- [[Pat]]: asked, waiting 5 days\n"
        "- [[Wes]]: not asked yet, waiting 52 days; maps <\\!-- and %\\% more\n\n"
        "This week: 2 asks made ([[Ray]], [[Pat]]), 1 answered ([[Ray]]).\n"
    ) in network


def test_a_found_that_is_no_date_is_reported_and_ignored(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Pat", "status: prospect\nfound: last spring\n")
    [item] = as_json(cli("prospects", "--json"))["prospects"]
    assert (item["found"], item["waiting_since"], item["days_waiting"]) == (None, None, None)
    [problem] = json.loads(cli("check", "--json").stdout)["problems"]
    assert (problem["path"], problem["line"], problem["level"]) == ("People/Pat.md", 3, "error")
    assert problem["message"].startswith("found: ") and problem["message"].endswith("; ignored")
    listed = cli("prospects")
    assert "Pat   prospect   -" in listed.stdout
    assert listed.stderr == "vault: 1 value(s) in notes ignored; run `vault check` to see them\n"


def test_one_broken_note_does_not_stop_the_list(cli: Cli, vault_dir: Path) -> None:
    person(vault_dir, "Pat", "status: prospect\n")
    write_note(vault_dir, "People/Bad.md", "---\nstatus: prospect\nwhy: [unclosed\n---\n# Bad\n")
    result = cli("prospects")
    assert result.exit_code == 0
    assert "Pat   prospect" in result.stdout and "Bad" not in result.stdout
    assert result.stderr == "vault: 1 note(s) skipped; run `vault check` to see them\n"


def test_want_adds_a_tag_to_a_list_with_a_blank_line_between_items(cli: Cli, vault_dir: Path) -> None:
    before = "---\ntype: person\nstatus: prospect\ntags:\n  - friend\n\n  - climbing\nemail: gil@x.org\n---\n"
    path = write_note(vault_dir, "People/Gil Ho.md", before)
    assert ok(cli("want", "Gil Ho", "--tag", "investor")) == "Added tags to Gil Ho: People/Gil Ho.md\n"
    assert path.read_text(encoding="utf-8") == before.replace(
        "  - climbing\n", "  - climbing\n  - investor\n"
    )


def test_want_adds_what_it_can_when_the_tags_are_not_a_list_it_can_add_to(cli: Cli, vault_dir: Path) -> None:
    """A `tags` vaultkit could not add to refused the whole edit, `--why` too; a flow list
    over two lines was one of them."""
    two_lines = "---\nstatus: prospect\ntags: [person,\r\n  climate]\n---\n"
    path = write_note(vault_dir, "People/Eve.md", two_lines)
    assert (
        ok(cli("want", "Eve", "--why", "climate VC", "--tag", "vc"))
        == "Added why, tags to Eve: People/Eve.md\n"
    )
    assert (
        path.read_bytes()
        == b"---\nstatus: prospect\ntags: [person,\r\n  climate, vc]\nwhy: climate VC\n---\n"
    )
    one_text = "---\nstatus: prospect\ntags: person\n---\n"
    write_note(vault_dir, "People/Eve.md", one_text)
    assert ok(cli("want", "Eve", "--why", "climate VC", "--tag", "vc")) == (
        "Added why to Eve: People/Eve.md; not the tags: `tags` is not a list vaultkit can add to; "
        "add vc by hand\n"
    )
    assert path.read_text(encoding="utf-8") == one_text.replace(
        "tags: person\n", "tags: person\nwhy: climate VC\n"
    )
