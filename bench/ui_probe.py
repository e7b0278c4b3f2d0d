"""One benchmark process: tap -> next screen drawn, and memory after visiting every screen.

    python bench/ui_probe.py kiosk|bare DATA_DIR ROUNDS   -> prints one JSON line
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from kiosk.ops.probe import rss_kib  # noqa: E402


class FrameTimer:
    """Time from a tap to the first frame flipped showing the expected screen."""

    def __init__(self, window, manager):
        from kivy.base import EventLoop

        self.window, self.manager, self.loop = window, manager, EventLoop
        self.flipped_at = None
        window.bind(on_flip=self._flip)

    def _flip(self, *_):
        self.flipped_at = time.perf_counter()

    def tap_until(self, widget, screen: str, timeout: float = 10.0) -> float:
        from kivy.tests.common import UnitTestTouch

        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.loop.idle()
        # Buttons act on release: the clock starts when the finger lifts.
        self.flipped_at = None
        start = time.perf_counter()
        touch.touch_up()
        while time.perf_counter() - start < timeout:
            self.loop.idle()
            if self.manager.current == screen and self.flipped_at is not None:
                return self.flipped_at - start
        raise TimeoutError(f"{screen} not drawn within {timeout}s")


def _button(root, text):
    from kivy.uix.behaviors import ButtonBehavior

    stack = [root]
    while stack:
        w = stack.pop()
        if isinstance(w, ButtonBehavior) and text in (getattr(w, "text", "") or
                                                      getattr(w, "title", "")):
            return w
        stack.extend(w.children)
    raise LookupError(text)


def _start(app) -> FrameTimer:
    """Open the app's window without entering its main loop; the probe drives the loop."""
    from kivy.base import runTouchApp
    from kivy.core.window import Window

    app._run_prepare()
    runTouchApp(embedded=True)
    timer = FrameTimer(Window, app.manager)
    for _ in range(5):
        timer.loop.idle()
    return timer


def run_bare(data_dir: Path, rounds: int) -> dict:
    from bare_window import build_bare_app

    app = build_bare_app(data_dir)
    timer = _start(app)
    taps = []
    for _ in range(rounds):
        taps.append(timer.tap_until(_button(app.manager.current_screen, "go to next"), "next"))
        taps.append(timer.tap_until(_button(app.manager.current_screen, "go to home"), "home"))
    return {"taps": taps, "rss_kib": rss_kib()}


def run_kiosk(data_dir: Path, rounds: int) -> dict:
    from dataclasses import replace

    from kiosk.bootstrap import open_core
    from kiosk.config import KioskConfig, PathsConfig, ScreenConfig
    from screens.app import build_app

    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=data_dir),
                  screen=ScreenConfig(fullscreen=False))
    app = build_app(cfg, open_core(cfg))
    timer = _start(app)
    content = app.core.content
    cat = content.categories()[0]
    proc = content.procedures_in(cat.code)[0]
    steps = {"home_to_category": [], "category_to_guide": [], "guide_next_step": []}
    for _ in range(rounds):
        app.home()
        timer.loop.idle()
        steps["home_to_category"].append(timer.tap_until(_tile(app, cat.name.pl), "category"))
        steps["category_to_guide"].append(timer.tap_until(_tile(app, proc.title.pl), "guide"))
        guide = app.manager.get_screen("guide")
        steps["guide_next_step"].append(timer.tap_until(guide.ids.next_button, "guide"))
    # Visit every screen once, as a resident exploring the kiosk would.
    for cat in content.categories():
        app.go("category", code=cat.code)
        for p in content.procedures_in(cat.code):
            for step in range(6):
                app.go("guide", symbol=p.symbol, step=step)
        timer.loop.idle()
    for name in ("departments", "rates", "forms"):
        app.go(name)
        timer.loop.idle()
    for d in content.departments():
        app.go("department", code=d.code)
    for f in content.forms():
        app.go("form", code=f.code)
    timer.loop.idle()
    app.home()
    timer.loop.idle()
    result = {"steps": steps, "rss_kib": rss_kib()}
    app.core.close()
    return result


def _tile(app, title):
    app.manager.current_screen.ids.scroll.scroll_y = 1
    w = _button(app.manager.current_screen, title)
    app.manager.current_screen.ids.scroll.scroll_to(w, animate=False)
    from kivy.base import EventLoop
    EventLoop.idle()
    return w


if __name__ == "__main__":
    kind, data, rounds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    out = (run_kiosk if kind == "kiosk" else run_bare)(data, rounds)
    print("RESULT " + json.dumps(out))
    os._exit(0)
