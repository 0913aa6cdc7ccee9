"""The Markdown of a note, line by line: the one place that knows its patterns and rules.

The parser, the editor, the merge driver, meetings and the views all read a note's body
through these patterns and functions, so that they agree on what is code, a comment, a
generated block, a heading, a Log entry, a task or a link. A body scanner steps through
the lines in this order (`parse._scan_body` is the reference; `LineState` is the same
walk for scanners that are not the hot loop of the index):

1. inside a code fence: the line is code; `closes_fence` ends it;
2. inside a generated block: the line is generated; `closes_generated` ends it;
3. outside a comment: `opens_generated`, then `opens_fence` (the line itself is hidden);
4. `strip_comments` removes `<!-- -->` and `%% %%` text, carrying an open comment over;
5. what is left is read for headings, tasks, Log entries and links.
"""

from __future__ import annotations

import re

FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
"""A line that opens a code fence: up to 3 spaces, then 3 or more backticks or tildes."""
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
"""An ATX heading: group 1 the hashes (its level), group 2 the text."""
LIST_ITEM_RE = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s")
"""The start of a list item, bulleted or numbered."""
BULLET_ITEM_RE = re.compile(r"^[ \t]{0,3}[-*+][ \t]")
"""The start of a bulleted list item (what a Log entry is)."""
TASK_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[(.)\]\s+(.*)$")
"""A task `- [ ] text`: group 1 the status character, group 2 the text."""
# `- YYYY-MM-DD text`, the date also as a link to its daily note (`- [[2026-11-20]] text`,
# `- [[2026-11-20|Nov 20]] text`), and followed by a colon or comma (`- 2026-11-20: text`).
LOG_ENTRY_RE = re.compile(
    r"^\s{0,3}[-*+]\s+(?:\[\[(?=\d{4}-\d{2}-\d{2}[\]|]))?(\d{4}-\d{2}-\d{2})"
    r"(?:(?<=\[\[\d{4}-\d{2}-\d{2})(?:\|[^\[\]]*)?\]\])?[:,]?(?:\s+(.*))?$"
)
"""A Log list item `- YYYY-MM-DD [channel:] text`: group 1 the date, group 2 the rest."""
CHANNEL_RE = re.compile(r"^([a-z][a-z0-9-]*): (.*)$", re.DOTALL)
"""The `channel: text` a Log entry's rest may start with."""
_DUE = r"(?:📅\s*|(?P<field>[\[(])(?i:due)::\s*)(?P<date>\d{4}-\d{2}-\d{2})(?(field)\s*[\])])"
DUE_RE = re.compile(_DUE)
"""A task's due mark, as the Tasks plugin writes it, `📅 YYYY-MM-DD`, or in its Dataview
format, `[due:: YYYY-MM-DD]` (or in parentheses): the group `date`."""
DUE_MARK_RE = re.compile(r"\s*" + _DUE)
"""A due mark with the space before it: what to remove to show a task's text alone."""
QUOTE_RE = re.compile(r"^\s*>")
INLINE_CODE_RE = re.compile(r"(`+)(.+?)\1")
WIKILINK_RE = re.compile(r"(!?)\[\[([^\[\]]+?)\]\]")
"""A wiki link or embed: group 1 `!` for an embed, group 2 what is inside the brackets."""
MDLINK_RE = re.compile(r"(!?)\[[^\]]*\]\(\s*(<[^>]+>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
"""A Markdown link or image: group 1 `!` for an image, group 2 the address."""
GEN_START_RE = re.compile(r"<!--\s*vaultkit:([\w-]+)\s*-->")
"""The marker that starts a generated block, anywhere in a line: group 1 the block's name."""
GEN_END_RE = re.compile(r"<!--\s*/vaultkit:([\w-]+)\s*-->")
"""The marker that ends a generated block, anywhere in a line."""
GEN_MARKER_RE = re.compile(r"<!--\s*/?vaultkit:[\w-]+\s*-->")
"""Either marker (to defuse text copied into a generated block)."""
LIST_LEADS = frozenset("-*+0123456789")
"""The characters a list item can start with (after spaces): cheaper than a regex."""
FENCE_LEADS = ("`", "~")
"""The characters a fence can start with (after spaces)."""


_HIDING_RE = re.compile(r"<(?=!--)|%(?=%)")
"""Where a comment would open (`<!--`, `%%`): a backslash goes after the `<` or the `%`."""


def inline_text(text: str) -> str:
    """Text to write into one line of a note (a Log entry's, a note under `## Notes`): its
    white space made single spaces (a line break would start a line of its own), and each
    comment opener (`<!--`, `%%`) escaped with a backslash (`<\\!--`, `%\\%`), which
    Obsidian shows as the characters typed. Left as they were, they would hide the rest of
    the line, and every line after it up to a `-->` or `%%`, from vaultkit and Obsidian
    alike: text from a calendar or an assistant could take a person's Log out of sight.
    Control characters are left out: a NUL would make the whole note unreadable (binary)."""
    return _HIDING_RE.sub(r"\g<0>\\", " ".join(_CONTROL_RE.sub("", text).split()))


_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
"""Control characters that are not white space (`str.split` takes those)."""


def split_channel(rest: str) -> tuple[str | None, str]:
    """(channel, text) of what follows a Log entry's date, `coffee: text` -> (`coffee`,
    `text`); (None, rest) when it starts with no channel word. An ask's text (`asked:
    facebook: text`) starts with the channel it was made over, read by the same rule."""
    found = CHANNEL_RE.match(rest)
    return (found.group(1), found.group(2).strip()) if found else (None, rest)


def opens_fence(line: str) -> str | None:
    """The fence (its run of backticks or tildes) that `line` opens, or None."""
    opened = FENCE_RE.match(line)
    return opened.group(1) if opened else None


def closes_fence(line: str, fence: str) -> bool:
    """Whether `line` closes `fence`: the same character, at least as many, nothing else."""
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def marker_ends_comment(line: str) -> str | None:
    """The name of the generated block a line that is only its start marker opens, met
    inside an open `<!--` comment (a block vaultkit appended to a note that ended in one):
    the marker's own `-->` ends the comment, and the block is generated as any other."""
    found = GEN_START_RE.fullmatch(line.strip()) if "vaultkit:" in line else None
    return found.group(1) if found else None


def opens_generated(line: str) -> str | None:
    """The name of the generated block `line` starts (and does not also end), or None.

    The marker may sit anywhere in the line, as the parser has always read it.
    """
    if "<!--" not in line:
        return None
    start = GEN_START_RE.search(line)
    if start is None or GEN_END_RE.search(line):
        return None
    return start.group(1)


def closes_generated(line: str, name: str) -> bool:
    """Whether `line` ends the generated block `name` (the end marker anywhere in it)."""
    end = GEN_END_RE.search(line)
    return end is not None and end.group(1) == name


def block_markers(name: str) -> tuple[str, str]:
    """The comment lines that fence a generated block."""
    return f"<!-- vaultkit:{name} -->", f"<!-- /vaultkit:{name} -->"


def strip_comments(line: str, state: list[str | None]) -> str:
    """Remove `%% %%` and `<!-- -->` comment text; `state[0]` carries an open comment's closer."""
    kept: list[str] = []
    rest = line
    while rest:
        if state[0] is not None:
            end = rest.find(state[0])
            if end < 0:
                return "".join(kept)
            rest = rest[end + len(state[0]) :]
            state[0] = None
            continue
        pct, html = rest.find("%%"), rest.find("<!--")
        starts = [(pos, opener) for pos, opener in ((pct, "%%"), (html, "<!--")) if pos >= 0]
        if not starts:
            kept.append(rest)
            break
        pos, opener = min(starts)
        kept.append(rest[:pos])
        rest = rest[pos + len(opener) :]
        state[0] = "%%" if opener == "%%" else "-->"
    return "".join(kept)


def visible_text(line: str, comment: list[str | None]) -> str:
    """What of a line outside code is read as Markdown: no comments, no inline code."""
    if comment[0] is not None or "%%" in line or "<!--" in line:
        line = strip_comments(line, comment)
    if "`" in line:
        line = INLINE_CODE_RE.sub(" ", line)
    return line


def plain_links(text: str) -> str:
    """Text with its links as the words they show: `[[Ada Lovelace|Ada]]` -> `Ada`,
    `[[People/Ada Lovelace#Log]]` -> `Ada Lovelace`, `[paper](paper.md)` -> `paper`, an
    embed -> nothing. For text copied elsewhere, where a link would make a contact."""

    def wikilink(match: re.Match[str]) -> str:
        if match.group(1):
            return ""
        target, _, shown = match.group(2).partition("|")
        return shown or target.split("#", 1)[0].rsplit("/", 1)[-1] or target

    def mdlink(match: re.Match[str]) -> str:
        return "" if match.group(1) else match.group(0)[1 : match.group(0).index("](")]

    return MDLINK_RE.sub(mdlink, WIKILINK_RE.sub(wikilink, text))


def heading(raw: str, visible: str) -> tuple[int, str] | None:
    """(level, text) when the line is a heading: `raw` starts with `#`, read in `visible`."""
    found = HEADING_RE.match(visible) if raw.lstrip()[:1] == "#" else None
    return (len(found.group(1)), found.group(2)) if found else None


class LineState:
    """Where a walk through a note's body is: in a fence, a generated block, a comment.

    `step(line)` takes each line (without its line end) in order and returns the text
    that is read as Markdown (`visible_text`), or None when the line is code, generated,
    or the marker line that opens either. The same rules as `parse._scan_body`, which inlines them.
    """

    __slots__ = ("comment", "fence", "generated")

    def __init__(self) -> None:
        self.fence: str | None = None
        self.generated: str | None = None
        self.comment: list[str | None] = [None]

    def step(self, line: str) -> str | None:
        """The visible text of the next line, or None when it is hidden."""
        if self.fence is not None:
            if closes_fence(line, self.fence):
                self.fence = None
            return None
        if self.generated is not None:
            if closes_generated(line, self.generated):
                self.generated = None
            return None
        if self.comment[0] is None:
            self.generated = opens_generated(line)
            if self.generated is not None:
                return None
            if line.lstrip()[:1] in FENCE_LEADS:
                self.fence = opens_fence(line)
                if self.fence is not None:
                    return None
        elif self.comment[0] == "-->" and (name := marker_ends_comment(line)) is not None:
            self.comment[0], self.generated = None, name
            return None
        return visible_text(line, self.comment)

    def unclosed(self) -> str | None:
        """What the walk is still inside of, in words, or None."""
        if self.fence is not None:
            return f"a code block that is never closed (add a {self.fence} line)"
        if self.generated is not None:
            return f"a generated block that is never closed (add <!-- /vaultkit:{self.generated} -->)"
        if self.comment[0] == "%%":
            return "a %% comment that is never closed"
        if self.comment[0] is not None:
            return "an <!-- comment that is never closed (add -->)"
        return None
