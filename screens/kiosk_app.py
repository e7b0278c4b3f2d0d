"""KioskApp: navigation, the resident's session, the idle reset and kiosk lock-down."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.screenmanager import ScreenManager
from kivy.weakproxy import WeakProxy

from kiosk.i18n import N_, translator
from kiosk.ops.heartbeat import beat, heartbeat_path, sd_notify
from kiosk.ops.memory import give_back_free_memory
from kiosk.ops.presence import SIGN_OF_LIFE_SECONDS, leave_hall, sign_of_life
from kiosk.ops.probe import EXIT_AFTER_READY_ENV, READY_FILE_ENV, write_ready_file
from kiosk.session import IdleState, IdleWatch, ResidentSession
from kiosk.texts import LocalText
from screens import text_textures, theme, widgets  # noqa: F401  (widgets: its kv rules)
from screens.audio_mode import MODIFIERS, AudioMode
from screens.background import run_in_background
from screens.widgets import IdleWarning

log = logging.getLogger(__name__)

SCREEN_MODULES = ("home", "category", "guide", "departments", "department", "rates",
                  "forms", "form", "ticket", "printing", "accessibility", "search",
                  "admin_pin", "admin", "booking")
CORNER_HOLD_S = 2.0
# How long a stop waits for a print or queue write under way (deploy/bom-kiosk.service gives
# the whole stop TimeoutStopSec=10s; `kiosk run` must end within 5 s of SIGTERM).
STOP_GRACE_S = 2.0
ADMIN_SCREENS = ("admin_pin", "admin")
# Keys that would leave a desktop app or open its settings: in the kiosk they do nothing at all.
# Escape, F1 (Kivy's settings), Android back and menu, the PC menu/application keys, Alt+F4.
BLOCKED_KEYS = frozenset({27, 282, 1001, 319, 1073741942, 1073741925})
F4 = 285
AUDIO_ENDED = N_("Start screen. Audio mode is off. Press any key to turn it on again.")


class KioskApp(App):
    i18n = ObjectProperty(None, rebind=True)
    lang = StringProperty("pl")
    breadcrumb = StringProperty("")
    crumbs = ListProperty([])  # the breadcrumb's parts; the label fits them to its width
    # Accessibility settings of the session; the .kv rules follow them, the idle reset ends them.
    pal = ObjectProperty(theme.NORMAL, rebind=True)
    font_scale = NumericProperty(1.0)
    low_reach = BooleanProperty(False)
    audio_on = BooleanProperty(False)
    privacy = BooleanProperty(False)
    title = "BOM"

    def __init__(self, cfg, core, *, now: Callable[[], float],
                 today: Callable[[], dt.datetime], **kwargs):
        self.cfg, self.core, self.today = cfg, core, today
        self.session = ResidentSession(lang=cfg.languages.default)
        self.idle = IdleWatch(cfg.timeouts.idle_seconds, cfg.timeouts.idle_warning_seconds,
                              now=now)
        self.history: list[tuple[str, dict]] = []
        self.exit_code = 0  # what `kiosk run` exits with (kiosk.ops.admin.EXIT_*)
        self._leaving = False  # only the admin side may close the window
        self._stopped = False
        self._gone_at_check = -1  # _widgets_gone when bindings were last checked
        self.crashes: list[str] = []  # exceptions the crash handler caught, oldest first
        self._corner_taps: list[float] = []
        self._started = time.time()
        self._crash_handler = _CrashHandler(self)
        self._crumbs: list[str] = []  # one per history entry, in the resident's language
        self._idle_popup: IdleWarning | None = None
        self._visit_start: float | None = None  # usage: when the current visit began
        self._first_frame_drawn = False
        super().__init__(**kwargs)
        self.lang = self.session.lang
        self.i18n = translator(self.lang)
        self.audio = AudioMode(self)

    @property
    def admin(self):
        """The staff side (PIN checks, audit), opened when first used: its imports (printing,
        barcodes, Pillow) do not hold up the first Home frame."""
        return self.core.admin

    # --- building -------------------------------------------------------------------------
    def build(self):
        root = Builder.load_file(str(Path(__file__).with_suffix(".kv")))
        # Home now; every other screen after the first frame (or when first asked for).
        root.ids.manager.get_screen("home")
        Window.bind(on_touch_down=self._on_any_touch, on_touch_up=self._on_any_touch_up,
                    on_key_down=self._on_key_down,
                    on_key_up=lambda _w, key, *_a: self.audio.released(key))
        Window.clearcolor = self.pal.BACKGROUND
        Clock.schedule_interval(self._check_idle, 0.5)
        self._install_operations()
        return root

    def on_start(self):
        self.home()
        Window.bind(on_flip=self._report_ready)

    def _warm_content(self) -> None:
        """The year's public holidays, the pinned revision and its search index into memory,
        off the UI thread, after the first frame and after a sync landed: taps then read no
        database, and nobody's first query waits for the index."""
        core, today = self.core, self.today

        def warm() -> None:
            from kiosk.closures import public_holiday

            public_holiday(today().date())  # the year's holidays, before a guide asks
            core.content.warm()
            core.search.warm()

        run_in_background(warm, name="content-warm-up", serial="content",
                          done=lambda _result: settle_heap(), error=None)
        # The search screen is the likely next one whose first visit builds the most.
        Clock.schedule_once(lambda _dt: self.manager.get_screen("search").warm_up(), 0)

    def _report_ready(self, *_args):
        """Write when the first Home frame reached the screen (start-up probes, benchmarks)."""
        Window.unbind(on_flip=self._report_ready)
        self._first_frame_drawn = True
        # The rest of the start waits for Home to be on screen: the other screens, one a
        # frame, then the content and the search index on a worker thread.
        self.manager.build_the_rest(then=self._warm_content)
        self._beat()
        sd_notify("READY=1")
        if not os.environ.get(READY_FILE_ENV):
            return
        write_ready_file(Path(os.environ[READY_FILE_ENV]), screen=self.manager.current,
                         lang=self.lang, title=self.manager.current_screen.audio_intro())
        if os.environ.get(EXIT_AFTER_READY_ENV):
            Clock.schedule_once(lambda *_: self.stop(), 0)
        else:
            self._probed: tuple | None = None
            Clock.schedule_interval(self._probe_screen, 0.2)

    def _probe_screen(self, _dt) -> None:
        """With a ready file (tests, drills): keep it saying which screen is shown and where
        its buttons are, in X's pixels (origin top left), so that a test can tap a kiosk
        running as its own process as a finger would, through the X server."""
        from kivy.uix.behaviors import ButtonBehavior

        buttons: dict[str, list[int]] = {}
        for w in self.manager.current_screen.walk(restrict=True):
            label = getattr(w, "text", "") or getattr(w, "title", "")
            if isinstance(w, ButtonBehavior) and not w.disabled and label:
                x, y = w.to_window(*w.center)
                if 0 <= x < Window.width and 0 <= y < Window.height:
                    buttons.setdefault(label, [round(x), round(Window.height - y)])
        state = (self.manager.current, buttons)
        if state != self._probed:
            self._probed = state
            info = Window.get_window_info()
            write_ready_file(Path(os.environ[READY_FILE_ENV]), screen=self.manager.current,
                             lang=self.lang, buttons=buttons,
                             window=getattr(info, "window", None))

    # --- kiosk lock-down ------------------------------------------------------------------
    def open_settings(self, *args):
        return False  # the settings panel (F1) is never shown to residents

    def _on_key_down(self, _window, key, _scancode=None, codepoint=None, modifiers=None):
        self.idle.touch()
        self._visit_begins()
        if key in BLOCKED_KEYS or (key == F4 and "alt" in (modifiers or ())):
            return True  # consumed: nothing leaves, nothing opens, no audio mode either
        if self._idle_popup is not None:
            self.keep_session()
        typing = self.manager.current_screen.accepts_typing
        if self.audio.active:
            if typing and codepoint and codepoint.isprintable() and codepoint != " ":
                self.audio.speaker.say(codepoint)  # the letter goes into the text; say it
                return False
            if self.audio.pressed(key, time.monotonic()):
                self.audio.key(key, codepoint)
            return True
        # Any key of a keypad or keyboard starts audio mode: a blind resident cannot find a
        # button first. Not where the keyboard types text.
        if key not in MODIFIERS and not typing:
            self.audio.start(how="key")
            return True
        return False

    # --- navigation -----------------------------------------------------------------------
    @property
    def manager(self):
        return self.root.ids.manager

    def go(self, name: str, **params) -> None:
        self.history.append((name, params))
        self._show(name, params, "left")

    def back(self) -> None:
        if len(self.history) > 1:
            self.history.pop()
        name, params = self.history[-1]
        self._show(name, params, "right")

    def home(self) -> None:
        # A synced revision shows from Home on, never mid-session (reset_session comes here).
        content = self.core.content
        before = content.pinned_key
        content.pin()
        if content.pinned_key != before and self._first_frame_drawn:
            self._warm_content()
        self.history = [("home", {})]
        self._show("home", {}, "right")

    def _show(self, name: str, params: dict, direction: str) -> None:
        screen = self.manager.get_screen(name)
        try:
            screen.show(**params)
        except Exception:  # a broken record must never strand a resident
            log.exception("screen %s failed with %r", name, params)
            if name != "home":
                self.history = [("home", {})]
                self.manager.get_screen("home").show()
                name = "home"
        self.manager.transition.direction = direction
        self.manager.current = name
        self._update_breadcrumb()
        # The idle reset's return Home is nobody's view; the staff side is not a resident's.
        if self._visit_start is not None and name not in ADMIN_SCREENS:
            self.core.usage.screen_viewed(name)

    def _update_breadcrumb(self, *, all_entries: bool = False) -> None:
        """Name only the entries not named yet: earlier crumbs need no new content queries,
        except after a language switch, when every crumb is named again."""
        known = [] if all_entries else self._crumbs[:len(self.history) - 1]
        for name, params in self.history[len(known):]:
            known.append(self.manager.get_screen(name).crumb(**params))
        self._crumbs = known
        # Home is where the trail starts: a Home later in the history (a link back to it)
        # starts it again, so Home never reads "Start › … › Start". A place named twice in a
        # row (Accessibility opened from Accessibility) is named once.
        homes = [i for i, (name, _params) in enumerate(self.history) if name == "home"]
        shown: list[str] = []
        for crumb in known[homes[-1] if homes else 0:]:
            if crumb and (not shown or shown[-1] != crumb):
                shown.append(crumb)
        self.breadcrumb = "  ›  ".join(shown)
        self.crumbs = shown

    # --- language and text ----------------------------------------------------------------
    def set_lang(self, lang: str) -> None:
        with self._kv_change():
            self.session.lang = lang
            self.lang = lang
            self.i18n = translator(lang)
        self.manager.current_screen.refresh()
        self._update_breadcrumb(all_entries=True)
        self.core.usage.language(lang)

    def t(self, text: LocalText | None) -> str:
        return "" if text is None else text.get(self.lang)

    def is_fallback(self, text: LocalText | None) -> bool:
        return text is not None and text.show(self.lang).fallback

    # --- idle reset -----------------------------------------------------------------------
    def _on_any_touch(self, _window, touch):
        self.idle.touch()
        self._visit_begins()
        if self.admin_corner(touch):
            return True
        if not self.audio.active and touch.x < theme.AUDIO_CORNER and touch.y < theme.AUDIO_CORNER:
            # The marked corner: held for about 2 s it starts audio mode.
            touch.ud["corner"] = Clock.schedule_once(lambda _dt: self.audio.start(how="corner"),
                                                     CORNER_HOLD_S)
        return False

    def _on_any_touch_up(self, _window, touch):
        event = touch.ud.pop("corner", None)
        if event is not None:
            event.cancel()
        return False

    # --- accessibility settings -----------------------------------------------------------
    def set_palette(self, name: str) -> None:
        self.core.usage.setting_used("palette", name)
        with self._kv_change():
            self.pal = theme.PALETTES[name]
        Window.clearcolor = self.pal.BACKGROUND
        self.manager.current_screen.refresh()

    def set_font_scale(self, scale: float) -> None:
        self.core.usage.setting_used("font_scale", scale)
        with self._kv_change():
            self.font_scale = scale
        self.manager.current_screen.refresh()

    def set_low_reach(self, on: bool) -> None:
        self.core.usage.setting_used("low_reach", on)
        with self._kv_change():
            self.low_reach = on
        self.manager.current_screen.refresh()

    def _reset_accessibility(self) -> None:
        self.audio.stop(silent=True)
        if self.pal is not theme.NORMAL:
            self.pal = theme.NORMAL
            Window.clearcolor = self.pal.BACKGROUND
        self.font_scale = 1.0
        self.low_reach = False

    def keep_session(self) -> None:
        self.idle.touch()
        self._check_idle()

    def _check_idle(self, *_args) -> None:
        if self.manager.current in ADMIN_SCREENS:
            # The staff side closes itself sooner, without asking, and forgets everything.
            if self.idle.quiet() >= self.cfg.admin.idle_seconds:
                self.admin.audit("close", "idle")
                self.reset_session()
            return
        state = self.idle.state()
        if state is IdleState.ACTIVE:
            if self._idle_popup is not None:
                self._idle_popup.dismiss(animation=False)
                self._idle_popup = None
            return
        if state is IdleState.WARNING:
            if self._idle_popup is None and not self._at_rest():
                self._idle_popup = IdleWarning(seconds_left=self.idle.seconds_left())
                self._idle_popup.open(animation=False)
                if self.audio.active:
                    self.audio.speaker.say(self._idle_popup.spoken())
            if self._idle_popup is not None:
                self._idle_popup.seconds_left = self.idle.seconds_left()
            return
        self.reset_session()

    def _at_rest(self) -> bool:
        """Home with nothing to forget: no need to ask anyone anything."""
        return (self.history == [("home", {})] and not self.session.ticked
                and self.session.lang == self.cfg.languages.default and not self.audio_on
                and self.pal is theme.NORMAL and self.font_scale == 1.0 and not self.low_reach)

    # --- usage: one visit, from the first touch to the reset ---------------------------------
    def _visit_begins(self) -> None:
        if self._visit_start is None:
            self._visit_start = self.idle.now()

    def _visit_ends(self) -> None:
        """Its length (to the last touch, not the idle wait) and whether the resident left the
        kiosk at rest on Home or walked away mid-way (the idle warning ran out)."""
        if self._visit_start is not None and self.manager.current not in ADMIN_SCREENS:
            self.core.usage.session_ended(max(0.0, self.idle.last_touch - self._visit_start),
                                          "idle" if self._idle_popup is not None else "home")
        self._visit_start = None

    def end_visit(self) -> None:
        """The resident's "Start screen": the visit ends exactly as at the idle reset, so the
        next person finds the kiosk as new (language, text size, contrast, reach, audio mode,
        ticks and history). Chosen in audio mode, the kiosk says how to turn it on again."""
        was_audio = self.audio.active
        self.reset_session()
        if was_audio:
            self.audio.speaker.say(self.i18n._(AUDIO_ENDED))

    def reset_session(self) -> None:
        self._visit_ends()
        if self._idle_popup is not None:
            self._idle_popup.dismiss(animation=False)
            self._idle_popup = None
        self.session = ResidentSession(lang=self.cfg.languages.default)
        self.audio.stop(silent=True)
        with self._kv_change():
            self._reset_accessibility()
            if self.lang != self.session.lang:
                self.lang = self.session.lang
                self.i18n = translator(self.lang)
        self.idle.touch()
        self.home()
        for screen in self.manager.screens:
            if screen.name != "home":
                screen.release()
        # What the visit freed goes back to the system once Home is on screen (the shared
        # copies of its texts' textures first).
        Clock.schedule_once(
            lambda _dt: (settle_heap(), text_textures.trim(), give_back_free_memory()), 0.5)

    # --- operations: admin gesture, lock-down, crash recovery, heartbeat --------------------
    _KV_PROPS = ("i18n", "lang", "breadcrumb", "pal", "font_scale", "low_reach", "audio_on",
                 "privacy")

    @contextmanager
    def _kv_change(self):
        """Change the app's kv properties with dead bindings pruned first and the cycle
        collector held off until done: a collection in the middle of one dispatch (setting
        `lang` makes and drops many objects) can free a widget whose rules are still bound,
        and the next property set would reach its dead proxy (found by the soak: a language
        tap raised ReferenceError from `i18n`)."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._prune_dead_bindings()
            yield
        finally:
            if enabled:
                gc.enable()

    def _prune_dead_bindings(self) -> None:
        """Drop kv bindings on the app whose widget is gone. A widget freed by Python's cycle
        collector can leave its rules bound to `app.font_scale` etc. through a dead weak
        proxy, and the next change of that property raises ReferenceError (found by the
        soak: a tap on "Large text" after thousands of screens).

        A proxy goes dead only with its widget (kv rules hold widgets' and their canvases'
        proxies), and Kivy unbinds a widget's own rules as it goes. So the ~5,000 bindings
        are checked only when a widget has gone since the last check: with screens kept, a
        language tap usually finds none gone and skips a check that cost half of its time."""
        if _widgets_gone[0] == self._gone_at_check:
            return
        self._gone_at_check = _widgets_gone[0]
        for name in self._KV_PROPS:
            for _cb, largs, _kw, _is_ref, uid in self.get_property_observers(name, args=True):
                if uid is not None and _any_dead(largs):
                    self.unbind_uid(name, uid)

    def _install_operations(self) -> None:
        from kivy.base import ExceptionManager

        ExceptionManager.add_handler(self._crash_handler)
        Window.bind(on_request_close=self._on_request_close)
        Clock.schedule_interval(self._beat, self.cfg.health.heartbeat_seconds)
        Clock.schedule_once(self._sign_of_life, 1)
        Clock.schedule_interval(self._sign_of_life, SIGN_OF_LIFE_SECONDS)

    def _sign_of_life(self, *_args) -> None:
        """To the hall's database, on a worker thread: alive, and the disk not full."""
        core = self.core
        run_in_background(lambda: sign_of_life(core), name="sign-of-life", serial="hall",
                          done=None, error=None)

    def _on_request_close(self, *_args, **_kwargs) -> bool:
        """Alt+F4, a window manager's close, SDL quit: refused unless the admin side leaves."""
        if self._leaving:
            return False
        log.warning("close request refused", extra={"event": "lockdown"})
        return True

    def leave(self, exit_code: int, reason: str) -> None:
        """The only way out of the kiosk: the admin side's restart or exit to desktop."""
        self.exit_code = exit_code
        self._leaving = True
        self._stop_reason = reason
        self.stop()

    def stop_on_signal(self, signame: str) -> None:
        """SIGTERM (systemctl stop or restart) or SIGINT (Ctrl-C in a terminal): a clean
        stop with exit code 0. Unlike a window close, which stays refused."""
        if self._leaving:
            return
        log.info("stopping on %s", signame, extra={"event": "stop"})
        self.leave(0, signame)

    def on_stop(self):
        from kivy.base import ExceptionManager

        from screens.background import wait_idle

        if self._stopped:
            return  # Kivy's App.run() calls stop() again once its loop has ended
        self._stopped = True
        ExceptionManager.remove_handler(self._crash_handler)
        sd_notify("STOPPING=1")
        core = self.core
        run_in_background(lambda: leave_hall(core), name="leave-hall", serial="hall",
                          done=None, error=None)
        # A print or a queue write under way gets a moment to end; a print that does not
        # (a hung printer) is recorded as not printed, its ticket still valid. Within the
        # unit's TimeoutStopSec, with the core's close (usage flushed) still to come.
        still = wait_idle(STOP_GRACE_S)
        if still:
            abandoned = self.manager.get_screen("printing").abandon_unfinished()
            log.warning("stopped with work unfinished: %s; not printed: %s",
                        ", ".join(still), ", ".join(abandoned) or "nothing",
                        extra={"event": "stop"})
        self._beat(stopped=True, reason=getattr(self, "_stop_reason", "stopped"))

    def _beat(self, *_args, **extra) -> None:
        try:
            beat(heartbeat_path(self.cfg), started=self._started, screen=self.manager.current,
                 **extra)
        except OSError:
            log.exception("could not write the heartbeat")
        sd_notify("WATCHDOG=1")

    def admin_corner(self, touch) -> bool:
        """Five taps in the top-right corner within 3 s open the PIN pad. Touches there are
        taken by the gesture (a small square residents have no reason to tap). Audio mode
        asks here first too, so staff can open the admin side whatever mode the kiosk is
        left in."""
        size = ADMIN_CORNER
        if touch.x < Window.width - size or touch.y < Window.height - size:
            return False
        if self._idle_popup is not None:
            return False  # the warning's own button takes the touch
        if self.manager.current in ADMIN_SCREENS:
            return True  # already there; the square stays inert
        now = self.idle.now()  # the idle clock: tests move it instead of waiting
        a = self.cfg.admin
        self._corner_taps = [t for t in self._corner_taps if now - t <= a.gesture_seconds]
        self._corner_taps.append(now)
        if len(self._corner_taps) >= a.gesture_taps:
            self._corner_taps = []
            self.admin.audit("gesture", "ok", "PIN pad opened")
            self.audio.stop(silent=True)  # staff read the pad; nothing should speak over it
            self.go("admin_pin")
        return True

    def crashed(self, exc: BaseException) -> None:
        """An exception nothing else caught: log it with its traceback, return the resident
        to Home with a short apology, keep the kiosk running."""
        import traceback

        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.crashes.append(text)
        log.error("unexpected error on %s: %s", self._current_name(), type(exc).__name__,
                  exc_info=(type(exc), exc, exc.__traceback__), extra={"event": "crash"})
        try:
            self.reset_session()
            from screens.widgets import Apology

            Apology().open(animation=False)
        except Exception:  # even Home failed: log it; the next touch tries again
            log.exception("could not return Home after an error")

    def _current_name(self) -> str:
        try:
            return self.manager.current
        except Exception:
            return "?"


