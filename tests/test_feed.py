"""The calendar feeds through the real waitress server: read by two
independent parsers (vobject, and the strict `ical` package), conditional
GETs (304 while nothing changed, 200 with the new date and a higher SEQUENCE
after `meeting set`), revoked and tampered URLs answer 404."""

from __future__ import annotations

import http.client
import re
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import urlsplit

import vobject
from conftest import at
from ical.calendar_stream import IcsCalendarStream
from web_support import KLANG, PALAD, live, make_site

from tracker.services import feed_links, tasks
from tracker.services.meetings import list_meetings, set_meeting
from tracker.web.links import feed_token, feed_url


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", parts.path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def _token(site, unit: str | None) -> str:  # type: ignore[no-untyped-def]
    db = site.db()
    try:
        return feed_token(db, site.settings, site.org_id, unit)
    finally:
        db.close()


def _meeting_id(site) -> int:  # type: ignore[no-untyped-def]
    db = site.db()
    try:
        return int(list_meetings(db)[0]["id"])
    finally:
        db.close()


def _move(site, meeting_id: int, on: date, hhmm: time, now: datetime) -> None:  # type: ignore[no-untyped-def]
    db = site.db()
    with db.transaction():
        set_meeting(db, meeting_id, now=now, actor="t", on=on, at=hhmm, place="ห้องประชุมเทศบาล")
    db.close()


def _strict(body: bytes):  # type: ignore[no-untyped-def]
    return IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))


def _meeting_vevent(body: bytes):  # type: ignore[no-untyped-def]
    cal = vobject.readOne(body.decode("utf-8"))
    found = [e for e in cal.vevent_list if "-meeting-" in e.uid.value]
    assert len(found) == 1
    return cal, found[0]


def test_feed_is_read_by_two_parsers_and_follows_a_moved_meeting(db_url: str, tmp_path: Path) -> None:
    site = make_site(db_url, tmp_path)
    with live(site.app) as base:
        url = feed_url(base, _token(site, None))
        status, head, body = _get(url)
        assert status == 200, body[:300]
        assert head["content-type"] == "text/calendar; charset=utf-8"
        assert head["etag"].startswith('"') and head["last-modified"].endswith("GMT")
        assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
        assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in body
        # the Thai-safe folding of the export: no physical line over 75 octets
        assert max(len(line) for line in body.split(b"\r\n")) <= 75

        cal, meeting = _meeting_vevent(body)
        assert cal.x_wr_calname.value.startswith("มาตรการ ITA เทศบาลตำบลบางจะเกร็ง")
        assert isinstance(meeting.dtstart.value, date) and not isinstance(meeting.dtstart.value, datetime)
        strict = _strict(body)
        events = strict.events
        assert len(events) == 4  # three windows and the meeting
        assert {t.summary for t in strict.todos} >= {"มาตรการ 3: มาตรการของกองคลัง — กองคลัง"}
        seq_before = int(meeting.sequence.value)

        # nothing changed: 304 by ETag and by date, twice over, even a day later
        site.clock.now = at("2023-02-02T09:00")
        for cond in ({"If-None-Match": head["etag"]}, {"If-Modified-Since": head["last-modified"]}):
            again, _h, empty = _get(url, cond)
            assert (again, empty) == (304, b"")
        same, _h, body_again = _get(url)
        assert same == 200 and body_again == body  # byte-identical: a strong ETag is honest

        mid = _meeting_id(site)
        _move(site, mid, date(2023, 4, 27), time(13, 30), at("2023-02-02T10:00"))
        moved, head2, body2 = _get(url, {"If-None-Match": head["etag"]})
        assert moved == 200 and head2["etag"] != head["etag"]
        _cal, meeting2 = _meeting_vevent(body2)
        assert meeting2.uid.value == meeting.uid.value
        assert int(meeting2.sequence.value) > seq_before
        assert meeting2.dtstart.value.replace(tzinfo=None) == datetime(2023, 4, 27, 13, 30)
        assert meeting2.location.value == "ห้องประชุมเทศบาล"
        strict_meeting = next(e for e in _strict(body2).events if "-meeting-" in e.uid)
        assert strict_meeting.sequence == int(meeting2.sequence.value)
        assert strict_meeting.dtstart.replace(tzinfo=None) == datetime(2023, 4, 27, 13, 30)
        assert _get(url, {"If-Modified-Since": head["last-modified"]})[0] == 200
        assert _get(url, {"If-None-Match": head2["etag"]})[0] == 304

        # progress recorded "earlier" than the newest change (--now): still a new ETag
        db = site.db()
        with db.transaction():
            tasks.set_progress(db, site.ids[PALAD][0], 40, now=at("2023-02-01T08:00"), actor="t")
        db.close()
        status3, head3, body3 = _get(url, {"If-None-Match": head2["etag"]})
        assert status3 == 200 and head3["etag"] not in (head["etag"], head2["etag"])
        assert b"PERCENT-COMPLETE:40" in body3 and b"PERCENT-COMPLETE:40" not in body2


