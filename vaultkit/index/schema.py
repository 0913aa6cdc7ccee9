"""The index's tables: the schema and its version (a new version rebuilds the index)."""

from __future__ import annotations

import re

from vaultkit.model import ASK_CHANNEL, INTRO_CHANNEL

# A new version also when the parser reads notes otherwise (35: inline code kept in Log and task
# texts; 36: tags compared in NFC, `model.tag_key`; a key set twice is a warning; `- [[date]]`
# Log entries, and a warning for an undated Log item; `[due:: date]` on a task; 37: a Log
# item indented below an entry is its detail, `- date:`/`- date,`/`[[date|alias]]` entries,
# an empty `people` property names no one, a warning for a task's due date that is none,
# `tags`/`aliases` in one text split as Obsidian splits them; 38: `people.sort_key`; 39: the
# walk leaves out a name with a control character, a line break; a warning for a daily or
# meeting note whose file name's date is none; 40: ø, ł, æ, þ and their kin fold to o, l, ae, th;
# a paragraph or a heading ends the list a Log entry is in; YAML's null in a read key is no value;
# 41: a date that is not real says why, `February 2026 has 28 days`; 42: `Daily/2026-1-5.md` is a
# daily note, and it, a meeting note named `2026-1-5 …` and one naming `people` with no date at
# all are warned of; 43: a daily note's task line is its text without the box, a ticked task
# under `## Reach out` is `reached out`; 44: a mapping in tags, aliases, people or
# introduced_by, and a status that is not a text, are errors, each ignored; an alias clash
# quotes the alias as written, at the `aliases` key's line; 45: a ticked reach-out is `reached out`
# only while it says vaultkit's reminder, `model.is_reach_out_reminder`; 46: one rule for no value,
# `model.no_value`: an empty list too, and YAML's null in `type` and a meeting note's `date`; 47: a
# key's line is found as YAML reads the key, in quotes too (`"a:b":`, an escape):
# `frontmatter.KEY_LINE_RE`; 48: the full-text index holds a note's words with ø, ł, æ folded, `soren`;
# 49: a Log that holds dates but no entry is warned of, `parse.LOG_NOT_READ`).
SCHEMA_VERSION = 49


NAME, ALIAS, FOLDED_NAME, FOLDED_ALIAS = 0, 1, 2, 3
"""The kinds of `name_keys` rows."""

FULL_TEXT = "fts"
"""The meta key that says (`current`) that `notes_fts` indexes every note's text."""

UNREAD = -1  # the mtime_ns in `files` of a note that could not be read: no stat matches it


_SECONDARY_INDEXES = (
    "files_stem", "files_mtime", "people_name", "people_due", "people_never", "people_met", "people_birthday", "people_tags", "people_facets", "people_nocadence", "people_found", "people_status", "aliases_key", "aliases_person", "name_keys_key", "name_keys_person", "introducers_key", "introducers_person", "person_tags_key", "person_tags_person", "links_src", "links_target",
    "links_stem", "links_person", "contacts_src", "contacts_target", "contacts_stem",
    "contacts_person", "contacts_channel", "contacts_counted", "tasks_src", "tasks_open", "problems_path", "clashes_key",
)  # fmt: skip


_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (
  id INTEGER PRIMARY KEY,  -- also the rowid of the note's full-text row
  path TEXT UNIQUE, mtime_ns INTEGER, size INTEGER, kind TEXT, ok INTEGER,
  name TEXT, stem_key TEXT, path_key TEXT,
  digest BLOB);  -- of the bytes read, when they were written lately (see rows.note_digest)
CREATE INDEX files_stem ON files(stem_key);
CREATE INDEX files_mtime ON files(mtime_ns);
CREATE TABLE people (
  path TEXT PRIMARY KEY, name TEXT, name_key TEXT,
  sort_key TEXT,  -- model.sort_key of name_key: lists by name are in this order
  aliases TEXT, tags TEXT,
  cadence TEXT, met TEXT, last_contact TEXT, birthday TEXT, snooze_until TEXT,
  archived INTEGER, introduced_by TEXT, status TEXT,
  found TEXT,  -- a prospect's `found` as JSON (written as it is), else NULL
  -- derived, kept current by _summarise: the latest contact of any date, the resolved
  -- cadence, and the due date that follows (before "today" filters anything out)
  last_any TEXT, last_channel TEXT, cadence_res TEXT, cadence_source TEXT, due_base TEXT,
  period INTEGER,  -- due.period_days of the cadence from that contact (else met)
  -- the values of `Config.stats_fields` this person has, as JSON: the figures group by it
  facets TEXT);
