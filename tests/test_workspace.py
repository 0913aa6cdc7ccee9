"""The Workspace as a library: the calls every command makes, on a temp vault, without the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import write_note

from vaultkit.errors import PersonNotFound, RefusedWrite, TemplateError, UsageError
from vaultkit.model import FollowUp, Interaction, Problem
from vaultkit.profiles import IntroducedTo, Introductions, ListedPerson, PersonDetails, PersonSummary
from vaultkit.vault.files import Vault
from vaultkit.workspace import PersonRef, Workspace

TODAY = dt.date(2026, 11, 22)
MakePerson = Callable[..., Path]
Open = Callable[[], Workspace]


@pytest.fixture
def open_workspace(vault_dir: Path, tmp_path: Path) -> Iterator[Open]:
    """open_workspace() -> a Workspace on vault_dir as of TODAY, its index synced."""
    opened: list[Workspace] = []

    def make() -> Workspace:
        workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", TODAY)
        workspace.sync()
        opened.append(workspace)
        return workspace

    yield make
    for workspace in opened:
        workspace.close()


def ref(name: str, folder: str = "People") -> PersonRef:
    return PersonRef(f"{folder}/{name}.md", name)


# -- find_person / find_people ------------------------------------------------------------
def test_find_person_by_name_alias_or_unique_prefix(make_person: MakePerson, open_workspace: Open) -> None:
    make_person("Ada Lovelace", aliases="[Countess]")
    make_person("Bob Stone")
    workspace = open_workspace()
    assert workspace.find_person("ada lovelace") == ref("Ada Lovelace")  # case does not matter
    assert workspace.find_person("  Ada Lovelace ") == ref("Ada Lovelace")
    assert workspace.find_person("countess") == ref("Ada Lovelace")
    assert workspace.find_person("bo") == ref("Bob Stone")
    assert workspace.find_person("count") == ref("Ada Lovelace")  # a prefix of an alias


def test_an_exact_name_wins_over_a_longer_name_it_starts(
    make_person: MakePerson, open_workspace: Open
) -> None:
    make_person("Ann")
    make_person("Anna")
    workspace = open_workspace()
    assert workspace.find_person("Ann") == ref("Ann")
    assert workspace.find_person("Anna") == ref("Anna")
    with pytest.raises(PersonNotFound) as err:
        workspace.find_person("An")
    assert str(err.value) == "'An' matches several people: Ann, Anna"


def test_the_same_name_twice_takes_the_note_nearest_the_top(
    make_person: MakePerson, open_workspace: Open
) -> None:
    make_person("Kim", folder="People/Work")
    make_person("Kim")
    assert open_workspace().find_person("Kim") == ref("Kim")


def test_a_path_names_each_of_two_people_with_one_name(
    make_person: MakePerson, open_workspace: Open, vault_dir: Path
) -> None:
    make_person("Sam", folder="People/A")
    make_person("Sam", folder="People/B")
    make_person("Sam Stone")
    write_note(vault_dir, "Topics/B/Sam.md", "# Sam, a topic\n")
    workspace = open_workspace()
    assert workspace.find_person("Sam") == ref("Sam", "People/A")  # the first, as Obsidian
    # As a link's path form: the whole path or its end, with or without .md, any case.
    for name in ("People/B/Sam", "People/B/Sam.md", "B/Sam", "b/sam.MD", "/People/B/Sam", "B/Sam#Log"):
        assert workspace.find_person(name) == ref("Sam", "People/B"), name
    assert workspace.find_person("A/Sam") == ref("Sam", "People/A")
    assert workspace.find_person("People/Sam Stone") == ref("Sam Stone")
    with pytest.raises(PersonNotFound) as nobody:
        workspace.find_person("C/Sam")
    assert str(nobody.value) == "nobody called 'C/Sam' in the vault; did you mean Sam?"
    # Listed as candidates, a shared name is each one's path: what to type to name them.
    with pytest.raises(PersonNotFound) as several:
        workspace.find_person("Sa")
    assert str(several.value) == "'Sa' matches several people: People/A/Sam, People/B/Sam, Sam Stone"
    assert [r.path for r in workspace.find_people("A/Sam,B/Sam")] == ["People/A/Sam.md", "People/B/Sam.md"]


def test_accents_fold_when_nothing_matches_as_written(make_person: MakePerson, open_workspace: Open) -> None:
    make_person("Nguyễn Văn An")
    make_person("José Álvarez", aliases="[Pépé]")
    make_person("Jose Alvarez")
    workspace = open_workspace()
    assert workspace.find_person("Nguyen Van An") == ref("Nguyễn Văn An")
    assert workspace.find_person("nguyen") == ref("Nguyễn Văn An")  # a prefix of the folded name
    assert workspace.find_person("NGUYỄN") == ref("Nguyễn Văn An")
    assert workspace.find_person("pepe") == ref("José Álvarez")  # a folded alias
    make_person("Søren Kierkegaard")
    make_person("Łukasz Æbelø")
    workspace = open_workspace()
    assert workspace.find_person("soren") == ref("Søren Kierkegaard")  # ø has no mark to take off
    assert workspace.find_person("Lukasz Aebelo") == ref("Łukasz Æbelø")
    # As written first: each of the two is found by its own spelling.
    assert workspace.find_person("jose alvarez") == ref("Jose Alvarez")
    assert workspace.find_person("José Álvarez") == ref("José Álvarez")
    with pytest.raises(PersonNotFound) as both:
        workspace.find_person("Josè Alvarez")  # a third spelling: folded, it fits both
    assert str(both.value) == "'Josè Alvarez' matches several people: Jose Alvarez, José Álvarez"


def test_an_ambiguous_prefix_lists_ten_people_and_counts_the_rest(
    make_person: MakePerson, open_workspace: Open
) -> None:
    for number in range(1, 14):
        make_person(f"Sam {number:02d}")
    with pytest.raises(PersonNotFound) as err:
        open_workspace().find_person("sam")
    listed = ", ".join(f"Sam {n:02d}" for n in range(1, 11))
    assert str(err.value) == f"'sam' matches several people: {listed} and 3 more"


def test_a_prefix_of_a_name_and_of_an_alias_of_one_person_is_that_person(
    make_person: MakePerson, open_workspace: Open
) -> None:
    make_person("Anaïs Nin", aliases="[Anaïs, Ana]")
    make_person("Andy Warhol")
    workspace = open_workspace()
    assert workspace.find_person("anai") == ref("Anaïs Nin")  # name, alias and their folded forms
    with pytest.raises(PersonNotFound) as both:
        workspace.find_person("an")
    assert str(both.value) == "'an' matches several people: Anaïs Nin, Andy Warhol"


def test_names_follow_edits_to_notes(make_person: MakePerson, open_workspace: Open, vault_dir: Path) -> None:
    note = make_person("Ada Lovelace", aliases="[Countess]")
    workspace = open_workspace()
    assert workspace.find_person("countess") == ref("Ada Lovelace")
    note.write_text("---\naliases: [Enchantress]\n---\n# Ada\n", encoding="utf-8")
    (vault_dir / "People" / "Bob Stone.md").write_text("# Bob\n", encoding="utf-8")
    workspace.index.update_paths(["People/Ada Lovelace.md", "People/Bob Stone.md"])
    assert workspace.find_person("enchant") == ref("Ada Lovelace")
    assert workspace.find_person("bob") == ref("Bob Stone")
    with pytest.raises(PersonNotFound):
        workspace.find_person("countess")
    note.unlink()
    workspace.index.update_paths(["People/Ada Lovelace.md"])
    with pytest.raises(PersonNotFound):
        workspace.find_person("enchantress")


def test_find_person_refusals(make_person: MakePerson, open_workspace: Open) -> None:
    make_person("Ada Lovelace", aliases="[Boss]")
    make_person("Bob Stone", aliases="[Boss]")
    workspace = open_workspace()
    with pytest.raises(PersonNotFound) as empty:
        workspace.find_person("  ")
    assert str(empty.value) == "an empty name matches nobody"
    with pytest.raises(PersonNotFound) as shared:
        workspace.find_person("boss")
    assert str(shared.value) == "'boss' is an alias of several people: Ada Lovelace, Bob Stone"
    with pytest.raises(PersonNotFound) as typo:
        workspace.find_person("Ada Lovelance")
    assert str(typo.value) == "nobody called 'Ada Lovelance' in the vault; did you mean Ada Lovelace?"
    with pytest.raises(PersonNotFound) as nobody:
        workspace.find_person("Zed")
    assert str(nobody.value) == "nobody called 'Zed' in the vault"
    # One word like a word of a name: its first name or its last, mistyped.
    for word, meant in (("Adda", "Ada Lovelace"), ("Stoen", "Bob Stone"), ("lovlace", "Ada Lovelace")):
        with pytest.raises(PersonNotFound) as typo:
            workspace.find_person(word)
        assert str(typo.value) == f"nobody called {word!r} in the vault; did you mean {meant}?"


def test_find_people_splits_on_commas_only_when_the_whole_text_fits_nobody(
    make_person: MakePerson, open_workspace: Open
) -> None:
    make_person("Ada")
    make_person("Bob")
    make_person("Lee, Ann")
    workspace = open_workspace()
    assert workspace.find_people("Lee, Ann") == [ref("Lee, Ann")]
    assert workspace.find_people("Ada,Bob") == [ref("Ada"), ref("Bob")]
    assert workspace.find_people("bob, ada, Bob,") == [ref("Bob"), ref("Ada")]  # once each, in order
    with pytest.raises(PersonNotFound) as err:
        workspace.find_people("Ada,Zed")
    assert str(err.value) == "nobody called 'Zed' in the vault"
    with pytest.raises(PersonNotFound) as none:
        workspace.find_people(" , ")
    assert str(none.value) == "no names in ' , '"


# -- log / log_each -----------------------------------------------------------------------
def test_log_adds_one_entry_to_each_and_moves_last_contact(
    make_person: MakePerson, open_workspace: Open, vault_dir: Path
) -> None:
    make_person("Ada", "## Log\n- 2026-10-01 call: before\n", last_contact="2026-10-01")
    make_person("Bob")
    workspace = open_workspace()
    refs = workspace.log("Ada,Bob", "  lunch   at the\tpier ", date=dt.date(2026, 11, 20), channel="dinner")
    assert refs == [ref("Ada"), ref("Bob")]
    assert (vault_dir / "People/Ada.md").read_text(encoding="utf-8") == (
        "---\nlast_contact: 2026-11-20\n---\n# Ada\n## Log\n"
        "- 2026-11-20 dinner: lunch at the pier\n- 2026-10-01 call: before\n"
    )
    bob = (vault_dir / "People/Bob.md").read_text(encoding="utf-8")
    assert "- 2026-11-20 dinner: lunch at the pier\n" in bob
    # The index saw the writes: the next read needs no sync.
    assert workspace.person_summary(workspace.index.person("People/Bob.md", TODAY)).last_contact == dt.date(
        2026, 11, 20
    )


def test_log_refusals_leave_every_note_alone(
    make_person: MakePerson, open_workspace: Open, vault_dir: Path
) -> None:
    make_person("Ada")
    before = (vault_dir / "People/Ada.md").read_bytes()
    workspace = open_workspace()
    with pytest.raises(UsageError) as future:
        workspace.log("Ada", "plans", date=dt.date(2026, 11, 23))
    assert str(future.value) == (
        "--date 2026-11-23 is after today (2026-11-22): a Log records what happened; "
        "write a follow-up task for plans"
    )
    with pytest.raises(UsageError) as channel:
        workspace.log("Ada", "hi", channel="Coffee Shop")
    assert str(channel.value) == "--channel 'Coffee Shop': use a lower-case word like coffee or call"
    with pytest.raises(UsageError) as empty:
        workspace.log("Ada", " \n ")
    assert str(empty.value) == "the Log text is empty"
    assert (vault_dir / "People/Ada.md").read_bytes() == before


def test_log_each_gives_each_person_their_own_text(
    make_person: MakePerson, open_workspace: Open, vault_dir: Path
) -> None:
    make_person("Ada", "## Log\n")
    make_person("Bob", "## Log\n")
    workspace = open_workspace()
    done = workspace.log_each([(ref("Ada"), "for Ada"), (ref("Bob"), "for Bob")], channel="email")
    assert done == [ref("Ada"), ref("Bob")]
    assert (
        (vault_dir / "People/Ada.md")
        .read_text(encoding="utf-8")
        .endswith("## Log\n- 2026-11-22 email: for Ada\n")
    )
    assert (
        (vault_dir / "People/Bob.md")
        .read_text(encoding="utf-8")
        .endswith("## Log\n- 2026-11-22 email: for Bob\n")
    )
    with pytest.raises(UsageError) as twice:
        workspace.log_each([(ref("Ada"), "one"), (ref("Ada"), "two")])
    assert str(twice.value) == "each person can get only one of these Log entries"
    with pytest.raises(UsageError) as blank:
        workspace.log_each([(ref("Ada"), "fine"), (ref("Bob"), "   ")])
    assert str(blank.value) == "the Log text for Bob is empty"


# -- add_person ---------------------------------------------------------------------------
def test_add_person_makes_a_note_the_index_knows(open_workspace: Open, vault_dir: Path) -> None:
    workspace = open_workspace()
    made = workspace.add_person(
        "Ada Lovelace", cadence="1m", tags=["#mentor", "person"], met=dt.date(2026, 11, 20), aliases=["Ada"]
    )
    assert made == ref("Ada Lovelace")
    assert (vault_dir / "People/Ada Lovelace.md").is_file()
    assert workspace.find_person("Ada") == made
    summary = workspace.show("Ada Lovelace")
    assert (summary.cadence, summary.cadence_source, summary.due_on) == ("1m", "own", dt.date(2026, 12, 20))
    assert (summary.tags, summary.aliases) == (["person", "mentor"], ["Ada"])


def test_add_person_refusals(make_person: MakePerson, open_workspace: Open) -> None:
    make_person("Bob", aliases="[Bobby]")
    workspace = open_workspace()
    with pytest.raises(RefusedWrite) as taken:
        workspace.add_person("bob")
    assert str(taken.value) == "'bob' is already in the vault: People/Bob.md"
    with pytest.raises(RefusedWrite) as alias:
        workspace.add_person("Robert", aliases=["Bobby"])
    assert str(alias.value) == "--alias 'Bobby' is already a name or alias in the vault: People/Bob.md"
    with pytest.raises(UsageError) as cadence:
        workspace.add_person("Cy", cadence="sometimes")
    assert str(cadence.value).startswith("--cadence: ")
    with pytest.raises(UsageError) as key:
        workspace.add_person("Cy", fields=["tags=x"])
    assert str(key.value) == "--set: tags has an option of its own: use --tag"


# -- due ----------------------------------------------------------------------------------
def test_due_never_contacted_first_then_by_periods_overdue(
    make_person: MakePerson, open_workspace: Open
) -> None:
    make_person("Far", cadence="1w", last_contact="2026-10-25")  # due 11-01: 21 days, 3 periods
    make_person("Near", cadence="1m", last_contact="2026-09-22")  # due 10-22: 31 days, 1 period
    make_person("New", cadence="2w")  # never contacted: due now
    make_person("Later", cadence="1m", last_contact="2026-11-01")  # due 12-01
    make_person("Free")  # no cadence
    workspace = open_workspace()
    assert [(i.name, i.due_on, i.days_overdue) for i in workspace.due()] == [
        ("New", None, None),
        ("Far", dt.date(2026, 11, 1), 21),
        ("Near", dt.date(2026, 10, 22), 31),
    ]
    assert [i.name for i in workspace.due(within="2w")] == ["New", "Far", "Near", "Later"]
    assert [i.name for i in workspace.due(within="0d")] == ["New", "Far", "Near"]
    with pytest.raises(UsageError) as bad:
        workspace.due(within="soon")
    assert str(bad.value).startswith("--within")


# -- show / list_people -------------------------------------------------------------------
def test_show_is_everything_about_one_person(
    make_person: MakePerson, open_workspace: Open, vault_dir: Path
) -> None:
    make_person(
        "Ada",
        "## Log\n- 2026-11-01 coffee: talked [[Bob]]\n- [ ] Send the paper 📅 2026-11-30\n",
        cadence="2w",
        tags="[person, mentor]",
        aliases="[Countess]",
    )
    make_person("Bob", introduced_by='"[[Ada]]"', met="2026-06-01")
    write_note(vault_dir, "Meetings/2026-11-10 Lunch.md", "---\npeople: ['[[Ada]]']\n---\nLunch.\n")
    details = open_workspace().show("countess")
    assert details == PersonDetails(
        name="Ada",
        path="People/Ada.md",
        last_contact=dt.date(2026, 11, 10),
        last_channel="meeting",
        cadence="2w",
        cadence_source="own",
        due_on=dt.date(2026, 11, 24),
        days_overdue=-2,
        fields={"cadence": "2w", "tags": ["person", "mentor"], "aliases": ["Countess"]},
        aliases=["Countess"],
        tags=["person", "mentor"],
        interactions=[
            # a meeting reads as its title, with the channel `meeting`; the lines count the front matter
            Interaction(
                dt.date(2026, 11, 10),
                "meeting",
                "Meetings/2026-11-10 Lunch.md",
                None,
                "meeting",
                "2026-11-10 Lunch",
            ),
            Interaction(dt.date(2026, 11, 1), "log", "People/Ada.md", 8, "coffee", "talked [[Bob]]"),
        ],
        followups=[
            FollowUp(
                "Ada",
                "Send the paper 📅 2026-11-30",
                dt.date(2026, 11, 30),
                "People/Ada.md",
                9,
                "People/Ada.md",
            )
        ],
        links_out=["Bob"],
        links_in=["Meetings/2026-11-10 Lunch.md", "People/Bob.md"],
        introductions=Introductions(introduced_you_to=["Bob"], you_introduced_them_to=[], introduced_by=[]),
    )
    assert details.to_json()["introductions"] == {
        "made_by_them": 1,
        "made_for_them": 0,
        "introduced_you_to": ["Bob"],
        "you_introduced_them_to": [],
        "introduced_by": [],
    }


def test_person_summary_of_someone_archived_or_without_a_cadence(
    make_person: MakePerson, open_workspace: Open
) -> None:
    make_person("Old", cadence="1w", archived="true", last_contact="2026-01-01")
    make_person("Free", last_contact="2026-11-02")
    workspace = open_workspace()
    old, free = (workspace.index.person(f"People/{n}.md", TODAY) for n in ("Old", "Free"))
    assert workspace.person_summary(old) == PersonSummary(
        "Old", "People/Old.md", dt.date(2026, 1, 1), None, "1w", "own", None, None
    )
    assert workspace.person_summary(free).to_json() == {
        "name": "Free",
        "path": "People/Free.md",
        "last_contact": "2026-11-02",
        "last_channel": None,
        "cadence": None,
        "cadence_source": None,
        "due_on": None,
        "days_overdue": None,
    }


def test_list_people_by_tag_and_fields(make_person: MakePerson, open_workspace: Open) -> None:
    make_person("Ada", tags="[person, work/acme]", location="London", cadence="1m", last_contact="2026-11-01")
    make_person("Bob", tags="[person, work]", location="[Paris, london]")
    make_person("Cy", tags="[person, workshop]")
    workspace = open_workspace()
    assert workspace.listed_people(tag="#work") == [
        ListedPerson(
            "Ada",
            "People/Ada.md",
            dt.date(2026, 11, 1),
            dt.date(2026, 12, 1),
            {
                "tags": ["person", "work/acme"],
                "location": "London",
                "cadence": "1m",
                "last_contact": "2026-11-01",
            },
        ),
        ListedPerson(
            "Bob", "People/Bob.md", None, None, {"tags": ["person", "work"], "location": ["Paris", "london"]}
        ),
    ]
    assert [p.name for p in workspace.listed_people(where=["location = LONDON"])] == ["Ada", "Bob"]
    assert [p.name for p in workspace.listed_people(where=["location="])] == ["Cy"]  # no such field
    assert workspace.list_people(where=["location=paris"]) == [
        {
            "name": "Bob",
            "path": "People/Bob.md",
            "last_contact": None,
            "due_on": None,
            "fields": {"tags": ["person", "work"], "location": ["Paris", "london"]},
        }
    ]
    with pytest.raises(UsageError) as bad:
        workspace.listed_people(where=["location"])
    assert str(bad.value) == "--where wants key=value, not 'location'"
    with pytest.raises(UsageError) as keyless:
        workspace.listed_people(where=[" =London"])
    assert str(keyless.value) == "--where wants key=value, not ' =London'"


# -- problems -----------------------------------------------------------------------------
def test_problems_are_config_warnings_then_the_notes(
    make_person: MakePerson, open_workspace: Open, vault_dir: Path
) -> None:
    (vault_dir / "vaultkit.toml").write_text('colour = "blue"\n', encoding="utf-8")
    make_person("Ada")
    write_note(vault_dir, "People/Bob.md", "---\ncadence: [unclosed\n---\n# Bob\n")
    problems = open_workspace().problems()
    assert [p.path for p in problems] == ["vaultkit.toml", "People/Bob.md"]
    assert problems[0].level == "warning" and "colour" in problems[0].message
    assert problems[1].level == "error"
    assert all(isinstance(p, Problem) for p in problems)


def test_show_counts_the_introductions_you_made(make_person: MakePerson, open_workspace: Open) -> None:
    from vaultkit.insights.network import record_intro

    make_person("Ada", "## Log\n")
    make_person("Bob", "## Log\n")
    make_person("Cy", "## Log\n", introduced_by='"[[Ada]]"')
    workspace = open_workspace()
    record_intro(workspace, "Ada", "Bob", date=dt.date(2026, 10, 1))
    assert workspace.show("Ada").introductions == Introductions(
        introduced_you_to=["Cy"],
        you_introduced_them_to=[IntroducedTo("Bob", dt.date(2026, 10, 1))],
        introduced_by=[],
    )
    assert workspace.show("Bob").introductions.to_json() == {
        "made_by_them": 0,
        "made_for_them": 1,
        "introduced_you_to": [],
        "you_introduced_them_to": [{"name": "Ada", "date": "2026-10-01"}],
        "introduced_by": [],
    }
    assert workspace.show("Cy").introductions.introduced_by == ["Ada"]


def test_one_persons_introductions_agree_with_the_whole_vaults(
    make_person: MakePerson, open_workspace: Open
) -> None:
    """`vault show` reads only the rows that can concern the person; the figures over the
    whole vault read everyone: both must tell the same story, alias and path links included."""
    from vaultkit.introductions import intro_pairs, introductions_received, name_resolver

    make_person(
        "Ada", "## Log\n- 2026-09-01 intro: introduced to [[Bob]] at the fair\n", aliases="[Countess]"
    )
    make_person("Bob", "## Log\n- 2026-09-01 intro: introduced to [[Ada]] at the fair\n")
    make_person("Cy", "## Log\n- 2026-10-02 intro: met [[People/Dee|Dee]] through [[Countess]]\n")
    make_person("Dee", introduced_by='["[[Countess]]", "[[People/Bob]]"]')
    make_person("Eve", introduced_by='"[[Nobody Known]]"', aliases="[Shared]")
    make_person("Fay", introduced_by='"[[shared]]"', aliases="[Shared]")
    workspace = open_workspace()
    everyone = [(p.path, p.name, p.aliases) for p in workspace.index.people(workspace.today)]
    pairs = intro_pairs(workspace.index, {path: name for path, name, _ in everyone})
    resolve = name_resolver((name, aliases) for _, name, aliases in everyone)
    received = introductions_received(
        [(name, by, met) for _, name, by, met in workspace.index.introduced_by()], resolve
    )
    for _, name, _ in everyone:
        shown = workspace.show(name).introductions
        assert shown.you_introduced_them_to == [
            IntroducedTo(pair.b if pair.a == name else pair.a, pair.date)
            for pair in pairs
            if name in (pair.a, pair.b)
        ], name
        assert shown.introduced_you_to == [r.person for r in received if r.introducer == name], name
        assert shown.introduced_by == [r.introducer for r in received if r.person == name], name
    assert workspace.show("Ada").introductions.introduced_you_to == ["Dee"]
    assert workspace.show("Dee").introductions.introduced_by == ["Ada", "Bob"]
    assert workspace.show("Cy").introductions.you_introduced_them_to == [
        IntroducedTo("Dee", dt.date(2026, 10, 2))
    ]
    assert workspace.show("Fay").introductions.introduced_by == [
        "shared"
    ]  # an alias two people share: as written


def test_derived_last_contact_moves_only_that_line_forward(
    cli: Callable[..., object], vault_dir: Path
) -> None:
    (vault_dir / "vaultkit.toml").write_text('write_last_contact = "derived"\n', encoding="utf-8")
    ada = write_note(
        vault_dir,
        "People/Ada.md",
        "---\r\ncadence: 1m\r\nlast_contact: '2026-10-01'   # by hand\r\ncompany: X\r\n---\r\n# Ada\r\n",
    )
    bob = write_note(vault_dir, "People/Bob.md", "---\nlast_contact: 2026-11-20\n---\n# Bob\n")
    carol = write_note(vault_dir, "People/Carol.md", "# Carol\n")
    dan = write_note(vault_dir, "People/Dan.md", "---\nlast_contact: soon\n---\n# Dan\n")
    write_note(vault_dir, "Meetings/2026-11-18 Coffee.md", "---\npeople: [Ada, Bob, Dan]\n---\nNotes\n")
    write_note(vault_dir, "Daily/2026-11-19.md", "Called [[Carol]].\n")
    write_note(vault_dir, "Daily/2026-11-30.md", "Lunch with [[Carol]].\n")  # after today: not yet
    bob_before, dan_before = bob.read_bytes(), dan.read_bytes()

    result = cli("render")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.output.splitlines()[:2] == [  # type: ignore[attr-defined]
        "People/Ada.md: last_contact moved forward",
        "People/Carol.md: last_contact moved forward",
    ]
    assert ada.read_bytes() == (
        b"---\r\ncadence: 1m\r\nlast_contact: '2026-11-18'   # by hand\r\ncompany: X\r\n---\r\n# Ada\r\n"
    )
    assert carol.read_bytes() == b"---\nlast_contact: 2026-11-19\n---\n# Carol\n"
    assert bob.read_bytes() == bob_before  # its own date is later
    assert dan.read_bytes() == dan_before  # not a date: `vault check` reports it, nobody guesses
    again = cli("render")
    assert "last_contact" not in again.output  # type: ignore[attr-defined]


def test_last_contact_stays_put_unless_derived(cli: Callable[..., object], vault_dir: Path) -> None:
    ada = write_note(vault_dir, "People/Ada.md", "---\nlast_contact: 2026-10-01\n---\n# Ada\n")
    write_note(vault_dir, "Daily/2026-11-19.md", "Called [[Ada]].\n")
    before = ada.read_bytes()
    assert "last_contact" not in cli("render").output  # type: ignore[attr-defined]
    assert ada.read_bytes() == before


def test_a_write_prepared_before_the_sync_hands_its_renderer_to_that_write(open_workspace: Open) -> None:
    """`prepare_write` compiles the template before the sync (while the early stats' child
    stats notes); the next renderer asked for is that one, and later ones are new (a user
    template added since is then found: `vault watch` renders for days)."""
    workspace = open_workspace()
    workspace.prepare_write("person.md.j2")
    prepared = workspace.renderer()
    assert [key[1] for key in prepared.env.cache] == ["person.md.j2"]  # (compiled already)
    assert workspace.renderer() is not prepared
    workspace.prepare_write("no such template.j2")  # a template that fails is left for `render`
    with pytest.raises(TemplateError, match="no such template"):
        workspace.renderer().render("no such template.j2")
