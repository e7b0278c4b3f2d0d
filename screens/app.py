"""The kiosk App: a thin adapter over the core. Screens ask `app.core` for plain data."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.config import KioskConfig
from kiosk.core import Core

if TYPE_CHECKING:
    from screens.kiosk_app import KioskApp

log = logging.getLogger(__name__)


def configure_kivy(cfg: KioskConfig) -> None:
    """Settings Kivy reads once, before its window exists."""
    from kiosk.ops.memory import tune_malloc

    tune_malloc()  # the process runs for weeks: a heap that does not fragment (see there)
    cfg.paths.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    # Kivy keeps its own logger and leaves Python logging (alembic, sqlalchemy) alone.
    os.environ.setdefault("KIVY_LOG_MODE", "MIXED")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")
    os.environ.setdefault("KIVY_HOME", str(cfg.paths.data_dir / "kivy"))
    # Mesa's shader cache goes under HOME unless told: the unit makes HOME read-only.
    from kiosk.config import default_cache_dir

    os.environ.setdefault("MESA_SHADER_CACHE_DIR", str(default_cache_dir() / "mesa"))
    os.environ.setdefault("KIVY_METRICS_DENSITY", "1")
    # No image in the kiosk needs Pillow's loader; importing it (and numpy's typing with it)
    # held up the first frame. SDL2 reads Kivy's own PNG atlas.
    os.environ.setdefault("KIVY_IMAGE", "tex,dds,sdl2")
    from kivy.config import Config

    s = cfg.screen
    Config.set("graphics", "width", str(s.width))
    Config.set("graphics", "height", str(s.height))
    Config.set("graphics", "fullscreen", "auto" if s.fullscreen else "0")
    Config.set("graphics", "borderless", "1" if s.fullscreen else "0")
    Config.set("graphics", "resizable", "0" if s.fullscreen else "1")
    Config.set("graphics", "show_cursor", "1" if s.show_cursor else "0")
    # Kiosk: Escape never leaves, no red multitouch dots from a mouse, no settings panel.
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "log_level", os.environ.get("KIOSK_KIVY_LOG_LEVEL", "warning"))


def office_clock(cfg: KioskConfig) -> Callable[[], dt.datetime]:
    """Local wall-clock time of the office, whatever the machine's own time zone is."""
    from kiosk.hours import office_now

    return lambda: office_now(cfg.office.timezone)


def build_app(cfg: KioskConfig, core: Core, now: Callable[[], float] = time.monotonic,
              today: Callable[[], dt.datetime] | None = None) -> KioskApp:
    """The kiosk window over an opened core (entrypoints.run opens it)."""
    configure_kivy(cfg)
    from screens import text_textures
    from screens.kiosk_app import KioskApp

    text_textures.install()
    if today is not None and core.queue_clock is None:
        # An injected office time (tests, drills) drives the queue too: one clock for all.
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(cfg.office.timezone)
        core.queue_clock = lambda: today().replace(tzinfo=tz)
    return KioskApp(cfg, core, now=now, today=today or office_clock(cfg))


class StopSignals:
    """SIGTERM and SIGINT end the kiosk and the hall display cleanly (exit 0), through the
    app's `stop_on_signal` on the UI thread; a window close stays the lock-down's to refuse.

    Installed before Kivy opens its window: SDL then leaves SIGTERM alone (it only takes a
    signal whose handler is still the default), instead of turning it into a close request
    that the lock-down refuses (systemd would wait 90 s and kill). A signal that arrives
    before the app exists is kept and acted on when it is attached."""

    def __init__(self) -> None:
        self._app: Any = None
        self._pending: str | None = None

    def install(self) -> StopSignals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        return self

    def attach(self, app: Any) -> None:
        self._app = app
        if self._pending is not None:
            self._forward(self._pending)

    def _on_signal(self, signum: int, _frame) -> None:
        # Runs on the main thread between two bytecodes of whatever it interrupted: it only
        # schedules the stop for the next frame.
        name = signal.Signals(signum).name
        if self._app is None:
            self._pending = name
        else:
            self._forward(name)

    def _forward(self, name: str) -> None:
        from kivy.clock import Clock

        app = self._app
        # The kiosk has its own (it must let the lock-down know); the display just stops.
        stop = getattr(app, "stop_on_signal", lambda _name: app.stop())
        Clock.schedule_once(lambda _dt: stop(name))
