"""Is a department open now? Pure functions over weekly opening hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.clock import office_now  # noqa: F401  (the screens ask the office time here)
from kiosk.closures import Closure, ContentClosure, closure_on, cut

Span = tuple[int, dt.time, dt.time]  # weekday (0 = Monday), opens, closes


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    today: tuple[tuple[dt.time, dt.time], ...]
    closes_at: dt.time | None
    # The next opening after `now` when closed: (date, time).
    next_open: tuple[dt.date, dt.time] | None
    # Closed the whole day (a public holiday or a closure of the content): its Polish name.
    holiday: str | None = None
    # Today's public holiday or content closure (closed, or shorter hours), if any.
    closure: Closure | None = None


def opening_status(hours: tuple[Span, ...] | list[Span], now: dt.datetime,
                   closures: Iterable[ContentClosure] = ()) -> OpenStatus:
    """Open now, or when next; public holidays and the content's closures count: a closed day
    has no hours, a shorter day only what is left of them."""
    closures = tuple(closures)
    t = now.time()
    closure = closure_on(now.date(), closures)
    today = tuple(cut(((o, c) for w, o, c in hours if w == now.weekday()), closure))
    holiday = closure.name("pl") if closure is not None and closure.closed else None
    for opens, closes in today:
        if opens <= t < closes:
            return OpenStatus(True, today, closes, None, None, closure)
    next_open = None
    for ahead in range(15):  # a week, and the holidays that may fall in it
        day = now.date() + dt.timedelta(days=ahead)
        spans = today if ahead == 0 else cut(
            ((o, c) for w, o, c in hours if w == day.weekday()), closure_on(day, closures))
        starts = sorted(o for o, _ in spans if ahead > 0 or o > t)
        if starts:
            next_open = (day, starts[0])
            break
    return OpenStatus(False, today, None, next_open, holiday, closure)
