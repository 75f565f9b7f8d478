"""search: one index per way a document becomes visible to a person (access.visible_ids)

Revision ID: c3f8a1d2e4b7
Revises: 5b1e0c7d9a21
Create Date: 2026-12-01 06:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f8a1d2e4b7'
down_revision = '5b1e0c7d9a21'
branch_labels = None
depends_on = None

INDEXES = (
    ('documents', 'ix_documents_created_by', ['created_by_id']),
    ('inbox_tasks', 'ix_inbox_assignee_document', ['assignee_id', 'document_id']),
    ('inbox_tasks', 'ix_inbox_closed_by_document', ['closed_by_id', 'document_id']),
    ('inbox_tasks', 'ix_inbox_unit_role_document', ['unit_code', 'role', 'document_id']),
    ('processing_lines', 'ix_lines_unit_document', ['unit_code', 'document_id']),
)


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
