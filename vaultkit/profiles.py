"""What `vault show`, `list` and `search` return: typed results, each with the JSON its
`--json` prints, and the rule that sums a person up (cadence, due date, last contact).

Named tuples, not dataclasses, as in `model.py` for what comes by the thousand: `vault list`
makes one per person, and a frozen dataclass costs a millisecond to define at start-up.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from vaultkit.config import Config
from vaultkit.due import due_on, resolve_cadence
from vaultkit.model import FollowUp, Interaction, Person


class IntroducedTo(NamedTuple):
    """Someone you introduced a person to, and when."""

    name: str
    date: dt.date


class Introductions(NamedTuple):
    """A person's introductions, both ways (the `introductions` object of `vault show --json`).

    `introduced_you_to`: the people they introduced you to (whose `introduced_by` names them);
    `you_introduced_them_to`: the introductions you made for them (`vault intro`);
    `introduced_by`: who introduced them to you.
    """

    introduced_you_to: list[str]
    you_introduced_them_to: list[IntroducedTo]
    introduced_by: list[str]

    def to_json(self) -> dict[str, Any]:
        """JSON form, with the two counts first."""
        return {
            "made_by_them": len(self.introduced_you_to),
            "made_for_them": len(self.you_introduced_them_to),
            "introduced_you_to": self.introduced_you_to,
            "you_introduced_them_to": [
                {"name": item.name, "date": item.date.isoformat()} for item in self.you_introduced_them_to
            ],
            "introduced_by": self.introduced_by,
        }


@functools.lru_cache(maxsize=4096)  # (a list of 100,000 people has a few thousand dates)
def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


class PersonSummary(NamedTuple):
    """What `vault list` and `vault show` say of a person: cadence, due date, last contact.

    `due_on` is None for someone archived, without a cadence, or never contacted (due now);
    `cadence_source` says where the cadence came from: `own`, `tag:NAME` or `default`.
    """

    name: str
    path: str
    last_contact: dt.date | None
    last_channel: str | None
    cadence: str | None
    cadence_source: str | None
    due_on: dt.date | None
    days_overdue: int | None

    def to_json(self) -> dict[str, Any]:
        """The summary's members of `vault show --json`, in their order."""
        return _summary_json(self)


class PersonDetails(NamedTuple):
    """Everything `vault show` tells about one person: their summary's fields, then the rest."""

    name: str
    path: str
    last_contact: dt.date | None
    last_channel: str | None
    cadence: str | None
    cadence_source: str | None
    due_on: dt.date | None
    days_overdue: int | None
    fields: dict[str, Any]
    aliases: list[str]
    tags: list[str]
    interactions: list[Interaction]  # newest first
    followups: list[FollowUp]
    links_out: list[str]  # names of the people this note links to
    links_in: list[str]  # paths of the notes linking here
    introductions: Introductions
    never_due: str | None = None  # why someone with a cadence is never due: `archived`, `a prospect`

    def to_json(self) -> dict[str, Any]:
        """`vault show --json`."""
        return {
            **_summary_json(self),
            "fields": self.fields,
            "aliases": self.aliases,
            "tags": self.tags,
            "interactions": [item.to_json() for item in self.interactions],
            "followups": [item.to_json() for item in self.followups],
            "links_out": self.links_out,
            "links_in": self.links_in,
            "introductions": self.introductions.to_json(),
        }


def _summary_json(person: PersonSummary | PersonDetails) -> dict[str, Any]:
    return {
        "name": person.name,
        "path": person.path,
        "last_contact": _iso(person.last_contact),
        "last_channel": person.last_channel,
        "cadence": person.cadence,
        "cadence_source": person.cadence_source,
        "due_on": _iso(person.due_on),
        "days_overdue": person.days_overdue,
    }


class ListedPerson(NamedTuple):
    """One row of `vault list`: a person with their front matter as written."""

    name: str
    path: str
    last_contact: dt.date | None
    due_on: dt.date | None
    fields: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """One person of `vault list --json` (and of `vault export json`)."""
        return {
            "name": self.name,
            "path": self.path,
            "last_contact": _iso(self.last_contact),
            "due_on": _iso(self.due_on),
            "fields": self.fields,
        }


_CHUNK = 1 << 16  # bytes of JSON made before they are handed on


def people_json(people: Iterable[ListedPerson], indent: bool = False) -> Iterator[bytes]:
    """`{"people": [...]}` of `vault list --json`, ending in a line break, in chunks of about
    64 KiB made as the people come (so never all of them in memory): the bytes orjson makes
    of the whole object at once, compact, or with `indent` as `json.dumps(indent=2)` writes
    them (a terminal, `vault export json`; a test holds the two to each other)."""
    import orjson

    if indent:
        option, head, between, tail = (
            orjson.OPT_INDENT_2,
            b'{\n  "people": [\n    ',
            b",\n    ",
            b"\n  ]\n}\n",
        )
    else:
        option, head, between, tail = 0, b'{"people":[', b",", b"]}\n"
    dumps = orjson.dumps
    parts: list[bytes] = []
    size = 0
    started = False
    for person in people:
        text = dumps(person.to_json(), option=option)
        if indent:  # a level deeper: JSON writes no line break inside a string
            text = text.replace(b"\n", b"\n    ")
        parts.append(text)
        size += len(text)
        if size >= _CHUNK:
            yield (between if started else head) + between.join(parts)
            parts, size, started = [], 0, True
    if parts:
        yield (between if started else head) + between.join(parts) + tail
    elif started:
        yield tail
    else:  # nobody
        yield b'{\n  "people": []\n}\n' if indent else b'{"people":[]}\n'


class SearchHit(NamedTuple):
    """A note holding every word searched for, with a snippet that marks them in [brackets]."""

    path: str
    name: str
    snippet: str

    def to_json(self) -> dict[str, str]:
        """One result of `vault search --json`."""
        return {"path": self.path, "name": self.name, "snippet": self.snippet}


def summarize(person: Person, config: Config, today: dt.date) -> PersonSummary:
    """A person's cadence (and where it comes from), due date and last contact as of `today`."""
    resolved = resolve_cadence(person, config)
    due_date = due_on(person, resolved[0], today)[0] if resolved and not person.archived else None
    return PersonSummary(
        person.name,
        person.path,
        person.last_contact,
        person.last_channel,
        resolved[0].text if resolved else None,
        resolved[1] if resolved else None,
        due_date,
        (today - due_date).days if due_date else None,
    )
