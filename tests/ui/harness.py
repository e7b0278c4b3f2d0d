"""Drive the real kiosk window with real touch events, the way kivy/tests/common.py does.

One Kivy window per process: the app is built once per test session and every test starts
from Home with a fresh resident session.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from pathlib import Path

SCREENSHOT_DIR = Path(os.environ.get("KIOSK_SCREENSHOT_DIR", "test-artifacts/screenshots"))


def start_xvfb() -> subprocess.Popen | None:
    """Start a private Xvfb big enough for portrait and landscape, unless told to use $DISPLAY.

    One per process that calls it: each pytest-xdist worker imports tests/ui/conftest.py and so
    gets a display of its own (its window, its keyboard focus, its subprocesses' windows).
    Xvfb picks the display number itself (-displayfd): it takes the first number whose lock it
    can create, so runs and workers that start at the same moment never share or fight over
    one. The server dies with the process that started it (PR_SET_PDEATHSIG), even if that
    process is killed and never reaches its atexit handler."""
    if os.environ.get("KIOSK_TEST_DISPLAY"):
        os.environ["DISPLAY"] = os.environ["KIOSK_TEST_DISPLAY"]
        return None
    if not shutil.which("Xvfb"):
        raise RuntimeError("Xvfb is not installed: run scripts/setup.sh (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                                 "1920x1920x24", "-nolisten", "tcp", "-noreset"],
                                pass_fds=(write_end,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent())
    finally:
        os.close(write_end)
    # Xvfb writes the number, then a newline, once it listens; EOF means it gave up.
    answer = b""
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        deadline = time.monotonic() + 30
        while not answer.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = pipe.read(16)
            if not chunk:
                break
            answer += chunk
    if not answer.strip().isdigit():
        proc.kill()
        proc.wait()
        raise RuntimeError(f"Xvfb did not start (exit {proc.poll()}, said {answer!r})")
    os.environ["DISPLAY"] = f":{int(answer)}"
    return proc


def stop_xvfb(proc: subprocess.Popen | None) -> None:
    """Stop a server from start_xvfb (its lock file and socket go with it)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _die_with_parent():
    """A preexec_fn asking Linux to send SIGTERM to the child when its parent dies; None where
    that cannot be relied on. The signal follows the thread that forked, so only the main
    thread (which lives as long as the process) asks for it."""
    import ctypes
    import signal
    import sys
    import threading

    if not sys.platform.startswith("linux") or threading.current_thread() is not \
            threading.main_thread():
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    prctl, pr_set_pdeathsig = libc.prctl, 1  # looked up before the fork, not in the child

    def ask() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return ask


class WindowTime:
    """Kivy's clock as the test window sees it: real time, less the time between UI tests.

    Nothing runs the window's event loop while other tests run in the process (under
    pytest-xdist a worker runs UI and non-UI test files in turn, minutes of them), so the first
    frame of the next UI test would see all that time pass in one step, and what integrates
    time over a frame jumps: a ScrollView's kinetic and overscroll effects, still moving at the
    end of one test, threw the next guide far off screen. The window's time stops while no UI
    test runs (`pause`) and goes on from there (`resume`), as if those minutes had not been."""

    def __init__(self):
        from kivy.clock import Clock

        self._real = Clock.time
        self._behind = 0.0
        self._paused_at: float | None = None
        Clock.time = self.now

    def now(self) -> float:
        return self._real() - self._behind

    def pause(self) -> None:
        if self._paused_at is None:
            self._paused_at = self._real()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._behind += self._real() - self._paused_at
            self._paused_at = None


class FakeClock:
    """Monotonic seconds the idle reset reads; tests move it instead of sleeping 90 s."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class Driver:
    def __init__(self, app, clock: FakeClock):
        from kivy.base import EventLoop
        from kivy.core.window import Window

        self.app, self.clock, self.loop, self.window = app, clock, EventLoop, Window

    # --- time ---------------------------------------------------------------------------
    @staticmethod
    def _kivy(fn, *args):
        """Run Kivy work as its main loop does (EventLoop.mainloop): an exception goes to
        Kivy's ExceptionManager, where the kiosk's crash handler takes it; re-raised only if
        no handler passes it. The `kiosk` fixture fails a test whose handler caught any."""
        from kivy.base import ExceptionManager

        try:
            return fn(*args)
        except Exception as exc:
            if ExceptionManager.handle_exception(exc) == ExceptionManager.RAISE:
                raise

    def idle(self) -> None:
        self._kivy(self.loop.idle)

    def frames(self, n: int = 3) -> None:
        for _ in range(n):
            self.idle()

    def os_events(self, seconds: float = 0.5) -> None:
        """Iterations of Kivy's own main loop: a frame, then the window reads what the X
        server sent (keys from XTEST, close requests). frames() leaves those unread."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.idle()
            self._kivy(self.window.mainloop)

    def pump(self, seconds: float) -> None:
        """Run the real event loop for a while (Clock intervals fire in real time): when it
        returns, every Clock event due within `seconds` from now has fired.

        The last frame begins after the time is up: Kivy's Clock reads the time once, at the
        start of a frame, so a frame begun just before the end and drawn slowly (a busy machine,
        Mesa's software OpenGL) would otherwise leave an event due at 0.5 s of a 0.7 s pump
        (the idle check's interval) for the next call."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.idle()
        self.idle()

    def wait_until(self, condition, timeout: float = 10.0) -> None:
        """Run the event loop until `condition()` holds (work handed back from threads)."""
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise AssertionError(f"still waiting after {timeout} s; on screen: "
                                     f"{self.texts()}")
            self.idle()

    # --- finding what a resident sees ---------------------------------------------------
    def _walk(self, widget):
        yield widget
        for child in reversed(widget.children):  # in the order they were added: top first
            yield from self._walk(child)

    def visible_roots(self):
        """The window's top-level widgets: the app root and any open modal."""
        return list(reversed(self.window.children))

    def widgets(self):
        for root in self.visible_roots():
            yield from self._walk(root)

    def on_screen(self, widget) -> bool:
        """Inside the window and not scrolled out of its ScrollView."""
        from kivy.uix.scrollview import ScrollView

        x, y = widget.to_window(*widget.pos)
        if x + widget.width <= 0 or y + widget.height <= 0:
            return False
        if x >= self.window.width or y >= self.window.height:
            return False
        parent = widget.parent
        while parent is not None and parent is not self.window:
            if isinstance(parent, ScrollView):
                px, py = parent.to_window(*parent.pos)
                if y + widget.height <= py or y >= py + parent.height:
                    return False
            parent = parent.parent
        return True

    def texts(self) -> list[str]:
        from kivy.uix.label import Label

        return [w.text for w in self.widgets()
                if isinstance(w, Label) and w.text and w.opacity > 0
                and self._in_current_screen(w)]

    def _in_current_screen(self, widget) -> bool:
        from kivy.uix.screenmanager import Screen

        parent = widget
        while parent is not None and parent is not self.window:
            if isinstance(parent, Screen):
                return parent is self.app.manager.current_screen
            parent = parent.parent
        return True

    def find(self, text: str, cls=None):
        """The widget a resident would tap for `text`: a button or tile with that label."""
        from kivy.uix.behaviors import ButtonBehavior

        matches = []
        for w in self.widgets():
            if not self._in_current_screen(w) or not isinstance(w, ButtonBehavior):
                continue
            if cls is not None and not isinstance(w, cls):
                continue
            label = getattr(w, "text", None) or getattr(w, "title", None)
            if label == text or (label and text in label):
                matches.append(w)
        if not matches:
            raise AssertionError(f"nothing to tap labelled {text!r}; on screen: {self.texts()}")
        return matches[0]

    # --- acting -------------------------------------------------------------------------
    def reveal(self, widget) -> None:
        """Scroll the widget into view, as a resident would before tapping it."""
        from kivy.uix.scrollview import ScrollView

        parent = widget.parent
        while parent is not None and parent is not self.window:
            if isinstance(parent, ScrollView) and not self._fully_inside(widget, parent):
                parent.scroll_to(widget, padding=40, animate=False)
                self.frames(2)
            parent = parent.parent

    @staticmethod
    def _fully_inside(widget, scroll) -> bool:
        _x, y = widget.to_window(*widget.pos)
        _sx, sy = scroll.to_window(*scroll.pos)
        return y >= sy and y + widget.height <= sy + scroll.height

    def tap(self, target, *, reveal: bool = True) -> None:
        from kivy.tests.common import UnitTestTouch

        widget = self.find(target) if isinstance(target, str) else target
        if reveal:
            self.reveal(widget)
        assert not widget.disabled, f"{getattr(widget, 'text', widget)!r} is disabled"
        x, y = widget.to_window(*widget.center)
        assert 0 <= x < self.window.width and 0 <= y < self.window.height, "off screen"
        touch = UnitTestTouch(x, y)
        self._kivy(touch.touch_down)
        self.frames(1)
        self._kivy(touch.touch_up)
        self.frames(3)

    def key(self, key: int, codepoint: str | None = None, frames: int = 2) -> None:
        """A key of a keyboard or keypad, as SDL delivers it to the window."""
        self._kivy(self.window.dispatch, "on_key_down", key, 0, codepoint, [])
        self._kivy(self.window.dispatch, "on_key_up", key, 0)
        self.frames(frames)

    def tap_at(self, x: float, y: float) -> None:
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        self._kivy(touch.touch_down)
        self._kivy(touch.touch_up)
        self.frames(3)

    @property
    def screen(self) -> str:
        return self.app.manager.current

    def home(self) -> None:
        self.app.reset_session()
        self.frames(3)

    def stop_scrolling(self) -> None:
        """Stop every ScrollView still gliding or springing back, on every screen (shown or
        not) and in any popup: a test starts with nothing in motion from the one before.

        Kivy's scroll effects integrate the frame time: a fling's velocity falls by
        friction * dt / std_dt each frame, and from a frame of about 0.7 s on (a busy machine)
        that overshoots, so the motion grows instead of dying out and the column is thrown
        off screen. A fling left by a scrolling test, met by slow frames in the next one, did
        exactly that."""
        from kivy.uix.scrollview import ScrollView

        roots = [*self.app.manager.screens, *self.window.children]
        for root in roots:
            for w in self._walk(root):
                if not isinstance(w, ScrollView):
                    continue
                for effect in (w.effect_x, w.effect_y):
                    if effect is not None:
                        effect.is_manual = False
                        effect.velocity = 0
                        if hasattr(effect, "overscroll"):
                            effect.overscroll = 0

    def resize(self, width: int, height: int) -> None:
        self.window.size = (width, height)
        self.pump(0.3)
        self.app.manager.current_screen.refresh()
        self.frames(5)

    def screenshot(self, name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        self.frames(3)
        # A name of this process's own: pytest-xdist workers take screenshots at the same
        # time into the same folder, and Kivy numbers a name only by what exists already.
        made = self.window.screenshot(name=str(SCREENSHOT_DIR / f"shot-{os.getpid()}.png"))
        target = SCREENSHOT_DIR / f"{name}.png"
        Path(made).replace(target)
        return target

    # --- checks ---------------------------------------------------------------------------
    def clipped(self) -> list[str]:
        """Labels whose text does not fit them, or that stick out of the window sideways."""
        from kivy.uix.label import Label

        bad = []
        self.frames(2)
        for w in self.widgets():
            if not isinstance(w, Label) or not w.text or w.opacity == 0:
                continue
            if not self._in_current_screen(w) or getattr(w, "shorten", False):
                continue
            tw, th = w.texture_size
            if tw > w.width + 2 or th > w.height + 2:
                bad.append(f"{w.text[:40]!r} text {tw}x{th} in {w.width:.0f}x{w.height:.0f}")
                continue
            if w.width < 60 and len(w.text.strip()) > 2:
                bad.append(f"{w.text[:40]!r} squeezed into {w.width:.0f} px")
                continue
            p = w.parent
            if p is not None and p.parent is not None and not hasattr(p, "scroll_y"):
                _wx, wy = w.to_window(*w.pos)
                _px, py = p.to_window(*p.pos)
                if wy < py - 1 or wy + w.height > py + p.height + 1:
                    bad.append(f"{w.text[:40]!r} sticks out of its {type(p).__name__} "
                               f"({wy:.0f}+{w.height:.0f} in {py:.0f}+{p.height:.0f})")
                    continue
            x, _y = w.to_window(*w.pos)
            if x < -1 or x + w.width > self.window.width + 1:
                bad.append(f"{w.text[:40]!r} outside the window at x={x:.0f}")
        return bad
