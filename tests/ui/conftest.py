"""A real kiosk window under Xvfb, built once for the UI tests."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace

import pytest

from tests.ui.harness import Driver, FakeClock, start_xvfb

# Tuesday 24 November 2026, 10:00: the office is open (Tuesday is the long day).
NOW = dt.datetime(2026, 11, 24, 10, 0)


@pytest.fixture(scope="session")
def kiosk_app(tmp_path_factory):
    xvfb = start_xvfb()
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ["KIVY_NO_FILELOG"] = "1"
    from kiosk.config import KioskConfig, PathsConfig, ScreenConfig, TimeoutConfig
    from screens.app import build_app

    data = tmp_path_factory.mktemp("kiosk-data")
    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=data),
                  screen=ScreenConfig(fullscreen=False, width=1080, height=1920),
                  timeouts=TimeoutConfig(idle_seconds=90, idle_warning_seconds=30))
    clock = FakeClock()
    now = {"value": NOW}
    app = build_app(cfg, now=clock, today=lambda: now["value"])
    from kivy.base import runTouchApp

    app._run_prepare()
    runTouchApp(embedded=True)
    driver = Driver(app, clock)
    driver.now = now
    driver.frames(5)
    yield driver
    app.stop()
    app.core.close()
    if xvfb is not None:
        xvfb.terminate()
        xvfb.wait(5)


@pytest.fixture
def kiosk(kiosk_app):
    """The running kiosk, back at Home with a fresh session and portrait size."""
    d = kiosk_app
    if tuple(d.window.size) != (1080, 1920):
        d.resize(1080, 1920)
    d.now["value"] = NOW
    d.home()
    return d
