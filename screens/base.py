"""Base screen: a scrolling column the screen fills from core data, re-rendered on demand."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from kiosk.i18n import N_
from kiosk.ops.memory import give_back_free_memory
from kiosk.texts import LocalText
from screens import text_textures
from screens.reuse import SHARED_POOL, WidgetPool
from screens.widgets import (
    Card,
    Heading,
    KButton,
    KLabel,
    NoteLabel,
    PolishOnlyMark,
    SmallLabel,
    Tile,
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
    """Every screen: `show(**params)` renders it for those params; `crumb()` names it.

    A screen with `reuse_widgets` builds its page only through the building blocks below,
    from its pool of widgets (screens.reuse): each visit refills the widgets of the last one.
    A screen that also names its pages (`page_key` and `fill`, shown with `show_page`) keeps
    a page it shows again as it is, and may prepare the page likely to come next in idle
    frames (`prepare`), which is then swapped in at the tap."""

    params: dict = {}
    reuse_widgets = False
    # A screen residents seldom come back to (fees, forms, departments): once Back can no
    # longer lead to it, its page is given back blank, so that its textures (the fees page
    # alone held 18 MiB) do not stay in memory until the end of the visit.
    let_go_when_left = False

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
        self._let_go_others()

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

    # --- kept and prepared pages ----------------------------------------------------------
    def page_key(self, **params):
        """What decides the page `fill(**params)` builds, beside the language, the text size,
        the colours and the content revision (added by `_key`); None: never kept."""
        return None

    def fill(self, **params) -> None:
        """Build the page for `params` into `self.body`: widgets only, no other effect (it
        also runs ahead of the resident, in `prepare`)."""
        raise NotImplementedError

    def _key(self, params: dict):
        own = self.page_key(**params)
        if own is None:
            return None
        app = self.app
        return (own, app.lang, app.font_scale, app.pal.name, app.low_reach,
                app.core.content.pinned_key)

    def show_page(self, **params) -> None:
        """Show the page for `params`: kept if it is shown already, swapped in if it was
        prepared, built now otherwise. Each way it starts at its top."""
        key = self._key(params)
        scroll = self.ids.scroll
        spare = getattr(self, "_spare", None)
        if key is not None and key == scroll.body.key:
            scroll.scroll_y = 1
            scroll.halt()
        elif key is not None and spare is not None and spare.key == key:
            self._spare = scroll.swap(spare)
        else:
            self.clear()
            self._fallback_texts = set()
            self.fill(**params)
            self.mark_polish_only()
            scroll.body.key = key
        self._fallback_texts = set()  # marked: `finish` has nothing more to mark

    def prepare(self, **params) -> None:
        """Build the page for `params` in a column off screen, in the next frames, so that
        the tap that asks for it only swaps it in (the next step of a guide)."""
        ev = getattr(self, "_prepare_ev", None)
        if ev is not None:
            ev.cancel()
        self._prepare_ev = Clock.schedule_once(lambda _dt: self._prepare_now(params), 0)

    def _prepare_now(self, params: dict) -> None:
        from screens.widgets import Column

        self._prepare_ev = None
        if self.manager is None or self.manager.current != self.name:
            return  # the resident went elsewhere: nothing to prepare for
        key = self._key(params)
        shown = self.ids.scroll.body
        spare = getattr(self, "_spare", None)
        if key is None or key == shown.key or (spare is not None and spare.key == key):
            return
        if spare is None:
            spare = self._spare = Column()
        self.pool.give_back(spare.page)
        spare.clear_widgets()
        spare.key = None
        spare.width = shown.width  # laid out (labels wrapped) at the width it will show at
        texts, self._fallback_texts = getattr(self, "_fallback_texts", set()), set()
        self._building = spare
        try:
            self.fill(**params)
            self.mark_polish_only()
            spare.key = key
        except Exception:  # a broken record: the tap builds the page and says so then
            import logging

            logging.getLogger(__name__).exception("could not prepare %s %r", self.name,
                                                  params)
            self.pool.give_back(spare.page)
            spare.clear_widgets()
        finally:
            self._building = None
            self._fallback_texts = texts

    # --- building blocks ------------------------------------------------------------------
    @property
    def body(self):
        building = getattr(self, "_building", None)
        return building if building is not None else self.ids.scroll.body

    @property
    def pool(self) -> WidgetPool:
        return SHARED_POOL

    def take(self, cls, action=None, **props):
        """A widget for this page (from the pool when the screen reuses widgets)."""
        if not self.reuse_widgets:
            widget = cls(**props)
            if action is not None:
                widget.bind(on_release=lambda *_: action())
            return widget
        return self.pool.take(self.body.page, cls, action, **props)

    def clear(self, forget: bool = False) -> None:
        body = self.body
        if self.reuse_widgets:
            self.pool.give_back(body.page, forget)
        body.clear_widgets()
        body.key = None
        if body is self.ids.scroll.body:
            self.ids.scroll.scroll_y = 1
            self.ids.scroll.halt()  # the last gesture's glide must not carry the new column off

    def _let_go_others(self) -> None:
        """Let go of the pages of the screens that let go when left and that Back can no
        longer reach (not in the history), before this screen is drawn."""
        trail = {name for name, _params in self.app.history}
        gone = False
        for screen in self.manager.screens:
            if (getattr(screen, "let_go_when_left", False) and screen is not self
                    and screen.name not in trail and screen.ids.scroll.body.children):
                screen.let_go()
                gone = True
        if gone:
            # The labels' canvases drop their textures at Builder's next sync, and the GL
            # textures go a frame after that: now, they go with this frame, so that the
            # memory is back when the screen is (and a figure read on Home counts it).
            Builder.sync()
            text_textures.trim()  # the shared copies of what those pages showed
            # What the heap freed goes back to the system too, as soon as this screen is on
            # the glass: Kivy deletes the GL textures in that frame's clock tick, and
            # malloc_trim (~2 ms) then runs between frames, not before this one.
            from kivy.core.window import Window

            Window.bind(on_flip=_give_back_after_frame)

    def let_go(self) -> None:
        """Give back the page (and a prepared one) blank: shown again, it is built anew."""
        self.clear(forget=True)
        spare = getattr(self, "_spare", None)
        if spare is not None:
            if self.reuse_widgets:
                self.pool.give_back(spare.page, forget=True)
            spare.clear_widgets()
            spare.key = None

    def release(self) -> None:
        """Forget what the screen shows, at the end of a visit: the next resident finds no
        trace of it (its widgets, kept for the next visit, are blank, their textures gone)."""
        self.let_go()
        if self.reuse_widgets:
            self.pool.forget_texts()

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
        return self.add(self.take(Heading, text=text), parent)

    def para(self, text: str, parent=None, **kw):
        return self.add(self.take(KLabel, text=text, **kw), parent)

    def small(self, text: str, parent=None):
        return self.add(self.take(SmallLabel, text=text), parent)

    def note(self, text: str, parent=None):
        return self.add(self.take(NoteLabel, text=text), parent)

    def card(self, parent=None, **kw) -> Card:
        return self.add(self.take(Card, **kw), parent)

    def button(self, text: str, on_release, parent=None, cls=KButton):
        return self.add(self.take(cls, on_release, text=text), parent)

    def tile(self, title: str, subtitle: str, on_release, parent=None) -> Tile:
        return self.add(self.take(Tile, on_release, title=title, subtitle=subtitle), parent)

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
                        widget.add_widget(self.take(PolishOnlyMark, text=mark), where)
                    continue
                walk(child)

        walk(self.body)


def load_kv(module_file: str) -> None:
    """Load the .kv file that sits next to a screen module (one per screen)."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")))


def _give_back_after_frame(*_args) -> None:
    from kivy.core.window import Window

    Window.unbind(on_flip=_give_back_after_frame)
    give_back_free_memory()
