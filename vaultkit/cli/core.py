"""The core commands: init, add, log, due, show, list, search, index, check."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

import itertools
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vaultkit.cli import complete
from vaultkit.cli.app import (
    LIMIT,
    WroteJson,
    app,
    handle_errors,
    json_indented,
    parse_date,
    print_bytes,
    print_json,
    print_lines,
    print_plain,
    print_rows,
    progress_bar,
    row_limit,
    say,
    say_more,
    say_shadowed,
    say_what_was_missed,
    settings_of,
    warn_problems,
    wrapped_echo,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vaultkit.profiles import ListedPerson


SHOWN_INTERACTIONS = 10  # `vault show`'s last interactions (`--json` gives every one)


# -- commands ----------------------------------------------------------------------------
@app.command()
@handle_errors
def init(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="Folder for the vault (default: --vault or $VAULTKIT_VAULT if set, else here)."),
    ] = None,
) -> None:
    """Make a vault: config, folders, templates folder and .gitignore.

    Example: vault init ~/Notes
    """
    from vaultkit.vault.files import init_vault

    if path is None:  # (`vault --vault ~/Notes init` makes it there, as every command reads it there)
        chosen = settings_of(ctx).vault_option
        path = Path(chosen).expanduser() if chosen else Path(".")
    made = init_vault(path)
    where = path.resolve()
    if made:
        typer.echo(f"Made a vault in {where}: {', '.join(made)}")
    else:
        typer.echo(f"{where} is already a vault; nothing changed")


@app.command()
@handle_errors
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The person's name (becomes the note's file name).")],
    cadence: Annotated[
        str | None, typer.Option(help="Keep-in-touch interval: 2w, 1m, quarterly, none...")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", click_type=complete.TAG, help="A tag (repeatable).")
    ] = None,
    met: Annotated[str | None, typer.Option(help="When you met (YYYY-MM-DD).")] = None,
    introduced_by: Annotated[
        str | None, typer.Option(click_type=complete.NAME, help="Who introduced you.")
    ] = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another name (repeatable).")] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Another field, key=value (repeatable).")
    ] = None,
    as_json: WroteJson = False,
) -> None:
    """Add a person: a new note from the person template; never overwrites.

    Example: vault add "Ada Lovelace" --cadence 1m --tag mentor --met 2026-11-20
    """
    workspace = settings_of(ctx).workspace(writes=True, template="person.md.j2")
    shadowed = workspace.found_short_of_name(name)
    ref = workspace.add_person(
        name,
        cadence=cadence,
        tags=tag or [],
        met=parse_date("--met", met),
        introduced_by=introduced_by,
        fields=set_ or [],
        aliases=alias or [],
    )
    say(as_json, f"Added {ref.name}: {ref.path}", {"added": ref.to_json()})
    say_shadowed(name, shadowed, ref)


@app.command()
@handle_errors
def log(
    ctx: typer.Context,
    names: Annotated[
        str,
        typer.Argument(
            click_type=complete.NAME, help="NAME or NAME,NAME,... (name, alias or unique prefix)."
        ),
    ],
    text: Annotated[list[str], typer.Argument(help="What happened.")],
    date: Annotated[str | None, typer.Option(help="When (YYYY-MM-DD, default today).")] = None,
    channel: Annotated[str | None, typer.Option(help="How: coffee, call, email, video, dinner...")] = None,
    as_json: WroteJson = False,
) -> None:
    """Log an interaction with one or more people (one dinner, three people).

    Example: vault log "Ada, Charles" "dinner at the Royal Society" --channel dinner
    """
    workspace = settings_of(ctx).workspace(writes=True)
    when = parse_date("--date", date) or workspace.today
    refs = workspace.log(names, " ".join(text), date=when, channel=channel)
    lines = "\n".join(f"Logged for {ref.name}: {ref.path}" for ref in refs)
    say(as_json, lines, {"date": when.isoformat(), "logged": [ref.to_json() for ref in refs]})


@app.command()
@handle_errors
def due(
    ctx: typer.Context,
    within: Annotated[str | None, typer.Option(help="Also who comes due within this (7d, 2w...).")] = None,
    tag: Annotated[
        str | None, typer.Option(click_type=complete.TAG, help="Only people with this tag.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Print at most this many people (--json prints all).")] = LIMIT,
    show_all: Annotated[bool, typer.Option("--all", help="Print every person, as plain rows.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Who is due for a reach-out, most overdue first, with why.

    Example: vault due --within 7d
    """
    rows_shown = row_limit(limit, show_all)
    from vaultkit.due import describe_every, describe_last, describe_overdue

    workspace = settings_of(ctx).workspace()
    if as_json:
        from vaultkit.answers import due_answer

        answer = due_answer(workspace, within=within, tag=tag)
        print_json(answer)
        if not answer["due"]:
            say_what_was_missed(workspace, tag, due=True)
        return
    # The table needs the first rows and a count: the index orders and cuts the rest.
    page = workspace.due_page(within=within, tag=tag, limit=rows_shown)
    items = page.items
    problems = workspace.problems()
    if not items:
        if not say_what_was_missed(workspace, tag, due=True):
            until = workspace.due_until(within)
            by = f" nor coming due by {until.isoformat()}" if until != workspace.today else ""
            typer.echo(f"Nobody is due on {workspace.today.isoformat()}{by}. Enjoy your day.")
    else:
        until = workspace.due_until(within)
        if until != workspace.today:
            typer.echo(
                f"{page.total} due on {workspace.today.isoformat()} or coming due by {until.isoformat()}:"
            )
        else:
            typer.echo(f"{page.total} due on {workspace.today.isoformat()}:")
        rows = [
            [item.name, describe_last(item), describe_every(item), describe_overdue(item)] for item in items
        ]
        print_rows(["Who", "Last contact", "Keep in touch", "Due"], rows, page.total, rows_shown)
    warn_problems(problems)


