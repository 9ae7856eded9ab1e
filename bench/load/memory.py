"""Resident memory of `tracker scheduler` doing its daily run and sweeps.

    .venv/bin/python bench/load/memory.py --db URL [--seconds 60] [--now 2023-01-16T09:00]

Starts a local SMTP sink (aiosmtpd, its own process) and the real daemon
(`python -m tracker scheduler`, the sweep every second) at a working day's
08:30 plus a little, so it runs the daily enqueue at once and then sends
what is queued, batch after batch. After `--seconds` it prints the daemon's
VmHWM (peak resident set) and VmRSS from /proc, and how many messages the
sink received, then stops the daemon with SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from mail_throughput import SERVER  # noqa: E402

COUNTING = SERVER.replace("print(c.port, flush=True)\nsys.stdin.read()",
                          "print(c.port, flush=True)\nsys.stdin.read()\nprint(Sink.count, flush=True)")


def status(pid: int) -> dict[str, str]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--now", default="2023-01-16T09:00")
    args = ap.parse_args()
    sink = subprocess.Popen([sys.executable, "-c", COUNTING], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert sink.stdout is not None
    assert sink.stdin is not None
    port = int(sink.stdout.readline())
    env = {**os.environ, "TRACKER_DB_URL": args.db, "TRACKER_NOW": args.now,
           "TRACKER_MAIL_TRANSPORT": "smtp", "TRACKER_SMTP_HOST": "127.0.0.1",
           "TRACKER_SMTP_PORT": str(port), "TRACKER_SMTP_SECURITY": "none",
           "TRACKER_MAIL_FROM": "tracker@example.go.th"}
    log = Path(f"/tmp/tracker-memory-{os.getpid()}.log")
    with log.open("wb") as err:
        daemon = subprocess.Popen([sys.executable, "-m", "tracker", "scheduler", "--sweep-seconds", "1"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=err)
    peak = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < args.seconds and daemon.poll() is None:
        time.sleep(0.5)
        peak = max(peak, int(status(daemon.pid).get("VmHWM", "0 kB").split()[0]))
    st = status(daemon.pid)
    daemon.send_signal(signal.SIGTERM)
    code = daemon.wait(60)
    sink.stdin.close()
    received = sink.stdout.read().strip()
    sink.wait(10)
    daily = [ln for ln in log.read_text(errors="replace").splitlines() if "daily run" in ln]
    hwm, rss = (int(st[k].split()[0]) / 1024 for k in ("VmHWM", "VmRSS"))
    print(f"VmHWM {hwm:.0f} MiB, VmRSS {rss:.0f} MiB"
          f" after {args.seconds:.0f} s; {received} messages received; exit {code}")
    print(daily[-1] if daily else "(the daily run had not finished)")


if __name__ == "__main__":
    main()
