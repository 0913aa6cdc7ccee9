"""`vault today`: today's reach-outs in the daily note, once, and the ticked box as a contact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import write_note


def people(vault: Path) -> None:
    write_note(
        vault,
        "People/Ada Lovelace.md",
        "---\ncadence: 1m\n---\n# Ada\n## Log\n- 2026-10-02 coffee: talked about her paper and [[Mary Somerville]]\n",
    )
    write_note(
        vault, "People/Mary Somerville.md", "---\ncadence: 1y\nlast_contact: 2026-11-01\n---\n# Mary\n"
    )
    write_note(vault, "People/Yuki Tanaka.md", "---\ncadence: 2w\n---\n# Yuki\n")
    write_note(vault, "People/Tom.md", "---\ncadence: 2w\nlast_contact: 2026-11-01\n---\n# Tom\n")


def test_without_a_daily_note_it_says_so_and_makes_none(cli: Any, vault_dir: Path) -> None:
    people(vault_dir)
    result = cli("today")
    assert result.exit_code == 1
    assert result.stderr == (
        "vault: there is no daily note for 2026-11-22 (Daily/2026-11-22.md): make it in Obsidian, "
        "or run `vault today --create`\n"
    )
    assert not (vault_dir / "Daily").exists()


def test_adds_the_section_once_keeping_the_note(cli: Any, vault_dir: Path) -> None:
    people(vault_dir)
    note = vault_dir / "Daily" / "2026-11-22.md"
    note.parent.mkdir()
    note.write_bytes(b"---\r\ntags: [daily]\r\n---\r\n# Sunday\r\nSlept in.")  # no final newline
    result = cli("today")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Daily/2026-11-22.md: added 3 people to reach out to.\n"
    assert note.read_bytes() == (
        b"---\r\ntags: [daily]\r\n---\r\n# Sunday\r\nSlept in.\r\n\r\n## Reach out\r\n"
        b"- [ ] [[Yuki Tanaka]]: never contacted\r\n"
        b"- [ ] [[Ada Lovelace]]: last coffee 2026-10-02, talked about her paper and Mary Somerville\r\n"
        b"- [ ] [[Tom]]: last contact 2026-11-01\r\n"
    )
    before = note.read_bytes()
    again = cli("today")
    assert again.stdout == "Daily/2026-11-22.md already has a Reach out section; nothing changed.\n"
    assert note.read_bytes() == before


def test_ticking_a_box_makes_the_daily_note_a_contact(cli: Any, vault_dir: Path) -> None:
    people(vault_dir)
    assert cli("today", "--create").exit_code == 0
    due = [item["name"] for item in json.loads(cli("due", "--json").stdout)["due"]]
    assert due == ["Yuki Tanaka", "Ada Lovelace", "Tom"]
    note = vault_dir / "Daily" / "2026-11-22.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("- [ ] [[Ada Lovelace]]", "- [x] [[Ada Lovelace]]"), encoding="utf-8")
    data = json.loads(cli("due", "--json").stdout)
    assert [item["name"] for item in data["due"]] == ["Yuki Tanaka", "Tom"]
    shown = json.loads(cli("show", "Ada", "--json").stdout)
    assert shown["last_contact"] == "2026-11-22"
    # The reason's link became words: Mary got no contact from Ada's ticked box.
    mary = json.loads(cli("show", "Mary Somerville", "--json").stdout)
    assert mary["last_contact"] == "2026-11-01"


def test_a_ticked_reach_out_is_a_contact_that_says_so(cli: Any, vault_dir: Path) -> None:
    # Its text is vaultkit's reminder (quoting the last interaction): shown as the last
    # interaction, then quoted by the next reach-out, it would nest deeper each time.
    people(vault_dir)
    assert cli("today", "--create").exit_code == 0
    note = vault_dir / "Daily" / "2026-11-22.md"
    text = note.read_text(encoding="utf-8")
    text = text.replace("- [ ] [[Ada Lovelace]]", "- [x] [[Ada Lovelace]]")
    note.write_text(text + "\n## Done\n- [x] lunch with [[Tom]] 📅 2026-11-22\n", encoding="utf-8")
    ada = json.loads(cli("show", "Ada", "--json").stdout)["interactions"]
    assert [(i["date"], i["channel"], i["text"]) for i in ada] == [
        ("2026-11-22", None, "reached out"),
        ("2026-10-02", "coffee", "talked about her paper and [[Mary Somerville]]"),
    ]
    # A ticked task elsewhere in the note is its own text, without the box.
    tom = json.loads(cli("show", "Tom", "--json").stdout)["interactions"]
    assert [i["text"] for i in tom] == ["lunch with [[Tom]] 📅 2026-11-22"]
    assert cli("set", "Ada", "cadence=1d").exit_code == 0
    assert cli("today", "--create", today="2026-11-24").exit_code == 0
    later = (vault_dir / "Daily" / "2026-11-24.md").read_text(encoding="utf-8")
    assert "- [ ] [[Ada Lovelace]]: last contact 2026-11-22, reached out\n" in later


def test_a_ticked_reach_out_the_user_rewrote_keeps_their_words(cli: Any, vault_dir: Path) -> None:
    # They were lost: `- [x] [[Tom]]: rang him about the twins` read `reached out`.
    people(vault_dir)
    assert cli("today", "--create").exit_code == 0
    note = vault_dir / "Daily" / "2026-11-22.md"
    text = note.read_text(encoding="utf-8")
    text = text.replace("- [ ] [[Tom]]: last contact 2026-11-01", "- [x] [[Tom]]: rang him about the twins")
    note.write_text(text.replace("- [ ] [[Yuki Tanaka]]", "- [x] [[Yuki Tanaka]]"), encoding="utf-8")
    shown = {
        name: json.loads(cli("show", name, "--json").stdout)["interactions"][0]["text"]
        for name in ("Tom", "Yuki Tanaka")
    }
    assert shown == {"Tom": "[[Tom]]: rang him about the twins", "Yuki Tanaka": "reached out"}


def test_limit_and_more(cli: Any, vault_dir: Path) -> None:
    people(vault_dir)
    result = cli("today", "--create", "--limit", "1")
    assert (
        result.stdout
        == "Daily/2026-11-22.md: added 1 person to reach out to (2 more are due: `vault due`).\n"
    )
    assert (vault_dir / "Daily" / "2026-11-22.md").read_text(encoding="utf-8") == (
        "## Reach out\n- [ ] [[Yuki Tanaka]]: never contacted\n- and 2 more: `vault due`\n"
    )
    data = json.loads(cli("today", "--json").stdout)
    assert data == {"path": "Daily/2026-11-22.md", "outcome": "present", "people": [], "more": 0}


def test_nobody_due_writes_nothing(cli: Any, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada.md", "---\ncadence: 1m\nlast_contact: 2026-11-20\n---\n# Ada\n")
    result = cli("today", "--create")
    assert result.exit_code == 0
    assert result.stdout == "Nobody is due. Enjoy your day. (Daily/2026-11-22.md was not made.)\n"
    assert not (vault_dir / "Daily" / "2026-11-22.md").exists()
    note = write_note(vault_dir, "Daily/2026-11-22.md", "# Sunday\n")
    result = cli("today")
    assert result.stdout == "Nobody is due. Enjoy your day. (Daily/2026-11-22.md was not changed.)\n"
    assert note.read_text(encoding="utf-8") == "# Sunday\n"


def test_a_daily_note_in_a_folder_of_the_daily_folder_is_todays(cli: Any, vault_dir: Path) -> None:
    """Obsidian's `YYYY/MM/YYYY-MM-DD` format: the note it made is the one written to; no
    second daily note is made beside it."""
    people(vault_dir)
    write_note(vault_dir, "Daily/2026/11/2026-11-22.md", "# Sunday\n")
    result = cli("today", "--create")
    assert result.stdout == "Daily/2026/11/2026-11-22.md: added 3 people to reach out to.\n"
    assert "## Reach out\n- [ ] [[Yuki Tanaka]]" in (vault_dir / "Daily/2026/11/2026-11-22.md").read_text()
    assert not (vault_dir / "Daily/2026-11-22.md").exists()


def test_check_names_obsidian_daily_notes_that_vaultkit_would_not_read(cli: Any, vault_dir: Path) -> None:
    people(vault_dir)
    settings = vault_dir / ".obsidian" / "daily-notes.json"
    settings.parent.mkdir()
    settings.write_text('{"folder": "Journal/", "format": "YYYY-MM-DD dddd"}', encoding="utf-8")
    lines = cli("check").stdout.splitlines()
    assert (
        ".obsidian/daily-notes.json: warning: Obsidian makes daily notes in Journal/, and vaultkit reads "
        'them in Daily/: set daily_dir = "Journal" in vaultkit.toml'
    ) in lines
    assert any(
        line.startswith(".obsidian/daily-notes.json: warning: Obsidian names daily notes YYYY-MM-DD dddd")
        for line in lines
    )
    settings.write_text('{"folder": "Daily", "format": "YYYY/MM/YYYY-MM-DD"}', encoding="utf-8")
    assert cli("check").stdout == "No problems found.\n"


def test_a_limit_larger_than_any_list(cli: Any, vault_dir: Path) -> None:
    people(vault_dir)
    result = cli("today", "--create", "--limit", "9223372036854775808")
    assert (result.exit_code, result.stdout) == (0, "Daily/2026-11-22.md: added 3 people to reach out to.\n")


def test_a_daily_note_vaultkit_cannot_read_is_not_written(cli: Any, vault_dir: Path) -> None:
    """Its boxes would never count: the note is skipped for its YAML."""
    people(vault_dir)
    note = write_note(vault_dir, "Daily/2026-11-22.md", "---\ntags: [daily\n---\n# Today\n")
    before = note.read_bytes()
    result = cli("today")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("vault: Daily/2026-11-22.md:")
    assert result.stderr.endswith("; the note was not changed\n")
    assert note.read_bytes() == before
