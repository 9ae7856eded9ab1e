"""The daily reminder run over a whole season (issue 20), against a database
made by bench/load/generate.py.

    .venv/bin/python bench/load/season.py --db URL [--from 2022-10-03] [--to 2023-09-29] [--every 1]

Runs the daily job (decide what is due for every task of every plan and queue
it; nothing is sent) once a day at 09:00 from --from to --to, as a daemon
would. The first and the last day run in a fresh process each, for their own
CPU time and peak memory; the days between run in this process (--every N:
every N-th day, the others skipped, as after downtime). Prints the floor
(`python -I -c "import sqlite3"`) of the same run, each measured day's wall
and CPU time, the ratio of the last day to the first, and the medians.
Start from a fresh database (generate.py): the run queues into its outbox.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tracker.clock import BANGKOK  # noqa: E402
from tracker.db.connection import open_database  # noqa: E402
from tracker.reminders import run  # noqa: E402
from tracker.reminders.policy import Policy  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import floor_ms  # noqa: E402  (bench/load/scale.py: the floor measured the same way)


def one_day(url: str, day: date) -> dict[str, float]:
    """The daily job of `day` in this process: wall and CPU seconds, rows queued."""
    db = open_database(url)
    try:
        before = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        rep = run.enqueue_due(db, Policy(), datetime.combine(day, clock_time(9), BANGKOK), keep_due=False)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        db.close()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "queued": rep.queued, "rss_mib": after.ru_maxrss / 1024}


def fresh(url: str, day: date) -> dict[str, float]:
    """`one_day` in a new process: its peak memory is that day's alone."""
    out = subprocess.run([sys.executable, __file__, "--db", url, "--one", day.isoformat()],
                         check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--from", dest="start", default="2022-10-03")
    ap.add_argument("--to", dest="end", default="2023-09-29")
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_day(args.db, date.fromisoformat(args.one))))
        return
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    floors = [floor_ms() for _ in range(5)]
    print(f"floor median {statistics.median(floors):.0f} ms")
    first = fresh(args.db, start)
    print(f"{start} (fresh process) wall {first['wall']:.2f} s cpu {first['cpu']:.2f} s"
          f" peak {first['rss_mib']:.0f} MiB queued {first['queued']}")
    walls, cpus = [], []
    day = start + timedelta(days=args.every)
    while day < end:
        d = one_day(args.db, day)
        walls.append(d["wall"])
        cpus.append(d["cpu"])
        if day.day in (1, 15):
            print(f"{day} wall {d['wall']:.2f} s cpu {d['cpu']:.2f} s queued {d['queued']}", flush=True)
        day += timedelta(days=args.every)
    last = fresh(args.db, end)
    print(f"{end} (fresh process) wall {last['wall']:.2f} s cpu {last['cpu']:.2f} s"
          f" peak {last['rss_mib']:.0f} MiB queued {last['queued']}")
    if walls:
        print(f"days between: median wall {statistics.median(walls):.2f} s, worst {max(walls):.2f} s;"
              f" median cpu {statistics.median(cpus):.2f} s, worst {max(cpus):.2f} s")
    print(f"last / first: cpu {last['cpu'] / first['cpu']:.2f}x, peak memory"
          f" {last['rss_mib'] / first['rss_mib']:.2f}x; floor in this run"
          f" {statistics.median([floor_ms() for _ in range(5)]):.0f} ms")


if __name__ == "__main__":
    main()
