"""One open vault with its index and "today": the operations the commands call.

The CLI builds a Workspace from its options and makes one call per command; tests and
scripts can do the same from a Python prompt.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from vaultkit.config import Config
from vaultkit.dates import Cadence, check_happened, parse_cadence
from vaultkit.due import DuePage
from vaultkit.errors import (
    IncompleteWrite,
    IndexFileError,
    NoteBusy,
    NoteParseError,
    PersonNotFound,
    RefusedWrite,
    StaleFileError,
    UnreadableNote,
    UsageError,
    VaultkitError,
    WriteFailed,
)
from vaultkit.index.core import Index, SyncReport
from vaultkit.index.schema import ALIAS, FOLDED_ALIAS, FOLDED_NAME, NAME
from vaultkit.model import (
    MAX_ROWS,
    PERSON,
    DueItem,
    DueKind,
    ParsedNote,
    Person,
    Problem,
    fold_accents,
    name_key,
    name_order,
    no_value,
    tag_key,
    written_tag,
)
from vaultkit.places import CONFIG_NAME
from vaultkit.vault.files import Snapshot, Vault, refuse_too_long
from vaultkit.vault.names import check_person_name

if TYPE_CHECKING:  # profiles is imported by the methods that return them: `vault due` needs none
    from vaultkit.profiles import ListedPerson, PersonDetails, PersonSummary, SearchHit
    from vaultkit.views.render import Renderer

EDIT_TRIES = 5  # a note saved by someone else meanwhile: the edit is made again on their bytes
_CHANNEL_RE = re.compile(r"^[a-z][a-z0-9-]*$")
_ZERO_HORIZON_RE = re.compile(r"^\s*0+\s*[dwmy]\s*$", re.IGNORECASE)  # `--within 0d`, the default


class PersonRef(NamedTuple):
    """A matched person: their note's path and name."""

    path: str
    name: str

    def to_json(self) -> dict[str, str]:
        """As the JSON of the commands and the MCP tools that write notes give it."""
        return {"name": self.name, "path": self.path}


_LISTED = 10  # an ambiguous NAME lists this many candidates


def _one_person(name: str, rows: Sequence[tuple[str, str, int]], several: str) -> PersonRef | None:
    """The person rows of one key point to: a name first (two notes with one name: the
    shortest path, then the first alphabetically, as Obsidian resolves links), else a unique
    alias. None when nothing matched; several people by alias is an error."""
    by_name = [(path, found) for path, found, kind in rows if kind in (NAME, FOLDED_NAME)]
    if by_name:
        named = {name_key(found) for _, found in by_name}
        if len(named) == 1:
            return PersonRef(*min(by_name, key=lambda pn: (pn[0].count("/"), pn[0])))
        raise PersonNotFound(f"{name!r} matches several people: {_candidates(by_name)}")
    people = {(path, found) for path, found, _ in rows}
    if len(people) > 1:
        raise PersonNotFound(f"{name!r} {several}: {_candidates(people)}")
    return PersonRef(*people.pop()) if people else None


def _candidates(people: Iterable[tuple[str, str]]) -> str:
    """The candidates for a NAME, by name, as NAME takes them: a name that two of them share
    as each one's path (without `.md`), which tells them apart."""
    ordered = sorted(set(people), key=lambda pn: (name_order(pn[1]), pn[1], pn[0]))
    keys = [name_key(found) for _, found in ordered]
    return ", ".join(
        path.removesuffix(".md") if keys.count(key) > 1 else found
        for (path, found), key in zip(ordered, keys, strict=True)
    )


def wikilink(name: str, path: str, shared: set[str]) -> str:
    """`[[Name]]`, or `[[People/Name|Name]]` when another note has that file name (`shared`
    holds such name keys: `Index.shared_names`). Obsidian (and the index) resolve a bare
    link to the note with the shortest path of all the notes of that name, people or not;
    the path form always opens this person's note. The one rule for every link to a person
    vaultkit writes: views, templates, `vault today`, `vault meet`, `vault intro`,
    `vault add --introduced-by`, `vault want --via`."""
    if name_key(name) in shared:
        return f"[[{path.removesuffix('.md')}|{name}]]"
    return f"[[{name}]]"


