"""Every command documents itself with an example, and the README mentions every command."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from conftest import REPO
from typer.testing import CliRunner

from vaultkit.cli import app

CORE = ["init", "add", "log", "due", "show", "list", "search", "index", "check"]


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in sorted(getattr(group, "commands", {}).items()):
        found += _commands(command, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))
TOP_LEVEL = sorted({path[0] for path in COMMANDS if path})


def test_the_core_commands_exist() -> None:
    assert set(CORE) <= set(TOP_LEVEL)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(("vault", *path)))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.stderr
    assert "Example:" in result.stdout
    assert "Example: vault " in " ".join(result.stdout.split())


@pytest.mark.parametrize("command", TOP_LEVEL)
def test_the_readme_mentions_every_command(command: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"vault {command}" in readme
