"""Three-way merge of one note, for the git merge driver. Pure text -> text.

A note is merged in parts, each with the rule that fits how vaultkit and people edit it:

- the front matter key by key against the ancestor (one side changed a key: that side;
  `last_contact`: the later date; lists: the union minus deletions; otherwise both values
  inside conflict markers around that key only);
- the first Log section as a set of entries (the union of both sides minus what one side
  deleted, in the order the section uses);
- generated `<!-- vaultkit:NAME -->` blocks from our side (the next render corrects them);
- the rest of the body with a line-based text merge (git's, passed in as `merge_text`).

The Log and the generated blocks are cut out of the body and replaced by placeholder
lines, the remaining "skeleton" is text-merged, then the placeholders are filled in. When
that cannot be done safely (a placeholder lost or inside a conflict) the whole body falls
back to the plain text merge, which never drops a line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vaultkit.notes.frontmatter import (
    BOM,
    KEY_LINE_RE,
    YamlSyntaxError,
    find_front_matter,
    line_key,
    load_yaml,
    yaml_scalar,
)
from vaultkit.notes.merge_body import (
    TextMerge,
    _lines,
    _merge_body,
    _merge_texts,
)

OURS_LABEL = "ours"
THEIRS_LABEL = "theirs"
LAST_CONTACT = "last_contact"

_FLOW_COMMENT_RE = re.compile(r"^\[.*\](?P<comment>[ \t]+#.*)?$")


@dataclass(frozen=True)
class MergeResult:
    """A merged note: its text, and what conflicted (empty when the merge is clean)."""

    text: str
    conflicts: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """Whether nothing conflicted."""
        return not self.conflicts


def merge_note(
    ancestor: str,
    ours: str,
    theirs: str,
    merge_text: TextMerge,
    log_heading: str = "Log",
    labels: tuple[str, str] = (OURS_LABEL, THEIRS_LABEL),
) -> MergeResult:
    """Merge two versions of a note against their common ancestor (see the module doc).

    `merge_text` is only called when both sides changed the same plain-text part.
    """
    if ours == theirs:
        return MergeResult(ours)
    if ancestor == ours:
        return MergeResult(theirs)
    if ancestor == theirs:
        return MergeResult(ours)
    newline = _newline_of(ours) or _newline_of(theirs) or _newline_of(ancestor) or "\n"
    versions = [_Note.split(text, newline) for text in (ancestor, ours, theirs)]
    a, o, t = versions
    conflicts: list[str] = []

    head: list[str] = []
    a_fm, o_fm, t_fm = (v.front_matter for v in versions)
    if a_fm is not None or o_fm is not None or t_fm is not None:
        merged_fm = _merge_front_matter(
            [v.fm_inner() for v in versions], merge_text, newline, labels, conflicts
        )
        present = _pick(a_fm is not None, o_fm is not None, t_fm is not None)
        if present or merged_fm:
            opening = next(v.front_matter for v in (o, t, a) if v.front_matter is not None)
            head = [opening[0], *merged_fm, opening[-1]]

    body, body_clean = _merge_body(a.body, o.body, t.body, merge_text, log_heading)
    if not body_clean:
        conflicts.append("body")

    bom = BOM if _pick(a.bom, o.bom, t.bom) else ""
    text = bom + "".join(head) + "".join(body)
    if not conflicts and _pick(a.no_final_newline, o.no_final_newline, t.no_final_newline):
        text = _strip_final_newline(text)
    return MergeResult(text, tuple(conflicts))


# -- splitting a note ---------------------------------------------------------------------


def _newline_of(text: str) -> str | None:
    end = text.find("\n")
    if end < 0:
        return None
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def _strip_final_newline(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def _pick(ancestor: Any, ours: Any, theirs: Any) -> Any:
    """The three-way rule for a single value: whichever side changed it (ours when both did)."""
    return theirs if ours == ancestor else ours


@dataclass
class _Note:
    """One version of the note cut into BOM, front matter lines and body lines."""

    bom: bool
    front_matter: list[str] | None
    body: list[str]
    no_final_newline: bool

    @classmethod
    def split(cls, text: str, newline: str) -> _Note:
        bom = text.startswith(BOM)
        if bom:
            text = text[len(BOM) :]
        no_final_newline = bool(text) and not text.endswith("\n")
        if no_final_newline:
            # Every line ends with a newline while merging; the end result drops it again.
            text += newline
        lines = _lines(text)
        block = find_front_matter(lines)
        if block is None:
            return cls(bom, None, lines, no_final_newline)
        return cls(bom, lines[: block.end + 1], lines[block.end + 1 :], no_final_newline)

    def fm_inner(self) -> list[str] | None:
        """The lines between the `---` fences (None without front matter)."""
        return None if self.front_matter is None else self.front_matter[1:-1]


# -- front matter ---------------------------------------------------------------------------
@dataclass
class _Chunk:
    """One top-level key with its lines (comments just above it, the key line, its value)."""

    key: str
    lines: list[str]

    def text(self) -> str:
        """The chunk's text with line endings made uniform, for comparing."""
        return "".join(line.rstrip("\r\n") + "\n" for line in self.lines)


