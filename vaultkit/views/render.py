"""Jinja rendering: one sandboxed environment, user templates before the built-in ones.

Rendering returns strings; writing them into the vault is the vault module's job.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined

from vaultkit.errors import TemplateError
from vaultkit.notes.frontmatter import yaml_list, yaml_scalar
from vaultkit.notes.grammar import inline_text
from vaultkit.views.sandbox import GuardedEnvironment, Limits, RenderLimitError

MAX_OUTPUT_CHARS = Limits().max_value


def builtin_templates_dir() -> Path:
    """The built-in templates: inside the installed package, or the checkout's templates/."""
    # The package's own folder, found from this file: importlib.resources costs 20 ms to import.
    package = Path(__file__).resolve().parents[1]
    packaged = package / "templates"
    if packaged.is_dir():
        return packaged
    return package.parent / "templates"


class Renderer:
    """Renders the `.j2` templates of one vault (its own copies win, file by file)."""

    def __init__(
        self,
        user_dir: Path | None,
        limits: Limits | None = None,
        link: Callable[..., str] | None = None,
        vault_root: Path | None = None,
    ) -> None:
        loaders: list[FileSystemLoader] = []
        if user_dir is not None and user_dir.is_dir():
            loaders.append(_ContainedLoader(str(user_dir), vault_root))
        loaders.append(FileSystemLoader(str(builtin_templates_dir())))
        self.user_dir = user_dir
        self.env = GuardedEnvironment(
            limits=limits,
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["yaml"] = yaml_scalar
        self.env.filters["yaml_list"] = yaml_list
        # `name | wikilink(path)`: the workspace's link to a person (`Workspace.link_to`).
        self.env.filters["wikilink"] = link or (lambda name, path=None: f"[[{name}]]")
        # A text of the user's in a line of Markdown (a front-matter value: a role, a
        # prospect's why): one line, its comment openers escaped (`grammar.inline_text`).
        self.env.filters["inline"] = inline_text

    def source_of(self, name: str) -> Path:
        """Which file a template name resolves to."""
        if self.user_dir is not None and (self.user_dir / name).is_file():
            return self.user_dir / name
        return builtin_templates_dir() / name

    def prepare(self, name: str) -> None:
        """Compile a template now, to render it later; a template that fails to compile
        is left for `render` to report, with its file and line."""
        with contextlib.suppress(Exception):
            self.env.get_template(name)

    def render(self, name: str, /, **context: Any) -> str:
        """Render a template to text; any failure is a TemplateError naming file and line."""
        try:
            template = self.env.get_template(name)
            return self.env.render_bounded(template, context)
        except Exception as err:  # whatever a template does wrong is the template's error
            raise TemplateError(describe_template_error(err, self.source_of(name))) from None


def template_refusal(path: Path | str, folder: Path | str, vault_root: Path | None) -> str | None:
    """Why a user template is refused (to follow its path in a sentence), or None: its real path must lie in the templates
    folder, and that folder in the vault (a symlink, to the file or to the folder itself,
    may lead anywhere)."""
    real = os.path.realpath(path)
    inside_vault = vault_root is None or real.startswith(os.path.realpath(vault_root) + os.sep)
    if inside_vault and real.startswith(os.path.realpath(folder) + os.sep):
        return None
    return "leads outside the vault's templates folder (a symlink?)"


class _ContainedLoader(FileSystemLoader):
    """The user's templates folder; a template whose real path leaves it (or the vault) is refused."""

    def __init__(self, folder: str, vault_root: Path | None) -> None:
        super().__init__(folder)
        self.vault_root = vault_root

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
        """The template's source, if it really lives in the folder."""
        source, filename, uptodate = super().get_source(environment, template)
        for root in self.searchpath:
            refusal = template_refusal(filename, root, self.vault_root)
            if refusal is not None:
                from jinja2.exceptions import SecurityError

                raise SecurityError(f"{filename} {refusal}; it was not loaded")
        return source, filename, uptodate


def describe_template_error(err: BaseException, fallback: Path) -> str:
    """One line for the user: `template PATH:LINE: what went wrong`."""
    from jinja2.exceptions import (
        SecurityError,
        TemplateNotFound,
        TemplateSyntaxError,
        UndefinedError,
    )

    where, line = str(fallback), None
    if isinstance(err, TemplateSyntaxError):
        where, line = err.filename or where, err.lineno
    else:
        # Jinja rewrites tracebacks so that template frames carry the template's file and line.
        tb = err.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2") or filename == str(fallback):
                where, line = filename, tb.tb_lineno
            tb = tb.tb_next
    if isinstance(err, TemplateSyntaxError):
        message = f"syntax error: {err.message}"
    elif isinstance(err, TemplateNotFound):
        message = f"no template called {err.name!r} (in the templates folder or built in)"
    elif isinstance(err, RenderLimitError):
        message = f"stopped: {err}"
    elif isinstance(err, SecurityError | OverflowError):
        message = f"refused by the sandbox: {err}"
    elif isinstance(err, UndefinedError):
        message = str(err)
    elif isinstance(err, RecursionError):
        message = "the template calls itself too deeply"
    elif isinstance(err, MemoryError):
        message = "the template ran out of memory"
    else:
        message = f"{type(err).__name__}: {err}"
    return f"template {_shown(where)}{f':{line}' if line else ''}: {message}"


def _shown(path: str) -> str:
    """A path as the user can type it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative
