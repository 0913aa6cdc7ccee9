"""People you want to meet: want, ask, met, prospects."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

from typing import Annotated

import typer

from vaultkit.cli import complete
from vaultkit.cli.app import (
    LIMIT,
    WroteJson,
    app,
    edited_json,
    handle_errors,
    parse_date,
    print_json,
    print_rows,
    row_limit,
    say,
    say_shadowed,
    settings_of,
    warn_problems,
)


@app.command()
@handle_errors
def want(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Their name (becomes the note's file name).")],
    why: Annotated[str | None, typer.Option(help="What draws you to them.")] = None,
    via: Annotated[
        str | None, typer.Option(click_type=complete.NAME, help="Who could introduce you (becomes a link).")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", click_type=complete.TAG, help="A tag (repeatable).")
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Another field, key=value (repeatable).")
    ] = None,
    as_json: WroteJson = False,
) -> None:
    """Add someone you want to meet: a person note with `status: prospect`, never due.

    An existing prospect gets only what their note is missing; a value the note has of its
    own is kept and named (`vault set` changes it). Anyone else is refused.

    Example: vault want "Grace Hopper" --why "compilers; she explains so well" --via Ada --tag engineer
    """
    from vaultkit.prospects import want as want_person

    workspace = settings_of(ctx).workspace()
    shadowed = workspace.found_short_of_name(name)
    done = want_person(workspace, name, why=why, via=via, tags=tag or [], fields=set_ or [])
    kept = ""
    if done.kept:
        values = ", ".join(f"{key}: {value}" for key, value in done.kept.items())
        kept = f"; kept the note's {values} (`vault set` changes {'it' if len(done.kept) == 1 else 'them'})"
    if done.not_added:
        kept += f"; not the tags: {done.not_added}"
    if done.created:
        text = f"Added {done.ref.name} as a prospect: {done.ref.path}"
    elif done.added:
        text = f"Added {', '.join(done.added)} to {done.ref.name}: {done.ref.path}{kept}"
    elif done.kept:
        text = f"{done.ref.name} is already a prospect; nothing changed: {done.ref.path}{kept}"
    else:
        text = f"{done.ref.name} is already a prospect with all of that; nothing changed: {done.ref.path}"
    changed = done.created or bool(done.added)
    say(
        as_json,
        text,
        edited_json(
            done.ref,
            changed,
            created=done.created,
            added=done.added,
            kept=done.kept,
            **({"not_added": {"tags": done.not_added}} if done.not_added else {}),
        ),
    )
    if done.created:
        say_shadowed(name, shadowed, done.ref)


@app.command()
@handle_errors
def ask(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(click_type=complete.NAME, help="A prospect (name, alias or unique prefix).")
    ],
    text: Annotated[list[str] | None, typer.Argument(help="What you asked (default: reached out).")] = None,
    channel: Annotated[str | None, typer.Option(help="How: email, call, linkedin...")] = None,
    date: Annotated[str | None, typer.Option(help="When (YYYY-MM-DD, default today).")] = None,
    as_json: WroteJson = False,
) -> None:
    """Record that you reached out to a prospect: an `asked:` Log entry and `status: asked`.

    Asking again records the one gentle follow-up `vault prospects` suggests.

    Example: vault ask Grace "would you have 20 minutes for a coffee?" --channel email
    """
    from vaultkit.prospects import ask as ask_person

    workspace = settings_of(ctx).workspace()
    when = parse_date("--date", date) or workspace.today
    ref, count = ask_person(workspace, name, " ".join(text or []), channel=channel, date=when)
    what = "your ask" if count <= 1 else f"ask number {count}"
    data = edited_json(ref, True, date=when.isoformat(), status="asked", asks=count)
    say(as_json, f"Recorded {what} for {ref.name}: {ref.path}", data)


@app.command()
@handle_errors
def met(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(click_type=complete.NAME, help="A prospect (name, alias or unique prefix).")
    ],
    text: Annotated[list[str] | None, typer.Argument(help="What happened (default: first met).")] = None,
    date: Annotated[str | None, typer.Option(help="When (YYYY-MM-DD, default today).")] = None,
    channel: Annotated[str | None, typer.Option(help="How: coffee, call, video...")] = None,
    as_json: WroteJson = False,
) -> None:
    """Turn a prospect into a contact: `met:` set, the status removed, a Log entry written.

    They count for that week's goal and get a cadence as `vault add` would give them.

    Example: vault met Grace "coffee near the Navy Yard" --channel coffee
    """
    from vaultkit.due import describe_cadence
    from vaultkit.notes.parse import plain_text
    from vaultkit.prospects import met as met_person
    from vaultkit.workspace import PersonRef

    workspace = settings_of(ctx).workspace()
    person, introduced_by = met_person(
        workspace, name, date=parse_date("--date", date), channel=channel, text=" ".join(text or [])
    )
    summary = workspace.person_summary(person)
    keep = describe_cadence(summary.cadence) if summary.cadence else "no reminders (no cadence)"
    data = edited_json(
        PersonRef(person.path, person.name),
        True,
        met=person.met.isoformat() if person.met else None,
        cadence=summary.cadence,
        cadence_source=summary.cadence_source,
        **({"introduced_by": introduced_by} if introduced_by else {}),
    )
    line = f"Met {person.name} on {person.met}: {person.path}"
    if introduced_by:
        line += f"; introduced_by: {', '.join(plain_text(text) for text in introduced_by)} (from their via)"
    say(as_json, f"{line}; keep in touch: {keep}", data)


@app.command()
@handle_errors
def prospects(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="Print at most this many (--json prints all).")] = LIMIT,
    show_all: Annotated[bool, typer.Option("--all", help="Print every prospect, as plain rows.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """People you want to meet and open asks: why, via, how long each has waited, who could
    introduce you, and which ask is due its one gentle follow-up.

    Example: vault prospects
    """
    from vaultkit.prospects import prospect_list, waited

    rows_shown = row_limit(limit, show_all)
    workspace = settings_of(ctx).workspace()
    items = prospect_list(workspace)
    if as_json:
        print_json(
            {
                "today": workspace.today.isoformat(),
                "ask_follow_up": workspace.config.ask_follow_up,
                "prospects": [item.to_json() for item in items],
            }
        )
        return
    if not items:
        typer.echo('No prospects. `vault want NAME --why "..."` adds someone you want to meet.')
        warn_problems(workspace.problems())
        return
    asked = sum(1 for item in items if item.status == "asked")
    flagged = sum(1 for item in items if item.follow_up)
    summary = f"{len(items) - asked} to ask, {asked} asked"
    if flagged:
        summary += f", {flagged} due a follow-up"
    people = "person" if len(items) == 1 else "people"
    typer.echo(f"{len(items)} {people} you want to meet ({summary}):")
    rows = []
    for item in items[: len(items) if rows_shown is None else rows_shown]:
        if item.follow_up:
            status = "follow up once"
        elif item.status == "asked" and item.asks:
            status = f"asked {item.asks[-1].isoformat()}"
        else:
            status = item.status
        names = [i.name for i in item.introducers]
        if item.more_introducers:
            names.append(f"+{item.more_introducers}")
        rows.append(
            [item.name, status, waited(item.days_waiting) or "-", ", ".join(names) or "-", item.why or "-"]
        )
    headers = ["Who", "Status", "Waiting", "Could introduce you", "Why"]
    print_rows(headers, rows, len(items), rows_shown)
    warn_problems(workspace.problems())
