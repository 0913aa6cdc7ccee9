"""Meeting notes, follow-ups, the weekly review and the templates: meet, followups, review, templates."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

from typing import Annotated

import typer

from vaultkit.cli import complete
from vaultkit.cli.app import (
    LIMIT,
    VaultGroup,
    WroteJson,
    app,
    console,
    handle_errors,
    parse_date,
    print_json,
    row_limit,
    say,
    say_more,
    say_what_was_missed,
    settings_of,
    table,
)

templates_app = typer.Typer(
    cls=VaultGroup,
    help="The templates vaultkit renders: which file is in effect, and copies to edit.\n\n"
    "Example: vault templates copy meeting",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(templates_app, name="templates")


@app.command()
@handle_errors
def meet(
    ctx: typer.Context,
    names: Annotated[
        str,
        typer.Argument(
            click_type=complete.NAME, help="NAME or NAME,NAME,... (name, alias or unique prefix)."
        ),
    ],
    date: Annotated[str | None, typer.Option(help="The meeting's date (YYYY-MM-DD, default today).")] = None,
    title: Annotated[str | None, typer.Option(help="Title for the note (default: the names).")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open the note when it is made.")] = False,
    as_json: WroteJson = False,
) -> None:
    """Make a meeting note prefilled with what to remember about each person.

    Example: vault meet "Ada, Charles" --title "Engine demo" --open
    """
    from vaultkit.meetings import create_meeting
    from vaultkit.quick import open_note

    workspace = settings_of(ctx).workspace(writes=True, template="meeting.md.j2")
    note = create_meeting(workspace, names, date=parse_date("--date", date), title=title)
    data = {
        "path": note.path,
        "date": note.date.isoformat(),
        "people": [ref.to_json() for ref in note.people],
    }
    say(as_json, note.path, data)
    if open_:
        open_note(workspace.vault, note.path)


@app.command()
@handle_errors
def followups(
    ctx: typer.Context,
    names: Annotated[
        str | None,
        typer.Argument(click_type=complete.NAME, help="Only these people (NAME or NAME,NAME,...)."),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past their due date.")] = False,
    limit: Annotated[int, typer.Option(help="Print at most this many (--json prints all).")] = LIMIT,
    show_all: Annotated[bool, typer.Option("--all", help="Print every follow-up.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List open follow-ups (tasks in person notes and meeting notes), soonest due first.

    Example: vault followups Ada --overdue
    """
    rows_shown = row_limit(limit, show_all)
    workspace = settings_of(ctx).workspace()
    if as_json:
        from vaultkit.answers import followups_answer

        print_json(followups_answer(workspace, names, overdue=overdue))
        return
    from vaultkit.meetings import open_followups

    items = open_followups(workspace, names, overdue=overdue)
    today = workspace.today
    if not items:
        typer.echo("No overdue follow-ups." if overdue else "No open follow-ups.")
        say_what_was_missed(workspace)
        return
    late = sum(1 for item in items if item.due and item.due < today)
    typer.echo(f"{len(items)} open follow-up{'s' if len(items) != 1 else ''}, {late} overdue:")
    from vaultkit.notes.grammar import DUE_MARK_RE

    for item in items[: len(items) if rows_shown is None else rows_shown]:
        due_text = item.due.isoformat() if item.due else "no date"
        mark = "late" if item.due and item.due < today else ""
        text = DUE_MARK_RE.sub("", item.text)
        typer.echo(f"  {due_text:<10} {mark:<4}  {item.person}: {text}  ({item.path}:{item.line})")
    if rows_shown is not None:
        say_more(len(items), rows_shown)


@app.command()
@handle_errors
def review(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option(help="The ISO week, YYYY-Www (default: this week).")] = None,
    as_json: WroteJson = False,
) -> None:
    """Write the weekly review: who is due, overdue follow-ups, new people, meetings, drift.

    Example: vault review --week 2026-W47
    """
    from vaultkit.meetings import write_review

    result = write_review(settings_of(ctx).workspace(), week)
    data = result.context
    goal, more, prospects = data["goal"], data["more"], data["prospects"]
    counts = {
        "new_people": goal["count"],
        "goal_per_week": goal["per_week"],
        "streak": goal["streak"],
        "meetings": len(data["meetings"]),
        "due": len(data["due"]) + more["due"],
        "overdue_followups": len(data["overdue_followups"]) + more["overdue_followups"],
        "to_meet": len(prospects["waiting"]) + prospects["more_waiting"],
        "asked": len(prospects["asked"]) + prospects["more_asked"],
    }
    if as_json:
        print_json({"path": result.path, "week": data["week"], "written": result.written, **counts})
        return
    goal_text = (
        f"goal {goal['per_week']}, streak {goal['streak']} week{'s' if goal['streak'] != 1 else ''}"
        if goal["per_week"]
        else "no weekly goal set"
    )
    overdue = counts["overdue_followups"]
    summary = (
        f"{goal['count']} new {'person' if goal['count'] == 1 else 'people'} ({goal_text}), "
        f"{counts['meetings']} meeting{'s' if counts['meetings'] != 1 else ''}, "
        f"{counts['due']} due, {overdue} overdue follow-up{'s' if overdue != 1 else ''}"
    )
    if counts["to_meet"] or counts["asked"]:
        summary += f", {counts['to_meet']} to meet ({counts['asked']} asked this week)"
    verb = "Wrote" if result.written else "Up to date:"
    typer.echo(f"{verb} {result.path}: {summary}")


@templates_app.command("list")
@handle_errors
def templates_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show which file is in effect for each template: your copy or the built-in one.

    Example: vault templates list
    """
    from vaultkit.views.templates import list_templates

    workspace = settings_of(ctx).workspace(sync=False)
    found = list_templates(workspace)
    templates_folder = workspace.config.templates_dir
    if as_json:
        print_json({"templates": [info.to_json() for info in found]})
        return
    grid = table("Template", "In effect", "File")
    for info in found:
        # (a file with no built-in of its name is rendered only through an include: a
        # misspelt copy, `meting.md.j2`, changes nothing)
        if info.source != "vault":
            shown = "built-in"
        elif info.problem is not None:
            shown = "refused"
        else:
            shown = "your copy" if info.builtin else "yours, included only"
        grid.add_row(info.name, shown, info.path)
    console().print(grid)
    for info in found:
        if info.problem is not None:
            typer.echo(f"{templates_folder}/{info.name} {info.problem}")


@templates_app.command("copy")
@handle_errors
def templates_copy(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            autocompletion=complete.templates, help="A built-in template: meeting, review, person..."
        ),
    ],
) -> None:
    """Copy a built-in template into the vault's templates folder, to edit (never overwrites).

    Example: vault templates copy meeting
    """
    from vaultkit.views.templates import copy_template

    rel_path = copy_template(settings_of(ctx).workspace(sync=False), name)
    typer.echo(f"Copied to {rel_path}; edit it there, vaultkit uses it from now on")
