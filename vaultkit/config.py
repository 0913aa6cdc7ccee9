"""Typed, frozen configuration read from `vaultkit.toml` at the vault root."""

from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from vaultkit.dates import parse_cadence
from vaultkit.errors import ConfigError
from vaultkit.model import JOINERS, MAX_ROWS, tag_key
from vaultkit.places import CONFIG_NAME


@dataclass(frozen=True)
class Config:
    """Every setting of `vaultkit.toml`, with its default (spec §2)."""

    people_dir: str = "People"
    meetings_dir: str = "Meetings"
    daily_dir: str = "Daily"
    reviews_dir: str = "Reviews"
    templates_dir: str = "Templates/vaultkit"
    log_heading: str = "Log"
    exclude: tuple[str, ...] = ()
    default_cadence: str = ""
    # True: `vault log` keeps `last_contact` current; "derived": `vault render` and the
    # watcher also move it forward to a newer contact found elsewhere (for Obsidian Bases).
    write_last_contact: bool | Literal["derived"] = True
    cadence_by_tag: tuple[tuple[str, str], ...] = ()
    views: tuple[tuple[str, str], ...] = (("due", "Due.md"), ("network", "Network.md"))
    # How many entries each section of a view lists before "and N more": a view of
    # 100,000 people stays readable (and under the sandbox's size guard).
    max_rows: int = 100
    new_people_per_week: int = 1
    ask_follow_up: str = "2w"  # an ask with no answer this long after it earns one gentle follow-up
    stats_dimensions: tuple[str, ...] = ("location", "company", "tags")
    daily_reachouts: bool = False
    # Makes calendar UIDs unique to this vault and the same on every device that syncs it.
    vault_id: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def fingerprint(self) -> str:
        """A string that changes when a setting that shapes the index changes."""
        return repr(
            (self.people_dir, self.meetings_dir, self.daily_dir, self.templates_dir,
             self.log_heading, self.exclude, self.stats_fields)
        )  # fmt: skip

    @property
    def stats_fields(self) -> tuple[str, ...]:
        """The front-matter keys the network figures count (the dimensions, and the optional
        ones shown when anybody records them), but `tags` and `age`, which have columns of
        their own: the index keeps these apart, so that counting them reads no whole note."""
        dimensions = (*self.stats_dimensions, *OPTIONAL_DIMENSIONS)
        return tuple(key for key in dict.fromkeys(dimensions) if key not in ("tags", "age"))

    def view_path(self, name: str) -> str | None:
        """The vault-relative path of a generated view, or None when switched off."""
        path = dict(self.views).get(name)
        return path or None


OPTIONAL_DIMENSIONS = ("seniority", "gender", "age")
"""Dimensions the network figures show, beside `stats_dimensions`, when anybody records them."""

_STRING_KEYS = {
    "people_dir", "meetings_dir", "daily_dir", "reviews_dir", "templates_dir", "log_heading",
}  # fmt: skip
_TOP_KEYS = _STRING_KEYS | {
    "exclude", "default_cadence", "write_last_contact", "cadence_by_tag", "views", "goals",
    "stats", "daily", "vault_id",
}  # fmt: skip
# The views written as files in the vault, and the suffix each file must have.
_VIEW_SUFFIXES = {"due": ".md", "network": ".md", "base": ".base"}
_VAULT_ID_RE = re.compile(r"[A-Za-z0-9-]{8,64}")


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{CONFIG_NAME}: {key} must be a string, not {value!r}")
    return value


def _inside(key: str, value: Any, what: str) -> str:
    """A vault-relative path, `/`-separated, in its one normal form (`./People/` and
    `People//` are `People`), so that every rule comparing paths sees the same text. An
    absolute one or one climbing out (`..`) is refused: it must be checked before the slashes
    are trimmed, or `/etc` would pass as `etc`. The vault itself (`.`) is refused too: for a
    folder, "" already says "none" (no people folder), which `.` would not mean."""
    text = _string(key, value).strip()
    if text.startswith("/") or Path(text).is_absolute() or ".." in Path(text).parts:
        raise ConfigError(f"{CONFIG_NAME}: {key} must be a {what} inside the vault, not {value!r}")
    if not text:
        return ""
    normal = posixpath.normpath(text)
    if normal == ".":
        raise ConfigError(
            f"{CONFIG_NAME}: {key} must be a {what} inside the vault, not the vault itself ({value!r})"
        )
    return normal


