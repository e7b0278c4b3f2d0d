"""Queue tickets: issue numbered tickets, say who is ahead and how long it may take, and let
desks call, recall, serve, mark no-shows and transfer.

Category definitions (letters, names, hours, limits) are content, read through ContentService;
tickets, counters and desks live in the queue database (kiosk.db.queue_models), which several
kiosks and desks may share. Callers get frozen dataclasses, never ORM rows.

Numbering is correct by construction: the per-day counter row of a letter is incremented and
the ticket inserted in one transaction (SQLite: under the write lock taken at BEGIN IMMEDIATE;
PostgreSQL: under the row lock of INSERT ... ON CONFLICT DO UPDATE), and UNIQUE(service_day,
letter, number) refuses a duplicate even if that ever failed. A transaction killed half-way
leaves neither a ticket nor a used number.

Time is injected (`now` returns an aware datetime); the service day is the office-local date.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
import statistics
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Protocol, overload
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from kiosk.clock import TEST_NOW_ENV, system_now  # noqa: F401 (re-exported)
from kiosk.closures import Closure, ContentClosure, closure_on, cut, public_holiday
from kiosk.content.service import NotFound, QueueCategoryView
from kiosk.db.queue_engine import (
    make_queue_engine,
    queue_session_factory,
    retrying,
    upgrade_queue,
    write_session,
)
from kiosk.db.queue_models import (
    CALL,
    CALLED,
    CANCELLED,
    NO_SHOW,
    RECALL,
    SERVED,
    WAITING,
    Desk,
    QueueCounter,
    Ticket,
)
from kiosk.hours import Span
from kiosk.queue.bookings import (
    TOO_MANY_WRONG,
    WRONG_CODE,
    WRONG_CODES_ALLOWED,
    WRONG_CODES_PAUSE,
    Bookings,
    Claim,
    Refusal,
    WrongCodes,
    attach_ticket,
    claim,
)
from kiosk.queue.call_log import log_call
from kiosk.queue.hall_alerts import HallAlerts
from kiosk.texts import LocalText

log = logging.getLogger(__name__)

# Why no ticket can be issued now (Availability.reason, QueueClosed.reason).
CLOSED_TODAY = "closed_today"
BEFORE_OPENING = "before_opening"
AFTER_CUTOFF = "after_cutoff"
DAILY_LIMIT = "daily_limit"
UNKNOWN_CATEGORY = "unknown_category"
REASONS = (CLOSED_TODAY, BEFORE_OPENING, AFTER_CUTOFF, DAILY_LIMIT, UNKNOWN_CATEGORY)

# Estimates: recent served tickets of the letter, and desks that called it recently.
HISTORY_DAYS = 14
HISTORY_MAX = 50
MIN_SAMPLES = 3
MAX_SERVICE_MIN = 120  # longer "services" are desks left open over a break, not service times
DESK_ACTIVE_MIN = 30
CATEGORY_CACHE_S = 5.0

class ContentSource(Protocol):
    def queue_categories(self) -> list[QueueCategoryView]: ...


# --- what callers get -----------------------------------------------------------------------

@dataclass(frozen=True)
class WaitEstimate:
    """A range, never a single number: built from recent service times of the letter and the
    desks serving it now."""

    low_minutes: int
    high_minutes: int
    samples: int          # served tickets the range is built from
    desks: int            # desks serving the letter now (0: one is assumed)
    basis: str            # one line for staff: what the range rests on


@dataclass(frozen=True)
class Availability:
    letter: str
    is_open: bool
    reason: str | None             # None when open, else one of REASONS
    name: LocalText | None
    hours_today: tuple[tuple[dt.time, dt.time], ...]
    # The last moment a ticket can be taken in the current (or next) opening span today.
    last_ticket_at: dt.time | None
    # When tickets can next be taken (office-local, aware); None if never within a week.
    next_opening: dt.datetime | None
    booking_url: str | None
    daily_limit: int | None
    issued_today: int
    priority_offered: bool
    hours: tuple[Span, ...]        # the whole week, for "open Mon 8:00-15:30, ..."
    holiday: str | None = None     # closed today for a public holiday: its Polish name
    # Today's public holiday or closure of the content (closed, or shorter hours), if any.
    closure: Closure | None = None


@dataclass(frozen=True)
class CategoryInfo:
    """A letter as the kiosk offers it: content definition plus whether it is open now."""

    letter: str
    name: LocalText
    department_code: str
    prepare: LocalText | None
    priority_offered: bool
    booking_url: str | None
    procedures: tuple[str, ...]
    availability: Availability


@dataclass(frozen=True)
class IssuedTicket:
    id: int
    code: str                      # "A012"
    number: int
    letter: str
    name: LocalText | None
    service_day: dt.date
    issued_at: dt.datetime         # office-local, aware
    priority: bool
    people_ahead: int
    estimate: WaitEstimate | None  # None: "no estimate yet"
    department_code: str | None
    prepare: LocalText | None
    kiosk_id: str
    token: str | None = None       # the ticket's page on the live queue site: /t/<token>
    booked_at: dt.datetime | None = None  # a booked visit: its time (office-local, aware)


@dataclass(frozen=True)
class TicketView:
    id: int
    code: str
    letter: str                    # the letter it was issued with
    category: str                  # the queue it waits in now (differs after a transfer)
    number: int
    service_day: dt.date
    priority: bool
    status: str
    desk: int | None
    issued_at: dt.datetime
    called_at: dt.datetime | None
    served_at: dt.datetime | None
    closed_at: dt.datetime | None
    recalls: int
    printed: bool
    department_code: str | None
    kiosk_id: str
    transferred_from: str | None
    people_ahead: int | None       # while waiting
    booked_at: dt.datetime | None = None  # a booked visit checked in: its time


@dataclass(frozen=True)
class CategoryState:
    letter: str
    name: LocalText | None         # None: a letter today's tickets use but content no longer has
    issued: int
    waiting: int
    waiting_priority: int
    called: int
    served: int
    no_show: int
    last_called: TicketView | None
    estimate: WaitEstimate | None  # for a ticket taken now
    availability: Availability | None


@dataclass(frozen=True)
class DeskState:
    desk: int
    letters: tuple[str, ...]       # empty: every letter
    current: TicketView | None
    last_seen_at: dt.datetime


@dataclass(frozen=True)
class QueueStatus:
    service_day: dt.date
    now: dt.datetime
    categories: tuple[CategoryState, ...]
    desks: tuple[DeskState, ...]


# --- errors ------------------------------------------------------------------------------------

class QueueError(Exception):
    """A queue request that cannot be done; the message is one line for staff."""


class QueueClosed(QueueError):
    """No ticket may be issued now; `availability` says when, and what else to offer."""

    def __init__(self, reason: str, availability: Availability):
        self.reason = reason
        self.availability = availability
        super().__init__(_reason_text(availability))


class UnknownCategory(QueueError):
    pass


class PriorityNotOffered(QueueError):
    pass


class DeskIdle(QueueError):
    """The desk has no called ticket to recall, serve, mark or transfer."""


class TicketNotFound(QueueError):
    pass


class CheckInRefused(QueueError):
    """A booking code that gives no ticket now; `refusal` says why (kiosk.queue.bookings
    REFUSALS) and, where the code was found, the booking's day and time."""

    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        self.reason = refusal.reason
        when = f" (booked {refusal.booked_at:%Y-%m-%d %H:%M})" if refusal.booked_at else ""
        super().__init__(f"{refusal.reason.replace('_', ' ')}{when}")


