"""Start-up checks after a crash or a power cut: is the SQLite file whole, is there a complete
content revision, do the queue's counters agree with its tickets. `kiosk run` runs them before
the first frame; `kiosk status` and the SIGKILL test use the same functions."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, func, select, text

log = logging.getLogger(__name__)


def quick_check(engine: Engine) -> list[str]:
    """SQLite's own consistency check (b-trees, indexes, free list); [] when whole. Other
    databases look after themselves."""
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
    return [] if rows == ["ok"] else rows


def queue_problems(engine: Engine) -> list[str]:
    """Each letter's numbers on each day run 1..n with no gap or duplicate, and the day's
    counter says n."""
    from sqlalchemy import inspect

    from kiosk.db.queue_models import QueueCounter, Ticket

    if not inspect(engine).has_table("queue_ticket"):
        return []  # created with the first ticket; a kill before that leaves an empty file
    out = []
    with engine.connect() as conn:
        counters = {(r.service_day, r.letter): r.last_number
                    for r in conn.execute(select(QueueCounter))}
        stats = conn.execute(select(Ticket.service_day, Ticket.letter, func.count(),
                                    func.count(func.distinct(Ticket.number)),
                                    func.min(Ticket.number), func.max(Ticket.number))
                             .group_by(Ticket.service_day, Ticket.letter)).all()
    seen = set()
    for day, letter, n, distinct, lo, hi in stats:
        seen.add((day, letter))
        if not (n == distinct == hi and lo == 1):
            out.append(f"{day} {letter}: {n} tickets numbered {lo}..{hi} ({distinct} distinct)")
        if counters.get((day, letter)) != hi:
            out.append(f"{day} {letter}: counter {counters.get((day, letter))} but last "
                       f"ticket {hi}")
    for key, last in counters.items():
        if key not in seen and last:
            out.append(f"{key[0]} {key[1]}: counter {last} but no tickets")
    return out


def startup_check(core) -> list[str]:
    """Run at start: log and raise a staff alert for anything wrong; never stop the kiosk
    (residents still get the content it can show)."""
    problems = [f"kiosk database: {p}" for p in quick_check(core.engine)]
    cfg = core.config
    if cfg.queue.url is None and (cfg.paths.data_dir / "queue.sqlite3").exists():
        # The embedded queue: check it too (a shared PostgreSQL is opened only when needed).
        from kiosk.db.queue_engine import make_queue_engine

        qe = make_queue_engine(cfg.queue.effective_url(cfg.paths.data_dir))
        try:
            problems += [f"queue database: {p}" for p in quick_check(qe) + queue_problems(qe)]
        except Exception as exc:  # unreadable or half-created: say so, keep starting
            problems.append(f"queue database: {type(exc).__name__}: {exc}"[:300])
        finally:
            qe.dispose()
    if core.content.status().revision is None:
        problems.append("no complete content revision")
    if problems:
        for p in problems:
            log.error("start-up check: %s", p, extra={"event": "integrity"})
        try:
            core.alerts.raise_("kiosk", "integrity", "; ".join(problems))
        except Exception:
            log.exception("could not record the integrity alert")
    else:
        log.info("start-up check ok", extra={"event": "integrity"})
    return problems
