"""Calls and recalls as the hall display learns of them: an ordered feed over the queue
database's call log (kiosk.db.queue_models.CallEvent).

How the display hears of a call:
- PostgreSQL: the desk's transaction ends with `pg_notify('kiosk_queue_calls', id)`, delivered
  when it commits; the display LISTENs on its own connection and reads the log at once. It also
  reads the log every `pg_poll_seconds` whatever happens, so a lost notification (a connection
  pooler that drops LISTEN, a reconnect) costs at most that long.
- SQLite (one machine): there is no notification between processes; the display reads the
  log every `poll_seconds` (0.4 s). Reading "id > last" is one indexed query, cheap enough.

Either way the display keeps the id of the last event it has shown and asks only for newer
ones: after an outage it shows what was called meanwhile and repeats nothing.

Core only: no Kivy. The UI runs `CallWatcher` (a thread) and gets `FeedUpdate`s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, func, select
from sqlalchemy.orm import Session

from kiosk import __version__
from kiosk.db.queue_models import CallEvent
from kiosk.queue.call_log import CHANNEL
from kiosk.queue.hall_alerts import SIGN_OF_LIFE_SECONDS

if TYPE_CHECKING:
    from kiosk.i18n import Translator
    from kiosk.queue.service import QueueService, QueueStatus

log = logging.getLogger(__name__)

# --- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    """One call or recall as the display shows and announces it."""

    id: int
    kind: str                 # "call" or "recall"
    ticket_id: int
    code: str                 # "A012"
    letter: str
    desk: int
    service_day: dt.date
    called_at: dt.datetime    # office-local, aware
    age_seconds: float        # by the database's clock when it was read


def _db_now(s: Session):
    # Both sides of the age come from the database's clock, so desks, kiosks and the display
    # need not agree on the time (and a frozen test clock does not matter). PostgreSQL stores
    # the column default in the session's time zone: LOCALTIMESTAMP is the same kind of value.
    if s.get_bind().dialect.name == "postgresql":
        return func.localtimestamp(type_=DateTime)
    return func.current_timestamp(type_=DateTime)


def _calls(s: Session, q, tz: dt.tzinfo) -> list[Call]:
    out = []
    for e, now in s.execute(q.add_columns(_db_now(s))):
        age = max(0.0, (now - e.created_at).total_seconds()) if now and e.created_at else 0.0
        out.append(Call(e.id, e.kind, e.ticket_id, e.code, e.letter, e.desk, e.service_day,
                        e.called_at.replace(tzinfo=dt.UTC).astimezone(tz), age))
    return out


def calls_since(s: Session, last_id: int, tz: dt.tzinfo, limit: int = 200) -> list[Call]:
    """Events after `last_id`, oldest first."""
    q = select(CallEvent).where(CallEvent.id > last_id).order_by(CallEvent.id).limit(limit)
    return _calls(s, q, tz)


def recent_calls(s: Session, day: dt.date, tz: dt.tzinfo, n: int) -> list[Call]:
    """The day's last `n` events, newest first."""
    q = (select(CallEvent).where(CallEvent.service_day == day)
         .order_by(CallEvent.id.desc()).limit(n))
    return _calls(s, q, tz)


def last_call_id(s: Session) -> int:
    return s.scalar(select(func.max(CallEvent.id))) or 0


# libpq settings for the display's connections: a network that dies silently (a cable pulled,
# a switch down) is noticed in seconds, not after the kernel's 15-minute retransmission limit:
# unacknowledged data fails after 5 s, an idle link is probed after 5 s, twice, 2 s apart.
PG_LINK_CHECKS: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
                  "keepalives_count": 2, "tcp_user_timeout": 5000}


def closure_line(status: QueueStatus, tr: Translator) -> str:
    """The hall display's line about today, from the queue's status: "Dziś urząd nieczynny:
    Narodowe Święto Niepodległości. Otwarcie: czwartek o 08:00." on a public holiday or a day
    the content closes, "Dziś urząd czynny krócej: 08:00–12:00 (Sylwester)." on a shorter day;
    "" on an ordinary day. The next opening is the earliest of the ticket letters'."""
    from kiosk.content.places import when_text

    _ = tr._
    states = [c.availability for c in status.categories if c.availability is not None]
    closure = next((a.closure for a in states if a.closure is not None), None)
    if closure is None:
        return ""
    reason = closure.name(tr.lang)
    if not closure.closed and closure.hours is not None:
        opens, closes = closure.hours
        return _("Shorter opening hours today: {hours} ({reason}).").format(
            hours=f"{tr.time(opens)}–{tr.time(closes)}", reason=reason)
    nexts = [a.next_opening for a in states if a.next_opening is not None]
    if not nexts:
        return _("The office is closed today: {reason}.").format(reason=reason)
    at = min(nexts)
    return _("The office is closed today: {reason}. Opens {when}.").format(
        reason=reason, when=when_text(at.date(), at.time(), status.service_day, tr))


