"""Anonymous usage events, kept locally for `[usage] retention_days` and pushed to the central
database with the nightly sync (exactly once: the event's uuid is its key there too)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.base import Base


class UsageEvent(Base):
    """One thing that happened at the kiosk. Structured fields only: no session, no person;
    the one free text (`value` of a search) is scrubbed before it is stored (kiosk.usage.scrub)."""

    __tablename__ = "usage_event"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4, global
    kiosk_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    kind: Mapped[str] = mapped_column(String(24))
    symbol: Mapped[str | None] = mapped_column(String(30))  # procedure
    name: Mapped[str | None] = mapped_column(String(40))  # screen, answer, fault, letter...
    value: Mapped[str | None] = mapped_column(String(200))  # scrubbed query, setting value
    count: Mapped[int | None] = mapped_column(Integer)  # results, seconds, missing documents
    detail: Mapped[dict | None] = mapped_column(JSON)  # lists of indexes or reason codes
    pushed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_usage_event_at", "at"),
                      Index("ix_usage_event_pushed_at", "pushed_at"))