CREATE INDEX people_name ON people(name_key);
-- every front-matter value as written, apart: `people` rows stay small, so the queries of
-- `vault due` read few pages
-- tab completion of --tag reads the distinct tag lists from this index alone
-- the tag lists as written (tab completion), and the figures' groups of them, index-only
CREATE INDEX people_tags ON people(tags, archived, sort_key, path);
-- the figures' groups of the stats fields' values, index-only and in group order
CREATE INDEX people_facets ON people(facets, archived, sort_key, path);
-- the people with no cadence (losing touch), and a prospect's `found`
CREATE INDEX people_nocadence ON people(archived, path) WHERE cadence_res IS NULL;
CREATE INDEX people_found ON people(path) WHERE found IS NOT NULL;
CREATE TABLE people_fields (path TEXT PRIMARY KEY, fields TEXT);
-- `vault due` and the birthday list read only the people these hold, not everyone. The
-- due list reads every column it shows from the index alone (68,559 due: 0.06 s less)
CREATE INDEX people_due ON people(due_base, archived, last_any, snooze_until, period, sort_key, path,
  name, cadence_res, cadence_source, last_channel) WHERE cadence_res IS NOT NULL;
-- the never contacted among them, in the order they come first in (by name): a page of
-- `vault due` reads its own rows, and every column it shows from the index alone
CREATE INDEX people_never ON people(sort_key, path, archived, last_any, snooze_until, name, cadence_res,
  cadence_source, period, last_channel, due_base) WHERE cadence_res IS NOT NULL AND due_base IS NULL;
-- the `met` dates: the weekly counts of new people read only them, a week's by range
CREATE INDEX people_met ON people(met) WHERE met IS NOT NULL;
CREATE INDEX people_birthday ON people(substr(birthday, -5), sort_key, path, name, birthday, archived)
  WHERE birthday IS NOT NULL;
-- the few people with a status (prospects, open asks): Due.md reads them after every change
CREATE INDEX people_status ON people(status, path, sort_key, name) WHERE status IS NOT NULL;
CREATE TABLE aliases (alias_key TEXT, person TEXT,
  written TEXT, line INTEGER);  -- the alias as written, and the line of the `aliases` key
CREATE INDEX aliases_key ON aliases(alias_key);
CREATE INDEX aliases_person ON aliases(person);
-- NAME on the command line: each person's name and aliases as keys, and again with accents
-- folded where that differs (kind: 0 name, 1 alias, 2 folded name, 3 folded alias), so that
-- matching one name, or a prefix, reads a few rows and not everyone's
CREATE TABLE name_keys (key TEXT, kind INTEGER, person TEXT);
CREATE INDEX name_keys_key ON name_keys(key, person, kind);
CREATE INDEX name_keys_person ON name_keys(person);
-- each `introduced_by` of a person, as a name key: whom someone introduced you to, without
-- reading everyone's
CREATE TABLE introducers (key TEXT, person TEXT);
CREATE INDEX introducers_key ON introducers(key);
CREATE INDEX introducers_person ON introducers(person);
-- each person's tags as `tag_key`s: `--tag` reads the people who have it, nested tags by range
CREATE TABLE person_tags (key TEXT, person TEXT);
CREATE INDEX person_tags_key ON person_tags(key, person);
CREATE INDEX person_tags_person ON person_tags(person);
CREATE TABLE links (src TEXT, line INTEGER, target TEXT, stem TEXT, contact INTEGER, person TEXT,
  written TEXT);
CREATE INDEX links_src ON links(src);
CREATE INDEX links_target ON links(target);
CREATE INDEX links_stem ON links(stem);
CREATE INDEX links_person ON links(person);
CREATE TABLE contacts (
  src TEXT, line INTEGER, date TEXT, channel TEXT, text TEXT, source TEXT,
  target TEXT, stem TEXT, person TEXT);
