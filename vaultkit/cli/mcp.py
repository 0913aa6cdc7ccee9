"""`vault mcp`: serve the vault to an AI assistant over the Model Context Protocol."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

from typing import Annotated

import typer

from vaultkit.cli.app import app, handle_errors, settings_of


@app.command("mcp")
@handle_errors
def mcp_(
    ctx: typer.Context,
    allow_writes: Annotated[
        bool,
        typer.Option(
            "--allow-writes",
            help="Also offer the tools that write notes: log_interaction, add_person, record_introduction.",
        ),
    ] = False,
) -> None:
    """Serve the vault to an AI assistant (MCP over stdin/stdout) until stdin closes.

    Read-only unless --allow-writes. Needs the extra: pip install 'vaultkit[mcp]'.
    See docs/assistants.md to register it with an assistant.

    Example: vault --vault ~/Notes mcp --allow-writes
    """
    settings = settings_of(ctx)
    # Find the vault and bring its index up to date before serving, or fail now; each request
    # then opens its own.
    settings.workspace().close()
    # The SDK (pydantic, starlette: most of a second) is imported here, never at start-up.
    from vaultkit.mcp.server import serve

    serve(settings.open_workspace, allow_writes=allow_writes)
