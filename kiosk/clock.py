"""The program's one clock. `$KIOSK_TEST_NOW` (ISO 8601 with a UTC offset) freezes it for
tests and drills, and then everything that asks the time of day at the office sees the same
frozen moment: the queue's opening hours, the guides' "open now", the printed card and the
reports' default month. (Before, only the queue honoured it, so a drill at Monday 10:00 issued
tickets while the guides said "Teraz zamknięte".)
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

TEST_NOW_ENV = "KIOSK_TEST_NOW"


def system_now() -> dt.datetime:
    """The real time, aware (or the frozen test time)."""
    fixed = os.environ.get(TEST_NOW_ENV)
    if fixed:
        value = dt.datetime.fromisoformat(fixed)
        if value.tzinfo is None:
            raise ValueError(f"${TEST_NOW_ENV} needs a UTC offset, e.g. 2026-11-30T10:00+01:00")
        return value
    return dt.datetime.now(dt.UTC)


def office_now(timezone: str) -> dt.datetime:
    """The office's wall-clock time (naive), whatever the machine's own time zone is."""
    return system_now().astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
