"""Anonymous usage events: what residents look for, find, lack and think, for the office's
reports (`kiosk report`). The screens call the narrow methods of `UsageLog` (`core.usage`);
widgets never record anything themselves.

Recording is cheap on the UI path: a method only appends a tuple to an in-memory deque. A worker
thread writes the deque to `usage_event` every `[usage] flush_seconds`, in one transaction, and
scrubs every text field there (kiosk.usage.scrub), so nothing reaches the database unscrubbed,
whoever called. A crash loses at most the last few seconds of events, never a resident's time.

No event names a person or links events into a visit: there is no session id. A visit leaves
one `session_end` event with its length in seconds and how it ended.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from typing import cast

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.db.usage_models import UsageEvent
from kiosk.usage.scrub import scrub_text

log = logging.getLogger(__name__)

# Event kinds (the `kind` column) and what their fields hold.
SCREEN = "screen"                    # name: screen
PROCEDURE_OPENED = "procedure_opened"  # symbol
GUIDE_COMPLETED = "guide_completed"  # symbol; count: documents missing; detail: missing, names
SEARCH = "search"                    # value: scrubbed query; count: results; name: language
TICKET = "ticket"                    # name: queue letter; detail: priority
PRINT = "print"                      # name: "ok" or the fault; value: card / ticket
AUDIO_MODE = "audio_mode"            # name: how it was started (corner, key, menu)
SETTING = "setting"                  # name: setting; value: new value
LANGUAGE = "language"                # name: language chosen
SESSION_END = "session_end"          # name: idle (walked away) / home (at rest); count: seconds
SATISFACTION = "satisfaction"        # name: yes / partly / no; value: guide / ticket; symbol
SATISFACTION_REASON = "satisfaction_reason"  # name: reason code; value: context; symbol
KINDS = (SCREEN, PROCEDURE_OPENED, GUIDE_COMPLETED, SEARCH, TICKET, PRINT, AUDIO_MODE, SETTING,
         LANGUAGE, SESSION_END, SATISFACTION, SATISFACTION_REASON)

ANSWERS = ("yes", "partly", "no")
REASONS = ("missing_info", "hard_to_understand", "matter_not_found", "long_wait", "other")
CONTEXTS = ("guide", "ticket")
END_REASONS = ("idle", "home")
MAX_BUFFER = 50_000  # beyond this (database gone for hours) the oldest events are dropped
_CODE = re.compile(r"[^\w .:+-]")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _code(value, limit: int = 40) -> str | None:
    """A structured field: a short code, scrubbed like anything else."""
    if value is None:
        return None
    return scrub_text(_CODE.sub("", str(value)), limit)[:limit] or None


def _safe_detail(detail: dict | None) -> dict | None:
    """Only lists of whole numbers and short scrubbed strings pass."""
    if not detail:
        return None
    out: dict = {}
    for key, value in detail.items():
        items = value if isinstance(value, (list, tuple)) else [value]
        clean: list[object] = []
        for v in items:
            if isinstance(v, (bool, int)):
                clean.append(v)
            elif v is not None:
                clean.append(scrub_text(str(v), 120))
        out[_code(key, 20) or "x"] = clean if isinstance(value, (list, tuple)) else clean[0]
    return out


def event_row(ev: tuple, kiosk_id: str) -> dict:
    """A recorded tuple as a database row, every text scrubbed (runs on the worker)."""
    eid, at, kind, symbol, name, value, count, detail = ev
    return dict(id=eid, kiosk_id=kiosk_id, at=at, kind=kind, symbol=_code(symbol, 30),
                name=_code(name), value=None if value is None else scrub_text(str(value), 200),
                count=None if count is None else int(count), detail=_safe_detail(detail),
                pushed_at=None)


class UsageLog:
    """`core.usage`: record events from the UI thread; a worker writes them in batches."""

    def __init__(self, Session_: sessionmaker[Session], kiosk_id: str, *, enabled: bool = True,
                 flush_seconds: float = 5.0, now: Callable[[], dt.datetime] = utcnow):
        self._Session, self.kiosk_id, self.enabled = Session_, kiosk_id, enabled
        self.flush_seconds, self._now = flush_seconds, now
        self._pending: deque[tuple] = deque(maxlen=MAX_BUFFER)
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._flush_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # --- the narrow methods the screens call --------------------------------------------
    def screen_viewed(self, name: str) -> None:
        self.record(SCREEN, name=name)

    def procedure_opened(self, symbol: str) -> None:
        self.record(PROCEDURE_OPENED, symbol=symbol)

    def guide_completed(self, symbol: str, missing: Iterable[tuple[int, str]]) -> None:
        """The resident reached a guide's summary; `missing`: (index, Polish name) of each
        required document not ticked."""
        missing = list(missing)
        self.record(GUIDE_COMPLETED, symbol=symbol, count=len(missing),
                    detail={"missing": [i for i, _n in missing],
                            "names": [n for _i, n in missing]})

    def search(self, query: str, results: int, lang: str) -> None:
        self.record(SEARCH, value=query, count=results, name=lang)

    def ticket_issued(self, letter: str, priority: bool = False) -> None:
        self.record(TICKET, name=letter, detail={"priority": bool(priority)})

    def printed(self, what: str, outcome: str) -> None:
        """A print job ended: `outcome` "ok" or the fault (paper_out, offline...)."""
        self.record(PRINT, name=outcome, value=what)

    def audio_mode_started(self, how: str) -> None:
        self.record(AUDIO_MODE, name=how)

    def setting_used(self, name: str, value) -> None:
        self.record(SETTING, name=name, value=str(value))

    def language(self, lang: str) -> None:
        self.record(LANGUAGE, name=lang)

    def session_ended(self, seconds: float, reason: str) -> None:
        self.record(SESSION_END, name=reason, count=max(0, int(round(seconds))))

    def satisfaction(self, context: str, symbol: str | None, answer: str) -> None:
        self.record(SATISFACTION, name=answer, value=context, symbol=symbol)

    def satisfaction_reason(self, context: str, symbol: str | None, reason: str) -> None:
        self.record(SATISFACTION_REASON, name=reason, value=context, symbol=symbol)

    # --- recording and writing ----------------------------------------------------------
    def record(self, kind: str, *, symbol: str | None = None, name: str | None = None,
               value: str | None = None, count: int | None = None,
               detail: dict | None = None) -> None:
        if not self.enabled:
            return
        self._pending.append((str(uuid.uuid4()), self._now(), kind, symbol, name, value,
                              count, detail))
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._flush_lock:
            if self._thread is None and not self._closed.is_set():
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="usage-writer")
                self._thread.start()

    def _run(self) -> None:
        while not self._closed.is_set():
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the database is busy or gone: the events wait in memory
                log.exception("could not write usage events; will retry")

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> int:
        """Write what is recorded now; returns how many events. Safe from any thread."""
        with self._flush_lock:
            batch = []
            while self._pending:
                try:
                    batch.append(self._pending.popleft())
                except IndexError:
                    break
            if not batch:
                return 0
            rows = [event_row(ev, self.kiosk_id) for ev in batch]
            try:
                with self._Session.begin() as s:
                    s.execute(insert(UsageEvent), rows)
            except Exception:
                self._pending.extendleft(reversed(batch))  # keep them for the next try
                raise
            return len(rows)

    def close(self) -> None:
        self._closed.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self.flush()
        except Exception:
            log.exception("could not write the last usage events")


# --- local store: the push and retention ------------------------------------------------------

def unpushed(Session_: sessionmaker[Session], limit: int) -> list[dict]:
    cols = [c for c in UsageEvent.__table__.c if c.name != "pushed_at"]
    with Session_() as s:
        return [dict(r._mapping) for r in s.execute(
            select(*cols).where(UsageEvent.pushed_at.is_(None))
            .order_by(UsageEvent.at, UsageEvent.id).limit(limit))]


def mark_pushed(Session_: sessionmaker[Session], ids: list[str],
                when: dt.datetime | None = None) -> None:
    when = when or utcnow()
    with Session_.begin() as s:
        for i in range(0, len(ids), 500):
            s.execute(update(UsageEvent).where(UsageEvent.id.in_(ids[i:i + 500]))
                      .values(pushed_at=when))


def prune(Session_: sessionmaker[Session], retention_days: int,
          now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete events older than the retention period; returns (pushed, never pushed) deleted.

    Pushed events stay that long for local reports. An event the push never got out (the
    central database unreachable for the whole period) goes too: the kiosk's disk must stay
    bounded, and the sync report counts the loss."""
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    with Session_.begin() as s:
        old = UsageEvent.at < cutoff
        pushed = cast(CursorResult, s.execute(
            delete(UsageEvent).where(old, UsageEvent.pushed_at.is_not(None))))
        lost = cast(CursorResult, s.execute(
            delete(UsageEvent).where(old, UsageEvent.pushed_at.is_(None))))
    return pushed.rowcount or 0, lost.rowcount or 0
