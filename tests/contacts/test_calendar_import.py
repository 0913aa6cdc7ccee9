"""`vault import calendar`: calendars as Google Calendar, Outlook and Apple Calendar write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import machine_zone


def crlf(text: str) -> str:
    return text.strip("\n").replace("\n", "\r\n") + "\r\n"


def with_ada(path: Path, events: list[tuple[str, str, str]]) -> Path:
    """A calendar of events with Ada Lovelace, each (UID, DTSTART and maybe RRULE lines, SUMMARY)."""
    body = "".join(
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20261122T120000Z\n{when}\nSUMMARY:{title}\n"
        "ATTENDEE;CN=Ada Lovelace:mailto:ada@example.com\nEND:VEVENT\n"
        for uid, when, title in events
    )
    path.write_text(crlf(f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n"))
    return path


GOOGLE = crlf("""
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-WR-CALNAME:me@example.com
X-WR-TIMEZONE:Europe/London
BEGIN:VTIMEZONE
TZID:Europe/London
X-LIC-LOCATION:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
DTSTART;TZID=Europe/London:20261103T100000
DTEND;TZID=Europe/London:20261103T103000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=Europe/London:20261110T100000
DTSTAMP:20261122T120000Z
ORGANIZER;CN=Me:mailto:me@example.com
UID:weekly-1on1@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Kwame
  Mensah;X-NUM-GUESTS=0:mailto:KWAME@example.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=me@exa
 mple.com;X-NUM-GUESTS=0:mailto:me@example.com
SUMMARY:Kwame / me 1:1
STATUS:CONFIRMED
END:VEVENT
BEGIN:VEVENT
DTSTART:20261105T170000Z
DTEND:20261105T180000Z
DTSTAMP:20261122T120000Z
ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com
UID:declined@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=me@exa
 mple.com;X-NUM-GUESTS=0:mailto:me@example.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ada Lo
 velace;X-NUM-GUESTS=0:mailto:ada@example.com
SUMMARY:Analytical engine demo
END:VEVENT
BEGIN:VEVENT
DTSTART:20261201T090000Z
DTEND:20261201T100000Z
DTSTAMP:20261122T120000Z
ORGANIZER;CN=Me:mailto:me@example.com
UID:future@google.com
ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Ada Lovelace:mailto:ada@example.com
SUMMARY:Lunch with Ada
END:VEVENT
END:VCALENDAR
""")

OUTLOOK = crlf("""
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
VERSION:2.0
METHOD:PUBLISH
X-MS-OLK-FORCEINSPECTOROPEN:TRUE
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ATTENDEE;CN="Ada Lovelace";RSVP=TRUE:mailto:ada@example.com
ATTENDEE;CN=Grace Hopper;RSVP=TRUE:mailto:grace@navy.example
ATTENDEE;CN="Conference Room 4";CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT:mailto:room4@corp.example
CLASS:PUBLIC
CREATED:20261020T101010Z
DESCRIPTION:Agenda: numbers\\, bugs\\n
DTEND;TZID="W. Europe Standard Time":20261112T120000
DTSTAMP:20261120T101010Z
DTSTART;TZID="W. Europe Standard Time":20261112T110000
LAST-MODIFIED:20261020T101010Z
ORGANIZER;CN="Me":mailto:me@corp.example
PRIORITY:5
SEQUENCE:0
SUMMARY;LANGUAGE=en-gb:Compilers and engines
TRANSP:OPAQUE
UID:040000008200E00074C5B7101A82E00800000000D0A1B2C3D4E5F601000000000000000010000000
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
END:VEVENT
BEGIN:VEVENT
ATTENDEE;CN="Ada Lovelace":mailto:ada@example.com
DTEND;TZID="W. Europe Standard Time":20261113T120000
DTSTAMP:20261120T101010Z
DTSTART;TZID="W. Europe Standard Time":20261113T110000
ORGANIZER;CN="Me":mailto:me@corp.example
STATUS:CANCELLED
SUMMARY:Canceled: Follow-up
UID:040000008200E00074C5B7101A82E00800000000AAAAAAAAAAAAAAAA000000000000000010000000
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20261002
DTEND;VALUE=DATE:20261003
DTSTAMP:20261120T101010Z
ORGANIZER;CN="Me":mailto:me@corp.example
ATTENDEE;CN=P1:mailto:p1@corp.example
ATTENDEE;CN=P2:mailto:p2@corp.example
ATTENDEE;CN=P3:mailto:p3@corp.example
ATTENDEE;CN=P4:mailto:p4@corp.example
ATTENDEE;CN=P5:mailto:p5@corp.example
ATTENDEE;CN=P6:mailto:p6@corp.example
ATTENDEE;CN=P7:mailto:p7@corp.example
ATTENDEE;CN="Ada Lovelace":mailto:ada@example.com
SUMMARY:All hands
UID:allhands@corp.example
END:VEVENT
END:VCALENDAR
""")

APPLE = crlf("""
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//macOS 15.1//EN
CALSCALE:GREGORIAN
X-WR-CALNAME:Home
BEGIN:VEVENT
CREATED:20261001T080000Z
DTEND;VALUE=DATE:20261019
DTSTAMP:20261001T080000Z
DTSTART;VALUE=DATE:20261018
SEQUENCE:0
SUMMARY:Grace's garden party
TRANSP:TRANSPARENT
UID:6F2C1B7E-2E1A-4F0C-9B86-3A1D2C0E9F11
ATTENDEE;CN=Grace Hopper;CUTYPE=INDIVIDUAL;EMAIL=grace@navy.example;PARTSTAT
 =ACCEPTED:mailto:grace@navy.example
