"""The SQLite index: a cache of the notes, kept current by file times, rebuilt at will.

`core` (the `Index`: opening, sync, applying parsed rows) is made of parts, one module
each: `opening` and `file` (the index file itself), `schema`, `rows` (the parser pool),
`walkstore` (the stored walk), `links`, `queries` and `heartbeat` (the watcher's).
"""
