"""Opening the index file: where it lives, making it, and what happens to one that is
outdated (made again) or damaged (set aside, never deleted). What a file at the index's
path is, and the one-line errors, are in `vaultkit.index.file`."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from vaultkit import places
from vaultkit.config import Config
from vaultkit.index import file as index_file
from vaultkit.index.file import Found
from vaultkit.index.schema import _SCHEMA, SCHEMA_VERSION
from vaultkit.vault.files import Vault

BUSY_TIMEOUT_MS = 30000


def default_index_path(root: Path) -> Path:
    """The index for a vault in the user's cache folder, keyed by the vault's real path."""
    return Path(places.default_index_path(str(root)))


def is_default(vault: Vault, path: Path) -> bool:
    """Whether `path` is the vault's index in vaultkit's own cache folder."""
    return os.path.realpath(path) == os.path.realpath(default_index_path(vault.root))


def open_found(
    vault: Vault, path: Path, found: Found, default: bool, notify: Callable[[str], None]
) -> sqlite3.Connection:
    """A connection to the index at `path`, as `found` there: made, reused, made again or set aside."""
    config = vault.config
    if found is Found.MISSING or found is Found.EMPTY:
        return create(path, config)
    try:
        if found is Found.UNMARKED and index_file.is_old_index(path):
            return recreate(path, config)  # vaultkit's, from before the mark: made again with it
        if found is Found.OURS:
            db = connect(path)
            try:
                state = index_state(db, config)
            except sqlite3.DatabaseError as err:
                if not index_file.damaged(err):
                    db.close()
                    raise
                return replace_damaged(path, config, notify, str(err), db)
            if state is True:
                return db
            if state is False:
                db.close()
                return recreate(path, config)
            return replace_damaged(path, config, notify, state, db)
    except sqlite3.DatabaseError as err:
        if not index_file.damaged(err):
            raise
        if found is not Found.OURS and not (default or is_default(vault, path)):
            raise index_file.not_ours(path, Found.OTHER) from err
        return replace_damaged(path, config, notify, str(err))
    # Not provably vaultkit's. In vaultkit's own cache folder nobody else puts files: one
    # there whose header was destroyed is set aside; anywhere else it is left alone.
    if not (default or is_default(vault, path)):
        raise index_file.not_ours(path, found)
    reason = "file is not a database" if found is Found.OTHER else found.value
    return replace_damaged(path, config, notify, reason)


def replace_damaged(
    path: Path,
    config: Config,
    notify: Callable[[str], None],
    reason: str,
    db: sqlite3.Connection | None = None,
) -> sqlite3.Connection:
    """Set a damaged index aside (see `index_file.set_aside`), say so, and make a new one."""
    aside = set_aside(path, db)
    notify(f"the index {path} is damaged ({reason}); set it aside as {aside.name} and made a new one")
    return create(path, config)


def set_aside(path: Path, db: sqlite3.Connection | None) -> Path:
    """Rename a damaged index aside (see `index_file.set_aside`), then close its connection."""
    try:
        return index_file.set_aside(path)
    finally:
        if db is not None:
            # After the rename: the last connection to close tidies the log away by name.
            db.close()


def connect(db_path: Path) -> sqlite3.Connection:
    """A connection to an existing index: WAL, with a busy timeout so the watcher and a command share it."""
    db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        use_wal(db)
    except BaseException:
        db.close()
        raise
    return db


def use_wal(db: sqlite3.Connection) -> None:
    """WAL with `synchronous = NORMAL`: readers never wait for a writer, and a commit is not
    synced on its own (the index is a cache; a lost commit is read again). Also the way
    back after `write_alone`."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")


def write_alone(db: sqlite3.Connection) -> bool:
    """Leave WAL for a rollback journal, if no other connection has the index open; say
    whether it did. For filling an empty index, or writing as many notes as it holds (`Index.
    apply`'s bulk): its new pages are then written once, into the file, instead of into the
    log and again into the file at the checkpoint. Pages added to a file need no journal,
    so a crash leaves the index it was. `use_wal` goes back."""
    db.execute("PRAGMA busy_timeout = 0")  # someone else has it open: keep WAL, do not wait
    try:
        mode = db.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return bool(mode == "delete")