def _folder(key: str, value: Any) -> str:
    return _inside(key, value, "folder")


_CLOSING_HASHES = re.compile(r"[ \t]#+$")
"""An ATX heading's closing sequence, which is not part of its text."""


def _heading(key: str, value: Any) -> str:
    text = _string(key, value).strip()
    if not text:
        raise ConfigError(f'{CONFIG_NAME}: {key} must be a heading\'s text, like "Log"')
    if text.startswith("#"):  # `vault log` would add a heading `## ## Log`
        raise ConfigError(
            f'{CONFIG_NAME}: {key} is the heading\'s text without its #s, like "Log", not {value!r}'
        )
    # The heading `vault log` writes must read back as this one: one line, no comment or
    # code that the parser takes out, no closing #s (else each log adds a section).
    if not "".join(ch for ch in text if ch not in JOINERS).isprintable():  # (`model.JOINERS` are text)
        raise ConfigError(
            f"{CONFIG_NAME}: {key} must be one line of text, without control characters, not {value!r}"
        )
    if any(mark in text for mark in ("`", "<!--", "%%")) or _CLOSING_HASHES.search(text):
        raise ConfigError(
            f"{CONFIG_NAME}: {key} must be plain text (no `, <!--, %% or closing #s), which a heading "
            f"reads back as written, not {value!r}"
        )
    return text


def _cadence(key: str, value: Any) -> str:
    text = _string(key, value)
    if text.strip():
        try:
            parse_cadence(text)
        except ValueError as err:
            raise ConfigError(f"{CONFIG_NAME}: {key}: {err}") from None
    return text.strip()


