"""Visits booked online: the bookings the office's booking system made (imported by
kiosk.queue.booking_feeds), the rule that says whether a code may check in now, and the claim
that makes a code usable once.

A booking is the least the kiosk needs: the six-digit code, the day and time, the queue letter.
No name, no matter, no contact: a feed's other fields are dropped when it is read.

Check-in itself (the booking claimed and its ticket numbered in one transaction) is
QueueService.check_in; this module holds what it needs from the bookings table. Times in the
table are naive UTC, as everywhere in the queue database; the day is the office-local date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.db.queue_engine import retrying, write_session
from kiosk.db.queue_models import Booking, Ticket

CODE_DIGITS = 6
# The window in which a booked visit checks in: from half an hour before its time (a resident
# who comes early is told when to come back) to a quarter of an hour after (later, the desk
# has moved on: an ordinary ticket is the way).
EARLY_MINUTES = 30
LATE_MINUTES = 15
# Past bookings are deleted by the next import after this many days: nobody needs them.
KEEP_DAYS = 7

# Why a code gives no ticket (CheckInRefused.reason).
WRONG_CODE = "wrong_code"
ANOTHER_DAY = "another_day"
TOO_EARLY = "too_early"
TOO_LATE = "too_late"
ALREADY_USED = "already_used"
TOO_MANY_WRONG = "too_many_wrong"
REFUSALS = (WRONG_CODE, ANOTHER_DAY, TOO_EARLY, TOO_LATE, ALREADY_USED, TOO_MANY_WRONG)
# Wrong codes one kiosk takes before it stops checking codes for a while: a resident mistypes
# two or three times; trying codes one after another (to take someone else's booked time)
# gets a handful an hour, never the thousands a six-digit code needs.
WRONG_CODES_ALLOWED = 5
WRONG_CODES_PAUSE = dt.timedelta(minutes=10)


class BookingRecord(BaseModel):
    """One booking as a feed gives it (CSV row or JSON object); time is office-local. Fields
    other than these are ignored and never stored (a booking system may send names)."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    code: str = Field(pattern=rf"^[0-9]{{{CODE_DIGITS}}}$")
    date: dt.date
    time: dt.time
    category: str = Field(pattern=r"^[A-Za-z]$")
    status: Literal["booked", "cancelled"] = "booked"

    @field_validator("category")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        return (value or "booked").strip().lower() if isinstance(value, str) else value

    @property
    def key(self) -> tuple[dt.date, str]:
        return self.date, self.code


@dataclass(frozen=True)
class BookingView:
    code: str
    service_day: dt.date
    booked_at: dt.datetime          # office-local, aware
    letter: str
    source: str
    checked_in_at: dt.datetime | None
    ticket_code: str | None         # the ticket it checked in with


@dataclass(frozen=True)
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    # Changes or cancellations of a booking already checked in: the ticket stands, not applied.
    kept_checked_in: int = 0
    pruned: int = 0                 # past bookings deleted (older than KEEP_DAYS)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Refusal:
    """Why a code gives no ticket, and what the resident may be told about its booking."""

    reason: str
    service_day: dt.date | None = None
    booked_at: dt.datetime | None = None  # office-local, aware
    letter: str | None = None


@dataclass(frozen=True)
class Claim:
    """A booking claimed for check-in (in the caller's transaction)."""

    booking_id: int
    letter: str
    service_day: dt.date
    booked_at: dt.datetime          # naive UTC


def refusal_reason(day: dt.date, booked_at: dt.datetime, now: dt.datetime,
                   used: bool) -> str | None:
    """The check-in rule; `booked_at` and `now` office-local, aware. None: it may check in."""
    if used:
        return ALREADY_USED
    if day != now.date():
        return ANOTHER_DAY
    if now < booked_at - dt.timedelta(minutes=EARLY_MINUTES):
        return TOO_EARLY
    if now > booked_at + dt.timedelta(minutes=LATE_MINUTES):
        return TOO_LATE
    return None


def is_code(text: str) -> bool:
    return len(text) == CODE_DIGITS and text.isascii() and text.isdigit()


def _utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None)


