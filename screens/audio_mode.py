"""Audio mode (EZ Access style): the whole kiosk by ear, with a keypad, a keyboard or gestures.

Everything on the current screen, text included, forms one list. Up/Down (or Left/Right, or a
swipe) move through it and speak the item; Enter (or a double tap) chooses it; Backspace goes
back; H explains the focused item; R repeats. A touch speaks what is under the finger and never
activates it. A strip of single-tap Back / Repeat / Help / Next buttons replaces the gestures
for anyone who cannot swipe. Any touch or key stops the current speech first.

Speech comes from the core (`core.speech`: the audio cache, espeak-ng for misses) through
screens.background and is played with Kivy's SoundLoader; only the newest request is ever
played. A part that cannot be spoken is left out (and logged); the rest is still said.
"""

from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.core.audio import SoundLoader
from kivy.core.window import Window
from kivy.graphics import Color, Line, Rectangle
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from kiosk.speech.service import SPEEDS, VOLUMES, EngineError
from screens import theme
from screens.background import Generation, run_in_background

log = logging.getLogger(__name__)

DEFAULT_SPEED = SPEEDS.index(1.0)
DEFAULT_VOLUME = len(VOLUMES) - 1
SWIPE_PX = 90
# A keypad key held down repeats only after this long (EN 301 549 5.7): a trembling hand
# must not skip through the list.
REPEAT_DELAY_S = 2.0

KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT = 273, 274, 276, 275
KEY_ENTER, KEY_KP_ENTER, KEY_SPACE, KEY_BACKSPACE = 13, 271, 32, 8
KEY_PAGEUP, KEY_PAGEDOWN = 280, 281
KEY_KP_PLUS, KEY_KP_MINUS = 270, 269
MODIFIERS = {303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313}  # shift, ctrl, alt, meta

ORIENTATION = N_("Audio mode is on. Swipe right or press Down to move to the next item, swipe "
                 "left or press Up to go back one. Double tap or press Enter to choose. Press H "
                 "for help, R to repeat, plus and minus for volume, Page Up and Page Down for "
                 "speed.")
HINT = N_("Swipe right or press Down to move.")


class Speaker:
    """Says one thing at a time: new speech replaces old, `stop()` silences at once."""

    def __init__(self, app):
        self.app = app
        self.sound = None
        self.last = ""
        self.said: list[str] = []  # everything asked to be said (tests, Repeat)
        self.played: list = []  # clips that reached the loudspeaker
        self.speed_step = DEFAULT_SPEED
        self.volume_step = DEFAULT_VOLUME
        self._requests = Generation()
        self._request = self._requests.new()  # the newest request
        self._playing = None  # the request whose clip plays now (or played last)
        self._last_parts: list[str] = []

    @property
    def answered(self) -> bool:
        """The newest request is what is playing now (or has played)."""
        return self._playing is self._request and self._request()

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_step]

    @property
    def volume(self) -> float:
        return VOLUMES[self.volume_step]

    @property
    def speaking(self) -> bool:
        return self.sound is not None and self.sound.state == "play"

    def reset(self) -> None:
        self.stop()
        self.speed_step, self.volume_step = DEFAULT_SPEED, DEFAULT_VOLUME

    def say(self, text: str | list[str], lang: str | None = None) -> None:
        """Say `text`; a list is said part by part, each part its own cached clip, so an
        item's content text and its role ("button") are both found in the prerendered cache."""
        self.stop()
        parts = [" ".join(p.split()) for p in ([text] if isinstance(text, str) else text)]
        parts = [p for p in parts if p]
        if not parts:
            return
        self.last = " ".join(parts)
        self.said.append(self.last)
        if len(self.said) > 500:  # a day of speech must not pile up in memory
            del self.said[:-100]
        self._last_parts = parts
        self._request = token = self._requests.new()
        speech, speed = self.app.core.speech, self.speed
        lang = lang or self.app.lang

        def work() -> list:
            clips = []
            for part in parts:
                try:
                    clips.append(speech.clip(part, lang, speed))
                except EngineError as exc:
                    log.warning("cannot speak %r: %s", part[:40], exc)
                except Exception:  # one part that fails must not silence the others
                    log.exception("speech failed for %r", part[:40])
                if not token():
                    return []  # replaced while synthesising: don't bother with the rest
            return clips

        # A part that fails is left out above, so work() does not raise; nor could a failure
        # be shown (audio mode speaks, perhaps behind the privacy curtain). The resident can
        # ask again (Repeat); the log tells staff why.
        run_in_background(work, name="speech", done=lambda clips: self._play(token, clips),
                          error=None, current=token)

    def repeat(self) -> None:
        self.say(list(self._last_parts))

    def _play(self, token, clips: list) -> None:
        if not token() or not clips:
            return  # something newer was asked for meanwhile, or a touch stopped it
        clip, rest = clips[0], clips[1:]
        sound = SoundLoader.load(str(clip.path))
        if sound is None:
            log.warning("cannot play %s", clip.path)
            return
        sound.volume = self.volume
        # Free the decoded audio when the clip ends or is cut off: a Sound keeps its samples
        # until unloaded, and a kiosk says thousands of clips a day (found by the soak test).
        sound.bind(on_stop=lambda s: Clock.schedule_once(lambda _dt: s.unload()))
        if rest:
            sound.bind(on_stop=lambda *_a: Clock.schedule_once(
                lambda _dt: self._play(token, rest)))
        sound.play()
        self.sound = sound
        self.played.append(clip)
        if len(self.played) > 500:
            del self.played[:-100]
        self._playing = token

    def stop(self) -> None:
        self._requests.drop()
        if self.sound is not None:
            self.sound.stop()
            self.sound = None


