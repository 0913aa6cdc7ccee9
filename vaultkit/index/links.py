"""Links: which person a link target means (Obsidian's rules), resolving every link after a
sync, the names two notes share, and links in and out of a note."""

from __future__ import annotations

from vaultkit.index.base import IndexBase
from vaultkit.model import (
    PERSON,
)

# A path link (`People/Ada`, keyed) matches the notes whose path, without `.md`, is it or
# ends with it; of several, the shortest path wins, then the first in order (Obsidian's rules).
# Written once for `RESOLVE_SQL` and `Links.people_at`; the files' stem index finds the candidates.
_PATH_ENDS = "(g.path_key = {t} OR substr(g.path_key, -length({t}) - 1) = '/' || {t})"
_SHORTEST_FIRST = "ORDER BY length(g.path) - length(replace(g.path, '/', '')), g.path"

RESOLVE_SQL = f"""
INSERT INTO temp.answer (target, person)
SELECT n.target, CASE
    WHEN f.id IS NOT NULL THEN CASE WHEN f.kind = '{PERSON}' THEN f.path END
    WHEN instr(n.target, '/') = 0 THEN (
      SELECT CASE WHEN count(DISTINCT a.person) = 1 THEN min(a.person) END
      FROM aliases a WHERE a.alias_key = n.target)
  END
FROM temp.need n LEFT JOIN files f ON f.id = (
  SELECT g.id FROM files g
  WHERE g.stem_key = n.stem AND (instr(n.target, '/') = 0 OR {_PATH_ENDS.format(t="n.target")})
  {_SHORTEST_FIRST} LIMIT 1)
"""
"""The person each link target in `temp.need` means (or NULL), into `temp.answer`.

Obsidian's rules: a path link (`People/Ada`) matches the notes whose path ends with it, a
name link the notes with that name; of several, the one with the shortest path wins, then
the first in order. A note that is not a person's means no one. A name link that matches no
note but exactly one person's alias counts for that person. (Keys as `name_key` makes them:
a note's `stem_key` and `path_key`, a link's `target` and `stem`; the files' and the aliases'
indexes find the candidates.)"""


class Links(IndexBase):
    """The part of `Index` that keeps links: see the module's docstring."""

    def _resolve_all(self, targets: set[str] | None, touch: bool = True) -> None:
        """Resolve link targets to people in bulk (`RESOLVE_SQL`) and store the answer on
        every row; `targets` None: every link's and contact's (a cold build); `touch`: note
        the people whose contacts change (for `_summarise`, unless it does everyone)."""
        if targets is not None and not targets:
            return
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS need (target TEXT PRIMARY KEY, stem TEXT)")
        db.execute("DELETE FROM temp.need")
        if targets is None:  # (read from the rows: no list of them made in Python)
            db.execute(
                "INSERT INTO temp.need SELECT target, stem FROM links "
                "UNION SELECT target, stem FROM contacts WHERE target IS NOT NULL"
            )
        else:
            db.executemany(
                "INSERT OR IGNORE INTO temp.need VALUES (?, ?)",
                [(target, target.rsplit("/", 1)[-1]) for target in targets],
            )
        db.execute("CREATE TEMP TABLE IF NOT EXISTS answer (target TEXT PRIMARY KEY, person TEXT)")
        db.execute("DELETE FROM temp.answer")
        db.execute(RESOLVE_SQL)
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

    def _update_clashes(self, every_key: bool = False) -> None:
        """Redo the name and alias clashes of the name and alias keys this sync touched
        (`every_key`: of every key, into an empty table: a cold build, where the sync
        touched them all, and asking which it touched costs 0.07 s at 100,000)."""
        db = self.db
        touched = "(SELECT stem FROM temp.affected)"
        names, aliases = ("people", "aliases") if every_key else (
            f"people WHERE name_key IN {touched}", f"aliases WHERE alias_key IN {touched}"
        )  # fmt: skip
        if not every_key:
            db.execute(f"DELETE FROM clashes WHERE key IN {touched}")
        rows: list[tuple[str, str, int | None, str]] = []
        for key, paths in db.execute(
            # The shared keys found first on the index alone (no row read for a name no one
            # shares: 0.20 → 0.05 s after a cold build of 100,000), then their paths.
            "SELECT name_key, group_concat(path, char(10)) FROM people WHERE name_key IN "
            f"(SELECT name_key FROM {names} GROUP BY name_key HAVING count(*) > 1) "
            "GROUP BY name_key"
        ):
            listed = sorted(paths.split("\n"))
            for path in listed:
                others = ", ".join(p for p in listed if p != path)
                rows.append((key, path, None, f"another person has the same name: {others}"))
        clashing: dict[str, tuple[str | None, list[tuple[str, str, int | None]]]] = {}
        for alias_key, named, path, written, line in db.execute(
            # Only the keys that clash come back: two owners, or a person with that name (one
            # query, not one a key: 17,834 alias keys after a cold build of 100,000), then
            # each owner's row of them, with the alias as written and its line.
            "SELECT a.alias_key, c.named, a.person, a.written, a.line FROM ("
            "SELECT alias_key, "
            "(SELECT path FROM people WHERE name_key = alias_key ORDER BY path DESC LIMIT 1) AS named "
            f"FROM (SELECT DISTINCT alias_key, person FROM {aliases}) "
            "GROUP BY alias_key HAVING count(*) > 1 OR named IS NOT NULL"
            ") c JOIN aliases a ON a.alias_key = c.alias_key ORDER BY a.alias_key, a.person"
        ):
            clashing.setdefault(alias_key, (named, []))[1].append((path, written, line))
        for alias_key, (named, owned) in clashing.items():
            owners = [path for path, _, _ in owned]
            for path, written, line in owned:
                if len(owners) > 1:
                    others = ", ".join(o for o in owners if o != path)
                    rows.append((alias_key, path, line, f"alias {written!r} is shared with {others}"))
                if named is not None and named not in owners:
                    rows.append((alias_key, path, line, f"alias {written!r} is the name of {named}"))
        db.executemany("INSERT INTO clashes VALUES (?, ?, ?, ?)", rows)

    def people_at(self, target: str) -> list[tuple[str, str]]:
        """(path, name) of the people whose note a link's path form (`target`, keyed by
        `name_key`: `people/b/sam`) matches, the one Obsidian opens first: NAME as a path."""
        stem = target.rsplit("/", 1)[-1]
        rows = self.db.execute(
            "SELECT g.path, p.name FROM files g JOIN people p ON p.path = g.path "
            f"WHERE g.stem_key = :stem AND {_PATH_ENDS.format(t=':target')} {_SHORTEST_FIRST}",
            {"stem": stem, "target": target},
        )
        return rows.fetchall()

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
            "WHERE l.src = ? AND l.person != ? ORDER BY p.sort_key",
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

    def notes_named(self, key: str) -> list[str]:
        """The notes (any kind) whose file name, without `.md`, has this `name_key`."""
        return [r[0] for r in self.db.execute("SELECT path FROM files WHERE stem_key = ?", (key,))]

    def path_of_name(self, key: str, other_than: str = "") -> str | None:
        """The note of a person whose name or alias has this `name_key` (other than the note
        `other_than`), or None."""
        row = self.db.execute(
            "SELECT path FROM people WHERE name_key = ? AND path != ? "
            "UNION ALL SELECT person FROM aliases WHERE alias_key = ? AND person != ? LIMIT 1",
            (key, other_than, key, other_than),
        ).fetchone()
        return str(row[0]) if row else None
