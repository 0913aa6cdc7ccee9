"""Minimal, byte-preserving edits of a note's text: add a Log line, set a front-matter key.

Each function takes the note's full text (BOM and line endings included) and returns the
new text; everything it does not need to change is returned as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from vaultkit.model import name_key, no_value
from vaultkit.notes.frontmatter import (
    BOM,
    KEY_LINE_RE,
    find_front_matter,
    line_key,
    split_lines,
    yaml_list,
    yaml_scalar,
)
from vaultkit.notes.grammar import (
    LIST_ITEM_RE,
    LOG_ENTRY_RE,
    LineState,
    block_markers,
    closes_generated,
    heading,
    marker_ends_comment,
    opens_generated,
)

__all__ = [
    "add_log_entry",
    "add_to_front_matter_list",
    "append_section",
    "block_markers",
    "get_front_matter_line",
    "has_heading",
    "newline_of",
    "remove_front_matter_key",
    "replace_generated_block",
    "set_front_matter_value",
]

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


def newline_of(text: str) -> str:
    """The note's line ending: that of its first line, else LF."""
    match = _NEWLINE_RE.search(text)
    return match.group() if match else "\n"


def _body_start(lines: list[str]) -> int:
    block = find_front_matter(lines)
    return block.end + 1 if block else 0


def _ensure_final_newline(lines: list[str], newline: str) -> None:
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline


def add_log_entry(text: str, entry: str | Sequence[str], log_heading: str = "Log") -> str:
    """Insert `entry` (no newline; or several, in their order) as the first item of the first
    Log section (or of another heading's: the importers add a card's notes to Notes).

    With no Log section, `## Log` is appended at the end of the note. When the section's
    first entry links its date (`- [[2026-11-20]] ...`), the new ones are written so too.
    A note that does not end with a newline still does not afterwards. ValueError when the
    entry could only go inside a comment or code block that is never closed (vaultkit
    would not read it back).
    """
    newline = newline_of(text)
    entries = [entry] if isinstance(entry, str) else list(entry)
    line = "".join(item + newline for item in entries)
    if not text.lstrip(BOM):
        return f"{text}## {log_heading}{newline}{line}"
    lines = split_lines(text)
    open_end = not text.endswith(("\n", "\r"))
    wanted = name_key(log_heading)
    # Code, comments and generated blocks are skipped as the parser skips them, so the
    # entry lands in the Log section vaultkit reads back.
    state = LineState()
    section: tuple[int, int] | None = None  # (heading index, level)
    insert_at: int | None = None
    last_content: int | None = None
    for index, raw, visible in _body_lines(lines, state):
        if visible is None:
            if section:
                last_content = index
            continue
        found = heading(raw, visible)
        if found:
            level, title = found
            if section is not None and level <= section[1]:
                break
            if section is None and name_key(title) == wanted:
                section = (index, level)
                last_content = index
            continue
        if section is None:
            continue
        if LIST_ITEM_RE.match(visible):
            insert_at = index
            # (at the first item's indent: a list indented as a whole stays one list, and
            # its entries do not become details of the new one)
            indent = raw[: len(raw) - len(raw.lstrip(" \t"))]
            linked = _links_its_date(visible)
            line = "".join(
                indent + (_linking_its_date(item) if linked else item) + newline for item in entries
            )
            break
        if raw.strip():
            last_content = index
    else:
        hidden_by = state.unclosed()
        if insert_at is None and hidden_by:
            raise ValueError(
                f"the note ends inside {hidden_by}, which would hide the new Log entry; close it"
            )
    if section is None:
        _ensure_final_newline(lines, newline)
        prefix = newline if lines and lines[-1].strip() else ""
        if not lines:
            prefix = ""
        heading_text = f"## {log_heading}{newline}"
        return _keep_open_end("".join(lines) + prefix + heading_text + line, open_end, newline)
    if insert_at is None:
        assert last_content is not None
        insert_at = last_content + 1
        if insert_at == len(lines):
            _ensure_final_newline(lines, newline)
    lines.insert(insert_at, line)
    return _keep_open_end("".join(lines), open_end, newline)


def _keep_open_end(text: str, open_end: bool, newline: str) -> str:
    """Drop the final newline again when the note had none (editors that omit it stay happy)."""
    return text[: -len(newline)] if open_end and text.endswith(newline) else text


