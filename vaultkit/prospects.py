"""People you want to meet: prospects (`status: prospect`), the humble ask (`status: asked`,
an `asked:` Log entry), and `vault met`, which turns them into contacts.

The rule that a prospect is never due lives in `due.resolve_cadence`; that they are not yet
met, in the parser (a `met` on a prospect is dropped). This module keeps the list, the asks,
the introducers and the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict

from vaultkit.dates import Cadence, days_text, parse_cadence, parse_date
from vaultkit.due import snoozed
from vaultkit.errors import RefusedWrite, UsageError
from vaultkit.insights.goals import week_start
from vaultkit.model import (
    ASK_CHANNEL,
    ASKED,
    MARKER_TAG,
    PROSPECT,
    Person,
    is_prospect,
    name_key,
    name_order,
    no_value,
    tag_key,
)
from vaultkit.workspace import PersonRef, Workspace, set_items, tag_option

ASK_TEXT = "reached out"
MET_TEXT = "first met"
INTRODUCERS_SHOWN = 5  # the closest: a tag shared with thousands names nobody in particular


class Introducer(NamedTuple):
    """Someone in your network who could introduce you, and why them."""

    name: str
    path: str | None  # None: a `via` name with no note of its own
    reason: str

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "path": self.path, "reason": self.reason}


@dataclass
class Prospect:
    """Someone you want to meet, as `vault prospects` lists them."""

    name: str
    path: str
    status: str
    why: str | None
    via: list[str]
    found: dt.date | None
    asks: list[dt.date]
    waiting_since: dt.date | None
    days_waiting: int | None
    follow_up: bool
    introducers: list[Introducer] = field(default_factory=list)
    more_introducers: int = 0

    def to_json(self) -> dict[str, Any]:
        """One item of `vault prospects --json`."""
        return {
            "name": self.name,
            "path": self.path,
            "status": self.status,
            "why": self.why,
            "via": self.via,
            "found": _iso(self.found),
            "asked": [day.isoformat() for day in self.asks],
            "waiting_since": _iso(self.waiting_since),
            "days_waiting": self.days_waiting,
            "follow_up": self.follow_up,
            "introducers": [item.to_json() for item in self.introducers],
            "more_introducers": self.more_introducers,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _text(value: Any) -> str | None:
    if no_value(value) or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    return text or None


def found_of(person: Person) -> dt.date | None:
    """The `found` date of a person's note (their fields must be loaded), or None."""
    return _date_of(person.fields.get("found"))


def follow_up_due(asks: Sequence[dt.date], today: dt.date, span: Cadence) -> bool:
    """One gentle follow-up, never more: an ask with no answer `span` after it, and no second ask."""
    return len(asks) == 1 and span.add_to(asks[0]) <= today


def _follow_up_span(workspace: Workspace) -> Cadence:
    span = parse_cadence(workspace.config.ask_follow_up)
    assert span is not None  # the config refuses a span that is none
    return span


def asks_by_person(workspace: Workspace) -> dict[str, list[dt.date]]:
    """Each person's asks (the dates of their `asked:` Log entries), oldest first."""
    found: dict[str, list[dt.date]] = {}
    for path, day in workspace.index.log_entries(ASK_CHANNEL):
        found.setdefault(path, []).append(day)
    return found


class AskToFollowUp(NamedTuple):
    """An open ask due its one gentle follow-up (Due.md lists them)."""

    name: str
    path: str
    asked_on: dt.date
    days_waiting: int


def asks_to_follow_up(workspace: Workspace) -> list[AskToFollowUp]:
    """The open asks due their follow-up as of the workspace's today, longest waiting first:
    Due.md's and `vault suggest`'s, which leave out the archived and the snoozed (`due.snoozed`:
    not to be reminded of before then).

    Reads only the people whose status is `asked` (Due.md is rendered after every change)."""
    today, span = workspace.today, _follow_up_span(workspace)
    asks: dict[str, tuple[str, list[dt.date]]] = {}
    for path, name, _, day in workspace.index.status_asks([ASKED], ASK_CHANNEL):
        if day <= today:
            asks.setdefault(path, (name, []))[1].append(day)
    due = {path: name for path, (name, days) in asks.items() if follow_up_due(days, today, span)}
    awake = {path for _, path, _ in workspace.index.reachable_named(due.values(), today)}
    found = [
        AskToFollowUp(name, path, asks[path][1][0], (today - asks[path][1][0]).days)
        for path, name in due.items()
        if path in awake
    ]
    return sorted(found, key=lambda ask: (ask.asked_on, name_order(ask.name), ask.path))


