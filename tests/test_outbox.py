"""The outbox on both backends: idempotent enqueue, exclusive claims, leases,
retries, held rows, cancellation."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.factories import measure, small_plan
from tracker.app import App
from tracker.clock import BANGKOK
from tracker.config import MailSettings, Settings
from tracker.db.connection import Database, open_database
from tracker.reminders import outbox, run
from tracker.reminders.policy import Policy
from tracker.services import tasks as task_service
from tracker.services.importing import import_plan
from tracker.services.units import set_unit

T0 = datetime(2022, 12, 1, 9, 0, tzinfo=BANGKOK)
POLICY = Policy()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def make_db(db_url: str, n: int = 2, *, owners: tuple[str, ...] = ("สำนักปลัดฯ",)) -> Database:
    app = App(now=T0, db_url=db_url)
    db = app.db
    plan = small_plan(*[measure(str(i), f"มาตรการทดสอบที่ {i}", owners=owners) for i in range(1, n + 1)])
    with db.transaction():
        import_plan(db, plan, source="test", now=T0, actor="test")
    return db


def settings(tmp_path: Path) -> Settings:
    return Settings(
        mail=MailSettings(transport="file", outbox_dir=tmp_path / "mail", sender="tracker@bangchakreng.go.th")
    )


def rows(db: Database) -> list[dict[str, Any]]:
    with db.transaction():
        return db.query("SELECT * FROM outbox ORDER BY id")


def test_enqueue_is_idempotent(db_url: str) -> None:
    db = make_db(db_url)
    first = run.enqueue_due(db, POLICY, at("2023-01-04T09:00"))
    again = run.enqueue_due(db, POLICY, at("2023-01-04T10:00"))
    assert len(first.added) == 2 and again.added == []
    assert len(rows(db)) == 2
    assert {r["kind"] for r in rows(db)} == {"window_opens"}


def test_newer_reminder_supersedes_unsent_older(db_url: str) -> None:
    db = make_db(db_url, 1)
    run.enqueue_due(db, POLICY, at("2023-03-13T09:00"))  # closing_soon 14 (and catch-ups)
    run.enqueue_due(db, POLICY, at("2023-03-22T09:00"))  # closing_soon 7 replaces it
    closing = [r for r in rows(db) if r["kind"] == "closing_soon"]
    assert [(r["status"], r["key"][13:26]) for r in closing] == [
        ("cancelled", "t1:2023-03-13"),
        ("pending", "t1:2023-03-22"),
    ]
    assert closing[0]["last_error"].startswith("superseded by closing_soon:t1:2023-03-22")


def test_claims_are_exclusive_and_leased(db_url: str) -> None:
    db = make_db(db_url, 6)
    now = at("2023-01-04T09:00")
    run.enqueue_due(db, POLICY, now)
    lease = timedelta(minutes=5)
    with db.transaction():
        a = outbox.claim(db, worker="a", now=now, lease=lease, limit=4)
    with db.transaction():
        b = outbox.claim(db, worker="b", now=now, lease=lease, limit=4)
    with db.transaction():
        c = outbox.claim(db, worker="c", now=now + timedelta(minutes=1), lease=lease, limit=4)
    assert len(a) == 4 and len(b) == 2 and c == []
    assert not {r["id"] for r in a} & {r["id"] for r in b}
    # "a" was killed: after its lease another sender takes its rows over
    with db.transaction():
        d = outbox.claim(db, worker="d", now=now + lease + timedelta(seconds=1), lease=lease, limit=10)
    assert {r["id"] for r in d} == {r["id"] for r in a} | {r["id"] for r in b}
    # and the late "a" can no longer settle them
    with db.transaction():
        assert (
            outbox.mark_delivered(
                db, [(a[0]["id"], ["x@y.z"], True)], worker="a", now=now, message_id="<m>", subject="s"
            )
            == 0
        )
        assert (
            outbox.mark_delivered(
                db, [(a[0]["id"], ["x@y.z"], True)], worker="d", now=now, message_id="<m>", subject="s"
            )
            == 1
        )


def test_backoff_doubles_to_an_hour() -> None:
    assert [outbox.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_retry_then_send(db_url: str, tmp_path: Path) -> None:
    db = make_db(db_url, 1)
    now = at("2023-01-04T09:00")
    with db.transaction():
        set_unit(db, "สำนักปลัดฯ", ["palad@example.go.th"], now=now, actor="t")
    run.enqueue_due(db, POLICY, now)
    with db.transaction():
        [row] = outbox.claim(db, worker="w", now=now, lease=timedelta(minutes=5), limit=10)
        outbox.mark_retry(db, row, worker="w", now=now, error="451 try later")
    [r] = rows(db)
    assert (r["status"], r["attempts"], r["last_error"]) == ("pending", 1, "451 try later")
    # not before its time
    report = run.send_due(
        db, settings(tmp_path), POLICY, clock=lambda: now + timedelta(seconds=30), worker="w"
    )
    assert report.sent == []
    report = run.send_due(
        db, settings(tmp_path), POLICY, clock=lambda: now + timedelta(minutes=2), worker="w"
    )
    assert [s["key"] for s in report.sent] == [r["key"]]
    [r] = rows(db)
    assert (
        r["status"] == "sent"
        and r["attempts"] == 2
        and json.loads(r["recipients"]) == ["palad@example.go.th"]
    )
    assert (tmp_path / "mail").is_dir() and len(list((tmp_path / "mail").iterdir())) == 1


def window_opens_queued(db_url: str, tmp_path: Path, n: int) -> tuple[Database, datetime, Path, Policy]:
    """n tasks whose "window opens" mails are queued, each for a unit of its
    own with an address (so each is a mail of its own, not one digest), and
    a policy reading templates from a folder of the test's own: (db, now,
    the path of its window_opens/body.txt, policy)."""
    app = App(now=T0, db_url=db_url)
    db = app.db
    plan = small_plan(*[measure(str(i), f"มาตรการทดสอบที่ {i}", owners=(f"กองที่ {i}",))
                        for i in range(1, n + 1)])
    now = at("2023-01-04T09:00")
    with db.transaction():
        import_plan(db, plan, source="test", now=T0, actor="test")
        for i in range(1, n + 1):
            set_unit(db, f"กองที่ {i}", [f"unit{i}@example.go.th"], now=now, actor="t")
    run.enqueue_due(db, POLICY, now)
    own = tmp_path / "templates" / "mail" / "window_opens"
    own.mkdir(parents=True)
    return db, now, own / "body.txt", Policy(templates=str(tmp_path / "templates"))


def test_a_mail_that_cannot_be_rendered_gives_the_rest_back(db_url: str, tmp_path: Path) -> None:
    """A template that fails on the third message of a batch leaves it
    queued untouched, the others go, and the error is reported."""
    db, now, body, policy = window_opens_queued(db_url, tmp_path, 4)
    body.write_text("{% if task.number == '3' %}{{ no_such_value }}{% endif %}ok\n")
    with pytest.raises(Exception, match="no_such_value"):
        run.send_due(db, settings(tmp_path), policy, clock=lambda: now, worker="w")
    by_task = {r["task_id"]: r for r in rows(db)}
    with db.transaction():
        numbers = {int(t["id"]): t["number"] for t in db.query("SELECT id, number FROM tasks")}
    status = {numbers[t]: (r["status"], r["attempts"], r["claimed_by"]) for t, r in by_task.items()}
    assert status == {"1": ("sent", 1, None), "2": ("sent", 1, None),
                      "3": ("pending", 0, None), "4": ("sent", 1, None)}
    assert len(list((tmp_path / "mail").iterdir())) == 3


def test_an_edited_template_is_used_from_the_next_batch(db_url: str, tmp_path: Path) -> None:
    """The daemon keeps compiled templates between sweeps (no reload check per
    mail), yet a template someone edits is used from the next batch on."""
    import os

    from tests.mail_support import read_mail

    db, now, body, policy = window_opens_queued(db_url, tmp_path, 1)

    def sent_text() -> str:
        [eml] = (tmp_path / "mail").iterdir()
        return read_mail(eml.read_bytes()).text.replace("\r\n", "\n")

    body.write_text("first wording\n")
    assert len(run.send_due(db, settings(tmp_path), policy, clock=lambda: now, worker="w").sent) == 1
    assert sent_text() == "first wording\n"
    body.write_text("second wording\n")
    later = body.stat().st_mtime + 5  # a coarse file-system clock must still see a change
    os.utime(body, (later, later))
    with db.transaction():
        db.execute("UPDATE outbox SET status = 'pending', sent_at = NULL, recipients = '[]'")
    assert len(run.send_due(db, settings(tmp_path), policy, clock=lambda: now, worker="w").sent) == 1
    assert sent_text() == "second wording\n"


def test_unit_without_address_is_held_then_sent(db_url: str, tmp_path: Path) -> None:
    db = make_db(db_url, 1)
    now = at("2023-01-04T09:00")
    run.enqueue_due(db, POLICY, now)
    report = run.send_due(db, settings(tmp_path), POLICY, clock=lambda: now, worker="w")
    assert report.sent == [] and len(report.held) == 1
    assert "สำนักปลัดฯ" in report.held[0]["reason"] and "no e-mail address" in report.held[0]["reason"]
    with db.transaction():
        info = outbox.summary(db, now=now)
    assert info["counts"]["held"] == 1 and "tracker unit set" in info["held"][0]["last_error"]
    with db.transaction():
        set_unit(db, "สำนักปลัดฯ", ["palad@example.go.th"], now=now, actor="t")
        outbox.wake_held(db, now=now)
    report = run.send_due(db, settings(tmp_path), POLICY, clock=lambda: now, worker="w")
    assert len(report.sent) == 1 and rows(db)[0]["status"] == "sent"


def test_done_task_cancels_its_queue(db_url: str, tmp_path: Path) -> None:
    db = make_db(db_url, 2)
    now = at("2023-01-04T09:00")
    run.enqueue_due(db, POLICY, now)
    with db.transaction():
        task_service.mark_done(db, 1, now=now, actor="t")
    # queued before `done`: cancelled when sending …
    report = run.send_due(db, settings(tmp_path), POLICY, clock=lambda: now, worker="w")
    assert [c["task_id"] for c in report.cancelled] == [1]
    assert "done" in report.cancelled[0]["reason"]
    # … and the daily run cancels what is queued for done tasks too
    run.enqueue_due(db, POLICY, at("2023-01-16T09:00"))
    with db.transaction():
        task_service.mark_done(db, 2, now=at("2023-01-16T09:10"), actor="t")
    rep = run.enqueue_due(db, POLICY, at("2023-01-16T09:20"))
    # its pending nudge; its held window_opens had gone stale at 09:00 (more
    # than 5 working days after the window opened) and was skipped then
    assert rep.cancelled == 1
    assert {r["status"] for r in rows(db) if r["task_id"] == 2 and r["kind"] == "window_opens"} == {"skipped"}
    assert not [r for r in rows(db) if r["status"] in ("pending", "held")]


def test_nothing_is_sent_on_a_holiday(db_url: str, tmp_path: Path) -> None:
    db = make_db(db_url, 1)
    with db.transaction():
        set_unit(db, "สำนักปลัดฯ", ["palad@example.go.th"], now=T0, actor="t")
    run.enqueue_due(db, POLICY, at("2023-04-12T09:00"))
    report = run.send_due(db, settings(tmp_path), POLICY, clock=lambda: at("2023-04-13T09:00"), worker="w")
    assert report.sent == [] and report.not_working_day == "วันสงกรานต์"


@pytest.mark.parametrize("senders", [2, 4])
def test_concurrent_senders_never_share_a_row(db_url: str, tmp_path: Path, senders: int) -> None:
    """Several senders, each with its own connection, claim at once."""
    db = make_db(db_url, 40, owners=("สำนักปลัดฯ", "กองคลัง"))
    now = at("2023-01-04T09:00")
    run.enqueue_due(db, POLICY, now)
    total = len(rows(db))
    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(senders)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        conn = open_database(db_url)
        mine: list[int] = []
        try:
            barrier.wait()
            while True:
                with conn.transaction():
                    got = outbox.claim(conn, worker=name, now=now, lease=timedelta(minutes=5), limit=3)
                if not got:
                    break
                mine += [r["id"] for r in got]
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()
            claimed[name] = mine

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    every = [i for ids in claimed.values() for i in ids]
    assert len(every) == len(set(every)) == total == 80


def test_claim_reads_only_due_rows(db_url: str) -> None:
    """The sweep's cost follows the due rows: sent/cancelled history and rows
    due later are not claimed (and the index covers the filter)."""
    db = make_db(db_url, 3)
    run.enqueue_due(db, POLICY, at("2023-01-04T09:00"))
    with db.transaction():
        db.execute("UPDATE outbox SET status = 'sent'")
    run.enqueue_due(db, POLICY, at("2023-01-16T09:00"))
    with db.transaction():
        got = outbox.claim(db, worker="w", now=at("2023-01-16T09:00"), lease=timedelta(minutes=1), limit=100)
    assert {r["kind"] for r in got} == {"nudge"}
    if db.dialect == "sqlite":
        plan = db.query(
            "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE status IN ('pending', 'held')"
            " AND next_attempt_at <= '2023' ORDER BY next_attempt_at, id LIMIT 10"
        )
        assert any("ix_outbox_waiting" in str(p.get("detail")) for p in plan)


def test_dry_run_changes_nothing(db_url: str) -> None:
    db = make_db(db_url, 2)
    rep = run.enqueue_due(db, POLICY, at("2023-01-04T09:00"), dry_run=True)
    assert len(rep.added) == 2 and rows(db) == []


def test_preview_dates(db_url: str) -> None:
    from tracker.reminders.preview import preview

    db = make_db(db_url, 1)
    with db.transaction():
        set_unit(db, "สำนักปลัดฯ", ["palad@example.go.th"], now=T0, actor="t")
        got = preview(db, Settings(), POLICY, start=date(2022, 12, 1), end=date(2023, 4, 30), now=T0)
    assert got[0]["at"] == "2023-01-04T08:30:00+07:00" and got[0]["to"] == ["palad@example.go.th"]
    assert not [g for g in got if "2023-04-13" <= g["at"][:10] <= "2023-04-17"]
    assert rows(db) == []


def test_a_large_enqueue_refreshes_the_outbox_statistics(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After a province's first day the claim's plan must not rest on the
    # statistics of an empty table; the threshold is lowered to keep it small.
    db = make_db(db_url, 3)
    monkeypatch.setattr(outbox, "ANALYZE_AFTER", 3)
    assert not analysed(db)
    with db.transaction():
        added = run.enqueue_due(db, POLICY, at("2023-01-04T09:00"))
    assert added.queued >= 3
    assert analysed(db)


def test_a_busy_day_queued_batch_by_batch_refreshes_the_statistics(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A province's busy day queues its rows a few thousand a batch: the
    # run's total counts, not any one batch's.
    db = make_db(db_url, 2)
    with db.transaction():
        import_plan(db, small_plan(measure("1", "มาตรการหนึ่ง"), measure("2", "มาตรการสอง"),
                                   organisation="เทศบาลตำบลสอง"), source="b", now=T0, actor="test")
    monkeypatch.setattr(run, "TASKS_AT_A_TIME", 2)  # each plan a batch of its own
    monkeypatch.setattr(outbox, "ANALYZE_AFTER", 3)  # more than a batch queues, less than the run
    assert not analysed(db)
    report = run.enqueue_due(db, POLICY, at("2023-01-04T09:00"))
    assert report.plans == 2 and report.queued == 4
    assert analysed(db)


def analysed(db: Database) -> bool:
    """Whether the outbox's statistics have been gathered (ANALYZE)."""
    if db.dialect == "sqlite":
        has = db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        return bool(has) and bool(db.scalar("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'outbox'"))
    return db.scalar(
        "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables"
        " WHERE relname = 'outbox' AND schemaname = current_schema()"
    ) is True
