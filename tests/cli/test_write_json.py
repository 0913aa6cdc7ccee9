"""`--json` on the commands that write notes: what was written, in the MCP tools' shapes,
and nothing but the JSON on stdout (a refusal stays one line on stderr)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import write_note


def _json(result: Any) -> Any:
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return json.loads(result.stdout)


def test_each_write_says_what_it_wrote_as_json(cli: Any, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", "---\ncadence: 1m\n---\n# Ada Lovelace\n")
    ada = {"name": "Ada Lovelace", "path": "People/Ada Lovelace.md"}
    bob = {"name": "Bob Stone", "path": "People/Bob Stone.md"}
    assert _json(cli("add", "Bob Stone", "--json")) == {"added": bob}
    assert _json(cli("log", "Ada, Bob", "tea", "--date", "2026-11-20", "--json")) == {
        "date": "2026-11-20",
        "logged": [ada, bob],
    }
    assert _json(cli("intro", "Ada", "Bob", "--json")) == {"date": "2026-11-22", "introduced": [ada, bob]}

    def edited(**one: Any) -> dict[str, Any]:  # (one person: at the top level too, as before `edited`)
        return {**one, "edited": [one]}

    # (Introduced today, Ada is not due before 2026-12-22: the snooze moves no due date.)
    snoozed = {
        **ada,
        "changed": True,
        "snooze_until": "2026-12-06",
        "no_effect": None,
        "due_unchanged": "not due before 2026-12-22 anyway",
    }
    assert _json(cli("snooze", "Ada", "2w", "--json")) == edited(**snoozed)
    assert _json(cli("snooze", "Ada", "2w", "--json")) == edited(**{**snoozed, "changed": False})
    assert _json(cli("archive", "Ada", "--json")) == edited(**ada, changed=True)
    assert _json(cli("unarchive", "Ada", "--json")) == edited(**ada, changed=True)
    city = {"changed_keys": ["city"], "unchanged_keys": []}
    assert _json(cli("set", "Ada", "city=Paris", "--json")) == edited(**ada, changed=True, **city)
    assert _json(cli("unset", "Ada", "city", "--json")) == edited(**ada, changed=True, **city)
    assert _json(cli("unset", "Ada", "city", "--json")) == edited(
        **ada, changed=False, changed_keys=[], unchanged_keys=["city"]
    )
    assert _json(cli("set", "Ada,Bob", "city=Paris", "--json")) == {
        "edited": [{**ada, "changed": True, **city}, {**bob, "changed": True, **city}]
    }
    text = (vault_dir / "People/Ada Lovelace.md").read_text(encoding="utf-8")
    assert "- 2026-11-22 intro: introduced to [[Bob Stone]]\n- 2026-11-20 tea\n" in text
    assert "snooze_until: 2026-12-06\narchived: false\ncity: Paris\n" in text
    refused = cli("log", "Ada", "tea", "--date", "2030-01-01", "--json")
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr.startswith("vault: --date 2030-01-01 is after today")


def test_the_prospect_commands_meet_and_review_say_what_they_wrote_as_json(cli: Any, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada Lovelace.md", "---\ncadence: 1m\n---\n# Ada Lovelace\n")
    grace = {"name": "Grace Hopper", "path": "People/Grace Hopper.md"}
    assert _json(cli("want", "Grace Hopper", "--why", "compilers", "--json")) == {
        **grace,
        "changed": True,
        "created": True,
        "added": [],
        "kept": {},
    }
    assert _json(cli("want", "Grace Hopper", "--why", "COBOL", "--tag", "navy", "--json")) == {
        **grace,
        "changed": True,
        "created": False,
        "added": ["tags"],
        "kept": {"why": "compilers"},
    }
    assert _json(cli("want", "Grace Hopper", "--tag", "navy", "--json"))["changed"] is False
    asked = {**grace, "changed": True, "date": "2026-11-20", "status": "asked"}
    assert _json(cli("ask", "Grace", "--date", "2026-11-20", "--json")) == {**asked, "asks": 1}
    assert _json(cli("ask", "Grace", "--json")) == {**asked, "date": "2026-11-22", "asks": 2}
    assert _json(cli("met", "Grace", "coffee", "--json")) == {
        **grace,
        "changed": True,
        "met": "2026-11-22",
        "cadence": None,
        "cadence_source": None,
    }
    assert _json(cli("meet", "Ada, Grace", "--json")) == {
        "path": "Meetings/2026-11-22 Ada Lovelace and Grace Hopper.md",
        "date": "2026-11-22",
        "people": [{"name": "Ada Lovelace", "path": "People/Ada Lovelace.md"}, grace],
    }
    review = {
        "path": "Reviews/2026-W47.md",
        "week": "2026-W47",
        "written": True,
        "new_people": 1,
        "goal_per_week": 1,
        "streak": 1,
        "meetings": 1,
        "due": 0,
        "overdue_followups": 0,
        "to_meet": 0,
        "asked": 2,
    }
    assert _json(cli("review", "--json")) == review
    assert _json(cli("review", "--json")) == {**review, "written": False}
    # The same counts as the line a person reads.
    assert cli("review").stdout == (
        "Up to date: Reviews/2026-W47.md: 1 new person (goal 1, streak 1 week), 1 meeting, 0 due, "
        "0 overdue follow-ups, 0 to meet (2 asked this week)\n"
    )
