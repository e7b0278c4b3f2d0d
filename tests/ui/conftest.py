"""A real kiosk window under Xvfb, built once for the UI tests.

Kivy reads its window settings when `kivy.core.window` is first imported, and the test modules
import screens (which import it) while they are collected; so Xvfb and the Kivy configuration
are set up here, when pytest imports this conftest, before any test module.

Under pytest-xdist every worker process imports this conftest: each worker has its own Xvfb
(a display number Xvfb picks itself), its own data folder and Kivy home, and builds its own
kiosk window the first time one of its tests asks for it. The server and the folder go when the
worker exits; the server also goes if the worker is killed (see harness.start_xvfb).
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, PathsConfig, ScreenConfig, TimeoutConfig
from tests.ui.harness import Driver, FakeClock, WindowTime, start_xvfb, stop_xvfb

# Tuesday 24 November 2026, 10:00: the office is open (Tuesday is the long day).
NOW = dt.datetime(2026, 11, 24, 10, 0)

_xvfb = start_xvfb()
atexit.register(stop_xvfb, _xvfb)
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["KIVY_NO_FILELOG"] = "1"
_DATA = Path(tempfile.mkdtemp(prefix="kiosk-ui-"))
atexit.register(shutil.rmtree, _DATA, True)  # registered after Xvfb's stop: runs before it
CFG = replace(KioskConfig(), paths=PathsConfig(data_dir=_DATA),
              screen=ScreenConfig(fullscreen=False, width=1080, height=1920),
              timeouts=TimeoutConfig(idle_seconds=90, idle_warning_seconds=30))

from screens.app import configure_kivy  # noqa: E402

configure_kivy(CFG)


@pytest.fixture(scope="session")
def kiosk_app():
    from kivy.base import runTouchApp

    from kiosk.bootstrap import open_core
    from screens.app import build_app

    window_time = WindowTime()
    clock = FakeClock()
    now = {"value": NOW}
    app = build_app(CFG, open_core(CFG), now=clock, today=lambda: now["value"])
    app._run_prepare()
    runTouchApp(embedded=True)
    driver = Driver(app, clock)
    driver.now, driver.window_time = now, window_time
    driver.frames(5)
    yield driver
    window_time.resume()
    app.stop()
    app.core.close()


@pytest.fixture
def kiosk(kiosk_app):
    """The running kiosk, back at Home with a fresh session and portrait size, nothing left
    scrolling; its clock goes on from where the last UI test left it (harness.WindowTime)."""
    d = kiosk_app
    d.window_time.resume()
    d.stop_scrolling()
    if tuple(d.window.size) != (1080, 1920):
        d.resize(1080, 1920)
    d.now["value"] = NOW
    d.home()
    d.app.crashes.clear()
    yield d
    d.window_time.pause()
    # The crash handler keeps the kiosk running; in a test, anything it caught is a failure
    # (tests that provoke one on purpose clear the list).
    caught, d.app.crashes[:] = list(d.app.crashes), []
    assert not caught, "unexpected exceptions caught by the kiosk:\n" + "\n".join(caught)


STAFF_PIN = "246813"


@pytest.fixture
def staff(kiosk):
    """A kiosk with the staff PIN set and a clean audit log (no lockout left by another
    test); afterwards the same, with no printer alert left open."""
    from sqlalchemy import delete

    from kiosk.db.models import AdminAudit
    from kiosk.ops.admin import pin_file, write_pin

    core = kiosk.app.core
    write_pin(pin_file(core.config), STAFF_PIN)
    with core.Session.begin() as s:
        s.execute(delete(AdminAudit))
    yield kiosk
    with core.Session.begin() as s:
        s.execute(delete(AdminAudit))
    core.alerts.clear("printer")
    kiosk.home()
