"""The follow-up meeting as a real invitation, end to end: `tracker meeting
set` / `meeting cancel`, then `tracker remind` at any hour, to a real SMTP
server on loopback. Checked on the bytes that arrive: the text/calendar part
with method=REQUEST (CANCEL) and charset=utf-8, read by two parsers
(icalendar and vobject): same UID, higher SEQUENCE, the new date,
ORGANIZER = the configured sender, ATTENDEE rows."""

from __future__ import annotations

import email.message
import json
import re
from datetime import date, datetime
from pathlib import Path

import icalendar
import pytest
import vobject
from conftest import SAMPLE
from mail_support import SENDER, mail_env, read_mail, smtp_server

ATTENDEES = ["mayor@bangchakreng.go.th", "palad@bangchakreng.go.th"]


def _invitations(rec) -> list:  # type: ignore[no-untyped-def]
    return [a for a in rec.arrivals if any(k.startswith("meeting_invitation:") for k in a.keys)]


def _calendar_part(raw: bytes) -> tuple[email.message.EmailMessage, bytes]:
    msg = read_mail(raw).msg
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in msg.walk()]
    files = [p for p in msg.walk() if p.get_content_type() == "application/ics"]
    assert len(files) == 1 and files[0].get_filename()
    assert files[0].get_payload(decode=True) == parts[0].get_payload(decode=True)
    return parts[0], parts[0].get_payload(decode=True)


def _event(raw: bytes, method: str, people: list[str] = ATTENDEES):  # type: ignore[no-untyped-def]
    part, ics = _calendar_part(raw)
    assert part.get_param("method") == method
    assert part.get_param("charset") == "utf-8"
    # the header as clients look for it (the value quoted or not: RFC 2045 allows both)
    header = rb'\r\nContent-Type: text/calendar; method="?' + method.encode() + rb'"?; charset="utf-8"\r\n'
    assert re.search(header, raw)
    cal = icalendar.Calendar.from_ical(ics)
    assert str(cal["method"]) == method
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    ev = events[0]
    assert str(ev["organizer"]) == "mailto:tracker@bangchakreng.go.th"
    assert ev["organizer"].params["CN"] == SENDER.split(" <")[0]
    attendees = ev["attendee"] if isinstance(ev["attendee"], list) else [ev["attendee"]]
    assert sorted(str(a) for a in attendees) == [f"mailto:{a}" for a in sorted(people)]
    # a second, independent reader agrees on what matters
    v = vobject.readOne(ics.decode("utf-8")).vevent
    assert v.uid.value == str(ev["uid"]) and int(v.sequence.value) == int(ev["sequence"])
    return ev


