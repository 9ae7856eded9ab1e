"""`tracker demo`: the season on the embedded defaults, as a new user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.mail_support import read_mail


def test_demo_runs_the_whole_season(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"NO_COLOR": "1", "TRACKER_HOME": str(tmp_path / "home")})
    r = subprocess.run(
        [sys.executable, "-m", "tracker", "demo", "--dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    out = tmp_path / "d"
    assert "เสร็จแล้ว" in r.stdout and "เกินกำหนด" in r.stdout  # measure 1 done, measure 2 overdue
    assert (out / "tracker.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert (out / "report-2566-04.pdf").read_bytes().startswith(b"%PDF")
    assert "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ" in (out / "report-2566-04.html").read_text(encoding="utf-8")
    mails = sorted((out / "outbox").glob("*.eml"))
    keys = []
    for m in mails:
        mail = read_mail(m.read_bytes())
        assert mail.subject.startswith("[ITA] ")
        assert mail.headers["auto-submitted"] == "auto-generated"
        keys += mail.headers["x-tracker-reminder"].split()
    kinds = {k.split(":")[0] for k in keys}
    assert {"window_opens", "closing_soon", "overdue", "meeting_outcome_request", "meeting_tomorrow"} <= kinds
    # nothing for the finished measure after it was done (20 March)
    assert not [k for k in keys if k.split(":")[1] == "t1" and k.split(":")[2] > "2023-03-20"]
    # the user's own database is untouched by the demo
    assert not (tmp_path / "home" / "tracker.db").exists()
