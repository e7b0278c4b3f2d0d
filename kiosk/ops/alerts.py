"""Staff alerts: faults a person must fix (paper out, a failed sync), kept until cleared.

The same fault is recorded once while it lasts, not once per resident who meets it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.db.models import StaffAlert


@dataclass(frozen=True)
class Alert:
    id: int
    raised_at: dt.datetime
    source: str
    kind: str
    detail: str


class Alerts:
    def __init__(self, Session_: sessionmaker[Session],
                 now: Callable[[], dt.datetime] = dt.datetime.now):
        self._Session = Session_
        self._now = now

    def raise_(self, source: str, kind: str, detail: str) -> int:
        """Record an alert unless the same one is already open; returns its id."""
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
            return cast(CursorResult, result).rowcount

    def open(self) -> list[Alert]:
        with self._Session() as s:
            rows = s.scalars(select(StaffAlert).where(StaffAlert.cleared_at.is_(None))
                             .order_by(StaffAlert.raised_at.desc())).all()
            return [Alert(r.id, r.raised_at, r.source, r.kind, r.detail) for r in rows]
