"""What the commands ask the index: people, who is due (ordered, cut and counted in SQL),
birthdays, interactions, follow-ups, search (which first builds the full-text index a cold
build left to it: the one write here), problems and introductions. (NAME matching
asks `naming.py`; the network figures and the prospects ask `figures.py`.)"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from vaultkit.dates import parse_cadence, shift
from vaultkit.due import DuePage, DueRow, due_base, due_items_of, due_order, due_when
from vaultkit.index import file as index_file
from vaultkit.index.base import IndexBase
from vaultkit.index.rows import (
    LATEST_SQL,
    _date,
    _list_of,
    _unpack_latest,
)
from vaultkit.index.schema import FULL_TEXT
from vaultkit.model import (
    ASK_CHANNEL,
    ASKED,
    DAILY,
    PROSPECT,
    DueItem,
    DueKind,
    FollowUp,
    Interaction,
    Person,
    Problem,
    has_tag,
    tag_key,
)

# The people with a tag or one nested below it (`model.has_tag`), given the tag key, the key
# and `/`, and the key and `0` (the character after `/`): the nested ones sort between those.
TAGGED = "SELECT person FROM person_tags WHERE key = ? OR (key >= ? AND key < ?)"
# `due_page`'s kinds (`DueItem.kind`) among the rows whose stored date holds (`?`: today)
_KIND_SQL: dict[DueKind | None, str] = {
    None: "",
    "never": " AND due_base IS NULL",
    "late": " AND due_base < ?",
    "today": " AND due_base = ?",
    "coming": " AND due_base > ?",
}


class Queries(IndexBase):
    """The part of `Index` that keeps queries: see the module's docstring."""

    def people(
        self, today: dt.date, with_fields: bool = False, field_keys: Sequence[str] | None = None
    ) -> list[Person]:
        """Every person with their derived last contact as of `today`, by name.

        `field_keys` keeps only those front-matter keys (a figure over 100,000 people needs
        a few keys, not every note's whole front matter in memory at once).
        """
        return list(self._each_person("", (), today, with_fields, field_keys))

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
            "ORDER BY sort_key, path",
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

    def unlinkable_people(self) -> list[tuple[str, str]]:
        """(path, name) of the people whose name holds what no wiki link can hold
        (`names.UNLINKABLE`: `#`, `|`, `^`, `[`, `]`, `%%`), by path, so links to them lead
        elsewhere. `vault add` refuses such names; a note made another way (a file manager,
        a script) may have one."""
        from vaultkit.vault.names import UNLINKABLE

        holds = " OR ".join(["instr(name, ?)"] * len(UNLINKABLE))
        rows = self.db.execute(f"SELECT path, name FROM people WHERE {holds} ORDER BY path", list(UNLINKABLE))
        return rows.fetchall()

    def happened_after(self, today: dt.date) -> list[tuple[str, str, str]]:
        """(path, key, date) of the people whose `last_contact` or `met` is after `today`,
        by path: most likely a typo, and it counts for nothing until that day."""
        day = today.isoformat()
        rows = self.db.execute(
            "SELECT path, 'last_contact', last_contact FROM people WHERE last_contact > ? "
            "UNION ALL SELECT path, 'met', met FROM people WHERE met > ? ORDER BY 1, 2",
            (day, day),
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

    def shared_names(self, keys: Iterable[str]) -> set[str]:
        """The name keys among `keys` that more than one note has as its file name: two
        people, or a person and any other note (a view asks about the names it shows, not
        everyone's). A bare link to such a name may open another note (`workspace.wikilink`)."""
        rows = self.db.execute(
            "SELECT stem_key FROM files WHERE stem_key IN (SELECT value FROM json_each(?)) "
            "GROUP BY stem_key HAVING count(*) > 1",
            (json.dumps(sorted(set(keys))),),
        )
        return {row[0] for row in rows}

    def due_page(
        self,
        today: dt.date,
        horizon: dt.date,
        tag: str | None = None,
        limit: int | None = None,
        kind: DueKind | None = None,
    ) -> DuePage:
        """Who is due by `horizon` as of `today` (with the tag `tag`, a `tag_key`; only one
        `kind`), in the spec's order: the first `limit` (all without), how many in all, the
        latest due date.

        Nearly everyone's stored dates hold as they are: SQLite orders, cuts and counts
        them (`due.due_order`, with the stored `period`; the never contacted, who come
        first, read in name order from an index of their own). The others, whose stored date
        cannot say (a contact after today; a snooze on someone never met), are worked out
        from their rows (`_odd_due_rows`) and merged in. A page is kept until notes are
        written into the index again, so that a shorter one (Network.md's count after
        Due.md's page) is cut from it.
        """
        key, generation = (today, horizon, tag, kind), self._generation()
        kept = self._pages_kept.get(key) if self._pages_kept is not None else None
        if kept is not None and kept[0] == generation and limit is not None and limit <= kept[1]:
            return DuePage(kept[2].items[:limit], kept[2].total, kept[2].latest)
        page = self._due_page(today, horizon, tag, limit, kind)
        if limit is not None:  # (a whole list is not kept: it may be every person due)
            if self._pages_kept is None:
                self._pages_kept = {}
            self._pages_kept[key] = (generation, limit, page)
        return page

    def _due_page(
        self, today: dt.date, horizon: dt.date, tag: str | None, limit: int | None, kind: DueKind | None
    ) -> DuePage:
        tagged, tag_params = (f" AND path IN ({TAGGED})", (tag, tag + "/", tag + "0")) if tag else ("", ())
        where = (
            "archived = 0 AND cadence_res IS NOT NULL AND (due_base IS NULL OR due_base <= ?) "
            "AND (last_any IS NULL OR last_any <= ?) "
            f"AND NOT (due_base IS NULL AND coalesce(snooze_until > ?, 0)){tagged}{_KIND_SQL[kind]}"
        )
        today_text = today.isoformat()
        kind_params = [today_text] if "?" in _KIND_SQL[kind] else []
        params = (horizon.isoformat(), today_text, today_text, *tag_params, *kind_params)
        columns = (
            "SELECT name, path, cadence_res, cadence_source, period, last_any, last_channel, due_base, "
            "snooze_until FROM people"
        )
        # The never contacted come first, by name: their own index holds them in that order, so
        # a page reads its own rows, not a sort of them all (65,000 in a heavy vault: 0.1 s).
        rows = []
        if kind in (None, "never"):
            rows = self.db.execute(
                f"{columns} INDEXED BY people_never WHERE {where} AND due_base IS NULL "
                "ORDER BY sort_key, path LIMIT ?",
                (*params, -1 if limit is None else limit),
            ).fetchall()
        if kind != "never" and (limit is None or len(rows) < limit):
            rows += self.db.execute(
                f"{columns} INDEXED BY people_due WHERE {where} AND due_base IS NOT NULL "
                "ORDER BY (julianday(due_base) - julianday(?)) / period, sort_key, path LIMIT ?",
                (*params, today_text, -1 if limit is None else limit - len(rows)),
            ).fetchall()
        if limit is None:  # every row is here: count them
            total, latest = len(rows), max((row[7] for row in rows if row[7] is not None), default=None)
        else:
            total, latest = self.db.execute(
                f"SELECT count(*), max(due_base) FROM people INDEXED BY people_due WHERE {where}", params
            ).fetchone()
        items = []
        for name, path, cadence, source, period, last, channel, base, snooze in rows:
            if base is None:  # never contacted: two in three people of a heavy vault
                items.append(DueItem(name, path, cadence, source, period, _date(last), channel, None, None))
                continue
            when = dt.date.fromisoformat(base)
            items.append(
                DueItem(
                    name, path, cadence, source, period, _date(last), channel, when,
                    (today - when).days, snooze is not None and snooze == base,
                )
            )  # fmt: skip
        odd = due_items_of(self._odd_due_rows(today, tag), today, horizon)
        odd = [item for item in odd if kind is None or item.kind(today) == kind]
        merged = list(heapq.merge(items, odd, key=due_order)) if odd else items
        latest = max([_date(latest), *(item.due_on for item in odd)], key=lambda d: d or dt.date.min)
        return DuePage(merged if limit is None else merged[:limit], total + len(odd), latest)

    _pages_kept: (
        dict[tuple[dt.date, dt.date, str | None, DueKind | None], tuple[int, int, DuePage]] | None
    ) = None
    # `_odd_due_rows` of the last (today, tag, generation): the views and the figures ask for
    # several pages of the people due, and finding these reads every person with a cadence.
    _odd_kept: tuple[tuple[dt.date, str | None, int], list[DueRow]] | None = None

    def _odd_due_rows(self, today: dt.date, tag: str | None = None) -> list[DueRow]:
        """The people with a cadence (and the tag `tag`) whose stored due date cannot say
        whether they are due as of `today`, with the date worked out: a contact after today
        does not count yet (the stored `due.due_base` counts every contact), and a snooze on
        someone never met moves them. `due.due_items_of` then decides (see `due_page`).
        Kept until notes are written into the index again (its generation), by anyone."""
        key = (today, tag, self._generation())
        if self._odd_kept is not None and self._odd_kept[0] == key:
            return self._odd_kept[1]
        tagged, tag_params = (f" AND path IN ({TAGGED})", (tag, tag + "/", tag + "0")) if tag else ("", ())
        today_text = today.isoformat()
        which = "(last_any > ? OR (due_base IS NULL AND snooze_until > ?))"
        params = (today_text, today_text)
        # The planner would rather walk everyone in name order; the partial index holds
        # only the people with a cadence.
        rows = self.db.execute(
            "SELECT name, path, tags, cadence_res, cadence_source, last_any, last_channel, met, "
            "snooze_until, due_base, last_contact FROM people INDEXED BY people_due "
            f"WHERE archived = 0 AND cadence_res IS NOT NULL AND {which}{tagged}",
            (*params, *tag_params),
        )
        found = []
        for name, path, tags, cadence, source, last, channel, met, snooze, base, written in rows:
            last_date, met_date, snooze_date = _date(last), _date(met), _date(snooze)
            if last is not None and last > today_text:  # a contact after today does not count yet
                last_date, channel = self._latest_until(path, written, today)
                parsed = parse_cadence(cadence)
                assert parsed is not None, cadence
                base = due_base(last_date or met_date, snooze_date, parsed)
            else:
                base = _date(base)
            found.append(
                DueRow(name, path, _list_of(tags), cadence, source, last_date, channel, met_date, snooze_date, base)
            )  # fmt: skip
        self._odd_kept = (key, found)
        return found

    def listing(
        self, tag: str | None, today: dt.date, limit: int | None = None, holding: Sequence[str] = ()
    ) -> Iterator[tuple[str, str, dt.date | None, dt.date | None, str]]:
        """(name, path, last contact, due date, front matter as the index stores it: JSON) of
        the people with the tag `tag` (a `tag_key`) or one nested below it (everyone with
        None), by name, one at a time as SQLite reads them: the first `limit` of them.

        The dates are as of `today`, by the rule `profiles.summarize` applies to a Person,
        read from the summary each person's row stores (the one `due_page` orders by) and
        worked out again only for someone with a contact after today. Everyone is read in
        the table's order and sorted by SQLite, which spills to a temp file rather than
        holding them in memory: walking the name index instead looks each person up in two
        tables (0.55 s against 0.33 s at 100,000 heavy). A page walks it, for its few rows.

        `holding`: only people whose stored front matter, case-folded, holds each of these
        texts (case-folded): a cheap first cut for a caller that then checks each person's
        fields itself. SQLite's `lower` folds ASCII alone, so a text it does not find is
        looked for by Python's `casefold` in the few notes with other characters.
        """
        conditions, params = ([f"p.path IN ({TAGGED})"], [tag, tag + "/", tag + "0"]) if tag else ([], [])
        if holding:
            self.db.create_function("folded_holds", 2, _folded_holds, deterministic=True)
        for text in holding:
            conditions.append(
                "(instr(lower(f.fields), ?) OR (length(CAST(f.fields AS BLOB)) != length(f.fields) "
                "AND folded_holds(f.fields, ?)))"
            )
            params += [text, text]
        where = "WHERE " + " AND ".join(conditions) if conditions else ""
        every = " NOT INDEXED" if tag is None and limit is None else ""
        # With texts to find, the fields are read first and most people never looked up
        # (0.16 s at 100,000 heavy for a town 1 in 10 lives in; 0.5 s by the name index).
        tables = (
            "people_fields f CROSS JOIN people p ON p.path = f.path"
            if holding
            else f"people p{every} JOIN people_fields f ON f.path = p.path"
        )
        cut = "" if limit is None else f" LIMIT {int(limit)}"
        today_text = today.isoformat()
        # The due date as `due.due_when` gives it from the stored one, made by SQLite: five
        # columns a person cross into Python instead of ten.
        rows = self.db.execute(
            "SELECT p.name, p.path, p.last_any, CASE WHEN p.archived = 0 AND p.cadence_res IS NOT NULL "
            "THEN coalesce(p.due_base, CASE WHEN p.snooze_until > ? THEN p.snooze_until END) END, "
            f"f.fields FROM {tables} {where} "
            f"ORDER BY p.sort_key, p.path{cut}",
            (today_text, *params),
        )
        for name, path, last, due, fields in rows:
            if last is None or last <= today_text:
                yield name, path, _date(last), _date(due), fields
            else:  # a contact after today does not count yet (the stored summary counts it)
                yield (name, path, *self._as_of(path, today), fields)

    def _as_of(self, path: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """(last contact, due date) as of `today` of a person with a contact after today."""
        written, met, archived, cadence, snooze = self.db.execute(
            "SELECT last_contact, met, archived, cadence_res, snooze_until FROM people WHERE path = ?",
            (path,),
        ).fetchone()
        last = self._latest_until(path, written, today)[0]
        parsed = parse_cadence(cadence) if cadence is not None else None
        if parsed is None or archived:
            return last, None
        return last, due_when(due_base(last or _date(met), _date(snooze), parsed), _date(snooze), today)

    def iter_people(self, today: dt.date, with_fields: bool = False) -> Iterator[Person]:
        """`people`, one at a time as SQLite reads them (sorted by it, as `listing` reads everyone)."""
        import orjson  # (reads the fields' JSON 6 times as fast as `json`: worth its import here)

        return self._each_person("NOT INDEXED", (), today, with_fields, loads=orjson.loads)

    def field_keys(self) -> list[str]:
        """Every front-matter key people have, in the order they first come in, people by name.

        Read in the table's order: only the first person by name with each sequence of keys
        can bring a key in first, and people share a few sequences."""
        import orjson

        firsts: dict[tuple[str, ...], tuple[str, str]] = {}
        rows = self.db.execute(
            "SELECT p.name_key, p.path, f.fields FROM people p JOIN people_fields f ON f.path = p.path"
        )
        for key, path, text in rows:
            keys = tuple(orjson.loads(text))
            first = firsts.get(keys)
            if first is None or (key, path) < first:  # (SQLite's order of text: by code point)
                firsts[keys] = (key, path)
        found: dict[str, None] = {}
        for keys in sorted(firsts, key=firsts.__getitem__):
            found.update(dict.fromkeys(keys))
        return list(found)

    def _each_person(
        self,
        where: str,
        params: tuple[Any, ...],
        today: dt.date,
        with_fields: bool,
        field_keys: Sequence[str] | None = None,
        loads: Callable[[str], Any] = json.loads,
    ) -> Iterator[Person]:
        columns = (
            "path, name, aliases, tags, cadence, met, last_contact, birthday, snooze_until, archived, "
            "introduced_by, last_any, last_channel, status"
        )
        if with_fields:
            columns += ", (SELECT fields FROM people_fields f WHERE f.path = people.path)"
        keys = set(field_keys) if field_keys is not None else None
        for row in self.db.execute(f"SELECT {columns} FROM people {where} ORDER BY sort_key, path", params):
            fields: dict[str, Any] = loads(row[14]) if with_fields else {}
            if keys is not None:
                fields = {key: value for key, value in fields.items() if key in keys}
            person = Person(
                name=row[1], path=row[0], fields=fields,
                aliases=_list_of(row[2]), tags=_list_of(row[3]), cadence=row[4],
                met=_date(row[5]), birthday=row[7], snooze_until=_date(row[8]),
                archived=bool(row[9]), introduced_by=_list_of(row[10]), status=row[13],
            )  # fmt: skip
            if row[11] is not None:
                person.last_contact, person.last_channel = self._last_as_of(
                    row[0], row[11], row[12], row[6], today
                )
            yield person

    def _last_as_of(
        self, path: str, latest: str | None, channel: str | None, written: str | None, today: dt.date
    ) -> tuple[dt.date | None, str | None]:
        """A person's last contact and its channel as of `today`, from their stored latest
        contact of any date (`last_any`, `last_channel`) and the `last_contact` their note says."""
        if latest is None:
            return None, None
        if latest <= today.isoformat():
            return _date(latest), channel
        return self._latest_until(path, written, today)

    def _latest_until(
        self, path: str, written: str | None, today: dt.date
    ) -> tuple[dt.date | None, str | None]:
        """A person's last contact on or before `today` (for people with later-dated contacts)."""
        row = self.db.execute(
            f"SELECT {LATEST_SQL} FROM contacts WHERE person = ? AND date IS NOT NULL AND date <= ?",
            (path, today.isoformat()),
        ).fetchone()
        last, channel = _unpack_latest(row[0])
        if written and written <= today.isoformat() and (last is None or written > last):
            last, channel = written, None
        return _date(last), channel

    def newer_contacts(self, today: dt.date) -> list[tuple[str, str, dt.date]]:
        """(path, name, last contact) of the people whose last contact on or before `today`
        is later than the `last_contact` their note says (or who have none), by path."""
        found: list[tuple[str, str, dt.date]] = []
        rows = self.db.execute(
            "SELECT path, name, last_contact, last_any FROM people "
            "WHERE last_any IS NOT NULL AND (last_contact IS NULL OR last_any > last_contact) ORDER BY path"
        )
        for path, name, written, latest in rows.fetchall():
            last = (
                _date(latest) if latest <= today.isoformat() else self._latest_until(path, written, today)[0]
            )
            if last is not None and (written is None or last.isoformat() > written):
                found.append((path, name, last))
        return found

    def person(self, path: str, today: dt.date) -> Person:
        """One person (by note path) with fields and last contact."""
        found = list(self._each_person("WHERE path = ?", (path,), today, with_fields=True))
        if not found:
            raise KeyError(path)
        return found[0]

    def names_page(self, after: str, count: int) -> list[tuple[str, str, str]]:
        """(sort key, path, name) of `count` people by name, from the first sort key past
        `after`: one for each name, the note NAME finds (the shortest path, then the first
        alphabetically)."""
        return self.db.execute(
            "SELECT p.sort_key, p.path, p.name FROM people p WHERE p.sort_key > ? AND p.path = "
            "(SELECT q.path FROM people q WHERE q.name_key = p.name_key "
            " ORDER BY length(q.path) - length(replace(q.path, '/', '')), q.path LIMIT 1) "
            "ORDER BY p.sort_key LIMIT ?",
            (after, count),
        ).fetchall()

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
            # From the few tasks to their meeting's people, not from every contact to its task
            # (`source != 'log'` is what lets the partial index of contacts by note serve).
            "CROSS JOIN contacts c ON c.src = t.src AND c.source = 'meeting' AND c.source != 'log' "
            f"JOIN people p ON p.path = c.person WHERE {met}"
        )
        items = [
            FollowUp(r[1], r[2], _date(r[3]), r[4], r[5], person_path=r[0])
            for r in self.db.execute(query, params * 2)
        ]
        items.sort(key=lambda f: (f.due or dt.date.max, f.person.casefold(), f.path, f.line))
        return items

    def full_text_ready(self) -> None:
        """Build the full-text index from the notes' text, when a cold build left it to the
        first search (about 0.15 s for 10,000 notes, 1.5 s for 100,000); from then on every
        sync keeps it."""
        if self._meta(FULL_TEXT) == "current":
            return
        db = self.db
        index_file.check_write(self.path)
        db.execute("BEGIN IMMEDIATE")
        try:
            if self._meta(FULL_TEXT) != "current":  # (another process may have built it meanwhile)
                db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')")
                self._set_meta(FULL_TEXT, "current")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def search(self, words: Sequence[str], limit: int | None = 50) -> list[tuple[str, str, str]]:
        """Full-text search: (path, name, snippet) of people, meeting and daily notes holding
        every word (or a word it begins: `_fts_query`), best first; at most `limit` (None: all)."""
        query = _fts_query(words)
        if not query:
            return []
        self.full_text_ready()
        rows = self.db.execute(
            "SELECT notes_fts.path, notes_fts.name, snippet(notes_fts, 2, char(1), char(2), '…', 12) "
            f"FROM {_SEARCHED} ORDER BY rank, notes_fts.path LIMIT ?",  # (ties by path: one order)
            (query, -1 if limit is None else limit),
        )
        return [(r[0], r[1], _marked(" ".join(r[2].split()))) for r in rows]

    def search_count(self, words: Sequence[str]) -> int:
        """How many notes `search` finds in all."""
        query = _fts_query(words)
        if not query:
            return 0
        self.full_text_ready()
        row = self.db.execute(f"SELECT count(*) FROM {_SEARCHED}", (query,))
        return int(row.fetchone()[0])

    def problems(self) -> list[Problem]:
        """Problems found while reading notes, name and alias clashes, and what the last
        walk left out (`left_out`)."""
        rows = self.db.execute(
            "SELECT * FROM (SELECT path, line, level, message FROM problems "
            "UNION ALL SELECT path, line, 'warning', message FROM clashes "
            "UNION ALL SELECT json_extract(value, '$[0]'), NULL, coalesce(json_extract(value, '$[2]'), 'error'), "
            "json_extract(value, '$[1]') "
            "FROM json_each(coalesce((SELECT value FROM meta WHERE key = 'left_out'), '[]'))) "
            "ORDER BY path, coalesce(line, 0), level, message"
        )
        return list(map(Problem._make, rows))

    def left_out(self) -> list[Problem]:
        """What the last walk could not take in: folders it could not read (their paths end
        in `/`) and names that are not UTF-8 (errors), and links it did not follow (warnings).
        One small read: cheap enough for every command."""
        found = json.loads(self._meta("left_out") or "[]")
        return [Problem(entry[0], None, entry[2] if len(entry) > 2 else "error", entry[1]) for entry in found]

    def nobody_kept_in_touch(self) -> bool:
        """Whether people you know are there (not archived, not prospects) but nobody has a
        cadence (their own, a tag's or the default), so that nobody is ever due."""
        has, contacts = self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM people WHERE cadence_res IS NOT NULL AND archived = 0), "
            "EXISTS (SELECT 1 FROM people WHERE archived = 0 AND (status IS NULL OR status NOT IN (?, ?)))",
            (PROSPECT, ASKED),
        ).fetchone()
        return bool(contacts) and not has

    def person_count(self) -> int:
        """How many people the index holds."""
        return int(self.db.execute("SELECT count(*) FROM people").fetchone()[0])

    def has_tag(self, tag: str) -> bool:
        """Whether anyone has the tag (without `#`, case-folded), or a tag nested under it."""
        key = tag_key(tag)
        rows = self.db.execute("SELECT DISTINCT tags FROM people WHERE tags IS NOT NULL AND tags != '[]'")
        return any(has_tag(map(str, json.loads(tags)), key) for (tags,) in rows)

    def has_field(self, key: str) -> bool:
        """Whether anyone's front matter has this key (`--where` compares it as written)."""
        found = self.db.execute(
            "SELECT 1 FROM people_fields f WHERE EXISTS (SELECT 1 FROM json_each(f.fields) WHERE key = ?) LIMIT 1",
            (key,),
        )
        return found.fetchone() is not None

    def daily_note_of(self, day: dt.date) -> str | None:
        """The daily note of `day` (named `YYYY-MM-DD`, at any depth of the daily folder),
        None when there is none; the first by path when there are several."""
        found = self.db.execute(
            "SELECT path FROM files WHERE stem_key = ? AND kind = ? ORDER BY path LIMIT 1",
            (day.isoformat(), DAILY),
        ).fetchone()
        return found[0] if found else None

    def note_count(self) -> int:
        """How many notes the index holds."""
        return int(self.db.execute("SELECT count(*) FROM files").fetchone()[0])

    def interaction_counts(
        self, today: dt.date, since: dt.date | None = None
    ) -> list[tuple[str | None, int]]:
        """(channel, how many) over every person's interactions from `since` (else the first)
        to `today`, so that figures over them need not load each one. The channel is the
        index's (a meeting note's is `meeting`, a daily note's none), but for an ask, which
        was made over the channel its text starts with (`asked: facebook: text`), or none."""
        bounds = (today.isoformat(), since.isoformat() if since else "")
        counts: dict[str | None, int] = {}
        rows = self.db.execute(
            "SELECT source, channel, count(*) FROM contacts "
            "WHERE person IS NOT NULL AND date IS NOT NULL AND date <= ? AND date >= ? "
            "GROUP BY source, channel ORDER BY source, channel",
            bounds,
        )
        for source, channel, count in rows:
            if source != "log" or channel != ASK_CHANNEL:
                counts[channel] = counts.get(channel, 0) + count
        asks = self.db.execute(
            "SELECT text FROM contacts WHERE source = 'log' AND channel = ? "
            "AND person IS NOT NULL AND date IS NOT NULL AND date <= ? AND date >= ?",
            (ASK_CHANNEL, *bounds),
        )
        from vaultkit.notes.grammar import split_channel

        for (text,) in asks:
            channel = split_channel(text or "")[0]
            counts[channel] = counts.get(channel, 0) + 1
        return list(counts.items())

    def introduced_by(
        self, keys: Iterable[str] | None = None
    ) -> list[tuple[str, str, list[str], dt.date | None]]:
        """(path, name, introducers as written, met) of each person whose note has
        `introduced_by` (with `keys`: naming one of these name keys as an introducer)."""
        where, params = "WHERE path IN (SELECT person FROM introducers)", []
        if keys is not None:
            where = (
                "WHERE path IN (SELECT person FROM introducers WHERE key IN (SELECT value FROM json_each(?)))"
            )
            params = [json.dumps(sorted(keys))]
        rows = self.db.execute(
            f"SELECT path, name, introduced_by, met FROM people {where} ORDER BY sort_key, path", params
        )
        return [(r[0], r[1], json.loads(r[2]), _date(r[3])) for r in rows]

    def log_entry_links(
        self, channel: str, person: str | None = None
    ) -> list[tuple[str, int, dt.date, str, str | None]]:
        """(note, line, date, link target, person it resolves to) for each link in Log entries
        with this channel word, in the order the links stand on their line; with `person`
        (a note path), only the entries in that note or linking to it."""
        entries, params = "contacts c", [channel]
        if person is not None:  # the few entries that can concern this person lead
            entries = (
                "(SELECT src, line FROM contacts WHERE src = ? AND source = 'log' AND channel = ? "
                "UNION SELECT src, line FROM links WHERE person = ?) e "
                "CROSS JOIN contacts c ON c.src = e.src AND c.line = e.line"
            )
            params = [person, channel, person, channel]
        rows = self.db.execute(
            f"SELECT c.src, c.line, c.date, l.target, l.person FROM {entries} "
            "JOIN links l ON l.src = c.src AND l.line = c.line "
            "WHERE c.source = 'log' AND c.channel = ? ORDER BY c.src, c.line, l.rowid",
            params,
        )
        return [(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4]) for r in rows]

    def meetings_between(self, start: dt.date, end: dt.date) -> list[tuple[str, dt.date, list[str]]]:
        """Meeting notes dated from `start` to `end` that name someone: (path, date, people's names)."""
        rows = self.db.execute(
            "SELECT c.src, c.date, p.name FROM contacts c LEFT JOIN people p ON p.path = c.person "
            "WHERE c.source = 'meeting' AND c.date BETWEEN ? AND ? ORDER BY c.date, c.src, p.sort_key",
            (start.isoformat(), end.isoformat()),
        )
        meetings: dict[str, tuple[dt.date, list[str]]] = {}
        for src, date_text, name in rows:
            _, names = meetings.setdefault(src, (dt.date.fromisoformat(date_text), []))
            if name is not None and name not in names:
                names.append(name)
        return [(path, date, names) for path, (date, names) in meetings.items()]

    def people_fields(self, keys: Sequence[str]) -> list[tuple[str, str, dict[str, Any]]]:
        """(path, name, {key: value}) of every person, by name, with these front-matter keys
        only (those a person has; two keys or more): SQLite picks them out of each person's
        fields, faster than Python loads them all."""
        assert len(keys) > 1, "json_extract gives an array for two paths or more"
        paths = ", ".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT p.path, p.name, json_extract(f.fields, {paths}) FROM people p "
            "JOIN people_fields f ON f.path = p.path ORDER BY p.sort_key, p.path",
            [f'$."{key}"' for key in keys],
        )
        return [
            (
                path,
                name,
                {
                    key: value
                    for key, value in zip(keys, json.loads(values), strict=True)
                    if value is not None
                },
            )
            for path, name, values in rows
        ]