class _LimitReached(Exception):
    pass


def _reason_text(a: Availability) -> str:
    nxt = f"; next opening {a.next_opening:%a %Y-%m-%d %H:%M}" if a.next_opening else ""
    closure = a.closure.name("pl") if a.closure is not None else ""
    shorter = (f"; shorter hours today: {closure}" if a.closure is not None
               and not a.closure.closed else "")
    return {
        UNKNOWN_CATEGORY: f"unknown queue category {a.letter!r}",
        CLOSED_TODAY: (f"{a.letter}: no tickets today, a public holiday: {a.holiday}{nxt}"
                       if a.holiday else
                       f"{a.letter}: no tickets today, the office is closed: {closure}{nxt}"
                       if closure and a.closure and a.closure.closed else
                       f"{a.letter}: no tickets today{nxt}"),
        BEFORE_OPENING: f"{a.letter}: not open yet{shorter}{nxt}",
        AFTER_CUTOFF: f"{a.letter}: no more tickets today (last ticket "
                      f"{a.last_ticket_at:%H:%M}{shorter}){nxt}" if a.last_ticket_at else
                      f"{a.letter}: no more tickets today{nxt}",
        DAILY_LIMIT: f"{a.letter}: today's limit of {a.daily_limit} tickets is reached{nxt}",
    }.get(a.reason or "", f"{a.letter}: open")


