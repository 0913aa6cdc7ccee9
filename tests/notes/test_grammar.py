"""The one Markdown grammar (notes/grammar.py): its rules as functions, and its users agreeing.

The parser defines what vaultkit reads; the editor, the merge driver and meetings must
find the same code, comments, generated blocks and Log section in any note.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vaultkit.config import Config
from vaultkit.errors import NoteParseError
from vaultkit.model import ParsedNote
from vaultkit.notes import grammar
from vaultkit.notes.edit import add_log_entry, replace_generated_block
from vaultkit.notes.frontmatter import split_lines
from vaultkit.notes.merge import merge_note
from vaultkit.notes.merge_body import _KnownLines, _layout
from vaultkit.notes.parse import parse_text
from vaultkit.sync.driver import git_merge_file

CONFIG = Config()
PERSON = "People/Ada.md"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the rules, one by one -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "fence"),
    [
        ("```", "```"),
        ("```python", "```"),
        ("   ~~~~ info", "~~~~"),
        ("    ```", None),  # four spaces: indented code, not a fence
        ("``", None),
        ("\t```", "```"),  # a tab counts as one space (as vaultkit has always read it)
        ("text ```", None),
    ],
)
def test_opens_fence(line: str, fence: str | None) -> None:
    assert grammar.opens_fence(line) == fence


@pytest.mark.parametrize(
    ("line", "fence", "closes"),
    [
        ("```", "```", True),
        ("`````", "```", True),  # at least as long
        ("  ```  ", "```", True),
        ("``", "```", False),  # shorter
        ("~~~", "```", False),  # the other character
        ("``` python", "```", False),  # something else on the line
        ("```~", "```", False),
        ("~~~~", "~~~~", True),
        ("", "```", False),
    ],
)
def test_closes_fence(line: str, fence: str, closes: bool) -> None:
    assert grammar.closes_fence(line, fence) is closes


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("<!-- vaultkit:due -->", "due"),
        ("<!--vaultkit:my-view-->", "my-view"),
        ("text <!-- vaultkit:context --> more", "context"),  # anywhere in the line
        ("<!-- vaultkit:due --> <!-- /vaultkit:due -->", None),  # opens and closes on one line
        ("<!-- /vaultkit:due -->", None),
        ("<!-- vaultkit: due -->", None),
        ("vaultkit:due", None),
    ],
)
def test_opens_generated(line: str, name: str | None) -> None:
    assert grammar.opens_generated(line) == name


def test_closes_generated_needs_the_same_name() -> None:
    assert grammar.closes_generated("<!-- /vaultkit:due -->", "due")
    assert grammar.closes_generated("end <!--/vaultkit:due--> here", "due")
    assert not grammar.closes_generated("<!-- /vaultkit:review -->", "due")
    assert not grammar.closes_generated("<!-- vaultkit:due -->", "due")
    assert grammar.block_markers("due") == ("<!-- vaultkit:due -->", "<!-- /vaultkit:due -->")


def test_strip_comments_carries_an_open_comment_over_lines() -> None:
    state: list[str | None] = [None]
    assert grammar.strip_comments("a <!-- b", state) == "a "
    assert state == ["-->"]
    assert grammar.strip_comments("still hidden", state) == ""
    assert grammar.strip_comments("end --> c %% d %% e", state) == " c  e"
    assert state == [None]
    assert grammar.strip_comments("f %% g", state) == "f "
    assert state == ["%%"]
    assert grammar.strip_comments("h %% i <!-- j --> k", state) == " i  k"
    assert state == [None]


def test_visible_text_drops_comments_and_inline_code() -> None:
    state: list[str | None] = [None]
    assert grammar.visible_text("## Log `code` %% c %%", state) == "## Log   "
    assert grammar.visible_text("plain", state) == "plain"


@pytest.mark.parametrize(
    ("raw", "found"),
    [
        ("## Log", (2, "Log")),
        ("# Ada Lovelace ##", (1, "Ada Lovelace")),
        ("###### six", (6, "six")),
        ("####### seven", None),
        ("##Log", None),
        (" ## Log", None),  # the parser reads headings at the start of the line only
        ("<!-- c --># Log", None),  # a comment before the hashes: not a heading
    ],
)
def test_heading(raw: str, found: tuple[int, str] | None) -> None:
    assert grammar.heading(raw, grammar.visible_text(raw, [None])) == found


def test_heading_text_is_read_without_inline_code_and_comments() -> None:
    raw = "## Log `x` %% y %%"
    assert grammar.heading(raw, grammar.visible_text(raw, [None])) == (2, "Log")


def test_log_entry_task_and_due_patterns() -> None:
    entry = grammar.LOG_ENTRY_RE.match("- 2026-10-02 coffee: talked")
    assert entry is not None and entry.groups() == ("2026-10-02", "coffee: talked")
    assert grammar.LOG_ENTRY_RE.match("   * 2026-10-02") is not None
    assert grammar.LOG_ENTRY_RE.match("    - 2026-10-02 too deep") is None
    assert grammar.LOG_ENTRY_RE.match("1. 2026-10-02 numbered") is None
    channel = grammar.CHANNEL_RE.match("coffee: talked")
    assert channel is not None and channel.groups() == ("coffee", "talked")
    assert grammar.CHANNEL_RE.match("Coffee: talked") is None
    task = grammar.TASK_RE.match("  1. [x] send the paper 📅 2026-12-01")
    assert task is not None and task.groups() == ("x", "send the paper 📅 2026-12-01")
    due = grammar.DUE_RE.search("send 📅2026-12-01")
    assert due is not None and due.group("date") == "2026-12-01"
    assert grammar.DUE_MARK_RE.sub("", "send the paper 📅 2026-12-01 soon") == "send the paper soon"
    assert grammar.LIST_ITEM_RE.match("2) item") and grammar.LIST_ITEM_RE.match("- item")
    assert grammar.BULLET_ITEM_RE.match("- item") and not grammar.BULLET_ITEM_RE.match("2) item")


def test_link_patterns() -> None:
    found = [m.groups() for m in grammar.WIKILINK_RE.finditer("[[Ada|A]] and ![[pic.png]]")]
    assert found == [("", "Ada|A"), ("!", "pic.png")]
    md = [m.groups() for m in grammar.MDLINK_RE.finditer('[Bob](People/Bob.md "t") ![i](<a b.md>)')]
    assert md == [("", "People/Bob.md"), ("!", "<a b.md>")]


def test_line_state_walks_fences_blocks_and_comments() -> None:
    lines = [
        "text",
        "````md",
        "```",  # shorter: still code
        "````",
        "<!-- vaultkit:due -->",
        "## Log",
        "<!-- /vaultkit:due -->",
        "a <!-- open",
        "```",  # inside a comment: no fence
        "--> b",
        "%% c",
    ]
    state = grammar.LineState()
    seen = [state.step(line) for line in lines]
    assert seen == ["text", None, None, None, None, None, None, "a ", "", " b", ""]
    assert state.unclosed() == "a %% comment that is never closed"


# -- the users agree, for any note -------------------------------------------------------------
PIECES = [
    "# Ada", "## Notes", "## Log", "### Log", "# log", "## Logbook", "##Log", "## Log `x`", " ## Log",
    "<!-- c --># Log", "- 2026-01-01 call: early", "* 2025-05-05 x", "- [ ] call [[Bob]] 📅 2026-12-01",
    "- [x] done", "1. numbered", "Some text.", "", "> [[Quoted]]",
    "```", "````", "~~~", "```py", "   ```", "    ```", "``` x", "~~~~",
    "<!--", "-->", "<!-- one line -->", "a <!-- b", "%%", "%% inline %%", "x %% y",
    "<!-- vaultkit:due -->", "<!-- /vaultkit:due -->", "<!-- vaultkit:context -->", "<!-- /vaultkit:context -->",
    "text <!-- vaultkit:due --> text", "<!--vaultkit:due-->", "end <!-- /vaultkit:due -->",
    "<!-- vaultkit:due --> <!-- /vaultkit:due -->",
]  # fmt: skip


@st.composite
def bodies(draw: st.DrawFn) -> str:
    """A note (maybe with front matter) of grammar pieces in random arrangement."""
    lines = draw(st.lists(st.sampled_from(PIECES), max_size=18))
    if draw(st.booleans()):
        lines = ["---", "type: person", "---", *lines]
    elif lines and lines[0].strip() == "---":
        lines.insert(0, "# Ada")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if lines and draw(st.booleans()):
        text += newline
    return text


def _parse(text: str) -> ParsedNote:
    return parse_text(PERSON, text, CONFIG)


def _reads(lines: list[str], index: int) -> bool:
    """Whether the parser reads line `index` as Markdown: a task put there is seen."""
    newline = "\r\n" if lines[index].endswith("\r\n") else "\n"
    probe = [*lines[:index], f"- [ ] probe{newline}", *lines[index + 1 :]]
    return any(task.line == index + 1 and task.text == "probe" for task in _parse("".join(probe)).tasks)


def _marker_ending_a_comment(lines: list[str], index: int) -> bool:
    """Whether line `index` is a start marker met inside an open `<!--` (which ends it)."""
    state = grammar.LineState()
    for line in lines[:index]:
        state.step(line.rstrip("\r\n"))
    return state.comment[0] == "-->" and grammar.marker_ends_comment(lines[index]) is not None


def _outside(note: ParsedNote, skip: range, shift: int) -> list[tuple[object, ...]]:
    """What the parser read outside the lines `skip` (1-based), renumbered as if `shift` lines came before them."""

    def moved(line: int) -> int:
        return line + shift if line >= skip.stop else line

    return sorted(
        [("task", t.text, t.status, t.due, moved(t.line)) for t in note.tasks if t.line not in skip]
        + [("log", e.date, e.channel, e.text, moved(e.line)) for e in note.log if e.line not in skip]
        + [("link", k.target, k.contact, moved(k.line)) for k in note.links if k.line not in skip],
        key=repr,
    )


@PROPERTY
@given(bodies())
@example("## Log `x`\n- 2026-01-01 a")
@example("<!-- c --># Log\n## Log\n")
@example("## Log\n```\n``\n```\n- 2026-01-01 a")
@example("## Log\ntext <!-- vaultkit:due --> text\n- 2026-01-01 hidden")
def test_the_entry_vault_log_writes_is_the_newest_the_parser_reads(text: str) -> None:
    try:
        before = _parse(text)
    except NoteParseError:
        return
    entry = "- 2099-12-31 probe: the newest"
    try:
        after_text = add_log_entry(text, entry)
    except ValueError as err:
        assert str(err).startswith("the note ends inside ")
        return
    after = _parse(after_text)
    inserted = next(i for i, line in enumerate(split_lines(after_text)) if line.rstrip("\r\n") == entry)
    newest = max(after.log, key=lambda e: (e.date, -e.line))
    assert (newest.date, newest.channel, newest.text, newest.line) == (
        dt.date(2099, 12, 31),
        "probe",
        "the newest",
        inserted + 1,
    )
    # Nothing else the parser reads moved or changed.
    assert _outside(after, range(inserted + 1, inserted + 2), 0) == _outside(
        before, range(inserted + 1, inserted + 1), 1
    )


@PROPERTY
@given(bodies())
@example("<!-- vaultkit:due -->\n- [ ] a\n<!-- /vaultkit:due -->\n## Log\n")
@example("%%\n<!-- vaultkit:due -->\n%%\n- [ ] a\n<!-- /vaultkit:due -->")
@example("```\n<!-- vaultkit:due -->\n```\n- [ ] a\n<!-- /vaultkit:due -->")
@example("x <!-- vaultkit:due --> y\n- [ ] a\nz <!-- /vaultkit:due -->")
@example("<!--\n<!--vaultkit:due-->\n<!-- vaultkit:context -->\n<!-- /vaultkit:context -->")
def test_the_generated_blocks_the_merge_keeps_are_the_ones_the_parser_skips(text: str) -> None:
    lines = [line + "\n" for line in text.split("\n")]
    try:
        _parse("".join(lines))
    except NoteParseError:
        return
    layout = _layout(lines, "Log", _KnownLines())
    for start, end in layout.blocks.values():
        assert _reads(lines, start - 1) or _marker_ending_a_comment(lines, start - 1), (
            "the parser is not reading Markdown where the block starts"
        )
        assert grammar.opens_generated(lines[start - 1]) is not None
        assert not any(_reads(lines, i) for i in range(start, end))
        assert grammar.closes_generated(lines[end], grammar.opens_generated(lines[start - 1]) or "")
    # A block that is not cut out is not one the parser skips outside the Log.
    for index, line in enumerate(lines):
        name = grammar.opens_generated(line)
        if name is None or name in layout.blocks or not _reads(lines, index):
            continue
        in_log = layout.log is not None and layout.log[0] < index < layout.log[2]
        closed = any(grammar.closes_generated(later, name) for later in lines[index + 1 :])
        assert in_log or not closed or name in layout.blocks


@PROPERTY
@given(bodies(), st.sampled_from(["- fresh", ""]))
# A block appended to a note that ended in an open `<!--`: its marker ends the comment, and
# what the block held (an unclosed fence here) never hid what follows it.
@example("a <!-- b\n<!-- vaultkit:due -->\n```\nend <!-- /vaultkit:due -->\n> [[Quoted]]", "")
def test_replacing_a_generated_block_leaves_what_is_outside_it(text: str, content: str) -> None:
    try:
        before = _parse(text)
        after_text = replace_generated_block(text, "due", content)
    except (NoteParseError, ValueError):
        return
    after = _parse(after_text)
    old, new = split_lines(text), split_lines(after_text)
    # The lines that differ are one run; everything the parser reads outside it is the same.
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    changed_old = range(head + 1, len(old) - tail + 1)
    changed_new = range(head + 1, len(new) - tail + 1)
    shift = len(changed_new) - len(changed_old)
    assert _outside(after, changed_new, 0) == _outside(before, changed_old, shift)
    assert all(t.text != "fresh" for t in after.tasks)  # the new content is generated: not read


@PROPERTY
@given(
    st.lists(
        st.sampled_from(
            [
                "<!--",
                "-->",
                "%%",
                "%",
                "<",
                "!",
                "-",
                "`",
                "[[",
                "]]",
                "Ada",
                " ",
                "\n",
                "\\",
                "vaultkit:due",
                "é",
            ]
        ),
        max_size=12,
    ).map("".join)
)
@example("<!-- vaultkit:due --> x")
@example("50%% off %%%")
def test_a_logged_text_is_read_back_as_written_and_hides_nothing(text: str) -> None:
    """Whatever the text (`vault log`, `vault ask`, an imported calendar's summary), the
    entry holds it on one line, the parser reads it back whole, and the entry before it is
    still read: no comment or generated block opens."""
    line = grammar.inline_text(f"x {text}")
    assert "<!--" not in line and "%%" not in line and "\n" not in line
    note = "# Ada\n## Log\n- 2026-01-01 call: the first\n"
    after = _parse(add_log_entry(note, f"- 2026-02-02 call: {line}"))
    assert [(e.date, e.channel, e.text) for e in after.log] == [
        (dt.date(2026, 2, 2), "call", line),
        (dt.date(2026, 1, 1), "call", "the first"),
    ]


def test_merge_keeps_our_block_found_anywhere_in_a_line() -> None:
    ancestor = "# Ada\nx <!-- vaultkit:due --> y\n- old\n<!-- /vaultkit:due -->\ntext\n"
    ours = ancestor.replace("- old", "- ours")
    theirs = ancestor.replace("- old", "- theirs").replace("text", "their text")
    result = merge_note(ancestor, ours, theirs, git_merge_file)
    assert result.clean
    assert result.text == ours.replace("text\n", "their text\n")


def test_a_heading_inside_a_comment_opens_no_log_for_the_merge() -> None:
    lines = ["<!--\n", "## Log\n", "-->\n", "- 2026-01-01 a\n", "## Log\n", "- 2026-01-02 b\n"]
    layout = _layout(lines, "Log", _KnownLines())
    assert layout.log is not None and layout.log[0] == 4
    assert [e.date for e in layout.entries] == ["2026-01-02"]
