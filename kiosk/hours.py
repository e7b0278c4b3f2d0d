"""Is a department open now? Pure functions over weekly opening hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.clock import office_now  # noqa: F401  (the screens ask the office time here)

Span = tuple[int, dt.time, dt.time]  # weekday (0 = Monday), opens, closes


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    today: tuple[tuple[dt.time, dt.time], ...]
    closes_at: dt.time | None
    # The next opening after `now` when closed: (date, time).
    next_open: tuple[dt.date, dt.time] | None


def opening_status(hours: tuple[Span, ...] | list[Span], now: dt.datetime) -> OpenStatus:
    wd, t = now.weekday(), now.time()
    today = tuple(sorted((o, c) for w, o, c in hours if w == wd))
    for opens, closes in today:
        if opens <= t < closes:
            return OpenStatus(True, today, closes, None)
    next_open = None
    for ahead in range(8):
        day = now.date() + dt.timedelta(days=ahead)
        starts = sorted(o for w, o, _ in hours if w == day.weekday()
                        and (ahead > 0 or o > t))
        if starts:
            next_open = (day, starts[0])
            break
    return OpenStatus(False, today, None, next_open)