class Workspace:
    """A vault, its index and the date every computation uses."""

    def __init__(
        self,
        vault: Vault,
        index_path: Path | None,
        today: dt.date,
        notify: Callable[[str], None] | None = None,
        index_named_by: str = "--index",
    ) -> None:
        self.vault = vault
        self.today = today
        self._index_path = index_path
        self._index_named_by = index_named_by  # (where `index_path` was given: for its errors)
        self._index: Index | None = None
        self._notify = notify  # one line when the index had to be set aside and made anew
        self._prepared: Renderer | None = None  # (see `renderer`)

    @property
    def config(self) -> Config:
        """The vault's config."""
        return self.vault.config

    @property
    def index(self) -> Index:
        """The index, opened on first use (not yet synced: call `sync`)."""
        if self._index is None:
            self._index = Index.open(self.vault, self._index_path, self._notify, self._index_named_by)
        return self._index

    def explain(self, err: BaseException, then: str = "run the command again") -> VaultkitError | None:
        """The one line for an unexpected error when it came from the index (a damaged file,
        which is then set aside: `then` says what happens next; a full disk), else None: a bug."""
        return self._index.explain(err, then) if self._index is not None else None

    def index_written(self, written: Sequence[str]) -> None:
        """Bring the index up to date with the notes vaultkit has just written. When it
        cannot (a full disk, a lock held too long), the error says that they *were* written:
        the same command run again would write them twice."""
        try:
            self.index.update_paths(written)
        except Exception as err:
            explained = (
                err
                if isinstance(err, IndexFileError)
                else self.explain(err, then="the next command brings it up to date")
            )
            if explained is None:
                raise
            shown = ", ".join(written[:3]) + (f" and {len(written) - 3} more" if len(written) > 3 else "")
            cause = str(explained).removesuffix("; run the command again")
            raise IndexFileError(
                f"{shown} {'was' if len(written) == 1 else 'were'} written (the change is made: do not "
                f"make it again), but the index is not up to date: {cause}"
                + (
                    ""
                    if cause.endswith("brings it up to date")
                    else "; the next command brings it up to date"
                )
            ) from None

    def close(self) -> None:
        """Close the index."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def sync(
        self, progress: Callable[[int, int], None] | None = None, rebuild: bool = False, relist: bool = False
    ) -> SyncReport:
        """Bring the index up to date with the vault (`relist`: list every folder again)."""
        return self.index.sync(progress=progress, rebuild=rebuild, relist=relist)

    def renderer(self) -> Renderer:  # Jinja costs 25 ms of start-up: import it when used
        """A template renderer for this vault: a new one each time, which finds the user's
        templates added since (`vault watch` runs for days), except that the one
        `prepare_write` made is handed out once, to the write it was made for."""
        if self._prepared is not None:
            prepared, self._prepared = self._prepared, None
            return prepared
        from vaultkit.views.render import Renderer

        user_dir = self.vault.root / self.config.templates_dir if self.config.templates_dir else None
        return Renderer(user_dir, link=self.link_to, vault_root=self.vault.root)

    def prepare_write(self, template: str | None = None) -> None:
        """Do now the part of a write that needs nothing from the index: import the note
        editor, the parser and the atomic writer's swap, and compile `template`.

        A command that writes calls this before its sync, while the early stats' child is
        stat'ing notes on the other core (`vault/early.py`): the work is then shared with the
        walk's instead of coming after it (`vault add` at 100,000 notes: 0.344 -> 0.326 s)."""
        from vaultkit.notes import edit, parse  # noqa: F401  (their patterns compile as they are imported)
        from vaultkit.vault.atomic import exchanger

        exchanger()
        if template is not None:
            self._prepared = self.renderer()
            self._prepared.prepare(template)

    # -- names -------------------------------------------------------------------------
    def find_person(self, name: str, sure_of_nobody: bool = True) -> PersonRef:
        """Match one NAME: a name or alias, else the same with accents folded, else a unique
        prefix of any of them (spec §3). Reads the index's name keys: a few rows, not everyone.
        An index a watcher keeps is confirmed by the stat of the note found, or walked again
        when nobody is found (not when `sure_of_nobody` is False: see `Index.confirm`)."""
        try:
            found = self._find_person(name)
        except PersonNotFound:
            if not sure_of_nobody or self.index.confirm(()):
                raise
            return self._find_person(name)
        return found if self.index.confirm([found.path]) else self._find_person(name)

    def _find_person(self, name: str) -> PersonRef:
        key = name_key(name)
        if not key:
            raise PersonNotFound("an empty name matches nobody")
        index = self.index
        # A path (`People/B/Sam`, `B/Sam.md`), as a link's path form: the one way to name each
        # of two people with one name. (A name holds no `/`; an alias that does comes next.)
        found = self._person_at(name) if "/" in key else None
        if found is None:
            found = _one_person(name, index.people_keyed(key, (NAME, ALIAS)), "is an alias of several people")
        if found is None:
            folded = fold_accents(key)
            kinds = (NAME, ALIAS, FOLDED_NAME, FOLDED_ALIAS)
            found = _one_person(name, index.people_keyed(folded, kinds), "matches several people")
        if found is None and key.endswith(".md"):
            found = self._person_at(name)  # (a note at the top: `Sam.md`)
        if found is not None:
            return found
        # A person whose note cannot be read is not in the index; rather than "nobody called
        # Bob" (or a prefix match with someone else), say what is wrong with their note.
        unreadable = self._unreadable_people(key)
        if unreadable:
            raise unreadable[0]
        count, first = index.people_prefixed(sorted({key, fold_accents(key)}), limit=_LISTED)
        if count == 1:
            return PersonRef(*first[0])
        if count:
            more = f" and {count - len(first):,} more" if count > len(first) else ""
            raise PersonNotFound(f"{name!r} matches several people: {_candidates(first)}{more}")
        unreadable = self._unreadable_people(key, prefix=True)
        if len(unreadable) == 1:
            raise unreadable[0]
        hint = _close_names(key, index.name_choices())
        raise PersonNotFound(f"nobody called {name!r} in the vault{hint}")

    def _person_at(self, name: str) -> PersonRef | None:
        """The person whose note NAME is the path of, or a path's end (`B/Sam`), with or
        without `.md`: the note a link `[[B/Sam]]` opens, if a person's. Reads the notes of
        that file name only."""
        from vaultkit.notes.parse import split_link  # (the link grammar: only for a path)

        target = name_key(split_link(name))
        found = self.index.people_at(target) if target else []
        return PersonRef(*found[0]) if found else None

    def found_short_of_name(self, name: str) -> PersonRef | None:
        """The one person NAME finds other than by their very name or alias: by the same
        with accents folded, or as a unique prefix (what `vault add NAME` takes from them)."""
        key = name_key(name)
        folded = fold_accents(key)
        kinds = (NAME, ALIAS, FOLDED_NAME, FOLDED_ALIAS)
        try:
            found = _one_person(name, self.index.people_keyed(folded, kinds), "")
        except PersonNotFound:
            return None  # several: NAME found nobody before either
        if found is not None:
            return found
        count, first = self.index.people_prefixed(sorted({key, folded}), limit=1)
        return PersonRef(*first[0]) if count == 1 else None

    def find_people(self, names: str) -> list[PersonRef]:
        """Match `NAME[,NAME...]`: the whole text as one name first, then split on commas."""
        try:  # (a list, as a whole, is nobody: no walk to make sure, but for a single name)
            return [self.find_person(names, sure_of_nobody="," not in names)]
        except UnreadableNote:
            raise  # the whole text is the name of a note that cannot be read
        except PersonNotFound:
            # Split only when the whole text fits nobody; ambiguous as a whole stays an error.
            if "," not in names or self._anyone_starts_with(name_key(names)):
                raise
        found: list[PersonRef] = []
        for part in names.split(","):
            if part.strip():
                ref = self.find_person(part.strip())
                if ref not in found:
                    found.append(ref)
        if not found:
            raise PersonNotFound(f"no names in {names!r}")
        return found

    def person_link(self, ref: PersonRef) -> str:
        """The link to write to this person (`wikilink`'s rule)."""
        return self.link_to(ref.name, ref.path)

    def link_to(self, name: str, path: str | None = None) -> str:
        """The link to write to the person `name` (at `path`: else the one person with that
        name), by `wikilink`'s rule; a name several people share, without a path, stays
        `[[Name]]` (the templates' `wikilink` filter, for the figures that keep names only)."""
        key = name_key(name)
        if path is None:
            paths = self.index.paths_named(key)
            if len(paths) != 1:
                return f"[[{name}]]"
            path = paths[0]
        return wikilink(name, path, self.index.shared_names([key]))

    def _unreadable_people(self, key: str, prefix: bool = False) -> list[UnreadableNote]:
        """Person notes the index skipped as unreadable whose name is `key` (or starts with it),
        nearest the top of the vault first, each as the error to raise."""
        rows = self.index.unreadable_notes(key, prefix)
        folder = self.config.people_dir
        found = [
            UnreadableNote(path, line, reason)
            for path, line, reason in rows
            if not folder or path.startswith(folder + "/")
        ]
        return sorted(found, key=lambda err: (err.path.count("/"), err.path))

    def _anyone_starts_with(self, key: str) -> bool:
        return self.index.people_prefixed(sorted({key, fold_accents(key)}), limit=0)[0] > 0

    # -- reading -----------------------------------------------------------------------
    def vault_id(self) -> str:
        """The vault's id (calendar UIDs), written into vaultkit.toml the first time it is needed."""
        return self.vault.vault_id()

    def people(self, with_fields: bool = False, field_keys: Sequence[str] | None = None) -> list[Person]:
        """Every person, with their last contact (and their front matter, or those keys of it)."""
        return self.index.people(self.today, with_fields=with_fields, field_keys=field_keys)

    def iter_people(self, with_fields: bool = False) -> Iterator[Person]:
        """`people`, one at a time as the index reads them (an export of everyone)."""
        return self.index.iter_people(self.today, with_fields=with_fields)

    def _horizon(self, within: str | None) -> Cadence | None:
        if not within or _ZERO_HORIZON_RE.match(within):
            return None
        try:
            horizon = parse_cadence(within)
        except ValueError:
            horizon = None  # (the cadence's own message would offer `none`, no span)
        if horizon is None:
            raise UsageError(f"--within {within!r}: give a span such as 7d, 2w or 1m")
        return horizon

    def due_until(self, within: str | None = None) -> dt.date:
        """The last day of the window `--within` asks for (today without it)."""
        horizon = self._horizon(within)
        return horizon.add_to(self.today) if horizon else self.today

    def due(
        self, within: str | None = None, tag: str | None = None, today: dt.date | None = None
    ) -> list[DueItem]:
        """Who is due today (or within the horizon), in the spec's order; `today`: as of that day."""
        return self.due_page(within, tag, today).items

    def due_page(
        self,
        within: str | None = None,
        tag: str | None = None,
        today: dt.date | None = None,
        limit: int | None = None,
        kind: DueKind | None = None,
    ) -> DuePage:
        """`due` (only one `kind`), cut at `limit` people, with how many are due in all."""
        limit = None if limit is None else min(limit, MAX_ROWS)  # (past it: every row, not an overflow)
        today = today or self.today
        horizon = self._horizon(within)
        until = horizon.add_to(today) if horizon else today
        return self.index.due_page(today, until, _tag_wanted(tag), limit, kind)

    def config_problems(self) -> list[Problem]:
        """The config's warnings, as problems of its file."""
        return [
            Problem(CONFIG_NAME, None, "warning", w.removeprefix(f"{CONFIG_NAME}: "))
            for w in self.config.warnings
        ]

    def problems(self) -> list[Problem]:
        """Config warnings and the problems the index knows (`vault check` finds more:
        `vaultkit.checks`)."""
        return self.config_problems() + self.index.problems()

    def left_out(self) -> list[Problem]:
        """What the last walk could not take in (folders it could not read, names that are
        not UTF-8): cheap, for commands that show people to say some are missing."""
        return self.index.left_out()

    def person_summary(self, person: Person) -> PersonSummary:
        """The list/show fields of a person: cadence, due date, last contact."""
        from vaultkit.profiles import summarize

        return summarize(person, self.config, self.today)

    def listed_people(self, tag: str | None = None, where: Sequence[str] = ()) -> list[ListedPerson]:
        """People matching a tag and `key=value` conditions, with their fields as written."""
        return list(self.iter_listed(tag, where))

    def iter_listed(
        self, tag: str | None = None, where: Sequence[str] = (), limit: int | None = None
    ) -> Iterator[ListedPerson]:
        """`listed_people` one at a time, as the index reads them (the first `limit`): what
        `vault list --json` and the exports write as they go, holding one person, not everyone.

        A malformed `key=value` is refused here, before the first person is read."""
        conditions = _conditions(where)
        wanted = _tag_wanted(tag)
        holding = [text for _, value in conditions for text in _held_texts(value)]
        rows = self.index.listing(wanted, self.today, None if conditions else limit, holding)
        return _listed(rows, conditions, limit)

    def listed_page(
        self, tag: str | None = None, where: Sequence[str] = (), limit: int | None = None
    ) -> tuple[list[ListedPerson], int]:
        """`listed_people`, the first `limit` of them, and how many there are in all (the
        index counts and cuts when no `key=value` condition needs every note's fields)."""
        if not _conditions(where) and limit is not None:
            return list(self.iter_listed(tag, limit=limit)), self.index.count_tagged(_tag_wanted(tag))
        found: list[ListedPerson] = []
        total = 0
        for person in self.iter_listed(tag, where):
            if limit is None or total < limit:
                found.append(person)
            total += 1
        return found, total

    def list_people(self, tag: str | None = None, where: Sequence[str] = ()) -> list[dict[str, Any]]:
        """`listed_people` in its JSON form."""
        return [person.to_json() for person in self.iter_listed(tag, where)]

    def show(self, name: str) -> PersonDetails:
        """Everything about one person: profile, interactions, follow-ups, links."""
        ref = self.find_person(name)
        person = self.index.person(ref.path, self.today)
        from vaultkit.introductions import introductions_of  # only `vault show` counts them: not at start-up
        from vaultkit.profiles import PersonDetails

        summary = self.person_summary(person)
        return PersonDetails(
            *summary,
            fields=person.fields,
            aliases=person.aliases,
            tags=person.tags,
            interactions=self.index.interactions(ref.path, self.today),
            followups=self.index.followups(ref.path),
            links_out=self.index.links_out(ref.path),
            links_in=self.index.links_in(ref.path),
            introductions=introductions_of(self.index, person, self.today),
            never_due="archived" if person.archived else "a prospect" if person.prospect else None,
        )

    def search(self, words: Sequence[str], limit: int | None = None) -> list[SearchHit]:
        """Full-text search over every note, best first: at most `limit` hits (None: all).
        No word at all (blanks, punctuation) is a usage error, not a search that finds nothing."""
        from vaultkit.index.queries import search_terms
        from vaultkit.profiles import SearchHit

        if not search_terms(words):
            raise UsageError("give a word to search for (letters or digits)")
        return [SearchHit(path, name, snippet) for path, name, snippet in self.index.search(words, limit)]

    def search_count(self, words: Sequence[str]) -> int:
        """How many notes `search` finds in all."""
        return self.index.search_count(words)

    # -- writing -----------------------------------------------------------------------
    def read_for_edit(self, rel_path: str) -> tuple[Snapshot, str]:
        """Read and parse a note before editing it: a note vaultkit cannot parse is never written."""

        return read_checked(self.vault, rel_path, "the note was not changed")

    def log(
        self, names: str, text: str, date: dt.date | None = None, channel: str | None = None
    ) -> list[PersonRef]:
        """Add one Log entry to each person named; every note is checked before any is written."""
        self.check_entry(date, channel)
        if not text.split():
            raise UsageError("the Log text is empty")
        refs = self.find_people(names)
        return self.log_each([(ref, text) for ref in refs], date, channel)

    def check_entry(self, date: dt.date | None, channel: str | None) -> dt.date:
        """The date of a new Log entry; refuses a date after today and a malformed channel."""
        when = date or self.today
        if when > self.today:
            raise UsageError(
                f"--date {when} is after today ({self.today}): a Log records what happened; "
                "write a follow-up task for plans"
            )
        if channel is not None and not _CHANNEL_RE.match(channel):
            raise UsageError(f"--channel {channel!r}: use a lower-case word like coffee or call")
        return when

    def link_name(self, text: str, option: str) -> str:
        """The name a link to NAME should hold: the person it matches, else (someone not in
        the vault yet) the text itself, which must then be a valid name."""
        try:
            return self.find_person(text).name
        except PersonNotFound:
            if self._anyone_starts_with(name_key(text)):
                raise  # ambiguous: say whom it could mean
            try:
                return check_person_name(text.strip())
            except UsageError as err:
                raise UsageError(f"{option}: {err}") from None

    def note_in_the_way(self, rel_path: str) -> str | None:
        """A note at `rel_path` but for case or accent encoding (`acme corp.md` for `Acme
        Corp.md`): one file with it on a Mac or Windows machine the vault syncs to. (A note
        at `rel_path` itself is for the caller to see.)"""
        folder, _, name = rel_path.rpartition("/")  # (vault paths: `/` on every system)
        others = self.index.notes_named(name_key(name.removesuffix(".md")))
        return next((o for o in others if o != rel_path and o.rpartition("/")[0] == folder), None)

    def refuse_taken_aliases(self, aliases: Iterable[str], option: str, own: str = "") -> None:
        """Refuse an alias that is somebody else's name or alias (the person of the note `own`
        may keep theirs): it would take their links away from them."""
        for alias in aliases:
            owner = self.index.path_of_name(name_key(alias), other_than=own)
            if owner:
                raise RefusedWrite(f"{option} {alias!r} is already a name or alias in the vault: {owner}")

    def add_person(
        self,
        name: str,
        cadence: str | None = None,
        tags: Sequence[str] = (),
        met: dt.date | None = None,
        introduced_by: str | None = None,
        fields: Sequence[str] = (),
        aliases: Sequence[str] = (),
        values: Mapping[str, str | Sequence[str]] | None = None,
        notes: Sequence[str] = (),
        renderer: Renderer | None = None,
        into: list[tuple[str, bytes]] | None = None,
    ) -> PersonRef:
        """Create a person's note from `person.md.j2`; refuses an existing name or alias.

        `values` are more fields as key -> text or list of texts (importers use it for
        several emails); `notes` become the first items of the Notes section. A bulk caller
        passes one `renderer` so the template is compiled once, and a list `into` which gets
        the note (its path and bytes) instead of the vault: it writes them together
        (`Vault.create_many`) and indexes them, having made their names and aliases unique
        among themselves.
        """
        from vaultkit.notes.grammar import inline_text  # (its patterns: only for a write)

        try:
            clean = check_person_name(name)
        except UsageError as err:  # the spec makes every refusal of `vault add` exit 1
            raise RefusedWrite(str(err)) from None
        if cadence is not None:
            try:
                parse_cadence(cadence)
            except ValueError as err:
                raise UsageError(f"--cadence: {err}") from None
        if met is not None:
            try:
                check_happened("met", met, self.today)
            except ValueError as err:
                raise UsageError(f"--met {err}") from None
        taken = self.index.path_of_name(name_key(clean))
        if taken:
            raise RefusedWrite(f"{clean!r} is already in the vault: {taken}")
        rel_path = f"{self.config.people_dir}/{clean}.md" if self.config.people_dir else f"{clean}.md"
        beside = self.note_in_the_way(rel_path)
        if beside:
            raise RefusedWrite(f"{rel_path} would be one file with {beside} on a Mac or Windows machine")
        aliases = [alias.strip() for alias in aliases]
        if "" in aliases:
            raise UsageError("--alias wants a name, not ''")
        self.refuse_taken_aliases(aliases, "--alias")
        extra: dict[str, str | list[str]] = dict(set_items(fields))
        for k, value in (values or {}).items():
            if not PROPERTY_NAME_RE.fullmatch(k) or k in _OWN_OPTIONS:
                raise UsageError(f"{k!r} cannot be used as a key here")
            extra[k] = value if isinstance(value, str) else [str(v) for v in value]
        if not self.config.people_dir:
            # No people folder: a note is a person by its `type` (spec §1), at the vault's top.
            extra.setdefault("type", "person")
        introducer = self.link_name(introduced_by, "--introduced-by") if introduced_by else None
        text = (renderer or self.renderer()).render(
            "person.md.j2",
            name=clean,
            aliases=list(aliases),
            tags=["person", *[t for t in map(tag_option, tags) if t != "person"]],
            cadence=cadence,
            met=met.isoformat() if met else None,
            introduced_by=introducer,
            fields=extra,
            notes=[inline_text(line) for line in notes if line.strip()],
            today=self.today.isoformat(),
            log_heading=self.config.log_heading,
        )
        try:
            made = self.read_back(rel_path, text, created=True)
        except RefusedWrite as err:
            templates = self.config.templates_dir
            raise RefusedWrite(f"{err} (check its values and {templates}/person.md.j2)") from None
        if made.kind != PERSON:  # (a `type` the template or --set wrote), never one that then vanishes
            raise RefusedWrite(f"{rel_path} would not be a person: its type is {made.fields.get('type')!r}")
        # A value given (`--set`, the tool's `fields`) that the note would hold as an error
        # (`last_contact=tomorrow`) is refused, as `vault set` refuses it: not a note born broken.
        for problem in made.problems:
            key = problem.message.split(":", 1)[0]
            if problem.level == "error" and key in extra:
                raise UsageError(f"--set {problem.message.removesuffix('; ignored')}; nothing was added")
        for key in ("last_contact", "met"):
            if isinstance(extra.get(key), str) and (when := getattr(made, key, None)) is not None:
                try:
                    check_happened(key, when, self.today)
                except ValueError as err:
                    raise UsageError(f"--set {key}: {err}; nothing was added") from None
        given = {"aliases": aliases, "cadence": cadence, "met": met, "introduced_by": introducer, **extra}
        given["tags"] = [t for t in tags if tag_option(t) != "person"]
        missing = [key for key, value in given.items() if value and key not in made.fields]
        if missing:  # (a user's template with no front matter, or without these keys)
            raise RefusedWrite(
                f"{self.config.templates_dir}/person.md.j2 leaves out {', '.join(missing)}, so "
                f"{rel_path} was not made: add them to its front matter, or leave those options out"
            )
        if into is not None:
            into.append((rel_path, text.encode("utf-8")))
        else:
            self.vault.write(rel_path, text.encode("utf-8"), None)
            self.index_written([rel_path])
        return PersonRef(rel_path, clean)

    def log_each(
        self,
        entries: Sequence[tuple[PersonRef, str]],
        date: dt.date | None = None,
        channel: str | None = None,
    ) -> list[PersonRef]:
        """Add a different Log entry to each person (one text per person), as `log` does.

        Every note is checked before any is written, so a refusal leaves all of them unchanged.
        """

        when = self.check_entry(date, channel)
        if len({ref.path for ref, _ in entries}) != len(entries):
            raise UsageError("each person can get only one of these Log entries")
        files: dict[str, str] = {}
        for ref, _ in entries:
            real = os.path.realpath(self.vault.root / ref.path)
            if real in files:
                raise RefusedWrite(
                    f"{ref.path} and {files[real]} are one file (a symlink): log for one of them; "
                    "nothing was written"
                )
            files[real] = ref.path
        from vaultkit.notes.grammar import inline_text  # (its patterns: only for a write)

        lines: list[tuple[PersonRef, str]] = []
        for ref, text in entries:
            message = inline_text(text)
            if not message:
                raise UsageError(f"the Log text for {ref.name} is empty")
            lines.append((ref, f"- {when.isoformat()} {channel + ': ' if channel else ''}{message}"))

        def adding(rel_path: str, line: str) -> Callable[[str], str]:
            return lambda text: self.with_log_entry(rel_path, text, line, when)

        self.edit_notes([(ref, adding(ref.path, line)) for ref, line in lines])
        return [ref for ref, _ in entries]

    def readable(self, rel_path: str, new_text: str) -> str:
        """`new_text`, when vaultkit can read the note back (`read_back`)."""
        self.read_back(rel_path, new_text)
        return new_text

    def read_back(self, rel_path: str, new_text: str, created: bool = False) -> ParsedNote:
        """A note's new text (a `created` note's text) as vaultkit will read it, or
        RefusedWrite: no write leaves a note vaultkit would skip (over 8 MiB, front matter
        over 64 KiB, YAML an edit broke), for the person would drop out of every list and
        every later write be refused. An import plans with it, so that its dry run shows
        the record it leaves out."""
        from vaultkit.notes.parse import parse_text

        refuse_too_long(
            rel_path, new_text.encode("utf-8"), "it was not created" if created else "it was not changed"
        )
        try:
            return parse_text(rel_path, new_text, self.config)
        except NoteParseError as err:
            layout = None if created else unkeyed_layout_refused(rel_path, new_text)
            if layout is not None:  # (the edit added a key at the margin, where YAML takes none)
                raise layout from None
            outcome = "; it was not created" if created else " after this change; the note was not changed"
            raise RefusedWrite(f"{err}{outcome}") from None

    def with_log_entry(self, rel_path: str, note_text: str, entry: str | Sequence[str], when: dt.date) -> str:
        """A note's text with the Log line `entry` (or several, newest first) added as its
        first entries, and with `write_last_contact` its `last_contact` moved on to `when`,
        the newest entry's date (spec §3 `vault log`)."""
        from vaultkit.notes.edit import add_log_entry, set_front_matter_value
        from vaultkit.notes.parse import LOG_NOT_READ, parse_text

        note = parse_text(rel_path, note_text, self.config)
        for problem in note.problems:
            if problem.message == LOG_NOT_READ:  # (an entry written beside them would sit in the wrong day)
                raise RefusedWrite(
                    f"{rel_path}:{problem.line}: the Log is kept as dated headings or a table, not as "
                    "- YYYY-MM-DD entries; the note was not changed: write it by hand, or turn them into entries"
                )
        try:
            new_text = add_log_entry(note_text, entry, self.config.log_heading)
        except ValueError as err:
            raise RefusedWrite(f"{rel_path}: {err}; the note was not changed") from None
        if self.config.write_last_contact and (
            note.fields.get("last_contact") is None
            or note.last_contact is None
            or note.last_contact > self.today
            or note.last_contact < when
        ):
            new_text = set_front_matter_value(new_text, "last_contact", when.isoformat())
        return new_text

    def edit_note(self, rel_path: str, change: Callable[[str], str]) -> bool:
        """Apply `change` (note text -> new text) to one note (`edit_notes`); returns whether
        the note changed."""
        return self.edit_notes([(PersonRef(rel_path, rel_path), change)])[0]

    def edit_notes(self, edits: Sequence[tuple[PersonRef, Callable[[str], str]]]) -> list[bool]:
        """Apply each `change` (note text -> new text) to its person's note, as `vault log`
        writes: every note locked (in path order, the one order every command takes its locks
        in, so that two commands never wait on each other in a circle) and checked before any
        is written, then each written in turn, never over a save made meanwhile (the change
        is made again on those bytes, a few times at most), never into a note vaultkit could
        not read back. Returns whether each note changed.

        A note that fails after others were written (someone saved it meanwhile, broken; a
        full disk) stops the command, and the error says which notes were written and which
        were not, and whom to run it again for."""
        plans: dict[str, tuple[Snapshot, str, str]] = {}
        changed: list[bool] = []
        written: list[str] = []
        with self.vault.editing():
            # (the notes stay locked from their read to their write: a second vaultkit
            # command editing the same people waits, then makes its change on top of ours)
            for ref, change in sorted(edits, key=lambda edit: edit[0].path):
                try:
                    plans[ref.path] = self._plan_edit(ref.path, change)
                except NoteBusy as err:
                    if len(edits) == 1:
                        raise
                    raise NoteBusy(err.path, "nothing was written") from None
            try:
                for ref, change in edits:
                    changed.append(self._write_edit(ref.path, change, plans[ref.path]))
                    if changed[-1]:
                        written.append(ref.path)
            except (StaleFileError, WriteFailed, RefusedWrite, NoteBusy) as err:
                if not written:
                    raise
                self.index_written(written)
                left = [ref for ref, _ in edits[len(changed) :]]
                unwritten = [ref.path for ref in left[1:]]
                names = [ref.name for ref in left]
                if isinstance(err, WriteFailed):
                    raise WriteFailed(err.path, err.reason, "", written, unwritten, names) from None
                if isinstance(err, StaleFileError):  # (or NoteGone: said the same way)
                    raise type(err)(err.path, written, unwritten, names) from None
                # (a note saved meanwhile that vaultkit cannot read, one locked too long: the reason)
                again = f"Run the command again for {', '.join(names)}."
                raise IncompleteWrite(err, written, len(edits), again) from None
        if written:
            self.index_written(written)
        return changed

    def _plan_edit(self, rel_path: str, change: Callable[[str], str]) -> tuple[Snapshot, str, str]:
        """A note as read (its snapshot, its text) and its text changed, when vaultkit can read it back."""
        snapshot, text = self.read_for_edit(rel_path)
        new_text = change(text)
        return snapshot, text, new_text if new_text == text else self.readable(rel_path, new_text)

    def _write_edit(
        self, rel_path: str, change: Callable[[str], str], plan: tuple[Snapshot, str, str]
    ) -> bool:
        """Write a planned edit, unless it changes nothing; when someone else saved the note
        meanwhile (an editor, a sync tool), make the change on their bytes instead, a few
        times at most. Returns whether the note changed."""
        for attempt in range(EDIT_TRIES):
            snapshot, text, new_text = plan
            if new_text == text:
                return False
            try:
                self.vault.write(rel_path, new_text.encode("utf-8"), snapshot)
                return True
            except StaleFileError:
                if attempt == EDIT_TRIES - 1:
                    raise
                plan = self._plan_edit(rel_path, change)
        raise AssertionError("unreachable")


