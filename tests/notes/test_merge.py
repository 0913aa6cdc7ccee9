"""The three-way note merge (merge.py) and the merge driver, with git's real text merge."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.notes.edit import add_log_entry
from vaultkit.notes.merge import merge_note
from vaultkit.sync.driver import git_merge_file, merge_driver

ADA = """\
---
aliases: [Ada]
tags: [person, mentor]   # why I know her
cadence: 1m
last_contact: 2026-10-02
role: Mathematician
---
# Ada Lovelace

## Notes
- Kids: Byron.

- Loves poetry and horses.

## Log
- 2026-10-02 coffee: talked about her new paper
- 2026-08-15 call: job change
"""


def merge(ancestor: str, ours: str, theirs: str, log_heading: str = "Log") -> tuple[str, tuple[str, ...]]:
    result = merge_note(ancestor, ours, theirs, git_merge_file, log_heading=log_heading)
    return result.text, result.conflicts


def logged(text: str, entry: str, last_contact: str | None = None) -> str:
    new = add_log_entry(text, entry)
    if last_contact:
        new = new.replace("last_contact: 2026-10-02", f"last_contact: {last_contact}")
    return new


def test_both_sides_log_the_same_person() -> None:
    ours = logged(ADA, "- 2026-11-20 coffee: the Babbage paper", "2026-11-20")
    theirs = logged(ADA, "- 2026-11-21 call: her lecture", "2026-11-21")
    expected = ADA.replace("last_contact: 2026-10-02", "last_contact: 2026-11-21").replace(
        "## Log\n", "## Log\n- 2026-11-21 call: her lecture\n- 2026-11-20 coffee: the Babbage paper\n"
    )
    assert merge(ADA, ours, theirs) == (expected, ())
    assert merge(ADA, theirs, ours) == (expected, ())


def test_same_entry_on_both_sides_is_kept_once() -> None:
    ours = logged(ADA, "- 2026-11-20 coffee: the Babbage paper", "2026-11-20")
    theirs = logged(ADA, "- 2026-11-20 coffee: the Babbage paper", "2026-11-20")
    theirs = theirs.replace("role: Mathematician", "role: Poet")
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ()
    assert text == theirs


def test_same_day_entries_from_both_sides_are_both_kept() -> None:
    ours = logged(ADA, "- 2026-11-21 coffee: ours")
    theirs = logged(ADA, "- 2026-11-21 call: theirs")
    # Where both sides added at the same place, theirs' entries go first (as git would list them).
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ()
    assert "## Log\n- 2026-11-21 call: theirs\n- 2026-11-21 coffee: ours\n- 2026-10-02" in text


def test_oldest_first_log_stays_oldest_first() -> None:
    base = "# Grace\n\n## Log\n- 2026-01-01 met\n- 2026-02-01 call\n\n## After\ntext\n"
    ours = base.replace("- 2026-02-01 call\n", "- 2026-02-01 call\n- 2026-03-05 ours\n")
    theirs = base.replace("- 2026-02-01 call\n", "- 2026-02-01 call\n- 2026-03-01 theirs\n")
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert text == base.replace(
        "- 2026-02-01 call\n", "- 2026-02-01 call\n- 2026-03-01 theirs\n- 2026-03-05 ours\n"
    )


def test_deleted_entry_stays_deleted() -> None:
    ours = ADA.replace("- 2026-08-15 call: job change\n", "")
    theirs = logged(ADA, "- 2026-11-21 call: her lecture")
    expected = ours.replace("## Log\n", "## Log\n- 2026-11-21 call: her lecture\n")
    assert merge(ADA, ours, theirs) == (expected, ())
    assert merge(ADA, theirs, ours) == (expected, ())


def test_entries_with_continuation_lines_and_blank_gaps() -> None:
    base = "# Tom\n## Log\n\n- 2026-10-02 coffee\n  - sub point\n\n- 2026-09-01 call\n\n## Next\n"
    ours = base.replace("## Log\n\n", "## Log\n\n- 2026-11-01 ours\n\n")
    theirs = base.replace("\n- 2026-09-01 call\n", "\n- 2026-10-20 theirs\n  more\n\n- 2026-09-01 call\n")
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert text == (
        "# Tom\n## Log\n\n- 2026-11-01 ours\n\n- 2026-10-20 theirs\n  more\n\n"
        "- 2026-10-02 coffee\n  - sub point\n\n- 2026-09-01 call\n\n## Next\n"
    )


def test_both_sides_add_the_first_log_and_front_matter() -> None:
    base = "# Yuki Tanaka\n"
    ours = "---\nlast_contact: 2026-11-20\n---\n# Yuki Tanaka\n\n## Log\n- 2026-11-20 coffee\n"
    theirs = "---\nlast_contact: 2026-11-19\n---\n# Yuki Tanaka\n\n## Log\n- 2026-11-19 call\n"
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert (
        text
        == "---\nlast_contact: 2026-11-20\n---\n# Yuki Tanaka\n\n## Log\n- 2026-11-20 coffee\n- 2026-11-19 call\n"
    )


def test_different_keys_are_both_kept_in_our_order() -> None:
    ours = ADA.replace("cadence: 1m\n", "cadence: 2w   # closer now\n").replace("role: Mathematician\n", "")
    theirs = ADA.replace(
        "role: Mathematician\n", "role: Mathematician\ncompany: Analytical Engines\n"
    ).replace("aliases: [Ada]\n", "aliases: [Ada]\nlocation: London\n")
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ()
    # role was deleted on our side and untouched on theirs; theirs' new keys sit after their neighbours.
    assert text.split("---\n")[1] == (
        "aliases: [Ada]\nlocation: London\ntags: [person, mentor]   # why I know her\n"
        "cadence: 2w   # closer now\nlast_contact: 2026-10-02\ncompany: Analytical Engines\n"
    )


def test_same_key_changed_differently_conflicts_on_that_key_only() -> None:
    ours = logged(ADA.replace("role: Mathematician", "role: Engineer"), "- 2026-11-20 coffee", "2026-11-20")
    theirs = logged(ADA.replace("role: Mathematician", "role: Poet"), "- 2026-11-21 call", "2026-11-21")
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ("front matter key 'role'",)
    assert text.startswith(
        "---\naliases: [Ada]\ntags: [person, mentor]   # why I know her\ncadence: 1m\nlast_contact: 2026-11-21\n"
        "<<<<<<< ours\nrole: Engineer\n=======\nrole: Poet\n>>>>>>> theirs\n---\n"
    )
    assert "## Log\n- 2026-11-21 call\n- 2026-11-20 coffee\n- 2026-10-02" in text


def test_changed_on_one_side_deleted_on_the_other_conflicts() -> None:
    ours = ADA.replace("role: Mathematician\n", "")
    theirs = ADA.replace("role: Mathematician", "role: Poet")
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ("front matter key 'role'",)
    assert "last_contact: 2026-10-02\n<<<<<<< ours\n=======\nrole: Poet\n>>>>>>> theirs\n---\n" in text


def test_lists_take_the_union_minus_deletions() -> None:
    ours = ADA.replace("tags: [person, mentor]", "tags: [person, mentor, london]")
    theirs = ADA.replace("tags: [person, mentor]", "tags: [person, friend: close]").replace(
        "tags: [person, friend: close]", 'tags: [person, "friend: close"]'
    )
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ()
    assert 'tags: [person, london, "friend: close"]   # why I know her\n' in text


def test_block_lists_keep_block_style() -> None:
    base = "---\ntags:\n  - person\n  - mentor\n---\n# X\n"
    ours = base.replace("  - mentor\n", "  - mentor\n  - london\n")
    theirs = base.replace("  - person\n", "  - person\n  - '[[Charles]]'\n")
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert (
        text == "---\ntags:\n  - person\n  - mentor\n  - london\n  - '[[Charles]]'\n---\n# X\n"
    )  # theirs' quoting


def test_generated_block_takes_ours_and_never_conflicts() -> None:
    base = "# Due\n\nIntro.\n\n<!-- vaultkit:due -->\n- Ada\n<!-- /vaultkit:due -->\n\nMy notes.\n"
    ours = base.replace("- Ada\n", "- Ada\n- Grace\n")
    theirs = base.replace("- Ada\n", "- Tom\n").replace("My notes.", "My notes, edited.")
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert text == ours.replace("My notes.", "My notes, edited.")


def test_body_edits_in_different_sections_merge() -> None:
    ours = ADA.replace("- Kids: Byron.", "- Kids: Byron and Annabella.")
    theirs = ADA.replace("- Loves poetry and horses.", "- Loves poetry, horses and maths.")
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ()
    assert "- Kids: Byron and Annabella.\n\n- Loves poetry, horses and maths.\n" in text


def test_body_edits_of_the_same_line_conflict() -> None:
    ours = logged(ADA.replace("- Kids: Byron.", "- Kids: Byron and Annabella."), "- 2026-11-20 coffee")
    theirs = logged(ADA.replace("- Kids: Byron.", "- Kids: one, Byron."), "- 2026-11-21 call")
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ("body",)
    assert (
        "## Notes\n<<<<<<< ours\n- Kids: Byron and Annabella.\n=======\n- Kids: one, Byron.\n>>>>>>> theirs\n"
        in text
    )
    assert "## Log\n- 2026-11-21 call\n- 2026-11-20 coffee\n- 2026-10-02" in text


def test_crlf_bom_and_missing_final_newline_survive() -> None:
    base = "\ufeff" + ADA.replace("\n", "\r\n").rstrip("\r\n")
    ours = logged(base, "- 2026-11-20 coffee", "2026-11-20")
    theirs = base.replace("role: Mathematician", "role: Poet").replace("- Kids: Byron.", "- Kids: Byron!")
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert text.startswith("\ufeff---\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "role: Poet\r\n" in text and "last_contact: 2026-11-20\r\n" in text
    assert "## Log\r\n- 2026-11-20 coffee\r\n- 2026-10-02" in text
    assert text.endswith("job change")
    # A final newline added on one side is kept.
    added = merge(base, base + "\r\n", base.replace("cadence: 1m", "cadence: 2w"))[0]
    assert added.endswith("job change\r\n") and "cadence: 2w\r\n" in added


def test_log_section_deleted_on_one_side_while_added_to_on_the_other_keeps_both() -> None:
    ours = ADA.split("## Log\n")[0].rstrip("\n") + "\n"
    theirs = logged(ADA, "- 2026-11-21 call: her lecture")
    text, conflicts = merge(ADA, ours, theirs)
    assert conflicts == ("body",)
    assert "- 2026-11-21 call: her lecture" in text and "<<<<<<< ours" in text


def test_mixed_log_is_merged_as_text() -> None:
    base = "# X\n## Log\n- 2026-10-02 a\nSome prose.\n- 2026-09-01 b\n"
    ours = base.replace("## Log\n", "## Log\n- 2026-11-01 ours\n")
    theirs = base + "- 2026-08-01 theirs\n"
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert (
        text
        == "# X\n## Log\n- 2026-11-01 ours\n- 2026-10-02 a\nSome prose.\n- 2026-09-01 b\n- 2026-08-01 theirs\n"
    )


def test_custom_log_heading() -> None:
    base = "# X\n## Journal\n- 2026-10-02 a\n"
    ours = base.replace("## Journal\n", "## Journal\n- 2026-11-01 ours\n")
    theirs = base.replace("## Journal\n", "## Journal\n- 2026-11-02 theirs\n")
    text, conflicts = merge(base, ours, theirs, log_heading="Journal")
    assert conflicts == ()
    assert text == "# X\n## Journal\n- 2026-11-02 theirs\n- 2026-11-01 ours\n- 2026-10-02 a\n"
    assert merge(base, ours, theirs)[1] == ("body",)


def test_merge_driver_writes_into_ours_and_reads_the_log_heading(tmp_path: Path) -> None:
    (tmp_path / "Notes").mkdir()
    (tmp_path / "Notes" / "vaultkit.toml").write_text('log_heading = "Journal"\n', encoding="utf-8")
    base = "# X\n## Journal\n- 2026-10-02 a\n"
    files = {
        "O": base,
        "A": base.replace("## Journal\n", "## Journal\n- 2026-11-01 ours\n"),
        "B": base.replace("## Journal\n", "## Journal\n- 2026-11-02 theirs\n"),
    }
    for name, text in files.items():
        (tmp_path / name).write_bytes(text.encode("utf-8"))
    outcome = merge_driver(tmp_path / "O", tmp_path / "A", tmp_path / "B", "Notes/People/X.md", top=tmp_path)
    assert outcome.clean and outcome.messages == ()
    assert (tmp_path / "A").read_text(encoding="utf-8") == (
        "# X\n## Journal\n- 2026-11-02 theirs\n- 2026-11-01 ours\n- 2026-10-02 a\n"
    )


def test_merge_driver_leaves_non_utf8_to_git(tmp_path: Path) -> None:
    (tmp_path / "O").write_bytes(b"a\nb\xff\nc\n")
    (tmp_path / "A").write_bytes(b"a1\nb\xff\nc\n")
    (tmp_path / "B").write_bytes(b"a\nb\xff\nc1\n")
    outcome = merge_driver(tmp_path / "O", tmp_path / "A", tmp_path / "B", "X.md", top=tmp_path)
    assert outcome.clean
    assert outcome.messages == ("X.md: not UTF-8 text, merged line by line",)
    assert (tmp_path / "A").read_bytes() == b"a1\nb\xff\nc1\n"


# -- property: the merged Log is the union minus deletions, whichever side merges first --------------
ENTRY = st.builds(
    lambda day, word: f"- 2026-11-{day:02d} {word}",
    st.integers(min_value=1, max_value=28),
    st.sampled_from(["coffee", "call: job", "dinner", "video: kids", "walk"]),
)


def edit(ancestor_entries: list[str], data: st.DataObject) -> list[str]:
    """Delete some entries, then add some new ones at random places (as a person or `vault log` would)."""
    kept = [e for e in ancestor_entries if not data.draw(st.booleans())]
    for entry in data.draw(st.lists(ENTRY, max_size=4)):
        kept.insert(data.draw(st.integers(min_value=0, max_value=len(kept))), entry)
    return kept


def note(entries: list[str]) -> str:
    return (
        "---\ntags: [person]\n---\n# Ada\n\n## Log\n"
        + "".join(e + "\n" for e in entries)
        + "\n## Links\n- x\n"
    )


def log_of(text: str) -> list[str]:
    section = text.split("## Log\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


@settings(max_examples=100, deadline=None)
@given(ancestor=st.lists(ENTRY, max_size=6, unique=True), data=st.data())
def test_merged_log_is_the_union_minus_deletions(ancestor: list[str], data: st.DataObject) -> None:
    ours, theirs = edit(ancestor, data), edit(ancestor, data)
    base_count, ours_count, theirs_count = Counter(ancestor), Counter(ours), Counter(theirs)
    expected: Counter[str] = Counter()
    for entry in set(ours_count) | set(theirs_count):
        base = base_count[entry]
        deleted = max(base - ours_count[entry], base - theirs_count[entry], 0)
        added = max(ours_count[entry] - base, theirs_count[entry] - base, 0)
        expected[entry] = base - deleted + added  # an entry both sides added counts once
    expected = +expected
    # A Log kept newest first on all three sides stays newest first.
    newest_first = all(side == sorted(side, reverse=True) for side in (ancestor, ours, theirs))
    for first, second in ((ours, theirs), (theirs, ours)):
        text, conflicts = merge(note(ancestor), note(first), note(second))
        assert conflicts == ()
        merged = log_of(text)
        assert Counter(merged) == expected
        if newest_first:
            assert [e[:12] for e in merged] == sorted((e[:12] for e in merged), reverse=True)
        assert text.startswith("---\ntags: [person]\n---\n# Ada\n\n## Log\n")
        assert text.endswith("\n## Links\n- x\n")


def test_an_entry_logged_twice_stays_where_theirs_has_it() -> None:
    base = "# Ada\n\n## Log\n- 2026-11-20 coffee\n- 2026-10-02 tea\n"
    ours = base.replace("## Log\n", "## Log\n- 2026-11-21 call\n")
    theirs = base.replace(
        "## Log\n", "## Log\n- 2026-11-21 lunch\n- 2026-11-21 call\n- 2026-11-21 call\n- 2026-11-21 walk\n"
    )
    assert merge(base, ours, theirs) == (theirs, ())


def test_log_entries_woven_out_of_date_order_are_put_back_in_the_logs_direction() -> None:
    # Theirs' new entry is woven in after the last entry it shares with ours, which is
    # above our new one; the date order of the section then puts it back.
    newest_first = "# Ada\n## Log\n- 2026-10-02 a\n- 2026-08-15 b\n"
    ours = newest_first.replace("- 2026-08-15", "- 2026-09-15 ours\n- 2026-08-15")
    theirs = newest_first.replace("- 2026-08-15", "- 2026-09-01 theirs\n- 2026-08-15")
    expected = "# Ada\n## Log\n- 2026-10-02 a\n- 2026-09-15 ours\n- 2026-09-01 theirs\n- 2026-08-15 b\n"
    assert merge(newest_first, ours, theirs) == (expected, ())
    assert merge(newest_first, theirs, ours) == (expected, ())
    oldest_first = "# Grace\n## Log\n- 2026-01-01 a\n- 2026-03-01 b\n"
    ours = oldest_first.replace("- 2026-03-01", "- 2026-02-01 ours\n- 2026-03-01")
    theirs = oldest_first.replace("- 2026-03-01", "- 2026-02-10 theirs\n- 2026-03-01")
    expected = "# Grace\n## Log\n- 2026-01-01 a\n- 2026-02-01 ours\n- 2026-02-10 theirs\n- 2026-03-01 b\n"
    assert merge(oldest_first, ours, theirs) == (expected, ())
    assert merge(oldest_first, theirs, ours) == (expected, ())


def test_a_log_one_side_keeps_out_of_date_order_is_merged_in_the_order_written() -> None:
    base = "# Grace\n## Log\n- 2026-01-01 a\n- 2026-03-01 b\n"
    ours = base + "- 2026-02-01 late note\n"  # ours is no longer in date order: nothing is sorted
    theirs = base + "- 2026-04-01 c\n"
    expected = "# Grace\n## Log\n- 2026-01-01 a\n- 2026-03-01 b\n- 2026-04-01 c\n- 2026-02-01 late note\n"
    assert merge(base, ours, theirs) == (expected, ())


def test_front_matter_that_is_not_yaml_is_merged_as_text_and_the_log_as_usual() -> None:
    """A typo in one side's front matter once sent the whole note to a line merge: same-day entries conflicted."""
    typo = ADA.replace("aliases: [Ada]", "aliases: [Ada")
    ours = logged(typo, "- 2026-11-20 coffee: the Babbage paper")
    theirs = logged(ADA, "- 2026-11-21 call: her lecture", "2026-11-21")
    expected = typo.replace("last_contact: 2026-10-02", "last_contact: 2026-11-21").replace(
        "## Log\n", "## Log\n- 2026-11-21 call: her lecture\n- 2026-11-20 coffee: the Babbage paper\n"
    )
    assert merge(ADA, ours, theirs) == (expected, ())


