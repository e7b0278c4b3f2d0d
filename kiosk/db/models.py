"""SQLAlchemy 2 models: content (replaced whole by each revision) and kiosk-local state.

Every content row belongs to a content revision. Loading a revision inserts a complete new set
of rows and then moves the `active` mark in the same transaction, so a reader sees the whole old
revision or the whole new one, never a mix.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    String,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.db.base import Base, HoursType, LocalTextType, MoneyType
from kiosk.texts import LocalText

SCHEMA_VERSION = 1


class ContentRevision(Base):
    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    schema_version: Mapped[int]
    published: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    checksum: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(default=False, index=True)


class _Content:
    """Columns every content table shares."""

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("content_revision.id", ondelete="CASCADE"), index=True)
    unconfirmed: Mapped[list[str]] = mapped_column(JSON, default=list)


class Category(_Content, Base):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("revision_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    icon: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[LocalText] = mapped_column(LocalTextType)
    description: Mapped[LocalText | None] = mapped_column(LocalTextType)


class Department(_Content, Base):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("revision_id", "code"),)

    code: Mapped[str] = mapped_column(String(6))
    name: Mapped[LocalText] = mapped_column(LocalTextType)
    building: Mapped[str] = mapped_column(String(120))
    entrance: Mapped[str | None] = mapped_column(String(20))
    floor: Mapped[int | None]
    room: Mapped[str | None] = mapped_column(String(20))
    phones: Mapped[list[str]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(120))
    scope: Mapped[LocalText] = mapped_column(LocalTextType)
    source_url: Mapped[str | None] = mapped_column(String(500))
    hours: Mapped[list[OpeningHours]] = relationship(
        cascade="all, delete-orphan", order_by="(OpeningHours.weekday, OpeningHours.opens)")


class OpeningHours(Base):
    __tablename__ = "opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # 0 = Monday
    opens: Mapped[dt.time] = mapped_column(Time)
    closes: Mapped[dt.time] = mapped_column(Time)


class QueueCategory(_Content, Base):
    __tablename__ = "queue_category"
    __table_args__ = (UniqueConstraint("revision_id", "letter"),)

    letter: Mapped[str] = mapped_column(String(1))
    name: Mapped[LocalText] = mapped_column(LocalTextType)
    department_code: Mapped[str] = mapped_column(String(6))
    # Added in schema 0002. None: the department's hours apply.
    hours: Mapped[list[tuple[int, dt.time, dt.time]] | None] = mapped_column(HoursType)
    # None: no daily limit.
    daily_limit: Mapped[int | None]
    # No new ticket during the last N minutes before closing.
    cutoff_minutes: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Whether priority tickets (pregnant women, people with disabilities...) are offered.
    priority: Mapped[bool] = mapped_column(default=False, server_default=false())
    booking_url: Mapped[str | None] = mapped_column(String(500))
    # What to have ready, printed on the ticket ("Przygotuj dowód osobisty").
    prepare: Mapped[LocalText | None] = mapped_column(LocalTextType)


class Form(_Content, Base):
    __tablename__ = "form"
    __table_args__ = (UniqueConstraint("revision_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[LocalText] = mapped_column(LocalTextType)
    department_code: Mapped[str] = mapped_column(String(6))
    description: Mapped[LocalText | None] = mapped_column(LocalTextType)
    url: Mapped[str | None] = mapped_column(String(500))
    fields: Mapped[list[FormField]] = relationship(
        cascade="all, delete-orphan", order_by="FormField.position")


class FormField(Base):
    __tablename__ = "form_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("form.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[LocalText] = mapped_column(LocalTextType)
    guide: Mapped[LocalText] = mapped_column(LocalTextType)
    example: Mapped[str | None] = mapped_column(String(200))


class LocalRate(_Content, Base):
    __tablename__ = "local_rate"
    __table_args__ = (UniqueConstraint("revision_id", "code"),)

    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    name: Mapped[LocalText] = mapped_column(LocalTextType)
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    percent: Mapped[bool] = mapped_column(default=False)
    unit: Mapped[LocalText] = mapped_column(LocalTextType)
    year: Mapped[int]
    resolution: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[LocalText | None] = mapped_column(LocalTextType)


class Announcement(_Content, Base):
    __tablename__ = "announcement"
    __table_args__ = (UniqueConstraint("revision_id", "code"),)

    code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]
    title: Mapped[LocalText] = mapped_column(LocalTextType)
    body: Mapped[LocalText] = mapped_column(LocalTextType)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class Procedure(_Content, Base):
    __tablename__ = "procedure"
    __table_args__ = (UniqueConstraint("revision_id", "symbol"),)

    symbol: Mapped[str] = mapped_column(String(30))
    position: Mapped[int]
    category_code: Mapped[str] = mapped_column(String(40), index=True)
    department_code: Mapped[str] = mapped_column(String(6))
    queue_letter: Mapped[str | None] = mapped_column(String(1))
    title: Mapped[LocalText] = mapped_column(LocalTextType)
    summary: Mapped[LocalText] = mapped_column(LocalTextType)
    who_may_apply: Mapped[LocalText] = mapped_column(LocalTextType)
    fee_exemptions: Mapped[LocalText | None] = mapped_column(LocalTextType)
    payment_methods: Mapped[LocalText | None] = mapped_column(LocalTextType)
    deadline: Mapped[LocalText] = mapped_column(LocalTextType)
    deadline_days: Mapped[int | None]
    place_building: Mapped[str] = mapped_column(String(120))
    place_entrance: Mapped[str | None] = mapped_column(String(20))
    place_floor: Mapped[int | None]
    place_room: Mapped[str | None] = mapped_column(String(20))
    place_desk: Mapped[str | None] = mapped_column(String(20))
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list)
    appeal_to: Mapped[LocalText | None] = mapped_column(LocalTextType)
    appeal_days: Mapped[int | None]
    appeal_how: Mapped[LocalText | None] = mapped_column(LocalTextType)
    appeal_none: Mapped[LocalText | None] = mapped_column(LocalTextType)
    notes: Mapped[LocalText | None] = mapped_column(LocalTextType)
    online_url: Mapped[str | None] = mapped_column(String(500))
    online_label: Mapped[LocalText | None] = mapped_column(LocalTextType)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    last_reviewed: Mapped[dt.date] = mapped_column(Date)
    source_url: Mapped[str] = mapped_column(String(500))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)

    steps: Mapped[list[ProcedureStep]] = relationship(
        cascade="all, delete-orphan", order_by="ProcedureStep.position")
    documents: Mapped[list[ProcedureDocument]] = relationship(
        cascade="all, delete-orphan", order_by="ProcedureDocument.position")
    fees: Mapped[list[ProcedureFee]] = relationship(
        cascade="all, delete-orphan", order_by="ProcedureFee.position")


class ProcedureStep(Base):
    __tablename__ = "procedure_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedure.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[LocalText] = mapped_column(LocalTextType)


class ProcedureDocument(Base):
    __tablename__ = "procedure_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedure.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[LocalText] = mapped_column(LocalTextType)
    form_code: Mapped[str | None] = mapped_column(String(40))
    # bring / desk / if_applies; NULL in content from before document kinds (see `optional`).
    kind: Mapped[str | None] = mapped_column(String(12))
    optional: Mapped[bool] = mapped_column(default=False)
    note: Mapped[LocalText | None] = mapped_column(LocalTextType)


class ProcedureFee(Base):
    __tablename__ = "procedure_fee"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedure.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[LocalText] = mapped_column(LocalTextType)
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    legal_basis: Mapped[str | None] = mapped_column(String(300))
    conditional: Mapped[bool] = mapped_column(default=False)


CONTENT_TABLES = (Category, Department, QueueCategory, Form, LocalRate, Announcement, Procedure)


# --- kiosk-local state (not content: kept across content revisions) --------------------------

class StaffAlert(Base):
    """Something staff must see: a printer fault, a failed sync. Shown on the admin side."""

    __tablename__ = "staff_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    source: Mapped[str] = mapped_column(String(20))  # "printer", "sync", ...
    kind: Mapped[str] = mapped_column(String(40))  # "paper_out", "print_fault", ...
    detail: Mapped[str] = mapped_column(String(500))
    cleared_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AdminAudit(Base):
    """Every PIN attempt and admin action: when, what, how it ended (ISO 27001 audit trail).

    The PIN lockout is worked out from these rows, so a restart does not reset it. Never holds
    the PIN or anything a resident typed."""

    __tablename__ = "admin_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # UTC, naive
    action: Mapped[str] = mapped_column(String(40))  # "pin", "print_test", "sync_now", ...
    outcome: Mapped[str] = mapped_column(String(20))  # "ok", "wrong", "locked", "failed", ...
    detail: Mapped[str] = mapped_column(String(300), default="")


# --- content sync from the central database (content_sync/) ----------------------------------

class SyncState(Base):
    """How far the kiosk's content has come from the central database (one row, id 1).

    Written in the same transaction as the content revision it describes, so the two never
    disagree, whatever is killed when."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(500))  # the central URL, without a password
    central_revision: Mapped[int]  # the central revision counter the content matches
    content_revision_id: Mapped[int | None]  # the local revision built from it
    synced_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SyncRecord(Base):
    """Each central record as last synced, in the YAML content format: an incremental sync
    rebuilds the whole revision from these plus what changed centrally."""

    __tablename__ = "sync_record"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    file: Mapped[str | None] = mapped_column(String(120))  # procedures: its file's stem
    position: Mapped[int]
    central_revision: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)  # the central version, valid or not
    # The version residents see: `data` when valid, else the last valid one; None: not shown.
    shown: Mapped[dict | None] = mapped_column(JSON)
    problem: Mapped[str | None] = mapped_column(String(1000))  # why `data` was rejected
    # How the shown version is named and what it points at ({"ident": ..., "refs": [[kind,
    # identity, field], ...]}), kept so an incremental sync need not parse the records that
    # did not change; None: not shown, or synced before this was kept (migration 0011).
    links: Mapped[dict | None] = mapped_column(JSON)


class SyncReport(Base):
    """One `kiosk sync` run, for `kiosk status` and staff; kept for [sync] report_days."""

    __tablename__ = "sync_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # ok, unchanged, partial (applied, some records rejected), unreachable, rejected, local
    outcome: Mapped[str] = mapped_column(String(20))
    exit_code: Mapped[int]
    source: Mapped[str] = mapped_column(String(500))
    revision_before: Mapped[int | None]  # central revision counter
    revision_after: Mapped[int | None]
    content_revision_id: Mapped[int | None]
    added: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    audio: Mapped[str] = mapped_column(String(300), default="")
    duration_s: Mapped[float] = mapped_column(Float)
    # Rejected records with reasons, errors, audio details.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


