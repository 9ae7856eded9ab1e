"""The whole web round in a real browser (Debian's chromium through
Playwright) against the real waitress server: a unit head opens the link from
the reminder mail the test's SMTP server received, records progress, fills the
outcome, uploads a PDF and marks the measure done; the CLI then shows it all
with the unit as author, and the report has it. The clerk signs in, sees who
has not reported, renews a link and downloads the PDF report."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, at, need
from mail_support import SENDER, USER, read_mail, smtp_server
from web_support import PDF, Clock

UNIT = "สำนักปลัดฯ"
CHROMIUM = "/usr/bin/chromium"
RESULT = "เผยแพร่ข้อมูลครบ ๓๓ รายการบนเว็บไซต์"


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    need(importlib.util.find_spec("playwright") is not None, "playwright not installed")
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    need(exe is not None, "chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


class Late:
    """A WSGI app set after the server is up: the app's base_url needs the port."""

    app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


def test_unit_head_and_clerk_in_a_browser(run, db_url: str, tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    import waitress

    from tracker.config import load_settings
    from tracker.web.app import create_app

    assert run("init").code == 0
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    assert run("unit", "set", UNIT, "--email", "palad@example.go.th").code == 0
    late = Late()
    server = waitress.create_server(late, host="127.0.0.1", port=0, threads=4)
    base = f"http://127.0.0.1:{server.effective_port}"
    config = tmp_path / "tracker.toml"
    config.write_text(f'[web]\nbase_url = "{base}"\ndata_dir = "{tmp_path / "data"}"\n'
                      '[report]\nreporter = "นางสาวสมใจ ใจดี"\n', encoding="utf-8")
    late.app = create_app(load_settings(config), db_url=db_url, clock=Clock(at("2023-01-05T10:00")))
    stopping = threading.Event()

    def serve() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with smtp_server(tmp_path) as (rec, port, ca):
            env = {"TRACKER_CONFIG": str(config), "TRACKER_MAIL_TRANSPORT": "smtp",
                   "TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port),
                   "TRACKER_SMTP_SECURITY": "starttls", "TRACKER_SMTP_USER": USER,
                   "TRACKER_SMTP_PASSWORD": "s3cret-Zq9x!pw", "TRACKER_MAIL_FROM": SENDER,
                   "SSL_CERT_FILE": str(ca)}
            r = run("remind", now="2023-01-04T09:00", env=env)
            assert r.code == 0, r.err
            assert rec.arrivals, "no reminder arrived"
            raw = rec.arrivals[0].raw
        mail = read_mail(raw)
        text = mail.text
        assert "tracker progress" not in text and "tracker done" not in text
        link = re.search(re.escape(base) + r"/u/\S+", text)
        assert link, text
        unit_link = link.group(0)
        html_part = mail.html
        assert unit_link in html_part

        # ------------------------------------------------ the unit head, on a phone
        page = browser.new_page(viewport={"width": 390, "height": 844})
        assert page.goto(unit_link).status == 200
        sec = "section#t1"
        page.fill(f"{sec} form[action$='/progress'] input[name=percent]", "๕๐")
        with page.expect_navigation():
            page.click(f"{sec} form[action$='/progress'] button")
        assert "บันทึกความคืบหน้า ๕๐% แล้ว" in page.inner_text(".flash")
        page.fill(f"{sec} textarea[name=result]", RESULT)
        page.fill(f"{sec} textarea[name=problems]", "ไม่มี")
        page.fill(f"{sec} textarea[name=obstacles]", "ไม่มี")
        page.fill(f"{sec} textarea[name=suggestions]", "ควรมอบหมายผู้ดูแลเว็บไซต์")
        with page.expect_navigation():
            page.click(f"{sec} form[action$='/outcome'] button")
        page.set_input_files(f"{sec} input[name=file]",
                             files=[{"name": "รายงานผล.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        with page.expect_navigation():
            page.click(f"{sec} form[action$='/evidence'] button")
        assert "รายงานผล.pdf" in page.inner_text(sec)
        with page.expect_navigation():
            page.click(f"{sec} form[action$='/done'] button")
        assert "ดำเนินการเสร็จแล้ว" in page.inner_text(sec)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / "unit-390.png"), full_page=True)

        shown = run("show", "1", "--json")
        assert shown.code == 0, shown.err
        task = json.loads(shown.out)
        assert task["status"] == "done" and task["progress"] == 100
        assert task["outcome"]["result"] == RESULT
        assert task["evidence"][0]["ref"].startswith("upload:")
        assert task["evidence"][0]["title"] == "รายงานผล.pdf"
        kinds = ("progress", "outcome", "evidence", "done")
        web_changes = [h for h in task["history"] if h["action"] in kinds]
        assert len(web_changes) == 4 and all(h["actor"] == UNIT for h in web_changes)
        report = run("report", "--format", "md", now="2023-04-03")
        assert RESULT in report.out

        # ------------------------------------------------ the clerk
        assert run("user", "add", "somjai", "--password-stdin", input="correct horse 1\n").code == 0
        clerk = browser.new_page()
        clerk.goto(base + "/clerk")
        assert "/signin" in clerk.url
        clerk.fill("input[name=name]", "somjai")
        clerk.fill("input[name=password]", "correct horse 1")
        with clerk.expect_navigation():
            clerk.click("form button")
        missing = clerk.inner_text("#not-reported")
        assert UNIT in missing and "๒" in missing  # measure 2 has nothing yet
        row = f"#units input[data-unit='{UNIT}']"
        before = clerk.input_value(row)
        with clerk.expect_navigation():
            clerk.click(f"#units .unitlink:has(input[data-unit='{UNIT}']) button")
        after = clerk.input_value(row)
        assert after != before and after.startswith(base + "/u/")
        assert page.goto(unit_link).status == 403
        assert page.goto(after).status == 200
        with clerk.expect_download() as download:
            clerk.click("text=รายงาน PDF")
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
    finally:
        stopping.set()
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)
