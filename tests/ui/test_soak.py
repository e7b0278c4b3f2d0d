"""The soak: a seeded monkey of random touches and keys across every screen of the real
window. No exception may reach the crash handler, no worker thread may fail, and resident
memory may grow by less than 10 MB after the warm-up.

KIOSK_SOAK_EVENTS sets the number of events (default 10,000; the figures go to
test-artifacts/soak.json). bench/soak.py runs the same monkey in a fresh process.
"""

import json
import os
from pathlib import Path

from kiosk.admin import pin_file, write_pin
from tests.ui.monkey import Monkey

EVENTS = int(os.environ.get("KIOSK_SOAK_EVENTS", "10000"))
WARMUP = min(1000, EVENTS // 5)
SEED = 20261126
PIN = "975310"


def test_ten_thousand_random_events_leave_no_exception_and_no_leak(kiosk):
    write_pin(pin_file(kiosk.app.cfg), PIN)
    with Monkey(kiosk, seed=SEED, pin=PIN) as monkey:
        result = monkey.run(EVENTS)
    summary = result.summary(WARMUP)
    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    (out / "soak.json").write_text(json.dumps(summary, indent=2))
    print("\nsoak:", json.dumps(summary))
    crashes = list(kiosk.app.crashes)
    kiosk.app.crashes.clear()
    assert not crashes, f"{len(crashes)} exceptions; the first:\n{crashes[0]}"
    assert result.thread_errors == 0
    assert summary["rss_growth_kib"] < 10 * 1024, summary
    # The run went everywhere: every screen of the kiosk was shown at some point.
    from screens.kiosk_app import SCREEN_MODULES

    missing = set(SCREEN_MODULES) - set(summary["screens"])
    assert EVENTS < 5000 or not missing, f"never reached: {missing}"
    kiosk.home()
