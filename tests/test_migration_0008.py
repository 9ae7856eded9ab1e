"""Migration 0008 (the outbox indexed by when it was sent) on a database of
the previous tracker: made at 0007 with mail sent, upgraded by `upgrade`
(what `tracker init` runs); the rows stay, the index is there, and the way
back drops it."""

from __future__ import annotations

from conftest import at
from test_migration_0004 import _to
from test_migration_0006 import indexes

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import open_database
from tracker.db.migrate import upgrade

NOW = at("2023-01-04T09:00")


def test_0007_database_upgrades_to_0008_and_back(db_url: str) -> None:
    _to(db_url, "0007")
    db = open_database(db_url)
    with db.transaction():  # a sent row, in the 0007 table's own columns
        db.execute("INSERT INTO organisations (name, created_at) VALUES ('o', :now)",
                   {"now": NOW.isoformat()})
        db.execute(
            "INSERT INTO outbox (key, thread, kind, organisation_id, unit, recipients, detail, due_at,"
            " status, attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES"
            " ('k', 't', 'overdue', 1, 'u', '[\"a@b.go.th\"]', '{}', :now, 'sent', 1, :now, :now, :now,"
            " :now)",
            {"now": NOW.isoformat()})
    db.close()
    assert "ix_outbox_sent" not in indexes(db_url)
    before, after, _backup = upgrade(db_url, now=NOW)
    assert (before, after) == ("0007", SCHEMA_REVISION) and SCHEMA_REVISION >= "0008"
    assert "ix_outbox_sent" in indexes(db_url)
    db = open_database(db_url)
    with db.transaction():
        assert db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == 1
    db.close()
    _to(db_url, "0007", down=True)
    assert "ix_outbox_sent" not in indexes(db_url)
