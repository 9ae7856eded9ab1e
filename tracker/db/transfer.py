"""Copy a whole tracker database into another, e.g. SQLite → PostgreSQL.

Ids are kept (history, calendars and scripts refer to them), so the target
must be empty. Everything goes in one transaction on the target: an error
leaves it as it was.
"""

from __future__ import annotations

from datetime import datetime

from tracker.db.connection import Database
from tracker.db.migrate import ensure_schema
from tracker.errors import DatabaseError


def copy_database(source: Database, target: Database, *, now: datetime) -> dict[str, int]:
    """Copy every row; returns rows copied per table. Checks the counts after."""
    from tracker.db.schema import metadata

    ensure_schema(target, now=now)
    tables = metadata.sorted_tables  # parents before children
    for table in tables:
        if target.scalar(f"SELECT COUNT(*) AS n FROM {table.name}"):
            raise DatabaseError(
                f"ฐานข้อมูลปลายทางมีข้อมูลอยู่แล้ว (the target database is not empty: table {table.name})"
            )
    copied: dict[str, int] = {}
    with target.transaction():
        for table in tables:
            rows = source.query(f"SELECT * FROM {table.name}")
            if rows:
                cols = list(rows[0])
                names, marks = ", ".join(cols), ", ".join(":" + c for c in cols)
                target.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
            copied[table.name] = len(rows)
        if target.dialect == "postgresql":
            # Rows came with their ids: move each id sequence past them.
            for table in tables:
                if "id" in table.c and table.c.id.primary_key:
                    target.query(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
        for name, count in copied.items():
            if target.scalar(f"SELECT COUNT(*) AS n FROM {name}") != count:
                raise DatabaseError(f"copy of {name} is incomplete")
    return copied
