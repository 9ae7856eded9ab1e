"""How long `tracker ics export` takes on a 1,000-measure plan (target: ≤ 1 s).

    .venv/bin/python bench/ics_export.py [--measures 1000] [--runs 20]

Seeds a SQLite database with bench/seed.py (through the import service), records
some work (progress, done, meeting dates) so every kind of component appears,
then times with hyperfine, in one run:
  floor            .venv/bin/python -I -c "import sqlite3"
  export           tracker ics export -o FILE            (the whole command)
  export --no-todos
  export --dir     the folder form, re-exported (files unchanged but for DTSTAMP)
and, in process, the median of export_calendar() alone (no interpreter start).
Prints medians and the ratio to the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
TRACKER = ROOT / ".venv" / "bin" / "tracker"
NOW = "2023-03-15T09:00"


def seed(url: str, measures: int) -> None:
    subprocess.run(
        [str(PY), str(ROOT / "bench" / "seed.py"), "--db", url, "--measures", str(measures)], check=True
    )
    from tracker.clock import BANGKOK
    from tracker.db.connection import open_database
    from tracker.services import meetings, tasks

    now = datetime(2023, 3, 15, 9, 0, tzinfo=BANGKOK)
    db = open_database(url)
    with db.transaction():
        for tid in range(1, measures + 1, 3):
            tasks.set_progress(db, tid, 40, now=now, actor="bench")
        for tid in range(2, measures + 1, 5):
            tasks.mark_done(db, tid, now=now, actor="bench")
        for m in meetings.list_meetings(db)[::2]:
            y, mo = (int(x) for x in m["month"].split("-"))
            meetings.set_meeting(db, m["id"], now=now, actor="bench", on=date(y, mo, 20), at=clock_time(10))
    db.close()


def in_process(url: str, runs: int) -> tuple[float, int]:
    from tracker.calendar import export_calendar
    from tracker.clock import BANGKOK
    from tracker.db.connection import open_database

    now = datetime(2023, 3, 15, 9, 0, tzinfo=BANGKOK)
    db = open_database(url)
    export_calendar(db, now=now)  # warm-up: imports, caches
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = len(export_calendar(db, now=now))
        times.append(time.perf_counter() - t0)
    db.close()
    return statistics.median(times), size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--measures", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    if shutil.which("hyperfine") is None:
        sys.exit("hyperfine is needed (apt-get install hyperfine)")
    # A normal install compiles bytecode; an editable checkout may not have it yet
    # (and this environment may say PYTHONDONTWRITEBYTECODE).
    env_pyc = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [str(PY), "-m", "compileall", "-q", str(ROOT / "tracker")],
        env=env_pyc,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    work = Path(tempfile.mkdtemp(prefix="ics-bench-"))
    try:
        url = f"sqlite:///{work / 'bench.db'}"
        seed(url, args.measures)
        env = {**env_pyc, "TRACKER_DB_URL": url, "TRACKER_NOW": NOW, "TRACKER_USER": "bench", "NO_COLOR": "1"}
        out, folder = work / "out.ics", work / "vdir"
        subprocess.run(
            [str(TRACKER), "ics", "export", "--dir", str(folder)], env=env, check=True, capture_output=True
        )
        report = work / "h.json"
        subprocess.run(
            [
                "hyperfine",
                "-N",
                "--warmup",
                "3",
                "--runs",
                str(args.runs),
                "--export-json",
                str(report),
                "-n",
                "floor",
                f"{PY} -I -c 'import sqlite3'",
                "-n",
                "export",
                f"{TRACKER} ics export -o {out}",
                "-n",
                "export --no-todos",
                f"{TRACKER} ics export --no-todos -o {out}",
                "-n",
                "export --dir",
                f"{TRACKER} ics export --dir {folder}",
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        results = json.loads(report.read_text())["results"]
        floor = statistics.median(results[0]["times"])
        size = out.stat().st_size
        print(f"{args.measures} measures, {size / 1024:.0f} KiB of .ics, {args.runs} runs each")
        print(f"{'command':<22} {'median':>9} {'× floor':>8}")
        for r in results:
            m = statistics.median(r["times"])
            print(f"{r['command']:<22} {m * 1000:7.1f}ms {m / floor:7.2f}×")
        inner, _ = in_process(url, args.runs)
        print(f"{'export_calendar()':<22} {inner * 1000:7.1f}ms  (in process, no interpreter start)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
