"""`vault render` and the Due view; the `followups` and `birthdays` of `vault due --json`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_note


@pytest.fixture
def small_vault(vault_dir: Path, make_person: Callable[..., Path]) -> Path:
    """People due, coming due, with birthdays and follow-ups, as of 2026-11-22."""
    # Due.md is what these tests follow; Network.md is tested in test_network.py.
    (vault_dir / "vaultkit.toml").write_text('[views]\nnetwork = ""\n', encoding="utf-8")
    make_person(
        "Ada Lovelace",
        body=(
            "## Notes\n"
            "- [ ] Send her the paper 📅 2026-11-20\n"
            "- [ ] Plan the lecture 📅 2026-11-30\n"
            "- [x] Return the book 📅 2026-11-01\n"
            "- [ ] Call about today 📅 2026-11-22\n"
            "- [ ] Someday, no date\n"
            "## Log\n- 2026-10-02 coffee: talked about her paper\n"
        ),
        cadence="1m",
    )
    make_person("Charles Babbage", cadence="2w", last_contact="2026-11-12")
    make_person("Mary Somerville", birthday="--12-10")
    make_person("Grace Hopper", birthday="1906-12-09", cadence="1y", last_contact="2026-06-01")
    make_person("Alan Turing", birthday="--12-22")
    make_person("Kurt Gödel", birthday="--12-23")
    make_person("Emmy Noether", birthday="--11-23", archived="true", cadence="1w")
    make_person("Yuki Tanaka", cadence="monthly")
    write_note(
        vault_dir,
        "Meetings/2026-09-01 Analytical Engine.md",
        '---\npeople: ["[[Ada Lovelace]]", "[[Charles Babbage]]"]\n---\n'
        "- [ ] Draft the minutes [[Ada Lovelace]] 📅 2026-11-10\n",
    )
    return vault_dir


DUE_BLOCK = """\
<!-- vaultkit:due -->
*As of 2026-11-22.*

## Due now
- [[Yuki Tanaka]]: never contacted, every month
- [[Ada Lovelace]]: last: coffee 2026-10-02, every month, 20 days over

## Coming up in the next 7 days
- [[Charles Babbage]] on 2026-11-26: last: 2026-11-12, every 2 weeks, due in 4 days

## Birthdays in the next 30 days
- [[Grace Hopper]]: 2026-12-09, in 17 days (turns 120)
- [[Mary Somerville]]: 2026-12-10, in 18 days
- [[Alan Turing]]: 2026-12-22, in 30 days

