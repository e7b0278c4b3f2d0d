"""Issue 18's must-show, through the real PIN pad: 100 wrong PINs typed on the pad in any
rhythm get at most 5 tries in any 5 minutes, and the audit log shows every one.

Each attempt is seven real taps and a scrypt check (about 2 s in all on the CI machine), so CI
types 9 ($KIOSK_PIN_ATTEMPTS: seven in a burst, a wait past the lock, one more) and
`bash scripts/test.sh --slow` the full 100; the same 100 in three rhythms also run against the
admin service itself in tests/test_admin.py.

The wall clock of the admin service is moved by the test (a lockout lasts 5 minutes); the
PINs are real taps on the pad's keys, checked by the real scrypt hash on a worker thread."""

from __future__ import annotations

import datetime as dt
import os
import random

from tests.ui.test_admin_ui import PIN, audit, corner_taps, enter_pin


def test_wrong_pins_through_the_pad_in_any_rhythm_get_at_most_five_tries_in_five_minutes(
        staff, monkeypatch):
    admin = staff.app.admin
    now = [dt.datetime(2026, 12, 1, 9, 0)]
    monkeypatch.setattr(admin, "_now", lambda: now[0])
    rng = random.Random(18)
    corner_taps(staff, 5)
    assert staff.screen == "admin_pin"
    attempts = int(os.environ.get("KIOSK_PIN_ATTEMPTS", "9"))
    for i in range(attempts):
        # Bursts of seven quick taps (the lock must hold however many attempts hit it), a
        # wait that outlasts the lock, then a random rhythm in which locks expire or not.
        gap = (0.2 if i % 20 < 7 else 301 if i % 20 == 7
               else rng.choice([1, 5, 30, 61, 299, 301, 600]))
        now[0] += dt.timedelta(seconds=gap)
        pin = f"{rng.randrange(10 ** 6):06d}"
        enter_pin(staff, pin if pin != PIN else "000000")
        assert staff.screen == "admin_pin", "a wrong PIN never opens the admin side"
    pins = [e for e in reversed(admin.recent(500)) if e.action == "pin"]
    assert len([e for e in pins if e.outcome in ("wrong", "locked")]) == attempts, \
        "every attempt is in the audit log"
    tried = [e.at for e in pins if e.outcome == "wrong"]  # PINs the hash really checked
    assert len(tried) > 5, "the rhythm let the lock expire at least once"
    for i, t in enumerate(tried):
        in_window = [u for u in tried[i:] if (u - t).total_seconds() < 300]
        assert len(in_window) <= 5, f"{len(in_window)} tries within 5 minutes from {t}"
    assert ("pin", "lockout") in audit(staff)
