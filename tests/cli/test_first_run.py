"""A first run that explains itself: what a new user trips over, each found by trying it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import REPO, read_terminal, write_note


def test_a_vault_with_no_people_says_where_it_looked(cli: Any, vault_dir: Path) -> None:
    write_note(vault_dir, "Contacts/Ada.md", "# Ada\n")  # people kept where vaultkit does not look
    hint = (
        f"vault: no people in {vault_dir}: a person is a note under People/ (people_dir in "
        "vaultkit.toml; it does not exist there) or any note with `type: person` in its front matter\n"
    )
    exports = (["export", "vcard"], ["export", "csv", "-o", str(vault_dir / "people.csv")], ["export", "ics"])
    for args in (["due"], ["list"], ["followups"], ["due", "--json"], *exports):
        result = cli(*args)
        assert result.exit_code == 0, args
        assert result.stderr == hint, args
        assert "Enjoy your day" not in result.stdout
    search = cli("search", "Ada")
    assert search.stderr == hint and search.exit_code == 1
    # Due.md says so too, not "Nobody is due": an honest view, so `vault render` exits 0.
    render = cli("render")
    assert (render.exit_code, render.stderr) == (0, hint)
    due = (vault_dir / "Due.md").read_text(encoding="utf-8")
    assert "Enjoy your day" not in due
    # (no path of this machine in a synced note: the vault lies elsewhere on another)
    in_vault = hint.removeprefix(f"vault: no people in {vault_dir}").rstrip("\n")
    assert f"\nNo people in this vault{in_vault}.\n" in due and str(vault_dir) not in due


def test_with_no_people_folder_a_person_is_a_note_of_type_person(cli: Any, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text('people_dir = ""\n', encoding="utf-8")
    write_note(vault_dir, "Meetings/2026-11-20 Standup.md", "# Standup\n")
    assert cli("due").stderr == (
        f"vault: no people in {vault_dir}: people_dir is empty in vaultkit.toml, so a person is a note "
        "with `type: person` in its front matter\n"
    )
    # `vault add` makes a note that is a person there too (it wrote one nobody could see).
    assert cli("add", "Ada Lovelace", "--cadence", "1w").stdout == "Added Ada Lovelace: Ada Lovelace.md\n"
    assert "type: person\n" in (vault_dir / "Ada Lovelace.md").read_text(encoding="utf-8")
    assert [p["name"] for p in json.loads(cli("list", "--json").stdout)["people"]] == ["Ada Lovelace"]
    # A type that is not a person's is refused, not written to vanish from every list.
    refused = cli("add", "Acme", "--set", "type=company")
    assert refused.exit_code == 1
    assert refused.stderr == "vault: Acme.md would not be a person: its type is 'company'\n"
    assert not (vault_dir / "Acme.md").exists()


def test_people_without_a_cadence_are_never_due_and_due_says_so(cli: Any, vault_dir: Path) -> None:
    # A new user's first people have no cadence: "Enjoy your day" forever would look like success.
    write_note(vault_dir, "People/Ada.md", "# Ada\n")
    write_note(vault_dir, "People/Bob.md", "---\ncadence: 1m\narchived: true\n---\n# Bob\n")
    hint = (
        "vault: nobody has a cadence, so nobody is ever due: give people one (`vault set NAME "
        "cadence=1m`), by tag ([cadence_by_tag] in vaultkit.toml), or everyone (default_cadence)\n"
    )
    for args in (["due"], ["due", "--json"]):
        result = cli(*args)
        assert (result.exit_code, result.stderr) == (0, hint), args
        assert "Enjoy your day" not in result.stdout
    today = cli("today", "--create")
    assert (today.stdout, today.stderr) == ("Daily/2026-11-22.md was not made.\n", hint)
    assert cli("render").exit_code == 0
    due_view = (vault_dir / "Due.md").read_text(encoding="utf-8")
    assert "## Due now\nNobody has a cadence, so nobody is ever due: give people one" in due_view
    assert cli("set", "Ada", "cadence=1y").exit_code == 0
    assert cli("render").exit_code == 0
    assert "## Due now\n- [[Ada]]: " in (vault_dir / "Due.md").read_text(encoding="utf-8")
    assert (cli("due").stderr, cli("due", "--within", "1d").stderr) == ("", "")
    assert cli("due").stdout.startswith("1 due on 2026-11-22:")


def test_vault_pointing_at_the_people_folder_itself(cli: Any, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada.md", "---\ncadence: 1m\n---\n# Ada\n")
    result = cli("due", vault=vault_dir / "People")
    assert result.stderr.endswith(
        f"; {vault_dir / 'People'} looks like the People folder itself: point --vault at the vault above it\n"
    )
    assert result.stdout == ""


def test_an_unknown_config_key_warns_on_every_command(cli: Any, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada.md", "---\ncadence: 1m\nlast_contact: 2026-11-20\n---\n# Ada\n")
    (vault_dir / "vaultkit.toml").write_text('peple_dir = "Contacts"\n', encoding="utf-8")
    warning = "vault: warning: vaultkit.toml: unknown key 'peple_dir' is ignored\n"
    for args in (["due"], ["list"], ["show", "Ada"], ["render"]):
        assert cli(*args).stderr == warning, args
    check = cli("check")
    assert check.stderr == ""  # `vault check` lists it with the other problems, once
    assert "vaultkit.toml: warning: unknown key 'peple_dir' is ignored" in check.stdout


def test_a_tag_nobody_has_says_so(cli: Any, vault_dir: Path) -> None:
    write_note(vault_dir, "People/Ada.md", "---\ncadence: 1m\ntags: [mentor/tech]\n---\n# Ada\n")
    result = cli("due", "--tag", "mentr")
    assert result.stderr == "vault: nobody has the tag #mentr\n"
    assert result.stdout == ""
    assert cli("list", "--tag", "#mentr").stderr == "vault: nobody has the tag #mentr\n"
    found = cli("due", "--tag", "Mentor")  # nested tags count, any case
    assert found.stderr == "" and "Ada" in found.stdout


def test_due_within_names_the_window_and_keeps_the_specs_order(cli: Any, example_vault: Path) -> None:
    # The issue asked to list the coming-due by date; the spec's order (no due date first,
    # then days_overdue / cadence_days descending, then name) holds for every `vault due`.
    result = cli("due", "--within", "30d", "--all", vault=example_vault)
    lines = result.stdout.splitlines()
    assert lines[0] == "26 due on 2026-11-22 or coming due by 2026-12-22:"
    data = json.loads(cli("due", "--within", "30d", "--json", vault=example_vault).stdout)["due"]
    dated = [item for item in data if item["due_on"] is not None]
    ratios = [item["days_overdue"] / item["cadence_days"] for item in dated]
    assert ratios == sorted(ratios, reverse=True)
    assert data[0]["name"] == "Yuki Tanaka"  # never contacted: first
    empty = cli("due", "--within", "1d", "--tag", "family", today="2026-11-23", vault=example_vault)
    assert empty.stdout.splitlines()[0].startswith("1 due on 2026-11-23 or coming due by 2026-11-24")


def test_a_global_option_after_the_command_says_where_it_goes(cli: Any, vault_dir: Path) -> None:
    result = cli("due", "--today", "2026-11-22", today=None)
    assert result.exit_code == 2
    assert result.stderr == (
        "vault: --today is a global option: put it before the command, as in `vault --today ... due` "
        "(see vault due --help)\n"
    )


def test_make_demo_says_how_to_run_vault_next() -> None:
    result = subprocess.run(["make", "-s", "demo"], cwd=REPO, capture_output=True, text=True, check=True)
    assert "11 due on 2026-11-22:" in result.stdout
    assert "run 'source .venv/bin/activate' to put it on your PATH" in result.stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.index("source .venv/bin/activate") < readme.index("$ vault --vault example-vault")


def test_name_matching_ignores_accents(cli: Any, example_vault: Path, vault_dir: Path) -> None:
    shown = cli("show", "Nguyen", "--json", vault=example_vault)
    assert json.loads(shown.stdout)["name"] == "Nguyễn Văn An"
    assert json.loads(cli("show", "lucia fernandez", "--json", vault=example_vault).stdout)["path"] == (
        "People/Lucía Fernández.md"
    )
    write_note(vault_dir, "People/Zoë Müller.md", "# Zoë\n")
    write_note(vault_dir, "People/Zoe Muller.md", "# Zoe\n")
    assert json.loads(cli("show", "zoe muller", "--json").stdout)["name"] == "Zoe Muller"  # exact first
    write_note(vault_dir, "People/Zoé Muller.md", "# Zoé\n")
    both = cli("show", "ZOË MÜLLER")  # exact, any case
    assert both.exit_code == 0 and both.stdout.startswith("Zoë Müller")
    ambiguous = cli("show", "Zöe Muller")
    assert ambiguous.exit_code == 1
    assert (
        ambiguous.stderr == "vault: 'Zöe Muller' matches several people: Zoe Muller, Zoé Muller, Zoë Müller\n"
    )


def test_search_snippets_keep_wikilinks_whole(cli: Any, example_vault: Path) -> None:
    result = cli("search", "Müller", vault=example_vault)
    assert "[[Zoë [Müller]]]" not in result.stdout and "[[Zoë Müller]]" in result.stdout
    assert "# Zoë [Müller]" in result.stdout  # a match outside a link is still marked


def test_show_wraps_at_words_on_a_terminal_and_says_which_last_contact_counts(
    cli: Any, example_vault: Path, tmp_path: Path
) -> None:
    import os
    import pty
    import sys

    piped = cli("show", "Tunde", vault=example_vault).stdout  # into a pipe: whole lines
    assert "  last_contact: 2026-10-19 (as written; the last contact is 2026-11-01)\n" in piped
    master, terminal = pty.openpty()
    env = {
        **os.environ,
        "COLUMNS": "60",
        "VAULTKIT_INDEX": str(tmp_path / "index.sqlite"),
        "VAULTKIT_TODAY": "2026-11-22",
    }
    vault = Path(sys.executable).with_name("vault")
    process = subprocess.Popen(
        [str(vault), "--vault", str(example_vault), "show", "Tunde"],
        stdout=terminal,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    output = read_terminal(master)
    assert process.wait(timeout=60) == 0
    lines = output.decode("utf-8").replace("\r\n", "\n").splitlines()
    assert max(len(line) for line in lines) <= 60
    assert lines[1:] != piped.splitlines()[1:]  # some lines were long
    assert " ".join(" ".join(lines).split()) == " ".join(piped.split())  # every word whole


def test_wrap_keeps_words_and_indents() -> None:
    from vaultkit.cli.app import wrap

    assert wrap("  2026-11-01  a b c", 80) == ["  2026-11-01  a b c"]
    assert wrap("  one two three four", 12) == ["  one two", "    three", "    four"]
    assert wrap("  averyveryverylongword x", 10) == ["  averyveryverylongword", "    x"]
