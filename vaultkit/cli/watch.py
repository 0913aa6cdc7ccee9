"""The view commands: `vault render` writes the generated views."""

from __future__ import annotations

from typing import Annotated

import typer

from vaultkit.cli.app import app, handle_errors, print_json, settings_of


@app.command()
@handle_errors
def render(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write the generated views (Due.md...); a file changes only when its view did.

    Example: vault render
    """
    from vaultkit.views import render_views

    rendered = render_views(settings_of(ctx).workspace())
    if as_json:
        print_json({"views": [{"name": v.name, "path": v.path, "written": v.written} for v in rendered]})
        return
    if not rendered:
        typer.echo("No views to render: set their paths under [views] in vaultkit.toml.")
    for view in rendered:
        typer.echo(f"{view.path}: {'updated' if view.written else 'unchanged'}")
