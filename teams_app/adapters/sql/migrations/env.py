"""Alembic environment: always run programmatically on a connection given by engine.upgrade()."""

from alembic import context

from teams_app.adapters.sql.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `learning-loop db upgrade`, not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
