"""`vault export`: an iCalendar feed checked with the icalendar library, vCard 4.0, CSV, JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from tests.conftest import write_note
from vaultkit.contacts.exporters import run_export, write_output
from vaultkit.contacts.vcard import fold
from vaultkit.errors import VaultGone
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace


@pytest.fixture
def people(vault_dir: Path, make_person) -> Path:
    """People with cadences and birthdays around TODAY (2026-11-22)."""
    make_person("Ada Lovelace", cadence="1m", last_contact="2026-10-02", birthday="1815-12-10")
    make_person("Tom Whitfield", cadence="2w", last_contact="2026-11-15")
    make_person("Far Away", cadence="1y", last_contact="2026-06-01")
    make_person("Never Met", cadence="1m")
    make_person("Zoë Müller", birthday='"--12-05"', email="zoe@example.de")
    make_person("Leap Day", birthday='"--02-29"')
    make_person("Gone Quiet", cadence="1w", archived="true", birthday="1970-01-01")
    return vault_dir


def raw(result) -> str:
    """stdout as written: Click's `stdout` turns CRLF into LF, which vCard and iCalendar forbid."""
    return result.stdout_bytes.decode("utf-8")


def events(text: str) -> dict[str, dict]:
    """The feed's events by summary, read back with the icalendar library."""
    feed = Calendar.from_ical(text)
    found = {}
    for event in feed.walk("VEVENT"):
        alarms = event.walk("VALARM")
        found[str(event["SUMMARY"])] = {
            "uid": str(event["UID"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "stamp": event.decoded("DTSTAMP"),
            "rrule": event.get("RRULE"),
            "alarms": [(str(a["ACTION"]), a.decoded("TRIGGER")) for a in alarms],
        }
    return found


def test_ics_has_reach_outs_and_birthdays_with_alarms(cli, people: Path) -> None:
    result = cli("export", "ics")
    assert result.exit_code == 0, result.output
    assert raw(result).startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    found = events(raw(result))
    assert sorted(found) == [
        "Ada Lovelace's birthday",
        "Leap Day's birthday",
        "Reach out to Ada Lovelace",
        "Reach out to Never Met",
        "Reach out to Tom Whitfield",
        "Zoë Müller's birthday",
    ]
    today = dt.date(2026, 11, 22)
    # Overdue and never-contacted people are on today; the rest on their due date.
    assert found["Reach out to Ada Lovelace"]["start"] == today
    assert found["Reach out to Never Met"]["start"] == today
    assert found["Reach out to Tom Whitfield"]["start"] == dt.date(2026, 11, 29)
    for event in found.values():
        assert type(event["start"]) is dt.date  # all-day
        assert event["end"] == event["start"] + dt.timedelta(days=1)
        assert event["stamp"] == dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
        assert event["alarms"] == [("DISPLAY", dt.timedelta(hours=9))]
    ada = found["Ada Lovelace's birthday"]
    assert ada["start"] == dt.date(1815, 12, 10)
    assert ada["rrule"].to_ical() == b"FREQ=YEARLY"
    zoe = found["Zoë Müller's birthday"]
    assert zoe["start"] == dt.date(2000, 12, 5)
    assert found["Reach out to Ada Lovelace"]["rrule"] is None

    def next_after(event: dict) -> dt.date:
        rule = rrulestr(
            event["rrule"].to_ical().decode(), dtstart=dt.datetime.combine(event["start"], dt.time())
        )
        return rule.after(dt.datetime(2026, 11, 22)).date()

    assert next_after(ada) == dt.date(2026, 12, 10)
    assert next_after(zoe) == dt.date(2026, 12, 5)
    # A year-less Feb 29 birthday rings on the last day of February every year.
    assert next_after(found["Leap Day's birthday"]) == dt.date(2027, 2, 28)


def test_ics_horizon(cli, people: Path) -> None:
    assert "Reach out to Far Away" not in events(cli("export", "ics").stdout)
    wide = events(cli("export", "ics", "--days", "365").stdout)
    assert wide["Reach out to Far Away"]["start"] == dt.date(2027, 6, 1)
    today_only = events(cli("export", "ics", "--days", "0").stdout)
    assert "Reach out to Tom Whitfield" not in today_only
    assert "Reach out to Ada Lovelace" in today_only
    bad = cli("export", "ics", "--days", "-3")
    assert bad.exit_code == 2
    assert bad.stderr == "vault: --days -3: use a number of days, 0 or more\n"


def test_ics_uids_are_stable(cli, people: Path) -> None:
    first = cli("export", "ics").stdout
    assert cli("export", "ics").stdout == first  # deterministic
    tomorrow = cli("export", "ics", today="2026-11-23").stdout
    assert tomorrow != first
    uids = {summary: event["uid"] for summary, event in events(first).items()}
    assert {summary: event["uid"] for summary, event in events(tomorrow).items()} == uids
    assert cli("log", "Ada", "coffee in Marylebone").exit_code == 0
    after_log = events(cli("export", "ics").stdout)
    assert after_log["Reach out to Ada Lovelace"]["uid"] == uids["Reach out to Ada Lovelace"]
    assert after_log["Reach out to Ada Lovelace"]["start"] == dt.date(2026, 12, 22)
    assert len(set(uids.values())) == len(uids)


def test_ics_to_a_file(cli, people: Path, tmp_path: Path) -> None:
    target = tmp_path / "calendars" / "vaultkit.ics"
    result = cli("export", "ics", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == f"Wrote 6 events to {target}\n"
    assert target.read_bytes() == cli("export", "ics").stdout_bytes
    assert [p.name for p in target.parent.iterdir()] == ["vaultkit.ics"]  # no temp file left


def test_a_calendar_of_no_events_says_why(cli, make_person, tmp_path: Path) -> None:
    make_person("Ann")
    result = cli("export", "ics", "-o", str(tmp_path / "v.ics"))
    assert (result.exit_code, result.stdout) == (0, f"Wrote 0 events to {tmp_path / 'v.ics'}\n")
    assert result.stderr.startswith("vault: nobody has a cadence, so nobody is ever due")


def test_vcard_export(cli, vault_dir: Path, make_person) -> None:
    make_person(
        "Zoë Müller",
        aliases=["Zoë"],
        tags=["person", "friend", "design"],
        birthday='"--12-05"',
        company="Lumen Health",
        role="Senior UX Designer",
        location="Berlin",
        email=["zoe.mueller@example.de", "zoe@example.com"],
        phone='"+49 151 5550 2741"',
        website='"https://zoe.example"',
        twitter='"https://twitter.com/zoem"',
        note_for_me="private; not exported",
    )
    make_person("Ada Lovelace", birthday="1815-12-10")
    result = cli("export", "vcard")
    assert result.exit_code == 0
    assert raw(result) == (
        "BEGIN:VCARD\r\n"
        "VERSION:4.0\r\n"
        "PRODID:-//vaultkit//vaultkit 0.1.0//EN\r\n"
        "UID:urn:uuid:58a78466-95d4-56c1-9348-a21850f0bead\r\n"
        "FN:Ada Lovelace\r\n"
        "N:Lovelace;Ada;;;\r\n"
        "BDAY:18151210\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\n"
        "VERSION:4.0\r\n"
        "PRODID:-//vaultkit//vaultkit 0.1.0//EN\r\n"
        "UID:urn:uuid:98c38a16-03d8-539e-a434-43a80b03fac5\r\n"
        "FN:Zoë Müller\r\n"
        "N:Müller;Zoë;;;\r\n"
        "NICKNAME:Zoë\r\n"
        "EMAIL:zoe.mueller@example.de\r\n"
        "EMAIL:zoe@example.com\r\n"
        "TEL;VALUE=text:+49 151 5550 2741\r\n"
        "ORG:Lumen Health\r\n"
        "TITLE:Senior UX Designer\r\n"
        "BDAY:--1205\r\n"
        "ADR:;;;Berlin;;;\r\n"
        "URL:https://zoe.example\r\n"
        "URL;TYPE=twitter:https://twitter.com/zoem\r\n"
        "CATEGORIES:friend,design\r\n"
        "END:VCARD\r\n"
    )


def test_vcard_export_writes_a_url_as_it_is(cli, vault_dir: Path, make_person, tmp_path: Path) -> None:
    # A URL is a URI, not text: `URL:https://www.google.com/maps/@51.5\\,-0.12\\,15z` was wrong.
    url = "https://www.google.com/maps/@51.5,-0.12,15z;data=x"
    make_person("Map Person", website=f'"{url}"')
    result = cli("export", "vcard")
    assert f"\r\nURL:{url}\r\n" in raw(result)
    exported = tmp_path / "map.vcf"
    exported.write_text(raw(result), encoding="utf-8")
    other = tmp_path / "other"
    assert cli("init", str(other)).exit_code == 0
    assert cli("import", "vcard", str(exported), "--apply", vault=other).exit_code == 0
    assert f'\nwebsite: "{url}"\n' in (other / "People" / "Map Person.md").read_text(encoding="utf-8")


def test_vcard_export_folds_long_lines(cli, vault_dir: Path, make_person) -> None:
    make_person("Long Company", company="Ünïcödé " * 12)
    text = raw(cli("export", "vcard"))
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert "ORG:Ünïcödé Ünïcödé" in text.replace("\r\n ", "")


@settings(max_examples=300)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=300))
@example("Ünïcödé 😀 " * 30)
@example("x" * 300)
def test_fold_packs_each_line_up_to_75_octets_and_unfolds_to_the_line(text: str) -> None:
    line = f"DESCRIPTION:{text}"
    pieces = fold(line).split("\r\n ")
    assert "".join(pieces) == line
    limits = [75] + [74] * (len(pieces) - 1)  # a continuation line's space is one of its 75
    assert all(0 < len(piece.encode("utf-8")) <= limit for piece, limit in zip(pieces, limits, strict=True))
    # Each piece is as long as fits: the next one's first character would not have.
    for piece, following, limit in zip(pieces, pieces[1:], limits, strict=False):
        assert len((piece + following[0]).encode("utf-8")) > limit


@settings(max_examples=300)
@given(st.text(st.sampled_from("ab\\,;\r\n é"), max_size=12))
def test_escape_escapes_backslash_comma_semicolon_and_line_breaks(text: str) -> None:
    from vaultkit.contacts.vcard import escape

    escaped = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\n")
    assert escape(text) == escaped.replace("\n", "\\n")


@settings(max_examples=300)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=80))
@example("People/Ada Lovelace.md")
@example("People/Zoë Müller.md")
def test_a_card_uid_is_the_uuid5_of_its_note(path: str) -> None:
    import uuid

    from vaultkit.contacts.exporters import card_uid

    assert card_uid(path) == str(uuid.uuid5(uuid.NAMESPACE_URL, "vaultkit:" + path))


