"""People.base: its YAML against the documented Bases syntax, and its formulas evaluated
(by tests/views/bases_eval.py) against what `vault due` says for the same notes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.views.bases_eval import DURATION_RE, Note, matches_filter, parse
from vaultkit.config import config_from_dict
from vaultkit.due import resolve_cadence
from vaultkit.notes.parse import parse_text
from vaultkit.views.base import people_base, render_base

TODAY = dt.date(2026, 11, 22)
CONFIG = config_from_dict(
    {
        "default_cadence": "10d",
        "cadence_by_tag": {"family": "2w", "mentor": "3m", "Client": "monthly", "paused": "none", "old": ""},
    }
)


def _statements(rule: Any) -> list[str]:
    if isinstance(rule, str):
        return [rule]
    ((conjunction, rules),) = rule.items()
    assert conjunction in ("and", "or", "not")
    return [s for r in rules for s in _statements(r)]


def _string_literals(expression: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"([\"'])((?:\\.|(?!\1).)*)\1", expression)]


def test_the_base_is_bases_yaml_as_documented() -> None:
    base = yaml.safe_load(render_base(CONFIG))
    assert set(base) <= {"filters", "formulas", "properties", "summaries", "views"}
    formulas = base["formulas"]
    statements = _statements(base["filters"]) + list(formulas.values())
    for view in base["views"]:
        assert view["type"] in ("table", "cards")
        statements += _statements(view.get("filters", {"and": []}))
        for column in view["order"] + [s["property"] for s in view["sort"]]:
            assert column.split(".")[0] in ("file", "note", "formula")
        assert all(s["direction"] in ("ASC", "DESC") for s in view["sort"])
    assert [v["name"] for v in base["views"]] == ["Due now", "Coming up", "Everyone", "Birthdays"]
    assert [v["type"] for v in base["views"]] == ["table", "table", "cards", "table"]
    used = set()
    for statement in statements:
        parse(statement)  # raises on anything outside the grammar
        used |= set(re.findall(r"formula\.(\w+)", statement))
    columns = {c for v in base["views"] for c in v["order"]} | set(base["properties"])
    used |= {c.split(".", 1)[1] for c in columns if c.startswith("formula.")}
    assert used <= set(formulas)


def test_durations_use_bases_units_months_as_capital_m() -> None:
    text = render_base(CONFIG)
    durations = [s for s in _string_literals(text) if DURATION_RE.match(s)]
    assert durations  # the tag cadences and the windows are there
    for duration in durations:
        unit = DURATION_RE.match(duration).group(2)  # type: ignore[union-attr]
        assert unit in ("d", "w", "M", "y") or duration in ("3m", "1m"), duration
    # vaultkit's `3m` (months) is written as the tag's cadence text, and turned into `3M`:
    assert _evaluate({"tags": ["mentor"]}, "span") == "3M"
    assert _evaluate({"cadence": "6M"}, "span") == "6M"
    assert _evaluate({"cadence": "quarterly"}, "span") == "3M"
    assert _evaluate({"cadence": "2 w"}, "span") == "2w"


def _evaluate(
    properties: dict[str, Any], formula: str, config: Any = CONFIG, path: str = "People/X.md"
) -> Any:
    formulas = people_base(config)["formulas"]
    return Note(path, properties, formulas, TODAY).formula(formula)


CASES = [
    {"cadence": "1m"},
    {"cadence": "None"},
    {"cadence": "often"},  # not a cadence: dropped, the tags decide
    {"cadence": "bogus", "tags": ["mentor"]},
    {"tags": ["Family/Close"]},
    {"tags": ["#mentor", "family"]},
    {"tags": ["mentor", "paused"]},
    {"tags": ["client"]},
    {"tags": ["old"]},
    {"tags": "family"},
    {"tags": "#paused, mentor"},  # one text: split at commas and blanks, as vaultkit does
    {"tags": "old mentor"},
    {"cadence": "bi weekly", "tags": ["family"]},  # not a cadence for vaultkit: the tags decide
    {"cadence": " 2 W "},
    {"tags": ["familyish"]},
    {},
]


@pytest.mark.parametrize("front_matter", CASES)
@pytest.mark.parametrize("config", [CONFIG, config_from_dict({"cadence_by_tag": {"mentor": "3m"}})])
def test_the_cadence_formula_derives_it_as_vaultkit_does(front_matter: dict[str, Any], config: Any) -> None:
    # The note as vaultkit reads it: its parser drops a cadence that does not parse.
    text = (
        "---\n" + yaml.safe_dump(front_matter, allow_unicode=True) + "---\n# X\n" if front_matter else "# X\n"
    )
    note = parse_text("People/X.md", text, config)
    resolved = resolve_cadence(note, config)  # type: ignore[arg-type]  (a ParsedNote has the fields it reads)
    expected = resolved[0].text.lower().replace(" ", "") if resolved else ""  # (the base spells `2 w` as 2w)
    assert _evaluate(front_matter, "cadence", config) == expected


def _front_matter(path: Path, typed_dates: bool) -> dict[str, Any]:
    """A note's properties as Obsidian gives them to a base: text, or (typed) dates as dates."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    head = text[4 : text.index("\n---", 3)]
    data = yaml.load(head, Loader=yaml.BaseLoader) or {}
    if typed_dates:
        for key, value in data.items():
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                data[key] = dt.datetime.fromisoformat(value)
    return data


