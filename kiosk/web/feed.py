"""One reader of the queue for the whole site, and the phones' wake-up call.

A thread wakes at each call (PostgreSQL: LISTEN on the call log's channel, the same
notification the hall display hears, kiosk.queue.call_feed), or every poll interval
(SQLite; and on PostgreSQL for what sends no notification: new tickets, served, no-show), reads
the queue once, and when the page would change bumps `version` and wakes every server-sent
event stream waiting on the event loop. A hundred phones cost one read, not a hundred.

A queue database that cannot be reached keeps the last state, marked `connected = False`, and
is tried again every `retry_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable

from kiosk.queue.call_feed import ListenWaiter, PollWaiter
from kiosk.queue.service import QueueService
from kiosk.web.views import QueueShown, read_queue

log = logging.getLogger(__name__)


class Feed:
    def __init__(self, svc: QueueService, *, listen: bool = True, poll_seconds: float = 1.0,
                 pg_poll_seconds: float = 2.0, retry_seconds: float = 2.0,
                 read: Callable[[QueueService], QueueShown] = read_queue):
        self.svc = svc
        self.listen, self.poll_seconds = listen, poll_seconds
        self.pg_poll_seconds, self.retry_seconds = pg_poll_seconds, retry_seconds
        self._read = read
        self.version = 0
        self.shown: QueueShown | None = None
        # Office-local time the page last changed ("Last change at 10:42").
        self.changed_at: dt.datetime | None = None
        self.connected = False
        self.mode = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._waiter: ListenWaiter | PollWaiter | None = None

    # --- the thread ------------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._changed = loop, asyncio.Event()
        self.refresh()  # the first page has something to show at once
        self._thread = threading.Thread(target=self._run, daemon=True, name="web-feed")
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._drop_waiter()

    def _make_waiter(self) -> ListenWaiter | PollWaiter:
        engine = self.svc._engine
        if engine is not None and engine.dialect.name == "postgresql" and self.listen:
            try:
                return ListenWaiter(engine.url, self.pg_poll_seconds, self._stop, 3.0)
            except Exception as exc:  # e.g. a pooler that drops LISTEN: polling still works
                log.warning("LISTEN failed (%s); polling every %.1f s", exc, self.poll_seconds)
        return PollWaiter(self.poll_seconds, self._stop)

    def refresh(self) -> bool:
        """Read the queue once; True when what the page shows changed."""
        try:
            shown = self._read(self.svc)
        except Exception as exc:  # an outage must not end the site
            if self.connected:
                log.warning("queue database unreachable: %s", exc)
            changed = self.connected
            self.connected = False
        else:
            changed = shown != self.shown or not self.connected
            if changed:
                self.changed_at = self.svc.now()
            self.shown, self.connected = shown, True
        if changed:
            self.version += 1
            if self._loop is not None:
                with contextlib.suppress(RuntimeError):  # the loop is closing
                    self._loop.call_soon_threadsafe(self._wake)
        return changed

    def _drop_waiter(self) -> None:
        if self._waiter is not None:
            self._waiter.close()
            self._waiter = None

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._waiter is None:
                self._waiter = self._make_waiter()  # LISTEN, or polling when it cannot
                self.mode = self._waiter.mode
            try:
                self._waiter.wait()
            except Exception as exc:  # the LISTEN connection died: read, then make a new one
                log.warning("queue feed: %s", exc)
                self._drop_waiter()
            if self._stop.is_set():
                break
            self.refresh()
            if not self.connected:  # LISTEN again once the database is back
                self._drop_waiter()
                self._stop.wait(self.retry_seconds)

    # --- the event loop's side -------------------------------------------------------------

    def _wake(self) -> None:
        if self._changed is not None:
            old, self._changed = self._changed, asyncio.Event()
            old.set()

    async def wait_change(self, since: int, timeout: float) -> bool:
        """Wait until `version` differs from `since`, at most `timeout` seconds."""
        if self.version != since:
            return True
        if self._changed is None:
            await asyncio.sleep(timeout)
            return self.version != since
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)
        return self.version != since
