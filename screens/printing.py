"""Printing: progress, then "take it from the slot below", or what went wrong in plain words.

The job runs through screens.background (the printer may be slow or gone). Each job has its
own number in the screen's parameters, so a language switch or Back to this screen shows the
result again and never prints a second copy. A job that fails in an unexpected way ends like a
printer fault: "We could not print." in plain words, staff are told, and a ticket is shown on
screen in large type with its QR code, just as valid as on paper. A job whose outcome is
unknown (sent whole, but the printer never confirmed it) takes the same path with the truth
instead: "We do not know if your ticket printed.", check the slot, the number on screen.
"""

from __future__ import annotations

import itertools
import logging
from typing import TYPE_CHECKING, Any

from kivy.uix.widget import Widget

from kiosk.i18n import N_
from screens import satisfaction
from screens.background import run_in_background
from screens.base import KioskScreen, load_kv
from screens.widgets import KLabel, PrimaryButton, QRCode, TitleLabel

if TYPE_CHECKING:
    # The printing modules bring python-escpos, Pillow and numpy (~16 MiB): imported where a
    # job starts or ends, not with the guide, search and ticket screens that import this one.
    from kiosk.printing.service import PrintResult

log = logging.getLogger(__name__)
_job_ids = itertools.count(1)
WHAT = {"card": N_("Information card"), "ticket": N_("Queue ticket"),
        "elsewhere": N_("Not handled at the City Hall")}


def new_job() -> int:
    return next(_job_ids)


class TicketNumber(KLabel):
    """The issued ticket's number, as large as on the paper (theme.FONT_TICKET)."""


class SlotArrow(Widget):
    """Points down at the paper slot."""


