"""Running git for a vault: `git -C <vault> ...` with a clean environment, and its repository.

git runs as a subprocess with `GIT_TERMINAL_PROMPT=0`, so a missing credential fails at
once instead of waiting for a password nobody will type.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from vaultkit.errors import GitError


# -- running git ---------------------------------------------------------------------------------
def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment git runs in: ours, in English, never prompting, plus `extra`."""
    env = dict(os.environ)
    # English messages, so that failures can be told apart; no prompt that nobody answers.
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    env.update(extra or {})
    return env


_PREFIXES = ("fatal: ", "error: ", "hint: ", "warning: ")
_MID_SENTENCE = (",", " and", " or", " but", " the", " a", " to", " of")


def git_reason(output: str) -> str:
    """The sentence of git's output that says what went wrong.

    git wraps long messages; a line that stops mid-sentence is joined with the next ones
    up to the sentence's end.
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        for prefix in _PREFIXES[:2]:
            if line.startswith(prefix):
                return _sentence(line[len(prefix) :], lines[index + 1 :])
    return lines[-1] if lines else "no output"


def _sentence(first: str, following: list[str]) -> str:
    reason = first
    for line in following:
        if not reason.endswith(_MID_SENTENCE) or line.startswith(_PREFIXES):
            break
        reason = f"{reason} {line}"
    end = reason.find(". ", len(first))
    return reason[: end + 1] if end >= 0 else reason


def require_git() -> None:
    """Raise GitError, saying to install git, when there is no git on PATH."""
    if shutil.which("git") is None:
        raise GitError("git is not installed (or not on PATH); install git to sync the vault")


class Repo:
    """The git repository holding a vault (the vault may be a folder inside it)."""

    def __init__(self, vault_root: Path) -> None:
        require_git()
        self.cwd = vault_root
        top = self.run("rev-parse", "--show-toplevel", check=False)
        if top.returncode != 0:
            raise GitError(
                f"{vault_root} is not in a git repository: run `git init` there and add a remote "
                "(`git remote add origin URL`), or clone your vault's repository"
            )
        self.top = Path(top.stdout.strip())
        self.prefix = self.run("rev-parse", "--show-prefix").stdout.strip()
        self.git_dir = Path(self.run("rev-parse", "--absolute-git-dir").stdout.strip())

    def run(
        self,
        *args: str,
        check: bool = True,
        env: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run `git -C <vault> ARGS`; with `check`, a failure raises GitError."""
        try:
            proc = subprocess.run(
                ["git", "-C", str(self.cwd), *args],
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="surrogateescape",
                env=git_env(env),
                timeout=timeout,
            )
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH); install git to sync the vault") from None
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(args, 124, "", f"fatal: timed out after {timeout:.0f} s")
        if check and proc.returncode != 0:
            raise GitError(f"git {args[0]} failed: {git_reason(proc.stderr or proc.stdout)}")
        return proc

    def ok(self, *args: str) -> bool:
        """Whether a git command succeeds."""
        return self.run(*args, check=False).returncode == 0

    def value(self, *args: str) -> str | None:
        """The trimmed output of a git command, or None when it fails."""
        proc = self.run(*args, check=False)
        return proc.stdout.strip() if proc.returncode == 0 else None

    def shown(self, repo_path: str) -> str:
        """A repository path as the user knows it: relative to the vault when inside it."""
        if self.prefix and repo_path.startswith(self.prefix):
            return repo_path[len(self.prefix) :]
        return repo_path if not self.prefix else str(self.top / repo_path)

    def unresolved(self) -> list[str]:
        """Files git holds in conflict (anywhere in the repository)."""
        out = self.run("diff", "--name-only", "--diff-filter=U", "-z").stdout
        return sorted({self.shown(path) for path in out.split("\0") if path})

    def in_progress(self) -> str | None:
        """`rebase` or `merge` when one was interrupted by a conflict."""
        if (self.git_dir / "rebase-merge").is_dir() or (self.git_dir / "rebase-apply").is_dir():
            return "rebase"
        if (self.git_dir / "MERGE_HEAD").is_file():
            return "merge"
        return None
