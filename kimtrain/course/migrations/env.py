"""Alembic environment for kimtrain's tables: the connection is handed over by
:func:`kimtrain.course.tables.upgrade`; the version is kept in its own table, apart
from nbgrader's ``alembic_version``."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None,
                  version_table="kimtrain_alembic_version", transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
