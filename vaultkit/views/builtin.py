"""Generated views: what `vault render` and `vault watch` write into the vault.

A view is a function `workspace -> Markdown` registered in `VIEWS` under its name; the
`[views]` table of vaultkit.toml says which file each view goes to. Only the block between
`<!-- vaultkit:NAME -->` and `<!-- /vaultkit:NAME -->` is generated, and a file is written
only when that block changed (`write_view`). Every view must be deterministic: the same
notes and the same today give the same text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from vaultkit.dates import Birthday, days_text, parse_birthday
from vaultkit.due import why_due
from vaultkit.errors import RefusedWrite, StaleFileError, VaultGone, VaultkitError
from vaultkit.model import DueItem, FollowUp, Person, name_key, name_order
from vaultkit.workspace import EDIT_TRIES, Workspace, wikilink, write_view

COMING_DAYS = 7
BIRTHDAY_DAYS = 30

ViewFunction = Callable[[Workspace], str]


class UpcomingBirthday(NamedTuple):
    """A person's next birthday; `age` is None when the year is unknown."""

    name: str
    path: str
    birthday: str
    on: dt.date
    days: int
    age: int | None

    def to_json(self) -> dict[str, Any]:
        """JSON form (`vault due --json` `birthdays`)."""
        return {
            "name": self.name,
            "path": self.path,
            "birthday": self.birthday,
            "on": self.on.isoformat(),
            "days": self.days,
            "age": self.age,
        }


class RenderedView(NamedTuple):
    """One view `render_views` handled, and whether its file was written."""

    name: str
    path: str
    written: bool
    detail: str = ""  # what changed, when "updated" does not say enough (the vdir's files)


def upcoming_birthdays(
    people: Iterable[Person], today: dt.date, days: int = BIRTHDAY_DAYS
) -> list[UpcomingBirthday]:
    """Birthdays from today to `days` days ahead, soonest first; archived people are left out."""
    found: list[UpcomingBirthday] = []
    for person in people:
        if person.archived or not person.birthday:
            continue
        try:
            birthday = parse_birthday(person.birthday)
        except ValueError:  # the index only stores birthdays that parsed; be safe anyway
            continue
        on = birthday.next_on_or_after(today)
        if on is None or (on - today).days > days:
            continue
        age = on.year - birthday.year if birthday.year is not None else None
        found.append(
            UpcomingBirthday(
                person.name,
                person.path,
                person.birthday,
                on,
                (on - today).days,
                age if age and age > 0 else None,
            )
        )
    found.sort(key=lambda b: (b.on, name_order(b.name), b.path))
    return found


def overdue_followups(workspace: Workspace) -> list[FollowUp]:
    """Open follow-ups whose 📅 date is before today, oldest first."""
    return workspace.index.followups(due_before=workspace.today)


def upcoming_birthdays_of(workspace: Workspace, days: int = BIRTHDAY_DAYS) -> list[UpcomingBirthday]:
    """The birthdays of the next `days` days, reading only the people who may have one.

    The same answer as `upcoming_birthdays` over everyone, without parsing: the index holds
    each birthday normalised, and there are at most 32 month-days to work out the next date of.
    """
    today = workspace.today
    next_on: dict[str, dt.date | None] = {}
    found: list[UpcomingBirthday] = []
    for name, path, birthday in workspace.index.birthday_candidates(today, days):
        month_day = birthday[-5:]
        if month_day in next_on:
            on = next_on[month_day]
        else:
            month, day = int(month_day[:2]), int(month_day[3:])
            on = next_on[month_day] = Birthday(month, day, None).next_on_or_after(today)
        if on is None:
            continue  # (after 9999-12-31)
        wait = (on - today).days
        if wait > days:
            continue
        age = on.year - int(birthday[:4]) if birthday[0] != "-" else 0
        found.append(UpcomingBirthday(name, path, birthday, on, wait, age if age > 0 else None))
    found.sort(key=_on)  # stable: the index gave them by name, then path
    return found


def _on(birthday: UpcomingBirthday) -> dt.date:
    return birthday.on


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def _days_over(days: int) -> str:
    return f"{days_text(days)} over"


