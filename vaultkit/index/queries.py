"""What the commands ask the index: people, due candidates, birthdays, interactions,
follow-ups, search, problems and the figures the insights count."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from vaultkit.dates import shift
from vaultkit.index.base import IndexBase
from vaultkit.index.rows import (
    _date,
    _list_of,
    _unpack_latest,
)
from vaultkit.model import (
    FollowUp,
    Interaction,
    Person,
    Problem,
)


class Queries(IndexBase):
    """The part of `Index` that keeps queries: see the module's docstring."""

    def people(
        self, today: dt.date, with_fields: bool = False, field_keys: Sequence[str] | None = None
    ) -> list[Person]:
        """Every person with their derived last contact as of `today`, by name.

        `field_keys` keeps only those front-matter keys (a figure over 100,000 people needs
        a few keys, not every note's whole front matter in memory at once).
        """
        return self._people_where("", (), today, with_fields, field_keys)

    def birthday_candidates(self, today: dt.date, days: int) -> list[tuple[str, str, str]]:
        """(name, path, birthday) of the people not archived whose birthday (month and day)
        falls in the `days` after today, by name: a superset (Feb 29 is always included) that
        `views.upcoming_birthdays_of` then decides. Birthdays are stored normalised
        (`YYYY-MM-DD` or `--MM-DD`)."""
        month_days = {shift(today, n).strftime("%m-%d") for n in range(days + 1)}
        month_days.add("02-29")
        marks = ", ".join("?" * len(month_days))
        # Everything from the index (it holds these columns): no row of the table is read.
        rows = self.db.execute(
            "SELECT name, path, birthday FROM people "
            f"WHERE birthday IS NOT NULL AND substr(birthday, -5) IN ({marks}) AND archived = 0 "
            "ORDER BY name_key, path",
            tuple(sorted(month_days)),
        )
        return rows.fetchall()

    def birthdays(self) -> list[tuple[str, str, str]]:
        """(name, path, birthday) of every person not archived who has a birthday, by path."""
        rows = self.db.execute(
            "SELECT name, path, birthday FROM people WHERE birthday IS NOT NULL AND archived = 0 ORDER BY path"
        )
        return rows.fetchall()

    def birthdays_after(self, today: dt.date) -> list[tuple[str, str]]:
        """(path, birthday) of the people born after `today`, by path: a date that makes no
        sense, shown without its year."""
        # Stored normalised: `--MM-DD` (no year) sorts before every date.
        rows = self.db.execute(
            "SELECT path, birthday FROM people WHERE birthday > ? ORDER BY path", (today.isoformat(),)
        )
        return rows.fetchall()

    def unreadable_notes(self, key: str, prefix: bool = False) -> list[tuple[str, int | None, str]]:
        """(path, line, reason) of skipped notes whose name is `key` (or starts with it)."""
        if prefix:
            # The range keeps the scan on the stem index; substr makes the prefix exact.
            where = "f.stem_key BETWEEN ? AND ? AND substr(f.stem_key, 1, ?) = ?"
            args: list[object] = [key, key + "\U0010ffff", len(key), key]
        else:
            where, args = "f.stem_key = ?", [key]
        rows = self.db.execute(
            "SELECT f.path, p.line, p.message FROM files f LEFT JOIN problems p ON p.path = f.path "
            f"WHERE f.ok = 0 AND {where}",
            args,
        )
        return [
            (path, line, (message or "unknown problem").removesuffix("; note skipped"))
            for path, line, message in rows
        ]

    def shared_names(self) -> set[str]:
        """The name keys that more than one person has."""
        return {
            r[0] for r in self.db.execute("SELECT name_key FROM people GROUP BY name_key HAVING count(*) > 1")
        }

    def due_candidates(self, today: dt.date, horizon: dt.date) -> list[Person]:
        """People who may be due by `horizon`: a superset that `due.due_items` then decides.

        The stored date is `due.due_base`, which counts every contact and knows no today;
        the rule that needs today can only make someone due earlier than it says (a contact
        after today does not count; a snooze on someone never met), so those people, and
        everyone without a stored date, are always candidates.
        """
        return self._people_where(
            # The planner would rather walk everyone in name order; the partial index holds
            # only the people with a cadence, and a few thousand sort quickly.
            "INDEXED BY people_due WHERE archived = 0 AND cadence_res IS NOT NULL AND (due_base IS NULL OR due_base <= ? "
            "OR last_any > ? OR snooze_until IS NOT NULL)",
            (horizon.isoformat(), today.isoformat()),
            today,
            with_fields=False,
        )

    def _people_where(
        self,
        where: str,
        params: tuple[Any, ...],
        today: dt.date,
        with_fields: bool,
        field_keys: Sequence[str] | None = None,
    ) -> list[Person]:
        columns = (
            "path, name, aliases, tags, cadence, met, last_contact, birthday, snooze_until, archived, "
            "introduced_by, last_any, last_channel"
        )
        if with_fields:
            columns += ", (SELECT fields FROM people_fields f WHERE f.path = people.path)"
        result: list[Person] = []
        keys = set(field_keys) if field_keys is not None else None
        for row in self.db.execute(f"SELECT {columns} FROM people {where} ORDER BY name_key, path", params):
            fields: dict[str, Any] = json.loads(row[13]) if with_fields else {}
            if keys is not None:
                fields = {key: value for key, value in fields.items() if key in keys}
            person = Person(
                name=row[1], path=row[0], fields=fields,
                aliases=_list_of(row[2]), tags=_list_of(row[3]), cadence=row[4],
                met=_date(row[5]), birthday=row[7], snooze_until=_date(row[8]),
                archived=bool(row[9]), introduced_by=_list_of(row[10]),
            )  # fmt: skip
            if row[11] is not None and row[11] <= today.isoformat():
                person.last_contact, person.last_channel = _date(row[11]), row[12]
            elif row[11] is not None:
                person.last_contact, person.last_channel = self._latest_until(row[0], row[6], today)
            result.append(person)
        return result

    def _latest_until(
        self, path: str, written: str | None, today: dt.date
    ) -> tuple[dt.date | None, str | None]:
        """A person's last contact on or before `today` (for people with later-dated contacts)."""
        row = self.db.execute(
            "SELECT MAX(date || ' ' || (CASE WHEN channel IS NULL THEN '0' ELSE '1' || channel END)) "
            "FROM contacts WHERE person = ? AND date IS NOT NULL AND date <= ?",
            (path, today.isoformat()),
        ).fetchone()
        last, channel = _unpack_latest(row[0])
        if written and written <= today.isoformat() and (last is None or written > last):
            last, channel = written, None
        return _date(last), channel

    def person(self, path: str, today: dt.date) -> Person:
        """One person (by note path) with fields and last contact."""
        found = self._people_where("WHERE path = ?", (path,), today, with_fields=True)
        if not found:
            raise KeyError(path)
        return found[0]

    def names(self) -> list[tuple[str, str, list[str]]]:
        """(path, name, aliases) of every person, for NAME matching."""
        return [
            (row[0], row[1], json.loads(row[2]))
            for row in self.db.execute("SELECT path, name, aliases FROM people ORDER BY name_key, path")
        ]

    def interactions(self, path: str, today: dt.date | None = None) -> list[Interaction]:
        """A person's interactions from every source, newest first."""
        rows = self.db.execute(
            "SELECT date, source, src, line, channel, text FROM contacts "
            "WHERE person = ? AND date IS NOT NULL ORDER BY date DESC, source, src, line",
            (path,),
        )
        items = [Interaction(dt.date.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5] or "") for r in rows]
        if today is not None:
            items = [i for i in items if i.date <= today]
        return items

    def followups(self, path: str | None = None, due_before: dt.date | None = None) -> list[FollowUp]:
        """Open tasks in person notes and in meeting notes naming a person (that person's,
        with `path`; only those dated before `due_before`, with it)."""
        # Both halves read the partial index of open tasks by their note's kind (and date).
        own = "t.kind = 'person' AND t.status IN (' ', '/')"
        met = "t.kind = 'meeting' AND t.status IN (' ', '/')"
        params: list[str] = []
        if due_before is not None:
            own += " AND t.due < ?"
            met += " AND t.due < ?"
            params.append(due_before.isoformat())
        if path is not None:
            own += " AND t.src = ?"
            met += " AND p.path = ?"
            params.append(path)
        query = (
            f"SELECT t.src, t.name, t.text, t.due, t.src, t.line FROM tasks t WHERE {own} "
            "UNION SELECT DISTINCT p.path, p.name, t.text, t.due, t.src, t.line FROM tasks t "
            # From the few tasks to their meeting's people, not from every contact to its task.
            "CROSS JOIN contacts c ON c.src = t.src AND c.source = 'meeting' "
            f"JOIN people p ON p.path = c.person WHERE {met}"
        )
        items = [
            FollowUp(r[1], r[2], _date(r[3]), r[4], r[5], person_path=r[0])
            for r in self.db.execute(query, params * 2)
        ]
        items.sort(key=lambda f: (f.due or dt.date.max, f.person.casefold(), f.path, f.line))
        return items

    def search(self, words: Sequence[str], limit: int | None = 50) -> list[tuple[str, str, str]]:
        """Full-text search: (path, name, snippet) of people, meeting and daily notes holding
        every word, best first; at most `limit` (None: all)."""
        query = _fts_query(words)
        if not query:
            return []
        rows = self.db.execute(
            "SELECT path, name, snippet(notes_fts, 2, '[', ']', '…', 12) FROM notes_fts "
            f"WHERE notes_fts MATCH ? AND {_SEARCHED} ORDER BY rank LIMIT ?",
            (query, -1 if limit is None else limit),
        )
        return [(r[0], r[1], " ".join(r[2].split())) for r in rows]

    def search_count(self, words: Sequence[str]) -> int:
        """How many notes `search` finds in all."""
        query = _fts_query(words)
        if not query:
            return 0
        row = self.db.execute(
            f"SELECT count(*) FROM notes_fts WHERE notes_fts MATCH ? AND {_SEARCHED}", (query,)
        )
        return int(row.fetchone()[0])

    def problems(self) -> list[Problem]:
        """Problems found while reading notes, name and alias clashes, and what the last
        walk left out (`left_out`)."""
        rows = self.db.execute(
            "SELECT * FROM (SELECT path, line, level, message FROM problems "
            "UNION ALL SELECT path, NULL, 'warning', message FROM clashes "
            "UNION ALL SELECT json_extract(value, '$[0]'), NULL, 'error', json_extract(value, '$[1]') "
            "FROM json_each(coalesce((SELECT value FROM meta WHERE key = 'left_out'), '[]'))) "
            "ORDER BY path, coalesce(line, 0), level, message"
        )
        return list(map(Problem._make, rows))

    def left_out(self) -> list[Problem]:
        """What the last walk could not take in: folders it could not read (their paths end
        in `/`) and names that are not UTF-8. One small read: cheap enough for every command."""
        found = json.loads(self._meta("left_out") or "[]")
        return [Problem(path, None, "error", why) for path, why in found]

    def note_count(self) -> int:
        """How many notes the index holds."""
        return int(self.db.execute("SELECT count(*) FROM files").fetchone()[0])

    def interaction_counts(self, today: dt.date) -> list[tuple[dt.date, str, str | None, int]]:
        """(date, source, channel, how many) over every person's interactions up to `today`;
        grouped, so that figures over them need not load each one."""
        rows = self.db.execute(
            "SELECT date, source, channel, count(*) FROM contacts "
            "WHERE person IS NOT NULL AND date IS NOT NULL AND date <= ? "
            "GROUP BY date, source, channel ORDER BY date, source, channel",
            (today.isoformat(),),
        )
        return [(dt.date.fromisoformat(r[0]), r[1], r[2], r[3]) for r in rows]

    def introduced_by(self) -> list[tuple[str, list[str], dt.date | None]]:
        """(name, introducers as written, met) of each person whose note has `introduced_by`."""
        rows = self.db.execute(
            "SELECT name, introduced_by, met FROM people WHERE introduced_by != '[]' ORDER BY name_key, path"
        )
        return [(r[0], json.loads(r[1]), _date(r[2])) for r in rows]

    def log_entry_links(self, channel: str) -> list[tuple[str, int, dt.date, str, str | None]]:
        """(note, line, date, link target, person it resolves to) for each link in Log entries
        with this channel word, in the order the links stand on their line."""
        rows = self.db.execute(
            "SELECT c.src, c.line, c.date, l.target, l.person FROM contacts c "
            "JOIN links l ON l.src = c.src AND l.line = c.line "
            "WHERE c.source = 'log' AND c.channel = ? ORDER BY c.src, c.line, l.rowid",
            (channel,),
        )
        return [(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4]) for r in rows]

    def meetings_between(self, start: dt.date, end: dt.date) -> list[tuple[str, dt.date, list[str]]]:
        """Meeting notes dated from `start` to `end` that name someone: (path, date, people's names)."""
        rows = self.db.execute(
            "SELECT c.src, c.date, p.name FROM contacts c LEFT JOIN people p ON p.path = c.person "
            "WHERE c.source = 'meeting' AND c.date BETWEEN ? AND ? ORDER BY c.date, c.src, p.name_key",
            (start.isoformat(), end.isoformat()),
        )
        meetings: dict[str, tuple[dt.date, list[str]]] = {}
        for src, date_text, name in rows:
            _, names = meetings.setdefault(src, (dt.date.fromisoformat(date_text), []))
            if name is not None and name not in names:
                names.append(name)
        return [(path, date, names) for path, (date, names) in meetings.items()]

    def people_fields(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(path, name, front-matter fields) of every person, by name: `people` without last contacts."""
        return [
            (row[0], row[1], json.loads(row[2]))
            for row in self.db.execute(
                "SELECT p.path, p.name, f.fields FROM people p JOIN people_fields f ON f.path = p.path "
                "ORDER BY p.name_key, p.path"
            )
        ]


_SEARCHED = "path IN (SELECT path FROM files WHERE kind IN ('person', 'meeting', 'daily'))"


def _fts_query(words: Sequence[str]) -> str:
    """An FTS5 query holding every word, each quoted (so no word is read as an operator)."""
    terms = [w for word in words for w in word.split() if w.strip()]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)
