"""The stored walk's comparison of two listings of a folder, name by name."""

from __future__ import annotations

import os
from array import array
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from vaultkit.index import walkstore
from vaultkit.index.core import Index
from vaultkit.index.walkstore import _WalkSnapshot
from vaultkit.vault import stored, walk
from vaultkit.vault.files import Vault
from vaultkit.vault.walk import Listing, Scan, kept_runs

names = st.lists(st.from_regex(r"[a-e]{1,3}\.md", fullmatch=True), unique=True, max_size=30)


@given(names, names)
def test_kept_runs_account_for_every_name(before: list[str], after: list[str]) -> None:
    runs = kept_runs(before, after)
    if runs is None:
        return  # the caller matches every name (checked below against it)
    fresh, lost, kept = runs
    assert sorted(after[n] for n in fresh) == sorted(set(after) - set(before))
    assert sorted(before[n] for n in lost) == sorted(set(before) - set(after))
    covered_after = sorted([*fresh, *(new + k for new, _, length in kept for k in range(length))])
    covered_before = sorted([*lost, *(old + k for _, old, length in kept for k in range(length))])
    assert covered_after == list(range(len(after))) and covered_before == list(range(len(before)))
    for new, old, length in kept:
        assert after[new : new + length] == before[old : old + length]


def test_kept_runs_for_a_name_added_and_one_removed() -> None:
    before = ["a.md", "b.md", "c.md", "d.md"]
    after = ["a.md", "x.md", "b.md", "d.md"]
    assert kept_runs(before, after) == ([1], [2], [(0, 0, 1), (2, 1, 1), (3, 3, 1)])
    # A note `Index._walk_after` appended to the stored listing is listed in its place.
    runs = kept_runs([*before, "n.md"], ["a.md", "n.md", "b.md", "c.md", "d.md"])
    assert runs is not None and runs[:2] == ([], [])
    pairs = {new + k: old + k for new, old, length in runs[2] for k in range(length)}
    assert pairs == {0: 0, 1: 4, 2: 1, 3: 2, 4: 3}


def _stats(values: list[int]) -> array[int]:
    return array("q", [number for value in values for number in (value, value, 0)])


@given(names, names, st.data())
def test_differences_agree_with_matching_every_name(
    before: list[str], after: list[str], data: st.DataObject
) -> None:
    """The runs' answer is the one matching every name gives (`_FEW` = -1 forces that)."""
    old_stats = {name: data.draw(st.integers(1, 3)) for name in before}
    new_stats = {name: old_stats.get(name, 1) + data.draw(st.integers(0, 1)) for name in after}
    snapshot = _WalkSnapshot(
        0, 1, [Listing("P/", 1, 1, 1, before, [])], _stats([old_stats[n] for n in before]).tobytes()
    )
    scan = Scan([Listing("P/", 2, 1, 1, after, [])], [], _stats([new_stats[n] for n in after]), [])
    found = snapshot.differences(scan)
    few = walk._FEW
    walk._FEW = -1
    try:
        every = snapshot.differences(scan)
    finally:
        walk._FEW = few
    assert found is not None and every is not None
    assert (sorted(found[0]), sorted(found[1]), sorted(found[2])) == (
        sorted(every[0]),
        sorted(every[1]),
        sorted(every[2]),
    )
    assert sorted(after[n] for n in found[1]) == sorted(
        name for name in after if name in old_stats and new_stats[name] != old_stats[name]
    )


def test_a_walk_another_process_stored_is_read_not_the_one_kept(tmp_path: Path) -> None:
    """Each process keeps the walk it read or wrote last; a walk stored since by another
    (here: the folder listed again for a file that is not a note) is read afresh."""
    root = tmp_path / "vault"
    (root / "People").mkdir(parents=True)
    (root / "People" / "Ada.md").write_text("# Ada\n", encoding="utf-8")
    mine, theirs = (Index.open(Vault(root), tmp_path / "index.sqlite") for _ in range(2))
    try:
        mine.sync()
        _, kept = mine._walk_snapshot()
        (root / "People" / "photo.jpg").write_bytes(b"")
        os.utime(root / "People", ns=(1, 1))  # (an old time: not listed again for being recent)
        theirs.sync()
        _, read = mine._walk_snapshot()
        assert kept is not None and read is not None and read.version == kept.version + 1
        people = next(listing for listing in read.listings if listing.prefix == "People/")
        assert people.mtime_ns == 1
    finally:
        mine.close()
        theirs.close()


