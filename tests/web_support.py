"""The web application for tests: a small plan of two units, a clock the test
moves, the Flask test client or a real waitress server on loopback."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from conftest import at
from factories import measure, small_plan

from tracker.config import Settings
from tracker.db.connection import Database, open_database
from tracker.db.migrate import ensure_schema
from tracker.services.importing import import_plan
from tracker.services.units import organisation_id

NOW = "2023-02-01T09:00"
PALAD = "สำนักปลัดฯ"
KLANG = "กองคลัง"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# the smallest file `filetype` takes for a PDF
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 64


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Site:
    app: Any
    db_url: str
    settings: Settings
    clock: Clock
    folder: Path
    org_id: int
    ids: dict[str, list[int]] = field(default_factory=dict)

    def db(self) -> Database:
        return open_database(self.db_url)

    def token(self, unit: str) -> str:
        from tracker.web.links import unit_token

        db = self.db()
        try:
            return unit_token(db, self.settings, self.org_id, unit, now=self.clock.now)
        finally:
            db.close()


def make_site(db_url: str, folder: Path, *, base_url: str = "") -> Site:
    from tracker.web.app import create_app

    now = at(NOW)
    db = open_database(db_url)
    ensure_schema(db, now=now)
    with db.transaction():
        import_plan(db, small_plan(
            measure("1", "มาตรการเปิดเผยข้อมูล", items=3),
            measure("2", "มาตรการป้องกันการทุจริต"),
            measure("3", "มาตรการของกองคลัง", owners=(KLANG,)),
        ), source="t", now=now, actor="t")
    org = organisation_id(db, None)
    rows = db.query("SELECT id, owners FROM tasks ORDER BY position")
    db.close()
    ids = {PALAD: [r["id"] for r in rows if PALAD in r["owners"]],
           KLANG: [r["id"] for r in rows if KLANG in r["owners"]]}
    settings = Settings(web={"base_url": base_url, "data_dir": str(folder / "data")})
    clock = Clock(now)
    app = create_app(settings, db_url=db_url, clock=clock, testing=True)
    return Site(app, db_url, settings, clock, folder, org, ids)


def csrf(html: str | bytes) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    m = CSRF.search(text)
    assert m, "no CSRF token on the page"
    return m.group(1)


@contextmanager
def live(app: Any) -> Iterator[str]:
    """A real waitress server for `app` on a free loopback port; its base URL."""
    import waitress

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):  # the loop's select on the socket closed under it
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)


class Browserless:
    """A tiny HTTP client with its own cookie: one person, no redirects followed."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookie = ""

    def request(self, method: str, path: str, form: dict[str, Any] | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie" and value.startswith("tracker_session="):
                self.cookie = value.split(";", 1)[0]
        text = resp.read().decode()
        conn.close()
        return resp.status, text
