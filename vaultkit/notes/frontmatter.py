"""Front matter: finding it, reading it (a fast path, then YAML), and the one writer.

Reading: `find_front_matter` locates the block, `load_yaml` reads it with no implicit
types (flat `key: value` lines without the YAML loader, see `fast_yaml`). Writing:
templates (the `yaml` and `yaml_list` filters), the importers and the merge driver all
write values through `yaml_scalar` and `yaml_list`, so a value reads back as the same
text whoever wrote it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

MAX_YAML_NODES = 10_000
BOM = "\ufeff"


@dataclass(frozen=True)
class FrontMatter:
    """Where the front matter sits in a note's lines (0-based, end = closing `---`)."""

    start: int
    end: int


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """A note's lines with their endings, broken only at LF, CRLF and CR.

    Markdown editors break lines there alone; `str.splitlines` also breaks at form feeds,
    U+2028 and friends, which would shift line numbers and let an edit split a line.
    """
    lines = text.splitlines(keepends=True)
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    if len(lines) == breaks + (0 if not text or text.endswith(("\n", "\r")) else 1):
        return lines
    return _LINE_RE.findall(text)


def find_front_matter(lines: list[str]) -> FrontMatter | None:
    """Locate the front matter block; None when the note has none (or never closes it)."""
    if not lines or lines[0].lstrip(BOM).rstrip("\r\n").rstrip() != "---":
        return None
    for number in range(1, len(lines)):
        if lines[number].rstrip("\r\n").rstrip() == "---":
            return FrontMatter(0, number)
    return None


KEY_LINE_RE = re.compile(
    r"""^(?P<key>"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\r\n]|'')*'|[^\s#:\-"'][^:\r\n]*?)"""
    r"(?P<sep>[ \t]*:(?=[ \t\r\n]|$)[ \t]*)(?P<rest>[^\r\n]*)(?P<eol>[\r\n]*)$"
)
"""A front-matter line that sets a top-level key: the key as written (bare, or in single or
double quotes: YAML reads `"cadence": 1m` as `cadence: 1m`), the `:` with the blanks around
it, the value's text on that line and the line end. The one rule for which line holds a key
(the parser's warnings, the edits, the merge driver)."""


def line_key(line: str) -> str | None:
    """The top-level key a front-matter line sets, as YAML reads it (its quotes taken off),
    or None for any other line (a value's line, a comment, a blank)."""
    match = KEY_LINE_RE.match(line)
    if match is None:
        return None
    key = match.group("key")
    return unquoted_key(key) if key[:1] in "\"'" else key  # (most keys are bare)


def unquoted_key(written: str) -> str:
    """A key as written on its line (`cadence`, `"cadence"`, `'it''s'`) as YAML reads it."""
    if written[:1] == "'":
        return written[1:-1].replace("''", "'")
    if written[:1] != '"':
        return written
    if "\\" not in written:
        return written[1:-1]
    try:  # (an escape: YAML's own reading of it)
        loaded = load_yaml(f"{written}: x")
    except (YamlSyntaxError, ValueError):
        return written[1:-1]
    return next(iter(loaded), written[1:-1])


def unkeyed_layout(lines: list[str]) -> tuple[int, str] | None:
    """(the line, 1-based, where it starts; what it is) for a front matter with no key at the
    left margin, where the edits find keys: one indented as a whole (`  company: Acme`) or
    one `{…}` mapping. None for any other (or none)."""
    block = find_front_matter(lines)
    if block is None:
        return None
    for index in range(block.start + 1, block.end):
        line = lines[index]
        if not line.strip() or line.lstrip(" \t").startswith("#"):
            continue
        if line[:1] == "{":
            return index + 1, "is one {…} mapping"
        return (index + 1, "is indented") if line[:1] in (" ", "\t") else None
    return None


