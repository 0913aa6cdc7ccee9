"""Generate a realistic synthetic vault, seeded so runs compare.

python -m bench.generate 10000 /tmp/vault-10k
python -m bench.generate 100000 /tmp/vault-100k-heavy --heavy   # everyone has a cadence
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

FIRST = [
    "Ada",
    "Alan",
    "Grace",
    "Katherine",
    "Mary",
    "Charles",
    "Tim",
    "Linus",
    "Barbara",
    "Edsger",
    "Donald",
    "Frances",
    "John",
    "Margaret",
    "Radia",
    "Sophie",
    "Hedy",
    "Annie",
    "Claude",
    "Dennis",
    "Ken",
    "Bjarne",
    "Guido",
    "Yukihiro",
    "Anders",
    "James",
    "Brian",
    "Niklaus",
    "Leslie",
    "Shafi",
    "Joan",
    "Jean",
    "Adele",
    "Ida",
    "Lynn",
    "Evelyn",
    "Mae",
    "Amara",
    "Chioma",
    "Kwame",
    "Tunde",
    "Bisi",
    "Priya",
    "Arjun",
    "Ravi",
    "Ananya",
    "Mei",
    "Kenji",
    "Yuki",
    "Haruto",
    "Sakura",
    "Zoë",
    "Jonas",
    "Hannah",
    "Lukas",
    "Elena",
    "Sofia",
    "Lucía",
    "Mateo",
    "Camila",
    "Rafael",
    "Aoife",
    "Siobhan",
    "Liam",
    "Fatima",
    "Omar",
    "Layla",
    "Nguyen",
    "Minh",
    "Linh",
    "Olga",
    "Ivan",
    "Dmitri",
    "Noor",
    "Hamza",
    "Ines",
    "Tomás",
    "Pedro",
    "Beatriz",
    "Ingrid",
    "Astrid",
    "Nils",
    "Freya",
    "Ola",
    "Kari",
    "Emeka",
    "Ngozi",
    "Sipho",
    "Thandi",
    "Aisha",
    "Yusuf",
]
LAST = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Johnson",
    "Somerville",
    "Babbage",
    "Berners-Lee",
    "Torvalds",
    "Liskov",
    "Dijkstra",
    "Knuth",
    "Allen",
    "McCarthy",
    "Hamilton",
    "Perlman",
    "Wilson",
    "Lamarr",
    "Easley",
    "Shannon",
    "Ritchie",
    "Thompson",
    "Stroustrup",
    "Rossum",
    "Matsumoto",
    "Hejlsberg",
    "Gosling",
    "Kernighan",
    "Wirth",
    "Lamport",
    "Goldwasser",
    "Clarke",
    "Sammet",
    "Goldberg",
    "Rhodes",
    "Conway",
    "Berry",
    "Jemison",
    "Nwosu",
    "Eze",
    "Mensah",
    "Adeyemi",
    "Okafor",
    "Raghunathan",
    "Mehta",
    "Menon",
    "Iyer",
    "Chen",
    "Watanabe",
    "Tanaka",
    "Sato",
    "Suzuki",
    "Müller",
    "Becker",
    "Schmidt",
    "Petrova",
    "Lindqvist",
    "Fernández",
    "García",
    "Rojas",
    "Souza",
    "Ní",
    "Bhriain",
    "Murphy",
    "Kelly",
    "Al-Sayed",
    "Haddad",
    "Nguyễn",
    "Trần",
    "Ivanova",
    "Popov",
    "Khan",
    "Hussain",
    "Silva",
    "Costa",
    "Santos",
    "Berg",
    "Hansen",
    "Larsen",
    "Olsen",
    "Dahl",
    "Obi",
    "Nkosi",
    "Dlamini",
    "Bello",
    "Abubakar",
    "Kowalski",
    "Nowak",
    "Novak",
    "Horvat",
    "Kovač",
    "Papadopoulos",
    "Yilmaz",
    "Demir",
    "Kaya",
    "Cohen",
    "Levi",
    "Rossi",
    "Russo",
    "Bianchi",
    "Dubois",
    "Moreau",
]
TAGS = ["friend", "client", "colleague", "investor", "community", "school", "neighbour"]
# Tags that give a cadence (`vaultkit.toml` below) are rare, as family and mentors are.
RARE_TAGS = ["family", "mentor"]
# Most people in a large vault have no cadence: the user keeps in touch with a few
# hundred of them (about 1 in 20 here, own or by tag: 500 at 10,000 people, 5,000 at 100,000).
OWN_CADENCES = ["2w", "1m", "6w", "2m", "3m", "quarterly", "6m", "1y", "monthly"]
CADENCES = [*OWN_CADENCES, "none"] + [None] * 330
CITIES = [
    "London",
    "Lagos",
    "Tokyo",
    "Berlin",
    "São Paulo",
    "Toronto",
    "Bangalore",
    "Oslo",
    "Nairobi",
    "Lima",
]
COMPANIES = [
    "Analytical Engines",
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
]
CHANNELS = ["coffee", "call", "video", "email", "dinner", "event", "lunch", "walk"]
WORDS = [
    "talked",
    "about",
    "her",
    "new",
    "paper",
    "the",
    "conference",
    "hiring",
    "plans",
    "kids",
    "school",
    "holiday",
    "moving",
    "house",
    "startup",
    "idea",
    "book",
    "recommendation",
    "climbing",
    "marathon",
    "training",
    "promotion",
    "sabbatical",
    "garden",
    "podcast",
    "chess",
    "recipes",
    "jazz",
    "museum",
    "visit",
    "next",
    "steps",
    "intro",
    "funding",
    "round",
    "mentor",
    "advice",
]
START = dt.date(2021, 1, 1)
END = dt.date(2026, 11, 20)


def _day(rng: random.Random) -> dt.date:
    # Skewed towards recent dates, as a living vault is.
    span = (END - START).days
    return END - dt.timedelta(days=int(span * rng.random() ** 3))


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))


def names(count: int) -> list[str]:
    """`count` distinct person names (first × last, then numbered)."""
    out: list[str] = []
    round_ = 0
    while len(out) < count:
        for last in LAST:
            for first in FIRST:
                name = f"{first} {last}" + (f" {round_ + 1}" if round_ else "")
                out.append(name)
                if len(out) == count:
                    return out
        round_ += 1
    return out


def person_note(rng: random.Random, name: str, everyone: list[str], heavy: bool = False) -> str:
    """One person's note: varied front matter, Notes, and 0 to 12 Log entries. In the heavy
    profile two in three people came from an address book and were never met nor logged:
    due now, as after `vault import vcard` with a `default_cadence`."""
    imported = heavy and rng.random() < 2 / 3
    fm = []
    if rng.random() < 0.2:
        fm.append(f"aliases: [{name.split()[0]}{rng.randint(1, 999)}]")
    tags = rng.sample(TAGS, rng.randint(0, 2)) + [tag for tag in RARE_TAGS if rng.random() < 0.01]
    fm.append(f"tags: [person, {', '.join(tags)}]".replace(", ]", "]"))
    cadence = rng.choice(OWN_CADENCES if heavy and rng.random() < 0.3 else CADENCES)
    if cadence:
        fm.append(f"cadence: {cadence}")
    if rng.random() < 0.7 and not imported:
        fm.append(f"met: {_day(rng).isoformat()}")
    if rng.random() < 0.5:
        fm.append(
            f"birthday: {rng.choice(['1980', '1975', '1992', '--'])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}".replace(
                "---", "--"
            )
        )
    fm.append(f"company: {rng.choice(COMPANIES)}")
    fm.append(f"location: {rng.choice(CITIES)}")
    fm.append(f"email: {name.lower().replace(' ', '.')}@example.com")
    fm.append(f'phone: "0{rng.randint(100000000, 999999999)}"')
    if rng.random() < 0.1:
        fm.append(f'introduced_by: "[[{rng.choice(everyone)}]]"')
    entries = sorted((_day(rng) for _ in range(0 if imported else rng.randint(0, 12))), reverse=True)
    if entries and rng.random() < 0.5:
        fm.append(f"last_contact: {entries[0].isoformat()}")
    log = []
    for day in entries:
        link = f" with [[{rng.choice(everyone)}]]" if rng.random() < 0.3 else ""
        log.append(f"- {day.isoformat()} {rng.choice(CHANNELS)}: {_sentence(rng)}{link}")
    task = ""
    if rng.random() < 0.05:
        due = END + dt.timedelta(days=rng.randint(-60, 60))
        task = f"- [ ] send {rng.choice(WORDS)} 📅 {due.isoformat()}\n"
    return (
        "---\n" + "\n".join(fm) + "\n---\n"
        f"# {name}\n\n## Notes\n- {_sentence(rng)}\n{task}\n## Log\n" + "\n".join(log) + ("\n" if log else "")
    )


def _age(path: Path, rng: random.Random) -> None:
    """Give a note a past modification time, as a vault that was not written a second ago has."""
    when = dt.datetime.combine(_day(rng), dt.time(12)).timestamp()
    os.utime(path, (when, when))


HEAVY_CONFIG = 'default_cadence = "1y"\n\n[cadence_by_tag]\nfamily = "2w"\nmentor = "3m"\nfriend = "3m"\ncolleague = "6m"\n'
"""The heavy profile's config: everyone has a cadence (3 in 10 their own, else by tag, else a year)."""