def _local(t: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return t.replace(tzinfo=dt.UTC).astimezone(tz)


def claim(s: Session, code: str, now: dt.datetime) -> Claim | Refusal:
    """Claim the booking with `code` for check-in at `now` (office-local, aware), inside the
    caller's write transaction; or say why not.

    The claim is one conditional UPDATE (checked_in_at still empty): of two kiosks claiming
    one code at once the database lets exactly one change the row (SQLite: one writer at a
    time; PostgreSQL: the second waits for the first's row lock, then finds the row taken)."""
    tz = now.tzinfo
    assert tz is not None
    if not is_code(code):
        return Refusal(WRONG_CODE)
    found = s.scalars(select(Booking).where(Booking.code == code)).all()
    if not found:
        return Refusal(WRONG_CODE)
    today = now.date()
    # The same code may come back on another day: today's first, else the nearest day.
    b = min(found, key=lambda b: (b.service_day != today, abs((b.service_day - today).days),
                                  b.service_day < today))
    booked = _local(b.booked_at, tz)
    why = refusal_reason(b.service_day, booked, now, b.checked_in_at is not None)
    if why is not None:
        return Refusal(why, b.service_day, booked, b.letter)
    taken = cast(CursorResult, s.execute(
        update(Booking).where(Booking.id == b.id, Booking.checked_in_at.is_(None))
        .values(checked_in_at=_utc(now))
        .execution_options(synchronize_session=False))).rowcount
    if not taken:  # another kiosk claimed it a moment ago
        return Refusal(ALREADY_USED, b.service_day, booked, b.letter)
    return Claim(b.id, b.letter, b.service_day, b.booked_at)


def attach_ticket(s: Session, booking_id: int, ticket_id: int) -> None:
    s.execute(update(Booking).where(Booking.id == booking_id).values(ticket_id=ticket_id)
              .execution_options(synchronize_session=False))


class WrongCodes:
    """Wrong codes typed at this kiosk lately: after WRONG_CODES_ALLOWED within
    WRONG_CODES_PAUSE, no code is checked until the oldest of them is that old."""

    def __init__(self) -> None:
        self._times: list[dt.datetime] = []

    def _recent(self, now: dt.datetime) -> list[dt.datetime]:
        self._times = [t for t in self._times if now - t < WRONG_CODES_PAUSE]
        return self._times

    def paused(self, now: dt.datetime) -> bool:
        return len(self._recent(now)) >= WRONG_CODES_ALLOWED

    def wrong(self, now: dt.datetime) -> None:
        self._recent(now).append(now)


class Bookings:
    """The bookings table for staff: import from a feed, list a day."""

    def __init__(self, Session_: sessionmaker[Session], tz: dt.tzinfo,
                 now: Callable[[], dt.datetime]):
        self._Session, self.tz, self._now = Session_, tz, now

    def import_records(self, records: Iterable[BookingRecord], source: str) -> ImportSummary:
        """Add, change or cancel bookings by (day, code); delete those past KEEP_DAYS. A
        booking already checked in keeps its time and letter: its ticket stands."""
        records = list(records)
        now = self._now()
        today = now.astimezone(self.tz).date()

        def txn() -> ImportSummary:
            counts = dict.fromkeys(("added", "updated", "unchanged", "cancelled",
                                    "kept_checked_in"), 0)
            with write_session(self._Session) as s:
                pruned = cast(CursorResult, s.execute(delete(Booking).where(
                    Booking.service_day < today - dt.timedelta(days=KEEP_DAYS))
                    .execution_options(synchronize_session=False))).rowcount
                days = {r.date for r in records}
                have = {(b.service_day, b.code): b for b in s.scalars(
                    select(Booking).where(Booking.service_day.in_(days)))} if days else {}
                for r in records:
                    b = have.get(r.key)
                    at = _utc(dt.datetime.combine(r.date, r.time, tzinfo=self.tz))
                    if b is not None and b.checked_in_at is not None:
                        same = r.status == "booked" and (b.booked_at, b.letter) == (at, r.category)
                        counts["unchanged" if same else "kept_checked_in"] += 1
                    elif r.status == "cancelled":
                        if b is not None:
                            s.delete(b)
                            del have[r.key]
                            counts["cancelled"] += 1
                        else:
                            counts["unchanged"] += 1
                    elif b is None:
                        have[r.key] = b = Booking(code=r.code, service_day=r.date, booked_at=at,
                                                  letter=r.category, source=source[:40],
                                                  imported_at=_utc(now))
                        s.add(b)
                        counts["added"] += 1
                    elif (b.booked_at, b.letter) != (at, r.category):
                        b.booked_at, b.letter, b.source = at, r.category, source[:40]
                        b.imported_at = _utc(now)
                        counts["updated"] += 1
                    else:
                        counts["unchanged"] += 1
            return ImportSummary(**counts, pruned=pruned)

        return retrying(txn)

    def on(self, day: dt.date) -> list[BookingView]:
        """The bookings of `day`, by time."""
        with self._Session() as s:
            rows = s.execute(
                select(Booking, Ticket.code).outerjoin(Ticket, Ticket.id == Booking.ticket_id)
                .where(Booking.service_day == day)
                .order_by(Booking.booked_at, Booking.code)).all()
            return [BookingView(b.code, b.service_day, _local(b.booked_at, self.tz), b.letter,
                                b.source,
                                _local(b.checked_in_at, self.tz) if b.checked_in_at else None,
                                code)
                    for b, code in rows]