def due_view(workspace: Workspace) -> str:
    """The Due view: who is due, who comes due soon, birthdays and overdue follow-ups."""
    # (imported here: `vault due --json` uses this module's follow-ups and birthdays, 5 ms)
    from vaultkit.checks import nobody_hint
    from vaultkit.notes.grammar import DUE_MARK_RE
    from vaultkit.prospects import asks_to_follow_up, waited

    today = workspace.today
    rows = workspace.config.max_rows
    # Those due by today in the spec's order, the first rows of them (the index counts the
    # rest); those coming due in the next days (a few) by date.
    due = workspace.due_page(limit=rows)
    coming = sorted(
        workspace.due_page(within=f"{COMING_DAYS}d", kind="coming").items,
        key=lambda item: (item.due_on, name_order(item.name), item.path),
    )
    upcoming, overdue, waiting = (
        upcoming_birthdays_of(workspace),
        overdue_followups(workspace),
        asks_to_follow_up(workspace),
    )
    # One task in a meeting note with three people is one line naming all three.
    tasks: dict[tuple[str, int], dict[str, Any]] = {}
    for followup in overdue:
        assert followup.due is not None
        entry = tasks.get((followup.path, followup.line))
        if entry is None:
            entry = tasks[(followup.path, followup.line)] = {
                "text": DUE_MARK_RE.sub("", followup.text).strip(),
                "due": followup.due.isoformat(),
                "days_overdue": (today - followup.due).days,
                "when": _days_over((today - followup.due).days),
                "note": None,
                "path": followup.path,
                "line": followup.line,
                "people": [],
            }
        entry["people"].append((followup.person, followup.person_path))
        # A task in a person's note belongs to that person; one in a meeting note names them.
        if followup.path != followup.person_path:
            entry["note"] = f"[[{followup.path.rsplit('/', 1)[-1].removesuffix('.md')}]]"
    followups = sorted(tasks.values(), key=lambda t: (t["due"], t["path"], t["line"]))
    # Only the first rows of each list are shown: links (and whether a name is shared) are
    # made for those, not for the thousands of birthdays and follow-ups a vault may have.
    shown_coming, shown_birthdays, shown_followups, shown_asks = (
        coming[:rows],
        upcoming[:rows],
        followups[:rows],
        waiting[:rows],
    )
    names = [item.name for item in (*due.items, *shown_coming)] + [b.name for b in shown_birthdays]
    names += [person for entry in shown_followups for person, _ in entry["people"]]
    names += [ask.name for ask in shown_asks]
    shared = workspace.index.shared_names(name_key(name) for name in names)

    def due_entry(item: DueItem) -> dict[str, Any]:
        return {
            "name": item.name,
            "link": wikilink(item.name, item.path, shared),
            "path": item.path,
            "due_on": item.due_on.isoformat() if item.due_on else None,
            "days_overdue": item.days_overdue,
            "why": why_due(item),
        }

    birthdays = [
        {
            "name": b.name,
            "link": wikilink(b.name, b.path, shared),
            "path": b.path,
            "on": b.on.isoformat(),
            "days": b.days,
            "when": _in_days(b.days),
            "age": b.age,
        }
        for b in shown_birthdays
    ]
    for entry in shown_followups:
        links = [wikilink(person, person_path, shared) for person, person_path in entry["people"]]
        entry["people"] = sorted(set(links), key=name_order)
    asks = [
        {
            "name": ask.name,
            "link": wikilink(ask.name, ask.path, shared),
            "path": ask.path,
            "asked_on": ask.asked_on.isoformat(),
            "waited": waited(ask.days_waiting),
        }
        for ask in shown_asks
    ]
    return workspace.renderer().render(
        "due.md.j2",
        today=today.isoformat(),
        coming_days=COMING_DAYS,
        birthday_days=BIRTHDAY_DAYS,
        due=[due_entry(item) for item in due.items],
        coming=[due_entry(item) for item in shown_coming],
        birthdays=birthdays,
        followups=shown_followups,
        asks=asks,
        no_people=nobody_hint(workspace, in_vault=True),
        no_cadence=not due.items and workspace.index.nobody_kept_in_touch(),
        more={
            "asks": max(0, len(waiting) - rows),
            "due": max(0, due.total - rows),
            "coming": max(0, len(coming) - rows),
            "birthdays": max(0, len(upcoming) - rows),
            "followups": max(0, len(followups) - rows),
        },
    )


# The views vaultkit knows, by the name used in `[views]` and in the block markers.
# A feature adds its view here: "network": network_view.
def network_view(workspace: Workspace) -> str:
    """Network.md: growth, keeping in touch, channels, introductions, diversity (vaultkit.insights.network)."""
    from vaultkit.insights.network import render_network  # the figures module is only needed here

    return render_network(workspace)


def base_view(workspace: Workspace) -> str:
    """People.base: the people as an Obsidian base, from the settings alone (views.base)."""
    from vaultkit.views.base import render_base

    return render_base(workspace.config, workspace.vault.template_folders)


VIEWS: dict[str, ViewFunction] = {
    "base": base_view,
    "due": due_view,
    "network": network_view,
}
# Views that are a whole file of their own (not a block in a note).
WHOLE_FILE_VIEWS = frozenset({"base"})


VDIR = "vdir"
"""`[views] vdir`: a folder of .ics files (one per event) kept in step, for vdirsyncer or pimsync."""


