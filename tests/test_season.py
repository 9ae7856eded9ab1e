"""A whole season of the sample plan (December 2565 → April 2566), day by
day, against a real SMTP server on loopback with STARTTLS and AUTH.

Each simulated day runs what `tracker remind` runs (queue what is due, send
the outbox) twice, at 08:30 and 15:00, through the same functions the CLI
calls; a few days go through the real CLI in a subprocess.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE
from tests.factories import measure, small_plan
from tests.mail_support import PASSWORD, SENDER, USER, Recorder, smtp_server, smtp_settings
from tracker.app import App
from tracker.clock import BANGKOK
from tracker.config import Settings
from tracker.db.connection import Database, open_database
from tracker.mail.transports import SmtpTransport
from tracker.reminders import run
from tracker.reminders.policy import Policy
from tracker.services import tasks as task_service
from tracker.services.importing import import_plan
from tracker.services.meetings import set_meeting
from tracker.services.units import set_unit

PALAD = "palad@bangchakreng.go.th"
ATTENDEES = ["mayor@bangchakreng.go.th", "clerk@bangchakreng.go.th"]
START = datetime(2022, 12, 1, 8, 0, tzinfo=BANGKOK)
POLICY = Policy()

# The sample: two measures of สำนักปลัดฯ, Jan-Mar 2566, reported at the April
# meeting (date not set: assumed the 15th, a Songkran Saturday → Tue 18 April).
EXPECTED_PER_TASK = [
    ("2023-01-04", "window_opens"),
    ("2023-01-16", "nudge"),
    ("2023-01-30", "nudge"),
    ("2023-02-13", "nudge"),
    ("2023-02-27", "nudge"),
    ("2023-03-13", "closing_soon"),
    ("2023-03-22", "closing_soon"),
    ("2023-03-28", "closing_soon"),
    ("2023-03-29", "meeting_outcome_request"),
    ("2023-03-30", "closing_soon"),
    ("2023-04-03", "overdue"),
    ("2023-04-10", "meeting_outcome_request"),
    ("2023-04-10", "overdue"),
    ("2023-04-18", "overdue"),
    ("2023-04-24", "overdue"),
]
TITLES = {1: "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ", 2: "กำหนดมาตรการด้านการป้องกันการทุจริตเพื่อแสดงถึงความพยายาม"}


@dataclass
class Season:
    db: Database
    settings: Settings
    recorder: Recorder
    transport: SmtpTransport
    log: list[dict[str, Any]] = field(default_factory=list)

    def step(self, now: datetime, *, worker: str = "season") -> run.SendReport:
        self.recorder.label = now
        run.enqueue_due(self.db, POLICY, now)
        report = run.send_due(
            self.db, self.settings, POLICY, clock=lambda: now, worker=worker, transport=self.transport
        )
        self.log.append({"now": now, "report": report})
        return report

    def days(
        self,
        first: date,
        last: date,
        *,
        skip: tuple[date, date] | None = None,
        hours: tuple[time, ...] = (time(8, 30), time(15, 0)),
    ) -> Iterator[datetime]:
        d = first
        while d <= last:
            if not (skip and skip[0] <= d <= skip[1]):
                for h in hours:
                    yield datetime.combine(d, h, BANGKOK)
            d += timedelta(days=1)

    def arrivals(self) -> list[tuple[str, str, str, Any]]:
        """(day it arrived, kind, task or meeting, raw bytes) per message."""
        out = []
        for a in self.recorder.arrivals:
            for key in a.keys:
                kind, scope = key.split(":")[:2]
                out.append((a.label.date().isoformat(), kind, scope, a))
        return out

    def outbox(self) -> list[dict[str, Any]]:
        with self.db.transaction():
            return self.db.query("SELECT * FROM outbox ORDER BY id")


@pytest.fixture
def season(db_url: str, tmp_path: Path) -> Iterator[Season]:
    from tracker.plans.reader import read_plan

    db = App(now=START, db_url=db_url).db
    with db.transaction():
        import_plan(db, read_plan(SAMPLE), source=SAMPLE.name, now=START, actor="clerk")
        set_unit(db, "สำนักปลัดฯ", [PALAD], now=START, actor="clerk")
        set_meeting(db, 1, now=START, actor="clerk", attendees=ATTENDEES)
    with smtp_server(tmp_path) as (recorder, port, ca):
        import ssl

        mail = smtp_settings(port)
        transport = SmtpTransport(mail, ssl_context=ssl.create_default_context(cafile=str(ca)))
        yield Season(db, Settings(mail=mail), recorder, transport)
    db.close()


def expected(tasks: tuple[int, ...] = (1, 2)) -> Counter[tuple[str, str, str]]:
    c: Counter[tuple[str, str, str]] = Counter()
    for t in tasks:
        for day, kind in EXPECTED_PER_TASK:
            c[(day, kind, f"t{t}")] += 1
    c[("2023-04-12", "meeting_tomorrow", "m1")] += 1
    return c


def test_whole_season(season: Season) -> None:
    for now in season.days(date(2022, 12, 1), date(2023, 4, 30)):
        season.step(now)
    got = season.arrivals()
    assert Counter((d, k, s) for d, k, s, _ in got) == expected()  # right days, none twice
    for day, kind, scope, a in got:
        d = date.fromisoformat(day)
        assert POLICY.calendar.is_working_day(d) and not date(2023, 4, 13) <= d <= date(2023, 4, 15)
        if kind == "meeting_tomorrow":
            assert sorted(a.rcpt) == sorted(ATTENDEES)
        else:
            assert a.rcpt == [PALAD]
            # Thai, decoded from the bytes that arrived: a digest lists each measure
            assert TITLES[int(scope[1:])][:40] in a.text
    # one mail a day for the unit's address, both measures in it
    per_day = {d for d, k, scope, _a in got if scope == "t1"}
    unit_mails = Counter(a.label.date() for a in season.recorder.arrivals if PALAD in a.rcpt)
    assert set(unit_mails.values()) == {1} and len(unit_mails) == len(per_day)
    sent = {r["key"]: r for r in season.outbox() if r["status"] == "sent"}
    for _d, _k, _s, a in got:
        assert a.subject == sent[a.keys[0]]["subject"]
    assert got[0][3].subject == "[ITA] เริ่มดำเนินการ 2 มาตรการ"
    on_10_april = next(a for d, _k, _s, a in got if d == "2023-04-10" and PALAD in a.rcpt)
    # most urgent first, and a subject that says what to do
    assert on_10_april.subject == "[ITA] เกินกำหนด 2 มาตรการ · ขอผลการดำเนินงานก่อนประชุม 18 เม.ย."
    assert [k.split(":")[0] for k in on_10_april.keys] == ["overdue", "overdue", "meeting_outcome_request",
                                                           "meeting_outcome_request"]
    meeting_mail = next(a for _d, k, _s, a in got if k == "meeting_tomorrow")
    assert "วันที่ 18 เมษายน 2566" in meeting_mail.subject
    parsed = meeting_mail.mail.msg
    body = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "วันประชุมยังไม่กำหนด" in body
    names = [p.get_filename() for p in parsed.iter_attachments()]
    if _importable("tracker.calendar.export"):
        assert "meeting-1.ics" in names
        ics = next(p for p in parsed.iter_attachments() if p.get_filename() == "meeting-1.ics")
        assert (
            b"BEGIN:VEVENT" in ics.get_content().encode()
            if isinstance(ics.get_content(), str)
            else b"BEGIN:VEVENT" in ics.get_content()
        )
    if _importable("tracker.report.render"):
        assert "report-meeting-1.html" in names


def _importable(name: str) -> bool:
    import importlib

    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def test_none_after_done(season: Season) -> None:
    done_at = datetime(2023, 2, 20, 10, 0, tzinfo=BANGKOK)
    for now in season.days(date(2022, 12, 1), date(2023, 4, 30)):
        if now > done_at and not season.db.scalar("SELECT done_at FROM tasks WHERE id = 1"):
            with season.db.transaction():
                task_service.mark_done(season.db, 1, now=done_at, actor="palad")
        season.step(now)
    got = Counter((d, k, s) for d, k, s, _ in season.arrivals())
    t1 = {key for key in got if key[2] == "t1"}
    assert t1 == {(d, k, "t1") for d, k in EXPECTED_PER_TASK if d < "2023-02-20"}
    assert all(n == 1 for n in got.values())
    assert {key for key in got if key[2] == "t2"} == {(d, k, "t2") for d, k in EXPECTED_PER_TASK}


def test_server_refusing_for_a_while_loses_nothing(season: Season) -> None:
    refuse_from = datetime(2023, 3, 13, 8, 0, tzinfo=BANGKOK)
    refuse_until = datetime(2023, 3, 14, 12, 0, tzinfo=BANGKOK)
    for now in season.days(date(2022, 12, 1), date(2023, 4, 30)):
        season.recorder.refuse = (
            "451 4.3.0 mailbox busy, try later" if refuse_from <= now < refuse_until else None
        )
        season.step(now)
    got = season.arrivals()
    assert Counter((k, s) for _d, k, s, _a in got) == Counter((k, s) for _d, k, s in expected().elements())
    late = [(d, k, s) for d, k, s, a in got if a.keys[0].split(":")[2] == "2023-03-13"]
    assert late == [("2023-03-14", "closing_soon", "t1"), ("2023-03-14", "closing_soon", "t2")]
    retried = [r for r in season.outbox() if r["key"].split(":")[2] == "2023-03-13"]
    assert all(r["status"] == "sent" and r["attempts"] == 4 for r in retried)  # 3 refusals, then sent


def test_one_catch_up_per_kind_after_a_week_down(season: Season) -> None:
    for now in season.days(date(2022, 12, 1), date(2023, 4, 30), skip=(date(2023, 3, 20), date(2023, 3, 28))):
        season.step(now)
    got = Counter((d, k, s) for d, k, s, _ in season.arrivals())
    on_29 = sorted((k, s) for (d, k, s) in got if d == "2023-03-29")
    assert on_29 == [
        ("closing_soon", "t1"),
        ("closing_soon", "t2"),
        ("meeting_outcome_request", "t1"),
        ("meeting_outcome_request", "t2"),
    ]
    keys = {r["key"].split(":")[2] for r in season.outbox() if r["kind"] == "closing_soon"}
    assert "2023-03-22" not in keys  # the missed one was never even queued
    caught_up = [a for d, k, _s, a in season.arrivals() if d == "2023-03-29" and k == "closing_soon"]
    assert all(a.keys[0].split(":")[2] == "2023-03-28" for a in caught_up)


def test_two_senders_at_once_send_each_once(season: Season, db_url: str) -> None:
    """A second organisation with 60 measures; two senders (own connections,
    own SMTP sessions) drain the same outbox at the same moment."""
    units = ("กองคลัง", "กองช่าง")
    with season.db.transaction():
        import_plan(
            season.db,
            small_plan(
                *[measure(str(i), f"มาตรการทดสอบ {i}", owners=units) for i in range(1, 61)],
                organisation="เทศบาลตำบลทดสอบ",
            ),
            source="t",
            now=START,
            actor="t",
        )
        for u, addr in zip(units, ("finance@test.go.th", "works@test.go.th"), strict=True):
            set_unit(season.db, u, [addr], now=START, actor="t", organisation="เทศบาลตำบลทดสอบ")
    now = datetime(2023, 1, 4, 8, 30, tzinfo=BANGKOK)
    season.recorder.label = now
    run.enqueue_due(season.db, POLICY, now)
    queued = len(season.outbox())
    assert queued == 2 + 120
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sender(name: str) -> None:
        db = open_database(db_url)
        try:
            barrier.wait()
            run.send_due(
                db,
                season.settings,
                POLICY,
                clock=lambda: now,
                worker=name,
                transport=season.transport,
                limit=7,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=sender, args=(f"sender-{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    keys = season.recorder.sent_keys()
    assert len(keys) == len(set(keys)) == queued
    by_peer = Counter(a.peer for a in season.recorder.arrivals)
    assert len(by_peer) >= 2  # both really sent


def test_cli_days_match(season: Season, run: Any, db_url: str, tmp_path: Path) -> None:
    """The real `tracker remind` on a few days, run twice each: same mails,
    never twice."""
    env = {
        "TRACKER_MAIL_TRANSPORT": "smtp",
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(season.transport.port),
        "TRACKER_SMTP_SECURITY": "starttls",
        "TRACKER_SMTP_USER": USER,
        "TRACKER_SMTP_PASSWORD": PASSWORD,
        "TRACKER_MAIL_FROM": SENDER,
        "SSL_CERT_FILE": str(tmp_path / "cert.pem"),
    }
    for day in ("2023-01-04", "2023-03-29", "2023-04-13", "2023-04-18"):
        season.recorder.label = datetime.fromisoformat(day + "T09:00").replace(tzinfo=BANGKOK)
        for _ in range(2):
            r = run("remind", "--json", now=f"{day}T09:00", env=env)
            assert r.code == 0, r.err
    got = Counter((d, k, s) for d, k, s, _ in season.arrivals())
    assert all(n == 1 for n in got.values())
    assert {d for d, _k, _s in got} == {"2023-01-04", "2023-03-29", "2023-04-18"}  # none on Songkran
    assert sorted(got) == sorted(
        [
            ("2023-01-04", "window_opens", "t1"),
            ("2023-01-04", "window_opens", "t2"),
            *[
                ("2023-03-29", k, t)
                # the 27 February nudge is a month old by then and a closing
                # notice supersedes it: recorded as skipped, not sent
                for k in ("closing_soon", "meeting_outcome_request")
                for t in ("t1", "t2")
            ],
            ("2023-04-18", "overdue", "t1"),
            ("2023-04-18", "overdue", "t2"),
        ]
    )
    # queued on the 13th (a holiday), they waited; by the 18th the meeting
    # reminders had expired and the overdue of the 10th was replaced by the 18th's
    rows = {r["key"]: r for r in season.outbox()}
    assert rows["meeting_tomorrow:m1:2023-04-12"]["status"] == "cancelled"
    assert "expired" in rows["meeting_tomorrow:m1:2023-04-12"]["last_error"]
    assert [r["status"] for k, r in rows.items() if k.startswith("overdue:t1:2023-04-10")] == ["cancelled"]
