"""Properties that hold for every note: parsing never crashes, edits touch only their lines."""

from __future__ import annotations

import datetime as dt
import difflib
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from vaultkit.config import Config
from vaultkit.errors import NoteParseError, PersonNotFound, RefusedWrite
from vaultkit.model import LogEntry
from vaultkit.notes.edit import (
    add_log_entry,
    add_to_front_matter_list,
    remove_front_matter_key,
    replace_generated_block,
    set_front_matter_value,
)
from vaultkit.notes.frontmatter import split_lines
from vaultkit.notes.parse import parse_note, parse_text
from vaultkit.vault.files import Vault
from vaultkit.workspace import Workspace

CONFIG = Config()
TODAY = dt.date(2026, 11, 22)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Free text on one line: anything but line breaks (Python's splitlines breaks on more than \n).
one_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    max_size=30,
)

# -- parse never crashes ------------------------------------------------------------------
yamlish = st.sampled_from(
    ["---", "key: value", "a: [1, 2", "- item", "  nested: x", "&a [x]", "*a", "b: *a", "? q", "'", '"', "{", "!!python/object:os.system", "%YAML 1.2", "tags: [[x]]", ""]
)  # fmt: skip
markdownish = st.sampled_from(
    ["# H", "## Log", "- 2026-10-02 call: x", "- 2026-02-30 x", "- [ ] [[Ada]] 📅 2026-13-01", "```", "~~~", "%%", "<!--", "-->", "<!-- vaultkit:due -->", "<!-- /vaultkit:due -->", "> [[Bob|B]]", "![[Cy]]", "[x](../../a%2.md)", "[[#]]", "[[|]]", "<<<<<<< HEAD", "\ufeff", "\x00", "\u2028"]
)  # fmt: skip


@FAST
@given(st.text())
def test_parse_never_crashes_on_any_text(text: str) -> None:
    for path in ("People/X.md", "Meetings/2026-01-01 X.md", "Daily/2026-01-01.md", "Other/X.md"):
        try:
            note = parse_text(path, text, CONFIG)
        except NoteParseError as err:  # the only refusal allowed, and it names the note
            assert err.path == path
            assert err.line is None or err.line >= 1
        else:
            assert note.path == path
            assert all(p.level in ("error", "warning") for p in note.problems)
            assert all(p.line is None or p.line >= 1 for p in note.problems)


@FAST
@given(
    st.lists(st.one_of(yamlish, markdownish, one_line), max_size=25), st.sampled_from(["\n", "\r\n", "\r"])
)
def test_parse_never_crashes_on_note_like_bytes(pieces: list[str], newline: str) -> None:
    data = newline.join(pieces).encode("utf-8", "surrogatepass")
    for path in ("People/X.md", "Meetings/2026-01-01 X.md", "Daily/2026-01-01.md"):
        try:
            note = parse_note(path, data, CONFIG)
        except NoteParseError as err:
            assert err.path == path
            assert err.line is None or err.line >= 1
        else:
            assert all(p.line is None or p.line >= 1 for p in note.problems)


@FAST
@given(st.binary(max_size=300))
def test_parse_never_crashes_on_any_bytes(data: bytes) -> None:
    try:
        note = parse_note("People/X.md", data, CONFIG)
    except NoteParseError as err:  # undecodable bytes: refused, naming the note
        assert err.path == "People/X.md"
    else:
        assert note.path == "People/X.md"
        assert all(p.line is None or p.line >= 1 for p in note.problems)


# -- generated notes ----------------------------------------------------------------------
FIELD_VALUES = [
    "Acme", "'0123'", '"quoted, with a comma"', "0123", "NO", "1.10", "[a, b]", "[]", "", "[[Alice]]",
    "'[[Bob]]'", "Acme  # a comment", "\n  - x\n  - 'y'", "|\n  multi\n  line", "{a: 1}", "yes",
]  # fmt: skip
KEYS = ["company", "role", "location", "phone", "country", "version", "tags", "aliases", "related", "notes"]
LAST_CONTACT = [
    None, "2026-10-02", "'2026-10-02'", '"2026-10-02"', "2026-10-02  # kept by vault log", "2027-01-01", "soon",
    "", "2026-11-22", "2026-12-01T10:00", "2026-11-30",
]  # fmt: skip
BODY_LINES = [
    "# Ada", "## Notes", "- likes tea", "- [ ] call [[Bob]] 📅 2026-12-01", "- [x] done", "", "Some text.",
    "> a quote", "### Sub", "1. numbered", "- 2026-01-01 call: not in a Log", "---", "```\n## Log\n- x\n```",
    "%% ## Log %%", "<!-- a comment -->", "## Log", "##Log", "## Logbook", "<!-- vaultkit:due -->\n## Log\n<!-- /vaultkit:due -->",
]  # fmt: skip
LOG_ITEMS = [
    "- 2026-10-02 coffee: talked",
    "- 2026-01-01 no channel",
    "* 2025-05-05 call: x",
    "- not an entry",
    "Intro text.",
]


