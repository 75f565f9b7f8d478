"""Process versions: the deploy note and one version number per process; inbox tasks: their form.

Revision ID: 0da59c05e1c1
Revises: 7ee760c3b32f
Create Date: 2026-12-01 00:09:00.222752

"""
from alembic import op
import sqlalchemy as sa

import engine.db  # noqa: F401 - custom column types (AwareDateTime) used by autogenerate


# revision identifiers, used by Alembic.
revision = '0da59c05e1c1'
down_revision = '7ee760c3b32f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inbox_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form', sa.String(length=100), nullable=True))

    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.create_unique_constraint('uq_process_versions_version', ['process_id', 'version'])


def downgrade():
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_process_versions_version', type_='unique')
        batch_op.drop_column('note')

    with op.batch_alter_table('inbox_tasks', schema=None) as batch_op:
        batch_op.drop_column('form')
