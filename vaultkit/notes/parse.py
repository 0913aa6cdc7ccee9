"""Note text -> model: front matter, Log entries, tasks and links. Never writes.

The front matter is found and read by `frontmatter`, the body's lines by `grammar`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
from typing import Any
from urllib.parse import unquote

from vaultkit.config import Config
from vaultkit.dates import parse_birthday, parse_bool, parse_cadence, parse_date
from vaultkit.errors import NoteParseError
from vaultkit.model import (
    DAILY,
    MAX_NOTE_BYTES,
    MEETING,
    NO_VALUE_TEXTS,
    OTHER,
    PERSON,
    Link,
    LogEntry,
    ParsedNote,
    Problem,
    Task,
    is_prospect,
    name_key,
    no_value,
    written_tag,
)
from vaultkit.notes.frontmatter import (
    BOM,
    KEY_LINE_RE,
    YamlSyntaxError,
    find_front_matter,
    load_yaml,
    split_lines,
    unquoted_key,
)
from vaultkit.notes.grammar import (
    DUE_RE,
    FENCE_LEADS,
    FENCE_RE,
    HEADING_RE,
    INLINE_CODE_RE,
    LIST_ITEM_RE,
    LIST_LEADS,
    LOG_ENTRY_RE,
    MDLINK_RE,
    QUOTE_RE,
    TASK_RE,
    WIKILINK_RE,
    closes_fence,
    closes_generated,
    marker_ends_comment,
    opens_generated,
    split_channel,
    strip_comments,
)

MAX_FRONT_MATTER_BYTES = 64 * 1024
UNCLOSED_FRONT_MATTER = "front matter is never closed"
"""The warning of a note whose first line is `---` and no later line closes it: its text is
read as body, and vaultkit writes nothing into it (`Workspace.read_for_edit`)."""

# A daily note's name, and a meeting note's date prefix: a date, or what was meant for one
# (`2026-1-5`, `2026-02-30`: a warning says it counts for nothing).
_DAILY_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DATE_PREFIX_RE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})")
_HEADING_OR_BLOCK_RE = re.compile(r"[#^]")  # `Ada#Log`, `Ada^block`: the part before is the note
_CONFLICT_RE = re.compile(r"^(<{7}|>{7})(?: |$)|^={7}$", re.MULTILINE)


def decode_note(path: str, data: bytes) -> str:
    """Bytes -> text (BOM kept), or NoteParseError for notes vaultkit must skip."""
    if len(data) > MAX_NOTE_BYTES:
        raise NoteParseError(path, None, f"note is over {MAX_NOTE_BYTES // (1024 * 1024)} MiB")
    if b"\x00" in data:
        raise NoteParseError(path, None, "note is binary (it has NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise NoteParseError(path, line, "note is not UTF-8 text") from None
    match = _CONFLICT_RE.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise NoteParseError(
            path,
            line,
            "unresolved git conflict: keep the text you want and delete the <<<<<<< ======= >>>>>>> lines",
        )
    return text


def flat_texts(value: Any) -> list[str]:
    """A front-matter value as its texts, as written: one value, or a list's items at any
    depth (none for a blank one, `model.no_value`, or a mapping). (The imports'
    `records.as_texts` leaves a nested list out instead: a card's field is one level.)"""
    # (`no_value`'s rule, inlined: every note's tags, aliases and people come through here)
    if isinstance(value, str):
        return [] if value in NO_VALUE_TEXTS else [value]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, str):
                if item not in NO_VALUE_TEXTS:
                    out.append(item)
            else:
                out.extend(flat_texts(item))
        return out
    if value is None or isinstance(value, dict):
        return []
    return [str(value)]


_TAGS_SPLIT_RE = re.compile(r"[,\s]+")
_ALIASES_SPLIT_RE = re.compile(r",")


def _holds_mapping(value: Any) -> bool:
    """Whether a value holds a mapping (`{a: b}`), at any depth: no text or list of texts."""
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and any(_holds_mapping(item) for item in value)


def _listed(value: Any, split: re.Pattern[str]) -> list[str]:
    """`tags` or `aliases` as Obsidian reads them: a list, or one text that it splits (tags
    at commas and blanks, `#friend #work`; aliases at commas, `Robert, Bobby`)."""
    return split.split(value) if isinstance(value, str) else flat_texts(value)


