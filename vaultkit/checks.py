"""`vault check`: every rule it runs, in one place.

The config's warnings and the problems the index keeps (a note it could not read, a bad
field, two people with one name) come from the Workspace, as every command shows them;
`vault check` adds the file names that syncing leaves behind and the temp files of stopped
writes (a walk of the vault), likely duplicate people (a pass over everyone), and with
`--links` the links that lead to no note.
"""

from __future__ import annotations

import os
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vaultkit.contacts.matching import DUPLICATE_FIELDS, likely_duplicates
from vaultkit.model import Problem, written_tag
from vaultkit.places import CONFIG_NAME
from vaultkit.vault.atomic import TEMP_SUFFIX, stopped_before_placing, temp_stem, temp_target
from vaultkit.vault.files import DAILY_NOTES_SETTINGS, Vault, read_daily_notes_settings
from vaultkit.vault.names import UNLINKABLE, is_conflict_copy, shown_name, unlinkable_part
from vaultkit.workspace import Workspace


@dataclass(frozen=True)
class CheckReport:
    """What `vault check` found: problems (errors first by file), and links to no note."""

    problems: list[Problem]
    dangling_links: list[tuple[str, int, str]]  # (path, line, target as written)

    @property
    def errors(self) -> int:
        """How many problems are errors (`vault check` exits 1 when there is one)."""
        return sum(p.level == "error" for p in self.problems)


def check_vault(
    workspace: Workspace, links: bool = False, progress: Callable[[int, int], None] | None = None
) -> CheckReport:
    """Every problem in the vault, and with `links` the links that lead to no note (an
    image or other attachment that exists is not one). `progress` follows the comparing
    of names for likely duplicates."""
    dangling = _not_attachments(workspace.vault, workspace.index.unresolved_links()) if links else []
    return CheckReport(vault_problems(workspace, progress), dangling)


