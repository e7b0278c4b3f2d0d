"""Staff alerts in the hall's shared database (the queue database), where every desk, hall
display and kiosk of the hall reads them: `kiosk alerts`, the `kiosk desk` commands, the hall
display. A kiosk writes only under its own id; one open alert per (kiosk, source, kind)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.db.queue_engine import retrying, write_session
from kiosk.db.queue_models import HallAlert


@dataclass(frozen=True)
class HallAlertView:
    id: int
    kiosk_id: str
    source: str
    kind: str
    detail: str
    raised_at: dt.datetime  # naive UTC, the database's clock

    def as_dict(self) -> dict:
        return {"id": self.id, "kiosk": self.kiosk_id, "source": self.source,
                "kind": self.kind, "detail": self.detail,
                "raised_at": self.raised_at.isoformat(timespec="seconds") + "Z"}


class HallAlerts:
    def __init__(self, Session_: sessionmaker[Session], kiosk_id: str):
        self._Session = Session_
        self.kiosk_id = kiosk_id

    def raise_(self, source: str, kind: str, detail: str) -> int:
        """Record this kiosk's alert unless it is already open (then its detail is updated)."""
        def txn() -> int:
            with write_session(self._Session) as s:
                row = s.scalar(select(HallAlert).where(
                    HallAlert.kiosk_id == self.kiosk_id, HallAlert.source == source,
                    HallAlert.kind == kind, HallAlert.cleared_at.is_(None)))
                if row is None:
                    row = HallAlert(kiosk_id=self.kiosk_id, source=source, kind=kind,
                                    detail=detail[:500])
                    s.add(row)
                else:
                    row.detail = detail[:500]
                s.flush()
                return row.id
        return retrying(txn)

    def clear(self, source: str, kind: str | None = None) -> int:
        """This kiosk's open alerts of `source` (and `kind`) are dealt with."""
        cond = [HallAlert.kiosk_id == self.kiosk_id, HallAlert.source == source,
                HallAlert.cleared_at.is_(None)]
        if kind:
            cond.append(HallAlert.kind == kind)

        def txn() -> int:
            with write_session(self._Session) as s:
                result = s.execute(update(HallAlert).where(*cond).values(
                    cleared_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
                return cast(CursorResult, result).rowcount
        return retrying(txn)

    def open(self) -> list[HallAlertView]:
        """Every open alert of the hall, newest first."""
        with self._Session() as s:
            rows = s.scalars(select(HallAlert).where(HallAlert.cleared_at.is_(None))
                             .order_by(HallAlert.raised_at.desc(), HallAlert.id.desc())).all()
            return [HallAlertView(r.id, r.kiosk_id, r.source, r.kind, r.detail, r.raised_at)
                    for r in rows]
