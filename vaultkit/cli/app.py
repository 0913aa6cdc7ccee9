"""The Typer app, the global options and the helpers every command module shares."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

# Typer 0.26 to 0.28 carry their own click as `typer._click` (pinned in pyproject.toml).
from typer._click import Context
from typer._click.core import ParameterSource
from typer._click.exceptions import NoArgsIsHelpError, NoSuchOption
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup

from vaultkit import __version__, dates
from vaultkit.errors import UsageError, VaultkitError
from vaultkit.model import MAX_ROWS
from vaultkit.places import global_options

if TYPE_CHECKING:  # the workspace (and the index under it) is imported when a command opens it
    from vaultkit.model import Problem
    from vaultkit.workspace import PersonRef, Workspace


class OneLineUsageError(ClickUsageError):
    """A usage error as one line on stderr that points at the command's --help (spec §3)."""

    def __init__(self, message: str, command_path: str) -> None:
        super().__init__(" ".join(message.split()).removesuffix("."))
        self.command_path = command_path

    def show(self, file: Any = None) -> None:
        typer.echo(f"vault: {self.message} (see {self.command_path} --help)", file=file, err=file is None)


class VaultGroup(TyperGroup):
    """A command group whose usage errors are one line instead of click's usage block.

    Every usage error passes through a group: its own options fail in `parse_args`; an
    unknown command and its subcommands' arguments and options fail in `invoke`.
    """

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except NoArgsIsHelpError:  # `vault` alone shows the help
            raise
        except ClickUsageError as err:
            raise _one_line(err, ctx.command_path) from None

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (NoArgsIsHelpError, OneLineUsageError):
            raise
        except ClickUsageError as err:
            # The option parser raises some errors (an option missing its value) without a
            # context: they belong to the subcommand being parsed.
            path = ctx.command_path
            if err.ctx is None and ctx.invoked_subcommand:
                path = f"{path} {ctx.invoked_subcommand}"
            raise _one_line(err, path) from None


_GLOBAL_OPTIONS = ("--vault", "--today", "--index", "--debug", "--version")


def _one_line(err: ClickUsageError, command_path: str) -> OneLineUsageError:
    path = err.ctx.command_path if err.ctx else command_path
    option = getattr(err, "option_name", None)
    if isinstance(err, NoSuchOption) and option in _GLOBAL_OPTIONS and " " in path:
        # `vault due --today 2026-11-22`: click would list the command's options instead.
        command = path.split(" ", 1)[1]
        return OneLineUsageError(
            f"{option} is a global option: put it before the command, as in `vault {option} ... {command}`",
            path,
        )
    return OneLineUsageError(err.format_message(), path)


app = typer.Typer(
    name="vault",
    cls=VaultGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    # Plain help: rich's formatter costs ~0.1 s of start-up on every `--help`.
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])


class Settings:
    """The global options, resolved lazily into a Workspace."""

    def __init__(
        self,
        vault: str | None,
        today: str | None,
        index: str | None,
        debug: bool,
        today_from: str = "--today",
        index_from_env: bool = False,
    ) -> None:
        self.vault_option = vault
        self.today_option = today
        self.today_from = today_from  # where `today_option` came from, for a refusal: `$VAULTKIT_TODAY`
        self.index_option = index
        self.index_named_by = "$VAULTKIT_INDEX" if index_from_env else "--index"
        self.debug = debug
        self._workspace: Workspace | None = None

    def today(self) -> dt.date:
        """--today (or $VAULTKIT_TODAY) when given, else the clock's date."""
        if not self.today_option:
            return dt.date.today()
        return parse_date(self.today_from, self.today_option) or dt.date.today()

    def workspace(
        self, sync: bool = True, warn_config: bool = True, writes: bool = False, template: str | None = None
    ) -> Workspace:
        """Open the vault and its index, and bring the index up to date.

        The config's warnings (an unknown key) are one line each on stderr, on every command
        (`vault check` lists them itself: `warn_config=False`). A command that `writes` a
        note (from `template`) has that prepared before the sync (`Workspace.prepare_write`).
        """
        if self._workspace is None:
            self._workspace = self.open_workspace()
            if warn_config:
                for warning in self._workspace.config.warnings:
                    typer.echo(f"vault: warning: {warning}", err=True)
            if writes:
                self._workspace.prepare_write(template)
            if sync:
                # A first run, a checkout, a copied vault: every note to read, 15 s at 100,000
                # (a bar on a terminal's stderr once there are 500 to read; else nothing).
                with progress_bar("Reading notes") as progress:
                    self._workspace.sync(progress=progress)
        return self._workspace

    def open_workspace(self) -> Workspace:
        """A new Workspace on the vault and index the options name, as of today (not synced;
        the caller closes it). `vault mcp` opens one per request, so "today" moves at midnight."""
        from vaultkit.vault.files import Vault, find_vault_root
        from vaultkit.workspace import Workspace

        root = find_vault_root(self.vault_option, Path.cwd())
        index = Path(self.index_option).expanduser() if self.index_option else None
        return Workspace(Vault(root), index, self.today(), notify=_notice, index_named_by=self.index_named_by)


