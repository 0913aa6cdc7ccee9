"""Time the git merge driver on one note with a long Log, as git runs it (a whole process).

Each side logs a few new entries on top of a Log of N entries (newest first, as `vault log`
writes them) and changes `last_contact`; the driver merges the three versions.

    python -m bench.merge                      # 2,000, 8,000, 16,000 and 60,000 entries
    python -m bench.merge --sizes 60000 --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 22)
COMMAND = [sys.executable, "-m", "vaultkit", "merge-driver", "--"]


def entry(number: int) -> str:
    """The `number`-th oldest-to-newest entry: three a day, going back from TODAY."""
    day = TODAY - dt.timedelta(days=number // 3)
    return f"- {day.isoformat()} call {number}: talked about the project\n"


def note(entries: list[str], last_contact: str) -> str:
    return (
        f"---\ntags: [person]\ncadence: 1m\nlast_contact: {last_contact}\n---\n# Ada Lovelace\n\n"
        "## Notes\n- Loves poetry.\n\n## Log\n" + "".join(entries) + "\n## Links\n- [[Charles Babbage]]\n"
    )


def versions(size: int, added: int = 3) -> tuple[str, str, str]:
    """(ancestor, ours, theirs): `size` shared entries, then `added` new ones on each side."""
    shared = [entry(n) for n in range(added * 2, size + added * 2)]
    ours_new = [f"- 2026-11-2{3 + n % 3} ours {n}\n" for n in range(added)]
    theirs_new = [f"- 2026-11-2{3 + n % 3} theirs {n}\n" for n in range(added)]
    first = shared[0][2:12]
    return (
        note(shared, first),
        note(ours_new + shared, "2026-11-25"),
        note(theirs_new + shared, "2026-11-24"),
    )


def time_driver(size: int, runs: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) of each run of `python -m vaultkit merge-driver` on a Log of `size` entries.

    CPU time (user + system) is what the merge costs on a machine that is busy with other work.
    """
    ancestor, ours, theirs = versions(size)
    wall: list[float] = []
    cpu: list[float] = []
    folder = Path(tempfile.mkdtemp(prefix="vaultkit-bench-merge-"))
    try:
        for _ in range(runs):
            for name, text in (("O", ancestor), ("A", ours), ("B", theirs)):
                (folder / name).write_text(text, encoding="utf-8")
            started = time.perf_counter()
            proc = subprocess.Popen(
                [*COMMAND, "O", "A", "B", "People/Ada Lovelace.md"], cwd=folder, stderr=subprocess.PIPE
            )
            _, status, usage = os.wait4(proc.pid, 0)
            wall.append(time.perf_counter() - started)
            cpu.append(usage.ru_utime + usage.ru_stime)
            errors = proc.stderr.read().decode() if proc.stderr else ""
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"merge driver failed: {errors}")
            if proc.stderr:
                proc.stderr.close()
    finally:
        shutil.rmtree(folder)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="2000,8000,16000,60000", help="comma-separated Log lengths")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (the median is shown)")
    args = parser.parse_args()
    print("| Log entries | median wall s | median CPU s | runs |\n|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        wall, cpu = time_driver(size, args.runs)
        print(
            f"| {size:,} | {statistics.median(wall):.3f} | {statistics.median(cpu):.3f} | {args.runs} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
