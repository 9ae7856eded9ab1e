"""The unit page's speed: a unit with 20 measures, on SQLite, through the real
waitress server, as a ratio to the floor (`python -I -c "import sqlite3"` of
this venv) measured in the same run.

    .venv/bin/python bench/web_unit_page.py        # RUNS=50 by default

The plan has 60 measures over three units (the page reads the organisation's
tasks and keeps the unit's 20), each with three sub-items, some progress, a
note, outcome text and evidence, so the page shows what a real one does.
Target: median ≤ 100 ms. Printed: the median and p90 of GET /u/<link>, the
floor, and their ratio.
"""

from __future__ import annotations

import dataclasses
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from seed import make_plan  # noqa: E402

from tracker.clock import BANGKOK  # noqa: E402
from tracker.config import Settings  # noqa: E402
from tracker.db.connection import open_database  # noqa: E402
from tracker.db.migrate import ensure_schema  # noqa: E402
from tracker.services import tasks  # noqa: E402
from tracker.services.importing import import_plan  # noqa: E402
from tracker.services.units import organisation_id  # noqa: E402

NOW = datetime(2023, 5, 1, 9, 0, tzinfo=BANGKOK)
UNITS = ("สำนักปลัดฯ", "กองคลัง", "กองช่าง")
RUNS = int(os.environ.get("RUNS", "50"))


def seed(url: str) -> int:
    plan = make_plan("เทศบาลตำบลทดสอบ", 60)
    plan = dataclasses.replace(plan, measures=tuple(
        dataclasses.replace(m, owners=(UNITS[i % 3],)) for i, m in enumerate(plan.measures)))
    db = open_database(url)
    ensure_schema(db, now=NOW)
    with db.transaction():
        import_plan(db, plan, source="bench", now=NOW, actor="bench")
        for task_id in range(1, 61):
            tasks.check_item(db, task_id, "1", now=NOW, actor=UNITS[0])
            tasks.add_note(db, task_id, "ประสานงานกับหน่วยงานที่เกี่ยวข้องแล้ว", now=NOW, actor=UNITS[0])
            tasks.set_outcome(db, task_id, {"result": "ดำเนินการตามแผน" * 5, "problems": "ไม่มี"},
                              now=NOW, actor=UNITS[0])
            tasks.add_evidence(db, task_id, f"https://example.go.th/ita/{task_id}", now=NOW, actor="bench")
    org = organisation_id(db, None)
    db.close()
    return org


def floor_ms() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", "import sqlite3"], check=True)
    return (time.perf_counter() - t) * 1000


def main() -> None:
    import waitress

    from tracker.web.app import create_app
    from tracker.web.links import unit_token

    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-web-"))
    url = f"sqlite:///{folder / 'tracker.db'}"
    org = seed(url)
    settings = Settings(web={"data_dir": str(folder)})
    app = create_app(settings, db_url=url, clock=lambda: NOW)
    db = open_database(url)
    token = unit_token(db, settings, org, UNITS[0], now=NOW)
    db.close()
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port

    def get() -> tuple[float, int, int]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        conn.request("GET", f"/u/{token}")
        resp = conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - t) * 1000
        conn.close()
        return ms, resp.status, body.count(b'class="card measure')

    for _ in range(5):  # warm: templates compiled, each server thread's connection open
        _ms, status, shown = get()
    if status != 200 or shown != 20:
        raise SystemExit(f"the page did not show the unit's 20 measures: HTTP {status}, {shown} shown")
    times = sorted(get()[0] for _ in range(RUNS))
    floors = sorted(floor_ms() for _ in range(10))
    median, p90, floor = statistics.median(times), times[int(0.9 * len(times)) - 1], statistics.median(floors)
    print(f"unit page, 20 measures, SQLite, waitress: median {median:.1f} ms, p90 {p90:.1f} ms ({RUNS} runs)")
    print(f"floor (python -I -c 'import sqlite3'): {floor:.1f} ms")
    server.close()
    shutil.rmtree(folder, ignore_errors=True)
    verdict = "ok" if median <= 100 else "MISSED"
    print(f"ratio: median = {median / floor:.2f}x the floor; target <= 100 ms: {verdict}")


if __name__ == "__main__":
    main()