# --- pure rules ----------------------------------------------------------------------------------

def _issuable_spans(hours: Iterable[Span], day: dt.date, cutoff: int,
                    closures: Iterable[ContentClosure] = ()) -> list[tuple[dt.time, dt.time]]:
    """The spans of `day` in which a ticket can be taken: (opening, last ticket time); none
    on a public holiday or a day the content closes, only within shorter hours on a day the
    content shortens (the cut-off counts from the shorter closing)."""
    spans = [(o, c) for w, o, c in hours if w == day.weekday()]
    if not spans:
        return []
    out = []
    for opens, closes in cut(spans, closure_on(day, closures)):
        last = (dt.datetime.combine(day, closes) - dt.timedelta(minutes=cutoff)).time()
        if opens < last:  # else the cut-off swallows the whole span
            out.append((opens, last))
    return sorted(out)


def _time_rule(cat: QueueCategoryView, local: dt.datetime
               ) -> tuple[str | None, dt.time | None, dt.datetime | None]:
    """(reason or None when open, last ticket time, next opening) from the hours alone."""
    today, t = local.date(), local.time().replace(tzinfo=None)
    spans = _issuable_spans(cat.hours, today, cat.cutoff_minutes, cat.closures)
    for opens, last in spans:
        if t < last:
            if opens <= t:
                return None, last, None
            return BEFORE_OPENING, last, dt.datetime.combine(today, opens, tzinfo=local.tzinfo)
    if spans:
        return AFTER_CUTOFF, spans[-1][1], _next_day_opening(cat, local)
    return CLOSED_TODAY, None, _next_day_opening(cat, local)


def _next_day_opening(cat: QueueCategoryView, local: dt.datetime) -> dt.datetime | None:
    for ahead in range(1, 15):  # a week, and the holidays that may fall in it
        day = local.date() + dt.timedelta(days=ahead)
        spans = _issuable_spans(cat.hours, day, cat.cutoff_minutes, cat.closures)
        if spans:
            return dt.datetime.combine(day, spans[0][0], tzinfo=local.tzinfo)
    return None


def _estimate(durations: list[float], desks: int, ahead: int) -> WaitEstimate | None:
    if len(durations) < MIN_SAMPLES:
        return None
    q1, _, q3 = statistics.quantiles(durations, n=4, method="inclusive")
    d = max(1, desks)
    low = math.floor(ahead * q1 / d)
    high = max(low + 1, math.ceil((ahead + 1) * q3 / d))
    who = f"{desks} desk(s) serving now" if desks else "no desk serving now, one assumed"
    return WaitEstimate(low, high, len(durations), desks,
                        f"{len(durations)} recent services of {q1:.0f}-{q3:.0f} min, {who}")


def _call_order(now_utc: dt.datetime) -> tuple:
    """ORDER BY of the next ticket a desk calls: booked visits due by `now` (earliest time
    first), priority walk-ins, other walk-ins (oldest first), booked visits not due yet."""
    booked = Ticket.booked_at.is_not(None)
    rank = case((booked & (Ticket.booked_at <= now_utc), 0),
                (booked, 3),
                (Ticket.priority, 1),
                else_=2)
    # Walk-ins have no booked time: within their ranks the NULLs compare equal, whichever end
    # the database sorts them to.
    return rank, Ticket.booked_at, Ticket.id


# --- the service -------------------------------------------------------------------------------

def _utc_naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None)


