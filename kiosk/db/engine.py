"""Engine, sessions and schema migrations (Alembic) for the kiosk database."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kiosk.paths import private_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        # 0700: the database holds the audit log and the alerts (SQLite makes its files 0644).
        private_dir(Path(url.removeprefix("sqlite:///")).parent)
    # hide_parameters: an error message must not carry what a resident typed (search text)
    # into the logs.
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            # WAL lets the UI read while a content load writes; foreign keys cascade revisions.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()
    return engine


def read_snapshot(s: Session) -> Session:
    """Make every read of `s` see the database at one moment (SQLite WAL): Python's sqlite3
    begins a transaction only before a write, so without this two SELECTs of one session (a
    procedure, then its steps) can straddle a sync's commit and show half of each. Ended by
    the session's close, like any transaction. Other databases: nothing to do (a session's
    reads already share its transaction)."""
    conn = s.connection()
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite" and not getattr(dbapi, "in_transaction", True):
        conn.exec_driver_sql("BEGIN")
    return s


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


_REVISION = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*(None|['\"]([^'\"]+)['\"])", re.M)


@functools.lru_cache(maxsize=4)
def script_head(versions_dir: Path) -> str | None:
    """The newest revision of a migrations folder, read from its files' `revision =` and
    `down_revision =` lines without importing them (alembic's own answer costs ~0.1 s on
    every command's start). None when the folder has no single head."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions_dir.glob("*.py"):
        for down, _value, rev in _REVISION.findall(path.read_text(encoding="utf-8")):
            if rev:
                (parents if down else revisions).add(rev)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def at_head(conn, version_table: str, versions_dir: Path) -> bool:
    """The database is already at the folder's newest migration (nothing for alembic to do)."""
    from sqlalchemy import inspect

    head = script_head(versions_dir)
    if head is None or not inspect(conn).has_table(version_table):
        return False
    return conn.exec_driver_sql(f"SELECT version_num FROM {version_table}").all() == [(head,)]


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    with engine.connect() as conn:
        if at_head(conn, "alembic_version", MIGRATIONS_DIR / "versions"):
            return
    from alembic import command  # ~0.1 s of imports (mako, pygments): only when needed
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # Python's sqlite3 runs DDL outside any transaction: a start killed between two
            # CREATE TABLEs left tables no migration had recorded, and every later start
            # stopped on "already exists". One explicit transaction makes the whole upgrade
            # land or not; IMMEDIATE also makes a second process starting at the same time
            # wait here and then find the work done.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            if at_head(conn, "alembic_version", MIGRATIONS_DIR / "versions"):
                return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
