"""The one optional question at the end of a guide and after a ticket: "Did this help you?"
with Yes / Partly / No, then, after Partly or No, reasons as buttons (never
free text). An inline card on the screen, not a pop-up: the resident may ignore it, and every
other button, the idle reset and audio mode (its buttons are ordinary list items) work as ever.

The answer lives in the resident's session, so a language switch or Back shows it as given;
the screen records it through the core (`core.usage`), never the widgets.
"""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout

from kiosk.i18n import N_
from screens.base import load_kv
from screens.widgets import KButton, PrimaryButton

# Neutral in every language: "Czy znalazłeś…" spoke to men only.
QUESTION = N_("Did this help you?")
ANSWERS = (("yes", N_("Yes")), ("partly", N_("Partly")), ("no", N_("No")))
REASONS = {
    "guide": (("missing_info", N_("Some information is missing")),
              ("hard_to_understand", N_("It is hard to understand")),
              ("matter_not_found", N_("My matter is not here")),
              ("other", N_("Another reason"))),
    "ticket": (("long_wait", N_("The wait is too long")),
               ("matter_not_found", N_("My matter is not here")),
               ("hard_to_understand", N_("It is hard to understand")),
               ("other", N_("Another reason"))),
}


class AnswerRow(GridLayout):
    """Three big answers side by side (one under another with large text)."""

    holds_screen_widgets = True


def add_panel(screen, context: str, symbol: str | None, ref=None, parent=None) -> None:
    """Add the question card to `screen` (a KioskScreen) for this guide or ticket; `ref` tells
    one ticket from another in the session (the guide's symbol by default)."""
    box = screen.card(parent)
    _fill(screen, box, context, symbol, (context, ref if ref is not None else symbol))


def _fill(screen, box, context, symbol, key, said: str = "") -> None:
    """(Re)build the card alone: the screen keeps its scroll position and audio focus."""
    app, _ = screen.app, screen._
    box.clear_widgets()
    screen.heading(_(QUESTION), box)
    answer = app.session.answers.get(key)
    focus = None
    if answer is None:
        screen.small(_("You can skip this question."), box)
        row = screen.add(screen.take(AnswerRow, cols=3 if app.font_scale < 1.5 else 1), box)
        for code, label in ANSWERS:
            screen.button(_(label), lambda c=code: _answer(screen, box, context, symbol, key, c),
                          row, cls=PrimaryButton)
    else:
        focus = screen.para(_("Thank you for your answer."), box, bold=True)
        if answer != "yes":
            screen.small(_("What was wrong? Tap any that apply, or skip."), box)
            chosen = app.session.reasons.get(key, set())
            for code, label in REASONS[context]:
                # Chosen reasons say so in words and stay readable (a disabled button's grey
                # text would fail the contrast rules and drop out of audio mode's list).
                text = _(label)
                if code in chosen:
                    text = _("Chosen: {label}").format(label=text)
                screen.button(text, lambda c=code: _reason(screen, box, context, symbol, key, c),
                              box, cls=PrimaryButton if code in chosen else KButton)
    if said:
        app.audio.items_changed(focus=focus, say=said)


def _answer(screen, box, context, symbol, key, answer: str) -> None:
    app = screen.app
    if key in app.session.answers:
        return  # one answer per guide or ticket
    app.session.answers[key] = answer
    app.core.usage.satisfaction(context, symbol, answer)
    _fill(screen, box, context, symbol, key, said=screen._("Thank you for your answer."))


def _reason(screen, box, context, symbol, key, reason: str) -> None:
    app = screen.app
    chosen = app.session.reasons.setdefault(key, set())
    if reason in chosen:
        return
    chosen.add(reason)
    app.core.usage.satisfaction_reason(context, symbol, reason)
    _fill(screen, box, context, symbol, key, said=screen._("Thank you for your answer."))


load_kv(__file__)
