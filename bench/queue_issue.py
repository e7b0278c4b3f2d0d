"""Ticket issue latency (p50/p95) and throughput with 1, 4 and 8 concurrent kiosk processes,
on the embedded SQLite queue and on PostgreSQL, each as a ratio against the baseline measured
in the same run: 1 process on SQLite = 1.00x.

    .venv/bin/python bench/queue_issue.py [--tickets N] [--processes 1,4,8]

Each process is a kiosk: its own core (content from the bundled sample, already loaded), its
own queue connection, issuing tickets of one letter back to back as fast as it can, all
starting together. PostgreSQL is a private server started for the run (tests/pg.py) with
fsync on, as in production; SQLite syncs its WAL at every commit. The office time is fixed to
a Monday 10:00 so every ticket is inside opening hours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import pct  # noqa: E402
from kiosk.config import KioskConfig, PathsConfig, QueueConfig  # noqa: E402

MONDAY_10 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))



def kiosk_process(cfg: KioskConfig, n: int, idx: int, barrier, out) -> None:
    from kiosk.bootstrap import open_core
    from kiosk.queue.service import open_queue

    core = open_core(cfg, load_bundled=False)
    queue = open_queue(cfg.queue.effective_url(cfg.paths.data_dir), core.content,
                       kiosk_id=f"bench-{idx}", tz=cfg.office.timezone, now=lambda: MONDAY_10)
    queue.issue("F")  # warm: connection, category cache, compiled statements
    barrier.wait()
    lat = []
    for _ in range(n):
        t = time.perf_counter()
        queue.issue("A")
        lat.append(time.perf_counter() - t)
    out.put((time.perf_counter(), lat))
    queue.close()
    core.close()


def run(cfg: KioskConfig, processes: int, per_process: int) -> dict:
    from kiosk.db.queue_engine import make_queue_engine, upgrade_queue

    engine = make_queue_engine(cfg.queue.effective_url(cfg.paths.data_dir))
    upgrade_queue(engine)
    engine.dispose()
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(processes + 1), ctx.Queue()
    procs = [ctx.Process(target=kiosk_process, args=(cfg, per_process, i, barrier, out))
             for i in range(processes)]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
        if p.exitcode != 0:
            raise RuntimeError(f"a kiosk process failed ({p.exitcode})")
    end = max(t for t, _ in results)
    lat = [x for _, ls in results for x in ls]
    return {"p50": pct(lat, 0.5), "p95": pct(lat, 0.95),
            "throughput": len(lat) / (end - start), "n": len(lat)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=800,
                    help="tickets per configuration, shared among its processes")
    ap.add_argument("--processes", default="1,4,8", help="comma-separated process counts")
    args = ap.parse_args()
    counts = [int(x) for x in args.processes.split(",")]

    from kiosk.bootstrap import open_core
    from tests.pg import PgServer

    pg = PgServer(fsync=True)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            base = replace(KioskConfig(), paths=PathsConfig(data_dir=Path(tmp)))
            open_core(base).close()  # load the sample content once
            for backend in ("SQLite", "PostgreSQL"):
                for n in counts:
                    if backend == "SQLite":
                        url = f"sqlite:///{Path(tmp) / f'queue-{n}.sqlite3'}"
                    else:
                        url = pg.new_database()
                    cfg = replace(base, queue=QueueConfig(url=url, kiosk_id="bench"))
                    r = run(cfg, n, max(1, args.tickets // n))
                    rows.append((backend, n, r))
                    print(f"  {backend} x{n}: {r['n']} tickets, p50 {r['p50'] * 1000:.1f} ms",
                          file=sys.stderr)
    finally:
        pg.stop()

    base_r = next(r for b, n, r in rows if b == "SQLite" and n == counts[0])
    header = ("queue database", "kiosk processes", "p50", "p95", "tickets/s",
              "p50 ratio", "p95 ratio", "throughput ratio")
    table = [header]
    for backend, n, r in rows:
        table.append((backend, str(n), f"{r['p50'] * 1000:.1f} ms", f"{r['p95'] * 1000:.1f} ms",
                      f"{r['throughput']:.0f}", f"{r['p50'] / base_r['p50']:.2f}x",
                      f"{r['p95'] / base_r['p95']:.2f}x",
                      f"{r['throughput'] / base_r['throughput']:.2f}x"))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print(f"baseline: {counts[0]} process on SQLite = 1.00x")
    for i, row in enumerate(table):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