class ViewsFailed(VaultkitError):
    """Views that could not be written (their reasons, in the message); the others were,
    and `rendered` says how."""

    def __init__(self, rendered: list[RenderedView], reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.rendered = rendered


def render_views(workspace: Workspace, names: Iterable[str] | None = None) -> list[RenderedView]:
    """Write every known view (or those `names`) whose `[views]` path is set, in name order,
    then bring the calendar's vdir in step when `[views] vdir` names one.

    A view that cannot be written (a People.base of the user's, a Due.md with two blocks)
    stops no other: they are written, then ViewsFailed says which failed and why."""
    rendered: list[RenderedView] = []
    failed: list[str] = []
    for name in sorted(VIEWS if names is None else set(names) & VIEWS.keys()):
        path = workspace.config.view_path(name)
        if path is None:
            continue
        try:
            content = VIEWS[name](workspace)
            detail = ""
            if name in WHOLE_FILE_VIEWS:
                written, detail = write_generated_file(workspace, path, content)
            else:
                written = write_view(workspace, path, name, content)
        except VaultGone:
            raise  # (nothing left to write into)
        except VaultkitError as err:
            failed.append(str(err))
            continue
        rendered.append(RenderedView(name, path, written, detail))
    folder = workspace.config.view_path(VDIR)
    if folder and (names is None or VDIR in names):
        from vaultkit.contacts.ics import sync_vdir, vdir_folder  # the calendar, only when asked for

        report = sync_vdir(workspace, vdir_folder(workspace, folder))
        changed = bool(report.written or report.removed)
        rendered.append(RenderedView(VDIR, str(report.folder), changed, report.summary()))
    if failed:
        raise ViewsFailed(rendered, failed)
    return rendered


# The first words of every file vaultkit makes whole: a file that does not start with them
# is the user's, and is never replaced.
MADE_BY_VAULTKIT = "# Made by vaultkit"
# The header of a file vaultkit makes whole. Its stamp is a digest of the text vaultkit made
# (the settings, as this vaultkit writes them): while it is the same, the file is left as it
# is, so the user's edits (Obsidian saves a base's sort and columns into it) last.
_HEADER = (
    MADE_BY_VAULTKIT + " from vaultkit.toml (settings {stamp}), by `vault render` and `vault watch`.\n"
    "# Your edits here last until the settings change; then it is written again whole.\n"
)
_STAMP_RE = re.compile(
    re.escape(MADE_BY_VAULTKIT).encode() + rb" from vaultkit\.toml \(settings ([0-9a-f]{12})\)"
)


def _stamp(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]


def generated_file_text(content: str) -> str:
    """The whole text of a file vaultkit makes from `content`: its header (stamped), then it."""
    return _HEADER.format(stamp=_stamp(content)) + content


def write_generated_file(workspace: Workspace, rel_path: str, content: str) -> tuple[bool, str]:
    """Write a file vaultkit makes whole (People.base) when what vaultkit makes of the
    settings changed; returns whether it was written, and a word when that replaced edits.

    The file's header stamps what vaultkit made: while the stamp is the same, the file is
    left alone even if edited. Locked, stale-checked and atomic like every note write. A
    file already there that vaultkit did not make (no header of its own, and not empty) is
    refused, not replaced: an Obsidian vault may have had its own People.base before
    `vault init`.
    """
    vault = workspace.vault
    data = generated_file_text(content).encode("utf-8")
    stamp = _stamp(content)
    with vault.editing():
        for attempt in range(EDIT_TRIES):
            snapshot = vault.read_to_change(rel_path) if vault.exists(rel_path) else None
            if snapshot is not None and not _made_by_vaultkit(snapshot.data):
                raise RefusedWrite(
                    f"{rel_path} was not made by vaultkit, so it was not replaced: "
                    "rename it, or set another file in [views] of vaultkit.toml"
                )
            old = _STAMP_RE.match(snapshot.data) if snapshot is not None else None
            if old is not None and old.group(1).decode() == stamp:
                return False, ""  # the same settings: the user's edits stay
            try:
                vault.write(rel_path, data, snapshot)
            except (StaleFileError, RefusedWrite):  # (RefusedWrite: made by someone meanwhile)
                if attempt == EDIT_TRIES - 1:
                    raise
                continue
            if snapshot is not None and old is not None and not _as_made(snapshot.data):
                return True, "updated (the settings changed: your edits in it were replaced)"
            return True, ""
    return True, ""  # (not reached: the last attempt returns or raises)


def _made_by_vaultkit(data: bytes) -> bool:
    return data.startswith(MADE_BY_VAULTKIT.encode()) or not data.strip()


def _as_made(data: bytes) -> bool:
    """Whether a stamped file holds what vaultkit made, unedited."""
    _, _, content = data.partition(b"\n")
    _, _, content = content.partition(b"\n")
    try:
        return generated_file_text(content.decode("utf-8")).encode("utf-8") == data
    except UnicodeDecodeError:
        return False
