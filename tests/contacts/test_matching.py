"""The fuzzy name match searches only the names long enough to be alike: it must find what
one search of every name found, best first, the earliest among equals."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from vaultkit.contacts.matching import Match, Matcher, fuzzy_form
from vaultkit.contacts.records import Contact

WORDS = ["ada", "ida", "adam", "lovelace", "love", "lace", "byron", "king", "x", "Zoë", "o'neil", "an"]
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


def _every_name_at_once(matcher_names: list[str], query: str, threshold: int) -> Match | str | None:
    """What the matcher answered before it searched by length: one search of every name."""
    forms = [fuzzy_form(name) for name in matcher_names]
    best: dict[str, tuple[float, str]] = {}
    for _, score, index in process.extract(
        fuzzy_form(query), forms, scorer=fuzz.ratio, score_cutoff=threshold, limit=10
    ):
        path = f"People/{index}.md"
        if path not in best or score > best[path][0]:
            best[path] = (score, matcher_names[index])
    if not best:
        return None
    top = max(score for score, _ in best.values())
    leaders = [path for path, (score, _) in best.items() if score == top]
    if len(leaders) > 1:
        return f"its name is {top:.0f}% like several people: {', '.join(sorted(matcher_names[int(p[7:-3])] for p in leaders))}"
    path = leaders[0]
    score, written = best[path]
    return Match(path, "similar name", f"name {query!r} is {score:.0f}% like {written!r} (≥ {threshold})")


@settings(max_examples=300, deadline=None)
# Twelve names as alike as each other: the ten earliest are the ones a search keeps.
@example([f"ada{letter}" for letter in "bcdefghijklm"], "adaz", 75)
@given(st.lists(names, min_size=1, max_size=60), names, st.sampled_from([60, 75, 92]))
def test_the_fuzzy_match_finds_what_one_search_of_every_name_found(
    people: list[str], query: str, threshold: int
) -> None:
    matcher = Matcher(threshold)
    for number, name in enumerate(people):
        matcher.add(f"People/{number}.md", name, (), (), ())
    if any(name_key == query.casefold() for name_key in (p.casefold() for p in people)):
        return  # (an exact name is matched before any fuzzy search)
    found = matcher.match(Contact(name=query, source="t", line=1), [query])
    assert found == _every_name_at_once(people, query, threshold)
