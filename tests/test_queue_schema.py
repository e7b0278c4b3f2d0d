"""The queue schema: its own migrations build exactly the models, on SQLite and PostgreSQL, and
live beside the content schema without touching it; the [queue] configuration."""

from __future__ import annotations

from dataclasses import replace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kiosk.config import ConfigError, KioskConfig, PathsConfig, QueueConfig, parse_config
from kiosk.db.engine import make_engine, upgrade
from kiosk.db.queue_engine import make_queue_engine, normalise_url, upgrade_queue
from kiosk.db.queue_models import QUEUE_VERSION_TABLE, QueueBase


@pytest.fixture(params=["sqlite", "postgresql"])
def queue_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return request.getfixturevalue("pg_url")


def test_queue_migrations_build_exactly_the_models(queue_url):
    engine = make_queue_engine(queue_url)
    upgrade_queue(engine)
    upgrade_queue(engine)  # a second start changes nothing
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "version_table": QUEUE_VERSION_TABLE})
        assert compare_metadata(ctx, QueueBase.metadata) == []
    names = set(inspect(engine).get_table_names())
    assert {"queue_ticket", "queue_counter", "queue_desk", QUEUE_VERSION_TABLE} <= names
    assert "alembic_version" not in names
    uniques = inspect(engine).get_unique_constraints("queue_ticket")
    assert any(set(u["column_names"]) == {"service_day", "letter", "number"} for u in uniques)
    engine.dispose()


def test_queue_and_content_can_share_one_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    content = make_engine(url)
    upgrade(content)
    queue = make_queue_engine(url)
    upgrade_queue(queue)
    upgrade(content)
    names = set(inspect(content).get_table_names())
    assert {"alembic_version", QUEUE_VERSION_TABLE, "procedure", "queue_ticket"} <= names
    content.dispose(), queue.dispose()


def test_queue_config_defaults_and_urls(tmp_path):
    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=tmp_path))
    assert cfg.queue.url is None and cfg.queue.kiosk_id
    assert cfg.queue.effective_url(tmp_path) == f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    cfg = parse_config({"queue": {"url": "postgresql://k@db/q", "kiosk_id": "hall-1"}})
    assert cfg.queue == QueueConfig(url="postgresql://k@db/q", kiosk_id="hall-1")
    assert normalise_url(cfg.queue.url) == "postgresql+psycopg://k@db/q"
    with pytest.raises(ConfigError, match=r"\[queue\] url must be"):
        parse_config({"queue": {"url": "db.example:5432"}})
    with pytest.raises(ConfigError, match="kiosk_id"):
        parse_config({"queue": {"kiosk_id": ""}})


def _upgrade_after(url, barrier):
    engine = make_queue_engine(url)
    barrier.wait()
    upgrade_queue(engine)
    engine.dispose()


def test_kiosks_starting_together_create_the_schema_once(queue_url):
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(6)
    procs = [ctx.Process(target=_upgrade_after, args=(queue_url, barrier)) for _ in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 6
    engine = make_queue_engine(queue_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT version_num FROM {QUEUE_VERSION_TABLE}").all() == \
            [("q0006",)]
    engine.dispose()
