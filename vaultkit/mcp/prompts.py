"""The text of the MCP prompts: a person's context from the notes, and what to do with it.

vaultkit holds no model: a prompt is the brief an assistant's own model works from. The
context is what `vault meet` would put into a meeting note (`meetings.person_context`);
for someone you want to meet, also what `vault prospects` knows (`prospects.prospect_of`,
`prospects.common_ground`).
"""

from __future__ import annotations

from vaultkit.meetings import PersonView
from vaultkit.prospects import CommonGround, Prospect

NAMES_SHOWN = 3  # who shares a tag: a few names make it concrete, a crowd is just a count


def person_brief(person: PersonView, today: str) -> str:
    """What the notes say about one person, as Markdown an assistant can read."""
    lines = [f"## {person['name']}", ""]
    profile = [
        f"{label}: {value}"
        for label, value in (
            ("Role", person["role"]),
            ("Company", person["company"]),
            ("Location", person["location"]),
            ("Tags", ", ".join(t for t in person["tags"] if t != "person")),
            ("Met", person["met"] or ""),
            ("Introduced by", ", ".join(person["introduced_by"])),
            ("Keep in touch", f"every {person['cadence']}" if person["cadence"] else ""),
            ("Last contact", person["last_contact"] or "never"),
        )
        if value
    ]
    lines += [f"- {item}" for item in profile]
    birthday = person["birthday"]
    if birthday:
        turns = f", turning {birthday['turns']}" if birthday["turns"] else ""
        lines.append(f"- Birthday: {birthday['date']} (in {birthday['in_days']} days{turns})")
    lines += ["", "### Last interactions (newest first)"]
    for item in person["interactions"]:
        channel = f" {item['channel']}:" if item["channel"] else ""
        lines.append(f"- {item['date']}{channel} {item['text']} (from {item['note']})")
    if not person["interactions"]:
        lines.append("- none recorded")
    lines += ["", "### Open follow-ups (what was promised or planned)"]
    for task in person["followups"]:
        due = f" (due {task['due']}{', overdue' if task['overdue'] else ''})" if task["due"] else ""
        lines.append(f"- {task['text']}{due}")
    if not person["followups"]:
        lines.append("- none")
    lines += ["", "### What they care about (their Notes)", person["notes"] or "(no notes yet)"]
    if person["linked"]:
        lines += ["", f"Linked in the notes with: {', '.join(person['linked'])}"]
    lines += ["", f"Today is {today}."]
    return "\n".join(lines)


def prepare_for_meeting(person: PersonView, today: str) -> str:
    """The `prepare_for_meeting` prompt: a short brief before seeing someone."""
    return "\n".join(
        [
            f"I am about to meet {person['name']}. Below is everything my notes say about them.",
            "Prepare me in a few lines: what we talked about last time and what came of it, what I",
            "promised or planned (the open follow-ups, late ones first), two or three questions",
            "that show I remember what matters to them, and anything to mention (a birthday, news",
            "they shared). Use only what the notes say; where they are thin, say so instead of",
            "guessing.",
            "",
            person_brief(person, today),
        ]
    )


def draft_reach_out(person: PersonView, today: str) -> str:
    """The `draft_reach_out` prompt: a warm, humble, specific message that gives before it asks."""
    return "\n".join(
        [
            f"Help me write a short message to {person['name']} to stay in touch. Below is what my",
            "notes say about them. The message should be:",
            "- warm and humble: written as I would talk to them, no flattery, no networking jargon;",
            "- specific: it picks up something real from our last conversations or their notes",
            "  (a project, a person, a worry, good news), never a generic 'hope you are well';",
            "- giving before it asks: it offers something useful to them first (an article, an",
            "  introduction, congratulations, help with what they mentioned, the follow-up I owe);",
            "- light: it asks for nothing, or one small thing at the end that is easy to say no to.",
            "Suit it to the channel we last used, keep it under 120 words, and give two versions.",
            "Use only what the notes say; do not invent shared memories.",
            "",
            person_brief(person, today),
        ]
    )


def first_contact(
    person: PersonView, prospect: Prospect, common: list[CommonGround], follow_up_span: str, today: str
) -> str:
    """`draft_reach_out` for a prospect: a first message (or the one gentle follow-up) that
    says why, names the common ground or who could introduce us, and gives before it asks."""
    lines = [
        f"Help me write a first message to {person['name']}, whom I have not met yet and would like",
        "to know. Below is why, who could introduce us, what we have in common and what my notes",
        "say. The message should be:",
        "- warm and humble: one person writing to another, sincere and brief, no flattery, no",
        "  networking jargon, never pretending we already know each other;",
        "- specific: it says what about them or their work draws me (the why below) and names",
        "  the connection we share, if there is one;",
        "- giving before it asks: it offers something first (a thought on their work, an",
        "  article, an introduction, help with something they work on);",
        "- light: one small ask at the end that is easy to say no to (a short call, a coffee).",
        "Keep it under 120 words and give two versions. If someone below could introduce us,",
        "also draft the short note asking them to, which makes it easy for them to say yes or no.",
        "Use only what the notes say; do not invent a connection.",
        "",
        f"## Why I want to meet {person['name']}",
        prospect.why or "(my notes do not say: ask me before drafting)",
        "",
        "## Who could introduce us",
    ]
    for introducer in prospect.introducers:
        reason = (
            "named in their note as the one to introduce us"
            if introducer.reason == "via"
            else introducer.reason
        )
        lines.append(f"- {introducer.name}: {reason}")
    if prospect.more_introducers:
        lines.append(f"- and {prospect.more_introducers} more who share their company or a tag")
    if not prospect.introducers:
        lines.append("- nobody in my notes: this would be a cold message")
    lines += ["", "## What we have in common"]
    for shared in common:
        more = len(shared.people) - NAMES_SHOWN
        names = ", ".join(shared.people[:NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")
        lines.append(f"- {shared.what}, as {names} in my network")
    if not common:
        lines.append(
            "- nothing my notes show (no company or tag shared with my network): say so, invent nothing"
        )
    lines += [
        "",
        "## Have I asked already?",
        _ask_state(prospect, follow_up_span),
        "",
        person_brief(person, today),
    ]
    return "\n".join(lines)


def _ask_state(prospect: Prospect, follow_up_span: str) -> str:
    """Whether I asked, and what that allows: a first message, one gentle follow-up, or none."""
    if not prospect.asks:
        return "Not yet: this is the first message."
    asked = ", ".join(day.isoformat() for day in prospect.asks)
    if len(prospect.asks) > 1:
        return (
            f"Yes, on {asked}, and I followed up once with no answer. Do not draft another message to"
            " them: one follow-up is enough. Suggest an introduction instead, or letting it rest."
        )
    waited = f" ({prospect.days_waiting} days ago)" if prospect.days_waiting is not None else ""
    if prospect.follow_up:
        return (
            f"Yes, on {asked}{waited}, with no answer. Instead of a first message, write the one gentle"
            " follow-up: short, friendly, no pressure and no guilt, an easy way to say no, adding"
            " something of value; it will be the only one I send."
        )
    return (
        f"Yes, on {asked}{waited}, and no answer yet. It is too soon to follow up (one gentle"
        f" follow-up after {follow_up_span} with no answer, never more): tell me so; draft a follow-up"
        " only if I say there is news to share."
    )
