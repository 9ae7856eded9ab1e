"""stand-ins for a unit's mail, and archived plans

Revision ID: 0007
Revises: 0006

`unit_stand_ins` holds who receives a unit's reminders in its head's
absence: one row per address and period (from, until, both inclusive), so a
unit may have several periods; it starts empty. `plans.archived_at` marks a
plan that `tracker archive` finished with (its measures get no reminders);
it is NULL for every existing plan: nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'unit_stand_ins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('unit', sa.Text(), nullable=False),
        sa.Column('address', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_unit_stand_ins_period_order')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_unit_stand_ins_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_stand_ins')),
    )
    op.create_index('ix_unit_stand_ins_unit', 'unit_stand_ins', ['organisation_id', 'unit'])
    # A nullable column needs no table rebuild on SQLite (plain ADD COLUMN).
    op.add_column('plans', sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plans') as batch:
        batch.drop_column('archived_at')
    op.drop_index('ix_unit_stand_ins_unit', table_name='unit_stand_ins')
    op.drop_table('unit_stand_ins')