def _bounded(value: Any, budget: list[int]) -> None:
    """Walk a loaded YAML value, counting nodes as expanded; refuse past the bound."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError("YAML expands past the allowed size (an alias bomb?)")
    if isinstance(value, dict):
        for key, item in value.items():
            _bounded(key, budget)
            _bounded(item, budget)
    elif isinstance(value, list):
        for item in value:
            _bounded(item, budget)


def _link_fix(value: Any) -> Any:
    """Turn YAML's reading of an unquoted `[[Alice]]` (a nested list) back into the link."""
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], list) and len(value[0]) == 1:
            inner = value[0][0]
            if isinstance(inner, str):
                return f"[[{inner}]]"
        return [_link_fix(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _link_fix(v) for k, v in value.items()}
    return value


# Characters YAML refuses or reads as line breaks: C0 controls but tab and line ends, DEL,
# C1 (NEL among them), LS, PS, surrogates, the BOM and the two non-characters. (Written as
# the few it refuses, not the many it takes: that class compiles in 0.5 ms, not 13 ms of
# every command's start-up.)
_YAML_AWKWARD_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_SIMPLE_KEY_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(?: +(.*?))? *$")
_PLAIN_BAD_START = frozenset("!&*-?:,[]{}#|>@`\"'%~ \t")
_FLOW_ITEM_BAD = frozenset("[]{},:#&*!|>'\"%@`")


def _simple_scalar(text: str) -> str | None:
    """A one-line scalar as YAML's BaseLoader reads it, or None when it is not that simple."""
    if not text:
        return ""
    first = text[0]
    if first == '"':
        inner = text[1:-1]
        if len(text) >= 2 and text[-1] == '"' and '"' not in inner and "\\" not in inner:
            return inner
        return None
    if first == "'":
        inner = text[1:-1]
        return inner if len(text) >= 2 and text[-1] == "'" and "'" not in inner else None
    if first == "[":
        if not text.endswith("]"):
            return None
        return None
    if first in "-?:" and len(text) > 1 and text[1] not in " \t" and not text.startswith("---"):
        first = "a"  # `-1`, `--12-05`: a dash followed by text is a plain scalar
    if first in _PLAIN_BAD_START or ": " in text or " #" in text or "\t" in text or text.endswith(":"):
        return None
    return text


def _simple_list(text: str) -> list[str] | None:
    """A one-line flow list of simple scalars, or None."""
    inner = text[1:-1].strip()
    if not inner:
        return []
    items: list[str] = []
    for raw in inner.split(","):
        item = raw.strip()
        if not item:
            return None
        if item[0] in "\"'":
            value = _simple_scalar(item)
        elif not _FLOW_ITEM_BAD.isdisjoint(item) or "\t" in item or item[0] in "-?~":
            value = None
        else:
            value = item
        if value is None:
            return None
        items.append(value)
    return items


def fast_yaml(text: str) -> dict[str, Any] | None:
    """Front matter of flat `key: value` lines read without the YAML loader, or None.

    Most notes hold only such lines; anything else (indentation, block lists, anchors,
    escapes, comments after values) returns None and goes to the real loader, which
    gives the same result for every text this accepts (a property test checks it).
    """
    if _YAML_AWKWARD_RE.search(text) or ("\r" in text and text.count("\r") != text.count("\r\n")):
        return None  # (a CR alone breaks a line for YAML, not for `split("\n")`)
    result: dict[str, Any] = {}
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if line[0] == "#":
            continue
        match = _SIMPLE_KEY_RE.match(line)
        if match is None:
            return None
        value = match.group(2) or ""
        if value.startswith("[") and value.endswith("]") and not value.startswith("[["):
            items = _simple_list(value)
            if items is None:
                return None
            result[match.group(1)] = items
            continue
        scalar = _simple_scalar(value)
        if scalar is None:
            return None
        result[match.group(1)] = scalar
    return result


class YamlSyntaxError(Exception):
    """Front matter that is not YAML; `line` is 1-based within the YAML text."""

    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def load_yaml(text: str) -> dict[str, Any]:
    """Load front matter with no implicit typing: every scalar stays the text written."""
    simple = fast_yaml(text)
    if simple is not None:
        return simple
    # PyYAML costs 15 ms to import: only notes the fast path declines pay for it.
    import yaml

    try:  # PyYAML's C loader is much faster; fall back to pure Python where it is missing.
        from yaml import CBaseLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import BaseLoader as Loader  # type: ignore[assignment]
    try:
        loaded = yaml.load(text, Loader=Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise YamlSyntaxError(reason, mark.line + 1 if mark is not None else None) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ValueError("front matter is not a mapping of keys to values")
    _bounded(loaded, [MAX_YAML_NODES])
    return {str(key): _link_fix(value) for key, value in loaded.items()}


# -- writing ------------------------------------------------------------------------------------
_PLAIN_RE = re.compile(r"^[\w .@+/()'&,-]*$")
"""The characters a plain scalar may hold: no `:`, `#`, quotes, brackets or braces."""
_SPECIAL_START = tuple("!&*-?:,[]{}#|>@`\"'%")
"""First characters that give a plain scalar another meaning in YAML."""
_UNSAFE_IN_QUOTES_RE = _YAML_AWKWARD_RE
"""What JSON leaves raw but YAML refuses or reads as a line break (DEL, C1, NEL, LS, PS, BOM)."""


def yaml_scalar(value: object, *, in_flow: bool = False) -> str:
    """A scalar as YAML text: plain when that reads back as the same text, else double-quoted.

    "The same text" as vaultkit reads front matter, with no implicit types (the spec keeps
    `country: NO` and `phone: 0123` as written). Inside a flow list (`in_flow`) a comma
    would split the item, so it needs quotes there. A number or date is written as YAML
    reads it back (`yaml.safe_load` gives the same value).
    """
    text = str(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return text  # `-1`, `2.5`: a number's text is a plain scalar that reads back as it
    if (
        text
        and _PLAIN_RE.match(text)
        and not text.startswith(_SPECIAL_START)
        and text == text.strip()
        and not (in_flow and "," in text)
    ):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    if _UNSAFE_IN_QUOTES_RE.search(quoted):
        quoted = _UNSAFE_IN_QUOTES_RE.sub(lambda found: f"\\u{ord(found.group()):04x}", quoted)
    return quoted


def yaml_list(values: list[Any]) -> str:
    """A flow list `[a, "b, c"]` of YAML scalars."""
    return "[" + ", ".join(yaml_scalar(v, in_flow=True) for v in values) + "]"