def split_link(inner: str) -> str:
    """`People/Ada Lovelace#Log|Ada` -> `People/Ada Lovelace` (the target path)."""
    # In a table the pipe is escaped (`[[Ada\|Ada]]`); the backslash is not part of the name.
    target = inner.split("|", 1)[0].rstrip("\\")
    target = _HEADING_OR_BLOCK_RE.split(target, maxsplit=1)[0].strip()
    if target.lower().endswith(".md"):
        target = target[:-3]
    return target.lstrip("/")


def link_key(target: str) -> tuple[str, str]:
    """A link target -> (normalised target path, normalised stem)."""
    key = name_key(target)
    return key, key.rsplit("/", 1)[-1]


_ESCAPED_OPENER_RE = re.compile(r"<\\!--|%\\(?=%)")
"""A comment opener as `grammar.inline_text` escapes it (`<\\!--`, `%\\%`)."""


def named_by(text: str) -> str:
    """A front-matter value as what it names, to count or compare it: a link as the note it
    leads to (`[[London]]` and `[[Places/London|LDN]]` are London; what a link shows is not
    what it is), any other text with its blanks folded."""
    text = " ".join(text.split())
    if text.startswith("[[") and text.endswith("]]") and text.count("[[") == 1:
        return split_link(text[2:-2]).rsplit("/", 1)[-1]
    return text


def plain_text(text: str) -> str:
    """Text for a terminal: `[[Ada Lovelace|Ada]]` -> `Ada`, `[[People/Ada#Log]]` -> `Ada`,
    and an escaped comment opener as typed (`<\\!--` -> `<!--`), as Obsidian shows it."""
    if "\\" in text:
        text = _ESCAPED_OPENER_RE.sub(lambda found: found.group().replace("\\", ""), text)

    def shown(match: re.Match[str]) -> str:
        inner = match.group(2)
        if "|" in inner:
            return inner.split("|", 1)[1]
        return split_link(inner).rsplit("/", 1)[-1] or inner

    return WIKILINK_RE.sub(shown, text) if "[[" in text else text


def links_in_value(value: Any) -> list[str]:
    """Link targets written in a front-matter value (`[[X]]` strings, at any depth)."""
    targets: list[str] = []
    for item in flat_texts(value):
        for match in WIKILINK_RE.finditer(item):
            target = split_link(match.group(2))
            if target:
                targets.append(target)
    return targets


def names_in_value(value: Any) -> list[str]:
    """Names in a `people` property: plain names or links, a list or one value."""
    names: list[str] = []
    for item in flat_texts(value):
        found = links_in_value(item)
        if found:
            names.extend(found)
        elif item.strip():
            names.append(item.strip())
    return names


def _markdown_target(href: str, note_dir: str) -> str | None:
    href = href.strip("<>").strip()
    if "://" in href or href.startswith(("mailto:", "#")):
        return None
    href = unquote(href.split("#", 1)[0])
    if not href.lower().endswith(".md"):
        return None
    if href.startswith(("./", "../")):
        href = posixpath.normpath(posixpath.join(note_dir, href))
        if href.startswith(".."):
            return None
    return split_link(href)


def note_kind(rel_path: str, fields: dict[str, Any], config: Config) -> str:
    """Whether a note is a person, a meeting, a daily note or something else."""
    note_type = fields.get("type")
    type_text = (
        note_type.strip().casefold() if isinstance(note_type, str) and not no_value(note_type) else None
    )
    if type_text == "person":
        return PERSON
    folder = posixpath.dirname(rel_path)
    if _under(folder, config.people_dir) and not type_text:
        return PERSON
    if _under(folder, config.meetings_dir):
        return MEETING
    if _under(folder, config.daily_dir) and _DAILY_RE.match(
        posixpath.splitext(posixpath.basename(rel_path))[0]
    ):
        return DAILY
    return OTHER


def _under(folder: str, top: str) -> bool:
    return bool(top) and (folder == top or folder.startswith(top + "/"))


def parse_note(rel_path: str, data: bytes, config: Config) -> ParsedNote:
    """Parse one note; raises NoteParseError when the whole note must be skipped."""
    text = decode_note(rel_path, data)
    return parse_text(rel_path, text, config)


