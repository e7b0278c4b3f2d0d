"""Is a department open now? Pure functions over weekly opening hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.clock import office_now  # noqa: F401  (the screens ask the office time here)
from kiosk.closures import public_holiday

Span = tuple[int, dt.time, dt.time]  # weekday (0 = Monday), opens, closes


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    today: tuple[tuple[dt.time, dt.time], ...]
    closes_at: dt.time | None
    # The next opening after `now` when closed: (date, time).
    next_open: tuple[dt.date, dt.time] | None
    # A public holiday today: the office is closed whatever its weekly hours say.
    holiday: str | None = None


def opening_status(hours: tuple[Span, ...] | list[Span], now: dt.datetime,
                   closed: Callable[[dt.date], str | None] = public_holiday) -> OpenStatus:
    """Open now, or when next; public holidays (`closed`) count as closed days."""
    wd, t = now.weekday(), now.time()
    holiday = closed(now.date())
    today = () if holiday else tuple(sorted((o, c) for w, o, c in hours if w == wd))
    for opens, closes in today:
        if opens <= t < closes:
            return OpenStatus(True, today, closes, None)
    next_open = None
    for ahead in range(15):  # a week, and the holidays that may fall in it
        day = now.date() + dt.timedelta(days=ahead)
        if closed(day):
            continue
        starts = sorted(o for w, o, _ in hours if w == day.weekday()
                        and (ahead > 0 or o > t))
        if starts:
            next_open = (day, starts[0])
            break
    return OpenStatus(False, today, None, next_open, holiday)
