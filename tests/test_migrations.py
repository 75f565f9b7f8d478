"""The migrations build exactly the schema the models describe (so upgrades stay honest)."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db import db
from engine.records.fulltext import schema_include_name


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrated_database_matches_the_models(app):
    # The test database was created by `initialise`, which runs the Alembic migrations.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True,
                                                                 "include_name": schema_include_name})
        assert context.get_current_revision() is not None
        assert compare_metadata(context, db.metadata) == []


def test_the_task_list_indexes_hold_the_list_order(app):
    # compare_metadata skips expression indexes; the task list's two are checked here by their definition.
    query = ("SELECT sql FROM sqlite_master WHERE name = :name" if db.engine.dialect.name == "sqlite"
             else "SELECT indexdef FROM pg_indexes WHERE indexname = :name")
    with db.engine.connect() as connection:
        for name, leading in (("ix_inbox_open_own", "assignee_id"), ("ix_inbox_open_queue", "role")):
            definition = " ".join(connection.execute(db.text(query), {"name": name}).scalar_one().split()).lower()
            assert leading in definition and "urgency_rank desc" in definition, definition
            assert "due_at is null" in definition and definition.index("created_at") < definition.index("name)")
        for gone in ("ix_inbox_open_list", "ix_inbox_open_role", "ix_inbox_open_assignee"):
            assert connection.execute(db.text(query), {"name": gone}).first() is None
