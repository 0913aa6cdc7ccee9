"""`vault import` (vCard, LinkedIn, Google Contacts) and `vault export` (ics, vcard, csv, json)."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vaultkit.cli import complete
from vaultkit.cli.app import (
    LIMIT,
    VaultGroup,
    app,
    console,
    handle_errors,
    print_bytes,
    print_json,
    print_plain,
    progress_bar,
    say_what_was_missed,
    settings_of,
    table,
)
from vaultkit.errors import UsageError

if TYPE_CHECKING:  # the importers (and rapidfuzz) are imported when `vault import` runs
    from vaultkit.contacts.plan import ImportPlan

import_app = typer.Typer(
    cls=VaultGroup,
    help="Bring people in from your phone, LinkedIn or Google Contacts (a dry run unless --apply).\n\n"
    "Example: vault import vcard ~/Downloads/Contacts.vcf",
    no_args_is_help=True,
    rich_markup_mode=None,
)
export_app = typer.Typer(
    cls=VaultGroup,
    help="Take people and reminders out: a calendar, vCards, CSV or JSON.\n\n"
    "Example: vault export ics -o ~/Sync/vaultkit.ics",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

ApplyOption = Annotated[bool, typer.Option("--apply", help="Write the changes (without it: a dry run).")]
CadenceOption = Annotated[
    str | None, typer.Option(help="Give new people this cadence (and merged ones that have none).")
]
TagOption = Annotated[
    list[str] | None,
    typer.Option("--tag", click_type=complete.TAG, help="A tag for every new person (repeatable)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
]

_ACTION_WORDS = {"create": "to create", "merge": "to merge", "unchanged": "unchanged", "skip": "skipped"}
_DONE_WORDS = {"create": "created", "merge": "merged", "unchanged": "unchanged", "skip": "skipped"}


def _run_import(
    ctx: typer.Context,
    kind: str,
    files: list[Path],
    apply: bool,
    cadence: str | None,
    tags: list[str] | None,
    as_json: bool,
    photos: bool = False,
    columns: list[str] | None = None,
) -> None:
    from vaultkit.contacts.plan import run_import

    workspace = settings_of(ctx).workspace()
    with progress_bar("Writing notes", shown=not as_json) as progress:
        plan = run_import(
            workspace,
            kind,
            files,
            apply=apply,
            cadence=cadence,
            tags=tags or [],
            photos=photos,
            columns=columns or [],
            progress=progress,
        )
    if as_json:
        print_json(plan.to_json())
        return
    _print_plan(plan)


def _print_plan(plan: "ImportPlan", matched: str | None = None) -> None:
    """Every row of the plan: as a table, or past `LIMIT` rows (a whole address book) as plain
    aligned lines, which print in a moment where a table measures each of 100,000 cells."""
    from rich.text import Text

    if plan.columns:
        typer.echo("Columns: " + ", ".join(f"{column} → {key}" for column, key in plan.columns.items()))
    headers = ["Action", "Name", "From", "What and why"]
    entries: list[tuple[str, str, str, list[str]]] = []
    for row in plan.rows:
        details = [row.reason]
        if row.adds and row.action in ("create", "merge"):
            details.append(f"adds: {', '.join(row.adds)}")
        details.extend(f"≠ {difference}" for difference in row.differences)
        where = f"{row.source}:{row.line}" if row.line else row.source
        entries.append((row.action, row.name or "-", where, details))
    if len(entries) > LIMIT:
        lines: list[list[str]] = []  # a row's first detail beside it, the others under it
        for action, name, where, details in entries:
            lines.append([action, name, where, details[0]])
            lines.extend(["", "", "", detail] for detail in details[1:])
        print_plain(headers, lines)
    elif entries:
        grid = table(*headers)
        for action, name, where, details in entries:
            grid.add_row(action, Text(name), Text(where), Text("\n".join(details)))
        console().print(grid)
    counts = plan.counts()
    words = _DONE_WORDS if plan.applied else _ACTION_WORDS
    summary = ", ".join(f"{counts[action]} {words[action]}" for action in words)
    typer.echo(f"{summary}.")
    typer.echo(
        matched
        or f"Matched by email, phone (last 9 digits), or a name or alias at least {plan.threshold}% alike "
        "(rapidfuzz token_sort_ratio)."
    )
    if not plan.applied:
        typer.echo("Dry run: nothing was written. Run it again with --apply to write these changes.")


@import_app.command("vcard")
@handle_errors
def import_vcard(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="One or more .vcf files (vCard 2.1, 3.0 or 4.0).")],
    apply: ApplyOption = False,
    cadence: CadenceOption = None,
    tag: TagOption = None,
    photos: Annotated[bool, typer.Option("--photos", help="Save contact photos beside the notes.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Import vCards from a phone or mail program: a dry run, unless --apply.

    Example: vault import vcard ~/Downloads/Contacts.vcf --apply
    """
    _run_import(ctx, "vcard", files, apply, cadence, tag, as_json, photos=photos)


