"""The parser pool (`index/rows.py`): the rows parser processes write into their own small
databases, copied into the index, are exactly the rows written in one process."""

from __future__ import annotations

import os
import sqlite3
import time
from array import array
from pathlib import Path

import pytest
from conftest import write_note

from vaultkit.index import rows
from vaultkit.index.core import Index, SyncReport
from vaultkit.vault.files import Vault
from vaultkit.vault.stored import read_names

# Apart from these, two builds of one vault hold the same rows (these are clock times).
CLOCK_KEYS = ("last_scan_ns", "walk")


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted; the full-text rows with their ids; not the clock's."""
    db = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'notes_fts_%'"
            )
        ]
        tables = {}
        for name in names:
            query = "SELECT rowid, * FROM notes_fts" if name == "notes_fts" else f"SELECT * FROM {name}"
            if name == "files":  # (a note's digest is kept only when it was read soon after a write)
                query = "SELECT id, path, mtime_ns, size, kind, ok, name, stem_key, path_key FROM files"
            found = [row for row in db.execute(query) if name != "meta" or row[0] not in CLOCK_KEYS]
            tables[name] = sorted(found, key=repr)
        return tables
    finally:
        db.close()


def build(vault: Path, index_path: Path, rebuild: bool = True) -> SyncReport:
    index = Index.open(Vault(vault), index_path)
    try:
        return index.sync(rebuild=rebuild)
    finally:
        index.close()


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parser processes for any number of notes, three notes to a batch (so, many batches)."""
    monkeypatch.setattr(rows, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(rows, "CHUNK", 3)


def add_odd_notes(vault: Path) -> None:
    """Notes that give problems rows (one cannot be decoded, one has a bad Log date) and
    clashes (two people share an alias that is nobody's name)."""
    (vault / "People" / "Broken.md").write_bytes(b"---\nname: \xff\n---\n")
    write_note(
        vault, "People/Odd Dates.md", "---\naliases: [The Doctor]\n---\n## Log\n- 2026-02-30 call: lost\n"
    )
    write_note(vault, "Other/Who.md", "---\ntype: person\naliases: [The Doctor]\n---\n")


def settled(vault: Path) -> None:
    """Every file and folder of the vault written a minute ago: out of the racy window of
    any build, so that two builds store the same folder times whenever each starts."""
    then = time.time_ns() - 60 * 1_000_000_000
    for path in [vault, *vault.rglob("*")]:
        os.utime(path, ns=(then, then))


def test_pool_writes_the_rows_one_process_writes(
    example_vault: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    add_odd_notes(example_vault)
    settled(example_vault)
    build(example_vault, tmp_path / "alone.sqlite")
    alone = dump(tmp_path / "alone.sqlite")
    request.getfixturevalue("pool")
    build(example_vault, tmp_path / "pooled.sqlite")
    pooled = dump(tmp_path / "pooled.sqlite")
    assert pooled == alone
    assert len(alone["files"]) > 3 * 5  # many batches
    assert {row[0] for row in alone["problems"]} == {"People/Broken.md", "People/Odd Dates.md"}
    assert {row[:2] for row in alone["clashes"]} >= {
        ("the doctor", "Other/Who.md"),
        ("the doctor", "People/Odd Dates.md"),
    }
    assert sorted(row[0] for row in alone["notes_fts"]) == sorted(row[0] for row in alone["files"] if row[5])


def without_ids(tables: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
    """The tables but `meta`, with no note ids (an updated index numbers its new notes on)
    and no folder mtimes, and the stored walk as each note's stat (an updated walk keeps its folders' notes in
    the order it stored them, new ones at the end)."""
    kept = {
        name: sorted(
            (row[1:] if name in ("files", "notes_fts", "note_text") else row for row in found), key=repr
        )
        for name, found in tables.items()
        if name not in ("meta", "walk_names", "walk_stats")
    }
    # A folder's mtime is kept as -1 (list it again) when the walk came within the racy
    # window of its change: that depends on the clock, as the digests do.
    kept["walk_folders"] = sorted((row[:2] + row[3:] for row in kept["walk_folders"]), key=repr)
    prefixes = {row[0]: row[1] for row in tables["walk_folders"]}
    names = read_names(sorted(tables["walk_names"]))
    stats: array[int] = array("q", b"".join(row[1] for row in sorted(tables["walk_stats"])))
    paths = [prefixes[position] + name for position in sorted(names) for name in names[position]]
    kept["walk"] = sorted((path, *stats[3 * n : 3 * n + 3]) for n, path in enumerate(paths))
    return kept


def test_pool_updates_an_index_as_one_process_does(example_vault: Path, tmp_path: Path, pool: None) -> None:
    index_path = tmp_path / "index.sqlite"
    build(example_vault, index_path)
    people = sorted((example_vault / "People").glob("*.md"))
    for path in people[:7]:  # several batches of changed notes
        path.write_text(
            path.read_text(encoding="utf-8") + "\n## Log\n- 2026-11-21 call: again\n", encoding="utf-8"
        )
    people[8].unlink()
    add_odd_notes(example_vault)
    report = build(example_vault, index_path, rebuild=False)
    assert (report.read, report.added, report.removed) == (10, 3, 1)
    fresh = tmp_path / "fresh.sqlite"
    build(example_vault, fresh)
    updated = without_ids(dump(index_path))
    assert updated == without_ids(dump(fresh))
    assert len([row for row in updated["contacts"] if row[3] == "call" and row[4] == "again"]) == 7


@pytest.mark.parametrize("searched", [False, True])
def test_many_notes_for_the_index_are_written_as_into_a_fresh_one(
    example_vault: Path, tmp_path: Path, pool: None, monkeypatch: pytest.MonkeyPatch, searched: bool
) -> None:
    # An index of three notes, then every other note comes (an import, a folder moved in),
    # one of the three changes, one goes and one stays: the rows are written without the
    # secondary indexes, made again after. The same rows as a fresh build; with the
    # full-text index built (a search) or left to the first search.
    from vaultkit.index import core

    monkeypatch.setattr(core, "BULK_NOTES", 5)
    made: list[int] = []  # the calls that make secondary indexes again
    make_indexes = Index._make_indexes
    monkeypatch.setattr(
        Index, "_make_indexes", lambda self, which: made.append(1) or make_indexes(self, which)
    )
    add_odd_notes(example_vault)
    aside = tmp_path / "aside"
    aside.mkdir()
    notes = sorted(
        p for p in example_vault.rglob("*.md") if ".obsidian" not in p.parts and "Templates" not in p.parts
    )
    kept = [
        example_vault / "People" / f"{name}.md" for name in ("Tunde Adeyemi", "Yuki Tanaka", "Helen Marsh")
    ]
    moved = [(path, aside / f"{n}.md") for n, path in enumerate(notes) if path not in kept]
    for path, to in moved:
        path.rename(to)
    index_path = tmp_path / "index.sqlite"
    build(example_vault, index_path)
    if searched:
        search_once(example_vault, index_path)
    for path, to in moved:
        to.rename(path)
    kept[0].write_text(
        kept[0].read_text(encoding="utf-8") + "\n## Log\n- 2026-11-21 call: zyzzyva\n", encoding="utf-8"
    )
    kept[1].unlink()
    made.clear()
    report = build(example_vault, index_path, rebuild=False)
    assert (report.added, report.changed, report.removed) == (len(moved), 1, 1)
    assert made == [1]  # the bulk path (an update that keeps its indexes makes none; a rebuild two)
    fresh = tmp_path / "fresh.sqlite"
    build(example_vault, fresh)
    if searched:
        search_once(example_vault, fresh)
    assert without_ids(dump(index_path)) == without_ids(dump(fresh))
    assert indexes(index_path) == indexes(fresh)  # every index made again
    # A search finds what a fresh index's does: the text's index was built again, or will be.
    words = [["zyzzyva"], ["Yuki"], ["Tunde"], ["cargo", "bikes"]]
    assert [search_once(example_vault, index_path, w) for w in words] == [
        search_once(example_vault, fresh, w) for w in words
    ]
    assert [path for path, _, _ in search_once(example_vault, index_path, ["zyzzyva"])] == [
        "People/Tunde Adeyemi.md"
    ]


def test_many_new_notes_and_none_forgotten_are_written_as_into_a_fresh_one(
    example_vault: Path, tmp_path: Path, pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An import into a vault: every note it holds stays as it is, more new ones come than
    # it holds. Nothing is forgotten, and the indexes are still dropped and made again.
    from vaultkit.index import core

    monkeypatch.setattr(core, "BULK_NOTES", 5)
    aside = tmp_path / "aside"
    aside.mkdir()
    kept = {example_vault / "People" / f"{name}.md" for name in ("Tunde Adeyemi", "Yuki Tanaka")}
    notes = [
        p for p in example_vault.rglob("*.md") if ".obsidian" not in p.parts and "Templates" not in p.parts
    ]
    moved = [(path, aside / f"{n}.md") for n, path in enumerate(notes) if path not in kept]
    for path, to in moved:
        path.rename(to)
    index_path = tmp_path / "index.sqlite"
    build(example_vault, index_path)
    for path, to in moved:
        to.rename(path)
    report = build(example_vault, index_path, rebuild=False)
    assert (report.added, report.changed, report.removed) == (len(moved), 0, 0)
    fresh = tmp_path / "fresh.sqlite"
    build(example_vault, fresh)
    assert without_ids(dump(index_path)) == without_ids(dump(fresh))
    assert indexes(index_path) == indexes(fresh)


def test_a_sync_that_reads_every_note_again_writes_them_as_a_rebuild_does(
    example_vault: Path, tmp_path: Path, pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every note's time changed (a copied or restored vault, a checkout), one note changed
    # and one went: the index is emptied and written as a new one is, indexes made after.
    from vaultkit.index import core

    monkeypatch.setattr(core, "BULK_NOTES", 5)
    add_odd_notes(example_vault)
    index_path = tmp_path / "index.sqlite"
    build(example_vault, index_path)
    search_once(example_vault, index_path)  # (the full-text index is current)
    notes = [
        p for p in example_vault.rglob("*.md") if ".obsidian" not in p.parts and "Templates" not in p.parts
    ]
    later = time.time() + 60
    for path in notes:
        os.utime(path, (later, later))
    tunde, yuki = example_vault / "People" / "Tunde Adeyemi.md", example_vault / "People" / "Yuki Tanaka.md"
    tunde.write_text(
        tunde.read_text(encoding="utf-8") + "\n## Log\n- 2026-11-21 call: zyzzyva\n", encoding="utf-8"
    )
    yuki.unlink()
    made: list[int] = []
    make_indexes = Index._make_indexes
    monkeypatch.setattr(
        Index, "_make_indexes", lambda self, which: made.append(1) or make_indexes(self, which)
    )
    forgotten: list[int] = []
    monkeypatch.setattr(Index, "_forget", lambda self, *args, **kw: forgotten.append(1))
    report = build(example_vault, index_path, rebuild=False)
    assert (report.added, report.changed, report.removed) == (0, len(notes) - 1, 1)
    assert (made, forgotten) == ([1, 1, 1], [])  # as a rebuild: nothing forgotten one note at a time
    monkeypatch.undo()
    fresh = tmp_path / "fresh.sqlite"
    build(example_vault, fresh)
    assert without_ids(dump(index_path)) == without_ids(dump(fresh))
    assert indexes(index_path) == indexes(fresh)
    words = [["zyzzyva"], ["Yuki"], ["Tunde"]]
    assert [search_once(example_vault, index_path, w) for w in words] == [
        search_once(example_vault, fresh, w) for w in words
    ]
    assert [path for path, _, _ in search_once(example_vault, index_path, ["zyzzyva"])] == [
        "People/Tunde Adeyemi.md"
    ]


def search_once(vault: Path, index_path: Path, words: list[str] | None = None) -> list[tuple[str, str, str]]:
    """A search: the full-text index is built, and kept by every sync from then on."""
    index = Index.open(Vault(vault), index_path)
    try:
        return index.search(words or ["Tunde"])
    finally:
        index.close()


def indexes(path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        return sorted(
            db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        )
    finally:
        db.close()


SUMMARY = "SELECT path, last_any, last_channel, cadence_res, cadence_source, due_base, period FROM people"


def test_a_cold_build_sums_people_up_as_a_sync_does(example_vault: Path, tmp_path: Path, pool: None) -> None:
    # The parser processes sum each person up from their own note; the people a meeting or
    # a daily note names are summed up again over all their contacts. Together, the same
    # columns as working everyone out from the index, which an update does.
    write_note(
        example_vault, "People/Late Met.md", "---\ntags: [friend]\n---\n## Log\n- 2026-01-01 call: x\n"
    )
    write_note(
        example_vault, "Meetings/2026-03-01 Sync.md", '---\ndate: 2026-03-01\npeople: ["[[Late Met]]"]\n---\n'
    )
    write_note(example_vault, "People/Same Day.md", "---\ncadence: 2w\n---\n## Log\n- 2026-03-01 call: x\n")
    write_note(example_vault, "People/Daily Only.md", "---\ncadence: 1m\nsnooze_until: 2026-06-01\n---\n")
    write_note(example_vault, "Daily/2026-03-01.md", "Saw [[Same Day]] and [[Daily Only]].\n")
    write_note(
        example_vault, "People/Written.md", "---\nlast_contact: 2026-05-05\n---\n## Log\n- 2026-01-01 x\n"
    )
    index_path = tmp_path / "index.sqlite"
    build(example_vault, index_path)
    db = sqlite3.connect(index_path)
    cold = sorted(db.execute(SUMMARY))
    db.close()
    index = Index.open(Vault(example_vault), index_path)
    try:
        index.db.execute("BEGIN")
        index._summarise(everyone=True)
        index.db.execute("COMMIT")
        everyone = sorted(index.db.execute(SUMMARY))
    finally:
        index.close()
    assert cold == everyone
    found = {row[0]: row[1:3] for row in cold}
    assert found["People/Late Met.md"] == ("2026-03-01", "meeting")
    assert found["People/Same Day.md"] == ("2026-03-01", "call")
    assert found["People/Daily Only.md"] == ("2026-03-01", None)
    assert found["People/Written.md"] == ("2026-05-05", None)


def test_pool_keeps_a_current_full_text_index(example_vault: Path, tmp_path: Path, pool: None) -> None:
    index_path = tmp_path / "index.sqlite"
    build(example_vault, index_path)
    index = Index.open(Vault(example_vault), index_path)
    try:
        index.full_text_ready()
        people = sorted((example_vault / "People").glob("*.md"))
        for number, path in enumerate(people[:7]):  # several batches, each numbered on
            path.write_text(path.read_text(encoding="utf-8") + f"\nzebra{number}\n", encoding="utf-8")
        people[8].unlink()
        index.sync()
        for number, path in enumerate(people[:7]):
            assert [hit[0] for hit in index.search([f"zebra{number}"])] == [f"People/{path.name}"]
        index.db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        index.close()
