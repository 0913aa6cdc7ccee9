"""The vault on disk: which files are notes, atomic and stale-checked writes, staying inside (spec §1, §4)."""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_note
from typer.testing import Result

from vaultkit.config import Config
from vaultkit.errors import RefusedWrite, StaleFileError
from vaultkit.vault.files import Vault

Cli = Callable[..., Result]
MakePerson = Callable[..., Path]


def notes(vault: Vault) -> list[str]:
    return sorted(stat.rel_path for stat in vault.walk())


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if "vaultkit-tmp" in p.name)


# -- atomic writes ------------------------------------------------------------------------
def test_atomic_write_leaves_no_temp_files_and_keeps_the_mode(vault_dir: Path) -> None:
    vault = Vault(vault_dir)
    vault.write("People/Ada.md", b"# Ada\n", None)
    assert (vault_dir / "People" / "Ada.md").read_bytes() == b"# Ada\n"
    os.chmod(vault_dir / "People" / "Ada.md", 0o600)
    snapshot = vault.read("People/Ada.md")
    assert (snapshot.rel_path, snapshot.data, snapshot.size) == ("People/Ada.md", b"# Ada\n", 6)
    vault.write("People/Ada.md", b"# Ada\n## Log\n", snapshot)
    assert (vault_dir / "People" / "Ada.md").read_bytes() == b"# Ada\n## Log\n"
    assert stat.S_IMODE((vault_dir / "People" / "Ada.md").stat().st_mode) == 0o600
    assert sorted(os.listdir(vault_dir / "People")) == ["Ada.md"]
    assert leftovers(vault_dir) == []


