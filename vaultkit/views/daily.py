"""Today's reach-outs in the daily note: `vault today` and `[daily] reachouts` of the watcher.

One open task per person due, most overdue first (the order of `vault due`), under a
`## Reach out` heading at the end of `Daily/YYYY-MM-DD.md`. Ticking a box in Obsidian makes
the link a contact for that person by the daily-note rule (a link in an open task is a plan,
in a done one a contact), so nothing else has to be done. A note that already has the
section is left alone: running it again the same day changes nothing.
"""

from __future__ import annotations

from typing import NamedTuple

from vaultkit.errors import RefusedWrite, StaleFileError, VaultkitError
from vaultkit.model import REACH_OUT_HEADING, DueItem, name_key, reach_out_reason
from vaultkit.notes.grammar import plain_links
from vaultkit.workspace import EDIT_TRIES, Workspace, read_checked, wikilink

HEADING = REACH_OUT_HEADING
DEFAULT_LIMIT = 10
_REASON_CHARS = 80


class NoDailyNote(VaultkitError):
    """Today's daily note does not exist and was not to be made."""


class ReachOuts(NamedTuple):
    """What `reach_out` did: `outcome` is `added`, `present` (the note had the section) or
    `nobody` (nobody is due: nothing written)."""

    path: str
    outcome: str
    people: list[DueItem]
    more: int

    def to_json(self) -> dict[str, object]:
        """JSON form (`vault today --json`)."""
        return {
            "path": self.path,
            "outcome": self.outcome,
            "people": [item.name for item in self.people],
            "more": self.more,
        }


def daily_note_path(workspace: Workspace) -> str:
    """Today's daily note, vault-relative: the one there is (`YYYY-MM-DD.md`, in `daily_dir`
    or a folder of it, as Obsidian's `YYYY/MM/YYYY-MM-DD` format makes it), else where
    Obsidian's default format puts it, `YYYY-MM-DD.md` in `daily_dir`."""
    found = workspace.index.daily_note_of(workspace.today)
    if found is not None:
        return found
    name = f"{workspace.today.isoformat()}.md"
    return f"{workspace.config.daily_dir}/{name}" if workspace.config.daily_dir else name


def _shorten(text: str) -> str:
    text = " ".join(plain_links(text).split())
    if len(text) <= _REASON_CHARS:
        return text
    return text[:_REASON_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def reason(workspace: Workspace, item: DueItem) -> str:
    """Why to reach out, from the last interaction: `last coffee 2026-10-02, talked about her
    paper`; links in its text become their words (a ticked task must not make them contacts)."""
    if item.last_contact is None:
        return reach_out_reason(None)
    last = next(iter(workspace.index.interactions(item.path, workspace.today)), None)
    if last is None or last.date != item.last_contact:
        return reach_out_reason(item.last_contact)
    return reach_out_reason(last.date, last.channel, _shorten(last.text))


def reachout_lines(workspace: Workspace, limit: int = DEFAULT_LIMIT) -> tuple[list[DueItem], list[str], int]:
    """(the people, their task lines, how many more are due) for today's section."""
    due = workspace.due_page(limit=limit)
    chosen = due.items
    shared = workspace.index.shared_names(name_key(item.name) for item in chosen)
    lines = [f"- [ ] {wikilink(item.name, item.path, shared)}: {reason(workspace, item)}" for item in chosen]
    return chosen, lines, due.total - len(chosen)


def reach_out(workspace: Workspace, create: bool = False, limit: int = DEFAULT_LIMIT) -> ReachOuts:
    """Add today's `## Reach out` section to the daily note, once.

    Without `create`, only a note that exists is changed (Obsidian's daily-note template
    makes it); NoDailyNote otherwise. The note is locked, stale-checked and replaced
    atomically; nothing but the new section is added. The index remembers the day and
    the note (`reachouts_due`: the watcher adds them once a day, whatever its restarts).
    """
    path = daily_note_path(workspace)
    done = _reach_out(workspace, path, create, limit)
    workspace.index.mark_reachouts_done(workspace.today.isoformat(), path)
    return done


def reachouts_due(workspace: Workspace) -> bool:
    """Whether today's reach-outs are still to be added to today's daily note: not done
    today (by the watcher, or by `vault today`), nor into another note than today's."""
    return workspace.index.reachouts_done() != (workspace.today.isoformat(), daily_note_path(workspace))


def _reach_out(workspace: Workspace, path: str, create: bool, limit: int) -> ReachOuts:
    from vaultkit.notes.edit import append_section, has_heading

    vault = workspace.vault
    if not create and not vault.exists(path):
        raise NoDailyNote(
            f"there is no daily note for {workspace.today} ({path}): make it in Obsidian, "
            "or run `vault today --create`"
        )
    with vault.editing():
        for attempt in range(EDIT_TRIES):
            snapshot, text = (
                read_checked(vault, path, "the note was not changed") if vault.exists(path) else (None, "")
            )
            if has_heading(text, HEADING):
                return ReachOuts(path, "present", [], 0)
            people, lines, more = reachout_lines(workspace, limit)
            if not people:
                return ReachOuts(path, "nobody", [], 0)
            if more:
                lines.append(f"- and {more} more: `vault due`")
            try:
                new_text = append_section(text, [f"## {HEADING}", *lines])
            except ValueError as err:
                raise RefusedWrite(f"{path}: {err}; the note was not changed") from None
            try:
                vault.write(path, new_text.encode("utf-8"), snapshot)
                break
            except (StaleFileError, RefusedWrite):  # saved (or made) by someone meanwhile
                if attempt == EDIT_TRIES - 1:
                    raise
    workspace.index_written([path])
    return ReachOuts(path, "added", people, more)
