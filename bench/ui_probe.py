"""One benchmark process: tap -> next screen drawn, frame time while a long page scrolls, and
memory after visiting every screen.

    python bench/ui_probe.py kiosk|bare DATA_DIR ROUNDS   -> prints one JSON line

"Drawn" is the moment the frame showing the new screen is handed to the window (on_flip), for
the kiosk and the bare app alike; the swap itself (Mesa's software rasteriser under Xvfb,
some 30 ms for an empty 1080x1920 window) is left out of both.
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

    def tap_until(self, widget, screen: str, timeout: float = 10.0,
                  done=lambda: True) -> float:
        """Tap `widget`; seconds from the finger lifting to the first frame drawn showing
        `screen` (and, when given, with `done()` true: search results in)."""
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
            if self.manager.current == screen and self.flipped_at is not None and done():
                return self.flipped_at - start
            if not done():
                self.flipped_at = None  # a frame before the answer came does not count
            time.sleep(0.001)  # the answer is computed on a worker thread: let it run
        raise TimeoutError(f"{screen} not drawn within {timeout}s")

    def scroll_frames(self, scroll, frames: int = 60, step: float = 24.0) -> list[float]:
        """Drag `scroll` up and down as a finger would, `step` px a frame; for each frame,
        seconds from the finger's move to the frame drawn."""
        from kivy.tests.common import UnitTestTouch

        scroll.scroll_y = 1
        self.loop.idle()
        x, y = scroll.to_window(scroll.center_x, scroll.y + scroll.height * 0.8)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.loop.idle()
        times, direction, pos = [], 1, y
        for i in range(frames):
            if i == frames // 2:
                direction = -1
            pos += direction * step
            self.flipped_at = None
            start = time.perf_counter()
            touch.touch_move(x, pos)
            while self.flipped_at is None and time.perf_counter() - start < 5:
                self.loop.idle()
            times.append((self.flipped_at or time.perf_counter()) - start)
        touch.touch_up()
        self.loop.idle()
        return times


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
    # The kiosk makes its other screens and reads its content after the first frame; the
    # taps are timed once that is done, as a resident arrives seconds after the start.
    modules = getattr(sys.modules.get("screens.kiosk_app"), "SCREEN_MODULES", ())
    deadline = time.monotonic() + 60
    while len(app.manager.screen_names) < len(modules) and time.monotonic() < deadline:
        timer.loop.idle()
    for _ in range(5):
        timer.loop.idle()  # the warm-up is handed to its worker thread
    while _busy() and time.monotonic() < deadline:
        timer.loop.idle()
    for _ in range(5):
        timer.loop.idle()  # what the warm-up hands back to the UI thread
    return timer


class CollectorPauses:
    """How long each pass of Python's cycle collector held the UI thread (seconds): a pass
    stops everything, whichever tap it lands in."""

    def __init__(self) -> None:
        import gc

        self.pauses: list[float] = []
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)


def _busy() -> bool:
    if "screens.background" not in sys.modules:
        return False
    from screens.background import wait_idle

    return bool(wait_idle(0.01))


def run_bare(data_dir: Path, rounds: int) -> dict:
    from bare_window import build_bare_app

    app = build_bare_app(data_dir)
    timer = _start(app)
    collector = CollectorPauses()
    taps = []
    for _ in range(rounds):
        taps.append(timer.tap_until(_button(app.manager.current_screen, "go to next"), "next"))
        taps.append(timer.tap_until(_button(app.manager.current_screen, "go to home"), "home"))
    rss = rss_kib()  # before the scroll screen, which the bare app itself does not have
    scroll = _bare_scroll_screen(app)
    timer.loop.idle()
    return {"taps": taps, "rss_kib": rss, "gc_pauses": collector.pauses,
            "scroll_frames": timer.scroll_frames(scroll, frames=rounds * 6)}