def test_vcard_round_trip_through_the_importer(cli, example_vault: Path, tmp_path: Path) -> None:
    exported = tmp_path / "people.vcf"
    assert cli("export", "vcard", "-o", str(exported), vault=example_vault).exit_code == 0
    back = json.loads(cli("import", "vcard", str(exported), "--json", vault=example_vault).stdout)
    assert back["counts"] == {"create": 0, "merge": 0, "unchanged": 31, "skip": 0}
    assert all(row["differences"] == [] for row in back["rows"])

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "vaultkit.toml").write_text("", encoding="utf-8")
    imported = json.loads(cli("import", "vcard", str(exported), "--apply", "--json", vault=fresh).stdout)
    assert imported["counts"]["create"] == 31
    assert cli("export", "vcard", vault=fresh).stdout_bytes == exported.read_bytes()


def test_csv_export(cli, vault_dir: Path, make_person) -> None:
    make_person("Ada Lovelace", tags=["person", "mentor"], cadence="1m", last_contact="2026-10-02",
                company='"Analytical Engines, Ltd."', phone='"0123 456"')  # fmt: skip
    make_person("Tom Whitfield", location="Bristol", country="NO")
    result = cli("export", "csv")
    assert result.exit_code == 0
    assert raw(result) == (
        "name,path,last_contact,due_on,tags,cadence,company,phone,location,country\r\n"
        'Ada Lovelace,People/Ada Lovelace.md,2026-10-02,2026-11-02,person; mentor,1m,"Analytical Engines, Ltd.",'
        "0123 456,,\r\n"
        "Tom Whitfield,People/Tom Whitfield.md,,,,,,,Bristol,NO\r\n"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["company"] == "Analytical Engines, Ltd."


# Cells a spreadsheet would run as formulas: =, +, - and @ start one, and a tab or a carriage
# return in front can hide one (OWASP, "CSV Injection"); the last key is a column name.
FORMULAS = (
    "---\n"
    + "".join(
        f'{key}: "{value}"\n'
        for key, value in (
            ("company", "=cmd|' /C calc'!A0"),
            ("phone", "+44 20 7946 0000"),
            ("balance", "-2+3"),
            ("email", "@SUM(1+1)"),
            ("tabbed", "\\t=1+1"),
            ("returned", "\\r=1+1"),
            ("role", "Poet = artist"),
            ('"=HYPERLINK(1)"', "key"),
        )
    )
    + "---\n# @Ada\n"
)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_export_defuses_cells_a_spreadsheet_would_run(cli, vault_dir: Path, tmp_path: Path) -> None:
    write_note(vault_dir, "People/@Ada.md", FORMULAS)
    header = ["name", "path", "last_contact", "due_on", "company", "phone", "balance", "email", "tabbed"]
    header += ["returned", "role", "'=HYPERLINK(1)"]
    safe = ["'@Ada", "People/@Ada.md", "", "", "'=cmd|' /C calc'!A0", "'+44 20 7946 0000", "'-2+3"]
    safe += ["'@SUM(1+1)", "'\t=1+1", "'\r=1+1", "Poet = artist", "key"]
    result = cli("export", "csv")
    assert result.exit_code == 0
    assert csv_rows(raw(result)) == [header, safe]
    target = tmp_path / "people.csv"
    assert cli("export", "csv", "-o", str(target)).exit_code == 0
    assert csv_rows(target.read_bytes().decode("utf-8")) == [header, safe]

    result = cli("export", "csv", "--raw")
    assert result.exit_code == 0
    header[-1] = "=HYPERLINK(1)"
    written = ["@Ada", "People/@Ada.md", "", "", "=cmd|' /C calc'!A0", "+44 20 7946 0000", "-2+3"]
    written += ["@SUM(1+1)", "\t=1+1", "\r=1+1", "Poet = artist", "key"]
    assert csv_rows(raw(result)) == [header, written]


def test_csv_export_imports_back_without_the_quote_it_put_in_front(
    cli, vault_dir: Path, make_person, tmp_path: Path
) -> None:
    # `vault import csv` stored the export's `'+49 30 1234` as the phone, quote and all.
    make_person(
        "Greta Berg",
        phone="+49 30 1234",
        company='"=Berg & Co"',
        role='"\'tis I"',
        email="g@example.de",
        location='"\'-) smiley"',  # (a quote before a formula's start already: it comes back too)
    )
    exported = tmp_path / "people.csv"
    assert cli("export", "csv", "-o", str(exported)).exit_code == 0
    assert "'+49 30 1234" in exported.read_text(encoding="utf-8")
    other = tmp_path / "other"
    assert cli("init", str(other)).exit_code == 0
    result = cli("import", "csv", str(exported), "--map", "path=ignore", "--apply", vault=other)
    assert result.exit_code == 0, result.output
    text = (other / "People" / "Greta Berg.md").read_text(encoding="utf-8")
    assert 'company: "=Berg & Co"\n' in text and 'role: "\'tis I"\n' in text
    assert "phone: +49 30 1234\n" in text
    assert 'location: "\'-) smiley"\n' in text


def test_csv_export_help_tells_of_the_quote_and_raw(cli) -> None:
    text = " ".join(cli("export", "csv", "--help").stdout.split())
    assert "a cell starting with = + - @, a tab or a carriage return gets a leading '" in text
    assert "--raw" in text


def test_json_export_is_the_list_shape(cli, vault_dir: Path, make_person, tmp_path: Path) -> None:
    make_person("Ada Lovelace", cadence="1m", last_contact="2026-10-02", version="1.10")
    result = cli("export", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == json.loads(cli("list", "--json").stdout)
    assert data["people"][0]["fields"]["version"] == "1.10"
    assert data["people"][0]["due_on"] == "2026-11-02"
    target = tmp_path / "people.json"
    assert cli("export", "json", "-o", str(target)).stdout == f"Wrote 1 person to {target}\n"
    assert json.loads(target.read_text(encoding="utf-8")) == data


def test_export_never_overwrites_a_note(cli, vault_dir: Path, make_person) -> None:
    path = make_person("Ada Lovelace")
    before = path.read_bytes()
    result = cli("export", "csv", "-o", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"vault: {path} is a note in the vault; write the export to another file\n"
    assert path.read_bytes() == before


def test_an_export_into_a_vault_that_went_away_does_not_make_it_again(
    vault_dir: Path, make_person, tmp_path: Path
) -> None:
    make_person("Ada Lovelace")
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", dt.date(2026, 11, 22))
    workspace.sync()
    chunks, _ = run_export(workspace, "csv")
    text = b"".join(chunks).decode("utf-8")
    assert "Ada Lovelace" in text
    shutil.rmtree(vault_dir)  # after the export was made, before it is written
    for target in ("Exports/people.csv", "people.csv"):
        with pytest.raises(VaultGone) as raised:
            write_output(workspace, vault_dir / target, text)
        assert str(raised.value) == (
            f"the vault folder {vault_dir} is gone (deleted or moved away); {target} was not written"
        )
        assert not vault_dir.exists()
    # Outside the vault, missing folders are made as before.
    assert write_output(workspace, tmp_path / "a" / "b.csv", text).read_bytes() == text.encode("utf-8")
    workspace.close()


def test_export_help_has_examples(cli) -> None:
    for kind in ("ics", "vcard", "csv", "json"):
        result = cli("export", kind, "--help")
        assert result.exit_code == 0
        assert "Example: vault export " + kind in result.stdout


def test_names_as_their_owners_write_them(cli, vault_dir: Path, tmp_path: Path, make_person) -> None:
    cards = tmp_path / "phone.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Nguyễn;Văn An;;;\r\nFN:Nguyễn Văn An\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    assert cli("import", "vcard", str(cards), "--apply").exit_code == 0
    # The card's structured name is kept where the guess would get it wrong, and only there.
    an = (vault_dir / "People" / "Nguyễn Văn An.md").read_text(encoding="utf-8")
    assert an.startswith("---\ntags: [person]\nfamily_name: Nguyễn\ngiven_name: Văn An\n---\n")
    assert "family_name" not in (vault_dir / "People" / "Ada Lovelace.md").read_text(encoding="utf-8")
    make_person("Aoife Ní Bhriain")  # nothing says: the guess keeps the particle with the family name
    make_person("Zhang Wei", family_name="Zhang")  # set by the user: the rest is the given name
    make_person("Ludwig van Beethoven")
    exported = tmp_path / "people.vcf"
    assert cli("export", "vcard", "-o", str(exported)).exit_code == 0
    names = [line for line in exported.read_text(encoding="utf-8").splitlines() if line.startswith("N:")]
    assert names == [
        "N:Lovelace;Ada;;;",
        "N:Ní Bhriain;Aoife;;;",
        "N:van Beethoven;Ludwig;;;",
        "N:Nguyễn;Văn An;;;",
        "N:Zhang;Wei;;;",
    ]
    back = json.loads(cli("import", "vcard", str(exported), "--json").stdout)
    assert back["counts"] == {"create": 0, "merge": 0, "unchanged": 5, "skip": 0}


# Front matter that the exports have to escape, quote, fold or nest, and notes with none.
AWKWARD = (
    'company: "Acme, \\"Ltd.\\"; \\\\ works"\n'
    'role: "=SUM(1+1)"\n'
    "email: [a@example.com, b@example.com]\n"
    'wide: "😀 \\u2028 é 中文 ' + "long " * 20 + '"\n'
    "nested: {a: [b, {c: d}], e: []}\n"
    "poem: |\n  line one\n  line two\n"
)


def many_people(vault_dir: Path, count: int) -> list[str]:
    """`count` people, most with awkward front matter: exports of several chunks. Their names
    in name order, which is not their files' order (`a…` sorts before `B…` by name only)."""
    names = []
    for n in range(count):
        name = f"{'ab'[n % 2]}{'B' if n % 3 else 'a'} {n:04d}"
        head = (
            "" if n % 7 == 0 else f"---\ncadence: 1m\nlast_contact: 2026-10-{n % 28 + 1:02d}\n{AWKWARD}---\n"
        )
        write_note(vault_dir, f"People/{name}.md", f"{head}# {name}\n")
        names.append(name)
    return sorted(names, key=str.casefold)


def test_every_export_of_many_people_has_each_once_by_name_on_stdout_and_in_a_file(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    """Written a chunk at a time as the index reads the people."""
    names = many_people(vault_dir, 700)
    listed = json.loads(cli("list", "--json").stdout)
    assert [person["name"] for person in listed["people"]] == names
    outputs = {}
    for kind in ("json", "csv", "vcard"):
        result = cli("export", kind)
        assert (result.exit_code, result.stderr) == (0, "")
        target = tmp_path / f"people.{kind}"
        assert cli("export", kind, "-o", str(target)).stdout == f"Wrote 700 people to {target}\n"
        assert target.read_bytes() == result.stdout_bytes
        assert len(result.stdout_bytes) > 2 * 65536  # (several chunks)
        outputs[kind] = result.stdout_bytes.decode("utf-8")
    # JSON: indented as `json.dumps(indent=2)` writes the list.
    assert outputs["json"] == json.dumps(listed, ensure_ascii=False, indent=2) + "\n"
    # CSV: a row for each, with every key of anyone's front matter.
    rows = csv_rows(outputs["csv"])
    assert ",".join(rows[0]) == "name,path,last_contact,due_on,cadence,company,role,email,wide,nested,poem"
    assert [row[0] for row in rows[1:]] == names
    one = rows[1 + names.index("bB 0001")]
    assert one[5:8] == ['Acme, "Ltd."; \\ works', "'=SUM(1+1)", "a@example.com; b@example.com"]
    assert one[9:] == ['{"a": ["b", {"c": "d"}], "e": []}', "line one\nline two\n"]
    # vCard: one card each, in name order.
    cards = outputs["vcard"].split("END:VCARD\r\n")
    assert cards[-1] == "" and len(cards) == 701
    assert [card.split("\r\nFN:", 1)[1].split("\r\n", 1)[0] for card in cards[:-1]] == names


def test_csv_columns_come_in_the_order_people_come_by_name(cli, vault_dir: Path, make_person) -> None:
    """The header takes each key where it first comes, reading people by name (`aaron`, Bob,
    Zed), whatever order the index took them in (Bob, Zed, `aaron`)."""
    make_person("Bob", phone='"0123"', email="bob@example.com")
    assert cli("list").exit_code == 0
    make_person("Zed", email="zed@example.com", phone='"0789"')
    assert cli("list").exit_code == 0
    make_person("aaron", email="aaron@example.com", phone='"0456"')
    result = cli("export", "csv")
    assert raw(result) == (
        "name,path,last_contact,due_on,email,phone\r\n"
        "aaron,People/aaron.md,,,aaron@example.com,0456\r\n"
        "Bob,People/Bob.md,,,bob@example.com,0123\r\n"
        "Zed,People/Zed.md,,,zed@example.com,0789\r\n"
    )


def test_an_export_that_fails_part_way_leaves_the_old_file_whole(
    cli, vault_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunks go to a temp file as they are made: a disk that fills up after 150 kB of
    cards leaves the file at the target as it was, and no temp file beside it."""
    import errno

    from vaultkit.vault import atomic

    many_people(vault_dir, 700)
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "people.vcf"
    target.write_bytes(b"the export of last week\n")
    written = []
    write = atomic.os.write

    def until_the_disk_is_full(fd: int, data: bytes) -> int:
        if sum(written) + len(data) > 150_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(write(fd, data))
        return written[-1]

    monkeypatch.setattr(atomic.os, "write", until_the_disk_is_full)
    result = cli("export", "vcard", "-o", str(target))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"vault: {target} could not be written (No space left on device); nothing was written.\n"
    )
    assert len(written) >= 2  # (chunks were written before the disk was full)
    assert [p.name for p in folder.iterdir()] == ["people.vcf"]
    assert target.read_bytes() == b"the export of last week\n"
