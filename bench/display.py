"""Hall display latency: desk call -> the call drawn on the display, and desk call -> the first
audio sample of its announcement (the chime) handed to the audio device; p50/p95 per path, as
ratios against the baseline measured in the same run: PostgreSQL read by polling every 0.4 s.

    .venv/bin/python bench/display.py [--rounds N]

Paths: PostgreSQL with LISTEN/NOTIFY (the default for a hall), PostgreSQL polled (baseline:
`[display] listen = false`), SQLite polled (one machine). PostgreSQL is a private server
(tests/pg.py) with fsync on, as in production. The display is `kiosk display --windowed`, a
process of its own in a private Xvfb (audio to SDL's dummy device, which plays in real time);
the desk is this process, calling through the queue service like `kiosk desk call`. Each call
waits for the previous announcement to end and then a random 0.2-1.0 s, so calls fall at
random points of the polling cycle. "Drawn" is the first frame flipped after the display
applied the call; "first audio" is when the chime clip started playing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import pct  # noqa: E402

DAY = dt.date(2026, 11, 24)  # matches tests.display_support.OPEN_NOW


def measure(kind: str, queue_url: str, display_url: str, work: Path, rounds: int,
            **display) -> dict:
    from tests.display_support import DisplayProcess, write_config
    from tests.queue_support import Clock, StaticContent, at, category, service

    work.mkdir(parents=True)
    svc = service(queue_url, content=StaticContent(category("A")), clock=Clock(at(DAY, 10)))
    for _ in range(rounds + 1):
        svc.issue("A")
    cfg = write_config(work / "display.toml", work / "data", display_url, **display)
    d = DisplayProcess(cfg, work)
    drawn, audio = [], []
    try:
        d.wait_until(lambda s: s.get("connected") is True and s.get("waiting"), timeout=90)
        svc.call_next(1)  # warm-up: speech engine, first clip, first draw
        d.wait_until(lambda s: len(s["announced"]) == 1, timeout=60)
        for _ in range(rounds):
            known = set(d.state()["shown"])
            time.sleep(random.uniform(0.2, 1.0))
            t0 = time.time()
            svc.call_next(1)
            st = d.wait_until(lambda s, known=known: set(s["shown"]) - known, timeout=30)
            (eid,) = set(st["shown"]) - known
            drawn.append(st["shown"][eid] - t0)
            st = d.wait_until(lambda s, eid=eid: int(eid) in s["announced"], timeout=60)
            chime = next(p for p in st["played"] if p["event_id"] == int(eid))
            audio.append(chime["started"] - t0)
        mode = d.state().get("mode")
    finally:
        d.stop()
        svc.close()
    return {"kind": kind, "mode": mode, "drawn": drawn, "audio": audio}


def run(rounds: int = 12) -> list[dict]:
    from tests.pg import PgServer
    from tests.ui.harness import start_xvfb

    xvfb = start_xvfb()
    pg = PgServer(fsync=True)
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            url = pg.new_database()
            results.append(measure("PostgreSQL, polled every 0.4 s (baseline)", url, url,
                                   tmp / "pg-poll", rounds, listen=False, poll_seconds=0.4))
            url = pg.new_database()
            results.append(measure("PostgreSQL, LISTEN/NOTIFY", url, url, tmp / "pg-listen",
                                   rounds, listen=True))
            sq = f"sqlite:///{tmp / 'queue.sqlite3'}"
            results.append(measure("SQLite, polled every 0.4 s", sq, sq, tmp / "sqlite",
                                   rounds, poll_seconds=0.4))
    finally:
        pg.stop()
        if xvfb is not None:
            xvfb.terminate()
    return results


def table(results: list[dict]) -> list[tuple[str, ...]]:
    base = results[0]
    rows = []
    for r in results:
        row = [r["kind"]]
        for key in ("drawn", "audio"):
            for q in (0.5, 0.95):
                v, b = pct(r[key], q), pct(base[key], q)
                row.append(f"{v * 1000:.0f} ms ({v / b:.2f}x)")
        rows.append(tuple(row))
    return rows


def print_table(results: list[dict]) -> None:
    header = ("path", "call -> drawn p50", "p95", "call -> first audio p50", "p95")
    rows = [header, *table(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    rows.insert(1, tuple("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)))
    print(f"({len(results[0]['drawn'])} calls per path; ratios against the first row)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=12, help="calls per path")
    args = ap.parse_args()
    print_table(run(args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
