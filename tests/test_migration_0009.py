"""Migration 0009 (fewer outbox indexes to write) on a database of the
previous tracker: made at 0008 with mail sent, failed and waiting, upgraded
by `upgrade` (what `tracker init` runs); the rows stay, the new indexes hold
just the rows they are for, and the way back restores 0008's."""

from __future__ import annotations

from conftest import at
from test_migration_0004 import _to
from test_migration_0006 import indexes

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import open_database
from tracker.db.migrate import upgrade
from tracker.reminders import outbox

NOW = at("2023-01-04T09:00")


def test_0008_database_upgrades_to_0009_and_back(db_url: str) -> None:
    _to(db_url, "0008")
    db = open_database(db_url)
    with db.transaction():  # a sent, a failed and a waiting row, in the 0008 table's own columns
        db.execute("INSERT INTO organisations (name, created_at) VALUES ('o', :now)",
                   {"now": NOW.isoformat()})
        rows = (("a", "sent", NOW.isoformat()), ("b", "failed", None), ("c", "pending", None))
        for key, status, sent in rows:
            db.execute(
                "INSERT INTO outbox (key, thread, kind, organisation_id, unit, recipients, detail, due_at,"
                " status, attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES"
                " (:key, :key, 'overdue', 1, 'u', '[\"a@b.go.th\"]', '{}', :now, :status, 1, :now, :sent,"
                " :now, :now)",
                {"key": key, "status": status, "sent": sent, "now": NOW.isoformat()})
    db.close()
    assert "ix_outbox_status_next" in indexes(db_url) and "ix_outbox_attention" not in indexes(db_url)
    before, after, _backup = upgrade(db_url, now=NOW)
    assert (before, after) == ("0008", SCHEMA_REVISION) and SCHEMA_REVISION >= "0009"
    assert {"ix_outbox_attention", "ix_outbox_sent"} <= indexes(db_url)
    assert "ix_outbox_status_next" not in indexes(db_url)
    db = open_database(db_url)
    with db.transaction():
        assert [r["key"] for r in outbox.failed_rows(db, None)] == ["b"]
        shown = outbox.summary(db, now=NOW)
        assert [r["key"] for r in shown["failed"]] == ["b"] and [r["key"] for r in shown["retrying"]] == ["c"]
        assert outbox.mailed_since(db, [1], NOW) == {(1, "a@b.go.th")}
    db.close()
    _to(db_url, "0008", down=True)
    assert "ix_outbox_status_next" in indexes(db_url) and "ix_outbox_attention" not in indexes(db_url)
