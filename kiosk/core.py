"""`Core`: the typed services a screen or a command may use.

Screens reach the kiosk only through these services; they never get an engine, a session
factory, a printer connection or a speech engine. The queue, search, speech and usage services
are opened on first use, so a kiosk whose shared queue database is out of reach still starts
and shows its content.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import KioskConfig
from kiosk.content.service import ContentService
from kiosk.ops.alerts import Alerts

if TYPE_CHECKING:  # imported where first used: a command that never prints or speaks starts
    # without python-escpos, Pillow, the barcode fonts or the speech engines (~0.2 s); the
    # kiosk draws its first Home frame before the queue, search and usage modules are read
    from kiosk.ops.admin import Admin, StaffActions
    from kiosk.printing.jobs import PrintJobs
    from kiosk.printing.service import PrinterService
    from kiosk.queue.service import QueueService
    from kiosk.search.service import SearchService
    from kiosk.speech.service import Speech
    from kiosk.usage.events import UsageLog


@dataclass
class Core:
    """Everything the UI and the command line reach the kiosk through."""

    config: KioskConfig
    engine: Engine
    # For the command line, the sync and tests; a screen uses the services below.
    Session: sessionmaker[Session]
    content: ContentService
    alerts: Alerts
    # Office-local aware time for the queue; None: the real clock. Tests and drills set it
    # before the queue is first used, so the screens and the queue share one clock.
    queue_clock: Callable[[], dt.datetime] | None = None
    _printer: PrinterService | None = field(default=None, repr=False)
    _queue: QueueService | None = field(default=None, repr=False)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _speech: Speech | None = field(default=None, repr=False)
    _search: SearchService | None = field(default=None, repr=False)
    _usage: UsageLog | None = field(default=None, repr=False)
    _admin: Admin | None = field(default=None, repr=False)
    _printing: PrintJobs | None = field(default=None, repr=False)
    _staff: StaffActions | None = field(default=None, repr=False)

    @property
    def usage(self) -> UsageLog:
        """Anonymous usage events, made on first use."""
        if self._usage is None:
            from kiosk.usage.events import UsageLog

            u = self.config.usage
            self._usage = UsageLog(self.Session, u.kiosk_id or self.config.queue.kiosk_id,
                                   enabled=u.enabled, flush_seconds=u.flush_seconds)
        return self._usage

    @property
    def search(self) -> SearchService:
        if self._search is None:
            from kiosk.search.service import SearchService

            self._search = SearchService(self.Session)
        return self._search

    @property
    def queue(self) -> QueueService:
        """The queue service, opened on first use (it may live on a shared server)."""
        with self._queue_lock:
            if self._queue is None:
                from kiosk.queue.service import open_queue

                cfg = self.config
                extra = {"now": self.queue_clock} if self.queue_clock else {}
                self._queue = open_queue(cfg.queue.effective_url(cfg.paths.data_dir),
                                         self.content, kiosk_id=cfg.queue.kiosk_id,
                                         tz=cfg.office.timezone, **extra)
            return self._queue

    @property
    def printer(self) -> PrinterService:
        """The receipt printer; faults go to the alerts."""
        if self._printer is None:
            from kiosk.printing.service import PrinterService

            self._printer = PrinterService(self.config.printer, self.config.paths.data_dir,
                                           alerts=self.alerts)
        return self._printer

    @printer.setter
    def printer(self, printer: PrinterService) -> None:
        """Another printer (the tests put a loopback one in; `printing` keeps its own)."""
        self._printer = printer

    @property
    def speech(self) -> Speech:
        if self._speech is None:
            from kiosk.speech.service import open_speech

            self._speech = open_speech(self.config)
        return self._speech

    @property
    def admin(self) -> Admin:
        """The staff side: PIN checks and the audit log."""
        if self._admin is None:
            from kiosk.ops.admin import Admin

            self._admin = Admin(self.Session, self.config)
        return self._admin

    @property
    def printing(self) -> PrintJobs:
        """Tickets, cards and the test page, from content to paper."""
        if self._printing is None:
            from kiosk.printing.jobs import PrintJobs

            self._printing = PrintJobs(self.config, self.content, self.printer,
                                       lambda: self.queue)
        return self._printing

    @property
    def staff(self) -> StaffActions:
        """What the admin side's buttons do."""
        if self._staff is None:
            from kiosk.ops.admin import StaffActions

            self._staff = StaffActions(self.Session, self.config, self.content, self.alerts,
                                       self.printing)
        return self._staff

    def close(self) -> None:
        if self._usage is not None:
            self._usage.close()
        if self._speech is not None:
            self._speech.cache.flush_counts()
        if self._queue is not None:
            self._queue.close()
        self.engine.dispose()
