"""A season of digests (issue 15): several units, one of them owning several
measures, a person heading two units, a unit with two addresses and a
stand-in for two weeks; day by day at 08:30 and 15:00 against a real SMTP
server on loopback, from December 2565 past the end of the season.

What people get: at most one reminder mail per address a day, every item
due for them inside exactly one of them, none on a non-working day, none
after done, cancel, archive or the end of the season; a stand-in's mail in
its period only; and `tracker remind --preview` of the season, made before
it began, is what arrived, mail for mail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.factories import measure, small_plan
from tests.mail_support import Recorder, smtp_server, smtp_settings
from tracker.app import App
from tracker.clock import BANGKOK
from tracker.config import Settings
from tracker.db.connection import Database
from tracker.mail.transports import SmtpTransport
from tracker.reminders import run
from tracker.reminders.policy import Policy
from tracker.reminders.preview import preview
from tracker.services import tasks as task_service
from tracker.services.importing import import_plan
from tracker.services.meetings import set_meeting
from tracker.services.plans import archive, unarchive
from tracker.services.units import add_stand_in, set_unit

START = datetime(2022, 12, 1, 8, 0, tzinfo=BANGKOK)
FIRST, LAST = date(2022, 12, 1), date(2023, 11, 15)
# FY 2566 ends 30 September 2023, its last meeting is in April: 30 days' grace
SEASON_END = date(2023, 10, 30)
ACTING = "acting@bangchakreng.go.th"  # stands in for กองช่าง
ACTING_FROM, ACTING_UNTIL = date(2023, 3, 1), date(2023, 3, 15)
COORDINATOR = "palad@bangchakreng.go.th"  # สำนักปลัดฯ follows the plan up
EXECUTIVE = "mayor@bangchakreng.go.th"
POLICY = Policy(coordinator=("สำนักปลัดฯ",), executive=(EXECUTIVE,))
KLANG, CHANG, KONG = "กองคลัง", "กองช่าง", "กองการศึกษา"
HEAD = "head@bangchakreng.go.th"  # heads กองคลัง and กองการศึกษา
DEPUTY = "deputy@bangchakreng.go.th"  # กองช่าง's second address
CHANG_MAIL = "chang@bangchakreng.go.th"
ATTENDEES = ["deputy-mayor@bangchakreng.go.th"]
MEASURES = [
    measure("1", "จัดทำรายงานการใช้จ่ายงบประมาณประจำปี", owners=(KLANG,)),
    measure("2", "เปิดเผยข้อมูลการจัดซื้อจัดจ้าง", owners=(KLANG,), start=date(2023, 1, 1), end=date(2023, 2, 28)),
    measure("3", "ประกาศผลการจัดซื้อจัดจ้างรายเดือน", owners=(KLANG, CHANG)),
    measure("4", "ซ่อมแซมป้ายประชาสัมพันธ์ช่องทางร้องเรียน", owners=(CHANG,), start=date(2023, 2, 1)),
    measure("5", "อบรมครูเรื่องการป้องกันผลประโยชน์ทับซ้อน", owners=(KONG,)),
    measure("6", "เผยแพร่คู่มือการปฏิบัติงานด้านการศึกษา", owners=(KONG,), start=date(2023, 3, 1)),
]


@dataclass
class Season:
    db: Database
    settings: Settings
    recorder: Recorder
    transport: SmtpTransport

    def day(self, d: date) -> None:
        for h in (time(8, 30), time(15, 0)):
            now = datetime.combine(d, h, BANGKOK)
            self.recorder.label = now
            run.enqueue_due(self.db, POLICY, now)
            run.send_due(self.db, self.settings, POLICY, clock=lambda now=now: now, worker="season",
                         transport=self.transport)

    def preview(self) -> list[dict[str, Any]]:
        with self.db.transaction():
            return preview(self.db, self.settings, POLICY, start=FIRST, end=LAST, now=START)


@pytest.fixture
def season(db_url: str, tmp_path: Path) -> Iterator[Season]:
    db = App(now=START, db_url=db_url).db
    with db.transaction():
        import_plan(db, small_plan(*MEASURES), source="t", now=START, actor="clerk")
        set_unit(db, KLANG, [HEAD], now=START, actor="clerk")
        set_unit(db, KONG, [HEAD], now=START, actor="clerk")
        set_unit(db, CHANG, [CHANG_MAIL, DEPUTY], now=START, actor="clerk")
        set_unit(db, "สำนักปลัดฯ", [COORDINATOR], now=START, actor="clerk")
        set_meeting(db, 1, now=START, actor="clerk", attendees=ATTENDEES, on=date(2023, 4, 20))
        add_stand_in(db, CHANG, [ACTING], starts_on=ACTING_FROM, ends_on=ACTING_UNTIL, now=START,
                     actor="clerk")
    with smtp_server(tmp_path) as (recorder, port, ca):
        import ssl

        mail = smtp_settings(port)
        transport = SmtpTransport(mail, ssl_context=ssl.create_default_context(cafile=str(ca)))
        yield Season(db, Settings(mail=mail), recorder, transport)
    db.close()


def days() -> Iterator[date]:
    d = FIRST
    while d <= LAST:
        yield d
        d += timedelta(days=1)


def task_mails(rec: Recorder) -> list[Any]:
    """The reminder mails: not the meeting's own, nor the weekly summary (a report of its own)."""
    return [a for a in rec.arrivals if not any(k.split(":")[0] in ("meeting_tomorrow", "meeting_invitation",
                                                                     "weekly_summary") for k in a.keys)]