@app.command()
@handle_errors
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(click_type=complete.NAME, help="Name, alias or unique prefix.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a person: profile, last interactions, open follow-ups, links in and out.

    Example: vault show Ada
    """
    workspace = settings_of(ctx).workspace()
    if as_json:
        from vaultkit.answers import show_answer

        print_json(show_answer(workspace, name))
        return
    person = workspace.show(name)
    from vaultkit.notes.parse import plain_text

    echo = wrapped_echo()
    echo(f"{person.name}  ({person.path})")
    for key, value in person.fields.items():
        shown = _field_text(value)
        text = plain_text(shown).rstrip("\n").replace("\n", "\n    ")  # (`key: |` goes on below, indented)
        line = f"  {key}: {text}"
        if key == "last_contact" and person.last_contact and shown.strip() < person.last_contact.isoformat():
            # The note's date is older than a contact found elsewhere: say which one counts.
            line += f" (as written; the last contact is {person.last_contact.isoformat()})"
        echo(line)
    cadence = f"{person.cadence} ({person.cadence_source})" if person.cadence else "no reminders"
    if person.due_on:
        due_text = person.due_on.isoformat()
    elif person.cadence:
        due_text = f"never ({person.never_due})" if person.never_due else "now"
    else:
        due_text = "-"
    last_text = person.last_contact.isoformat() if person.last_contact else "never"
    echo(f"  keep in touch: {cadence}; last contact: {last_text}; due: {due_text}")
    echo("\nLast interactions:")
    for item in person.interactions[:SHOWN_INTERACTIONS]:
        channel = f"{item.channel}: " if item.channel else ""
        echo(f"  {item.date.isoformat()}  {channel}{plain_text(item.text)}  ({item.path})")
    if not person.interactions:
        echo("  none yet")
    elif len(person.interactions) > SHOWN_INTERACTIONS:
        more = len(person.interactions) - SHOWN_INTERACTIONS
        echo(f"  and {more} more: `vault show {shlex.quote(person.name)} --json` lists every one")
    echo("\nOpen follow-ups:")
    for task in person.followups:
        echo(f"  [ ] {plain_text(task.text)}  ({task.path}:{task.line})")
    if not person.followups:
        echo("  none")
    echo(f"\nLinks to: {', '.join(person.links_out) or 'nobody'}")
    echo(f"Linked from: {', '.join(person.links_in) or 'nowhere'}")


@app.command("list")
@handle_errors
def list_(
    ctx: typer.Context,
    tag: Annotated[
        str | None, typer.Option(click_type=complete.TAG, help="Only people with this tag.")
    ] = None,
    where: Annotated[list[str] | None, typer.Option(help="key=value on a field (repeatable).")] = None,
    limit: Annotated[int, typer.Option(help="Print at most this many people (--json prints all).")] = LIMIT,
    show_all: Annotated[bool, typer.Option("--all", help="Print every person, as plain rows.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List people, optionally by tag or field.

    --where compares case-folded, meets any item of a list, and meets a link by the name of
    its note, as `vault stats` counts it (location=London finds [[Places/London|LDN]]); an
    empty value meets a missing key or one with no value (~, null).

    Example: vault list --tag mentor --where location=London
    """
    rows_shown = row_limit(limit, show_all)
    workspace = settings_of(ctx).workspace()
    headers = ["Name", "Last contact", "Due on", "Tags"]
    if as_json or rows_shown is None:
        # Everyone: written as the index reads them, one person at a time (at 100,000 people
        # an object for each first took 2.5 s and 270 MB).
        from vaultkit.profiles import people_json

        people = workspace.iter_listed(tag=tag, where=where or [])
        total = 0

        def counted() -> "Iterator[ListedPerson]":
            nonlocal total
            for person in people:
                total += 1
                yield person

        if as_json:
            print_bytes(people_json(counted(), indent=json_indented()))
        else:
            print_plain(headers, map(_list_row, counted()))
    else:
        page, total = workspace.listed_page(tag=tag, where=where or [], limit=rows_shown)
        print_rows(headers, [_list_row(person) for person in page], total, rows_shown)
    if not as_json:
        typer.echo(f"{total} {'person' if total == 1 else 'people'}")
    if not total:
        say_what_was_missed(workspace, tag, keys=[item.partition("=")[0].strip() for item in where or []])
    warn_problems(workspace.left_out())


def _list_row(person: "ListedPerson") -> list[str]:
    """A person's row in `vault list`: name, last contact, due date, tags as written."""
    tags_text = _field_text(person.fields.get("tags"))  # (as written: a list in a list too)
    last_text = person.last_contact.isoformat() if person.last_contact else "-"
    return [person.name, last_text, person.due_on.isoformat() if person.due_on else "-", tags_text]


def _field_text(value: object, nested: bool = False) -> str:
    """A front-matter value as `vault show` prints it: a list as `a, b` (in brackets when
    inside another value), a mapping as `{key: value, ...}`, nothing as nothing."""
    if isinstance(value, list):
        items = ", ".join(_field_text(item, True) for item in value)
        return f"[{items}]" if nested else items
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_field_text(item, True)}" for key, item in value.items()) + "}"
    return "" if value is None else str(value)


