"""Minimal, byte-preserving edits: a Log line, a front-matter key, a generated block (spec §4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vaultkit.errors import RefusedWrite
from vaultkit.notes.edit import (
    add_log_entry,
    add_to_front_matter_list,
    remove_front_matter_key,
    replace_generated_block,
    set_front_matter_value,
)
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace, write_view

ENTRY = "- 2026-11-22 coffee: talked"


def log(text: str, heading: str = "Log") -> str:
    return add_log_entry(text, ENTRY, heading)


def touch(text: str) -> str:
    return set_front_matter_value(text, "last_contact", "2026-11-22")


# -- add_log_entry ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("before", "after"),
    [
        # First item of the Log section, above the older ones.
        (
            "# Ada\n## Log\n- 2026-10-02 call: hi\n",
            "# Ada\n## Log\n- 2026-11-22 coffee: talked\n- 2026-10-02 call: hi\n",
        ),
        # Blank line after the heading stays where it is.
        (
            "## Log\n\n- 2026-10-02 call: hi\n\n## Notes\n",
            "## Log\n\n- 2026-11-22 coffee: talked\n- 2026-10-02 call: hi\n\n## Notes\n",
        ),
        # After intro text.
        (
            "## Log\nNewest first.\n\n* 2026-10-02 call: hi\n",
            "## Log\nNewest first.\n\n- 2026-11-22 coffee: talked\n* 2026-10-02 call: hi\n",
        ),
        (
            "## Log\nNewest first.\n\n## Notes\n",
            "## Log\nNewest first.\n- 2026-11-22 coffee: talked\n\n## Notes\n",
        ),
        # An empty Log section, followed by another one or by the end.
        ("## Log\n## Notes\n", "## Log\n- 2026-11-22 coffee: talked\n## Notes\n"),
        ("# Ada\n\n## Log\n", "# Ada\n\n## Log\n- 2026-11-22 coffee: talked\n"),
        ("# Ada\n\n## Log\n\n", "# Ada\n\n## Log\n- 2026-11-22 coffee: talked\n\n"),
        # Any level, any case; the first Log section only.
        (
            "# Ada\n### log\n- a\n## Log\n- b\n",
            "# Ada\n### log\n- 2026-11-22 coffee: talked\n- a\n## Log\n- b\n",
        ),
        # A Log heading in a code block is not the Log section.
        (
            "```\n## Log\n- x\n```\n## Log\n- y\n",
            "```\n## Log\n- x\n```\n## Log\n- 2026-11-22 coffee: talked\n- y\n",
        ),
        # A code block inside the Log section before any item.
        (
            "## Log\n```\n- not an item\n```\n## Next\n",
            "## Log\n```\n- not an item\n```\n- 2026-11-22 coffee: talked\n## Next\n",
        ),
        # Log headings inside comments and generated blocks are not read, so not written to.
        (
            "<!-- vaultkit:due -->\n## Log\n<!-- /vaultkit:due -->\n## Log\n- old\n",
            "<!-- vaultkit:due -->\n## Log\n<!-- /vaultkit:due -->\n## Log\n- 2026-11-22 coffee: talked\n- old\n",
        ),
        ("%%\n## Log\n%%\n## Log\n- old\n", "%%\n## Log\n%%\n## Log\n- 2026-11-22 coffee: talked\n- old\n"),
        ("<!-- ## Log -->\n## Log\n", "<!-- ## Log -->\n## Log\n- 2026-11-22 coffee: talked\n"),
        # List items inside comments are not the first item.
        (
            "## Log\n%% - hidden %%\n<!--\n- hidden\n-->\n- old\n",
            "## Log\n%% - hidden %%\n<!--\n- hidden\n-->\n- 2026-11-22 coffee: talked\n- old\n",
        ),
        # The sub-heading of the Log is inside it; the next sibling heading ends it.
        (
            "## Log\n### 2026\n- old\n",
            "## Log\n### 2026\n- 2026-11-22 coffee: talked\n- old\n",
        ),
        # A Log whose first entry links its date to the daily note gets its new one so too.
        (
            "## Log\n- [[2026-10-02]] call: hi\n",
            "## Log\n- [[2026-11-22]] coffee: talked\n- [[2026-10-02]] call: hi\n",
        ),
        ("## Log\n- old [[2026-10-02]]\n", "## Log\n- 2026-11-22 coffee: talked\n- old [[2026-10-02]]\n"),
        # A list indented as a whole gets its new entry at its indent: the old entries do
        # not become details of the new one.
        ("## Log\n  - 2026-10-01 x\n", "## Log\n  - 2026-11-22 coffee: talked\n  - 2026-10-01 x\n"),
        (
            "## Log\n\t- [[2026-10-01]] x\n",
            "## Log\n\t- [[2026-11-22]] coffee: talked\n\t- [[2026-10-01]] x\n",
        ),
    ],
)
def test_add_log_entry_goes_first_in_the_log_section(before: str, after: str) -> None:
    assert log(before) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", "## Log\n- 2026-11-22 coffee: talked\n"),
        ("\ufeff", "\ufeff## Log\n- 2026-11-22 coffee: talked\n"),
        ("# Ada\n", "# Ada\n\n## Log\n- 2026-11-22 coffee: talked\n"),
        ("# Ada\n\n", "# Ada\n\n## Log\n- 2026-11-22 coffee: talked\n"),
        ("---\ncadence: 1m\n---\n", "---\ncadence: 1m\n---\n\n## Log\n- 2026-11-22 coffee: talked\n"),
        (
            "# Ada\n## Notes\n- likes tea\n",
            "# Ada\n## Notes\n- likes tea\n\n## Log\n- 2026-11-22 coffee: talked\n",
        ),
    ],
)
def test_add_log_entry_appends_a_log_section_when_missing(before: str, after: str) -> None:
    assert log(before) == after


def test_only_lf_crlf_and_cr_break_lines() -> None:
    """Form feeds and U+2028 are text to a Markdown editor: an edit never splits a line there."""
    assert log("## Log\nfoo\u2028- 2026-01-01 x\x0c more\n- old\n") == (
        "## Log\nfoo\u2028- 2026-01-01 x\x0c more\n- 2026-11-22 coffee: talked\n- old\n"
    )
    assert log("# Ada\x0c") == "# Ada\x0c\n\n## Log\n- 2026-11-22 coffee: talked"
    assert log("# Ada\r## Log\r- old\r") == "# Ada\r## Log\r- 2026-11-22 coffee: talked\r- old\r"


@pytest.mark.parametrize(
    ("before", "what"),
    [
        ("# Ada\n%% draft", "a %% comment that is never closed"),
        ("## Log\n%%\nold notes\n", "a %% comment that is never closed"),
        ("# Ada\n<!-- draft\n## Log\n", "an <!-- comment that is never closed (add -->)"),
        ("# Ada\n```python\nx = 1\n", "a code block that is never closed (add a ``` line)"),
        ("## Log\n~~~~\n", "a code block that is never closed (add a ~~~~ line)"),
        (
            "<!-- vaultkit:due -->\n- x\n",
            "a generated block that is never closed (add <!-- /vaultkit:due -->)",
        ),
    ],
)
def test_add_log_entry_refuses_to_hide_the_entry(before: str, what: str) -> None:
    with pytest.raises(ValueError) as err:
        log(before)
    assert str(err.value) == f"the note ends inside {what}, which would hide the new Log entry; close it"


def test_add_log_entry_uses_the_configured_heading() -> None:
    assert log("## Log\n- x\n", heading="Interactions") == (
        "## Log\n- x\n\n## Interactions\n- 2026-11-22 coffee: talked\n"
    )
    assert log("## Interactions\n- x\n", heading="Interactions") == (
        "## Interactions\n- 2026-11-22 coffee: talked\n- x\n"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("# Ada\r\n## Log\r\n- old\r\n", "# Ada\r\n## Log\r\n- 2026-11-22 coffee: talked\r\n- old\r\n"),
        ("# Ada\r\n", "# Ada\r\n\r\n## Log\r\n- 2026-11-22 coffee: talked\r\n"),
        ("\ufeff# Ada\n## Log\n- old\n", "\ufeff# Ada\n## Log\n- 2026-11-22 coffee: talked\n- old\n"),
        ("\ufeff## Log\n- old\n", "\ufeff## Log\n- 2026-11-22 coffee: talked\n- old\n"),
        (
            "\ufeff---\r\na: 1\r\n---\r\n",
            "\ufeff---\r\na: 1\r\n---\r\n\r\n## Log\r\n- 2026-11-22 coffee: talked\r\n",
        ),
    ],
)
def test_add_log_entry_keeps_crlf_and_bom(before: str, after: str) -> None:
    assert log(before) == after


def test_several_entries_link_their_dates_as_the_log_does_whatever_the_line_ends() -> None:
    entries = ["- 2026-11-22 calendar: a", "- 2026-11-21 b"]
    assert add_log_entry("## Log\r- [[2026-10-02]] x\r", entries) == (
        "## Log\r- [[2026-11-22]] calendar: a\r- [[2026-11-21]] b\r- [[2026-10-02]] x\r"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("# Ada", "# Ada\n\n## Log\n- 2026-11-22 coffee: talked"),
        ("## Log", "## Log\n- 2026-11-22 coffee: talked"),
        ("## Log\r\n- old", "## Log\r\n- 2026-11-22 coffee: talked\r\n- old"),
        ("## Log\nIntro.", "## Log\nIntro.\n- 2026-11-22 coffee: talked"),
        ("---\na: 1\n---", "---\na: 1\n---\n\n## Log\n- 2026-11-22 coffee: talked"),
    ],
)
def test_add_log_entry_keeps_a_missing_final_newline_missing(before: str, after: str) -> None:
    assert log(before) == after


# -- set_front_matter_value ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("---\nlast_contact: 2026-01-01\n---\n", "---\nlast_contact: 2026-11-22\n---\n"),
        ("---\nlast_contact: '2026-01-01'\n---\n", "---\nlast_contact: '2026-11-22'\n---\n"),
        ('---\nlast_contact: "2026-01-01"\n---\n', '---\nlast_contact: "2026-11-22"\n---\n'),
        (
            "---\nlast_contact:   2026-01-01   # set by vault log\n---\n",
            "---\nlast_contact:   2026-11-22   # set by vault log\n---\n",
        ),
        ("---\nlast_contact: 2026-01-01T09:00:00\n---\n", "---\nlast_contact: 2026-11-22\n---\n"),
        ("---\nlast_contact:\n---\n", "---\nlast_contact: 2026-11-22\n---\n"),
        ("---\nlast_contact: soon\n---\n", "---\nlast_contact: 2026-11-22\n---\n"),
        (
            "---\nlast_contact:\n  - 2026-01-01\n  - x\nmet: 2020\n---\n",
            "---\nlast_contact: 2026-11-22\nmet: 2020\n---\n",
        ),
        # Key order, comments, quoting and list style of the other keys stay.
        (
            "---\n# who\naliases:\n  - Ada\nlast_contact: 2026-01-01\ntags: [a, 'b']  # mine\nz: \"q\"\n---\nbody\n",
            "---\n# who\naliases:\n  - Ada\nlast_contact: 2026-11-22\ntags: [a, 'b']  # mine\nz: \"q\"\n---\nbody\n",
        ),
        # A key that only starts with the same letters is another key.
        (
            "---\nlast_contact_via: email\n---\n",
            "---\nlast_contact_via: email\nlast_contact: 2026-11-22\n---\n",
        ),
        # Absent: added at the end of the front matter.
        (
            "---\ncadence: 1m # monthly\n---\n# Ada\n",
            "---\ncadence: 1m # monthly\nlast_contact: 2026-11-22\n---\n# Ada\n",
        ),
        ("---\n---\n", "---\nlast_contact: 2026-11-22\n---\n"),
        # A nested key of the same name is not the top-level key.
        (
            "---\nold:\n  last_contact: 2020-01-01\n---\n",
            "---\nold:\n  last_contact: 2020-01-01\nlast_contact: 2026-11-22\n---\n",
        ),
        # A value over several lines is replaced whole: a folded or literal text (with its
        # blank lines), a flow list, a quoted text; what follows stays.
        (
            "---\nlast_contact: >-\n  long\n  ago\nz: 1\n---\n",
            "---\nlast_contact: 2026-11-22\nz: 1\n---\n",
        ),
        (
            "---\nlast_contact: |\n  one\n\n  two\n\nz: 1\n---\n",
            "---\nlast_contact: 2026-11-22\n\nz: 1\n---\n",
        ),
        ("---\nlast_contact: [a,\n  b]\n---\n", "---\nlast_contact: 2026-11-22\n---\n"),
        # A comment line inside a block list is the list's (the items after it too); one
        # after its last item stays, as the next key's.
        (
            "---\nlast_contact:\n  - a\n# - old\n  - b\n# about z\nz: 1\n---\n",
            "---\nlast_contact: 2026-11-22\n# about z\nz: 1\n---\n",
        ),
        ('---\nlast_contact: "one\n  two"\n---\n', "---\nlast_contact: 2026-11-22\n---\n"),
        # A `#` inside quotes is the value's, not a comment; one after them is.
        ('---\nlast_contact: "Engineer #2"\n---\n', '---\nlast_contact: "2026-11-22"\n---\n'),
        (
            "---\nlast_contact: 'it''s #1'  # mine\n---\n",
            "---\nlast_contact: '2026-11-22'  # mine\n---\n",
        ),
        ('---\nlast_contact: "a \\" #b" # c\n---\n', '---\nlast_contact: "2026-11-22" # c\n---\n'),
        ("---\nlast_contact: C#  #x\n---\n", "---\nlast_contact: 2026-11-22  #x\n---\n"),
        # A key set twice: YAML reads the last line, so that is the one changed (changing the
        # first changed nothing anyone reads).
        (
            "---\nlast_contact: 2020-01-01\na: 1\nlast_contact: 2021-01-01\n---\n",
            "---\nlast_contact: 2020-01-01\na: 1\nlast_contact: 2026-11-22\n---\n",
        ),
    ],
)
def test_set_front_matter_value(before: str, after: str) -> None:
    assert touch(before) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "---\r\na: 1\r\nlast_contact: 2026-01-01\r\n---\r\n",
            "---\r\na: 1\r\nlast_contact: 2026-11-22\r\n---\r\n",
        ),
        ("---\r\na: 1\r\n---\r\n# Ada\r\n", "---\r\na: 1\r\nlast_contact: 2026-11-22\r\n---\r\n# Ada\r\n"),
        ("\ufeff---\na: 1\n---\n", "\ufeff---\na: 1\nlast_contact: 2026-11-22\n---\n"),
        ("---\na: 1\n---", "---\na: 1\nlast_contact: 2026-11-22\n---"),
        ("---\nlast_contact: 2026-01-01\n---\n# Ada", "---\nlast_contact: 2026-11-22\n---\n# Ada"),
    ],
)
def test_set_front_matter_value_keeps_crlf_bom_and_final_newline(before: str, after: str) -> None:
    assert touch(before) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("# Ada\n", "---\nlast_contact: 2026-11-22\n---\n# Ada\n"),
        ("# Ada", "---\nlast_contact: 2026-11-22\n---\n# Ada"),
        ("", "---\nlast_contact: 2026-11-22\n---\n"),
        ("# Ada\r\n", "---\r\nlast_contact: 2026-11-22\r\n---\r\n# Ada\r\n"),
        ("\ufeff# Ada\n", "\ufeff---\nlast_contact: 2026-11-22\n---\n# Ada\n"),
    ],
)
def test_set_front_matter_value_makes_front_matter_when_there_is_none(before: str, after: str) -> None:
    assert touch(before) == after


# -- replace_generated_block --------------------------------------------------------------
def test_replace_generated_block_touches_only_the_block() -> None:
    text = "# Due\nMy notes.\n<!-- vaultkit:due -->\nold\nlines\n<!-- /vaultkit:due -->\nMore of mine.\n"
    assert replace_generated_block(text, "due", "- [[Ada]]\n- [[Bob]]\n") == (
        "# Due\nMy notes.\n<!-- vaultkit:due -->\n- [[Ada]]\n- [[Bob]]\n<!-- /vaultkit:due -->\nMore of mine.\n"
    )
    assert replace_generated_block(text, "due", "") == (
        "# Due\nMy notes.\n<!-- vaultkit:due -->\n<!-- /vaultkit:due -->\nMore of mine.\n"
    )


def test_replace_generated_block_is_stable() -> None:
    text = replace_generated_block("# Due\n", "due", "- a\n")
    assert text == "# Due\n\n<!-- vaultkit:due -->\n- a\n<!-- /vaultkit:due -->\n"
    assert replace_generated_block(text, "due", "- a") == text
    assert replace_generated_block(text, "due", "- a\r\n") == text


def test_replace_generated_block_appends_or_makes_the_note() -> None:
    assert replace_generated_block("", "due", "- a") == "<!-- vaultkit:due -->\n- a\n<!-- /vaultkit:due -->\n"
    assert replace_generated_block("mine", "due", "- a") == (
        "mine\n\n<!-- vaultkit:due -->\n- a\n<!-- /vaultkit:due -->\n"
    )
    other = "<!-- vaultkit:network -->\nx\n<!-- /vaultkit:network -->\n"
    assert (
        replace_generated_block(other, "due", "- a")
        == other + "\n<!-- vaultkit:due -->\n- a\n<!-- /vaultkit:due -->\n"
    )


def test_replace_generated_block_keeps_crlf() -> None:
    text = "mine\r\n<!-- vaultkit:due -->\r\nold\r\n<!-- /vaultkit:due -->\r\n"
    assert replace_generated_block(text, "due", "- a\n- b\n") == (
        "mine\r\n<!-- vaultkit:due -->\r\n- a\r\n- b\r\n<!-- /vaultkit:due -->\r\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "mine\n<!-- vaultkit:due -->\nold\nMY TEXT\n",
        "<!-- vaultkit:due -->\nMY TEXT\n<!-- vaultkit:due -->\nnew\n<!-- /vaultkit:due -->\n",
    ],
)
def test_a_start_marker_without_an_end_is_refused(text: str) -> None:
    """Guessing where the block ends could eat the user's text, now or on the next render."""
    with pytest.raises(ValueError) as err:
        replace_generated_block(text, "due", "- a")
    assert str(err.value) == (
        "<!-- vaultkit:due --> has no <!-- /vaultkit:due --> after it; add the end marker where the generated part ends"
    )


