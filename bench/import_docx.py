"""`tracker import` of Word plans, as medians and ratios to the floor (`python -I -c "import sqlite3"`).

    .venv/bin/python bench/import_docx.py          # RUNS=15 by default

Builds a 200-measure and a 30-measure .docx with python-docx (sections, every
fifth measure merged over three rows, a repeated header every 20 measures:
tests/plan_docs.py's `big_plan`), then times whole `tracker import` processes
into a fresh SQLite file each run (the copy of an initialised empty database
is not timed), round robin with the floor so that every ratio compares runs
made under the same load. Then `read_plan` alone, in one process. Target:
the 200-measure import under 2 s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import plan_docs  # noqa: E402

from tracker.errors import PlanError  # noqa: E402
from tracker.plans.reader import read_plan  # noqa: E402

VENV = ROOT / ".venv" / "bin"
PY = VENV / "python" if (VENV / "python").exists() else Path(sys.executable)
TRACKER = [str(PY.with_name("tracker"))] if PY.with_name("tracker").exists() else [str(PY), "-m", "tracker"]
NOW = "2025-11-03"  # inside fiscal year 2569, the plan's
TARGET_S = 2.0


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - t0
    if p.returncode:
        raise SystemExit(f"{' '.join(argv[-2:])} failed ({p.returncode}): {p.stderr.strip()}")
    return took


def in_process(path: Path, runs: int) -> float:
    """Median seconds of `read_plan` alone (imports already done)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        read_plan(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", default="docx", choices=plan_docs.FORMATS,
                    help="write the plans in this format instead (to compare the readers)")
    fmt = ap.parse_args().format
    runs = int(os.environ.get("RUNS", "15"))
    compileall.compile_dir(ROOT / "tracker", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "NO_COLOR": "1", "TRACKER_USER": "bench", "TRACKER_HOME": str(work)}
        docs = {n: plan_docs.write(plan_docs.big_plan(n), work / f"plan-{n}.{fmt}") for n in (200, 30)}
        empty = work / "empty.db"
        subprocess.run([*TRACKER, "--db", f"sqlite:///{empty}", "init"], check=True, env=env,
                       capture_output=True)  # fmt: skip
        for n, path in docs.items():  # the documents read, with every measure
            try:
                got = len(read_plan(path).measures)
            except PlanError as e:
                raise SystemExit(str(e)) from None
            if got != n:
                raise SystemExit(f"{path.name}: expected {n} measures, got {got}")
        db = work / "run.db"
        commands = {
            "floor": [str(PY), "-I", "-c", "import sqlite3"],
            **{f"import {fmt}, {n} measures": [*TRACKER, "--db", f"sqlite:///{db}", "--now", NOW, "import",
                                              str(path)] for n, path in docs.items()},
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(runs + 2):
            for name, argv in commands.items():
                shutil.copyfile(empty, db)  # each import into a fresh database, not timed
                for suffix in ("-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                took = timed(argv, env)
                if round_ >= 2:  # two warm-up rounds (page cache, byte-compiled modules)
                    times[name].append(took)
        parse = {n: in_process(path, max(3, runs // 3)) for n, path in docs.items()}
        sizes = {n: path.stat().st_size for n, path in docs.items()}
    floor = statistics.median(times["floor"])
    print(f"{'command':<28} {'median':>10} {'× floor':>8}   ({runs} runs each, interleaved)")
    for name, values in times.items():
        m = statistics.median(values)
        print(f"{name:<28} {m * 1000:8.1f}ms {m / floor:7.2f}×")
    for n in docs:
        print(f"read_plan alone, {n} measures ({sizes[n] // 1024} kB .{fmt}): {parse[n] * 1000:.1f} ms")
    big = statistics.median(times[f"import {fmt}, 200 measures"])
    verdict = "met" if big < TARGET_S else "NOT met"
    print(f"target: the 200-measure import under {TARGET_S:.0f} s: {verdict} ({big:.2f} s)")


if __name__ == "__main__":
    main()
