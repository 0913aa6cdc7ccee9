"""Shell completion's reads of the index: names, aliases and tags starting with what was
typed, read as the index stands (no sync: a tab press must answer at once), never written.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from vaultkit.index.schema import FOLDED_NAME, NAME, SCHEMA_VERSION
from vaultkit.model import fold_accents, name_key, tag_key, written_tag

LIMIT = 100


@contextlib.contextmanager
def reading(root: Path, path: Path | None) -> Iterator[sqlite3.Connection | None]:
    """The vault's index opened read-only; None when there is none of this vaultkit's yet."""
    if path is None:
        from vaultkit.index.opening import default_index_path

        path = default_index_path(root)
    db_path = path
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


_TOP = "\U0010ffff"


def _folded(text: str) -> str:
    return fold_accents(name_key(text))


def names_starting(db: sqlite3.Connection, typed: str, limit: int = LIMIT) -> list[str]:
    """Names and aliases starting with `typed` (case and accents aside), sorted, at most
    `limit`: a range on the index's name keys (names, aliases and their accent-folded forms)."""
    key = name_key(typed)
    folded = fold_accents(key)
    found: set[str] = set()
    for prefix in sorted({key, folded}):
        rows = db.execute(
            "SELECT k.kind, p.name, p.aliases FROM name_keys k JOIN people p ON p.path = k.person "
            "WHERE k.key >= ? AND k.key < ? ORDER BY k.key LIMIT ?",
            (prefix, prefix + _TOP, limit + 1),
        )
        for kind, name, aliases in rows:
            candidates = [name] if kind in (NAME, FOLDED_NAME) else json.loads(aliases)
            found.update(
                text
                for text in candidates
                if name_key(text).startswith(key) or _folded(text).startswith(folded)
            )
    return sorted(found, key=lambda text: (_folded(text), name_key(text)))[:limit]


def tags_starting(db: sqlite3.Connection, typed: str, limit: int = LIMIT) -> list[str]:
    """Tags (without `#`) starting with `typed`, case aside, sorted, at most `limit`."""
    key = tag_key(typed)
    # Few people have a list of tags of their own: the distinct lists are few to read.
    found: set[str] = set()
    for (tags,) in db.execute("SELECT DISTINCT tags FROM people WHERE tags IS NOT NULL AND tags != '[]'"):
        found.update(written_tag(str(tag)) for tag in json.loads(tags))
    return sorted((tag for tag in found if tag_key(tag).startswith(key)), key=str.casefold)[:limit]
