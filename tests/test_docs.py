"""The manual in docs/ stays true: every command documents itself with an example, the pages
mention every command, the command reference is the app's own `--help`, and the README
front page links every page."""

from __future__ import annotations

import re

import pytest
from conftest import REPO
from gen_docs import COMMANDS_PAGE, REFERENCE, command_paths, help_text, page
from typer.testing import CliRunner

from vaultkit.cli.commands import app

CORE = ["init", "add", "log", "due", "show", "list", "search", "index", "check"]
DOCS = REPO / "docs"
# Each page of the manual and the section it holds (`<!-- section:NAME -->`).
PAGES = {
    "format.md": "format",
    "commands.md": "commands",
    "views-and-watch.md": "views-and-watch",
    "meetings-and-review.md": "meetings-and-review",
    "sync.md": "sync",
    "import-export.md": "import-export",
    "calendar.md": "calendar",
    "insights.md": "insights",
    "assistants.md": "assistants",
    "obsidian.md": "obsidian",
    "library.md": "library",
    "architecture.md": "architecture",
    "performance.md": "performance",
}
COMMANDS = command_paths()
TOP_LEVEL = sorted({path[0] for path in COMMANDS if path})


def _written_pages() -> str:
    """Every page as written by hand: docs/commands.md without its generated reference."""
    texts = []
    for name in PAGES:
        text = (DOCS / name).read_text(encoding="utf-8")
        texts.append(text.split(REFERENCE, 1)[0])
    return "\n".join(texts)


def test_the_core_commands_exist() -> None:
    assert set(CORE) <= set(TOP_LEVEL)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(("vault", *path)))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.stderr
    assert "Example:" in result.stdout
    assert "Example: vault " in " ".join(result.stdout.split())


@pytest.mark.parametrize("command", TOP_LEVEL)
def test_the_docs_mention_every_command(command: str) -> None:
    assert f"vault {command}" in _written_pages()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_holds_its_section_and_the_readme_links_it(name: str) -> None:
    text = (DOCS / name).read_text(encoding="utf-8")
    section = PAGES[name]
    assert text.count(f"<!-- section:{section} -->") == 1
    assert text.count(f"<!-- /section:{section} -->") == 1
    assert f"](docs/{name})" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_a_front_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    assert readme.index("make demo") < readme.index("<!-- section:session -->")
    assert "## Your data is safe" in readme


def test_links_between_pages_lead_to_files() -> None:
    for source in [REPO / "README.md", *sorted(DOCS.glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", source.read_text(encoding="utf-8")):
            assert (source.parent / target).exists(), f"{source.name} links to a missing {target}"


def test_the_command_reference_is_the_apps_help() -> None:
    current = COMMANDS_PAGE.read_text(encoding="utf-8")
    assert REFERENCE in current
    assert page(current) == current, "docs/commands.md is out of date: run `make docs`"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(("vault", *path)))
def test_the_reference_holds_every_commands_help(path: tuple[str, ...]) -> None:
    reference = COMMANDS_PAGE.read_text(encoding="utf-8").split(REFERENCE, 1)[1]
    title = " ".join(("vault", *path))
    assert f"### `{title}`\n\n```text\n{help_text(path)}```\n" in reference