PROPERTY_NAME_RE = re.compile(r"[A-Za-z_][\w-]*")
"""What a front-matter key vaultkit writes may be (`vault set`, `--set`, `vault import csv
--map COLUMN=field:KEY`): a letter or `_`, then letters, digits, `_` and `-`."""
_OWN_OPTIONS = {  # keys `vault add` sets by options of their own, not by `--set`
    "aliases": "--alias",
    "tags": "--tag",
    "cadence": "--cadence",
    "met": "--met",
    "introduced_by": "--introduced-by",
}
RESERVED_KEYS = frozenset(_OWN_OPTIONS)
"""Keys `vault add --set` refuses: they have their own options."""


def set_items(
    items: Sequence[str], options: Collection[str] = tuple(_OWN_OPTIONS.values())
) -> dict[str, str]:
    """`--set key=value` options as key -> value; a malformed item or a key that has its own
    option (tags, cadence, met...) is a usage error, naming that option when the command
    has it (`options`)."""
    found: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"--set wants key=value, not {item!r}")
        key, value = (part.strip() for part in item.split("=", 1))
        if not PROPERTY_NAME_RE.fullmatch(key):
            raise UsageError(f"--set: {key!r} cannot be used as a key (letters, digits, _ and -)")
        if key in _OWN_OPTIONS:
            option = _OWN_OPTIONS[key]
            if option in options:
                raise UsageError(f"--set: {key} has an option of its own: use {option}")
            raise UsageError(f"--set: {key!r} cannot be set here")
        found[key] = value
    return found