@import_app.command("linkedin")
@handle_errors
def import_linkedin(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Connections.csv from LinkedIn's data export.")],
    apply: ApplyOption = False,
    cadence: CadenceOption = None,
    tag: TagOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import LinkedIn connections (Connections.csv): a dry run, unless --apply.

    Example: vault import linkedin ~/Downloads/Connections.csv --tag linkedin --apply
    """
    _run_import(ctx, "linkedin", [file], apply, cadence, tag, as_json)


@import_app.command("google")
@handle_errors
def import_google(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="contacts.csv from Google Contacts' export.")],
    apply: ApplyOption = False,
    cadence: CadenceOption = None,
    tag: TagOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import a Google Contacts CSV (current or older format): a dry run, unless --apply.

    Example: vault import google ~/Downloads/contacts.csv --apply
    """
    _run_import(ctx, "google", [file], apply, cadence, tag, as_json)


@import_app.command("csv")
@handle_errors
def import_csv(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Any spreadsheet saved as CSV, with a header line.")],
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Say what a column is (repeatable): COLUMN=KEY, KEY one of name, first_name, last_name, "
            "aliases, email, phone, company, role, birthday, location, tags, notes, last_contact, met, "
            "cadence, website, ignore; or COLUMN=field:KEY to put it into any other front-matter key.",
        ),
    ] = None,
    apply: ApplyOption = False,
    cadence: CadenceOption = None,
    tag: TagOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import any spreadsheet (UpHabit, Monica, a Notion table): a dry run, unless --apply.

    Common headers are mapped on their own (name or first/last name, email, phone,
    company or organisation, title, birthday, tags or groups, notes, last contacted,
    met, cadence or keep in touch); the dry run shows the mapping, and --map fixes it.
    A row's own cadence wins over --cadence; a cell that is no cadence is left out with a
    warning in its row.

    Example: vault import csv ~/Downloads/uphabit.csv --map "Circle=tags" --map "Gender=field:gender" --apply
    """
    _run_import(ctx, "csv", [file], apply, cadence, tag, as_json, columns=columns)


@import_app.command("calendar")
@handle_errors
def import_calendar(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="One or more .ics files, or folders of them (a vdir, an export).")
    ],
    apply: ApplyOption = False,
    notes: Annotated[
        bool, typer.Option("--notes", help="One meeting note per event in Meetings/, instead of Log entries.")
    ] = False,
    max_attendees: Annotated[
        int, typer.Option(help="Skip events with more people than this (all-hands, conferences).")
    ] = 8,
    me: Annotated[
        list[str] | None,
        typer.Option("--me", help="Your email address (repeatable): events you declined are skipped."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Log the past meetings of a calendar export with the people in your vault: a dry run, unless --apply.

    Attendees are matched by email, then by name; repeating events count each past
    occurrence. Future, cancelled and declined events, and events with more than
    --max-attendees people, are skipped with the reason. Importing twice changes nothing.

    Example: vault import calendar ~/Downloads/calendar.ics --me me@example.com --apply
    """
    from vaultkit.contacts.calendar_import import plan_calendar
    from vaultkit.contacts.plan import apply_import

    workspace = settings_of(ctx).workspace()
    plan = plan_calendar(workspace, files, notes=notes, max_attendees=max_attendees, me=me or [])
    if apply:
        with progress_bar("Writing notes", shown=not as_json) as progress:
            apply_import(workspace, plan, progress)
    if as_json:
        print_json(plan.to_json())
        return
    _print_plan(
        plan,
        matched=f"Attendees matched by email, else by a name or alias at least {plan.threshold}% alike "
        "(rapidfuzz token_sort_ratio).",
    )


