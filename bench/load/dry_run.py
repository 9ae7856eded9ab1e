"""`tracker remind --dry-run` at given moments, in turn with the floor (issue 20).

    .venv/bin/python bench/load/dry_run.py [--runs 5] URL@MOMENT [URL@MOMENT …]

e.g. one SQLite organisation of 2,000 measures (bench/load/generate.py
--orgs 1 --measures 2000), October against late September:

    .venv/bin/python bench/load/dry_run.py sqlite:///org.db@2022-10-03T09:00 sqlite:///org.db@2023-09-28T09:00

Each round runs the floor (`python -I -c "import sqlite3"`) and then every
command once, so all of them meet the same load; prints for each the median
wall and CPU time (user + system, from the child's own rusage) and peak
memory, its ratio to the floor, and its ratio to the first command. A dry run
changes nothing, so every round sees the same database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def measure(argv: list[str]) -> tuple[float, float, float]:
    """Wall and CPU seconds and peak MiB of one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("what", nargs="+", metavar="URL@MOMENT")
    args = ap.parse_args()
    commands = {w: [sys.executable, "-m", "tracker", "--db", w.rpartition("@")[0],
                    "--now", w.rpartition("@")[2], "remind", "--dry-run"] for w in args.what}
    floor: list[float] = []
    got: dict[str, list[tuple[float, float, float]]] = {w: [] for w in commands}
    for _ in range(args.runs):
        floor.append(measure([sys.executable, "-I", "-c", "import sqlite3"])[0])
        for w, argv in commands.items():
            got[w].append(measure(argv))
    f = statistics.median(floor)
    print(f"floor median {f * 1000:.0f} ms over {args.runs} rounds")
    first: tuple[float, float, float] | None = None
    for w, runs in got.items():
        med = tuple(statistics.median(r[i] for r in runs) for i in range(3))
        first = first or med
        print(f"{w}: wall {med[0]:.2f} s ({med[0] / f:.0f}x floor), cpu {med[1]:.2f} s,"
              f" peak {med[2]:.1f} MiB;"
              f" to the first: cpu {med[1] / first[1]:.2f}x, memory {med[2] / first[2]:.2f}x;"
              f" cpu of each run {', '.join(format(r[1], '.2f') for r in runs)}")


if __name__ == "__main__":
    main()
