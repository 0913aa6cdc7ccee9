"""`vault intro`, `vault suggest`, and the Network.md view with its Mermaid charts."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_note

from vaultkit.errors import RefusedWrite
from vaultkit.insights.network import bar, node_ids, pie_chart, record_intro, render_network, week_chart
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace

START, END = "<!-- vaultkit:network -->", "<!-- /vaultkit:network -->"


def workspace(root: Path, tmp_path: Path, today: str = "2026-11-22") -> Workspace:
    space = Workspace(Vault(root), tmp_path / "python-index.sqlite", dt.date.fromisoformat(today))
    space.sync()
    return space


# -- vault intro ----------------------------------------------------------------------------
def test_intro_logs_in_both_notes(cli, vault_dir, make_person) -> None:
    make_person("Ada Lovelace", "## Log\n- 2026-10-01 call: hi\n", last_contact="2026-10-01")
    make_person("Charles Babbage")
    result = cli("intro", "Ada", "Charles", "--note", "  both  love   engines ", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Introduced Ada Lovelace and Charles Babbage: People/Ada Lovelace.md, People/Charles Babbage.md\n"
    )
    assert (vault_dir / "People/Ada Lovelace.md").read_text(encoding="utf-8") == (
        "---\nlast_contact: 2026-11-20\n---\n# Ada Lovelace\n## Log\n"
        "- 2026-11-20 intro: introduced to [[Charles Babbage]]: both love engines\n"
        "- 2026-10-01 call: hi\n"
    )
    assert (vault_dir / "People/Charles Babbage.md").read_text(encoding="utf-8") == (
        "---\nlast_contact: 2026-11-20\n---\n# Charles Babbage\n\n## Log\n"
        "- 2026-11-20 intro: introduced to [[Ada Lovelace]]: both love engines\n"
    )


def test_intro_without_a_note_defaults_to_today(cli, vault_dir, make_person) -> None:
    make_person("Ann", "## Log\n")
    make_person("Bob", "## Log\n")
    assert cli("intro", "Ann", "Bob").exit_code == 0
    assert (vault_dir / "People/Bob.md").read_text(encoding="utf-8") == (
        "---\nlast_contact: 2026-11-22\n---\n# Bob\n## Log\n- 2026-11-22 intro: introduced to [[Ann]]\n"
    )


def test_intro_refusals_change_nothing(cli, vault_dir, make_person) -> None:
    make_person("Ann", "## Log\n")
    make_person("Bob", "## Log\n")
    assert cli("intro", "Ann", "Bob", "--date", "2026-11-01").exit_code == 0
    before = {p.name: p.read_bytes() for p in (vault_dir / "People").iterdir()}

    same = cli("intro", "Ann", "ann")
    assert (same.exit_code, same.stderr) == (
        2,
        "vault: 'Ann' and 'ann' are both Ann; an introduction needs two people\n",
    )
    again = cli("intro", "Bob", "Ann", "--date", "2026-11-01")
    assert again.exit_code == 1
    assert again.stderr == (
        "vault: the introduction of Bob and Ann on 2026-11-01 is already logged (People/Bob.md, People/Ann.md); "
        "nothing was written\n"
    )
    future = cli("intro", "Ann", "Bob", "--date", "2026-11-23")
    assert future.exit_code == 2
    assert future.stderr.startswith("vault: --date 2026-11-23 is after today (2026-11-22)")
    unknown = cli("intro", "Ann", "Zed")
    assert (unknown.exit_code, unknown.stderr) == (1, "vault: nobody called 'Zed' in the vault\n")
    bad_date = cli("intro", "Ann", "Bob", "--date", "yesterday")
    assert (bad_date.exit_code, bad_date.stderr) == (
        2,
        "vault: --date 'yesterday' is not a date (use YYYY-MM-DD)\n",
    )
    assert {p.name: p.read_bytes() for p in (vault_dir / "People").iterdir()} == before


def test_intro_checks_both_notes_before_writing_either(vault_dir, make_person, tmp_path) -> None:
    ann = make_person("Ann", "## Log\n")
    bob = make_person("Bob", "## Log\n")
    space = workspace(vault_dir, tmp_path)
    bob.write_text("# Bob\n<<<<<<< HEAD\n- a\n=======\n- b\n>>>>>>> other\n", encoding="utf-8")
    with pytest.raises(RefusedWrite, match=re.escape("People/Bob.md:2: unresolved git conflict")):
        record_intro(space, "Ann", "Bob")
    assert ann.read_text(encoding="utf-8") == "# Ann\n## Log\n"


def test_intro_links_by_path_when_two_people_share_a_name(cli, vault_dir, make_person) -> None:
    make_person("Ann", "## Log\n")
    make_person("Ann", "## Log\n", folder="People/Work")
    make_person("Bob", "## Log\n")
    assert cli("intro", "Bob", "Ann", "--date", "2026-11-01").exit_code == 0
    assert "- 2026-11-01 intro: introduced to [[People/Ann|Ann]]\n" in (
        vault_dir / "People/Bob.md"
    ).read_text(encoding="utf-8")
    assert (vault_dir / "People/Work/Ann.md").read_text(encoding="utf-8") == "# Ann\n## Log\n"


# -- the view -------------------------------------------------------------------------------
def test_no_weekly_goal_is_said_so_not_as_a_target_of_zero(cli, vault_dir, make_person) -> None:
    (vault_dir / "vaultkit.toml").write_text("[goals]\nnew_people_per_week = 0\n", encoding="utf-8")
    make_person("Ann", met="2026-11-20")
    shown = cli("stats").stdout
    assert "This year: 1 new; no weekly goal set ([goals] new_people_per_week)." in shown
    assert "of 0" not in shown and "(goal 0)" not in shown
    network = (vault_dir / "Network.md").read_text(encoding="utf-8")
    assert "No weekly goal of new people is set" in network and "target of 0" not in network


def test_introductions_made_for_you_count_people_after_since_and_none_of_oneself(cli, make_person) -> None:
    """Two people introduced you to two (not three); --since limits these too (by the day
    you met); naming oneself introduces nobody, as `vault intro X X` is refused."""
    make_person("K")
    make_person("J")
    make_person("E1", introduced_by="[[K]]", met="2026-01-01")
    make_person("E2", introduced_by=["[[K]]", "[[J]]"], met="2026-03-05")
    make_person("Finn", introduced_by="[[Finn]]", met="2026-03-06")
    every = cli("stats", today="2026-03-10").stdout
    assert "2 people introduced you to 2." in every
    assert "K introduced you to E1" in every and "Finn introduced you to" not in every
    since = cli("stats", "--since", "2026-03-02", today="2026-03-10").stdout
    assert "2 people introduced you to 1." in since
    assert "K introduced you to E1" not in since and "J introduced you to E2" in since


def test_stats_writes_only_its_block_and_only_when_it_changed(cli, vault_dir, make_person, tmp_path) -> None:
    make_person("Ann", met="2026-11-20", location="London")
    view = vault_dir / "Network.md"
    view.write_bytes(f"My own intro\n\n{START}\nstale\n{END}\n\n- my notes below\n".encode())
    first = cli("stats")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.endswith("\nWrote Network.md\n")
    block = render_network(workspace(vault_dir, tmp_path)).strip("\n")
    assert (
        view.read_text(encoding="utf-8") == f"My own intro\n\n{START}\n{block}\n{END}\n\n- my notes below\n"
    )
    before = view.stat()
    second = cli("stats")
    assert second.stdout.endswith("\nNetwork.md is up to date\n")
    after = view.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    make_person("Bob", met="2026-11-21")
    assert cli("stats").stdout.endswith("\nWrote Network.md\n")
    assert "**2 people**." in view.read_text(encoding="utf-8")


def test_stats_creates_the_view_at_the_configured_path(cli, vault_dir, make_person) -> None:
    (vault_dir / "vaultkit.toml").write_text('[views]\nnetwork = "Views/My Network.md"\n', encoding="utf-8")
    make_person("Ann")
    assert cli("stats").stdout.endswith("\nWrote Views/My Network.md\n")
    text = (vault_dir / "Views/My Network.md").read_text(encoding="utf-8")
    assert text.startswith(f"{START}\n# Your network\n\n*As of 2026-11-22.")
    assert text.endswith(f"\n{END}\n")


def test_a_view_switched_off_is_not_written(cli, vault_dir, make_person) -> None:
    (vault_dir / "vaultkit.toml").write_text('[views]\nnetwork = ""\n', encoding="utf-8")
    make_person("Ann")
    result = cli("stats")
    assert result.exit_code == 0
    assert "Network.md" not in result.stdout
    assert list(vault_dir.glob("*.md")) == []


def test_a_user_template_wins(cli, vault_dir, make_person) -> None:
    write_note(
        vault_dir,
        "Templates/vaultkit/network.md.j2",
        "People: {{ people }}; streak {{ goal.streak_weeks }}\n",
    )
    make_person("Ann")
    assert cli("stats").exit_code == 0
    assert (vault_dir / "Network.md").read_text(encoding="utf-8") == f"{START}\nPeople: 1; streak 0\n{END}\n"


def test_view_sections_on_a_small_vault(cli, vault_dir, make_person) -> None:
    make_person("Ann", "## Log\n- 2026-11-20 coffee: hi\n", cadence="1w", met="2026-11-20", location="London")
    make_person("Bob", "## Log\n- 2026-10-01 call: hi\n", cadence="1w", location='The "Big" | Apple')
    make_person("Cat", last_contact="2025-01-01", introduced_by='"[[Ann]]"', met="2024-06-01")
    assert cli("intro", "Ann", "Bob", "--date", "2026-11-01").exit_code == 0
    assert cli("stats").exit_code == 0
    text = (vault_dir / "Network.md").read_text(encoding="utf-8")
    for expected in [
        "**3 people**. Goal: 1 new person a week (by `met`).\n",
        "- This year: **1** new of a target of 52 (2%).\n- Streak: **1** week in a row meeting the goal.\n",
        # Ann's coffee on 11-20 keeps her on time; Bob's last contact is the intro on 11-01.
        "**1 of 2** people with a cadence are on time (50%).\n",
        "| [[Bob]] | 1w | 2026-11-01 | 14 days (2.0×) |\n",
        "Losing touch (no cadence, no contact for a year):\n\n- [[Cat]]: last 2025-01-01\n",
        "| intro | 2 | 50% |\n| call | 1 | 25% |\n| coffee | 1 | 25% |\n",
        "You made **1** introduction; 1 person introduced you to **1**.\n",
        "| 2026-11-01 | you introduced [[Ann]] and [[Bob]] |\n| 2024-06-01 | [[Ann]] introduced you to [[Cat]] |\n",
        "50% of your network is in London (of the 2 people whose location you record). "
        "Largest group 50%, effective number 2.0 of 2 groups; 1 unknown.\n",
        '| The "Big" \\| Apple | 1 | 50% |\n',
        "    \"The 'Big' | Apple\" : 1\n",
        "### Company\n\nYou record no company yet.\n\n### Tags\n\nYou record no tags yet.\n<!-- /vaultkit:network -->",
    ]:
        assert expected in text
    assert "Never contacted" not in text


def test_long_lists_are_cut_short(cli, vault_dir, make_person) -> None:
    make_person("Host")
    for number in range(12):
        make_person(f"New {number:02d}", cadence="1m")  # never contacted
    for number in range(22):
        make_person(f"Friend {number:02d}", introduced_by='"[[Host]]"', met=f"2026-10-{number + 1:02d}")
    result = cli("stats")
    assert (
        "Never contacted: New 00, New 01, New 02, New 03, New 04, New 05, New 06, New 07, New 08, New 09 and 2 more"
        in (" ".join(result.stdout.split()))
    )
    assert "\n…and 2 older\n" in result.stdout
    text = (vault_dir / "Network.md").read_text(encoding="utf-8")
    assert "[[New 09]] and 2 more.\n" in text
    assert "1 person introduced you to **22**.\n" in text
    assert "…and 2 older (the latest 0 made and 20 received are shown).\n" in text
    assert "[[Friend 01]]" not in text and "| 2026-10-03 | [[Host]] introduced you to [[Friend 02]] |" in text
    graph = next(block for block in mermaid_blocks(text) if block.startswith("graph"))
    assert check_mermaid(graph) == "graph"
    assert graph.count("-.->") == 20


# -- Mermaid --------------------------------------------------------------------------------
_ID = r"[A-Za-z0-9_]+"
_QUOTED = r'"[^"]*"'


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)\n```$", text, flags=re.S | re.M)


def check_mermaid(block: str) -> str:
    """Check a block's structure the way Mermaid's grammar needs it; return the diagram type."""
    lines = block.split("\n")
    kind = lines[0].split()[0]
    assert kind in ("xychart-beta", "pie", "graph"), lines[0]
    for line in lines:
        assert line.count('"') % 2 == 0, line
        assert line == lines[0] or line.startswith("    "), line
    body = [line.strip() for line in lines[1:]]
    if kind == "graph":
        assert lines[0] == "graph LR"
        declared = set()
        for line in body:
            node = re.fullmatch(rf"({_ID})\[{_QUOTED}\]", line)
            edge = re.fullmatch(rf"({_ID}) (?:---|-\.->)\|{_QUOTED}\| ({_ID})", line)
            assert node or edge, line
            if node:
                declared.add(node.group(1))
            else:
                assert edge is not None
                assert {edge.group(1), edge.group(2)} <= declared, line
    elif kind == "pie":
        assert re.fullmatch(r"pie title [^\"\n]+", lines[0]), lines[0]
        assert body and all(re.fullmatch(rf"{_QUOTED} : \d+", line) for line in body), body
    else:
        assert body[0].startswith('title "')
        axis = re.fullmatch(rf"x-axis \[({_QUOTED}(?:, {_QUOTED})*)\]", body[1])
        assert axis, body[1]
        assert re.fullmatch(r'y-axis "People" 0 --> \d+', body[2]), body[2]
        series = [re.fullmatch(r"(bar|line) \[(\d+(?:, \d+)*)\]", line) for line in body[3:]]
        assert all(series) and [s.group(1) for s in series if s] in (["bar"], ["bar", "line"])
        categories = len(re.findall(_QUOTED, axis.group(1)))
        assert all(len(s.group(2).split(", ")) == categories for s in series if s)
    return kind


def test_mermaid_blocks_on_the_example_vault_parse(cli, example_vault) -> None:
    assert cli("intro", "Marcus Bell", "Kwame", "--date", "2026-09-22", vault=example_vault).exit_code == 0
    assert cli("stats", vault=example_vault).exit_code == 0
    text = (example_vault / "Network.md").read_text(encoding="utf-8")
    blocks = mermaid_blocks(text)
    kinds = [check_mermaid(block) for block in blocks]
    assert kinds == ["xychart-beta", "pie", "graph"] + ["pie"] * 6
    assert blocks[0] == (
        "xychart-beta\n"
        '    title "New people per week"\n'
        '    x-axis ["W36", "W37", "W38", "W39", "W40", "W41", "W42", "W43", "W44", "W45", "W46", "W47"]\n'
        '    y-axis "People" 0 --> 8\n'  # whole-people ticks; the goal's line below the top edge
        "    bar [0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1]\n"
        "    line [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"
    )
    assert blocks[2] == (
        "graph LR\n"
        '    p_Jonas_Becker["Jonas Becker"]\n'
        '    p_Kenji_Watanabe["Kenji Watanabe"]\n'
        '    p_Kwame_Mensah["Kwame Mensah"]\n'
        '    p_Marcus_Bell["Marcus Bell"]\n'
        '    p_Priya_Raghunathan["Priya Raghunathan"]\n'
        '    p_Ravi_Menon["Ravi Menon"]\n'
        '    p_Yuki_Tanaka["Yuki Tanaka"]\n'
        '    p_Zoe_Muller["Zoë Müller"]\n'
        '    p_Kwame_Mensah ---|"2026-09-22"| p_Marcus_Bell\n'
        '    p_Kenji_Watanabe -.->|"introduced you"| p_Yuki_Tanaka\n'
        '    p_Zoe_Muller -.->|"introduced you"| p_Jonas_Becker\n'
        '    p_Priya_Raghunathan -.->|"introduced you"| p_Ravi_Menon'
    )


def test_the_structural_check_catches_broken_blocks() -> None:
    with pytest.raises(AssertionError):
        check_mermaid('graph LR\n    p_A["A"]\n    p_A --- p_B')
    with pytest.raises(AssertionError):
        check_mermaid('graph LR\n    p-A["A"]')
    with pytest.raises(AssertionError):
        check_mermaid('pie title X\n    "a"b" : 1')
    with pytest.raises(AssertionError):
        check_mermaid(
            'xychart-beta\n    title "t"\n    x-axis ["a", "b"]\n    y-axis "People" 0 --> 1\n    bar [1]'
        )
    with pytest.raises(AssertionError):
        check_mermaid("flowchart TD\n    a --> b")


def test_node_ids_are_sanitized_and_unique() -> None:
    ids = node_ids(["Zoë Müller", "Zoe Muller", "end", "山田 太郎", "O'Brien, Seán", "1st"])
    assert ids == {
        "1st": "p_1st",
        "end": "p_end",
        "O'Brien, Seán": "p_O_Brien_Sean",
        "Zoe Muller": "p_Zoe_Muller",
        "Zoë Müller": "p_Zoe_Muller_2",
        "山田 太郎": "p_person",
    }
    assert all(re.fullmatch(_ID, node) for node in ids.values())


def test_chart_builders() -> None:
    assert pie_chart("Channels", [("a", 0)]) is None
    assert (
        pie_chart('Say "hi"', [('x "y"', 2), ("z`", 1)])
        == "pie title Say 'hi'\n    \"x 'y'\" : 2\n    \"z'\" : 1"
    )
    assert week_chart([("2026-W53", 0), ("2027-W01", 3)], 0) == (
        'xychart-beta\n    title "New people per week"\n    x-axis ["W53", "W01"]\n'
        '    y-axis "People" 0 --> 8\n    bar [0, 3]'
    )
    assert '    y-axis "People" 0 --> 13\n' in week_chart([("2026-W47", 2)], 12)  # above the goal
    assert '    y-axis "People" 0 --> 20\n' in week_chart([("2026-W47", 20)], 1)
    for block in (pie_chart("T", [("a", 1)]), week_chart([("2026-W47", 2)], 1)):
        assert block is not None
        check_mermaid(block)


def test_bar_cells() -> None:
    assert bar(0, 5) == "0"
    assert bar(5, 5) == "█" * 20 + " 5"
    assert bar(1, 100) == "█ 1"
    assert bar(3, 6, width=10) == "█████ 3"


# -- terminal -------------------------------------------------------------------------------
def test_stats_in_the_terminal(cli, make_person, vault_dir) -> None:
    make_person(
        "Ann", "## Log\n- 2026-11-20 coffee: hi\n- 2026-11-01 coffee: hi\n", met="2026-11-20", gender="female"
    )
    make_person("Bob", "## Log\n- 2026-11-21 call: hi\n", met="2026-11-10")
    result = cli("stats")
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Your network on 2026-11-22: 2 people"
    assert "2026-W46   ████████████████████ 1" in lines
    assert "2026-W47   ████████████████████ 1" in lines
    assert "Streak: 2 weeks in a row meeting the goal. This year: 2 of 52 (4%)." in lines
    assert "coffee    ████████████████████ 2   67%" in lines
    assert "call      ██████████ 1             33%" in lines
    words = " ".join(result.stdout.split())  # rich wraps long lines at the terminal's width
    assert (
        "Gender: 100% of your network is female (of the 1 person whose gender you record). "
        "Largest group 100%, effective number 1.0 of 1 group; 1 unknown."
    ) in words
    assert f"female {'█' * 20} 1 100% unknown {'█' * 20} 1" in words
    assert lines[-1] == "Wrote Network.md"
    # Everyone's gender recorded, one person: no "unknown 0" row, in stats or in Network.md.
    (vault_dir / "People/Bob.md").unlink()
    result = cli("stats")
    assert result.stdout.startswith("Your network on 2026-11-22: 1 person\n")
    words = " ".join(result.stdout.split())
    assert f"female {'█' * 20} 1 100% Wrote Network.md" in words
    assert "| unknown |" not in (vault_dir / "Network.md").read_text(encoding="utf-8").split("## Gender")[1]


def test_commands_have_help_with_an_example(cli) -> None:
    for command in ("intro", "stats", "suggest"):
        result = cli(command, "--help")
        assert result.exit_code == 0
        assert "Example: vault " + command in result.stdout


# -- vault suggest --------------------------------------------------------------------------
@pytest.fixture
def suggest_vault(cli, vault_dir: Path, make_person) -> Path:
    make_person("Overdue Olga", cadence="1m", last_contact="2026-09-01")  # 52 days over, 1.7 periods
    make_person("Late Larry", cadence="2w", last_contact="2026-11-01")  # 7 days over, 0.5 periods
    make_person(
        "Task Tina",
        "- [ ] Send the slides 📅 2026-11-20\n- [ ] Book the venue 📅 2026-11-21\n",
        last_contact="2026-11-20",
    )
    make_person("Later Lou", "- [ ] Plan the trip 📅 2026-12-20\n", last_contact="2026-11-20")
    make_person("Intro Ivy", introduced_by='"[[Overdue Olga]]"')
    make_person("Lost Lee", last_contact="2025-01-01")
    make_person("Pat", "## Log\n")
    make_person("Quinn", "## Log\n")
    make_person("Snoozy Sam", "- [ ] Call back 📅 2026-11-01\n", cadence="1w", snooze_until="2026-12-01")
    make_person("Archie", "- [ ] Old task 📅 2026-11-01\n", archived="true", last_contact="2020-01-01")
    assert cli("intro", "Pat", "Quinn", "--date", "2026-10-01").exit_code == 0
    return vault_dir


def test_suggest_mixes_the_lists_in_turns(cli, suggest_vault) -> None:
    result = cli("suggest", "--n", "10", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "today": "2026-11-22",
        "suggestions": [
            {
                "name": "Overdue Olga",
                "path": "People/Overdue Olga.md",
                "kind": "overdue",
                "reason": "last: 2026-09-01, every month, 52 days over",
            },
            {
                "name": "Task Tina",
                "path": "People/Task Tina.md",
                "kind": "follow-up",
                "reason": "follow-up: Send the slides (due 2026-11-20, 2 days late)",
            },
            {
                "name": "Intro Ivy",
                "path": "People/Intro Ivy.md",
                "kind": "introduction",
                "reason": "introduced by Overdue Olga; not contacted yet; no contact yet and no cadence",
            },
            {
                "name": "Lost Lee",
                "path": "People/Lost Lee.md",
                "kind": "losing touch",
                "reason": "no contact since 2025-01-01 and no cadence",
            },
            {
                "name": "Late Larry",
                "path": "People/Late Larry.md",
                "kind": "overdue",
                "reason": "last: 2026-11-01, every 2 weeks, 7 days over",
            },
            {
                "name": "Pat",
                "path": "People/Pat.md",
                "kind": "introduction",
                "reason": "you introduced them to Quinn on 2026-10-01; ask how it went",
            },
            {
                "name": "Quinn",
                "path": "People/Quinn.md",
                "kind": "introduction",
                "reason": "you introduced them to Pat on 2026-10-01; ask how it went",
            },
        ],
    }


def test_suggest_in_the_terminal_and_n(cli, suggest_vault) -> None:
    result = cli("suggest", "--n", "3")
    assert result.exit_code == 0
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Reach out on 2026-11-22:"
    assert [line.split("  ")[1].strip() for line in lines[3:] if line[:1].isdigit()] == [
        "Overdue Olga",
        "Task Tina",
        "Intro Ivy",
    ]
    expected = [
        "Reach out on 2026-11-22:",
        "#   Who            Why",
        "─" * 95,
        "1   Overdue Olga   last: 2026-09-01, every month, 52 days over",
        "2   Task Tina      follow-up: Send the slides (due 2026-11-20, 2 days late)",
        "3   Intro Ivy      introduced by Overdue Olga; not contacted yet; no contact yet and no cadence",
        "4   Lost Lee       no contact since 2025-01-01 and no cadence",
        "5   Late Larry     last: 2026-11-01, every 2 weeks, 7 days over",
    ]
    for _ in range(2):  # the same five, in the same order, on every run
        default = cli("suggest")
        assert default.exit_code == 0
        assert [line.rstrip() for line in default.stdout.splitlines()] == expected
    zero = cli("suggest", "--n", "0")
    assert (zero.exit_code, zero.stderr) == (2, "vault: --n 0: ask for at least one suggestion\n")
    short = cli("suggest", "-n", "2")  # (as `head -n`)
    picked = [line.split("  ")[1].strip() for line in short.stdout.splitlines()[3:] if line[:1].isdigit()]
    assert (short.exit_code, picked) == (0, ["Overdue Olga", "Task Tina"])


def test_suggest_stops_checking_in_once_you_have_talked(cli, suggest_vault) -> None:
    assert cli("log", "Pat", "how did it go with Quinn?", "--date", "2026-11-02").exit_code == 0
    names = [s["name"] for s in json.loads(cli("suggest", "--n", "10", "--json").stdout)["suggestions"]]
    assert "Pat" not in names and "Quinn" in names
    later = json.loads(cli("suggest", "--n", "10", "--json", today="2027-01-15").stdout)["suggestions"]
    assert "Quinn" not in [s["name"] for s in later]  # 106 days on: past the check-in window


def test_suggest_takes_follow_ups_by_date_one_per_person(cli, vault_dir, make_person) -> None:
    make_person("Ann", "- [ ] Call about the lease 📅 2026-11-10\n- [ ] Send the photos 📅 2026-11-12\n")
    make_person("Bob")
    write_note(
        vault_dir,
        "Meetings/2026-11-01 Board.md",
        "---\npeople: [Bob]\n---\n- [ ] Share the minutes 📅 2026-11-11\n- [ ] Ask [[Ann]] later\n",
    )
    result = json.loads(cli("suggest", "--json").stdout)["suggestions"]
    assert [(s["name"], s["kind"], s["reason"]) for s in result] == [
        (
            "Ann",
            "follow-up",
            "follow-up: Call about the lease (due 2026-11-10, 12 days late); no contact yet and no cadence",
        ),
        (
            "Bob",
            "follow-up",
            # Bob was at the board meeting: not losing touch
            "follow-up: Share the minutes (due 2026-11-11, 11 days late)",
        ),
    ]


def test_suggest_reads_past_the_first_page_of_the_people_due(cli, make_person) -> None:
    # Forty people named Sam come first among those due: after the first, the overdue list
    # passes over the rest (the first page of people due it reads holds 16) to reach Zed.
    for number in range(40):
        make_person("Sam", folder=f"People/Team {number:02}", cadence="1m", last_contact="2026-01-01")
    make_person("Zed", cadence="1m", last_contact="2026-10-01")
    result = json.loads(cli("suggest", "--n", "2", "--json").stdout)["suggestions"]
    assert result == [
        {
            # the last of the Sams in the due order: the path of a shared name, as before
            "name": "Sam",
            "path": "People/Team 39/Sam.md",
            "kind": "overdue",
            "reason": "last: 2026-01-01, every month, 294 days over",
        },
        {
            "name": "Zed",
            "path": "People/Zed.md",
            "kind": "overdue",
            "reason": "last: 2026-10-01, every month, 21 days over",
        },
    ]


def test_suggest_gives_why_someone_far_down_the_due_list_is_due(cli, make_person) -> None:
    for number in range(30):
        make_person(f"Late {number:02}", cadence="1w", last_contact=f"2026-{1 + number % 9:02}-01")
    # Tina is picked for her follow-up; she is also due, behind the thirty others.
    make_person("Tina", "- [ ] Send the slides 📅 2026-11-20\n", cadence="1y", last_contact="2025-11-01")
    result = json.loads(cli("suggest", "--n", "2", "--json").stdout)["suggestions"]
    assert [(s["name"], s["kind"], s["reason"]) for s in result] == [
        ("Late 00", "overdue", "last: 2026-01-01, every week, 318 days over"),
        (
            "Tina",
            "follow-up",
            "last: 2025-11-01, every year, 21 days over; "
            "follow-up: Send the slides (due 2026-11-20, 2 days late)",
        ),
    ]


def test_suggest_on_an_empty_vault(cli) -> None:
    assert cli("suggest").stdout == "Nobody to suggest on 2026-11-22. Enjoy your day.\n"


def test_pies_leave_unknowns_to_the_text_and_fold_thin_slices(cli, make_person, vault_dir) -> None:
    for number in range(40):
        make_person(f"Londoner {number}", location="London")
    make_person("Olav", location="Oslo")
    make_person("Pierre", location="Paris")
    for number in range(10):
        make_person(f"Somebody {number}")
    assert cli("stats").exit_code == 0
    text = (vault_dir / "Network.md").read_text(encoding="utf-8")
    pie = next(block for block in mermaid_blocks(text) if block.startswith("pie title Location"))
    assert pie == 'pie title Location\n    "London" : 40\n    "2 others" : 2'  # 1 of 42 is too thin to label
    assert "10 unknown" in text  # said in words beside it


def test_network_and_review_link_people_who_share_a_name_by_path(cli, vault_dir, make_person) -> None:
    # Two Bob Stones met this week and drifting: a bare [[Bob Stone]] would open one of them twice.
    for folder in ("People", "People/Work"):
        make_person("Bob Stone", folder=folder, cadence="1w", met="2026-11-17", last_contact="2026-10-01")
    assert cli("stats").exit_code == 0
    network = (vault_dir / "Network.md").read_text(encoding="utf-8")
    assert "| [[People/Bob Stone\\|Bob Stone]] | 1w |" in network
    assert "| [[People/Work/Bob Stone\\|Bob Stone]] | 1w |" in network
    assert cli("review").exit_code == 0
    review = (vault_dir / "Reviews/2026-W47.md").read_text(encoding="utf-8")
    for link in ("[[People/Bob Stone|Bob Stone]]", "[[People/Work/Bob Stone|Bob Stone]]"):
        assert f"- {link}, met 2026-11-17\n" in review
        assert f"- {link}: 45 days overdue" in review


def test_comment_openers_in_values_are_escaped_outside_the_charts(cli, vault_dir, make_person) -> None:
    # Raw, `<!--` would hide the rest of the view in Obsidian, up to the block's end marker.
    make_person("Ann", company='"Acme <!-- Labs"', location='"x %% y"')
    assert cli("stats").exit_code == 0
    text = (vault_dir / "Network.md").read_text(encoding="utf-8")
    outside_charts = re.sub(r"```mermaid\n.*?```\n", "", text, flags=re.S)
    lines = outside_charts.splitlines()[1:-1]  # (the block's own markers)
    assert not [line for line in lines if "<!--" in line or "%%" in line]
    assert "| Acme <\\!-- Labs | 1 | 100% |" in lines
    assert "| x %\\% y | 1 | 100% |" in lines
    assert (
        "100% of your network works at Acme <\\!-- Labs. Largest group 100%, effective number 1.0 of 1 group."
        in lines
    )


def test_stats_read_only_in_part_still_writes_network_md(
    vault_dir: Path, make_person, tmp_path: Path
) -> None:
    """`vault stats | head -1`: the reader stops early and the next line ends the process."""
    for n in range(40):
        make_person(f"Person {n}", met="2026-11-20", location=f"Town {n}")
    vault = Path(sys.executable).with_name("vault")
    command = f"'{vault}' --vault '{vault_dir}' --index '{tmp_path / 'i.sqlite'}' --today 2026-11-22 stats | head -1"
    shown = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert shown.stdout == "Your network on 2026-11-22: 40 people\n"
    assert "**40 people**" in (vault_dir / "Network.md").read_text(encoding="utf-8")
