"""The migrations build exactly the schema the models describe (so upgrades stay honest)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db import db
from engine.records.fulltext import schema_include_name


def test_migrated_database_matches_the_models(app):
    # The test database was created by `initialise`, which runs the Alembic migrations.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True,
                                                                 "include_name": schema_include_name})
        assert context.get_current_revision() is not None
        assert compare_metadata(context, db.metadata) == []
