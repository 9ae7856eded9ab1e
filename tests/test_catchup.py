"""Catch-up sends only what is still useful: a mid-season import and a week
of downtime, on a real database, through what `tracker remind` runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE
from tests.factories import measure, small_plan
from tracker.app import App
from tracker.clock import BANGKOK
from tracker.db.connection import Database
from tracker.reminders import outbox, run
from tracker.reminders.policy import Policy
from tracker.services.importing import import_plan
from tracker.services.units import set_unit

POLICY = Policy()
OCT = datetime(2022, 10, 1, 8, 0, tzinfo=BANGKOK)


def rows(db: Database) -> list[dict[str, Any]]:
    with db.transaction():
        return [dict(r) for r in db.query("SELECT * FROM outbox ORDER BY id")]


@pytest.fixture
def midseason(db_url: str) -> Iterator[Database]:
    """A plan whose windows opened in October 2565, imported in March 2566."""
    imported = datetime(2023, 3, 6, 8, 0, tzinfo=BANGKOK)
    plan = small_plan(
        measure("1", "เปิดเผยข้อมูลต่อสาธารณะ", start=date(2022, 10, 1), end=date(2023, 9, 30)),
        measure("2", "ประชุมชี้แจงบุคลากร", start=date(2022, 10, 1), end=date(2023, 3, 31)),
    )
    db = App(now=imported, db_url=db_url).db
    with db.transaction():
        import_plan(db, plan, source="plan.txt", now=imported, actor="clerk")
        set_unit(db, "สำนักปลัดฯ", ["palad@example.go.th"], now=imported, actor="clerk")
    yield db
    db.close()


def test_mid_season_import_sends_no_stale_window_opened_or_old_nudge(midseason: Database) -> None:
    now = datetime(2023, 3, 13, 8, 30, tzinfo=BANGKOK)
    report = run.enqueue_due(midseason, POLICY, now)
    queued = {(r.kind, r.task_id) for r in report.added}
    assert "window_opens" not in {k for k, _ in queued}
    # a nudge only from the current period, and none beside a closing notice
    period = timedelta(days=POLICY.nudge_every_days)
    assert all(now - r.at < period for r in report.added if r.kind == "nudge")
    assert ("nudge", 2) not in queued
    # task 2 closes on 31 March: its 14-working-days notice is current
    assert ("closing_soon", 2) in queued
    got = rows(midseason)
    skipped = {(r["kind"], r["task_id"]) for r in got if r["status"] == "skipped"}
    assert ("window_opens", 1) in skipped and ("window_opens", 2) in skipped
    assert all(r["last_error"] for r in got if r["status"] == "skipped")
    # never sent later: the next runs do not queue them again
    for day in range(1, 4):
        later = run.enqueue_due(midseason, POLICY, now + timedelta(days=day))
        assert "window_opens" not in {r.kind for r in later.added}
    assert not [r for r in rows(midseason) if r["kind"] == "window_opens" and r["status"] != "skipped"]
    assert outbox.summary(midseason, now=now)["counts"]["skipped"] >= 2


def test_window_opened_is_sent_while_the_window_is_young(midseason: Database) -> None:
    """Import in the first days of a window: its opened mail still goes."""
    plan = small_plan(measure("3", "อบรมคุณธรรม", start=date(2023, 3, 1), end=date(2023, 6, 30)))
    with midseason.transaction():
        import_plan(midseason, plan, source="plan2.txt", now=OCT, actor="clerk")
    report = run.enqueue_due(midseason, POLICY, datetime(2023, 3, 6, 8, 30, tzinfo=BANGKOK))
    assert "window_opens" in {r.kind for r in report.added}


@pytest.fixture
def sample(db_url: str) -> Iterator[Database]:
    from tracker.plans.reader import read_plan

    start = datetime(2022, 12, 1, 8, 0, tzinfo=BANGKOK)
    db = App(now=start, db_url=db_url).db
    with db.transaction():
        import_plan(db, read_plan(SAMPLE), source=SAMPLE.name, now=start, actor="clerk")
        set_unit(db, "สำนักปลัดฯ", ["palad@example.go.th"], now=start, actor="clerk")
    yield db
    db.close()


def _sent_all(db: Database) -> None:
    """Stand in for a sender that delivered everything queued (the mail path
    itself is tested in test_season.py): only the queue's decisions matter here."""
    with db.transaction():
        db.execute("UPDATE outbox SET status = 'sent' WHERE status = 'pending'")


def test_daemon_down_a_week_catches_up_once_with_only_what_is_current(sample: Database) -> None:
    """Down from 25 February to 12 March: the 27 February nudge is missed; on
    13 March the first closing notice is due and supersedes it."""
    d = date(2023, 1, 2)
    while d <= date(2023, 2, 24):
        run.enqueue_due(sample, POLICY, datetime.combine(d, datetime.min.time(), BANGKOK).replace(hour=9))
        _sent_all(sample)
        d += timedelta(days=1)
    back = datetime(2023, 3, 13, 9, 0, tzinfo=BANGKOK)
    first = run.enqueue_due(sample, POLICY, back)
    assert sorted(r.kind for r in first.added) == ["closing_soon", "closing_soon"]
    again = run.enqueue_due(sample, POLICY, back + timedelta(hours=6))
    assert again.added == []  # once
    got = rows(sample)
    stale = [r for r in got if r["status"] == "skipped"]
    assert {(r["kind"], r["key"].split(":")[2]) for r in stale} == {("nudge", "2023-02-27")}
    assert all(r["kind"] != "nudge" or r["key"].split(":")[2] != "2023-02-27" or r["status"] == "skipped"
               for r in got)


def test_status_shows_skipped(sample: Database, run: Any, db_url: str, tmp_path: Path) -> None:
    sample.close()
    r = run("remind", "--dry-run", now="2023-03-29T08:40")  # nothing recorded by a dry run
    assert r.code == 0, r.err
    r = run("remind", now="2023-03-29T08:40")
    r = run("remind", "--status", "--json", now="2023-03-29T08:41")
    assert r.code == 0, r.err
    info = json.loads(r.out)
    assert info["counts"]["skipped"] >= 2
    assert {x["kind"] for x in info["skipped"]} >= {"window_opens", "nudge"}
    r = run("--lang", "en", "remind", "--status", now="2023-03-29T08:41")
    assert "skipped (stale)" in r.out


def test_held_window_opened_is_skipped_once_stale(sample: Database) -> None:
    """Queued while young but held (no address yet): when it goes stale it
    is skipped, not sent weeks late when the address finally comes."""
    opened = datetime(2023, 1, 4, 8, 30, tzinfo=BANGKOK)
    run.enqueue_due(sample, POLICY, opened)
    with sample.transaction():
        sample.execute("UPDATE outbox SET status = 'held' WHERE kind = 'window_opens'")
    run.enqueue_due(sample, POLICY, datetime(2023, 2, 1, 8, 30, tzinfo=BANGKOK))
    opened_rows = [r for r in rows(sample) if r["kind"] == "window_opens"]
    assert opened_rows and all(r["status"] == "skipped" for r in opened_rows)
