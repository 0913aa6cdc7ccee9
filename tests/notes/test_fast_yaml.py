"""The front-matter fast path reads exactly what YAML's BaseLoader reads, or declines."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vaultkit.notes.frontmatter import fast_yaml, load_yaml

SCALAR_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\t")
scalars = st.one_of(
    st.text(SCALAR_CHARS, max_size=12),
    st.text(st.sampled_from("ab \u2028\u0085\ufeff\u00a0:#\x7f\r"), max_size=6),
    st.sampled_from(
        [
            "NO",
            "0123",
            "1.10",
            "~",
            "null",
            "true",
            "2026-10-02",
            "a: b",
            "x #y",
            "-1",
            "'q'",
            '"d"',
            "[a, b]",
            "[[Ada]]",
            "[]",
            "[ a ,b ]",
            "[a,, b]",
            "a\\b",
            "# c",
            "--12-05",
            "-1",
            "- x",
            "-",
            "---",
            "--- x",
            "?x",
            ":x",
            "-\tx",
        ]
    ),
)
keys = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,8}", fullmatch=True),
    st.sampled_from(["key", "a b", "-x", "k:"]),
)


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(keys)
        value = draw(scalars)
        sep = draw(st.sampled_from([": ", ":", ":  ", " : "]))
        lines.append(f"{key}{sep}{value}".rstrip() if draw(st.booleans()) else f"{key}{sep}{value}")
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "# comment", "  - item", "---"])))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))  # (a CR alone ends a line, as on old Macs)
    return end.join(lines) + end


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matters())
@example("A: \r# comment\r")  # a CR alone ends the line: the comment is not the value
@example("city: Paris\rnote\r")  # (YAML refuses it: the fast path must not take it)
def test_fast_path_agrees_with_the_yaml_loader(text: str) -> None:
    fast = fast_yaml(text)
    if fast is None:
        return
    try:
        loaded = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        raise AssertionError(f"fast path accepted text YAML refuses: {text!r}") from None
    assert fast == (loaded or {}), text


def test_fast_path_takes_the_common_notes() -> None:
    text = 'aliases: [Ada]\ntags: [person, mentor]\ncadence: 1m\nphone: "0123 456"\ncountry: NO\nversion: 1.10\nempty:\n'
    assert fast_yaml(text) == {
        "aliases": ["Ada"], "tags": ["person", "mentor"], "cadence": "1m", "phone": "0123 456",
        "country": "NO", "version": "1.10", "empty": "",
    }  # fmt: skip


def test_fast_path_declines_what_it_cannot_read() -> None:
    for text in ("tags:\n  - a\n", "a: &x 1\nb: *x\n", 'q: "a\\"b"\n', "related: [[Alice]]\n", "a: b # c\n"):
        assert fast_yaml(text) is None, text
    assert load_yaml("related: [[Alice]]\n") == {"related": "[[Alice]]"}


def test_a_link_in_a_heading_of_a_daily_note_is_a_contact() -> None:
    from vaultkit.config import Config
    from vaultkit.notes.parse import parse_text

    note = parse_text("Daily/2026-11-20.md", "## Lunch with [[Ada Lovelace]]\n- talked\n", Config())
    assert [(link.target, link.line, link.contact) for link in note.links] == [("ada lovelace", 1, True)]
