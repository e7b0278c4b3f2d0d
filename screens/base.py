"""Base screen: a scrolling column the screen fills from core data, re-rendered on demand."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from kiosk.i18n import N_
from kiosk.texts import LocalText
from screens.widgets import (
    Card,
    Heading,
    KButton,
    KLabel,
    NoteLabel,
    PolishOnlyMark,
    SmallLabel,
)

# The facts a record may list as unconfirmed, as a resident would name them: the note says
# which of them still await the office ("To be confirmed at the office: hours, room.").
UNCONFIRMED_WORDS = {
    "symbol": N_("case symbol"), "summary": N_("description"),
    "who_may_apply": N_("who may apply"), "steps": N_("steps"), "documents": N_("documents"),
    "fees": N_("fees"), "fee_exemptions": N_("fee exemptions"),
    "payment_methods": N_("how to pay"), "place": N_("place"), "department": N_("department"),
    "building": N_("building"), "entrance": N_("entrance"), "floor": N_("floor"),
    "room": N_("room"), "hours": N_("hours"), "deadline": N_("waiting time"),
    "appeal": N_("appeal"), "appeal_none": N_("appeal"), "phones": N_("phones"),
    "email": N_("e-mail"), "scope": N_("scope"), "name": N_("name"), "code": N_("code"),
    "amount": N_("amount"), "resolution": N_("resolution"), "unit": N_("unit"),
}


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
        self._fallback_texts: set[str] = set()
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
        self.ids.scroll.halt()  # the last gesture's glide must not carry the new column off

    def release(self) -> None:
        """Forget what the screen shows, at the end of a visit. Every show renders afresh,
        so nothing is lost; the kiosk then keeps neither the last resident's screens nor
        their labels' textures between visits."""
        self.clear()

    def tx(self, text: LocalText | None) -> str:
        """The text in the resident's language; remembers when Polish stood in for it, so
        `finish` marks that item (and only that one) "Only in Polish"."""
        shown = self.app.t(text)
        if text is not None and self.app.is_fallback(text) and shown.strip():
            self._fallback_texts.add(shown)
        return shown

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

    def unconfirmed_note(self, unconfirmed: tuple[str, ...], *fields: str, parent=None):
        """Say which of these facts still await the office's confirmation, if any."""
        words: list[str] = []
        for f in fields:
            if f in unconfirmed:
                word = self._(UNCONFIRMED_WORDS.get(f, f))
                if word not in words:
                    words.append(word)
        if words:
            return self.note(self._("To be confirmed at the office: {what}.").format(
                what=", ".join(words)), parent)
        return None

    def finish(self) -> None:
        """Called at the end of render: marks each item shown in Polish for want of a
        translation, the item itself and nothing else."""
        self.mark_polish_only()
        self.app.audio.screen_changed()

    def mark_polish_only(self) -> None:
        texts = getattr(self, "_fallback_texts", set())
        if not texts:
            return
        mark = self._("Only in Polish")

        def fell_back(shown: str) -> bool:
            # Screens may shorten a text ("…") or put a symbol before it.
            return bool(shown) and any(t in shown or t[:40] in shown for t in texts)

        def walk(widget):
            for child in list(widget.children):
                marks = getattr(child, "polish_only_fields", None)
                if marks is not None:
                    if any(fell_back(getattr(child, f, "")) for f in marks):
                        child.polish_only = mark
                    continue
                if isinstance(child, (NoteLabel, PolishOnlyMark, KButton)):
                    continue
                if isinstance(child, KLabel):
                    if fell_back(child.text):
                        where = widget.children.index(child)  # children run bottom-up
                        widget.add_widget(PolishOnlyMark(text=mark), where)
                    continue
                walk(child)

        walk(self.body)


def load_kv(module_file: str) -> None:
    """Load the .kv file that sits next to a screen module (one per screen)."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")))
