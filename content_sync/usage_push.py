"""The nightly push of usage events to the central database: exactly once.

1. Read a batch of events not yet pushed from the kiosk database.
2. Insert them centrally in one transaction, `ON CONFLICT DO NOTHING`: the event's uuid is the
   central key (its only unique constraint), so an event already there is not inserted again.
   No conflict target is named: naming one would need SELECT, and the kiosk role has INSERT only.
3. Only after that commit, mark them pushed locally.

A crash or kill between 2 and 3 leaves the batch unmarked; the next push sends it again and
the central database ignores what it has. A crash before 2's commit leaves nothing centrally.
So every event is counted once, whatever fails when. Then events older than the retention
period are deleted locally (kiosk.usage.events.prune).

With a kiosk's own credential (`kiosk central add-kiosk NAME`), row-level security accepts only
events whose kiosk_id is that kiosk's name; an event under another name fails the whole batch
with UsagePushRefused, which names both (the events stay unpushed until the names agree).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy.orm import Session, sessionmaker

from content_sync.central import FLEET_SCHEMA, USAGE_SCHEMA
from content_sync.pg import connect
from kiosk.usage.events import mark_pushed, prune, unpushed

log = logging.getLogger(__name__)

_COLUMNS = ("id", "kiosk_id", "at", "kind", "symbol", "name", "value", "count", "detail")
_INSERT = (f"INSERT INTO {USAGE_SCHEMA}.usage_event ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join(['%s'] * len(_COLUMNS))}) ON CONFLICT DO NOTHING")


class UsagePushRefused(RuntimeError):
    """Row-level security refused events under a kiosk name not the credential's own."""


@dataclass
class PushResult:
    sent: int = 0        # events sent to the central database
    new: int = 0         # of which it did not have yet (the rest: a re-push after a crash)
    batches: int = 0
    pruned: int = 0      # pushed events deleted locally after the retention period
    lost: int = 0        # never pushed and deleted after the retention period

    def line(self) -> str:
        dup = f" ({self.sent - self.new} already there)" if self.sent != self.new else ""
        lost = f", {self.lost} expired unpushed" if self.lost else ""
        return f"{self.sent} pushed{dup}, {self.pruned} pruned{lost}"


def push_usage(Session_: sessionmaker[Session], url: str, password: str | None, *,
               batch: int = 2000, retention_days: int = 90, connect_timeout: float = 10.0,
               statement_timeout: float = 60.0,
               after_central_commit: Callable[[list[dict]], None] | None = None) -> PushResult:
    """Push every unpushed event, then prune; see the module docstring. `after_central_commit`
    is for tests: it runs between the central commit and the local mark."""
    result = PushResult()
    try:
        _push(Session_, url, password, batch, connect_timeout, statement_timeout,
              after_central_commit, result)
    finally:  # also when the central database is out of reach: the disk stays bounded
        result.pruned, result.lost = prune(Session_, retention_days)
    log.info("usage events: %s", result.line())
    return result


def _push(Session_, url, password, batch, connect_timeout, statement_timeout,
          after_central_commit, result: PushResult) -> None:
    with connect(url, password=password, connect_timeout=connect_timeout,
                 statement_timeout=statement_timeout,
                 application_name="bom-kiosk-usage-push") as conn:
        conn.read_only = False  # the kiosk role's transactions are read-only by default
        while rows := unpushed(Session_, batch):
            params = [tuple(Jsonb(r[c]) if c == "detail" and r[c] is not None else r[c]
                            for c in _COLUMNS) for r in rows]
            try:
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(_INSERT, params)
                    new = cur.rowcount
            except psycopg.errors.InsufficientPrivilege as exc:
                if "row-level security" not in str(exc):
                    raise
                raise UsagePushRefused(_refusal(conn, {r["kiosk_id"] for r in rows})) from None
            if after_central_commit is not None:
                after_central_commit(rows)
            mark_pushed(Session_, [r["id"] for r in rows])
            result.sent += len(rows)
            result.new += max(new, 0)
            result.batches += 1


def _refusal(conn, names: set[str]) -> str:
    mine = None
    with contextlib.suppress(psycopg.Error), conn.transaction():
        mine = conn.execute(f"SELECT {FLEET_SCHEMA}.kiosk_of(current_user)").fetchone()[0]
    listed = ", ".join(repr(n) for n in sorted(names))
    if mine is None:
        return (f"the central database refused usage events of kiosk {listed}: this "
                f"credential is no registered kiosk's (`kiosk central add-kiosk NAME`)")
    return (f"the central database refused usage events of kiosk {listed}: this credential "
            f"belongs to kiosk {mine!r}; set [usage] kiosk_id = \"{mine}\" in kiosk.toml")
