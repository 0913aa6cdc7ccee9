"""Growing the network on purpose: intro, stats (and Network.md), suggest."""

# No `from __future__ import annotations` here: Typer would compile every string annotation
# of every command at start-up (50 ms); real annotations cost nothing.

from typing import TYPE_CHECKING, Annotated

import typer

from vaultkit.cli import complete
from vaultkit.cli.app import (
    WroteJson,
    app,
    console,
    handle_errors,
    parse_date,
    print_json,
    say,
    settings_of,
    table,
)
from vaultkit.errors import VaultkitError

if TYPE_CHECKING:  # the figures' module is imported when `vault stats` runs
    from vaultkit.insights.network import StatsView


@app.command()
@handle_errors
def intro(
    ctx: typer.Context,
    first: Annotated[
        str, typer.Argument(click_type=complete.NAME, help="One person (name, alias or unique prefix).")
    ],
    second: Annotated[
        str, typer.Argument(click_type=complete.NAME, help="The person you introduced them to.")
    ],
    note: Annotated[str | None, typer.Option(help="Why, or how it went.")] = None,
    date: Annotated[str | None, typer.Option(help="When (YYYY-MM-DD, default today).")] = None,
    as_json: WroteJson = False,
) -> None:
    """Record an introduction you made: a Log entry in both notes.

    Example: vault intro "Marcus Bell" "Kwame Mensah" --note "both fight cold-chain problems"
    """
    from vaultkit.insights.network import record_intro

    workspace = settings_of(ctx).workspace(writes=True)
    when = parse_date("--date", date) or workspace.today
    a, b = record_intro(workspace, first, second, note=note, date=when)
    text = f"Introduced {a.name} and {b.name}: {a.path}, {b.path}"
    say(as_json, text, {"date": when.isoformat(), "introduced": [a.to_json(), b.to_json()]})