@pytest.mark.parametrize(
    "text",
    [
        "<!-- vaultkit:due -->\nold\n<!-- /vaultkit:due -->\nmine\n<!-- vaultkit:due -->\nold\n<!-- /vaultkit:due -->\n",
        "<!-- vaultkit:due -->\n<!-- /vaultkit:due -->\n<!-- vaultkit:due -->\nold\n",
    ],
)
def test_a_second_block_of_the_same_name_is_refused(text: str) -> None:
    """Only the first would be kept current: the other would go stale, unsaid."""
    with pytest.raises(ValueError) as err:
        replace_generated_block(text, "due", "- a")
    assert str(err.value) == "it has <!-- vaultkit:due --> twice; delete one of the two blocks"
    # Blocks of other views, and markers in code, are not a second one.
    other = "<!-- vaultkit:due -->\nold\n<!-- /vaultkit:due -->\n```\n<!-- vaultkit:due -->\n```\n"
    assert replace_generated_block(other, "due", "- a").startswith("<!-- vaultkit:due -->\n- a\n<!-- /")


def test_write_view_refuses_a_broken_block_and_writes_only_on_change(vault_dir: Path, tmp_path: Path) -> None:
    workspace = Workspace(Vault(vault_dir), tmp_path / "index.sqlite", dt.date(2026, 11, 22))
    workspace.sync()
    assert write_view(workspace, "Due.md", "due", "- a") is True
    assert (vault_dir / "Due.md").read_text() == "<!-- vaultkit:due -->\n- a\n<!-- /vaultkit:due -->\n"
    before = (vault_dir / "Due.md").stat().st_mtime_ns
    assert write_view(workspace, "Due.md", "due", "- a\n") is False
    assert (vault_dir / "Due.md").stat().st_mtime_ns == before
    (vault_dir / "Due.md").write_text("<!-- vaultkit:due -->\nMY TEXT\n")
    with pytest.raises(RefusedWrite) as err:
        write_view(workspace, "Due.md", "due", "- b")
    assert str(err.value) == (
        "Due.md: <!-- vaultkit:due --> has no <!-- /vaultkit:due --> after it; "
        "add the end marker where the generated part ends; the view was not written"
    )
    assert (vault_dir / "Due.md").read_text() == "<!-- vaultkit:due -->\nMY TEXT\n"
    workspace.close()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("---\ntags: [person, a]  # c\n---\n", "---\ntags: [person, a, b, \"x, y\"]  # c\n---\n"),
        ("---\ntags: []\n---\n", "---\ntags: [b, \"x, y\"]\n---\n"),
        ("---\r\ntags:\r\n  - person\r\nk: v\r\n---\r\n", "---\r\ntags:\r\n  - person\r\n  - b\r\n  - x, y\r\nk: v\r\n---\r\n"),
        ("---\ntags:\n- person\n---\n", "---\ntags:\n- person\n- b\n- x, y\n---\n"),
        ("---\ntags:\n  - a\n\n  - c\nk: v\n---\n", "---\ntags:\n  - a\n\n  - c\n  - b\n  - x, y\nk: v\n---\n"),
        ("---\ntags:\n  - a\n# old friends\n  - c\n---\n", "---\ntags:\n  - a\n# old friends\n  - c\n  - b\n  - x, y\n---\n"),
        ("---\nk: v\n---\nBody\n", "---\nk: v\ntags: [b, \"x, y\"]\n---\nBody\n"),
        ('---\ntags: ""\n---\n', "---\ntags: [b, \"x, y\"]\n---\n"),  # no value, as `tags: ~`
    ],
)  # fmt: skip
def test_add_to_front_matter_list_keeps_the_list_as_written(before: str, after: str) -> None:
    assert add_to_front_matter_list(before, "tags", ["b", "x, y"]) == after


