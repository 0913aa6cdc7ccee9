"""Shell completion's reads of the index: names, aliases and tags starting with what was
typed, read as the index stands (no sync: a tab press must answer at once), never written.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from vaultkit.index.schema import SCHEMA_VERSION
from vaultkit.model import folded_key, name_key

LIMIT = 100


@contextlib.contextmanager
def reading(root: Path, path: Path | None) -> Iterator[sqlite3.Connection | None]:
    """The vault's index opened read-only; None when there is none of this vaultkit's yet."""
    from vaultkit.index.opening import default_index_path

    db_path = path if path is not None else default_index_path(root)
    if not db_path.is_file():
        yield None
        return
    db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        yield db if row and row[0] == str(SCHEMA_VERSION) else None
    except sqlite3.Error:
        yield None
    finally:
        db.close()


def _ranges(typed: str) -> list[tuple[str, str]]:
    """Key ranges that hold every key starting with `typed` once accents are folded: the
    keys starting with it as typed (and as folded), and for each shorter start of it, the
    keys that go on with a letter that is not ASCII (`zo` + `ë`...). Each is a range on an
    index, so a tab press reads a few rows, not everyone."""
    ranges = {(name_key(typed), name_key(typed) + _TOP)}
    key = folded_key(typed)
    ranges.add((key, key + _TOP))
    for end in range(len(key) + 1):
        ranges.add((key[:end] + "\x80", key[:end] + _TOP))
    return sorted(ranges)


_TOP = "\U0010ffff"


def _rows(db: sqlite3.Connection, sql: str, typed: str, limit: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for low, high in _ranges(typed):
        rows += db.execute(sql, (low, high, limit + 1)).fetchall()
    return rows


def names_starting(db: sqlite3.Connection, typed: str, limit: int = LIMIT) -> list[str]:
    """Names and aliases starting with `typed` (case and accents aside), sorted, at most `limit`."""
    key = folded_key(typed) if typed.strip() else ""
    found: set[str] = set()
    sql = "SELECT name FROM people WHERE name_key >= ? AND name_key < ? ORDER BY name_key LIMIT ?"
    for (name,) in _rows(db, sql, typed, limit):
        if folded_key(name).startswith(key):
            found.add(name)
    sql = (
        "SELECT p.aliases FROM aliases a JOIN people p ON p.path = a.person "
        "WHERE a.alias_key >= ? AND a.alias_key < ? ORDER BY a.alias_key LIMIT ?"
    )
    for (aliases,) in _rows(db, sql, typed, limit):
        found.update(alias for alias in json.loads(aliases) if folded_key(alias).startswith(key))
    return sorted(found, key=lambda name: (folded_key(name), name_key(name)))[:limit]


def tags_starting(db: sqlite3.Connection, typed: str, limit: int = LIMIT) -> list[str]:
    """Tags (without `#`) starting with `typed`, case aside, sorted, at most `limit`."""
    key = typed.lstrip("#").casefold()
    # Few people have a list of tags of their own: the distinct lists are few to read.
    found: set[str] = set()
    for (tags,) in db.execute("SELECT DISTINCT tags FROM people WHERE tags IS NOT NULL AND tags != '[]'"):
        found.update(str(tag).lstrip("#") for tag in json.loads(tags))
    return sorted((tag for tag in found if tag.casefold().startswith(key)), key=str.casefold)[:limit]
