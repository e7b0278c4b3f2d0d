"""Queue state (tickets, per-day counters, desks): read-write, in the queue database.

The queue database may be a different database from the content one (embedded SQLite by
default, a PostgreSQL shared by a whole hall), so these tables have their own metadata and their
own Alembic environment (kiosk/queue_migrations, version table `alembic_version_queue`).
Category definitions are content (kiosk.db.models.QueueCategory), looked up by letter.

Times are stored as naive UTC; the service day is the office-local date.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

QUEUE_VERSION_TABLE = "alembic_version_queue"

WAITING, CALLED, SERVED, NO_SHOW, CANCELLED = "waiting", "called", "served", "no_show", "cancelled"
STATUSES = (WAITING, CALLED, SERVED, NO_SHOW, CANCELLED)


class QueueBase(DeclarativeBase):
    pass


class QueueCounter(QueueBase):
    """The last number issued per letter per service day. Incremented in the same transaction
    as the ticket insert, so a rolled-back or killed issue leaves neither a gap nor a ticket."""

    __tablename__ = "queue_counter"

    service_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    letter: Mapped[str] = mapped_column(String(1), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Ticket(QueueBase):
    __tablename__ = "queue_ticket"
    __table_args__ = (
        # The last line of defence: even a bug in the counter cannot issue a number twice.
        UniqueConstraint("service_day", "letter", "number", name="uq_queue_ticket_number"),
        Index("ix_queue_ticket_waiting", "service_day", "category", "status"),
        Index("ix_queue_ticket_desk", "desk", "status"),
        Index("ix_queue_ticket_token", "token", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_day: Mapped[dt.date] = mapped_column(Date)
    # Letter and number the ticket was issued with; together they make the code ("A012").
    letter: Mapped[str] = mapped_column(String(1))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(8))
    # The queue the ticket waits in now: the letter, or another one after a desk transfer.
    category: Mapped[str] = mapped_column(String(1))
    transferred_from: Mapped[str | None] = mapped_column(String(1))
    priority: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Snapshot of content at issue time: where to go even if content changes during the day.
    department_code: Mapped[str | None] = mapped_column(String(6))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10), default=WAITING)
    desk: Mapped[int | None]
    called_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    recalls: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    served_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # When it left the queue for good (served, no-show or cancelled).
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    printed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Random and unguessable (secrets.token_urlsafe): the ticket's page on the live queue site
    # (kiosk.web, /t/<token>), carried by its QR code. Tickets are never looked up by code
    # there. None for tickets issued before q0005.
    token: Mapped[str | None] = mapped_column(String(43))
    # A visit booked online and checked in at a kiosk (kiosk.queue.bookings): the booked time
    # (naive UTC). Desks call it at that time, before walk-in tickets of its category.
    booked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Booking(QueueBase):
    """A visit booked online, imported from the office's booking system (kiosk.queue.
    booking_feeds): the six-digit code the resident was given, the day and time, the letter.
    Nothing else about the resident is kept: no name, no matter, no contact.

    A code is used once: check-in claims the row with one conditional UPDATE (`checked_in_at`
    still empty) in the transaction that issues the ticket, so two kiosks typing the same
    code at once get one ticket between them, whatever the database."""

    __tablename__ = "queue_booking"
    __table_args__ = (
        UniqueConstraint("service_day", "code", name="uq_queue_booking_code"),
        Index("ix_queue_booking_code", "code"),
        Index("ix_queue_booking_ticket", "ticket_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6))
    service_day: Mapped[dt.date] = mapped_column(Date)  # office-local date of the visit
    booked_at: Mapped[dt.datetime] = mapped_column(DateTime)  # naive UTC
    letter: Mapped[str] = mapped_column(String(1))
    # Which feed it came from (`kiosk bookings import` names it), for staff tracing a record.
    source: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ticket_id: Mapped[int | None]


class Desk(QueueBase):
    """A desk as last seen: which letters it calls, and when it last did. The estimate counts
    desks active recently for a letter."""

    __tablename__ = "queue_desk"

    desk: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # Comma-separated letters the desk calls; empty = every letter.
    letters: Mapped[str] = mapped_column(String(60), default="", server_default="")
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)


CALL, RECALL = "call", "recall"


class CallEvent(QueueBase):
    """Append-only log of calls and recalls, written in the same transaction as the call: the
    hall display reads it in id order and remembers the last id it showed, so a call is shown
    once, a recall is a new event, and nothing made while the display was away is lost.

    Ids must become visible in id order. Writers take one lock before inserting (SQLite: the
    write lock of BEGIN IMMEDIATE; PostgreSQL: a transaction-level advisory lock), so a
    larger id is never committed before a smaller one."""

    __tablename__ = "queue_call_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    ticket_id: Mapped[int]
    code: Mapped[str] = mapped_column(String(8))
    letter: Mapped[str] = mapped_column(String(1))
    desk: Mapped[int]
    service_day: Mapped[dt.date] = mapped_column(Date)
    # The queue's clock (office time, possibly fixed by tests) as naive UTC.
    called_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The database's own clock: how old an event is, whatever clocks the desks keep.
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=text("CURRENT_TIMESTAMP"))


class HallAlert(QueueBase):
    """A fault staff must fix, raised by one kiosk of the hall (printer out of paper, a failed
    sync, the queue unreachable from a kiosk), where every desk, display and kiosk of the hall
    reads it. The raising kiosk keeps its own copy (kiosk.ops.alerts); this one is what tells
    staff. One open row per (kiosk, source, kind)."""

    __tablename__ = "hall_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(500))
    # The database's own clock: one order for the hall, whatever clocks the kiosks keep.
    raised_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=text("CURRENT_TIMESTAMP"))
    cleared_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_hall_alert_open", "cleared_at", "kiosk_id"),)


class HallKiosk(QueueBase):
    """A running kiosk or hall display's sign of life in the hall's database, so that every
    machine of the hall sees one that stopped answering (`kiosk alerts`). A clean stop removes
    the row: whoever stopped it knows."""

    __tablename__ = "hall_kiosk"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))  # kiosk, display
    # The database's own clock, as for the alerts.
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[str] = mapped_column(String(40), default="")
