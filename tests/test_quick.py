"""The quick commands: snooze, archive, unarchive, set, unset, open; each edits only its lines."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from conftest import write_note

ADA = (
    "---\r\n"
    "aliases: [Ada]   # what I call her\r\n"
    "cadence: 1m\r\n"
    "company: 'Analytical Engines'\r\n"
    "tags:\r\n"
    "  - person\r\n"
    "  - mentor\r\n"
    "last_contact: 2026-10-02\r\n"
    "---\r\n"
    "# Ada Lovelace\r\n"
)


def _ada(vault: Path) -> Path:
    return write_note(vault, "People/Ada Lovelace.md", ADA)


def _text(note: Path) -> str:
    return note.read_bytes().decode("utf-8")  # CRLF as it is on disk


def _due(cli: Any) -> list[str]:
    return [item["name"] for item in json.loads(cli("due", "--json").stdout)["due"]]


def test_snooze_by_span_or_date_adds_one_line(cli: Any, vault_dir: Path) -> None:
    note = _ada(vault_dir)
    assert _due(cli) == ["Ada Lovelace"]
    result = cli("snooze", "ada", "2w")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Ada Lovelace: snoozed until 2026-12-06: People/Ada Lovelace.md\n"
    assert (
        note.read_bytes()
        == ADA.replace(
            "last_contact: 2026-10-02\r\n", "last_contact: 2026-10-02\r\nsnooze_until: 2026-12-06\r\n"
        ).encode()
    )
    assert _due(cli) == []
    assert cli("snooze", "Ada", "2026-12-24").exit_code == 0
    assert "snooze_until: 2026-12-24\r\n" in _text(note)
    assert _text(note).count("snooze_until") == 1


def test_snooze_refuses_the_past_and_nonsense(cli: Any, vault_dir: Path) -> None:
    note = _ada(vault_dir)
    past = cli("snooze", "Ada", "2026-11-01")
    assert past.exit_code == 2
    assert past.stderr == "vault: 2026-11-01 is not after today (2026-11-22): a snooze ends in the future\n"
    bad = cli("snooze", "Ada", "soon")
    assert bad.stderr == "vault: 'soon' is neither a date (YYYY-MM-DD) nor a span like 2w or 1m\n"
    assert cli("snooze", "Nobody", "2w").exit_code == 1
    # A span that ends after the calendar's last day is said to, not held at 9999-12-31.
    for today, span in (("9999-12-31", "2w"), ("9999-12-20", "1m"), ("9999-01-01", "1y")):
        late = cli("snooze", "Ada", span, today=today)
        assert (late.exit_code, late.stderr) == (
            2,
            f"vault: {span} from {today} is past the last date vaultkit can write\n",
        )
    assert cli("snooze", "Ada", "2w", today="9999-12-17").exit_code == 0  # ends on the last day
    assert "snooze_until: 9999-12-31\r\n" in _text(note)


def test_archive_and_unarchive(cli: Any, vault_dir: Path) -> None:
    note = _ada(vault_dir)
    assert cli("archive", "Ada").stdout == "Ada Lovelace: archived: People/Ada Lovelace.md\n"
    assert _text(note) == ADA.replace("---\r\n# Ada", "archived: true\r\n---\r\n# Ada")
    assert _due(cli) == []
    assert cli("archive", "Ada").stdout == "Ada Lovelace: already archived: People/Ada Lovelace.md\n"
    assert cli("unarchive", "Ada").stdout == "Ada Lovelace: unarchived: People/Ada Lovelace.md\n"
    assert "archived: false\r\n" in _text(note)
    assert _due(cli) == ["Ada Lovelace"]


def test_set_changes_only_those_lines(cli: Any, vault_dir: Path) -> None:
    note = _ada(vault_dir)
    result = cli("set", "Ada", "company=Babbage & Co", "location=London: Marylebone", "cadence=2w")
    assert result.stdout == "Ada Lovelace: set company, location, cadence: People/Ada Lovelace.md\n"
    assert _text(note) == (
        ADA.replace("cadence: 1m", "cadence: 2w")
        .replace("company: 'Analytical Engines'", "company: 'Babbage & Co'")  # its quotes kept
        .replace("---\r\n# Ada", 'location: "London: Marylebone"\r\n---\r\n# Ada')
    )
    shown = json.loads(cli("show", "Ada", "--json").stdout)
    assert shown["fields"]["location"] == "London: Marylebone"
    before = note.read_bytes()
    bad = cli("set", "Ada", "cadence=often")
    assert bad.exit_code == 2 and bad.stderr.startswith("vault: cadence: 'often' is not a cadence")
    assert cli("set", "Ada", "last_contact=yesterday").exit_code == 2
    future = cli("set", "Ada", "last_contact=2026-12-09", today="2026-12-01")
    assert future.exit_code == 2
    assert future.stderr == (
        "vault: last_contact: 2026-12-09 is after today (2026-12-01): it records a contact that happened\n"
    )
    assert cli("set", "Ada", "birthday=--02-30").exit_code == 2
    assert cli("set", "Ada", "archived=maybe").exit_code == 2
    assert cli("set", "Ada", "bad key=1").exit_code == 2
    assert cli("set", "Ada", "novalue").exit_code == 2
    assert note.read_bytes() == before


def test_set_tags_writes_a_list(cli: Any, vault_dir: Path) -> None:
    # As one text, `tags: friend, #mentor` would read back as the single tag "friend, #mentor".
    note = _ada(vault_dir)
    assert cli("set", "Ada", "tags=friend, #mentor,").exit_code == 0
    assert _text(note) == ADA.replace("tags:\r\n  - person\r\n  - mentor\r\n", "tags: [friend, mentor]\r\n")
    assert json.loads(cli("show", "Ada", "--json").stdout)["tags"] == ["friend", "mentor"]


def test_set_aliases_writes_a_list_and_takes_nobody_elses_name(cli: Any, vault_dir: Path) -> None:
    note = _ada(vault_dir)
    write_note(vault_dir, "People/Charles Babbage.md", "---\naliases: [Charles]\n---\n")
    for taken in ("Countess, charles", "Charles Babbage"):
        refused = cli("set", "Ada", f"aliases={taken}")
        assert refused.exit_code == 1
        assert "is already a name or alias in the vault: People/Charles Babbage.md" in refused.stderr
        assert _text(note) == ADA
    # Her own name and her own alias are hers to keep.
    assert cli("set", "Ada", "aliases=Countess, Ada, Ada Lovelace,").exit_code == 0
    assert _text(note) == ADA.replace("aliases: [Ada]", "aliases: [Countess, Ada, Ada Lovelace]")
    assert json.loads(cli("show", "Countess", "--json").stdout)["aliases"] == [
        "Countess",
        "Ada",
        "Ada Lovelace",
    ]


def test_set_and_unset_never_make_a_person_vanish(cli: Any, vault_dir: Path) -> None:
    note = _ada(vault_dir)
    bob = write_note(vault_dir, "Contacts/Bob.md", "---\ntype: person\n---\n# Bob\n")
    refused = cli("set", "Ada", "type=company")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == (
        "vault: type=company would make People/Ada Lovelace.md a note that is not a person's; "
        "edit the note itself to mean that\n"
    )
    assert cli("unset", "Bob", "type").stderr.startswith("vault: removing type would make Contacts/Bob.md")
    assert (_text(note), bob.read_text(encoding="utf-8")) == (ADA, "---\ntype: person\n---\n# Bob\n")
    # Under the people folder a person needs no type: setting one, or removing it, is theirs to do.
    assert cli("set", "Ada", "type=Person").exit_code == 0
    assert cli("unset", "Ada", "type").exit_code == 0
    assert _text(note) == ADA


def test_unset_removes_the_key_and_its_block(cli: Any, vault_dir: Path) -> None:
    note = _ada(vault_dir)
    result = cli("unset", "Ada", "tags", "cadence")
    assert result.stdout == "Ada Lovelace: removed tags, cadence: People/Ada Lovelace.md\n"
    assert _text(note) == ADA.replace("cadence: 1m\r\n", "").replace(
        "tags:\r\n  - person\r\n  - mentor\r\n", ""
    )
    again = cli("unset", "Ada", "tags")
    assert again.stdout == "Ada Lovelace has none of tags; nothing changed: People/Ada Lovelace.md\n"


def test_a_note_vaultkit_cannot_read_is_never_written(cli: Any, vault_dir: Path) -> None:
    _ada(vault_dir)
    note = write_note(vault_dir, "People/Ada Lovelace.md", ADA.replace("cadence: 1m", "cadence: [1m"))
    before = note.read_bytes()
    assert cli("archive", "Ada").exit_code == 1
    assert note.read_bytes() == before


def test_open_in_obsidian_or_the_editor(cli: Any, vault_dir: Path, tmp_path: Path, monkeypatch: Any) -> None:
    write_note(vault_dir, "People/Zoë Müller.md", "# Zoë\n")
    # No .obsidian/: $VISUAL or $EDITOR, run for real with the note's path.
    record = tmp_path / "args.txt"
    editor = tmp_path / "editor"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n', encoding="utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{editor} --wait")
    assert cli("open", "zoe").exit_code == 0  # NAME matching ignores accents
    assert record.read_text(encoding="utf-8") == f"--wait\n{vault_dir / 'People' / 'Zoë Müller.md'}\n"
    monkeypatch.delenv("EDITOR")
    refused = cli("open", "Zoë")
    assert refused.exit_code == 2 and "neither $VISUAL nor $EDITOR is set" in refused.stderr
    # An Obsidian vault: the obsidian:// link, opened by the desktop's opener.
    (vault_dir / ".obsidian").mkdir()
    uri = "obsidian://open?vault=vault&file=People%2FZo%C3%AB%20M%C3%BCller.md"
    assert cli("open", "Zoë", "--print").stdout == uri + "\n"
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > "{record}"\n', encoding="utf-8")
    opener.chmod(opener.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{opener.parent}{os.pathsep}{os.environ['PATH']}")
    opened = cli("open", "Zoë")
    assert opened.stdout == "Opened Zoë Müller in Obsidian: People/Zoë Müller.md\n"
    # The opener runs on its own (a desktop app may not return): wait for what it wrote.
    deadline = time.monotonic() + 20
    while record.read_text(encoding="utf-8") != uri + "\n" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert record.read_text(encoding="utf-8") == uri + "\n"