class PrintingScreen(KioskScreen):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.results: dict[int, PrintResult | None] = {}  # job -> result (None: printing)
        self._in_flight: dict[int, tuple[str, Any]] = {}  # job -> (what, ticket)

    def crumb(self, what: str, job: int, ticket=None, **_params) -> str:
        from kiosk.printing.layouts import spaced_code

        return spaced_code(ticket.code) if ticket is not None else self._(WHAT.get(what, what))

    def render(self, what: str, job: int, **params) -> None:
        if job not in self.results:
            self._start(what, job, params)
        self.clear()
        result = self.results[job]
        if result is None:
            self.add(TitleLabel(text=self._("Printing...")))
            self.para(self._("Please wait a moment."))
            return
        if what == "ticket":
            self._ticket_result(result, params["ticket"], params.get("symbol"))
            return
        if result.ok:
            self.add(TitleLabel(text=self._(result.message)))
            self.add(SlotArrow())
        else:
            self._fault(result)
            self.para(self._("Please ask at the information point. Staff will be glad to "
                             "help."))
        self.button(self._("Back"), self.app.back, cls=PrimaryButton)

    def _fault(self, result: PrintResult) -> None:
        """What went wrong; when the job went out but was never confirmed, say just that."""
        if result.unknown:
            self.add(TitleLabel(text=self._(result.message)))
            self.para(self._(_unknown_note(result)), bold=True, color=self.app.pal.WARN)
            return
        self.add(TitleLabel(text=self._("We could not print.")))
        self.para(self._(result.message), bold=True, color=self.app.pal.WARN)

    def _fault_words(self, result: PrintResult) -> str:
        if result.unknown:
            return " ".join([self._(result.message), self._(_unknown_note(result))])
        return " ".join([self._("We could not print."), self._(result.message)])

    def _ticket_result(self, result: PrintResult, ticket, symbol: str | None) -> None:
        """The ticket is shown on screen in any case; without paper it is all the resident has,
        and it is just as valid."""
        if result.ok:
            self.add(TitleLabel(text=self._(result.message)))
        else:
            self._fault(result)
            self.para(self._("Your ticket is valid. Remember your number:"), bold=True)
        from kiosk.printing.layouts import spaced_code

        box = self.card()
        self.para(self._("Your number"), box, halign="center")
        # Its own rule: a size given to a KLabel here lost to the rule's body size.
        self.add(TicketNumber(text=spaced_code(ticket.code)), box)
        self.para(self.tx(ticket.name), box, halign="center", bold=True)
        tr = self.app.i18n
        n = ticket.people_ahead
        if ticket.booked_at is not None:  # checked in (screens/booking.py): called at its time
            self.para(booked_line(ticket, tr), box, halign="center", bold=True)
            self.para(self._("You will be called at your booked time."), box)
        else:
            self.para(tr.ngettext("{n} person ahead of you.", "{n} people ahead of you.", n)
                      .format(n=n) if n else self._("Nobody is ahead of you."), box)
        est = ticket.estimate
        if est is not None:
            self.para(self._("Expected wait: {low}–{high} minutes.").format(
                low=est.low_minutes, high=est.high_minutes), box)
        elif n:
            self.para(self._("No wait estimate yet."), box)
        if ticket.prepare:
            self.para(self.tx(ticket.prepare), box, bold=True)
        # Without paper, the code on screen opens the ticket's own live page (with [web]
        # public_url set): the resident photographs it and follows the queue on the phone.
        link = self.app.core.printing.ticket_link(symbol, self.app.lang, ticket) \
            if not result.ok else None
        if link is not None:
            url, label = link
            box.add_widget(QRCode(data=url, pos_hint={"center_x": 0.5}))
            self.small(label, box)
        self.para(self._("Watch the screen in the hall for your number."))
        self.button(self._("Done"), self.app.home, cls=PrimaryButton)
        satisfaction.add_panel(self, "ticket", symbol, ref=ticket.code)
        self.finish()

    def audio_intro(self) -> str:
        """After printing, what is on the paper that the resident needs, and where it is."""
        result = self.results.get(self.params.get("job"))
        if result is None:
            return self._("Printing...")
        ticket = self.params.get("ticket")
        head = self._(result.message) if result.ok else self._fault_words(result)
        if ticket is None:
            return head
        tr = self.app.i18n
        n = ticket.people_ahead
        ahead = (tr.ngettext("{n} person ahead of you.", "{n} people ahead of you.", n)
                 .format(n=n) if n else self._("Nobody is ahead of you."))
        if ticket.booked_at is not None:
            ahead = booked_line(ticket, tr) + ". " + self._("You will be called at your "
                                                           "booked time.")
        parts = [head, self._("Your number"), ticket.code + ".", self.tx(ticket.name) + ".",
                 ahead]
        if not result.ok:
            parts.append(self._("Your ticket is valid. Remember your number:") + " "
                         + ticket.code + ".")
        if ticket.prepare:
            parts.append(self.tx(ticket.prepare))
        parts.append(self._("Watch the screen in the hall for your number."))
        return " ".join(parts)

    def _start(self, what: str, job: int, params: dict) -> None:
        app, printing = self.app, self.app.core.printing
        usage = app.core.usage
        ticket, symbol, lang = params.get("ticket"), params.get("symbol"), app.lang
        if what == "ticket":
            def send() -> PrintResult:
                return printing.print_ticket(
                    ticket, printing.ticket_document(ticket, lang, symbol))
        elif what == "card":
            now, have = app.today(), frozenset(app.session.ticked.get(symbol, ()))

            def send() -> PrintResult:
                return printing.print_document(
                    printing.card_document(symbol, lang, now=now, have=have))
        elif what == "elsewhere":
            now, entry = app.today(), app.core.search.elsewhere(params["code"])
            if entry is None:  # gone with a sync since the resident tapped
                raise ValueError(f"no entry {params['code']!r} to print")

            def send() -> PrintResult:
                return printing.print_document(printing.elsewhere_document(entry, lang, now=now))
        else:
            raise ValueError(f"nothing to print for {what!r}")

        from kiosk.printing.service import PrinterState

        def work() -> PrintResult:
            # The outcome is counted here, not on the UI thread: a stop that waits for this
            # job (kiosk_app.on_stop) must find it counted although the UI loop has ended.
            # A job abandoned at a stop was counted there (pop() decides who counts it).
            try:
                result = send()
            except Exception:
                if self._in_flight.pop(job, None) is not None:
                    usage.printed(what, PrinterState.ERROR.value)
                raise
            if self._in_flight.pop(job, None) is not None:
                usage.printed(what, "ok" if result.ok else result.state.value)
            return result

        self.results[job] = None
        self._in_flight[job] = (what, ticket)
        # No staleness token: the result is kept under its job number whatever the resident
        # does meanwhile, and shown only if this job's screen is on show (_finished).
        run_in_background(work, name=f"print-{what}-{job}",
                          done=lambda result: self._finished(job, result, what),
                          error=lambda exc: self._failed(job, what, exc))

    def abandon_unfinished(self) -> list[str]:
        """At a stop, for the jobs still at the printer: the ticket is recorded as not printed
        (it stays valid: the desk calls its number) and the outcome is counted as
        interrupted. Returns what was abandoned, for the log."""
        abandoned = []
        for job, (what, ticket) in list(self._in_flight.items()):
            if self._in_flight.pop(job, None) is None:
                continue  # it ended just now and counted itself
            self.app.core.usage.printed(what, "interrupted")
            if ticket is not None:
                try:
                    self.app.core.queue.mark_printed(ticket.id, False)
                except Exception:
                    log.exception("could not record that ticket %s was not printed",
                                  ticket.code)
                abandoned.append(f"{what} {ticket.code}")
            else:
                abandoned.append(what)
        return abandoned

    def _failed(self, job: int, what: str, exc: Exception) -> None:
        """Printing raised instead of answering: to the resident it is a printer that does not
        work (the ticket stays valid and is shown); staff get an alert with the detail, as for
        any printer fault (kiosk.printing.service). Until the alert is delivered, and if it
        cannot be, the resident is asked to tell staff."""
        from kiosk.printing.service import ASK_MESSAGES, FAULT_MESSAGES, PrinterState, PrintResult

        detail = f"{type(exc).__name__}: {exc}"[:300]
        alerts = self.app.core.alerts

        def told(raised) -> None:
            if raised.delivered:
                self._finished(job, PrintResult(False, PrinterState.ERROR, FAULT_MESSAGES[
                    PrinterState.ERROR], detail, staff_told=True), what)

        self._finished(job, PrintResult(False, PrinterState.ERROR,
                                        ASK_MESSAGES[PrinterState.ERROR], detail), what)
        run_in_background(lambda: alerts.raise_("printer", PrinterState.ERROR.value, detail),
                          name="print-fault-alert", done=told, error=None)

    def _finished(self, job: int, result: PrintResult, what: str) -> None:
        self.results[job] = result
        if self.manager and self.manager.current == self.name and self.params.get("job") == job:
            self.refresh()


def booked_line(ticket, tr) -> str:
    """"Umówiona wizyta: 10:15" for a ticket of a booked visit."""
    return tr._("Booked visit at {time}").format(
        time=tr.time(ticket.booked_at.time().replace(tzinfo=None)))


def _unknown_note(result: PrintResult) -> str:
    from kiosk.printing.service import UNKNOWN_NOTE, UNKNOWN_NOTE_ASK

    return UNKNOWN_NOTE if result.staff_told else UNKNOWN_NOTE_ASK


SCREEN = PrintingScreen
load_kv(__file__)
