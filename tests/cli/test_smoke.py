"""End-to-end: the example vault through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path


def test_due_on_example_vault(cli, example_vault: Path) -> None:
    result = cli("due", "--json", vault=example_vault)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["today"] == "2026-11-22"
    names = [item["name"] for item in data["due"]]
    assert names[0] == "Yuki Tanaka"  # never contacted comes first
    assert "Tom Whitfield" in names
    assert data["problems"] == []
