"""A brand-new database is made from schema.py in one step (tables, then
Alembic's stamp) instead of by the migrations one by one; both ways must
give the same schema, down to defaults, partial indexes and foreign keys."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import sqlalchemy as sa
from conftest import at, pg_schema
from test_migration_0004 import _to

from tracker.db import SCHEMA_REVISION
from tracker.db.connection import open_database
from tracker.db.migrate import upgrade

NOW = at("2023-01-04T09:00")


def structure(url: str) -> dict[str, Any]:
    """Every table's columns, indexes, keys and constraints, as the database
    itself reports them."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            ins = sa.inspect(conn)
            out: dict[str, Any] = {}
            for t in sorted(ins.get_table_names()):
                out[t] = {
                    "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                                for c in ins.get_columns(t)],
                    "pk": ins.get_pk_constraint(t)["constrained_columns"],
                    "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]),
                                       options(i.get("dialect_options", {})))
                                      for i in ins.get_indexes(t)),
                    "unique": sorted((tuple(u["column_names"]),) for u in ins.get_unique_constraints(t)),
                    "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                   tuple(f["referred_columns"]), options(f.get("options", {})))
                                  for f in ins.get_foreign_keys(t)),
                    "checks": sorted(c["sqltext"] for c in ins.get_check_constraints(t)),
                }
            return out
    finally:
        engine.dispose()


def options(found: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((k, " ".join(str(v).split())) for k, v in found.items())


def test_a_new_database_has_the_migrated_schema(db_url: str, tmp_path: Any) -> None:
    with ExitStack() as stack:
        migrated = (f"sqlite:///{tmp_path / 'migrated.db'}" if db_url.startswith("sqlite")
                    else stack.enter_context(pg_schema()))
        assert upgrade(db_url, now=NOW)[:2] == (None, SCHEMA_REVISION)
        _to(migrated, "head")
        made, stepped = structure(db_url), structure(migrated)
        assert set(made) == set(stepped)
        for table in made:
            assert made[table] == stepped[table], table
        assert open_database(db_url).revision() == SCHEMA_REVISION
