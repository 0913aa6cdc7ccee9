"""The text of the MCP prompts: a person's context from the notes, and what to do with it.

vaultkit holds no model: a prompt is the brief an assistant's own model works from. The
context is what `vault meet` would put into a meeting note (`meetings.person_context`).
"""

from __future__ import annotations

from vaultkit.meetings import PersonView


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
