"""Front matter written by vaultkit: the one rule for a YAML scalar or flow list.

Templates (the `yaml` and `yaml_list` filters), the importers and the merge driver all
write values through `yaml_scalar` and `yaml_list`, so a value reads back as the same
text whoever wrote it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_PLAIN_RE = re.compile(r"^[\w .@+/()'&,-]*$")
"""The characters a plain scalar may hold: no `:`, `#`, quotes, brackets or braces."""
_SPECIAL_START = tuple("!&*-?:,[]{}#|>@`\"'%")
"""First characters that give a plain scalar another meaning in YAML."""
_UNSAFE_IN_QUOTES_RE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
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
