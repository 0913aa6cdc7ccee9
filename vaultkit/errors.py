"""The exceptions vaultkit raises, each with the exit code the CLI uses for it."""

from __future__ import annotations


class VaultkitError(Exception):
    """Base of every error the user can act on; str() is one sentence for them."""

    exit_code = 1


class UsageError(VaultkitError):
    """The command line was wrong (exit 2)."""

    exit_code = 2


class ConfigError(VaultkitError):
    """vaultkit.toml has a bad value."""


class VaultNotFound(VaultkitError):
    """No vault could be found from the options, environment or current folder."""


class NoteParseError(VaultkitError):
    """A note could not be read; it is skipped and reported."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


class StaleFileError(VaultkitError):
    """A file changed on disk after vaultkit read it; it was not overwritten."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"{path} changed on disk while vaultkit was working on it; nothing was written. "
            "Run the command again."
        )


class RefusedWrite(VaultkitError):
    """A write that would lose or mangle user data was refused."""


class PersonNotFound(VaultkitError):
    """A NAME argument matched nobody, or more than one person."""


class TemplateError(VaultkitError):
    """A Jinja template failed to load or render."""


class GitError(VaultkitError):
    """git is missing, the vault is not a repository, or a git step failed."""