@pytest.mark.parametrize(
    "before",
    ["---\ntags: person\n---\n", "---\ntags:\n  nested: x\n---\n", "---\ntags:\n  - a\n  nested: x\n---\n"],
)
def test_add_to_front_matter_list_refuses_what_is_not_a_list(before: str) -> None:
    with pytest.raises(ValueError, match="`tags` is not a list vaultkit can add to; add b by hand"):
        add_to_front_matter_list(before, "tags", ["b"])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("---\na: 1\nstatus: asked  # c\nb: 2\n---\n", "---\na: 1\nb: 2\n---\n"),
        ("\ufeff---\r\nstatus:\r\n  - x\r\nb: 2\r\n---\r\n", "\ufeff---\r\nb: 2\r\n---\r\n"),
        ("---\na: 1\n---\nstatus: prospect\n", "---\na: 1\n---\nstatus: prospect\n"),
        ("status: prospect\n", "status: prospect\n"),
        # Set twice: both go, or the other would be read instead.
        ("---\nstatus: asked\nb: 2\nstatus:\n  - x\n---\n", "---\nb: 2\n---\n"),
    ],
)
def test_remove_front_matter_key_removes_only_its_lines(before: str, after: str) -> None:
    assert remove_front_matter_key(before, "status") == after


def test_a_block_appended_to_a_note_ending_in_an_open_comment_is_replaced_not_added_again() -> None:
    """`<!--` never closed: the appended block's marker closes it, and the next render finds
    that block; a block the user put inside a `%%` comment of their own stays theirs."""
    once = replace_generated_block("Notes <!--", "due", "- a")
    assert once == "Notes <!--\n\n<!-- vaultkit:due -->\n- a\n<!-- /vaultkit:due -->\n"
    assert replace_generated_block(once, "due", "- b") == once.replace("- a", "- b")
    # A marker spelt with other blanks is that block too, as the parser reads it.
    spaced = "Notes <!--\n<!--  vaultkit:due  -->\n- a\n<!-- /vaultkit:due -->\n"
    assert replace_generated_block(spaced, "due", "- b") == spaced.replace("- a", "- b")
    theirs = "%%\n<!-- vaultkit:due -->\n- old\n<!-- /vaultkit:due -->\n%%\n"
    assert replace_generated_block(theirs, "due", "- new").startswith(theirs)


