"""Meeting notes prefilled with context, follow-ups, and the weekly review.

`create_meeting` gathers what is worth remembering about each person (profile, last
interactions, open follow-ups, their Notes, an upcoming birthday, who they are linked
with) and renders `meeting.md.j2`. The context sits in a generated `vaultkit:context`
block, where links are not contacts: the people in the note's `people` property are the
meeting's contacts, nobody else. `write_review` renders `review.md.j2` into
`Reviews/YYYY-Www.md`, replacing only its generated block when it runs again.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from vaultkit.dates import parse_birthday, shift
from vaultkit.due import why_due
from vaultkit.errors import ConfigError, NoteGone, NoteParseError, RefusedWrite, UsageError
from vaultkit.insights.goals import iso_week, parse_iso_week, streak_of, week_start
from vaultkit.model import DueItem, FollowUp, Interaction, name_key, name_order, no_value
from vaultkit.notes.grammar import (
    GEN_MARKER_RE,
    HEADING_RE,
    TASK_RE,
    block_markers,
    closes_fence,
    inline_text,
    opens_fence,
)
from vaultkit.notes.parse import decode_note, parse_text
from vaultkit.prospects import ProspectsView, week_context
from vaultkit.vault.files import Vault
from vaultkit.vault.names import title_stem
from vaultkit.workspace import PersonRef, Workspace, write_view

LAST_INTERACTIONS = 5
BIRTHDAY_DAYS = 30
DRIFTING = 5
CONTEXT_BLOCK = "context"
REVIEW_BLOCK = "review"


@dataclass(frozen=True)
class MeetingNote:
    """A meeting note `vault meet` made."""

    path: str
    date: dt.date
    people: list[PersonRef]


class InteractionView(TypedDict):
    """An interaction as a template gets it: `Interaction.to_json()` and its note's name."""

    date: str
    source: str
    path: str
    line: int | None
    channel: str | None
    text: str
    note: str


class BirthdayView(TypedDict):
    """A birthday within 30 days: its date, how many days away, the age turned (when known)."""

    date: str
    in_days: int
    turns: int | None


class PersonView(TypedDict):
    """What `meeting.md.j2` gets for each person (see the README for every key)."""

    name: str
    path: str
    link: str
    role: str
    company: str
    location: str
    fields: dict[str, Any]
    tags: list[str]
    aliases: list[str]
    met: str | None
    introduced_by: list[str]
    cadence: str | None
    last_contact: str | None
    due_on: str | None
    interactions: list[InteractionView]
    followups: list[FollowUpView]
    notes: str
    birthday: BirthdayView | None
    linked: list[str]


class MeetingContext(TypedDict):
    """What `meeting.md.j2` gets."""

    date: str
    today: str
    title: str
    people: list[PersonView]


class FollowUpView(TypedDict):
    """An open follow-up as a template gets it: `FollowUp.to_json()`, its note's name, late?"""

    person: str
    text: str
    due: str | None
    path: str
    line: int
    note: str
    overdue: bool


class OverdueFollowUp(FollowUpView):
    """A follow-up past due in the review: everyone it names once, and how late it is."""

    people: list[str]
    days_late: int


class DueView(TypedDict):
    """A due person as a template gets them: `DueItem.to_json()` and why they are due."""

    name: str
    path: str
    cadence: str
    cadence_source: str
    cadence_days: int
    last_contact: str | None
    last_channel: str | None
    due_on: str | None
    days_overdue: int | None
    why: str


class DriftingDue(DueView):
    """A due person drifting furthest, with how many cadences overdue."""

    times_cadence: float


class MetView(TypedDict):
    """Someone met during the week."""

    name: str
    path: str
    met: str | None


class ReviewGoal(TypedDict):
    """The week against the new-people goal."""

    per_week: int
    count: int
    reached: bool
    streak: int


class MeetingView(TypedDict):
    """A meeting note dated in the week."""

    date: str
    path: str
    note: str
    people: list[str]


class ReviewMore(TypedDict):
    """How many entries each section of the review leaves out past `[views] max_rows`."""

    due: int
    coming_due: int
    overdue_followups: int
    met: int


