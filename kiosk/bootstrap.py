"""Open the kiosk's database and content the way `kiosk run` and the other commands need it."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.alerts import Alerts
from kiosk.config import KioskConfig
from kiosk.content import ContentService
from kiosk.content_format import read_content
from kiosk.content_store import active_revision, apply_bundle
from kiosk.db import make_engine, session_factory, upgrade

if TYPE_CHECKING:
    from printer.service import PrinterService

log = logging.getLogger(__name__)


@dataclass
class Core:
    """Everything the UI and the command line reach the core through."""

    config: KioskConfig
    engine: Engine
    Session: sessionmaker[Session]
    content: ContentService
    alerts: Alerts
    printer: PrinterService
    # Office-local aware time for the queue; None: the real clock. Tests and drills set it
    # before the queue is first used, so the screens and the queue share one clock.
    queue_clock: Callable[[], dt.datetime] | None = None
    _queue: object | None = field(default=None, repr=False)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _speech: object | None = field(default=None, repr=False)
    _search: object | None = field(default=None, repr=False)
    _usage: object | None = field(default=None, repr=False)

    @property
    def usage(self):
        """Anonymous usage events (kiosk.usage.UsageLog), made on first use."""
        if self._usage is None:
            from kiosk.usage import UsageLog

            u = self.config.usage
            self._usage = UsageLog(self.Session, u.kiosk_id or self.config.queue.kiosk_id,
                                   enabled=u.enabled, flush_seconds=u.flush_seconds)
        return self._usage

    @property
    def search(self):
        """The search service (kiosk.search.SearchService), made on first use."""
        if self._search is None:
            from kiosk.search import SearchService

            self._search = SearchService(self.Session)
        return self._search

    @property
    def queue(self):
        """The queue service (kiosk.queue.QueueService), opened on first use: a kiosk whose
        shared queue database is unreachable still starts and shows its content."""
        with self._queue_lock:
            if self._queue is None:
                from kiosk.queue import open_queue

                cfg = self.config
                extra = {"now": self.queue_clock} if self.queue_clock else {}
                self._queue = open_queue(cfg.queue.effective_url(cfg.paths.data_dir),
                                         self.content, kiosk_id=cfg.queue.kiosk_id,
                                         tz=cfg.office.timezone, **extra)
            return self._queue

    @property
    def speech(self):
        """The speech service (kiosk.speech.service.Speech), made on first use."""
        if self._speech is None:
            from kiosk.speech.service import open_speech

            self._speech = open_speech(self.config)
        return self._speech

    def close(self) -> None:
        if self._usage is not None:
            self._usage.close()
        if self._speech is not None:
            self._speech.cache.flush_counts()
        if self._queue is not None:
            self._queue.close()
        self.engine.dispose()


def open_core(config: KioskConfig, *, load_bundled: bool = True) -> Core:
    config.paths.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.paths.effective_database_url)
    upgrade(engine)
    Session_ = session_factory(engine)
    if load_bundled:
        ensure_bundled_content(Session_, config)
    from printer.service import PrinterService

    alerts = Alerts(Session_)
    printer = PrinterService(config.printer, config.paths.data_dir, alerts=alerts)
    return Core(config, engine, Session_, ContentService(Session_), alerts, printer)


def ensure_bundled_content(Session_: sessionmaker[Session], config: KioskConfig) -> int | None:
    """Load the configured content folder when the kiosk has none, or when that folder (not a
    sync) supplied the active revision and has changed since. Returns the new revision id."""
    source = str(config.paths.content_dir)
    with Session_() as s:
        rev = active_revision(s)
        current = (rev.source, rev.checksum) if rev else None
    if current is not None and current[0] != source:
        return None
    bundle = read_content(config.paths.content_dir)
    if current is not None and current[1] == bundle.checksum:
        return None
    log.info("loading content %s from %s", bundle.revision, source)
    return apply_bundle(Session_, bundle)