@app.command()
@handle_errors
def stats(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Count weeks, channels and introductions from this date (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (and leave Network.md alone).")] = False,
) -> None:
    """Figures about your network: growth against the goal, keeping in touch, channels,
    introductions and diversity; also writes the Network.md view.

    Example: vault stats --since 2026-09-01
    """
    workspace = settings_of(ctx).workspace()
    since_date = parse_date("--since", since)
    if as_json:
        from vaultkit.answers import stats_answer

        print_json(stats_answer(workspace, since_date))
        return
    from vaultkit.insights.network import collect_stats, view_context, write_network

    figures = collect_stats(workspace, since_date)
    # Network.md is written first: a reader that stops early (`vault stats | head`) ends
    # the process at its next line, which then never wrote it.
    refused: VaultkitError | None = None
    try:
        path, written = write_network(workspace, None if since_date else figures)
    except VaultkitError as err:
        refused, path = err, None
    _print_stats(view_context(figures, weeks_shown=None if since_date else 12))
    counts = figures.prospects
    if counts is not None and (counts.waiting or counts.asked or counts.met_this_year):
        typer.echo(
            f"\nPeople you want to meet: {counts.waiting} to ask, {counts.asked} asked and not met yet, "
            f"{counts.met_this_year} met this year (`vault prospects`)"
        )
    if refused is not None:
        raise refused
    if path is not None:
        typer.echo(f"Wrote {path}" if written else f"{path} is up to date")


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _print_stats(view: "StatsView") -> None:
    from vaultkit.insights.network import bar

    out = console()
    goal, touch = view["goal"], view["touch"]
    archived = f" ({view['archived']} archived, not counted)" if view["archived"] else ""
    people = f"{view['people']} {'person' if view['people'] == 1 else 'people'}"
    out.print(f"Your network on {view['today']}: {people}{archived}", markup=False)

    no_goal = goal["per_week"] == 0  # (`new_people_per_week = 0`: counted, with no goal to meet)
    heading = "New people per week" + ("" if no_goal else f" (goal {goal['per_week']})")
    out.print(f"\n{heading}", style="bold", markup=False)
    weeks = view["weeks"]
    top = max([w["new"] for w in weeks] + [goal["per_week"]])
    grid = table("Week", "New")
    for week in weeks:
        grid.add_row(week["week"], bar(week["new"], top))
    out.print(grid)
    share = f" ({goal['year_share']})" if goal["year_share"] else ""
    out.print(
        f"This year: {goal['year_to_date']} new; no weekly goal set ([goals] new_people_per_week)."
        if no_goal
        else f"Streak: {_count(goal['streak_weeks'], 'week')} in a row meeting the goal. "
        f"This year: {goal['year_to_date']} of {goal['year_target']}{share}.",
        markup=False,
    )

    out.print("\nKeeping in touch", style="bold")
    if touch["with_cadence"]:
        out.print(
            f"{touch['on_time']} of {touch['with_cadence']} people with a cadence are on time ({touch['share']}).",
            markup=False,
        )
    else:
        out.print("Nobody has a cadence yet.")
    if touch["drifting"]:
        grid = table("Drifting furthest", "Cadence", "Last contact", "Overdue (× cadence)")
        for drifting in touch["drifting"]:
            grid.add_row(
                drifting["name"],
                drifting["cadence"],
                drifting["last_contact"] or "never",
                drifting["overdue"],
            )
        out.print(grid)
    if touch["never_contacted"]:
        more = f" and {touch['more_never']} more" if touch["more_never"] else ""
        out.print(f"Never contacted: {', '.join(touch['never_contacted'])}{more}", markup=False)
    losing = ", ".join(f"{i['name']} ({i['last'] or 'no contact yet'})" for i in touch["losing_touch"])
    more = f" and {touch['more_losing']} more" if touch["more_losing"] else ""
    out.print(f"Losing touch (no cadence, no contact for a year): {losing or 'nobody'}{more}", markup=False)

    out.print("\nChannels", style="bold")
    if view["channels"]:
        top = max(c["count"] for c in view["channels"])
        grid = table("Channel", "Interactions", "Share")
        for channel in view["channels"]:
            grid.add_row(channel["channel"], bar(channel["count"], top), channel["share"])
        out.print(grid)
    else:
        out.print("No interactions logged yet.")

    intros = view["introductions"]
    out.print("\nIntroductions", style="bold")
    introducers = f"{intros['introducers']} {'person' if intros['introducers'] == 1 else 'people'}"
    out.print(
        f"You made {_count(intros['made_count'], 'introduction')}; "
        f"{introducers} introduced you to {intros['received_people']}.",
        markup=False,
    )
    if intros["made"] or intros["received"]:
        grid = table("Date", "Introduction")
        for pair in intros["made"]:
            grid.add_row(pair["date"], f"you introduced {pair['a']} and {pair['b']}")
        for received in intros["received"]:
            grid.add_row(
                received["date"] or "", f"{received['introducer']} introduced you to {received['person']}"
            )
        out.print(grid)
        if intros["older"]:
            out.print(f"…and {intros['older']} older", markup=False)

    out.print("\nDiversity", style="bold")
    for dim in view["dimensions"]:
        unknown = f"; {dim['unknown']} unknown" if dim["unknown"] else ""
        concentration = f" {dim['concentration']}{unknown}." if dim["concentration"] else ""
        out.print(f"{dim['title']}: {dim['sentence']}{concentration}", markup=False)
        if dim["rows"]:
            top = max([r["count"] for r in dim["rows"]] + [dim["unknown"]])
            grid = table(dim["title"], "People", "Share")
            for row in dim["rows"]:
                grid.add_row(row["value"], bar(row["count"], top), row["share"])
            if dim["more_groups"]:
                grid.add_row(f"…{dim['more_groups']} more", str(dim["more_people"]), "")
            if dim["unknown"]:
                grid.add_row("unknown", bar(dim["unknown"], top), "")
            out.print(grid)


@app.command()
@handle_errors
def suggest(
    ctx: typer.Context,
    n: Annotated[int, typer.Option("--n", "-n", help="How many people.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Whom to reach out to today: the most overdue, open follow-ups (and asks due their
    one follow-up), introductions to follow up and people you are losing touch with, each
    with why; while this week's goal of new people is not met, a prospect to ask (`vault want`).

    Example: vault suggest -n 3
    """
    workspace = settings_of(ctx).workspace()
    if as_json:
        from vaultkit.answers import suggest_answer

        print_json(suggest_answer(workspace, n))
        return
    from vaultkit.insights.suggest import suggest as suggest_people

    picks = suggest_people(workspace, n)
    if not picks:
        typer.echo(f"Nobody to suggest on {workspace.today.isoformat()}. Enjoy your day.")
        return
    grid = table("#", "Who", "Why")
    for number, pick in enumerate(picks, 1):
        grid.add_row(str(number), pick.name, pick.reason)
    out = console()
    out.print(f"Reach out on {workspace.today.isoformat()}:")
    out.print(grid)