_SEARCHED = (
    "notes_fts JOIN files f ON f.id = notes_fts.rowid "
    "WHERE notes_fts MATCH ? AND f.kind IN ('person', 'meeting', 'daily')"
)
"""The notes a search finds, with the kind of each looked up by its id (a note's text has
its `files` row's id): asking for each one's path instead read it from the text's table,
with the note's whole text beside it (0.49 s of SQLite for a word in 71,810 of 100,000
notes, against 0.09 s)."""


_WIKILINK_MARKED_RE = re.compile(r"\[\[[^\[\]]*\]\]")


def _marked(snippet: str) -> str:
    """A snippet with its matches in `[brackets]`, except inside a wikilink, which stays
    whole (`[[Zoë Müller]]`, never `[[Zoë [Müller]]]`)."""
    snippet = _WIKILINK_MARKED_RE.sub(
        lambda link: link.group().replace("\x01", "").replace("\x02", ""), snippet
    )
    return snippet.replace("\x01", "[").replace("\x02", "]")


def search_terms(words: Sequence[str]) -> list[str]:
    """The words searched for: each blank-separated part with a letter or digit in it (the
    full-text index keeps nothing else, so `'` or `...` would find no note at all), each
    once (FTS5's time grows with the square of a word repeated)."""
    terms = {
        term.casefold(): term for word in words for term in word.split() if any(c.isalnum() for c in term)
    }
    return list(terms.values())


def _fts_query(words: Sequence[str]) -> str:
    """An FTS5 query holding every word, or a word that begins with it (`plan` finds
    "planning", `zo` "Zoë"): `("plan" OR "plan"*)`, so that a note with the word itself
    matches twice and ranks first. Each word is quoted, so none is read as an operator."""
    terms = search_terms(words)
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    return " AND ".join(f"({term} OR {term}*)" for term in quoted)


def _folded_holds(text: str, wanted: str) -> bool:
    """`listing`'s `holding` test for a note SQLite's `lower` cannot fold (SQL `folded_holds`)."""
    return wanted in text.casefold()
