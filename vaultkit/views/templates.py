"""Which template is in effect for each name, and copying a built-in one into the vault.

Only `.j2` files are vaultkit templates. Obsidian's own templates (`{{date}}`) and
Templater's (`<% %>`) are other files, and vaultkit never reads or renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaultkit.errors import ConfigError, TemplateError
from vaultkit.views.render import builtin_templates_dir, template_refusal
from vaultkit.workspace import Workspace

SUFFIX = ".j2"


@dataclass(frozen=True)
class TemplateInfo:
    """One template name and the file that renders it."""

    name: str
    source: str  # "vault" (the user's copy wins) or "built-in"
    path: str  # vault-relative for the user's copy, absolute for a built-in one
    builtin: bool  # whether vaultkit ships a template of that name
    problem: str | None = None  # why the user's file of this name is refused or not read (after its path)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "source": self.source,
            "path": self.path,
            "builtin": self.builtin,
            "problem": self.problem,
        }


def builtin_names() -> list[str]:
    """The names of the templates vaultkit ships."""
    return sorted(p.name for p in builtin_templates_dir().glob(f"*{SUFFIX}") if p.is_file())


def _user_names(folder: Path, vault_root: Path) -> dict[str, str | None]:
    """The user's `.j2` names, each with why rendering refuses it or passes it by (None: it is used)."""
    if not folder.is_dir():
        return {}
    names: dict[str, str | None] = {}
    for path in folder.rglob(f"*{SUFFIX}"):
        name = path.relative_to(folder).as_posix()
        if path.is_file():
            refusal = template_refusal(path, folder, vault_root)  # the sandbox's own rule
            names[name] = (
                f"{refusal}: it is refused, and what uses it fails until you put a file there"
                if refusal
                else None
            )
        elif path.is_dir():
            names[name] = "is a folder, not a template; it is not read"
        else:
            names[name] = "leads nowhere (a broken symlink?); it is not read"
    return names


def list_templates(workspace: Workspace) -> list[TemplateInfo]:
    """Every template name, built-in or the user's, with the file in effect for it, and
    what is wrong with a file of the user's that is refused or not read."""
    folder_rel = workspace.config.templates_dir
    folder = workspace.vault.root / folder_rel if folder_rel else None
    builtin = set(builtin_names())
    user = _user_names(folder, workspace.vault.root) if folder else {}
    result = []
    for name in sorted(builtin | set(user)):
        problem = user.get(name)
        builtin_path = str(builtin_templates_dir() / name)
        if name in user and (folder / name).is_file():  # type: ignore[operator]
            # The loader takes the user's file first; refused, the command fails (no fallback).
            result.append(TemplateInfo(name, "vault", f"{folder_rel}/{name}", name in builtin, problem))
        elif name in builtin:
            result.append(TemplateInfo(name, "built-in", builtin_path, True, problem))
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
