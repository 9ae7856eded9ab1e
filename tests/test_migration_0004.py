"""Migration 0004 (the web pages' tables) on a database of the previous
tracker: made at 0003 with a plan in it, upgraded by `upgrade` (what `tracker
init` runs); nothing lost, the new tables work, and the way back is clean."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from conftest import at
from factories import measure, small_plan

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import open_database
from tracker.db.migrate import MIGRATIONS, _engine, upgrade
from tracker.services import links, tasks, users
from tracker.services.importing import import_plan

NOW = at("2023-03-01T09:00")


def _to(url: str, revision: str, *, down: bool = False) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = _engine(url)
    with engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
    engine.dispose()


def test_0003_database_upgrades_to_0004(db_url: str, tmp_path: Path) -> None:
    _to(db_url, "0003")
    db = open_database(db_url)
    with db.transaction():
        import_plan(db, small_plan(measure("1", "มาตรการหนึ่ง")), source="t", now=NOW, actor="t")
        tasks.set_progress(db, 1, 40, now=NOW, actor="t")
    db.close()
    before, after, _backup = upgrade(db_url, now=NOW)
    assert (before, after) == ("0003", SCHEMA_REVISION) and SCHEMA_REVISION >= "0004"
    db = open_database(db_url)
    assert tasks.get_task(db, 1, now=NOW)["progress"] == 40
    with db.transaction():
        assert links.version(db, 1, "สำนักปลัดฯ") == 1
        assert links.renew(db, 1, "สำนักปลัดฯ", now=NOW, actor="t") == 2
        assert users.add_user(db, "somjai", "correct horse 1", now=NOW, actor="t")
    assert users.sign_in(db, "somjai", "correct horse 1", now=NOW).ok
    db.close()
    _to(db_url, "0003", down=True)
    db = open_database(db_url)
    assert db.revision() == "0003"
    assert tasks.get_task(db, 1, now=NOW)["progress"] == 40
    db.close()