class ReviewContext(TypedDict):
    """What `review.md.j2` gets (and `vault review` sums up) for one ISO week."""

    week: str
    start: str
    end: str
    today: str
    due: list[DueView]
    coming_due: list[DueView]
    overdue_followups: list[OverdueFollowUp]
    met: list[MetView]
    goal: ReviewGoal
    meetings: list[MeetingView]
    drifting: list[DriftingDue]
    prospects: ProspectsView
    more: ReviewMore


@dataclass(frozen=True)
class Review:
    """A weekly review `vault review` wrote (or found up to date)."""

    path: str
    written: bool
    context: ReviewContext


# -- meeting notes -----------------------------------------------------------------------
def create_meeting(
    workspace: Workspace, names: str, date: dt.date | None = None, title: str | None = None
) -> MeetingNote:
    """Make `Meetings/YYYY-MM-DD Name.md` from `meeting.md.j2`, prefilled; never overwrites."""
    meetings_dir = workspace.config.meetings_dir
    if not meetings_dir:
        raise ConfigError("vaultkit.toml: meetings_dir is empty; meeting notes need a folder")
    refs = workspace.find_people(names)
    context = meeting_context(workspace, refs, date, title)
    # The title as a line of the note: a `%%` or `<!--` in it would hide the note below it.
    text = workspace.renderer().render("meeting.md.j2", **{**context, "title": inline_text(context["title"])})
    stem = f"{context['date']} {title_stem(context['title'])}"
    path = _write_new(workspace, meetings_dir, stem, text)
    return MeetingNote(path, dt.date.fromisoformat(context["date"]), refs)


def meeting_context(
    workspace: Workspace, refs: list[PersonRef], date: dt.date | None = None, title: str | None = None
) -> MeetingContext:
    """What a meeting note with these people would hold (what `meeting.md.j2` gets); writes nothing."""
    when = date or workspace.today
    if title is not None and not title.strip():
        raise UsageError("--title is empty")
    return {
        "date": when.isoformat(),
        "today": workspace.today.isoformat(),
        "title": " ".join(title.split()) if title else _join_names([ref.name for ref in refs]),
        "people": [person_context(workspace, ref, when) for ref in refs],
    }


