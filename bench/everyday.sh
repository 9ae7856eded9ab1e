#!/usr/bin/env bash
# Everyday commands on a 1,000-task SQLite database, as ratios to the floor
# (the venv's `python -I -c "import sqlite3"`) measured in the same run.
#   bash bench/everyday.sh            # RUNS=40 by default
# The commands run in turn, round after round, not one after the other: on a
# shared machine the load drifts, and a ratio must compare runs made under the
# same load (hyperfine, one command at a time, moved `list` by ±0.7×).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
TRACKER=.venv/bin/tracker
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A normal install compiles bytecode; an editable checkout may not have it yet.
env -u PYTHONDONTWRITEBYTECODE $PY -m compileall -q tracker jobs >/dev/null
unset PYTHONDONTWRITEBYTECODE  # let the interpreter use (and keep) the .pyc files

db="sqlite:///$work/bench.db"
$PY bench/seed.py --db "$db" --measures 1000
export TRACKER_DB_URL="$db" NO_COLOR=1 TRACKER_USER=bench TRACKER_HOME="$work"

$PY - "$PY" "$TRACKER" "${RUNS:-40}" <<'PYEOF'
import os, statistics, subprocess, sys, time

py, tracker, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
commands = {
    "floor": [py, "-I", "-c", "import sqlite3"],
    "tracker --help": [tracker, "--help"],
    "completion": [tracker],  # with _TRACKER_COMPLETE in its environment, below
    "tracker list": [tracker, "list"],
    "tracker show 500": [tracker, "show", "500"],
    "tracker done 500": [tracker, "done", "500"],
}
completion = {**os.environ, "_TRACKER_COMPLETE": "bash_complete", "COMP_WORDS": "tracker d", "COMP_CWORD": "1"}


def run(argv, env=None):
    """Wall time and CPU time (user + system) of one process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed")
    return wall, usage.ru_utime + usage.ru_stime


wall = {name: [] for name in commands}
cpu = {name: [] for name in commands}
for round_ in range(runs + 3):  # three warm-up rounds
    for name, argv in commands.items():
        if name == "tracker done 500":  # each `done` does real work: reopen first, untimed
            subprocess.run([tracker, "reopen", "500"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        w, c = run(argv, completion if name == "completion" else None)
        if round_ >= 3:
            wall[name].append(w)
            cpu[name].append(c)

floor, cpu_floor = statistics.median(wall["floor"]), statistics.median(cpu["floor"])
print(f"{'command':<20} {'median':>9} {'× floor':>8} {'cpu × floor':>12}   ({runs} rounds)")
for name in commands:
    m, c = statistics.median(wall[name]), statistics.median(cpu[name])
    print(f"{name:<20} {m * 1000:7.1f}ms {m / floor:7.2f}× {c / cpu_floor:11.2f}×")
PYEOF

# Peak memory of `done` (maximum resident set size).
$TRACKER reopen 500 >/dev/null 2>&1 || true
/usr/bin/time -v $TRACKER done 500 2>&1 >/dev/null | awk -F: '/Maximum resident/ {printf "peak RSS of done: %.1f MiB\n", $2/1024}'
