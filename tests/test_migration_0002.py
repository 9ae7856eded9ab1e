"""Migration 0002 on a database made by the previous tracker: created at
revision 0001, filled with work, upgraded; nothing lost, and the calendar UIDs
a calendar already holds are the ones the next export gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import icalendar
import pytest
from alembic import command
from alembic.config import Config
from conftest import at

from tracker.calendar import export_calendar
from tracker.calendar.uids import task_uid
from tracker.db import SCHEMA_REVISION
from tracker.db.connection import open_database
from tracker.db.migrate import MIGRATIONS, _engine, upgrade
from tracker.errors import DatabaseError
from tracker.services import tasks

NOW = at("2023-03-01T09:00")
ORG = "เทศบาลตำบลบางจะเกร็ง"
STAMP = "2023-02-01T02:00:00.000000+00:00"


def _at_0001(url: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = _engine(url)
    with engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()


def _fill(url: str) -> None:
    """What the 0001 program wrote: a plan, three tasks (one with a Thai-digit
    number), items, evidence, history and an outbox row."""
    db = open_database(url)
    rows: list[tuple[str, dict[str, Any]]] = [
        ("INSERT INTO organisations (id, name, created_at) VALUES (1, :n, :s)", {"n": ORG}),
        (
            "INSERT INTO plans (id, organisation_id, fiscal_year, title, source, imported_at, updated_at)"
            " VALUES (1, 1, 2566, 'แผน', 'plan.txt', :s, :s)",
            {},
        ),
        (
            "INSERT INTO meetings (id, plan_id, key, title, month, updated_at)"
            " VALUES (1, 1, '2023-04 ประชุม', 'ประชุม', '2023-04', :s)",
            {},
        ),
    ]
    for i, (number, title, progress) in enumerate([("1", "ก", 40), ("2.1", "ข", 100), ("๓", "ค", 0)], 1):
        rows.append(
            (
                "INSERT INTO tasks (id, plan_id, number, position, title, actions, owners, period_text,"
                " starts_on, ends_on, followup_text, meeting_id, progress, done_at, result, problems,"
                " sequence, updated_at) VALUES (:id, 1, :no, :pos, :title, 'ทำ', '[\"สำนักปลัดฯ\"]',"
                " 'ม.ค. - มี.ค. ๖๖', '2023-01-01', '2023-03-31', 'รายงาน', 1, :p, :done, :r, 'ปัญหา', 3, :s)",
                {
                    "id": i,
                    "no": number,
                    "pos": i - 1,
                    "title": title,
                    "p": progress,
                    "done": STAMP if progress == 100 else None,
                    "r": f"ผล {title}",
                },
            )
        )
    rows += [
        ("INSERT INTO task_items (task_id, no, position, text, done_at) VALUES (1, '1', 0, 'ข้อแรก', :s)", {}),
        ("INSERT INTO evidence (task_id, ref, title, added_at) VALUES (2, 'https://x.go.th', 'เว็บ', :s)", {}),
        (
            "INSERT INTO history (at, actor, action, task_id, detail) VALUES (:s, 'somjai', 'done', 2, '{}')",
            {},
        ),
        (
            "INSERT INTO outbox (key, thread, kind, task_id, due_at, next_attempt_at, created_at, updated_at)"
            " VALUES ('k1', 't1', 'window_opens', 1, :s, :s, :s, :s)",
            {},
        ),
    ]
    with db.transaction():
        for sql, params in rows:
            db.execute(sql, {"s": STAMP, **params})
    db.close()


def _window_uids(url: str) -> dict[str, str]:
    db = open_database(url)
    try:
        cal = icalendar.Calendar.from_ical(export_calendar(db, now=NOW))
    finally:
        db.close()
    return {str(c["UID"]): str(c["SUMMARY"]) for c in cal.walk("VEVENT") if "-window@" in str(c["UID"])}


def test_upgrade_from_0001_keeps_the_data_and_the_calendar_uids(db_url: str, tmp_path: Path) -> None:
    _at_0001(db_url)
    _fill(db_url)
    db = open_database(db_url)
    assert db.revision() == "0001"
    db.close()

    before, after, backup = upgrade(db_url, now=NOW)
    assert (before, after) == ("0001", SCHEMA_REVISION)
    if db_url.startswith("sqlite"):
        assert backup is not None and backup.exists()

    db = open_database(db_url)
    try:
        found = {t["number"]: t for t in tasks.list_tasks(db, now=NOW)}
        assert list(found) == ["1", "2.1", "๓"]
        one, two = found["1"], found["2.1"]
        assert one["progress"] == 40 and one["items"] == [{"no": "1", "text": "ข้อแรก", "done": True}]
        assert two["status"] == "done" and two["evidence"] == [{"ref": "https://x.go.th", "title": "เว็บ"}]
        assert one["outcome"]["result"] == "ผล ก" and one["outcome"]["problems"] == "ปัญหา"
        assert one["owners"] == ["สำนักปลัดฯ"] and one["meeting"]["id"] == 1
        # the new columns start empty, not as garbage
        assert one["section"] == "" and one["extra"] == [] and one["checkpoints"] == []
        assert one["period_unclear"] is False
        assert db.scalar("SELECT count(*) FROM history WHERE task_id = 2") == 1
        assert db.scalar("SELECT count(*) FROM outbox WHERE task_id = 1") == 1
        keys = [r["uid_key"] for r in db.query("SELECT uid_key FROM tasks ORDER BY id")]
        assert keys == ["m1", "m2.1", "m_e53"]
        # the progress check survived the table rebuild
        with pytest.raises(DatabaseError), db.transaction():
            db.execute("UPDATE tasks SET progress = 101 WHERE id = 1")
        # two tasks may now share a number (a renumbered or sectioned plan) but not a key
        with db.transaction():
            db.execute("UPDATE tasks SET number = '1' WHERE id = 3")
        with pytest.raises(DatabaseError), db.transaction():
            db.execute("UPDATE tasks SET uid_key = 'm1' WHERE id = 3")
        with db.transaction():
            db.execute("UPDATE tasks SET number = '๓' WHERE id = 3")
        edited = json.loads(db.scalar("SELECT edited FROM tasks WHERE id = 1"))
        assert edited == {}
    finally:
        db.close()

    # what the 0001 program exported for each measure is what this one exports
    uids = _window_uids(db_url)
    assert set(uids) == {task_uid(ORG, 2566, n, "window") for n in ("1", "2.1", "๓")}
    assert upgrade(db_url, now=NOW)[2] is None  # nothing more to do
