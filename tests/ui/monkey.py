"""A seeded random-touch and random-key "monkey" for the real kiosk window.

Each event is one of: a tap at a random point of the window, a tap on a random control on
screen (so the run gets deep into guides, tickets, search and printing), a swipe, a key from a
keypad or keyboard (including the blocked ones), a language tap, an idle timeout, or the
hidden admin gesture with the PIN. The same seed gives the same run.

Nothing may leave the kiosk: the admin side's "Restart" and "Exit to desktop" are never tapped
at random, and `app.leave` is replaced for the run by a recorder that counts and goes Home (the
real one stops the process). The printer must be the preview printer (no real device).

Counts what the kiosk's crash handler catches (app.crashes) and what worker threads raise;
samples resident memory and the time of drawn frames along the way.
"""

from __future__ import annotations

import gc
import random
import statistics
import threading
import time
from dataclasses import dataclass, field

from kiosk.ops.memory import give_back_free_memory
from kiosk.ops.probe import rss_kib


def settled_rss_kib() -> int:
    """Resident memory with garbage collected and the C heap's free pages handed back
    (malloc_trim): what is still allocated, not what glibc keeps around after freeing
    (which swings by tens of MB between samples and would hide or fake a leak)."""
    gc.collect()
    give_back_free_memory()
    return rss_kib()


KEYS = [  # (key code, codepoint)
    (273, None), (274, None), (275, None), (276, None),  # arrows
    (13, None), (8, None), (32, " "), (280, None), (281, None),  # Enter, Backspace, PgUp/Dn
    (104, "h"), (114, "r"), (98, "b"), (43, "+"), (45, "-"), (97, "a"), (122, "z"),
    (261, None), (49, "1"), (48, "0"),
    (27, None), (282, None), (319, None), (1001, None),  # blocked: Escape, F1, menu, back
]


