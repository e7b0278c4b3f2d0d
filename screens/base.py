"""Base screen: a scrolling column the screen fills from core data, re-rendered on demand."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from kiosk.texts import LocalText
from screens.widgets import Card, Heading, KButton, KLabel, NoteLabel, SmallLabel


class KioskScreen(Screen):
    """Every screen: `show(**params)` renders it for those params; `crumb()` names it."""

    params: dict = {}

    @property
    def app(self):
        return App.get_running_app()

    def _(self, message: str) -> str:
        return self.app.i18n._(message)

    # A screen where typing on a physical keyboard means text, not "start audio mode".
    accepts_typing = False

    def show(self, **params) -> None:
        self.params = params
        self._fallback_seen = False
        self.render(**params)
        self.app.audio.screen_changed()

    def audio_intro(self) -> str:
        """What audio mode says on entering the screen: its title (override to say more)."""
        from screens.widgets import TitleLabel

        for w in self.body.walk(restrict=True):
            if isinstance(w, TitleLabel) and w.text:
                return w.text
        return self.crumb(**self.params)

    def refresh(self) -> None:
        self.show(**self.params)

    def render(self, **params) -> None:
        raise NotImplementedError

    def crumb(self, **params) -> str:
        return ""

    # --- building blocks ------------------------------------------------------------------
    @property
    def body(self):
        return self.ids.scroll.ids.body

    def clear(self) -> None:
        self.body.clear_widgets()
        self.ids.scroll.scroll_y = 1

    def release(self) -> None:
        """Forget what the screen shows, at the end of a visit. Every show renders afresh,
        so nothing is lost; the kiosk then keeps neither the last resident's screens nor
        their labels' textures between visits."""
        self.clear()

    def tx(self, text: LocalText | None) -> str:
        """The text in the resident's language; remembers when Polish stood in for it."""
        if text is not None and self.app.is_fallback(text):
            self._fallback_seen = True
        return self.app.t(text)

    def add(self, widget, parent=None):
        (parent or self.body).add_widget(widget)
        return widget

    def heading(self, text: str, parent=None):
        return self.add(Heading(text=text), parent)

    def para(self, text: str, parent=None, **kw):
        return self.add(KLabel(text=text, **kw), parent)

    def small(self, text: str, parent=None):
        return self.add(SmallLabel(text=text), parent)

    def note(self, text: str, parent=None):
        return self.add(NoteLabel(text=text), parent)

    def card(self, parent=None) -> Card:
        return self.add(Card(), parent)

    def button(self, text: str, on_release, parent=None, cls=KButton):
        btn = cls(text=text)
        btn.bind(on_release=lambda *_: on_release())
        return self.add(btn, parent)

    def unconfirmed_note(self, unconfirmed: tuple[str, ...], *fields: str, parent=None) -> None:
        """Say so when any of these facts still awaits the office's confirmation."""
        if any(f in unconfirmed for f in fields):
            self.note(self._("To be confirmed at the office."), parent)

    def finish(self) -> None:
        """Called at the end of render: adds the 'only in Polish' note where it applies."""
        if self._fallback_seen:
            self.body.add_widget(NoteLabel(text=self._("Only in Polish")), len(self.body.children))
        self.app.audio.screen_changed()


def load_kv(module_file: str) -> None:
    """Load the .kv file that sits next to a screen module (one per screen)."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")))