def _export(ctx: typer.Context, kind: str, output: Path | None, days: int = 90, raw: bool = False) -> None:
    from vaultkit.contacts.exporters import run_export, write_output

    workspace = settings_of(ctx).workspace()
    chunks, what = run_export(workspace, kind, days=days, raw=raw)
    if output is None:
        print_bytes(chunks)
    else:
        written = write_output(workspace, output, chunks)
        typer.echo(f"Wrote {what()} to {written}")
    # (an export of nobody: the wrong --vault, a wrong people_dir; a calendar of no events:
    # nobody with a cadence)
    say_what_was_missed(workspace, due=kind == "ics" and what().startswith("0 "))


@export_app.command("ics")
@handle_errors
def export_ics(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(help="Reach-outs coming due within this many days.")] = 90,
    output: OutputOption = None,
    vdir: Annotated[
        Path | None,
        typer.Option(
            "--vdir",
            help="Keep this folder in step instead: one .ics file per event, for vdirsyncer or pimsync.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With --vdir: print what changed as JSON.")] = False,
) -> None:
    """A calendar of reach-outs and birthdays, with alarms, for your phone to subscribe to.

    With --vdir, a folder of events that vdirsyncer or pimsync carries to any CalDAV
    calendar: changed events rewritten, events that no longer apply removed.

    Example: vault export ics --days 30 -o ~/Calendars/vaultkit.ics

    Example: vault export ics --vdir ~/.local/share/vaultkit/calendar
    """
    if vdir is None:
        if as_json:
            raise UsageError("--json goes with --vdir (the calendar itself is the output)")
        _export(ctx, "ics", output, days=days)
        return
    if output is not None:
        raise UsageError("give -o FILE or --vdir DIR, not both")
    from vaultkit.contacts.ics import sync_vdir, vdir_folder

    workspace = settings_of(ctx).workspace()
    report = sync_vdir(workspace, vdir_folder(workspace, vdir), days)
    if as_json:
        print_json(report.to_json())
        return
    typer.echo(f"{report.folder}: {report.summary()}")


@export_app.command("vcard")
@handle_errors
def export_vcard(ctx: typer.Context, output: OutputOption = None) -> None:
    """Every person as a vCard 4.0, for a phone's address book.

    Example: vault export vcard -o people.vcf
    """
    _export(ctx, "vcard", output)


@export_app.command("csv")
@handle_errors
def export_csv(
    ctx: typer.Context,
    output: OutputOption = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Keep cells that start like a formula as written, without the '.")
    ] = False,
) -> None:
    """Every person as a CSV row with every front-matter field.

    So that a spreadsheet never runs a field as a formula, a cell starting with = + - @,
    a tab or a carriage return gets a leading ' (--raw keeps it as written).

    Example: vault export csv -o people.csv
    """
    _export(ctx, "csv", output, raw=raw)


@export_app.command("json")
@handle_errors
def export_json(ctx: typer.Context, output: OutputOption = None) -> None:
    """Every person as JSON with every front-matter field.

    Example: vault export json -o people.json
    """
    _export(ctx, "json", output)
