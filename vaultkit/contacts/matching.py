"""Who a contact is: matching a record against the vault's people, and likely duplicates.

A record matches by email, phone, name or alias, then by a fuzzy name; `vault check` uses
the same keys to point out pairs of notes that are probably one person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from vaultkit.contacts.records import Contact, as_texts, email_key, phone_key
from vaultkit.model import Problem, name_key

NAME_THRESHOLD = 92
"""Names (or aliases) at least this alike (rapidfuzz token_sort_ratio, 0-100) are one person."""

_NON_WORD_RE = re.compile(r"[\W_]+")


def fuzzy_form(name: str) -> str:
    """A name as the fuzzy matcher sees it: no accents, case or punctuation, words sorted.

    With the words sorted, rapidfuzz's plain `ratio` of two forms is their token_sort_ratio.
    """
    if not name.isascii():
        name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return " ".join(sorted(_NON_WORD_RE.sub(" ", name.casefold()).split()))


@dataclass
class Match:
    """A record's person: their note, how they were matched, and a sentence saying why."""

    path: str
    how: str
    reason: str


class Matcher:
    """Who in the vault (or earlier in this import) a record is: email, phone, name/alias, fuzzy name."""

    def __init__(self, threshold: int = NAME_THRESHOLD) -> None:
        self.threshold = threshold
        self.names: dict[str, str] = {}
        self._emails: dict[str, set[str]] = {}
        self._phones: dict[str, set[str]] = {}
        self._exact: dict[str, set[str]] = {}
        self._fuzzy: list[tuple[str, str]] = []  # (path, the name as written), by number
        # The fuzzy forms by length, each with its number: a name only that long can be alike
        # enough (`_fuzzy_match`), and a list kept is not made again for every record.
        self._by_length: dict[int, tuple[list[str], list[int]]] = {}
        self._emails_of: dict[str, set[str]] = {}

    def add(
        self,
        path: str,
        name: str,
        aliases: Iterable[str],
        emails: Iterable[str],
        phones: Iterable[str],
        fuzzy: bool = True,
    ) -> None:
        """Make a person findable (by a similar name too, unless `fuzzy` is off)."""
        self.names[path] = name
        for email in emails:
            self._emails.setdefault(email_key(email), set()).add(path)
            self._emails_of.setdefault(path, set()).add(email_key(email))
        for phone in phones:
            key = phone_key(phone)
            if key:
                self._phones.setdefault(key, set()).add(path)
        for label in (name, *aliases):
            if label.strip():
                self._exact.setdefault(name_key(label), set()).add(path)
                if fuzzy:
                    form = fuzzy_form(label)
                    forms, numbers = self._by_length.setdefault(len(form), ([], []))
                    forms.append(form)
                    numbers.append(len(self._fuzzy))
                    self._fuzzy.append((path, label))

    def match(self, contact: Contact, names: Sequence[str]) -> Match | str | None:
        """The person this record is, None for nobody, or a string saying why it is ambiguous."""
        emails = {email_key(e) for e in contact.emails}
        for how, values, index, key in (
            ("email", contact.emails, self._emails, email_key),
            ("phone", contact.phones, self._phones, phone_key),
        ):
            found: dict[str, str] = {}
            for value in values:
                value_key = key(value)
                for path in index.get(value_key, set()) if value_key else ():
                    if how == "phone" and self._emails_differ(path, emails):
                        continue  # a shared landline: different emails say these are two people
                    found.setdefault(path, value)
            if len(found) == 1:
                path, value = next(iter(found.items()))
                return Match(path, how, f"same {how} {value}")
            if len(found) > 1:
                return f"its {how} matches several people: {self._listed(found)}"
        for label in names:
            # An alias says less than two different email addresses (Bob the plumber is not
            # Robert "Bob" Brown); the very same name says more (a work and a home address).
            exact = {
                path
                for path in self._exact.get(name_key(label), ())
                if name_key(self.names[path]) == name_key(label) or not self._emails_differ(path, emails)
            }
            if len(exact) == 1:
                path = next(iter(exact))
                if name_key(self.names[path]) == name_key(label):
                    return Match(path, "name", "same name")
                return Match(path, "alias", f"{label!r} is their alias")
            if len(exact) > 1:
                return f"its name matches several people: {self._listed(exact)}"
        return self._fuzzy_match(names, emails)

    def owners(self, label: str) -> set[str]:
        """The people whose name or alias is this label (NFC, case-folded)."""
        return self._exact.get(name_key(label), set())

    def _emails_differ(self, path: str, emails: set[str]) -> bool:
        known = self._emails_of.get(path)
        return bool(emails and known and not emails & known)

    def _fuzzy_match(self, names: Sequence[str], emails: set[str]) -> Match | str | None:
        from rapidfuzz import fuzz, process

        if not self._fuzzy:
            return None
        best: dict[str, tuple[float, str, str]] = {}
        for label in names:
            query = fuzzy_form(label)
            found: list[tuple[float, int]] = []
            for length, (forms, numbers) in self._by_length.items():
                # Two texts' `ratio` is at most 200 × the shorter's length / their lengths'
                # sum: a name of another length than these cannot reach the threshold.
                if (
                    query
                    and length
                    and 200 * min(len(query), length) / (len(query) + length) < self.threshold
                ):
                    continue
                found += [
                    (score, numbers[offset])
                    for _, score, offset in process.extract(
                        query, forms, scorer=fuzz.ratio, score_cutoff=self.threshold, limit=10
                    )
                ]
            # The ten best, the earliest first among equals: what one search of every name gave.
            found.sort(key=lambda hit: (-hit[0], hit[1]))
            for score, number in found[:10]:
                path, written = self._fuzzy[number]
                if self._emails_differ(path, emails):
                    continue  # different email addresses say more than a similar name
                if path not in best or score > best[path][0]:
                    best[path] = (score, written, label)
        if not best:
            return None
        top = max(score for score, _, _ in best.values())
        leaders = {path: v for path, v in best.items() if v[0] == top}
        if len(leaders) > 1:
            return f"its name is {top:.0f}% like several people: {self._listed(leaders)}"
        path, (score, written, label) = next(iter(leaders.items()))
        return Match(
            path, "similar name", f"name {label!r} is {score:.0f}% like {written!r} (≥ {self.threshold})"
        )

    def _listed(self, paths: Iterable[str]) -> str:
        return ", ".join(sorted(self.names.get(p, p) for p in paths))


