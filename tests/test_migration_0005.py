"""Migration 0005 (feed links, cancelled meetings, CalDAV push state) on a
database of the previous tracker: made at 0004 with a plan in it, upgraded by
`upgrade` (what `tracker init` runs); nothing lost, the new parts work, and
the way back is clean."""

from __future__ import annotations

from pathlib import Path

from conftest import at
from factories import measure, small_plan
from test_migration_0004 import _to

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import open_database
from tracker.db.migrate import upgrade
from tracker.services import feed_links, links, meetings, tasks
from tracker.services.importing import import_plan

NOW = at("2023-03-01T09:00")


def test_0004_database_upgrades_to_0005_and_back(db_url: str, tmp_path: Path) -> None:
    _to(db_url, "0004")
    db = open_database(db_url)
    with db.transaction():
        import_plan(db, small_plan(measure("1", "มาตรการหนึ่ง")), source="t", now=NOW, actor="t")
        tasks.set_progress(db, 1, 40, now=NOW, actor="t")
        links.renew(db, 1, "สำนักปลัดฯ", now=NOW, actor="t")
    db.close()
    before, after, _backup = upgrade(db_url, now=NOW)
    assert (before, after) == ("0004", SCHEMA_REVISION) and SCHEMA_REVISION >= "0005"
    db = open_database(db_url)
    assert tasks.get_task(db, 1, now=NOW)["progress"] == 40
    assert links.version(db, 1, "สำนักปลัดฯ") == 2
    with db.transaction():
        assert feed_links.version(db, 1, None) == 1
        assert feed_links.renew(db, 1, None, now=NOW, actor="t") == 2
        assert feed_links.version(db, 1, "สำนักปลัดฯ") == 1
        meeting = meetings.list_meetings(db)[0]
        assert meeting["cancelled_at"] is None and meeting["dropped"] == []
        cancelled = meetings.cancel_meeting(db, meeting["id"], now=NOW, actor="t")
        assert cancelled["cancelled_at"] is not None
        db.execute("INSERT INTO caldav_items (calendar, uid, href, etag, digest, pushed_at)"
                   " VALUES ('http://x/', 'u', '/u.ics', '\"1\"', 'd', :now)", {"now": NOW})
    db.close()
    _to(db_url, "0004", down=True)
    db = open_database(db_url)
    assert db.revision() == "0004"
    assert tasks.get_task(db, 1, now=NOW)["progress"] == 40
    assert links.version(db, 1, "สำนักปลัดฯ") == 2
    row = db.query("SELECT * FROM meetings")[0]
    assert "cancelled_at" not in row and "dropped" not in row
    db.close()
