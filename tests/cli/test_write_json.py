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
    # (Introduced today, Ada is not due before 2026-12-22: the snooze changes nothing.)
    snoozed = {
        **ada,
        "changed": True,
        "snooze_until": "2026-12-06",
        "no_effect": "not due before 2026-12-22 anyway",
    }
    assert _json(cli("snooze", "Ada", "2w", "--json")) == snoozed
    assert _json(cli("snooze", "Ada", "2w", "--json")) == {**snoozed, "changed": False}
    assert _json(cli("archive", "Ada", "--json")) == {**ada, "changed": True}
    assert _json(cli("unarchive", "Ada", "--json")) == {**ada, "changed": True}
    assert _json(cli("set", "Ada", "city=Paris", "--json")) == {**ada, "changed": True}
    assert _json(cli("unset", "Ada", "city", "--json")) == {**ada, "changed": True}
    assert _json(cli("unset", "Ada", "city", "--json")) == {**ada, "changed": False}
    text = (vault_dir / "People/Ada Lovelace.md").read_text(encoding="utf-8")
    assert "- 2026-11-22 intro: introduced to [[Bob Stone]]\n- 2026-11-20 tea\n" in text
    assert "snooze_until: 2026-12-06\narchived: false\n" in text
    refused = cli("log", "Ada", "tea", "--date", "2030-01-01", "--json")
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr.startswith("vault: --date 2030-01-01 is after today")
