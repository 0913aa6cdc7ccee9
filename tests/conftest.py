"""Shared fixtures: temp vaults, a person-note factory, and a CLI runner aimed at them."""

from __future__ import annotations

import contextlib
import shutil
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from vaultkit.cli.commands import app

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"


def _yaml_line(key: str, value: Any) -> str:
    if isinstance(value, list):
        return f"{key}: [{', '.join(str(v) for v in value)}]"
    return f"{key}: {value}"


def write_note(root: Path, rel_path: str, text: str) -> Path:
    """Write a note (LF, UTF-8) and return its path."""
    path = root / rel_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture(autouse=True, scope="session")
def private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's cache folder (default indexes, `vault watch` locks) in a temp folder, for
    the tests and the commands they start: nothing is left in the real one. The machine's
    time zone is UTC (a calendar import dates times in it), whatever the real one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        with machine_zone("UTC"):
            yield


@contextlib.contextmanager
def machine_zone(name: str) -> Iterator[None]:
    """This process (and the commands it starts) in the time zone `name` (TZ), then back."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", name)
        time.tzset()
        try:
            yield
        finally:
            patch.undo()
            time.tzset()


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    """An empty vault (just a vaultkit.toml) under tmp_path."""
    root = tmp_path / "vault"
    root.mkdir()
    (root / "vaultkit.toml").write_text("", encoding="utf-8")
    return root


@pytest.fixture
def make_person(vault_dir: Path) -> Callable[..., Path]:
    """make_person(name, body="", folder="People", **front_matter) -> the note's path."""

    def make(name: str, body: str = "", folder: str = "People", **front_matter: Any) -> Path:
        lines = [_yaml_line(k, v) for k, v in front_matter.items()]
        head = "---\n" + "".join(line + "\n" for line in lines) + "---\n" if lines else ""
        return write_note(vault_dir, f"{folder}/{name}.md", f"{head}# {name}\n{body}")

    return make


@pytest.fixture
def example_vault(tmp_path: Path) -> Path:
    """A fresh copy of example-vault/."""
    target = tmp_path / "example-vault"
    shutil.copytree(REPO / "example-vault", target)
    return target


@pytest.fixture
def cli(vault_dir: Path, tmp_path: Path) -> Callable[..., Result]:
    """cli(*args, today=TODAY, vault=vault_dir) runs `vault` with --vault/--index in tmp_path."""
    # A fixed width keeps rich's tables from wrapping differently on each machine; the
    # environment must not point the tests at a real vault.
    runner = CliRunner(
        env={"COLUMNS": "120", "VAULTKIT_VAULT": None, "VAULTKIT_TODAY": None, "VAULTKIT_INDEX": None}
    )
    index = tmp_path / "index.sqlite"

    def run(*args: str, today: str | None = TODAY, vault: Path | None = None) -> Result:
        # Each vault its own index (one index is one vault's).
        own = (
            index
            if vault in (None, vault_dir)
            else tmp_path / f"index-{zlib.crc32(str(vault).encode()):08x}.sqlite"
        )
        options = ["--vault", str(vault or vault_dir), "--index", str(own)]
        if today:
            options += ["--today", today]
        return runner.invoke(app, [*options, *args], catch_exceptions=False)

    return run


def as_run(vault: Path, *words: str) -> str:
    """A command line as the `cli` fixture runs it on `vault` (with its global options), as
    a hint that repeats the command prints it: `as_run(vault_dir, "due", "--all")`."""
    import shlex

    index = vault.parent / "index.sqlite"
    return shlex.join(["vault", "--vault", str(vault), "--today", TODAY, "--index", str(index), *words])


def stderr_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run the installed `vault` with its stderr on a real terminal (a pty) and its stdout
    into a file: (exit code, stdout, what the terminal showed)."""
    import os
    import pty
    import subprocess
    import sys
    import tempfile

    master, terminal = pty.openpty()
    vault = Path(sys.executable).with_name("vault")
    with tempfile.TemporaryFile() as out:  # (a pipe read only at the end could fill and stop it)
        process = subprocess.Popen([str(vault), *args], stdout=out, stderr=terminal)
        os.close(terminal)
        shown = read_terminal(master)
        code = process.wait(timeout=120)
        out.seek(0)
        return code, out.read().decode("utf-8"), shown.decode("utf-8", "replace")


def read_terminal(master: int) -> bytes:
    """Everything a pty shows until the command on its other end closes it; closes `master`."""
    import os

    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return shown