def _notice(line: str) -> None:
    typer.echo(f"vault: {line}", err=True)


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_object(Settings)
    assert settings is not None
    return settings


def handle_errors(func: F) -> F:
    """Turn a VaultkitError into one line on stderr and its exit code (tracebacks only with --debug).

    Every command takes `ctx` so the wrapper can find the global options.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.get("ctx")
        settings = ctx.find_object(Settings) if ctx is not None else None
        debug = bool(settings and settings.debug)
        try:
            return func(*args, **kwargs)
        except VaultkitError as err:
            if debug:
                raise
            typer.echo(f"vault: {err}", err=True)
            raise typer.Exit(err.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as err:  # a bug: say so in one line unless debugging
            if debug:
                raise
            # Unless it came from the index: a damaged one (set aside now), a full disk.
            workspace = settings._workspace if settings is not None else None
            explained = workspace.explain(err) if workspace is not None else None
            if explained is not None:
                typer.echo(f"vault: {explained}", err=True)
                raise typer.Exit(explained.exit_code) from None
            typer.echo(f"vault: unexpected error: {err!r} (run with --debug for the traceback)", err=True)
            raise typer.Exit(1) from None
        finally:
            if settings is not None and settings._workspace is not None:
                settings._workspace.close()
                settings._workspace = None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vaultkit {__version__}")
        raise typer.Exit()


def _show_completion(ctx: typer.Context, param: Any, shell: str | None) -> None:
    from vaultkit.cli.complete import show_completion

    show_completion(ctx, param, shell)


def _install_completion(ctx: typer.Context, param: Any, shell: str | None) -> None:
    from vaultkit.cli.complete import install_completion

    install_completion(ctx, param, shell)


@app.callback()
def main_options(
    ctx: typer.Context,
    vault: Annotated[
        str | None,
        typer.Option("--vault", envvar="VAULTKIT_VAULT", help="The vault folder.", show_envvar=True),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            envvar="VAULTKIT_TODAY",
            help="Pretend today is YYYY-MM-DD.",
            show_envvar=True,
        ),
    ] = None,
    index: Annotated[
        str | None,
        typer.Option(
            "--index",
            envvar="VAULTKIT_INDEX",
            help="Where the index database lives.",
            show_envvar=True,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="[bash|zsh|fish]",
            callback=_install_completion,
            is_eager=True,
            expose_value=False,
            help="Install tab completion for your shell (or the one named), then stop.",
        ),
    ] = None,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            metavar="[bash|zsh|fish]",
            callback=_show_completion,
            is_eager=True,
            expose_value=False,
            help="Print the tab-completion script for your shell (or the one named), then stop.",
        ),
    ] = None,
) -> None:
    """Keep in touch with the people who matter, from a folder of Markdown notes.

    Example: vault --vault ~/Notes due
    """
    today_from_env = ctx.get_parameter_source("today") is ParameterSource.ENVIRONMENT
    index_from_env = ctx.get_parameter_source("index") is ParameterSource.ENVIRONMENT
    ctx.obj = Settings(
        vault,
        today,
        index,
        debug,
        "$VAULTKIT_TODAY" if today_from_env else "--today",
        index_from_env=index_from_env,
    )


def parse_date(option: str, value: str | None) -> dt.date | None:
    """An option's date, by the one rule notes' dates follow (`vaultkit.dates.parse_date`);
    refused naming the option (`--date '22/11/2026' is not a date (use YYYY-MM-DD)`)."""
    if value is None:
        return None
    try:
        return dates.parse_date(value)
    except ValueError as err:
        raise UsageError(f"{option} {err}") from None


# `--json` on the commands that write notes: what they did, as the MCP tools answer it.
WroteJson = Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")]


def say(as_json: bool, text: str, data: dict[str, Any]) -> None:
    """A command's one-line report, or `data` as JSON with `--json`."""
    if as_json:
        print_json(data)
    else:
        typer.echo(text)


