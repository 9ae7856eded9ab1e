"""Migration 0006 (the outbox's thread and waiting-mail indexes) on a
database of the previous tracker: made at 0005 with mail queued, upgraded by
`upgrade` (what `tracker init` runs); the rows stay, the indexes are there,
and the way back restores the old index."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from conftest import at
from factories import measure, small_plan
from test_migration_0004 import _to

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import Database, open_database
from tracker.db.migrate import upgrade
from tracker.services.importing import import_plan
from tracker.services.units import set_unit

NOW = at("2023-01-04T09:00")
NEW = {"ix_outbox_thread_due", "ix_outbox_thread_waiting", "ix_outbox_may_go_stale"}


def queue_mail(db: Database) -> int:
    """Outbox rows as a 0005 database holds them, written in the 0005 table's
    own columns: the reminder run of today reads columns a 0005 database
    lacks (plans.archived_at), and this test is about the outbox's rows."""
    task = db.scalar("SELECT id FROM tasks ORDER BY id LIMIT 1")
    with db.transaction():
        for key, kind in (("window_opens:1:2023-01-04", "window_opens"), ("nudge:1:2023-01-18", "nudge")):
            db.execute(
                "INSERT INTO outbox (key, thread, kind, organisation_id, task_id, unit, due_at,"
                " next_attempt_at, created_at, updated_at)"
                " VALUES (:key, :thread, :kind, 1, :task, 'สำนักปลัดฯ', :now, :now, :now, :now)",
                {"key": key, "thread": key.rsplit(":", 1)[0], "kind": kind, "task": task, "now": NOW},
            )
    return int(db.scalar("SELECT COUNT(*) FROM outbox"))


def indexes(db_url: str) -> set[str]:
    engine = sa.create_engine(db_url)
    try:
        return {i["name"] for i in sa.inspect(engine).get_indexes("outbox")}
    finally:
        engine.dispose()


def test_0005_database_upgrades_to_0006_and_back(db_url: str, tmp_path: Path) -> None:
    _to(db_url, "0005")
    db = open_database(db_url)
    with db.transaction():
        import_plan(db, small_plan(measure("1", "มาตรการหนึ่ง")), source="t", now=NOW, actor="t")
        set_unit(db, "สำนักปลัดฯ", ["palad@bangchakreng.go.th"], now=NOW, actor="t")
    queued = queue_mail(db)
    db.close()
    assert queued > 0 and "ix_outbox_thread" in indexes(db_url)
    before, after, _backup = upgrade(db_url, now=NOW)
    assert (before, after) == ("0005", SCHEMA_REVISION) and SCHEMA_REVISION >= "0006"
    assert indexes(db_url) >= NEW and "ix_outbox_thread" not in indexes(db_url)
    db = open_database(db_url)
    with db.transaction():
        assert db.scalar("SELECT COUNT(*) FROM outbox") == queued
    db.close()
    _to(db_url, "0005", down=True)
    assert "ix_outbox_thread" in indexes(db_url) and not NEW & indexes(db_url)
