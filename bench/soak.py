"""The soak as a benchmark: resident memory and frame time over a long monkey run, start
against end, in a fresh kiosk process under a private Xvfb.

    .venv/bin/python bench/soak.py [--events 10000] [--seed 20261126] [--glibc-defaults]

10,000 events is the soak of the README's figures (about 10 minutes here, after a 3-minute
tour). The test suite runs the same soak with 2,000 events (tests/ui/test_soak.py,
KIOSK_SOAK_EVENTS; `bash scripts/test.sh --slow` runs it with 10,000).

The same monkey as tests/ui/test_soak.py (tests/ui/monkey.py): a tour of every screen in every
language and text size (Monkey.tour), then random taps, controls, swipes, keys, languages, idle
resets and the admin side, seeded. Memory is sampled every 125 events (in shorter runs more
often, so that some 30 samples or more follow the warm-up: every 50 of 2,000 events) at
Home with the session ended (see Monkey._sample); "start" is the first sample after the
warm-up (a quarter of the run), "end" the last (medians of three); the growth is the
least-squares line through all samples after the warm-up, over those events. Frame time is a
whole drawn frame (layout, drawing, flip) of the first and of the last tenth after the warm-up.

--glibc-defaults first runs the same soak with the C heap left at glibc's defaults (without
kiosk/memory.py's settings) as the baseline, and prints the kiosk's memory against it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PIN = "975310"


def sample_every(events: int) -> int:
    """Events between memory samples: 125, or fewer in a short run. The growth is a line fitted
    through the samples after the warm-up; with 13 samples (2,000 events, every 125) the
    samples' few MB of scatter move the fitted growth by about 3 MB, a third of the bound."""
    return max(25, min(125, events // 40))


def child(events: int, seed: int, data_dir: Path, glibc_defaults: bool = False) -> dict:
    """Runs inside the measured process."""
    import datetime as dt
    from dataclasses import replace

    if glibc_defaults:
        import kiosk.ops.memory

        kiosk.ops.memory.tune_malloc = lambda: {}  # the baseline: the heap as glibc sets it up

    from kiosk.config import KioskConfig, PathsConfig, ScreenConfig
    from screens.app import configure_kivy

    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=data_dir),
                  screen=ScreenConfig(fullscreen=False, width=1080, height=1920))
    configure_kivy(cfg)
    from kivy.base import runTouchApp

    from kiosk.bootstrap import open_core
    from kiosk.ops.admin import pin_file, write_pin
    from screens.app import build_app
    from tests.ui.harness import Driver, FakeClock
    from tests.ui.monkey import Monkey

    clock = FakeClock()
    office = dt.datetime(2026, 11, 24, 10, 0)  # a Tuesday morning: the office is open
    app = build_app(cfg, open_core(cfg), now=clock, today=lambda: office)
    app._run_prepare()
    runTouchApp(embedded=True)
    d = Driver(app, clock)
    d.frames(5)
    write_pin(pin_file(cfg), PIN)
    import time

    with Monkey(d, seed=seed, pin=PIN, sample_every=sample_every(events)) as m:
        started = time.perf_counter()
        toured = m.tour()
        tour_seconds = time.perf_counter() - started
        result = m.run(events)
        result.toured = toured
    return {**result.summary(events // 4), "tour_seconds": round(tour_seconds, 1)}


def run(events: int, seed: int, glibc_defaults: bool = False) -> dict:
    from tests.ui.harness import start_xvfb, stop_xvfb

    xvfb = start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "SDL_AUDIODRIVER": "dummy", "KIVY_NO_FILELOG": "1",
                   "KIVY_NO_ARGS": "1"}
            env.pop("KIOSK_CONFIG", None)
            out = subprocess.run([sys.executable, __file__, "--child", "--events", str(events),
                                  "--seed", str(seed), "--data", tmp,
                                  *(["--glibc-defaults"] if glibc_defaults else [])], env=env,
                                 capture_output=True, text=True, timeout=7200)
    finally:
        stop_xvfb(xvfb)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"soak failed:\n{out.stderr[-3000:]}")


def rows(s: dict) -> list[tuple[str, str, str, str]]:
    mib = 1024
    return [
        ("tour before the events (screens)", str(s.get("toured_screens", 0)), "",
         f"{s.get('tour_seconds', 0):.0f} s"),
        ("events (seed-reproducible)", str(s["events"]), "", f"{s['seconds']:.0f} s"),
        ("exceptions caught / thread errors", f"{s['crashes']} / {s['thread_errors']}", "",
         "must be 0 / 0"),
        ("resident memory, start -> end", f"{s['rss_start_kib'] / mib:.1f} MiB",
         f"{s['rss_end_kib'] / mib:.1f} MiB",
         f"{s['rss_end_minus_start_kib'] / mib:+.1f} MiB "
         f"({s['rss_end_kib'] / s['rss_start_kib']:.3f}x)"),
        ("memory growth after warm-up (fitted)", f"{s['rss_kib_per_1000_events'] / mib:+.2f} "
         "MiB / 1000 events", "", f"{s['rss_growth_kib'] / mib:+.1f} MiB (limit 10)"),
        ("frame time p50, start -> end", f"{s['frame_ms_start_p50']:.1f} ms",
         f"{s['frame_ms_end_p50']:.1f} ms",
         f"{s['frame_ms_end_p50'] / s['frame_ms_start_p50']:.2f}x"),
        ("frame time p95, start -> end", f"{s['frame_ms_start_p95']:.1f} ms",
         f"{s['frame_ms_end_p95']:.1f} ms",
         f"{s['frame_ms_end_p95'] / s['frame_ms_start_p95']:.2f}x"),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--glibc-defaults", action="store_true",
                    help="also run with glibc's malloc defaults, as the baseline")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args.events, args.seed, Path(args.data),
                                           args.glibc_defaults)), flush=True)
        os._exit(0)
    base = run(args.events, args.seed, glibc_defaults=True) if args.glibc_defaults else None
    s = run(args.events, args.seed)
    table = [("measure", "start", "end", "end vs start"), *rows(s)]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for r in [table[0], tuple("-" * w for w in widths), *table[1:]]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print("screens visited:", ", ".join(f"{k} {v}" for k, v in s["screens"].items()))
    print(f"memory samples (MiB, every {sample_every(s['events'])} events, at Home):",
          s["rss_samples_mib"])
    if base is not None:
        mib = 1024
        print()
        print("baseline: the same soak with glibc's malloc defaults")
        for label, b, k in (
                ("resident memory after warm-up", base["rss_start_kib"], s["rss_start_kib"]),
                ("resident memory at the end", base["rss_end_kib"], s["rss_end_kib"]),
                ("growth after warm-up (fitted)", base["rss_growth_kib"], s["rss_growth_kib"])):
            ratio = f"{k / b:.2f}x" if b > 0 else "-"
            print(f"  {label:32} defaults {b / mib:7.1f} MiB   kiosk {k / mib:7.1f} MiB   "
                  f"{ratio}")
        print("  baseline samples (MiB):", base["rss_samples_mib"])
    if s["crashes"]:
        print("first exception caught:\n" + s["first_crash"])
    return 0 if s["crashes"] == 0 and s["thread_errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