@st.composite
def notes(draw: st.DrawFn) -> tuple[str, bool, bool, str | None]:
    """(text, has front matter, has a Log section, last_contact as written or None)."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    has_front = draw(st.booleans())
    last_contact = draw(st.sampled_from(LAST_CONTACT)) if has_front else None
    lines: list[str] = []
    if has_front:
        lines.append("---")
        keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=6))
        entries = [f"{key}: {draw(st.sampled_from(FIELD_VALUES))}".rstrip(" ") for key in keys]
        if last_contact is not None:
            where = draw(st.integers(0, len(entries)))
            entries.insert(where, f"last_contact: {last_contact}".rstrip(" "))
        if draw(st.booleans()):
            entries.insert(draw(st.integers(0, len(entries))), "# a comment line")
        lines.extend(entries)
        lines.append("---")
    body = draw(st.lists(st.one_of(st.sampled_from(BODY_LINES), one_line), max_size=8))
    has_log = draw(st.booleans())
    if has_log:
        level = draw(st.sampled_from(["#", "##", "###"]))
        where = draw(st.integers(0, len(body)))
        log = [f"{level} {draw(st.sampled_from(['Log', 'log', 'LOG']))}"]
        log += draw(st.lists(st.sampled_from(LOG_ITEMS), max_size=4))
        body[where:where] = log
    else:
        body = [b for b in body if not _looks_like_log_heading(b)]
    if not has_front and body and body[0].lstrip("\ufeff").rstrip() == "---":
        body.insert(0, "# Ada")  # else the body's thematic breaks would make a front matter
    lines.extend(body)
    text = newline.join("\n".join(lines).split("\n"))
    if lines and draw(st.booleans()):
        text += newline
    return bom + text, has_front, has_log, last_contact


def _looks_like_log_heading(line: str) -> bool:
    return any(
        part.lstrip("#").strip().lower() == "log" and part.startswith("#") for part in line.split("\n")
    )


def _should_set(last_contact: str | None, when: dt.date) -> bool:
    """The spec's rule: set when absent, not a date, after today, or earlier than the entry."""
    if last_contact is None:
        return True
    try:
        written = dt.date.fromisoformat(last_contact.split("#")[0].strip().strip("'\"")[:10])
    except ValueError:
        return True
    return written > TODAY or written < when


