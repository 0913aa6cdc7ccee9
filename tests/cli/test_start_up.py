"""What a command imports at start-up: a one-shot command pays for every module it loads,
so the common read commands load none they do not use (Jinja, rich, the prospects, the
statistics module). Read from `-X importtime`, never timed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LAUNCH = "from vaultkit.cli.launch import main; main()"
TODAY = "2026-11-22"


def _imported(command: list[str], vault: Path, index: Path) -> set[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("VAULTKIT_VAULT", "VAULTKIT_TODAY", "VAULTKIT_INDEX")
    }
    options = ["--vault", str(vault), "--index", str(index), "--today", TODAY]
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", LAUNCH, *options, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.rpartition("|")[2].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }


@pytest.mark.parametrize(
    "command", [["due", "--json"], ["show", "Tunde", "--json"], ["list", "--json"], ["list", "--all"]]
)
def test_read_commands_import_no_module_they_do_not_use(
    command: list[str], example_vault: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index.sqlite"
    _imported(["index"], example_vault, index)  # (the first run builds the index)
    imported = _imported(command, example_vault, index)
    assert "vaultkit.workspace" in imported
    unused = {"jinja2", "rich", "statistics", "vaultkit.prospects", "vaultkit.views.render"}
    assert imported & unused == set()


def test_the_launcher_imports_nothing_of_the_cli() -> None:
    """The console script forks the early stats' child before the CLI's imports: importing
    it (and so its package) loads no command module, no Typer and no index."""
    probe = "import sys, vaultkit.cli.launch; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "vaultkit.cli.launch" in loaded
    assert {
        "typer",
        "sqlite3",
        "vaultkit.cli.app",
        "vaultkit.cli.core",
        "vaultkit.workspace",
    } & loaded == set()
