"""Run the console examples of README.md and docs/*.md against a copy of example-vault/.

A console example is a ```console block: lines starting with `$ ` are commands, the lines
after one, up to the next command, are what it prints (stdout and stderr as a terminal
shows them). Blocks marked otherwise (```text, ```sh) are not run.

How a page's examples run (tests/test_doc_examples.py):
- All the console blocks of one page run in order, in one temp folder (standing for your
  home folder, `~`) holding a fresh copy of example-vault/ (as `example-vault/`) and the
  files of docs/examples/ (as `Downloads/`), so an example that changes the vault is seen
  by the ones after it on that page; each page starts from a new copy.
- Commands start in that folder; the vault is found as `vault` finds it (`--vault`, or the
  folder a `cd` went to). The environment: VAULTKIT_TODAY=2026-11-22, VAULTKIT_INDEX a
  file in the temp folder, COLUMNS=80.
- `vault ARGS` runs the real CLI in-process (Typer's CliRunner); `cd DIR` changes folder;
  `cat FILE` prints a file; `echo TEXT >> FILE` adds a line to a file (an edit you would
  make in your editor). `NAME=value` before a command sets a variable for it; `A && B`
  runs both; `~/` is the temp folder; `# ...` is a comment.
- Outputs compare exactly, line by line (trailing spaces aside), with one placeholder:
  a line that is just `...` stands for any number of lines, and `...` inside a line for
  any text (a temp path, say).

`python -m tests.doc_examples docs/commands.md` prints what each example of a page prints
now, to fix an example that drifted from the tool.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"
WIDTH = 80
_FENCE_RE = re.compile(r"^(`{3,}|~{3,})(.*)$")


@dataclass
class Example:
    """One `$ command` of a console block and the output the page shows for it."""

    page: str
    line: int  # of the command, 1-based
    command: str
    expected: str


def examples(path: Path) -> list[Example]:
    """The console examples of one page, in order."""
    found: list[Example] = []
    fence: str | None = None
    console = False
    current: Example | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _FENCE_RE.match(line)
        if fence is None:
            if match:
                fence, console = match.group(1), match.group(2).strip() == "console"
            continue
        if line.strip() == fence:
            fence, console, current = None, False, None
            continue
        if not console:
            continue
        if line.startswith("$ "):
            current = Example(path.name, number, line[2:], "")
            found.append(current)
        elif current is None:
            raise ValueError(f"{path.name}:{number}: a console block must start with a `$ ` command")
        else:
            current.expected += line + "\n"
    return found


def pages() -> list[Path]:
    """Every page whose console examples are run."""
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def matches(expected: str, actual: str) -> bool:
    """Whether the output matches what the page shows, `...` standing for what it leaves out."""
    pattern = ""
    for line in normalise(expected).splitlines():
        if line.strip() == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += ".*?".join(re.escape(part) for part in line.rstrip().split("...")) + r"\n"
    return re.fullmatch(pattern, normalise(actual), re.S) is not None


def normalise(output: str) -> str:
    """Trailing spaces off every line, blank lines off the end (a page puts one between
    examples), and one final newline when there is any output."""
    lines = [line.rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "".join(line + "\n" for line in lines)


class Session:
    """A temp folder with a copy of example-vault/, where a page's commands run in order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.vault = folder / "example-vault"
        shutil.copytree(REPO / "example-vault", self.vault)
        shutil.copytree(REPO / "docs" / "examples", folder / "Downloads")
        self.cwd = folder
        self.env: dict[str, str | None] = {
            "VAULTKIT_TODAY": TODAY,
            "VAULTKIT_VAULT": None,
            "VAULTKIT_INDEX": str(folder / "index.sqlite"),
            "COLUMNS": str(WIDTH),
            "NO_COLOR": "1",
        }

    def run(self, command: str) -> str:
        """What the command (or the commands joined by `&&`) prints."""
        words = [self._home(word) for word in shlex.split(command, comments=True)]
        printed = ""
        while "&&" in words:
            at = words.index("&&")
            printed += self._run(words[:at])
            words = words[at + 1 :]
        return printed + self._run(words)

    def _home(self, word: str) -> str:
        return str(self.folder) + word[1:] if word == "~" or word.startswith("~/") else word

    def _run(self, words: list[str]) -> str:
        env = dict(self.env)
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            name, value = words.pop(0).split("=", 1)
            env[name] = value
        if not words:
            return ""
        program, args = words[0], words[1:]
        if program == "cd":
            self.cwd = (self.cwd / args[0]).resolve()
            return ""
        if program == "echo" and len(args) >= 2 and args[-2] == ">>":
            with (self.cwd / args[-1]).open("a", encoding="utf-8", newline="") as note:
                note.write(" ".join(args[:-2]) + "\n")
            return ""
        if program == "cat":
            return "".join((self.cwd / name).read_text(encoding="utf-8") for name in args)
        if program == "vault":
            return self._vault(args, env)
        raise ValueError(f"the doc examples cannot run {program!r}: {shlex.join(words)}")

    def _vault(self, args: list[str], env: dict[str, str | None]) -> str:
        from typer.testing import CliRunner

        from vaultkit.cli.commands import app

        before = Path.cwd()
        os.chdir(self.cwd)
        try:
            result = CliRunner(env=env).invoke(app, args, terminal_width=WIDTH, prog_name="vault")
        finally:
            os.chdir(before)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.output


def run_page(path: Path, folder: Path) -> Iterator[tuple[Example, str]]:
    """Each example of the page with what it prints now."""
    session = Session(folder)
    for example in examples(path):
        yield example, session.run(example.command)


def main(names: list[str]) -> None:
    """Print each example of the pages named with its output now, marking those that differ."""
    import tempfile

    for name in names:
        with tempfile.TemporaryDirectory() as folder:
            for example, actual in run_page(Path(name).resolve(), Path(folder)):
                mark = "" if matches(example.expected, actual) else "   <-- differs"
                print(f"{example.page}:{example.line}: $ {example.command}{mark}")
                print(normalise(actual), end="")


if __name__ == "__main__":
    main(sys.argv[1:])