@dataclass
class _FrontMatter:
    chunks: dict[str, _Chunk]
    order: list[str]
    trailer: list[str]
    values: dict[str, Any]


def _chunk_front_matter(lines: list[str] | None) -> _FrontMatter | None:
    """Cut front matter into key chunks; None when its layout is beyond key-by-key merging."""
    if lines is None:
        return _FrontMatter({}, [], [], {})
    try:
        values = load_yaml("".join(lines))
    except (YamlSyntaxError, ValueError, RecursionError):  # a typo, say: merged as text
        return None
    chunks: dict[str, _Chunk] = {}
    order: list[str] = []
    pending: list[str] = []
    current: _Chunk | None = None
    for line in lines:
        bare = line.rstrip("\r\n")
        if not bare.strip() or bare.startswith("#"):
            pending.append(line)
        elif bare[:1] in (" ", "\t") or bare == "-" or bare.startswith("- "):
            if current is None:
                return None
            current.lines.extend(pending)
            pending = []
            current.lines.append(line)
        else:
            key = line_key(bare)
            if key is None:
                return None
            if key in chunks:
                return None
            current = _Chunk(key, [*pending, line])
            pending = []
            chunks[key] = current
            order.append(key)
    if set(order) != set(values):
        return None
    return _FrontMatter(chunks, order, pending, values)


def _merge_front_matter(
    inner: Sequence[list[str] | None],
    merge_text: TextMerge,
    newline: str,
    labels: tuple[str, str],
    conflicts: list[str],
) -> list[str]:
    """Merge the lines inside the fences; appends what conflicted to `conflicts`."""
    parsed = [_chunk_front_matter(lines) for lines in inner]
    a, o, t = parsed
    if a is None or o is None or t is None:
        merged, clean = _merge_texts(["".join(lines or []) for lines in inner], merge_text)
        if not clean:
            conflicts.append("front matter")
        return _lines(merged)

    def decide(key: str) -> list[str] | None:
        chunks = [fm.chunks.get(key) for fm in (a, o, t)]
        texts = [c.text() if c else None for c in chunks]
        if texts[1] == texts[0]:
            return chunks[2].lines if chunks[2] else None
        if texts[2] == texts[0] or texts[1] == texts[2]:
            return chunks[1].lines if chunks[1] else None
        ours_chunk, theirs_chunk = chunks[1], chunks[2]
        if ours_chunk is not None and theirs_chunk is not None:
            resolved = _resolve_key(key, a.values.get(key), ours_chunk, theirs_chunk, o.values, t.values)
            if resolved is not None:
                return resolved
        conflicts.append(f"front matter key {key!r}")
        return _conflict_lines(
            ours_chunk.lines if ours_chunk else [],
            theirs_chunk.lines if theirs_chunk else [],
            newline,
            labels,
        )

    out: list[tuple[str, list[str]]] = []
    for key in o.order:
        lines = decide(key)
        if lines is not None:
            out.append((key, lines))
    for position, key in enumerate(t.order):
        if key in o.chunks:
            continue
        lines = decide(key)
        if lines is None:
            continue
        placed = [k for k, _ in out]
        # Theirs' new key goes after the nearest key that precedes it in theirs.
        where = 0
        for before in reversed(t.order[:position]):
            if before in placed:
                where = placed.index(before) + 1
                break
        out.insert(where, (key, lines))
    trailer = _pick("".join(a.trailer), "".join(o.trailer), "".join(t.trailer))  # comments after the last key
    result = [line for _, lines in out for line in lines]
    return result + _lines(trailer)


