"""The quick commands: snooze, archive, unarchive, set, unset, open; each edits only its lines."""

from __future__ import annotations

import json
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


def test_a_snooze_that_changes_nothing_says_so_and_why(cli: Any, make_person: Any) -> None:
    # Each said "snoozed until 2026-12-04" as if it had moved when they are due. Only an
    # archived person's snooze changes nothing at all: any other leaves them out of
    # `vault suggest` till then (Free was losing touch, and suggest dropped them).
    make_person("Arch", cadence="1w", archived="true")
    make_person("Pro", cadence="1w", status="prospect")
    make_person("Free", tags="[friend]")
    make_person("Yearly", cadence="1y", last_contact="2026-10-01")
    make_person("Weekly", cadence="1w", last_contact="2026-11-10")
    make_person("Later", cadence="1w", last_contact="2026-11-10", snooze_until="2027-01-01")
    said = {
        name: cli("snooze", name, "2w", today="2026-11-20").stdout
        for name in ("Arch", "Pro", "Free", "Yearly", "Weekly", "Later")
    }
    assert said == {
        "Arch": "Arch: snoozed until 2026-12-04, which changes nothing (archived: never due nor suggested): "
        "People/Arch.md\n",
        "Pro": "Pro: snoozed until 2026-12-04, which moves no due date (a prospect: never due) but leaves "
        "them out of `vault suggest` till then: People/Pro.md\n",
        "Free": "Free: snoozed until 2026-12-04, which moves no due date (no cadence: never due) but leaves "
        "them out of `vault suggest` till then: People/Free.md\n",
        "Yearly": "Yearly: snoozed until 2026-12-04, which moves no due date (not due before 2027-10-01 "
        "anyway) but leaves them out of `vault suggest` till then: People/Yearly.md\n",
        "Weekly": "Weekly: snoozed until 2026-12-04: People/Weekly.md\n",
        # (A shorter snooze than the one there: it moves the day they are due, earlier.)
        "Later": "Later: snoozed until 2026-12-04: People/Later.md\n",
    }
    data = json.loads(cli("snooze", "Yearly", "2w", "--json", today="2026-11-20").stdout)
    assert (data["no_effect"], data["due_unchanged"]) == (None, "not due before 2027-10-01 anyway")
    assert (data["changed"], data["snooze_until"]) == (False, "2026-12-04")  # (and written all the same)
    weekly = json.loads(cli("snooze", "Weekly", "2w", "--json", today="2026-11-20").stdout)
    assert (weekly["no_effect"], weekly["due_unchanged"]) == (None, None)
    assert json.loads(cli("snooze", "Arch", "2w", "--json", today="2026-11-20").stdout)["no_effect"] == (
        "archived: never due nor suggested"
    )


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
    assert cli("archive", "Ada").stdout == (
        "Ada Lovelace: already archived; nothing changed: People/Ada Lovelace.md\n"
    )
    assert cli("unarchive", "Ada").stdout == "Ada Lovelace: unarchived: People/Ada Lovelace.md\n"
    assert "archived: false\r\n" in _text(note)
    assert _due(cli) == ["Ada Lovelace"]


def test_unarchive_reads_yamls_null_as_not_archived(cli: Any, vault_dir: Path) -> None:
    # It wrote `archived: false` over `archived: ~`, which the parser reads as no value.
    write_note(vault_dir, "People/P.md", "---\narchived: ~\n---\n# P\n")
    assert cli("unarchive", "P").stdout == "P: not archived; nothing changed: People/P.md\n"
    assert (vault_dir / "People/P.md").read_text(encoding="utf-8") == "---\narchived: ~\n---\n# P\n"


