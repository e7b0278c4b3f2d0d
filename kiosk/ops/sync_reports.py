"""Sync reports: one per `kiosk sync` run, kept in the kiosk database for [sync] report_days,
shown by `kiosk status`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # every command reads the exit codes below; only these functions need the ORM
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.db.models import SyncReport

# Exit codes of `kiosk sync` (and the outcome words in its report). 0-3 mean what they mean
# for every `kiosk` command; 4 and 5 tell a systemd unit whether trying again soon may help.
EXIT_OK = 0           # applied (or nothing changed centrally); every record valid
# Applied (or nothing changed), but central records are rejected: the kiosk keeps their last
# good version, does not show a new one, or refused a deletion that would strand others. Fix
# them centrally; `kiosk status` needs staff until a sync rejects nothing.
EXIT_PARTIAL = 1
EXIT_USAGE = 2        # no source configured, bad URL or option
EXIT_REJECTED = 3     # the central data was refused whole (unknown schema version, empty)
EXIT_UNREACHABLE = 4  # central database down, login refused, timeout, connection lost
EXIT_LOCAL = 5        # the kiosk's own database or disk failed, or another sync was running

OUTCOME_EXIT = {"ok": EXIT_OK, "unchanged": EXIT_OK, "partial": EXIT_PARTIAL,
                "usage": EXIT_USAGE, "rejected": EXIT_REJECTED,
                "unreachable": EXIT_UNREACHABLE, "local": EXIT_LOCAL}
# Outcomes after which the kiosk did not reach the central content.
FAILED = frozenset({"usage", "rejected", "unreachable", "local"})


def exit_code_for(outcome: str, rejected: int) -> int:
    """The exit code of a sync: also 1 when nothing changed but records are still rejected."""
    if outcome not in FAILED and rejected:
        return EXIT_PARTIAL
    return OUTCOME_EXIT[outcome]


@dataclass(frozen=True)
class SyncReportView:
    id: int | None
    started_at: dt.datetime
    finished_at: dt.datetime
    outcome: str
    exit_code: int
    source: str
    revision_before: int | None
    revision_after: int | None
    content_revision_id: int | None
    added: int
    changed: int
    removed: int
    rejected: int
    audio: str
    duration_s: float
    detail: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED

    @property
    def refused_deletions(self) -> list[dict]:
        return [r for r in self.detail.get("rejected_records", []) if r.get("refused_deletion")]

    def rejected_line(self) -> str:
        """What staff must fix centrally after a sync that rejected records."""
        refused = self.refused_deletions
        text = (f"{self.rejected} central record(s) rejected at the sync of "
                f"{self.started_at:%Y-%m-%d %H:%M}; the kiosk keeps their last good versions")
        if refused:
            text += (f", and refused {len(refused)} deletion(s) that would strand others: "
                     + "; ".join(f"{r['kind']} {r['key']!r} still used by "
                                 f"{', '.join(r.get('orphans', [])[:5])}"
                                 + (", ..." if len(r.get("orphans", [])) > 5 else "")
                                 for r in refused[:3]))
        return text + " (fix them centrally; `kiosk sync` lists them)"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["started_at"] = self.started_at.isoformat(timespec="seconds")
        d["finished_at"] = self.finished_at.isoformat(timespec="seconds")
        d["duration_s"] = round(self.duration_s, 3)
        d["failed"] = self.failed
        return d

    def summary(self) -> str:
        """One line for `kiosk status` and the sync's own output."""
        when = self.started_at.strftime("%Y-%m-%d %H:%M")
        if self.failed:
            stays = (f"content stays at central revision {self.revision_before}"
                     if self.revision_before is not None else
                     "the kiosk keeps its own content: no sync has reached it yet")
            return f"{self.outcome.upper()} at {when}: {self.detail.get('error', '')} ({stays})"
        moved = (f"revision {self.revision_before or 'none'} -> {self.revision_after}"
                 if self.revision_after != self.revision_before
                 else f"revision {self.revision_after}, nothing changed")
        text = (f"{self.outcome} at {when}: {moved}; +{self.added} ~{self.changed} "
                f"-{self.removed}, {self.rejected} rejected; audio {self.audio}; "
                f"{self.duration_s:.1f} s")
        if "usage" in self.detail or "usage_events_error" in self.detail:
            text += "; usage events " + str(self.detail.get("usage") or "failed: " + str(
                self.detail.get("usage_events_error")))
        return text


def _view(r: SyncReport) -> SyncReportView:
    return SyncReportView(r.id, r.started_at, r.finished_at, r.outcome, r.exit_code, r.source,
                          r.revision_before, r.revision_after, r.content_revision_id, r.added,
                          r.changed, r.removed, r.rejected, r.audio, r.duration_s,
                          dict(r.detail or {}))


# The audio line of a report stored before rendering: what stays if the sync is killed there.
AUDIO_INTERRUPTED = "stopped while rendering; the next sync renders what is missing"


def save_report(Session_: sessionmaker[Session], report: SyncReportView, *,
                keep_days: int, now: dt.datetime | None = None,
                replace: int | None = None) -> SyncReportView:
    """Store a report (in place of the report `replace`, a provisional one of the same sync)
    and delete those older than `keep_days`."""
    from sqlalchemy import delete

    from kiosk.db.models import SyncReport

    now = now or report.finished_at
    with Session_.begin() as s:
        if replace is not None:
            s.execute(delete(SyncReport).where(SyncReport.id == replace))
        row = SyncReport(**{k: v for k, v in asdict(report).items() if k != "id"})
        s.add(row)
        s.execute(delete(SyncReport).where(
            SyncReport.started_at < now - dt.timedelta(days=keep_days)))
        s.flush()
        return _view(row)


def recent_reports(Session_: sessionmaker[Session], n: int = 2) -> list[SyncReportView]:
    from sqlalchemy import select

    from kiosk.db.models import SyncReport

    with Session_() as s:
        rows = s.scalars(select(SyncReport).order_by(SyncReport.started_at.desc(),
                                                     SyncReport.id.desc()).limit(n)).all()
        return [_view(r) for r in rows]


def sync_status(Session_: sessionmaker[Session]) -> tuple[dict | None, list[str]]:
    """The last report as data, and what staff must act on: the last two syncs failed, or
    the last sync that reached the central database rejected records."""
    reports = recent_reports(Session_, 2)
    if not reports:
        return None, []
    data = reports[0].as_dict()
    data["summary"] = reports[0].summary()
    problems = []
    if len(reports) == 2 and all(r.failed for r in reports):
        problems.append(f"the last two content syncs failed: {reports[0].summary()}")
    reached = next((r for r in reports if not r.failed), None)
    if reached is not None and reached.rejected:
        problems.append(reached.rejected_line())
    return data, problems