def test_meeting_moved_on_the_19th_reaches_the_attendees_that_day(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    with smtp_server(tmp_path) as (rec, port, ca):
        env = mail_env(port, ca)
        people = [x for a in ATTENDEES for x in ("--attendee", a)]
        set_ = run("meeting", "set", "1", "--date", "20 เม.ย. 66", "--time", "10:00",
                   "--place", "ห้องประชุมเทศบาลตำบลบางจะเกร็ง", *people, now="2023-04-03T15:10", env=env)
        assert set_.code == 0, set_.err
        first = run("remind", now="2023-04-03T15:20", env=env)  # long after the 08:30 reminder hour
        assert first.code == 0, first.err
        sent = _invitations(rec)
        assert len(sent) == 1 and sorted(sent[0].rcpt) == ATTENDEES
        assert "เชิญประชุม" in sent[0].subject
        ev1 = _event(sent[0].raw, "REQUEST")
        assert ev1["dtstart"].dt == datetime(2023, 4, 20, 10, 0, tzinfo=ev1["dtstart"].dt.tzinfo)
        assert str(ev1["location"]) == "ห้องประชุมเทศบาลตำบลบางจะเกร็ง"

        # never twice: another run the same day sends no invitation
        assert run("remind", now="2023-04-03T15:30", env=env).code == 0
        assert len(_invitations(rec)) == 1

        # moved on Wednesday the 19th, in the afternoon: the preview shows it,
        # the next run that day sends it
        moved = run("meeting", "set", "1", "--date", "27 เม.ย. 66", now="2023-04-19T14:00", env=env)
        assert moved.code == 0, moved.err
        preview = run("remind", "--preview", "2023-04-19", "2023-04-30", "--json", now="2023-04-19T14:01")
        assert preview.code == 0, preview.err
        rows = [r for r in json.loads(preview.out) if r["kind"] == "meeting_invitation"]
        assert len(rows) == 1 and rows[0]["meeting_id"] == 1 and sorted(rows[0]["to"]) == ATTENDEES
        assert rows[0]["at"].startswith("2023-04-19T14:01")
        assert "เปลี่ยนแปลงการประชุม" in rows[0]["subject"]
        dry = run("remind", "--dry-run", "--json", now="2023-04-19T14:05")
        assert dry.code == 0 and "meeting_invitation:m1:" in dry.out
        second = run("remind", now="2023-04-19T14:05", env=env)
        assert second.code == 0, second.err
        sent = _invitations(rec)
        assert len(sent) == 2
        assert "เปลี่ยนแปลงการประชุม" in sent[1].subject
        ev2 = _event(sent[1].raw, "REQUEST")
        assert str(ev2["uid"]) == str(ev1["uid"])
        assert int(ev2["sequence"]) > int(ev1["sequence"])
        assert ev2["dtstart"].dt.date() == date(2023, 4, 27)
        after = run("remind", "--preview", "2023-04-19", "2023-04-30", "--json", now="2023-04-19T14:06")
        assert not [r for r in json.loads(after.out) if r["kind"] == "meeting_invitation"]

        # the same values again are no new revision: nothing is sent
        same = run("meeting", "set", "1", "--date", "27 เม.ย. 66", now="2023-04-19T15:00", env=env)
        assert same.code == 0
        assert run("remind", now="2023-04-19T15:05", env=env).code == 0
        assert len(_invitations(rec)) == 2

        # cancelled: METHOD:CANCEL, same UID, higher SEQUENCE
        cancel = run("meeting", "cancel", "1", "--reason", "เลื่อนไม่มีกำหนด", now="2023-04-20T09:00", env=env)
        assert cancel.code == 0, cancel.err
        assert run("meeting", "cancel", "1", now="2023-04-20T09:01").code == 1  # already cancelled
        assert run("remind", now="2023-04-20T09:05", env=env).code == 0
        sent = _invitations(rec)
        assert len(sent) == 3 and "ยกเลิกการประชุม" in sent[2].subject
        ev3 = _event(sent[2].raw, "CANCEL")
        assert str(ev3["uid"]) == str(ev1["uid"]) and int(ev3["sequence"]) > int(ev2["sequence"])
        assert str(ev3["status"]) == "CANCELLED"
        # and no day-before mail for a meeting that will not be held
        assert run("remind", now="2023-04-26T09:00", env=env).code == 0
        assert not [a for a in rec.arrivals if any(k.startswith("meeting_tomorrow:") for k in a.keys)]


def test_cancelling_a_meeting_never_invited_sends_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    with smtp_server(tmp_path) as (rec, port, ca):
        env = mail_env(port, ca)
        people = [x for a in ATTENDEES for x in ("--attendee", a)]
        assert run("meeting", "set", "1", "--date", "2023-04-20", *people, now="2023-04-03T09:00").code == 0
        assert run("meeting", "cancel", "1", now="2023-04-03T09:01").code == 0
        assert run("remind", now="2023-04-03T09:05", env=env).code == 0
        assert not _invitations(rec)
    bad = run("meeting", "cancel", "99")
    assert bad.code == 1 and "ไม่พบการประชุม" in bad.err and len(bad.err.strip().splitlines()) == 1


def test_the_daemons_sweep_sends_an_invitation_without_waiting_for_the_daily_run(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tracker scheduler` queues the day's reminders once, at the hour; its
    sweep (every minute) queues a changed meeting's invitation by itself."""
    from conftest import at
    from mail_support import smtp_settings

    from jobs.remind import Jobs
    from tracker.app import App
    from tracker.config import Settings
    from tracker.plans.reader import parse_plan_text
    from tracker.reminders.run import load_policy
    from tracker.services.importing import import_plan
    from tracker.services.meetings import set_meeting

    with smtp_server(tmp_path) as (rec, port, ca):
        monkeypatch.setenv("SSL_CERT_FILE", str(ca))
        settings = Settings(mail=smtp_settings(port))
        clock_at = [at("2023-04-19T08:40")]
        app = App(now=clock_at[0], db_url=db_url, settings=settings)
        with app.db.transaction():
            plan = parse_plan_text(SAMPLE.read_text(encoding="utf-8"))
            import_plan(app.db, plan, source="t", now=at("2023-01-02T09:00"), actor="t")
        policy = load_policy(settings)
        jobs = Jobs(app=app, policy=policy, clock=lambda: clock_at[0], name="test-daemon")
        jobs.last_enqueue_day = date(2023, 4, 19)  # today's daily run is done
        jobs.sweep()
        assert not _invitations(rec)
        with app.db.transaction():
            set_meeting(app.db, 1, now=at("2023-04-19T14:00"), actor="t", on=date(2023, 4, 27),
                        attendees=ATTENDEES)
        clock_at[0] = at("2023-04-19T14:01")
        jobs.sweep()
        sent = _invitations(rec)
        assert len(sent) == 1 and sorted(sent[0].rcpt) == ATTENDEES
        assert _event(sent[0].raw, "REQUEST")["dtstart"].dt == date(2023, 4, 27)
        app.close()


def test_policy_invitation_rules() -> None:
    """Pure: which revision is due, from when, until when; a cancelled meeting
    asks for no outcome and has no day-before mail."""
    from conftest import at

    from tracker.reminders import invitations
    from tracker.reminders.policy import Policy, due, meeting_schedule, task_schedule

    policy = Policy()
    meeting = {"id": 7, "title": "ประชุม", "month": "2023-04", "date": "2023-04-27", "time": "13:30",
               "attendees": ATTENDEES, "organisation": "อบต.", "sequence": 3, "tasks": 1,
               "updated_at": "2023-04-19T07:00:00.000000+00:00", "cancelled_at": None}
    r = invitations.invitation(meeting, at("2023-04-19T14:05"))
    assert r is not None and r.key == "meeting_invitation:m7:3" and r.thread == "meeting_invitation:m7"
    assert r.detail["method"] == "REQUEST" and r.at == at("2023-04-19T14:00")
    assert invitations.invitation(meeting, at("2023-04-19T13:59")) is None  # not made yet
    assert invitations.invitation(meeting, at("2023-04-27T13:30")) is None  # the meeting has begun
    assert invitations.invitation({**meeting, "attendees": []}, at("2023-04-19T14:05")) is None
    assert invitations.invitation({**meeting, "date": None}, at("2023-04-19T14:05")) is None
    # due at 14:05 although the reminder hour is 08:30 and the meeting is a week away
    assert [x.key for x in due([], [meeting], policy, at("2023-04-19T14:05"))] == ["meeting_invitation:m7:3"]

    cancelled = {**meeting, "cancelled_at": "2023-04-20T02:00:00.000000+00:00", "sequence": 4,
                 "updated_at": "2023-04-20T02:00:00.000000+00:00"}
    c = invitations.invitation(cancelled, at("2023-04-20T09:05"))
    assert c is not None and c.detail["method"] == "CANCEL" and c.thread == r.thread
    assert meeting_schedule(cancelled, policy, until=at("2023-04-27T00:00").date()) == []
    task = {"id": 1, "start": "2023-01-01", "end": "2023-03-31", "owners": ["สำนักปลัดฯ"],
            "plan": {"organisation": "อบต."}, "outcome": {}, "meeting": cancelled}
    kinds = {x.kind for x in task_schedule(task, policy, until=at("2023-04-26T00:00").date())}
    assert "meeting_outcome_request" not in kinds and "overdue" in kinds
    kinds = {x.kind for x in task_schedule({**task, "meeting": meeting}, policy,
                                           until=at("2023-04-26T00:00").date())}
    assert "meeting_outcome_request" in kinds


def test_the_day_before_mail_carries_the_same_invitation(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    with smtp_server(tmp_path) as (rec, port, ca):
        env = mail_env(port, ca)
        people = [x for a in ATTENDEES for x in ("--attendee", a)]
        assert run("meeting", "set", "1", "--date", "2023-04-27", "--time", "09:30", *people,
                   now="2023-04-03T10:00").code == 0
        assert run("remind", now="2023-04-03T10:05", env=env).code == 0
        assert run("remind", now="2023-04-26T08:35", env=env).code == 0
        invite = _invitations(rec)[0]
        before = [a for a in rec.arrivals if any(k.startswith("meeting_tomorrow:") for k in a.keys)]
    assert len(before) == 1 and sorted(before[0].rcpt) == ATTENDEES
    msg = before[0].mail.msg
    ics = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert len(ics) == 1 and ics[0].get_param("method") == "REQUEST" and ics[0].get_filename()
    day_before = icalendar.Calendar.from_ical(ics[0].get_payload(decode=True)).walk("VEVENT")[0]
    first = _event(invite.raw, "REQUEST")
    assert str(day_before["uid"]) == str(first["uid"])
    assert int(day_before["sequence"]) == int(first["sequence"])
    assert str(day_before["organizer"]) == str(first["organizer"])


def test_an_attendee_taken_off_the_list_is_told_apart(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mayor, palad = ATTENDEES
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    with smtp_server(tmp_path) as (rec, port, ca):
        env = mail_env(port, ca)
        assert run("meeting", "set", "1", "--date", "2023-04-27", "--attendee", mayor, "--attendee", palad,
                   now="2023-04-03T10:00").code == 0
        assert run("remind", now="2023-04-03T10:05", env=env).code == 0
        first = _event(_invitations(rec)[0].raw, "REQUEST")
        assert run("meeting", "set", "1", "--attendee", mayor, now="2023-04-05T11:00").code == 0
        preview = run("remind", "--preview", "2023-04-05", "2023-04-30", "--json", now="2023-04-05T11:01")
        rows = [r for r in json.loads(preview.out) if r["kind"] == "meeting_invitation"]
        assert sorted(r["to"] for r in rows) == [[mayor], [palad]]
        assert run("remind", now="2023-04-05T11:05", env=env).code == 0
        sent = _invitations(rec)[1:]
        assert sorted(a.rcpt[0] for a in sent) == [mayor, palad] and all(len(a.rcpt) == 1 for a in sent)
        to_mayor = next(a for a in sent if a.rcpt == [mayor])
        to_palad = next(a for a in sent if a.rcpt == [palad])
        kept = _event(to_mayor.raw, "REQUEST", [mayor])
        told = _event(to_palad.raw, "CANCEL", [palad])
        assert str(kept["uid"]) == str(told["uid"]) == str(first["uid"])
        assert int(kept["sequence"]) == int(told["sequence"]) > int(first["sequence"])
        # the next change goes to the mayor only: the palad was told already
        assert run("meeting", "set", "1", "--time", "10:00", now="2023-04-07T09:00").code == 0
        assert run("remind", now="2023-04-07T09:05", env=env).code == 0
        last = _invitations(rec)[3:]
        assert [a.rcpt for a in last] == [[mayor]]
        # put back on the list: invited again
        assert run("meeting", "set", "1", "--attendee", mayor, "--attendee", palad,
                   now="2023-04-10T09:00").code == 0
        assert run("remind", now="2023-04-10T09:05", env=env).code == 0
        again = _invitations(rec)[4:]
        assert len(again) == 1 and sorted(again[0].rcpt) == ATTENDEES
        _event(again[0].raw, "REQUEST")


def test_report_picks_a_meeting_that_is_still_on() -> None:
    from tracker.report.data import choose_meeting

    april = {"id": 1, "month": "2023-04", "date": "2023-04-27", "cancelled_at": "2023-04-20T02:00:00+00:00"}
    may = {"id": 2, "month": "2023-05", "date": None, "cancelled_at": None}
    assert choose_meeting([april, may], date(2023, 4, 21)) == may
    assert choose_meeting([april], date(2023, 4, 21)) == april  # no other: still the one asked about