def _bare_scroll_screen(app):
    """The bare app's long page: plain wrapped labels in a ScrollView, about as long as the
    kiosk's longest guide step."""
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label
    from kivy.uix.screenmanager import Screen
    from kivy.uix.scrollview import ScrollView

    screen = Screen(name="scroll")
    scroll = ScrollView(do_scroll_x=False)
    column = BoxLayout(orientation="vertical", size_hint_y=None, padding=32, spacing=24)
    column.bind(minimum_height=column.setter("height"))
    for i in range(40):
        label = Label(text=f"Line {i}: " + "a long line of text that wraps " * 3,
                      font_size=30, size_hint_y=None)
        label.bind(width=lambda w, v: setattr(w, "text_size", (v, None)),
                   texture_size=lambda w, v: setattr(w, "height", v[1]))
        column.add_widget(label)
    scroll.add_widget(column)
    screen.add_widget(scroll)
    app.manager.add_widget(screen)
    app.manager.current = "scroll"
    return scroll


def run_kiosk(data_dir: Path, rounds: int) -> dict:
    from dataclasses import replace

    from kiosk.bootstrap import open_core
    from kiosk.config import KioskConfig, PathsConfig, ScreenConfig
    from screens.app import build_app

    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=data_dir),
                  screen=ScreenConfig(fullscreen=False))
    app = build_app(cfg, open_core(cfg))
    timer = _start(app)
    collector = CollectorPauses()
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
    _more_taps(app, timer, rounds, steps)
    pauses = list(collector.pauses)  # during the timed taps
    scroll = _longest_guide_page(app, content)
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
    result = {"steps": steps, "rss_kib": rss_kib(), "gc_pauses": pauses,
              "scroll_frames": timer.scroll_frames(scroll, frames=rounds * 6)}
    app.core.close()
    return result


def _more_taps(app, timer, rounds: int, steps: dict) -> None:
    """Home -> Search, one key -> its results drawn, a language switch, the Ułatwienia panel."""
    search = app.manager.get_screen("search")
    shown = []
    search_show = search._show

    def counted_show(*args):  # results drawn = the screen filled with this key's answer
        search_show(*args)
        shown.append(search.query)

    search._show = counted_show
    for key in ("home_to_search", "search_key_to_results", "language_switch",
                "open_accessibility"):
        steps[key] = []
    letters = "dowod"
    for i in range(rounds):
        app.home()
        timer.loop.idle()
        shown.clear()
        steps["home_to_search"].append(
            timer.tap_until(_tile(app, app.i18n._("Search")), "search"))
        timer.loop.idle()
        ch = letters[i % len(letters)]
        key = next(w for w in search.ids.keyboard.walk(restrict=True)
                   if getattr(w, "text", None) == ch)
        query = search.query + ch
        steps["search_key_to_results"].append(
            timer.tap_until(key, "search", done=lambda q=query: bool(shown) and shown[-1] == q))
        app.home()
        timer.loop.idle()
        lang_row = app.root.ids.lang_row
        for target in ("English", "Polski"):
            steps["language_switch"].append(timer.tap_until(
                _button(lang_row, target), "home",
                done=lambda t=target: app.lang == ("en" if t == "English" else "pl")))
        steps["open_accessibility"].append(
            timer.tap_until(app.root.ids.access_button, "accessibility"))
    search._show = search_show
    app.home()
    timer.loop.idle()


def _longest_guide_page(app, content):
    """Show the guide step with the most text of the sample: the scroll is timed on it."""
    from kivy.base import EventLoop

    best, where = -1, None
    for cat in content.categories():
        for p in content.procedures_in(cat.code):
            g = content.guide(p.symbol)
            size = (len(g.steps) * 3 + len(g.legal_basis) + len(g.documents)
                    + len(app.t(g.notes)) // 200)
            if size > best:
                best, where = size, p.symbol
    longest, steps = 0, 0
    for step in range(5):
        app.go("guide", symbol=where, step=step)
        EventLoop.idle()
        EventLoop.idle()
        height = app.manager.get_screen("guide").ids.scroll.body.height
        if height > longest:
            longest, steps = height, step
    app.go("guide", symbol=where, step=steps)
    EventLoop.idle()
    EventLoop.idle()
    return app.manager.get_screen("guide").ids.scroll


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
