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