def test_a_season_of_digests_is_its_preview(season: Season) -> None:
    planned = season.preview()
    for d in days():
        season.day(d)
    arrived = season.recorder.arrivals
    assert len(arrived) > 30
    # the preview, made before the season, mail for mail
    got = sorted((a.label.date().isoformat(), tuple(sorted(a.rcpt)), tuple(a.keys), a.subject)
                 for a in arrived)
    want = sorted((r["at"][:10], tuple(sorted(r["to"])), tuple(r["keys"]), r["subject"]) for r in planned)
    assert got == want
    # one reminder mail an address a day, on working days only
    per_day = Counter((a.label.date(), rcpt) for a in task_mails(season.recorder) for rcpt in a.rcpt)
    assert set(per_day.values()) == {1}
    assert all(POLICY.calendar.is_working_day(d) for d, _r in per_day)
    # every item once for each address of its unit
    items = Counter((k, rcpt) for a in arrived for k in a.keys for rcpt in a.rcpt)
    assert set(items.values()) == {1}
    klang_items = {k for k, rcpt in items if rcpt == HEAD and k.split(":")[1] in ("t1", "t2", "t3")}
    kong_items = {k for k, rcpt in items if rcpt == HEAD and k.split(":")[1] in ("t5", "t6")}
    assert klang_items and kong_items  # the head of both units had both in the same mails
    assert {rcpt for k, rcpt in items if k.split(":")[1] == "t4" and not k.startswith("to_")} == {
        CHANG_MAIL, DEPUTY, ACTING}
    # the stand-in in its period only, the unit's own addresses kept informed
    acting = {a.label.date() for a in arrived if ACTING in a.rcpt}
    assert acting and all(ACTING_FROM <= d <= ACTING_UNTIL for d in acting)
    assert all({CHANG_MAIL, DEPUTY} <= {r for a in arrived if a.label.date() == d for r in a.rcpt}
               for d in acting)
    # escalation: the coordinator from the 5th working day overdue, the
    # executive from the 15th, each with every overdue reminder after that
    escalated = {(k.split(":")[0], rcpt, k.split(":")[2]) for k, rcpt in items
                 if k.startswith(("to_coordinator:", "to_executive:"))}
    assert {(kind, rcpt) for kind, rcpt, _d in escalated} == {("to_coordinator", COORDINATOR),
                                                               ("to_executive", EXECUTIVE)}
    t2 = sorted(k.split(":")[2] for k, rcpt in items if k.startswith("to_coordinator:t2:"))
    assert t2[0] == "2023-03-08"  # t2 ended 28 Feb: 1, 2, 3, 7, 8 March (6 March Makha Bucha)
    assert sorted(k.split(":")[2] for k, _r in items if k.startswith("to_executive:t2:"))[0] == "2023-03-22"
    overdue_t2 = {k.split(":")[2] for k, _r in items if k.startswith("overdue:t2:")}
    assert set(t2[1:]) <= overdue_t2  # then with each overdue reminder
    # the weekly summary: the coordinator, on Mondays (or the next working day), only when there is news
    summaries = [a for a in arrived if any(k.startswith("weekly_summary:") for k in a.keys)]
    assert summaries and all(a.rcpt == [COORDINATOR] for a in summaries)
    assert all(a.label.date().isoweekday() == 1 or not POLICY.calendar.is_working_day(
        a.label.date() - timedelta(days=a.label.date().isoweekday() - 1)) for a in summaries)
    # the first week with a late measure (t2, from 1 March); Monday 6 March a holiday
    assert min(a.label.date() for a in summaries) == date(2023, 3, 7)
    before_meeting = next(a for a in summaries if a.label.date() == date(2023, 3, 27))
    assert "ก่อนการประชุม" in before_meeting.text and "กองช่าง" in before_meeting.text
    # overdue mail until the season's end, then nothing
    last = max(a.label.date() for a in arrived)
    assert date(2023, 10, 23) <= last <= SEASON_END
    # digests: a real one on the first day, most urgent first, saying what to do
    first = next(a for a in arrived if HEAD in a.rcpt)
    assert first.label.date() == date(2023, 1, 4) and len(first.keys) == 4  # t1, t2, t3, t5
    assert first.subject == "[ITA] เริ่มดำเนินการ 4 มาตรการ"
    assert "เรียน กองคลัง / กองการศึกษา" in first.text
    late = next(a for a in arrived if HEAD in a.rcpt and {k.split(":")[0] for k in a.keys}
                >= {"overdue", "closing_soon"})
    assert late.keys[0].startswith("overdue:t2:")  # t2 ended 28 February: first in the list
    assert late.text.index("เกินกำหนดมาแล้ว") < late.text.index("จะครบกำหนด")
    assert late.subject.startswith("[ITA] เกินกำหนด 1 มาตรการ · ครบกำหนด ")