def _table(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{CONFIG_NAME}: [{key}] must be a table")
    return value


def load_config(root: Path) -> Config:
    """Read `vaultkit.toml` under `root` (defaults when absent); bad values raise ConfigError."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # Notepad writes a BOM
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{CONFIG_NAME}: not valid TOML: {err}") from None
    return config_from_dict(data)


def config_from_dict(data: dict[str, Any]) -> Config:
    """Build a Config from parsed TOML, validating every key."""
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in data.items():
        if key not in _TOP_KEYS:
            warnings.append(f"{CONFIG_NAME}: unknown key {key!r} is ignored")
        elif key in _STRING_KEYS:
            values[key] = _heading(key, value) if key == "log_heading" else _folder(key, value)
        elif key == "exclude":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{CONFIG_NAME}: exclude must be a list of glob strings")
            values[key] = tuple(value)
        elif key == "vault_id":
            if not isinstance(value, str) or not _VAULT_ID_RE.fullmatch(value):
                raise ConfigError(
                    f"{CONFIG_NAME}: vault_id must be 8 to 64 letters, digits or dashes, not {value!r}"
                )
            values[key] = value
        elif key == "default_cadence":
            values[key] = _cadence(key, value)
        elif key == "write_last_contact":
            if not isinstance(value, bool) and value != "derived":
                raise ConfigError(f'{CONFIG_NAME}: write_last_contact must be true, false or "derived"')
            values[key] = value
        elif key == "cadence_by_tag":
            table = _table(key, value)
            values[key] = tuple(
                (tag_key(tag), _cadence(f"cadence_by_tag.{tag}", cad)) for tag, cad in table.items()
            )
        elif key == "views":
            views = dict(Config().views)
            for name, target in _table(key, value).items():
                if name == "max_rows":
                    if not isinstance(target, int) or isinstance(target, bool) or target < 1:
                        raise ConfigError(f"{CONFIG_NAME}: views.max_rows must be a whole number ≥ 1")
                    values["max_rows"] = min(target, MAX_ROWS)
                elif name == "vdir":  # a folder of .ics files, often outside the vault
                    views[name] = _string(f"views.{name}", target)
                elif name in _VIEW_SUFFIXES:
                    views[name] = _view_file(name, target)
                else:
                    warnings.append(f"{CONFIG_NAME}: unknown key views.{name!r} is ignored")
            values[key] = tuple(sorted(views.items()))
        elif key == "goals":
            for goal, target in _table(key, value).items():
                if goal == "ask_follow_up":
                    span = _cadence("goals.ask_follow_up", target)
                    if not span or parse_cadence(span) is None:
                        raise ConfigError(f"{CONFIG_NAME}: goals.ask_follow_up must be a span such as 2w")
                    values["ask_follow_up"] = span
                elif goal != "new_people_per_week":
                    warnings.append(f"{CONFIG_NAME}: unknown key goals.{goal!r} is ignored")
                elif not isinstance(target, int) or isinstance(target, bool) or target < 0:
                    raise ConfigError(f"{CONFIG_NAME}: goals.new_people_per_week must be a whole number ≥ 0")
                else:
                    values["new_people_per_week"] = target
        elif key == "stats":
            for stat, target in _table(key, value).items():
                if stat != "dimensions":
                    warnings.append(f"{CONFIG_NAME}: unknown key stats.{stat!r} is ignored")
                elif not isinstance(target, list) or not all(isinstance(v, str) for v in target):
                    raise ConfigError(f"{CONFIG_NAME}: stats.dimensions must be a list of keys")
                else:
                    values["stats_dimensions"] = tuple(target)
        elif key == "daily":
            for setting, target in _table(key, value).items():
                if setting != "reachouts":
                    warnings.append(f"{CONFIG_NAME}: unknown key daily.{setting!r} is ignored")
                elif not isinstance(target, bool):
                    raise ConfigError(f"{CONFIG_NAME}: daily.reachouts must be true or false")
                else:
                    values["daily_reachouts"] = target
    config = Config(**values, warnings=tuple(warnings))
    _refuse_overlaps(config)
    return config


def _view_file(name: str, value: Any) -> str:
    """A view's file: inside the vault, with the suffix Obsidian opens it by ("" switches it off)."""
    path = _inside(f"views.{name}", value, "file")
    suffix = _VIEW_SUFFIXES[name]
    if path and not path.lower().endswith(suffix):
        raise ConfigError(f"{CONFIG_NAME}: views.{name} must be a {suffix} file, not {value!r}")
    return path


def _under(path: str, folder: str) -> bool:
    """Whether a vault-relative path is the folder or lies in it (never for no folder, "")."""
    return bool(folder) and (path == folder or path.startswith(folder + "/"))


def _refuse_overlaps(config: Config) -> None:
    """Refuse settings that make what vaultkit writes into people, or hide the people.

    Every `.md` under `people_dir` is a person: a meeting, review, daily note or view
    written there would become one; a templates folder holding `people_dir` would hide them all.
    """
    people = config.people_dir
    written = [(key, getattr(config, key)) for key in ("meetings_dir", "daily_dir", "reviews_dir")]
    written += [(f"views.{name}", path) for name, path in config.views if name in _VIEW_SUFFIXES]
    for key, path in written:
        if _under(path, people):
            raise ConfigError(f"{CONFIG_NAME}: {key} must not lie in people_dir ({people!r}), not {path!r}")
    if _under(people, config.templates_dir):
        raise ConfigError(
            f"{CONFIG_NAME}: templates_dir ({config.templates_dir!r}) must not hold people_dir ({people!r})"
        )
    seen: dict[str, str] = {}
    for name, path in config.views:
        if name in _VIEW_SUFFIXES and path:
            # (one file on a case-insensitive disk, as on macOS and Windows)
            other = seen.setdefault(path.casefold(), name)
            if other != name:
                raise ConfigError(f"{CONFIG_NAME}: views.{other} and views.{name} are both {path!r}")


def with_vault_id(text: str, vault_id: str) -> str:
    """`vaultkit.toml`'s text with a `vault_id` line added at its top (a key there is always
    top-level, whatever tables follow), after a byte-order mark if there is one."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    line = f'vault_id = "{vault_id}"  # calendar UIDs: keep it, and the same on every device{newline}'
    return bom + line + text[len(bom) :]


CONFIG_KEYS = tuple(f.name for f in fields(Config))