def test_a_key_written_in_quotes_is_that_key_and_keeps_its_quotes() -> None:
    """`"cadence": 1m` is YAML's `cadence: 1m`: a set added a second `cadence` line, an unset
    found nothing to remove, a tag went to a new second `tags`."""
    note = "---\n\"cadence\": 1m  # monthly\n'last_contact' : 2026-01-01\n\"tags\": [a]\n'it''s': x\n---\n"
    assert set_front_matter_value(note, "cadence", "2w") == note.replace('"cadence": 1m', '"cadence": 2w')
    assert set_front_matter_value(note, "last_contact", "2026-11-22") == note.replace(
        "'last_contact' : 2026-01-01", "'last_contact' : 2026-11-22"
    )
    assert remove_front_matter_key(note, "it's") == note.replace("'it''s': x\n", "")
    assert remove_front_matter_key(note, "cadence") == note.replace('"cadence": 1m  # monthly\n', "")
    assert add_to_front_matter_list(note, "tags", ["b"]) == note.replace('"tags": [a]', '"tags": [a, b]')


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("---\ntags: [person,\r\n  climate]\n---\n", "---\ntags: [person,\r\n  climate, vc]\n---\n"),
        ("---\ntags: [a,  # first\n  b  # second\n]\nk: v\n---\n", "---\ntags: [a,  # first\n  b, vc  # second\n]\nk: v\n---\n"),
        ("---\ntags: [a,]\n---\n", "---\ntags: [a, vc]\n---\n"),
    ],
)  # fmt: skip
def test_a_flow_list_over_several_lines_is_added_to(before: str, after: str) -> None:
    """`tags: [person,⏎  climate]` was "not a list vaultkit can add to"."""
    assert add_to_front_matter_list(before, "tags", ["vc"]) == after