def _split_comment(rest: str) -> tuple[str, str]:
    """A key line's text after `key: ` as (value, comment): YAML's comment starts at a `#`
    after a space, outside quotes (`"Engineer #2"` is a value, `1m  # monthly` has a comment)."""
    quote, position, length = "", 0, len(rest)
    while position < length:
        char = rest[position]
        if quote:
            if char == "\\" and quote == '"':
                position += 1  # (an escaped character, a quote among them)
            elif char == quote and quote == "'" and rest[position + 1 : position + 2] == "'":
                position += 1  # ('' is a quote in a single-quoted text)
            elif char == quote:
                quote = ""
        elif char in "'\"" and (position == 0 or rest[position - 1] in " \t[{,"):
            quote = char
        elif char == "#" and position > 0 and rest[position - 1] in " \t":
            value = rest[:position].rstrip(" \t")
            return value, rest[len(value) :]
        position += 1
    return rest, ""


def _links_its_date(item: str) -> bool:
    """Whether a Log entry writes its date as a link to its daily note (`- [[2026-11-20]] ...`)."""
    entry = LOG_ENTRY_RE.match(item)
    return entry is not None and item[entry.start(1) - 2 : entry.start(1)] == "[["


def _linking_its_date(item: str) -> str:
    """A Log entry `- 2026-11-20 ...` as `- [[2026-11-20]] ...` (any other item as it is)."""
    entry = LOG_ENTRY_RE.match(item)
    if entry is None or _links_its_date(item):
        return item
    return f"{item[: entry.start(1)]}[[{entry.group(1)}]]{item[entry.end(1) :]}"


def get_front_matter_line(text: str, key: str) -> int | None:
    """Index of the line holding top-level `key:` in the front matter, or None. A key set
    twice is read (by YAML, by vaultkit) from its last line: that one is the key's."""
    lines = split_lines(text)
    block = find_front_matter(lines)
    if block is None:
        return None
    for index in range(block.end - 1, block.start, -1):
        if line_key(lines[index]) == key:
            return index
    return None


def set_front_matter_value(text: str, key: str, value: str, keep_quotes: bool = True) -> str:
    """Set a top-level scalar `key: value`, keeping quoting style and a trailing comment.

    An absent key is added at the end of the front matter; a note without front matter
    gets one. `keep_quotes=False`: `value` is YAML text already (quoted if it must be),
    written as it is.
    """
    newline = newline_of(text)
    lines = split_lines(text)
    block = find_front_matter(lines)
    if block is None:
        bom = BOM if text.startswith(BOM) else ""
        rest = text[len(bom) :]
        return f"{bom}---{newline}{key}: {value}{newline}---{newline}{rest}"
    index = get_front_matter_line(text, key)
    if index is None:
        lines.insert(block.end, f"{key}: {value}{newline}")
        return "".join(lines)
    match = KEY_LINE_RE.match(lines[index])
    assert match is not None  # (the key's own spelling, quotes and all, stays)
    end = _key_span(lines, index, block.end)
    old, comment = _split_comment(match.group("rest"))
    quoted = keep_quotes and end == index + 1 and len(old) > 1 and old[0] in "'\"" and old.endswith(old[0])
    quote = old[0] if quoted else ""
    sep = match.group("sep") if match.group("sep").endswith((" ", "\t")) else ": "
    # The value's other lines (a block list or text, a folded or quoted text, a flow list
    # over several lines) belong to the key: replaced with it.
    lines[index:end] = [f"{match.group('key')}{sep}{quote}{value}{quote}{comment}{match.group('eol')}"]
    return "".join(lines)


def _key_span(lines: list[str], index: int, block_end: int) -> int:
    """The line after the value of the key on `lines[index]`: the indented lines that
    follow (a block list or text, a folded or quoted text, a flow list over several
    lines) belong to it, and so do blank lines and comment lines between them; `- ` items
    at the key's own indent too (YAML's block list under a key), and a flow list's or
    mapping's lines up to the one that closes it (YAML takes them at the left margin)."""
    end = scan = index + 1
    match = KEY_LINE_RE.match(lines[index])
    depth = _flow_depth(match.group("rest")) if match else 0
    while depth > 0 and scan < block_end:
        depth += _flow_depth(lines[scan])
        end = scan = scan + 1
    while scan < block_end:
        line = lines[scan]
        if line[:1] in (" ", "\t", "-"):
            if line.strip():
                end = scan + 1
        elif line.strip(" \t\r\n") and line[:1] != "#":
            break
        scan += 1
    return end


