"""The procedure guide: one short screen per question, then a summary.

Steps follow the office's own plain-language headings: what it is and who may apply; what to
prepare (a checklist the resident ticks); how much it costs; where to go and when; how long it
takes and how to appeal; a summary with what is still missing.
"""

from __future__ import annotations

from functools import partial

from kiosk.content.places import open_now_line, place_lines, today_hours_line
from kiosk.i18n import N_
from screens import satisfaction, theme
from screens.background import run_in_background
from screens.base import KioskScreen, load_kv
from screens.printing import new_job
from screens.widgets import CheckRow, PrimaryButton, TitleLabel

STEPS = ("about", "documents", "fees", "where", "time", "summary")
STEP_TITLES = {
    "about": N_("What is it and who may apply?"),
    "documents": N_("What do you need to prepare?"),
    "fees": N_("How much will you pay?"),
    "where": N_("Where do you go?"),
    "time": N_("How long will you wait? Can you appeal?"),
    "summary": N_("Summary"),
}


class GuideScreen(KioskScreen):
    reuse_widgets = True

    def crumb(self, symbol: str, step: int = 0) -> str:
        return symbol

    def render(self, symbol: str, step: int = 0) -> None:
        self.guide = g = self.app.core.content.guide(symbol)
        self._count_open(g.symbol)
        self.step = step = max(0, min(step, len(STEPS) - 1))
        self.ids.progress.text = self._("Step {n} of {total}").format(n=step + 1,
                                                                       total=len(STEPS))
        self.ids.prev_button.disabled = step == 0
        last = step == len(STEPS) - 1
        self.ids.next_button.text = (self._("Finish") if last else self._("Next") + "  ›")
        if STEPS[step] == "summary":
            self._count_completed(g)
        self.show_page(symbol=g.symbol, step=step)
        self.finish()
        if not last:  # read while the resident reads this one
            self.prepare(symbol=g.symbol, step=step + 1)

    def page_key(self, symbol: str, step: int = 0):
        name = STEPS[step]
        session = self.app.session
        if name == "documents":
            return ("guide", symbol, step, frozenset(session.ticked.get(symbol, ())))
        if name == "summary":
            key = ("guide", symbol)
            return ("guide", symbol, step, frozenset(session.ticked.get(symbol, ())),
                    session.answers.get(key), frozenset(session.reasons.get(key, ())))
        if name == "where":  # "open now" changes with the minute
            return ("guide", symbol, step, self.app.today().strftime("%Y-%m-%d %H:%M"))
        return ("guide", symbol, step)

    def fill(self, symbol: str, step: int = 0) -> None:
        g = self.app.core.content.guide(symbol)
        name = STEPS[step]
        self.add(self.take(TitleLabel, text=self.tx(g.title),
                           font_size=theme.FONT_HEADING * self.app.font_scale))
        self.small(f"{g.symbol} · {self._(STEP_TITLES[name])}")
        getattr(self, f"_step_{name}")(g)

    def _count_open(self, symbol: str) -> None:
        """Tell search that a resident opened this guide: once per resident and guide, since
        steps, Back and a language switch render it again. Written off the UI thread."""
        session = self.app.session
        if getattr(self, "_counted_for", None) is not session:
            self._counted_for, self._counted = session, set()
        if symbol in self._counted:
            return
        self._counted.add(symbol)
        self.app.core.usage.procedure_opened(symbol)
        search = self.app.core.search
        # Nobody waits for a counter: a failure is only logged, the guide goes on.
        run_in_background(lambda: search.record_open(symbol), name=f"search-open {symbol}",
                          done=None, error=None)

    # --- navigation within the guide -------------------------------------------------------
    def goto_step(self, step: int) -> None:
        # The step lives in the history entry, so a language switch or Back keeps the place.
        name, params = self.app.history[-1]
        self.app.history[-1] = (name, {**params, "step": step})
        self.show(**self.app.history[-1][1])

    def next_step(self) -> None:
        if self.step >= len(STEPS) - 1:
            self.app.home()
        else:
            self.goto_step(self.step + 1)

    def prev_step(self) -> None:
        self.goto_step(max(0, self.step - 1))

    # --- the steps ---------------------------------------------------------------------------
    def _step_about(self, g) -> None:
        self.para(self.tx(g.summary))
        who = self.card()
        self.heading(self._("Who may apply"), who)
        self.para(self.tx(g.who_may_apply), who)
        how = self.card()
        self.heading(self._("How it goes"), how)
        for i, text in enumerate(g.steps, start=1):
            self.para(f"{i}. {self.tx(text)}", how)
        if g.online_url:
            self.small(self._("You can also do it online: {url}").format(url=g.online_url))
        self.unconfirmed_note(g.unconfirmed, "symbol", "summary", "who_may_apply", "steps")

    def _step_documents(self, g) -> None:
        if not g.documents:
            self.para(self._("You do not need to bring any documents."))
            return
        self.para(self._("Tap each document you have with you."))
        for d in g.documents:
            detail = []
            if d.kind == "if_applies":
                detail.append(self._("Only if it applies to you."))
            if d.note:
                detail.append(self.tx(d.note))
            if d.form_code:
                detail.append(self._("Form: {code}").format(code=d.form_code))
            if d.kind == "desk":
                # The clerk prepares it: nothing to tick, never "missing".
                self._desk_document(self.tx(d.name), detail)
                continue
            row = self.take(CheckRow, text=self.tx(d.name), detail=" ".join(detail),
                            index=d.index)
            row.pool_action = partial(self._toggle, row, g.symbol)
            self._sync_row(row, g.symbol)
            self.add(row)
        self.unconfirmed_note(g.unconfirmed, "documents")

    def _desk_document(self, name: str, detail: list[str]) -> None:
        box = self.card()
        self.para(name, box)
        self.small(" ".join([self._("(prepared at the desk)"), *detail]), box)

    def _sync_row(self, row: CheckRow, symbol: str) -> None:
        row.checked = self.app.session.has(symbol, row.index)
        row.state_text = self._("I have it") if row.checked else self._("Missing")

    def _toggle(self, row: CheckRow, symbol: str) -> None:
        self.app.session.toggle(symbol, row.index)
        self._sync_row(row, symbol)
        # The page shown is the ticked one now: kept as such, not built again.
        self.ids.scroll.body.key = self._key({"symbol": symbol, "step": self.step})

    def _step_fees(self, g) -> None:
        tr = self.app.i18n
        if not g.fees:
            self.para(self._("This matter is free of charge."), bold=True)
        else:
            box = self.card()
            for f in g.fees:
                self.para(f"{self.tx(f.name)}: {tr.money(f.amount)}", box)
                if f.legal_basis:
                    self.small(f.legal_basis, box)
        self.unconfirmed_note(g.unconfirmed, "fees", "fee_exemptions", "payment_methods")
        if g.fee_exemptions:
            box = self.card()
            self.heading(self._("Who pays nothing"), box)
            self.para(self.tx(g.fee_exemptions), box)
        if g.payment_methods and g.fees:  # nothing to pay for a free matter
            box = self.card()
            self.heading(self._("How to pay"), box)
            self.para(self.tx(g.payment_methods), box)

    def _step_where(self, g) -> None:
        tr = self.app.i18n
        box = self.card()
        self.heading(self.tx(g.department.name), box)
        for line in place_lines(g.place, tr):
            self.para(line, box)
        self._ticket_letter(g, box)
        self.unconfirmed_note(g.unconfirmed + g.department.unconfirmed, "place", "department",
                              "building", "entrance", "floor", "room", parent=box)
        hours = self.card()
        self.heading(self._("When"), hours)
        now = self.app.today()
        is_open, status = open_now_line(g.department, now, tr)
        self.para(status, hours, bold=True,
                  color=self.app.pal.OK if is_open else self.app.pal.WARN)
        if g.department.hours:
            self.para(today_hours_line(g.department, now, tr), hours)
        self.unconfirmed_note(g.department.unconfirmed, "hours", parent=hours)
        if g.department.phones:
            self.para(self._("Phone: {numbers}").format(numbers=", ".join(g.department.phones)))

    def _ticket_letter(self, g, parent=None) -> None:
        """Which ticket to take, from the queue category itself: never typed in prose."""
        if not g.queue_letter:
            return
        name = self.tx(g.queue_name) if g.queue_name is not None else self.tx(g.department.name)
        self.para(self._("Ticket letter {letter}: {name}").format(letter=g.queue_letter,
                                                                  name=name), parent, bold=True)

    def _step_time(self, g) -> None:
        box = self.card()
        self.heading(self._("How long will you wait?"), box)
        self.para(self.tx(g.deadline), box)
        self.unconfirmed_note(g.unconfirmed, "deadline", parent=box)
        box = self.card()
        self.heading(self._("Can you appeal?"), box)
        if g.appeal:
            self.para(self._("Yes. You have {days} to appeal.").format(
                days=self.app.i18n.days(g.appeal.days)), box, bold=True)
            self.para(self._("To: {body}").format(body=self.tx(g.appeal.to)), box)
            if g.appeal.how:
                self.para(self.tx(g.appeal.how), box)
        else:
            self.para(self.tx(g.appeal_none) if g.appeal_none
                      else self._("There is no appeal in this matter."), box)
        self.unconfirmed_note(g.unconfirmed, "appeal", "appeal_none", parent=box)
        if g.legal_basis:
            box = self.card()
            self.heading(self._("Legal basis"), box)
            for line in g.legal_basis:
                self.small(line, box)
        if g.notes:
            box = self.card()
            self.heading(self._("Good to know"), box)
            self.para(self.tx(g.notes), box)

    def _missing(self, g) -> list[int]:
        # Only what the resident brings can be missing (not what the clerk prepares).
        return self.app.session.missing(g.symbol, [d.index for d in g.documents if d.brought])

    def _count_completed(self, g) -> None:
        if ("completed", g.symbol) not in self._counted:  # once per resident and guide
            self._counted.add(("completed", g.symbol))
            self.app.core.usage.guide_completed(
                g.symbol, [(i, g.documents[i].name.get("pl")) for i in self._missing(g)])

    def _step_summary(self, g) -> None:
        tr = self.app.i18n
        missing = self._missing(g)
        box = self.card()
        self.heading(self._("Documents"), box)
        if not g.documents:
            self.para(self._("You do not need to bring any documents."), box)
        elif missing:
            self.para(self._("You still need:"), box, bold=True,
                      color=self.app.pal.WARN)
            for i in missing:
                self.para("•  " + self.tx(g.documents[i].name), box)
        else:
            self.para(self._("You have all the required documents."), box, bold=True,
                      color=self.app.pal.OK)
        box = self.card()
        self.heading(self._("Fee"), box)
        if not g.fees:
            self.para(self._("Free of charge"), box)
        # Fees are listed, never summed: many are alternatives (a short or a full copy).
        for f in g.fees:
            self.para(f"{self.tx(f.name)}: {tr.money(f.amount)}", box)
        box = self.card()
        self.heading(self._("Where"), box)
        self.para(", ".join([self.tx(g.department.name), *place_lines(g.place, tr)]), box)
        self.small(self._("Information checked on {date}. Source: {url}").format(
            date=tr.date(g.last_reviewed), url=g.source_url))
        self.button(self._("Print information card"),
                    lambda: self.app.go("printing", what="card", symbol=g.symbol,
                                        job=new_job()), cls=PrimaryButton)
        self._ticket_letter(g)
        self.button(self._("Take a queue ticket"),
                    lambda: self.app.go("ticket", letter=g.queue_letter, symbol=g.symbol),
                    cls=PrimaryButton)
        satisfaction.add_panel(self, "guide", g.symbol)


SCREEN = GuideScreen
load_kv(__file__)