@FAST
@given(notes(), st.sampled_from([dt.date(2026, 11, 22), dt.date(2026, 11, 1)]))
@example(("\ufeff", False, False, None), dt.date(2026, 11, 22))
@example(("0\x0c", False, False, None), TODAY)
@example(("# Ada\n%%\n# Log", False, True, None), TODAY)
@example(("## Log\n```\n- x", False, True, None), TODAY)
@example(("## Log\nfoo\u2028- 2026-01-01 x\x0c\n- 2026-01-02 y", False, True, None), TODAY)
@example(("<!-- vaultkit:due -->\n## Log\n<!-- /vaultkit:due -->\n## Log\n- x", False, True, None), TODAY)
@example(("%%\n## Log\n%%\n## Log\n", False, True, None), TODAY)
@example(("---\r\nlast_contact: soon\r\n---\r\n## Log\r\n<!--\r\n- x\r\n-->\r\n", True, True, "soon"), TODAY)
def test_log_changes_exactly_the_lines_it_must(
    note: tuple[str, bool, bool, str | None], when: dt.date
) -> None:
    text, has_front, has_log, last_contact = note
    try:
        before = parse_text("People/Ada.md", text, CONFIG)
    except NoteParseError:
        assume(False)
        raise
    entry = f"- {when.isoformat()} dinner: at the Royal Society"
    try:
        after = add_log_entry(text, entry)
    except ValueError as err:
        # Refused only when the note ends inside something that would hide any new entry.
        assert str(err).startswith("the note ends inside ")
        probe = parse_text("People/Ada.md", f"{text}\n## Log\n- 2026-11-22 probe\n", CONFIG)
        assert [e for e in probe.log if e.text == "probe"] == []
        return
    set_it = _should_set(last_contact, when)
    if set_it:
        after = set_front_matter_value(after, "last_contact", when.isoformat())

    newline = "\r\n" if text.lstrip("\ufeff").split("\n", 1)[0].endswith("\r") else "\n"
    # BOM, line endings and the final newline survive.
    assert after.startswith("\ufeff") == text.startswith("\ufeff")
    assert after.endswith("\n") == text.endswith("\n") or not text.lstrip("\ufeff")
    if newline == "\r\n":
        assert after.count("\n") == after.count("\r\n")
    else:
        assert "\r" not in after
    # The diff is the entry, the last_contact line and, only where missing, a Log heading
    # and a front-matter block.
    old_lines = [line.rstrip("\r\n") for line in split_lines(text.lstrip("\ufeff"))]
    new_lines = [line.rstrip("\r\n") for line in split_lines(after.lstrip("\ufeff"))]
    # As multisets, and the lines kept stay in their order.
    removed, added = _line_multisets(old_lines, new_lines)
    kept = iter(new_lines)
    assert all(line in kept for line in old_lines if line not in removed)
    expected_added = [entry]
    expected_removed: list[str] = []
    if set_it:
        if last_contact is None:
            expected_added.append(f"last_contact: {when.isoformat()}")
        else:
            old = f"last_contact: {last_contact}".rstrip(" ")
            expected_removed.append(old)
            value = last_contact.split("#")[0].strip()
            quote = value[0] if value[:1] in "'\"" and value else ""
            comment = last_contact[len(last_contact.split("#")[0].rstrip()) :] if "#" in last_contact else ""
            expected_added.append(f"last_contact: {quote}{when.isoformat()}{quote}{comment}")
    if not has_log:
        expected_added.append("## Log")
        if text.lstrip("\ufeff").strip() or (not has_front and set_it):
            expected_added.append("")
    if not has_front and set_it:
        expected_added += ["---", "---"]
    assert sorted(removed) == sorted(expected_removed)
    assert sorted(added) == sorted(expected_added) or sorted(added) == sorted(
        [line for line in expected_added if line != ""]
    )

    # And vaultkit reads back what it wrote, with everything else unchanged.
    parsed = parse_text("People/Ada.md", after, CONFIG)
    new_entry = LogEntry(when, "dinner", "at the Royal Society", parsed.log[0].line if parsed.log else 0)
    assert new_entry in parsed.log
    assert [(e.date, e.channel, e.text) for e in parsed.log if e != new_entry] == [
        (e.date, e.channel, e.text) for e in before.log
    ]
    assert {k: v for k, v in parsed.fields.items() if k != "last_contact"} == {
        k: v for k, v in before.fields.items() if k != "last_contact"
    }
    if set_it:
        assert parsed.last_contact == when
    else:
        assert parsed.fields.get("last_contact") == before.fields.get("last_contact")


@FAST
@given(notes())
@example(("<!--", False, False, None))  # a note ending in an open comment: the block's marker closes it
def test_edits_that_change_nothing_change_no_byte(note: tuple[str, bool, bool, str | None]) -> None:
    text, has_front, _, last_contact = note
    try:
        once = replace_generated_block(text, "due", "- a")
    except ValueError:  # (two blocks of the name, or one never closed: refused, nothing written)
        once = None
    if once is not None:
        assert replace_generated_block(once, "due", "- a") == once
    if has_front and last_contact is not None and "2026-11-30" in last_contact:
        assert set_front_matter_value(text, "last_contact", "2026-11-30") == text


