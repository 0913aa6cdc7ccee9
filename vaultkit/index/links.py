"""Links: which person a link target means (Obsidian's rules), resolving every link after a
sync, the names two notes share, and links in and out of a note."""

from __future__ import annotations

from vaultkit.index.base import IndexBase
from vaultkit.model import (
    PERSON,
)


def resolve_target(
    target: str, notes: dict[str, list[tuple[str, str, str]]], aliases: dict[str, set[str]]
) -> str | None:
    """The person a link target means, or None.

    Obsidian's rules: a path link matches notes whose path ends with it; a name link
    matches notes with that name; several matches resolve to the shortest path, then
    the first alphabetically. A link that matches no note but exactly one person's alias
    counts for that person. `notes` maps a stem to (path, kind, path_key) of its notes.
    """
    stem = target.rsplit("/", 1)[-1]
    rows = notes.get(stem, [])
    if "/" in target:
        rows = [r for r in rows if r[2] == target or r[2].endswith("/" + target)]
    if rows:
        path, kind, _ = min(rows, key=lambda r: (r[0].count("/"), r[0]))
        return path if kind == PERSON else None
    if "/" in target:
        return None
    people = aliases.get(target, set())
    return next(iter(people)) if len(people) == 1 else None


class Links(IndexBase):
    """The part of `Index` that keeps links: see the module's docstring."""

    def _resolve_all(self, targets: set[str], touch: bool = True, every_target: bool = False) -> None:
        """Resolve link targets to people in bulk and store the answer on every row; `touch`:
        note the people whose contacts change (for `_summarise`, unless it does everyone);
        `every_target`: these are all the vault's (a cold build), so every note and alias is
        read, not looked up one target at a time (0.18 s less at 100,000 notes; the notes no
        link names are never asked for)."""
        if not targets:
            return
        db = self.db
        if every_target:
            where_stem = where_alias = ""
        else:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS need (target TEXT PRIMARY KEY, stem TEXT)")
            db.execute("DELETE FROM temp.need")
            db.executemany(
                "INSERT OR IGNORE INTO temp.need VALUES (?, ?)",
                [(target, target.rsplit("/", 1)[-1]) for target in targets],
            )
            where_stem = " WHERE stem_key IN (SELECT stem FROM temp.need)"
            where_alias = " WHERE alias_key IN (SELECT target FROM temp.need)"
        notes: dict[str, list[tuple[str, str, str]]] = {}
        for path, kind, path_key, stem_key in db.execute(
            f"SELECT path, kind, path_key, stem_key FROM files{where_stem}"
        ):
            notes.setdefault(stem_key, []).append((path, kind, path_key))
        aliases: dict[str, set[str]] = {}
        for alias_key, person in db.execute(f"SELECT alias_key, person FROM aliases{where_alias}"):
            aliases.setdefault(alias_key, set()).add(person)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS answer (target TEXT PRIMARY KEY, person TEXT)")
        db.execute("DELETE FROM temp.answer")
        db.executemany(
            "INSERT INTO temp.answer VALUES (?, ?)",
            [(target, resolve_target(target, notes, aliases)) for target in targets],
        )
        touched = (
            "INSERT OR IGNORE INTO temp.touched SELECT DISTINCT person FROM contacts "
            "WHERE person IS NOT NULL AND target IN (SELECT target FROM temp.answer)"
        )
        if touch:
            db.execute(touched)
        for table in ("links", "contacts"):
            db.execute(
                f"UPDATE {table} SET person = (SELECT person FROM temp.answer a WHERE a.target = {table}.target) "
                "WHERE target IN (SELECT target FROM temp.answer)"
            )
        if touch:
            db.execute(touched)

    def _update_clashes(self) -> None:
        """Redo the name and alias clashes of the name and alias keys this sync touched."""
        db = self.db
        touched = "(SELECT stem FROM temp.affected)"
        db.execute(f"DELETE FROM clashes WHERE key IN {touched}")
        rows: list[tuple[str, str, str]] = []
        for key, paths in db.execute(
            # The shared keys found first on the index alone (no row read for a name no one
            # shares: 0.20 → 0.05 s after a cold build of 100,000), then their paths.
            "SELECT name_key, group_concat(path, char(10)) FROM people WHERE name_key IN "
            f"(SELECT name_key FROM people WHERE name_key IN {touched} GROUP BY name_key HAVING count(*) > 1) "
            "GROUP BY name_key"
        ):
            listed = sorted(paths.split("\n"))
            for path in listed:
                others = ", ".join(p for p in listed if p != path)
                rows.append((key, path, f"another person has the same name: {others}"))
        for alias_key, persons in db.execute(
            # Paths may hold commas (`Smith, John.md`): join them with a newline.
            "SELECT alias_key, group_concat(person, char(10)) FROM "
            f"(SELECT DISTINCT alias_key, person FROM aliases WHERE alias_key IN {touched}) GROUP BY alias_key"
        ):
            owners = sorted(set(persons.split("\n")))
            if len(owners) > 1:
                for path in owners:
                    others = ", ".join(o for o in owners if o != path)
                    rows.append((alias_key, path, f"alias {alias_key!r} is shared with {others}"))
            named = db.execute(
                "SELECT path FROM people WHERE name_key = ? ORDER BY path DESC LIMIT 1", (alias_key,)
            ).fetchone()
            if named is not None and named[0] not in owners:
                rows.extend(
                    (alias_key, path, f"alias {alias_key!r} is the name of {named[0]}") for path in owners
                )
        db.executemany("INSERT INTO clashes VALUES (?, ?, ?)", rows)

    def unresolved_links(self) -> list[tuple[str, int, str]]:
        """(path, line, target) of links that lead to no note at all."""
        known = {r[0] for r in self.db.execute("SELECT stem_key FROM files")}
        known |= {r[0] for r in self.db.execute("SELECT alias_key FROM aliases")}
        return [
            (r[0], r[1], r[3] or r[2])  # as written
            for r in self.db.execute("SELECT src, line, target, written FROM links ORDER BY src, line")
            if r[2].rsplit("/", 1)[-1] not in known
        ]

    def links_out(self, path: str) -> list[str]:
        """Names of the people a note links to (resolved), sorted."""
        rows = self.db.execute(
            "SELECT DISTINCT p.name FROM links l JOIN people p ON p.path = l.person "
            "WHERE l.src = ? AND l.person != ? ORDER BY p.name_key",
            (path, path),
        )
        return [r[0] for r in rows]

    def links_in(self, path: str) -> list[str]:
        """Vault-relative paths of the notes that link to this person."""
        rows = self.db.execute(
            "SELECT DISTINCT src FROM links WHERE person = ? AND src != ? ORDER BY src",
            (path, path),
        )
        return [r[0] for r in rows]

    def path_of_name(self, key: str) -> str | None:
        """The note of a person whose name or alias has this `name_key`, or None."""
        row = self.db.execute(
            "SELECT path FROM people WHERE name_key = ? UNION ALL SELECT person FROM aliases WHERE alias_key = ? "
            "LIMIT 1",
            (key, key),
        ).fetchone()
        return str(row[0]) if row else None
