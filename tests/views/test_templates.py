"""Templates: the user's copies win, errors are one clear line, and the sandbox holds."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import jinja2
import pytest

from tests.conftest import REPO, write_note
from vaultkit.views.render import builtin_templates_dir

TEMPLATES = "Templates/vaultkit"
MINE = {"meeting.md.j2", "person.md.j2", "review.md.j2"}


@pytest.fixture
def ada(vault_dir: Path) -> Path:
    write_note(vault_dir, "People/Ada Lovelace.md", "---\nrole: Mathematician\n---\n# Ada Lovelace\n")
    return vault_dir


def user_template(vault: Path, name: str, text: str) -> Path:
    return write_note(vault, f"{TEMPLATES}/{name}", text)


def test_list_shows_the_built_in_templates_until_the_user_copies_one(cli, vault_dir: Path) -> None:
    listed = json.loads(cli("templates", "list", "--json").stdout)["templates"]
    mine = [t for t in listed if t["name"] in MINE]
    assert mine == [
        {
            "name": name,
            "source": "built-in",
            "path": str(builtin_templates_dir() / name),
            "builtin": True,
            "problem": None,
        }
        for name in sorted(MINE)
    ]
    copied = cli("templates", "copy", "meeting")
    assert copied.exit_code == 0, copied.stderr
    assert (
        copied.stdout == f"Copied to {TEMPLATES}/meeting.md.j2; edit it there, vaultkit uses it from now on\n"
    )
    assert (vault_dir / TEMPLATES / "meeting.md.j2").read_bytes() == (
        REPO / "templates/meeting.md.j2"
    ).read_bytes()
    listed = json.loads(cli("templates", "list", "--json").stdout)["templates"]
    assert [t for t in listed if t["name"] == "meeting.md.j2"] == [
        {
            "name": "meeting.md.j2",
            "source": "vault",
            "path": f"{TEMPLATES}/meeting.md.j2",
            "builtin": True,
            "problem": None,
        }
    ]
    table = cli("templates", "list").stdout
    assert f"meeting.md.j2   your copy   {TEMPLATES}/meeting.md.j2" in table
    assert "review.md.j2    built-in" in table
    # A copy under a name vaultkit does not render (misspelt) is said so.
    user_template(vault_dir, "meting.md.j2", "mine\n")
    assert "meting.md.j2    yours, included only" in cli("templates", "list").stdout


def test_copy_never_overwrites_and_names_unknown_templates(cli, vault_dir: Path) -> None:
    user_template(vault_dir, "review.md.j2", "mine\n")
    again = cli("templates", "copy", "review.md.j2")
    assert again.exit_code == 1
    assert again.stderr == f"vault: {TEMPLATES}/review.md.j2 already exists; it was not overwritten\n"
    assert (vault_dir / TEMPLATES / "review.md.j2").read_text(encoding="utf-8") == "mine\n"
    unknown = cli("templates", "copy", "agenda")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("vault: no built-in template called 'agenda'; there are: ")
    assert "meeting.md.j2" in unknown.stderr and "review.md.j2" in unknown.stderr


def test_a_user_template_overrides_the_built_in_one(cli, ada: Path) -> None:
    user_template(
        ada,
        "meeting.md.j2",
        "---\ndate: {{ date }}\npeople: {{ people | map(attribute='link') | list | yaml_list }}\n---\n"
        "# {{ title }}\n{% for p in people %}\n{{ p.name }} ({{ p.role }})\n{% endfor %}\n",
    )
    user_template(ada, "person.md.j2", "---\ntags: {{ tags | yaml_list }}\n---\n# {{ name }} (mine)\n")
    user_template(ada, "review.md.j2", "Week {{ week }}: {{ goal.count }} new\n")

    assert cli("meet", "Ada").exit_code == 0
    assert (ada / "Meetings/2026-11-22 Ada Lovelace.md").read_text(encoding="utf-8") == (
        '---\ndate: 2026-11-22\npeople: ["[[Ada Lovelace]]"]\n---\n# Ada Lovelace\nAda Lovelace (Mathematician)\n'
    )
    assert cli("add", "Charles Babbage", "--tag", "engines").exit_code == 0
    assert (ada / "People/Charles Babbage.md").read_text(encoding="utf-8") == (
        "---\ntags: [person, engines]\n---\n# Charles Babbage (mine)\n"
    )
    assert cli("review").exit_code == 0
    # A template without the vaultkit:review markers: all of its text is the generated block.
    assert (ada / "Reviews/2026-W47.md").read_text(encoding="utf-8") == (
        "<!-- vaultkit:review -->\nWeek 2026-W47: 0 new\n<!-- /vaultkit:review -->\n"
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\ndate: {{ date }}\n{{ nope }}\n", 3, "'nope' is undefined"),
        ("{% for p in people %}\n{{ p.name }\n{% endfor %}\n", 2, "syntax error: unexpected '}'"),
        (
            "\n\n\n{{ people[0].name / 2 }}\n",
            4,
            "TypeError: unsupported operand type(s) for /: 'str' and 'int'",
        ),
    ],
)
def test_a_template_error_names_the_file_and_line_and_exits_1(
    cli, ada: Path, text: str, line: int, message: str
) -> None:
    path = user_template(ada, "meeting.md.j2", text)
    result = cli("meet", "Ada")
    assert result.exit_code == 1
    assert result.stderr == f"vault: template {path}:{line}: {message}\n"
    assert not (ada / "Meetings").exists()


def test_an_error_in_an_included_template_names_that_file(cli, ada: Path) -> None:
    user_template(ada, "meeting.md.j2", "# {{ title }}\n{% include 'parts/person.j2' %}\n")
    part = user_template(ada, "parts/person.j2", "{% for p in people %}\n{{ p.nickname }}\n{% endfor %}\n")
    result = cli("meet", "Ada")
    assert result.exit_code == 1
    assert result.stderr == f"vault: template {part}:2: 'dict object' has no attribute 'nickname'\n"


@pytest.mark.parametrize(
    ("payload", "refused"),
    [
        ("{{ ''.__class__.__mro__ }}", "'__class__' of 'str'"),
        ("{{ cycler.__init__.__globals__ }}", "'__init__' of 'type'"),
        ("{{ joiner.__init__.__globals__.os.system('id') }}", "'__init__' of 'type'"),
        ("{{ namespace.__init__.__globals__ }}", "'__init__' of 'type'"),
        ("{{ lipsum.__globals__ }}", "'__globals__' of 'function'"),
        ("{{ range.__globals__ }}", "'__globals__' of 'function'"),
        ("{{ self.__init__.__globals__ }}", "'__init__' of 'TemplateReference'"),
        ("{{ people[0].fields.__class__.__subclasses__() }}", "'__class__' of 'dict'"),
        ("{{ (people | first).get.__self__ }}", "'__self__' of 'builtin_function_or_method'"),
        ("{{ '{0.__class__}'.format(title) }}", "'__class__' of 'str'"),
        ("{{ people | attr('__class__') }}", "'__class__' of 'list'"),
        ("{{ people.append(1) }}", "'append' of 'list'"),
    ],
)
def test_the_sandbox_stops_templates_reaching_python_internals(
    cli, ada: Path, payload: str, refused: str
) -> None:
    path = user_template(ada, "meeting.md.j2", payload + "\n")
    result = cli("meet", "Ada")
    assert result.exit_code == 1
    assert result.stderr == (
        f"vault: template {path}:1: refused by the sandbox: access to attribute {refused} object is unsafe.\n"
    )
    assert not (ada / "Meetings").exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            "{% for i in range(10**9) %}x{% endfor %}",
            "refused by the sandbox: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).",
        ),
        (
            "{{ 'x' * 10**9 }}",
            "stopped: a repetition with * would be 1,000,000,000 characters long (the limit is 2,000,000)",
        ),
        ("{{ 'x' | center(10**9) }}", "stopped: the center filter's width: 1000000000 is too large"),
        ("{{ '%999999999d' % 1 }}", "stopped: a % format width: 999999999 is too large"),
        ("{{ 9 ** 99999 }}", "stopped: a power gives a number too large for a template"),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "stopped: a concatenation with ~ would be 2,097,152 characters long (the limit is 2,000,000)",
        ),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "the template calls itself too deeply"),
    ],
)
def test_runaway_templates_are_cut_off(cli, ada: Path, payload: str, message: str) -> None:
    path = user_template(ada, "meeting.md.j2", payload + "\n")
    result = cli("meet", "Ada")
    assert result.exit_code == 1
    assert result.stderr == f"vault: template {path}:1: {message}\n"


def test_a_huge_loop_is_stopped_by_the_clock_and_huge_output_by_its_size(cli, ada: Path) -> None:
    path = user_template(
        ada,
        "meeting.md.j2",
        "# {{ title }}\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
    )
    started = time.monotonic()
    result = cli("meet", "Ada")
    assert time.monotonic() - started < 15
    assert result.exit_code == 1
    assert result.stderr == f"vault: template {path}:2: stopped: it ran for more than 2 s\n"

    user_template(ada, "meeting.md.j2", "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}\n")
    result = cli("meet", "Ada")
    assert result.exit_code == 1
    assert (
        result.stderr == f"vault: template {path}: stopped: its output is longer than 2,000,000 characters\n"
    )
    assert not (ada / "Meetings").exists()


@pytest.mark.parametrize(
    "payload",
    [
        # textwrap copies the rest of a long word for every line it cuts: quadratic.
        "{{ ('a' * 600000) | wordwrap(1) | length }}",
        # Each item's lookup is a step of its own, inside one filter call.
        "{{ ('a' * 1900000) | list | groupby('x') | length }}",
    ],
)
def test_the_clock_runs_inside_filters_too(cli, ada: Path, payload: str) -> None:
    path = user_template(ada, "meeting.md.j2", payload + "\n")
    result = cli("meet", "Ada")
    assert result.exit_code == 1
    assert result.stderr == f"vault: template {path}:1: stopped: it ran for more than 2 s\n"


def test_wordwrap_wraps_as_jinja_does(cli, ada: Path) -> None:
    text = "hello world foo-bar bazzzzzzzzzzzzzzz\n\nsecond  paragraph"
    template = "{{ text | wordwrap(5) }}|{{ text | wordwrap(6, False, '/', False) }}\n"
    user_template(ada, "meeting.md.j2", template.replace("text", repr(text)))
    assert cli("meet", "Ada").exit_code == 0
    made = next((ada / "Meetings").iterdir()).read_text(encoding="utf-8")
    assert made == jinja2.Environment().from_string(template).render(text=text) + "\n"


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_a_user_template_that_leads_outside_the_folder_is_not_loaded(cli, ada: Path, tmp_path: Path) -> None:
    outside = write_note(tmp_path, "outside/secret.j2", "{{ 'the secret' }}\n")
    link = ada / TEMPLATES / "meeting.md.j2"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    _refused_as_outside(cli, link)


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_a_templates_folder_that_leads_outside_the_vault_is_not_read(cli, ada: Path, tmp_path: Path) -> None:
    write_note(tmp_path, "outside/meeting.md.j2", "{{ 'the secret' }}\n")
    folder = ada / TEMPLATES
    folder.parent.mkdir(parents=True)
    folder.symlink_to(tmp_path / "outside", target_is_directory=True)
    _refused_as_outside(cli, folder / "meeting.md.j2")


def _refused_as_outside(cli, link: Path) -> None:
    """`vault meet` refuses the meeting template at `link` (it leads out), and `templates
    list` says so, by the same rule."""
    result = cli("meet", "Ada")
    assert result.exit_code == 1
    assert result.stderr == (
        f"vault: template {link}: refused by the sandbox: {link} leads outside the vault's templates folder "
        "(a symlink?); it was not loaded\n"
    )
    listed = json.loads(cli("templates", "list", "--json").stdout)["templates"]
    assert [(t["source"], t["problem"]) for t in listed if t["name"] == "meeting.md.j2"] == [
        (
            "vault",
            "leads outside the vault's templates folder (a symlink?): it is refused, "
            "and what uses it fails until you put a file there",
        )
    ]
    table = cli("templates", "list").stdout.splitlines()
    assert f"meeting.md.j2   refused     {TEMPLATES}/meeting.md.j2" in [line.rstrip() for line in table]
    assert table[-1] == (
        f"{TEMPLATES}/meeting.md.j2 leads outside the vault's templates folder (a symlink?): it is refused, "
        "and what uses it fails until you put a file there"
    )


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_a_folder_or_a_broken_link_of_a_template_name_is_listed_as_not_read(cli, ada: Path) -> None:
    (ada / TEMPLATES / "meeting.md.j2").mkdir(parents=True)
    (ada / TEMPLATES / "review.md.j2").symlink_to(ada / "nowhere.j2")
    listed = json.loads(cli("templates", "list", "--json").stdout)["templates"]
    assert [(t["name"], t["source"], t["problem"]) for t in listed if t["name"] in MINE] == [
        ("meeting.md.j2", "built-in", "is a folder, not a template; it is not read"),
        ("person.md.j2", "built-in", None),
        ("review.md.j2", "built-in", "leads nowhere (a broken symlink?); it is not read"),
    ]
    assert cli("meet", "Ada").exit_code == 0  # the built-in one is in effect, as listed
    assert cli("templates", "list").stdout.splitlines()[-2:] == [
        f"{TEMPLATES}/meeting.md.j2 is a folder, not a template; it is not read",
        f"{TEMPLATES}/review.md.j2 leads nowhere (a broken symlink?); it is not read",
    ]


def test_a_person_template_that_leaves_out_the_options_given_makes_no_note(cli, ada: Path) -> None:
    user_template(ada, "person.md.j2", "# {{ name }}\n\n## Log\n")
    result = cli("add", "Eve Two", "--cadence", "1m", "--tag", "family", "--set", "company=Acme")
    assert (result.exit_code, result.stderr) == (
        1,
        "vault: Templates/vaultkit/person.md.j2 leaves out cadence, company, tags, so People/Eve Two.md "
        "was not made: add them to its front matter, or leave those options out\n",
    )
    assert not (ada / "People/Eve Two.md").exists()
    # Without options there is nothing to lose: the note is the template's.
    assert cli("add", "Eve Two").exit_code == 0
    assert (ada / "People/Eve Two.md").read_text(encoding="utf-8") == "# Eve Two\n\n## Log\n"


def test_obsidian_and_templater_templates_are_never_touched(cli, example_vault: Path) -> None:
    templater = "---\ncreated: <% tp.date.now() %>\n---\n# <% tp.file.title %>\n{{date}} {{title}}\n"
    write_note(example_vault, f"{TEMPLATES}/Meeting (Templater).md", templater)
    before = {p: p.read_bytes() for p in (example_vault / "Templates").rglob("*") if p.is_file()}

    for args in (("meet", "Ravi"), ("review",), ("templates", "copy", "meeting"), ("add", "Nia Okafor")):
        result = cli(*args, vault=example_vault)
        assert result.exit_code == 0, (args, result.stderr)

    after = {p: p.read_bytes() for p in (example_vault / "Templates").rglob("*") if p.is_file()}
    assert {p: after[p] for p in before} == before
    assert set(after) - set(before) == {example_vault / TEMPLATES / "meeting.md.j2"}
    names = [
        t["name"]
        for t in json.loads(cli("templates", "list", "--json", vault=example_vault).stdout)["templates"]
    ]
    assert all(name.endswith(".j2") for name in names)
    assert cli("check", vault=example_vault).stdout == "No problems found.\n"
