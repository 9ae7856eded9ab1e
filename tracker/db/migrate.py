"""Create or upgrade the schema with Alembic (slow path: imports SQLAlchemy)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import Database, SqliteDatabase, check_revision, sqlite_path
from tracker.errors import DatabaseError, DatabaseMissing

if TYPE_CHECKING:
    import sqlalchemy as sa

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"


def upgrade(url: str, *, now: datetime) -> tuple[str | None, str, Path | None]:
    """Bring the database at `url` to this program's schema, all or nothing.

    Returns (revision before, revision after, backup file or None). A SQLite
    file that already holds data is copied aside first: a batch migration
    rebuilds tables, and a copy is the cheapest undo. A database holding
    tables tracker did not make is refused untouched.
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

    backup = None
    path = sqlite_path(url)
    if path is not None and before not in (None, SCHEMA_REVISION):
        backup = path.with_name(f"{path.name}.{now:%Y%m%d-%H%M%S}.bak")
        shutil.copy2(path, backup)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = _engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            # One transaction from the check to the version stamp: a kill at any
            # point leaves the database as it was, or complete.
            if _claim(conn):
                # A brand-new database: the tables of schema.py and the stamp
                # (Alembic's recipe), not the eight migrations one by one; a
                # test checks that both give the same schema.
                from tracker.db.schema import metadata

                metadata.create_all(conn, checkfirst=False)  # _claim found it empty
                cfg.attributes["connection"] = conn
                command.stamp(cfg, "head")
            else:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")  # nothing to do at head (another init may just have run)
    except sa.exc.DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        raise DatabaseError(f"ปรับปรุงฐานข้อมูลไม่สำเร็จ (upgrade failed: {first})") from None
    finally:
        engine.dispose()
    return before, SCHEMA_REVISION, backup


def _engine(url: str) -> sa.Engine:
    """An engine whose transactions really hold DDL.

    Python's sqlite3 opens a transaction only before INSERT/UPDATE/DELETE, so a
    CREATE TABLE runs in autocommit: each table of a killed `init` stayed
    behind. Here the driver is left in autocommit and BEGIN is ours (the recipe
    in SQLAlchemy's pysqlite notes); the pragmas run before any transaction,
    where SQLite honours them.
    """
    import sqlalchemy as sa

    path = sqlite_path(url)
    if path is None:
        return sa.create_engine(url)
    from tracker.db.connection import busy_timeout

    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": busy_timeout()})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        # A table rebuild with foreign keys on deletes child rows.
        dbapi_conn.execute("PRAGMA foreign_keys = OFF")
        dbapi_conn.execute("PRAGMA journal_mode = WAL")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _claim(conn: sa.Connection) -> bool:
    """Refuse a database that holds tables tracker did not make; clear what a
    pre-transactional `init` left half-made (its own tables, empty, unstamped).
    Whether the database is (now) empty."""
    import sqlalchemy as sa


    names = set(sa.inspect(conn).get_table_names())
    _refuse_foreign(names)
    # Looked at inside the transaction: a second `init` (or a first command)
    # that waited for this lock finds the first one's complete, stamped schema.
    leftovers = _leftovers(conn, names)
    for name in leftovers:
        conn.exec_driver_sql(f'DROP TABLE "{name}"')
    return not names - set(leftovers)


def _refuse_foreign(names: set[str]) -> None:
    from tracker.db.schema import metadata

    foreign = sorted(names - set(metadata.tables) - {VERSION_TABLE})
    if foreign:
        raise DatabaseError(
            "ฐานข้อมูลนี้มีตารางที่ tracker ไม่ได้สร้าง จึงไม่แตะต้อง ใช้ไฟล์หรือฐานข้อมูลใหม่ "
            f"(the database holds tables tracker did not make: {', '.join(foreign[:5])}; use an empty one)"
        )


def _leftovers(conn: sa.Connection, names: set[str]) -> list[str]:
    """The tables a killed `init` left (ours, empty, unstamped); another
    program's table of one of our names is refused."""
    from tracker.db.schema import metadata

    leftovers = [] if VERSION_TABLE in names else sorted(names & set(metadata.tables))
    if leftovers and (
        conn.dialect.name != "sqlite" or not all(_half_made(conn, metadata.tables[n]) for n in leftovers)
    ):
        raise DatabaseError(
            "ฐานข้อมูลนี้มีตารางชื่อเดียวกับของ tracker แต่ไม่มีรุ่นของโครงสร้าง จึงไม่แตะต้อง "
            "(the database holds tables named like tracker's but no schema version: "
            f"{', '.join(leftovers[:5])})"
        )
    return leftovers


def refuse_uncreated(url: str) -> NoReturn:
    """For a command that reads: the database exists but holds no schema yet
    (an empty PostgreSQL database, a file a killed `init` left). Say so in one
    line, naming another program's tables if that is what it holds."""
    import sqlalchemy as sa

    from tracker.db.connection import _safe_url

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            _refuse_foreign(names)
            _leftovers(conn, names)
    finally:
        engine.dispose()
    raise DatabaseMissing(
        f"ฐานข้อมูล {_safe_url(url)} ยังว่าง สร้างด้วย tracker init หรือ tracker import แผน "
        "(the database is empty: run `tracker init` or `tracker import PLAN`)"
    )


def _half_made(conn: sa.Connection, table: sa.Table) -> bool:
    """Ours exactly (same columns) and empty: what a killed `init` left. Another
    program's table of the same name is neither, and is never dropped."""
    import sqlalchemy as sa

    columns = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    if columns != set(table.columns.keys()):
        return False
    return conn.exec_driver_sql(f'SELECT 1 FROM "{table.name}" LIMIT 1').first() is None


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
