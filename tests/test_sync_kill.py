"""`kiosk sync` killed with SIGKILL at random points, 50 times (10 in CI; `bash scripts/test.sh
--slow` sets $KIOSK_SLOW=1 for all 50): the kiosk database stays sound and holds exactly one
active revision, complete, matching the central content it came from.

The sync runs in forked processes (as in test_queue_concurrency), killed at a random moment,
or stopped right after a random SQL statement on the kiosk database (or just before a commit),
or right after the content transaction committed, and killed there; so kills land before,
inside and after the apply transaction. Each round changes a few records, so the sync takes its
incremental path (the rows that stay move to a new revision, the changed ones are written)."""

from __future__ import annotations

import os
import random
import re
import signal
import time

from sqlalchemy import Engine, event, func, select

from content_sync.sync import run_sync
from kiosk.db import models as m
from kiosk.db.engine import make_engine, session_factory
from tests.sync_support import Central, central_db, kiosk_cfg, kiosk_counts

KILLS = 50 if os.environ.get("KIOSK_SLOW") == "1" else 10


def _victim(cfg, source: str, ready_fd: int, stop_at: int | str | None) -> None:
    if stop_at == "after_commit":  # right after the content transaction committed
        from sqlalchemy.orm import Session

        def stop(*_args):
            os.write(ready_fd, b"S")
            time.sleep(60)

        event.listen(Session, "after_commit", stop)
    elif stop_at is not None:
        seen = {"n": 0}

        def pause(*_args, **_kw):
            seen["n"] += 1
            if seen["n"] == stop_at:
                os.write(ready_fd, b"S")
                time.sleep(60)

        event.listen(Engine, "after_cursor_execute", pause)
        event.listen(Engine, "commit", pause)
    os.write(ready_fd, b"R")
    run_sync(cfg, source_url=source)


def _check(cfg, expected: dict[int, dict[str, int]]) -> int:
    """Sound database, one active revision whose rows match the central revision it names,
    and the sync position agreeing with it. Returns that central revision."""
    engine = make_engine(cfg.paths.effective_database_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        Session_ = session_factory(engine)
        with Session_() as s:
            active = s.scalars(select(m.ContentRevision)
                               .where(m.ContentRevision.active.is_(True))).all()
            assert len(active) == 1, f"{len(active)} active revisions"
            rev = active[0]
            central_rev = int(re.search(r"\(central (\d+)\)", rev.label)[1])
            state = s.get(m.SyncState, 1)
            assert state.central_revision == central_rev
            assert state.content_revision_id == rev.id
            orphans = s.scalar(select(func.count()).select_from(m.ProcedureStep).where(
                ~m.ProcedureStep.procedure_id.in_(select(m.Procedure.id))))
            assert orphans == 0
        assert kiosk_counts(Session_, rev.id) == expected[central_rev], central_rev
        return central_rev
    finally:
        engine.dispose()


def test_sigkill_during_sync_never_leaves_a_mix(pg_server, tmp_path):
    url, reader = central_db(pg_server)
    central = Central(url)
    cfg = kiosk_cfg(tmp_path / "kiosk")
    expected = {central.revision(): central.live_counts()}
    assert run_sync(cfg, source_url=reader).outcome == "ok"
    _check(cfg, expected)

    # How many statements one incremental sync makes, to spread the stop points over them.
    central.add_procedure("GEN 0")
    expected[central.revision()] = central.live_counts()
    counted = {"n": 0}

    def count(*_a, **_k):
        counted["n"] += 1

    event.listen(Engine, "after_cursor_execute", count)
    try:
        t = time.monotonic()
        report = run_sync(cfg, source_url=reader)
        duration = time.monotonic() - t
        assert report.outcome == "ok"
        # The kills below land in the incremental path (a few records a round, in one
        # transaction: kiosk.content.store.apply_changes).
        assert report.detail["applied"] == "changes only", report.detail
    finally:
        event.remove(Engine, "after_cursor_execute", count)
    statements = counted["n"]
    assert statements > 10

    rng = random.Random(6)
    outcomes = {"killed": 0, "finished": 0}
    seen_revisions = set()
    i = 0
    while outcomes["killed"] < KILLS:  # rounds where the sync ended first do not count
        i += 1
        assert i <= KILLS * 3, outcomes
        # Every round has something new to apply: one more procedure, one changed, one gone.
        central.add_procedure(f"GEN {i}", title={"pl": f"Wygenerowana {i}"})
        central.edit("procedure", "USC I", lambda d, i=i: d["title"].update(pl=f"Wersja {i}"))
        if i % 5 == 0:
            central.delete("procedure", f"GEN {i - 3}")
        expected[central.revision()] = central.live_counts()
        # The commit comes after nearly every statement: aim a little past the end too, so
        # some kills land after it (then the new revision must be complete).
        stop_at = ("after_commit" if i % 4 == 0 else
                   rng.randint(1, int(statements * 1.1) + 5) if i % 2 else None)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            try:
                os.close(r)
                _victim(cfg, reader, w, stop_at)
            finally:
                os._exit(0)
        os.close(w)
        assert os.read(r, 1) == b"R"
        if stop_at is not None:
            os.read(r, 1)  # b"S" at the stop point, or b"" when the sync ended before it
        else:
            time.sleep(rng.uniform(0.0, duration * 2))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(r)
        outcomes["killed" if os.WIFSIGNALED(status) else "finished"] += 1
        seen = _check(cfg, expected)
        seen_revisions.add(seen)
        if stop_at == "after_commit" and os.WIFSIGNALED(status):
            assert seen == central.revision()  # committed: the complete new revision

    # Kills landed before the commit and after it: old and new content were both seen.
    assert len(seen_revisions) >= 3, seen_revisions
    # And the kiosk still syncs to the newest content afterwards.
    final = run_sync(cfg, source_url=reader)
    assert final.outcome in ("ok", "unchanged"), final.detail
    assert _check(cfg, expected) == central.revision()
