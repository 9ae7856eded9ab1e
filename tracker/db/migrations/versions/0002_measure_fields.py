"""measure fields from the newer plan readers; a stable calendar key per task

Revision ID: 0002
Revises: 0001

Adds to tasks what the document says beside the classic columns (section,
budget, indicator, target, remarks, other columns, checkpoints, whether the
period was understood), `edited` (what `tracker edit` corrected) and `uid_key`, the per-task part of its calendar UID.
Existing tasks get the key their UID was built from until now ("m" + the
measure number), so calendars that imported an earlier export keep matching.
The number stops being unique in a plan: identity moved to the title and the
key, and an edited plan must be able to renumber in place.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_TEXT_COLUMNS = ('section', 'budget', 'indicator', 'target', 'remarks')


def _number_key(number: str) -> str:
    # A copy of tracker.calendar.uids.number_key as it was at this revision:
    # a migration must not change when that code does.
    return 'm' + re.sub(r'[^0-9A-Za-z.]', lambda m: f'_{ord(m.group()):x}', number)


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkpoints', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('period_unclear', sa.Integer(), server_default='0', nullable=False))
        for name in _TEXT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('extra', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('uid_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('edited', sa.Text(), server_default='{}', nullable=False))

    conn = op.get_bind()
    tasks = sa.table('tasks', sa.column('id', sa.Integer), sa.column('number', sa.String),
                     sa.column('uid_key', sa.String))
    rows = conn.execute(sa.select(tasks.c.id, tasks.c.number)).all()
    for task_id, number in rows:
        conn.execute(tasks.update().where(tasks.c.id == task_id).values(uid_key=_number_key(number)))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.alter_column('uid_key', existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_constraint('uq_tasks_plan_id', type_='unique')
        batch_op.create_unique_constraint('uq_tasks_uid_key', ['plan_id', 'uid_key'])


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint('uq_tasks_uid_key', type_='unique')
        batch_op.create_unique_constraint('uq_tasks_plan_id', ['plan_id', 'number'])
        for name in ('edited', 'uid_key', 'extra', *reversed(_TEXT_COLUMNS), 'period_unclear', 'checkpoints'):
            batch_op.drop_column(name)