class FocusRing(Widget):
    """A thick ring around the item being spoken (at least 3:1 against what it sits on)."""

    def __init__(self, app, **kw):
        super().__init__(**kw)
        self.app = app
        self.target = None
        with self.canvas:
            self._color = Color(*app.pal.FOCUS)
            self._line = Line(rectangle=(0, 0, 0, 0), width=theme.FOCUS_RING_WIDTH)
        self._tick = Clock.schedule_interval(self.follow, 1 / 20)

    def follow(self, *_args) -> None:
        w = self.target
        if w is None or w.get_root_window() is None or self.app.privacy:
            self._line.rectangle = (0, 0, 0, 0)
            return
        x, y = w.to_window(*w.pos)
        pad = theme.FOCUS_RING_WIDTH
        self._color.rgba = self.app.pal.FOCUS
        self._line.rectangle = (x - pad, y - pad, w.width + 2 * pad, w.height + 2 * pad)

    def stop(self) -> None:
        self._tick.cancel()


class PrivacyCurtain(Widget):
    """Blanks the screen for onlookers while audio mode speaks into the headphones."""

    def __init__(self, **kw):
        super().__init__(**kw)
        with self.canvas:
            Color(0, 0, 0, 1)
            self._rect = Rectangle(pos=(0, 0), size=Window.size)
        # Follows the window's size only while shown: a lambda left bound to the Window kept
        # every curtain of the day alive (found by the soak's count of detached widgets).
        self.fbind("parent", self._follow_window)

    def _follow_window(self, _widget, parent) -> None:
        if parent is not None:
            Window.fbind("size", self._resize)
            self._rect.size = Window.size
        else:
            Window.funbind("size", self._resize)

    def _resize(self, _window, size) -> None:
        self._rect.size = size

    def on_touch_down(self, touch):
        return False  # touches are the audio mode's, not the curtain's


class AudioStrip(BoxLayout):
    """Back / Repeat / Help / Next: one tap each, for whoever cannot swipe."""


class AudioBar(BoxLayout):
    """Shown while audio mode is on, above the bottom bar: "Audio mode is on" and a large
    "Turn off audio mode" that works with one ordinary tap (a sighted resident who pressed a
    key by accident must never be trapped in a mode where taps only explore)."""

    def turn_off(self) -> None:
        from kivy.app import App

        audio = App.get_running_app().audio
        audio.stop(silent=True)
        audio.speaker.say(audio._(TURNED_OFF))


TURNED_OFF = N_("Audio mode is off. Press any key to turn it on again.")