def _flow_depth(line: str) -> int:
    """How many more `[` and `{` than `]` and `}` a line opens, outside quotes and its comment."""
    value = _split_comment(line.rstrip("\r\n"))[0]
    depth, quote = 0, ""
    for char in value:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def remove_front_matter_key(text: str, key: str) -> str:
    """Remove a top-level `key` (its line, and its block value's lines; each of them, when
    it is set twice); unchanged when absent."""
    while (index := get_front_matter_line(text, key)) is not None:
        lines = split_lines(text)
        block = find_front_matter(lines)
        assert block is not None
        del lines[index : _key_span(lines, index, block.end)]
        text = "".join(lines)
    return text


def add_to_front_matter_list(text: str, key: str, items: list[str]) -> str:
    """Append `items` to the top-level list `key`, written as it is (`[a, b]`, on one line
    or over several, or `- a` lines); an absent key is added as a flow list at the end of
    the front matter, and one with no value (`tags:`, `tags: ~`: `model.no_value`) becomes
    that list.

    ValueError when the key holds something else (a single value, a nested list): where an
    item would go is not clear, so nothing is guessed.
    """
    if not items:
        return text
    index = get_front_matter_line(text, key)
    if index is None:
        return set_front_matter_value(text, key, yaml_list(items))
    newline = newline_of(text)
    lines = split_lines(text)
    block = find_front_matter(lines)
    assert block is not None
    match = KEY_LINE_RE.match(lines[index])
    assert match is not None
    end = _key_span(lines, index, block.end)
    value = _split_comment(match.group("rest"))[0].strip()
    refused = ValueError(f"`{key}` is not a list vaultkit can add to; add {', '.join(items)} by hand")
    if value.startswith("["):
        added = _added_to_flow_list(lines[index:end], key, items)
        if added is None:
            raise refused
        lines[index:end] = added
        return "".join(lines)
    item_lines = [n for n in range(index + 1, end) if lines[n].lstrip(" \t").startswith("- ")]
    # (blank and comment lines between the items are YAML's, not the list's)
    others = [
        n
        for n in range(index + 1, end)
        if n not in item_lines and lines[n].strip(" \t\r\n")[:1] not in ("", "#")
    ]
    if not item_lines and not others and (no_value(value) or value in ('""', "''")):  # (`tags: ""` too)
        return set_front_matter_value(text, key, yaml_list(items), keep_quotes=False)
    if value or not item_lines or others:
        raise refused
    last = lines[item_lines[-1]]
    indent = last[: len(last) - len(last.lstrip(" \t"))]
    if not last.endswith(("\n", "\r")):
        lines[item_lines[-1]] = last + newline
    lines[end:end] = [f"{indent}- {yaml_scalar(item)}{newline}" for item in items]
    return "".join(lines)


def _added_to_flow_list(span: list[str], key: str, items: list[str]) -> list[str] | None:
    """The lines of a flow list `key: [a, b]` (on one line or over several) with `items`
    written after its last item, or None when it is not a list of texts that reads back so."""
    from vaultkit.notes.frontmatter import YamlSyntaxError, load_yaml

    def read(lines: list[str]) -> object:
        try:
            return load_yaml("".join(lines)).get(key)
        except (YamlSyntaxError, ValueError, RecursionError):
            return None

    before = read(span)
    if not isinstance(before, list) or not all(isinstance(item, str) for item in before):
        return None
    # Each line's value without its comment (the key line's after its `:`): the list ends
    # at the last `]`, and its last item at the last character before it.
    values = []
    for number, line in enumerate(span):
        match = KEY_LINE_RE.match(line) if number == 0 else None
        start = match.start("rest") if match else 0
        values.append((start, _split_comment(line[start:].rstrip("\r\n"))[0].rstrip(" \t")))
    closing = next((n for n in range(len(span) - 1, -1, -1) if values[n][1]), None)
    if closing is None or not values[closing][1].endswith("]"):
        return None
    text = ", ".join(yaml_scalar(item, in_flow=True) for item in items)
    lines = list(span)
    for number in range(closing, -1, -1):
        start, value = values[number]
        if number == closing:
            value = value[:-1]
        value = value.rstrip(" \t")
        if not value:
            continue
        at = start + len(value)
        joiner = "" if value.endswith("[") else " " if value.endswith(",") else ", "
        lines[number] = f"{lines[number][:at]}{joiner}{text}{lines[number][at:]}"
        break
    if read(lines) != [*before, *items]:
        return None
    return lines


