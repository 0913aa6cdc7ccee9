"""How the index stores a walk's note names and stats (tables `walk_names`, `walk_stats`):
written by `index/walkstore.py` and read there and by the early stats' child, which runs
before any other import (so this module imports only the light `vault.stats`).

Each folder's names (joined by "/") and stats are kept a few thousand notes a row, the
row's key being the folder's position * 65,536 + the row's number: SQLite writes a whole
row again to change any value in it, so a note added at the end of a folder, or one note
edited, writes one row of each, not 100,000 notes' worth, nor every folder after it.
"""

from __future__ import annotations

from vaultkit.vault.stats import STAT_BYTES

TYPE_CHECKING = False  # (typing is not imported: see the module's docstring)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TypeVar

    Items = TypeVar("Items", list[str], bytes)

NAMES_ROW = 2048  # note names a row
STATS_ROW = 512 * STAT_BYTES  # bytes a row: the stats of 512 notes
PARTS = 65536  # rows a folder may take


def parts(position: int, items: Items, per_row: int, before: Items | None = None) -> list[tuple[int, Items]]:
    """The rows of a folder's names or stats, `per_row` a row, as (key, part); given those
    stored `before`, only the rows that differ."""
    found = []
    for number, at in enumerate(range(0, len(items), per_row)):
        part = items[at : at + per_row]
        if before is None or part != before[at : at + per_row]:
            found.append((position * PARTS + number, part))
    return found


def rows_past(position: int, count: int, per_row: int) -> tuple[int, int]:
    """The keys from the first row past a folder's `count` items to the folder's last."""
    return position * PARTS + (count + per_row - 1) // per_row, (position + 1) * PARTS


def walk_state(text: str | None) -> tuple[int, int]:
    """The meta row `walk`, "GENERATION VERSION [NONCE]" (see `WalkStore._store_walk`): the
    index's generation the stored walk describes (-1: none) and how many times the walk
    tables were written (0: no walk stored)."""
    fields = (text or "-1 0").split()
    return int(fields[0]), int(fields[1])


def read_names(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    """Each folder's note names, by its position, from the rows in key order."""
    names: dict[int, list[str]] = {}
    for part, joined in rows:
        names.setdefault(part // PARTS, []).extend(joined.split("/") if joined else ())
    return names
