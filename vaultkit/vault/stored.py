"""How the index stores a walk's note names (table `walk_names`): written by
`index/walkstore.py` and read there and by the early stats' child, which runs before any
other import (so this module imports nothing).

A folder's names are joined by "/", 2,048 a row, the row's key being the folder's position
* 65,536 + the row's number: SQLite writes a whole row again to change any value in it, so
a note added at the end of a folder's names writes one row, not 100,000 names.
"""

from __future__ import annotations

TYPE_CHECKING = False  # (typing is not imported: see the module's docstring)
if TYPE_CHECKING:
    from collections.abc import Iterable

NAMES_ROW = 2048  # note names a row
PARTS = 65536  # rows a folder's names may take


def names_rows(position: int, names: list[str], before: list[str] | None = None) -> list[tuple[int, str]]:
    """The rows for a folder's note names; given the names stored `before`, only the rows
    that differ."""
    rows = []
    for number, at in enumerate(range(0, len(names), NAMES_ROW)):
        part = names[at : at + NAMES_ROW]
        if before is None or part != before[at : at + NAMES_ROW]:
            rows.append((position * PARTS + number, "/".join(part)))
    return rows


def rows_past(position: int, count: int) -> tuple[int, int]:
    """The keys from the first row past a folder's `count` names to the folder's last."""
    return position * PARTS + (count + NAMES_ROW - 1) // NAMES_ROW, (position + 1) * PARTS


def read_names(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    """Each folder's note names, by its position, from the rows in key order."""
    names: dict[int, list[str]] = {}
    for part, joined in rows:
        names.setdefault(part // PARTS, []).extend(joined.split("/") if joined else ())
    return names