def _front_matter(
    rel_path: str, lines: list[str], problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, int], int]:
    """Parse the front matter; returns (fields, line of each key, first body line)."""
    block = find_front_matter(lines)
    if block is None:
        if lines and lines[0].lstrip(BOM).rstrip() == "---":
            problems.append(Problem(rel_path, 1, "warning", UNCLOSED_FRONT_MATTER))
        return {}, {}, 0
    raw_lines = lines[block.start + 1 : block.end]
    raw = "".join(raw_lines)
    if len(raw.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise NoteParseError(rel_path, 1, "front matter is over 64 KiB")
    try:
        fields = load_yaml(raw)
    except YamlSyntaxError as err:
        where = err.line + 1 if err.line is not None else 1  # +1 for the opening `---`
        raise NoteParseError(rel_path, where, f"invalid YAML in front matter: {err.reason}") from None
    except (ValueError, RecursionError) as err:
        raise NoteParseError(rel_path, 1, f"front matter refused: {err}") from None
    key_lines: dict[str, int] = {}
    match_key = KEY_LINE_RE.match  # (`frontmatter.line_key`, inlined: every line of every note)
    for offset, line in enumerate(raw_lines):
        found = match_key(line)
        if found is not None:
            key = found.group("key")
            if key[:1] in "\"'":
                key = unquoted_key(key)
            if key in key_lines:
                # YAML reads the last; another tool may read the first, or refuse the note.
                problems.append(
                    Problem(
                        rel_path,
                        offset + 2,
                        "warning",
                        f"{key!r} is set twice in the front matter (lines {key_lines[key]} and "
                        f"{offset + 2}): the last one counts; keep one",
                    )
                )
            key_lines[key] = offset + 2
    return fields, key_lines, block.end + 1


def parse_text(rel_path: str, text: str, config: Config) -> ParsedNote:
    """Parse decoded note text (see `parse_note`)."""
    problems: list[Problem] = []
    lines = split_lines(text)
    fields, key_lines, body_start = _front_matter(rel_path, lines, problems)
    stem = posixpath.splitext(posixpath.basename(rel_path))[0]
    note = ParsedNote(
        path=rel_path,
        name=unicodedata.normalize("NFC", stem),
        kind=note_kind(rel_path, fields, config),
        fields=fields,
        problems=problems,
    )

    def bad_field(key: str, err: Exception) -> None:
        problems.append(Problem(rel_path, key_lines.get(key), "error", f"{key}: {err}; ignored"))

    def given(key: str) -> Any:
        """The key's value; None when it has none (`model.no_value`, inlined: asked of ten
        keys of every note)."""
        value = fields.get(key)
        if value is None or (value in NO_VALUE_TEXTS if isinstance(value, str) else value == []):
            return None
        return value

    def typed_date(key: str) -> dt.date | None:
        value = given(key)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as err:
            bad_field(key, err)
            return None

    def texts(key: str) -> Any:
        """A key that holds a text or a list of texts (tags, people...): a mapping in it is
        no such thing, and the whole value is ignored, as a bad date is."""
        value = given(key)
        if _holds_mapping(value):
            bad_field(key, ValueError(f"{value!r} is not a text or a list of texts"))
            return None
        return value

    note.aliases = [a.strip() for a in _listed(texts("aliases"), _ALIASES_SPLIT_RE) if a.strip()]
    note.aliases_line = key_lines.get("aliases") if note.aliases else None
    note.tags = [tag for tag in map(written_tag, _listed(texts("tags"), _TAGS_SPLIT_RE)) if tag]
    note.last_contact = typed_date("last_contact")
    note.met = typed_date("met")
    note.snooze_until = typed_date("snooze_until")
    note.date = typed_date("date") if note.kind == MEETING else None
    cadence = given("cadence")
    if cadence is not None:
        try:
            parse_cadence(str(cadence))
            note.cadence = str(cadence).strip()
        except ValueError as err:
            bad_field("cadence", err)
    birthday = given("birthday")
    if birthday is not None:
        try:
            note.birthday = str(parse_birthday(birthday))
        except ValueError as err:
            bad_field("birthday", err)
    archived = given("archived")
    if archived is not None:
        try:
            note.archived = parse_bool(archived)
        except ValueError as err:
            bad_field("archived", err)
    status = given("status")
    if isinstance(status, str) and status.strip():
        note.status = status.strip().casefold()
    elif status is not None:
        # (a list is no status: `[prospect]` is not read as a prospect, who is never due)
        bad_field("status", ValueError(f"{status!r} is not a text"))
    if note.met is not None and is_prospect(note.status):
        # Someone you want to meet has not been met: counting them would fill the weekly goal.
        bad_field(
            "met", ValueError(f"a prospect (status: {note.status}) is not met yet; `vault met` records it")
        )
        note.met = None
    if note.kind == PERSON and "found" in fields:
        typed_date("found")  # (read where it is used, `prospects.found_of`: here, only reported)
    note.introduced_by = names_in_value(texts("introduced_by"))
    if note.kind == MEETING:
        # (`people:` left empty, as Obsidian's property editor leaves it, or YAML's null
        # written out, names no one: the body's links count, as when there is no property)
        note.people = names_in_value(texts("people")) or None
        if note.date is None:
            match = _DATE_PREFIX_RE.match(stem)
            if match:
                note.date = _name_date(match.group(1), rel_path, problems)
            elif note.people and no_value(fields.get("date")):
                problems.append(Problem(rel_path, None, "warning", _UNDATED_MEETING))
    elif note.kind == DAILY:
        note.date = _name_date(stem, rel_path, problems)
    for key, value in fields.items():
        if isinstance(value, str) and "[[" not in value:
            continue
        for target in links_in_value(value):
            target_key, stem_key = link_key(target)
            note.links.append(Link(target_key, stem_key, key_lines.get(key, 1), False, target))
    _scan_body(note, lines, body_start, config)
    note.body = "".join(lines[body_start:])
    note.body_line = body_start + 1
    return note


def _scan_body(note: ParsedNote, lines: list[str], start: int, config: Config) -> None:
    """One pass over the body: headings, Log entries, tasks and links with their context.

    The hot loop of a cold index: it inlines `grammar.LineState.step` (the same rules, in
    the same order) with cheap character tests before any regular expression.
    """
    fence: str | None = None
    comment: list[str | None] = [None]
    generated: str | None = None
    log_level: int | None = None
    entry_indent: int | None = None  # the last Log entry's indent: an item indented more is its detail
    dated_at: int | None = None  # the first line of a Log that holds a date but is no entry
    blank_before = False  # (a paragraph after a blank line ends the list, as in Markdown)
    log_heading = name_key(config.log_heading)
    note_dir = posixpath.dirname(note.path)
    links_make_contacts = note.kind in (MEETING, DAILY)
    for index in range(start, len(lines)):
        number = index + 1
        raw = lines[index].rstrip("\r\n")
        if index == 0:
            raw = raw.lstrip(BOM)
        if fence is not None:
            if closes_fence(raw, fence):
                fence = None
            continue
        if generated is not None:
            if closes_generated(raw, generated):
                generated = None
            continue
        # Cheap character tests first: most lines need none of the regular expressions.
        lead = raw.lstrip()[:1]
        if comment[0] is None:
            if "<!--" in raw:
                generated = opens_generated(raw)
                if generated is not None:
                    continue
            if lead in FENCE_LEADS:
                opened = FENCE_RE.match(raw)
                if opened:
                    fence = opened.group(1)
                    continue
        elif comment[0] == "-->" and (generated := marker_ends_comment(raw)) is not None:
            comment[0] = None
            continue
        if entry_indent is not None:
            # The list an entry is in ends at a paragraph after a blank line that is not
            # indented below the entry (and at a heading, below): an item after it is an
            # entry again, however it is indented.
            if not raw.strip():
                blank_before = True
                continue
            if (
                blank_before
                and len(raw) - len(raw.lstrip()) <= entry_indent
                and not LIST_ITEM_RE.match(raw.lstrip())
            ):
                entry_indent = None
            blank_before = False
        line = raw
        if comment[0] is not None or "%%" in raw or "<!--" in raw:
            line = strip_comments(raw, comment)
        written = line  # (a task's or a Log entry's text: its inline code kept)
        if "`" in line:
            line = INLINE_CODE_RE.sub(" ", line)
        heading = HEADING_RE.match(line) if lead == "#" else None
        if heading:
            level, entry_indent = len(heading.group(1)), None
            note.headings.append((number, heading.group(2)))
            if log_level is not None and level <= log_level:
                log_level = None
            if log_level is None and name_key(heading.group(2)) == log_heading:
                log_level = level
        listed = lead in LIST_LEADS and heading is None
        task = TASK_RE.match(line) if listed and "[" in line else None
        is_open_task = False
        if task:
            due = DUE_RE.search(task.group(2))  # (not a due mark inside code)
            due_date: dt.date | None = None
            if due:
                try:
                    due_date = parse_date(due.group("date"))
                except ValueError:
                    message = f"the task's due date {due.group('date')} is not a date; the task has none"
                    note.problems.append(Problem(note.path, number, "warning", message))
            shown = _with_code(TASK_RE, task, written, line)
            parsed = Task(shown.group(2).strip(), task.group(1), due_date, number)
            note.tasks.append(parsed)
            is_open_task = parsed.is_open
        elif log_level is not None and listed and note.kind == PERSON:
            # (an item indented below an entry is that entry's detail, however it is indented;
            # one below an undated item, `- 2026`, may be an entry)
            indent = len(line) - len(line.lstrip())
            detail = entry_indent is not None and indent > entry_indent
            entry = None if detail else LOG_ENTRY_RE.match(line)
            if entry:
                entry_indent = indent
                entry = _with_code(LOG_ENTRY_RE, entry, written, line)
                try:
                    when = dt.date.fromisoformat(entry.group(1))
                except ValueError:
                    note.problems.append(
                        Problem(note.path, number, "error", f"Log date {entry.group(1)} is not a date")
                    )
                else:
                    rest = (entry.group(2) or "").strip()
                    channel, body = split_channel(rest)
                    note.log.append(LogEntry(when, channel, body, number))
            elif not detail and (item := LIST_ITEM_RE.match(line)) and line[item.end() :].strip():
                entry_indent = None
                numbered = line.lstrip()[:1] not in "-*+"
                note.problems.append(Problem(note.path, number, "warning", _NOT_AN_ENTRY[numbered]))
        elif (
            log_level is not None
            and dated_at is None
            and note.kind == PERSON
            and lead in ("#", "|")
            and _DATE_IN_TEXT.search(line)
        ):
            dated_at = number  # (`### 2026-11-30`, a table row: a Log kept another way)
        if "[" not in line:
            continue
        quoted = lead == ">" and bool(QUOTE_RE.match(line))
        eligible = links_make_contacts and not quoted and not is_open_task
        for match in WIKILINK_RE.finditer(line) if "[[" in line else ():
            target = split_link(match.group(2))
            if target:
                key, stem = link_key(target)
                written = f"!{target}" if match.group(1) else target  # an embed shows its `!`
                note.links.append(Link(key, stem, number, eligible and not match.group(1), written))
        if "](" in line:
            for match in MDLINK_RE.finditer(line):
                md_target = _markdown_target(match.group(2), note_dir)
                if md_target:
                    key, stem = link_key(md_target)
                    note.links.append(Link(key, stem, number, eligible and not match.group(1), md_target))
    if dated_at is not None and not note.log:
        note.problems.append(Problem(note.path, dated_at, "warning", LOG_NOT_READ))


LOG_NOT_READ = (
    "the Log holds dates but no entry vaultkit reads (a ### date heading or a table row counts "
    "for nothing): a Log entry is a bulleted item, - YYYY-MM-DD text"
)
_DATE_IN_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _name_date(written: str, rel_path: str, problems: list[Problem]) -> dt.date | None:
    """The date a daily or meeting note's file name gives (`_DAILY_RE`, `_DATE_PREFIX_RE`);
    None, with a warning, when it is none (nothing in such a note counts as a contact)."""
    try:
        return parse_date(written)
    except ValueError:
        pass
    year, month, day = (int(part) for part in written.split("-"))
    try:
        why = f"is not YYYY-MM-DD (write {dt.date(year, month, day).isoformat()})"
    except ValueError:
        why = "is not a date"
    problems.append(
        Problem(
            rel_path,
            None,
            "warning",
            f"the file name's date {written} {why}, so nobody it names counts as met",
        )
    )
    return None


_UNDATED_MEETING = (
    "a meeting note with no date (a `date` property, or a file name starting YYYY-MM-DD), "
    "so nobody it names counts as met"
)

_NOT_AN_ENTRY = (
    "a Log item that does not start with a date (- YYYY-MM-DD) counts for nothing",
    "a numbered Log item counts for nothing: a Log entry is a bulleted item, - YYYY-MM-DD",
)


def _with_code(pattern: re.Pattern[str], found: re.Match[str], written: str, line: str) -> re.Match[str]:
    """`found` (a match of `pattern` in `line`, a line without its inline code) again in
    `written`, the line with it, when it reads as the same item there: a task's or a Log
    entry's text keeps its code (`ran `make test``), which only links and marks ignore."""
    if written is line:
        return found
    whole = pattern.match(written)
    return whole if whole is not None and whole.group(1) == found.group(1) else found


def conflict_marker_line(text: str) -> int | None:
    """The line number (from 1) of the first git conflict marker in `text`, or None."""
    match = _CONFLICT_RE.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None