def _close_names(key: str, everyone: list[tuple[str, str]]) -> str:
    """`; did you mean A, B?` for a NAME that found nobody: up to three names like it as a
    whole, or, for one word, names with a word like it (`Adda` → Ada Lovelace); else ``."""
    from rapidfuzz import fuzz, process

    choices = dict(everyone)
    close = [
        choices[c]
        for c, _, _ in process.extract(key, list(choices), scorer=fuzz.ratio, limit=3, score_cutoff=60)
    ]
    if not close and key and " " not in key:
        words: dict[str, list[str]] = {}
        for key_of_name, name in everyone:
            for word in set(key_of_name.split()):
                words.setdefault(word, []).append(name)
        for word, _, _ in process.extract(key, list(words), scorer=fuzz.ratio, limit=3, score_cutoff=75):
            close.extend(sorted(words[word], key=lambda n: (name_order(n), n))[: 3 - len(close)])
            if len(close) >= 3:
                break
    return f"; did you mean {', '.join(close)}?" if close else ""


def tag_option(tag: str) -> str:
    """`--tag T` as a note writes it (`written_tag`). A blank tag (or a lone `#`) is a usage
    error: not a filter that lets everyone through, nor a tag `""` in a note."""
    text = written_tag(tag)
    if not text:
        raise UsageError(f"--tag wants a tag, not {tag!r}")
    return text