def _not_attachments(vault: Vault, links: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """The links left when those to attachments that exist are taken out: Obsidian finds an
    attachment by its path, or by its file name anywhere in the vault."""
    if not any("." in target.rsplit("/", 1)[-1] for _, _, target in links):
        return links
    names: set[str] = set()
    for _folder, dirnames, filenames in os.walk(vault.root):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        names.update(unicodedata.normalize("NFC", name).casefold() for name in filenames)
    kept = []
    for path, line, target in links:
        plain = target.removeprefix("!").split("#", 1)[0].split("|", 1)[0]
        name = unicodedata.normalize("NFC", plain.rsplit("/", 1)[-1]).casefold()
        if not name.endswith(".md") and (name in names or (vault.root / plain).is_file()):
            continue
        kept.append((path, line, target))
    return kept


def vault_problems(workspace: Workspace, progress: Callable[[int, int], None] | None = None) -> list[Problem]:
    """The config's warnings, then by file: the index's problems, sync problems, likely
    duplicates, birthdays, last contacts and `met` dates after today, names no link can hold."""
    found = workspace.config_problems()
    problems = workspace.index.problems()
    problems += sync_problems(workspace.vault) + likely_duplicates(
        workspace.index.people_fields(DUPLICATE_FIELDS), progress=progress
    )
    problems += [
        Problem(path, None, "warning", f"birthday {birthday} is after today; its year is left out")
        for path, birthday in workspace.index.birthdays_after(workspace.today)
    ]
    problems += [
        Problem(path, None, "warning", f"{key} {when} is after today; it counts from that day on")
        for path, key, when in workspace.index.happened_after(workspace.today)
    ]
    problems += [
        Problem(
            path,
            None,
            "warning",
            f"the name holds {part}, which no [[link]] can hold (it {UNLINKABLE[part]}): rename the note",
        )
        for path, name in workspace.index.unlinkable_people()
        if (part := unlinkable_part(name)) is not None
    ]
    problems += obsidian_daily_notes(workspace.vault)
    problems.sort(key=lambda p: (p.path, p.line or 0, p.level, p.message))
    return found + problems


def obsidian_daily_notes(vault: Vault) -> list[Problem]:
    """Where Obsidian makes daily notes otherwise than vaultkit reads them (another folder,
    another name): their links would count for no one, without a word."""
    settings = read_daily_notes_settings(vault.root)
    if settings is None:  # no such plugin settings (its defaults: the top, YYYY-MM-DD)
        return []
    problems = []
    folder = settings["folder"].strip("/")
    daily_dir = vault.config.daily_dir
    if folder != daily_dir:
        there = f"in {folder}/" if folder else "at the vault's top"
        problems.append(
            Problem(
                DAILY_NOTES_SETTINGS,
                None,
                "warning",
                f"Obsidian makes daily notes {there}, and vaultkit reads them in {daily_dir or '.'}/: "
                f'set daily_dir = "{folder}" in {CONFIG_NAME}',
            )
        )
    written = settings["format"] or "YYYY-MM-DD"
    if written.rsplit("/", 1)[-1] != "YYYY-MM-DD":
        problems.append(
            Problem(
                DAILY_NOTES_SETTINGS,
                None,
                "warning",
                f"Obsidian names daily notes {written}, and vaultkit reads a daily note named "
                "YYYY-MM-DD (in folders too: YYYY/MM/YYYY-MM-DD): set the Daily notes format so, "
                "or nobody they link counts as met",
            )
        )
    return problems


# -- file names that syncing leaves behind ---------------------------------------------------
STOPPED_AFTER = 60
"""Seconds after which a vaultkit temp file is no longer a write under way."""


def sync_problems(vault: Vault) -> list[Problem]:
    """Warnings about file names that syncing left behind, and temp files that stopped
    writes did.

    Conflicted copies (Obsidian Sync, Dropbox, Syncthing), and names that differ only by
    case or by Unicode normalization (a Mac writes NFD, Linux keeps both): on a Mac or
    Windows such a pair is one file, so a sync between devices loses one of them.
    """
    problems: list[Problem] = []
    root = str(vault.root)
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        names = [*dirnames, *(name for name in filenames if not name.startswith("."))]
        temps = [name for name in filenames if name.startswith(".") and name.endswith(TEMP_SUFFIX)]
        # Most folders are fine: check a whole folder at once and look closer only when needed.
        joined = "\n".join(names)
        folded = joined.casefold()
        if (
            not temps
            and unicodedata.is_normalized("NFC", joined)
            and len(set(folded.split("\n"))) == len(names)
            and "conflicted copy" not in folded
            and ".sync-conflict-" not in folded
        ):
            continue
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        problems.extend(_folder_problems(prefix, names))
        problems.extend(_stopped_writes(folder, prefix, temps, filenames))
    problems.sort(key=lambda p: (p.path, p.message))
    return problems


def _stopped_writes(folder: str, prefix: str, temps: list[str], filenames: list[str]) -> list[Problem]:
    """Temp files that vaultkit's writes left when they were stopped (a kill, a crash, a
    power cut): the note they were for kept its bytes, but a temp may hold the only copy of
    what a command was adding (a `vault log` entry). A temp younger than `STOPPED_AFTER`
    seconds may belong to a write under way, and is left out."""
    problems = []
    for name in temps:
        try:
            age = time.time() - os.stat(os.path.join(folder, name)).st_mtime
        except OSError:
            continue  # its write finished (or removed it) meanwhile
        if age < STOPPED_AFTER:
            continue
        target = temp_target(folder, name, filenames)
        try:
            message = _stopped_write(folder, name, target, prefix)
        except OSError:
            continue  # (one of the two went meanwhile)
        problems.append(Problem(prefix + shown_name(name), None, "warning", message))
    return problems


def _stopped_write(folder: str, temp: str, target: str | None, prefix: str) -> str:
    """What a stopped write's temp file holds, and whether it can go (`stopped_before_placing`):
    what the note lacks of it is what is to keep."""
    if target is None:
        return (
            f"a vaultkit write was stopped here; {prefix}{shown_name(temp_stem(temp))} was not made: "
            "look in this file if a command of yours failed, then delete it"
        )
    note = prefix + shown_name(target)
    temp_path, note_path = Path(folder, temp), Path(folder, target)
    before = stopped_before_placing(temp_path, note_path)
    if before is None:
        return f"a vaultkit write finished but left this second name of {note}: delete it"
    lacking = Counter(temp_path.read_bytes().splitlines()) - Counter(note_path.read_bytes().splitlines())
    if before:
        if not lacking:
            return (
                f"a vaultkit write was stopped before it replaced {note}, which holds every line "
                "of this file: delete it (and run the command again if one of yours failed)"
            )
        return (
            f"a vaultkit write was stopped before it replaced {note}, which kept its bytes from "
            "before it: this file holds what the command was writing: look in it if a command "
            "of yours failed, then delete it"
        )
    if not lacking:
        return (
            f"a vaultkit write was stopped here; {note}, written since (by that write or "
            "another), holds every line of this file: delete it"
        )
    return (
        f"a vaultkit write was stopped here; {note}, written since (by that write or another), "
        f"lacks lines of this file (the note's old copy, or what the command was writing): keep "
        f"in {note} what you miss, then delete it"
    )


def _folder_problems(prefix: str, names: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    groups: dict[str, list[str]] = {}
    for name in names:
        if is_conflict_copy(name):
            problems.append(
                Problem(
                    prefix + name,
                    None,
                    "warning",
                    "a sync conflict copy: move what it adds into the file it copies, then delete it",
                )
            )
        groups.setdefault(unicodedata.normalize("NFC", name).casefold(), []).append(name)
    for group in groups.values():
        for name in group:
            message = _name_clash(name, [other for other in group if other != name], prefix)
            if message:
                problems.append(Problem(prefix + name, None, "warning", message))
    return problems


def _unicode_form(name: str) -> str:
    if unicodedata.is_normalized("NFC", name):
        return "composed Unicode (NFC)"
    return "decomposed Unicode (NFD, as a Mac writes it)"


def _name_clash(name: str, others: list[str], prefix: str) -> str | None:
    nfc = unicodedata.normalize("NFC", name)
    if not others:
        if nfc == name:
            return None
        return (
            f"the name is in {_unicode_form(name)}: rename it to composed Unicode (NFC) "
            "so that every device and vaultkit see the same name"
        )
    parts: list[str] = []
    for other in others:
        if unicodedata.normalize("NFC", other) == nfc:
            parts.append(f"{prefix}{other} has the same name in {_unicode_form(other)}; a Mac sees one file")
        else:
            parts.append(f"{prefix}{other} has the same name but for case; a Mac or Windows sees one file")
    return "; ".join(parts) + ": merge the two into one"


def nobody_hint(workspace: Workspace, in_vault: bool = False) -> str | None:
    """When the vault holds no people: one line saying where vaultkit looked and how to
    fix it (a wrong people_dir, --vault pointing at the people folder itself); else None.
    `in_vault`: for a view, which names no path of this machine (the vault is synced to
    others, where it lies elsewhere)."""
    if workspace.index.person_count():
        return None
    root = workspace.vault.root
    where = "this vault" if in_vault else str(root)
    folder = workspace.config.people_dir
    if not folder:
        return (
            f"no people in {where}: people_dir is empty in {CONFIG_NAME}, so a person is a note "
            "with `type: person` in its front matter"
        )
    missing = "; it does not exist there" if not (root / folder).is_dir() else ""
    hint = (
        f"no people in {where}: a person is a note under {folder}/ (people_dir in "
        f"{CONFIG_NAME}{missing}) or any note with `type: person` in its front matter"
    )
    if root.name.casefold() == folder.rsplit("/", 1)[-1].casefold():
        hint += f"; {where} looks like the {folder} folder itself: point --vault at the vault above it"
    return hint


def no_cadence_hint(workspace: Workspace) -> str | None:
    """When people you know are there but nobody has a cadence, so that nobody is ever due:
    how to give them one (`vault due` would say "Enjoy your day" forever); else None."""
    if not workspace.index.nobody_kept_in_touch():
        return None
    return (
        "nobody has a cadence, so nobody is ever due: give people one (`vault set NAME "
        f"cadence=1m`), by tag ([cadence_by_tag] in {CONFIG_NAME}), or everyone (default_cadence)"
    )


def unknown_key_hint(workspace: Workspace, keys: Sequence[str]) -> str | None:
    """`nobody has a key 'x'` for the first `--where` key nobody has (a typo, or a key
    written otherwise: `--where` compares keys as written), else None."""
    for key in keys:
        if not workspace.index.has_field(key):
            return f"nobody has a key {key!r} in their front matter (keys are compared as written)"
    return None


def unknown_tag_hint(workspace: Workspace, tag: str | None) -> str | None:
    """`nobody has the tag #x` when nobody does (a typo finds nobody, silently), else None."""
    if not tag or workspace.index.has_tag(tag):
        return None
    return f"nobody has the tag #{written_tag(tag)}"
