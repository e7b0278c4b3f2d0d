"""Taking a queue ticket: choose the matter, see who is waiting, confirm; or learn plainly why
no ticket can be taken now and what else there is (the hours, booking online, another day).

The queue database may be a shared server across the hall: reading and issuing run through
screens.background, so a slow network never freezes the screen; when it cannot be reached the
resident is told plainly and staff get an alert.
"""

from __future__ import annotations

import logging

from kiosk.content.places import week_lines
from kiosk.i18n import N_
from kiosk.queue.service import QueueClosed
from screens.background import Generation, run_in_background
from screens.base import KioskScreen, load_kv
from screens.printing import new_job
from screens.widgets import PrimaryButton, QRCode, Tile, TileGrid, TitleLabel

log = logging.getLogger(__name__)

CLOSED_LINES = {
    "closed_today": N_("There are no tickets for this matter today."),
    "before_opening": N_("Tickets for this matter are not given yet."),
    "after_cutoff": N_("No more tickets for this matter today."),
    "daily_limit": N_("All of today's tickets for this matter have been given out."),
    "unknown_category": N_("There are no tickets for this matter at this kiosk."),
}


def queue_call(core, work, expected: type[Exception]):
    """`work(core.queue)` on a worker thread (the queue opens on first use). A failure other
    than the `expected` answer (the queue database unreachable, ...) is raised on to the
    screen, which says so, and staff are told through an alert."""
    try:
        return work(core.queue)
    except expected:
        raise
    except Exception as exc:
        try:
            core.alerts.raise_("queue", "unreachable", str(exc)[:300])
        except Exception:
            log.exception("could not record the queue alert")
        raise