def test_block_list_comments_survive_when_both_sides_add_items() -> None:
    base = "---\naliases:\n  - Bob   # my uncle, call him this\n  # old nickname below\n  - Bobby\n---\n# P\n"
    ours = base.replace("  - Bobby\n", "  - Bobby\n  - Rob\n")
    theirs = base.replace("  - Bobby\n", "  - Bobby\n  - 'Robert'   # his full name\n")
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert text == base.replace("  - Bobby\n", "  - Bobby\n  - Rob\n  - 'Robert'   # his full name\n")
    # An item deleted on one side goes; the comments stay.
    theirs = base.replace("  - Bob   # my uncle, call him this\n", "").replace(
        "  - Bobby\n", "  - Bobby\n  - Robert\n"
    )
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert text == "---\naliases:\n  # old nickname below\n  - Bobby\n  - Rob\n  - Robert\n---\n# P\n"


def test_merge_driver_says_a_binary_note_was_not_merged(tmp_path: Path) -> None:
    for name, data in {"O": b"scan\0", "A": b"scan\0ours", "B": b"scan\0theirs"}.items():
        (tmp_path / name).write_bytes(data)
    outcome = merge_driver(tmp_path / "O", tmp_path / "A", tmp_path / "B", "People/scan.md", top=tmp_path)
    assert not outcome.clean
    assert outcome.messages == ("People/scan.md: not merged (binary); the file holds one side",)
    assert (tmp_path / "A").read_bytes() == b"scan\0ours"


def test_a_key_in_quotes_is_merged_key_by_key() -> None:
    """`"a:b": 1` was not read as a key: the front matter was merged as text, and two changes
    to neighbouring keys conflicted."""
    base = '---\n"role: now": Engineer\ncadence: 1m\n---\n# X\n'
    ours = base.replace("cadence: 1m", "cadence: 2w")
    theirs = base.replace("Engineer", "CTO")
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == ()
    assert text == '---\n"role: now": CTO\ncadence: 2w\n---\n# X\n'
