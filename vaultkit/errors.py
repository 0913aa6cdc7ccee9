"""The exceptions vaultkit raises, each with the exit code the CLI uses for it."""

from __future__ import annotations

from collections.abc import Sequence


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
    """A file changed on disk after vaultkit read it; it was not overwritten.

    A command writing several notes stops at the first stale one: `written` names the
    notes it wrote before, `unwritten` the ones after it, `names` whom to run it again for.
    """

    def __init__(
        self,
        path: str,
        written: Sequence[str] = (),
        unwritten: Sequence[str] = (),
        names: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.written = list(written)
        if not written:
            outcome, again = "nothing was written", "Run the command again."
        else:
            left = f"it and {', '.join(unwritten)} were not written" if unwritten else "it was not written"
            outcome = f"{left} (already written: {', '.join(written)})"
            again = f"Run the command again for {', '.join(names)}." if names else "Run the command again."
        super().__init__(f"{path} changed on disk while vaultkit was working on it; {outcome}. {again}")


class RefusedWrite(VaultkitError):
    """A write that would lose or mangle user data was refused."""


class PersonNotFound(VaultkitError):
    """A NAME argument matched nobody, or more than one person."""


class UnreadableNote(PersonNotFound):
    """A NAME matched a note that the index skipped because it cannot be read."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else path
        why = reason if reason.startswith("cannot be read") else f"cannot be read ({reason})"
        super().__init__(f"{where} {why}; fix it, then run the command again")


class TemplateError(VaultkitError):
    """A Jinja template failed to load or render."""


class GitError(VaultkitError):
    """git is missing, the vault is not a repository, or a git step failed."""
