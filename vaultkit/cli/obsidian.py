"""The Obsidian-side commands: today (reach-outs in the daily note), and the quick ones:
snooze, archive, unarchive, set, unset, open."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

from typing import TYPE_CHECKING, Annotated, Any

import typer

from vaultkit.cli import complete
from vaultkit.cli.app import (
    WroteJson,
    app,
    edited_json,
    handle_errors,
    print_json,
    say,
    say_what_was_missed,
    settings_of,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from vaultkit.quick import Edited
    from vaultkit.workspace import PersonRef


@app.command()
@handle_errors
def today(
    ctx: typer.Context,
    create: Annotated[
        bool, typer.Option("--create", help="Make today's daily note when it does not exist yet.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many people.", min=1)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add a "Reach out" section to today's daily note: one task per person due.

    Most overdue first, each with a link and why. Tick a box in Obsidian and that daily
    note counts as a contact with the person. Without --create only a daily note that
    exists is changed (Obsidian's daily-note template makes it); run again the same day,
    it changes nothing.

    Example: vault today --create
    """
    from vaultkit.views.daily import reach_out

    workspace = settings_of(ctx).workspace()
    done = reach_out(workspace, create=create, limit=limit)
    if as_json:
        print_json(done.to_json())
        return
    if done.outcome == "present":
        typer.echo(f"{done.path} already has a Reach out section; nothing changed.")
    elif done.outcome == "nobody":
        # (--create makes no daily note that would hold nothing)
        untouched = "was not changed" if workspace.vault.exists(done.path) else "was not made"
        if say_what_was_missed(workspace, due=True):
            typer.echo(f"{done.path} {untouched}.")
        else:
            typer.echo(f"Nobody is due. Enjoy your day. ({done.path} {untouched}.)")
    else:
        people = len(done.people)
        more = (
            f" ({done.more} more {'is' if done.more == 1 else 'are'} due: `vault due`)" if done.more else ""
        )
        typer.echo(
            f"{done.path}: added {people} {'person' if people == 1 else 'people'} to reach out to{more}."
        )


NameArg = Annotated[
    str,
    typer.Argument(click_type=complete.NAME, help="The person (a name, an alias or a unique start of one)."),
]
NamesArg = Annotated[
    str,
    typer.Argument(
        click_type=complete.NAME, help="NAME or NAME,NAME,... (name, alias or unique start of one)."
    ),
]


@app.command()
@handle_errors
def snooze(
    ctx: typer.Context,
    names: NamesArg,
    until: Annotated[str, typer.Argument(help="A date (2026-12-24) or a span from today (2w, 1m).")],
    as_json: WroteJson = False,
) -> None:
    """Not due before a date: sets snooze_until in the person's note (or in each one's).

    Example: vault snooze Ada 2w
    """
    from vaultkit.quick import snooze as snooze_person

    done = {each.ref.path: each for each in snooze_person(settings_of(ctx).workspace(), names, until)}

    def line(ref: "PersonRef", changed: bool) -> str:
        each = done[ref.path]
        text = f"{ref.name}: snoozed until {each.until}" + ("" if changed else " (already)")
        if each.no_effect:
            text += f", which changes nothing ({each.no_effect})"
        elif each.due_unchanged:
            text += f", which moves no due date ({each.due_unchanged}) but leaves them out of `vault suggest` till then"
        return f"{text}: {ref.path}"

    _say_edits(
        as_json,
        [(each.ref, each.changed) for each in done.values()],
        line,
        lambda ref: {
            "snooze_until": done[ref.path].until.isoformat(),
            "no_effect": done[ref.path].no_effect,
            "due_unchanged": done[ref.path].due_unchanged,
        },
    )


@app.command()
@handle_errors
def archive(ctx: typer.Context, names: NamesArg, as_json: WroteJson = False) -> None:
    """Archive a person (archived: true): never due, no birthday reminders; their open follow-ups still show.

    Example: vault archive "Greg Hollis"
    """
    from vaultkit.quick import set_archived

    edits = set_archived(settings_of(ctx).workspace(), names, True)
    _say_edits(
        as_json,
        edits,
        lambda ref, changed: (
            f"{ref.name}: {'archived' if changed else 'already archived; nothing changed'}: {ref.path}"
        ),
    )


@app.command()
@handle_errors
def unarchive(ctx: typer.Context, names: NamesArg, as_json: WroteJson = False) -> None:
    """Bring an archived person back (archived: false).

    Example: vault unarchive "Greg Hollis"
    """
    from vaultkit.quick import set_archived

    edits = set_archived(settings_of(ctx).workspace(), names, False)
    _say_edits(
        as_json,
        edits,
        lambda ref, changed: (
            f"{ref.name}: {'unarchived' if changed else 'not archived; nothing changed'}: {ref.path}"
        ),
    )


