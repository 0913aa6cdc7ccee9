"""Git sync commands: git-setup, sync and the merge driver git calls."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

from pathlib import Path
from typing import Annotated

import typer

from vaultkit.cli.app import app, handle_errors, settings_of


@app.command("git-setup")
@handle_errors
def git_setup(
    ctx: typer.Context,
    uninstall: Annotated[bool, typer.Option("--uninstall", help="Remove the merge driver again.")] = False,
) -> None:
    """Install the note merge driver in the vault's git repository (once on each device).

    Example: vault git-setup
    """
    from vaultkit.sync.git import git_setup as setup

    vault = settings_of(ctx).workspace(sync=False).vault
    changes = setup(vault, uninstall=uninstall)
    for change in changes:
        typer.echo(f"{change[:1].upper()}{change[1:]}.")
    if not changes:
        typer.echo("Nothing to remove." if uninstall else "Already set up; nothing changed.")
    elif not uninstall:
        typer.echo("Notes now merge with vaultkit's driver. Run `vault git-setup` once on each device.")


@app.command("merge-driver")
@handle_errors
def merge_driver(
    ctx: typer.Context,
    ancestor: Annotated[Path, typer.Argument(help="The common ancestor (git's %O).")],
    ours: Annotated[Path, typer.Argument(help="Our version; the result is written here (git's %A).")],
    theirs: Annotated[Path, typer.Argument(help="Their version (git's %B).")],
    path: Annotated[str, typer.Argument(help="The note's path in the repository (git's %P).")] = "",
) -> None:
    """Merge three versions of a note (git runs this; `vault git-setup` installs it).

    Exits 0 when the merge is clean, 1 when a conflict is left marked in the file.

    Example: vault merge-driver -- %O %A %B %P
    """
    from vaultkit.sync.driver import DRIVER_PREFIX
    from vaultkit.sync.driver import merge_driver as run

    outcome = run(ancestor, ours, theirs, path or str(ours))
    for message in outcome.messages:
        typer.echo(f"{DRIVER_PREFIX}: {message}", err=True)
    if not outcome.clean:
        raise typer.Exit(1)


@app.command()
@handle_errors
def sync(
    ctx: typer.Context,
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="Commit message (default: says what changed).")
    ] = None,
    merge: Annotated[bool, typer.Option("--merge", help="Pull with a merge instead of a rebase.")] = False,
) -> None:
    """Commit the vault's changes, pull, push, and say what came in.

    Example: vault sync -m "notes from the conference"
    """
    from vaultkit.sync.git import sync as run_sync

    vault = settings_of(ctx).workspace(sync=False).vault
    report = run_sync(vault, message=message, merge=merge)
    for hint in report.hints:
        typer.echo(f"Note: {hint}.")
    if report.finished:
        typer.echo(f"Finished the interrupted {report.finished}.")
    typer.echo(f"Committed: {report.committed}" if report.committed else "Nothing to commit.")
    if report.conflicts:
        typer.echo(f"Conflict while pulling from {report.remote}; resolve these files:")
        for path in report.conflicts:
            parts = report.conflicted_parts.get(path)
            typer.echo(f"  {path} ({', '.join(parts)})" if parts else f"  {path}")
        for advice in report.advice:
            # (a sentence starts with a capital; one that starts with a file's name keeps it)
            starts_with_path = advice.startswith(tuple(report.conflicts))
            typer.echo(f"{advice if starts_with_path else advice[:1].upper() + advice[1:]}.")
        raise typer.Exit(1)
    if report.incoming:
        count = len(report.incoming)
        typer.echo(f"Pulled from {report.remote}: {count} file{'' if count == 1 else 's'} changed")
        for change in report.incoming:
            typer.echo(f"  {change.status} {change.path}")
    if report.offline:
        typer.echo(
            f"Could not reach {report.remote} ({report.offline}); your commits stay here "
            "and the push waits for the next `vault sync`."
        )
    elif report.error:
        typer.echo(f"vault: {report.error}", err=True)
        raise typer.Exit(1)
    elif report.pushed:
        typer.echo(f"Pushed to {report.remote}.")
    elif report.up_to_date:
        typer.echo(f"Up to date with {report.remote}." if report.remote else "Nothing to sync yet.")
