"""The whole-text scanner and the line-by-line scanner read every plain body the same way."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.config import Config
from vaultkit.model import ParsedNote
from vaultkit.parse import _scan_lines, _scan_plain

NAMES = ["Ada", "Ada Lovelace", "People/Ada", "Bob|Bobby", "Zoë#Log", "x.md", "a b"]
pieces = st.one_of(
    st.sampled_from(
        [
            "talked",
            " ",
            "  ",
            "\t",
            "\u00a0",
            "- ",
            "* ",
            "1. ",
            "> ",
            "#",
            "## ",
            "[",
            "]",
            "(",
            ")",
            ":",
            "coffee: ",
            "📅 2026-11-30",
            "2026-11-02",
            "2026-13-45",
            "!",
            "|",
            "\\",
        ]
    ),
    st.sampled_from(NAMES).map(lambda n: f"[[{n}]]"),
    st.sampled_from(NAMES).map(lambda n: f"![[{n}]]"),
    st.sampled_from(
        ["[Ada](People/Ada%20Lovelace.md)", "![x](Ada.md)", "[y](https://x.org/a.md)", "[z](<../Ada.md>)"]
    ),
)
line_starts = st.sampled_from(
    [
        "",
        "- ",
        "  - ",
        "    - ",
        "* ",
        "+ ",
        "1. ",
        "- [ ] ",
        "- [x] ",
        "- [/] ",
        "  - [-] ",
        "> ",
        "# ",
        "## ",
        "### Log",
        "## Log",
        "#### log",
        "- 2026-10-02 ",
        "- 2026-10-02 call: ",
        "-\t2026-02-30 x",
        "## Notes",
    ]
)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 14))):
        text = draw(line_starts) + "".join(draw(st.lists(pieces, max_size=6)))
        lines.append(text)
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


def scanned(kind: str, body: str, use_plain: bool) -> tuple[object, ...]:
    note = ParsedNote(path="Daily/2026-11-22.md", name="2026-11-22", kind=kind)
    if use_plain:
        _scan_plain(note, body, 1, Config())
    else:
        _scan_lines(note, body.splitlines(keepends=True), 0, Config())
    return (note.links, note.log, note.tasks, note.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies(), st.sampled_from(["person", "daily", "meeting", "other"]))
def test_both_scanners_agree(body: str, kind: str) -> None:
    assert scanned(kind, body, True) == scanned(kind, body, False), body
