"""outbox threads indexed by their newest row and by what is waiting

Revision ID: 0005
Revises: 0004

A new reminder cancels the older unsent rows of its thread. A thread keeps
every row it ever had (an overdue series: one a week), so with an index on
`thread` alone each cancel read the whole thread, once for the rows to
cancel and once for its newest row: the daily run grew through the season.
`(thread, due_at)` finds the newest row in one step; the partial index on the
waiting rows finds the rows to cancel among the few still unsent.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

WAITING = sa.text("status IN ('pending', 'held')")


def upgrade() -> None:
    op.drop_index('ix_outbox_thread', table_name='outbox')
    op.create_index('ix_outbox_thread_due', 'outbox', ['thread', 'due_at'])
    op.create_index('ix_outbox_thread_waiting', 'outbox', ['thread'],
                    postgresql_where=WAITING, sqlite_where=WAITING)


def downgrade() -> None:
    op.drop_index('ix_outbox_thread_waiting', table_name='outbox')
    op.drop_index('ix_outbox_thread_due', table_name='outbox')
    op.create_index('ix_outbox_thread', 'outbox', ['thread'])
