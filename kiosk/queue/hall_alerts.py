"""Staff alerts in the hall's shared database (the queue database), where every desk, hall
display and kiosk of the hall reads them: `kiosk alerts`, the `kiosk desk` commands, the hall
display. A kiosk writes only under its own id; one open alert per (kiosk, source, kind).

Running kiosks and displays also leave a sign of life here (`beat`, every
SIGN_OF_LIFE_SECONDS); one silent for SILENT_AFTER_SECONDS is listed as an alert of its own
("kiosk/no_heartbeat"): frozen, crashed for good, or switched off at the wall. A clean stop
(`leave`) removes the sign: whoever stopped it knows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.db.queue_engine import retrying, write_session
from kiosk.db.queue_models import HallAlert, HallKiosk

SIGN_OF_LIFE_SECONDS = 30
SILENT_AFTER_SECONDS = 180  # six missed signs: not a slow minute, a kiosk that is gone


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


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class HallAlerts:
    def __init__(self, Session_: sessionmaker[Session], kiosk_id: str,
                 now: Callable[[], dt.datetime] = utc_now):
        self._Session = Session_
        self.kiosk_id = kiosk_id
        self._now = now  # naive UTC; the hall's machines keep NTP time

    def _who(self, role: str) -> str:
        # A kiosk and a display on one machine share its id: the display's sign is its own.
        return self.kiosk_id if role == "kiosk" else f"{self.kiosk_id} ({role})"

    def beat(self, role: str = "kiosk", version: str = "") -> None:
        """This machine is alive (a kiosk or a display)."""
        who = self._who(role)

        def txn() -> None:
            with write_session(self._Session) as s:
                row = s.get(HallKiosk, who)
                if row is None:
                    s.add(HallKiosk(kiosk_id=who, role=role, last_seen=self._now(),
                                    version=version[:40]))
                else:
                    row.role, row.last_seen, row.version = role, self._now(), version[:40]
        retrying(txn)

    def leave(self, role: str = "kiosk") -> None:
        """A clean stop: this machine is no longer expected to answer."""
        who = self._who(role)

        def txn() -> None:
            with write_session(self._Session) as s:
                s.execute(delete(HallKiosk).where(HallKiosk.kiosk_id == who))
        retrying(txn)

    def silent(self, after_seconds: float = SILENT_AFTER_SECONDS) -> list[HallAlertView]:
        """Machines whose last sign of life is older than `after_seconds`, as alerts."""
        now = self._now()
        cutoff = now - dt.timedelta(seconds=after_seconds)
        with self._Session() as s:
            rows = s.scalars(select(HallKiosk).where(HallKiosk.last_seen < cutoff)
                             .order_by(HallKiosk.last_seen)).all()
            return [HallAlertView(0, r.kiosk_id, r.role, "no_heartbeat",
                                  f"no sign of life for {_minutes(now - r.last_seen)} "
                                  f"(last at {r.last_seen:%H:%M} UTC)", r.last_seen)
                    for r in rows]

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

    def open(self, *, silent_after: float | None = SILENT_AFTER_SECONDS
             ) -> list[HallAlertView]:
        """Every open alert of the hall, newest first, then the machines gone silent (none
        with `silent_after=None`)."""
        with self._Session() as s:
            rows = s.scalars(select(HallAlert).where(HallAlert.cleared_at.is_(None))
                             .order_by(HallAlert.raised_at.desc(), HallAlert.id.desc())).all()
            raised = [HallAlertView(r.id, r.kiosk_id, r.source, r.kind, r.detail, r.raised_at)
                      for r in rows]
        return raised + (self.silent(silent_after) if silent_after is not None else [])


def _minutes(gap: dt.timedelta) -> str:
    minutes = int(gap.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
