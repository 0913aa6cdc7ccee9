"""The package's layers, read from every module's imports (function-level ones too).

`cli` -> features -> `workspace` -> `index`/`vault` -> `notes` -> the base; nothing imports
upwards and there is no cycle. A lazy import inside a function is still an import: it
only moves the cost, not the dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "vaultkit"
BASE = {"vaultkit.errors", "vaultkit.places", "vaultkit.config", "vaultkit.dates", "vaultkit.model"}
FEATURES = (
    "vaultkit.views",
    "vaultkit.insights",
    "vaultkit.contacts",
    "vaultkit.sync",
    "vaultkit.meetings",
    "vaultkit.prospects",
    "vaultkit.watch",
    "vaultkit.checks",
    "vaultkit.answers",
    "vaultkit.mcp",
    "vaultkit.cli",
)
UI_LIBRARIES = {"typer", "rich", "click"}
# The MCP SDK and what it brings (most of a second to import): `vault mcp` alone needs them.
MCP_LIBRARIES = {"mcp", "mcp_types", "pydantic", "anyio", "starlette"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """Every module `name` imports: vaultkit modules by their full name, others by their top name."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name if alias.name in MODULES else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module not in MODULES:
                found.add(module.split(".")[0])
                continue
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                found.add(submodule if submodule in MODULES else module)
    return found


IMPORTS = {name: _imports(name) for name in MODULES}


def _vaultkit_imports(name: str) -> set[str]:
    return {other for other in IMPORTS[name] if other in MODULES and other != name}


def _under(name: str, *packages: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def _cycle() -> list[str] | None:
    """One import cycle among vaultkit modules, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for other in sorted(_vaultkit_imports(name)):
            if other == "vaultkit":
                continue  # the package's __init__ (its version) imports nothing
            if state.get(other) == 1:
                return [*path[path.index(other) :], other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return None

    for name in MODULES:
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def test_the_modules_are_found() -> None:
    assert {"vaultkit.workspace", "vaultkit.notes.parse", "vaultkit.cli.app"} <= set(MODULES)
    assert "vaultkit.vault.files" in IMPORTS["vaultkit.workspace"]


def test_no_import_cycle() -> None:
    cycle = _cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_only_the_cli_imports_typer_rich_or_click() -> None:
    offenders = {
        name: sorted(IMPORTS[name] & UI_LIBRARIES)
        for name in MODULES
        if not _under(name, "vaultkit.cli") and IMPORTS[name] & UI_LIBRARIES
    }
    assert offenders == {}


def test_only_the_mcp_server_imports_the_sdk() -> None:
    offenders = {
        name: sorted(IMPORTS[name] & MCP_LIBRARIES)
        for name in MODULES
        if name != "vaultkit.mcp.server" and IMPORTS[name] & MCP_LIBRARIES
    }
    assert offenders == {}
    assert "mcp" in IMPORTS["vaultkit.mcp.server"]


def test_the_mcp_front_is_imported_only_by_the_cli() -> None:
    """Like the CLI, the MCP server is a front: the core never imports it."""
    offenders = {
        name
        for name in MODULES
        if not _under(name, "vaultkit.cli", "vaultkit.mcp")
        and any(_under(o, "vaultkit.mcp") for o in IMPORTS[name])
    }
    assert offenders == set()
    assert "vaultkit.mcp.server" in IMPORTS["vaultkit.cli.mcp"]


@pytest.mark.parametrize("name", sorted(BASE))
def test_the_base_imports_only_the_base(name: str) -> None:
    assert _vaultkit_imports(name) - BASE - {"vaultkit"} == set()


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _under(n, "vaultkit.notes")))
def test_notes_import_nothing_above_them(name: str) -> None:
    above = {
        other
        for other in _vaultkit_imports(name)
        if _under(other, "vaultkit.vault", "vaultkit.index", "vaultkit.workspace", "vaultkit.due")
        or _under(other, *FEATURES)
    }
    assert above == set()


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _under(n, "vaultkit.vault", "vaultkit.index")))
def test_vault_and_index_import_no_workspace_or_feature(name: str) -> None:
    above = {other for other in _vaultkit_imports(name) if _under(other, "vaultkit.workspace", *FEATURES)}
    assert above == set()


# `vault add` renders the person template: the renderer is a string library (Jinja, the
# sandbox) that lives with the views and imports nothing of the vault.
WORKSPACE_MAY_IMPORT = {"vaultkit.views.render", "vaultkit.views.sandbox"}


def test_workspace_imports_no_feature() -> None:
    features = {other for other in _vaultkit_imports("vaultkit.workspace") if _under(other, *FEATURES)}
    assert features - WORKSPACE_MAY_IMPORT == set()


@pytest.mark.parametrize("name", sorted(WORKSPACE_MAY_IMPORT))
def test_what_the_workspace_may_import_imports_no_workspace(name: str) -> None:
    assert {o for o in _vaultkit_imports(name) if _under(o, "vaultkit.workspace", *FEATURES)} <= (
        WORKSPACE_MAY_IMPORT
    )
