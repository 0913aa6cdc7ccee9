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


class VaultGone(VaultNotFound):
    """The vault folder was deleted, moved away or replaced while vaultkit was watching it."""


class NoteParseError(VaultkitError):
    """A note could not be read; it is skipped and reported."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


def _outcome(written: Sequence[str], unwritten: Sequence[str], names: Sequence[str]) -> tuple[str, str]:
    """What a command that stopped at one note did write, and how to finish it."""
    if not written:
        return "nothing was written", "Run the command again."
    left = f"it and {', '.join(unwritten)} were not written" if unwritten else "it was not written"
    again = f"Run the command again for {', '.join(names)}." if names else "Run the command again."
    return f"{left} (already written: {', '.join(written)})", again


class StaleFileError(VaultkitError):
    """A file changed on disk after vaultkit read it; it was not overwritten.

    A command writing several notes stops at the first stale one: `written` names the
    notes it wrote before, `unwritten` the ones after it, `names` whom to run it again for.
    """

    happened = "changed on disk while vaultkit was working on it"

    def __init__(
        self,
        path: str,
        written: Sequence[str] = (),
        unwritten: Sequence[str] = (),
        names: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.written = list(written)
        outcome, again = _outcome(written, unwritten, names)
        super().__init__(f"{path} {self.happened}; {outcome}. {again}")


class NoteGone(StaleFileError):
    """A note was not at its path when vaultkit read it to change it: moved or deleted a
    moment before (a git checkout or a sync tool deletes notes and makes them again)."""

    happened = "was moved or deleted while vaultkit was reading it"


class NoteBusy(VaultkitError):
    """Another vaultkit process kept a note locked for too long; nothing was written to it."""

    def __init__(self, path: str, outcome: str = "it was not written") -> None:
        self.path = path
        super().__init__(
            f"{path} is being changed by another vaultkit command (a lock held for over 10 s); "
            f"{outcome}. Run the command again when that one has finished."
        )


class WriteFailed(VaultkitError):
    """The file system refused a write (full disk, read-only, permissions); the file is as it was.

    Like StaleFileError, it can say which notes of a command were written before it.
    """

    def __init__(
        self,
        path: str,
        reason: str,
        outcome: str = "it was not changed",
        written: Sequence[str] = (),
        unwritten: Sequence[str] = (),
        names: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.reason = reason
        self.written = list(written)
        again = ""
        if written:
            outcome, again = _outcome(written, unwritten, names)
            again = " " + again
        super().__init__(f"{path} could not be written ({reason}); {outcome}.{again}")


class IncompleteWrite(VaultkitError):
    """A command writing many files stopped part-way: says what it wrote before the failure."""

    def __init__(self, cause: VaultkitError, written: Sequence[str], total: int, again: str) -> None:
        self.cause = cause
        self.written = list(written)
        shown = ", ".join(written[:5]) + (f" and {len(written) - 5} more" if len(written) > 5 else "")
        super().__init__(
            f"{str(cause).rstrip('.')}. Before that, {len(written)} of {total} files were written "
            f"({shown}); the others were not. {again}"
        )


class RefusedWrite(VaultkitError):
    """A write that would lose or mangle user data was refused."""


class IndexFileError(VaultkitError):
    """The index file cannot be used: it is not vaultkit's, it is damaged, or it cannot be
    opened or written (a folder, a read-only file system, a full disk...)."""


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
