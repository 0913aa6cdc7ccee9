"""The body of a note in a three-way merge: the Log merged as a set of entries (in the
order its section uses), generated blocks taken from our side, the rest text-merged
around placeholders. See `vaultkit.notes.merge` for the whole rule."""

from __future__ import annotations

import bisect
import operator
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from vaultkit.model import name_key
from vaultkit.notes.grammar import (
    BULLET_ITEM_RE,
    GEN_END_RE,
    LOG_ENTRY_RE,
    closes_fence,
    closes_generated,
    heading,
    marker_ends_comment,
    opens_fence,
    opens_generated,
    visible_text,
)

TextMerge = Callable[[str, str, str], tuple[str, bool]]
"""(ancestor, ours, theirs) -> (merged text, clean): a line-based three-way text merge."""


_MARKER_RE = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |\r?\n|$)")


_MAY_OPEN = ("`", "~", "#")
"""How a line that starts a code fence or a heading begins (after spaces)."""


def _lines(text: str) -> list[str]:
    """Lines with their endings, split on "\\n" only (as git does)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


class _Entry(NamedTuple):
    """One Log list item with its continuation lines.

    A tuple, so that comparing and hashing 60,000 of them stays in C; `key` (the text with
    uniform line ends, what the sides are compared by) is worked out once, from `lines`.
    """

    lines: tuple[str, ...]
    date: str | None
    key: str


_KEY = operator.attrgetter("key")


_DATE = operator.attrgetter("date")


class _KnownLines:
    """Log lines already read in one merge: the three versions share nearly all of them.

    Reading each distinct line once (its date, and the entry it makes on its own) instead of
    once per version is a third of the time a merge of a long Log takes.
    """

    def __init__(self) -> None:
        self._dates: dict[str, str | None] = {}
        self._entries: dict[str, _Entry] = {}

    def date_of(self, line: str) -> str | None:
        """The date of the Log entry that `line` starts, or None when it starts none."""
        try:
            return self._dates[line]
        except KeyError:
            match = LOG_ENTRY_RE.match(line.rstrip("\r\n"))
            date = self._dates[line] = match.group(1) if match else None
            return date

    def entry(self, lines: list[str], date: str | None) -> _Entry:
        """The entry made of `lines` (the first one dated `date`)."""
        if len(lines) > 1:
            return _Entry(tuple(lines), date, "".join(line.rstrip("\r\n") + "\n" for line in lines))
        line = lines[0]
        try:
            return self._entries[line]
        except KeyError:
            entry = self._entries[line] = _Entry((line,), date, line.rstrip("\r\n") + "\n")
            return entry


@dataclass
class _Log:
    entries: list[_Entry]
    gap: list[str] | None  # the blank lines between two entries; None when there is one entry


@dataclass
class _Skeleton:
    """A body with its Log entries and generated block contents cut out into placeholders."""

    lines: list[str]
    log: _Log | None = None
    blocks: dict[str, list[str]] = field(default_factory=dict)


def _merge_texts(texts: Sequence[str], merge_text: TextMerge) -> tuple[str, bool]:
    """Three-way text merge of (ancestor, ours, theirs), calling `merge_text` only when both sides changed."""
    ancestor, ours, theirs = texts
    if ours == theirs or ancestor == theirs:
        return ours, True
    if ancestor == ours:
        return theirs, True
    return merge_text(ancestor, ours, theirs)


def _merge_body(
    ancestor: list[str], ours: list[str], theirs: list[str], merge_text: TextMerge, log_heading: str
) -> tuple[list[str], bool]:
    texts = ["".join(lines) for lines in (ancestor, ours, theirs)]
    token = "%%vaultkit-merge%%"
    while any(token in text for text in texts):
        token = token.replace("merge", "merge-x", 1)
    known = _KnownLines()
    layouts = [_layout(lines, log_heading, known) for lines in (ancestor, ours, theirs)]
    # A Log that one version cannot read as entries is merged as plain text in all three,
    # so that a placeholder never stands for different things on different sides.
    structured = all(layout.log_ok for layout in layouts)
    skeletons = [
        _skeleton(lines, layout, token, structured)
        for lines, layout in zip((ancestor, ours, theirs), layouts, strict=True)
    ]
    merged, clean = _merge_texts(["".join(s.lines) for s in skeletons], merge_text)
    filled = _fill(_lines(merged), skeletons, token)
    if filled is None:
        merged, clean = _merge_texts(texts, merge_text)
        return _lines(merged), clean
    return filled, clean


@dataclass
class _Layout:
    log: tuple[int, int, int] | None = None  # (heading line, first content line, end)
    log_ok: bool = True
    run: tuple[int, int] | None = None  # the Log entries' lines [start, end)
    entries: list[_Entry] = field(default_factory=list)
    gap: list[str] | None = None
    blocks: dict[str, tuple[int, int]] = field(default_factory=dict)  # inner lines [start, end)


def _layout(lines: list[str], log_heading: str, known: _KnownLines) -> _Layout:
    """Find the first Log section, its entries, and the generated blocks outside it.

    Code, comments and generated blocks are read by the grammar's rules, as the parser
    reads them: a heading inside any of them opens or closes no section.
    """
    layout = _Layout()
    wanted = name_key(log_heading)
    fence: str | None = None
    generated: str | None = None  # a generated block inside the Log: skipped, not cut out
    comment: list[str | None] = [None]
    log_level: int | None = None
    log_start = log_end = -1
    block_ends: dict[str, list[int]] | None = None
    # Looking for comments line by line is a tenth of the time on a long Log: skip it when
    # the note has none (one search of the whole text, in C).
    whole = "".join(lines)
    commented = "<!--" in whole or "%%" in whole
    index = 0
    quiet = True  # in no fence, generated block or comment
    count = len(lines)
    while index < count:
        line = lines[index]
        index += 1
        if (
            quiet
            and line.lstrip()[:1] not in _MAY_OPEN
            and not (commented and ("<!--" in line or "%%" in line))
        ):
            continue  # most lines (Log entries, text) can open nothing
        raw = line.rstrip("\r\n")
        if fence is not None:
            if closes_fence(raw, fence):
                fence = None
                quiet = comment[0] is None
            continue
        if generated is not None:
            if closes_generated(raw, generated):
                generated = None
                quiet = comment[0] is None
            continue
        in_log = log_level is not None and log_end < 0
        # A start marker met inside an open `<!--` ends the comment and opens its block, as
        # the parser reads it (`grammar.marker_ends_comment`).
        name = opens_generated(raw) if comment[0] is None else None
        if comment[0] == "-->" and (name := marker_ends_comment(raw)) is not None:
            comment[0] = None
        if name is not None:
            if in_log:
                generated = name
                quiet = False
                continue
            if block_ends is None:
                block_ends = _block_ends(lines)
            end = _first_after(block_ends.get(name, []), index - 1)
            if end is None:
                break  # never closed: the parser reads nothing more of the note
            layout.blocks.setdefault(name, (index, end))
            index = end + 1
            quiet = True
            continue
        if comment[0] is None:
            fence = opens_fence(raw)
            if fence is not None:
                quiet = False
                continue
        found = heading(raw, visible_text(raw, comment))
        quiet = comment[0] is None
        if found:
            level, title = found
            if in_log and log_level is not None and level <= log_level:
                log_end = index - 1
            if log_level is None and name_key(title) == wanted:
                log_level = level
                log_start = index - 1
    if log_level is None:
        return layout
    if log_end < 0:
        log_end = len(lines)
    layout.log = (log_start, log_start + 1, log_end)
    _read_log(lines, layout, known)
    return layout


def _block_ends(lines: list[str]) -> dict[str, list[int]]:
    """Where each generated block's end marker is, by the block's name, in line order."""
    ends: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        if "/vaultkit:" in line and (match := GEN_END_RE.search(line)):
            ends.setdefault(match.group(1), []).append(number)
    return ends


def _first_after(numbers: list[int], number: int) -> int | None:
    """The first of the (ascending) `numbers` above `number`, or None."""
    at = bisect.bisect_right(numbers, number)
    return numbers[at] if at < len(numbers) else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _read_log(lines: list[str], layout: _Layout, known: _KnownLines) -> None:
    """Cut the Log section's run of entries into items; mark the Log unreadable if it is mixed.

    The run goes from the first dated entry to the end of the last one. Inside it every
    line must belong to a list item (its first line, or an indented continuation) or be
    a blank line between items, and the blank lines between items must be the same
    throughout; otherwise the Log is merged as plain text.
    """
    assert layout.log is not None
    _, first, end = layout.log
    dates: dict[int, str] = {}  # line number -> the date of the dated entry starting there
    date_of = known.date_of
    for number in range(first, end):
        date = date_of(lines[number])
        if date is not None:
            dates[number] = date
    if not dates:
        return
    start = next(iter(dates))
    base = _indent(lines[start])
    last_dated = next(i for i in reversed(dates) if _indent(lines[i]) == base)
    entries: list[_Entry] = []
    gap: list[str] | None = None  # the blank lines between the first two items; all gaps must match
    gap_text = ""
    blank: list[str] = []
    current: list[str] = []
    current_at = start
    stop = end  # where the run ends, or its blank lines before what follows
    # Every line of a long Log passes here: `line` keeps its line end, which none of the
    # tests below looks at (isspace, the indent, the item's first characters).
    for index in range(start, end):
        line = lines[index]
        if line.isspace():
            blank.append(line)
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if indent == base and index <= last_dated and BULLET_ITEM_RE.match(line):
            if current:
                entries.append(known.entry(current, dates.get(current_at)))
                if gap is None:
                    gap, gap_text = blank, "".join(blank)
                elif "".join(blank) != gap_text:
                    layout.log_ok = False
                    return
            current, blank, current_at = [line], [], index
        elif indent > base and (not blank or index < last_dated):
            # An indented line continues the item, also after a blank line (a loose item).
            current.extend(blank)
            current.append(line)
            blank = []
        elif index < last_dated:
            layout.log_ok = False
            return
        else:
            stop = index
            break
    entries.append(known.entry(current, dates.get(current_at)))
    layout.entries = entries
    layout.gap = gap
    layout.run = (start, stop - len(blank))


def _skeleton(lines: list[str], layout: _Layout, token: str, structured: bool) -> _Skeleton:
    """Replace the Log entries and the generated blocks' contents with placeholder lines."""
    cuts: list[tuple[int, int, str]] = []
    skeleton = _Skeleton([])
    for name, (start, end) in layout.blocks.items():
        cuts.append((start, end, f"{token}block:{name}\n"))
        skeleton.blocks[name] = lines[start:end]
    if structured and layout.log is not None:
        skeleton.log = _Log(layout.entries, layout.gap)
        if layout.run is not None:
            cuts.append((layout.run[0], layout.run[1], f"{token}log\n"))
        else:
            heading, _, end = layout.log
            spot = max(i for i in range(heading, end) if lines[i].strip()) + 1
            cuts.append((spot, spot, f"{token}log\n"))
    out: list[str] = []
    position = 0
    for start, end, placeholder in sorted(cuts):
        out.extend(lines[position:start])
        out.append(placeholder)
        position = end
    out.extend(lines[position:])
    skeleton.lines = out
    return skeleton


