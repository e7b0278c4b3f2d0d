"""Numbering under load and under crashes, on one SQLite file and on PostgreSQL: real
processes (forked, so 50 crashes stay fast), each with its own engine and connections.

CI runs 8 processes × 120 tickets; `bash scripts/test.sh --slow` ($KIOSK_SLOW=1) the full
8 × 250. The 50 kills run in both."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import time

import pytest
from sqlalchemy import event, func, select

from kiosk.db.queue_engine import make_queue_engine, upgrade_queue
from kiosk.db.queue_models import QueueCounter, Ticket
from tests.queue_support import MONDAY, service

SLOW = os.environ.get("KIOSK_SLOW") == "1"
PROCESSES, PER_PROCESS = 8, 250 if SLOW else 120
KILLS = 50  # forked, a few seconds in all


@pytest.fixture(params=["sqlite", "postgresql"])
def queue_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_queue_engine(url)
    upgrade_queue(engine)
    engine.dispose()  # children must not inherit open connections
    return url


def check_numbers(url: str) -> int:
    """Every ticket of A today numbered 1..n exactly once, and the counter at n."""
    engine = make_queue_engine(url)
    try:
        with engine.connect() as conn:
            numbers = conn.scalars(select(Ticket.number).where(
                Ticket.letter == "A", Ticket.service_day == MONDAY).order_by(Ticket.number)).all()
            counter = conn.scalar(select(QueueCounter.last_number).where(
                QueueCounter.letter == "A", QueueCounter.service_day == MONDAY)) or 0
            codes = conn.scalar(select(func.count(func.distinct(Ticket.code))))
    finally:
        engine.dispose()
    assert numbers == list(range(1, len(numbers) + 1)), "a gap or a duplicate"
    assert counter == len(numbers) == codes, (counter, len(numbers), codes)
    return counter


def _issuer(url: str, barrier, n: int, kiosk: int) -> None:
    q = service(url, kiosk_id=f"kiosk-{kiosk}", upgrade=False)
    barrier.wait()
    for _ in range(n):
        q.issue("A")
    q.close()


def test_eight_processes_issue_at_once_and_every_number_appears_once(queue_url):
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(PROCESSES)
    procs = [ctx.Process(target=_issuer, args=(queue_url, barrier, PER_PROCESS, i))
             for i in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert check_numbers(queue_url) == PROCESSES * PER_PROCESS
    engine = make_queue_engine(queue_url)
    with engine.connect() as conn:
        kiosks = conn.execute(select(Ticket.kiosk_id, func.count()).group_by(Ticket.kiosk_id)).all()
    engine.dispose()
    assert sorted(n for _, n in kiosks) == [PER_PROCESS] * PROCESSES


def _victim(url: str, ready_fd: int, stage: str | None) -> None:
    """Issue tickets until killed. With `stage`, stop inside the transaction right after that
    statement and tell the parent, which kills us there."""
    q = service(url, kiosk_id=f"victim-{os.getpid()}", upgrade=False)
    if stage:
        @event.listens_for(q._engine, "after_cursor_execute")
        def _pause(conn, cursor, statement, params, context, executemany):
            if statement.lstrip().upper().startswith(stage):
                os.write(ready_fd, b"S")
                time.sleep(30)
    os.write(ready_fd, b"R")
    while True:
        q.issue("A")


def test_sigkill_while_issuing_never_leaves_a_half_ticket_a_duplicate_or_a_gap(queue_url):
    stages = [None, "INSERT INTO QUEUE_COUNTER", "INSERT INTO QUEUE_TICKET"]
    rng = random.Random(4)
    issued = 0
    for i in range(KILLS):
        stage = stages[i % 3]
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            try:
                os.close(r)
                _victim(queue_url, w, stage)
            finally:
                os._exit(0)
        os.close(w)
        assert os.read(r, 1) == b"R"
        if stage:
            assert os.read(r, 1) == b"S"  # inside the transaction now
        else:
            time.sleep(rng.uniform(0.005, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(r)
        issued = check_numbers(queue_url)
    assert issued > 0
    if queue_url.startswith("sqlite"):
        engine = make_queue_engine(queue_url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        engine.dispose()
    # The queue still works after all that.
    q = service(queue_url)
    assert q.issue("A").number == issued + 1
    q.close()


def _desk(url: str, barrier, desk: int, out) -> None:
    q = service(url, upgrade=False)
    barrier.wait()
    got = []
    while (t := q.call_next(desk)) is not None:
        got.append(t.code)
    out.put(got)
    q.close()


def test_desks_calling_at_once_never_get_the_same_ticket(queue_url):
    q = service(queue_url)
    codes = [q.issue("A").code for _ in range(120)]
    q.close()
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_desk, args=(queue_url, barrier, d, out)) for d in range(1, 5)]
    for p in procs:
        p.start()
    called = [c for _ in procs for c in out.get(timeout=60)]
    for p in procs:
        p.join(60)
    assert sorted(called) == codes
    engine = make_queue_engine(queue_url)
    with engine.connect() as conn:
        statuses = dict(conn.execute(
            select(Ticket.status, func.count()).group_by(Ticket.status)).all())
    engine.dispose()
    # A desk calling again closes its current ticket as served, also when none is left.
    assert statuses == {"served": 120}
