"""Scale figures for issue 7 against a database made by bench/load/generate.py.

    .venv/bin/python bench/load/scale.py --db URL enqueue [--now 2023-01-16T09:00]
    .venv/bin/python bench/load/scale.py --db URL sweep [--runs 15] [--batch 100]
    .venv/bin/python bench/load/scale.py --db URL explain

enqueue: the daily job (decide what is due for every task of every plan and
  queue it), timed; run it twice to see the first day of a season (everything
  new) and an ordinary day (almost everything already queued).
sweep:   one claim of `--batch` due rows (what a sweep does before sending),
  timed over `--runs` runs (each run's claim is released again), median and
  worst; the outbox must hold due rows (run `enqueue` first).
explain: PostgreSQL's plan of the claim statement.
Prints the floor (`python -I -c "import sqlite3"`) of the same run for scale.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tracker.clock import BANGKOK  # noqa: E402
from tracker.db.connection import open_database  # noqa: E402
from tracker.reminders import outbox, run  # noqa: E402
from tracker.reminders.policy import Policy  # noqa: E402


def floor_ms() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", "import sqlite3"], check=True)
    return (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("what", choices=["enqueue", "sweep", "explain"])
    ap.add_argument("--now", default="2023-01-16T09:00")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--batch", type=int, default=100)
    args = ap.parse_args()
    now = datetime.fromisoformat(args.now).replace(tzinfo=BANGKOK)
    db = open_database(args.db)
    tasks = db.scalar("SELECT COUNT(*) FROM tasks")
    print(f"floor {floor_ms():.0f} ms; {tasks} tasks; outbox {db.scalar('SELECT COUNT(*) FROM outbox')} rows")
    if args.what == "enqueue":
        t = time.perf_counter()
        rep = run.enqueue_due(db, Policy(), now, keep_due=False)
        s = time.perf_counter() - t
        print(f"enqueue: {rep.plans} plans, {rep.queued} newly queued in {s:.1f} s"
              f" ({s / max(1, tasks) * 1e6:.0f} us a task); peak RSS"
              f" {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    elif args.what == "sweep":
        due = db.scalar("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'held')"
                        " AND next_attempt_at <= :n", {"n": now.isoformat()})
        times = []
        for i in range(args.runs):
            t = time.perf_counter()
            with db.transaction():
                rows = outbox.claim(db, worker=f"bench{i}", now=now, lease=timedelta(minutes=5),
                                    limit=args.batch)
            times.append(time.perf_counter() - t)
            with db.transaction():
                outbox.release(db, [r["id"] for r in rows], worker=f"bench{i}", now=now)
        med = statistics.median(times) * 1000
        print(f"sweep claim of {len(rows)} of {due} due rows: median {med:.1f} ms,"
              f" worst {max(times) * 1000:.1f} ms over {args.runs} runs")
    else:
        if db.dialect != "postgresql":
            raise SystemExit("explain: PostgreSQL only")
        stamp = now.isoformat()
        for r in db.query(
            "EXPLAIN ANALYZE SELECT id FROM outbox WHERE status IN ('pending', 'held')"
            " AND (claimed_until IS NULL OR claimed_until <= :now) AND next_attempt_at <= :now"
            " ORDER BY next_attempt_at, id LIMIT 100 FOR UPDATE SKIP LOCKED", {"now": stamp}):
            print(next(iter(r.values())))
    db.close()


if __name__ == "__main__":
    main()