def index_state(db: sqlite3.Connection, config: Config) -> bool | str:
    """Whether an index is current: True; outdated (another schema version or config): False;
    or damaged, its tables not as vaultkit made them (one dropped by hand, a column gone): why.

    The tables are checked against the meta row `record_tables` wrote: while SQLite's schema
    cookie (in the file's header, bumped by every change of a table or index) is the one
    recorded, nothing changed (a few microseconds); else a digest of `sqlite_master` says
    whether what changed matters (0.1 ms)."""
    try:
        rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.OperationalError as err:
        if err.sqlite_errorname != "SQLITE_ERROR":  # locked, a failing disk: not "outdated"
            raise
        # vaultkit's mark, but no meta table (or not ours): never an index as vaultkit made it
        return "its table meta is missing" if "no such table" in str(err) else tables_damage(db)
    if rows.get("schema_version") != str(SCHEMA_VERSION) or rows.get("config") != config.fingerprint():
        return False
    cookie, _, digest = (rows.get(TABLES) or "").partition(" ")
    if not digest:
        return False  # made before this record: made again, as for another version
    if cookie == str(_schema_cookie(db)) or digest == tables_digest(db):
        return True  # (the digest alone: ANALYZE or VACUUM, which change no table of ours)
    return tables_damage(db)


TABLES = "tables"
"""The meta key of the index's tables as made: SQLite's schema cookie, then their digest."""


def record_tables(db: sqlite3.Connection) -> None:
    """Record the tables and indexes as they are (in the transaction that made or remade them)."""
    db.execute(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)", (TABLES, f"{_schema_cookie(db)} {tables_digest(db)}")
    )


def _schema_cookie(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA schema_version").fetchone()[0])


def tables_digest(db: sqlite3.Connection) -> str:
    """A digest of the index's tables, columns and indexes as SQLite holds them (not SQLite's
    own statistics tables, which `ANALYZE` may add)."""
    (text,) = db.execute(
        "SELECT group_concat(type || ' ' || name || ' ' || ifnull(sql, ''), char(10)) FROM "
        "(SELECT * FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY type, name)"
    ).fetchone()
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:16]


def tables_damage(db: sqlite3.Connection) -> str:
    """What differs from the tables vaultkit makes, in words (for the one line): the tables
    missing (their indexes went with them), else the indexes."""
    held = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    missing = [name for name in _SCHEMA_NAMES if name not in held]
    tables = [name for name in missing if name in _TABLE_NAMES]
    for kind, names in (("table", tables), ("index", missing)):
        if names:
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            plural = "es" if kind == "index" else "s"
            return (
                f"its {kind} {shown} is missing"
                if len(names) == 1
                else f"its {kind}{plural} {shown} are missing"
            )
    return "its tables are not as vaultkit made them"


_TABLE_NAMES = frozenset(re.findall(r"CREATE (?:VIRTUAL )?TABLE (\w+)", _SCHEMA))
_SCHEMA_NAMES = tuple(re.findall(r"CREATE (?:VIRTUAL )?(?:TABLE|INDEX) (\w+)", _SCHEMA))


def recreate(db_path: Path, config: Config) -> sqlite3.Connection:
    """Delete an index known to be vaultkit's and make a new one."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{db_path}{suffix}")
    return create(db_path, config)


def create(db_path: Path, config: Config) -> sqlite3.Connection:
    """Make a new index: vaultkit's mark, the schema and the meta rows in one transaction,
    written to the main file before the switch to WAL, so it is marked from its first page."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    index_file.check_write(db_path)
    db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("BEGIN IMMEDIATE")
        # Another vaultkit may have made it while this one waited for the lock.
        if db.execute("PRAGMA application_id").fetchone()[0] != index_file.APPLICATION_ID:
            db.execute(f"PRAGMA application_id = {index_file.APPLICATION_ID}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("schema_version", str(SCHEMA_VERSION)), ("config", config.fingerprint())],
            )
            record_tables(db)
        db.execute("COMMIT")
        use_wal(db)
    except BaseException:
        db.close()
        raise
    return db