def test_done_and_cancelled_measures_leave_the_digests(season: Season) -> None:
    for d in days():
        if d == date(2023, 2, 6):
            with season.db.transaction():
                task_service.mark_done(season.db, 1, now=datetime.combine(d, time(7), BANGKOK), actor="head")
                task_service.cancel(season.db, 5, reason="ยกเลิกตามมติที่ประชุม",
                                    now=datetime.combine(d, time(7), BANGKOK), actor="clerk")
        season.day(d)
    after = [(a.label.date(), k) for a in season.recorder.arrivals for k in a.keys
             if a.label.date() >= date(2023, 2, 6)]
    assert after and not [k for _d, k in after if k.split(":")[1] in ("t1", "t5")]
    before = {k.split(":")[1] for a in season.recorder.arrivals for k in a.keys
              if a.label.date() < date(2023, 2, 6)}
    assert {"t1", "t5"} <= before


def test_items_due_after_todays_digest_wait_for_the_next_one(season: Season, db_url: str) -> None:
    """The head had today's digest at 08:30 (4 January, the first working
    day of the year); the corrected plan imported at 11:00 brings another
    measure of กองคลัง opening today: it waits for tomorrow's digest."""
    for d in days():
        if d == date(2023, 1, 5):
            break
        season.day(d)
    noon = datetime(2023, 1, 4, 11, 0, tzinfo=BANGKOK)
    with season.db.transaction():
        # the corrected plan, with a measure the first one lacked
        extra = measure("7", "มาตรการเพิ่มเติมกลางปี", owners=(KLANG,), start=date(2023, 1, 4))
        import_plan(season.db, small_plan(*MEASURES, extra), source="t2", now=noon, actor="clerk")
    season.recorder.label = noon
    run.enqueue_due(season.db, POLICY, noon)
    report = run.send_due(season.db, season.settings, POLICY, clock=lambda: noon, worker="w",
                          transport=season.transport)
    assert report.sent == [] and report.deferred >= 1
    season.day(date(2023, 1, 5))
    on_5th = [a for a in season.recorder.arrivals if HEAD in a.rcpt and a.label.date() == date(2023, 1, 5)]
    assert len(on_5th) == 1 and [k.split(":")[:2] for k in on_5th[0].keys] == [["window_opens", "t7"]]


