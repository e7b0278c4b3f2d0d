"""Engine and schema of the queue database: the embedded SQLite file or a shared PostgreSQL.

SQLite: pysqlite's own transaction handling starts a deferred transaction only at the first
write, so a read-then-write (a desk taking the oldest waiting ticket) could be refused mid-way
with SQLITE_BUSY. Following SQLAlchemy's pysqlite recipe, the driver's handling is switched off
(`isolation_level = None`) and every transaction is begun explicitly: `BEGIN IMMEDIATE` for
writers (they queue up on the busy timeout, one at a time), a plain `BEGIN` for readers (WAL lets
them run beside a writer).

PostgreSQL: READ COMMITTED; the counter is incremented with INSERT ... ON CONFLICT DO UPDATE,
whose row lock serialises issuers of one letter while other letters proceed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

QUEUE_MIGRATIONS_DIR = Path(__file__).resolve().parent / "queue_migrations"
IMMEDIATE = "kiosk_sqlite_immediate"
# Any fixed 64-bit number: the advisory lock under which one process at a time migrates.
_PG_MIGRATION_LOCK = 0x4B494F534B5155  # "KIOSKQU"

T = TypeVar("T")


def normalise_url(url: str) -> str:
    """`postgresql://` would pick psycopg2, which the kiosk does not install: use psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_queue_engine(url: str, **engine_kw) -> Engine:
    """`engine_kw` goes to create_engine (the hall display asks for fresh SQLite connections
    and a connect timeout, so that it notices an unreachable database)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **engine_kw)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we send BEGIN ourselves, see the module doc
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # A ticket on paper must exist after a power cut: sync the WAL at every commit.
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            immediate = conn.get_execution_options().get(IMMEDIATE)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        return engine
    # pool_pre_ping: a hall database restarted overnight must not fail the first ticket.
    return create_engine(url, **{"pool_pre_ping": True, "pool_size": 2, "max_overflow": 4,
                                 **engine_kw})


def queue_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_session(Session_: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction takes SQLite's write lock at BEGIN; commits on success."""
    with Session_() as s:
        s.connection(execution_options={IMMEDIATE: True})
        yield s
        s.commit()


def is_transient(exc: BaseException) -> bool:
    """A failure that left nothing committed and may succeed when tried again."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in ("40001", "40P01", "55P03"):  # serialization failure, deadlock, lock n/a
        return True
    msg = str(orig).lower()
    return "database is locked" in msg or "database is busy" in msg


def retrying(fn: Callable[[], T], *, attempts: int = 8) -> T:
    for attempt in range(attempts):
        try:
            return fn()
        except DBAPIError as exc:
            if attempt == attempts - 1 or not is_transient(exc):
                raise
            # Jitter so that processes that collided do not collide again in step.
            time.sleep(min(1.0, 0.02 * 2 ** attempt) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def queue_alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(QUEUE_MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_queue(engine: Engine) -> None:
    """Create or upgrade the queue schema. Several kiosks may start at once against one
    database: they migrate one at a time (SQLite write lock, PostgreSQL advisory lock)."""
    from kiosk.db.engine import at_head
    from kiosk.db.queue_models import QUEUE_VERSION_TABLE

    def current() -> bool:
        with engine.connect() as conn:
            return at_head(conn, QUEUE_VERSION_TABLE, QUEUE_MIGRATIONS_DIR / "versions")

    try:
        if retrying(current):
            return
    except DBAPIError:  # another kiosk is migrating it: the locked path below waits for it
        pass
    from alembic import command
    cfg = queue_alembic_config(engine.url.render_as_string(hide_password=False))

    def run():
        with engine.connect() as conn:
            conn = conn.execution_options(**{IMMEDIATE: True})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                 {"k": _PG_MIGRATION_LOCK})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")

    retrying(run)
