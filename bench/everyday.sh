#!/usr/bin/env bash
# Everyday commands on a 1,000-task SQLite database, as ratios to the floor
# (the venv's `python -I -c "import sqlite3"`) measured in the same run.
#   bash bench/everyday.sh            # needs hyperfine (apt-get install hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
TRACKER=.venv/bin/tracker
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A normal install compiles bytecode; an editable checkout may not have it yet.
env -u PYTHONDONTWRITEBYTECODE $PY -m compileall -q tracker jobs >/dev/null
export PYTHONDONTWRITEBYTECODE=  # let the interpreter use (and keep) the .pyc files
unset PYTHONDONTWRITEBYTECODE

db="sqlite:///$work/bench.db"
$PY bench/seed.py --db "$db" --measures 1000
export TRACKER_DB_URL="$db" NO_COLOR=1 TRACKER_USER=bench

# Before every run `reopen 500` (not timed), so each `done 500` does real work.
hyperfine -N --warmup 5 --runs "${RUNS:-40}" --export-json "$work/h.json" \
  --prepare "sh -c '$TRACKER reopen 500 >/dev/null 2>&1; true'" \
  -n floor "$PY -I -c 'import sqlite3'" \
  -n "tracker --help" "$TRACKER --help" \
  -n "completion" "env _TRACKER_COMPLETE=bash_complete COMP_WORDS='tracker d' COMP_CWORD=1 $TRACKER" \
  -n "tracker list" "$TRACKER list" \
  -n "tracker show 500" "$TRACKER show 500" \
  -n "tracker done 500" "$TRACKER done 500" >/dev/null

$PY - "$work/h.json" <<'PYEOF'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
floor = statistics.median(results[0]["times"])
cpu_floor = results[0]["user"] + results[0]["system"]
# Wall-clock median, and CPU time (user + system, mean): on a shared machine
# the second is the steadier of the two.
print(f"{'command':<20} {'median':>9} {'× floor':>8} {'cpu × floor':>12}")
for r in results:
    m = statistics.median(r["times"])
    cpu = (r["user"] + r["system"]) / cpu_floor
    print(f"{r['command']:<20} {m*1000:7.1f}ms {m/floor:7.2f}× {cpu:11.2f}×")
PYEOF

# Peak memory of `done` (maximum resident set size).
$TRACKER reopen 500 >/dev/null 2>&1 || true
/usr/bin/time -v $TRACKER done 500 2>&1 >/dev/null | awk -F: '/Maximum resident/ {printf "peak RSS of done: %.1f MiB\n", $2/1024}'