def generate(count: int, root: Path, seed: int = 42, heavy: bool = False) -> Path:
    """Write a vault of `count` people (plus meetings and daily notes) under `root`;
    `heavy`: every one of them with a cadence (HEAVY_CONFIG)."""
    rng = random.Random(seed)
    everyone = names(count)
    (root / "People").mkdir(parents=True, exist_ok=True)
    (root / "Meetings").mkdir(exist_ok=True)
    (root / "Daily").mkdir(exist_ok=True)
    config = HEAVY_CONFIG if heavy else '[cadence_by_tag]\nfamily = "2w"\nmentor = "3m"\n'
    (root / "vaultkit.toml").write_text(config, encoding="utf-8")
    for name in everyone:
        note = root / "People" / f"{name}.md"
        note.write_text(person_note(rng, name, everyone, heavy), encoding="utf-8")
        _age(note, rng)
    for number in range(count // 20):
        day = _day(rng)
        people = rng.sample(everyone, rng.randint(1, 3))
        listed = ", ".join(f'"[[{p}]]"' for p in people)
        text = f"---\ndate: {day.isoformat()}\npeople: [{listed}]\ntags: [meeting]\n---\n# Meeting\n\n{_sentence(rng)}\n"
        note = root / "Meetings" / f"{day.isoformat()} Meeting {number}.md"
        note.write_text(text, encoding="utf-8")
        _age(note, rng)
    day = END - dt.timedelta(days=min(count // 10, 1500))
    while day <= END:
        lines = [f"- {_sentence(rng)} [[{rng.choice(everyone)}]]" for _ in range(rng.randint(1, 4))]
        note = root / "Daily" / f"{day.isoformat()}.md"
        note.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _age(note, rng)
        day += dt.timedelta(days=1)
    return root


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]), heavy="--heavy" in sys.argv[3:])
