"""calendars that stay current: feed links, cancelled meetings, CalDAV push state

Revision ID: 0005
Revises: 0004

`calendar_links` holds each calendar feed's version (revoking moves it);
`meetings.cancelled_at` marks a cancelled follow-up meeting (its invitation
becomes a METHOD:CANCEL) and `meetings.dropped` the attendees taken off its
list (they get a CANCEL of their own); `caldav_items` what `tracker ics push` last put on
a CalDAV calendar. New tables start empty and the new column is NULL:
nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'calendar_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('unit', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_calendar_links_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_links')),
        sa.UniqueConstraint('organisation_id', 'unit', name='uq_calendar_links_unit'),
    )
    op.create_table(
        'caldav_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('calendar', sa.Text(), nullable=False),
        sa.Column('uid', sa.Text(), nullable=False),
        sa.Column('href', sa.Text(), nullable=False),
        sa.Column('etag', sa.Text(), nullable=True),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('pushed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_caldav_items')),
        sa.UniqueConstraint('calendar', 'uid', name='uq_caldav_items_uid'),
    )
    # A nullable column, or one with a constant default, needs no table rebuild
    # on SQLite (plain ADD COLUMN).
    op.add_column('meetings', sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('meetings', sa.Column('dropped', sa.Text(), server_default='[]', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('dropped')
        batch.drop_column('cancelled_at')
    op.drop_table('caldav_items')
    op.drop_table('calendar_links')
