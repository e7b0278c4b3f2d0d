"""Open the kiosk's database and content and wire the core's services over them: the one place
that builds a `Core` (the command line, the kiosk window and the hall display all start here)."""

from __future__ import annotations

import threading

from kiosk.clock import office_now
from kiosk.closures import public_holiday
from kiosk.config import KioskConfig
from kiosk.content.service import ContentService
from kiosk.content.store import ensure_bundled_content
from kiosk.core import Core
from kiosk.db.engine import make_engine, session_factory, upgrade
from kiosk.db.setup_lock import setup_lock
from kiosk.ops.alerts import Alerts


def open_core(config: KioskConfig, *, load_bundled: bool = True, warm_up: bool = True) -> Core:
    """`warm_up=False`: the caller works out the year's public holidays itself, later (the
    kiosk window after its first frame: the thread's ~0.3 s of imports would hold it up)."""
    config.paths.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.paths.effective_database_url)
    Session_ = session_factory(engine)
    with setup_lock(config.paths.data_dir):
        upgrade(engine)
        if load_bundled:
            ensure_bundled_content(Session_, config)
    # The year's public holidays (~80 ms to work out) are ready before a guide asks.
    if warm_up:
        threading.Thread(target=public_holiday,
                         args=(office_now(config.office.timezone).date(),),
                         name="holidays-warm-up", daemon=True).start()
    alerts = Alerts(Session_)
    core = Core(config, engine, Session_, ContentService(Session_), alerts)
    # Alerts reach the hall through the shared queue database (opened on first use).
    alerts.hall = lambda: core.queue.hall_alerts
    return core