def _view_rows(root: Path, view_name: str, typed_dates: bool) -> list[tuple[str, Note]]:
    base = yaml.safe_load((root / "People.base").read_text(encoding="utf-8"))
    view = next(v for v in base["views"] if v["name"] == view_name)
    rows = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        note = Note(rel, _front_matter(path, typed_dates), base["formulas"], TODAY)
        if matches_filter(base["filters"], note) and matches_filter(view.get("filters", {"and": []}), note):
            rows.append((note.file("name"), note))

    def key(column: str) -> Any:
        kind, name = column.split(".", 1)

        def of(row: tuple[str, Note]) -> Any:
            # Names compare as people read them (Obsidian sorts text without regard to case).
            return row[0].casefold() if column == "file.name" else row[1].formula(name)

        assert kind in ("file", "formula")
        return of

    for sort in reversed(view["sort"]):  # a stable sort per key, the last key first
        rows.sort(key=key(sort["property"]), reverse=sort["direction"] == "DESC")
    return rows


def _day(value: Any) -> str | None:
    return value.date().isoformat() if value is not None else None


@pytest.mark.parametrize("typed_dates", [False, True])
def test_due_now_and_coming_up_agree_with_vault_due(cli: Any, example_vault: Path, typed_dates: bool) -> None:
    toml = example_vault / "vaultkit.toml"
    assert 'base = "People.base"' in toml.read_text(encoding="utf-8")
    # Derived: the meetings and daily notes reach last_contact, where the base reads it.
    toml.write_text('write_last_contact = "derived"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    # A prospect with a cadence of their own: neither `vault due` nor the base lists them.
    (example_vault / "People" / "Pat Prospect.md").write_text(
        "---\nstatus: prospect\ncadence: 2w\n---\n# Pat Prospect\n", encoding="utf-8"
    )
    rendered = cli("render", vault=example_vault)
    assert rendered.exit_code == 0, rendered.output
    assert "People.base: updated" in rendered.output
    assert "last_contact moved forward" in rendered.output

    due = json.loads(cli("due", "--json", vault=example_vault).output)["due"]
    rows = _view_rows(example_vault, "Due now", typed_dates)
    assert [name for name, _ in rows] == [item["name"] for item in due]
    assert "Pat Prospect" not in [name for name, _ in rows]
    assert [_day(note.formula("due_on")) for _, note in rows] == [item["due_on"] for item in due]
    assert [note.formula("days_over") for _, note in rows] == [item["days_overdue"] for item in due]
    assert [note.formula("cadence_days") for _, note in rows if note.formula("since")] == [
        item["cadence_days"] for item in due if item["last_contact"]
    ]

    within = json.loads(cli("due", "--within", "30d", "--json", vault=example_vault).output)["due"]
    coming = sorted(
        (item for item in within if item["days_overdue"] is not None and item["days_overdue"] < 0),
        key=lambda item: (item["due_on"], item["name"]),
    )
    rows = _view_rows(example_vault, "Coming up", typed_dates)
    assert [(name, _day(note.formula("due_on"))) for name, note in rows] == [
        (item["name"], item["due_on"]) for item in coming
    ]
    assert coming  # the example vault has people coming due


def test_snooze_and_archived_in_the_formulas() -> None:
    met = {"cadence": "2w", "last_contact": "2026-10-01"}
    assert _day(_evaluate(met, "due_on")) == "2026-10-15"
    assert _day(_evaluate({**met, "snooze_until": "2026-12-24"}, "due_on")) == "2026-12-24"
    assert _day(_evaluate({**met, "snooze_until": "2026-10-03"}, "due_on")) == "2026-10-15"
    assert _evaluate({"cadence": "2w"}, "due_on") is None  # never contacted: due now
    assert _day(_evaluate({"cadence": "2w", "snooze_until": "2026-12-01"}, "due_on")) == "2026-12-01"
    assert _evaluate({**met, "archived": "Yes"}, "reminders") is False
    assert _evaluate({**met, "archived": "false"}, "reminders") is True
    # Someone you want to meet is never due (`status: prospect`, or `asked` once asked).
    assert _evaluate({**met, "status": " Prospect"}, "reminders") is False
    assert _evaluate({**met, "status": "asked"}, "reminders") is False
    assert _evaluate({**met, "status": "friend"}, "reminders") is True
    # Months clamp to the month's end, as vaultkit's do: Jan 31 + 1m = Feb 28.
    assert _day(_evaluate({"cadence": "1m", "last_contact": "2027-01-31"}, "due_on")) == "2027-02-28"


def test_birthdays_formula() -> None:
    assert _day(_evaluate({"birthday": "1815-12-10"}, "next_birthday")) == "2026-12-10"
    assert _evaluate({"birthday": "--11-01"}, "birthday_in") == 344
    assert _evaluate({"birthday": "--11-22"}, "birthday_in") == 0


def test_which_notes_are_people() -> None:
    base = people_base(CONFIG)
    rule = base["filters"]

    def person(path: str, **props: Any) -> bool:
        return matches_filter(rule, Note(path, props, base["formulas"], TODAY))

    assert person("People/Ada.md")
    assert person("People/Team/Ada.md")
    assert not person("People/Acme.md", type="company")
    assert person("Contacts/Bob.md", type="person")
    assert person("Contacts/Bob.md", type=" Person ")  # trimmed and case-blind, as vaultkit reads it
    assert not person("People/Acme.md", type="Company")
    assert person("People/Ada.md", type=" ")
    assert not person("Contacts/Bob.md")
    assert not person("Templates/vaultkit/person.md", type="person")
    assert not person("People/photo.png")
    # No people folder (`people_dir = ""`): a person is a note whose type says so, as vaultkit reads it.
    none = people_base(config_from_dict({"people_dir": ""}))
    assert matches_filter(none["filters"], Note("Ada.md", {"type": "person"}, none["formulas"], TODAY))
    for path in ("Ada.md", "Meetings/2026-11-20 Ada.md", "Due.md"):
        assert not matches_filter(none["filters"], Note(path, {}, none["formulas"], TODAY)), path


def test_the_base_leaves_out_obsidians_templates_folder_as_a_walk_does(cli: Any, vault_dir: Path) -> None:
    """A person template in Obsidian's own templates folder (`.obsidian/templates.json`)
    is no person to vaultkit: the base leaves it out too."""
    (vault_dir / ".obsidian").mkdir()
    (vault_dir / ".obsidian" / "templates.json").write_text('{"folder": "Tpl"}', encoding="utf-8")
    (vault_dir / "vaultkit.toml").write_text('[views]\nbase = "People.base"\n', encoding="utf-8")
    assert cli("render").exit_code == 0
    base = yaml.safe_load((vault_dir / "People.base").read_text(encoding="utf-8"))
    for path, expected in (
        ("Tpl/Person.md", False),
        ("Templates/vaultkit/person.md", False),
        ("X/Bob.md", True),
    ):
        note = Note(path, {"type": "person"}, base["formulas"], TODAY)
        assert matches_filter(base["filters"], note) is expected, path


def test_render_writes_the_base_only_when_the_settings_change(cli: Any, vault_dir: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text('[views]\nbase = "People.base"\n', encoding="utf-8")
    assert "People.base: updated" in cli("render").output
    first = (vault_dir / "People.base").read_bytes()
    assert "People.base: unchanged" in cli("render").output
    (vault_dir / "vaultkit.toml").write_text(
        '[views]\nbase = "People.base"\n[cadence_by_tag]\nfamily = "2w"\n', encoding="utf-8"
    )
    assert "People.base: updated" in cli("render").output
    second = (vault_dir / "People.base").read_text(encoding="utf-8")
    assert second != first.decode() and '"family"' in second


def test_init_sets_the_base(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = cli("init", str(target))
    assert result.exit_code == 0, result.output
    assert 'base = "People.base"' in (target / "vaultkit.toml").read_text(encoding="utf-8")
    assert (REPO / "docs" / "views-and-watch.md").read_text(encoding="utf-8").count("People.base") >= 3