@app.command("set")
@handle_errors
def set_(
    ctx: typer.Context,
    names: NamesArg,
    pairs: Annotated[list[str], typer.Argument(help="key=value (several at once).")],
    as_json: WroteJson = False,
) -> None:
    """Set properties in a person's front matter (or in each one's), changing only those lines.

    Example: vault set Ada company="Analytical Engines" location=London
    """
    from vaultkit.quick import parse_pairs, set_properties

    values = parse_pairs(pairs)
    edits = {edit.ref.path: edit for edit in set_properties(settings_of(ctx).workspace(), names, values)}

    def line(ref: "PersonRef", changed: bool) -> str:
        edit = edits[ref.path]
        if not changed:
            return f"{ref.name}: already set {', '.join(values)}: {ref.path}"
        already = ", ".join(f"{key} was already {values[key]}" for key in edit.unchanged)
        return f"{ref.name}: set {', '.join(edit.keys)}{f' ({already})' if already else ''}: {ref.path}"

    _say_edits(as_json, [(edit.ref, edit.changed) for edit in edits.values()], line, _keys_json(edits))


@app.command()
@handle_errors
def unset(
    ctx: typer.Context,
    names: NamesArg,
    keys: Annotated[list[str], typer.Argument(help="The properties to remove.")],
    as_json: WroteJson = False,
) -> None:
    """Remove properties from a person's front matter (or from each one's): their lines, nothing else.

    Example: vault unset Ada snooze_until
    """
    from vaultkit.quick import set_properties

    edits = {
        edit.ref.path: edit for edit in set_properties(settings_of(ctx).workspace(), names, {}, unset=keys)
    }

    def line(ref: "PersonRef", changed: bool) -> str:
        edit = edits[ref.path]
        if not changed:
            return f"{ref.name} has none of {', '.join(keys)}; nothing changed: {ref.path}"
        absent = f" (had no {', '.join(edit.unchanged)})" if edit.unchanged else ""
        return f"{ref.name}: removed {', '.join(edit.keys)}{absent}: {ref.path}"

    _say_edits(as_json, [(edit.ref, edit.changed) for edit in edits.values()], line, _keys_json(edits))


def _keys_json(edits: "dict[str, Edited]") -> "Callable[[PersonRef], dict[str, Any]]":
    """`vault set`'s and `unset`'s JSON of a person: the keys it changed, and those it did not."""
    return lambda ref: {"changed_keys": edits[ref.path].keys, "unchanged_keys": edits[ref.path].unchanged}


def _say_edits(
    as_json: bool,
    edits: "list[tuple[PersonRef, bool]]",
    line: "Callable[[PersonRef, bool], str]",
    more: "Callable[[PersonRef], dict[str, Any]] | None" = None,
) -> None:
    """A quick edit's report: a line per person; in JSON, `edited`, each one's note and
    whether it changed (and `more` of it: what it set), with one person's also at the top level."""
    edited = [edited_json(ref, changed, **(more(ref) if more else {})) for ref, changed in edits]
    say(
        as_json,
        "\n".join(line(ref, changed) for ref, changed in edits),
        {**(edited[0] if len(edited) == 1 else {}), "edited": edited},
    )


@app.command("open")
@handle_errors
def open_(
    ctx: typer.Context,
    name: NameArg,
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the URI or command instead of running it.")
    ] = False,
) -> None:
    """Open a person's note: in Obsidian (an obsidian:// link) when the vault has .obsidian/,
    else in $VISUAL or $EDITOR.

    Example: vault open Ada
    """
    import shlex
    import subprocess

    from vaultkit.errors import VaultkitError
    from vaultkit.quick import open_command, open_note

    workspace = settings_of(ctx).workspace()
    ref, target = open_command(workspace, name)
    shown = target if isinstance(target, str) else shlex.join(target)
    if print_only:
        typer.echo(shown)
        return
    if isinstance(target, str):
        open_note(workspace.vault, ref.path)
        typer.echo(f"Opened {ref.name} in Obsidian: {ref.path}")
        return
    try:
        code = subprocess.call(target)
    except OSError as err:
        raise VaultkitError(f"could not run {target[0]}: {err.strerror}") from None
    if code != 0:
        raise VaultkitError(f"{shown} ended with exit code {code}")