def edited_json(ref: PersonRef, changed: bool, **more: Any) -> dict[str, Any]:
    """The JSON of an edit of a person's note: whose note, whether it changed (and what it set)."""
    return {**ref.to_json(), "changed": changed, **more}


def json_indented() -> bool:
    """Whether JSON on stdout is indented: for a person at a terminal, not for a program."""
    return sys.stdout.isatty()


def print_json(data: Any) -> None:
    """JSON on stdout: indented for a person at a terminal, one compact line for a program.

    orjson writes it (compiled: 15 MB of due list in 0.03 s, where `json` takes 0.26 s);
    `json` writes what orjson refuses (an integer past 64 bits, a lone surrogate).
    """
    import orjson

    tty = json_indented()
    try:
        text = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if tty else 0))
    except TypeError:  # orjson.JSONEncodeError; ASCII keeps a lone surrogate as its escape
        text = json.dumps(data, indent=2 if tty else None).encode("ascii")
    print_bytes([text + b"\n"])


def print_bytes(chunks: Iterable[bytes]) -> None:
    """Bytes on stdout (UTF-8 text made elsewhere: JSON, an export), each chunk as it comes."""
    # Straight to stdout's bytes: JSON escapes control characters, so there is nothing for
    # click's ANSI stripping to do but scan a megabyte of due list.
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        for chunk in chunks:
            out.write(chunk.decode("utf-8"))
        out.flush()
        return
    out.flush()  # what was written as text first
    for chunk in chunks:
        buffer.write(chunk)
    buffer.flush()


def console() -> Any:
    """A rich console: the terminal's width on a terminal; no wrapping into a pipe or file.
    Text is printed as written: no markup (`[red]hot` is a tag, `[draft]` a word) and no
    emoji codes (`:fire:`)."""
    from rich.console import Console

    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 1000
    return Console(highlight=False, soft_wrap=False, width=width, markup=False, emoji=False)


def table(*columns: str) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column)
    return table


@contextlib.contextmanager
def progress_bar(label: str, shown: bool = True) -> Iterator[Callable[..., None]]:
    """A `progress(done, total, stage=label)` callback that shows a bar for each stage on a
    terminal's stderr, once the work is long enough to need one (500 items), and takes
    them away at the end."""
    bar: Any = None
    tasks: dict[str, Any] = {}
    shown = shown and sys.stderr.isatty()

    def progress(done: int, total: int, stage: str = label) -> None:
        nonlocal bar
        if not shown or total < 500:
            return
        if bar is None:
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(transient=True, console=Console(stderr=True))  # stdout is the answer
            bar.start()
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.stop()


LIMIT = 50  # rows a long list prints unless --limit or --all says otherwise
ALL_WIDTH_ROWS = 200  # --all sizes its columns on this many rows, not on every row


def print_rows(headers: list[str], rows: list[list[str]], total: int, limit: int | None) -> None:
    """A list a person can read: `rows` (the first `limit`, built by the caller) in a table, then a line saying how
    many of `total` are left and how to see them; `limit` None (`--all`) prints every row
    with `print_plain`."""
    if limit is not None:
        grid = table(*headers)
        for row in rows:
            grid.add_row(*row)
        console().print(grid)
        say_more(total, limit)
        return
    print_plain(headers, rows)


def print_lines(lines: Iterable[str], total: int, limit: int | None) -> None:
    """A list of one-line items a person can read: the first `limit` of `lines` (all with
    None, `--all`), then how many of `total` are left and how to see them."""
    sys.stdout.write("".join(line + "\n" for line in itertools.islice(lines, limit)))
    if limit is not None:
        say_more(total, limit)


def say_more(total: int, limit: int) -> None:
    """The line under a list cut at `limit` rows: how many more, and the command that shows
    them all (this one as it was given, with `--all`)."""
    if total > limit:
        typer.echo(f"and {total - limit:,} more: `{command_with_all()}` shows every one (or `--json`)")


