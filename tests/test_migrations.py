from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kiosk.db.engine import make_engine, upgrade
from kiosk.db.schema import Base
from kiosk.search.service import is_search_index_table


def _not_fts(name, type_, _parent_names):
    # The FTS5 search table and its shadow tables are raw SQL, not ORM models.
    return not (type_ == "table" and is_search_index_table(name))


def test_migrations_build_exactly_the_model_schema(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                  "include_name": _not_fts})
        assert compare_metadata(ctx, Base.metadata) == []
    assert "procedure" in inspect(engine).get_table_names()


def test_upgrade_twice_is_harmless(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    upgrade(engine)
    assert "alembic_version" in inspect(engine).get_table_names()


def test_sqlite_gets_the_fts5_search_table(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    assert "search_fts" in inspect(engine).get_table_names()


def test_the_quick_head_read_from_the_files_is_alembics_head():
    """Every command starts by asking whether the schema is current; it reads the newest
    revision from the migration files without importing them (kiosk.db.engine.script_head).
    That answer must be alembic's own, for both databases."""
    from alembic.script import ScriptDirectory

    from kiosk.db.engine import MIGRATIONS_DIR, alembic_config, script_head
    from kiosk.db.queue_engine import QUEUE_MIGRATIONS_DIR, queue_alembic_config

    for folder, cfg in ((MIGRATIONS_DIR, alembic_config("sqlite://")),
                        (QUEUE_MIGRATIONS_DIR, queue_alembic_config("sqlite://"))):
        head = ScriptDirectory.from_config(cfg).get_current_head()
        assert script_head(folder / "versions") == head


_KILL_AT_CREATE = """
import os, signal, sys
from sqlalchemy import event
from kiosk.db.engine import make_engine, upgrade

engine = make_engine(sys.argv[1])
creates = 0

@event.listens_for(engine, "before_cursor_execute")
def _kill(conn, cursor, statement, *_):
    global creates
    if statement.lstrip().upper().startswith("CREATE TABLE"):
        creates += 1
        if creates == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)  # the power cut, mid-schema

upgrade(engine)
"""


def test_a_start_killed_while_creating_the_schema_is_finished_by_the_next_start(tmp_path):
    """Power cut during the first start's migrations: the next start must build the schema,
    not stop on "table ... already exists" (SQLite's driver ran each CREATE TABLE in its own
    transaction, so a kill left tables that no migration had recorded)."""
    import signal
    import subprocess
    import sys

    from kiosk import PROJECT_ROOT

    for kill_at in (2, 5):
        url = f"sqlite:///{tmp_path / f'killed-{kill_at}.sqlite3'}"
        child = subprocess.run([sys.executable, "-c", _KILL_AT_CREATE, url, str(kill_at)],
                               cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
        assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
        engine = make_engine(url)
        upgrade(engine)  # the next start
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                      "include_name": _not_fts})
            assert compare_metadata(ctx, Base.metadata) == []
        engine.dispose()
