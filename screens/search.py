"""Search: a large on-screen keyboard, results that update with every key, and a helpful
"nothing found" that offers the topics and the most-asked matters.

The query is shown in a label rather than a TextInput: a TextInput loses its focus whenever a
key of the on-screen keyboard is tapped, and with it the physical keyboard. Instead the screen
listens to the window's keys while it is shown. Queries run through screens.background, one
after another (the first one after a content change reads the index vocabulary); a newer key
press makes older answers stale, and a query gone stale before its turn is not run at all. A
search that fails shows what "nothing found" shows: the topics and the most-asked matters.
"""

from __future__ import annotations

import threading

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_
from screens import theme
from screens.background import Generation, run_in_background
from screens.base import KioskScreen, load_kv
from screens.printing import new_job
from screens.widgets import KButton, PrimaryButton, TileGrid

MAX_QUERY = 80
RESULTS = 12
# How long a key waits for its answer before the frame is drawn without it (seconds).
ANSWER_WAIT = 0.03
# A query is counted (usage events; and kept for staff when it found nothing) once the resident
# stops typing for this long (or leaves the screen), not at every key on the way.
UNANSWERED_AFTER = 1.5

KIND_NAMES = {
    "procedure": N_("Matter"),
    "department": N_("Department"),
    "form": N_("Form"),
    "rate": N_("Fee or tax"),
    "announcement": N_("Notice"),
    "elsewhere": N_("Not handled at the City Hall"),
}

# Keyboard rows per UI language. Polish letters have a row of their own, so nobody needs a
# long press or a modifier; Ukrainian gets the ЙЦУКЕН layout; English plain Latin.
LATIN = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
LAYOUTS = {
    "pl": LATIN + ("ąćęłńóśźż",),
    "en": LATIN,
    "uk": ("1234567890", "йцукенгшщзхї", "фівапролджє", "ячсмитьбюґ'"),
}


class KeyButton(KButton):
    """One key: a letter, a digit, or a command (space, delete, clear)."""

    shares_texture = True  # screens/text_textures.py: each language's keys rendered once


class SearchKeyboard(BoxLayout):
    """Rows of big keys; `on_key` gets a character, "\b" (delete) or "\x18" (clear)."""

    lang = StringProperty("")

    def build(self, lang: str, _, on_key) -> None:
        self.on_key = on_key
        if lang == self.lang and self.children:
            self._label_commands(_)
            return
        self.lang = lang
        self.clear_widgets()
        for row in LAYOUTS.get(lang, LATIN):
            box = BoxLayout(size_hint_y=None, height=theme.BUTTON_HEIGHT, spacing=8)
            for ch in row:
                key = KeyButton(text=ch)
                key.bind(on_release=lambda _b, c=ch: self.on_key(c))
                box.add_widget(key)
            self.add_widget(box)
        box = BoxLayout(size_hint_y=None, height=theme.BUTTON_HEIGHT, spacing=8)
        self.space = KeyButton(size_hint_x=3)
        self.delete = KeyButton(size_hint_x=1.5)
        self.clear = KeyButton(size_hint_x=1.5)
        for key, ch in ((self.space, " "), (self.delete, "\b"), (self.clear, "\x18")):
            key.bind(on_release=lambda _b, c=ch: self.on_key(c))
            box.add_widget(key)
        self.add_widget(box)
        self._label_commands(_)

    def _label_commands(self, _) -> None:
        self.space.text = _("Space")
        self.delete.text = "‹ " + _("Delete")
        self.clear.text = _("Clear")


class ResultRow(ButtonBehavior, BoxLayout):
    """One result: what it is (matter, department, form...) and its title."""

    kind_text = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")
    polish_only = StringProperty("")
    polish_only_fields = ("title", "detail")


