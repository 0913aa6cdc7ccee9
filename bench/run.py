"""`make bench`: time vaultkit on synthetic vaults of 10,000 and 100,000 people.

Every figure is the median of several runs of the whole process, measured in the same
run as two references: the naive way (a Python loop of `frontmatter.load` over every
note) and the floor (reading every note's bytes once with `cat`).

    python -m bench.run                 # 10k and 100k
    python -m bench.run --sizes 10000   # only 10k
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import generate

OUT = Path(__file__).resolve().parent / "out"
VAULT_BIN = str(Path(sys.executable).with_name("vault"))
TODAY = "2026-11-22"


@dataclass
class Figure:
    """Medians of several runs of one command."""

    name: str
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb) / 1024 if self.peak_kb else 0.0


# Measure what a user runs: Python caching compiled modules (some sandboxes switch that off,
# which adds 0.05 s of compiling to every command).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run_once(argv: list[str], shell: bool = False) -> tuple[float, int]:
    """Run a command to the end; (wall seconds, peak resident KB of that process tree's largest)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, shell=shell, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {argv}\n{err}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss


def measure(name: str, argv: list[str], runs: int, before=None, shell: bool = False) -> Figure:  # type: ignore[no-untyped-def]
    figure = Figure(name)
    for number in range(runs):
        if before is not None:
            before(number)
        seconds, peak = run_once(argv, shell=shell)
        figure.seconds.append(seconds)
        figure.peak_kb.append(peak)
    return figure


def vault_for(size: int) -> Path:
    """The synthetic vault of `size` people, generated once and kept in bench/out/."""
    root = OUT / f"vault-{size}"
    done = root / ".generated"
    if not done.exists():
        shutil.rmtree(root, ignore_errors=True)
        print(f"generating {size:,} people in {root} ...", file=sys.stderr, flush=True)
        generate(size, root)
        done.write_text("ok\n")
    return root


def bench_size(size: int, quick: bool) -> dict[str, Figure]:
    root = vault_for(size)
    index = OUT / f"index-{size}.sqlite"
    base = [VAULT_BIN, "--vault", str(root), "--index", str(index), "--today", TODAY]
    big = size >= 50_000
    runs_slow = 1 if (big or quick) else 3
    runs_fast = 3 if quick else 7
    figures: dict[str, Figure] = {}
    print(f"measuring {size:,} ...", file=sys.stderr, flush=True)
    # Warm the page cache first: every figure then reads notes from memory, as a vault in
    # daily use does (a cold cache is a disk benchmark, and the first command pays it).
    run_once([f"find '{root}' -name '*.md' -print0 | xargs -0 cat > /dev/null"], shell=True)
    figures["floor"] = measure(
        "floor: cat every note",
        [f"find '{root}' -name '*.md' -print0 | xargs -0 cat > /dev/null"],
        runs_slow,
        shell=True,
    )
    naive = (
        "import frontmatter, pathlib, sys\n"
        "for p in pathlib.Path(sys.argv[1]).rglob('*.md'):\n"
        "    frontmatter.load(p)\n"
    )
    figures["naive"] = measure(
        "naive: frontmatter.load loop", [sys.executable, "-c", naive, str(root)], runs_slow
    )
    figures["cold"] = measure("cold `vault index --rebuild`", [*base, "index", "--rebuild"], runs_slow)
    # Let the racy window of the rebuild pass, so "warm" means warm.
    time.sleep(2.1)
    run_once([*base, "due", "--json"])
    figures["warm"] = measure("warm `vault due --json`", [*base, "due", "--json"], runs_fast)
    people = sorted((root / "People").iterdir())

    def edit(number: int) -> None:
        with open(people[number * 97 % len(people)], "a", encoding="utf-8") as handle:
            handle.write(f"- 2026-11-2{number % 2} call: benchmark edit {number}\n")

    figures["edited"] = measure(
        "`vault due --json` after one edit", [*base, "due", "--json"], runs_fast, before=edit
    )
    figures["search"] = measure("`vault search conference`", [*base, "search", "conference"], runs_fast)
    figures["help"] = measure("`vault --help`", [VAULT_BIN, "--help"], runs_fast)
    figures.update(bench_watcher(root, base, runs_fast, 5 if quick else 15))
    return figures


def bench_watcher(root: Path, base: list[str], runs: int, edits: int) -> dict[str, Figure]:
    """With `vault watch` running: `vault due` on the trusted index, and edit-to-Due.md latency."""
    import json
    import signal

    watcher = subprocess.Popen(
        [*base, "watch", "--rescan", "3600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=ENV,
    )
    try:
        assert watcher.stdout is not None
        line = ""
        while "start:" not in line:  # the first update's line: the index is current
            line = watcher.stdout.readline()
            if not line:
                raise SystemExit("vault watch ended before its first update")
        time.sleep(3)  # a heartbeat saying "current"
        figures = {"watched": measure("`vault due --json`, watcher running", [*base, "due", "--json"], runs)}
        due = json.loads(
            subprocess.run(
                [*base, "due", "--json"], capture_output=True, text=True, check=True, env=ENV
            ).stdout
        )
        due_md = root / "Due.md"
        latency = Figure("edit → Due.md updated (watcher)")
        for item in due["due"][:edits]:
            before = due_md.read_bytes()
            started = time.perf_counter()
            with open(root / item["path"], "a", encoding="utf-8") as handle:
                handle.write(f"- {TODAY} call: benchmark catch-up\n")
            while due_md.read_bytes() == before:
                if time.perf_counter() - started > 60:
                    raise SystemExit("Due.md did not change within 60 s of an edit")
                time.sleep(0.005)
            latency.seconds.append(time.perf_counter() - started)
            time.sleep(0.5)  # let the watcher go idle between edits
        status = Path(f"/proc/{watcher.pid}/status")
        if status.exists():
            peak = next(
                int(row.split()[1]) for row in status.read_text().splitlines() if row.startswith("VmHWM")
            )
            latency.peak_kb.append(peak)
        figures["latency"] = latency
        return figures
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=60)


TARGETS = {
    # figure: (description, check(size, figures) -> bool)
    "cold": "≤ 0.6 × naive (10k)",
    "warm": "≤ 0.15 s (10k), ≤ 0.6 s (100k)",
    "edited": "≤ warm + 0.05 s",
    "help": "≤ 0.15 s",
    "memory": "due ≤ 80 MB (100k)",
    "watched": "≤ 0.2 s (100k)",
    "latency": "median ≤ 0.5 s (100k); watcher ≤ 200 MB (100k)",
}


def verdict(key: str, size: int, figures: dict[str, Figure]) -> str:
    f = figures
    if key == "cold":
        return "" if size != 10_000 else ("met" if f["cold"].median <= 0.6 * f["naive"].median else "MISSED")
    if key == "warm":
        limit = 0.15 if size == 10_000 else 0.6
        return "met" if f["warm"].median <= limit else "MISSED"
    if key == "edited":
        return "met" if f["edited"].median - f["warm"].median <= 0.05 else "MISSED"
    if key == "help":
        return "met" if f["help"].median <= 0.15 else "MISSED"
    if key == "watched" and size >= 50_000:
        return "met" if f["watched"].median <= 0.2 else "MISSED"
    if key == "latency" and size >= 50_000:
        memory = "met" if f["latency"].peak_mb <= 200 else "MISSED"
        return f"{'met' if f['latency'].median <= 0.5 else 'MISSED'}; memory {memory}"
    return ""


def table(results: dict[int, dict[str, Figure]]) -> str:
    lines = [
        "| figure | people | median s | × naive | × floor | peak MB | target | |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for size, figures in results.items():
        naive, floor = figures["naive"].median, figures["floor"].median
        for key, figure in figures.items():
            target = TARGETS.get(key, "")
            mark = verdict(key, size, figures) if key in TARGETS else ""
            if key == "warm" and size >= 50_000:
                memory = "met" if figure.peak_mb <= 80 else "MISSED"
                target += f"; {TARGETS['memory']}"
                mark = f"{mark}; memory {memory}"
            if key == "latency":
                ordered = sorted(figure.seconds)
                p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
                mark = f"{mark} (p95 {p95:.3f} s)".strip()
            lines.append(
                f"| {figure.name} | {size:,} | {figure.median:.3f} | {figure.median / naive:.2f} | "
                f"{figure.median / floor:.1f} | {figure.peak_mb:.0f} | {target} | {mark} |"
            )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated vault sizes")
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results = {int(size): bench_size(int(size), args.quick) for size in args.sizes.split(",")}
    report = f"Machine: {machine()}\n\n{table(results)}\n"
    (OUT / "results.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
