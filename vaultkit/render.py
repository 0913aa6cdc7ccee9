"""Jinja rendering: one sandboxed environment, user templates before the built-in ones.

Rendering returns strings; writing them into the vault is the vault module's job.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2 import TemplateError as JinjaError
from jinja2.sandbox import SandboxedEnvironment

from vaultkit.errors import TemplateError

MAX_OUTPUT_CHARS = 2_000_000
_PLAIN_YAML_RE = re.compile(r"^[\w .@+/()'&,-]*$", re.UNICODE)
_YAML_SPECIAL_START = tuple("!&*-?:,[]{}#|>@`\"'%")


def builtin_templates_dir() -> Path:
    """The built-in templates: inside the installed package, or the checkout's templates/."""
    packaged = Path(str(resources.files("vaultkit"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def yaml_value(value: object) -> str:
    """A scalar as YAML text: plain when that reads back as the same text, else quoted."""
    text = str(value)
    if (
        text
        and _PLAIN_YAML_RE.match(text)
        and not text.startswith(_YAML_SPECIAL_START)
        and text == text.strip()
        and ": " not in text
        and " #" not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_list(values: list[Any]) -> str:
    """A flow list `[a, "b c"]` of YAML scalars."""
    return "[" + ", ".join(yaml_value(v) for v in values) + "]"


class Renderer:
    """Renders the `.j2` templates of one vault (its own copies win, file by file)."""

    def __init__(self, user_dir: Path | None) -> None:
        loaders = []
        if user_dir is not None and user_dir.is_dir():
            loaders.append(FileSystemLoader(str(user_dir)))
        loaders.append(FileSystemLoader(str(builtin_templates_dir())))
        self.user_dir = user_dir
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["yaml"] = yaml_value
        self.env.filters["yaml_list"] = yaml_list
        self.env.filters["wikilink"] = lambda name: f"[[{name}]]"

    def source_of(self, name: str) -> Path:
        """Which file a template name resolves to."""
        if self.user_dir is not None and (self.user_dir / name).is_file():
            return self.user_dir / name
        return builtin_templates_dir() / name

    def render(self, name: str, /, **context: Any) -> str:
        """Render a template to text; any failure is a TemplateError naming file and line."""
        try:
            template = self.env.get_template(name)
            text = template.render(**context)
        except JinjaError as err:
            line = getattr(err, "lineno", None)
            where = f"{self.source_of(name)}{f':{line}' if line else ''}"
            raise TemplateError(f"template {where}: {err.message or err}") from None
        if len(text) > MAX_OUTPUT_CHARS:
            raise TemplateError(f"template {self.source_of(name)} produced too much output")
        return text