# -- the list --------------------------------------------------------------------------------
class Member(NamedTuple):
    """Someone in your network, as far as introducing you goes (`Index.network_members`)."""

    name: str
    path: str
    tags: list[str]
    last_contact: str | None  # ISO date
    company: Any


def _tag_keys(tags: Iterable[str]) -> set[str]:
    return {tag_key(tag) for tag in tags} - {MARKER_TAG}


def _shared(prospect: Person, member: Member) -> tuple[bool, list[str]]:
    """Whether this member works at the prospect's company (`[[Acme]]` is Acme), and the tags
    they share (keys)."""
    from vaultkit.notes.parse import named_by  # (its patterns: only where prospects are matched)

    company = name_key(named_by(_text(prospect.fields.get("company")) or ""))
    same_company = bool(company) and name_key(named_by(_text(member.company) or "")) == company
    return same_company, sorted(_tag_keys(prospect.tags) & _tag_keys(member.tags))


def _closest_first(members: Iterable[Member]) -> list[Member]:
    """By most recent contact, then name."""
    by_name = sorted(members, key=lambda member: name_order(member.name))
    return sorted(by_name, key=lambda member: member.last_contact or "", reverse=True)


def introducers_of(
    prospect: Person, members: Sequence[Member], resolve: Callable[[str], str], paths: Mapping[str, str]
) -> list[Introducer]:
    """Who could introduce you: the prospect's `via` (`paths`: the notes of the names it
    resolves to), else members of your network who share their company (first) or a tag
    (more shared tags first), each by most recent contact, then name."""
    via = [resolve(name) for name in _via_names(prospect)]
    if via:
        return [Introducer(name, paths.get(name), "via") for name in via]
    company_text = _text(prospect.fields.get("company"))
    ranked: list[tuple[int, int, Introducer]] = []
    for member in _closest_first(members):
        same_company, shared = _shared(prospect, member)
        if not same_company and not shared:
            continue
        reasons = [f"works at {company_text}"] if same_company else []
        if shared:
            reasons.append("shares " + ", ".join(f"#{tag}" for tag in shared))
        ranked.append(
            (0 if same_company else 1, -len(shared), Introducer(member.name, member.path, "; ".join(reasons)))
        )
    ranked.sort(key=lambda item: item[:2])  # stable: the closest first within each rank
    return [introducer for *_, introducer in ranked]


class CommonGround(NamedTuple):
    """Something a prospect shares with people in your network: `works at Acme` or `#climate`,
    and who (the most recently contacted first)."""

    what: str
    people: list[str]