# What a list's `--all` stands in for: not repeated in the command that shows every row.
_CUTTING = {"limit", "show_all", "as_json"}


def command_with_all() -> str:
    """The command running now as it was given (its global options, arguments and filters,
    shell-quoted), with `--all` in place of `--limit`: `vault due --tag t1 --all`."""
    import shlex

    from typer._click.globals import get_current_context

    chain = []
    ctx: Context | None = get_current_context()
    while ctx is not None:
        chain.append(ctx)
        ctx = ctx.parent
    words: list[str] = []
    for level in reversed(chain):
        options, arguments = _given(level)
        words.append(level.info_name if level.parent is not None and level.info_name else "vault")
        if level is chain[0] and any(word.startswith("-") for word in arguments):
            words += [*options, "--all", "--", *arguments]  # (an argument `-x` read as an option)
            return shlex.join(words)
        words += [*arguments, *options]
    return shlex.join([*words, "--all"])


def _given(ctx: Context) -> tuple[list[str], list[str]]:
    """The options and the arguments given on the command line to one command, as words."""
    from typer._click.core import ParameterSource

    options: list[str] = []
    arguments: list[str] = []
    for param in ctx.command.params:
        name = param.name
        if name is None or name in _CUTTING or name not in ctx.params:
            continue
        if ctx.get_parameter_source(name) is not ParameterSource.COMMANDLINE:
            continue  # a default, or the environment (which a command run again reads too)
        value = ctx.params[name]
        values = list(value) if param.multiple or param.nargs == -1 else [value]
        if param.param_type_name == "argument":
            arguments += [str(item) for item in values]
        elif getattr(param, "is_flag", False) and isinstance(value, bool):
            flags = param.opts if value else param.secondary_opts
            options += flags[:1]
        else:
            for item in values:
                options += [param.opts[0], str(item)]
    return options, arguments


def print_plain(headers: list[str], rows: Iterable[list[str]]) -> None:
    """Rows as plain aligned text, the columns sized on the first rows rather than measured
    cell by cell (a longer cell just pushes its own line out); written as the rows come,
    a thousand lines at a time."""
    rows = iter(rows)
    sample = [headers, *itertools.islice(rows, ALL_WIDTH_ROWS)]
    widths = [max(len(row[n]) for row in sample) for n in range(len(headers))]
    aligned = "  ".join(f"{{:<{width}}}" for width in widths).format  # each cell `ljust` to its width

    while sample:
        sys.stdout.write("\n".join(aligned(*row).rstrip() for row in sample) + "\n")
        sample = list(itertools.islice(rows, 1000))


def row_limit(limit: int, show_all: bool) -> int | None:
    """The rows to print: None for --all; a --limit below 1 is a usage error."""
    if show_all:
        return None
    if limit < 1:
        raise UsageError(f"--limit {limit}: give a number of rows from 1 up, or --all")
    return min(limit, MAX_ROWS)


def wrap(line: str, width: int) -> list[str]:
    """A line cut at word boundaries to `width`, its continuation lines indented past the
    line's own indent (a terminal would cut it mid-word); a word longer than a line stays whole."""
    import textwrap

    if len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(
        line.lstrip(),
        width,
        initial_indent=lead,
        subsequent_indent=lead + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    ) or [line]


def wrapped_echo() -> Callable[[str], None]:
    """`typer.echo` that wraps long lines at words on a terminal (into a pipe, lines stay whole)."""
    if not sys.stdout.isatty():
        return typer.echo
    import shutil

    width = max(40, shutil.get_terminal_size().columns)

    def echo(text: str) -> None:
        for part in text.split("\n"):
            for line in wrap(part, width):
                typer.echo(line)

    return echo


def say_what_was_missed(
    workspace: Workspace, tag: str | None = None, due: bool = False, keys: Sequence[str] = ()
) -> bool:
    """After a list that came out empty: on stderr, why (no people at all, where vaultkit
    looked and how to fix it; a tag nobody has; a `--where` key nobody has; for who is
    `due`, nobody with a cadence). Whether there was something to say."""
    from vaultkit.checks import no_cadence_hint, nobody_hint, unknown_key_hint, unknown_tag_hint

    hint = (
        nobody_hint(workspace)
        or unknown_tag_hint(workspace, tag)
        or unknown_key_hint(workspace, keys)
        or (no_cadence_hint(workspace) if due else None)
    )
    if hint:
        typer.echo(f"vault: {hint}", err=True)
    return hint is not None


