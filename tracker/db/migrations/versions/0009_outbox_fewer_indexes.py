"""the outbox keeps fewer indexes up to date on a busy day

Revision ID: 0009
Revises: 0008

Each new row (and each row a newer one cancels) was written into nine
indexes; a province's busiest day writes forty thousand. Two of them indexed
every row for questions about a few: (status, next_attempt_at) served
`--status` and the held rows (the claim has ix_outbox_waiting), and sent_at
indexed the unsent rows too. Now: the rows a person must look at (failed,
held, skipped, tried more than once) by when they changed, and the sent
rows by when they were sent.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ATTENTION = sa.text("status IN ('failed', 'held', 'skipped') OR attempts > 0")
SENT = sa.text("sent_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index('ix_outbox_status_next', table_name='outbox')
    op.create_index('ix_outbox_attention', 'outbox', ['status', 'updated_at'],
                    postgresql_where=ATTENTION, sqlite_where=ATTENTION)
    op.drop_index('ix_outbox_sent', table_name='outbox')
    op.create_index('ix_outbox_sent', 'outbox', ['sent_at'], postgresql_where=SENT, sqlite_where=SENT)


def downgrade() -> None:
    op.drop_index('ix_outbox_sent', table_name='outbox')
    op.create_index('ix_outbox_sent', 'outbox', ['sent_at'])
    op.drop_index('ix_outbox_attention', table_name='outbox')
    op.create_index('ix_outbox_status_next', 'outbox', ['status', 'next_attempt_at'])
