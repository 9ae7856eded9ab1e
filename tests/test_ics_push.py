"""`tracker ics push` against a real Radicale server on loopback: create,
update (meeting moved), delete (measure cancelled), a second push with no
change sends nothing (the server's files are untouched), and If-Match keeps
a change made on the server from being lost silently (it is reported)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SAMPLE

USER, PASSWORD = "somjai", "radicale-pw-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(calendar URL, the folder Radicale keeps that calendar's files in)."""
    import caldav

    users = tmp_path / "users"
    users.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    store = tmp_path / "radicale"
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", "", f"--server-hosts=127.0.0.1:{port}",
         f"--storage-filesystem-folder={store}", "--auth-type=htpasswd",
         f"--auth-htpasswd-filename={users}", "--auth-htpasswd-encryption=plain"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    why = proc.stderr.read().decode() if proc.stderr else "radicale died"
                    raise RuntimeError(why) from None
                time.sleep(0.1)
        url = f"{base}/{USER}/ita/"
        client = caldav.DAVClient(url=base, username=USER, password=PASSWORD, enable_rfc6764=False)
        made = client.request(url, "MKCALENDAR")
        assert made.status == 201, made.status
        yield url, store / "collection-root" / USER / "ita"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.ics")}


def _server_items(url: str, folder: Path) -> dict[str, str]:
    """UID → the item's text, as the server gives it back (GET of each resource it keeps)."""
    import caldav
    import icalendar

    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, enable_rfc6764=False)
    out = {}
    for name in sorted(_files(folder)):
        got = client.request(url + name, "GET")
        assert got.status == 200, (name, got.status)
        cal = icalendar.Calendar.from_ical(got.raw)
        for comp in cal.walk():
            if comp.name in ("VEVENT", "VTODO"):
                out[str(comp["uid"])] = got.raw
    return out


def _import(db_url: str, *measures) -> None:  # type: ignore[no-untyped-def]
    from conftest import at
    from factories import small_plan

    from tracker.db.connection import open_database
    from tracker.db.migrate import ensure_schema
    from tracker.services.importing import import_plan

    db = open_database(db_url)
    ensure_schema(db, now=at("2023-01-02T09:00"))
    with db.transaction():
        import_plan(db, small_plan(*measures), source="plan.txt", now=at("2023-01-02T09:00"), actor="t")
    db.close()


def test_push_creates_updates_deletes_and_sends_nothing_twice(run, db_url: str, radicale) -> None:  # type: ignore[no-untyped-def]
    from factories import measure

    url, folder = radicale
    env = {"TRACKER_CALDAV_PASSWORD": PASSWORD}
    one, two = measure("1", "มาตรการเปิดเผยข้อมูล"), measure("2", "มาตรการป้องกันการทุจริต", items=3)
    _import(db_url, one, two)

    first = run("ics", "push", url, "--user", USER, "--json", now="2023-01-03T09:00", env=env)
    assert first.code == 0, first.err
    assert json.loads(first.out) | {"url": None} == {
        "url": None, "dry_run": False, "created": 5, "updated": 0, "deleted": 0, "overwritten": 0,
        "unchanged": 0}
    items = _server_items(url, folder)
    assert len(items) == 5 and len(_files(folder)) == 5
    meeting_uid = next(u for u in items if "-meeting-" in u)
    assert "ยังไม่กำหนดวัน" in items[meeting_uid]

    # nothing changed: nothing is sent, the server's files are as they were
    before = _files(folder)
    time.sleep(0.05)
    again = run("ics", "push", url, "--user", USER, "--json", now="2023-01-04T09:00", env=env)
    assert again.code == 0, again.err
    assert json.loads(again.out)["unchanged"] == 5
    assert sum(json.loads(again.out)[k] for k in ("created", "updated", "deleted", "overwritten")) == 0
    assert _files(folder) == before

    # the meeting moved: only it is sent, with the new day and a higher SEQUENCE
    assert run("meeting", "set", "1", "--date", "2023-04-27", "--time", "13:30",
               now="2023-01-05T09:00").code == 0
    moved = run("ics", "push", url, "--user", USER, "--json", now="2023-01-05T09:10", env=env)
    assert json.loads(moved.out)["updated"] == 1 and json.loads(moved.out)["unchanged"] == 4
    text = _server_items(url, folder)[meeting_uid]
    assert "DTSTART;TZID=Asia/Bangkok:20230427T133000" in text and "SEQUENCE:1" in text
    changed = {n for n, v in _files(folder).items() if before.get(n) != v}
    assert len(changed) == 1

    # a measure cancelled: its window and its to-do are deleted from the server
    # (a measure is cancelled when a new version of the plan drops it)
    _import(db_url, one)
    gone = run("ics", "push", url, "--user", USER, now="2023-01-06T09:10", env=env)
    assert gone.code == 0, gone.err
    assert "ลบ 2" in gone.out
    left = _server_items(url, folder)
    assert len(left) == 3 and not [u for u in left if "-m2-" in u]

    # someone edits the meeting on the server; tracker's next change is put
    # with If-Match, refused (412), then put again and reported as overwritten
    import caldav

    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, enable_rfc6764=False)
    href = url + meeting_uid.split("@")[0] + ".ics"
    edited = left[meeting_uid].replace("SEQUENCE:1", "SEQUENCE:1\r\nCOMMENT:edited on the phone")
    assert client.request(str(href), "PUT", edited, {"Content-Type": "text/calendar"}).status in (201, 204)
    assert run("meeting", "set", "1", "--place", "ห้องประชุมใหญ่", now="2023-01-07T09:00").code == 0
    over = run("ics", "push", url, "--user", USER, "--json", now="2023-01-07T09:10", env=env)
    assert over.code == 0, over.err
    assert json.loads(over.out)["overwritten"] == 1
    assert "ห้องประชุมใหญ่" in _server_items(url, folder)[meeting_uid]
    assert "edited on the phone" not in _server_items(url, folder)[meeting_uid]


def test_push_refusals_are_one_line(run, radicale) -> None:  # type: ignore[no-untyped-def]
    url, _folder = radicale
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    wrong = run("ics", "push", url, "--user", USER, env={"TRACKER_CALDAV_PASSWORD": "nope"})
    assert wrong.code == 1 and "CalDAV" in wrong.err and "nope" not in wrong.err
    assert len(wrong.err.strip().splitlines()) == 1
    missing = run("ics", "push", url.replace("/ita/", "/none/"), "--user", USER,
                  env={"TRACKER_CALDAV_PASSWORD": PASSWORD})
    assert missing.code == 1 and "ไม่พบปฏิทิน" in missing.err, missing.err
    bad = run("ics", "push", "ftp://example/cal")
    assert bad.code == 1 and "http://" in bad.err
    dry = run("ics", "push", url, "--user", USER, "--dry-run", env={"TRACKER_CALDAV_PASSWORD": PASSWORD})
    assert dry.code == 0 and "สร้าง 5" in dry.out
    assert run("ics", "push", url, "--user", USER, "--json",
               env={"TRACKER_CALDAV_PASSWORD": PASSWORD}).out.count('"created": 5') == 1