class TicketScreen(KioskScreen):
    """`letter=None`: the list of matters; `letter="A"`: that matter, to confirm."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self._requests = Generation()  # only the newest background answer is shown

    def crumb(self, letter: str | None = None, **_params) -> str:
        return self._("Queue ticket") if letter is None else letter

    def render(self, letter: str | None = None, symbol: str | None = None) -> None:
        self.clear()
        self.add(TitleLabel(text=self._("Which matter are you here for?") if letter is None
                            else self._("Queue ticket")))
        self.para(self._("Please wait a moment."))
        self._in_background("queue-read", _categories_and_queues,
                            lambda got: self._show(*got, letter, symbol))

    # --- background work -------------------------------------------------------------------
    def _in_background(self, name: str, work, done) -> None:
        """`work(queue)` off the UI thread; `done(result)` if the resident is still here; any
        failure ends in `_unavailable` (a closed queue says why, anything else says that no
        tickets can be given now, and staff are told)."""
        core = self.app.core
        token = self._requests.new()
        run_in_background(lambda: queue_call(core, work, QueueClosed), name=name, done=done,
                          error=self._unavailable,
                          expected=(QueueClosed,),
                          current=lambda: token() and self.manager.current == self.name)

    def _unavailable(self, error: Exception) -> None:
        if isinstance(error, QueueClosed):
            self.refresh()  # closed in the meantime: show why
            return
        self.clear()
        self.add(TitleLabel(text=self._("We cannot give out tickets right now.")))
        self.para(self._("Please ask at the information point. Staff will be glad to help."))
        self.button(self._("Back"), self.app.back, cls=PrimaryButton)

    # --- what the resident sees ------------------------------------------------------------
    def _show(self, cats, queues, letter, symbol) -> None:
        self.queues = queues
        self.clear()
        if letter is None:
            self._choose(cats)
        else:
            info = next((c for c in cats if c.letter == letter), None)
            if info is None:
                self.add(TitleLabel(text=self._("Queue ticket")))
                self.para(self._(CLOSED_LINES["unknown_category"]))
                self.button(self._("Back"), self.app.back, cls=PrimaryButton)
            else:
                self._matter(info, symbol)
        self.finish()

    def _choose(self, cats) -> None:
        self.add(TitleLabel(text=self._("Which matter are you here for?")))
        grid = self.add(TileGrid())
        for c in cats:
            tile = Tile(title=f"{c.letter}  ·  {self.tx(c.name)}", subtitle=self._line(c))
            tile.bind(on_release=lambda _w, letter=c.letter: self.app.go("ticket", letter=letter))
            grid.add_widget(tile)
        # Booked online: the code gives a ticket for the booked time (screens/booking.py).
        booked = self.add(Tile(title=self._("I have a booking"),
                               subtitle=self._("Confirm a visit booked online with the "
                                               "six-digit code.")))
        booked.bind(on_release=lambda *_: self.app.go("booking"))

    def _line(self, c) -> str:
        a = c.availability
        if not a.is_open:
            if a.closure is not None and a.closure.closed:
                return self._closure_line(a)  # "Dziś nieczynne: <holiday>."
            closed = self._(CLOSED_LINES.get(a.reason, CLOSED_LINES["closed_today"]))
            return " ".join(x for x in (closed, self._closure_line(a)) if x)
        return self._waiting(c.letter)

    def _closure_line(self, a) -> str:
        """Why today is not an ordinary day, named: "Dziś nieczynne: Narodowe Święto
        Niepodległości." on a public holiday or an office closure; "Dziś urząd czynny krócej:
        08:00–12:00 (Wigilia)." on a shorter day; "" on an ordinary day."""
        closure, tr = a.closure, self.app.i18n
        if closure is None:
            return ""
        reason = closure.name(tr.lang)
        if closure.closed:
            return self._("Closed today: {holiday}.").format(holiday=reason)
        if closure.hours is None:
            return ""
        opens, closes = closure.hours
        return self._("Shorter opening hours today: {hours} ({reason}).").format(
            hours=f"{tr.time(opens)}–{tr.time(closes)}", reason=reason)

    def _waiting(self, letter: str) -> str:
        state = self.queues.get(letter)
        n = state.waiting if state else 0
        if n == 0:
            return self._("Nobody is waiting.")
        return self.app.i18n.ngettext("{n} person waiting.", "{n} people waiting.",
                                      n).format(n=n)

    def _estimate(self, letter: str) -> str:
        state = self.queues.get(letter)
        est = state.estimate if state else None
        if est is None:
            return self._("No wait estimate yet.")
        return self._("Expected wait: {low}–{high} minutes.").format(low=est.low_minutes,
                                                                     high=est.high_minutes)

    def _matter(self, c, symbol) -> None:
        a = c.availability
        self.add(TitleLabel(text=f"{c.letter}  ·  {self.tx(c.name)}"))
        if not a.is_open:
            self._closed(c)
            return
        if a.closure is not None:  # open, but shorter than usual today
            self.para(self._closure_line(a), bold=True)
        box = self.card()
        self.para(self._waiting(c.letter), box, bold=True)
        if self.queues.get(c.letter) and self.queues[c.letter].waiting:
            self.para(self._estimate(c.letter), box)
        if c.prepare:
            self.para(self.tx(c.prepare), bold=True)
        self.button(self._("Take a ticket"), lambda: self._issue(c.letter, False, symbol),
                    cls=PrimaryButton)
        if c.priority_offered:
            self.button(self._("Priority ticket: pregnancy or disability"),
                        lambda: self._issue(c.letter, True, symbol))
        self.button(self._("Back"), self.app.back)

    def _closed(self, c) -> None:
        tr, a = self.app.i18n, c.availability
        if a.closure is not None and a.closure.closed:
            # a public holiday or an office closure: named, not only "no tickets today"
            self.para(self._closure_line(a), bold=True, color=self.app.pal.WARN)
        else:
            self.para(self._(CLOSED_LINES.get(a.reason, CLOSED_LINES["closed_today"])),
                      bold=True, color=self.app.pal.WARN)
            if a.closure is not None:
                self.para(self._closure_line(a))
        if a.reason == "after_cutoff" and a.last_ticket_at:
            self.para(self._("The last ticket is given at {time}.").format(
                time=tr.time(a.last_ticket_at)))
        if a.next_opening:
            when = a.next_opening.replace(tzinfo=None)
            if when.date() == self.app.today().date():
                text = self._("today at {time}").format(time=tr.time(when.time()))
            else:
                text = self._("{weekday} at {time}").format(
                    weekday=tr.weekday(when.weekday()), time=tr.time(when.time()))
            self.para(self._("Next tickets: {when}.").format(when=text))
        if a.hours:
            box = self.card()
            self.heading(self._("When"), box)
            for line in week_lines(a.hours, tr):
                self.para(line, box)
        if a.booking_url:
            box = self.card()
            self.heading(self._("Book a visit online"), box)
            self.para(a.booking_url, box)
            box.add_widget(QRCode(data=a.booking_url, pos_hint={"center_x": 0.5}))
            self.small(self._("Scan with your phone."), box)
        self.button(self._("Back"), self.app.back, cls=PrimaryButton)

    # --- issuing ---------------------------------------------------------------------------
    def _issue(self, letter: str, priority: bool, symbol: str | None) -> None:
        self.clear()
        self.add(TitleLabel(text=self._("Please wait a moment.")))
        self._in_background("queue-issue", lambda q: q.issue(letter, priority=priority),
                            lambda ticket: self._issued(ticket, symbol))

    def _issued(self, ticket, symbol) -> None:
        self.app.core.usage.ticket_issued(ticket.letter, ticket.priority)
        # Back from the ticket must not lead to "take a ticket" again: the visit moves on.
        self.app.history.pop()
        self.app.go("printing", what="ticket", ticket=ticket, symbol=symbol, job=new_job())


def _categories_and_queues(queue):
    """The letters offered now, and how many wait in each (one round trip to the queue DB)."""
    return queue.categories(), {c.letter: c for c in queue.status().categories}


SCREEN = TicketScreen
load_kv(__file__)
