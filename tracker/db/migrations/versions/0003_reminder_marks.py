"""how far the daily reminder run has decided each plan

Revision ID: 0003
Revises: 0002

The daily run used to look at every open task of every plan each day; at a
province's scale (80,000 tasks) the late season cost several times the first
day. With a mark per plan it looks again only at the tasks that changed since
the last run or have a reminder step after it. An empty table is a valid
state: the first run after the upgrade looks at everything, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reminder_marks',
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('through', sa.Date(), nullable=False),
        sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('policy', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_reminder_marks_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_reminder_marks')),
    )


def downgrade() -> None:
    op.drop_table('reminder_marks')
