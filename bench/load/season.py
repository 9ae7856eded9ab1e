"""The daily reminder run over a whole season (issue 20).

    .venv/bin/python bench/load/season.py --db URL [--orgs N --measures M] [--runs 3]
        [--from 2022-10-03] [--to 2023-09-29] [--every 1] [--sent] [--measure DAY …]

In a few minutes, anyone (a PostgreSQL on 127.0.0.1, trust auth):

    .venv/bin/python bench/load/season.py --orgs 50 --measures 160 \\
        --db postgresql+psycopg://postgres@127.0.0.1:5432/tracker_season_small   # 8,000 tasks

The province of issue 20 is `--orgs 500 --measures 160` (80,000 tasks, about
half an hour on a shared 2-core machine); `--db sqlite:///PATH` works too.

With --orgs/--measures the database (new or empty) is first filled by
bench/load/generate.py; without, it must be a fresh one generate.py made: the
run queues into its outbox. The daily job (decide what is due for every task
of every plan and queue it; nothing is sent) runs once a day at 09:00 from
--from to --to, as a daemon would. The first and the last day run in fresh
processes, --runs times each on copies of the database as it stands before
that day, for their own CPU time and peak memory (so do the days given with
--measure, e.g. the busiest of the season); the other days between run in
this process (--every N: every N-th day, the others skipped, as after
downtime). --sent: after each day, what it queued counts as sent (the
daemon's sweeps keep up), so only the day's own mail waits.

Prints the floor (`python -I -c "import sqlite3"`, run next to each measured
day), each measured day's median wall and CPU time and peak memory with its
ratio to the floor, the ratios of the last day to the first, and for the
days between the median and the worst day with its date.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tracker.clock import BANGKOK  # noqa: E402
from tracker.db.connection import open_database, ts  # noqa: E402
from tracker.reminders import run  # noqa: E402
from tracker.reminders.policy import Policy  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import floor_ms  # noqa: E402  (bench/load/scale.py: the floor measured the same way)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, clock_time(9), BANGKOK)


def peak_mib() -> float:
    """This process's peak resident memory. VmHWM where /proc has it: on Linux
    a child's ru_maxrss keeps the high-water mark of the parent it was forked
    from, so every fresh run late in a season looked as big as this process."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_day(url: str, day: date, *, sent: bool = False) -> dict[str, float]:
    """The daily job of `day` in this process: wall and CPU seconds, rows queued."""
    db = open_database(url)
    try:
        before = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        rep = run.enqueue_due(db, Policy(), at_nine(day), keep_due=False)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_SELF)
        if sent:
            with db.transaction():  # what the sweeps would have sent by the evening
                db.execute("UPDATE outbox SET status = 'sent', sent_at = :t, updated_at = :t"
                           " WHERE status = 'pending' AND next_attempt_at <= :t",
                           {"t": ts(at_nine(day) + timedelta(hours=8))})
    finally:
        db.close()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "queued": rep.queued, "rss_mib": peak_mib()}


def fresh(url: str, day: date, *, sent: bool) -> dict[str, float]:
    """`one_day` in a new process: its peak memory is that day's alone."""
    out = subprocess.run([sys.executable, __file__, "--db", url, "--one", day.isoformat(),
                          *(["--sent"] if sent else [])],
                         check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out))


# ---------------------------------------------------------------- copies


def _pg(url: str) -> tuple[str, str]:
    base, _, name = url.replace("postgresql+psycopg://", "postgresql://").rpartition("/")
    return base, name


def copy_of(url: str, n: int) -> str:
    """A copy of the database (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: the file)."""
    if url.startswith("postgresql"):
        import psycopg

        base, name = _pg(url)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}_copy{n}"')
            conn.execute(f'CREATE DATABASE "{name}_copy{n}" TEMPLATE "{name}"')
        return f"{url}_copy{n}"
    path = url.removeprefix("sqlite:///")
    shutil.copyfile(path, f"{path}.copy{n}")
    return f"{url}.copy{n}"


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg

        base, name = _pg(url)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def measured(url: str, day: date, runs: int, *, sent: bool) -> dict[str, Any]:
    """`day` run `runs` times in fresh processes, each on the same state (the
    last run on `url` itself, which the season goes on from); medians."""
    copies = [copy_of(url, n) for n in range(1, runs)]
    got, floors = [], []
    try:
        for u in [*copies, url]:
            floors.append(floor_ms())
            got.append(fresh(u, day, sent=sent))
            floors.append(floor_ms())
    finally:
        for u in copies:
            drop(u)
    med = {k: statistics.median(g[k] for g in got) for k in ("wall", "cpu", "rss_mib", "queued")}
    floor = statistics.median(floors)
    print(f"{day} ({runs} fresh processes) median wall {med['wall']:.2f} s"
          f" ({med['wall'] * 1000 / floor:.0f}x floor), cpu {med['cpu']:.2f} s, peak"
          f" {med['rss_mib']:.0f} MiB, queued {med['queued']:.0f}; walls"
          f" {', '.join(format(g['wall'], '.2f') for g in got)}; floor {floor:.0f} ms", flush=True)
    return {**med, "floor": floor}


def generate(url: str, orgs: int, measures: int) -> None:
    subprocess.run([sys.executable, str(Path(__file__).with_name("generate.py")), "--db", url,
                    "--orgs", str(orgs), "--measures", str(measures),
                    *(["--create"] if url.startswith("postgresql") else [])], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--orgs", type=int, help="first fill the database: N organisations (generate.py)")
    ap.add_argument("--measures", type=int, default=160, help="measures per organisation (with --orgs)")
    ap.add_argument("--from", dest="start", default="2022-10-03")
    ap.add_argument("--to", dest="end", default="2023-09-29")
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3, help="fresh runs of the first and the last day")
    ap.add_argument("--sent", action="store_true", help="each day's mail counts as sent that day")
    ap.add_argument("--measure", nargs="*", default=[], metavar="DAY",
                    help="days between also run like the first and the last (e.g. the busiest)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_day(args.db, date.fromisoformat(args.one), sent=args.sent)))
        return
    if args.orgs:
        generate(args.db, args.orgs, args.measures)
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    first = measured(args.db, start, args.runs, sent=args.sent)
    walls, cpus = [], []
    day = start + timedelta(days=args.every)
    also = {date.fromisoformat(d) for d in args.measure}
    while day < end:
        if day in also:
            m = measured(args.db, day, args.runs, sent=args.sent)
            d = {"wall": m["wall"], "cpu": m["cpu"], "queued": m["queued"]}
        else:
            d = one_day(args.db, day, sent=args.sent)
        walls.append((d["wall"], day))
        cpus.append(d["cpu"])
        if day.day in (1, 15):
            print(f"{day} wall {d['wall']:.2f} s cpu {d['cpu']:.2f} s queued {d['queued']}", flush=True)
        day += timedelta(days=args.every)
    if walls:
        worst, worst_day = max(walls)
        print(f"days between: median wall {statistics.median(w for w, _ in walls):.2f} s, worst"
              f" {worst:.2f} s ({worst_day}); median cpu {statistics.median(cpus):.2f} s, worst"
              f" {max(cpus):.2f} s; peak memory of this process over them {peak_mib():.0f} MiB",
              flush=True)
    last = measured(args.db, end, args.runs, sent=args.sent)
    print(f"last / first (medians): wall {last['wall'] / first['wall']:.2f}x, cpu"
          f" {last['cpu'] / first['cpu']:.2f}x, peak memory {last['rss_mib'] / first['rss_mib']:.2f}x")


if __name__ == "__main__":
    main()