def common_ground(workspace: Workspace, ref: PersonRef) -> list[CommonGround]:
    """What this person shares with your network, whatever their `via`: their company
    first, then each tag, the most widely shared first."""
    person = workspace.index.person(ref.path, workspace.today)
    company_text = _text(person.fields.get("company"))
    members = [Member(*row) for row in workspace.index.network_members([PROSPECT, ASKED])]
    colleagues: list[str] = []
    by_tag: dict[str, list[str]] = {}
    for member in _closest_first(members):
        same_company, shared = _shared(person, member)
        if same_company:
            colleagues.append(member.name)
        for tag in shared:
            by_tag.setdefault(f"#{tag}", []).append(member.name)
    found = [CommonGround(f"works at {company_text}", colleagues)] if colleagues else []
    return found + [
        CommonGround(*item) for item in sorted(by_tag.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


def _via_names(person: Person) -> list[str]:
    from vaultkit.notes.parse import names_in_value

    return names_in_value(person.fields.get("via"))


def _names_person(workspace: Workspace, written: Sequence[str], name: str) -> bool:
    """Whether names or link targets as written (`People/Sam Lee`, an alias) name the person
    `name`: compared as the people they resolve to, not as texts."""
    from vaultkit.introductions import resolver_for

    resolve = resolver_for(workspace.index, written)
    return name_key(name) in {name_key(resolve(text)) for text in written}


def prospect_list(workspace: Workspace, today: dt.date | None = None, awake: bool = False) -> list[Prospect]:
    """Everyone with `status: prospect` or `asked` as of `today` (the workspace's by default),
    archived ones aside (and with `awake` the snoozed, `due.snoozed`): asks due a follow-up
    first, then open asks, then prospects not asked yet; each the longest waiting first, then by name.

    Reads the prospects and their asks through the status index; everyone else only when a
    prospect with no `via` needs introducers, and then a few values each."""
    today = today or workspace.today
    people = [
        p
        for p in workspace.index.people_with_status([PROSPECT, ASKED], today)
        if p.prospect and not p.archived and not (awake and snoozed(p, today))
    ]
    found = _prospects(workspace, people, today)
    found.sort(
        key=lambda p: (
            0 if p.follow_up else 1 if p.status == ASKED else 2,
            -(p.days_waiting or 0),
            name_key(p.name),
            p.path,
        )
    )
    return found


def prospect_of(workspace: Workspace, ref: PersonRef) -> Prospect | None:
    """This person as `vault prospects` lists them (why, via, asks, follow-up, introducers)
    as of the workspace's today; None when they are not a prospect (or are archived)."""
    person = workspace.index.person(ref.path, workspace.today)
    if not person.prospect or person.archived:
        return None
    (found,) = _prospects(workspace, [person], workspace.today)
    return found


def _prospects(workspace: Workspace, people: Sequence[Person], today: dt.date) -> list[Prospect]:
    """These prospects with their asks (up to `today`), waiting time and introducers."""
    from vaultkit.introductions import resolver_for

    if not people:
        return []
    span, index = _follow_up_span(workspace), workspace.index
    paths = {person.path for person in people}
    asks: dict[str, list[dt.date]] = {}
    for path, _, _, day in index.status_asks([PROSPECT, ASKED], ASK_CHANNEL):
        if day <= today and path in paths:
            asks.setdefault(path, []).append(day)
    via_texts = [name for person in people for name in _via_names(person)]
    resolve = resolver_for(index, via_texts)
    via_paths = {
        name: note for name in map(resolve, via_texts) if (note := index.path_of_name(name_key(name)))
    }
    needs_members = any(not _via_names(person) for person in people)
    members = [Member(*row) for row in index.network_members([PROSPECT, ASKED])] if needs_members else []
    found: list[Prospect] = []
    for person in people:
        person_asks = asks.get(person.path, [])
        asked = person.status == ASKED
        found_on = found_of(person)
        since = person_asks[-1] if asked and person_asks else found_on
        introducers = introducers_of(person, members, resolve, via_paths)
        found.append(
            Prospect(
                name=person.name,
                path=person.path,
                status=person.status or PROSPECT,
                why=_text(person.fields.get("why")),
                via=[resolve(name) for name in _via_names(person)],
                found=found_on,
                asks=person_asks,
                waiting_since=since,
                days_waiting=(today - since).days if since else None,
                follow_up=asked and follow_up_due(person_asks, today, span),
                introducers=introducers[:INTRODUCERS_SHOWN],
                more_introducers=max(0, len(introducers) - INTRODUCERS_SHOWN),
            )
        )
    return found


# -- writing ---------------------------------------------------------------------------------
class Wanted(NamedTuple):
    """What `vault want` did: the person, whether their note is new, the keys it added, and
    the note's own values it kept where a different one was given (key -> the note's, as text)."""

    ref: PersonRef
    created: bool
    added: list[str]
    kept: dict[str, str]
    not_added: str | None = None  # why the tags could not be added, when the rest was


def want(
    workspace: Workspace,
    name: str,
    why: str | None = None,
    via: str | None = None,
    tags: Sequence[str] = (),
    fields: Sequence[str] = (),
) -> Wanted:
    """Add someone you want to meet (the person template, `status: prospect`, `found:`
    today); for an existing prospect, only what their note is missing."""
    tags = [tag_option(tag) for tag in tags]  # (a blank one is refused, for a new prospect or not)
    extra = set_items(fields, options=("--tag",))
    if "status" in extra:
        raise UsageError("--set status=...: `vault want` sets the status (prospect)")
    why_text = " ".join(why.split()) if why else None
    via_name = workspace.link_name(via, "--via") if via else None
    existing = workspace.index.path_of_name(name_key(name))
    if existing is None:
        values: dict[str, str] = {"status": PROSPECT}
        if why_text:
            values["why"] = why_text
        if via_name:
            values["via"] = workspace.link_to(via_name)
        values["found"] = workspace.today.isoformat()
        for key in extra:
            values.pop(key, None)  # a --set value of theirs wins
        ref = workspace.add_person(name, tags=tags, fields=fields, values=values)
        return Wanted(ref, True, [], {})
    person = workspace.index.person(existing, workspace.today)
    ref = PersonRef(person.path, person.name)
    if not person.prospect:
        raise RefusedWrite(
            f"{person.name!r} is already in the vault and not a prospect: {person.path}; "
            "`vault log` records a contact"
        )
    added, kept, not_added = _complete(workspace, person, why_text, via_name, tags, fields)
    return Wanted(ref, False, added, kept, not_added)


def _complete(
    workspace: Workspace,
    person: Person,
    why: str | None,
    via: str | None,
    tags: Sequence[str],
    fields: Sequence[str],
) -> tuple[list[str], dict[str, str], str | None]:
    """Add to a prospect's note only the keys it lacks (and the tags it lacks); returns them,
    the note's values kept where a different one was given (the user's text is never
    replaced: `vault set` does that), and why the tags were not added when the rest was (a
    `tags` vaultkit cannot add to; with nothing else to add, that is refused)."""
    from vaultkit.notes.edit import add_to_front_matter_list, set_front_matter_value
    from vaultkit.notes.frontmatter import yaml_scalar

    # Missing: no such key, or one with no value (`model.no_value`). A value of any other
    # shape is the user's, and setting the key would replace it.
    missing: dict[str, str] = {}
    if why and no_value(person.fields.get("why")):
        missing["why"] = yaml_scalar(why)
    if via and no_value(person.fields.get("via")):
        missing["via"] = yaml_scalar(workspace.link_to(via))
    for key, value in set_items(fields, options=("--tag",)).items():
        if no_value(person.fields.get(key)) and key not in missing:
            missing[key] = yaml_scalar(value)
    given = {**set_items(fields, options=("--tag",)), **({"why": why} if why else {})}
    kept = {
        key: _shown(person.fields[key])
        for key, value in given.items()
        if key in person.fields and key not in missing and _text(person.fields[key]) != _text(value)
    }
    if via and "via" not in missing and not _names_person(workspace, _via_names(person), via):
        kept["via"] = _shown(person.fields["via"])
    have = {tag_key(tag) for tag in person.tags}
    new_tags = list(dict.fromkeys(t for t in tags if tag_key(t) not in have))

    not_added: list[str] = []

    def change(text: str) -> str:
        not_added.clear()
        for key, value in missing.items():
            text = set_front_matter_value(text, key, value)
        if new_tags:
            try:
                text = add_to_front_matter_list(text, "tags", new_tags)
            except ValueError as err:
                if not missing:
                    raise RefusedWrite(f"{person.path}: {err}; the note was not changed") from None
                not_added.append(str(err))
        return text

    if missing or new_tags:
        workspace.edit_note(person.path, change)
    tags_added = bool(new_tags) and not not_added
    return [*missing, *(["tags"] if tags_added else [])], kept, (not_added[0] if not_added else None)


def _shown(value: Any) -> str:
    """A front-matter value as one line of text: a list as `a, b`."""
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    return " ".join(str(value).split()) or '""'


def _prospect(workspace: Workspace, name: str, command: str) -> Person:
    ref = workspace.find_person(name)
    person = workspace.index.person(ref.path, workspace.today)
    if not person.prospect:
        raise RefusedWrite(
            f"{person.name} is not a prospect (no `status: prospect` or `asked` in {person.path}): "
            f"`vault {command}` is for people you want to meet; `vault log` records a contact"
        )
    return person


def ask(
    workspace: Workspace,
    name: str,
    text: str | None = None,
    channel: str | None = None,
    date: dt.date | None = None,
) -> tuple[PersonRef, int]:
    """Record that you reached out to a prospect: an `asked:` Log entry and `status: asked`.
    Returns the person and how many asks they now have."""
    from vaultkit.notes.edit import set_front_matter_value
    from vaultkit.notes.grammar import inline_text

    when = workspace.check_entry(date, channel)
    person = _prospect(workspace, name, "ask")
    message = inline_text(text or "") or ASK_TEXT
    entry = f"- {when.isoformat()} {ASK_CHANNEL}: {channel + ': ' if channel else ''}{message}"

    def change(note: str) -> str:
        note = workspace.with_log_entry(person.path, note, entry, when)
        return note if person.status == ASKED else set_front_matter_value(note, "status", ASKED)

    workspace.edit_note(person.path, change)
    asks = [
        i for i in workspace.index.interactions(person.path) if i.source == "log" and i.channel == ASK_CHANNEL
    ]
    return PersonRef(person.path, person.name), len(asks)


class Met(NamedTuple):
    """What `vault met` did: the person as they are now (with the cadence `vault add` would
    give), and the `introduced_by` it set from their `via`, as written (empty: none set)."""

    person: Person
    introduced_by: list[str]


def met(
    workspace: Workspace,
    name: str,
    date: dt.date | None = None,
    channel: str | None = None,
    text: str | None = None,
) -> Met:
    """Turn a prospect into a contact: the status line removed, `met:` set, a Log entry
    written, `introduced_by` copied from `via` when they have none (`met_text`)."""
    when = workspace.check_entry(date, channel)
    person = _prospect(workspace, name, "met")
    copied: list[str] = []

    def change(note: str) -> str:
        new_text, copied[:] = met_text(workspace, person.path, note, when, channel, text)
        return new_text

    workspace.edit_note(person.path, change)
    return Met(workspace.index.person(person.path, workspace.today), copied)


class MetText(NamedTuple):
    """A prospect's note text as `vault met` leaves it, and the `introduced_by` it set (as written)."""

    text: str
    introduced_by: list[str]


def met_text(
    workspace: Workspace,
    rel_path: str,
    note: str,
    when: dt.date,
    channel: str | None = None,
    text: str | None = None,
) -> MetText:
    """A prospect's note text as `vault met` leaves it: a Log entry (`first met`, or
    `text`), `met:` set to `when`, the status line removed, and their `via` copied as
    written (links kept) into an `introduced_by` they lack: who could introduce you is who
    did (returned, to be said). An import that finds a prospect met (LinkedIn's `Connected
    On`) writes the same."""
    from vaultkit.notes.edit import remove_front_matter_key, set_front_matter_value
    from vaultkit.notes.frontmatter import yaml_list, yaml_scalar
    from vaultkit.notes.grammar import inline_text
    from vaultkit.notes.parse import flat_texts, names_in_value, parse_text

    message = inline_text(text or "") or MET_TEXT
    entry = f"- {when.isoformat()} {channel + ': ' if channel else ''}{message}"
    fields = parse_text(rel_path, note, workspace.config).fields
    via = flat_texts(fields.get("via")) if names_in_value(fields.get("via")) else []
    note = workspace.with_log_entry(rel_path, note, entry, when)
    note = set_front_matter_value(note, "met", when.isoformat())
    copied = via if via and no_value(fields.get("introduced_by")) else []  # (a value of theirs is kept)
    if copied:
        note = set_front_matter_value(
            note, "introduced_by", yaml_scalar(copied[0]) if len(copied) == 1 else yaml_list(copied)
        )
    return MetText(remove_front_matter_key(note, "status"), copied)


# -- figures ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProspectFigures:
    """`vault stats --json`'s `prospects`: waiting, asked, met this year, and over all time
    the share of asks answered and the median days from found (or the first ask) to met."""

    waiting: int
    asked: int
    met_this_year: int
    share_answered: float | None
    median_days_to_meet: int | None

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "waiting": self.waiting,
            "asked": self.asked,
            "met_this_year": self.met_this_year,
            "share_answered": round(self.share_answered, 2) if self.share_answered is not None else None,
            "median_days_to_meet": self.median_days_to_meet,
        }


class ProspectFacts(NamedTuple):
    """What the figures read of someone who is or was a prospect (`Index.prospect_facts`)."""

    path: str
    status: str | None
    met: dt.date | None
    found: dt.date | None
    archived: bool = False


def start_of(found: dt.date | None, met: dt.date | None, asks: Sequence[dt.date]) -> dt.date | None:
    """When someone you met was first a prospect: `found`, else their first ask; None when
    they never were one (`vault want` writes `found`)."""
    if found is not None and (met is None or found <= met):
        return found
    return asks[0] if asks else None


def prospect_figures(
    people: Iterable[ProspectFacts], asks: Mapping[str, Sequence[dt.date]], today: dt.date
) -> ProspectFigures:
    """The figures over the people who are or were prospects and everyone's asks."""
    waiting = asked = met_this_year = ever_asked = answered = 0
    days: list[int] = []
    for person in people:
        person_asks = [day for day in asks.get(person.path, ()) if day <= today]
        # Who waits is now: an archived prospect is set aside (`vault prospects` leaves them
        # out); what happened (asks answered, people met) still counts.
        if person.status == PROSPECT and not person.archived:
            waiting += 1
        elif person.status == ASKED and not person.archived:
            asked += 1
        if person_asks:
            ever_asked += 1
        if is_prospect(person.status) or person.met is None or person.met > today:
            continue
        start = start_of(person.found, person.met, person_asks)
        if start is None or start > person.met:
            continue
        days.append((person.met - start).days)
        if person_asks and person_asks[0] <= person.met:
            answered += 1
        if person.met.year == today.year:
            met_this_year += 1
    import statistics  # (3.7 ms of imports, with decimal and fractions: `vault due` needs none)

    return ProspectFigures(
        waiting=waiting,
        asked=asked,
        met_this_year=met_this_year,
        share_answered=answered / ever_asked if ever_asked else None,
        median_days_to_meet=round(statistics.median(days)) if days else None,
    )


def figures_of(workspace: Workspace) -> ProspectFigures:
    """`prospect_figures` for this vault as of the workspace's today (from the index: no
    object for each person, only for those who are or were prospects)."""
    facts = [
        ProspectFacts(path, status, _date_of(met), _date_of(found), bool(archived))
        for path, status, met, found, archived in workspace.index.prospect_facts(ASK_CHANNEL)
    ]
    return prospect_figures(facts, asks_by_person(workspace), workspace.today)


def _date_of(value: Any) -> dt.date | None:
    try:
        return None if no_value(value) else parse_date(value)
    except ValueError:
        return None


class WaitingView(TypedDict):
    """A prospect or open ask in the review and Network.md."""

    name: str
    path: str
    status: str
    why: str | None
    days_waiting: int | None
    waited: str  # `today`, `1 day`, `12 days`; empty when unknown
    follow_up: bool
    introducers: list[str]


class AskView(TypedDict):
    """An ask made in the week (`date`), or one answered in it (`date` is when you met)."""

    name: str
    path: str
    date: str


class ProspectsView(TypedDict):
    """`prospects` in review.md.j2 and network.md.j2; `more_waiting`, `more_asked` and
    `more_answered` count those each list leaves out."""

    waiting: list[WaitingView]
    more_waiting: int
    asked: list[AskView]
    more_asked: int
    answered: list[AskView]
    more_answered: int


def waited(days: int | None) -> str:
    """How long someone has waited, in words: `today`, `1 day`, `12 days`; empty when unknown."""
    if days is None:
        return ""
    return "today" if days == 0 else days_text(days)


def week_context(workspace: Workspace, monday: dt.date, until: dt.date, rows: int) -> ProspectsView:
    """Prospects waiting as of `until`, asks made from `monday` to `until`, and asks answered
    (the person met) then; each list at most `rows` long, with how many more."""
    index = workspace.index
    asks = asks_by_person(workspace)
    made = [(day, path) for path, days in asks.items() for day in days if monday <= day <= until]
    names = index.names_of(path for _, path in made)
    asked = sorted((day, name_order(names[path]), names[path], path) for day, path in made if path in names)
    answered = [
        (met, name, path)
        for name, path, met in index.met_between(monday, until)
        if asks.get(path) and asks[path][0] <= met
    ]
    waiting = prospect_list(workspace, until)
    return {
        "waiting": [
            {"name": p.name, "path": p.path, "status": p.status, "why": p.why, "days_waiting": p.days_waiting,
             "waited": waited(p.days_waiting), "follow_up": p.follow_up,
             "introducers": [i.name for i in p.introducers]}
            for p in waiting[:rows]
        ],
        "more_waiting": max(0, len(waiting) - rows),
        "asked": [{"name": name, "path": path, "date": day.isoformat()} for day, _, name, path in asked[:rows]],
        "more_asked": max(0, len(asked) - rows),
        "answered": [{"name": name, "path": path, "date": met.isoformat()} for met, name, path in answered[:rows]],
        "more_answered": max(0, len(answered) - rows),
    }  # fmt: skip


def prospect_to_ask(workspace: Workspace) -> Prospect | None:
    """The prospect `vault suggest` offers while this week's goal of new people is not met:
    not asked yet nor snoozed, the longest waiting (then by name); None when the goal is met or
    nobody waits."""
    today = workspace.today
    if len(workspace.index.met_between(week_start(today), today)) >= workspace.config.new_people_per_week:
        return None
    waiting = [p for p in prospect_list(workspace, awake=True) if p.status == PROSPECT]
    return waiting[0] if waiting else None
