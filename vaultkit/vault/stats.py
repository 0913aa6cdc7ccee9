"""One stat per note, as the walk keeps them: light to import, for the early stats that
start before the command's imports (`vaultkit.vault.early`)."""

from __future__ import annotations

import os
import stat
from array import array

STAT_BYTES = 24  # one note in `Scan.stats`: mtime_ns, size and a flag, 8 bytes each


def stat_names(groups: list[tuple[str, list[str]]]) -> array[int]:
    """(mtime_ns, size, 0) for each name of each folder, in order; (0, 0, -1) for a name that
    is gone or is not a regular file (a folder, a symlink: not followed)."""
    found: array[int] = array("q")
    add = found.append
    regular = stat.S_IFREG
    for folder, names in groups:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            found.extend([0, 0, -1] * len(names))
            continue
        try:
            for name in names:
                try:
                    st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                except (OSError, ValueError):  # gone; or a name no file can have (a NUL)
                    add(0), add(0), add(-1)
                    continue
                add(st.st_mtime_ns), add(st.st_size), add(0 if stat.S_IFMT(st.st_mode) == regular else -1)
        finally:
            os.close(fd)
    return found
