"""The fleet as the central database sees it, for `kiosk fleet` (read with the admin URL: the
table owner is not subject to the kiosks' row-level security)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from content_sync.central import FLEET_SCHEMA, require_fleet_tables
from content_sync.pg import connect

STALE_HOURS = 26.0  # a nightly sync plus its random delay and a margin


@dataclass(frozen=True)
class FleetAlert:
    local_id: int
    raised_at: dt.datetime
    source: str
    kind: str
    detail: str


@dataclass(frozen=True)
class KioskState:
    name: str
    role: str
    registered_at: dt.datetime
    can_login: bool
    last_heartbeat: dt.datetime | None
    hours_since: float | None        # None: never
    stale: bool                      # no heartbeat for longer than the threshold (or never)
    kiosk_time: dt.datetime | None
    central_revision: int | None
    content_revision_id: int | None
    sync_outcome: str | None
    sync_summary: str | None
    app_version: str | None
    alerts: list[FleetAlert] = field(default_factory=list)

    @property
    def needs_staff(self) -> bool:
        return (self.stale or bool(self.alerts)
                or self.sync_outcome not in ("ok", "unchanged"))

    def as_dict(self) -> dict:
        d = asdict(self)
        d["open_alerts"] = len(self.alerts)
        d["needs_staff"] = self.needs_staff
        return d


def fleet_status(url: str, *, stale_hours: float = STALE_HOURS, password: str | None = None,
                 connect_timeout: float = 10.0) -> list[KioskState]:
    """Every registered kiosk with its latest heartbeat and open alerts, by name."""
    with connect(url, password=password, connect_timeout=connect_timeout, read_only=True,
                 statement_timeout=None, application_name="bom-fleet") as conn:
        require_fleet_tables(conn)
        now: dt.datetime = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
        rows = conn.execute(
            f"SELECT k.name, k.role, k.created_at, coalesce(r.rolcanlogin, false), h.at, "
            f"h.kiosk_time, h.central_revision, h.content_revision_id, h.sync_outcome, "
            f"h.sync_summary, h.app_version FROM {FLEET_SCHEMA}.kiosk k "
            f"LEFT JOIN pg_roles r ON r.rolname = k.role "
            f"LEFT JOIN LATERAL (SELECT * FROM {FLEET_SCHEMA}.heartbeat h "
            f"WHERE h.kiosk_id = k.name ORDER BY h.at DESC LIMIT 1) h ON true "
            f"ORDER BY k.name").fetchall()
        alerts: dict[str, list[FleetAlert]] = {}
        for kiosk_id, *alert in conn.execute(
                f"SELECT kiosk_id, local_id, raised_at, source, kind, detail "
                f"FROM {FLEET_SCHEMA}.alert WHERE cleared_at IS NULL "
                f"ORDER BY raised_at, local_id"):
            alerts.setdefault(kiosk_id, []).append(FleetAlert(*alert))
    out = []
    for (name, role, created, can_login, at, kiosk_time, central_revision, content_revision_id,
         sync_outcome, sync_summary, app_version) in rows:
        hours = None if at is None else (now - at).total_seconds() / 3600
        out.append(KioskState(name, role, created, can_login, at, hours,
                              hours is None or hours > stale_hours, kiosk_time,
                              central_revision, content_revision_id, sync_outcome,
                              sync_summary, app_version, alerts.get(name, [])))
    return out
