"""Migration 0007 (stand-ins, archived plans) on a database of the previous
tracker: made at 0006 with a plan and a unit's addresses, upgraded by
`upgrade` (what `tracker init` runs); nothing lost, the new parts work and
match schema.py, and the way back (a rebuild of `plans` on SQLite) keeps
every task."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import at
from factories import measure, small_plan
from test_migration_0004 import _to

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import open_database
from tracker.db.migrate import upgrade
from tracker.db.schema import metadata
from tracker.services import plans, tasks, units
from tracker.services.importing import import_plan

NOW = at("2023-01-04T09:00")
HEAD = "palad@bangchakreng.go.th"


def drift(db_url: str) -> list[object]:
    """What differs between the migrated database and schema.py, for 0007's parts."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    return [d for d in diffs if "unit_stand_ins" in repr(d) or "archived_at" in repr(d)]


def test_0006_database_upgrades_to_0007_and_back(db_url: str, tmp_path: Path) -> None:
    _to(db_url, "0006")
    db = open_database(db_url)
    with db.transaction():
        import_plan(db, small_plan(measure("1", "หนึ่ง"), measure("2", "สอง")), source="t", now=NOW, actor="t")
        units.set_unit(db, "สำนักปลัดฯ", [HEAD], now=NOW, actor="t")
        tasks.set_progress(db, 1, 40, now=NOW, actor="t")
    db.close()
    before, after, _backup = upgrade(db_url, now=NOW)
    assert (before, after) == ("0006", SCHEMA_REVISION) and SCHEMA_REVISION >= "0007"
    assert drift(db_url) == []
    db = open_database(db_url)
    assert plans.get_plan(db, 1)["archived_at"] is None
    with db.transaction():
        units.add_stand_in(db, "สำนักปลัดฯ", ["somsri@bangchakreng.go.th"], starts_on=None,
                           ends_on=date(2023, 1, 20), now=NOW, actor="t")
        plans.archive(db, 1, reason="ทดสอบ", now=NOW, actor="t")
    assert units.recipients(db, 1, "สำนักปลัดฯ", date(2023, 1, 10)) == (["somsri@bangchakreng.go.th"], [HEAD])
    assert plans.archived_plan_ids(db, [1]) == {1}
    db.close()
    _to(db_url, "0006", down=True)
    db = open_database(db_url)
    assert db.revision() == "0006"
    assert "archived_at" not in db.query("SELECT * FROM plans")[0]
    assert db.scalar("SELECT COUNT(*) FROM tasks") == 2  # the rebuild of plans took no task with it
    assert tasks.get_task(db, 1, now=NOW)["progress"] == 40
    assert db.scalar("SELECT emails FROM units WHERE name = 'สำนักปลัดฯ'") == f'["{HEAD}"]'
    db.close()
    engine = sa.create_engine(db_url)
    try:
        assert not sa.inspect(engine).has_table("unit_stand_ins")
    finally:
        engine.dispose()
