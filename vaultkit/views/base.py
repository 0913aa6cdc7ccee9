"""People.base: an Obsidian Bases view of the people, generated from `vaultkit.toml`.

Bases (a core plugin since Obsidian 1.9) read a YAML file of `filters`, `formulas`,
`properties` and `views`. Bases see front matter only, so the formulas work out what
`vault due` works out from it: the cadence (the person's own, else the shortest of their
tags' cadences, nested tags counting, else `default_cadence`), the due date (the cadence
after `last_contact`, else after `met`; a later `snooze_until` wins) and who is left out
(`archived`). The tag cadences and the default are written into the formulas, so a change
of `vaultkit.toml` writes a new base. Units follow Bases, where `M` is a month and `m` a
minute: a vaultkit `1m` becomes `1M`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vaultkit.config import Config
from vaultkit.dates import parse_cadence

COMING_DAYS = 30
_MS_PER_DAY = 86400000
# vaultkit's cadence words, in Bases' duration units.
_WORD_SPANS = (
    ("daily", "1d"), ("weekly", "1w"), ("biweekly", "2w"), ("monthly", "1M"),
    ("quarterly", "3M"), ("yearly", "1y"),
)  # fmt: skip
_CADENCE_PATTERN = r"/^([0-9]*[1-9][0-9]*[dwmy]|daily|weekly|biweekly|monthly|quarterly|yearly|none)$/"


def _quote(text: str) -> str:
    """A Bases string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _as_date(prop: str) -> str:
    """A front-matter date as a Bases date, whether Obsidian typed the property as a date or text."""
    return f'if(note.{prop}.isType("string"), date(note.{prop}.trim()), note.{prop})'


def _has_tag(key: str) -> str:
    """Whether the note's front-matter tags hold `key` or a tag nested under it."""
    return (
        f"formula.tag_keys.filter(value == {_quote(key)} || value.startsWith({_quote(key + '/')})).length > 0"
    )


def _tag_cadence(config: Config) -> str:
    """The cadence the tags give (the shortest, `none` from any tag opting out), else the default."""
    usable: list[tuple[int, str, str]] = []
    opt_out: list[str] = []
    for key, text in config.cadence_by_tag:
        if not text:
            continue
        cadence = parse_cadence(text)
        if cadence is None:
            opt_out.append(key)
        else:
            usable.append((cadence.nominal_days, key, text.lower().replace(" ", "")))
    expression = _quote(config.default_cadence.lower().replace(" ", "") if config.default_cadence else "")
    for _, key, text in sorted(usable, reverse=True):
        expression = f"if({_has_tag(key)}, {_quote(text)}, {expression})"
    for key in sorted(opt_out, reverse=True):
        expression = f'if({_has_tag(key)}, "none", {expression})'
    return expression


def _span() -> str:
    """The resolved cadence as a Bases duration: words spelled out, months as `M`."""
    expression = 'formula.cadence.replace("m", "M")'
    for word, span in reversed(_WORD_SPANS):
        expression = f'if(formula.cadence == "{word}", "{span}", {expression})'
    return f'if(formula.cadence == "", "", {expression})'


def _people_filter(config: Config, template_folders: Sequence[str] = ()) -> dict[str, Any]:
    """Which notes are people: notes under `people_dir` whose `type` says nothing else, and
    notes anywhere with `type: person`; never the templates (`templates_dir`, and the other
    `template_folders` a walk skips: Obsidian's own and Templater's)."""
    in_people = (
        f'file.inFolder({_quote(config.people_dir)}) && (formula.type == "" || formula.type == "person")'
    )
    # (With no people folder, `people_dir = ""`, only the notes whose type is person.)
    is_person = (
        {"or": [in_people, 'formula.type == "person"']} if config.people_dir else 'formula.type == "person"'
    )
    rules: list[Any] = ['file.ext == "md"', is_person]
    folders = sorted({folder for folder in (config.templates_dir, *template_folders) if folder})
    for folder in folders:
        if not any(folder.startswith(outer + "/") for outer in folders):  # (one inside another: once)
            rules.append(f"!file.inFolder({_quote(folder)})")
    return {"and": rules}


