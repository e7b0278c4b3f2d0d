"""A real kiosk window under Xvfb, built once for the UI tests.

Kivy reads its window settings when `kivy.core.window` is first imported, and the test modules
import screens (which import it) while they are collected; so Xvfb and the Kivy configuration
are set up here, when pytest imports this conftest, before any test module.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, PathsConfig, ScreenConfig, TimeoutConfig
from tests.ui.harness import Driver, FakeClock, start_xvfb

# Tuesday 24 November 2026, 10:00: the office is open (Tuesday is the long day).
NOW = dt.datetime(2026, 11, 24, 10, 0)

_xvfb = start_xvfb()
if _xvfb is not None:
    atexit.register(_xvfb.terminate)
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["KIVY_NO_FILELOG"] = "1"
_DATA = Path(tempfile.mkdtemp(prefix="kiosk-ui-"))
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

    clock = FakeClock()
    now = {"value": NOW}
    app = build_app(CFG, open_core(CFG), now=clock, today=lambda: now["value"])
    app._run_prepare()
    runTouchApp(embedded=True)
    driver = Driver(app, clock)
    driver.now = now
    driver.frames(5)
    yield driver
    app.stop()
    app.core.close()


@pytest.fixture
def kiosk(kiosk_app):
    """The running kiosk, back at Home with a fresh session and portrait size."""
    d = kiosk_app
    if tuple(d.window.size) != (1080, 1920):
        d.resize(1080, 1920)
    d.now["value"] = NOW
    d.home()
    d.app.crashes.clear()
    yield d
    # The crash handler keeps the kiosk running; in a test, anything it caught is a failure
    # (tests that provoke one on purpose clear the list).
    caught, d.app.crashes[:] = list(d.app.crashes), []
    assert not caught, "unexpected exceptions caught by the kiosk:\n" + "\n".join(caught)