def _tag_wanted(tag: str | None) -> str | None:
    """`--tag T` as the index compares tags (`tag_key`); None for no `--tag`."""
    return None if tag is None else tag_key(tag_option(tag))


def _conditions(where: Sequence[str]) -> list[tuple[str, str]]:
    """`--where key=value` options as (key, value); a malformed one is a usage error."""
    conditions: list[tuple[str, str]] = []
    for item in where:
        key, is_set, value = item.partition("=")
        if not is_set or not key.strip():
            raise UsageError(f"--where wants key=value, not {item!r}")
        conditions.append((key.strip(), value.strip()))
    return conditions


def _listed(
    rows: Iterator[tuple[str, str, dt.date | None, dt.date | None, str]],
    conditions: Sequence[tuple[str, str]],
    limit: int | None,
) -> Iterator[ListedPerson]:
    """The people of `Index.listing`'s rows whose fields meet every condition, the first `limit`."""
    import orjson  # (the index stores the fields as JSON text: orjson reads it 6 times as fast)

    from vaultkit.profiles import ListedPerson

    loads = orjson.loads
    if not conditions:  # (the index cut them)
        for name, path, last_contact, due_on, text in rows:
            yield ListedPerson(name, path, last_contact, due_on, loads(text))
        return
    if limit is not None and limit <= 0:
        return
    from vaultkit.notes.parse import named_by  # (its patterns: only for a `--where`)

    wanted = [(key, named_by(value).casefold()) for key, value in conditions]
    found = 0
    for name, path, last_contact, due_on, text in rows:
        fields = loads(text)
        if all(_field_matches(fields.get(key), value, named_by) for key, value in wanted):
            yield ListedPerson(name, path, last_contact, due_on, fields)
            found += 1
            if found == limit:
                return


