"""What NAME matching and link writing ask the index: a few rows of `name_keys`, `people`
and `aliases` for the names in hand, never everyone's."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from vaultkit.index.base import IndexBase

_LAST_CHAR = "\U0010ffff"  # sorts after every character: `key < prefix + _LAST_CHAR` bounds a prefix


class Naming(IndexBase):
    """The part of `Index` that matches names: see the module's docstring."""

    def people_keyed(self, key: str, kinds: Sequence[int]) -> list[tuple[str, str, int]]:
        """(path, name, kind) of the people with a name key `key` of one of these kinds."""
        marks = ", ".join("?" * len(kinds))
        rows = self.db.execute(
            "SELECT p.path, p.name, k.kind FROM name_keys k JOIN people p ON p.path = k.person "
            f"WHERE k.key = ? AND k.kind IN ({marks}) ORDER BY p.sort_key, p.path",
            (key, *kinds),
        )
        return rows.fetchall()

    def people_prefixed(self, prefixes: Sequence[str], limit: int) -> tuple[int, list[tuple[str, str]]]:
        """How many people have a name key (of any kind) starting with one of `prefixes`, and
        (path, name) of the first `limit` of them by name."""
        ranges = " UNION ".join(["SELECT person FROM name_keys WHERE key >= ? AND key < ?"] * len(prefixes))
        ranges = f"SELECT DISTINCT person FROM ({ranges})"  # a person matches by name, alias, folded
        bounds = [bound for prefix in prefixes for bound in (prefix, prefix + _LAST_CHAR)]
        count = self.db.execute(f"SELECT count(*) FROM ({ranges})", bounds).fetchone()[0]
        rows = self.db.execute(
            f"SELECT p.path, p.name FROM ({ranges}) m JOIN people p ON p.path = m.person "
            "ORDER BY p.sort_key, p.path LIMIT ?",
            (*bounds, limit),
        )
        return count, rows.fetchall()

    def name_choices(self) -> list[tuple[str, str]]:
        """(name key, name) of everyone: what "did you mean" chooses from."""
        return self.db.execute("SELECT name_key, name FROM people").fetchall()

    def paths_named(self, key: str) -> list[str]:
        """The notes of the people whose name has the name key `key`, by path."""
        return [
            r[0] for r in self.db.execute("SELECT path FROM people WHERE name_key = ? ORDER BY path", (key,))
        ]

    def names_of(self, paths: Iterable[str]) -> dict[str, str]:
        """{path: name} of these people's notes (paths of other notes are left out)."""
        rows = self.db.execute(
            "SELECT path, name FROM people WHERE path IN (SELECT value FROM json_each(?))",
            (json.dumps(list(paths)),),
        )
        return dict(rows.fetchall())

    def names_for_keys(self, keys: Iterable[str]) -> tuple[dict[str, str], dict[str, set[str]]]:
        """For these name keys: {key: the name of the people with that name key (the first
        note's)} and {key: the names of the people with that alias key}."""
        wanted = json.dumps(sorted(set(keys)))
        by_name: dict[str, str] = {}
        for key, name in self.db.execute(
            "SELECT p.name_key, p.name FROM people p WHERE p.name_key IN (SELECT value FROM json_each(?)) "
            "ORDER BY p.path",
            (wanted,),
        ):
            by_name.setdefault(key, name)
        owners: dict[str, set[str]] = {}
        for key, name in self.db.execute(
            "SELECT a.alias_key, p.name FROM aliases a JOIN people p ON p.path = a.person "
            "WHERE a.alias_key IN (SELECT value FROM json_each(?))",
            (wanted,),
        ):
            owners.setdefault(key, set()).add(name)
        return by_name, owners