# --- waiting for the next call ------------------------------------------------------------------

class PollWaiter:
    """Waits a fixed interval (SQLite; PostgreSQL without LISTEN)."""

    mode = "poll"

    def __init__(self, interval: float, stop: threading.Event):
        self.interval, self._stop = interval, stop

    def wait(self) -> None:
        self._stop.wait(self.interval)

    def close(self) -> None:
        pass


class ListenWaiter:
    """LISTEN on a connection of its own; returns at a notification, or after `fallback`
    seconds (the safety poll), or soon after `stop` is set."""

    mode = "listen"
    SLICE = 0.5  # how often the stop flag is looked at while nothing arrives

    def __init__(self, url, fallback: float, stop: threading.Event, connect_timeout: float):
        import psycopg

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = psycopg.connect(conninfo, autocommit=True, **{
            **PG_LINK_CHECKS, "connect_timeout": max(1, round(connect_timeout))})
        self.conn.execute(f"LISTEN {CHANNEL}")
        self.fallback, self._stop = fallback, stop

    def wait(self) -> None:
        end = time.monotonic() + self.fallback
        while not self._stop.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return
            # A notification that came while the log was being read waits in the connection
            # and ends this at once: nothing slips between the read and the wait.
            for _n in self.conn.notifies(timeout=min(self.SLICE, left), stop_after=1):
                return

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a connection that is already gone
            self.conn.close()


# --- the watcher ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedUpdate:
    connected: bool
    # Events not reported before, oldest first; `announce` says which are fresh enough to say
    # aloud (older ones, e.g. after a long outage, are shown but not announced).
    calls: tuple[Call, ...] = ()
    announce: tuple[int, ...] = ()
    recent: tuple[Call, ...] | None = None   # the day's last calls, newest first
    status: object | None = None             # kiosk.queue.service.QueueStatus, when refreshed
    alerts: int | None = None                # open staff alerts of the hall, with the status
    error: str | None = None
    mode: str = ""                           # "listen" or "poll"
    last_id: int = 0


