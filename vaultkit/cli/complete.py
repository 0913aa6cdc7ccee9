"""Shell completion: what a tab press offers for NAME, --tag and template names.

Typer asks these while completing (`_VAULT_COMPLETE` set by the script `vault
--show-completion` prints); they read the index as it stands, without syncing it, and
answer nothing rather than an error (a shell has nowhere to show one).
"""

# No `from __future__ import annotations`: Typer reads these functions' annotations to
# know which arguments to pass (`ctx`, `incomplete`).

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from typer._click.shell_completion import CompletionItem
from typer._click.types import ParamType

# What bash would split a word on or expand: escaped, so `Ada Lovelace` is one word.
_BASH_SPECIAL_RE = re.compile(r"([^\w@%+=:,./-])")


def _for_shell(values: list[str]) -> list[str]:
    """Bash inserts a completion as typed text: its spaces and quotes need backslashes
    (zsh and fish quote what they insert themselves)."""
    if os.environ.get("_VAULT_COMPLETE", "").endswith("_bash"):
        return [_BASH_SPECIAL_RE.sub(r"\\\1", value) for value in values]
    return values


def _vault_and_index(ctx: typer.Context) -> tuple[Path, Path | None] | None:
    from vaultkit.errors import VaultkitError
    from vaultkit.vault.files import find_vault_root

    params = ctx.find_root().params
    try:
        root = find_vault_root(params.get("vault") or os.environ.get("VAULTKIT_VAULT"), Path.cwd())
    except VaultkitError:
        return None
    index = params.get("index") or os.environ.get("VAULTKIT_INDEX")
    return root, Path(index).expanduser() if index else None


def names(ctx: typer.Context, incomplete: str) -> list[str]:
    """People's names and aliases starting with what was typed (case and accents aside);
    after a comma, the next name of a list (`Ada,Gr` -> `Ada,Grace Hopper`)."""
    from vaultkit.index.lookup import names_starting, reading

    found = _vault_and_index(ctx)
    if found is None:
        return []
    head, comma, typed = incomplete.rpartition(",")
    with reading(*found) as db:
        if db is None:
            return []
        return _for_shell([head + comma + name for name in names_starting(db, typed.lstrip())])


def tags(ctx: typer.Context, incomplete: str) -> list[str]:
    """Tags anyone has, starting with what was typed."""
    from vaultkit.index.lookup import reading, tags_starting

    found = _vault_and_index(ctx)
    if found is None:
        return []
    with reading(*found) as db:
        return _for_shell(tags_starting(db, incomplete)) if db is not None else []


def templates(incomplete: str) -> list[str]:
    """The built-in templates' names (`meeting`, `review`...)."""
    from vaultkit.views.templates import builtin_names

    shown = [name.split(".", 1)[0] for name in builtin_names()]
    return [name for name in shown if name.startswith(incomplete)]


class Completing(ParamType):
    """Text whose completions come from a function. Typer's own `autocompletion` keeps only
    those that start with what was typed, case and accents included; this offers
    `Zoë Müller` for `zoe`."""

    name = "str"

    def __init__(self, complete: Callable[[typer.Context, str], list[str]]) -> None:
        self.complete = complete

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return value

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(value) for value in self.complete(ctx, incomplete)]


NAME = Completing(lambda ctx, incomplete: names(ctx, incomplete))
TAG = Completing(lambda ctx, incomplete: tags(ctx, incomplete))


def show_completion(ctx: typer.Context, param: object, shell: str | None) -> None:
    """`--show-completion [bash|zsh|fish]`: print the completion script (the current shell's
    when none is named) and stop."""
    if shell is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import _get_shell_name, get_completion_script

    shell = shell or _get_shell_name() or ""
    if not shell:
        typer.echo("vault: which shell? name it: vault --show-completion bash (or zsh, fish)", err=True)
        raise typer.Exit(2)
    typer.echo(get_completion_script(prog_name="vault", complete_var="_VAULT_COMPLETE", shell=shell))
    raise typer.Exit(0)


def install_completion(ctx: typer.Context, param: object, shell: str | None) -> None:
    """`--install-completion [bash|zsh|fish]`: add the script to the shell's start-up files."""
    if shell is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import _get_shell_name, install

    shell = shell or _get_shell_name() or ""
    if shell not in ("bash", "zsh", "fish"):
        typer.echo(
            f"vault: cannot install completion for {shell or 'this shell'}: name bash, zsh or fish", err=True
        )
        raise typer.Exit(2)
    installed, path = install(shell=shell, prog_name="vault", complete_var="_VAULT_COMPLETE")
    typer.echo(f"{installed} completion installed in {path}; it takes effect in a new terminal")
    raise typer.Exit(0)