def test_unit_feed_and_revoking(db_url: str, tmp_path: Path) -> None:
    site = make_site(db_url, tmp_path)
    with live(site.app) as base:
        klang = feed_url(base, _token(site, KLANG))
        status, _h, body = _get(klang)
        assert status == 200
        cal = vobject.readOne(body.decode("utf-8"))
        windows = [e for e in cal.vevent_list if e.uid.value.endswith("-window@ita-tracker.invalid")]
        assert [w.summary.value for w in windows] == ["มาตรการ 3: มาตรการของกองคลัง — กองคลัง"]
        assert cal.x_wr_calname.value.endswith(f"— {KLANG}")
        assert len(_strict(body).events) == 2  # its window and its meeting

        whole = feed_url(base, _token(site, None))
        palad = feed_url(base, _token(site, PALAD))
        db = site.db()
        with db.transaction():
            feed_links.renew(db, site.org_id, KLANG, now=site.clock.now, actor="t")
        db.close()
        gone, _head, text = _get(klang)
        assert gone == 404 and b"BEGIN:VCALENDAR" not in text
        assert _get(whole)[0] == 200 and _get(palad)[0] == 200  # other feeds keep working
        fresh = feed_url(base, _token(site, KLANG))
        assert fresh != klang and _get(fresh)[0] == 200

        # a page link is no feed link, and a tampered token is no link at all
        page_token = site.token(PALAD)
        assert _get(feed_url(base, page_token))[0] == 404
        token = _token(site, None)
        assert _get(feed_url(base, token[:-2] + ("AA" if not token.endswith("AA") else "BB")))[0] == 404


def test_link_calendar_command(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import SAMPLE

    cfg = tmp_path / "tracker.toml"
    cfg.write_text(f'[web]\nbase_url = "https://ita.example.go.th"\ndata_dir = "{tmp_path / "data"}"\n',
                   encoding="utf-8")
    env = {"TRACKER_CONFIG": str(cfg)}
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    whole = run("link", "--calendar", env=env)
    assert whole.code == 0, whole.err
    assert re.fullmatch(r"https://ita\.example\.go\.th/cal/[\w.-]+\.ics\n", whole.out)
    assert "webcal://ita.example.go.th/cal/" in whole.err
    unit = run("link", PALAD, "--calendar", env=env)
    assert unit.code == 0 and unit.out != whole.out
    revoked = run("link", "--calendar", "--revoke", env=env)
    assert revoked.code == 0 and revoked.out != whole.out and "ใช้ไม่ได้แล้ว" in revoked.err
    assert run("link", "--calendar", env=env).out == revoked.out
    assert run("link", PALAD, "--calendar", env=env).out == unit.out  # its own version: untouched
    bad = run("link", "กองที่ไม่มี", "--calendar", env=env)
    assert bad.code == 1 and "ไม่พบหน่วยงาน" in bad.err and len(bad.err.strip().splitlines()) == 1
    neither = run("link", env=env)
    assert neither.code == 1 and "--calendar" in neither.err


def test_clerk_page_shows_the_organisations_feed(db_url: str, tmp_path: Path) -> None:
    from web_support import csrf

    from tracker.services import users
    from tracker.services.meetings import cancel_meeting

    site = make_site(db_url, tmp_path, base_url="https://ita.example.go.th")
    db = site.db()
    with db.transaction():
        users.add_user(db, "somjai", "correct horse 1", now=site.clock.now, actor="t")
        cancel_meeting(db, _meeting_id(site), now=site.clock.now, actor="t")
    db.close()
    c = site.app.test_client()
    c.post("/signin", data={"csrf_token": csrf(c.get("/signin").data), "name": "somjai",
                            "password": "correct horse 1"})
    page = c.get("/clerk").data.decode()
    found = re.search(r'value="https://ita\.example\.go\.th(/cal/[\w.-]+\.ics)"', page)
    assert found, page
    assert "webcal://ita.example.go.th/cal/" in page and "ยกเลิกแล้ว" in page
    feed = c.get(found.group(1))
    assert feed.status_code == 200 and feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    _cal, meeting = _meeting_vevent(feed.data)
    assert meeting.status.value == "CANCELLED" and meeting.summary.value.startswith("[ยกเลิกการประชุม]")


def test_unit_page_offers_the_units_own_feed(db_url: str, tmp_path: Path) -> None:
    site = make_site(db_url, tmp_path, base_url="https://ita.example.go.th")
    c = site.app.test_client()
    page = c.get(f"/u/{site.token(KLANG)}").data.decode()
    found = re.search(r'value="https://ita\.example\.go\.th(/cal/[\w.-]+\.ics)"', page)
    assert found and "webcal://ita.example.go.th/cal/" in page
    feed = c.get(found.group(1))
    assert feed.status_code == 200
    cal = vobject.readOne(feed.data.decode("utf-8"))
    assert cal.x_wr_calname.value.endswith(f"— {KLANG}")
