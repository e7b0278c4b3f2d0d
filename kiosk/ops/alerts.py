"""Staff alerts: faults a person must fix (paper out, a failed sync), kept until cleared.

The same fault is recorded once while it lasts, not once per resident who meets it. The kiosk
keeps its own copy (the admin side lists it, the sync sends it to the central database), and
delivers the alert to the hall's shared database, where desks and the hall display see it.
Only a delivered alert lets the screen say "Staff have been told".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.db.models import StaffAlert

log = logging.getLogger(__name__)


class HallBoard(Protocol):
    """Where the hall's staff see alerts (kiosk.queue.hall_alerts.HallAlerts)."""

    def raise_(self, source: str, kind: str, detail: str) -> int: ...

    def clear(self, source: str, kind: str | None = None) -> int: ...


class Raised(NamedTuple):
    id: int  # the kiosk's own record
    delivered: bool  # also in the hall's database: staff there can see it


@dataclass(frozen=True)
class Alert:
    id: int
    raised_at: dt.datetime
    source: str
    kind: str
    detail: str


class Alerts:
    def __init__(self, Session_: sessionmaker[Session],
                 now: Callable[[], dt.datetime] = dt.datetime.now,
                 hall: Callable[[], HallBoard] | None = None):
        self._Session = Session_
        self._now = now
        # Opens the hall's database on first use (bootstrap wires it to the queue); None: a
        # kiosk with no one to tell but its own admin side.
        self.hall = hall

    def raise_(self, source: str, kind: str, detail: str) -> Raised:
        """Record an alert unless the same one is already open, and deliver it to the hall."""
        alert_id = self._record(source, kind, detail)
        return Raised(alert_id, self._to_hall("raise", lambda h: h.raise_(source, kind, detail)))

    def _to_hall(self, what: str, act: Callable[[HallBoard], object]) -> bool:
        if self.hall is None:
            return False
        try:
            act(self.hall())
            return True
        except Exception as exc:  # the hall's database is away: the kiosk's copy stays
            log.warning("alert %s not delivered to the hall: %s", what, exc)
            return False

    def _record(self, source: str, kind: str, detail: str) -> int:
        with self._Session.begin() as s:
            open_ = s.scalar(select(StaffAlert).where(
                StaffAlert.source == source, StaffAlert.kind == kind,
                StaffAlert.cleared_at.is_(None)))
            if open_ is not None:
                open_.detail = detail[:500]
                return open_.id
            row = StaffAlert(raised_at=self._now(), source=source, kind=kind,
                             detail=detail[:500])
            s.add(row)
            s.flush()
            return row.id

    def clear(self, source: str, kind: str | None = None) -> int:
        """Mark open alerts of `source` (and `kind`) as dealt with; returns how many."""
        cond = [StaffAlert.source == source, StaffAlert.cleared_at.is_(None)]
        if kind:
            cond.append(StaffAlert.kind == kind)
        with self._Session.begin() as s:
            result = s.execute(update(StaffAlert).where(*cond).values(cleared_at=self._now()))
            n = cast(CursorResult, result).rowcount
        if n:
            self._to_hall("clear", lambda h: h.clear(source, kind))
        return n

    def open(self) -> list[Alert]:
        with self._Session() as s:
            rows = s.scalars(select(StaffAlert).where(StaffAlert.cleared_at.is_(None))
                             .order_by(StaffAlert.raised_at.desc())).all()
            return [Alert(r.id, r.raised_at, r.source, r.kind, r.detail) for r in rows]
