"""Usage events: what recording one event costs on the UI path, and how long a month's report
for 10 kiosks takes, each against a baseline measured in the same run.

    .venv/bin/python bench/usage.py [--calls 20000] [--kiosks 10] [--visits 40] [--central]

1. Recording: `core.usage.screen_viewed("guide")` (what a screen calls) with the writer thread
   running, against appending a small dict to a list (the least any recording could cost),
   interleaved call by call. For scale, one synchronous SQLite INSERT + commit per event
   (what recording would cost without the buffer) is measured too.
2. Report: a generated month (tests.usage_sample) for N kiosks in a kiosk SQLite database;
   `kiosk report` = read + compute + write (CSVs, 7 PNG charts, HTML, PDF), against reading
   the same events alone. With --central the same from a throwaway PostgreSQL (tests/pg.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import pct  # noqa: E402
from kiosk.config import KioskConfig, PathsConfig, UsageConfig  # noqa: E402


def bench_recording(tmp: Path, calls: int) -> list[tuple]:
    from sqlalchemy import insert

    from kiosk.bootstrap import open_core
    from kiosk.db.usage_models import UsageEvent
    from kiosk.usage.events import event_row, utcnow

    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=tmp / "rec"),
                  usage=UsageConfig(flush_seconds=0.5))
    core = open_core(cfg)
    usage = core.usage
    sink: list = []
    clock = time.perf_counter_ns
    rec, base = [], []
    for _ in range(200):  # warm-up: the writer thread starts, code paths are hot
        usage.screen_viewed("guide")
    for _ in range(calls):
        t0 = clock()
        sink.append({"kind": "screen", "name": "guide"})
        t1 = clock()
        usage.screen_viewed("guide")
        t2 = clock()
        base.append(t1 - t0)
        rec.append(t2 - t1)
    sync = []
    for i in range(300):
        t0 = clock()
        with core.Session.begin() as s:
            s.execute(insert(UsageEvent), [event_row((f"sync-{i}", utcnow(), "screen", None,
                                                      "guide", None, None, None), "k")])
        sync.append(clock() - t0)
    core.close()
    rows = []
    for q, label in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
        r, b = pct(rec, q) / 1000, pct(base, q) / 1000
        rows.append((f"record one event on the UI path {label}", f"{r:.2f} µs",
                     f"{b:.2f} µs", f"{r / b:.1f}x"))
    s95 = pct(sync, 0.95) / 1000
    rows.append(("(for scale) one synchronous SQLite insert+commit p95", f"{s95:.0f} µs",
                 f"{pct(rec, 0.95) / 1000:.2f} µs", f"{s95 / (pct(rec, 0.95) / 1000):.0f}x"))
    return rows


def bench_report(tmp: Path, kiosks: int, visits: int, central: bool) -> list[tuple]:
    from content_sync.usage_read import events_central
    from kiosk.bootstrap import open_core
    from kiosk.usage.files import write_report
    from kiosk.usage.report import Period, compute, events_local, titles_from_content
    from tests.usage_sample import sample_month, store_central, store_local

    events = sample_month([f"kiosk-{i:02d}" for i in range(kiosks)], dt.date(2026, 11, 1), 30,
                          seed=3, visits_per_day=visits)
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    core = open_core(replace(KioskConfig(), paths=PathsConfig(data_dir=tmp / "rep")))
    store_local(core.Session, events)
    titles = titles_from_content(core.content)
    sources = [("local SQLite", lambda: events_local(core.Session, period))]
    server = None
    if central:
        from content_sync.central import init_central
        from tests.pg import PgServer

        server = PgServer()
        url = server.new_database()
        init_central(url)
        store_central(url, events)
        sources.append(("central PostgreSQL", lambda: events_central(url, period)))
    rows = []
    try:
        for name, source in sources:
            t0 = time.perf_counter()
            n = sum(1 for _ in source())
            read = time.perf_counter() - t0
            t0 = time.perf_counter()
            figures = compute(source(), period, titles)
            t1 = time.perf_counter()
            write_report(figures, tmp / f"out-{len(rows)}")
            t2 = time.perf_counter()
            total = t2 - t0
            rows.append((f"report, {kiosks} kiosks x 30 days = {n:,} events, {name}: total",
                         f"{total:.2f} s", f"{read:.2f} s read", f"{total / read:.1f}x"))
            rows.append(("  of which read + compute / charts, CSV, HTML, PDF",
                         f"{t1 - t0:.2f} s / {t2 - t1:.2f} s", "", ""))
    finally:
        core.close()
        if server is not None:
            server.stop()
    return rows


def measure(calls: int = 20000, kiosks: int = 10, visits: int = 40,
            central: bool = False) -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        return (bench_recording(Path(tmp), calls)
                + bench_report(Path(tmp), kiosks, visits, central))


def print_table(rows: list[tuple]) -> None:
    header = ("measure", "value", "baseline", "ratio")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--kiosks", type=int, default=10)
    ap.add_argument("--visits", type=int, default=40, help="visits per kiosk per weekday")
    ap.add_argument("--central", action="store_true", help="also from a throwaway PostgreSQL")
    args = ap.parse_args()
    print_table(measure(args.calls, args.kiosks, args.visits, args.central))
    return 0


if __name__ == "__main__":
    sys.exit(main())