@dataclass
class SoakResult:
    events: int = 0
    kinds: dict = field(default_factory=dict)
    screens: dict = field(default_factory=dict)
    crashes: int = 0
    thread_errors: int = 0
    leave_attempts: int = 0
    rss_kib: list = field(default_factory=list)  # (event, KiB)
    frame_ms: list = field(default_factory=list)  # (event, ms of a drawn frame)
    seconds: float = 0.0
    toured: int = 0  # screens shown by the tour before the random events (Monkey.tour)
    first_crash: str = ""

    def frames_between(self, lo: int, hi: int) -> list[float]:
        return [ms for i, ms in self.frame_ms if lo <= i < hi]

    def summary(self, warmup: int) -> dict:
        # Start: the median of the first three samples after the warm-up; end: the median of
        # the last three (one sample alone moves by several MB with what is in flight).
        # Growth: the least-squares line through every sample after the warm-up, over the
        # events after the warm-up: a leak is a slope, not the noise of two end points.
        pts = [(i, k) for i, k in self.rss_kib if i >= warmup]
        after = [k for _i, k in pts]
        rss_after_warmup = statistics.median(after[:3])
        rss_end = statistics.median(after[-3:])
        if len(pts) >= 3:
            slope = statistics.linear_regression([i for i, _k in pts], after).slope
        else:
            slope = (after[-1] - after[0]) / max(1, pts[-1][0] - pts[0][0])
        fitted = slope * (self.events - warmup)
        window = max(200, (self.events - warmup) // 10)
        first = self.frames_between(warmup, warmup + window)
        last = self.frames_between(self.events - window, self.events + 1)

        def pct(values, q):
            if not values:
                return None
            values = sorted(values)
            return round(values[min(len(values) - 1, int(q * len(values)))], 2)

        return {
            "events": self.events, "crashes": self.crashes, "first_crash": self.first_crash,
            "thread_errors": self.thread_errors, "leave_attempts": self.leave_attempts,
            "seconds": round(self.seconds, 1), "kinds": self.kinds,
            "screens": dict(sorted(self.screens.items())),
            "warmup_events": warmup, "toured_screens": self.toured,
            "rss_start_kib": rss_after_warmup, "rss_end_kib": rss_end,
            "rss_growth_kib": round(fitted), "rss_end_minus_start_kib": rss_end - rss_after_warmup,
            "rss_kib_per_1000_events": round(slope * 1000, 1),
            "rss_samples_mib": [round(k / 1024, 1) for _i, k in self.rss_kib],
            "frame_ms_start_p50": pct(first, 0.5), "frame_ms_start_p95": pct(first, 0.95),
            "frame_ms_end_p50": pct(last, 0.5), "frame_ms_end_p95": pct(last, 0.95),
            "frames_start": len(first), "frames_end": len(last),
            "frame_ms_mean": round(statistics.fmean(ms for _i, ms in self.frame_ms), 2)
            if self.frame_ms else None,
        }


class Monkey:
    def __init__(self, driver, *, seed: int, pin: str, sample_every: int = 125,
                 draw_every: int = 10):
        self.d, self.app = driver, driver.app
        self.rng = random.Random(seed)
        self.pin = pin
        self.sample_every = sample_every
        # Input comes faster than frames, as on a real touch screen: every event runs the
        # clock, input and layout; every draw_every-th event also draws and flips a frame
        # (Mesa's software rendering of a 1080x1920 frame is what takes time here).
        self.draw_every = draw_every
        self.result = SoakResult()
        self._event = 0

    # --- hooks ----------------------------------------------------------------------------
    def __enter__(self):
        assert self.app.cfg.printer.kind == "preview", "the monkey never prints to a device"
        self._leave = self.app.leave
        self.app.leave = self._leave_recorder
        self._hook = threading.excepthook
        threading.excepthook = self._thread_error
        from kivy.clock import Clock

        self._max_fps, Clock._max_fps = Clock._max_fps, 0  # no sleeping between frames
        # The PIN lockout runs on the wall clock; in the run it follows the idle clock the
        # monkey moves, so a lockout from random taps on the PIN pad ends within the run.
        import datetime as dt

        self._admin_now = self.app.admin._now
        base, clock = dt.datetime(2026, 11, 24, 9, 0), self.d.clock
        self.app.admin._now = lambda: base + dt.timedelta(seconds=clock.t)
        return self

    def __exit__(self, *exc):
        from kivy.clock import Clock

        Clock._max_fps = self._max_fps
        self.app.admin._now = self._admin_now
        self.app.leave = self._leave
        threading.excepthook = self._hook

    def _leave_recorder(self, exit_code, reason):
        self.result.leave_attempts += 1
        self.app.reset_session()

    def _thread_error(self, args):
        self.result.thread_errors += 1
        self._hook(args)

    def _frame(self, n: int = 1) -> None:
        for _ in range(n):
            self.d._kivy(self._logic)

    def _logic(self) -> None:
        """One iteration of Kivy's EventLoop.idle without the drawing."""
        from kivy.base import EventLoop
        from kivy.clock import Clock
        from kivy.lang import Builder

        Clock.tick()
        EventLoop.dispatch_input()
        Builder.sync()
        Clock.tick_draw()
        Builder.sync()

    def _draw(self) -> None:
        """A whole frame, drawn and flipped; its time from start to flip is recorded."""
        canvas = self.d.window.canvas
        needs = canvas.needs_redraw
        started = time.perf_counter()
        self.d.idle()
        if needs:
            self.result.frame_ms.append((self._event, (time.perf_counter() - started) * 1000))

    # --- the tour before the random events --------------------------------------------------
    def tour(self) -> int:
        """Every screen once in every language and text size, before the random events.

        Kivy's SDL2 text keeps up to 64 fonts open (one per face and size), each with its glyph
        cache, and random events meet the rarer sizes only now and then: in a 10,000-event run
        the open fonts were still rising at the end, a few hundred KB each, which looked like
        a leak of several MB. A resident's kiosk meets them all in its first day. Returns the
        number of screens shown."""
        from screens import theme

        app, content = self.app, self.app.core.content
        screens = [("home", {}), ("departments", {}), ("rates", {}), ("forms", {}),
                   ("accessibility", {}), ("ticket", {}), ("search", {"query": "dowod"}),
                   ("search", {"query": "zzzz"})]
        for cat in content.categories():
            screens.append(("category", {"code": cat.code}))
            for item in content.procedures_in(cat.code)[:1]:
                screens += [("guide", {"symbol": item.symbol, "step": step})
                            for step in range(6)]
        screens += [("department", {"code": d.code}) for d in content.departments()]
        screens += [("form", {"code": f.code}) for f in content.forms()]
        shown = 0
        for lang in app.cfg.languages.available:
            for scale in theme.LARGE_TEXT_SCALES:
                app.reset_session()
                app.set_lang(lang)
                app.font_scale = scale
                for name, params in screens:
                    app.go(name, **params)
                    self._frame(2)
                    self._draw()
                    shown += 1
        app.reset_session()
        self._frame(3)
        self.result.frame_ms.clear()
        return shown

    # --- events ---------------------------------------------------------------------------
    def run(self, events: int) -> SoakResult:
        start = time.perf_counter()
        self._sample()
        for i in range(events):
            self._event = i
            kind = self._one()
            if i % self.draw_every == 0:
                self._draw()
            self.result.kinds[kind] = self.result.kinds.get(kind, 0) + 1
            screen = self.app.manager.current
            self.result.screens[screen] = self.result.screens.get(screen, 0) + 1
            if (i + 1) % self.sample_every == 0:
                self._sample()
        self.result.events = events
        self._event = events
        self._sample()
        self.result.crashes = len(self.app.crashes)
        self.result.first_crash = self.app.crashes[0] if self.app.crashes else ""
        self.result.seconds = time.perf_counter() - start
        return self.result

    def _sample(self) -> None:
        """Memory in the same state each time: the session ended (Home, audio off, no popup),
        a few frames drawn, garbage collected. What the current screen and a clip in flight
        hold would otherwise swing the figure by tens of MB between samples."""
        self.app.reset_session()
        for _ in range(3):
            self._draw()
        self.result.rss_kib.append((self._event, settled_rss_kib()))

    def _one(self) -> str:
        if self.app.audio_on and self.rng.random() < 0.2:
            # A sighted resident switches audio mode off again (in audio mode touches only
            # explore, so without this the run would mostly listen).
            self.app.audio.stop()
            self._frame(1)
            return "audio_off"
        r = self.rng.random()
        if r < 0.40:
            self._tap_control()
            return "tap_control"
        if r < 0.70:
            self._tap_point()
            return "tap_point"
        if r < 0.88:
            self._key()
            return "key"
        if r < 0.94:
            self._swipe()
            return "swipe"
        if r < 0.97:
            self._tap_language()
            return "language"
        if r < 0.99:
            self.d.clock.advance(self.rng.choice((40, 95, 125)))  # idle warning or reset
            self._frame(2)
            self.app._check_idle()
            self._frame(1)
            return "idle"
        self._admin()
        return "admin"

    def _forbidden(self, w) -> bool:
        return getattr(w, "action", None) in ("restart", "exit")

    def _controls(self):
        from kivy.uix.behaviors import ButtonBehavior

        out = []
        for w in self.d.widgets():
            if (isinstance(w, ButtonBehavior) and not w.disabled and w.opacity > 0
                    and self.d._in_current_screen(w) and not self._forbidden(w)
                    and self.d.on_screen(w)):
                out.append(w)
        return out

    def _touch(self, x: float, y: float, moves=()) -> None:
        from kivy.tests.common import UnitTestTouch

        t = UnitTestTouch(x, y)
        self.d._kivy(t.touch_down)
        for mx, my in moves:
            self.d._kivy(t.touch_move, mx, my)
        self._frame(1)
        self.d._kivy(t.touch_up)
        self._frame(1)

    def _tap_control(self) -> None:
        """Mostly a control of the screen itself, scrolled into view first as a resident
        would (the top and bottom bars, always on screen, would otherwise take most taps)."""
        controls = self._screen_controls() if self.rng.random() < 0.85 else self._controls()
        if not controls:
            self._tap_point()
            return
        w = self.rng.choice(controls)
        self._scroll_to(w)
        x, y = w.to_window(*w.center)
        if 0 <= x < self.d.window.width and 0 <= y < self.d.window.height:
            self._touch(x, y)

    def _screen_controls(self):
        from kivy.uix.behaviors import ButtonBehavior

        screen = self.app.manager.current_screen
        if self.app._idle_popup is not None:
            return []
        return [w for w in screen.walk(restrict=True)
                if isinstance(w, ButtonBehavior) and w is not screen and not w.disabled
                and w.opacity > 0 and not self._forbidden(w)]

    def _scroll_to(self, w) -> None:
        from kivy.uix.scrollview import ScrollView

        parent = w.parent
        while parent is not None and parent is not self.d.window:
            if isinstance(parent, ScrollView):
                parent.scroll_to(w, padding=40, animate=False)
                self._frame(1)
                return
            parent = parent.parent

    def _tap_point(self) -> None:
        width, height = self.d.window.size
        for _ in range(5):
            x, y = self.rng.uniform(0, width - 1), self.rng.uniform(0, height - 1)
            hit = [w for w in self._controls_at(x, y) if self._forbidden(w)]
            if not hit:
                self._touch(x, y)
                return

    def _controls_at(self, x, y):
        from kivy.uix.behaviors import ButtonBehavior

        for w in self.d.widgets():
            if isinstance(w, ButtonBehavior) and self.d._in_current_screen(w):
                wx, wy = w.to_window(*w.pos)
                if wx <= x <= wx + w.width and wy <= y <= wy + w.height:
                    yield w

    def _swipe(self) -> None:
        width, height = self.d.window.size
        x, y = self.rng.uniform(100, width - 100), self.rng.uniform(300, height - 300)
        dx, dy = self.rng.choice(((300, 0), (-300, 0), (0, 400), (0, -400)))
        self._touch(x, y, moves=[(x + dx * k / 4, y + dy * k / 4) for k in range(1, 5)])

    def _key(self) -> None:
        key, cp = self.rng.choice(KEYS)
        w = self.d.window
        self.d._kivy(w.dispatch, "on_key_down", key, 0, cp, [])
        self.d._kivy(w.dispatch, "on_key_up", key, 0)
        self._frame(1)

    def _tap_language(self) -> None:
        from screens.widgets import LanguageButton

        buttons = [w for w in self.d.widgets() if isinstance(w, LanguageButton)
                   and not w.disabled]
        if buttons:
            w = self.rng.choice(buttons)
            self._touch(*w.to_window(*w.center))

    def _admin(self) -> None:
        """The hidden gesture and the PIN, then a few taps on the admin side."""
        from screens.kiosk_app import ADMIN_CORNER

        if self.app._idle_popup is not None:
            return
        width, height = self.d.window.size
        for _ in range(self.app.cfg.admin.gesture_taps):
            self._touch(width - ADMIN_CORNER / 2, height - ADMIN_CORNER / 2)
        if self.app.manager.current != "admin_pin":
            return
        self.result.screens["admin_pin"] = self.result.screens.get("admin_pin", 0) + 1
        pin_screen = self.app.manager.current_screen
        for digit in self.pin:
            pin_screen.press(digit)
        pin_screen.submit()
        deadline = time.monotonic() + 10
        while pin_screen.checking and time.monotonic() < deadline:
            self._frame()  # the answer comes back from a worker thread on a frame
        self._frame(2)
