"""Create or upgrade the schema with Alembic (slow path: imports SQLAlchemy)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import Database, SqliteDatabase, check_revision, sqlite_path
from tracker.errors import DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"


def upgrade(url: str, *, now: datetime) -> tuple[str | None, str, Path | None]:
    """Bring the database at `url` to this program's schema.

    Returns (revision before, revision after, backup file or None). A SQLite
    file that already holds data is copied aside first: a batch migration
    rebuilds tables, and a copy is the cheapest undo.
    """
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from tracker.db.connection import open_database

    probe = open_database(url)
    try:
        before = check_revision(probe)
    finally:
        probe.close()
    if before == SCHEMA_REVISION:
        return before, before, None

    backup = None
    path = sqlite_path(url)
    if path is not None and before is not None:
        backup = path.with_name(f"{path.name}.{now:%Y%m%d-%H%M%S}.bak")
        shutil.copy2(path, backup)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = sa.create_engine(_sa_url(url))
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # A table rebuild with foreign keys on deletes child rows.
                conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
                conn.exec_driver_sql("PRAGMA journal_mode = WAL")
                conn.commit()
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    except sa.exc.OperationalError as exc:
        raise DatabaseError(f"ปรับปรุงฐานข้อมูลไม่สำเร็จ (upgrade failed: {exc.orig})") from exc
    finally:
        engine.dispose()
    return before, SCHEMA_REVISION, backup


def _sa_url(url: str) -> str:
    path = sqlite_path(url)
    return f"sqlite:///{path}" if path is not None else url


def ensure_schema(db: Database, *, now: datetime) -> None:
    """Create the schema of a brand-new database; refuse an outdated one."""
    rev = check_revision(db)
    if rev == SCHEMA_REVISION:
        return
    if rev is not None:
        raise DatabaseError(
            f"ฐานข้อมูลเป็นรุ่นเก่า ใช้ tracker init เพื่อปรับปรุง "
            f"(database schema {rev} is older than {SCHEMA_REVISION}: run `tracker init`)"
        )
    if isinstance(db, SqliteDatabase):
        db.conn.commit()
    upgrade(db.url, now=now)
