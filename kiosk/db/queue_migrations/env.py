"""Alembic environment of the queue database (tickets, counters, desks).

Separate from the content migrations because the queue may live in another database (a
PostgreSQL shared by a hall); its own version table keeps both histories apart even when both
share one database."""

from alembic import context
from sqlalchemy import create_engine

from kiosk.db.queue_models import QUEUE_VERSION_TABLE, QueueBase

config = context.config
target_metadata = QueueBase.metadata
OPTS = dict(target_metadata=target_metadata, render_as_batch=True,
            version_table=QUEUE_VERSION_TABLE)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **OPTS)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, **OPTS)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **OPTS)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
