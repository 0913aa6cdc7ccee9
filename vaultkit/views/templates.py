"""Which template is in effect for each name, and copying a built-in one into the vault.

Only `.j2` files are vaultkit templates. Obsidian's own templates (`{{date}}`) and
Templater's (`<% %>`) are other files, and vaultkit never reads or renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaultkit.errors import ConfigError, TemplateError
from vaultkit.views.render import builtin_templates_dir, template_is_contained
from vaultkit.workspace import Workspace

SUFFIX = ".j2"


@dataclass(frozen=True)
class TemplateInfo:
    """One template name and the file that renders it."""

    name: str
    source: str  # "vault" (the user's copy wins) or "built-in"
    path: str  # vault-relative for the user's copy, absolute for a built-in one
    builtin: bool  # whether vaultkit ships a template of that name

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "source": self.source, "path": self.path, "builtin": self.builtin}


def builtin_names() -> list[str]:
    """The names of the templates vaultkit ships."""
    return sorted(p.name for p in builtin_templates_dir().glob(f"*{SUFFIX}") if p.is_file())


def _user_names(folder: Path, vault_root: Path) -> list[str]:
    if not folder.is_dir():
        return []
    names = []
    for path in folder.rglob(f"*{SUFFIX}"):
        # A symlink that leaves the folder is refused when rendering; do not list it as in effect.
        if path.is_file() and template_is_contained(path, folder, vault_root):
            names.append(path.relative_to(folder).as_posix())
    return sorted(names)


def list_templates(workspace: Workspace) -> list[TemplateInfo]:
    """Every template name, built-in or the user's, with the file in effect for it."""
    folder_rel = workspace.config.templates_dir
    folder = workspace.vault.root / folder_rel if folder_rel else None
    builtin = set(builtin_names())
    user = set(_user_names(folder, workspace.vault.root)) if folder else set()
    result = []
    for name in sorted(builtin | user):
        if name in user:
            result.append(TemplateInfo(name, "vault", f"{folder_rel}/{name}", name in builtin))
        else:
            result.append(TemplateInfo(name, "built-in", str(builtin_templates_dir() / name), True))
    return result


def resolve_builtin(name: str) -> str:
    """`meeting`, `meeting.md` or `meeting.md.j2` -> `meeting.md.j2`; TemplateError when unknown."""
    names = builtin_names()
    for candidate in (name, f"{name}{SUFFIX}", f"{name}.md{SUFFIX}"):
        if candidate in names:
            return candidate
    raise TemplateError(f"no built-in template called {name!r}; there are: {', '.join(names)}")


def copy_template(workspace: Workspace, name: str) -> str:
    """Copy a built-in template into the vault's templates folder to edit; refuses to overwrite."""
    folder = workspace.config.templates_dir
    if not folder:
        raise ConfigError("vaultkit.toml: templates_dir is empty; set it to the folder for your templates")
    found = resolve_builtin(name)
    rel_path = f"{folder}/{found}"
    data = (builtin_templates_dir() / found).read_bytes()
    workspace.vault.write(rel_path, data, None)
    return rel_path