class QueueService:
    """Tickets and desks over the queue database; categories from content."""

    def __init__(self, Session_: sessionmaker[Session], content: ContentSource, *,
                 kiosk_id: str, tz: str | dt.tzinfo = "Europe/Warsaw",
                 now: Callable[[], dt.datetime] = system_now, engine: Engine | None = None):
        self._Session = Session_
        self._content = content
        self.kiosk_id = kiosk_id
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._now = now
        self._engine = engine
        self._cats: tuple[float, dict[str, QueueCategoryView]] | None = None
        self._wrong_codes = WrongCodes()
        # The year's holidays take ~80 ms to work out: here, not in the first resident's tap.
        public_holiday(self.now().date())

    @property
    def hall_alerts(self) -> HallAlerts:
        """Staff alerts every machine of the hall reads (kiosk.queue.hall_alerts)."""
        return HallAlerts(self._Session, self.kiosk_id)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    # time and content

    def now(self) -> dt.datetime:
        """Office-local aware now."""
        return self._now().astimezone(self.tz)

    @overload
    def _local(self, t: dt.datetime) -> dt.datetime: ...
    @overload
    def _local(self, t: None) -> None: ...
    @overload
    def _local(self, t: dt.datetime | None) -> dt.datetime | None: ...

    def _local(self, t: dt.datetime | None) -> dt.datetime | None:
        return None if t is None else t.replace(tzinfo=dt.UTC).astimezone(self.tz)

    def _categories(self) -> dict[str, QueueCategoryView]:
        # Definitions change with a content load (nightly), while reading them costs as much as
        # issuing a ticket: keep them a few seconds. Monotonic, not `now`: this is about
        # staleness of content, not about office time.
        t = time.monotonic()
        if self._cats is None or t - self._cats[0] > CATEGORY_CACHE_S:
            try:
                cats = {c.letter: c for c in self._content.queue_categories()}
            except NotFound:  # no content loaded: no letters
                cats = {}
            self._cats = (t, cats)
        return self._cats[1]

    def _category(self, letter: str) -> QueueCategoryView | None:
        return self._categories().get(letter)

    def _check_letters(self, letters: Iterable[str]) -> tuple[str, ...]:
        known = self._categories()
        out = []
        for letter in letters:
            letter = letter.strip().upper()
            if letter not in known:
                raise UnknownCategory(f"unknown queue category {letter!r} "
                                      f"(known: {', '.join(sorted(known)) or 'none'})")
            out.append(letter)
        return tuple(dict.fromkeys(out))

    # availability

    def _availability(self, cat: QueueCategoryView | None, letter: str, local: dt.datetime,
                      issued: int) -> Availability:
        if cat is None:
            return Availability(letter, False, UNKNOWN_CATEGORY, None, (), None, None, None,
                                None, issued, False, ())
        reason, last, nxt = _time_rule(cat, local)
        if cat.daily_limit is not None and issued >= cat.daily_limit:
            reason, nxt = DAILY_LIMIT, _next_day_opening(cat, local)
        closure = closure_on(local.date(), cat.closures)
        today = tuple(cut(((o, c) for w, o, c in cat.hours if w == local.weekday()), closure))
        holiday = public_holiday(local.date()) if closure is not None else None
        return Availability(letter, reason is None, reason, cat.name, today, last, nxt,
                            cat.booking_url, cat.daily_limit, issued, cat.priority,
                            tuple(cat.hours), holiday, closure)

    def _issued(self, s: Session, day: dt.date, letter: str) -> int:
        return s.scalar(select(QueueCounter.last_number).where(
            QueueCounter.service_day == day, QueueCounter.letter == letter)) or 0

    def availability(self, letter: str, now: dt.datetime | None = None) -> Availability:
        local = (now or self._now()).astimezone(self.tz)
        cat = self._category(letter)
        with self._Session() as s:
            issued = self._issued(s, local.date(), letter)
        return self._availability(cat, letter, local, issued)

    def categories(self) -> list[CategoryInfo]:
        """Every letter with whether a ticket can be taken now (for the kiosk's letter list)."""
        local = self.now()
        cats = self._categories()
        with self._Session() as s:
            issued = dict(s.execute(select(QueueCounter.letter, QueueCounter.last_number)
                                    .where(QueueCounter.service_day == local.date())).all())
        return [CategoryInfo(c.letter, c.name, c.department_code, c.prepare, c.priority,
                             c.booking_url, c.procedures,
                             self._availability(c, c.letter, local, issued.get(c.letter, 0)))
                for c in cats.values()]

    # issuing

    def _upsert_counter(self, s: Session, day: dt.date, letter: str) -> int:
        upsert = (postgresql.insert if s.get_bind().dialect.name == "postgresql"
                  else sqlite.insert)
        stmt = upsert(QueueCounter).values(service_day=day, letter=letter, last_number=1)
        returning = stmt.on_conflict_do_update(
            index_elements=[QueueCounter.service_day, QueueCounter.letter],
            set_={"last_number": QueueCounter.last_number + 1},
        ).returning(QueueCounter.last_number)
        return s.execute(returning).scalar_one()

    def issue(self, letter: str, *, priority: bool = False) -> IssuedTicket:
        """Issue the next ticket of `letter`, or raise QueueClosed saying why not."""
        letter = letter.strip().upper()
        now = self._now()
        local = now.astimezone(self.tz)
        day = local.date()
        cat = self._category(letter)
        if cat is None:
            raise QueueClosed(UNKNOWN_CATEGORY, self._availability(None, letter, local, 0))
        reason, _, _ = _time_rule(cat, local)
        if reason is not None:
            raise QueueClosed(reason, self.availability(letter, now))
        if priority and not cat.priority:
            raise PriorityNotOffered(f"{letter}: priority tickets are not offered")
        token = secrets.token_urlsafe(16)  # 128 random bits: the ticket's page (kiosk.web)

        def txn():
            # Only the two statements that must be atomic run under the counter's lock; the
            # people ahead and the estimate are read after the commit.
            with write_session(self._Session) as s:
                number = self._upsert_counter(s, day, letter)
                if cat.daily_limit is not None and number > cat.daily_limit:
                    raise _LimitReached  # rolls back: the number is given back, no gap
                tid = self._insert_ticket(s, day, cat, number, now, token, priority=priority)
                return tid, number

        try:
            tid, number = retrying(txn)
        except _LimitReached:
            raise QueueClosed(DAILY_LIMIT, self.availability(letter, now)) from None
        with self._Session() as s:
            ahead = s.scalar(self._ahead_query(day, letter, tid, priority))
            estimate = self._estimate_for(s, letter, ahead, now)
        log.info("issued %s%03d (kiosk %s, %d ahead)", letter, number, self.kiosk_id, ahead)
        return IssuedTicket(tid, f"{letter}{number:03d}", number, letter, cat.name, day,
                            local, priority, ahead, estimate, cat.department_code, cat.prepare,
                            self.kiosk_id, token)

    def _insert_ticket(self, s: Session, day: dt.date, cat: QueueCategoryView, number: int,
                       now: dt.datetime, token: str, *, priority: bool = False,
                       booked_at: dt.datetime | None = None) -> int:
        letter = cat.letter
        return s.execute(insert(Ticket).values(
            service_day=day, letter=letter, number=number, code=f"{letter}{number:03d}",
            category=letter, priority=priority, department_code=cat.department_code,
            kiosk_id=self.kiosk_id, issued_at=_utc_naive(now), status=WAITING, recalls=0,
            printed=False, booked_at=booked_at, token=token,
        ).returning(Ticket.id)).scalar_one()

    # booked visits

    @property
    def bookings(self) -> Bookings:
        """Visits booked online: import and list (kiosk.queue.bookings)."""
        return Bookings(self._Session, self.tz, self._now)

    def check_in(self, code: str) -> IssuedTicket:
        """The ticket of the visit booked with `code`, marked as booked, for its letter and
        time; or CheckInRefused saying why not (wrong code, another day, too early, too late,
        already used). The booking is claimed and the ticket numbered in one transaction: a
        code gives one ticket, even typed at two kiosks at once, and a refused or failed
        check-in uses no number. Opening hours and the daily limit are the booking system's
        business: a booked visit is not refused for them."""
        code = code.strip()
        now = self._now()
        local = now.astimezone(self.tz)
        token = secrets.token_urlsafe(16)
        if self._wrong_codes.paused(now):
            log.warning("check-in paused at kiosk %s: %d wrong codes in %s", self.kiosk_id,
                        WRONG_CODES_ALLOWED, WRONG_CODES_PAUSE)
            raise CheckInRefused(Refusal(TOO_MANY_WRONG))

        def txn():
            with write_session(self._Session) as s:
                got = claim(s, code, local)
                if isinstance(got, Refusal):
                    return got
                cat = self._category(got.letter)
                if cat is None:  # a letter the content no longer has: nowhere to send it
                    raise UnknownCategory(f"booking {code}: unknown queue category "
                                          f"{got.letter!r}")
                number = self._upsert_counter(s, got.service_day, got.letter)
                tid = self._insert_ticket(s, got.service_day, cat, number, now, token,
                                          booked_at=got.booked_at)
                attach_ticket(s, got.booking_id, tid)
                return got, cat, tid, number

        result = retrying(txn)
        if isinstance(result, Refusal):
            log.info("check-in refused: %s", result.reason)  # never the code: it is a key
            if result.reason == WRONG_CODE:
                self._wrong_codes.wrong(now)
            raise CheckInRefused(result)
        got, cat, tid, number = result
        assert isinstance(got, Claim)
        with self._Session() as s:
            ahead = s.scalar(self._ahead_query(got.service_day, got.letter, tid, False,
                                               got.booked_at))
        booked = self._local(got.booked_at)
        log.info("checked in %s%03d booked for %s (kiosk %s)", got.letter, number,
                 f"{booked:%H:%M}", self.kiosk_id)
        return IssuedTicket(tid, f"{got.letter}{number:03d}", number, got.letter, cat.name,
                            got.service_day, local, False, ahead, None, cat.department_code,
                            cat.prepare, self.kiosk_id, token, booked)

    @staticmethod
    def _ahead_query(day: dt.date, category: str, ticket_id: int, priority: bool,
                     booked_at: dt.datetime | None = None):
        # "Issued earlier" is id order: ids are handed out under the counter's lock, so they
        # follow the numbers of a letter, and a ticket transferred in keeps its place in time.
        # A priority ticket is called before every ordinary one, so only priority tickets are
        # ahead of it. A booked visit is called at its time before walk-ins: only booked
        # visits of an earlier time are ahead of it.
        q = select(func.count()).select_from(Ticket).where(
            Ticket.service_day == day, Ticket.category == category, Ticket.status == WAITING,
            Ticket.id != ticket_id)
        if booked_at is not None:
            return q.where(Ticket.booked_at.is_not(None), (Ticket.booked_at < booked_at) | (
                (Ticket.booked_at == booked_at) & (Ticket.id < ticket_id)))
        q = q.where(Ticket.id < ticket_id)
        if priority:
            q = q.where(Ticket.priority.is_(True))
        return q

    def mark_printed(self, ticket_id: int, printed: bool = True) -> None:
        def txn():
            with write_session(self._Session) as s:
                n = s.execute(update(Ticket).where(Ticket.id == ticket_id)
                              .values(printed=printed)).rowcount
                if not n:
                    raise TicketNotFound(f"no ticket with id {ticket_id}")
        retrying(txn)

    def cancel(self, ticket_id: int) -> TicketView:
        """Withdraw a waiting ticket (e.g. issued by mistake); its number stays used."""
        def txn():
            with write_session(self._Session) as s:
                t = s.get(Ticket, ticket_id)
                if t is None:
                    raise TicketNotFound(f"no ticket with id {ticket_id}")
                if t.status != WAITING:
                    raise QueueError(f"{t.code} is {t.status}, not waiting")
                t.status, t.closed_at = CANCELLED, _utc_naive(self._now())
                s.flush()
                return self._view(s, t)
        return retrying(txn)

    def ticket(self, ticket_id: int) -> TicketView:
        with self._Session() as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise TicketNotFound(f"no ticket with id {ticket_id}")
            return self._view(s, t)

    def ticket_by_token(self, token: str) -> tuple[TicketView, WaitEstimate | None]:
        """The ticket a phone follows (kiosk.web) by its random token, with its estimate while
        it waits today. Never by code: codes are easy to guess."""
        with self._Session() as s:
            t = s.scalars(select(Ticket).where(Ticket.token == token)).first() if token else None
            if t is None:
                raise TicketNotFound("no ticket with this token")
            view, now = self._view(s, t), self.now()
            estimate = (self._estimate_for(s, t.category, view.people_ahead, now)
                        if view.people_ahead is not None and t.service_day == now.date()
                        else None)
            return view, estimate

    def _view(self, s: Session, t: Ticket) -> TicketView:
        ahead = (s.scalar(self._ahead_query(t.service_day, t.category, t.id, t.priority,
                                            t.booked_at))
                 if t.status == WAITING else None)
        return TicketView(t.id, t.code, t.letter, t.category, t.number, t.service_day,
                          t.priority, t.status, t.desk, self._local(t.issued_at),
                          self._local(t.called_at), self._local(t.served_at),
                          self._local(t.closed_at), t.recalls, t.printed, t.department_code,
                          t.kiosk_id, t.transferred_from, ahead, self._local(t.booked_at))

    # estimates

    def tickets_by_tokens(self, tokens: Collection[str]
                          ) -> dict[str, tuple[TicketView, WaitEstimate | None]]:
        """ticket_by_token for many tickets at once (the phones following their tickets on
        the live queue page): one session, and each category's service history read once
        however many of its tickets are followed. Unknown tokens are left out."""
        wanted = [t for t in tokens if t]
        out: dict[str, tuple[TicketView, WaitEstimate | None]] = {}
        if not wanted:
            return out
        with self._Session() as s:
            now = self.now()
            history: dict[str, tuple[list[float], int]] = {}
            for t in s.scalars(select(Ticket).where(Ticket.token.in_(wanted))):
                view = self._view(s, t)
                estimate = None
                if view.people_ahead is not None and t.service_day == now.date():
                    if t.category not in history:
                        history[t.category] = self._service_history(s, t.category, now)
                    durations, desks = history[t.category]
                    if len(durations) >= MIN_SAMPLES:
                        estimate = _estimate(durations, desks, view.people_ahead)
                if t.token:  # found by it, so never empty
                    out[t.token] = (view, estimate)
        return out

    def _estimate_for(self, s: Session, category: str, ahead: int,
                      now: dt.datetime) -> WaitEstimate | None:
        durations, desks = self._service_history(s, category, now)
        if len(durations) < MIN_SAMPLES:
            return None
        return _estimate(durations, desks, ahead)

    def _service_history(self, s: Session, category: str, now: dt.datetime
                         ) -> tuple[list[float], int]:
        """Minutes each recent ticket of `category` took at a desk, and the desks serving it
        now: what an estimate is made of."""
        now_u = _utc_naive(now)
        rows = s.execute(
            select(Ticket.called_at, Ticket.served_at)
            .where(Ticket.category == category, Ticket.status == SERVED,
                   Ticket.called_at.is_not(None), Ticket.served_at.is_not(None),
                   Ticket.served_at >= now_u - dt.timedelta(days=HISTORY_DAYS),
                   Ticket.served_at <= now_u)
            .order_by(Ticket.served_at.desc()).limit(HISTORY_MAX)).all()
        # Both times are set: the query asks for called and served tickets only.
        durations = [m for c, e in rows if c is not None and e is not None
                     and 0 < (m := (e - c).total_seconds() / 60) <= MAX_SERVICE_MIN]
        if len(durations) < MIN_SAMPLES:
            return durations, 0
        desks = sum(1 for d in s.scalars(select(Desk).where(
            Desk.last_seen_at >= now_u - dt.timedelta(minutes=DESK_ACTIVE_MIN)))
            if not d.letters or category in d.letters.split(","))
        return durations, desks

    # desks

    def _touch_desk(self, s: Session, desk: int, letters: tuple[str, ...] | None,
                    now: dt.datetime) -> None:
        upsert = (postgresql.insert if s.get_bind().dialect.name == "postgresql"
                  else sqlite.insert)
        values = {"desk": desk, "last_seen_at": _utc_naive(now)}
        if letters is not None:
            values["letters"] = ",".join(letters)
        stmt = upsert(Desk).values(**{"letters": "", **values})
        s.execute(stmt.on_conflict_do_update(
            index_elements=[Desk.desk],
            set_={k: getattr(stmt.excluded, k) for k in values if k != "desk"}))

    def _current(self, s: Session, desk: int, lock: bool = True) -> Ticket | None:
        q = (select(Ticket).where(Ticket.desk == desk, Ticket.status == CALLED)
             .order_by(Ticket.called_at.desc(), Ticket.id.desc()).limit(1))
        return s.scalars(q.with_for_update() if lock else q).first()

    @staticmethod
    def _check_desk(desk: int) -> None:
        if isinstance(desk, bool) or not isinstance(desk, int) or not 1 <= desk <= 999:
            raise QueueError(f"desk must be a number from 1 to 999, not {desk!r}")

    def call_next(self, desk: int, letters: Iterable[str] | None = None) -> TicketView | None:
        """Call the next waiting ticket to `desk`: a booked visit whose time has come first
        (the earliest time), then priority tickets, then the oldest; a booked visit that
        checked in early is called before its time only when nobody else waits. The desk's
        current ticket, if any, counts as served (the clerk moved on). Returns None when
        nothing is waiting."""
        self._check_desk(desk)
        wanted = self._check_letters(letters) if letters else None

        def txn():
            now = self._now()
            day = now.astimezone(self.tz).date()
            with write_session(self._Session) as s:
                for cur in s.scalars(select(Ticket).where(Ticket.desk == desk,
                                                          Ticket.status == CALLED)).all():
                    cur.status, cur.served_at = SERVED, _utc_naive(now)
                    cur.closed_at = cur.served_at
                self._touch_desk(s, desk, wanted or (), now)
                q = select(Ticket).where(Ticket.service_day == day, Ticket.status == WAITING)
                if wanted:
                    q = q.where(Ticket.category.in_(wanted))
                # SKIP LOCKED: two desks calling at once on PostgreSQL take different tickets
                # (SQLite serialises writers anyway and ignores it).
                t = s.scalars(q.order_by(*_call_order(_utc_naive(now))).limit(1)
                              .with_for_update(skip_locked=True)).first()
                if t is None:
                    return None
                t.status, t.desk, t.called_at = CALLED, desk, _utc_naive(now)
                s.flush()
                log_call(s, t, CALL, _utc_naive(now))  # same transaction: the display sees it
                return self._view(s, t)
        called = retrying(txn)
        if called:
            log.info("desk %d called %s", desk, called.code)
        return called

    def _with_current(self, desk: int, change: Callable[[Session, Ticket, dt.datetime], None]
                      ) -> TicketView:
        self._check_desk(desk)

        def txn():
            now = self._now()
            with write_session(self._Session) as s:
                t = self._current(s, desk)
                if t is None:
                    raise DeskIdle(f"desk {desk} has no called ticket")
                change(s, t, now)
                self._touch_desk(s, desk, None, now)
                s.flush()
                return self._view(s, t)
        return retrying(txn)

    def recall(self, desk: int) -> TicketView:
        """Call the desk's current ticket again (the display repeats it)."""
        def change(s, t, now):
            t.recalls += 1
            log_call(s, t, RECALL, _utc_naive(now))
        return self._with_current(desk, change)

    def served(self, desk: int) -> TicketView:
        def change(s, t, now):
            t.status, t.served_at = SERVED, _utc_naive(now)
            t.closed_at = t.served_at
        return self._with_current(desk, change)

    def no_show(self, desk: int) -> TicketView:
        def change(s, t, now):
            t.status, t.closed_at = NO_SHOW, _utc_naive(now)
        return self._with_current(desk, change)

    def transfer(self, desk: int, to_letter: str) -> TicketView:
        """Send the desk's current ticket to another letter's queue. It keeps its code and its
        place in time, so it is called before tickets issued after it."""
        (to,) = self._check_letters([to_letter])

        def change(s, t, now):
            t.transferred_from, t.category = t.category, to
            t.status, t.desk, t.called_at = WAITING, None, None
        return self._with_current(desk, change)

    # overview

    def status(self) -> QueueStatus:
        local = self.now()
        day = local.date()
        cats = self._categories()
        with self._Session() as s:
            counts: dict[tuple[str, str, bool], int] = {}
            for letter_, st, prio, count in s.execute(
                    select(Ticket.category, Ticket.status, Ticket.priority, func.count())
                    .where(Ticket.service_day == day)
                    .group_by(Ticket.category, Ticket.status, Ticket.priority)):
                counts[(letter_, st, bool(prio))] = count
            issued = dict(s.execute(select(QueueCounter.letter, QueueCounter.last_number)
                                    .where(QueueCounter.service_day == day)).all())
            letters = sorted(set(cats) | set(issued) | {k[0] for k in counts})
            out = []
            for letter in letters:
                def n(st, prio=None, letter=letter):
                    return sum(v for (c, s_, p), v in counts.items()
                               if c == letter and s_ == st and (prio is None or p == prio))
                last = s.scalars(select(Ticket).where(
                    Ticket.service_day == day, Ticket.category == letter,
                    Ticket.called_at.is_not(None)).order_by(Ticket.called_at.desc(),
                                                           Ticket.id.desc()).limit(1)).first()
                cat = cats.get(letter)
                out.append(CategoryState(
                    letter, cat.name if cat else None, issued.get(letter, 0), n(WAITING),
                    n(WAITING, True), n(CALLED), n(SERVED), n(NO_SHOW),
                    self._view(s, last) if last else None,
                    self._estimate_for(s, letter, n(WAITING), local),
                    self._availability(cat, letter, local, issued.get(letter, 0))
                    if cat else None))
            desks = []
            for d in s.scalars(select(Desk).order_by(Desk.desk)):
                cur = self._current(s, d.desk, lock=False)
                desks.append(DeskState(d.desk, tuple(x for x in d.letters.split(",") if x),
                                       self._view(s, cur) if cur else None,
                                       self._local(d.last_seen_at)))
        return QueueStatus(day, local, tuple(out), tuple(desks))


def open_queue(url: str, content: ContentSource, *, kiosk_id: str, tz: str,
               now: Callable[[], dt.datetime] = system_now) -> QueueService:
    """Connect to the queue database, create or upgrade its schema, return the service."""
    engine = make_queue_engine(url)
    upgrade_queue(engine)
    return QueueService(queue_session_factory(engine), content, kiosk_id=kiosk_id, tz=tz,
                        now=now, engine=engine)