def test_archive_and_unarchive_compare_what_the_note_means_not_its_text(cli: Any, vault_dir: Path) -> None:
    note = _ada(vault_dir)
    # Never archived: nothing to bring back, and no `archived: false` written.
    unarchived = cli("unarchive", "Ada", "--json")
    ada = {"name": "Ada Lovelace", "path": "People/Ada Lovelace.md", "changed": False}
    assert json.loads(unarchived.stdout) == {**ada, "edited": [ada]}
    assert cli("unarchive", "Ada").stdout == (
        "Ada Lovelace: not archived; nothing changed: People/Ada Lovelace.md\n"
    )
    assert _text(note) == ADA
    # `yes` and `True` read as archived (`vault due` leaves them out): left as they are.
    for written in ("yes", "True", "'on'"):
        text = ADA.replace("---\r\n# Ada", f"archived: {written}\r\n---\r\n# Ada")
        write_note(vault_dir, "People/Ada Lovelace.md", text)
        assert _due(cli) == []
        assert cli("archive", "Ada").stdout == (
            "Ada Lovelace: already archived; nothing changed: People/Ada Lovelace.md\n"
        ), written
        assert _text(note) == text
    # `no` and an empty value read as not archived.
    for written in ("no", ""):
        text = ADA.replace("---\r\n# Ada", f"archived: {written}\r\n---\r\n# Ada".replace(" \r", "\r"))
        write_note(vault_dir, "People/Ada Lovelace.md", text)
        assert cli("unarchive", "Ada").stdout.startswith("Ada Lovelace: not archived; nothing changed"), (
            written
        )
        assert _text(note) == text
        assert cli("archive", "Ada").stdout == "Ada Lovelace: archived: People/Ada Lovelace.md\n"
        assert "archived: true\r\n" in _text(note)


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
    future = cli("set", "Ada", "met=2026-12-09", today="2026-12-01")
    assert (future.exit_code, future.stderr) == (
        2,
        "vault: met: 2026-12-09 is after today (2026-12-01): it records when you met\n",
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


def test_set_tags_takes_a_list_written_as_yaml(cli: Any, vault_dir: Path) -> None:
    """`tags=[person, network]` was written `["[person", "network]"]`."""
    note = _ada(vault_dir)
    assert cli("set", "Ada", "tags=[person, network]").exit_code == 0
    assert _text(note) == ADA.replace("tags:\r\n  - person\r\n  - mentor\r\n", "tags: [person, network]\r\n")
    assert cli("set", "Ada", 'aliases=["Lovelace, Ada", Countess]').exit_code == 0
    assert json.loads(cli("show", "Ada", "--json").stdout)["aliases"] == ["Lovelace, Ada", "Countess"]
    before = note.read_bytes()
    for value, shown in (("[[a], b]", "'[[a], b]'"), ("[a: 1]", "'[a: 1]'")):
        result = cli("set", "Ada", f"tags={value}")
        assert (result.exit_code, result.stderr) == (
            2,
            f"vault: tags: {shown} is not a list of texts: write it as one, two or [one, two]\n",
        )
        assert note.read_bytes() == before
    # A bracket out of place was written as part of a tag: `["[a", b]`, `[a, "[b]"]`.
    for key, value in (("tags", "[a, b"), ("tags", "a, [b]"), ("tags", "[a, [b"), ("aliases", "Bo]b")):
        result = cli("set", "Ada", f"{key}={value}")
        assert (result.exit_code, result.stderr) == (
            2,
            f"vault: {key}: {value!r} has a bracket out of place: write it as one, two or [one, two]\n",
        )
        assert note.read_bytes() == before


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
    # Not a usage error: something to set up (exit 1, as for a missing opener below).
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == (
        f"vault: {vault_dir} is not an Obsidian vault (no .obsidian/) and neither $VISUAL nor $EDITOR "
        "is set: set one, or open People/Zoë Müller.md yourself\n"
    )
    # An Obsidian vault: the obsidian:// link, opened by the desktop's opener.
    (vault_dir / ".obsidian").mkdir()
    uri = "obsidian://open?vault=vault&file=People%2FZo%C3%AB%20M%C3%BCller.md"
    assert cli("open", "Zoë", "--print").stdout == uri + "\n"
    # No opener on this system: said as `vault meet --open` says it.
    monkeypatch.setenv("PATH", str(tmp_path / "nothing here"))
    missing = cli("open", "Zoë")
    assert (missing.exit_code, missing.stdout) == (1, "")
    assert missing.stderr == (
        "vault: cannot open People/Zoë Müller.md: there is no `xdg-open` on this system; open it yourself\n"
    )
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > "{record}"\n', encoding="utf-8")
    opener.chmod(opener.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{opener.parent}")
    opened = cli("open", "Zoë")
    assert opened.stdout == "Opened Zoë Müller in Obsidian: People/Zoë Müller.md\n"
    # The opener runs on its own (a desktop app may not return): wait for what it wrote.
    deadline = time.monotonic() + 20
    while record.read_text(encoding="utf-8") != uri + "\n" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert record.read_text(encoding="utf-8") == uri + "\n"


def test_set_unset_and_snooze_take_several_people_as_log_does(cli: Any, vault_dir: Path) -> None:
    """`vault set "A,B" ...` said `nobody called 'A,B'`; `vault log` takes the list."""
    ada = _ada(vault_dir)
    bob = write_note(vault_dir, "People/Bob Stone.md", "---\ncadence: 2w\n---\n# Bob Stone\n")
    result = cli("set", "Ada Lovelace,Bob", "cadence=2m")
    assert (result.exit_code, result.stdout) == (
        0,
        "Ada Lovelace: set cadence: People/Ada Lovelace.md\nBob Stone: set cadence: People/Bob Stone.md\n",
    )
    assert _text(ada) == ADA.replace("cadence: 1m", "cadence: 2m")
    assert bob.read_text(encoding="utf-8") == "---\ncadence: 2m\n---\n# Bob Stone\n"
    result = cli("snooze", "Ada, Bob", "2026-12-24")
    assert result.stdout == (
        "Ada Lovelace: snoozed until 2026-12-24: People/Ada Lovelace.md\n"
        "Bob Stone: snoozed until 2026-12-24: People/Bob Stone.md\n"
    )
    result = cli("unset", "Bob,Ada", "snooze_until")
    assert result.stdout == (
        "Bob Stone: removed snooze_until: People/Bob Stone.md\n"
        "Ada Lovelace: removed snooze_until: People/Ada Lovelace.md\n"
    )
    assert _text(ada) == ADA.replace("cadence: 1m", "cadence: 2m")
    # Every note is checked before any is written: nobody unknown, no note that would not read back.
    before = (ada.read_bytes(), bob.read_bytes())
    unknown = cli("set", "Ada,Nobody", "cadence=3m")
    assert unknown.exit_code == 1 and "nobody called 'Nobody'" in unknown.stderr
    full = "---\ncadence: 2w\nbio: " + "x" * 65518 + "\n---\n# Bob Stone\n"  # (front matter at 64 KiB)
    bob.write_text(full, encoding="utf-8")
    broken = cli("set", "Ada,Bob Stone", "city=Paris")
    assert (broken.exit_code, broken.stderr) == (
        1,
        "vault: People/Bob Stone.md:1: front matter is over 64 KiB after this change; the note was not changed\n",
    )
    assert (ada.read_bytes(), bob.read_text(encoding="utf-8")) == (before[0], full)
    # An alias is one person's.
    shared = cli("set", "Ada,Bob Stone", "aliases=Friend")
    assert (shared.exit_code, shared.stderr) == (
        2,
        "vault: aliases: an alias is one person's, and 'Ada,Bob Stone' names 2: set them one by one\n",
    )


def test_keys_written_in_quotes_are_edited_where_they_are(cli: Any, vault_dir: Path) -> None:
    """`"cadence": 1m` got a second `cadence: 2w` line (`vault check`: set twice), and
    `vault unset` said the note had no `'company'`."""
    note = write_note(
        vault_dir,
        "People/Quinn.md",
        '---\n"cadence": 1m\n"last_contact": 2026-01-01\n\'company\': Acme\n---\n## Log\n',
    )
    assert cli("log", "Quinn", "coffee").exit_code == 0
    assert cli("set", "Quinn", "cadence=2w").exit_code == 0
    result = cli("unset", "Quinn", "company")
    assert result.stdout == "Quinn: removed company: People/Quinn.md\n"
    assert _text(note) == '---\n"cadence": 2w\n"last_contact": 2026-11-22\n---\n## Log\n- 2026-11-22 coffee\n'
    assert cli("check").stdout == "No problems found.\n"


def test_a_front_matter_without_keys_at_the_margin_is_refused_in_its_own_words(
    cli: Any, vault_dir: Path
) -> None:
    """`vault set` on `  company: Acme` said "People/Ind.md:4: invalid YAML in front matter:
    did not find expected <document start> after this change", a line of the text it would
    have written."""
    indented = write_note(vault_dir, "People/Ind.md", "---\n  company: Acme\n  cadence: 1m\n---\n")
    flow = write_note(
        vault_dir, "People/Flowmap.md", "---\n# mine\n{company: Acme, cadence: 1m}\n---\n## Log\n"
    )
    result = cli("set", "Ind", "cadence=2w")
    assert (result.exit_code, result.stderr) == (
        1,
        "vault: People/Ind.md:2: its front matter is indented, which vaultkit does not edit: "
        "write one key a line at the left margin; the note was not changed\n",
    )
    result = cli("log", "Flowmap", "hi")
    assert (result.exit_code, result.stderr) == (
        1,
        "vault: People/Flowmap.md:3: its front matter is one {…} mapping, which vaultkit does not edit: "
        "write one key a line at the left margin; the note was not changed\n",
    )
    assert indented.read_text(encoding="utf-8") == "---\n  company: Acme\n  cadence: 1m\n---\n"
    assert flow.read_text(encoding="utf-8") == "---\n# mine\n{company: Acme, cadence: 1m}\n---\n## Log\n"


def test_set_and_unset_say_only_what_changed(cli: Any, make_person: Any) -> None:
    """`vault unset Alice company nosuch` said "removed company, nosuch"; `vault set Alice
    role=CEO company=Q2` said "set role, company" when her role was CEO already."""
    make_person("Alice", role="CEO", company="Acme")
    result = cli("set", "Alice", "role=CEO", "company=Q2")
    assert result.stdout == "Alice: set company (role was already CEO): People/Alice.md\n"
    result = cli("unset", "Alice", "company", "nosuch", "--json")
    assert json.loads(result.stdout)["edited"] == [
        {
            "name": "Alice",
            "path": "People/Alice.md",
            "changed": True,
            "changed_keys": ["company"],
            "unchanged_keys": ["nosuch"],
        }
    ]
    result = cli("unset", "Alice", "role", "nosuch")
    assert result.stdout == "Alice: removed role (had no nosuch): People/Alice.md\n"
    result = cli("unset", "Alice", "role", "nosuch")
    assert result.stdout == "Alice has none of role, nosuch; nothing changed: People/Alice.md\n"


def test_unset_of_a_key_it_cannot_find_on_a_line_is_refused(cli: Any, vault_dir: Path) -> None:
    """`vault unset Ind company` said "Ind has none of company" of an indented `  company: Acme`."""
    write_note(vault_dir, "People/Ind.md", "---\n  company: Acme\n---\n")
    result = cli("unset", "Ind", "company")
    assert (result.exit_code, result.stderr) == (
        1,
        "vault: People/Ind.md:2: its front matter is indented, which vaultkit does not edit: "
        "write one key a line at the left margin; the note was not changed\n",
    )