def _join_names(names: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`, `A, B and 3 others`."""
    if len(names) > 3:
        return f"{names[0]}, {names[1]} and {len(names) - 2} others"
    if len(names) > 1:
        return ", ".join(names[:-1]) + f" and {names[-1]}"
    return names[0]


def _write_new(workspace: Workspace, folder: str, stem: str, text: str) -> str:
    """Write a new note, adding ` (2)`, ` (3)`... to the name while one exists."""
    try:
        parse_text(f"{folder}/{stem}.md", text, workspace.config)
    except NoteParseError as err:
        raise RefusedWrite(f"the meeting template made an unreadable note: {err}") from None
    data = text.encode("utf-8")
    for number in range(1, 1000):
        rel_path = f"{folder}/{stem}.md" if number == 1 else f"{folder}/{stem} ({number}).md"
        # (`sync.md` beside `Sync.md` is one file on a Mac or Windows machine)
        if workspace.vault.exists(rel_path) or workspace.note_in_the_way(rel_path):
            continue
        try:
            workspace.vault.write(rel_path, data, None)
        except RefusedWrite:
            continue  # it appeared meanwhile: take the next number
        workspace.index_written([rel_path])
        return rel_path
    raise RefusedWrite(f"{folder}/{stem}.md and 998 numbered copies exist already; nothing was written")


def person_context(workspace: Workspace, ref: PersonRef, date: dt.date) -> PersonView:
    """What a meeting template gets for one person (see the README for every key)."""
    index = workspace.index
    person = index.person(ref.path, workspace.today)
    summary = workspace.person_summary(person)
    fields = person.fields
    linked = set(index.names_of(index.links_in(ref.path)).values())
    linked.update(index.links_out(ref.path))
    linked.discard(person.name)
    return {
        "name": person.name,
        "path": person.path,
        "link": workspace.person_link(ref),
        "role": _text(fields.get("role")),
        "company": _text(fields.get("company")),
        "location": _text(fields.get("location")),
        "fields": fields,
        "tags": person.tags,
        "aliases": person.aliases,
        "met": person.met.isoformat() if person.met else None,
        "introduced_by": person.introduced_by,
        "cadence": summary.cadence,
        "last_contact": summary.last_contact.isoformat() if summary.last_contact else None,
        "due_on": summary.due_on.isoformat() if summary.due_on else None,
        "interactions": [
            _interaction(item) for item in index.interactions(ref.path, workspace.today)[:LAST_INTERACTIONS]
        ],
        "followups": [_followup(item, workspace.today) for item in index.followups(ref.path)],
        "notes": notes_section(workspace.vault, ref.path),
        "birthday": upcoming_birthday(person.birthday, date),
        "linked": sorted(linked, key=name_order),
    }


def _text(value: Any) -> str:
    if no_value(value):
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _defuse(text: str) -> str:
    """Copied text must not open or close a generated block."""
    return GEN_MARKER_RE.sub("", text)


def _note_stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def _interaction(item: Interaction) -> InteractionView:
    return {
        "date": item.date.isoformat(),
        "source": item.source,
        "path": item.path,
        "line": item.line,
        "channel": item.channel,
        "text": _defuse(item.text),
        "note": _note_stem(item.path),
    }


def _followup(item: FollowUp, today: dt.date) -> FollowUpView:
    return {
        "person": item.person,
        "text": _defuse(item.text),
        "due": item.due.isoformat() if item.due else None,
        "path": item.path,
        "line": item.line,
        "note": _note_stem(item.path),
        "overdue": bool(item.due and item.due < today),
    }


def notes_section(vault: Vault, rel_path: str, heading: str = "Notes") -> str:
    """The text under a person's `## Notes` heading, without its tasks (they are follow-ups)."""
    try:
        text = decode_note(rel_path, vault.read(rel_path).data)
    except (OSError, NoteGone, NoteParseError):
        return ""
    body = parse_text(rel_path, text, vault.config).body
    wanted = name_key(heading)
    kept: list[str] = []
    level: int | None = None
    fence: str | None = None
    for line in body.splitlines():
        if fence is not None:
            if closes_fence(line, fence):
                fence = None
        elif (opened := opens_fence(line)) is not None:
            fence = opened
        else:
            found = HEADING_RE.match(line)
            if found:
                if level is not None and len(found.group(1)) <= level:
                    break
                if level is None and name_key(found.group(2)) == wanted:
                    level = len(found.group(1))
                    continue
        if level is not None and not TASK_RE.match(line):
            kept.append(_defuse(line))
    return "\n".join(kept).strip("\n")


def upcoming_birthday(birthday: str | None, date: dt.date) -> BirthdayView | None:
    """`{"date", "in_days", "turns"}` when the birthday falls within 30 days of `date`."""
    if not birthday:
        return None
    try:
        parsed = parse_birthday(birthday)
    except ValueError:
        return None
    when = parsed.next_on_or_after(date)
    if when is None:
        return None
    days = (when - date).days
    if days > BIRTHDAY_DAYS:
        return None
    turns = when.year - parsed.year if parsed.year and parsed.year < when.year else None
    return {"date": when.isoformat(), "in_days": days, "turns": turns}


# -- follow-ups --------------------------------------------------------------------------
def open_followups(workspace: Workspace, names: str | None = None, overdue: bool = False) -> list[FollowUp]:
    """Open follow-ups (of these people), soonest due first; `overdue`: only those past due."""
    if names:
        items = [item for ref in workspace.find_people(names) for item in workspace.index.followups(ref.path)]
        items.sort(key=lambda f: (f.due or dt.date.max, f.person.casefold(), f.path, f.line))
    else:
        items = workspace.index.followups()
    if overdue:
        items = [item for item in items if item.due is not None and item.due < workspace.today]
    return items


# -- the weekly review -------------------------------------------------------------------
def review_week(workspace: Workspace, week: str | None = None) -> tuple[str, dt.date]:
    """(`YYYY-Www`, its Monday) for `--week`, else this week."""
    if week is None:
        monday = week_start(workspace.today)
    else:
        try:
            monday = parse_iso_week(week)
        except ValueError as err:
            raise UsageError(f"--week: {err}") from None
        if monday > workspace.today:  # (a review of what has not happened would say nothing true)
            raise UsageError(f"--week {week} has not begun yet (today is {workspace.today})")
    return iso_week(monday), monday


def review_context(workspace: Workspace, monday: dt.date) -> ReviewContext:
    """What `review.md.j2` gets for the week starting `monday` (see the README for every key).

    "Today" is the Sunday of that week, or the real today when that is earlier.
    """
    sunday = shift(monday, 6)  # (9999-W52 ends on the calendar's last day)
    today = min(workspace.today, sunday)
    config = workspace.config
    rows = config.max_rows
    # The index orders and counts: the review reads the first rows of each list.
    due_now = workspace.due_page(today=today, limit=rows)
    soon = workspace.due_page(within="7d", today=today, limit=rows, kind="coming")
    drifting = workspace.due_page(today=today, limit=DRIFTING, kind="late").items
    met = workspace.index.met_between(monday, today)
    goal = config.new_people_per_week
    overdue: dict[tuple[str, int], OverdueFollowUp] = {}
    for item in workspace.index.followups():
        if item.due is not None and item.due < today:
            days_late = (today - item.due).days
            entry = overdue.setdefault(
                (item.path, item.line), {**_followup(item, today), "people": [], "days_late": days_late}
            )
            entry["people"].append(item.person)
    return {
        "week": iso_week(monday),
        "start": monday.isoformat(),
        "end": sunday.isoformat(),
        "today": today.isoformat(),
        "due": [_due(item) for item in due_now.items],
        "coming_due": [_due(item) for item in soon.items],
        "overdue_followups": list(overdue.values())[:rows],
        "met": [{"name": name, "path": path, "met": day.isoformat()} for name, path, day in met[:rows]],
        "goal": {
            "per_week": goal,
            "count": len(met),
            "reached": goal > 0 and len(met) >= goal,
            "streak": streak_of(workspace.index.met_dates(), today, goal),
        },
        "meetings": [
            {"date": date.isoformat(), "path": path, "note": _note_stem(path), "people": names}
            for path, date, names in workspace.index.meetings_between(monday, sunday)
        ],
        "drifting": [{**_due(item), "times_cadence": _ratio(item)} for item in drifting],
        "prospects": week_context(workspace, monday, today, rows),
        "more": {
            "due": max(0, due_now.total - rows),
            "coming_due": max(0, soon.total - rows),
            "overdue_followups": max(0, len(overdue) - rows),
            "met": max(0, len(met) - rows),
        },
    }


def _ratio(item: DueItem) -> float:
    return round((item.days_overdue or 0) / item.cadence_days, 1)


def _due(item: DueItem) -> DueView:
    """`vault due --json`'s item (`DueItem.to_json`) with why, in words."""
    return cast(DueView, {**item.to_json(), "why": why_due(item)})


def write_review(workspace: Workspace, week: str | None = None) -> Review:
    """Render `review.md.j2` into `Reviews/YYYY-Www.md`; a second run replaces only its block."""
    name, monday = review_week(workspace, week)
    context = review_context(workspace, monday)
    text = workspace.renderer().render("review.md.j2", **context)
    folder = workspace.config.reviews_dir
    rel_path = f"{folder}/{name}.md" if folder else f"{name}.md"
    start, end = block_markers(REVIEW_BLOCK)
    lines = text.splitlines(keepends=True)
    begin = next((i for i, line in enumerate(lines) if line.strip() == start), None)
    finish = next((i for i, line in enumerate(lines) if line.strip() == end), None)
    if begin is None or finish is None or finish < begin:
        # A template without the markers: all of its text is the generated part.
        block, whole = text, None
    else:
        block, whole = "".join(lines[begin + 1 : finish]), text
    if whole is not None and not workspace.vault.exists(rel_path):
        workspace.vault.write(rel_path, whole.encode("utf-8"), None)
        workspace.index_written([rel_path])
        return Review(rel_path, True, context)
    return Review(rel_path, write_view(workspace, rel_path, REVIEW_BLOCK, block), context)