@app.command()
@handle_errors
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            help="Words to find, all of them; a word also finds the words it begins (plan: planning)."
        ),
    ],
    limit: Annotated[int, typer.Option(help="Print at most this many notes (--json prints all).")] = LIMIT,
    show_all: Annotated[bool, typer.Option("--all", help="Print every note found.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search people, meeting and daily notes for words, best first (the word itself before the longer words it begins).

    Example: vault search poetry horses
    """
    rows_shown = row_limit(limit, show_all)
    workspace = settings_of(ctx).workspace()
    if as_json:
        from vaultkit.answers import search_answer

        print_json(search_answer(workspace, words))
        return
    hits = workspace.search(words, rows_shown)
    if not hits:
        typer.echo("No notes match.")
        say_what_was_missed(workspace)
        raise typer.Exit(1)
    for hit in hits:
        typer.echo(f"{hit.path}: {hit.snippet}")
    if rows_shown is not None and len(hits) == rows_shown:
        say_more(workspace.search_count(words), rows_shown)


@app.command()
@handle_errors
def index(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option(help="Throw the index away and read every note again.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Bring the index up to date and say what changed.

    Example: vault index --rebuild
    """
    workspace = settings_of(ctx).workspace(sync=False)
    with progress_bar("Reading notes", shown=not as_json) as progress:
        report = workspace.sync(progress=progress, rebuild=rebuild, relist=True)
    if as_json:
        print_json(report.to_json())
        return
    typer.echo(
        f"{report.total} notes; read {report.read} ({report.added} new, {report.changed} changed), "
        f"removed {report.removed}; {report.problems} problem(s); {report.seconds:.2f}s"
        + (" (rebuilt)" if rebuild else "")
    )


@app.command()
@handle_errors
def check(
    ctx: typer.Context,
    links: Annotated[bool, typer.Option("--links", help="Also list links that lead to no note.")] = False,
    limit: Annotated[int, typer.Option(help="Print at most this many problems (--json prints all).")] = LIMIT,
    show_all: Annotated[bool, typer.Option("--all", help="Print every problem.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Report problems in the vault, errors first (exit 1 when there is an error).

    Example: vault check --links
    """
    from vaultkit.checks import check_vault

    lines_shown = row_limit(limit, show_all)
    workspace = settings_of(ctx).workspace(warn_config=False)
    with progress_bar("Comparing names") as progress:  # (seconds at 100,000 near-identical names)
        report = check_vault(workspace, links=links, progress=progress)
    problems, dangling = report.problems, report.dangling_links
    if as_json:
        data: dict[str, Any] = {"problems": [p.to_json() for p in problems]}
        if links:
            data["links"] = [
                {"path": p, "line": line, "target": t.removeprefix("!"), "embed": t.startswith("!")}
                for p, line, t in dangling
            ]
        print_json(data)
    else:
        errors = report.errors
        lines = itertools.chain(
            (str(p) for p in problems if p.level == "error"),
            (str(p) for p in problems if p.level != "error"),
            (
                f"{path}:{line}: link to no note: " + (f"![[{t[1:]}]]" if t.startswith("!") else f"[[{t}]]")
                for path, line, t in dangling
            ),
        )
        print_lines(lines, len(problems) + len(dangling), lines_shown)
        warnings = len(problems) - errors
        parts = [f"{errors} error(s), {warnings} warning(s)"] if problems else []
        if dangling:
            parts.append(f"{len(dangling)} link(s) to no note")
        typer.echo(", ".join(parts) if parts else "No problems found.")
    if report.errors:
        raise typer.Exit(1)
