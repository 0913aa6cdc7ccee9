"""`vault import`: vCard 2.1/3.0/4.0, LinkedIn and Google CSVs, matching, merging, dry runs."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import stderr_on_a_terminal, write_note
from vaultkit.contacts.readers import contact_from_card
from vaultkit.contacts.vcard import Card, CardProblem, iter_cards

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 3 + b"\xff\xd9"


def fold(line: str, width: int = 75) -> list[str]:
    """Fold a line the way phones do: continuation lines start with a space."""
    out = [line[:width]]
    rest = line[width:]
    while rest:
        out.append(" " + rest[: width - 1])
        rest = rest[width - 1 :]
    return out


def crlf(lines: list[str]) -> str:
    return "\r\n".join(lines) + "\r\n"


IPHONE = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.5//EN",
        "N:Fernández;Lucía;;;",
        "FN:Lucía Fernández",
        "NICKNAME:Lu",
        "ORG:Mercado Austral;",
        "TITLE:Director of Engineering",
        "EMAIL;type=INTERNET;type=WORK;type=pref:lucia.fernandez@example.com.ar",
        "TEL;type=CELL;type=VOICE;type=pref:+54 9 11 5555 0874",
        "item1.ADR;type=HOME;type=pref:;;Av. Corrientes 1234;Buenos Aires;;C1043;Arg",
        " entina",
        "item1.X-ABADR:ar",
        "NOTE:Met at PyCon Argentina 2019\\, talked about mentoring and tango. She pre",
        " fers WhatsApp over email.",
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14",
        "X-SOCIALPROFILE;type=twitter;x-user=luciaf:x-apple:luciaf",
        "X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/luciafernandez",
        *fold("PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(PHOTO).decode()),
        "CATEGORIES:Mentors,Tango Club",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.5//EN",
        "N:Okafor;Chinedu;;;",
        "FN:Chinedu Okafor",
        "TEL;type=CELL;type=VOICE;type=pref:+44 7700 900641",
        "BDAY;value=date:1991-06-30",
        "END:VCARD",
    ]
)

OUTLOOK = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;LANGUAGE=de;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen",
        "FN;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller, J=C3=BCrgen",
        "ORG;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:Stadtwerke M=C3=BCnchen;IT",
        "TITLE:Projektleiter",
        "TEL;WORK;VOICE:+49 89 2361 0",
        "TEL;CELL;VOICE:+49 170 5550123",
        "ADR;WORK;PREF;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:;;Emmy-Noether-Stra=C3=9Fe 2;M=C3=BCnchen;Bayern;80992;=",
        "Deutschland",
        "LABEL;WORK;PREF;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:Emmy-Noether-Stra=C3=9Fe 2=0D=0A=",
        "80992 M=C3=BCnchen",
        "EMAIL;PREF;INTERNET:juergen.mueller@example.de",
        "NOTE;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:Kennengelernt auf der Smart-City-Konferenz in K=C3=B6ln, sehr hilfs=",
        "bereit.=0D=0AKinder: Lena und Paul.",
        "BDAY:19850412",
        "PHOTO;TYPE=JPEG;ENCODING=BASE64:",
        *("  " + base64.b64encode(PHOTO).decode()[i : i + 72] for i in range(0, 1100, 72)),
        "",
        "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
        "REV:20261101T101010Z",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Dupont;Fran=E7ois",
        "FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Fran=E7ois Dupont",
        "EMAIL;INTERNET:francois.dupont@example.fr",
        "END:VCARD",
    ]
)

GMAIL = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Kwame Mensah",
        "N:Mensah;Kwame;;;",
        "EMAIL;TYPE=INTERNET;TYPE=HOME:kwame@example.com.gh",
        "EMAIL;TYPE=INTERNET;TYPE=WORK:kwame@volta.example",
        "EMAIL;TYPE=INTERNET:k.mensah@example.org",
        "TEL;TYPE=CELL:+233 20 555 0147",
        "ADR;TYPE=HOME:;;12 Ring Road;Accra;;;Ghana",
        "ORG:Volta Cold Chain",
        "TITLE:CTO",
        "BDAY:1988-07-21",
        "item1.URL:https\\://kwame.example.com",
        "item1.X-ABLabel:_$!<HomePage>!$_",
        "CATEGORIES:myContacts,Friends",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:",
        "N:;;;;",
        "EMAIL;TYPE=INTERNET:noreply@example.com",
        "CATEGORIES:myContacts",
        "END:VCARD",
    ]
)

V4 = "\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "PRODID:-//Thunderbird//vCard 4.0//EN",
        "FN:Hana Kobayashi",
        "N:Kobayashi;Hana;;;",
        "EMAIL;PREF=1:hana.k@example.jp",
        "TEL;TYPE=cell;VALUE=uri:tel:+81-90-5555-0123",
        "BDAY;VALUE=DATE:--0412",
        'ADR;TYPE="home,pref":;;;Kyoto;;;Japan',
        "URL:https://github.com/hanak",
        "NOTE:Ceramics teacher\\; runs the Tuesday class.",
        "UID:urn:uuid:5a1c0f0e-8d2b-4a77-9d1b-0a4b1d2c3e4f",
        "END:VCARD",
    ]
)

LINKEDIN = """\
Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Ada,"Lovelace, PhD",https://www.linkedin.com/in/adalovelace,ada@example.com,"Analytical Engines, Ltd.","Mathematician, Poet",12 Mar 2021
Grace,Hopper,https://www.linkedin.com/in/gracehopper,,US Navy,Rear Admiral,03 Sep 2019
Broken,Row,https://www.linkedin.com/in/broken,,Too,Many,Fields,Here,01 Jan 2020
Charles,Babbage,https://www.linkedin.com/in/cbabbage,,"Difference Engines, Inc.",Inventor,31 Feb 2020
"""

GOOGLE_CURRENT = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
    "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,"
    "Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,"
    "Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,"
    "Address 1 - Extended Address,Website 1 - Label,Website 1 - Value\r\n"
    'Efua,,Boateng,,,,,,Fifi,,Kente Labs,Product Lead,,--09-03,"Met at the Accra hub.\nLoves highlife.",,'
    "* myContacts ::: Friends ::: Work Friends,Work,efua@kentelabs.example,* Home,"
    "efua.b@example.com ::: efua@example.org,Mobile,+233 24 555 0110 ::: +233 30 555 0199,Home,"
    '"12 Ring Road, Accra",12 Ring Road,Accra,,,,Ghana,,Profile,https://www.linkedin.com/in/efuaboateng\r\n'
)

GOOGLE_OLDER = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,"
    "Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,"
    "Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,"
    "Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,"
    "Phone 1 - Type,Phone 1 - Value,Address 1 - Type,Address 1 - Formatted,Address 1 - Street,"
    "Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,"
    "Address 1 - Extended Address,Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,"
    "Organization 1 - Title,Organization 1 - Department,Organization 1 - Symbol,Organization 1 - Location,"
    "Organization 1 - Job Description,Website 1 - Type,Website 1 - Value\n"
    "Dev Patel,Dev,,Patel,,,,,,,,,,,1990-08-02,,,,,,,,,,,,,,* My Contacts ::: Mentors,Work,"
    "dev@example.in,* Home,dev.patel@example.com,Mobile,+91 98450 55501,,,,Bengaluru,,,,India,,,"
    "Hatchling Labs,,Founder,,,,,,\n"
)


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (to prove a dry run wrote nothing)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    """The sample exports, written outside the vault."""
    folder = tmp_path / "exports"
    folder.mkdir()
    contents = {
        "iphone.vcf": IPHONE,
        "outlook.vcf": OUTLOOK,
        "gmail.vcf": GMAIL,
        "thunderbird.vcf": V4,
        "Connections.csv": LINKEDIN,
        "google.csv": GOOGLE_CURRENT,
        "google-older.csv": GOOGLE_OLDER,
    }
    paths = {}
    for name, text in contents.items():
        paths[name] = folder / name
        paths[name].write_bytes(text.encode("utf-8"))
    return paths


def run_json(cli, *args: str, vault: Path | None = None) -> dict:
    result = cli(*args, "--json", vault=vault)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def actions(data: dict) -> list[tuple[str, str, str, int | None]]:
    return [(r["action"], r["name"], r["source"], r["line"]) for r in data["rows"]]


def note(vault: Path, name: str) -> str:
    return (vault / "People" / f"{name}.md").read_text(encoding="utf-8")


# -- vCard -----------------------------------------------------------------------------------
def test_vcard_dry_run_lists_everything_and_writes_nothing(cli, vault_dir: Path, samples) -> None:
    before = files_of(vault_dir)
    vcfs = [str(samples[n]) for n in ("iphone.vcf", "outlook.vcf", "gmail.vcf", "thunderbird.vcf")]
    data = run_json(cli, "import", "vcard", *vcfs)
    assert files_of(vault_dir) == before
    assert data["applied"] is False
    assert data["name_threshold"] == 92
    assert actions(data) == [
        ("create", "Lucía Fernández", "iphone.vcf", 1),
        ("create", "Chinedu Okafor", "iphone.vcf", 36),
        ("create", "Jürgen Müller", "outlook.vcf", 1),
        ("create", "François Dupont", "outlook.vcf", 38),
        ("create", "Kwame Mensah", "gmail.vcf", 1),
        ("skip", "", "gmail.vcf", 17),
        ("create", "Hana Kobayashi", "thunderbird.vcf", 1),
    ]
    assert data["rows"][5]["reason"] == "card has no name (FN or N); it has noreply@example.com"
    assert data["counts"] == {"create": 6, "merge": 0, "unchanged": 0, "skip": 1}

    text = cli("import", "vcard", *vcfs)
    assert text.exit_code == 0
    assert "6 to create, 0 to merge, 0 unchanged, 1 skipped." in text.stdout
    assert text.stdout.endswith(
        "6 to create, 0 to merge, 0 unchanged, 1 skipped.\n"
        "Matched by email, phone (last 9 digits), or a name or alias at least 92% alike "
        "(rapidfuzz token_sort_ratio).\n"
        "Dry run: nothing was written. Run it again with --apply to write these changes.\n"
    )
    assert files_of(vault_dir) == before


def test_vcard_apply_writes_notes_from_every_dialect(cli, vault_dir: Path, samples) -> None:
    vcfs = [str(samples[n]) for n in ("iphone.vcf", "outlook.vcf", "gmail.vcf", "thunderbird.vcf")]
    data = run_json(cli, "import", "vcard", *vcfs, "--apply")
    assert data["applied"] is True
    assert note(vault_dir, "Lucía Fernández") == (
        "---\n"
        "aliases: [Lu]\n"
        "tags: [person, mentors, tango-club]\n"
        'birthday: "--03-14"\n'
        "company: Mercado Austral\n"
        "role: Director of Engineering\n"
        "location: Buenos Aires\n"
        "email: lucia.fernandez@example.com.ar\n"
        "phone: +54 9 11 5555 0874\n"
        "twitter: luciaf\n"
        'linkedin: "https://www.linkedin.com/in/luciafernandez"\n'
        "---\n"
        "# Lucía Fernández\n\n"
        "## Notes\n"
        "- Met at PyCon Argentina 2019, talked about mentoring and tango. She prefers WhatsApp over email.\n\n"
        "## Log\n"
    )
    assert note(vault_dir, "Jürgen Müller") == (
        "---\n"
        "tags: [person]\n"
        "birthday: 1985-04-12\n"
        "company: Stadtwerke München\n"
        "role: Projektleiter\n"
        "location: München\n"
        "email: juergen.mueller@example.de\n"
        "phone: [+49 89 2361 0, +49 170 5550123]\n"
        "---\n"
        "# Jürgen Müller\n\n"
        "## Notes\n"
        "- Kennengelernt auf der Smart-City-Konferenz in Köln, sehr hilfsbereit.\n"
        "- Kinder: Lena und Paul.\n\n"
        "## Log\n"
    )
    assert note(vault_dir, "Kwame Mensah") == (
        "---\n"
        "tags: [person, friends]\n"
        "birthday: 1988-07-21\n"
        "company: Volta Cold Chain\n"
        "role: CTO\n"
        "location: Accra\n"
        "email: [kwame@example.com.gh, kwame@volta.example, k.mensah@example.org]\n"
        "phone: +233 20 555 0147\n"
        'website: "https://kwame.example.com"\n'
        "---\n"
        "# Kwame Mensah\n\n"
        "## Notes\n\n"
        "## Log\n"
    )
    assert note(vault_dir, "Hana Kobayashi") == (
        "---\n"
        "tags: [person]\n"
        'birthday: "--04-12"\n'
        "location: Kyoto\n"
        "email: hana.k@example.jp\n"
        "phone: +81-90-5555-0123\n"
        'github: "https://github.com/hanak"\n'
        "---\n"
        "# Hana Kobayashi\n\n"
        "## Notes\n"
        "- Ceramics teacher; runs the Tuesday class.\n\n"
        "## Log\n"
    )
    assert "email: francois.dupont@example.fr\n" in note(vault_dir, "François Dupont")
    # Photos stay out of the notes, and out of the vault unless asked for.
    assert not any(p.suffix != ".md" for p in (vault_dir / "People").iterdir())
    assert all("/9j/" not in note(vault_dir, n) for n in ("Lucía Fernández", "Jürgen Müller"))
    # Nobody new is due: imported people get no cadence.
    due = json.loads(cli("due", "--json").stdout)
    assert due["due"] == []
    # The new notes are real people to the rest of vaultkit.
    shown = json.loads(cli("show", "Lu", "--json").stdout)
    assert shown["name"] == "Lucía Fernández"


def test_vcard_photos_saved_beside_the_note(cli, vault_dir: Path, samples) -> None:
    data = run_json(
        cli, "import", "vcard", str(samples["iphone.vcf"]), str(samples["outlook.vcf"]), "--photos"
    )
    assert [r["adds"][-1] for r in data["rows"] if r["name"] in ("Lucía Fernández", "Jürgen Müller")] == [
        "photo",
        "photo",
    ]
    assert not (vault_dir / "People").exists()
    run_json(
        cli, "import", "vcard", str(samples["iphone.vcf"]), str(samples["outlook.vcf"]), "--photos", "--apply"
    )
    assert (vault_dir / "People" / "Lucía Fernández.jpg").read_bytes() == PHOTO
    assert (vault_dir / "People" / "Jürgen Müller.jpg").read_bytes() == PHOTO
    assert not (vault_dir / "People" / "Chinedu Okafor.jpg").exists()


def test_apply_twice_changes_nothing(cli, example_vault: Path, samples) -> None:
    everything = [str(samples[n]) for n in ("iphone.vcf", "outlook.vcf", "gmail.vcf", "thunderbird.vcf")]
    pristine = files_of(example_vault)
    dry = run_json(cli, "import", "vcard", *everything, "--photos", vault=example_vault)
    assert dry["counts"]["merge"] == 2  # Lucía and Kwame are already in the example vault
    assert files_of(example_vault) == pristine
    first = run_json(cli, "import", "vcard", *everything, "--photos", "--apply", vault=example_vault)
    assert first["counts"]["create"] > 0
    linkedin = run_json(
        cli, "import", "linkedin", str(samples["Connections.csv"]), "--apply", vault=example_vault
    )
    google = run_json(cli, "import", "google", str(samples["google.csv"]), "--apply", vault=example_vault)
    assert linkedin["counts"]["create"] == 3
    assert google["counts"]["create"] == 1
    after_first = files_of(example_vault)

    again = run_json(cli, "import", "vcard", *everything, "--photos", "--apply", vault=example_vault)
    assert {r["action"] for r in again["rows"]} == {"unchanged", "skip"}
    assert again["counts"] == {"create": 0, "merge": 0, "unchanged": 6, "skip": 1}
    for kind, sample in (("linkedin", "Connections.csv"), ("google", "google.csv")):
        data = run_json(cli, "import", kind, str(samples[sample]), "--apply", vault=example_vault)
        assert data["counts"]["create"] == data["counts"]["merge"] == 0
    assert files_of(example_vault) == after_first


def test_merge_into_an_existing_person_adds_only_what_is_missing(cli, example_vault: Path, samples) -> None:
    lucia = example_vault / "People" / "Lucía Fernández.md"
    before = lucia.read_text(encoding="utf-8")
    data = run_json(cli, "import", "vcard", str(samples["iphone.vcf"]), "--apply", vault=example_vault)
    row = data["rows"][0]
    assert row["action"] == "merge"
    assert row["matched_by"] == "email"
    assert row["reason"] == "matched Lucía Fernández: same email lucia.fernandez@example.com.ar"
    assert row["adds"] == ["birthday", "twitter", "linkedin", "notes"]
    assert row["differences"] == [
        "aliases: the note has [Lucía, Lucia Fernandez]; the file also has Lu",
        "tags: the note has [person, mentor, ex-colleague]; the file also has mentors, tango-club",
    ]
    after = lucia.read_text(encoding="utf-8")
    # Three lines added at the end of the front matter, the card's note first in Notes, nothing else touched.
    assert after == before.replace(
        "gender: female\n---\n",
        'gender: female\nbirthday: "--03-14"\ntwitter: luciaf\nlinkedin: "https://www.linkedin.com/in/luciafernandez"\n---\n',
    ).replace(
        "## Notes\n",
        "## Notes\n- Met at PyCon Argentina 2019, talked about mentoring and tango. She prefers WhatsApp over "
        "email.\n",
    )


def test_fuzzy_name_match_merges_without_overwriting(cli, vault_dir: Path, make_person, samples) -> None:
    path = make_person("Kwame Mensa", company="Volta", location="Accra", tags=["person", "client"])
    before = path.read_text(encoding="utf-8")
    data = run_json(cli, "import", "vcard", str(samples["gmail.vcf"]), "--apply")
    row = data["rows"][0]
    assert (row["action"], row["path"], row["matched_by"]) == (
        "merge",
        "People/Kwame Mensa.md",
        "similar name",
    )
    assert row["reason"] == "matched Kwame Mensa: name 'Kwame Mensah' is 96% like 'Kwame Mensa' (≥ 92)"
    assert row["adds"] == ["birthday", "role", "email", "phone", "website"]
    assert row["differences"] == [
        "name: the note is 'Kwame Mensa'; the file calls them 'Kwame Mensah'",
        "tags: the note has [person, client]; the file also has friends",
        "company: the note has 'Volta'; the file has 'Volta Cold Chain' (kept the note's)",
    ]
    assert path.read_text(encoding="utf-8") == before.replace(
        "tags: [person, client]\n---\n",
        "tags: [person, client]\n"
        "birthday: 1988-07-21\n"
        "role: CTO\n"
        "email: [kwame@example.com.gh, kwame@volta.example, k.mensah@example.org]\n"
        "phone: +233 20 555 0147\n"
        'website: "https://kwame.example.com"\n'
        "---\n",
    )
    assert not (vault_dir / "People" / "Kwame Mensah.md").exists()


def test_a_similar_name_with_other_emails_is_someone_else(cli, vault_dir: Path, make_person, samples) -> None:
    make_person("Kwame Mensa", email="kwame@mensa.example")
    data = run_json(cli, "import", "vcard", str(samples["gmail.vcf"]))
    assert (data["rows"][0]["action"], data["rows"][0]["path"]) == ("create", "People/Kwame Mensah.md")


def test_an_alias_with_other_emails_is_someone_else(
    cli, vault_dir: Path, make_person, tmp_path: Path
) -> None:
    # Bob the plumber was merged into Robert "Bob" Brown: his phone landed on Robert.
    vcf = tmp_path / "bob.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Robert Brown\nNICKNAME:Bob\nEMAIL:rb@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nEMAIL:bob.plumber@other.example\nTEL:+44 20 7946 0999\nEND:VCARD\n",
        encoding="utf-8",
    )
    data = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["name"], r["differences"]) for r in data["rows"]] == [
        ("create", "Robert Brown", ["aliases: 'Bob' is already Bob's name or alias; left out"]),
        ("create", "Bob", []),
    ]
    again = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["differences"]) for r in again["rows"]] == [
        ("unchanged", ["aliases: 'Bob' is already Bob's name or alias; left out"]),
        ("unchanged", []),
    ]
    # Robert "Bob" Brown already in the vault: the plumber may not take the name his alias is.
    make_person("Robert Brown", aliases="[Bob]", email="rb@example.com")
    (vault_dir / "People" / "Bob.md").unlink()
    data = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["name"], r["reason"]) for r in data["rows"]] == [
        ("unchanged", "Robert Brown", "matched Robert Brown: same email rb@example.com"),
        ("create", "Bob (2)", "new person; named 'Bob (2)': 'Bob' is the alias of Robert Brown "
         "(People/Robert Brown.md), who has other emails"),
    ]  # fmt: skip
    assert "phone" not in note(vault_dir, "Robert Brown")
    assert "bob.plumber@other.example" in note(vault_dir, "Bob (2)")


def test_a_cards_note_merges_into_the_notes_section_once(
    cli, vault_dir: Path, make_person, tmp_path: Path
) -> None:
    # The NOTE was dropped when the card merged into someone in the vault: the row said `unchanged`.
    make_person("Kwame Mensah", body="\n## Notes\n- Runs Volta.\n\n## Log\n- 2026-10-01 call: hi\n")
    make_person("Ada Lovelace", email="ada@example.com")
    vcf = tmp_path / "notes.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Kwame Mensah\nNOTE:Daughter Ama\\, born 2019.\\nRuns Volta.\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.com\nNOTE:Loves poetry.\nEND:VCARD\n",
        encoding="utf-8",
    )
    data = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["adds"]) for r in data["rows"]] == [("merge", ["notes"]), ("merge", ["notes"])]
    assert note(vault_dir, "Kwame Mensah").endswith(
        "# Kwame Mensah\n\n## Notes\n- Daughter Ama, born 2019.\n- Runs Volta.\n\n## Log\n- 2026-10-01 call: hi\n"
    )
    assert note(vault_dir, "Ada Lovelace").endswith("# Ada Lovelace\n\n## Notes\n- Loves poetry.\n")
    again = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert again["counts"]["unchanged"] == 2


def test_one_import_merges_on_exact_signals_only(cli, vault_dir: Path, tmp_path: Path) -> None:
    (vault_dir / "vaultkit.toml").write_text('[cadence_by_tag]\nfamily = "2w"\n', encoding="utf-8")
    vcf = tmp_path / "family.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Tunde Adeyemi\nEMAIL:tunde@example.ng\nTEL;TYPE=HOME:+234 1 555 0101\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bisi Adeyemi\nEMAIL:bisi@example.ng\nTEL;TYPE=HOME:+234 1 555 0101\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Jon Smith\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:John Smith\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Tunde Adeyemi\nCATEGORIES:Family\nEND:VCARD\n",
        encoding="utf-8",
    )
    data = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["name"]) for r in data["rows"]] == [
        ("create", "Tunde Adeyemi"),
        ("create", "Bisi Adeyemi"),  # a shared landline, but her own email
        ("create", "Jon Smith"),
        ("create", "John Smith"),  # similar names in one file stay two people
        ("merge", "Tunde Adeyemi"),
    ]
    # The family tag arrived with the second card: still nobody is made due by the import.
    assert data["rows"][0]["reason"] == (
        "new person; cadence: none, so the import adds nobody to `vault due` (tag #family would)"
    )
    assert "cadence: none\n" in note(vault_dir, "Tunde Adeyemi")
    assert json.loads(cli("due", "--json").stdout)["due"] == []
    checked = cli("check")
    assert (
        "People/John Smith.md: warning: may be the same person as People/Jon Smith.md: names 95% alike"
        in checked.stdout
    )
    assert "same phone" in checked.stdout


def test_phone_matches_on_the_last_nine_digits(cli, vault_dir: Path, make_person, samples) -> None:
    make_person("Chinedu", phone='"07700 900641"')
    data = run_json(cli, "import", "vcard", str(samples["iphone.vcf"]))
    row = data["rows"][1]
    assert (row["action"], row["matched_by"], row["reason"]) == (
        "merge",
        "phone",
        "matched Chinedu: same phone +44 7700 900641",
    )
    assert row["adds"] == ["birthday"]


def test_two_cards_for_one_person_in_one_file_make_one_note(cli, vault_dir: Path, tmp_path: Path) -> None:
    vcf = tmp_path / "dupes.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.com\nORG:Analytical Engines\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@work.example\nTEL:+44 20 7946 0958\n"
        "ORG:Babbage & Co\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Augusta Ada King\nEMAIL:ADA@example.com\nEND:VCARD\n",
        encoding="utf-8",
    )
    data = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert actions(data) == [
        ("create", "Ada Lovelace", "dupes.vcf", 1),
        ("merge", "Ada Lovelace", "dupes.vcf", 7),
        ("unchanged", "Augusta Ada King", "dupes.vcf", 14),
    ]
    assert data["rows"][1]["differences"] == [
        "company: kept 'Analytical Engines', dupes.vcf:7 has 'Babbage & Co'"
    ]
    assert (
        data["rows"][2]["reason"]
        == "same email ADA@example.com: the same person as dupes.vcf:1, created once"
    )
    assert data["rows"][2]["differences"] == [
        "name: the new note is 'Ada Lovelace'; dupes.vcf:14 calls them 'Augusta Ada King'"
    ]
    assert note(vault_dir, "Ada Lovelace").startswith(
        "---\ntags: [person]\ncompany: Analytical Engines\n"
        "email: [ada@example.com, ada@work.example]\nphone: +44 20 7946 0958\n---\n"
    )
    assert sorted(p.name for p in (vault_dir / "People").iterdir()) == ["Ada Lovelace.md"]


def test_an_alias_someone_has_is_left_out_so_the_import_writes_what_its_dry_run_said(
    cli, vault_dir: Path, make_person, tmp_path: Path
) -> None:
    # `vault add` refuses an alias that is already a name or alias: an import that passed
    # such an alias on stopped part-way, and again at every run.
    make_person("Grace Hopper", aliases=["Amazing Grace"])
    vcf = tmp_path / "nicknames.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Smith\nNICKNAME:Ada\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bob Jones\nNICKNAME:Bobby\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bob Smith\nNICKNAME:bobby,Smithy\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Gee\nNICKNAME:Amazing Grace\nEND:VCARD\n",
        encoding="utf-8",
    )
    planned = run_json(cli, "import", "vcard", str(vcf))
    applied = run_json(cli, "import", "vcard", str(vcf), "--apply")
    for data in (planned, applied):
        assert [(row["action"], row["name"], row["differences"]) for row in data["rows"]] == [
            ("create", "Ada", []),
            ("create", "Ada Smith", ["aliases: 'Ada' is already Ada's name or alias; left out"]),
            ("create", "Bob Jones", []),
            ("create", "Bob Smith", ["aliases: 'bobby' is already Bob Jones's name or alias; left out"]),
            ("create", "Gee", ["aliases: 'Amazing Grace' is already Grace Hopper's name or alias; left out"]),
        ]
    assert [row["adds"] for row in applied["rows"]][1:] == [[], ["aliases"], ["aliases"], []]
    assert "aliases" not in note(vault_dir, "Ada Smith")
    assert "aliases: [Bobby]" in note(vault_dir, "Bob Jones")
    assert "aliases: [Smithy]" in note(vault_dir, "Bob Smith")
    assert "aliases" not in note(vault_dir, "Gee")
    assert cli("check").stdout == "No problems found.\n"  # no alias two people share


def cards(count: int, first: int = 0) -> str:
    return "".join(
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {n}\nEMAIL:p{n}@example.com\nEND:VCARD\n"
        for n in range(first, first + count)
    )


def test_a_long_plan_prints_every_row_as_plain_lines(
    cli, vault_dir: Path, make_person, tmp_path: Path
) -> None:
    # Past 50 rows (a whole address book), the plan is plain aligned lines: a table measured
    # every cell of 10,000 rows for 3 s. Every row is still there, each detail on its line.
    make_person("Person 7", email="p7@example.com", company="Acme")
    vcf = tmp_path / "book.vcf"
    vcf.write_text(cards(60).replace("FN:Person 7\n", "FN:Person 7\nORG:Initech\n"), encoding="utf-8")
    lines = cli("import", "vcard", str(vcf)).stdout.splitlines()
    assert lines[0].split() == ["Action", "Name", "From", "What", "and", "why"]
    column = lines[0].index("What and why")
    assert lines[1].split() == ["create", "Person", "0", "book.vcf:1", "new", "person"]
    assert lines[1][column:] == "new person"
    assert lines[2] == " " * column + "adds: email"
    merged = lines.index(next(line for line in lines if line.startswith("unchanged  Person 7")))
    assert lines[merged][column:] == "matched Person 7: same email p7@example.com"
    assert (
        lines[merged + 1]
        == " " * column + "≠ company: the note has 'Acme'; the file has 'Initech' (kept the note's)"
    )
    assert sum(line[:1] != " " for line in lines[1:-3]) == 60  # a row for every card
    assert lines[-3:-1] == [
        "59 to create, 0 to merge, 1 unchanged, 0 skipped.",
        "Matched by email, phone (last 9 digits), or a name or alias at least 92% alike (rapidfuzz token_sort_ratio).",
    ]


@pytest.mark.parametrize("bulk", [2000, 5])  # (at 5, the index finds the 30 notes by a walk)
def test_an_import_indexes_its_notes_at_once_and_syncs_their_folder_once(
    vault_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: int
) -> None:
    import datetime as dt

    from vaultkit.contacts.plan import run_import
    from vaultkit.index import core
    from vaultkit.vault import files

    monkeypatch.setattr(core, "BULK_NOTES", bulk)
    from vaultkit.vault.files import Vault
    from vaultkit.workspace import Workspace

    vcf = tmp_path / "book.vcf"
    vcf.write_text(cards(30), encoding="utf-8")
    synced: list[Path] = []
    monkeypatch.setattr(files, "_fsync_dir", synced.append)
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", dt.date(2026, 11, 22))
    workspace.index.sync()
    # A live watcher that says the index is current: it has not heard of the new notes yet,
    # so the import indexes them itself.
    workspace.index.write_heartbeat(current=True)
    told: list[tuple[str, int, int]] = []
    plan = run_import(
        workspace,
        "vcard",
        [vcf],
        apply=True,
        progress=lambda done, total, stage: told.append((stage, done, total)),
    )
    assert plan.counts()["create"] == 30
    assert synced == [vault_dir / "People"]  # one folder sync for the 30 new notes, not 30
    lines = vcf.read_text().count("\n") + 1
    assert told == [
        ("Reading book.vcf", 1, lines),  # (every 1,000 cards)
        ("Reading book.vcf", lines, lines),
        ("Matching contacts", 30, 30),  # (a chunk at a time)
        ("Making notes", 30, 30),  # (in the plan: a record that cannot be a note is a skipped row)
        ("Writing notes", 30, 30),
    ]
    assert workspace.index.person_count() == 30
    workspace.index.clear_heartbeat()
    assert workspace.index.sync().read == 0  # they are in the index already


def test_a_long_import_shows_its_progress_on_a_terminal(vault_dir: Path, tmp_path: Path) -> None:
    """Through a real terminal: a bar on stderr while 600 cards are read, matched and their
    notes written; stdout stays the plan (and a pipe, as the other tests read it, gets no bar)."""
    vcf = tmp_path / "book.vcf"
    vcf.write_text(cards(600), encoding="utf-8")
    index = tmp_path / "index.sqlite"
    code, out, shown = stderr_on_a_terminal(
        "--vault", str(vault_dir), "--index", str(index), "import", "vcard", str(vcf), "--apply"
    )
    assert code == 0
    assert "Reading book.vcf" in shown
    assert "Matching contacts" in shown
    assert "Writing notes" in shown
    assert "600 created, 0 merged, 0 unchanged, 0 skipped." in out
    assert "Writing notes" not in out


def test_malformed_cards_are_reported_with_their_line_and_the_rest_imports(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    vcf = tmp_path / "mixed.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Good One\nEMAIL:one@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Broken Card\nthis line has no colon\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Good Two\nBDAY:1985-13-45\nEND:VCARD\n"
        "stray text\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Never Ends\n",
        encoding="utf-8",
    )
    data = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["name"], r["line"], r["reason"]) for r in data["rows"]] == [
        ("create", "Good One", 1, "new person"),
        ("skip", "", 6, "card skipped: line 9: it is not a vCard property (NAME:value)"),
        ("create", "Good Two", 11, "new person"),
        ("skip", "", 16, "text outside a BEGIN:VCARD ... END:VCARD card; ignored"),
        ("skip", "", 17, "card has no END:VCARD; skipped"),
    ]
    assert data["rows"][2]["differences"] == [
        "line 14: '1985-13-45' is not a real date: there is no month 13; left out"
    ]
    assert sorted(p.name for p in (vault_dir / "People").iterdir()) == ["Good One.md", "Good Two.md"]


def test_a_record_too_big_for_a_note_is_a_skipped_row_of_the_dry_run_and_the_rest_imports(
    cli, vault_dir: Path, make_person, tmp_path: Path
) -> None:
    """One card whose TITLE is 70 KB: the dry run said create/merge, then --apply stopped
    the whole import on it (front matter over 64 KiB), writing nobody."""
    bob = make_person("Bob Ray", email="bob@x.org")
    before = bob.read_bytes()
    title = "x" * 70_000
    vcf = tmp_path / "big.vcf"
    vcf.write_text(
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Gus Hale\nEMAIL:gus@x.org\nTITLE:{title}\nEND:VCARD\n"
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Bob Ray\nEMAIL:bob@x.org\nTITLE:{title}\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Gus H.\nEMAIL:gus@x.org\nTEL:+44 7700 900641\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Cy Ok\nEMAIL:cy@x.org\nEND:VCARD\n",
        encoding="utf-8",
    )
    dry = run_json(cli, "import", "vcard", str(vcf))
    expected = [
        ("skip", "Gus Hale",
         "People/Gus Hale.md:1: front matter is over 64 KiB; it was not created (check its values and "
         "Templates/vaultkit/person.md.j2); the file's role is 70,000 characters"),
        ("skip", "Bob Ray",
         "People/Bob Ray.md:1: front matter is over 64 KiB after this change; the note was not changed; "
         "the file's role is 70,000 characters"),
        ("skip", "Gus H.",
         "the same person as big.vcf:1: People/Gus Hale.md:1: front matter is over 64 KiB; it was not "
         "created (check its values and Templates/vaultkit/person.md.j2); the file's role is 70,000 characters"),
        ("create", "Cy Ok", "new person"),
    ]  # fmt: skip
    assert [(r["action"], r["name"], r["reason"]) for r in dry["rows"]] == expected
    applied = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["name"], r["reason"]) for r in applied["rows"]] == expected
    assert applied["counts"] == {"create": 1, "merge": 0, "unchanged": 0, "skip": 3}
    assert sorted(p.name for p in (vault_dir / "People").iterdir()) == ["Bob Ray.md", "Cy Ok.md"]
    assert bob.read_bytes() == before


@pytest.mark.parametrize(
    "photo", ["PHOTO;ENCODING=b;TYPE=JPEG:!!!notbase64***", "PHOTO:data:image/png;base64,abc"]
)
def test_a_damaged_photo_drops_only_the_photo(cli, vault_dir: Path, tmp_path: Path, photo: str) -> None:
    vcf = tmp_path / "p.vcf"
    vcf.write_text(
        crlf(["BEGIN:VCARD", "VERSION:3.0", "FN:Pho Six", "EMAIL:six@example.com", photo, "END:VCARD"])
    )
    data = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["name"], r["line"], r["differences"]) for r in data["rows"]] == [
        ("create", "Pho Six", 1, ["line 5: PHOTO: its base64 value is damaged; left out"])
    ]
    note = (vault_dir / "People/Pho Six.md").read_text(encoding="utf-8")
    assert "six@example.com" in note


def test_a_card_whose_note_cannot_be_read_says_what_to_fix(cli, vault_dir: Path, tmp_path: Path) -> None:
    """Not "exists and is not a person note": it may well be theirs, with a typo in it."""
    write_note(vault_dir, "People/Ada.md", "---\ncadence: [1m\n---\n# Ada\n")
    vcf = tmp_path / "ada.vcf"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEMAIL:a@example.com\nEND:VCARD\n", encoding="utf-8")
    [row] = run_json(cli, "import", "vcard", str(vcf))["rows"]
    assert (row["action"], row["reason"]) == (
        "skip",
        "People/Ada.md:3 cannot be read (invalid YAML in front matter: did not find expected ',' or ']'): "
        "fix it, then import again",
    )


def test_names_are_made_safe_or_skipped(cli, vault_dir: Path, tmp_path: Path) -> None:
    vcf = tmp_path / "names.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:AC/DC Fan Club: London\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:2021-03-04\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Mr. Smith Jr.\nEND:VCARD\n",
        encoding="utf-8",
    )
    data = run_json(cli, "import", "vcard", str(vcf), "--apply")
    assert [(r["action"], r["name"], r["reason"]) for r in data["rows"]] == [
        (
            "create",
            "AC DC Fan Club London",
            "new person; name made safe for a file name (was 'AC/DC Fan Club: London')",
        ),
        (
            "skip",
            "2021-03-04",
            "cannot use '2021-03-04' as a person's name: it looks like a date and would collide with a daily note",
        ),
        ("create", "Mr. Smith Jr", "new person; name made safe for a file name (was 'Mr. Smith Jr.')"),
    ]
    assert sorted(p.name for p in (vault_dir / "People").iterdir()) == [
        "AC DC Fan Club London.md",
        "Mr. Smith Jr.md",
    ]


def test_no_cadence_unless_asked_even_with_a_default(cli, vault_dir: Path, make_person, samples) -> None:
    (vault_dir / "vaultkit.toml").write_text('default_cadence = "3m"\n', encoding="utf-8")
    make_person("Kwame Mensah", email="kwame@example.com.gh")
    data = run_json(cli, "import", "vcard", str(samples["outlook.vcf"]), str(samples["gmail.vcf"]), "--apply")
    created = [r for r in data["rows"] if r["action"] == "create"]
    assert created[0]["reason"] == (
        "new person; cadence: none, so the import adds nobody to `vault due` (default would)"
    )
    assert "cadence: none\n" in note(vault_dir, "Jürgen Müller")
    due = json.loads(cli("due", "--json").stdout)
    assert [d["name"] for d in due["due"]] == ["Kwame Mensah"]  # the person who was already there

    data = run_json(cli, "import", "vcard", str(samples["thunderbird.vcf"]), "--cadence", "1m", "--apply")
    assert data["rows"][0]["reason"] == "new person; cadence 1m"
    assert "cadence: 1m\n" in note(vault_dir, "Hana Kobayashi")
    due = json.loads(cli("due", "--json").stdout)
    assert [d["name"] for d in due["due"]] == ["Hana Kobayashi", "Kwame Mensah"]


def test_cadence_is_added_to_merged_people_who_have_none(cli, vault_dir: Path, make_person, samples) -> None:
    path = make_person("Hana Kobayashi", email="hana.k@example.jp")
    make_person("Kwame Mensah", email="kwame@example.com.gh", cadence="2w")
    run_json(
        cli,
        "import",
        "vcard",
        str(samples["thunderbird.vcf"]),
        str(samples["gmail.vcf"]),
        "--cadence",
        "1m",
        "--apply",
    )
    assert "cadence: 1m\n" in path.read_text(encoding="utf-8")
    assert "cadence: 2w\n" in note(vault_dir, "Kwame Mensah")


def test_vcard_charsets_and_encodings(cli, vault_dir: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.vcf"
    latin.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Fran\xe7oise Sagan\r\nEND:VCARD\r\n")
    utf16 = tmp_path / "utf16.vcf"
    utf16.write_bytes("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Żaneta Wiśniewska\r\nEND:VCARD\r\n".encode("utf-16"))
    nfd = tmp_path / "mac.vcf"
    nfd.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Zoe\u0308 Mu\u0308ller\nEND:VCARD\n", encoding="utf-8")
    data = run_json(cli, "import", "vcard", str(latin), str(utf16), str(nfd))
    assert [r["name"] for r in data["rows"]] == ["Françoise Sagan", "Żaneta Wiśniewska", "Zoë Müller"]


def test_each_line_is_decoded_on_its_own_after_its_folds_are_rejoined(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    # One Windows-1252 card in a UTF-8 file made every name in it read as Windows-1252
    # (`JÃ¼rgen`), and so did a fold that splits a UTF-8 character (RFC 6350 3.2).
    name = "Jürgen Müller".encode()
    split = name.index("ü".encode()) + 1
    mixed = tmp_path / "mixed.vcf"
    mixed.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + name + b"\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Fran\xe7oise Sagan\r\nNOTE:caf\xe9\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo\xc3\xab " + name[:split] + b"\r\n " + name[split:] + b"\r\n"
        b"END:VCARD\r\n"
    )
    data = run_json(cli, "import", "vcard", str(mixed))
    assert [r["name"] for r in data["rows"]] == ["Jürgen Müller", "Françoise Sagan", "Zoë Jürgen Müller"]


def test_a_uri_scheme_before_an_email_or_phone_is_taken_off_in_any_case(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    # `EMAIL:MAILTO:uri@example.com` was stored with its prefix: only `mailto:` came off.
    vcf = tmp_path / "uri.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Uri Mail\nEMAIL:MAILTO:uri@example.com\nTEL;VALUE=uri:TEL:+44-20-7946-0958\n"
        "END:VCARD\n",
        encoding="utf-8",
    )
    assert run_json(cli, "import", "vcard", str(vcf), "--apply")["counts"]["create"] == 1
    assert "\nemail: uri@example.com\nphone: +44-20-7946-0958\n" in note(vault_dir, "Uri Mail")


def test_a_group_organisation_or_place_card_is_not_a_person(cli, vault_dir: Path, tmp_path: Path) -> None:
    vcf = tmp_path / "kinds.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Book Club\nMEMBER:urn:uuid:1\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nX-ADDRESSBOOKSERVER-KIND:group\nFN:Family\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:Volta Cold Chain\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:individual\nFN:Ada Lovelace\nEND:VCARD\n",
        encoding="utf-8",
    )
    data = run_json(cli, "import", "vcard", str(vcf))
    assert [(r["action"], r["reason"]) for r in data["rows"]] == [
        ("skip", "card is a group (KIND:group), not a person"),
        ("skip", "card is a group (X-ADDRESSBOOKSERVER-KIND:group), not a person"),
        ("skip", "card is an organisation (KIND:org), not a person"),
        ("create", "new person"),
    ]


def test_a_missing_file_is_one_line(cli, vault_dir: Path, tmp_path: Path) -> None:
    result = cli("import", "vcard", str(tmp_path / "nope.vcf"))
    assert result.exit_code == 2
    assert result.stderr == f"vault: {tmp_path / 'nope.vcf'}: no such file\n"


def test_import_help_has_examples(cli) -> None:
    for kind in ("vcard", "linkedin", "google"):
        result = cli("import", kind, "--help")
        assert result.exit_code == 0
        assert "Example: vault import " + kind in result.stdout


# -- LinkedIn --------------------------------------------------------------------------------
def test_a_connection_dated_after_today_is_imported_without_met(cli, vault_dir: Path, tmp_path: Path) -> None:
    """`vault add --met` refuses a date after today; an import says so and goes on."""
    export = tmp_path / "Connections.csv"
    export.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\nFay,Future,,,,,04 Jan 2027\n",
        encoding="utf-8",
    )
    data = run_json(cli, "import", "linkedin", str(export), "--apply")
    assert [(r["action"], r["differences"]) for r in data["rows"]] == [
        ("create", ["met: 2027-01-04 is after today (2026-11-22): it records when you met; left out"])
    ]
    assert "met:" not in note(vault_dir, "Fay Future")


def test_linkedin_connections(cli, vault_dir: Path, make_person, samples) -> None:
    make_person("Grace Hopper", company="Navy", tags=["person"])
    data = run_json(
        cli, "import", "linkedin", str(samples["Connections.csv"]), "--apply", "--tag", "linkedin"
    )
    assert [(r["action"], r["name"], r["line"]) for r in data["rows"]] == [
        ("create", "Ada Lovelace", 5),
        ("merge", "Grace Hopper", 6),
        ("skip", "", 7),
        ("create", "Charles Babbage", 8),
    ]
    assert data["rows"][2]["reason"] == "row has 9 fields, the header has 7; row skipped"
    assert data["rows"][1]["adds"] == ["met", "role", "linkedin"]
    assert data["rows"][1]["differences"] == [
        "company: the note has 'Navy'; the file has 'US Navy' (kept the note's)"
    ]
    assert data["rows"][3]["differences"] == ["Connected On '31 Feb 2020' is not a date; met left out"]
    assert note(vault_dir, "Ada Lovelace") == (
        "---\n"
        "tags: [person, linkedin]\n"
        "met: 2021-03-12\n"
        "company: Analytical Engines, Ltd.\n"
        "role: Mathematician, Poet\n"
        "email: ada@example.com\n"
        'linkedin: "https://www.linkedin.com/in/adalovelace"\n'
        "---\n"
        "# Ada Lovelace\n\n"
        "## Notes\n\n"
        "## Log\n"
    )
    # Values with commas survive the YAML round trip as the text written.
    listed = json.loads(cli("list", "--json").stdout)
    ada = next(p for p in listed["people"] if p["name"] == "Ada Lovelace")
    assert ada["fields"]["company"] == "Analytical Engines, Ltd."
    assert "met: 2019-09-03\n" in note(vault_dir, "Grace Hopper")


def test_a_prospect_an_import_finds_met_is_met_as_vault_met_records_it(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    """A LinkedIn connection accepted is a prospect met: not a `met` beside `status: asked`,
    which `vault check` reports and `vault prospects` ignores."""
    assert cli("want", "Robin Random", "--why", "blog post", today="2018-01-02").exit_code == 0
    assert cli("ask", "Robin", "LinkedIn request", "--channel", "linkedin", today="2018-01-02").exit_code == 0
    connections = tmp_path / "Connections.csv"
    connections.write_text(
        'Notes:\n"x"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n'
        "Robin,Random,,,Medium,Writer,10 Jan 2018\nRobin,Random,,,,,21 Jan 2018\n",
        encoding="utf-8",
    )
    result = cli("import", "linkedin", str(connections), "--apply", "--json", today="2018-01-20")
    first, second = json.loads(result.stdout)["rows"]
    assert (first["action"], first["adds"]) == ("merge", ["met", "company", "role"])
    assert first["reason"] == (
        "matched Robin Random: same name; was a prospect (status: asked): met, as `vault met` records it"
    )
    assert second["differences"] == [  # (a connection after today: left out, whatever the note has)
        "met: 2018-01-21 is after today (2018-01-20): it records when you met; left out"
    ]
    assert note(vault_dir, "Robin Random") == (
        "---\ntags: [person]\nwhy: blog post\nfound: 2018-01-02\nlast_contact: 2018-01-10\n"
        "met: 2018-01-10\ncompany: Medium\nrole: Writer\n---\n# Robin Random\n\n## Notes\n\n## Log\n"
        "- 2018-01-10 linkedin: connected\n- 2018-01-02 asked: linkedin: LinkedIn request\n"
    )
    check = cli("check", today="2018-01-20")
    assert (check.exit_code, check.stdout) == (0, "No problems found.\n")
    # A connection after today (a file from the future) leaves them a prospect, and says why.
    assert cli("want", "Sam Later", today="2018-01-02").exit_code == 0
    connections.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\nSam,Later,,,,,1 Feb 2018\n",
        encoding="utf-8",
    )
    [row] = json.loads(
        cli("import", "linkedin", str(connections), "--apply", "--json", today="2018-01-20").stdout
    )["rows"]
    assert (row["action"], row["differences"]) == (
        "unchanged",
        ["met: 2018-02-01 is after today (2018-01-20): it records when you met; left out"],
    )
    assert "status: prospect\n" in note(vault_dir, "Sam Later")


def test_an_import_fills_a_key_holding_yamls_null(cli, vault_dir: Path, tmp_path: Path) -> None:
    # `met: ~` and `company: null` are no value; the import called them values of the note's.
    write_note(vault_dir, "People/W2.md", "---\nstatus: prospect\nmet: ~\ncompany: null\n---\n# W2\n")
    connections = tmp_path / "connections.csv"
    connections.write_text("Name,Connected On,Company\nW2,2026-03-04,Acme\n", encoding="utf-8")
    [row] = json.loads(cli("import", "csv", str(connections), "--apply", "--json").stdout)["rows"]
    assert (row["action"], row["adds"], row["differences"]) == ("merge", ["met", "company"], [])
    assert note(vault_dir, "W2").startswith(
        "---\nmet: 2026-03-04\ncompany: Acme\nlast_contact: 2026-03-04\n---\n"
    )


def test_an_import_that_meets_a_prospect_says_it_set_introduced_by(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    write_note(vault_dir, "People/W3.md", '---\nstatus: prospect\nvia: "[[Sam Lee]]"\n---\n# W3\n')
    connections = tmp_path / "connections.csv"
    connections.write_text("Name,Connected On\nW3,2026-03-04\n", encoding="utf-8")
    [row] = json.loads(cli("import", "csv", str(connections), "--apply", "--json").stdout)["rows"]
    assert (row["action"], row["adds"]) == ("merge", ["met", "introduced_by"])
    assert 'introduced_by: "[[Sam Lee]]"\n' in note(vault_dir, "W3")


def test_linkedin_without_its_header_is_refused(cli, vault_dir: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Phone\nAda,123\n", encoding="utf-8")
    result = cli("import", "linkedin", str(wrong))
    assert result.exit_code == 2
    assert result.stderr == (
        f"vault: {wrong}: no LinkedIn (First Name,Last Name,URL,Email Address,...) header line found; "
        "is this the right export?\n"
    )


# -- Google Contacts -------------------------------------------------------------------------
def test_google_current_format(cli, vault_dir: Path, samples) -> None:
    data = run_json(cli, "import", "google", str(samples["google.csv"]), "--apply")
    assert actions(data) == [("create", "Efua Boateng", "google.csv", 2)]
    assert note(vault_dir, "Efua Boateng") == (
        "---\n"
        "aliases: [Fifi]\n"
        "tags: [person, friends, work-friends]\n"
        'birthday: "--09-03"\n'
        "company: Kente Labs\n"
        "role: Product Lead\n"
        "location: Accra\n"
        "email: [efua.b@example.com, efua@example.org, efua@kentelabs.example]\n"
        "phone: [+233 24 555 0110, +233 30 555 0199]\n"
        'linkedin: "https://www.linkedin.com/in/efuaboateng"\n'
        "---\n"
        "# Efua Boateng\n\n"
        "## Notes\n"
        "- Met at the Accra hub.\n"
        "- Loves highlife.\n\n"
        "## Log\n"
    )


def test_google_older_format_in_utf16(cli, vault_dir: Path, tmp_path: Path) -> None:
    older = tmp_path / "google.csv"
    older.write_bytes(GOOGLE_OLDER.encode("utf-16"))
    data = run_json(cli, "import", "google", str(older), "--apply")
    assert actions(data) == [("create", "Dev Patel", "google.csv", 2)]
    assert note(vault_dir, "Dev Patel").startswith(
        "---\n"
        "tags: [person, mentors]\n"
        "birthday: 1990-08-02\n"
        "company: Hatchling Labs\n"
        "role: Founder\n"
        "location: Bengaluru\n"
        "email: [dev.patel@example.com, dev@example.in]\n"
        "phone: +91 98450 55501\n"
        "---\n"
    )


# -- vault check -----------------------------------------------------------------------------
def test_check_reports_likely_duplicates(cli, vault_dir: Path, make_person) -> None:
    make_person("Ann Lee", email="ann@example.com")
    make_person("Annie Lee", email="ANN@example.com")
    make_person("Bo Chen", phone='"+44 7700 900641"')
    make_person("Robert Chen", phone='"07700 900641"')
    make_person("Jonathan Smith")
    make_person("Jonathon Smith")
    make_person("Jon Smithers")
    write_note(vault_dir, "People/Other/Ann Lee.md", "# Ann Lee\n")
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout == (
        "People/Ann Lee.md: warning: another person has the same name: People/Other/Ann Lee.md\n"
        "People/Ann Lee.md: warning: may be the same person as People/Annie Lee.md: same email ANN@example.com\n"
        "People/Bo Chen.md: warning: may be the same person as People/Robert Chen.md: same phone 07700 900641\n"
        "People/Jonathan Smith.md: warning: may be the same person as People/Jonathon Smith.md: "
        "names 93% alike ('Jonathan Smith', 'Jonathon Smith')\n"
        "People/Other/Ann Lee.md: warning: another person has the same name: People/Ann Lee.md\n"
        "0 error(s), 5 warning(s)\n"
    )


def test_check_compares_every_email_and_phone_of_a_list_and_only_those_fields(
    cli, vault_dir: Path, make_person
) -> None:
    make_person("Ann Lee", email=["ann@home.example", "ann@work.example"], phone=["+44 7700 900641"])
    make_person("Bo Chen", email="ANN@WORK.example")
    make_person("Cy Park", phone=[7700900641])  # a number, as YAML reads it
    make_person("Di Roy", mail="ann@home.example", email={"home": "ann@home.example"})  # neither is compared
    lines = cli("check").stdout.splitlines()
    assert lines == [
        "People/Ann Lee.md: warning: may be the same person as People/Bo Chen.md: same email ANN@WORK.example",
        "People/Ann Lee.md: warning: may be the same person as People/Cy Park.md: same phone 7700900641",
        "0 error(s), 2 warning(s)",
    ]


# -- the reader never crashes ----------------------------------------------------------------


def parse_cards(text: str) -> tuple[list[Card], list[CardProblem]]:
    """The cards of a file's text, and the problems with the others (what `iter_cards` yields)."""
    items = list(iter_cards(text))
    return [c for c in items if isinstance(c, Card)], [p for p in items if isinstance(p, CardProblem)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    *IPHONE.splitlines(),
                    *OUTLOOK.splitlines(),
                    *GMAIL.splitlines(),
                    *V4.splitlines(),
                    "N;ENCODING=QUOTED-PRINTABLE;CHARSET=bogus:=C3=",
                    "PHOTO;ENCODING=b:!!!not base64",
                    "PHOTO:data:image/png;base64,@@@",
                    'TEL;TYPE="cell:+1 555',
                    "BDAY:--1399",
                    "ADR:;;",
                    "X-SOCIALPROFILE;type=:",
                ]
            ),
            st.text(max_size=40),
        ),
        max_size=40,
    )
)
def test_vcard_reader_never_crashes(lines: list[str]) -> None:
    cards, problems = parse_cards("\r\n".join(lines))
    for card in cards:
        made = contact_from_card(card, "fuzz.vcf")
        assert isinstance(made, str) or made.name
    assert all(problem.line >= 1 for problem in problems)


