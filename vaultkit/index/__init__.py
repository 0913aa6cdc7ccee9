"""The SQLite index: a cache of the notes, kept current by file times."""
