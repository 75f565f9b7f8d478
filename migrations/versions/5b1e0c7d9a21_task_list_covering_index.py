"""task list: one index covering what the tabs and a page's ids need

Revision ID: 5b1e0c7d9a21
Revises: 91c504102560
Create Date: 2026-12-01 04:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b1e0c7d9a21'
down_revision = '91c504102560'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inbox_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_open_list', ['status', 'assignee_id', 'role', 'unit_code', 'name',
                                                     'urgency_rank', 'due_at', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('inbox_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_open_list')