-- A note's contacts, for a sync to forget them: a Log entry's person is its own note, so
-- contacts_person finds those, and this index holds only the few that meeting and daily notes
-- give (over every contact, it was the third slowest index of a cold build: 0.5 s at 100,000)
CREATE INDEX contacts_src ON contacts(src) WHERE source != 'log';
-- only the contacts meeting and daily notes give have a target (a Log entry's is its note)
CREATE INDEX contacts_target ON contacts(target) WHERE target IS NOT NULL;
CREATE INDEX contacts_stem ON contacts(stem) WHERE stem IS NOT NULL;
-- (with source and channel: the figures' channel counts read the index alone)
CREATE INDEX contacts_person ON contacts(person, date, source, channel);
-- the figures' count of interactions by source and channel, in group order, without a sort
CREATE INDEX contacts_counted ON contacts(source, channel, date, person) WHERE person IS NOT NULL;
-- the few Log entries the figures read by channel word, the introductions and the asks
-- (only these: over every Log entry, it was the slowest index of a cold build. A query
-- with `channel = ?` bound to one of these words uses it: SQLite checks the bound value)
CREATE INDEX contacts_channel ON contacts(channel, src, line)
  WHERE source = 'log' AND (channel = '{INTRO_CHANNEL}' OR channel = '{ASK_CHANNEL}');
-- with their note's kind and name: the overdue follow-ups of person notes need no join
CREATE TABLE tasks (src TEXT, line INTEGER, text TEXT, status TEXT, due TEXT, kind TEXT, name TEXT);
CREATE INDEX tasks_src ON tasks(src);
CREATE INDEX tasks_open ON tasks(kind, due, src, line, text, name) WHERE status IN (' ', '/');
CREATE TABLE problems (path TEXT, line INTEGER, level TEXT, message TEXT);
CREATE INDEX problems_path ON problems(path);
-- two people with one name, shared aliases: kept per name or alias key, redone for the keys
-- a sync touches (working them out over everyone costs 0.5 s at 100,000 people)
CREATE TABLE clashes (key TEXT, path TEXT, line INTEGER, message TEXT);
CREATE INDEX clashes_key ON clashes(key);
-- the last walk (see Index._store_walk): each folder's times, sub-folders (names that
-- are not UTF-8, as shown, a JSON list) and whether all its names looked plain (`plain`:
-- listed again, only new names need a look), and its note names and stats a few thousand
-- notes a row (vault/stored.py). SQLite writes a whole row again to change any value in it: so a
-- folder listed again with the same notes writes its times, a note added to it the last
-- row of its names and stats, and one edit one row of stats.
CREATE TABLE walk_folders (position INTEGER PRIMARY KEY, prefix TEXT, mtime_ns INTEGER,
  ctime_ns INTEGER, inode INTEGER, folders TEXT, bad_names TEXT, plain INTEGER);
CREATE TABLE walk_names (part INTEGER PRIMARY KEY, names TEXT);
CREATE TABLE walk_stats (part INTEGER PRIMARY KEY, stats BLOB);
-- The text of each note that is searched (its id is its file's), and the full-text index
-- over it. A new index fills only the text: the full-text index is built from it when a
-- search first needs it (meta `fts` = 'current' from then on, kept so by every sync), so a
-- cold build does not tokenize the whole vault for a search that may never come.
CREATE TABLE note_text (id INTEGER PRIMARY KEY, path TEXT, name TEXT, body TEXT);
CREATE VIRTUAL TABLE notes_fts USING fts5(
  path UNINDEXED, name, body, content = 'note_text', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2');
-- FTS5 writes the terms it gathers out as a segment each time they fill this buffer (1 MB
-- by default): a larger one makes fewer segments to merge while a whole vault goes in
-- (at 100,000 notes, 1.5 CPU-seconds instead of 2.1)
INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', 16777216);
"""

_NOTE_TABLES = tuple(
    name
    for name in re.findall(r"CREATE TABLE (\w+) \(", _SCHEMA)
    if name != "meta" and not name.startswith("walk_")
)
"""The tables of the notes' rows (not the meta, not the stored walk; and `notes_fts`)."""
