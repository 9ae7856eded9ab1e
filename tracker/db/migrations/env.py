"""Alembic environment. Migrations run from code (tracker.db.migrate), which
hands over an open connection in config.attributes["connection"]."""

from __future__ import annotations

from alembic import context

from tracker.db.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