def _resolve_key(
    key: str,
    ancestor_value: Any,
    ours: _Chunk,
    theirs: _Chunk,
    ours_values: dict[str, Any],
    theirs_values: dict[str, Any],
) -> list[str] | None:
    """Both sides changed `key`: the lines that reconcile them, or None for a true conflict."""
    ours_value, theirs_value = ours_values[key], theirs_values[key]
    if ours_value == theirs_value:
        return ours.lines
    if key == LAST_CONTACT:
        ours_date, theirs_date = _as_date(ours_value), _as_date(theirs_value)
        if ours_date is not None and theirs_date is not None:
            return theirs.lines if theirs_date > ours_date else ours.lines
        return None
    if _is_flat_list(ours_value) and _is_flat_list(theirs_value):
        base = ancestor_value if _is_flat_list(ancestor_value) else []
        merged = _merge_list(base, ours_value, theirs_value)
        if merged == ours_value:
            return ours.lines
        if merged == theirs_value:
            return theirs.lines
        return _render_list(ours, theirs, merged)
    return None


def _as_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _is_flat_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _merge_list(ancestor: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    """Union minus deletions, in our order then theirs' new items: three-way as a set."""
    kept = [item for item in ours if item in theirs or item not in ancestor]
    added = [item for item in theirs if item not in ours and item not in ancestor]
    return list(dict.fromkeys(kept + added))


def _render_list(style: _Chunk, theirs: _Chunk, items: list[str]) -> list[str] | None:
    """A list value written the way `style` (our chunk) writes it: flow `[a, b]` or block `- a`."""
    key_at = next((i for i, line in enumerate(style.lines) if KEY_LINE_RE.match(line)), None)
    if key_at is None:
        return None
    lead, key_line, values = style.lines[:key_at], style.lines[key_at], style.lines[key_at + 1 :]
    match = KEY_LINE_RE.match(key_line)
    assert match is not None
    eol = match.group("eol") or "\n"
    rest = match.group("rest")
    flow = _FLOW_COMMENT_RE.match(rest)
    if flow is not None:
        body = ", ".join(yaml_scalar(item, in_flow=True) for item in items)
        head = match.group("key") + match.group("sep").rstrip(" \t")
        space = match.group("sep")[len(head) - len(match.group("key")) :] or " "
        return [*lead, f"{head}{space}[{body}]{flow.group('comment') or ''}{eol}"]
    item_line = next((line for line in values if line.lstrip(" ").startswith("-")), None)
    if (rest.strip() and not rest.strip().startswith("#")) or item_line is None:
        return None
    indent = item_line[: len(item_line) - len(item_line.lstrip(" "))]
    block = _block_list(values, items, indent, eol)
    if block is None:
        return None
    # Theirs' new items come with their own lines (a comment, the quoting), after our last item.
    theirs_lines = {item: line for item, line in _block_items(theirs.lines) if item is not None}
    new = [
        indent + theirs_lines[item].lstrip(" ").rstrip("\r\n") + eol
        if item in theirs_lines
        else f"{indent}- {yaml_scalar(item)}{eol}"
        for item in items
        if item not in block.kept
    ]
    lines = block.lines
    return [*lead, key_line, *lines[: block.after], *new, *lines[block.after :]]


@dataclass
class _BlockList:
    lines: list[str]
    kept: set[str]
    after: int


def _block_list(values: list[str], items: list[str], indent: str, eol: str) -> _BlockList | None:
    """Our block list's lines minus the items not in `items`; comments stay. None when an item
    spans lines (rather than guess, the key conflicts)."""
    lines: list[str] = []
    kept: set[str] = set()
    after = 0
    for item, line in _block_items(values):
        if item is None and line.strip() and not line.strip().startswith("#"):
            return None
        if item is None or item in items:
            lines.append(line)
        if item in items:
            kept.add(item)
            after = len(lines)
    return _BlockList(lines, kept, after)


def _block_items(lines: list[str]) -> list[tuple[str | None, str]]:
    """Each line with the item it holds (`  - Bob   # note` holds `Bob`), or None."""
    out: list[tuple[str | None, str]] = []
    for line in lines:
        item = None
        if line.lstrip(" ").startswith("-"):
            try:
                value = load_yaml(f"x:\n  {line.strip()}\n").get("x")
            except (YamlSyntaxError, ValueError, RecursionError):
                value = None
            if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
                item = value[0]
        out.append((item, line))
    return out


def _conflict_lines(ours: list[str], theirs: list[str], newline: str, labels: tuple[str, str]) -> list[str]:
    return [
        f"{'<' * 7} {labels[0]}{newline}",
        *ours,
        f"{'=' * 7}{newline}",
        *theirs,
        f"{'>' * 7} {labels[1]}{newline}",
    ]
