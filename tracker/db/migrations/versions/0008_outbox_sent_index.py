"""outbox indexed by when it was sent

Revision ID: 0008
Revises: 0007

A person gets one reminder digest a working day: before sending, the run
asks which addresses of an organisation a unit's reminder reached since
midnight. The outbox keeps a season's rows; by the day they were sent, the
question reads only today's.
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_outbox_sent', 'outbox', ['sent_at'])


def downgrade() -> None:
    op.drop_index('ix_outbox_sent', table_name='outbox')