def _block_start(lines: list[str], name: str) -> int | None:
    """The line that starts the generated block `name` as the parser reads it, or None.

    A marker inside code or a comment starts nothing. One exception keeps a block that was
    appended to a note ending inside an unclosed comment or fence replaceable (the parser
    reads nothing there either way): a marker line inside that trailing region. And a
    marker line met inside an open `<!--` comment is a block appended to a note that
    ended in that comment: the marker's own `-->` closes it, so nothing after it is hidden.
    """
    state = LineState()
    hidden_from: int | None = None  # where the region the walk is still inside began
    marker = block_markers(name)[0]
    for index, line in enumerate(lines):
        raw = line.rstrip("\r\n")
        if state.comment[0] == "-->" and state.fence is None and marker_ends_comment(raw) == name:
            return index  # (as `LineState.step` reads it: the marker ends the comment)
        if state.fence is None and state.generated is None and state.comment[0] is None:
            if opens_generated(raw) == name:
                return index
            hidden_from = index
        state.step(raw)
        if state.fence is None and state.generated is None and state.comment[0] is None:
            hidden_from = None
    if hidden_from is None:
        return None
    return next((i for i in range(hidden_from, len(lines)) if lines[i].strip() == marker), None)


def replace_generated_block(text: str, name: str, content: str) -> str:
    """Put `content` between the `vaultkit:NAME` markers, touching nothing outside them.

    With no block yet, one is appended at the end of the note (or makes the whole note).
    A start marker with no end marker after it raises ValueError: where the generated
    part ends is unknown, so any replacement could eat the user's text. So does a second
    block of that name: only one would be kept current.
    """
    newline = newline_of(text) if text else "\n"
    start, end = block_markers(name)
    body = content.replace("\r\n", "\n").strip("\n")
    body = body.replace("\n", newline)
    lines = split_lines(text)
    begin = _block_start(lines, name)
    if begin is not None:
        finish = next(
            (
                i
                for i in range(begin + 1, len(lines))
                if closes_generated(lines[i], name) or opens_generated(lines[i]) == name
            ),
            None,
        )
        if finish is None or not closes_generated(lines[finish], name):
            raise ValueError(
                f"{start} has no {end} after it; add the end marker where the generated part ends"
            )
        if _block_start(lines[finish + 1 :], name) is not None:  # (one would go stale unsaid)
            raise ValueError(f"it has {start} twice; delete one of the two blocks")
        inner = f"{body}{newline}" if body else ""
        return "".join(lines[: begin + 1]) + inner + "".join(lines[finish:])
    block = f"{start}{newline}{body + newline if body else ''}{end}{newline}"
    if not text:
        return block
    _ensure_final_newline(lines, newline)
    separator = newline if lines and lines[-1].strip() else ""
    return "".join(lines) + separator + block


def has_heading(text: str, title: str) -> bool:
    """Whether the note has a heading `title` (any level, case-folded) that the parser reads:
    not in code, a comment or a generated block."""
    wanted = name_key(title)
    lines = split_lines(text)
    for _, raw, visible in _body_lines(lines, LineState()):
        found = heading(raw, visible) if visible is not None else None
        if found and name_key(found[1]) == wanted:
            return True
    return False


def _body_lines(lines: list[str], state: LineState) -> Iterator[tuple[int, str, str | None]]:
    """(index, the line without its line end (nor a BOM), what the parser reads of it: None
    inside code, a comment or a generated block) for each line below the front matter,
    `state` following the grammar's steps as the parser does."""
    for index in range(_body_start(lines), len(lines)):
        raw = lines[index].rstrip("\r\n")
        if index == 0:
            raw = raw.lstrip(BOM)
        yield index, raw, state.step(raw)


def append_section(text: str, section: list[str]) -> str:
    """Add `section` (lines without line ends) at the end of the note, after a blank line.

    The note's line ending is kept; a note that does not end with a newline gets one before
    the section. ValueError when the note ends inside a comment or code block that is never
    closed (the section would not be read).
    """
    newline = newline_of(text) if text else "\n"
    lines = split_lines(text)
    state = LineState()
    for _ in _body_lines(lines, state):
        pass
    hidden_by = state.unclosed()
    if hidden_by:
        raise ValueError(f"the note ends inside {hidden_by}, which would hide the new section; close it")
    _ensure_final_newline(lines, newline)
    separator = newline if lines and lines[-1].strip() else ""
    return "".join(lines) + separator + "".join(line + newline for line in section)