def _fill(merged: list[str], skeletons: list[_Skeleton], token: str) -> list[str] | None:
    """Put the merged Log and blocks back in place of the placeholders; None when unsafe."""
    a, o, t = skeletons
    log_lines = _merge_log(a.log, o.log, t.log)
    seen: set[str] = set()
    out: list[str] = []
    in_conflict = False
    for line in merged:
        if _MARKER_RE.match(line):
            if line.startswith(("<" * 7, ">" * 7)):
                in_conflict = line.startswith("<")
            out.append(line)
            continue
        if not line.startswith(token):
            out.append(line)
            continue
        what = line[len(token) :].rstrip("\r\n")
        if in_conflict or what in seen:
            return None
        seen.add(what)
        if what == "log":
            out.extend(log_lines)
        else:
            name = what[len("block:") :]
            inner = next((s.blocks[name] for s in (o, t, a) if name in s.blocks), [])
            out.extend(inner)
    if "log" not in seen and log_lines:
        return None  # the section went away on one side while the other added to it
    return out


def _merge_log(ancestor: _Log | None, ours: _Log | None, theirs: _Log | None) -> list[str]:
    """The merged Log entries as lines: union of both sides minus deletions, in the section's order."""
    a = ancestor.entries if ancestor else []
    o = ours.entries if ours else []
    t = theirs.entries if theirs else []
    a_count, o_count, t_count = (Counter(map(_KEY, entries)) for entries in (a, o, t))
    wanted: Counter[str] = Counter()
    for key in set(o_count) | set(t_count):
        base, mine, other = a_count[key], o_count[key], t_count[key]
        if mine == base:
            wanted[key] = other
        elif other == base:
            wanted[key] = mine
        elif mine > base and other > base:
            wanted[key] = max(mine, other)  # both added it: the same entry once
        elif mine < base and other < base:
            wanted[key] = min(mine, other)
        else:
            wanted[key] = max(0, mine + other - base)
    merged = _weave(o, t, wanted)
    direction = next(
        (d for d in map(_direction, (o, t, a)) if d is not None),
        -1,  # `vault log` writes newest first
    )
    if direction != 0 and all(e.date is not None for e in merged):
        merged.sort(key=_DATE, reverse=direction < 0)
    gap = next((log.gap for log in (ours, theirs, ancestor) if log is not None and log.gap is not None), [])
    lines: list[str] = []
    for number, entry in enumerate(merged):
        if number:
            lines.extend(gap)
        lines.extend(entry.lines)
    return lines


