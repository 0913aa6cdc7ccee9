"""A note's text: its Markdown grammar, front matter, parsing, byte-preserving edits, merging."""