# -- duplicates in the vault ---------------------------------------------------------------
_SAME_KEYS = {"email": email_key, "phone": phone_key}
DUPLICATE_FIELDS = tuple(_SAME_KEYS)
"""The fields `likely_duplicates` compares (besides names)."""


def likely_duplicates(
    people: Sequence[tuple[str, str, dict[str, Any]]],
    threshold: int = NAME_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> list[Problem]:
    """Warnings for pairs of people who are probably one: same email, same phone, near-identical names.

    `people` are (path, name, front-matter fields: `DUPLICATE_FIELDS` at least). Two notes with the very same name are
    already reported by the index, so they are left out here. `progress(done, total)`
    follows the names compared (seconds at 100,000 people of near-identical names).
    """
    reasons: dict[tuple[str, str], str] = {}

    def pair(one: str, other: str, reason: str) -> None:
        if one != other:
            reasons.setdefault((min(one, other), max(one, other)), reason)

    for field_name, key in _SAME_KEYS.items():
        seen: dict[str, str] = {}
        for path, _, fields in people:
            for value in as_texts(fields.get(field_name)):
                value_key = key(value)
                if not value_key:
                    continue
                if value_key in seen:
                    pair(seen[value_key], path, f"same {field_name} {value}")
                else:
                    seen[value_key] = path
    names = [(path, name) for path, name, _ in people]
    for (one, one_name), (other, other_name), score in _similar_names(names, threshold, progress):
        pair(one, other, f"names {score:.0f}% alike ({one_name!r}, {other_name!r})")
    return [
        Problem(one, None, "warning", f"may be the same person as {other}: {reason}")
        for (one, other), reason in sorted(reasons.items())
    ]


def _similar_names(
    names: Sequence[tuple[str, str]], threshold: int, progress: Callable[[int, int], None] | None = None
) -> Iterator[tuple[tuple[str, str], tuple[str, str], float]]:
    """Pairs of (path, name) whose names are at least `threshold` alike, but not the same name."""
    from rapidfuzz import fuzz, process

    forms = [fuzzy_form(name) for _, name in names]
    keys = [name_key(name) for _, name in names]
    # Near-identical names share their first or their last four letters (words sorted);
    # comparing only within those groups keeps a 10,000-person vault well under a second.
    blocks: dict[str, list[int]] = {}
    for index, form in enumerate(forms):
        if form:
            for block in ("<" + form[:4], ">" + form[-4:]):
                blocks.setdefault(block, []).append(index)
    found: set[tuple[int, int]] = set()
    total, done, told = sum(map(len, blocks.values())), 0, -1
    step = max(1, total // 200)  # (a bar moves in steps of 0.5 %, not once a block)
    for members in blocks.values():
        if progress is not None and done // step != told:
            told = done // step
            progress(done, total)
        done += len(members)
        choices = [forms[i] for i in members]
        for position in range(len(members) - 1):
            for _, score, offset in process.extract(
                choices[position],
                choices[position + 1 :],
                scorer=fuzz.ratio,
                score_cutoff=threshold,
                limit=None,
            ):
                one, other = members[position], members[position + 1 + offset]
                if (one, other) in found or keys[one] == keys[other]:
                    continue
                found.add((one, other))
                yield names[one], names[other], score