def _held_texts(wanted: str) -> list[str]:
    """Texts the JSON of any front matter that meets `key=wanted` holds, as SQLite's `lower`
    leaves them: what lets the index cut most people before Python reads their fields
    (`Index.listing`'s `holding`). A value that meets it names what `wanted` names
    (`parse.named_by`): each word of that name is in it, case-folded; when the note is all
    ASCII that is its lower case, written into the JSON as it is unless it has a quote, a
    backslash or a control character, which JSON escapes (and a `{`, for a nested mapping
    is compared as Python writes it). An empty value also meets a missing key, so it cuts
    no one."""
    from vaultkit.notes.parse import named_by

    text = named_by(wanted).casefold()
    if any(ch in '"\\{' or ch < " " for ch in text):
        return []
    return text.split()


def _field_matches(value: Any, wanted: str, named_by: Callable[[str], str]) -> bool:
    """Whether a front-matter value meets `--where key=VALUE` (`wanted`: what VALUE names,
    case-folded): a value of a list, or the value, naming it (a link by its note's name,
    `[[Places/London|LDN]]` is London, as the figures count it: `parse.named_by`)."""
    if no_value(value):
        return wanted == ""
    if isinstance(value, list):
        return any(_field_matches(item, wanted, named_by) for item in value)
    return named_by(str(value)).casefold() == wanted