class AudioMode:
    """The app's audio mode: `app.audio`."""

    def __init__(self, app):
        self.app = app
        self.speaker = Speaker(app)
        self.items: list = []
        self.index = -1
        self.ring: FocusRing | None = None
        self.strip: AudioStrip | None = None
        self.bar: AudioBar | None = None
        self.curtain: PrivacyCurtain | None = None
        self._rebuild = Clock.create_trigger(self._screen_ready, 0.05)
        self._held: dict[int, float] = {}  # key -> when it went down

    @property
    def active(self) -> bool:
        return self.app.audio_on

    def _(self, message: str) -> str:
        return self.app.i18n._(message)

    # --- on and off -------------------------------------------------------------------------
    def start(self, how: str = "menu") -> None:
        """`how`: the corner, a key or the menu (counted for the usage reports)."""
        if self.active:
            return
        app = self.app
        app.core.usage.audio_mode_started(how)
        app.audio_on = True
        app.idle.idle_seconds = app.cfg.timeouts.audio_idle_seconds
        # Bound last, called first: audio mode sees every touch before any widget does.
        Window.bind(on_touch_down=self._touch_down, on_touch_move=self._touch_move,
                    on_touch_up=self._touch_up)
        self.ring = FocusRing(app)
        Window.add_widget(self.ring)
        self.strip = AudioStrip()
        Window.add_widget(self.strip)
        # Part of the layout (above the bottom bar), not laid over the screen: nothing of the
        # screen hides under it.
        self.bar = AudioBar()
        app.root.add_widget(self.bar, index=1)
        self._collect()
        self.speaker.say(f"{self._(ORIENTATION)} {self._intro()}")

    def stop(self, *, silent: bool = False) -> None:
        if not self.active:
            return
        app = self.app
        Window.unbind(on_touch_down=self._touch_down, on_touch_move=self._touch_move,
                      on_touch_up=self._touch_up)
        for w in (self.ring, self.strip, self.curtain):
            if w is not None:
                Window.remove_widget(w)
        if self.bar is not None and self.bar.parent is not None:
            self.bar.parent.remove_widget(self.bar)
        if self.ring is not None:
            self.ring.stop()
        self.ring = self.strip = self.curtain = self.bar = None
        app.privacy = False
        app.audio_on = False
        app.idle.idle_seconds = app.cfg.timeouts.idle_seconds
        self.items, self.index = [], -1
        if silent:
            self.speaker.reset()
        else:
            self.speaker.say(self._("Audio mode is off."))

    def set_privacy(self, on: bool) -> None:
        if not self.active:
            return
        self.app.privacy = on
        self.app.core.usage.setting_used("privacy", on)
        if on and self.curtain is None:
            self.curtain = PrivacyCurtain(size=Window.size)
            # Above the screen, below the strip: the strip's buttons stay usable.
            Window.remove_widget(self.strip)
            Window.add_widget(self.curtain)
            Window.add_widget(self.strip)
        elif not on and self.curtain is not None:
            Window.remove_widget(self.curtain)
            self.curtain = None
        self.speaker.say(self._("Screen hidden.") if on else self._("Screen shown."))

    # --- the list of everything on screen ---------------------------------------------------
    def screen_changed(self) -> None:
        if self.active:
            self._rebuild()

    def items_changed(self, focus=None, say: str = "") -> None:
        """Part of the screen was rebuilt in place (the satisfaction card): say `say`, and once
        the new widgets are laid out collect the list again with the focus on `focus`."""
        if not self.active:
            return
        if say:
            self.speaker.say(say)

        def collect(_dt) -> None:
            if not self.active:
                return
            self._collect()
            if focus is not None and focus in self.items:
                self.index = self.items.index(focus)
                if self.ring is not None:
                    self.ring.target = focus

        Clock.schedule_once(collect, 0.05)

    def typed(self, field_text: str) -> None:
        """A key went into a field of the screen (the booking code), by the on-screen keys or
        a keypad: say what the field holds now, so that the resident hears each digit land
        (choosing a key says nothing of itself, and the key keeps the focus for the next)."""
        if self.active:
            self.speaker.say(field_text)

    def recollect_quietly(self) -> None:
        """The screen was rebuilt by an action that has spoken already (audio mode turned on
        from Ułatwienia): collect the list again once laid out, without announcing it."""
        self._rebuild.cancel()

        def collect(_dt) -> None:
            if self.active:
                self._collect()

        Clock.schedule_once(collect, 0.05)

    def _screen_ready(self, *_args) -> None:
        self._collect()
        self.speaker.say(self._intro())

    def _intro(self) -> str:
        screen = self.app.manager.current_screen
        intro = screen.audio_intro()
        return f"{intro} {self._(HINT)}" if intro else self._(HINT)

    def _collect(self) -> None:
        root = self.app.root
        screen = self.app.manager.current_screen
        bars = [root.ids.bottom_bar, root.ids.top_bar, *([self.bar] if self.bar else [])]
        items = list(self._items_in(screen))
        for bar in bars:
            items += self._items_in(bar)
        self.items, self.index = items, -1
        if self.ring is not None:
            self.ring.target = None

    def _items_in(self, widget):
        if widget.opacity == 0 or widget.disabled or widget.height <= 0:
            return
        if isinstance(widget, ButtonBehavior) or getattr(widget, "audio_text", None):
            yield widget
            return
        if isinstance(widget, Label):
            if widget.text.strip():
                yield widget
            return
        for child in reversed(widget.children):  # in the order added: top first
            yield from self._items_in(child)

    def describe(self, w) -> str:
        return " ".join(self.describe_parts(w))

    def describe_parts(self, w) -> list[str]:
        """What an item is, as separate phrases: its text, details, state and role."""
        _ = self._
        custom = getattr(w, "audio_text", None)
        if callable(custom):
            return [custom()]
        button, checkbox = _("Button"), _("Checkbox")
        if hasattr(w, "state_text") and hasattr(w, "checked"):  # a document tick row
            return [f"{w.text}.", *([f"{w.detail}."] if w.detail else []),
                    f"{w.state_text}.", checkbox]
        if hasattr(w, "title") and hasattr(w, "subtitle"):  # a tile
            return [f"{w.title}.", f"{w.subtitle}.", button]
        if isinstance(w, ButtonBehavior):
            return [f"{getattr(w, 'text', '')}.", button]
        return [w.text]

    # --- moving and choosing ----------------------------------------------------------------
    def move(self, step: int) -> None:
        if not self.items:
            self._collect()
        if not self.items:
            self.speaker.say(self._("This screen is empty."))
            return
        n = len(self.items)
        new = self.index + step
        wrapped = new >= n or new < 0
        self.index = new % n  # wrap around: there is always a way on, never a trap
        self._focus(self.items[self.index],
                    prefix=self._("Top of the screen.") if wrapped and step > 0 else
                    self._("Bottom of the screen.") if wrapped else "")

    def _focus(self, w, prefix: str = "") -> None:
        if self.ring is not None:
            self.ring.target = w
        self._reveal(w)
        self.speaker.say([prefix, *self.describe_parts(w)])

    def _reveal(self, w) -> None:
        from kivy.uix.scrollview import ScrollView

        parent = w.parent
        while parent is not None and parent is not Window:
            if isinstance(parent, ScrollView):
                parent.scroll_to(w, padding=40, animate=False)
            parent = parent.parent

    @property
    def focused(self):
        if 0 <= self.index < len(self.items):
            return self.items[self.index]
        return None

    def _still_shown(self, w) -> bool:
        """Whether `w` is part of what is on screen now: the list is collected a moment after
        a screen change, and a key pressed in between must not act on the screen just left."""
        # ids are weak proxies: compare the widgets themselves (`is` never matches a proxy,
        # and Enter on the bars' buttons - Back, Start screen, languages - did nothing).
        shown = tuple(getattr(s, "__self__", s) for s in (
            self.app.manager.current_screen, self.app.root.ids.bottom_bar,
            self.app.root.ids.top_bar, self.strip, self.bar))
        while w is not None:
            if any(w is s for s in shown):
                return True
            w = w.parent if w.parent is not w else None
        return False

    def select(self) -> None:
        w = self.focused
        if w is None:
            self.move(1)
            return
        if not self._still_shown(w):
            self._rebuild.cancel()
            self._screen_ready()  # say where the resident is now; nothing is chosen
            return
        if not isinstance(w, ButtonBehavior):
            self.speaker.say(self.describe_parts(w))
            return
        if hasattr(w, "checked"):
            w.dispatch("on_press")
            w.dispatch("on_release")
            self.speaker.say(f"{w.state_text}.")  # a toggle says its new state
            return
        w.dispatch("on_press")
        w.dispatch("on_release")

    def help(self) -> None:
        w = self.focused
        _ = self._
        if w is None:
            self.speaker.say(_(ORIENTATION))
        elif isinstance(w, ButtonBehavior):
            self.speaker.say([*self.describe_parts(w),
                              _("Double tap or press Enter to choose it.")])
        else:
            self.speaker.say([*self.describe_parts(w), _("This is text. Swipe right or press "
                                                         "Down for the next item.")])

    def repeat(self) -> None:
        self.speaker.repeat()

    def back(self) -> None:
        if len(self.app.history) > 1:
            self.app.back()
        else:
            self.speaker.say(self._("You are on the start screen."))

    def volume(self, step: int) -> None:
        s = self.speaker
        s.volume_step = max(0, min(len(VOLUMES) - 1, s.volume_step + step))
        self.app.core.usage.setting_used("volume", s.volume_step + 1)
        s.say(self._("Volume {n} of {total}.").format(n=s.volume_step + 1, total=len(VOLUMES)))

    def speed(self, step: int) -> None:
        s = self.speaker
        s.speed_step = max(0, min(len(SPEEDS) - 1, s.speed_step + step))
        self.app.core.usage.setting_used("speed", SPEEDS[s.speed_step])
        s.say(self._("Speech speed {n} of {total}.").format(n=s.speed_step + 1,
                                                            total=len(SPEEDS)))

    def explore(self, x: float, y: float) -> None:
        """Speak the item under the finger; choosing it needs a double tap."""
        hits = [w for w in self.items if self._hit(w, x, y)]
        if not hits:
            return
        w = min(hits, key=lambda h: h.width * h.height)  # the innermost item
        self.index = self.items.index(w)
        self._focus(w)

    @staticmethod
    def _hit(w, x: float, y: float) -> bool:
        if w.get_root_window() is None:
            return False
        wx, wy = w.to_window(*w.pos)
        return wx <= x <= wx + w.width and wy <= y <= wy + w.height

    # --- input ------------------------------------------------------------------------------
    def pressed(self, key: int, now: float) -> bool:
        """False for the auto-repeat of a key held down less than REPEAT_DELAY_S."""
        since = self._held.setdefault(key, now)
        return since == now or now - since >= REPEAT_DELAY_S

    def released(self, key: int) -> None:
        self._held.pop(key, None)

    def key(self, key: int, codepoint: str | None) -> bool:
        """A key in audio mode; True when audio mode used it."""
        self.speaker.stop()
        c = (codepoint or "").lower()
        if key in (KEY_DOWN, KEY_RIGHT):
            self.move(1)
        elif key in (KEY_UP, KEY_LEFT):
            self.move(-1)
        elif key in (KEY_ENTER, KEY_KP_ENTER, KEY_SPACE):
            self.select()
        elif key == KEY_BACKSPACE:
            self.back()
        elif c in ("h", "?"):
            self.help()
        elif c == "r":
            self.repeat()
        elif c == "+" or key == KEY_KP_PLUS:
            self.volume(1)
        elif c == "-" or key == KEY_KP_MINUS:
            self.volume(-1)
        elif key == KEY_PAGEUP:
            self.speed(1)
        elif key == KEY_PAGEDOWN:
            self.speed(-1)
        elif c == "b":
            self.set_privacy(not self.app.privacy)
        else:
            return key not in MODIFIERS
        return True

    def _touch_down(self, _window, touch):
        if self.app.admin_corner(touch):
            return True  # the staff gesture's square, as outside audio mode
        self.speaker.stop()  # any touch silences the kiosk first
        self.app.keep_session()
        if self.strip is not None and self.strip.collide_point(*touch.pos):
            return False  # the strip's own buttons take it
        if self.bar is not None and self.bar.ids.off.collide_point(*touch.pos):
            return False  # "Turn off audio mode": one ordinary tap, never only explored
        touch.ud["audio"] = True
        return True

    def _touch_move(self, _window, touch):
        return bool(touch.ud.get("audio"))

    def _touch_up(self, _window, touch):
        if not touch.ud.get("audio"):
            return False
        dx, dy = touch.x - touch.ox, touch.y - touch.oy
        if abs(dx) > SWIPE_PX and abs(dx) >= abs(dy):
            self.move(1 if dx > 0 else -1)
        elif abs(dy) > SWIPE_PX:
            self.move(1 if dy < 0 else -1)  # down the screen: the next item
        elif touch.is_double_tap:
            self.select()
        else:
            self.explore(touch.x, touch.y)
        return True


def _load_kv() -> None:
    from pathlib import Path

    from kivy.lang import Builder

    Builder.load_file(str(Path(__file__).with_suffix(".kv")))


_load_kv()
