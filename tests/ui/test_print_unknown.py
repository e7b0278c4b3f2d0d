"""A printout the printer never confirmed (issue 18, defect 9), by touch in the real window.

The job went out whole, but the printer did not answer afterwards: the kiosk does not say
"take your ticket", nor "we could not print". It says it does not know, shows the ticket in
large type with its QR code exactly as on a fault, and staff get an alert.
"""

from __future__ import annotations

from screens.widgets import QRCode
from tests.printer_peer import LoopbackPrinter
from tests.ui.test_printing_ui import _network_printer, _result_shown, _walk_to_summary
from tests.ui.test_ticket_ui import _queue, _take


def test_a_ticket_the_printer_never_confirmed_is_shown_on_screen_and_staff_are_told(kiosk):
    alerts = kiosk.app.core.alerts
    with LoopbackPrinter("silent") as peer, _network_printer(kiosk, peer):
        _take(kiosk, "E")
        kiosk.tap("Pobierz bilet")
        kiosk.wait_until(lambda: kiosk.screen == "printing")
        kiosk.wait_until(_result_shown(kiosk))
        kiosk.frames(3)
        texts = kiosk.texts()
        ticket = kiosk.app.manager.get_screen("printing").params["ticket"]
        assert "Weź bilet z otworu poniżej." not in texts
        assert "Nie wiemy, czy bilet się wydrukował." in texts
        assert "Sprawdź otwór poniżej. Obsługa już o tym wie." in texts
        assert "Nie udało się wydrukować." not in texts  # it may well have printed
        assert "Twój bilet jest ważny. Zapamiętaj swój numer:" in texts
        assert f"E {ticket.code[1:]}" in texts
        # Taken from Home: no matter, so no QR code (issue 19, defect 8).
        assert not [w for w in kiosk.widgets()
                    if isinstance(w, QRCode) and kiosk._in_current_screen(w)]
        assert [(a.source, a.kind) for a in alerts.open()] == [("printer", "unknown")]
        assert kiosk.clipped() == []
        kiosk.screenshot("ticket-print-unknown")
        intro = kiosk.app.manager.get_screen("printing").audio_intro()
        assert intro.startswith("Nie wiemy, czy bilet się wydrukował.") and ticket.code in intro
        peer.wait_for_jobs(1)
        assert len(peer.print_jobs) == 1  # sent once, never again
        kiosk.app.set_lang("uk")
        kiosk.frames(2)
        assert "Ми не знаємо, чи надрукувався талон." in kiosk.texts()
        kiosk.app.set_lang("en")
        kiosk.frames(2)
        assert "We do not know if your ticket printed." in kiosk.texts()
        assert "Check the slot below. Staff have been told." in kiosk.texts()
        kiosk.app.set_lang("pl")
        kiosk.frames(2)
        kiosk.tap("Gotowe")
        assert kiosk.screen == "home"
    view = _queue(kiosk).ticket(ticket.id)
    assert view.status == "waiting" and not view.printed  # valid; not confirmed on paper
    called = _queue(kiosk).call_next(99, ["E"])
    while called is not None and called.id != ticket.id:
        called = _queue(kiosk).call_next(99, ["E"])
    assert called is not None and called.code == ticket.code
    _queue(kiosk).served(99)


def test_a_card_dropped_after_the_whole_job_says_it_is_not_known(kiosk):
    alerts = kiosk.app.core.alerts
    with LoopbackPrinter("hangup") as peer, _network_printer(kiosk, peer):
        _walk_to_summary(kiosk, tick_first=False)
        kiosk.tap("Drukuj kartę informacyjną")
        kiosk.wait_until(_result_shown(kiosk))
        kiosk.frames(3)
        texts = kiosk.texts()
        assert "Nie wiemy, czy karta się wydrukowała." in texts
        assert "Sprawdź otwór poniżej. Obsługa już o tym wie." in texts
        assert "Nie udało się wydrukować." not in texts
        assert [(a.source, a.kind) for a in alerts.open()] == [("printer", "unknown")]
        kiosk.tap("Wstecz")
        assert kiosk.screen == "guide" and "Krok 6 z 6" in kiosk.texts()