def test_a_version_line_without_a_value_is_no_crash() -> None:
    # Found by the fuzz test above: "VERSION" with no colon.
    cards, problems = parse_cards("BEGIN:VCARD\r\nVERSION\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n")
    assert cards == []
    assert [(p.line, p.message) for p in problems] == [
        (1, "card skipped: line 2: it is not a vCard property (NAME:value)")
    ]


def test_folding_differs_between_21_and_30() -> None:
    cards, problems = parse_cards(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE:Av. Corrientes\r\n 1234\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:Av. Corrien\r\n tes 1234\r\nEND:VCARD\r\n"
    )
    assert problems == []
    assert [card.first("NOTE").text() for card in cards] == ["Av. Corrientes 1234", "Av. Corrientes 1234"]


def test_apple_year_1604_means_no_year_with_or_without_the_parameter(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    cards = [
        ("With Param", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14"),
        ("Without Param", "BDAY:1604-07-01"),
        ("Basic Form", "BDAY:16041231"),
        ("Real Year", "BDAY:1954-07-01"),
    ]
    path = tmp_path / "apple.vcf"
    path.write_text(
        crlf(
            [
                line
                for name, bday in cards
                for line in ("BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", bday, "END:VCARD")
            ]
        ),
        encoding="utf-8",
    )
    vcf = str(path)
    assert cli("import", "vcard", vcf, "--apply").exit_code == 0
    birthdays = {
        name: (vault_dir / "People" / f"{name}.md")
        .read_text(encoding="utf-8")
        .split("birthday: ")[1]
        .split("\n")[0]
        for name in ("With Param", "Without Param", "Basic Form", "Real Year")
    }
    assert birthdays == {
        "With Param": '"--03-14"',
        "Without Param": '"--07-01"',
        "Basic Form": '"--12-31"',
        "Real Year": "1954-07-01",
    }


UPHABIT = (
    "First Name,Last Name,Email,Phone Number,Company,Job Title,Birthday,Groups,Notes,Last Contacted,Met,Colour\r\n"
    "Kwame,Mensah,KWAME@example.com.gh,,Volta,,,Clients,,2026-11-20 14:03:00,,green\r\n"
    'Ada,Byron,ada.byron@example.org,+44 7700 900123,Analytical Engines,Mathematician,1815-12-10,"Mentors, Friends",'
    '"Loves poetry\r\nHorses",2026-10-01,12 Mar 2021,blue\r\n'
    ",,nobody@example.org,,,,,,,,,\r\n"
)
NOTION = (
    "\ufeffName,E-mail,Organisation,Tags,Last contacted,Circle,Created time\n"
    'Lucía Fernández,lucia@example.com.ar,Mercado Austral,Mentor,"November 3, 2026",close,2024-05-01T10:00\n'
)


def test_csv_maps_common_headers_and_imports_once(cli, vault_dir: Path, make_person, tmp_path: Path) -> None:
    make_person("Kwame Mensah", email="kwame@example.com.gh", company="Volta Cold Chain")
    sheet = tmp_path / "uphabit.csv"
    sheet.write_text(UPHABIT, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (vault_dir / "People").iterdir()}
    dry = cli("import", "csv", str(sheet))
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[0] == (
        "Columns: First Name → first_name, Last Name → last_name, Email → email, Phone Number → phone, "
        "Company → company, Job Title → role, Birthday → birthday, Groups → tags, Notes → notes, "
        "Last Contacted → last_contact, Met → met, Colour → ignore"
    )
    assert "1 to create, 1 to merge, 0 unchanged, 1 skipped." in dry.stdout
    assert {p.name: p.read_bytes() for p in (vault_dir / "People").iterdir()} == before  # a dry run
    applied = cli("import", "csv", str(sheet), "--apply", "--json")
    report = json.loads(applied.stdout)
    assert report["columns"]["Groups"] == "tags"
    assert [(r["action"], r["name"], r["adds"]) for r in report["rows"]] == [
        ("merge", "Kwame Mensah", ["tags", "last_contact"]),
        ("create", "Ada Byron",
         ["tags", "met", "last_contact", "birthday", "company", "role", "email", "phone", "notes"]),
        ("skip", "", []),
    ]  # fmt: skip
    assert (vault_dir / "People" / "Ada Byron.md").read_text(encoding="utf-8") == (
        "---\ntags: [person, mentors, friends]\nmet: 2021-03-12\nlast_contact: 2026-10-01\n"
        "birthday: 1815-12-10\ncompany: Analytical Engines\nrole: Mathematician\nemail: ada.byron@example.org\n"
        "phone: +44 7700 900123\n---\n# Ada Byron\n\n## Notes\n- Loves poetry\n- Horses\n\n## Log\n"
    )
    kwame = (vault_dir / "People" / "Kwame Mensah.md").read_text(encoding="utf-8")
    assert "company: Volta Cold Chain\n" in kwame and "last_contact: 2026-11-20\n" in kwame
    after = {p.name: p.read_bytes() for p in (vault_dir / "People").iterdir()}
    again = json.loads(cli("import", "csv", str(sheet), "--apply", "--json").stdout)
    assert again["counts"] == {"create": 0, "merge": 0, "unchanged": 2, "skip": 1}
    assert {p.name: p.read_bytes() for p in (vault_dir / "People").iterdir()} == after


def test_one_text_tags_and_aliases_compare_as_the_parser_splits_them(
    cli, vault_dir: Path, tmp_path: Path
) -> None:
    """`tags: friend, work` is two tags (as Obsidian reads it): the file's `work` is no difference."""
    write_note(
        vault_dir,
        "People/Ann Lee.md",
        "---\naliases: Annie, Nan\ntags: friend work\nemail: ann@x.org\n---\n# Ann Lee\n",
    )
    sheet = tmp_path / "e.csv"
    sheet.write_text("Name,E-mail Address,Nickname,Labels\nAnn Lee,ann@x.org,Nan,work\n", encoding="utf-8")
    [row] = run_json(cli, "import", "csv", str(sheet))["rows"]
    assert (row["action"], row["differences"]) == ("unchanged", [])
    sheet.write_text("Name,E-mail Address,Nickname,Labels\nAnn Lee,ann@x.org,Nancy,home\n", encoding="utf-8")
    [row] = run_json(cli, "import", "csv", str(sheet))["rows"]
    assert row["differences"] == [
        "aliases: the note has [Annie, Nan]; the file also has Nancy",
        "tags: the note has [friend, work]; the file also has home",
    ]


def test_csv_from_a_spreadsheet_that_separates_cells_with_semicolons_or_tabs(cli, tmp_path: Path) -> None:
    # Excel writes `;` where the comma is the decimal mark (most of Europe); a sheet's export may use tabs.
    for name, text in (
        ("excel.csv", 'Name;E-mail;Organisation\r\nJosé Núñez;jose@example.com;"ACME; Ltd"\r\n'),
        ("sheet.tsv", "Name\tE-mail\tOrganisation\nJosé Núñez\tjose@example.com\tACME; Ltd\n"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        report = json.loads(cli("import", "csv", str(tmp_path / name), "--json").stdout)
        assert report["columns"] == {"Name": "name", "E-mail": "email", "Organisation": "company"}, name
        assert [(row["name"], row["adds"]) for row in report["rows"]] == [
            ("José Núñez", ["company", "email"])
        ]
    # A comma in the first line keeps the comma, whatever the cells hold.
    (tmp_path / "commas.csv").write_text("Name,Notes\nAda;Lovelace,a;b\n", encoding="utf-8")
    report = json.loads(cli("import", "csv", str(tmp_path / "commas.csv"), "--json").stdout)
    assert [row["name"] for row in report["rows"]] == ["Ada;Lovelace"]


def test_csv_with_a_repeated_header_reads_the_first_column_of_that_name(cli, tmp_path: Path) -> None:
    sheet = tmp_path / "dup.csv"
    sheet.write_text('Name,Name,Email\nDup Head,Other,a@b.c\n"Quote""d",,q@b.c\n', encoding="utf-8")
    result = cli("import", "csv", str(sheet))
    assert result.stdout.splitlines()[0] == (
        "Columns: Name → name, Name (column 2: a repeated header) → ignore, Email → email"
    )
    report = json.loads(cli("import", "csv", str(sheet), "--json").stdout)
    assert [(row["action"], row["name"], row["line"]) for row in report["rows"]] == [
        ("create", "Dup Head", 2),
        ("create", "Quote d", 3),
    ]


def test_csv_with_old_mac_line_ends_or_long_cells(cli, tmp_path: Path) -> None:
    # Excel for Mac's "CSV (Macintosh)" ends lines in a CR alone: it said "unexpected error".
    (tmp_path / "mac.csv").write_bytes(b"Name,Email\rAda Lovelace,ada@example.com\rBob,b@example.com\r")
    report = json.loads(cli("import", "csv", str(tmp_path / "mac.csv"), "--json").stdout)
    assert [(row["name"], row["line"]) for row in report["rows"]] == [("Ada Lovelace", 2), ("Bob", 3)]
    # A long note (a Monica export's) is a cell past the csv module's 128 KiB.
    (tmp_path / "long.csv").write_text(f"Name,Notes\nAda,{'x' * 200_000}\n", encoding="utf-8")
    report = json.loads(cli("import", "csv", str(tmp_path / "long.csv"), "--json").stdout)
    assert [row["adds"] for row in report["rows"]] == [["notes"]]
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    empty = cli("import", "csv", str(tmp_path / "empty.csv"))
    assert (
        empty.stderr
        == f"vault: {tmp_path / 'empty.csv'}: no CSV header line found; is this the right export?\n"
    )
    # Past a note's own size, one line names the file and the line.
    (tmp_path / "huge.csv").write_text(f"Name,Notes\nAda,{'x' * 9_000_000}\n", encoding="utf-8")
    huge = cli("import", "csv", str(tmp_path / "huge.csv"))
    assert (huge.exit_code, huge.stdout) == (2, "")
    assert huge.stderr == (
        f"vault: {tmp_path / 'huge.csv'}:2: not a CSV this can read: field larger than field limit (8388608)\n"
    )


def test_csv_map_overrides_and_refusals(cli, vault_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "notion.csv"
    sheet.write_text(NOTION, encoding="utf-8")
    result = cli("import", "csv", str(sheet), "--map", "circle=tags", "--map", "Tags=ignore", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["columns"] == {
        "Circle": "tags", "Tags": "ignore", "Name": "name", "E-mail": "email", "Organisation": "company",
        "Last contacted": "last_contact", "Created time": "ignore",
    }  # fmt: skip
    row = report["rows"][0]
    assert row["adds"] == ["tags", "company", "email"]
    assert row["differences"] == ["last contact: 'November 3, 2026' is not a date (use YYYY-MM-DD); left out"]
    bad = cli("import", "csv", str(sheet), "--map", "Circle")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("vault: --map 'Circle': use COLUMN=KEY, KEY one of name, first_name")
    unknown = cli("import", "csv", str(sheet), "--map", "Phone=phone")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("vault: --map Phone=phone: the file has no column 'Phone'; it has Name,")
    (tmp_path / "nameless.csv").write_text("Email,Company\na@example.com,X\n", encoding="utf-8")
    nameless = cli("import", "csv", str(tmp_path / "nameless.csv"))
    assert nameless.exit_code == 2
    assert nameless.stderr == (
        f"vault: {tmp_path / 'nameless.csv'}: no column is a name (Email, Company); "
        "say which with --map COLUMN=name\n"
    )


def test_csv_brings_in_cadences_and_any_field(cli, vault_dir: Path, make_person, tmp_path: Path) -> None:
    """A spreadsheet's keep-in-touch column is a cadence, and `field:KEY` puts any column
    into the front matter (what `vault stats` reports on); a bad cell is a row's warning."""
    make_person("Bob Ray", email="b@x.com", gender="male")
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "Name,Email,Keep in touch,Gender,Seniority level,Archived\n"
        "Alice M,a@x.com,monthly,female,senior,no\n"
        "Bob Ray,b@x.com,every week,man,,maybe\n"
        "Cy,c@x.com,,,junior,\n",
        encoding="utf-8",
    )
    report = run_json(
        cli, "import", "csv", str(sheet), "--map", "gender=field:gender", "--map",
        "Seniority level=field:Seniority-Level", "--map", "Archived=field:archived", "--cadence", "6m", "--apply",
    )  # fmt: skip
    assert report["columns"] == {
        "Gender": "field:gender", "Seniority level": "field:Seniority-Level", "Archived": "field:archived",
        "Name": "name", "Email": "email", "Keep in touch": "cadence",
    }  # fmt: skip
    assert [(r["action"], r["name"], r["adds"], r["differences"]) for r in report["rows"]] == [
        ("create", "Alice M", ["email", "gender", "Seniority-Level", "archived", "cadence"], []),
        ("merge", "Bob Ray", ["cadence"], [
            "cadence: 'every week' is not a cadence (use e.g. 10d, 2w, 1m, 6m, 1y, weekly, monthly or none); "
            "left out",
            "archived: 'maybe' is not true or false; left out",
            "gender: the note has 'male'; the file has 'man' (kept the note's)",
        ]),
        ("create", "Cy", ["email", "Seniority-Level", "cadence"], []),
    ]  # fmt: skip
    assert note(vault_dir, "Alice M") == (
        "---\ntags: [person]\ncadence: monthly\nemail: a@x.com\ngender: female\nSeniority-Level: senior\n"
        "archived: no\n---\n# Alice M\n\n## Notes\n\n## Log\n"
    )
    assert "\ncadence: 6m\n" in note(vault_dir, "Bob Ray")  # (--cadence fills a row without its own)
    assert "\ncadence: 6m\n" in note(vault_dir, "Cy")
    again = run_json(cli, "import", "csv", str(sheet), "--map", "gender=field:gender")
    assert again["counts"] == {"create": 0, "merge": 0, "unchanged": 3, "skip": 0}
    for item, said in (
        ("Gender=field:email", "--map 'Gender=field:email': email has its own KEY: --map Gender=email"),
        ("Gender=field:type", "--map 'Gender=field:type': an import cannot write type"),
        (
            "Gender=field:1x",
            "--map 'Gender=field:1x': '1x' is not a property name (letters, digits, _ and -)",
        ),
    ):
        refused = cli("import", "csv", str(sheet), "--map", item)
        assert (refused.exit_code, refused.stderr) == (2, f"vault: {said}\n")


def test_a_file_that_is_no_vcard_or_no_calendar_says_so(cli, vault_dir: Path, tmp_path: Path) -> None:
    """Not "0 to create ... skipped" and exit 0, nor a row for each line of a CSV."""
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    sheet = tmp_path / "people.csv"
    sheet.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    refused = cli("import", "vcard", str(empty))
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == f"vault: {empty} is empty: there is no card in it to import\n"
    refused = cli("import", "vcard", str(sheet))
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"vault: {sheet} holds no vCard (no BEGIN:VCARD line); is this the right file? "
        "(a CSV goes to `vault import csv`)\n"
    )
    bomless = tmp_path / "utf16.vcf"
    bomless.write_bytes("BEGIN:VCARD\r\nFN:Ada\r\nEND:VCARD\r\n".encode("utf-16-le"))
    refused = cli("import", "vcard", str(bomless))
    assert (refused.exit_code, refused.stderr) == (
        2,
        f"vault: {bomless} looks like UTF-16 with no byte order mark: save it as UTF-8, then import it\n",
    )
    for path, reason in (
        (empty, "the file is empty: no event in it"),
        (sheet, "not an iCalendar file (no BEGIN:VCALENDAR line): is this the right file?"),
    ):
        [row] = json.loads(cli("import", "calendar", str(path), "--json").stdout)["rows"]
        assert (row["action"], row["reason"]) == ("skip", reason)
