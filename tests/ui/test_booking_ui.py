"""Mam rezerwację by touch (issue 24, part 2): from the ticket list to the code pad, a wrong
code answered plainly, then the six digits of a visit booked online giving a ticket marked as
booked, on screen and on paper."""

from __future__ import annotations

import datetime as dt
import os

from kiosk.queue.bookings import BookingRecord
from printer.escpos_decode import decode
from screens.search import KeyButton

# The refusal on screen, typed by touch, in the slow lane (each refusal is tested on the
# service, and its words in Polish, English and Ukrainian by `kiosk i18n coverage`).
SLOW = os.environ.get("KIOSK_SLOW") == "1"


def _pad_key(screen, ch: str):
    return next(w for w in screen.ids.keyboard.walk(restrict=True)
                if isinstance(w, KeyButton) and w.text == ch)


def _type(kiosk, screen, digits: str) -> None:
    for ch in digits:
        kiosk.tap(_pad_key(screen, ch))


def test_a_booked_visit_checks_in_with_its_code_typed_by_touch(kiosk):
    core = kiosk.app.core
    # Booked online for 10:15 today (the window's clock says Tuesday 10:00), matter F.
    today = kiosk.now["value"].date()
    core.queue.bookings.import_records([BookingRecord(
        code="482913", date=today, time=dt.time(10, 15), category="F")], "test")
    folder = core.printer.preview_dir
    before = set(folder.glob("*-ticket.bin")) if folder.exists() else set()

    kiosk.tap("Pobierz bilet do kolejki")
    kiosk.wait_until(lambda: any(getattr(w, "title", "") == "Mam rezerwację"
                                 for w in kiosk.widgets()))
    kiosk.tap("Mam rezerwację")
    assert kiosk.screen == "booking"
    screen = kiosk.app.manager.current_screen
    _type(kiosk, screen, "48291")
    kiosk.tap(screen.ids.confirm)
    assert screen.answer == "Wpisz wszystkie sześć cyfr kodu."
    assert screen.ids.slots.code == "48291"
    assert kiosk.clipped() == []
    kiosk.screenshot("booking-code")

    if SLOW:  # a code nobody booked: said plainly, and the pad is there to try again
        kiosk.tap(_pad_key(screen, "‹ Usuń"))
        assert screen.answer == "" and screen.code == "4829"
        _type(kiosk, screen, "44")
        kiosk.tap(screen.ids.confirm)
        kiosk.wait_until(lambda: screen.answer.startswith("Nie znaleźliśmy tego kodu."))
        assert "Nie można wydać biletu" in kiosk.texts()
        assert kiosk.clipped() == []
        kiosk.screenshot("booking-wrong-code")
        kiosk.tap("Wpisz kod ponownie")
        assert screen.code == "" and screen.answer == ""
        _type(kiosk, screen, "48291")

    _type(kiosk, screen, "3")
    kiosk.tap(screen.ids.confirm)
    kiosk.wait_until(lambda: kiosk.screen == "printing")
    printing = kiosk.app.manager.get_screen("printing")
    kiosk.wait_until(lambda: printing.results
                     and all(r is not None for r in printing.results.values()))
    kiosk.frames(3)
    ticket = printing.params["ticket"]
    assert ticket.letter == "F" and ticket.booked_at.time() == dt.time(10, 15)
    texts = kiosk.texts()
    assert "Umówiona wizyta: 10:15" in texts and f"F {ticket.code[1:]}" in texts
    assert kiosk.clipped() == []
    kiosk.screenshot("booking-ticket")
    (job,) = set(folder.glob("*-ticket.bin")) - before
    paper = decode(job.read_bytes(), core.printer.model.codepages)
    assert "Umówiona wizyta: 10:15" in paper.lines
    # The code is used: Back does not lead to the pad again, and the code gives no more.
    (row,) = core.queue.bookings.on(today)
    assert row.ticket_code == ticket.code
    kiosk.tap("Gotowe")
    assert kiosk.screen == "home"
