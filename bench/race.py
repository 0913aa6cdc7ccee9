"""`make race`: count lost bytes when vaultkit races other writers, as real processes.

Two scenarios, each for a number of rounds, with fsync as fast as the disk makes it and
slowed (strace injects a delay after every fsync, as a USB stick, an SD card or a network
drive would have it):

- `logs`: two `vault log Ada` commands started together; an entry is lost when its
  command said "Logged" but the note does not have it.
- `editor`: an editor process saves the note (a temp file renamed over it) every 2 ms
  while one `vault log` runs, until it sees vaultkit's entry; a save is lost when the
  editor's last save is not in the note at the end (vaultkit replaced it with its edit
  of an earlier save).

    python -m bench.race                        # 1,000 rounds of each, fast and slow fsync
    python -m bench.race --rounds 100 --scenario logs --slow-fsync-ms 30
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VAULT_BIN = str(Path(sys.executable).with_name("vault"))
TODAY = "2026-11-22"
EDITOR = """
import os, re, sys, time
path, marker, stop = sys.argv[1:]
n = 0
while True:
    text = open(path).read()
    if marker in text or os.path.exists(stop):
        break
    n += 1
    temp = path + ".editor~"
    with open(temp, "w") as out:
        if "\\nedit " in text:
            out.write(re.sub(r"\\nedit \\d+\\n", f"\\nedit {n}\\n", text))
        else:
            out.write(text.rstrip("\\n") + f"\\nedit {n}\\n")
    os.replace(temp, path)
    time.sleep(0.002)
print(n)
"""


def _vault(root: Path, slow_ms: int, *args: str) -> subprocess.Popen[str]:
    command = [
        VAULT_BIN,
        "--vault",
        str(root),
        "--index",
        str(root.parent / "index.sqlite"),
        "--today",
        TODAY,
    ]
    if slow_ms:
        slow = f"inject=fsync:delay_exit={slow_ms * 1000}"
        command = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", slow, *command]
    return subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _fresh_vault(folder: Path) -> Path:
    root = folder / "vault"
    if root.exists():
        shutil.rmtree(root)
    (root / "People").mkdir(parents=True)
    (root / "vaultkit.toml").write_text("", encoding="utf-8")
    (root / "People" / "Ada.md").write_text("# Ada\n", encoding="utf-8")
    (root.parent / "index.sqlite").unlink(missing_ok=True)
    subprocess.run(
        [VAULT_BIN, "--vault", str(root), "--index", str(root.parent / "index.sqlite"), "due"],
        check=True,
        capture_output=True,
    )
    return root


def race_logs(folder: Path, rounds: int, slow_ms: int) -> tuple[int, int, int]:
    """(entries written, entries lost, commands refused)."""
    root = _fresh_vault(folder)
    said: list[str] = []
    refused = 0
    for n in range(rounds):
        runs = [(f"{side}-{n}", _vault(root, slow_ms, "log", "Ada", f"{side}-{n}")) for side in "AB"]
        for entry, run in runs:
            run.communicate()
            if run.returncode == 0:
                said.append(entry)
            else:
                refused += 1
    text = (root / "People" / "Ada.md").read_text(encoding="utf-8")
    lost = sum(f" {entry}\n" not in text for entry in said)
    return len(said), lost, refused


def race_editor(folder: Path, rounds: int, slow_ms: int) -> tuple[int, int, int]:
    """(vault log commands that wrote, editor saves lost, commands refused)."""
    root = _fresh_vault(folder)
    note = root / "People" / "Ada.md"
    logged = lost = refused = 0
    for n in range(rounds):
        stop = folder / "stop"
        stop.unlink(missing_ok=True)
        editor = subprocess.Popen(
            [sys.executable, "-c", EDITOR, str(note), f"entry-{n}", str(stop)],
            stdout=subprocess.PIPE,
            text=True,
        )
        run = _vault(root, slow_ms, "log", "Ada", f"entry-{n}")
        run.communicate()
        stop.touch()
        last, _ = editor.communicate()
        lost += f"\nedit {last.strip()}\n" not in note.read_text(encoding="utf-8")
        if run.returncode == 0:
            logged += 1
        else:
            refused += 1
    return logged, lost, refused


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--scenario", choices=["logs", "editor", "both"], default="both")
    parser.add_argument("--slow-fsync-ms", type=int, default=None, help="only this fsync delay (0: none)")
    args = parser.parse_args()
    scenarios = ["logs", "editor"] if args.scenario == "both" else [args.scenario]
    delays = [0, 30] if args.slow_fsync_ms is None else [args.slow_fsync_ms]
    if any(delays) and not shutil.which("strace"):
        sys.exit("bench.race: a slowed fsync needs strace (apt-get install strace)")
    print("| scenario | fsync | rounds | written | lost | refused (exit 1) | seconds |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as temp:
        for scenario in scenarios:
            for delay in delays:
                started = time.perf_counter()
                run = race_logs if scenario == "logs" else race_editor
                written, lost, refused = run(Path(temp), args.rounds, delay)
                what = "two `vault log`s" if scenario == "logs" else "editor saving during `vault log`"
                lost_what = "entries" if scenario == "logs" else "editor saves"
                print(
                    f"| {what} | {f'+{delay} ms' if delay else 'as is'} | {args.rounds:,} | {written:,} "
                    f"| {lost} {lost_what} | {refused} | {time.perf_counter() - started:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