def test_an_archived_plan_stops_until_it_is_restored(season: Season) -> None:
    for d in days():
        if d > date(2023, 4, 28):
            break
        at_seven = datetime.combine(d, time(7), BANGKOK)
        if d == date(2023, 3, 1):
            with season.db.transaction():
                archive(season.db, 1, reason="ปิดแผน", now=at_seven, actor="clerk")
        if d == date(2023, 3, 13):
            with season.db.transaction():
                unarchive(season.db, 1, now=at_seven, actor="clerk")
        season.day(d)
    mailed = sorted({a.label.date() for a in season.recorder.arrivals})
    assert not [d for d in mailed if date(2023, 3, 1) <= d < date(2023, 3, 13)]
    assert date(2023, 3, 13) in mailed and [d for d in mailed if d < date(2023, 3, 1)]


@pytest.mark.parametrize("digest", [True, False], ids=["digest", "one-a-measure"])
def test_thai_digits_reach_every_number_of_a_mail(db_url: str, tmp_path: Path, digest: bool) -> None:
    """`digits = "thai"`: the measure's number, its progress, the days left
    and the dates all in Thai digits, in the text and in the HTML part, in a
    digest and in a mail of its own (the numbers were printed raw, so one
    mail said ๔ ม.ค. ๒๕๖๖ beside มาตรการที่ 12 and 40%)."""
    import re

    app = App(now=START, db_url=db_url)
    db = app.db
    with db.transaction():
        import_plan(db, small_plan(measure("12", "มาตรการที่ทดสอบเลขไทย", owners=("กองคลัง",)),
                                   measure("13", "มาตรการที่สอง", owners=("กองคลัง",))),
                    source="t", now=START, actor="t")
        set_unit(db, "กองคลัง", [HEAD], now=START, actor="t")
        task_service.set_progress(db, 1, 40, now=START, actor="t")
    policy = Policy(digits="thai", digest=digest)
    now = datetime(2023, 1, 4, 9, 0, tzinfo=BANGKOK)
    run.enqueue_due(db, policy, now)
    with smtp_server(tmp_path) as (rec, port, ca):
        import ssl

        mail = smtp_settings(port)
        report = run.send_due(db, Settings(mail=mail), policy, clock=lambda: now, worker="w",
                              transport=SmtpTransport(mail, ssl_context=ssl.create_default_context(
                                  cafile=str(ca))))
    assert report.stopped is None, report.stopped
    assert len(rec.arrivals) == (1 if digest else 2)
    for a in rec.arrivals:
        # what a person reads: the text, and the HTML with its tags and links left out
        html = re.sub(r"<[^>]*>|https?://\S+|[\w.+-]+@[\w.-]+", " ", a.mail.html)
        for shown in (a.mail.subject, a.text, html):
            assert shown is a.mail.subject or "๑๒" in shown or "๑๓" in shown, shown
            assert not re.search(r"\d", re.sub(r"[\w.+-]+@[\w.-]+|https?://\S+|#\w+", " ", shown)
                                 .translate({ord(c): None for c in "๐๑๒๓๔๕๖๗๘๙"})), shown
        if "๑๒" in a.text:
            assert "๔๐%" in a.text
