"""outbox threads indexed by their newest row and by what is waiting; the
waiting mail that can go stale indexed by task

Revision ID: 0006
Revises: 0005

A new reminder cancels the older unsent rows of its thread. A thread keeps
every row it ever had (an overdue series: one a week), so with an index on
`thread` alone each cancel read the whole thread, once for the rows to
cancel and once for its newest row: the daily run grew through the season.
`(thread, due_at)` finds the newest row in one step; the partial index on the
waiting rows finds the rows to cancel among the few still unsent. The daily
run looks again at a task whose opening or nudge mail still waits (it may
have gone stale): a partial index holds just those rows, so the check costs
the same whatever else waits (when nothing is sent, a season's worth).
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

WAITING = sa.text("status IN ('pending', 'held')")
MAY_GO_STALE = sa.text("status IN ('pending', 'held') AND kind IN ('window_opens', 'nudge')")


def upgrade() -> None:
    op.drop_index('ix_outbox_thread', table_name='outbox')
    op.create_index('ix_outbox_thread_due', 'outbox', ['thread', 'due_at'])
    op.create_index('ix_outbox_thread_waiting', 'outbox', ['thread'],
                    postgresql_where=WAITING, sqlite_where=WAITING)
    op.create_index('ix_outbox_may_go_stale', 'outbox', ['task_id'],
                    postgresql_where=MAY_GO_STALE, sqlite_where=MAY_GO_STALE)


def downgrade() -> None:
    op.drop_index('ix_outbox_may_go_stale', table_name='outbox')
    op.drop_index('ix_outbox_thread_waiting', table_name='outbox')
    op.drop_index('ix_outbox_thread_due', table_name='outbox')
    op.create_index('ix_outbox_thread', 'outbox', ['thread'])