class SearchScreen(KioskScreen):
    query = StringProperty("")
    reuse_widgets = True  # result rows are refilled at every key

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._searches = Generation()  # a newer key press makes older answers stale
        self._unanswered = None  # (query, lang, results) waiting to be recorded
        self._record_ev = None
        self.last_results = None  # what the resident sees now (tests read it)
        self._listening = False

    accepts_typing = True  # a physical keyboard types the query here

    def crumb(self, query: str = "") -> str:
        return self._("Search")

    def render(self, query: str = "") -> None:
        self.query = query[:MAX_QUERY]
        self.ids.keyboard.build(self.app.lang, self._, self.press)
        self._run()

    def warm_up(self) -> None:
        """The keyboard of the current language, the first page and the widgets of a page
        of results, made in an idle frame after the start: the first visit and the first key
        then only fill them (made on that tap, they took ~0.1 s each). Not once the screen
        has been shown: a resident may be typing on it already."""
        if self.ids.keyboard.children:
            return
        # What show() sets before it renders (this screen has not been shown yet).
        self.params, self._fallback_texts = {"query": ""}, set()
        self.render("")  # the keyboard and the page an empty query shows
        page: list = []
        for _ in range(RESULTS):
            self.pool.take(page, ResultRow, None, kind_text="", title="", detail="")
        self.pool.give_back(page)

    def release(self) -> None:
        self._searches.drop()  # a search still running must not fill the screen again
        super().release()
        self.query = ""
        self.last_results = None

    # --- keys ----------------------------------------------------------------------------
    def on_pre_enter(self, *_args) -> None:
        if not self._listening:
            Window.bind(on_textinput=self._on_textinput, on_key_down=self._on_key_down)
            self._listening = True

    def on_leave(self, *_args) -> None:
        if self._listening:
            Window.unbind(on_textinput=self._on_textinput, on_key_down=self._on_key_down)
            self._listening = False
        self._record_unanswered()

    def _on_textinput(self, _window, text: str) -> bool:
        self.app.idle.touch()
        for ch in text:
            if ch.isprintable():
                self.press(ch)
        return True

    def _on_key_down(self, _window, key, *_args) -> bool:
        if key == 8:  # Backspace
            self.app.idle.touch()
            self.press("\b")
            return True
        return False

    def press(self, ch: str) -> None:
        if ch == "\b":
            query = self.query[:-1]
        elif ch == "\x18":
            query = ""
        else:
            query = (self.query + ch)[:MAX_QUERY]
        if query == self.query:
            return
        self.query = query
        # The query lives in the history entry (Back from a result comes back to it) and in
        # the screen's own params (a language switch shows the screen again with them).
        self.params = {**getattr(self, "params", {}), "query": query}
        if self.app.history and self.app.history[-1][0] == "search":
            self.app.history[-1] = ("search", {"query": query})
        self._run()

    # --- searching off the UI thread -------------------------------------------------------
    def _run(self) -> None:
        token, query, lang = self._searches.new(), self.query, self.app.lang
        if self._record_ev is not None:
            self._record_ev.cancel()
            self._record_ev = None
        self._unanswered = None
        search = self.app.core.search
        # The revision the screens show: results open guides of the same content, and the
        # query reads no database to find out which revision is active.
        pinned = self.app.core.content.pinned_key
        revision = (pinned[0], pinned[1]) if pinned is not None else None

        answered = threading.Event()

        def work():
            try:
                if query.strip():
                    result = search.search(query, lang, limit=RESULTS, revision=revision)
                    return result, search.most_asked(5) if not result.hits else []
                return None, search.most_asked(5)
            finally:
                answered.set()

        # What a resident typed is personal (private: the log gets the kind of failure, not
        # the text). A failed search shows what "nothing found" shows; never a traceback.
        run_in_background(work, name=f"search ({len(query)} characters)", serial="search",
                          private=True, current=token,
                          done=lambda got: self._show(query, *got),
                          error=lambda _exc: self._show(query, None, []))
        # An index in memory answers in a few ms: waiting that long puts the letter and its
        # results in one frame, instead of drawing the letter alone first (a whole frame of
        # the software renderer, ~0.1 s). A slower answer (a cold index) comes a frame later.
        answered.wait(ANSWER_WAIT)

    def _show(self, query: str, result, asked) -> None:
        self.last_results = result
        self.clear()
        if not query.strip():
            self.para(self._("Type what you need to do, for example: ID card, registration, "
                             "rubbish, car."))
            self._most_asked(asked)
        elif result is not None and result.hits:
            self.small(self.app.i18n.ngettext("{n} result", "{n} results", result.total)
                       .format(n=result.total))
            for hit in result.hits:
                self._row(hit)
            self._settle(query, result.total)
        else:
            self._nothing_found(query, asked)
            self._settle(query, 0)
        self.finish()

    def _settle(self, query: str, results: int) -> None:
        self._unanswered = (query, self.app.lang, results)
        self._record_ev = Clock.schedule_once(lambda _dt: self._record_unanswered(),
                                              UNANSWERED_AFTER)

    def _row(self, hit) -> None:
        kind = self._(KIND_NAMES[hit.kind])
        ref = hit.ref if hit.kind in ("procedure", "department", "form") else ""
        detail = ""
        if hit.kind == "announcement" and hit.detail is not None:
            detail = self.tx(hit.detail)
        if hit.kind == "elsewhere" and hit.detail is not None:
            detail = self._("You cannot settle this at the City Hall — go to: {where}").format(
                where=self.tx(hit.detail))
        row = self.take(ResultRow, lambda: self.open(hit),
                        kind_text=f"{kind} · {ref}" if ref else kind, title=self.tx(hit.title),
                        detail=detail)
        row.hit = hit
        self.add(row)

    def _most_asked(self, asked) -> None:
        if asked:
            self.heading(self._("Most asked matters"))
            for hit in asked:
                self._row(hit)

    def _nothing_found(self, query: str, asked) -> None:
        self.para(self._("Nothing found for “{query}”.").format(query=query.strip()), bold=True)
        self.para(self._("Check the spelling, try another word, or choose a topic:"))
        grid = self.add(self.take(TileGrid))
        for cat in self.app.core.content.categories():
            self.button(self.tx(cat.name), lambda c=cat.code: self.app.go("category", code=c),
                        grid)
        self._most_asked(asked)

    def _record_unanswered(self) -> None:
        if self._record_ev is not None:
            self._record_ev.cancel()
            self._record_ev = None
        pending, self._unanswered = self._unanswered, None
        if pending is None:
            return
        query, lang, results = pending
        self.app.core.usage.search(query, results, lang)  # scrubbed before it is stored
        if results:
            return
        search = self.app.core.search
        # Nobody waits for this: a failure is only logged, without the query (private).
        run_in_background(lambda: search.record_unanswered(query, lang, 0),
                          name="search-unanswered", private=True, done=None, error=None)

    # --- opening a result -----------------------------------------------------------------
    def open(self, hit) -> None:
        self._record_unanswered()  # the query is settled: counted before what it opens
        if hit.kind == "procedure":
            self.app.go("guide", symbol=hit.ref, step=0)
        elif hit.kind == "department":
            self.app.go("department", code=hit.ref)
        elif hit.kind == "form":
            self.app.go("form", code=hit.ref)
        elif hit.kind == "rate":
            self.app.go("rates")
        elif hit.kind == "elsewhere":
            self._show_elsewhere(hit.ref)
        else:  # notices are shown on the start screen
            self.app.home()


    def _show_elsewhere(self, code: str) -> None:
        """Who handles a matter the office does not, and where (in place of the results)."""
        entry = self.app.core.search.elsewhere(code)
        if entry is None:
            return
        self.clear()
        self.heading(self.tx(entry.title))
        self.para(self._("You cannot settle this at the City Hall — go to: {where}").format(
            where=self.tx(entry.handled_by)), bold=True)
        self.para(self.tx(entry.summary))
        unsure = " " + self._("(to be confirmed)")
        if entry.address:
            self.para(self._("Address: {address}").format(address=entry.address)
                      + (unsure if "address" in entry.unconfirmed else ""))
        if entry.hours:
            self.para(self._("Opening hours") + ": " + self.tx(entry.hours)
                      + (unsure if "hours" in entry.unconfirmed else ""))
        if entry.phones:
            self.para(self._("Phone: {phones}").format(phones=", ".join(entry.phones))
                      + (unsure if "phones" in entry.unconfirmed else ""))
        if entry.url:
            self.para(entry.url + (unsure if "url" in entry.unconfirmed else ""))
        if {"address", "handled_by"} & set(entry.unconfirmed):
            self.small(self._("The office has not confirmed the address: ask at the "
                              "information point."))
        self.button(self._("Print information card"),
                    lambda: self.app.go("printing", what="elsewhere", code=code, job=new_job()),
                    cls=PrimaryButton)
        self.finish()


SCREEN = SearchScreen
load_kv(__file__)
