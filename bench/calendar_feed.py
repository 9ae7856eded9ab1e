"""The calendar feed's speed: the organisation's feed of a plan of N measures
(default 60; MEASURES=300 for a large one) on SQLite, through the real
waitress server: a full GET (200) and a client's conditional GET with the
ETag it was given (304).

    .venv/bin/python bench/calendar_feed.py        # RUNS=30 by default

Printed: the median and p90 of each, and the body's size.
"""

from __future__ import annotations

import http.client
import os
import shutil
import statistics
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
from tracker.services.importing import import_plan  # noqa: E402
from tracker.services.units import organisation_id  # noqa: E402

NOW = datetime(2023, 5, 1, 9, 0, tzinfo=BANGKOK)
RUNS = int(os.environ.get("RUNS", "30"))
MEASURES = int(os.environ.get("MEASURES", "60"))


def main() -> None:
    import waitress

    from tracker.web.app import create_app
    from tracker.web.links import feed_token

    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-feed-"))
    url = f"sqlite:///{folder / 'tracker.db'}"
    db = open_database(url)
    ensure_schema(db, now=NOW)
    with db.transaction():
        import_plan(db, make_plan("เทศบาลตำบลทดสอบ", MEASURES), source="bench", now=NOW, actor="bench")
    settings = Settings(web={"data_dir": str(folder)})
    token = feed_token(db, settings, organisation_id(db, None), None)
    db.close()
    app = create_app(settings, db_url=url, clock=lambda: NOW)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port

    def get(headers: dict[str, str]) -> tuple[float, int, bytes, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        conn.request("GET", f"/cal/{token}.ics", headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - t) * 1000
        conn.close()
        return ms, resp.status, body, resp.getheader("ETag") or ""

    for _ in range(3):
        _ms, status, body, etag = get({})
    if status != 200 or body.count(b"BEGIN:VEVENT") < MEASURES:
        raise SystemExit(f"the feed did not hold the plan: HTTP {status}")
    full = sorted(get({})[0] for _ in range(RUNS))
    cond = [get({"If-None-Match": etag}) for _ in range(RUNS)]
    if {c[1] for c in cond} != {304}:
        raise SystemExit("a conditional GET with the feed's own ETag did not answer 304")
    same = sorted(c[0] for c in cond)
    shutil.rmtree(folder, ignore_errors=True)
    for name, times in (("200 full", full), ("304 not modified", same)):
        p90 = times[int(0.9 * len(times)) - 1]
        median = statistics.median(times)
        print(f"feed, {MEASURES} measures, SQLite, waitress, {name}: median {median:.1f} ms,"
              f" p90 {p90:.1f} ms ({RUNS} runs)")
    print(f"body: {len(body) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