class CallWatcher:
    """A worker thread that follows the call log and reports to `on_update` (called on the
    worker thread: the UI hands it to its own thread). It never raises: a database that
    cannot be reached is reported as `connected=False` and tried again every `retry_seconds`.
    """

    def __init__(self, open_service: Callable[[], QueueService],
                 on_update: Callable[[FeedUpdate], None],
                 *, poll_seconds: float = 0.4, pg_poll_seconds: float = 2.0,
                 listen: bool = True, status_seconds: float = 2.0, retry_seconds: float = 1.0,
                 max_age_seconds: float = 60.0, recent: int = 6, connect_timeout: float = 3.0,
                 state_file: Path | None = None):
        self._open_service = open_service
        self.on_update = on_update
        self.poll_seconds, self.pg_poll_seconds = poll_seconds, pg_poll_seconds
        self.listen, self.status_seconds = listen, status_seconds
        self.retry_seconds, self.max_age_seconds = retry_seconds, max_age_seconds
        self.recent_n, self.connect_timeout = recent, connect_timeout
        self.state_file = state_file
        self.last_id: int | None = self._load_last_id()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._svc: QueueService | None = None
        self._waiter: PollWaiter | ListenWaiter | None = None
        self.connected: bool | None = None

    # the last id shown survives a restart: calls made while the display was off are shown,
    # and announced if still fresh
    def _load_last_id(self) -> int | None:
        if self.state_file is None or not self.state_file.exists():
            return None
        try:
            return int(json.loads(self.state_file.read_text())["last_id"])
        except (ValueError, KeyError, OSError, TypeError):
            return None

    def _save_last_id(self) -> None:
        if self.state_file is None or self.last_id is None:
            return
        try:
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"last_id": self.last_id}))
            tmp.replace(self.state_file)
        except OSError as exc:
            log.warning("cannot keep the last call id in %s: %s", self.state_file, exc)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="call-watcher")
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.connected and self._svc is not None:
            try:  # a clean stop: the hall no longer expects the display's sign of life
                self._svc.hall_alerts.leave("display")
            except Exception as exc:
                log.warning("could not tell the hall the display stopped: %s", exc)
        self._close()

    def _close(self) -> None:
        if self._waiter is not None:
            self._waiter.close()
            self._waiter = None
        if self._svc is not None:
            # Connections may be dead (outage): drop them; the engine makes new ones.
            engine = getattr(self._svc, "_engine", None)
            if engine is not None:
                engine.dispose()

    def _make_waiter(self, svc):
        engine = svc._engine
        if engine.dialect.name == "postgresql" and self.listen:
            try:
                return ListenWaiter(engine.url, self.pg_poll_seconds, self._stop,
                                    self.connect_timeout)
            except Exception as exc:
                # e.g. behind a pooler that does not keep LISTEN: polling still works
                log.warning("LISTEN failed (%s); polling every %.1f s", exc, self.poll_seconds)
        return PollWaiter(self.poll_seconds, self._stop)

    def _run(self) -> None:
        last_status = last_beat = 0.0
        while not self._stop.is_set():
            try:
                if self._svc is None:
                    self._svc = self._open_service()
                if self._waiter is None:
                    self._waiter = self._make_waiter(self._svc)
                svc = self._svc
                fresh_status = False
                first_read = self.connected is None
                with svc._Session() as s:
                    if self.last_id is None:
                        # First start: what is on the log already is history, not news.
                        self.last_id = last_call_id(s)
                        calls: list[Call] = []
                    else:
                        calls = calls_since(s, self.last_id, svc.tz)
                        if not calls and self.last_id > last_call_id(s):
                            self.last_id = last_call_id(s)  # a new, empty queue database
                            first_read = True  # keep the new id
                    recent = (recent_calls(s, svc.now().date(), svc.tz, self.recent_n)
                              if calls or self.connected is not True else None)
                if calls:
                    self.last_id = calls[-1].id
                if calls or first_read:
                    self._save_last_id()
                first = self.connected is not True
                self.connected = True
                if calls or first:
                    announce = tuple(c.id for c in calls if c.age_seconds <= self.max_age_seconds)
                    self.on_update(FeedUpdate(True, tuple(calls), announce,
                                              tuple(recent) if recent is not None else None,
                                              mode=self._waiter.mode, last_id=self.last_id))
                if calls or first or time.monotonic() - last_status >= self.status_seconds:
                    st = svc.status()
                    # Staff alerts of the hall (kiosk.queue.hall_alerts): counted with the
                    # status, at its pace; the display shows only how many are open.
                    alerts = len(svc.hall_alerts.open())
                    if time.monotonic() - last_beat >= SIGN_OF_LIFE_SECONDS:
                        svc.hall_alerts.beat("display", __version__)  # the hall sees it alive
                        last_beat = time.monotonic()
                    last_status = time.monotonic()
                    fresh_status = True
                if fresh_status:
                    self.on_update(FeedUpdate(True, status=st, alerts=alerts,
                                              mode=self._waiter.mode, last_id=self.last_id))
                self._waiter.wait()
            except Exception as exc:  # a database outage must not end the thread
                if self.connected is not False:
                    log.warning("queue database unreachable: %s", exc)
                self.connected = False
                self._close()
                self.on_update(FeedUpdate(False, error=str(exc).splitlines()[0][:200],
                                          last_id=self.last_id or 0))
                self._stop.wait(self.retry_seconds)


def open_display_queue(cfg, content):
    """The queue service the display reads through: its own engine, made to notice an outage
    (SQLite: a fresh connection for every read, so a file that went away is seen; PostgreSQL:
    a connect timeout and a statement timeout, so a dead network never hangs the reader)."""
    from sqlalchemy.pool import NullPool

    from kiosk.db.queue_engine import (
        make_queue_engine,
        normalise_url,
        queue_session_factory,
        upgrade_queue,
    )
    from kiosk.queue.service import QueueService

    url = normalise_url(cfg.queue.effective_url(cfg.paths.data_dir))
    if url.startswith("sqlite"):
        kw: dict = {"poolclass": NullPool}
    else:
        kw = {"connect_args": {**PG_LINK_CHECKS, "connect_timeout": 3,
                               "options": "-c statement_timeout=5000"},
              "pool_size": 1, "max_overflow": 2}
    engine = make_queue_engine(url, **kw)
    try:
        upgrade_queue(engine)
    except Exception:
        engine.dispose()
        raise
    return QueueService(queue_session_factory(engine), content, kiosk_id=cfg.queue.kiosk_id,
                        tz=cfg.office.timezone, engine=engine)