## Overdue follow-ups
- [[Ada Lovelace]], [[Charles Babbage]]: Draft the minutes [[Ada Lovelace]] (due 2026-11-10, 12 days over; in [[2026-09-01 Analytical Engine]])
- [[Ada Lovelace]]: Send her the paper (due 2026-11-20, 2 days over)
<!-- /vaultkit:due -->
"""


def test_render_creates_due_md(cli, small_vault: Path) -> None:
    result = cli("render")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Due.md: updated\n"
    assert (small_vault / "Due.md").read_text(encoding="utf-8") == DUE_BLOCK


def test_render_again_does_not_touch_the_file(cli, small_vault: Path) -> None:
    cli("render")
    due = small_vault / "Due.md"
    before = due.stat()
    result = cli("render", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "views": [{"name": "due", "path": "Due.md", "written": False}],
        "last_contact_moved": [],
    }
    after = due.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_text_around_the_block_is_kept_byte_for_byte(cli, small_vault: Path) -> None:
    head = "\ufeff# Due\r\n\r\nMy own words, kept.\r\n\r\n"
    tail = "\r\n## Also mine\r\n- [ ] a task of mine\r\n"
    old_block = "<!-- vaultkit:due -->\r\nstale\r\n<!-- /vaultkit:due -->\r\n"
    (small_vault / "Due.md").write_bytes((head + old_block + tail).encode("utf-8"))
    assert cli("render").stdout == "Due.md: updated\n"
    data = (small_vault / "Due.md").read_bytes().decode("utf-8")
    assert data == head + DUE_BLOCK.replace("\n", "\r\n") + tail


def test_a_new_day_changes_the_view(cli, small_vault: Path) -> None:
    cli("render")
    result = cli("render", today="2026-11-23")
    assert result.stdout == "Due.md: updated\n"
    text = (small_vault / "Due.md").read_text(encoding="utf-8")
    assert "*As of 2026-11-23.*" in text
    assert "- [[Ada Lovelace]]: last: coffee 2026-10-02, every month, 21 days over\n" in text
    assert "- [[Emmy Noether]]" not in text  # archived: no reminder, no birthday


def test_configured_path_and_user_template(cli, small_vault: Path) -> None:
    (small_vault / "vaultkit.toml").write_text(
        '[views]\ndue = "Views/Reach out.md"\nnetwork = ""\n', encoding="utf-8"
    )
    write_note(
        small_vault,
        "Templates/vaultkit/due.md.j2",
        "{% for item in due %}{{ item.name }} ({{ item.days_overdue }})\n{% endfor %}",
    )
    result = cli("render")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Views/Reach out.md: updated\n"
    assert (small_vault / "Views/Reach out.md").read_text(encoding="utf-8") == (
        "<!-- vaultkit:due -->\nYuki Tanaka (None)\nAda Lovelace (20)\n<!-- /vaultkit:due -->\n"
    )
    assert not (small_vault / "Due.md").exists()


def test_views_switched_off(cli, small_vault: Path) -> None:
    (small_vault / "vaultkit.toml").write_text('[views]\ndue = ""\nnetwork = ""\n', encoding="utf-8")
    result = cli("render")
    assert result.exit_code == 0
    assert result.stdout == "No views to render: set their paths under [views] in vaultkit.toml.\n"
    assert not (small_vault / "Due.md").exists()


def test_a_broken_user_template_is_one_line(cli, small_vault: Path) -> None:
    write_note(small_vault, "Templates/vaultkit/due.md.j2", "line one\n{{ nobody_knows_me }}\n")
    result = cli("render")
    assert result.exit_code == 1
    template = small_vault / "Templates/vaultkit/due.md.j2"
    assert result.stderr == f"vault: template {template}:2: 'nobody_knows_me' is undefined\n"
    assert not (small_vault / "Due.md").exists()


def test_an_unreadable_due_md_is_not_overwritten(cli, small_vault: Path) -> None:
    (small_vault / "Due.md").write_bytes(b"\xff\xfe not utf-8\n")
    result = cli("render")
    assert result.exit_code == 1
    assert result.stderr == "vault: Due.md:1: note is not UTF-8 text; the view was not written\n"
    assert (small_vault / "Due.md").read_bytes() == b"\xff\xfe not utf-8\n"


def test_people_sharing_a_name_get_path_links(cli, vault_dir: Path, make_person) -> None:
    make_person("Sam Lee", cadence="1w")
    make_person("Sam Lee", folder="People/Work", cadence="1w")
    cli("render")
    text = (vault_dir / "Due.md").read_text(encoding="utf-8")
    assert "- [[People/Sam Lee|Sam Lee]]: never contacted, every week\n" in text
    assert "- [[People/Work/Sam Lee|Sam Lee]]: never contacted, every week\n" in text


def test_due_json_gains_followups_and_birthdays(cli, small_vault: Path) -> None:
    result = cli("due", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["today", "due", "problems", "followups", "birthdays"]
    assert [item["name"] for item in data["due"]] == ["Yuki Tanaka", "Ada Lovelace"]
    meeting = "Meetings/2026-09-01 Analytical Engine.md"
    assert data["followups"] == [
        {"person": "Ada Lovelace", "text": "Draft the minutes [[Ada Lovelace]] 📅 2026-11-10",
         "due": "2026-11-10", "path": meeting, "line": 4},
        {"person": "Charles Babbage", "text": "Draft the minutes [[Ada Lovelace]] 📅 2026-11-10",
         "due": "2026-11-10", "path": meeting, "line": 4},
        {"person": "Ada Lovelace", "text": "Send her the paper 📅 2026-11-20",
         "due": "2026-11-20", "path": "People/Ada Lovelace.md", "line": 6},
    ]  # fmt: skip
    assert data["birthdays"] == [
        {"name": "Grace Hopper", "path": "People/Grace Hopper.md", "birthday": "1906-12-09",
         "on": "2026-12-09", "days": 17, "age": 120},
        {"name": "Mary Somerville", "path": "People/Mary Somerville.md", "birthday": "--12-10",
         "on": "2026-12-10", "days": 18, "age": None},
        {"name": "Alan Turing", "path": "People/Alan Turing.md", "birthday": "--12-22",
         "on": "2026-12-22", "days": 30, "age": None},
    ]  # fmt: skip


def test_birthdays_roll_over_the_year_and_leap_days(cli, vault_dir: Path, make_person) -> None:
    make_person("Leap Day", birthday="2000-02-29")
    make_person("New Year", birthday="--01-01")
    data = json.loads(cli("due", "--json", today="2027-02-10").stdout)
    assert [(b["name"], b["on"], b["age"]) for b in data["birthdays"]] == [("Leap Day", "2027-02-28", 27)]
    data = json.loads(cli("due", "--json", today="2026-12-20").stdout)
    assert [(b["name"], b["on"], b["days"]) for b in data["birthdays"]] == [("New Year", "2027-01-01", 12)]


def test_render_on_the_example_vault_is_stable(cli, example_vault: Path) -> None:
    before = (example_vault / "Due.md").read_text(encoding="utf-8")
    assert cli("render", vault=example_vault).stdout == (
        "People.base: updated\nDue.md: updated\nNetwork.md: updated\n"
    )
    text = (example_vault / "Due.md").read_text(encoding="utf-8")
    assert text.startswith(before.split("<!-- vaultkit:due -->")[0])
    assert "- [[Yuki Tanaka]]: never contacted, every month\n" in text
    assert "- [[Mei Lin Chen]]: 2026-11-30, in 8 days (turns 36)\n" in text
    mtime = os.stat(example_vault / "Due.md").st_mtime_ns
    assert cli("render", vault=example_vault).stdout == (
        "People.base: unchanged\nDue.md: unchanged\nNetwork.md: unchanged\n"
    )
    assert os.stat(example_vault / "Due.md").st_mtime_ns == mtime


def test_a_person_named_like_another_note_gets_path_links(cli, vault_dir: Path, make_person) -> None:
    # A bare [[Grace Hopper]] would open the topic note at the root (the shortest path).
    make_person("Grace Hopper", cadence="1w")
    write_note(vault_dir, "Grace Hopper.md", "# Grace Hopper, the topic\n")
    link = "[[People/Grace Hopper|Grace Hopper]]"
    assert cli("render").exit_code == 0
    assert f"- {link}: never contacted, every week\n" in (vault_dir / "Due.md").read_text(encoding="utf-8")
    assert cli("today", "--create").exit_code == 0
    assert f"- [ ] {link}: " in (vault_dir / "Daily/2026-11-22.md").read_text(encoding="utf-8")
    assert cli("meet", "Grace", "--title", "Chat").exit_code == 0
    meeting = next((vault_dir / "Meetings").glob("*.md")).read_text(encoding="utf-8")
    assert f'people: ["{link}"]\n' in meeting
    assert json.loads(cli("show", "Grace Hopper", "--json").stdout)["last_contact"] == "2026-11-22"


def test_a_base_vaultkit_did_not_make_is_never_replaced(cli, vault_dir: Path, make_person) -> None:
    # An Obsidian vault with its own People.base before `vault init`.
    (vault_dir / "vaultkit.toml").write_text('[views]\nbase = "People.base"\n', encoding="utf-8")
    mine = b"views:\n  - type: table\n    name: My own people table\n"
    (vault_dir / "People.base").write_bytes(mine)
    make_person("Ada", cadence="1m")
    result = cli("render")
    assert (result.exit_code, result.stderr) == (
        1,
        "vault: People.base was not made by vaultkit, so it was not replaced: "
        "rename it, or set another file in [views] of vaultkit.toml\n",
    )
    assert (vault_dir / "People.base").read_bytes() == mine
    # The other views are written all the same (People.base comes first by name).
    assert result.stdout == "Due.md: updated\nNetwork.md: updated\n"
    assert "[[Ada]]" in (vault_dir / "Due.md").read_text(encoding="utf-8")
    # Its own, or an empty one, it writes and keeps current.
    (vault_dir / "People.base").write_bytes(b"")
    os.utime(vault_dir / "People.base", (0, 0))  # (empty a while: not emptied a moment ago by a save)
    assert cli("render").exit_code == 0
    made = (vault_dir / "People.base").read_text(encoding="utf-8")
    assert made.startswith("# Made by vaultkit")
    (vault_dir / "vaultkit.toml").write_text('[views]\nbase = "People.base"\n[cadence_by_tag]\nf = "2w"\n')
    assert "People.base: updated" in cli("render").output


@pytest.mark.parametrize(
    ("toml", "path"), [("", "Due.md"), ('[views]\nbase = "People.base"\n', "People.base")]
)
def test_a_folder_where_a_view_goes_is_one_line(
    cli, vault_dir: Path, make_person, toml: str, path: str
) -> None:
    (vault_dir / "vaultkit.toml").write_text(toml, encoding="utf-8")
    (vault_dir / path).mkdir()
    make_person("Ada", cadence="1m")
    result = cli("render")
    assert (result.exit_code, result.stderr) == (
        1,
        f"vault: {path} is a folder, not a file; it was not changed\n",
    )


def test_edits_to_the_base_last_until_the_settings_change(cli, vault_dir: Path, make_person) -> None:
    # Obsidian saves a base's sort and columns into the file: a render must not undo them.
    toml = vault_dir / "vaultkit.toml"
    toml.write_text('[views]\nbase = "People.base"\n', encoding="utf-8")
    make_person("Ada", cadence="1m")
    assert "People.base: updated\n" in cli("render").stdout
    base = vault_dir / "People.base"
    edited = base.read_text(encoding="utf-8").replace("direction: DESC", "direction: ASC") + "# mine\n"
    base.write_text(edited, encoding="utf-8")
    assert "People.base: unchanged\n" in cli("render").stdout
    assert base.read_text(encoding="utf-8") == edited
    # Other settings: the base vaultkit makes is another, and replaces the edited one, saying so.
    toml.write_text('[views]\nbase = "People.base"\n[cadence_by_tag]\nfamily = "2w"\n', encoding="utf-8")
    assert "People.base: updated (the settings changed: your edits in it were replaced)\n" in (
        cli("render").stdout
    )
    made = base.read_text(encoding="utf-8")
    assert "# mine" not in made and '"family"' in made
    toml.write_text('[views]\nbase = "People.base"\n', encoding="utf-8")
    assert "People.base: updated\n" in cli("render").stdout  # (unedited: nothing to say)
    assert cli("render").stdout.startswith("People.base: unchanged\n")
