"""Content service: what the resident reads, as plain frozen dataclasses (never ORM rows)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from kiosk.closures import ContentClosure
from kiosk.content.store import active_revision
from kiosk.db import models as m
from kiosk.db.closure_models import OfficeClosure
from kiosk.db.engine import read_snapshot
from kiosk.hours import Span
from kiosk.texts import LocalText

T = TypeVar("T")


class NotFound(LookupError):
    """The asked-for item is not in the content the kiosk shows now."""


@dataclass(frozen=True)
class CategoryView:
    code: str
    name: LocalText
    description: LocalText | None
    icon: str | None
    procedure_count: int


@dataclass(frozen=True)
class ProcedureItem:
    symbol: str
    title: LocalText
    summary: LocalText
    free: bool


@dataclass(frozen=True)
class Place:
    building: str
    entrance: str | None = None
    floor: int | None = None
    room: str | None = None
    desk: str | None = None


@dataclass(frozen=True)
class DepartmentView:
    code: str
    name: LocalText
    place: Place
    phones: tuple[str, ...]
    email: str | None
    scope: LocalText
    hours: tuple[Span, ...]
    source_url: str | None
    unconfirmed: tuple[str, ...]
    # The office's closures (closures.yaml) of the revision this view comes from: "open now"
    # and the next opening count them (kiosk.content.places).
    closures: tuple[ContentClosure, ...] = ()


@dataclass(frozen=True)
class DocumentItem:
    index: int
    name: LocalText
    form_code: str | None
    optional: bool  # not asked for: prepared at the desk, or only if it applies
    note: LocalText | None
    kind: str = "bring"  # bring / desk / if_applies

    @property
    def brought(self) -> bool:
        """The resident brings it: ticked on the checklist, and missing when not ticked."""
        return self.kind == "bring"


def _document_kind(kind: str | None, optional: bool) -> str:
    return kind or ("if_applies" if optional else "bring")


@dataclass(frozen=True)
class FeeItem:
    name: LocalText
    amount: Decimal
    legal_basis: str | None
    conditional: bool = False  # only in some cases; its name says when


@dataclass(frozen=True)
class Appeal:
    to: LocalText
    days: int
    how: LocalText | None


@dataclass(frozen=True)
class ProcedureGuide:
    symbol: str
    title: LocalText
    summary: LocalText
    who_may_apply: LocalText
    category_code: str
    category_name: LocalText
    steps: tuple[LocalText, ...]
    documents: tuple[DocumentItem, ...]
    fees: tuple[FeeItem, ...]
    fee_exemptions: LocalText | None
    payment_methods: LocalText | None
    deadline: LocalText
    deadline_days: int | None
    place: Place
    department: DepartmentView
    legal_basis: tuple[str, ...]
    appeal: Appeal | None
    appeal_none: LocalText | None
    notes: LocalText | None
    online_url: str | None
    queue_letter: str | None
    valid_from: dt.date
    last_reviewed: dt.date
    source_url: str
    unconfirmed: tuple[str, ...]
    online_label: LocalText | None = None  # what the online link opens, for its QR code
    # The queue category's name beside its letter: a guide says which ticket to take from
    # the data, never from typed prose (which once named the wrong letter).
    queue_name: LocalText | None = None


@dataclass(frozen=True)
class FormFieldView:
    label: LocalText
    guide: LocalText
    example: str | None


@dataclass(frozen=True)
class FormView:
    code: str
    title: LocalText
    department_code: str
    description: LocalText | None
    url: str | None
    fields: tuple[FormFieldView, ...]


@dataclass(frozen=True)
class RateView:
    code: str
    kind: str
    name: LocalText
    amount: Decimal
    percent: bool
    unit: LocalText
    year: int
    resolution: str | None
    notes: LocalText | None
    unconfirmed: tuple[str, ...]


@dataclass(frozen=True)
class AnnouncementView:
    code: str
    title: LocalText
    body: LocalText
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class QueueCategoryView:
    """A ticket letter as content defines it; the queue service adds the live state."""

    letter: str
    name: LocalText
    department_code: str
    # The category's own hours, or its department's when it has none (empty: never open).
    hours: tuple[Span, ...]
    own_hours: bool
    daily_limit: int | None
    cutoff_minutes: int
    priority: bool
    booking_url: str | None
    prepare: LocalText | None
    procedures: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    # The office's closures: no tickets on a closed day, only within shorter hours.
    closures: tuple[ContentClosure, ...] = ()


@dataclass(frozen=True)
class ContentStatus:
    revision: str | None
    revision_id: int | None
    loaded_at: dt.datetime | None
    checksum: str | None
    counts: dict[str, int]
    source: str | None = None  # a content folder, or "central ..." after a sync


def _department_view(d: m.Department, closures: tuple[ContentClosure, ...] = ()
                     ) -> DepartmentView:
    return DepartmentView(
        code=d.code, name=d.name,
        place=Place(d.building, d.entrance, d.floor, d.room),
        phones=tuple(d.phones or ()), email=d.email, scope=d.scope,
        hours=tuple((h.weekday, h.opens, h.closes) for h in d.hours),
        source_url=d.source_url, unconfirmed=tuple(d.unconfirmed or ()), closures=closures)


def _closures(s: Session, rid: int) -> tuple[ContentClosure, ...]:
    rows = s.scalars(select(OfficeClosure).where(OfficeClosure.revision_id == rid)
                     .order_by(OfficeClosure.position, OfficeClosure.code))
    return tuple(ContentClosure(c.code, c.first_day, c.last_day, c.kind, c.reason,
                                (c.opens, c.closes) if c.opens and c.closes else None)
                 for c in rows)


def _kept(method: Callable[..., T]) -> Callable[..., T]:
    """Answer a query from the snapshot of the pinned revision once it was read: a screen's
    tap reads memory, not the database. Unpinned (the command line), every call reads."""

    @functools.wraps(method)
    def read(self: ContentService, *args):
        memo = self._memo  # taken before the query: a pin meanwhile drops what this reads
        if self._pinned is None:
            return method(self, *args)
        key = (method.__name__, *args)
        try:
            found = memo[key]
        except KeyError:
            found = memo[key] = method(self, *args)
        return list(found) if isinstance(found, list) else found

    return read


class ContentService:
    """Read-only queries over the active content revision, one short session per call.

    The kiosk UI pins a revision (`pin()` at Home and at the idle reset): a sync that
    activates a new revision meanwhile changes nothing a resident is reading until then.
    While pinned, each answer is kept in memory (a snapshot of the revision, filled as
    screens ask or all at once by `warm()` off the UI thread) until a pin finds another
    revision, or the same one changed (its checksum or load time): screens then read no
    database on a tap. Unpinned (the command line, tests), every call reads the active
    revision."""

    def __init__(self, Session_: sessionmaker[Session]):
        self._Session = Session_
        self._pinned: int | None = None
        self._pinned_key: tuple | None = None
        self._memo: dict[tuple, Any] = {}

    def pin(self) -> int | None:
        """Show the newest active revision from now on, until the next pin; its id."""
        with self._reading() as s:
            rev = active_revision(s)
            key = (rev.id, rev.checksum, rev.loaded_at) if rev is not None else None
        self._keep(key)
        return self._pinned

    def _keep(self, key: tuple | None) -> None:
        if key != self._pinned_key:
            self._memo = {}
            self._pinned_key = key
        self._pinned = key[0] if key is not None else None

    @property
    def pinned(self) -> int | None:
        return self._pinned

    @property
    def pinned_key(self) -> tuple | None:
        """What tells the pinned revision from any other, or from itself changed: screens
        keep a page built from it while this stays the same."""
        return self._pinned_key

    def warm(self) -> None:
        """Read everything a screen may ask of the pinned revision into the snapshot (off the
        UI thread: after the first frame, and after a pin found new content)."""
        key = self._pinned_key
        if self._pinned is None:
            return
        for c in self.categories():
            for p in self.procedures_in(c.code):
                self.guide(p.symbol)
        self.departments()
        self.forms()
        self.rates()
        self.queue_categories()
        self.closures()
        if self._pinned_key != key:  # changed in place meanwhile: fill it again, all new
            self.warm()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Session]:
        """A session whose reads all see one moment of the database (read_snapshot)."""
        with self._Session() as s:
            yield read_snapshot(s)

    def _rev(self, s: Session) -> int:
        pinned = self._pinned
        # Pruning keeps at least one old revision, so the pinned one normally survives a sync;
        # after several in one session it may be gone: then show the active one rather than
        # fail in front of a resident.
        rev = s.get(m.ContentRevision, pinned) if pinned is not None else None
        if rev is not None:
            key = (rev.id, rev.checksum, rev.loaded_at)
            if key != self._pinned_key:
                # Changed in place by an incremental sync: its old rows are gone, so the
                # snapshot starts again from the new ones rather than mix the two.
                self._keep(key)
            return rev.id
        rev = active_revision(s)
        if rev is None:
            raise NotFound("no content loaded")
        if pinned is not None:
            self._keep((rev.id, rev.checksum, rev.loaded_at))
        return rev.id

    def status(self) -> ContentStatus:
        with self._reading() as s:
            rev = active_revision(s)
            if rev is None:
                return ContentStatus(None, None, None, None, {})
            counts: dict[str, int] = {}
            for name, table in (("categories", m.Category), ("procedures", m.Procedure),
                                ("departments", m.Department), ("forms", m.Form),
                                ("rates", m.LocalRate), ("announcements", m.Announcement),
                                ("queue_categories", m.QueueCategory),
                                ("closures", OfficeClosure)):
                counts[name] = s.scalar(select(func.count()).select_from(table)
                                        .where(table.revision_id == rev.id)) or 0
            return ContentStatus(rev.label, rev.id, rev.loaded_at, rev.checksum, counts,
                                 rev.source)

    @_kept
    def categories(self) -> list[CategoryView]:
        with self._reading() as s:
            rid = self._rev(s)
            counts = dict(s.execute(
                select(m.Procedure.category_code, func.count())
                .where(m.Procedure.revision_id == rid).group_by(m.Procedure.category_code)).all())
            rows = s.scalars(select(m.Category).where(m.Category.revision_id == rid)
                             .order_by(m.Category.position, m.Category.code))
            return [CategoryView(c.code, c.name, c.description, c.icon, counts.get(c.code, 0))
                    for c in rows]

    def category(self, code: str) -> CategoryView:
        for c in self.categories():
            if c.code == code:
                return c
        raise NotFound(f"category {code!r}")

    @_kept
    def procedures_in(self, category_code: str) -> list[ProcedureItem]:
        with self._reading() as s:
            rid = self._rev(s)
            rows = s.scalars(
                select(m.Procedure).options(selectinload(m.Procedure.fees))
                .where(m.Procedure.revision_id == rid,
                       m.Procedure.category_code == category_code)
                .order_by(m.Procedure.position))
            return [ProcedureItem(p.symbol, p.title, p.summary,
                                  not any(f.amount and not f.conditional for f in p.fees))
                    for p in rows]

    @_kept
    def guide(self, symbol: str) -> ProcedureGuide:
        """The guide of a procedure by its symbol, as people type it: "del i", "DEL  I"."""
        wanted = " ".join(symbol.split()).upper()
        with self._reading() as s:
            rid = self._rev(s)
            p = s.scalars(
                select(m.Procedure)
                .options(selectinload(m.Procedure.steps), selectinload(m.Procedure.documents),
                         selectinload(m.Procedure.fees))
                .where(m.Procedure.revision_id == rid, func.upper(m.Procedure.symbol) == wanted)
                ).first()
            if p is None:
                raise NotFound(f"procedure {symbol!r}")
            dept = s.scalars(
                select(m.Department).options(selectinload(m.Department.hours))
                .where(m.Department.revision_id == rid,
                       m.Department.code == p.department_code)).one()
            cat = s.scalars(select(m.Category).where(
                m.Category.revision_id == rid, m.Category.code == p.category_code)).one()
            appeal = (Appeal(p.appeal_to, p.appeal_days, p.appeal_how)
                      if p.appeal_to is not None and p.appeal_days else None)
            return ProcedureGuide(
                symbol=p.symbol, title=p.title, summary=p.summary,
                who_may_apply=p.who_may_apply, category_code=cat.code, category_name=cat.name,
                steps=tuple(x.text for x in p.steps),
                documents=tuple(
                    DocumentItem(i, d.name, d.form_code, kind != "bring", d.note, kind)
                    for i, d in enumerate(p.documents)
                    for kind in [_document_kind(d.kind, d.optional)]),
                fees=tuple(FeeItem(f.name, f.amount, f.legal_basis, f.conditional)
                           for f in p.fees),
                fee_exemptions=p.fee_exemptions, payment_methods=p.payment_methods,
                deadline=p.deadline, deadline_days=p.deadline_days,
                place=Place(p.place_building, p.place_entrance, p.place_floor,
                            p.place_room, p.place_desk),
                department=_department_view(dept, _closures(s, rid)),
                legal_basis=tuple(p.legal_basis or ()),
                appeal=appeal, appeal_none=p.appeal_none, notes=p.notes,
                online_url=p.online_url, queue_letter=p.queue_letter,
                valid_from=p.valid_from, last_reviewed=p.last_reviewed,
                source_url=p.source_url, unconfirmed=tuple(p.unconfirmed or ()),
                online_label=p.online_label,
                queue_name=s.scalar(select(m.QueueCategory.name).where(
                    m.QueueCategory.revision_id == rid,
                    m.QueueCategory.letter == p.queue_letter)) if p.queue_letter else None)

    @_kept
    def departments(self) -> list[DepartmentView]:
        with self._reading() as s:
            rid = self._rev(s)
            rows = s.scalars(select(m.Department).options(selectinload(m.Department.hours))
                             .where(m.Department.revision_id == rid).order_by(m.Department.id))
            closures = _closures(s, rid)
            return [_department_view(d, closures) for d in rows]

    def department(self, code: str) -> DepartmentView:
        for d in self.departments():
            if d.code == code:
                return d
        raise NotFound(f"department {code!r}")

    @_kept
    def forms(self) -> list[FormView]:
        with self._reading() as s:
            rid = self._rev(s)
            rows = s.scalars(select(m.Form).options(selectinload(m.Form.fields))
                             .where(m.Form.revision_id == rid).order_by(m.Form.id))
            return [FormView(f.code, f.title, f.department_code, f.description, f.url,
                             tuple(FormFieldView(x.label, x.guide, x.example) for x in f.fields))
                    for f in rows]

    def form(self, code: str) -> FormView:
        for f in self.forms():
            if f.code == code:
                return f
        raise NotFound(f"form {code!r}")

    @_kept
    def rates(self) -> list[RateView]:
        with self._reading() as s:
            rid = self._rev(s)
            rows = s.scalars(select(m.LocalRate).where(m.LocalRate.revision_id == rid)
                             .order_by(m.LocalRate.position))
            return [RateView(r.code, r.kind, r.name, r.amount, r.percent, r.unit, r.year,
                             r.resolution,
                             r.notes, tuple(r.unconfirmed or ())) for r in rows]

    @_kept
    def queue_categories(self) -> list[QueueCategoryView]:
        with self._reading() as s:
            rid = self._rev(s)
            depts = {d.code: tuple((h.weekday, h.opens, h.closes) for h in d.hours)
                     for d in s.scalars(select(m.Department)
                                        .options(selectinload(m.Department.hours))
                                        .where(m.Department.revision_id == rid))}
            procs: dict[str, list[str]] = {}
            for letter, symbol in s.execute(
                    select(m.Procedure.queue_letter, m.Procedure.symbol)
                    .where(m.Procedure.revision_id == rid, m.Procedure.queue_letter.is_not(None))
                    .order_by(m.Procedure.position)):
                if letter is not None:
                    procs.setdefault(letter, []).append(symbol)
            rows = s.scalars(select(m.QueueCategory).where(m.QueueCategory.revision_id == rid)
                             .order_by(m.QueueCategory.letter))
            closures = _closures(s, rid)
            return [QueueCategoryView(
                letter=q.letter, name=q.name, department_code=q.department_code,
                hours=(tuple(sorted(q.hours)) if q.hours is not None
                       else depts.get(q.department_code, ())),
                own_hours=q.hours is not None, daily_limit=q.daily_limit,
                cutoff_minutes=q.cutoff_minutes or 0, priority=bool(q.priority),
                booking_url=q.booking_url, prepare=q.prepare,
                procedures=tuple(procs.get(q.letter, ())),
                unconfirmed=tuple(q.unconfirmed or ()), closures=closures) for q in rows]

    def queue_category(self, letter: str) -> QueueCategoryView:
        for q in self.queue_categories():
            if q.letter == letter:
                return q
        raise NotFound(f"queue category {letter!r}")

    @_kept
    def closures(self) -> list[ContentClosure]:
        """The office's closures (closures.yaml) in the content's order; public holidays are
        not among them (kiosk.closures.closure_on adds them)."""
        with self._reading() as s:
            return list(_closures(s, self._rev(s)))

    @_kept
    def announcements(self, today: dt.date) -> list[AnnouncementView]:
        with self._reading() as s:
            rid = self._rev(s)
            rows = s.scalars(
                select(m.Announcement)
                .where(m.Announcement.revision_id == rid, m.Announcement.valid_from <= today,
                       (m.Announcement.valid_to.is_(None)) | (m.Announcement.valid_to >= today))
                .order_by(m.Announcement.position))
            return [AnnouncementView(a.code, a.title, a.body, a.valid_from, a.valid_to)
                    for a in rows]
