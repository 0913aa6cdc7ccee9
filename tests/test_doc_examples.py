"""Every console example in README.md and docs/ runs against a copy of example-vault/ and
prints what the page says (see tests/doc_examples.py for the rules)."""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_examples import examples, matches, normalise, pages, run_page


@pytest.mark.parametrize("page", pages(), ids=lambda page: page.name)
def test_the_console_examples_print_what_the_page_says(page: Path, tmp_path: Path) -> None:
    for example, actual in run_page(page, tmp_path):
        assert matches(example.expected, actual), (
            f"{example.page}:{example.line}: $ {example.command}\n"
            f"the page says:\n{normalise(example.expected)}\nthe tool prints:\n{normalise(actual)}"
            "(run `python -m tests.doc_examples docs/PAGE.md` to see every example's output)"
        )


def test_the_pages_have_console_examples() -> None:
    counted = {page.name: len(examples(page)) for page in pages()}
    for name in ["README.md", "commands.md", "views-and-watch.md", "meetings-and-review.md", "insights.md"]:
        assert counted[name] >= 2, counted
    assert sum(counted.values()) >= 35, counted


def test_the_placeholder_stands_for_lines_and_text() -> None:
    assert matches("a\n...\nd\n", "a\nb\nc\nd\n")
    assert matches("a\n...\nd\n", "a\nd\n")
    assert matches("Wrote 3 to .../x.ics\n\n", "Wrote 3 to /tmp/t/x.ics  \n")
    assert not matches("a\nd\n", "a\nb\nd\n")
    assert not matches("Wrote 3 to .../x.ics\n", "Wrote 4 to /tmp/x.ics\n")


def test_a_console_block_starts_with_a_command(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```console\noutput without a command\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"page\.md:2: a console block must start with a `\$ ` command"):
        examples(page)


def test_the_library_example_prints_what_the_page_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re
    import shutil

    from doc_examples import REPO

    page = (REPO / "docs" / "library.md").read_text(encoding="utf-8")
    code = page.split("```python\n", 1)[1].split("```", 1)[0]
    said = " ".join(page.split("```python\n", 1)[1].split("```", 1)[1].strip().split("\n\n", 1)[0].split())
    vault = tmp_path / "demo-vault"
    shutil.copytree(REPO / "example-vault", vault)
    # The page's vault is a copy in /tmp and its index the user's cache; here both are in tmp_path.
    code = code.replace('"/tmp/demo-vault"', repr(str(vault)))
    code = code.replace("index_path=None", f"index_path=Path({str(tmp_path / 'index.sqlite')!r})")
    exec(compile(code, "docs/library.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    count = int(re.search(r"It prints the (\d+) people due", said).group(1))  # type: ignore[union-attr]
    assert len(printed) == count + 1
    shown = re.findall(r"`([^`]+)`", said)
    people, entry = shown[:-1], shown[-1]
    assert printed[0] == people[0] and printed[1] == people[1] and printed[count - 1] == people[-1]
    assert printed[-1] == entry
