"""The nightly push of usage events to the real central PostgreSQL: exactly once, even when the
push is killed between the central commit and the local mark; the kiosk role may insert usage
events and nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import psycopg
import pytest
from sqlalchemy import func, select

from content_sync.central import USAGE_SCHEMA
from content_sync.pg import libpq_url
from content_sync.usage_push import push_usage
from kiosk.db.engine import make_engine, session_factory, upgrade
from kiosk.db.usage_models import UsageEvent
from kiosk.usage.events import UsageLog
from tests.sync_support import central_db, kiosk_cfg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def central(pg_server):
    return central_db(pg_server)  # (admin URL, kiosk role URL)


@pytest.fixture
def kiosk(tmp_path):
    cfg = kiosk_cfg(tmp_path / "kiosk")
    engine = make_engine(cfg.paths.effective_database_url)
    upgrade(engine)
    yield cfg, session_factory(engine)
    engine.dispose()


def record(Session_, n: int, kiosk_id: str = "k1") -> None:
    log = UsageLog(Session_, kiosk_id, flush_seconds=3600)
    for i in range(n):
        if i % 3 == 0:
            log.search(f"dowod {i}", i % 5, "pl")
        elif i % 3 == 1:
            log.guide_completed("USC I", [(i % 4, "Wniosek")])
        else:
            log.ticket_issued("A", i % 2 == 0)
    log.flush()


def central_rows(admin: str) -> list[tuple]:
    with psycopg.connect(libpq_url(admin)) as conn:
        return conn.execute(f"SELECT id::text, kiosk_id, kind, symbol, name, value, count, "
                            f"detail FROM {USAGE_SCHEMA}.usage_event ORDER BY id").fetchall()


def local_rows(Session_) -> list[tuple]:
    with Session_() as s:
        return [(r.id, r.kiosk_id, r.kind, r.symbol, r.name, r.value, r.count, r.detail)
                for r in s.scalars(select(UsageEvent).order_by(UsageEvent.id))]


def unpushed_count(Session_) -> int:
    with Session_() as s:
        return s.scalar(select(func.count()).select_from(UsageEvent)
                        .where(UsageEvent.pushed_at.is_(None)))


def test_push_sends_every_event_once_with_its_fields(central, kiosk):
    admin, reader = central
    cfg, Session_ = kiosk
    record(Session_, 250)
    before = local_rows(Session_)
    r = push_usage(Session_, reader, None, batch=100)
    assert (r.sent, r.new, r.batches) == (250, 250, 3)
    assert central_rows(admin) == before
    assert unpushed_count(Session_) == 0
    again = push_usage(Session_, reader, None, batch=100)
    assert (again.sent, again.new) == (0, 0)
    record(Session_, 7)
    assert push_usage(Session_, reader, None).sent == 7
    assert len(central_rows(admin)) == 257


def test_the_kiosk_role_may_insert_usage_events_and_nothing_else(central):
    admin, reader = central
    with psycopg.connect(libpq_url(reader)) as conn:
        conn.read_only = False
        for statement in (f"SELECT count(*) FROM {USAGE_SCHEMA}.usage_event",
                          f"DELETE FROM {USAGE_SCHEMA}.usage_event",
                          f"UPDATE {USAGE_SCHEMA}.usage_event SET count = 0",
                          "UPDATE bom_content.content_record SET position = 0",
                          "INSERT INTO bom_content.central_state (id, ddl_version, "
                          "schema_version) VALUES (2, 1, 1)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)
    # read-only unless asked otherwise
    with psycopg.connect(libpq_url(reader)) as conn, \
            pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute(f"INSERT INTO {USAGE_SCHEMA}.usage_event (id, kiosk_id, at, kind) "
                     f"VALUES (gen_random_uuid(), 'k', now(), 'screen')")


KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from content_sync.usage_push import push_usage
    from kiosk.db.engine import make_engine, session_factory
    Session_ = session_factory(make_engine({db!r}))
    calls = []
    def die(rows):
        calls.append(len(rows))
        if len(calls) == {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)  # after the central commit, before the mark
    push_usage(Session_, {url!r}, None, batch={batch}, after_central_commit=die)
""")


def test_a_push_killed_between_the_central_commit_and_the_local_mark_counts_once(central,
                                                                                 kiosk):
    admin, reader = central
    cfg, Session_ = kiosk
    record(Session_, 500)
    script = KILLER.format(root=ROOT, db=cfg.paths.effective_database_url, url=reader,
                           batch=200, kill_at=2)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # Two batches reached the central database; only the first was marked locally.
    assert len(central_rows(admin)) == 400
    assert unpushed_count(Session_) == 300
    r = push_usage(Session_, reader, None, batch=200)
    assert (r.sent, r.new) == (300, 100)  # the killed batch again: ignored centrally
    assert central_rows(admin) == local_rows(Session_)
    assert len(central_rows(admin)) == 500 and unpushed_count(Session_) == 0


def test_a_failure_before_the_central_commit_leaves_nothing_there(central, kiosk, monkeypatch):
    admin, reader = central
    cfg, Session_ = kiosk
    record(Session_, 30)
    import content_sync.usage_push as up

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(up, "mark_pushed", broken)
    with pytest.raises(RuntimeError):
        push_usage(Session_, reader, None, batch=10)
    assert len(central_rows(admin)) == 10 and unpushed_count(Session_) == 30
    monkeypatch.undo()
    r = push_usage(Session_, reader, None, batch=10)
    assert (r.sent, r.new) == (30, 20)
    assert len(central_rows(admin)) == 30


def test_the_nightly_sync_pushes_even_when_no_content_changed(central, kiosk):
    from content_sync.sync import run_sync

    admin, reader = central
    cfg, Session_ = kiosk
    first = run_sync(cfg, source_url=reader, Session_=Session_)
    assert first.exit_code == 0, first.summary()
    record(Session_, 12)
    report = run_sync(cfg, source_url=reader, Session_=Session_)
    assert report.outcome == "unchanged"
    assert report.detail["usage_events_pushed"] == 12
    assert "usage events 12 pushed" in report.summary()
    assert len(central_rows(admin)) == 12
