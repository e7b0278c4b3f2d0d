"""The call log: every call and recall is written in the desk's own transaction, so the hall
display (kiosk.queue.call_feed) sees exactly what the desks did, in order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from kiosk.db.queue_models import CallEvent

CHANNEL = "kiosk_queue_calls"
# Any fixed 64-bit number: held while a call event is written, so ids commit in order.
_PG_CALL_LOCK = 0x4B494F534B43414C  # "KIOSKCAL"


# --- writing (inside the desk's transaction) ---------------------------------------------------

def log_call(s: Session, ticket, kind: str, called_at_utc: dt.datetime) -> int:
    """Append a call or recall of `ticket` to the log, in the caller's transaction."""
    pg = s.get_bind().dialect.name == "postgresql"
    if pg:
        # Two desks calling at once on PostgreSQL run in parallel. Without this lock the later
        # id could commit first, the display would read past the earlier one and never show it.
        # Held until commit; SQLite writers are already one at a time (BEGIN IMMEDIATE).
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CALL_LOCK})
    eid = s.execute(insert(CallEvent).values(
        kind=kind, ticket_id=ticket.id, code=ticket.code, letter=ticket.category,
        desk=ticket.desk, service_day=ticket.service_day, called_at=called_at_utc,
    ).returning(CallEvent.id)).scalar_one()
    if pg:
        s.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": str(eid)})
    return eid
