"""Printing: progress, then "take it from the slot below", or what went wrong in plain words.

The job runs on a worker thread (the printer may be slow or gone); its result comes back with
Clock.schedule_once. Each job has its own number in the screen's parameters, so a language
switch or Back to this screen shows the result again and never prints a second copy.
"""

from __future__ import annotations

import itertools
import threading

from kivy.clock import Clock
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from printer.layouts import card_document
from printer.service import PrintResult
from screens import theme
from screens.base import KioskScreen, load_kv
from screens.widgets import PrimaryButton, TitleLabel

_job_ids = itertools.count(1)
WHAT = {"card": N_("Information card"), "ticket": N_("Queue ticket")}


def new_job() -> int:
    return next(_job_ids)


class SlotArrow(Widget):
    """Points down at the paper slot."""


class PrintingScreen(KioskScreen):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.results: dict[int, PrintResult | None] = {}  # job -> result (None: printing)

    def crumb(self, what: str, job: int, **_params) -> str:
        return self._(WHAT.get(what, what))

    def render(self, what: str, job: int, **params) -> None:
        if job not in self.results:
            self._start(what, job, params)
        self.clear()
        result = self.results[job]
        if result is None:
            self.add(TitleLabel(text=self._("Printing...")))
            self.para(self._("Please wait a moment."))
            return
        if result.ok:
            self.add(TitleLabel(text=self._(result.message)))
            self.add(SlotArrow())
        else:
            self.add(TitleLabel(text=self._("We could not print.")))
            self.para(self._(result.message), bold=True, color=theme.rgba(theme.WARN))
            self.para(self._("Please ask at the information point. Staff will be glad to "
                             "help."))
        self.button(self._("Back"), self.app.back, cls=PrimaryButton)

    def _start(self, what: str, job: int, params: dict) -> None:
        doc = self._document(what, params)
        self.results[job] = None
        printer = self.app.core.printer

        def work() -> None:
            result = printer.print_document(doc)
            Clock.schedule_once(lambda _dt: self._finished(job, result))

        threading.Thread(target=work, daemon=True, name=f"print-{what}-{job}").start()

    def _document(self, what: str, params: dict):
        app, core = self.app, self.app.core
        if what == "card":
            guide = core.content.guide(params["symbol"])
            have = frozenset(app.session.ticked.get(guide.symbol, ()))
            return card_document(guide, app.lang, core.config.office.name, have=have,
                                 now=app.today(), revision=core.content.status().revision,
                                 fallback_url=core.config.printer.office_url)
        raise ValueError(f"nothing to print for {what!r}")

    def _finished(self, job: int, result: PrintResult) -> None:
        self.results[job] = result
        if self.manager and self.manager.current == self.name and self.params.get("job") == job:
            self.refresh()


SCREEN = PrintingScreen
load_kv(__file__)