def test_cli_writes_leave_no_temp_files(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    make_person("Ada")
    assert cli("log", "Ada", "hi").exit_code == 0
    assert cli("add", "Bob").exit_code == 0
    assert cli("init", str(vault_dir)).exit_code == 0
    assert leftovers(vault_dir) == []
    assert sorted(os.listdir(vault_dir / "People")) == ["Ada.md", "Bob.md"]


def test_a_new_note_never_replaces_a_file(vault_dir: Path) -> None:
    vault = Vault(vault_dir)
    write_note(vault_dir, "People/Ada.md", "mine\n")
    with pytest.raises(RefusedWrite) as err:
        vault.write("People/Ada.md", b"theirs\n", None)
    assert str(err.value) == "People/Ada.md already exists; it was not overwritten"
    assert (vault_dir / "People" / "Ada.md").read_text() == "mine\n"
    assert leftovers(vault_dir) == []


# -- stale files --------------------------------------------------------------------------
def test_a_file_changed_since_it_was_read_is_not_overwritten(vault_dir: Path) -> None:
    vault = Vault(vault_dir)
    path = write_note(vault_dir, "People/Ada.md", "# Ada\n")
    snapshot = vault.read("People/Ada.md")
    path.write_text("# Ada\nthe user typed this meanwhile\n")
    with pytest.raises(StaleFileError) as err:
        vault.write("People/Ada.md", b"# Ada\n## Log\n", snapshot)
    assert str(err.value) == (
        "People/Ada.md changed on disk while vaultkit was working on it; nothing was written. Run the command again."
    )
    assert err.value.exit_code == 1
    assert path.read_text() == "# Ada\nthe user typed this meanwhile\n"
    # Same size, same time: the bytes still tell.
    path.write_text("# Ada\n")
    snapshot = vault.read("People/Ada.md")
    mtime = path.stat().st_mtime_ns
    path.write_text("# Bob\n")
    os.utime(path, ns=(mtime, mtime))
    with pytest.raises(StaleFileError):
        vault.write("People/Ada.md", b"# Ada\n## Log\n", snapshot)
    assert path.read_text() == "# Bob\n"
    path.unlink()
    with pytest.raises(StaleFileError):
        vault.write("People/Ada.md", b"x", snapshot)
    assert not path.exists()
    assert leftovers(vault_dir) == []


def test_stale_file_through_the_cli(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    """Two people whose notes are one file: refused before anything is written (the second
    write would find the file changed by the first)."""
    ada = make_person("Ada")
    os.symlink("Ada.md", vault_dir / "People" / "Twin.md")
    result = cli("log", "Ada, Twin", "lunch")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "vault: People/Twin.md and People/Ada.md are one file (a symlink): log for one of them; "
        "nothing was written\n"
    )
    assert (vault_dir / "People" / "Twin.md").is_symlink()
    assert ada.read_text() == "# Ada\n"
    assert cli("log", "Twin", "lunch").exit_code == 0
    assert (vault_dir / "People" / "Twin.md").is_symlink()
    assert ada.read_text() == "---\nlast_contact: 2026-11-22\n---\n# Ada\n\n## Log\n- 2026-11-22 lunch\n"
    assert leftovers(vault_dir) == []


def test_writing_through_a_symlink_edits_its_target_and_keeps_the_link(
    cli: Cli, make_person: MakePerson, vault_dir: Path, tmp_path: Path
) -> None:
    ada = make_person("Ada")
    (vault_dir / "Shared").mkdir()
    ada.rename(vault_dir / "Shared" / "Ada.md")
    os.symlink("../Shared/Ada.md", ada)
    assert cli("log", "Ada", "lunch").stdout == "Logged for Ada: People/Ada.md\n"
    assert ada.is_symlink()
    assert (vault_dir / "Shared" / "Ada.md").read_text() == (
        "---\nlast_contact: 2026-11-22\n---\n# Ada\n\n## Log\n- 2026-11-22 lunch\n"
    )
    # A link that leads out of the vault is never written through.
    outside = write_note(tmp_path, "outside/Eve.md", "# Eve\n")
    os.symlink(outside, vault_dir / "People" / "Eve.md")
    vault = Vault(vault_dir)
    snapshot = vault.read("People/Ada.md")
    with pytest.raises(RefusedWrite) as err:
        vault.write("People/Eve.md", b"x", snapshot)
    assert str(err.value) == "People/Eve.md leads outside the vault (a symlink?)"
    assert outside.read_text() == "# Eve\n"
    assert leftovers(vault_dir) == leftovers(tmp_path) == []


# -- staying inside the vault -------------------------------------------------------------
def test_symlinks_that_leave_the_vault_are_not_followed(vault_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_note(outside, "Secret.md", "---\ntype: person\n---\n")
    write_note(outside, "People/Eve.md", "# Eve\n")
    write_note(vault_dir, "People/Ada.md", "# Ada\n")
    os.symlink(outside / "Secret.md", vault_dir / "People" / "Secret.md")
    os.symlink(outside / "People", vault_dir / "People" / "Elsewhere")
    os.symlink(outside, vault_dir / "Outside")
    # Links that stay inside are followed, and loops end.
    os.symlink("Ada.md", vault_dir / "People" / "Twin.md")
    os.symlink(vault_dir / "People", vault_dir / "People" / "Loop")
    vault = Vault(vault_dir)
    assert notes(vault) == ["People/Ada.md", "People/Twin.md"]
    with pytest.raises(RefusedWrite) as err:
        vault.write("People/Elsewhere/Mallory.md", b"x", None)
    assert str(err.value) == "People/Elsewhere/Mallory.md leads outside the vault (a symlink?)"
    for bad in ("../x.md", "/etc/x.md", "People/../../x.md"):
        with pytest.raises(RefusedWrite) as err:
            vault.write(bad, b"x", None)
        assert str(err.value) == f"{bad} is outside the vault"
    assert sorted(os.listdir(outside)) == ["People", "Secret.md"]
    assert os.listdir(outside / "People") == ["Eve.md"]


def test_skipped_folders(vault_dir: Path) -> None:
    for rel in (
        "People/Ada.md",
        "People/Sub/Bob.MD",
        ".obsidian/Ada.md",
        ".trash/People/Old.md",
        ".git/x.md",
        "People/.hidden/Cy.md",
        "People/.Dot.md",
        "Templates/vaultkit/person.md",
        "Templates/vaultkit/Deeper/x.md",
        "Templates/Obsidian/Person.md",
        "Archive/2020/Old.md",
        "Drafts/x.md",
        "People/Drafts/keep.md",
        "Notes/x.draft.md",
        "Notes/real.md",
        "People/notes.txt",
        "People/Ada.md.bak",
    ):
        write_note(vault_dir, rel, "x\n")
    (vault_dir / ".obsidian" / "templates.json").write_text(json.dumps({"folder": "/Templates/Obsidian/"}))
    config = Config(exclude=("Archive/*", "Drafts", "*.draft.md"))
    assert notes(Vault(vault_dir, config)) == [
        "Notes/real.md",
        "People/Ada.md",
        "People/Drafts/keep.md",
        "People/Sub/Bob.MD",
    ]
    # Without the settings, only the dot-folders and the default templates folder are skipped.
    (vault_dir / ".obsidian" / "templates.json").write_text("{not json")
    assert notes(Vault(vault_dir, Config())) == [
        "Archive/2020/Old.md",
        "Drafts/x.md",
        "Notes/real.md",
        "Notes/x.draft.md",
        "People/Ada.md",
        "People/Drafts/keep.md",
        "People/Sub/Bob.MD",
        "Templates/Obsidian/Person.md",
    ]


def test_templaters_templates_folder_is_skipped_as_obsidians_own(cli: Cli, vault_dir: Path) -> None:
    """A person template in Templater's folder (`templates_folder` in its data.json, no core
    templates.json) was due, "never contacted", and went into the daily note."""
    settings = vault_dir / ".obsidian" / "plugins" / "templater-obsidian" / "data.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"templates_folder": "/Templates/"}), encoding="utf-8")
    write_note(
        vault_dir,
        "Templates/Person template.md",
        "---\ntype: person\ncadence: 1m\n---\n# <% tp.file.title %>\n",
    )
    write_note(vault_dir, "People/Ada.md", "---\ncadence: 1m\n---\n# Ada\n")
    assert Vault(vault_dir).template_folders == ["Templates", "Templates/vaultkit"]
    assert [person["name"] for person in json.loads(cli("due", "--json").stdout)["due"]] == ["Ada"]


def test_exclude_globs_through_the_cli(cli: Cli, make_person: MakePerson, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text('exclude = ["People/Archive/*"]\ntemplates_dir = "Tpl"\n')
    make_person("Ada")
    make_person("Old", folder="People/Archive")
    write_note(vault_dir, "Tpl/person.md", "---\ntype: person\n---\n")
    result = cli("list", "--json")
    assert [p["name"] for p in json.loads(result.stdout)["people"]] == ["Ada"]


def test_decomposed_file_names_are_read(cli: Cli, vault_dir: Path) -> None:
    """A note saved with a decomposed (NFD) name, as macOS did, still opens and is logged."""
    nfd = "Luci\u0301a"
    write_note(vault_dir, f"People/{nfd}.md", "---\ncadence: 1m\n---\n")
    check = cli("check")
    # Readable, with a warning (not an error) that the name invites an NFC twin on Linux.
    assert (check.exit_code, check.stdout.splitlines()[-1]) == (0, "0 error(s), 1 warning(s)")
    assert "decomposed Unicode (NFD" in check.stdout
    result = cli("log", "luc\u00eda", "hi")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Logged for Luc\u00eda: People/{nfd}.md\n"
    assert (vault_dir / "People" / f"{nfd}.md").read_text() == (
        "---\ncadence: 1m\nlast_contact: 2026-11-22\n---\n\n## Log\n- 2026-11-22 hi\n"
    )


def test_sync_conflict_copies_are_nobody(cli: Cli, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Tunde Adeyemi.md", "---\naliases: [Tunde]\ncadence: 2w\n---\n")
    write_note(
        vault_dir, "People/Tunde Adeyemi (Conflicted copy 2026-11-20).md", "---\naliases: [Tunde]\n---\n"
    )
    write_note(vault_dir, "People/Tunde Adeyemi.sync-conflict-20261120-1.md", "---\naliases: [Tunde]\n---\n")
    names = sorted(p["name"] for p in json.loads(cli("list", "--json").stdout)["people"])
    assert names == ["Tunde Adeyemi"]
    assert cli("show", "Tunde").exit_code == 0  # the alias is not shared with the copies
    assert "a sync conflict copy" in cli("check").stdout  # and `vault check` still names them


def test_a_decomposed_twin_of_a_note_is_not_a_second_person(cli: Cli, vault_dir: Path) -> None:
    composed, decomposed = "Zo\u00eb M\u00fcller", "Zoe\u0308 Mu\u0308ller"
    write_note(vault_dir, f"People/{composed}.md", "---\naliases: [Zo\u00eb]\ncadence: 1m\n---\n")
    write_note(vault_dir, f"People/{decomposed}.md", "---\naliases: [Zo\u00eb]\ncadence: 1m\n---\n")
    names = [p["path"] for p in json.loads(cli("list", "--json").stdout)["people"]]
    assert names == [f"People/{composed}.md"]
    assert cli("show", "Zo\u00eb").exit_code == 0


def test_includes_follows_the_walk(vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text('exclude = ["Archive/**"]\n', encoding="utf-8")
    vault = Vault(vault_dir)
    assert vault.includes("People/Ada.md")
    assert vault.includes("Home.md")
    for rel in (
        "Templates/vaultkit/person.md",
        ".obsidian/x.md",
        "People/.draft.md",
        "Archive/2020/old.md",
        "People/Ada (conflicted copy 2026-01-01).md",
        "People/notes.txt",
    ):
        assert not vault.includes(rel), rel


# -- the walk: listings kept between scans, stats from two processes ----------------------
def age_folders(root: Path) -> None:
    """Give every folder an old mtime, as a vault has that nobody added a note to lately."""
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(1_600_000_000 * 10**9, 1_600_000_000 * 10**9))


def test_a_scan_lists_again_only_the_folders_whose_names_changed(vault_dir: Path) -> None:
    for name in ("Ada", "Bob"):
        write_note(vault_dir, f"People/{name}.md", f"# {name}\n")
    write_note(vault_dir, "Meetings/2026-11-20 Ada.md", "[[Ada]]\n")
    age_folders(vault_dir)
    vault = Vault(vault_dir)
    first = vault.scan()
    second = vault.scan(first.listings)
    assert all(new is old for new, old in zip(second.listings, first.listings, strict=True))
    assert second.paths == first.paths and second.stats == first.stats
    # An edit in place leaves the folder's mtime: the listing is kept, the stat shows it.
    (vault_dir / "People" / "Ada.md").write_text("# Ada\n\nmore\n")
    edited = vault.scan(second.listings)
    assert edited.listings[0] is second.listings[0]
    assert [f.size for f in edited.files() if f.rel_path == "People/Ada.md"] == [len("# Ada\n\nmore\n")]
    # A new note, a deleted one, a renamed one and a new sub-folder change their folders' mtimes.
    write_note(vault_dir, "People/Cy.md", "# Cy\n")
    (vault_dir / "People" / "Bob.md").rename(vault_dir / "People" / "Robert.md")
    (vault_dir / "Meetings" / "2026-11-20 Ada.md").unlink()
    write_note(vault_dir, "Meetings/2025/2025-01-02 Cy.md", "[[Cy]]\n")
    after = vault.scan(edited.listings)
    assert sorted(after.paths) == [
        "Meetings/2025/2025-01-02 Cy.md", "People/Ada.md", "People/Cy.md", "People/Robert.md",
    ]  # fmt: skip
    assert sorted(after.paths) == notes(vault)


def test_two_processes_stat_what_one_would(vault_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vaultkit.vault.walk as vault_module

    for n in range(7):
        write_note(vault_dir, f"People/P{n}.md", "x" * n)
    write_note(vault_dir, "Daily/2026-11-20.md", "[[P1]]\n")
    write_note(vault_dir, "Meetings/Deep/2026-11-21 P2.md", "[[P2]]\n")
    os.symlink(vault_dir / "People" / "P3.md", vault_dir / "People" / "Link.md")
    vault = Vault(vault_dir)
    alone = vault.scan(parallel=False)
    monkeypatch.setattr(vault_module, "PARALLEL_STAT", 1)
    together = vault.scan(parallel=True)
    assert together.paths == alone.paths and together.stats == alone.stats
    assert "People/Link.md" in together.paths and len(together.paths) == 10
    # A note gone between listing and stat is left out, from either process's half.
    folder = str(vault_dir / "People")
    names = ["P0.md", "gone.md", "P1.md", "P2.md", "also gone.md", "P4.md"]
    stats = vault_module._stat_groups([(folder, names)], parallel=True)
    assert list(stats[2::3]) == [0, -1, 0, 0, -1, 0]
    assert list(stats[1::3]) == [0, 0, 1, 2, 0, 4]


@pytest.mark.parametrize("quick", [True, False])
def test_a_note_deleted_during_a_scan_is_left_out_and_its_folder_listed_again(
    vault_dir: Path, monkeypatch: pytest.MonkeyPatch, quick: bool
) -> None:
    """Listed by name alone (`quick`), the walk is made again; else the note is dropped."""
    import vaultkit.vault.files as vault_module

    for name in ("Ada", "Bob", "Cy"):
        write_note(vault_dir, f"People/{name}.md", f"# {name}\n")
    age_folders(vault_dir)
    real = vault_module._stat_groups

    def delete_first(groups, parallel):  # type: ignore[no-untyped-def]
        (vault_dir / "People" / "Bob.md").unlink(missing_ok=True)
        return real(groups, parallel)

    monkeypatch.setattr(vault_module, "_stat_groups", delete_first)
    scan = Vault(vault_dir).scan(quick=quick)
    assert scan.paths == [p for p in scan.paths if p != "People/Bob.md"] and len(scan.paths) == 2
    assert [f.rel_path for f in scan.files()] == scan.paths
    people = next(listing for listing in scan.listings if listing.prefix == "People/")
    assert people.mtime_ns == -1  # not to be trusted next time


def test_a_scan_names_what_it_leaves_out(vault_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Names that are not UTF-8 stay in their folder's listing (a reused listing still says
    them); a folder it cannot read is left out with why, and is not kept as a listing."""
    write_note(vault_dir, "People/Ada.md", "# Ada\n")
    write_note(vault_dir, "People/Private/Bob.md", "# Bob\n")
    people = os.fsencode(vault_dir / "People")
    for name in (b"Bad\xff.md", b"photo\xff.jpg", b".dot\xff.md", b"Old\xe9.MD"):
        (Path(os.fsdecode(people + b"/" + name))).write_text("# x\n")
    os.mkdir(people + b"/Folder\xfe")
    write_note(Path(os.fsdecode(people + b"/Folder\xfe")), "Cy.md", "# Cy\n")
    (vault_dir / "vaultkit.toml").write_text('exclude = ["People/Old*"]\n')
    age_folders(vault_dir)
    vault = Vault(vault_dir)
    first = vault.scan()
    assert sorted(first.paths) == ["People/Ada.md", "People/Private/Bob.md"]
    why_name = "the file name is not valid UTF-8: rename the file; note skipped"
    why_folder = "the folder name is not valid UTF-8: rename the folder; its notes are left out"
    assert first.left_out() == [("People/Bad\\xff.md", why_name), ("People/Folder\\xfe/", why_folder)]
    again = vault.scan(first.listings)
    assert all(new is old for new, old in zip(again.listings, first.listings, strict=True))
    assert again.left_out() == first.left_out()
    assert not vault.includes(os.fsdecode(b"People/Bad\xff.md"))
    # A folder whose notes it may not open (read but no search permission): left out, with why.
    private = str(vault_dir / "People" / "Private")
    real_open = os.open

    def denying_open(path: object, *args: object, **kwargs: object) -> int:
        if isinstance(path, str) and os.path.normpath(path) == private:
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denying_open)
    denied = vault.scan(again.listings)
    assert "People/Private/Bob.md" not in denied.paths
    assert denied.unreadable == [("People/Private/", "cannot be read (permission denied)")]
    assert (
        "People/Private/",
        "cannot be read (permission denied); its notes are left out",
    ) in denied.left_out()


def test_a_folder_listed_by_names_alone_still_finds_folders_and_links_named_md(vault_dir: Path) -> None:
    """Every name ends in `.md`, yet one is a folder and one a symlink: the quick listing's
    stats tell, and the walk finds what a listing with each entry's type finds."""
    for name in ("Ada", "Bob"):
        write_note(vault_dir, f"People/{name}.md", f"# {name}\n")
    write_note(vault_dir, "People/Club.md/Cy.md", "# Cy\n")
    os.symlink("Ada.md", vault_dir / "People" / "Twin.md")
    age_folders(vault_dir)
    quick, careful = Vault(vault_dir).scan(quick=True), Vault(vault_dir).scan(quick=False)
    assert sorted(quick.paths) == sorted(careful.paths)
    assert "People/Club.md/Cy.md" in quick.paths and "People/Twin.md" in quick.odd
    assert sorted(quick.files()) == sorted(careful.files())
    assert not any(listing.quick for listing in quick.listings)  # made again the careful way


def test_a_folder_of_plain_notes_is_listed_by_names_alone(vault_dir: Path) -> None:
    for name in ("Ada", "Bob"):
        write_note(vault_dir, f"People/{name}.md", f"# {name}\n")
    age_folders(vault_dir)
    scan = Vault(vault_dir).scan()
    people = next(listing for listing in scan.listings if listing.prefix == "People/")
    assert people.quick and sorted(people.names) == ["Ada.md", "Bob.md"]
    assert sorted(scan.files()) == sorted(Vault(vault_dir).scan(quick=False).files())


@pytest.mark.parametrize("whole_second", [False, True])
def test_a_folder_changed_lately_is_listed_again_by_the_resolution_of_its_time(
    vault_dir: Path, whole_second: bool
) -> None:
    """A folder whose mtime has fractions of a second and is a second old is trusted next
    time; a whole second less than a second old may be FAT's or HFS+'s: listed again."""
    write_note(vault_dir, "People/Ada.md", "# Ada\n")
    age_folders(vault_dir)
    now = time.time_ns()
    when = now // 10**9 * 10**9 if whole_second else now - 10**9 - 1
    os.utime(vault_dir / "People", ns=(when, when))
    people = next(listing for listing in Vault(vault_dir).scan().listings if listing.prefix == "People/")
    assert people.mtime_ns == (-1 if whole_second else when)


@pytest.mark.parametrize(
    "added",
    [
        "Zed.md",  # a plain note: only its name is looked at
        "photo.jpg",  # an attachment
        ".hidden.md",  # a dot file
        "Ada (conflicted copy 2026-11-20).md",  # a sync tool's copy
        "Zoe\u0308.md",  # a decomposed name
        "Sub.md/",  # a folder named like a note
    ],
)
def test_a_plain_folder_listed_again_looks_at_its_new_names(vault_dir: Path, added: str) -> None:
    """A folder whose stored names all looked plain is listed again by looking only at the
    names new since: what it finds is what a walk from nothing finds."""
    for name in ("Ada", "Bob", "Cy"):
        write_note(vault_dir, f"People/{name}.md", f"# {name}\n")
    age_folders(vault_dir)
    first = Vault(vault_dir).scan()
    people = next(listing for listing in first.listings if listing.prefix == "People/")
    assert people.plain
    if added.endswith("/"):
        (vault_dir / "People" / added).mkdir()
    else:
        (vault_dir / "People" / added).write_text("# new\n", encoding="utf-8")
    (vault_dir / "People" / "Bob.md").unlink()
    age_folders(vault_dir)
    again = Vault(vault_dir).scan(first.listings)
    fresh = Vault(vault_dir).scan()
    assert sorted(again.paths) == sorted(fresh.paths)
    assert sorted(f.rel_path for f in again.files()) == sorted(f.rel_path for f in fresh.files())
    relisted = next(listing for listing in again.listings if listing.prefix == "People/")
    assert relisted.plain == (added == "Zed.md")
    new = [
        n
        for n in next(each for each in fresh.listings if each.prefix == "People/").names
        if n not in people.names
    ]
    assert relisted.names == [n for n in people.names if n != "Bob.md"] + new  # (the stored order kept)


@pytest.mark.parametrize("size", [0, 5, 11, 12, 100_000])
def test_a_note_is_read_whole_whatever_its_stat_said(tmp_path: Path, size: int) -> None:
    """The cold index reads a note by its stat's size: it may have grown or shrunk since."""
    from vaultkit.vault.walk import read_note

    note = tmp_path / "Ada.md"
    for data in (b"", b"- 2026-11-20 call\n", b"x" * 200_000):
        note.write_bytes(data)
        assert read_note(str(note), size, 1 << 20) == data
        assert read_note(str(note), size, 7) == data[:7]  # never more than the limit
        assert read_note(str(note), size, 150_000) == data[:150_000]