def base_formulas(config: Config) -> dict[str, str]:
    """The base's formulas, by name (each may use the ones before it)."""
    days = f"/ {_MS_PER_DAY}"
    return {
        # `type` trimmed and case-blind (`parse.note_kind`): a text only, as vaultkit reads it.
        "type": 'if(note.type && note.type.isType("string"), note.type.trim().lower(), "")',
        # Tags written as one text are split at commas and blanks, as Obsidian and vaultkit do.
        "tag_keys": (
            'if(note.tags, if(note.tags.isType("string"), note.tags.split(/[,\\s]+/), list(note.tags))'
            '.map(value.toString().trim().lower().replace(/^#/, "")), [])'
        ),
        # Blanks only between the number and the unit (`2 w`), as `dates.parse_cadence`: `bi weekly` is no cadence.
        "own_cadence": 'if(note.cadence, note.cadence.toString().trim().lower().replace(/\\s+(?=[dwmy]$)/, ""), "")',
        "tag_cadence": _tag_cadence(config),
        # A cadence that does not parse is dropped, as vaultkit drops the field: the tags decide.
        "cadence": (
            f"if({_CADENCE_PATTERN}.matches(formula.own_cadence), formula.own_cadence, formula.tag_cadence)"
            '.replace("none", "")'
        ),
        "span": _span(),
        "archived": 'if(note.archived, ["true", "yes", "on"].contains(note.archived.toString().trim().lower()), false)',
        # Someone you want to meet (`status: prospect` or `asked`) is never due: `model.is_prospect`.
        "prospect": 'if(note.status, ["prospect", "asked"].contains(note.status.toString().trim().lower()), false)',
        "reminders": '!formula.archived && !formula.prospect && formula.cadence != ""',
        "since": f"if(note.last_contact, {_as_date('last_contact')}, if(note.met, {_as_date('met')}, null))",
        "snooze": f"if(note.snooze_until, {_as_date('snooze_until')}, null)",
        "due_base": "if(formula.reminders && formula.since, formula.since + formula.span, null)",
        "due_on": (
            "if(!formula.reminders, null, if(formula.due_base, "
            "if(formula.snooze && formula.snooze > formula.due_base, formula.snooze, formula.due_base), "
            "if(formula.snooze && formula.snooze > today(), formula.snooze, null)))"
        ),
        "days_over": f"if(formula.due_on, ((today() - formula.due_on) {days}).round(), null)",
        "cadence_days": (
            f"if(formula.since, ((formula.since + formula.span - formula.since) {days}).round(), "
            'number(formula.span.slice(0, -1)) * if(formula.span.endsWith("d"), 1, '
            'if(formula.span.endsWith("w"), 7, if(formula.span.endsWith("M"), 30, 365))))'
        ),
        # `vault due`'s order: the never contacted first, then the share of the cadence overdue.
        "urgency": "if(formula.due_on, formula.days_over / formula.cadence_days, 1000000)",
        "birthday_day": (
            'if(note.birthday, if(note.birthday.isType("string"), note.birthday.trim().slice(-5), '
            'note.birthday.format("MM-DD")), "")'
        ),
        "next_birthday": (
            'if(formula.birthday_day == "", null, '
            'if(date(today().format("YYYY") + "-" + formula.birthday_day) >= today(), '
            'date(today().format("YYYY") + "-" + formula.birthday_day), '
            'date((today().year + 1).toString() + "-" + formula.birthday_day)))'
        ),
        "birthday_in": f"if(formula.next_birthday, ((formula.next_birthday - today()) {days}).round(), null)",
    }


_DISPLAY_NAMES = {
    "file.name": "Name",
    "note.last_contact": "Last contact",
    "formula.cadence": "Cadence",
    "formula.due_on": "Due on",
    "formula.days_over": "Days over",
    "formula.next_birthday": "Birthday",
    "formula.birthday_in": "In days",
    "note.company": "Company",
    "note.location": "Location",
    "note.tags": "Tags",
}


def people_base(config: Config, template_folders: Sequence[str] = ()) -> dict[str, Any]:
    """The whole base as data: filters, formulas, properties and the four views."""
    due_columns = ["file.name", "note.last_contact", "formula.cadence", "formula.due_on", "formula.days_over"]
    return {
        "filters": _people_filter(config, template_folders),
        "formulas": base_formulas(config),
        "properties": {key: {"displayName": name} for key, name in _DISPLAY_NAMES.items()},
        "views": [
            {
                "type": "table",
                "name": "Due now",
                "filters": {"and": ["formula.reminders", "!formula.due_on || formula.due_on <= today()"]},
                "order": list(due_columns),
                "sort": [
                    {"property": "formula.urgency", "direction": "DESC"},
                    {"property": "file.name", "direction": "ASC"},
                ],
            },
            {
                "type": "table",
                "name": "Coming up",
                "filters": {
                    "and": [
                        "formula.reminders",
                        "formula.due_on > today()",
                        f'formula.due_on <= today() + "{COMING_DAYS}d"',
                    ]
                },
                "order": list(due_columns),
                "sort": [
                    {"property": "formula.due_on", "direction": "ASC"},
                    {"property": "file.name", "direction": "ASC"},
                ],
            },
            {
                "type": "cards",
                "name": "Everyone",
                "order": [
                    "file.name",
                    "formula.cadence",
                    "note.last_contact",
                    "note.company",
                    "note.location",
                    "note.tags",
                ],
                "sort": [{"property": "file.name", "direction": "ASC"}],
            },
            {
                "type": "table",
                "name": "Birthdays",
                "filters": {"and": ["!formula.archived", 'formula.birthday_day != ""']},
                "order": ["file.name", "formula.next_birthday", "formula.birthday_in", "note.birthday"],
                "sort": [
                    {"property": "formula.next_birthday", "direction": "ASC"},
                    {"property": "file.name", "direction": "ASC"},
                ],
            },
        ],
    }


def render_base(config: Config, template_folders: Sequence[str] = ()) -> str:
    """People.base's YAML, deterministic, one formula a line (its header is views.builtin's)."""
    import yaml  # PyYAML costs 15 ms of start-up: only `render` and the watcher need it here

    return yaml.safe_dump(
        people_base(config, template_folders), sort_keys=False, allow_unicode=True, width=10**9
    )
