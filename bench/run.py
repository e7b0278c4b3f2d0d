"""Run every benchmark and print one table of figures, each against a baseline from this run.

    .venv/bin/python bench/run.py [--rounds N] [--starts N] [--display]
                                  [--soak-events 10000] [--kill-rounds 20]

Baselines: a bare Kivy window with two screens and a button (bench/bare_window.py), started
and driven the same way as the kiosk, in the same Xvfb, in the same run. Every kiosk tap is
set against the bare app's tap; the scroll against a page of plain labels scrolled the same way
(bench/ui_probe.py says what "drawn" is).

The long drills come last, at the length of the README's figures (the test suite runs them
short: 2,000 events, 5 kills): the soak (bench/soak.py, 10,000 events) and the restart drill
(tests/ui/test_kill_restart.py with KIOSK_KILL_ROUNDS=20, its assertions and all). 0 skips one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import pct  # noqa: E402
from tests.ui.harness import start_xvfb, stop_xvfb  # noqa: E402


def _env(data_dir: Path, ready: Path | None = None) -> dict:
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir), "SDL_AUDIODRIVER": "dummy",
           "KIVY_NO_FILELOG": "1"}
    for key in ("KIOSK_CONFIG", "KIOSK_READY_FILE", "KIOSK_EXIT_AFTER_READY"):
        env.pop(key, None)
    if ready is not None:  # start-up runs: report the first frame, then quit
        env.update(KIOSK_READY_FILE=str(ready), KIOSK_EXIT_AFTER_READY="1")
    return env


def time_to_first_frame(cmd: list[str], data_dir: Path) -> tuple[float, int]:
    ready = data_dir / "ready.json"
    ready.unlink(missing_ok=True)
    start = time.time()
    subprocess.run(cmd, env=_env(data_dir, ready), check=True, timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    info = json.loads(ready.read_text())
    return info["time"] - start, info["rss_kib"]


def probe(kind: str, data_dir: Path, rounds: int) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "ui_probe.py"), kind,
                          str(data_dir), str(rounds)], env=_env(data_dir),
                         capture_output=True, text=True, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{kind} probe failed:\n{out.stderr[-3000:]}")


def kill_drill(rounds: int) -> dict:
    """The restart drill as the test suite has it, with `rounds` kills: a pytest run of
    tests/ui/test_kill_restart.py alone (in its own Xvfb, from tests/ui/conftest.py)."""
    env = {**os.environ, "KIOSK_KILL_ROUNDS": str(rounds)}
    for key in ("KIOSK_CONFIG", "KIOSK_DATA_DIR", "KIOSK_READY_FILE", "KIOSK_EXIT_AFTER_READY"):
        env.pop(key, None)
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-s",
                          "tests/ui/test_kill_restart.py"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600 + 120 * rounds)
    seconds = time.monotonic() - started
    summary = next((x for x in out.stdout.splitlines() if " kills at " in x), "")
    if out.returncode != 0 or not summary:
        raise RuntimeError(f"the restart drill failed:\n{out.stdout[-4000:]}{out.stderr[-2000:]}")
    return {"rounds": rounds, "seconds": seconds, "summary": summary}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--starts", type=int, default=5, help="process starts per side")
    ap.add_argument("--rounds", type=int, default=20, help="tap rounds per transition")
    ap.add_argument("--no-usage", action="store_true", help="skip bench/usage.py")
    ap.add_argument("--display", action="store_true",
                    help="also the hall display: desk call -> drawn / first audio "
                         "(bench/display.py)")
    ap.add_argument("--soak-events", type=int, default=10000,
                    help="events of the monkey soak (bench/soak.py); 0 skips it")
    ap.add_argument("--kill-rounds", type=int, default=20,
                    help="SIGKILLs of the restart drill (tests/ui/test_kill_restart.py); "
                         "0 skips it")
    args = ap.parse_args()
    xvfb = start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            kiosk_dir, bare_dir = Path(tmp, "kiosk"), Path(tmp, "bare")
            kiosk_cmd = [sys.executable, "-m", "entrypoints", "run", "--windowed"]
            bare_cmd = [sys.executable, str(ROOT / "bench" / "bare_window.py"), str(bare_dir)]
            bare_dir.mkdir()
            cold, _ = time_to_first_frame(kiosk_cmd, kiosk_dir)  # creates DB, loads content
            bare_start, kiosk_start = [], []
            for _ in range(args.starts):
                bare_start.append(time_to_first_frame(bare_cmd, bare_dir)[0])
                kiosk_start.append(time_to_first_frame(kiosk_cmd, kiosk_dir)[0])
            bare = probe("bare", bare_dir, args.rounds)
            kiosk = probe("kiosk", kiosk_dir, args.rounds)
    finally:
        stop_xvfb(xvfb)

    rows = []
    b50 = statistics.median(bare_start)
    k50 = statistics.median(kiosk_start)
    rows.append(("start -> first Home frame (median)", f"{k50 * 1000:.0f} ms",
                 f"{b50 * 1000:.0f} ms", f"{k50 / b50:.2f}x"))
    rows.append(("first start ever (creates DB, loads content)", f"{cold * 1000:.0f} ms",
                 f"{b50 * 1000:.0f} ms", f"{cold / b50:.2f}x"))
    bt = bare["taps"]
    for name, values in kiosk["steps"].items():
        for q, label in ((0.5, "p50"), (0.95, "p95")):
            k, b = pct(values, q), pct(bt, q)
            rows.append((f"tap -> drawn: {name.replace('_', ' ')} {label}",
                         f"{k * 1000:.1f} ms", f"{b * 1000:.1f} ms", f"{k / b:.2f}x"))
    for q, label in ((0.5, "p50"), (0.95, "p95")):
        k, b = pct(kiosk["scroll_frames"], q), pct(bare["scroll_frames"], q)
        rows.append((f"frame while scrolling the longest guide page {label}",
                     f"{k * 1000:.1f} ms", f"{b * 1000:.1f} ms", f"{k / b:.2f}x"))
    kp, bp = max(kiosk["gc_pauses"], default=0.0), max(bare["gc_pauses"], default=0.0)
    rows.append(("longest cycle-collector pause during the taps", f"{kp * 1000:.1f} ms",
                 f"{bp * 1000:.1f} ms", f"{kp / bp:.2f}x" if bp else "-"))
    rows.append(("RSS after visiting every screen", f"{kiosk['rss_kib'] / 1024:.0f} MiB",
                 f"{bare['rss_kib'] / 1024:.0f} MiB", f"{kiosk['rss_kib'] / bare['rss_kib']:.2f}x"))
    widths = [max(len(r[i]) for r in rows + [("measure", "kiosk", "bare Kivy", "ratio")])
              for i in range(4)]
    header = ("measure", "kiosk", "bare Kivy", "ratio")
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    if not args.no_usage:  # usage events: recording on the UI path, a month's report
        from bench import usage

        print()
        usage.print_table(usage.measure())
    if args.display:
        from bench import display

        print()
        display.print_table(display.run())
    if args.soak_events:
        # The soak compares the kiosk with itself: start of a long run against its end.
        from bench import soak

        print()
        s = soak.run(args.soak_events, 20261126)
        table = [("soak", "start", "end", "end vs start"), *soak.rows(s)]
        widths = [max(len(r[i]) for r in table) for i in range(4)]
        for r in [table[0], tuple("-" * w for w in widths), *table[1:]]:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    if args.kill_rounds:
        print()
        k = kill_drill(args.kill_rounds)
        print(f"restart drill: {k['rounds']} SIGKILLs and restarts passed in {k['seconds']:.0f} s "
              "(Home drawn, integrity_check ok, newest content whole, queue numbers whole)")
        print(k["summary"].strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