def _weave(ours: list[_Entry], theirs: list[_Entry], wanted: Counter[str]) -> list[_Entry]:
    """Our entries as `wanted` keeps them, in our order, with theirs' new ones woven in.

    Each of theirs' new entries goes right after theirs' latest entry that is in the result
    (first when there is none yet). The result is a linked list of node numbers, so that a
    Log of 60,000 entries takes one pass and not one search of the list per entry.
    """
    left = Counter(wanted)
    nodes: list[_Entry] = []
    for entry in ours:
        if left[entry.key] > 0:
            left[entry.key] -= 1
            nodes.append(entry)
    following = [*range(1, len(nodes)), -1] if nodes else []  # the next node's number, -1 at the end
    head = 0 if nodes else -1
    first_node: dict[_Entry, int] = {}  # an entry's node; the first one when it is there twice
    for number, entry in enumerate(nodes):
        first_node.setdefault(entry, number)
    anchor = -1  # the node of theirs' latest entry that is in the result; -1 before the first
    for entry in theirs:
        if left[entry.key] > 0:
            left[entry.key] -= 1
            node = len(nodes)
            nodes.append(entry)
            if anchor < 0:
                following.append(head)
                head = node
            else:
                following.append(following[anchor])
                following[anchor] = node
            first_node.setdefault(entry, node)
            anchor = node
        elif entry in first_node:
            anchor = first_node[entry]
    merged: list[_Entry] = []
    node = head
    while node >= 0:
        merged.append(nodes[node])
        node = following[node]
    return merged


def _direction(entries: list[_Entry]) -> int | None:
    """-1 when the entries run newest first, 1 oldest first, 0 mixed, None when it cannot tell."""
    dates = list(map(_DATE, entries))
    if None in dates:
        return 0 if len(entries) > 1 else None
    rising = any(map(operator.gt, dates[1:], dates))
    falling = any(map(operator.lt, dates[1:], dates))
    if rising and falling:
        return 0
    if falling:
        return -1
    if rising:
        return 1
    return None