ATTENDEE;CN=Tom Whitfield;CUTYPE=INDIVIDUAL;PARTSTAT=DECLINED:urn:uuid:0000
 0000-0000-0000-0000-000000000001
ATTENDEE;CN=Stranger Danger;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED:mailto:nobo
 dy@example.org
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20261020
DTEND;VALUE=DATE:20261021
DTSTAMP:20261001T080000Z
SUMMARY:Book club
UID:bookclub@apple
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;VALUE=DATE:20261027
ATTENDEE;CN=Tom Whitfield;PARTSTAT=ACCEPTED:urn:uuid:00000000-0000-0000-0000
 -000000000001
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20261103
DTEND;VALUE=DATE:20261104
DTSTAMP:20261001T080000Z
RECURRENCE-ID;VALUE=DATE:20261103
SUMMARY:Book club (at Tom's)
UID:bookclub@apple
ATTENDEE;CN=Tom Whitfield;PARTSTAT=ACCEPTED:urn:uuid:00000000-0000-0000-0000
 -000000000001
END:VEVENT
END:VCALENDAR
""")


@pytest.fixture
def people(vault_dir: Path, make_person) -> Path:
    make_person("Ada Lovelace", email="ada@example.com", cadence="1m")
    make_person("Kwame Mensah", email="kwame@example.com", last_contact="2026-09-30")
    make_person("Grace Hopper", aliases="[Amazing Grace]")
    make_person("Tom Whitfield", body="\n## Log\n- 2026-10-20 meeting: book club\n")
    return vault_dir


@pytest.fixture
def calendars(tmp_path: Path) -> Path:
    folder = tmp_path / "calendars"
    folder.mkdir()
    for name, text in (("google.ics", GOOGLE), ("outlook.ics", OUTLOOK), ("apple.ics", APPLE)):
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def rows(result) -> list[tuple[str, str, str]]:
    return [(r["action"], r["name"], r["reason"]) for r in json.loads(result.stdout)["rows"]]


def test_dry_run_lists_every_event_with_its_reason_and_writes_nothing(
    cli, people: Path, calendars: Path
) -> None:
    before = snapshot(people)
    result = cli("import", "calendar", str(calendars / "google.ics"), str(calendars / "outlook.ics"),
                 str(calendars / "apple.ics"), "--me", "me@corp.example", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert rows(result) == [
        ("merge", "2026-11-03 Kwame / me 1:1", "with Kwame Mensah (email)"),
        ("skip", "2026-11-05 Analytical engine demo", "you declined it"),
        ("merge", "2026-11-17 Kwame / me 1:1", "with Kwame Mensah (email)"),
        ("skip", "2026-12-01 Lunch with Ada", "in the future"),
        ("skip", "2026-10-02 All hands", "9 people (more than --max-attendees 8)"),
        ("merge", "2026-11-12 Compilers and engines", "with Ada Lovelace (email), Grace Hopper (name)"),
        ("skip", "2026-11-13 Canceled: Follow-up", "cancelled"),
        ("merge", "2026-10-18 Grace's garden party",
         "with Grace Hopper (name); not in the vault: nobody@example.org; declined: Tom Whitfield"),
        ("unchanged", "2026-10-20 Book club", "with Tom Whitfield (name)"),
        ("merge", "2026-11-03 Book club (at Tom's)", "with Tom Whitfield (name)"),
        ("merge", "2026-11-10 Book club", "with Tom Whitfield (name)"),
    ]  # fmt: skip
    assert snapshot(people) == before  # byte for byte: a dry run writes nothing
    table = cli("import", "calendar", str(calendars))
    assert table.exit_code == 0
    assert table.stdout.splitlines()[-1] == (
        "Dry run: nothing was written. Run it again with --apply to write these changes."
    )
    assert snapshot(people) == before


def test_apply_writes_log_entries_and_a_second_import_changes_nothing(
    cli, people: Path, calendars: Path
) -> None:
    result = cli("import", "calendar", str(calendars), "--me", "me@corp.example", "--apply")
    assert result.exit_code == 0, result.output
    assert "0 created, 6 merged, 1 unchanged, 4 skipped." in result.stdout
    ada = (people / "People" / "Ada Lovelace.md").read_text(encoding="utf-8")
    assert ada == (
        "---\nemail: ada@example.com\ncadence: 1m\nlast_contact: 2026-11-12\n---\n# Ada Lovelace\n\n"
        "## Log\n- 2026-11-12 meeting: Compilers and engines\n"
    )
    kwame = (people / "People" / "Kwame Mensah.md").read_text(encoding="utf-8")
    assert kwame == (
        "---\nemail: kwame@example.com\nlast_contact: 2026-11-17\n---\n# Kwame Mensah\n\n"
        "## Log\n- 2026-11-17 meeting: Kwame / me 1:1\n- 2026-11-03 meeting: Kwame / me 1:1\n"
    )
    tom = (people / "People" / "Tom Whitfield.md").read_text(encoding="utf-8")
    assert tom.count("meeting:") == 3  # Oct 20 was there; Oct 27 is an EXDATE; Nov 3 moved, Nov 10
    assert cli("due").stdout.count("Ada Lovelace") == 0  # the contact counts: Ada is on time
    after = snapshot(people)
    again = cli("import", "calendar", str(calendars), "--me", "me@corp.example", "--apply", "--json")
    assert json.loads(again.stdout)["counts"] == {"create": 0, "merge": 0, "unchanged": 7, "skip": 4}
    assert snapshot(people) == after
    # An entry the user added to (or whose channel they changed) is still the event's.
    note = people / "People" / "Ada Lovelace.md"
    note.write_text(
        ada.replace(
            "meeting: Compilers and engines", "talk: Compilers and engines - she will send the slides"
        ),
        encoding="utf-8",
    )
    third = cli("import", "calendar", str(calendars), "--me", "me@corp.example", "--apply", "--json")
    assert json.loads(third.stdout)["counts"]["merge"] == 0
    assert note.read_text(encoding="utf-8").count("Compilers and engines") == 1


def test_notes_makes_one_meeting_note_per_event_once(cli, people: Path, calendars: Path) -> None:
    result = cli("import", "calendar", str(calendars / "outlook.ics"), "--notes", "--apply")
    assert result.exit_code == 0, result.output
    note = people / "Meetings" / "2026-11-12 Compilers and engines.md"
    assert note.read_text(encoding="utf-8") == (
        '---\ndate: 2026-11-12\npeople: ["[[Ada Lovelace]]", "[[Grace Hopper]]"]\nsource: outlook.ics\n---\n'
        "# Compilers and engines\n"
    )
    shown = json.loads(cli("show", "Grace", "--json").stdout)
    assert shown["last_contact"] == "2026-11-12"
    after = snapshot(people)
    again = cli("import", "calendar", str(calendars / "outlook.ics"), "--notes", "--apply", "--json")
    assert json.loads(again.stdout)["counts"]["create"] == 0
    assert snapshot(people) == after


def _one_meeting_with_ada(path: Path, summary: str) -> Path:
    """A calendar of one meeting with Ada on 2026-11-12, titled `summary`."""
    path.write_text(
        crlf(f"""
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:{path.stem}-1
DTSTAMP:20261122T120000Z
DTSTART:20261112T100000Z
DTEND:20261112T110000Z
SUMMARY:{summary}
ATTENDEE;CN=Ada Lovelace:mailto:ada@example.com
END:VEVENT
END:VCALENDAR
"""),
        encoding="utf-8",
    )
    return path


def test_an_event_title_that_would_open_a_comment_hides_nothing(cli, people: Path, tmp_path: Path) -> None:
    # A calendar is someone else's text: its title goes into a Log entry and a meeting
    # note's heading with its comment openers escaped, and a second import matches it.
    hostile = _one_meeting_with_ada(tmp_path / "hostile.ics", "Plans <!-- vaultkit:due --> and 50%% more")
    ada = people / "People" / "Ada Lovelace.md"
    ada.write_text(
        ada.read_text(encoding="utf-8") + "\n## Log\n- 2026-10-01 call: the first\n", encoding="utf-8"
    )
    result = cli("import", "calendar", str(hostile), "--apply")
    assert result.exit_code == 0, result.output
    title = "Plans <\\!-- vaultkit:due --> and 50%\\% more"
    assert f"- 2026-11-12 meeting: {title}\n- 2026-10-01 call: the first\n" in ada.read_text(encoding="utf-8")
    shown = json.loads(cli("show", "Ada", "--json").stdout)
    assert [i["text"] for i in shown["interactions"] if i["source"] == "log"] == [title, "the first"]
    after = snapshot(people)
    again = cli("import", "calendar", str(hostile), "--apply", "--json")
    assert json.loads(again.stdout)["counts"]["merge"] == 0
    assert snapshot(people) == after
    assert cli("import", "calendar", str(hostile), "--notes", "--apply").exit_code == 0
    (note,) = (people / "Meetings").iterdir()
    assert note.read_text(encoding="utf-8").endswith(f"---\n# {title}\n")


def test_control_characters_in_a_title_never_make_a_note_unreadable(
    cli, people: Path, tmp_path: Path
) -> None:
    # A NUL written into a note makes it binary: vaultkit (and git) would skip it, and the
    # person would drop out of every list. Control characters are left out.
    hostile = _one_meeting_with_ada(tmp_path / "nul.ics", "Nul\x00byte and\x07 bell\x85next")
    for notes in ((), ("--notes",)):  # a Log entry, then a meeting note
        assert cli("import", "calendar", str(hostile), "--apply", *notes).exit_code == 0
        checked = cli("check")
        assert (checked.exit_code, checked.stdout) == (0, "No problems found.\n"), checked.stdout
    shown = json.loads(cli("show", "Ada", "--json").stdout)
    assert [i["text"] for i in shown["interactions"]] == [
        "Nulbyte and bell next",
        "2026-11-12 Nul byte and bell next",
    ]


def test_a_long_title_in_any_script_makes_a_meeting_note(cli, people: Path, tmp_path: Path) -> None:
    # The file name was cut at 120 characters, not bytes: 90 CJK characters, 270 bytes,
    # were a crash ("File name too long") even in a dry run, and nothing in the file imported.
    title = "日本語" * 30
    calendar = with_ada(tmp_path / "long.ics", [("long", "DTSTART:20261110T100000Z", title)])
    dry = cli("import", "calendar", str(calendar), "--notes", "--json")
    assert dry.exit_code == 0, dry.output
    result = cli("import", "calendar", str(calendar), "--notes", "--apply")
    assert result.exit_code == 0, result.output
    (note,) = (people / "Meetings").iterdir()
    assert note.name == f"2026-11-10 {'日本語' * 21}.md"  # 200 bytes, then `.md`
    assert note.read_text(encoding="utf-8").endswith(f"---\n# {title}\n")


def test_meeting_notes_never_differ_from_another_by_case_alone(cli, people: Path, tmp_path: Path) -> None:
    # `sync.md` beside `Sync.md` is one file on a Mac or Windows machine the vault syncs to.
    days = ((2, "Sync"), (2, "SYNC?"), (3, "Café"), (4, "Review"))
    calendar = with_ada(
        tmp_path / "case.ics",
        [
            (f"case-{n}-{len(title)}", f"DTSTART:2026111{n}T100000Z\nDTEND:2026111{n}T110000Z", title)
            for n, title in days
        ],
    )
    meetings = people / "Meetings"
    meetings.mkdir()
    (meetings / "2026-11-13 cafe\u0301.md").write_text("---\npeople: [Ada Lovelace]\n---\n# mine\n")
    result = cli("import", "calendar", str(calendar), "--notes", "--apply", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in meetings.iterdir()) == [
        "2026-11-12 SYNC (2).md",
        "2026-11-12 Sync.md",
        "2026-11-13 cafe\u0301.md",
        "2026-11-14 Review.md",
    ]
    assert (
        "unchanged",
        "2026-11-13 Café",
        "with Ada Lovelace (email); Meetings/2026-11-13 cafe\u0301.md is there already",
    ) in rows(result)
    # A meeting note of `vault meet` takes the next free name the same way.
    made = cli("meet", "Ada", "--title", "review", "--date", "2026-11-14")
    assert made.stdout == "Meetings/2026-11-14 review (2).md\n"


def test_a_rule_that_repeats_more_often_than_meetings_do_is_left_out(
    cli, people: Path, tmp_path: Path
) -> None:
    # FREQ=SECONDLY made the import run for minutes: the library expands a span at a time.
    rules = (
        "FREQ=SECONDLY",
        "FREQ=HOURLY;INTERVAL=2",
        "FREQ=DAILY;BYHOUR=9,10;BYMINUTE=" + ",".join(map(str, range(13))),
    )
    calendar = with_ada(
        tmp_path / "noisy.ics",
        [(f"r{n}", f"DTSTART:20261101T100000Z\nRRULE:{rule}", "Ping") for n, rule in enumerate(rules)],
    )
    result = cli("import", "calendar", str(calendar), "--json")
    assert result.exit_code == 0, result.output
    assert rows(result) == [
        ("skip", "Ping", "event r0 repeats every second: not meetings to log; left out"),
        ("skip", "Ping", "event r1 repeats every hour: not meetings to log; left out"),
        ("skip", "Ping", "event r2 repeats 26 times a day: not meetings to log; left out"),
    ]


def test_an_event_that_cannot_be_read_is_one_row_and_the_others_import(
    cli, people: Path, tmp_path: Path
) -> None:
    # One such event made the whole file one row: "cannot expand its events: 'DTSTART'".
    calendar = with_ada(
        tmp_path / "onebad.ics",
        [
            ("no-start", "DTEND:20261102T100000Z", "No start"),
            ("dashes", "DTSTART:2026-11-02", "Dashes"),
            ("weekday", "DTSTART:20261102T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=XX", "Weekly"),
            ("good", "DTSTART:20261103T100000Z", "Good one"),
        ],
    )
    result = cli("import", "calendar", str(calendar), "--json")
    assert result.exit_code == 0, result.output
    assert rows(result) == [
        ("skip", "No start", "event no-start cannot be read, so it is left out: it has no DTSTART (when it starts)"),
        ("skip", "Dashes", "event dashes cannot be read, so it is left out: its DTSTART cannot be read: "
         "Expected datetime, date, or time. Got: '2026-11-02'"),
        ("skip", "Weekly", "event weekday cannot be read, so it is left out: its RRULE cannot be read: "
         "Expected weekday abbreviation, got: XX"),
        ("merge", "2026-11-03 Good one", "with Ada Lovelace (email)"),
    ]  # fmt: skip


def test_folds_are_joined_as_octets_and_a_windows_file_reads(cli, people: Path, tmp_path: Path) -> None:
    # A fold inside a UTF-8 character put U+FFFD into the Log (RFC 5545 3.1 joins octets),
    # and a Windows-1252 file became `R\ufffdunion`.
    title = "Réunion x" + "é" * 40
    line = f"SUMMARY:{title}".encode()
    split = line[:75], line[75:]
    assert split[0][-1] & 0xC0 == 0xC0  # the fold is inside a character
    folded = with_ada(tmp_path / "folded.ics", [("f", "DTSTART:20261110T100000Z", "X")])
    folded.write_bytes(folded.read_bytes().replace(b"SUMMARY:X", split[0] + b"\r\n " + split[1]))
    windows = with_ada(tmp_path / "windows.ics", [("w", "DTSTART:20261111T100000Z", "Réunion")])
    windows.write_bytes(windows.read_text(encoding="utf-8").encode("cp1252"))
    result = cli("import", "calendar", str(folded), str(windows), "--json")
    assert result.exit_code == 0, result.output
    assert [name for _, name, _ in rows(result)] == [f"2026-11-10 {title}", "2026-11-11 Réunion"]


def test_a_file_cut_short_reads_its_whole_events_and_says_so(cli, people: Path, tmp_path: Path) -> None:
    # It said "0 to create, 0 to merge, 0 unchanged, 0 skipped": icalendar reads nothing of
    # a calendar never closed.
    calendar = with_ada(
        tmp_path / "cut.ics",
        [("one", "DTSTART:20261102T100000Z", "First"), ("two", "DTSTART:20261103T100000Z", "Second")],
    )
    data = calendar.read_bytes()
    calendar.write_bytes(data[: data.index(b"SUMMARY:Second")])
    result = cli("import", "calendar", str(calendar), "--json")
    assert result.exit_code == 0, result.output
    assert rows(result) == [
        ("skip", "", "the file ends without END:VCALENDAR (cut short?): its 1 whole event is read, "
         "what follows the last is left out"),
        ("merge", "2026-11-02 First", "with Ada Lovelace (email)"),
    ]  # fmt: skip


def test_an_attendee_who_declined_is_said_to_have_declined(cli, people: Path, tmp_path: Path) -> None:
    # Ada, in the vault, was "not in the vault: ada@example.com (declined)".
    calendar = with_ada(tmp_path / "no.ics", [("no", "DTSTART:20261110T100000Z", "Tea")])
    calendar.write_bytes(calendar.read_bytes().replace(b"ATTENDEE;", b"ATTENDEE;PARTSTAT=DECLINED;"))
    result = cli("import", "calendar", str(calendar), "--json")
    assert rows(result) == [("skip", "2026-11-10 Tea", "nobody to log; declined: ada@example.com")]


def test_max_attendees_and_bad_input(cli, people: Path, calendars: Path, tmp_path: Path) -> None:
    wide = cli("import", "calendar", str(calendars / "outlook.ics"), "--max-attendees", "20", "--me",
               "ME@corp.example", "--json")  # fmt: skip
    assert ("merge", "2026-10-02 All hands", "with Ada Lovelace (email); not in the vault: "
            "p1@corp.example, p2@corp.example, p3@corp.example, p4@corp.example, p5@corp.example, "
            "p6@corp.example, p7@corp.example") in rows(wide)  # fmt: skip
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\nthis is not a calendar\n", encoding="utf-8")
    result = cli("import", "calendar", str(broken), str(calendars / "apple.ics"), "--json")
    assert result.exit_code == 0
    found = rows(result)
    assert found[0][0] == "skip" and found[0][2].startswith("not an iCalendar file: ")
    assert len(found) > 1  # the next file still imports
    missing = cli("import", "calendar", str(tmp_path / "nope.ics"))
    assert missing.exit_code == 2
    assert missing.stderr == f"vault: {tmp_path / 'nope.ics'}: no such file or folder\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = cli("import", "calendar", str(empty))
    assert nothing.exit_code == 2
    assert nothing.stderr == f"vault: no .ics files in {empty}\n"


def test_a_rule_that_never_stops_is_cut_off(cli, people: Path, tmp_path: Path) -> None:
    spam = tmp_path / "spam.ics"
    spam.write_text(
        crlf("""
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//hostile//EN
BEGIN:VEVENT
UID:spam
DTSTART:20000101T090000Z
RRULE:FREQ=DAILY
SUMMARY:Stand-up
ATTENDEE;CN=Kwame Mensah:mailto:kwame@example.com
END:VEVENT
END:VCALENDAR
"""),
        encoding="utf-8",
    )
    result = cli("import", "calendar", str(spam), "--apply", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"] == {"create": 0, "merge": 5000, "unchanged": 0, "skip": 1}
    # The latest count: they decide last_contact (the earliest 5,000 left Kwame 13 years overdue).
    assert [row["reason"] for row in report["rows"] if row["action"] == "skip"] == [
        "event spam happened more than 5,000 times by today; the latest 5,000 count (from 2013-03-16), "
        "the earlier ones are left out"
    ]
    kwame = (people / "People" / "Kwame Mensah.md").read_text(encoding="utf-8")
    assert "\nlast_contact: 2026-11-22\n" in kwame
    entries = kwame.split("## Log\n")[1].splitlines()
    assert len(entries) == 5000
    assert entries[0] == "- 2026-11-22 meeting: Stand-up" and entries[-1] == "- 2013-03-16 meeting: Stand-up"


def test_an_event_is_dated_on_the_day_it_was_where_the_calendar_is(cli, people: Path, tmp_path: Path) -> None:
    # Google writes times in UTC: a dinner at 19:30 in Los Angeles was logged the next day,
    # and a call at 21:00 tonight was "in the future".
    calendar = with_ada(
        tmp_path / "la.ics",
        [
            ("evening", "DTSTART:20261118T033000Z", "Dinner with Ada"),
            ("tonight", "DTSTART:20261121T050000Z", "Late call with Ada"),
            ("new-york", "DTSTART;TZID=America/New_York:20261121T003000", "Call from New York"),
            ("floating", "DTSTART:20261120T233000", "Floating"),
            ("all-day", "DTSTART;VALUE=DATE:20261120", "All day"),
            ("tomorrow", "DTSTART:20261121T090000Z", "Tomorrow"),
        ],
    )
    calendar.write_text(
        calendar.read_text().replace("VERSION:2.0", "VERSION:2.0\r\nX-WR-TIMEZONE:America/Los_Angeles")
    )
    result = cli("import", "calendar", str(calendar), "--json", today="2026-11-20")
    assert result.exit_code == 0, result.output
    assert rows(result) == [
        ("merge", "2026-11-17 Dinner with Ada", "with Ada Lovelace (email)"),
        ("merge", "2026-11-20 Late call with Ada", "with Ada Lovelace (email)"),
        ("merge", "2026-11-20 Call from New York", "with Ada Lovelace (email)"),  # 21:30 here
        ("merge", "2026-11-20 Floating", "with Ada Lovelace (email)"),
        ("merge", "2026-11-20 All day", "with Ada Lovelace (email)"),
        ("skip", "2026-11-21 Tomorrow", "in the future"),
    ]


@pytest.mark.parametrize(
    ("zone", "day"), [("Asia/Tokyo", "2026-11-18"), ("America/Los_Angeles", "2026-11-17")]
)
def test_without_a_calendar_zone_an_event_is_dated_in_this_machines(
    cli, people: Path, tmp_path: Path, zone: str, day: str
) -> None:
    # One breakfast, 08:00 on Nov 18 in Tokyo, was Nov 17 written in UTC and Nov 18 with a TZID.
    calendar = with_ada(
        tmp_path / "tokyo.ics",
        [
            ("utc", "DTSTART:20261117T230000Z", "Breakfast (UTC)"),
            ("tzid", "DTSTART;TZID=Asia/Tokyo:20261118T080000", "Breakfast (Tokyo)"),
        ],
    )
    with machine_zone(zone):
        result = cli("import", "calendar", str(calendar), "--json", today="2026-11-20")
    assert result.exit_code == 0, result.output
    assert [name for _, name, _ in rows(result)] == [f"{day} Breakfast (UTC)", f"{day} Breakfast (Tokyo)"]


def test_an_entry_an_import_dated_a_day_off_before_is_the_same_meeting(
    cli, people: Path, vault_dir: Path, tmp_path: Path
) -> None:
    # Imported before events were dated in your zone, the dinner at 19:30 in Los Angeles
    # (03:30 UTC) was logged on Nov 18; imported again it was logged on Nov 17 too.
    calendar = with_ada(
        tmp_path / "la.ics",
        [
            ("evening", "DTSTART:20261118T033000Z", "Dinner"),
            ("all-day", "DTSTART;VALUE=DATE:20261115", "Offsite"),
            ("stand-up", "DTSTART:20261116T170000Z\nRRULE:FREQ=DAILY;COUNT=4", "Stand-up"),
        ],
    )
    calendar.write_text(
        calendar.read_text().replace("VERSION:2.0", "VERSION:2.0\r\nX-WR-TIMEZONE:America/Los_Angeles")
    )
    for day, text in (("2026-11-18", "Dinner"), ("2026-11-16", "Offsite"), ("2026-11-17", "Stand-up")):
        assert cli("log", "Ada Lovelace", text, "--channel", "meeting", "--date", day).exit_code == 0
    result = cli("import", "calendar", str(calendar), "--apply", "--json", today="2026-11-20")
    assert result.exit_code == 0, result.output
    assert [(action, name) for action, name, _ in rows(result)] == [
        ("merge", "2026-11-15 Offsite"),  # all day: its date never moved
        ("merge", "2026-11-16 Stand-up"),  # each day's stand-up is that day's
        ("unchanged", "2026-11-17 Dinner"),
        ("unchanged", "2026-11-17 Stand-up"),
        ("merge", "2026-11-18 Stand-up"),
        ("merge", "2026-11-19 Stand-up"),
    ]
    again = cli("import", "calendar", str(calendar), "--apply", "--json", today="2026-11-20")
    assert json.loads(again.stdout)["counts"] == {"create": 0, "merge": 0, "unchanged": 6, "skip": 0}
    # A meeting note of the day before or after is the event's too.
    meetings = vault_dir / "Meetings"
    meetings.mkdir()
    (meetings / "2026-11-18 Dinner.md").write_text("---\ndate: 2026-11-18\n---\n# Dinner\n")
    notes = cli("import", "calendar", str(calendar), "--notes", "--json", today="2026-11-20")
    assert ("unchanged", "2026-11-17 Dinner") in [(action, name) for action, name, _ in rows(notes)]


def test_a_meeting_on_the_same_day_in_both_zones_is_matched_on_its_day_only(
    cli, people: Path, tmp_path: Path
) -> None:
    # Noon UTC is Nov 10 here and in UTC: an entry of that title logged by hand on Nov 11 is
    # another meeting, not this one dated a day off by an earlier import.
    calendar = with_ada(tmp_path / "noon.ics", [("noon", "DTSTART:20261110T120000Z", "Coffee with Ada")])
    assert (
        cli("log", "Ada Lovelace", "Coffee with Ada", "--channel", "coffee", "--date", "2026-11-11").exit_code
        == 0
    )
    with machine_zone("UTC"):
        result = cli("import", "calendar", str(calendar), "--json", today="2026-11-20")
    assert [(action, name) for action, name, _ in rows(result)] == [("merge", "2026-11-10 Coffee with Ada")]


def test_a_calendar_zone_that_is_no_zone_says_so(cli, people: Path, tmp_path: Path) -> None:
    calendar = with_ada(tmp_path / "mars.ics", [("utc", "DTSTART:20261117T230000Z", "Breakfast")])
    calendar.write_text(
        calendar.read_text().replace("VERSION:2.0", "VERSION:2.0\r\nX-WR-TIMEZONE:Mars/Olympus")
    )
    with machine_zone("Asia/Tokyo"):
        result = cli("import", "calendar", str(calendar), "--json", today="2026-11-20")
    assert rows(result) == [
        (
            "skip",
            "",
            "X-WR-TIMEZONE 'Mars/Olympus' is not a time zone: times are dated in this machine's zone",
        ),
        ("merge", "2026-11-18 Breakfast", "with Ada Lovelace (email)"),
    ]


def test_an_event_before_1900_is_left_out_with_a_row(cli, people: Path, tmp_path: Path) -> None:
    # They vanished from the report: "0 to create, 0 to merge, 0 unchanged, 0 skipped".
    calendar = with_ada(
        tmp_path / "old.ics",
        [
            ("old", "DTSTART;VALUE=DATE:18991231", "New Year's Eve"),
            ("yearly", "DTSTART;VALUE=DATE:18500601\nRRULE:FREQ=YEARLY;COUNT=100", "Anniversary"),
        ],
    )
    result = cli("import", "calendar", str(calendar), "--json")
    assert result.exit_code == 0, result.output
    found = rows(result)
    assert found[:2] == [
        ("skip", "New Year's Eve", "event old is on 1899-12-31, before 1900: no meeting you had; left out"),
        ("skip", "Anniversary", "event yearly repeats from 1850-06-01: its occurrences before 1900 "
         "are no meetings you had; left out"),
    ]  # fmt: skip
    assert [name for _, name, _ in found[2:]] == [f"{year}-06-01 Anniversary" for year in range(1900, 1950)]
