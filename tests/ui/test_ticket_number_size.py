"""The issued ticket's number on screen is as large as on the paper (issue 19, defect 9): it
was drawn at body size (about 30 px) because the size given to the label lost to the label
rule's own. Measured on the texture the real window draws, beside the body text, with the
matter's name and the people ahead on the same card."""

from __future__ import annotations

import pytest

from kiosk.printing.layouts import spaced_code
from screens.widgets import Card, KLabel
from tests.ui.test_printing_ui import _result_shown


def _issue(kiosk, letter: str = "B"):
    kiosk.tap("Pobierz bilet do kolejki")
    kiosk.wait_until(lambda: any("  ·  " in (getattr(w, "title", "") or "")
                                 for w in kiosk.widgets() if kiosk._in_current_screen(w)))
    kiosk.tap(kiosk.find(f"{letter}  ·  "))
    kiosk.wait_until(lambda: "Pobierz bilet" in kiosk.texts())
    kiosk.tap("Pobierz bilet")
    kiosk.wait_until(lambda: kiosk.screen == "printing")
    kiosk.wait_until(_result_shown(kiosk))
    kiosk.frames(3)
    return kiosk.app.manager.get_screen("printing").params["ticket"]


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_the_ticket_number_is_at_least_three_times_the_body_text(kiosk, scale):
    if scale != 1.0:
        kiosk.tap("Ułatwienia")
        kiosk.tap(kiosk.find("Bardzo duży tekst"))
        kiosk.tap(kiosk.find("Wstecz"))
    ticket = _issue(kiosk)
    code = spaced_code(ticket.code)
    labels = [w for w in kiosk.widgets() if isinstance(w, KLabel) and kiosk._in_current_screen(w)]
    number = next(w for w in labels if w.text == code)
    body = next(w for w in labels if w.text == "Twój numer")  # a body line of the same card
    assert number.texture_size[1] >= 3 * body.texture_size[1], (
        number.texture_size, number.font_size, body.texture_size)
    assert number.texture_size[1] < 2 * number.font_size  # on one line, whole
    assert kiosk.on_screen(number)
    # The matter and the people ahead on the same card, under the number.
    card = number.parent
    assert isinstance(card, Card)
    texts = [w.text for w in card.children if isinstance(w, KLabel)]
    assert ticket.name.pl in texts
    assert any("przed tobą" in t.lower() for t in texts), texts
    kiosk.screenshot("ticket-number-large" if scale == 1.0 else "ticket-number-large-x2")
    kiosk.tap("Gotowe")