@SLOW
@given(notes(), notes())
def test_an_untouched_note_survives_byte_for_byte(
    logged: tuple[str, bool, bool, str | None], untouched: tuple[str, bool, bool, str | None]
) -> None:
    """`vault log` on one person leaves every other note, and a plain rewrite, byte-identical."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "vault"
        (root / "People").mkdir(parents=True)
        (root / "vaultkit.toml").write_bytes(b"")
        (root / "People" / "Ada.md").write_bytes(logged[0].encode())
        bob_path = root / "People" / "Bob.md"
        bob_path.write_bytes(untouched[0].encode())
        workspace = Workspace(Vault(root), Path(folder) / "index.sqlite", TODAY)
        workspace.sync()
        try:
            workspace.log("Ada", "lunch", channel="lunch")
        except (PersonNotFound, RefusedWrite):  # a note vaultkit cannot parse is never written
            assert logged[0].encode() == (root / "People" / "Ada.md").read_bytes()
        assert bob_path.read_bytes() == untouched[0].encode()
        snapshot = workspace.vault.read("People/Bob.md")
        workspace.vault.write("People/Bob.md", snapshot.data, snapshot)
        assert bob_path.read_bytes() == untouched[0].encode()
        workspace.close()


# -- the prospect edits (vault ask, vault met, vault want) ----------------------------------
def _with_status(text: str, at_end: bool) -> str:
    """The note with a `status: prospect` line first or last in its front matter."""
    lines = split_lines(text)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    closing = next(n for n in range(1, len(lines)) if lines[n].rstrip("\r\n") == "---")
    lines.insert(closing if at_end else 1, f"status: prospect{newline}")
    return "".join(lines)


def _line_multisets(old_lines: list[str], new_lines: list[str]) -> tuple[list[str], list[str]]:
    """(removed, added) lines as multisets: a line diff may align repeated lines (`## Log`
    three times, `---` in a body) either way."""
    removed = list((Counter(old_lines) - Counter(new_lines)).elements())
    added = list((Counter(new_lines) - Counter(old_lines)).elements())
    return removed, added


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines between two texts."""
    old_lines, new_lines = split_lines(before), split_lines(after)
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old_lines, new_lines, autojunk=False
    ).get_opcodes():
        if tag in ("replace", "delete"):
            removed += old_lines[i1:i2]
        if tag in ("replace", "insert"):
            added += new_lines[j1:j2]
    return removed, added


@FAST
@given(notes(), st.booleans())
def test_the_status_edits_change_only_the_status_line(
    note: tuple[str, bool, bool, str | None], at_end: bool
) -> None:
    text, has_front, _, _ = note
    assume(has_front)
    try:
        parse_text("People/Ada.md", text, CONFIG)
    except NoteParseError:
        assume(False)
    prospect = _with_status(text, at_end)
    assert parse_text("People/Ada.md", prospect, CONFIG).fields["status"] == "prospect"
    # `vault met` removes the line: the note is the one before, byte for byte.
    assert remove_front_matter_key(prospect, "status") == text
    assert remove_front_matter_key(text, "status") == text
    # `vault ask` changes that line and no other.
    asked = set_front_matter_value(prospect, "status", "asked")
    removed, added = _changed_lines(prospect, asked)
    assert [line.rstrip("\r\n") for line in removed] == ["status: prospect"]
    assert [line.rstrip("\r\n") for line in added] == ["status: asked"]


@FAST
@given(notes())
@example(("---\n---\n---\n", False, False, None))  # a body line alike the front matter's fences
def test_adding_tags_changes_only_the_tags(note: tuple[str, bool, bool, str | None]) -> None:
    text, _, _, _ = note
    try:
        before = parse_text("People/Ada.md", text, CONFIG)
    except NoteParseError:
        assume(False)
        raise
    try:
        after_text = add_to_front_matter_list(text, "tags", ["new-tag", "two words"])
    except ValueError as err:
        assert "is not a list vaultkit can add to" in str(err)
        assert not isinstance(before.fields.get("tags"), list) or before.fields.get("tags") == []
        return
    after = parse_text("People/Ada.md", after_text, CONFIG)
    assert after.tags == [*before.tags, "new-tag", "two words"]
    assert {k: v for k, v in after.fields.items() if k != "tags"} == {
        k: v for k, v in before.fields.items() if k != "tags"
    }
    assert after.body == before.body.lstrip("\ufeff")  # (a BOM stays first, before a new front matter)
    # The tags line (or a block list's new items; or a new front matter) and nothing else.
    removed, added = _line_multisets(
        split_lines(text.lstrip("\ufeff")), split_lines(after_text.lstrip("\ufeff"))
    )
    assert all(line.startswith("tags") for line in removed) and len(removed) <= 1
    assert all(
        line.startswith("tags") or line.lstrip(" \t").startswith("- ") or line.rstrip("\r\n") == "---"
        for line in added
    )