ADMIN_CORNER = 90  # px: the top-right square of the hidden admin gesture


def settle_heap() -> None:
    """Collect every cycle now, then leave what is alive out of the collector's later full
    passes (gc.freeze): the kiosk holds ~500,000 objects (kv rules, kept pages, the content
    and its index), and a full pass over them stopped the screen for 120-170 ms at random
    taps. Run when nobody waits (after the start's warm-up, after a sync's, at the end of a
    visit): unfreezing first lets what has died since (the content a sync replaced, a
    visit's pages) go in this pass."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# Widgets gone so far: Kivy calls Builder.unbind_widget once for each, as it goes (by
# reference count or the cycle collector alike).
_widgets_gone = [0]
_unbind_widget = Builder.unbind_widget


def _counted_unbind_widget(uid) -> None:
    _widgets_gone[0] += 1
    _unbind_widget(uid)


Builder.unbind_widget = _counted_unbind_widget


def _any_dead(args) -> bool:
    """Whether a binding's arguments hold a weak proxy (Kivy's or the standard library's)
    whose object is gone, looking into lists and tuples. type() does not go through a
    proxy; isinstance() and attribute access do, and raise when it is gone."""
    for a in args:
        t = type(a)
        if t is list or t is tuple:
            if _any_dead(a):
                return True
            continue
        try:
            if t is WeakProxy:
                a.__ref__()
            elif t is weakref.ProxyType or t is weakref.CallableProxyType:
                a.__class__  # noqa: B018  (forwarded to the object: raises when it is gone)
        except ReferenceError:
            return True
    return False


class KioskScreens(ScreenManager):
    """The kiosk's ScreenManager: a screen is made (its module imported, its .kv loaded) when
    first asked for, so the first Home frame waits for Home alone; `build_the_rest` makes the
    others in idle frames after it."""

    def get_screen(self, name):
        if name not in self.screen_names and name in SCREEN_MODULES:
            self.add_widget(_screen_class(name)(name=name))
        return super().get_screen(name)

    def build_the_rest(self, then: Callable[[], None] | None = None) -> None:
        missing = [n for n in SCREEN_MODULES if n not in self.screen_names]
        if not missing:
            if then is not None:
                then()
            return

        def next_one(_dt) -> None:
            self.get_screen(missing[0])
            self.build_the_rest(then)

        Clock.schedule_once(next_one, 0)


def _screen_class(name: str):
    import importlib

    return importlib.import_module(f"screens.{name}").SCREEN


class _CrashHandler:
    """Kivy's main loop hands every exception raised in an event handler here; PASS keeps the
    loop (and the kiosk) running."""

    def __init__(self, app: KioskApp):
        self.app = app

    def handle_exception(self, exc):
        from kivy.base import ExceptionManager

        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return ExceptionManager.RAISE
        self.app.crashed(exc)
        return ExceptionManager.PASS
