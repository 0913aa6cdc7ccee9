"""What the network figures ask the index: counts and groups made in SQLite, so that `vault
stats`, `vault suggest`, the weekly review and Network.md cost a few grouped rows and the
people they list, not an object for each of 100,000 people; and who is or was a prospect,
with their asks."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from vaultkit.index.queries import TAGGED, Queries
from vaultkit.index.rows import _date, _list_of
from vaultkit.model import Person, name_key


class Figures(Queries):
    """The part of `Index` that counts: see the module's docstring."""

    def people_counts(self) -> tuple[int, int]:
        """(people not archived, people archived)."""
        row = self.db.execute("SELECT count(*) - total(archived), total(archived) FROM people").fetchone()
        return int(row[0]), int(row[1])

    def with_cadence(self) -> int:
        """How many people not archived have a cadence (own, by tag or the default)."""
        row = self.db.execute("SELECT count(*) FROM people WHERE archived = 0 AND cadence_res IS NOT NULL")
        count: int = row.fetchone()[0]
        return count

    def met_dates(self) -> list[dt.date]:
        """Every `met` date, archived people's too (what happened still happened)."""
        rows = self.db.execute("SELECT met FROM people WHERE met IS NOT NULL")
        return [day for (text,) in rows if (day := _date(text)) is not None]

    def met_between(self, start: dt.date, end: dt.date) -> list[tuple[str, str, dt.date]]:
        """(name, path, met) of the people met from `start` to `end`, by date then name."""
        rows = self.db.execute(
            "SELECT name, path, met FROM people WHERE met BETWEEN ? AND ? ORDER BY met, sort_key, path",
            (start.isoformat(), end.isoformat()),
        )
        return [(name, path, dt.date.fromisoformat(met)) for name, path, met in rows]

    def losing_candidates(self, today: dt.date, cutoff: dt.date) -> list[Person]:
        """People not archived nor snoozed, with no cadence, whose last contact (else `met`)
        may be on or before `cutoff`: a superset that `losing_touch` then decides (the last
        contact of someone with contacts after today is worked out for them)."""
        return list(
            self._each_person(
                "INDEXED BY people_nocadence WHERE archived = 0 AND cadence_res IS NULL "
                "AND (snooze_until IS NULL OR snooze_until <= ?) "
                "AND (coalesce(last_any, met) IS NULL OR coalesce(last_any, met) <= ? OR last_any > ?)",
                (today.isoformat(), cutoff.isoformat(), today.isoformat()),
                today,
                with_fields=False,
            )
        )

    def people_named(self, names: Iterable[str], today: dt.date) -> list[Person]:
        """The people with these names (as written in their notes), with their last contact."""
        wanted = sorted(set(names))
        # By their name keys first: the index on them reads these people only, not everyone.
        return list(
            self._each_person(
                "WHERE name_key IN (SELECT value FROM json_each(?)) AND name IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted({name_key(name) for name in wanted})), json.dumps(wanted)),
                today,
                False,
            )
        )

    def reachable_named(self, names: Iterable[str], today: dt.date) -> list[tuple[str, str, dt.date | None]]:
        """(name, path, last contact) of the people with these names (as written in their
        notes) who are neither archived nor snoozed as of `today`, by name: what `vault
        suggest` asks of the thousands its follow-ups and introductions name."""
        wanted = sorted(set(names))
        rows = self.db.execute(
            "SELECT name, path, last_any, last_channel, last_contact FROM people "
            "WHERE name_key IN (SELECT value FROM json_each(?)) AND name IN (SELECT value FROM json_each(?)) "
            "AND archived = 0 AND (snooze_until IS NULL OR snooze_until <= ?) ORDER BY sort_key, path",
            (json.dumps(sorted({name_key(name) for name in wanted})), json.dumps(wanted), today.isoformat()),
        )
        return [
            (name, path, self._last_as_of(path, latest, channel, written, today)[0])
            for name, path, latest, channel, written in rows
        ]

    def count_tagged(self, key: str | None) -> int:
        """How many people have the tag `key` or one nested below it (everyone with None)."""
        where, params = (f"WHERE path IN ({TAGGED})", (key, key + "/", key + "0")) if key else ("", ())
        count: int = self.db.execute(f"SELECT count(*) FROM people {where}", params).fetchone()[0]
        return count

    def tag_groups(self) -> list[tuple[list[str], int]]:
        """(tags, people) of the people not archived, grouped by their tags as written, in
        the order of each group's first person by name."""
        return [(_list_of(tags), count) for tags, count in self._groups_by_first("tags")]

    def birthday_groups(self, people: int) -> list[tuple[str | None, int]]:
        """(birthday, people) of the `people` not archived, grouped by birthday (None: those
        with none), in no particular order: the figures of birthdays are age bands."""
        rows = self.db.execute(
            "SELECT birthday, count(*) FROM people INDEXED BY people_birthday "
            "WHERE birthday IS NOT NULL AND archived = 0 GROUP BY birthday"
        ).fetchall()
        unknown = people - sum(count for _, count in rows)
        return [*rows, (None, unknown)]

    def facet_groups(self) -> list[tuple[dict[str, Any], int]]:
        """({key: value} of `Config.stats_fields`, people) of the people not archived, grouped
        by those values, in the order of each group's first person by name."""
        return [(json.loads(facets), count) for facets, count in self._groups_by_first("facets")]

    def _groups_by_first(self, column: str) -> list[tuple[Any, int]]:
        """(value, people) of the people not archived, grouped by a column, in the order of
        each group's first person by sort key, then path. The sort key alone orders them
        (the path is asked only where two groups' first people share one): building a key
        of both for 100,000 people cost more than the grouping."""
        rows = self.db.execute(
            f"SELECT {column}, count(*), min(sort_key) FROM people WHERE archived = 0 GROUP BY {column}"
        ).fetchall()
        shared = [key for key, groups in Counter(key for _, _, key in rows).items() if groups > 1]
        first_paths: dict[tuple[Any, str], str] = {}
        for key in shared:
            first_paths.update(
                ((value, key), path)
                for value, path in self.db.execute(
                    f"SELECT {column}, min(path) FROM people WHERE archived = 0 AND sort_key = ? GROUP BY {column}",
                    (key,),
                )
            )
        rows.sort(key=lambda row: (row[2], first_paths.get((row[0], row[2]), "")))
        return [(value, count) for value, count, _ in rows]

    # -- prospects: who is or was one, and their asks --------------------------------------
    def log_entries(self, channel: str) -> list[tuple[str, dt.date]]:
        """(person's note, date) of every Log entry with this channel word, by note, oldest first."""
        rows = self.db.execute(
            "SELECT person, date FROM contacts WHERE source = 'log' AND channel = ? ORDER BY person, date, line",
            (channel,),
        )
        return [(r[0], dt.date.fromisoformat(r[1])) for r in rows]

    def prospect_facts(self, channel: str) -> list[tuple[str, str | None, str | None, Any, int]]:
        """(note, status, met, `found` as written, archived) of the people who have a status,
        a `found` field or a Log entry with this channel word (the asks): who is or was a prospect."""
        rows = self.db.execute(
            "SELECT path, status, met, json_extract(found, '$'), archived FROM people WHERE path IN ("
            "SELECT path FROM people WHERE status IS NOT NULL UNION SELECT path FROM people WHERE found IS NOT NULL "
            "UNION SELECT person FROM contacts WHERE source = 'log' AND channel = ?) ORDER BY path",
            (channel,),
        )
        return rows.fetchall()

    def people_with_status(self, statuses: Sequence[str], today: dt.date) -> list[Person]:
        """The people whose `status` is one of these (a few: the prospects), with their fields."""
        return list(
            self._each_person(
                "INDEXED BY people_status WHERE status IN (SELECT value FROM json_each(?))",
                (json.dumps(list(statuses)),),
                today,
                with_fields=True,
            )
        )

    def status_asks(self, statuses: Sequence[str], channel: str) -> list[tuple[str, str, str, dt.date]]:
        """(note, name, status, date) of the Log entries with this channel word of the people
        whose `status` is one of these, by name then date (read through the status index)."""
        rows = self.db.execute(
            "SELECT p.path, p.name, p.status, c.date FROM people p INDEXED BY people_status "
            "JOIN contacts c ON c.person = p.path WHERE p.status IN (SELECT value FROM json_each(?)) "
            "AND c.source = 'log' AND c.channel = ? ORDER BY p.sort_key, p.path, c.date",
            (json.dumps(list(statuses)), channel),
        )
        return [(r[0], r[1], r[2], dt.date.fromisoformat(r[3])) for r in rows]

    def network_members(self, statuses: Sequence[str]) -> list[tuple[str, str, list[str], str | None, Any]]:
        """(name, path, tags, latest contact of any date, `company` as written) of everyone not
        archived whose status is none of these: who could introduce you to someone. Tuples,
        not people: the few values it needs, at 100,000 people."""
        rows = self.db.execute(
            "SELECT p.name, p.path, p.tags, p.last_any, json_extract(f.fields, '$.company') FROM people p "
            "JOIN people_fields f ON f.path = p.path WHERE p.archived = 0 "
            "AND (p.status IS NULL OR p.status NOT IN (SELECT value FROM json_each(?))) ORDER BY p.sort_key, p.path",
            (json.dumps(list(statuses)),),
        )
        return [(r[0], r[1], _list_of(r[2]), r[3], r[4]) for r in rows]