def test_the_stored_walk_holds_each_folder_as_last_listed(tmp_path: Path) -> None:
    """A folder listed again is written back: its names when they changed, its times alone
    when a note was replaced under the same name (read here by a process keeping nothing)."""
    root = tmp_path / "vault"
    people = root / "People"
    people.mkdir(parents=True)
    (people / "Ada.md").write_text("# Ada\n", encoding="utf-8")
    (root / "Meetings").mkdir()
    (root / "Meetings" / "Standup.md").write_text("# Standup\n", encoding="utf-8")
    mine = Index.open(Vault(root), tmp_path / "index.sqlite")

    def stored() -> Listing:
        other = Index.open(Vault(root), tmp_path / "index.sqlite")
        try:
            _, walk_read = other._walk_snapshot()
            assert walk_read is not None
            return next(listing for listing in walk_read.listings if listing.prefix == "People/")
        finally:
            other.close()

    try:
        mine.sync()
        (people / "Bob.md").write_text("# Bob\n", encoding="utf-8")
        os.utime(people, ns=(10**18, 10**18))  # (an old time: kept, not marked to list again)
        mine.sync()
        assert (sorted(stored().names), stored().mtime_ns) == (["Ada.md", "Bob.md"], 10**18)
        (people / "new.tmp").write_text("# Ada, again\n", encoding="utf-8")
        os.replace(people / "new.tmp", people / "Ada.md")
        os.utime(people, ns=(10**18 + 5, 10**18 + 5))
        mine.sync()
        assert (sorted(stored().names), stored().mtime_ns) == (["Ada.md", "Bob.md"], 10**18 + 5)
    finally:
        mine.close()


@given(names, names)
def test_a_folder_listed_again_keeps_its_stored_order(before: list[str], after: list[str]) -> None:
    """`in_stored_order`: the notes listed now, those kept in their stored order and the new
    ones after them, in the order they were listed (or as listed, when many changed)."""
    listed = Listing("P/", 2, 2, 2, after, [])
    kept = walk.in_stored_order(Listing("P/", 1, 1, 1, before, []), listed)
    assert sorted(kept.names) == sorted(after)
    assert kept[:2] == listed[:2] and kept.folders == listed.folders
    if kept.names is not after:
        assert kept.names == [n for n in before if n in after] + [n for n in after if n not in before]
    if after == before:
        assert kept.names is before  # (the store then sees at once that nothing changed)


def test_a_note_added_writes_one_row_of_its_folders_names_and_stats(tmp_path: Path, monkeypatch) -> None:
    """SQLite writes a whole row again to change one value: names and stats are kept a few
    a row, per folder, and a folder listed again with one note more writes the last row of
    each, and nothing of the folder after it (here, 4 notes a row)."""
    monkeypatch.setattr(walkstore, "NAMES_ROW", 4)
    monkeypatch.setattr(walkstore, "STATS_ROW", 4 * 24)
    root = tmp_path / "vault"
    for folder in ("People", "Meetings"):
        (root / folder).mkdir(parents=True)
        for number in range(30):
            (root / folder / f"{folder} {number}.md").write_text(f"# {folder} {number}\n", encoding="utf-8")
    index = Index.open(Vault(root), tmp_path / "index.sqlite")
    written: list[str] = []
    try:
        index.sync()
        _, walk_read = index._walk_snapshot()
        assert walk_read is not None
        first = next(
            n for n, each in enumerate(walk_read.listings) if each.names
        )  # the first folder of notes
        folder = root / walk_read.listings[first].prefix
        tables = ("walk_names", "walk_stats")
        rows_before = {table: dict(index.db.execute(f"SELECT * FROM {table}")) for table in tables}
        assert (
            len([key for key in rows_before["walk_names"] if key // stored.PARTS == first]) == 8
        )  # (30 names)
        (folder / "Zed.md").write_text("# Zed\n", encoding="utf-8")
        os.utime(folder, ns=(10**18, 10**18))  # (an old time: kept, not marked to list again)
        index.db.set_trace_callback(written.append)
        report = index.sync()
        index.db.set_trace_callback(None)
        assert report.added == 1
        rows_after = {table: dict(index.db.execute(f"SELECT * FROM {table}")) for table in tables}
    finally:
        index.close()
    for table in tables:
        assert len([sql for sql in written if f"INTO {table}" in sql]) == 1
        changed = {key for key, row in rows_after[table].items() if row != rows_before[table].get(key)}
        last = max(key for key in rows_after[table] if key // stored.PARTS == first)
        assert changed == {last}
    assert rows_after["walk_names"][last].endswith("Zed.md")
    other = Index.open(Vault(root), tmp_path / "index.sqlite")  # another process reads it back
    try:
        _, read = other._walk_snapshot()
        assert read is not None
        assert sorted(read.listings[first].names) == sorted(os.listdir(folder))
        again = other.sync()  # and finds no note come or gone
        assert (again.added, again.removed, again.total) == (0, 0, 61)
    finally:
        other.close()