def say_shadowed(name: str, shadowed: PersonRef | None, added: PersonRef) -> None:
    """After a note was added: on stderr, that `name` (a prefix of `shadowed`'s name until
    now, `Workspace.found_short_of_name`) finds the new person from here on."""
    if shadowed is not None:
        typer.echo(
            f"vault: note: {name!r} found {shadowed.name} ({shadowed.path}) until now; it finds "
            f"{added.name} from here on, so give {shadowed.name}'s name in full",
            err=True,
        )


def warn_problems(problems: list[Problem]) -> None:
    """One line on stderr when folders were left out (a folder's path ends in `/`), notes
    skipped, or values in notes ignored (a cadence that is none: the note is still read)."""
    errors = [p for p in problems if p.level == "error"]
    folders = sum(p.path.endswith("/") for p in errors)
    skipped = sum(p.message.endswith("note skipped") for p in errors)
    parts = [f"{folders} folder(s) could not be read, so their notes are left out"] if folders else []
    if skipped:
        parts.append(f"{skipped} note(s) skipped")
    if len(errors) > folders + skipped:
        parts.append(f"{len(errors) - folders - skipped} value(s) in notes ignored")
    if parts:
        typer.echo(f"vault: {', and '.join(parts)}; run `vault check` to see them", err=True)


def command_named(args: list[str]) -> str | None:
    """The command these arguments run, when they name one after only global options."""
    return global_options(args)[1]


def app_for(args: list[str]) -> typer.Typer:
    """The app, with only the command these arguments run when they name one: Typer builds
    a click command for every registered one on each start (10 ms for ~30 commands), and
    one runs. Anything else (help, an unknown command) gets the whole app."""
    import copy

    from typer.main import get_command_name

    name = command_named(args)
    if name is None:
        return app
    commands = [
        info
        for info in app.registered_commands
        if info.callback is not None and (info.name or get_command_name(info.callback.__name__)) == name
    ]
    groups = [info for info in app.registered_groups if info.name == name]
    if len(commands) + len(groups) != 1:
        return app
    lean = copy.copy(app)
    lean.registered_commands, lean.registered_groups = commands, groups
    return lean


def main() -> None:
    """Entry point of the `vault` console script."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        # `vault search x | head -1`: end quietly when the reader stops, as Unix tools do.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = sys.argv[1:]
    if command_named(args) in ("watch", "mcp"):
        import gc

        gc.enable()  # (off for one-shot commands: see vaultkit.cli.launch) it runs for days
    if args and args[-1] in ("--show-completion", "--install-completion"):
        sys.argv.append("")  # no shell named: the option's value is empty, and the shell is found
    if "_VAULT_COMPLETE" in os.environ:  # a tab press: Typer's shells answer it
        from typer._completion_classes import completion_init

        completion_init()
        args = _words_before_the_cursor()
    try:
        app_for(args)()
        code: Any = 0
    except SystemExit as end:
        code = end.code
    leave(code)


def _words_before_the_cursor() -> list[str]:
    """While completing: the words typed before the one being completed (bash passes them
    in COMP_WORDS, zsh and fish in _TYPER_COMPLETE_ARGS), so that only their command is built."""
    import shlex

    try:
        if "COMP_WORDS" in os.environ:
            return shlex.split(os.environ["COMP_WORDS"])[1 : int(os.environ["COMP_CWORD"])]
        typed = os.environ.get("_TYPER_COMPLETE_ARGS", "")
        words = shlex.split(typed)[1:]
        return words if typed.endswith(" ") else words[:-1]
    except ValueError:  # an open quote: the whole app answers
        return []


def leave(code: Any) -> None:
    """End the process now that the command is done: flush what it printed, run the exit
    handlers, and skip tearing down every module and object one by one, which takes 0.01 to
    0.02 s after a command that held a large index in memory. Every file vaultkit writes is
    already complete on disk (written, synced and renamed) and the index is closed."""
    import atexit

    if isinstance(code, str):  # sys.exit("message"), as Python itself would show it
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, a closed stream
            code = code or 1
    atexit._run_exitfuncs()
    os._exit(code if isinstance(code, int) else 0)
