"""The one YAML scalar/list writer (notes/frontmatter.py): what it writes reads back the same."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaultkit.notes.frontmatter import _YAML_AWKWARD_RE, load_yaml, yaml_list, yaml_scalar

PROPERTY = settings(max_examples=300, deadline=None)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


def _base_load(value_text: str) -> object:
    """A value as vaultkit reads front matter: no implicit types."""
    return yaml.load(f"k: {value_text}\n", Loader=yaml.BaseLoader)["k"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Acme", "Acme"),
        ("Stadtwerke München", "Stadtwerke München"),
        ("+49 89 2361 0", "+49 89 2361 0"),
        ("0123", "0123"),  # the spec keeps a value's text: no implicit types
        ("NO", "NO"),
        ("1985-04-12", "1985-04-12"),
        ("Smith, John", "Smith, John"),
        ("A & B", "A & B"),
        ("a: b", '"a: b"'),
        ("x #y", '"x #y"'),
        ("- x", '"- x"'),
        ("[[Ada]]", '"[[Ada]]"'),
        (" padded", '" padded"'),
        ("", '""'),
        ('say "hi"', '"say \\"hi\\""'),
        (dt.date(2026, 11, 22), "2026-11-22"),
        (42, "42"),
        (-1, "-1"),
        ("-1", '"-1"'),
        ("a\u2028b", '"a\\u2028b"'),
    ],
)
def test_yaml_scalar(value: object, written: str) -> None:
    assert yaml_scalar(value) == written


def test_yaml_list_quotes_a_comma_inside_an_item() -> None:
    assert yaml_list(["Smith, John", "Ada", "[[Bob]]"]) == '["Smith, John", Ada, "[[Bob]]"]'
    assert yaml_list([]) == "[]"


@PROPERTY
@given(texts)
@example("\u2028")
@example("\x85")
@example("a\tb")
@example("'")
def test_any_string_reads_back_as_itself(value: str) -> None:
    written = yaml_scalar(value)
    assert _base_load(written) == value
    assert load_yaml(f"k: {written}\n") == {"k": value}
    loaded = yaml.safe_load(f"k: {written}\n")["k"]
    # PyYAML's implicit types read `NO` or `0123` as something else; the spec keeps their text.
    if written.startswith('"') or isinstance(yaml.safe_load(f"k: {value}\n")["k"], str):
        assert loaded == value


@PROPERTY
@given(
    st.one_of(
        st.integers(),
        st.floats(-1e6, 1e6).map(lambda f: round(f, 3)),
        st.dates(),
        st.booleans(),
    )
)
def test_numbers_dates_and_bools_read_back_as_themselves(value: object) -> None:
    written = yaml_scalar(value)
    assert yaml.safe_load(f"k: {written}\n")["k"] == value
    assert _base_load(written) == str(value)


@PROPERTY
@given(st.lists(texts, max_size=5))
def test_any_list_reads_back_as_itself(values: list[str]) -> None:
    written = yaml_list(values)
    assert _base_load(written) == values
    assert load_yaml(f"k: {written}\n") == {"k": values}


def test_the_awkward_characters_are_those_yaml_refuses_or_reads_as_line_breaks() -> None:
    def printable(code: int) -> bool:  # YAML's c-printable, without NEL (a line break)
        return (
            code in (0x09, 0x0A, 0x0D)
            or 0x20 <= code <= 0x7E
            or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or code >= 0x10000
        )

    awkward = {code for code in range(0x110000) if not printable(code) or code in (0x2028, 0x2029, 0xFEFF)}
    everything = "".join(map(chr, range(0x110000)))
    assert {ord(found) for found in _YAML_AWKWARD_RE.findall(everything)} == awkward
