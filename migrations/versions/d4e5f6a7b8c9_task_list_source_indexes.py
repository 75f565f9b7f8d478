"""task list: one index per source of a list (own or delegated tasks, a role's queue in a unit), in list order

Revision ID: d4e5f6a7b8c9
Revises: c3f8a1d2e4b7
Create Date: 2026-12-01 11:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'c3f8a1d2e4b7'
branch_labels = None
depends_on = None

ORDER = [sa.text('urgency_rank DESC'), sa.text('(due_at IS NULL)'), 'due_at', 'created_at', 'id']


def upgrade():
    op.create_index('ix_inbox_open_own', 'inbox_tasks', ['status', 'assignee_id', *ORDER, 'name'])
    op.create_index('ix_inbox_open_queue', 'inbox_tasks',
                    ['status', 'role', 'unit_code', 'assignee_id', *ORDER, 'name'])
    for name in ('ix_inbox_open_list', 'ix_inbox_open_role', 'ix_inbox_open_assignee'):
        op.drop_index(name, table_name='inbox_tasks')


def downgrade():
    op.create_index('ix_inbox_open_assignee', 'inbox_tasks', ['status', 'assignee_id', 'urgency_rank', 'due_at'])
    op.create_index('ix_inbox_open_role', 'inbox_tasks', ['status', 'role', 'unit_code'])
    op.create_index('ix_inbox_open_list', 'inbox_tasks', ['status', 'assignee_id', 'role', 'unit_code', 'name',
                                                          'urgency_rank', 'due_at', 'created_at', 'id'])
    op.drop_index('ix_inbox_open_queue', table_name='inbox_tasks')
    op.drop_index('ix_inbox_open_own', table_name='inbox_tasks')
