"""What the live queue pages show, as plain frozen data read from the queue: no personal data
(codes, counts, desks and times only), nothing that changes the queue.

`QueueShown` compares equal when the page would look the same, so the feed (kiosk.web.feed)
tells the phones only of real changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from kiosk.closures import Closure
from kiosk.i18n import translator
from kiosk.queue.call_feed import closure_line, recent_calls
from kiosk.queue.service import (
    AFTER_CUTOFF,
    BEFORE_OPENING,
    CLOSED_TODAY,
    DAILY_LIMIT,
    QueueService,
    TicketNotFound,
    TicketView,
    WaitEstimate,
)
from kiosk.texts import LocalText
from kiosk.web.texts import LANGS

CALLS_SHOWN = 3       # the last numbers called per category
CALLS_READ = 60       # the day's last calls read to find them


@dataclass(frozen=True)
class CallShown:
    code: str
    desk: int


@dataclass(frozen=True)
class CategoryShown:
    letter: str
    name: LocalText
    waiting: int
    calls: tuple[CallShown, ...]          # newest first
    estimate: tuple[int, int] | None      # minutes, low and high, for a ticket taken now
    is_open: bool                         # tickets can be taken now
    reason: str | None                    # why not (kiosk.queue.service REASONS)
    hours_today: tuple[tuple[dt.time, dt.time], ...]
    last_ticket_at: dt.time | None
    next_opening: dt.datetime | None
    closure: Closure | None


@dataclass(frozen=True)
class QueueShown:
    service_day: dt.date
    categories: tuple[CategoryShown, ...]
    # The office's line about today (a holiday, a closure, shorter hours) per language; "" on
    # an ordinary day. The hall display shows the same words (call_feed.closure_line).
    closure_lines: tuple[tuple[str, str], ...]

    def closure_line(self, lang: str) -> str:
        return dict(self.closure_lines).get(lang, "")


def read_queue(svc: QueueService) -> QueueShown:
    """The whole queue as the front page shows it: every category of the content."""
    status = svc.status()
    with svc._Session() as s:
        calls = recent_calls(s, status.service_day, svc.tz, CALLS_READ)
    cats = []
    for c in status.categories:
        a = c.availability
        if a is None or c.name is None:  # a letter the content no longer has
            continue
        seen: list[CallShown] = []
        for call in calls:  # newest first; a recall repeats a code already listed
            if call.letter == c.letter and call.code not in {x.code for x in seen}:
                seen.append(CallShown(call.code, call.desk))
            if len(seen) == CALLS_SHOWN:
                break
        est = (c.estimate.low_minutes, c.estimate.high_minutes) if c.estimate else None
        cats.append(CategoryShown(c.letter, c.name, c.waiting, tuple(seen), est, a.is_open,
                                  a.reason, a.hours_today, a.last_ticket_at, a.next_opening,
                                  a.closure))
    lines = tuple((lang, closure_line(status, translator(lang))) for lang in LANGS)
    return QueueShown(status.service_day, tuple(cats), lines)


# Ticket.status as the resident reads it.
WAITING, CALLED, SERVED, EXPIRED = "waiting", "called", "served", "expired"


@dataclass(frozen=True)
class TicketShown:
    code: str
    letter: str
    name: LocalText | None
    state: str                            # WAITING, CALLED, SERVED or EXPIRED
    desk: int | None                      # CALLED: where to go
    people_ahead: int | None              # WAITING
    estimate: tuple[int, int] | None      # WAITING, when there is one


def read_ticket(svc: QueueService, token: str) -> TicketShown | None:
    """One ticket by its token; None when no ticket has it. A ticket of an earlier day, one
    marked no-show or cancelled, is expired."""
    try:
        t, estimate = svc.ticket_by_token(token)
    except TicketNotFound:
        return None
    return _shown(svc, t, estimate, svc.now().date())


def read_tickets(svc: QueueService, tokens: Collection[str]) -> dict[str, TicketShown]:
    """read_ticket for every ticket followed at once, in one read of the queue; tokens no
    ticket has are left out."""
    today = svc.now().date()
    return {token: _shown(svc, t, estimate, today)
            for token, (t, estimate) in svc.tickets_by_tokens(tokens).items()}


def _shown(svc: QueueService, t: TicketView, estimate: WaitEstimate | None,
           today: dt.date) -> TicketShown:
    if t.status == "served":
        state = SERVED
    elif t.service_day != today or t.status not in ("waiting", "called"):
        state = EXPIRED
    else:
        state = CALLED if t.status == "called" else WAITING
    cat = svc._categories().get(t.category)
    return TicketShown(
        t.code, t.category, cat.name if cat else None, state,
        t.desk if state == CALLED else None,
        t.people_ahead if state == WAITING else None,
        (estimate.low_minutes, estimate.high_minutes)
        if estimate is not None and state == WAITING else None)


# kiosk.queue.service reasons the page words itself (texts keys).
REASON_KEYS = {CLOSED_TODAY: "closed_today", AFTER_CUTOFF: "no_more_today",
               DAILY_LIMIT: "limit_reached", BEFORE_OPENING: "tickets_from"}
