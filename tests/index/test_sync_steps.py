"""Incremental syncs against the files on disk: after any run of edits, by vaultkit or by
others, a sync leaves the index holding exactly the notes there are, with their stats and
their text (the stored walk's shortcuts never hide a change)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.errors import VaultkitError
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace

TODAY = dt.date(2026, 11, 22)
NAMES = ["Ada", "Bob", "Cy", "Dee", "Eve", "Fay"]
FOLDERS = ["People", "People/Club", "Meetings"]

steps = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.sampled_from(FOLDERS), st.sampled_from(NAMES), st.integers(0, 3)),
        st.tuples(st.just("delete"), st.sampled_from(FOLDERS), st.sampled_from(NAMES), st.just(0)),
        st.tuples(st.just("add"), st.just("People"), st.sampled_from(NAMES), st.just(0)),
        st.tuples(st.just("log"), st.just("People"), st.sampled_from(NAMES), st.integers(0, 3)),
        st.tuples(st.just("rmdir"), st.sampled_from(FOLDERS[1:]), st.just(""), st.just(0)),
        st.tuples(st.just("sync"), st.just(""), st.just(""), st.just(0)),
    ),
    max_size=14,
)


def on_disk(root: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                path = Path(folder, name)
                st_ = path.stat()
                found[path.relative_to(root).as_posix()] = (st_.st_mtime_ns, st_.st_size)
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_a_sync_after_any_edits_holds_the_notes_on_disk(plan: list[tuple[str, str, str, int]]) -> None:
    top = Path(tempfile.mkdtemp())
    root = top / "vault"  # (the index beside it: never inside a vault)
    root.mkdir()
    try:
        for name in NAMES[:3]:
            (root / "People").mkdir(exist_ok=True)
            (root / "People" / f"{name}.md").write_text(f"---\ncadence: 1m\n---\n# {name}\n\n## Log\n")
        workspace = Workspace(Vault(root), top / "index.sqlite", TODAY)
        workspace.sync()
        for kind, folder, name, number in plan:
            note = root / folder / f"{name}.md"
            if kind == "write":
                note.parent.mkdir(parents=True, exist_ok=True)
                note.write_text(f"---\ncadence: {number + 1}w\n---\n# {name}\n" + "x" * number)
            elif kind == "delete":
                note.unlink(missing_ok=True)
            elif kind == "rmdir":
                shutil.rmtree(root / folder, ignore_errors=True)
            elif kind == "add" and not note.exists():
                workspace.sync()  # a command syncs first
                with contextlib.suppress(VaultkitError):  # that name is taken in another folder
                    workspace.add_person(name)
            elif kind == "log" and note.exists():
                workspace.sync()
                with contextlib.suppress(VaultkitError):  # two of that name: asks which one
                    workspace.log(name, f"tea {number}")
            else:
                workspace.sync()
            held = {
                path: (mtime_ns, size)
                for path, mtime_ns, size in workspace.index.db.execute(
                    "SELECT path, mtime_ns, size FROM files"
                )
            }
            if kind in ("sync", "add", "log"):
                assert held == on_disk(root)
        workspace.sync()
        assert {
            path: (mtime_ns, size)
            for path, mtime_ns, size in workspace.index.db.execute("SELECT path, mtime_ns, size FROM files")
        } == on_disk(root)
        # And the text: each person's cadence is what their note says now.
        written = {p.path: p.cadence for p in workspace.index.people(TODAY) if p.path.startswith("People/")}
        for path, cadence in written.items():
            text = (root / path).read_text()
            assert (f"cadence: {cadence}\n" in text) if cadence else ("cadence:" not in text)
        # Each note's searched text has its file's id: a search looks its kind up by it.
        db = workspace.index.db
        assert set(db.execute("SELECT id, path FROM note_text")) == set(
            db.execute("SELECT id, path FROM files WHERE ok = 1")
        )
        workspace.close()
    finally:
        shutil.rmtree(top, ignore_errors=True)
