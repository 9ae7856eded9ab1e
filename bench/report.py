"""Report speed, as ratios to the floor (`python -I -c "import sqlite3"`) in the same run.

    .venv/bin/python bench/report.py          # RUNS=20 by default

1. `tracker report --format html -o …` on a 30-measure plan (the largest real
   plans), every measure followed up at the same meeting, a third done, some
   with outcome text. Target: ≤ 10× the floor. The same on 1,000 measures,
   for scale (no target: no organisation has such a plan).
2. `tracker report --format pdf -o …` on the bundled sample plan. Target: ≤ 2 s.
Medians are printed; whole processes are timed (start-up included). Then the
HTML report's time in one process, by stage (imports, load_report, render).

Every module is byte-compiled first: with PYTHONDONTWRITEBYTECODE set (as in
some shells) a module edited since its last .pyc is compiled again on every
run, which an installed copy never does.
"""

from __future__ import annotations

import compileall
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from seed import make_plan  # noqa: E402

from tracker.clock import BANGKOK  # noqa: E402
from tracker.db.connection import open_database  # noqa: E402
from tracker.db.migrate import ensure_schema  # noqa: E402
from tracker.plans.model import MeetingRef  # noqa: E402
from tracker.services import tasks  # noqa: E402
from tracker.services.importing import import_plan  # noqa: E402

PY = ROOT / ".venv" / "bin" / "python"
TRACKER = ROOT / ".venv" / "bin" / "tracker"
NOW = datetime(2023, 9, 1, 9, 0, tzinfo=BANGKOK)
SEPTEMBER = MeetingRef(title="การประชุมพนักงาน/ผู้บริหารประจำเดือนกันยายน ๖๖", year=2023, month=9)


def seed(url: str, measures: int) -> None:
    plan = make_plan("เทศบาลตำบลทดสอบ", measures)
    plan = dataclasses.replace(plan, measures=tuple(dataclasses.replace(m, meeting=SEPTEMBER)
                                                    for m in plan.measures))
    db = open_database(url)
    ensure_schema(db, now=NOW)
    with db.transaction():
        import_plan(db, plan, source="bench", now=NOW, actor="bench")
        for i in range(1, measures + 1, 3):  # a third done, some with results written
            tasks.mark_done(db, i, now=NOW, actor="bench")
            if i % 2:
                tasks.set_outcome(db, i, {"result": "ดำเนินการแล้วเสร็จตามแผน", "problems": "ไม่มี"},
                                  now=NOW, actor="bench")
    db.close()


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


# One process, stage by stage, the way `tracker report --format html` goes.
STAGES = """
import gc, json, sys, time
gc.disable()  # as tracker.cli.main does for a command
t = [time.perf_counter()]
import click
t.append(time.perf_counter())
import jinja2
t.append(time.perf_counter())
import tracker.cli.main, tracker.cli.report, tracker.report.html, tracker.report.svg
import tracker.report.render as r
from datetime import datetime
from tracker.clock import BANGKOK
from tracker.db.connection import open_database
t.append(time.perf_counter())
db = open_database(sys.argv[1])
value = r.load_report(db, meeting_id=None, now=datetime(2023, 9, 1, 9, 0, tzinfo=BANGKOK))
t.append(time.perf_counter())
r.render(value, fmt="html", lang="th")
t.append(time.perf_counter())
names = ("import click", "import jinja2", "import tracker", "load_report", "render html")
print(json.dumps({n: b - a for n, a, b in zip(names, t, t[1:])}))
"""


def stages(url: str, env: dict[str, str], runs: int) -> dict[str, float]:
    """Median seconds of each stage over `runs` fresh processes."""
    got: dict[str, list[float]] = {}
    for _ in range(runs):
        p = subprocess.run([str(PY), "-c", STAGES, url], check=True, env=env, capture_output=True, text=True)
        for name, took in json.loads(p.stdout).items():
            got.setdefault(name, []).append(took)
    return {name: statistics.median(values) for name, values in got.items()}


def main() -> None:
    runs = int(os.environ.get("RUNS", "20"))
    compileall.compile_dir(ROOT / "tracker", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = f"sqlite:///{work / 'big.db'}"
        thirty = f"sqlite:///{work / 'thirty.db'}"
        sample = f"sqlite:///{work / 'sample.db'}"
        seed(big, 1000)
        seed(thirty, 30)
        env = {**os.environ, "NO_COLOR": "1", "TRACKER_USER": "bench", "TRACKER_HOME": str(work)}
        t = str(TRACKER)
        subprocess.run([t, "--db", sample, "--now", "2023-01-05", "import",
                        str(ROOT / "tracker" / "data" / "bangchakreng-2566.txt")],
                       check=True, env=env, capture_output=True)
        subprocess.run([t, "--db", sample, "--now", "2023-04-03", "done", "1", "--on", "2023-03-20"],
                       check=True, env=env, capture_output=True)
        commands = {
            "floor": [str(PY), "-I", "-c", "import sqlite3"],
            "report html, 30 measures": [t, "--db", thirty, "--now", "2023-09-01", "report",
                                         "--format", "html", "-o", str(work / "thirty.html")],
            "report html, 1,000 measures": [t, "--db", big, "--now", "2023-09-01", "report",
                                            "--format", "html", "-o", str(work / "big.html")],
            "report pdf, sample": [t, "--db", sample, "--now", "2023-04-03", "report",
                                   "--format", "pdf", "-o", str(work / "sample.pdf")],
        }  # fmt: skip
        # Round robin, not one command after the other: on a shared machine the
        # load drifts, and the ratio must compare runs made under the same load.
        times: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(runs + 2):
            for name, argv in commands.items():
                took = timed(argv, env)
                if round_ >= 2:  # two warm-up rounds (page cache, compiled templates)
                    times[name].append(took)
        size = (work / "big.html").stat().st_size
        by_stage = stages(thirty, env, max(3, runs // 4))
    floor = statistics.median(times["floor"])
    print(f"{'command':<30} {'median':>10} {'× floor':>8}   ({runs} runs each, interleaved)")
    for name, values in times.items():
        m = statistics.median(values)
        print(f"{name:<30} {m * 1000:8.1f}ms {m / floor:7.2f}×")
    print(f"(the 1,000-measure HTML is {size / 1e6:.1f} MB)")
    parts = ", ".join(f"{name} {took * 1000:.0f} ms" for name, took in by_stage.items())
    print(f"30-measure html report in one process, medians: {parts}")


if __name__ == "__main__":
    main()
