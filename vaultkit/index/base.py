"""What every part of `Index` shares: the vault, the open database and its meta table."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from vaultkit.vault.files import Vault


class IndexBase:
    """The attributes `Index.__init__` sets, and the meta table's two accessors."""

    vault: Vault
    db: sqlite3.Connection
    path: Path
    _notify: Callable[[str], None]

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _generation(self) -> int:
        """How many times notes were written into the index (`apply`), by any process."""
        return int(self._meta("generation") or 0)