def unkeyed_layout_refused(rel_path: str, text: str) -> RefusedWrite | None:
    """The refusal of an edit of a front matter with no key at the left margin, where the
    edits find keys (`frontmatter.unkeyed_layout`), naming its line; None for any other."""
    from vaultkit.notes.frontmatter import split_lines, unkeyed_layout

    layout = unkeyed_layout(split_lines(text))
    if layout is None:
        return None
    return RefusedWrite(
        f"{rel_path}:{layout[0]}: its front matter {layout[1]}, which vaultkit does not edit: "
        "write one key a line at the left margin; the note was not changed"
    )


def read_checked(vault: Vault, rel_path: str, unchanged: str) -> tuple[Snapshot, str]:
    """A note read for a write to follow (`Vault.read_to_change`) and parsed: a note vaultkit
    cannot parse, or whose front matter is never closed, is refused (`unchanged` says what
    was not done), never written."""
    from vaultkit.notes.parse import UNCLOSED_FRONT_MATTER, decode_note, parse_text  # (commands that write)

    snapshot = vault.read_to_change(rel_path)
    try:
        text = decode_note(rel_path, snapshot.data)
        note = parse_text(rel_path, text, vault.config)
    except NoteParseError as err:
        raise RefusedWrite(f"{err}; {unchanged}") from None
    if any(problem.message == UNCLOSED_FRONT_MATTER for problem in note.problems):
        # A property written would start a second front matter above it, and the mistake
        # would be hidden: `vault check` no longer sees a block left open.
        raise RefusedWrite(
            f"{rel_path}:1: its front matter is never closed (add a --- line after it); {unchanged}"
        )
    return snapshot, text


def _view_text(vault: Vault, rel_path: str) -> tuple[Snapshot | None, str]:
    if not vault.exists(rel_path):
        return None, ""
    return read_checked(vault, rel_path, "the view was not written")


def write_view(workspace: Workspace, rel_path: str, name: str, content: str) -> bool:
    """Write `content` into the `vaultkit:NAME` block of a note; only when it changed.

    Text outside the block is the user's and is kept byte for byte: a save of theirs that
    lands meanwhile is kept, and the block is put into it instead. Returns whether the
    file was written.
    """
    from vaultkit.notes.edit import replace_generated_block

    vault = workspace.vault
    with vault.editing():
        for attempt in range(EDIT_TRIES):
            snapshot, text = _view_text(vault, rel_path)
            try:
                new_text = replace_generated_block(text, name, content)
            except ValueError as err:
                raise RefusedWrite(f"{rel_path}: {err}; the view was not written") from None
            if snapshot is not None and new_text == text:
                return False
            try:
                vault.write(rel_path, new_text.encode("utf-8"), snapshot)
                break
            except (StaleFileError, RefusedWrite):  # (RefusedWrite: made by someone meanwhile)
                if attempt == EDIT_TRIES - 1:
                    raise
    workspace.index_written([rel_path])
    return True
