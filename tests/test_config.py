"""vaultkit.toml: what is read, and the one-line refusals naming the key."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from vaultkit.config import config_from_dict, load_config
from vaultkit.errors import ConfigError


def config_of(toml: str):  # type: ignore[no-untyped-def]
    return config_from_dict(tomllib.loads(toml))


def refused(toml: str) -> str:
    with pytest.raises(ConfigError) as caught:
        config_of(toml)
    return str(caught.value)


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    # Windows Notepad starts a UTF-8 file with one.
    (tmp_path / "vaultkit.toml").write_bytes('\ufeffpeople_dir = "Contacts"\n'.encode())
    assert load_config(tmp_path).people_dir == "Contacts"


@pytest.mark.parametrize("folder", ["/etc", "/", "//x", "../x", "a/../../b"])
def test_an_absolute_or_climbing_folder_is_refused(folder: str) -> None:
    assert refused(f'people_dir = "{folder}"') == (
        f"vaultkit.toml: people_dir must be a folder inside the vault, not {folder!r}"
    )


def test_a_folder_keeps_working_with_slashes_around_it() -> None:
    assert config_of('people_dir = " People/ "').people_dir == "People"


@pytest.mark.parametrize(
    ("written", "read"),
    [("./People", "People"), ("./People/", "People"), ("People//Sub", "People/Sub"), ("A/./B", "A/B")],
)
def test_a_folder_is_read_in_one_normal_form(written: str, read: str) -> None:
    config = config_of(f'people_dir = "{written}"\ntemplates_dir = "{written}/T"\n')
    assert (config.people_dir, config.templates_dir) == (read, f"{read}/T")
    assert config_of('[views]\ndue = "./Reports//Due.md"\n').view_path("due") == "Reports/Due.md"


@pytest.mark.parametrize("folder", [".", "./", "./."])
def test_the_vault_itself_is_no_folder_setting(folder: str) -> None:
    # "" is no people folder; `.` would be every note, which nobody means.
    assert refused(f'people_dir = "{folder}"') == (
        f"vaultkit.toml: people_dir must be a folder inside the vault, not the vault itself ({folder!r})"
    )


def test_a_folder_written_with_dots_is_the_folder(cli, vault_dir: Path, make_person) -> None:
    make_person("Ada", cadence="1m")
    (vault_dir / "vaultkit.toml").write_text('people_dir = "./People/"\n', encoding="utf-8")
    assert [p["path"] for p in json.loads(cli("list", "--json").stdout)["people"]] == ["People/Ada.md"]
    # The overlap rules see the same folder: a meeting note there would become a person.
    (vault_dir / "vaultkit.toml").write_text('meetings_dir = "./People"\n', encoding="utf-8")
    result = cli("meet", "Ada")
    assert (result.exit_code, result.stderr) == (
        1,
        "vault: vaultkit.toml: meetings_dir must not lie in people_dir ('People'), not 'People'\n",
    )
    assert [p.name for p in (vault_dir / "People").iterdir()] == ["Ada.md"]


def test_log_heading_is_the_text_without_hashes() -> None:
    assert refused('log_heading = "## Log"') == (
        "vaultkit.toml: log_heading is the heading's text without its #s, like \"Log\", not '## Log'"
    )
    assert config_of('log_heading = " Contact log "').log_heading == "Contact log"
    # A heading `vault log` would write and then not read back: a section more at each log.
    assert refused('log_heading = "Log\\nX"').startswith(
        "vaultkit.toml: log_heading must be one line of text"
    )
    for bad in ('"`Log`"', '"Log <!-- x -->"', '"Log %% x"', '"Log #"'):
        assert refused(f"log_heading = {bad}").startswith(
            "vaultkit.toml: log_heading must be plain text (no `"
        )
    assert config_of('log_heading = "گزارش\u200cها"').log_heading == "گزارش\u200cها"  # a joiner spells it
    assert config_of('log_heading = "📝 Log: people & #1"').log_heading == "📝 Log: people & #1"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('meetings_dir = "People"', "meetings_dir must not lie in people_dir ('People'), not 'People'"),
        (
            'meetings_dir = "People/Meetings"',
            "meetings_dir must not lie in people_dir ('People'), not 'People/Meetings'",
        ),
        ('reviews_dir = "People"', "reviews_dir must not lie in people_dir ('People'), not 'People'"),
        ('daily_dir = "People/Daily"', "daily_dir must not lie in people_dir ('People'), not 'People/Daily'"),
        (
            '[views]\ndue = "People/Due.md"',
            "views.due must not lie in people_dir ('People'), not 'People/Due.md'",
        ),
        ('templates_dir = "People"', "templates_dir ('People') must not hold people_dir ('People')"),
        (
            'people_dir = "T/People"\ntemplates_dir = "T"',
            "templates_dir ('T') must not hold people_dir ('T/People')",
        ),
    ],
)
def test_folders_that_would_make_or_hide_people_are_refused(toml: str, message: str) -> None:
    assert refused(toml) == f"vaultkit.toml: {message}"


def test_folders_beside_or_holding_people_are_fine() -> None:
    config = config_of(
        'people_dir = "Network/People"\nmeetings_dir = "Network"\ntemplates_dir = "People/T"\n'
    )
    assert (config.meetings_dir, config.templates_dir) == ("Network", "People/T")
    # No people folder: only `type: person` makes a person, anything goes.
    assert config_of('people_dir = ""\nmeetings_dir = "Meetings"\n').people_dir == ""


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('base = "Home.md"', "views.base must be a .base file, not 'Home.md'"),
        ('base = "x.txt"', "views.base must be a .base file, not 'x.txt'"),
        ('due = "Reports/Due"', "views.due must be a .md file, not 'Reports/Due'"),
        ('network = "People.base"', "views.network must be a .md file, not 'People.base'"),
        ('due = "/tmp/Due.md"', "views.due must be a file inside the vault, not '/tmp/Due.md'"),
        ('due = "../Due.md"', "views.due must be a file inside the vault, not '../Due.md'"),
        ('network = "Due.md"', "views.due and views.network are both 'Due.md'"),
        ('due = "Home.md"\nnetwork = "home.MD"', "views.due and views.network are both 'home.MD'"),
    ],
)
def test_bad_view_paths_are_refused(toml: str, message: str) -> None:
    assert refused(f"[views]\n{toml}\n") == f"vaultkit.toml: {message}"


def test_view_paths_that_are_fine() -> None:
    config = config_of('[views]\ndue = "Reports/Due.md"\nnetwork = ""\nbase = "P.base"\nvdir = "/tmp/cal"\n')
    assert config.view_path("due") == "Reports/Due.md"
    assert config.view_path("network") is None
    assert (config.view_path("base"), config.view_path("vdir")) == ("P.base", "/tmp/cal")
    assert config.warnings == ()


def test_an_unknown_view_warns_and_is_ignored() -> None:
    config = config_of('[views]\ndues = "Due.md"\n')
    assert config.warnings == ("vaultkit.toml: unknown key views.'dues' is ignored",)
    assert config.view_path("dues") is None
