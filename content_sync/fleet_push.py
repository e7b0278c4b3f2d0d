"""At each sync that reaches the central database: one heartbeat and the kiosk's staff alerts.

The kiosk logs in with its own role (`kiosk central add-kiosk NAME`), which row-level security
lets write heartbeats and alerts under its own name only (content_sync.central). In one READ
WRITE transaction (the role's transactions are read-only by default):

1. a heartbeat row: the central and local content revisions, the sync's outcome, the app
   version and the kiosk's clock (the central clock stamps `at`, which `kiosk fleet` uses);
2. every open alert (kiosk.ops.alerts.Alerts.open) upserted by its local id;
3. the kiosk's alerts still open centrally but no longer open locally marked cleared.

Repeating a push changes nothing but adding a heartbeat. A kiosk on the old shared role, or
a central database without the fleet tables, is skipped with a message saying what to do.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import psycopg
from sqlalchemy.orm import Session, sessionmaker

from content_sync.central import FLEET_SCHEMA, KIOSK_GROUP_ROLE
from content_sync.pg import connect
from kiosk import __version__
from kiosk.ops.alerts import Alerts

log = logging.getLogger(__name__)


class FleetPushSkipped(RuntimeError):
    """Nothing was pushed, by design (old shared role, no fleet tables): not a fault."""


class FleetPushError(RuntimeError):
    """The central database refused the push for a reason staff must fix."""


@dataclass(frozen=True)
class Heartbeat:
    central_revision: int | None = None
    content_revision_id: int | None = None
    sync_outcome: str | None = None
    sync_summary: str | None = None
    app_version: str = __version__


@dataclass
class FleetPushResult:
    kiosk: str = ""
    alerts_open: int = 0
    alerts_cleared: int = 0     # marked cleared centrally by this push

    def line(self) -> str:
        cleared = f", {self.alerts_cleared} cleared" if self.alerts_cleared else ""
        return f"heartbeat sent as {self.kiosk!r}, {self.alerts_open} open alert(s){cleared}"


def _aware(value: dt.datetime) -> dt.datetime:
    """Alerts are stamped with the kiosk's naive local time: make it explicit."""
    return value.astimezone() if value.tzinfo is None else value


def credential_kiosk(conn: psycopg.Connection) -> str:
    """The kiosk name the connection's role stands for; FleetPushSkipped when it stands for
    none (the old shared role, or the fleet tables are missing)."""
    try:
        with conn.transaction():
            row = conn.execute(
                f"SELECT current_user, {FLEET_SCHEMA}.kiosk_of(current_user)").fetchone()
            role, name = row if row else (conn.info.user, None)
    except (psycopg.errors.UndefinedFunction, psycopg.errors.InvalidSchemaName):
        raise FleetPushSkipped("the central database has no fleet tables: run `kiosk central "
                               "init` there (this version adds them)") from None
    except psycopg.errors.InsufficientPrivilege:
        name, role = None, conn.info.user
    if name is None:
        raise FleetPushSkipped(
            f"the role {role!r} is not a kiosk's own (the old shared role?): no heartbeat or "
            f"alerts are sent; give this kiosk a credential of its own with `kiosk central "
            f"add-kiosk NAME` (a member of {KIOSK_GROUP_ROLE})")
    return str(name)


def push_fleet(Session_: sessionmaker[Session], url: str, password: str | None, *,
               kiosk_id: str, heartbeat: Heartbeat, connect_timeout: float = 10.0,
               statement_timeout: float = 60.0) -> FleetPushResult:
    """See the module docstring. Raises FleetPushSkipped, FleetPushError or psycopg errors."""
    alerts = Alerts(Session_).open()
    with connect(url, password=password, connect_timeout=connect_timeout,
                 statement_timeout=statement_timeout,
                 application_name="bom-kiosk-fleet-push") as conn:
        conn.read_only = False  # the kiosk role's transactions are read-only by default
        mine = credential_kiosk(conn)
        if mine != kiosk_id:
            raise FleetPushError(
                f"this kiosk's central credential belongs to kiosk {mine!r} but its "
                f"kiosk_id is {kiosk_id!r}: set [usage] kiosk_id = \"{mine}\" in kiosk.toml (usage "
                f"events under another name are refused too), or use {kiosk_id!r}'s "
                f"credential")
        result = FleetPushResult(kiosk=mine, alerts_open=len(alerts))
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                f"INSERT INTO {FLEET_SCHEMA}.heartbeat (kiosk_id, kiosk_time, central_revision, "
                f"content_revision_id, sync_outcome, sync_summary, app_version) "
                f"VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (mine, dt.datetime.now().astimezone(), heartbeat.central_revision,
                 heartbeat.content_revision_id, heartbeat.sync_outcome,
                 (heartbeat.sync_summary or "")[:500] or None, heartbeat.app_version[:50]))
            if alerts:
                cur.executemany(
                    f"INSERT INTO {FLEET_SCHEMA}.alert (kiosk_id, local_id, raised_at, source, "
                    f"kind, detail) VALUES (%s, %s, %s, %s, %s, %s) "
                    f"ON CONFLICT (kiosk_id, local_id) DO UPDATE SET "
                    f"raised_at = EXCLUDED.raised_at, source = EXCLUDED.source, "
                    f"kind = EXCLUDED.kind, detail = EXCLUDED.detail, cleared_at = NULL, "
                    f"updated_at = now()",
                    [(mine, a.id, _aware(a.raised_at), a.source, a.kind, a.detail or "")
                     for a in alerts])
            cur.execute(
                f"UPDATE {FLEET_SCHEMA}.alert SET cleared_at = now(), updated_at = now() "
                f"WHERE kiosk_id = %s AND cleared_at IS NULL AND NOT (local_id = ANY(%s))",
                (mine, [a.id for a in alerts]))
            result.alerts_cleared = max(cur.rowcount, 0)
    return result


def push_after_sync(cfg, Session_: sessionmaker[Session], url: str, password: str | None,
                    report) -> str:
    """THE fleet call site of the sync (content_sync.sync.run_sync), after its report is
    stored: the report's outcome and revisions go up as the heartbeat. Never raises: returns
    a line for the report (a refusal is logged as a warning)."""
    kiosk_id = cfg.usage.kiosk_id or cfg.queue.kiosk_id
    heartbeat = Heartbeat(central_revision=report.revision_after,
                          content_revision_id=report.content_revision_id,
                          sync_outcome=report.outcome, sync_summary=report.summary())
    try:
        result = push_fleet(Session_, url, password, kiosk_id=kiosk_id, heartbeat=heartbeat,
                            connect_timeout=cfg.sync.connect_timeout,
                            statement_timeout=cfg.sync.statement_timeout)
    except FleetPushSkipped as exc:
        log.info("fleet push skipped: %s", exc)
        return f"skipped: {exc}"
    except Exception as exc:  # never the content's outcome
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        log.warning("fleet push failed: %s", first)
        return f"failed: {first}"[:300]
    log.info("fleet: %s", result.line())
    return result.line()
