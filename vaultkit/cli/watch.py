"""The view commands: `vault render` writes the generated views, `vault watch` keeps them current."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

import datetime as dt
from typing import Annotated

import typer

from vaultkit.cli.app import app, handle_errors, print_json, progress_bar, say_what_was_missed, settings_of


@app.command()
@handle_errors
def render(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write the generated views (Due.md, People.base...); a file changes only when its view did.

    With no people at all, it says why on stderr (where it looked), as Due.md does.

    With write_last_contact = "derived" in vaultkit.toml, it first moves each person's
    last_contact property forward to a newer contact found in a meeting or daily note.

    Example: vault render
    """
    from vaultkit.views.builtin import ViewsFailed, render_views

    workspace = settings_of(ctx).workspace()
    from vaultkit.quick import advance_last_contacts

    moved = advance_last_contacts(workspace)
    failed: ViewsFailed | None = None
    try:
        rendered = render_views(workspace)
    except ViewsFailed as err:  # the other views were written: say so, then why these were not
        rendered, failed = err.rendered, err
    say_what_was_missed(workspace)  # no people at all: why (Due.md says so too)
    if as_json:
        print_json(
            {
                "views": [{"name": v.name, "path": v.path, "written": v.written} for v in rendered],
                "last_contact_moved": [ref.path for ref in moved],
            }
        )
        if failed is not None:
            raise failed
        return
    for ref in moved:
        typer.echo(f"{ref.path}: last_contact moved forward")
    if not rendered and failed is None:
        typer.echo("No views to render: set their paths under [views] in vaultkit.toml.")
    for view in rendered:
        typer.echo(f"{view.path}: {view.detail or ('updated' if view.written else 'unchanged')}")
    if failed is not None:
        raise failed


@app.command()
@handle_errors
def watch(
    ctx: typer.Context,
    poll: Annotated[
        bool,
        typer.Option("--poll", help="Poll for changes (network drives, containers) instead of OS events."),
    ] = False,
    rescan: Annotated[
        float, typer.Option(help="Seconds between full rescans that catch missed events.", min=0.1)
    ] = 60.0,
) -> None:
    """Keep the index and the views current as files change, until Ctrl-C.

    Example: vault watch
    """
    import logging
    import signal

    from vaultkit.watch import Watcher

    # watchdog logs its own recovery when the system drops events ("Inotify queue
    # overflowed..."); the watcher says what it does about it, in its own line.
    logging.getLogger("watchdog").setLevel(logging.ERROR)

    settings = settings_of(ctx)
    workspace = settings.workspace(sync=False)
    watcher = Watcher(
        workspace,
        # With --today the date stays put; otherwise the views follow the clock past midnight.
        today=None if settings.today_option else dt.date.today,
        poll=poll,
        rescan_every=rescan,
        echo=typer.echo,
        echo_error=lambda line: typer.echo(line, err=True),
        announce=typer.echo,
        reading=lambda: progress_bar("Reading notes"),
    )
    workspace.close()  # the watcher works with its own connection, on its own thread

    def stop(signum: int, frame: object) -> None:
        if watcher.stopping:  # a second Ctrl-C: do not wait for the update to finish
            raise KeyboardInterrupt
        watcher.request_stop()

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        watcher.run()
    except KeyboardInterrupt:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    typer.echo("Stopped.")
