"""Alembic environment: runs on the connection the kiosk hands over, or on the configured URL."""

from alembic import context
from sqlalchemy import create_engine

from kiosk.db.schema import Base

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, _parent_names):
    """Autogenerate ignores the SQLite FTS5 search table: raw SQL in migration 0004."""
    from kiosk.search.service import is_search_index_table

    return not (type_ == "table" and is_search_index_table(name))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True,
                          include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
