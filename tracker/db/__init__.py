"""Storage: one schema (schema.py, SQLAlchemy), Alembic migrations, and a thin
connection layer (connection.py) that speaks the same SQL to SQLite through the
standard library and to PostgreSQL through SQLAlchemy.

Why two drivers: an everyday command (`tracker done 2`) must start in a few
tens of milliseconds, and importing SQLAlchemy alone costs ~15x a bare Python
start. The SQL the services write is portable (named parameters, RETURNING,
ON CONFLICT), and the whole test suite runs it against both databases.
"""

# The Alembic revision this program's schema is at; tests check it is the head.
SCHEMA_REVISION = "0009"
