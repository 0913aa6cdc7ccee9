"""Note text -> model: front matter as written, links, contacts, Log, tasks, bad input (spec §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from vaultkit.config import Config
from vaultkit.errors import NoteParseError
from vaultkit.model import DAILY, MEETING, OTHER, PERSON, Link, LogEntry, ParsedNote, Problem, Task
from vaultkit.notes.grammar import DUE_MARK_RE
from vaultkit.notes.parse import LOG_NOT_READ, parse_note, parse_text

CONFIG = Config()
D = dt.date
CADENCE_HELP = "(use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none)"


def person(text: str, path: str = "People/Ada Lovelace.md") -> ParsedNote:
    return parse_text(path, text, CONFIG)


def daily(body: str, path: str = "Daily/2026-11-20.md") -> ParsedNote:
    return parse_text(path, body, CONFIG)


def contacts(note: ParsedNote) -> list[tuple[str, int]]:
    return [(link.target, link.line) for link in note.links if link.contact]


def targets(note: ParsedNote) -> list[tuple[str, int, bool]]:
    return [(link.target, link.line, link.contact) for link in note.links]


def bad_note(data: bytes, path: str = "People/Bad.md") -> NoteParseError:
    with pytest.raises(NoteParseError) as err:
        parse_note(path, data, CONFIG)
    return err.value


# -- front matter as written --------------------------------------------------------------
def test_values_keep_their_source_text() -> None:
    note = person(
        "---\n"
        "country: NO\n"
        "phone: 0123\n"
        "version: 1.10\n"
        "flag: yes\n"
        "count: 0x1F\n"
        "quoted: '0123'\n"
        "empty:\n"
        "nothing: null\n"
        "when: 2026-10-02T10:00:00Z\n"
        "list: [1, 2.50]\n"
        "nested: {a: 1}\n"
        "---\n"
        "# Ada Lovelace\n"
    )
    assert note.fields == {
        "country": "NO",
        "phone": "0123",
        "version": "1.10",
        "flag": "yes",
        "count": "0x1F",
        "quoted": "0123",
        "empty": "",
        "nothing": "null",
        "when": "2026-10-02T10:00:00Z",
        "list": ["1", "2.50"],
        "nested": {"a": "1"},
    }
    assert note.problems == []


def test_unquoted_wikilink_in_front_matter_is_understood_as_a_link() -> None:
    note = person(
        "---\n"
        "related: [[Alice]]\n"
        "friends:\n"
        "  - [[Bob Marley]]\n"
        "  - [[Carol|C]]\n"
        "introduced_by: [[Charles Babbage]]\n"
        "---\n"
    )
    assert note.fields["related"] == "[[Alice]]"
    assert note.fields["friends"] == ["[[Bob Marley]]", "[[Carol|C]]"]
    assert note.introduced_by == ["Charles Babbage"]
    # Front-matter links are links, never contacts.
    assert targets(note) == [
        ("alice", 2, False),
        ("bob marley", 3, False),
        ("carol", 3, False),
        ("charles babbage", 6, False),
    ]


def test_typed_keys() -> None:
    note = person(
        "---\n"
        "aliases: [Ada, 'Countess']\n"
        "tags: [person, '#mentor', family/close]\n"
        "cadence: 1M\n"
        "last_contact: 2026-10-02\n"
        "met: 2024-05-01T18:00\n"
        "birthday: --12-10\n"
        "snooze_until: 2026-12-01\n"
        "archived: Yes\n"
        "introduced_by: '[[Charles Babbage]]'\n"
        "---\n"
    )
    assert note.kind == PERSON
    assert note.name == "Ada Lovelace"
    assert note.aliases == ["Ada", "Countess"]
    assert note.tags == ["person", "mentor", "family/close"]
    assert note.cadence == "1M"
    assert (note.last_contact, note.met, note.snooze_until) == (D(2026, 10, 2), D(2024, 5, 1), D(2026, 12, 1))
    assert note.birthday == "--12-10"
    assert note.archived is True
    assert note.introduced_by == ["Charles Babbage"]
    assert note.problems == []


@pytest.mark.parametrize(
    ("front", "aliases", "tags"),
    [
        (
            'aliases: "Robert, Bobby"\ntags: "#friend #work/design"',
            ["Robert", "Bobby"],
            ["friend", "work/design"],
        ),
        ("aliases: Robert,Bobby ,\ntags: friend, climbing", ["Robert", "Bobby"], ["friend", "climbing"]),
        ("aliases: Bob Smith\ntags: friend,,  climbing ", ["Bob Smith"], ["friend", "climbing"]),
    ],
)
def test_tags_and_aliases_in_one_text_are_split_as_obsidian_splits_them(
    front: str, aliases: list[str], tags: list[str]
) -> None:
    note = person(f"---\n{front}\n---\n")
    assert (note.aliases, note.tags) == (aliases, tags)


def test_single_values_where_lists_are_usual() -> None:
    note = person("---\naliases: Ada\ntags: mentor\n---\n")
    assert (note.aliases, note.tags) == (["Ada"], ["mentor"])


def test_name_is_the_nfc_file_stem() -> None:
    note = person("# x\n", path="People/Luci\u0301a Ferna\u0301ndez.md")
    assert note.name == "Luc\u00eda Fern\u00e1ndez"


@pytest.mark.parametrize(
    ("path", "front", "kind"),
    [
        ("People/Ada.md", "", PERSON),
        ("People/Friends/Ada.md", "", PERSON),
        ("People/Acme.md", "type: company\n", OTHER),
        ("People/Ada.md", "type: Person\n", PERSON),
        ("Elsewhere/Ada.md", "type: person\n", PERSON),
        ("Ada.md", "", OTHER),
        ("Meetings/2026-11-20 Ada.md", "", MEETING),
        ("Meetings/2026/Team sync.md", "", MEETING),
        ("Daily/2026-11-20.md", "", DAILY),
        ("Daily/2026/2026-11-20.md", "", DAILY),
        ("Daily/Ideas.md", "", OTHER),
        ("Peoples/Ada.md", "", OTHER),
    ],
)
def test_which_notes_are_people(path: str, front: str, kind: str) -> None:
    text = f"---\n{front}---\n" if front else "body\n"
    assert parse_text(path, text, CONFIG).kind == kind


# -- bad fields ---------------------------------------------------------------------------
def test_a_bad_field_drops_only_that_field_and_is_reported_with_its_line() -> None:
    note = person(
        "---\n"
        "company: Analytical Engines\n"
        "cadence: fortnightly\n"
        "last_contact: soon\n"
        "met: 2026-02-30\n"
        "birthday: --13-01\n"
        "snooze_until: later\n"
        "archived: maybe\n"
        "tags: [mentor]\n"
        "---\n"
        "## Log\n"
        "- 2026-10-02 call: fine\n"
    )
    assert note.kind == PERSON
    assert note.fields["company"] == "Analytical Engines"
    assert note.fields["cadence"] == "fortnightly"  # still shown as written
    assert (note.cadence, note.last_contact, note.met, note.birthday, note.snooze_until) == (None,) * 5
    assert note.archived is False
    assert note.tags == ["mentor"]
    assert note.log == [LogEntry(D(2026, 10, 2), "call", "fine", 12)]
    assert sorted(note.problems, key=lambda p: p.line or 0) == [
        Problem(
            "People/Ada Lovelace.md",
            3,
            "error",
            f"cadence: 'fortnightly' is not a cadence {CADENCE_HELP}; ignored",
        ),
        Problem(
            "People/Ada Lovelace.md",
            4,
            "error",
            "last_contact: 'soon' is not a date (use YYYY-MM-DD); ignored",
        ),
        Problem(
            "People/Ada Lovelace.md",
            5,
            "error",
            "met: '2026-02-30' is not a real date: February 2026 has 28 days; ignored",
        ),
        Problem("People/Ada Lovelace.md", 6, "error", "birthday: '--13-01' is not a real birthday; ignored"),
        Problem(
            "People/Ada Lovelace.md",
            7,
            "error",
            "snooze_until: 'later' is not a date (use YYYY-MM-DD); ignored",
        ),
        Problem("People/Ada Lovelace.md", 8, "error", "archived: 'maybe' is not true or false; ignored"),
    ]


def test_a_text_or_list_field_that_holds_a_mapping_or_a_status_that_is_a_list_is_reported() -> None:
    note = person(
        "---\naliases: {a: 1}\ntags: {a: b}\nstatus: [prospect]\nintroduced_by: [Bo, {x: y}]\n"
        "cadence: 1w\n---\n# Ada\n"
    )
    assert (note.aliases, note.tags, note.status, note.introduced_by, note.cadence) == (
        [],
        [],
        None,
        [],
        "1w",
    )
    assert note.problems == [
        Problem(
            "People/Ada Lovelace.md",
            2,
            "error",
            "aliases: {'a': '1'} is not a text or a list of texts; ignored",
        ),
        Problem(
            "People/Ada Lovelace.md", 3, "error", "tags: {'a': 'b'} is not a text or a list of texts; ignored"
        ),
        Problem("People/Ada Lovelace.md", 4, "error", "status: ['prospect'] is not a text; ignored"),
        Problem(
            "People/Ada Lovelace.md",
            5,
            "error",
            "introduced_by: ['Bo', {'x': 'y'}] is not a text or a list of texts; ignored",
        ),
    ]
    meeting = parse_text("Meetings/2026-01-02 M.md", "---\npeople: {a: b}\n---\nWith [[Bo]]\n", CONFIG)
    assert meeting.people is None  # (the body's links count, as with no property)
    assert meeting.problems == [
        Problem(
            "Meetings/2026-01-02 M.md",
            2,
            "error",
            "people: {'a': 'b'} is not a text or a list of texts; ignored",
        )
    ]
    # A nested list is an unquoted link (`[[Bo]]`), not a wrong shape.
    assert person("---\ntags: [[a], b]\n---\n").problems == []


def test_a_bad_log_date_is_reported_and_the_other_entries_kept() -> None:
    note = person("## Log\n- 2026-02-30 call: oops\n- 2026-02-28 call: fine\n")
    assert note.log == [LogEntry(D(2026, 2, 28), "call", "fine", 3)]
    assert note.problems == [
        Problem("People/Ada Lovelace.md", 2, "error", "Log date 2026-02-30 is not a date")
    ]


# -- links --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("[[People/Ada Lovelace]]", "people/ada lovelace"),
        ("[[Ada Lovelace]]", "ada lovelace"),
        ("[[ada lovelace]]", "ada lovelace"),
        ("[[Ada Lovelace|Ada]]", "ada lovelace"),
        ("[[Ada Lovelace#Log]]", "ada lovelace"),
        ("[[Ada Lovelace#^b1c2]]", "ada lovelace"),
        ("[[Ada Lovelace#Log|the log]]", "ada lovelace"),
        ("[[Ada Lovelace.md]]", "ada lovelace"),
        ("[[/People/Ada Lovelace]]", "people/ada lovelace"),
        ("[[Luci\u0301a]]", "luc\u00eda"),
        ("| [[Ada Lovelace\\|Ada]] | table |", "ada lovelace"),
        ("[Ada](People/Ada%20Lovelace.md)", "people/ada lovelace"),
        ("[Ada](Ada%20Lovelace.md)", "ada lovelace"),
        ("[Ada](<People/Ada Lovelace.md>)", "people/ada lovelace"),
        ("[Ada](../People/Ada%20Lovelace.md)", "people/ada lovelace"),
        ("[Ada](./Ada%20Lovelace.md#Log)", "daily/ada lovelace"),
        ('[Ada](People/Ada%20Lovelace.md "her note")', "people/ada lovelace"),
        ("[Ada](People/Ada%20Lovelace.MD)", "people/ada lovelace"),
    ],
)
def test_every_link_form_is_a_contact_in_a_daily_note(text: str, target: str) -> None:
    note = daily(f"# Friday\n- lunch with {text}\n")
    assert contacts(note) == [(target, 2)]
    assert note.links[0].stem == target.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    "text",
    [
        "[Ada](https://example.com/Ada.md)",
        "[Ada](mailto:ada@example.com)",
        "[Ada](#Log)",
        "[Ada](People/Ada.pdf)",
        "[Ada](../../outside.md)",
        "Ada Lovelace",
        "[Ada Lovelace]",
        "[[]]",
    ],
)
def test_things_that_are_not_links(text: str) -> None:
    assert daily(f"- {text}\n").links == []


@pytest.mark.parametrize(
    "body",
    [
        "- [ ] call [[Ada]]\n",
        "- [/] call [[Ada]]\n",
        "  * [ ] nested plan with [[Ada]]\n",
        "1. [ ] numbered plan with [[Ada]]\n",
        "> quoted [[Ada]]\n",
        ">> - deeply quoted [[Ada]]\n",
        "![[Ada]]\n",
        "see ![[Ada#Log]] here\n",
        "![photo](Ada.md)\n",
    ],
)
def test_links_that_are_kept_but_are_not_contacts(body: str) -> None:
    note = daily(body)
    assert [link.contact for link in note.links] == [False]


@pytest.mark.parametrize(
    "body",
    [
        "```\n[[Ada]]\n```\n",
        "~~~markdown\n[[Ada]]\n~~~\n",
        "````\n```\n[[Ada]]\n```\n````\n",
        "call `[[Ada]]` later\n",
        "``code with ` and [[Ada]]``\n",
        "%% [[Ada]] %%\n",
        "text %% private [[Ada]] %% more\n",
        "%%\nmulti-line\n[[Ada]]\n%%\n",
        "<!-- [[Ada]] -->\n",
        "<!--\n[[Ada]]\n-->\n",
        "<!-- vaultkit:due -->\n- [[Ada]]\n<!-- /vaultkit:due -->\n",
    ],
)
def test_links_that_are_not_read_at_all(body: str) -> None:
    assert daily(body).links == []


def test_contexts_end_where_they_should() -> None:
    note = daily(
        "```\n[[In Code]]\n```\n"
        "[[After Code]]\n"
        "%% hidden\n[[In Comment]]\nstill hidden %% [[After Comment]]\n"
        "<!-- vaultkit:due -->\n[[Generated]]\n<!-- /vaultkit:due -->\n"
        "[[After Block]]\n"
        "- [x] done: called [[Done Task]]\n"
        "- [-] cancelled: call [[Cancelled Task]]\n"
        "> [[Quoted]]\n"
        "[[After Quote]]\n"
    )
    assert targets(note) == [
        ("after code", 4, True),
        ("after comment", 7, True),
        ("after block", 11, True),
        ("done task", 12, True),
        ("cancelled task", 13, True),
        ("quoted", 14, False),
        ("after quote", 15, True),
    ]


def test_links_in_a_person_note_are_never_contacts() -> None:
    note = person(
        "Friends with [[Mary Somerville]].\n## Log\n- 2026-10-02 coffee: with [[Mary Somerville]]\n"
    )
    assert targets(note) == [("mary somerville", 1, False), ("mary somerville", 3, False)]


def test_meeting_people_property_and_date() -> None:
    note = parse_text(
        "Meetings/2026-11-04 Intro.md",
        "---\npeople: [[Ada Lovelace]]\ndate: 2026-11-05\n---\nWith [[Charles]].\n",
        CONFIG,
    )
    assert (note.kind, note.people, note.date) == (MEETING, ["Ada Lovelace"], D(2026, 11, 5))
    assert contacts(note) == [("charles", 5)]


@pytest.mark.parametrize(
    ("value", "people"),
    [
        ("[Ada Lovelace, '[[Charles Babbage]]']", ["Ada Lovelace", "Charles Babbage"]),
        ("'[[Ada Lovelace|Ada]], [[Charles Babbage]]'", ["Ada Lovelace", "Charles Babbage"]),
        ("Ada Lovelace", ["Ada Lovelace"]),
        ("\n  - '[[People/Ada Lovelace]]'\n  - Charles Babbage", ["People/Ada Lovelace", "Charles Babbage"]),
    ],
)
def test_meeting_people_values(value: str, people: list[str]) -> None:
    note = parse_text("Meetings/2026-11-04 Intro.md", f"---\npeople: {value}\n---\n", CONFIG)
    assert note.people == people
    assert note.date == D(2026, 11, 4)


@pytest.mark.parametrize("value", ["[]", "", "['']", "\n  -", "null", "~", "NULL"])
def test_an_empty_people_property_names_no_one_and_the_body_links_count(value: str) -> None:
    """As Obsidian's property editor (or a template) leaves it: the links count, as when
    there is no `people` at all."""
    text = f"---\npeople: {value}\n---\nWith [[Ada]].\n"
    note = parse_text("Meetings/2026-11-04 Intro.md", text, CONFIG)
    assert note.people is None
    assert contacts(note) == [("ada", text.count("\n"))]


@pytest.mark.parametrize("null", ["~", "null", "Null", "NULL"])
def test_yaml_null_is_no_value(null: str) -> None:
    """What Templater and other tools write for "no value": as a key left empty, no error."""
    keys = ("cadence", "birthday", "last_contact", "met", "snooze_until", "archived", "tags", "aliases")
    note = person("---\n" + "".join(f"{key}: {null}\n" for key in keys) + "introduced_by: ~\n---\n")
    assert note.problems == []
    assert (note.cadence, note.birthday, note.last_contact, note.met, note.snooze_until) == (None,) * 5
    assert (note.archived, note.tags, note.aliases, note.introduced_by) == (False, [], [], [])
    quoted = person('---\ncadence: "null"\n---\n')  # (as written, a text: still no cadence)
    assert quoted.cadence is None
    # A `type` or a `status` of no value is none (`type: ~` in People/ made no person);
    # an empty list is no value either, as YAML's null (a status `[]` was an error).
    for front in (f"type: {null}\n", f"status: {null}\n", "status: []\narchived: []\n"):
        note = parse_text("People/Ada.md", f"---\n{front}---\n", CONFIG)
        assert (note.kind, note.status, note.problems) == ("person", None, [])


def test_a_meeting_note_naming_people_with_no_date_at_all_is_a_warning() -> None:
    note = parse_text("Meetings/no date F.md", "---\npeople: [F]\n---\n", CONFIG)
    assert note.problems == [
        Problem(
            "Meetings/no date F.md",
            None,
            "warning",
            "a meeting note with no date (a `date` property, or a file name starting YYYY-MM-DD), "
            "so nobody it names counts as met",
        )
    ]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("Meetings/Index.md", "# Meetings\n[[2026-11-04 Intro]]\n"),  # names nobody (`people`)
        ("Meetings/Agenda.md", "---\npeople: []\n---\n"),
        ("Meetings/Sync.md", "---\ndate: 2026-11-04\npeople: [Ada]\n---\n"),
        ("Meetings/2026-1-5 Sync.md", "---\ndate: 2026-01-05\npeople: [Ada]\n---\n"),  # dated
        ("Daily/2026-W47.md", "[[Ada]]\n"),  # a weekly note
        ("Daily/Inbox.md", "[[Ada]]\n"),
        ("Daily/2026-11-20 trip.md", "[[Ada]]\n"),
    ],
)
def test_notes_that_are_not_meant_to_be_dated_say_nothing(path: str, text: str) -> None:
    assert parse_text(path, text, CONFIG).problems == []


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("Daily/2026-02-30.md", "the file name's date 2026-02-30 is not a date"),
        ("Meetings/2026-02-30 Sync.md", "the file name's date 2026-02-30 is not a date"),
        # (it was silent: the daily note was no daily note, the meeting note had no date)
        ("Daily/2026-1-5.md", "the file name's date 2026-1-5 is not YYYY-MM-DD (write 2026-01-05)"),
        ("Meetings/2026-1-5 Sync.md", "the file name's date 2026-1-5 is not YYYY-MM-DD (write 2026-01-05)"),
    ],
)
def test_a_daily_or_meeting_note_named_by_a_day_that_is_none_is_a_warning(path: str, why: str) -> None:
    note = parse_text(path, "---\npeople: [Ada]\n---\n[[Ada]]\n", CONFIG)
    assert note.date is None
    assert note.problems == [Problem(path, None, "warning", f"{why}, so nobody it names counts as met")]


def test_meeting_date_falls_back_to_the_file_name_and_reports_a_bad_date() -> None:
    note = parse_text("Meetings/2026-11-04 Intro.md", "---\ndate: someday\n---\n", CONFIG)
    assert note.date == D(2026, 11, 4)
    assert note.people is None
    assert note.problems == [
        Problem(
            "Meetings/2026-11-04 Intro.md",
            2,
            "error",
            "date: 'someday' is not a date (use YYYY-MM-DD); ignored",
        )
    ]
    assert parse_text("Meetings/Intro.md", "", CONFIG).date is None


def test_daily_note_date_comes_from_its_name() -> None:
    assert daily("").date == D(2026, 11, 20)


# -- Log ----------------------------------------------------------------------------------
def test_log_entries_with_and_without_channel_in_any_order() -> None:
    note = person(
        "# Ada\n"
        "## Log\n"
        "Intro text with a date 2026-01-01.\n"
        "- 2026-08-15 call: job change\n"
        "- 2026-10-02 coffee: talked about [[Mary Somerville]]'s lecture\n"
        "* 2025-01-01 no channel here\n"
        "+ 2026-09-01 video-call: fine\n"
        "- 2026-09-02 Coffee: capital letter is not a channel\n"
        "- 2026-09-03 coffee:no space\n"
        "- 2026-09-04 2go: starts with a digit\n"
        "- 2026-09-05\n"
        "- not an entry\n"
        "   - 2026-09-06 c3po: below an undated item: an entry\n"
        "- 2026-09-07: a colon after the date\n"
        "- 2026-09-08, call: a comma\n"
    )
    assert note.log == [
        LogEntry(D(2026, 8, 15), "call", "job change", 4),
        LogEntry(D(2026, 10, 2), "coffee", "talked about [[Mary Somerville]]'s lecture", 5),
        LogEntry(D(2025, 1, 1), None, "no channel here", 6),
        LogEntry(D(2026, 9, 1), "video-call", "fine", 7),
        LogEntry(D(2026, 9, 2), None, "Coffee: capital letter is not a channel", 8),
        LogEntry(D(2026, 9, 3), None, "coffee:no space", 9),
        LogEntry(D(2026, 9, 4), None, "2go: starts with a digit", 10),
        LogEntry(D(2026, 9, 5), None, "", 11),
        LogEntry(D(2026, 9, 6), "c3po", "below an undated item: an entry", 13),
        LogEntry(D(2026, 9, 7), None, "a colon after the date", 14),
        LogEntry(D(2026, 9, 8), "call", "a comma", 15),
    ]


@pytest.mark.parametrize("indent", ["\t", "  ", "    ", "   ", " \t"])
def test_a_dated_item_indented_below_an_entry_is_its_detail(indent: str) -> None:
    """However it is indented (Obsidian indents with a tab), a sub-item is its entry's
    detail, as the merge driver reads it: not a contact of its own."""
    note = person(
        f"## Log\n- 2026-01-05 call: catch-up\n{indent}- 2026-02-20 she replied with [[Bob]]\n"
        f"\n{indent}- 2026-02-21 after a blank line\n- 2026-01-01 next\n"
    )
    assert note.log == [
        LogEntry(D(2026, 1, 5), "call", "catch-up", 2),
        LogEntry(D(2026, 1, 1), None, "next", 6),
    ]
    assert note.problems == []
    assert targets(note) == [("bob", 3, False)]  # (its links are read as before)


def test_a_paragraph_or_a_heading_ends_the_list_an_entry_is_in() -> None:
    """After a paragraph (a blank line before it) or a subheading, an indented item is an
    entry of a new list, as Markdown reads it, not the detail of the entry above."""
    note = person(
        "## Log\n- 2025-05-01 coffee\n\nSince the move:\n\n  - 2026-11-20 call\n"
        "### 2026\n  - 2026-11-21 lunch\n    - 2026-11-22 its detail\n\n"
        "    still the detail's paragraph\n\n    - 2026-11-23 another detail\n"
    )
    assert [(entry.text, entry.line) for entry in note.log] == [("coffee", 2), ("call", 6), ("lunch", 8)]


@pytest.mark.parametrize(
    ("log", "line"),
    [
        ("### 2026-11-30\nCoffee.\n### 2026-11-20\nA call.\n", 2),  # dated headings
        ("| Date | What |\n|---|---|\n| 2026-11-30 | dinner |\n", 4),  # a table
    ],
)
def test_a_log_kept_as_dated_headings_or_a_table_is_a_warning(log: str, line: int) -> None:
    """Its contacts count for nothing: not silently (and `vault log` will not write beside them)."""
    note = person(f"## Log\n{log}\n## Notes\n- 2026-01-01 not in the Log\n")
    assert note.log == []
    assert note.problems == [Problem("People/Ada Lovelace.md", line, "warning", LOG_NOT_READ)]
    # A Log with an entry, or a paragraph that names a date, says nothing.
    for fine in ("- 2026-11-30 call\n### 2026-11-29\n", "Kept since 2026-01-01.\n"):
        assert person(f"## Log\n{fine}").problems == []


def test_entries_grouped_under_undated_items_count() -> None:
    """`- 2026` then its entries indented below it: the grouping counts for nothing (a
    warning), the entries count; a dated item below an entry is still its detail."""
    note = person("## Log\n- 2026\n  - 2026-10-01 call: one\n    - 2026-10-02 detail\n  - 2026-09-01 two\n")
    assert [(entry.text, entry.line) for entry in note.log] == [("one", 3), ("two", 5)]
    assert [problem.line for problem in note.problems] == [2]


def test_a_log_indented_as_a_whole_keeps_its_entries_and_a_new_log_section_starts_again() -> None:
    note = person("## Log\n  - 2026-01-05 a\n  - 2026-01-06 b\n## Other\n# Log\n- 2026-01-07 c\n")
    assert [entry.text for entry in note.log] == ["a", "b", "c"]


def test_a_numbered_log_item_is_a_warning() -> None:
    note = person("## Log\n1. 2026-01-28 lunch\n2. [ ] a task is fine\n")
    assert note.log == []
    assert note.problems == [
        Problem(
            "People/Ada Lovelace.md",
            2,
            "warning",
            "a numbered Log item counts for nothing: a Log entry is a bulleted item, - YYYY-MM-DD",
        )
    ]


def test_log_entries_and_tasks_keep_their_inline_code() -> None:
    # The text is what was written, code and all; a link or a due mark inside code still
    # counts for nothing.
    note = person(
        "# Ada\n"
        "- [ ] run `make test` before 📅 2026-12-01\n"
        "- [ ] not due: `📅 2026-12-02`\n"
        "## Log\n"
        "- 2026-11-02 call: we ran `make test` with `[[Bob]]`\n"
        "- 2026-11-01`x` code against the date: read as before\n"
    )
    assert note.log == [
        LogEntry(D(2026, 11, 2), "call", "we ran `make test` with `[[Bob]]`", 5),
        LogEntry(D(2026, 11, 1), None, "code against the date: read as before", 6),
    ]
    assert note.tasks == [
        Task("run `make test` before 📅 2026-12-01", " ", D(2026, 12, 1), 2),
        Task("not due: `📅 2026-12-02`", " ", None, 3),
    ]
    assert targets(note) == []


@pytest.mark.parametrize("level", ["#", "##", "###", "######"])
def test_log_heading_at_any_level(level: str) -> None:
    note = person(f"{level} Log\n- 2026-10-02 call: hi\n")
    assert note.log == [LogEntry(D(2026, 10, 2), "call", "hi", 2)]


def test_log_section_ends_at_a_heading_of_the_same_or_higher_level() -> None:
    note = person(
        "- 2026-01-01 before any Log\n"
        "## log\n"
        "- 2026-01-02 in\n"
        "### Details\n"
        "- 2026-01-03 sub-section still in\n"
        "## Notes\n"
        "- 2026-01-04 out\n"
        "## Log ##\n"
        "- 2026-01-05 second Log section\n"
        "# Top\n"
        "- 2026-01-06 out again\n"
        "```\n## Log\n- 2026-01-07 in code\n```\n"
    )
    assert [entry.date.day for entry in note.log] == [2, 3, 5]


def test_log_uses_the_configured_heading_and_only_in_person_notes() -> None:
    config = Config(log_heading="Interactions")
    text = "## Log\n- 2026-01-01 no\n## Interactions\n- 2026-01-02 yes\n"
    assert [e.date.day for e in parse_text("People/Ada.md", text, config).log] == [2]
    assert parse_text("Meetings/2026-01-01 x.md", "## Log\n- 2026-01-01 x\n", CONFIG).log == []


def test_log_entry_with_bom_and_no_front_matter() -> None:
    note = person("\ufeff## Log\n- 2026-10-02 call: hi\n")
    assert note.log == [LogEntry(D(2026, 10, 2), "call", "hi", 2)]


# -- tasks --------------------------------------------------------------------------------
def test_task_statuses_and_due_dates() -> None:
    note = person(
        "- [ ] send the paper 📅 2026-11-30\n"
        "- [/] half done\n"
        "- [x] done\n"
        "- [X] done too\n"
        "- [-] cancelled\n"
        "  1. [ ] numbered 📅2026-12-01\n"
        "- [ ] bad due 📅 2026-02-30\n"
        "- [] not a task\n"
    )
    assert note.tasks == [
        Task("send the paper 📅 2026-11-30", " ", D(2026, 11, 30), 1),
        Task("half done", "/", None, 2),
        Task("done", "x", None, 3),
        Task("done too", "X", None, 4),
        Task("cancelled", "-", None, 5),
        Task("numbered 📅2026-12-01", " ", D(2026, 12, 1), 6),
        Task("bad due 📅 2026-02-30", " ", None, 7),
    ]
    assert [t.is_open for t in note.tasks] == [True, True, False, False, False, True, True]
    assert note.problems == [
        Problem(
            "People/Ada Lovelace.md",
            7,
            "warning",
            "the task's due date 2026-02-30 is not a date; the task has none",
        )
    ]


def test_a_due_date_in_the_tasks_plugins_dataview_format() -> None:
    note = person(
        "- [ ] a [due:: 2026-11-30]\n- [ ] b (Due::2026-12-01) then\n- [ ] c [due:: 2026-12-02\n"
        "- [ ] d [scheduled:: 2026-12-03]\n"
    )
    assert [(t.text, t.due) for t in note.tasks] == [
        ("a [due:: 2026-11-30]", D(2026, 11, 30)),
        ("b (Due::2026-12-01) then", D(2026, 12, 1)),
        ("c [due:: 2026-12-02", None),
        ("d [scheduled:: 2026-12-03]", None),
    ]
    assert [DUE_MARK_RE.sub("", t.text) for t in note.tasks[:2]] == ["a", "b then"]


# -- bad notes ----------------------------------------------------------------------------
def test_invalid_yaml_is_a_bad_note_with_its_line() -> None:
    err = bad_note(b"---\ntags: [person\ncadence: 1m\n---\n# Bad\n")
    assert (err.path, err.line) == ("People/Bad.md", 3)
    assert str(err) == "People/Bad.md:3: invalid YAML in front matter: did not find expected ',' or ']'"
    err = bad_note(b"---\ncompany: Acme\n  role: CEO\n---\n")
    assert (
        str(err)
        == "People/Bad.md:3: invalid YAML in front matter: mapping values are not allowed in this context"
    )


def test_front_matter_that_is_not_a_mapping_is_a_bad_note() -> None:
    err = bad_note(b"---\n- a\n- b\n---\n")
    assert (
        str(err) == "People/Bad.md:1: front matter refused: front matter is not a mapping of keys to values"
    )


def test_non_utf8_is_a_bad_note() -> None:
    err = bad_note("---\ncompany: Acme\n---\nCaf\u00e9\n".encode("latin-1"))
    assert str(err) == "People/Bad.md:4: note is not UTF-8 text"


def test_binary_is_a_bad_note() -> None:
    err = bad_note(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert str(err) == "People/Bad.md: note is binary (it has NUL bytes)"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("# Bad\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> origin/main\n", 2),
        ("---\ncadence: 1m\n=======\n---\n", 3),
        ("---\n>>>>>>> theirs\n---\n", 2),
    ],
)
def test_conflict_markers_make_a_bad_note(text: str, line: int) -> None:
    err = bad_note(text.encode())
    assert (
        str(err)
        == f"People/Bad.md:{line}: unresolved git conflict: keep the text you want and delete the <<<<<<< ======= >>>>>>> lines"
    )


def test_lines_that_only_look_like_conflict_markers_are_fine() -> None:
    note = person("# Ada\n<<<<<<<< eight\n======== eight\nSetext\n=======x\n")
    assert note.problems == []


def test_an_alias_bomb_is_refused() -> None:
    bomb = (
        "---\n"
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
        "---\n"
    )
    err = bad_note(bomb.encode())
    assert (
        str(err)
        == "People/Bad.md:1: front matter refused: YAML expands past the allowed size (an alias bomb?)"
    )


def test_small_anchors_and_aliases_are_fine() -> None:
    note = person("---\nbase: &b London\nlocation: *b\n---\n")
    assert note.fields == {"base": "London", "location": "London"}


def test_a_recursive_alias_is_refused() -> None:
    err = bad_note(b"---\na: &a [*a]\n---\n")
    assert str(err) == "People/Bad.md:2: invalid YAML in front matter: found unconstructable recursive node"


def test_front_matter_over_64_kib_is_refused() -> None:
    err = bad_note(b"---\nnotes: " + b"a" * (64 * 1024) + b"\n---\n")
    assert str(err) == "People/Bad.md:1: front matter is over 64 KiB"
    fine = parse_note("People/Fine.md", b"---\nnotes: " + b"a" * (60 * 1024) + b"\n---\n", CONFIG)
    assert len(fine.fields["notes"]) == 60 * 1024


def test_a_note_over_8_mib_is_refused() -> None:
    err = bad_note(b"# Big\n" + b"a" * (8 * 1024 * 1024))
    assert str(err) == "People/Bad.md: note is over 8 MiB"
    fine = parse_note("People/Fine.md", b"# Big\n" + b"a" * (8 * 1024 * 1024 - 6), CONFIG)
    assert fine.problems == []


def test_unclosed_front_matter_is_a_warning_and_no_front_matter() -> None:
    note = person("---\ncadence: 1m\n# Ada\n## Log\n- 2026-10-02 call: hi\n")
    assert note.kind == PERSON
    assert note.fields == {}
    assert note.cadence is None
    assert note.log == [LogEntry(D(2026, 10, 2), "call", "hi", 5)]
    assert note.problems == [Problem("People/Ada Lovelace.md", 1, "warning", "front matter is never closed")]


def test_a_key_set_twice_is_a_warning_and_the_last_one_counts() -> None:
    note = person("---\ncadence: 1w\ncity: Oslo\ncadence: soon\n---\n# Ada\n")
    assert note.cadence is None  # the last, as YAML reads it: its error names its line
    assert note.problems == [
        Problem(
            "People/Ada Lovelace.md",
            4,
            "warning",
            "'cadence' is set twice in the front matter (lines 2 and 4): the last one counts; keep one",
        ),
        Problem(
            "People/Ada Lovelace.md", 4, "error", f"cadence: 'soon' is not a cadence {CADENCE_HELP}; ignored"
        ),
    ]


def test_a_log_date_may_link_its_daily_note_and_an_undated_item_is_a_warning() -> None:
    note = person(
        "# Ada\n## Log\n- [[2026-10-02]] call: hi\n  - what she said\n- [[2026-10-03|Oct 3]] x\n"
        "- met her at a party\n- 2026-10-04]] y\n- [ ] a task\n- [[2026-10-05]]\n\n## Notes\n- free\n"
    )
    assert note.log == [
        LogEntry(D(2026, 10, 2), "call", "hi", 3),
        LogEntry(D(2026, 10, 3), None, "x", 5),
        LogEntry(D(2026, 10, 5), None, "", 9),
    ]
    undated = "a Log item that does not start with a date (- YYYY-MM-DD) counts for nothing"
    assert note.problems == [Problem("People/Ada Lovelace.md", n, "warning", undated) for n in (6, 7)]


def test_front_matter_with_bom_and_crlf() -> None:
    note = parse_note(
        "People/Ada.md",
        "\ufeff---\r\ncadence: 2w\r\n---\r\n## Log\r\n- 2026-10-02 tea: yes\r\n".encode(),
        CONFIG,
    )
    assert note.fields == {"cadence": "2w"}
    assert note.log == [LogEntry(D(2026, 10, 2), "tea", "yes", 5)]


def test_line_numbers_count_only_lf_crlf_and_cr() -> None:
    note = person("---\nnote: a b\ncadence: soon\n---\n\x0c\n## Log\r- 2026-10-02 x\u2028y\n")
    assert note.problems == [
        Problem(
            "People/Ada Lovelace.md", 3, "error", f"cadence: 'soon' is not a cadence {CADENCE_HELP}; ignored"
        )
    ]
    assert note.log == [LogEntry(D(2026, 10, 2), None, "x\u2028y", 7)]


def test_empty_and_blank_notes() -> None:
    assert person("").fields == {}
    assert person("---\n---\n").fields == {}
    assert person("---\n\n---\n").problems == []


def test_link_model() -> None:
    note = daily("[[People/Ada Lovelace#Log|Ada]]\n")
    assert note.links == [Link("people/ada lovelace", "ada lovelace", 1, True, "People/Ada Lovelace")]
