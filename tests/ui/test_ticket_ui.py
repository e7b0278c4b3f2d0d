"""Taking a queue ticket by touch: from Home, from a guide, with the printer out of paper,
when the matter is closed for the day, and when the queue database cannot be reached."""

from __future__ import annotations

import dataclasses
import datetime as dt

from printer.escpos_decode import decode
from screens.widgets import QRCode
from tests.printer_peer import LoopbackPrinter
from tests.ui.test_printing_ui import _network_printer, _printer_raises, _result_shown


def _queue(kiosk):
    return kiosk.app.core.queue


def _ticket_list_shown(kiosk):
    kiosk.wait_until(lambda: any("  ·  " in (getattr(w, "title", "") or "")
                                 for w in kiosk.widgets() if kiosk._in_current_screen(w)))


def _matter_shown(kiosk):
    kiosk.wait_until(lambda: "Pobierz bilet" in kiosk.texts()
                     or any("biletów" in t for t in kiosk.texts()))


def _take(kiosk, letter: str, shot: str | None = None) -> None:
    kiosk.tap("Pobierz bilet do kolejki")
    assert kiosk.screen == "ticket"
    _ticket_list_shown(kiosk)
    if shot:
        assert kiosk.clipped() == []
        kiosk.screenshot(shot)
    kiosk.tap(kiosk.find(f"{letter}  ·  "))
    _matter_shown(kiosk)


def _printed_jobs(kiosk):
    folder = kiosk.app.core.printer.preview_dir
    return set(folder.glob("*-ticket.bin")) if folder.exists() else set()


def test_take_a_ticket_from_home_by_touch(kiosk):
    before = _printed_jobs(kiosk)
    waiting_before = {c.letter: c.waiting for c in _queue(kiosk).status().categories}["B"]
    _take(kiosk, "B", shot="ticket-choose")
    assert "Dowody osobiste i meldunki" in " ".join(kiosk.texts())
    kiosk.tap("Pobierz bilet")
    kiosk.wait_until(lambda: kiosk.screen == "printing")
    kiosk.wait_until(_result_shown(kiosk))
    kiosk.frames(3)
    texts = kiosk.texts()
    assert "Weź bilet z otworu poniżej." in texts
    code = next(t for t in texts if t.startswith("B "))
    ticket = kiosk.app.manager.get_screen("printing").params["ticket"]
    assert code == f"B {ticket.code[1:]}" and ticket.people_ahead == waiting_before
    assert kiosk.clipped() == []
    kiosk.screenshot("ticket-taken")
    (job,) = _printed_jobs(kiosk) - before
    paper = decode(job.read_bytes(), kiosk.app.core.printer.model.codepages)
    assert code in paper.lines and "Twój numer" in paper.lines
    # Taken from Home, for no matter in particular: no QR code (the office's home page would
    # not tell the resident what to bring; issue 19, defect 8).
    assert paper.cuts == 1 and paper.qr_payloads == []
    assert _queue(kiosk).ticket(ticket.id).printed
    kiosk.tap("Gotowe")
    assert kiosk.screen == "home"


def test_from_a_guide_the_matter_is_preselected_and_people_ahead_are_counted(kiosk):
    core = kiosk.app.core
    g = core.content.guide("USC I")
    letter = g.queue_letter
    ahead = _queue(kiosk).issue(letter)  # someone took a ticket a moment ago
    kiosk.app.go("guide", symbol=g.symbol, step=5)
    kiosk.frames(3)
    kiosk.tap("Pobierz bilet do kolejki")
    _matter_shown(kiosk)
    assert any(t.startswith(f"{letter}  ·  ") for t in kiosk.texts())
    kiosk.tap("Pobierz bilet")
    kiosk.wait_until(lambda: kiosk.screen == "printing")
    kiosk.wait_until(_result_shown(kiosk))
    ticket = kiosk.app.manager.get_screen("printing").params["ticket"]
    assert ticket.number == ahead.number + 1 and ticket.people_ahead >= 1
    kiosk.frames(3)
    assert any(t.startswith("Przed Tobą czek") for t in kiosk.texts())
    # Back does not lead to "take a ticket" again: it returns to the guide.
    kiosk.tap("Wstecz")
    assert kiosk.screen == "guide"


def test_printer_out_of_paper_the_ticket_stays_valid_and_is_shown_on_screen(kiosk):
    with LoopbackPrinter("paper_out") as peer, _network_printer(kiosk, peer):
        _take(kiosk, "E")
        kiosk.tap("Pobierz bilet")
        kiosk.wait_until(lambda: kiosk.screen == "printing")
        kiosk.wait_until(_result_shown(kiosk))
        kiosk.frames(3)
        texts = kiosk.texts()
        ticket = kiosk.app.manager.get_screen("printing").params["ticket"]
        assert "Nie udało się wydrukować." in texts
        assert "W drukarce skończył się papier. Obsługa już o tym wie." in texts
        assert "Twój bilet jest ważny. Zapamiętaj swój numer:" in texts
        assert f"E {ticket.code[1:]}" in texts
        # From Home there is no matter, so no code that would open a page about nothing.
        assert not [w for w in kiosk.widgets()
                    if isinstance(w, QRCode) and kiosk._in_current_screen(w)]
        kiosk.screenshot("ticket-paper-out")
        assert peer.received_print_bytes == b""
    view = _queue(kiosk).ticket(ticket.id)
    assert view.status == "waiting" and not view.printed  # valid, and staff can see why
    called = _queue(kiosk).call_next(99, ["E"])
    while called is not None and called.id != ticket.id:
        called = _queue(kiosk).call_next(99, ["E"])
    assert called is not None and called.code == ticket.code
    _queue(kiosk).served(99)


def test_without_paper_the_code_on_screen_opens_the_tickets_own_live_page(kiosk, monkeypatch):
    """With the live queue site configured, the QR code shown in place of the paper is the
    ticket's page (followed on the phone), not a guide link."""
    jobs = kiosk.app.core.printing
    site = dataclasses.replace(jobs.config.web, public_url="https://kolejka.piotrkow.example/")
    monkeypatch.setattr(jobs, "config", dataclasses.replace(jobs.config, web=site))
    with LoopbackPrinter("paper_out") as peer, _network_printer(kiosk, peer):
        _take(kiosk, "E")
        kiosk.tap("Pobierz bilet")
        kiosk.wait_until(lambda: kiosk.screen == "printing")
        kiosk.wait_until(_result_shown(kiosk))
        kiosk.frames(3)
        ticket = kiosk.app.manager.get_screen("printing").params["ticket"]
        [qr] = [w for w in kiosk.widgets() if isinstance(w, QRCode)
                and kiosk._in_current_screen(w)]
        assert ticket.token and qr.data == f"https://kolejka.piotrkow.example/t/{ticket.token}"
        assert ticket.code not in qr.data  # the page is found by its token, never by number


def test_a_printer_that_raises_the_ticket_stays_valid_and_is_shown_on_screen(
        kiosk, monkeypatch):
    """An exception while printing (not a printer state the service foresaw) ends like any
    printer fault: a plain message, the ticket in large type, staff told."""
    _printer_raises(kiosk, monkeypatch)
    alerts = kiosk.app.core.alerts
    try:
        _take(kiosk, "E")
        kiosk.tap("Pobierz bilet")
        kiosk.wait_until(lambda: kiosk.screen == "printing")
        kiosk.wait_until(_result_shown(kiosk))  # never "Drukujemy..." for ever
        kiosk.frames(3)
        texts = kiosk.texts()
        ticket = kiosk.app.manager.get_screen("printing").params["ticket"]
        assert "Drukujemy..." not in texts
        assert "Nie udało się wydrukować." in texts
        assert "Drukarka teraz nie działa. Obsługa już o tym wie." in texts
        assert "Twój bilet jest ważny. Zapamiętaj swój numer:" in texts
        assert f"E {ticket.code[1:]}" in texts
        # From Home there is no matter, so no code that would open a page about nothing.
        assert not [w for w in kiosk.widgets()
                    if isinstance(w, QRCode) and kiosk._in_current_screen(w)]
        kiosk.wait_until(lambda: ("printer", "error") in [(a.source, a.kind)
                                                          for a in alerts.open()])
        kiosk.screenshot("ticket-printer-raised")
    finally:
        alerts.clear("printer")
    view = _queue(kiosk).ticket(ticket.id)
    assert view.status == "waiting" and not view.printed  # valid: a desk will call it
    called = _queue(kiosk).call_next(99, ["E"])
    while called is not None and called.id != ticket.id:
        called = _queue(kiosk).call_next(99, ["E"])
    assert called is not None and called.code == ticket.code
    _queue(kiosk).served(99)
    kiosk.tap("Gotowe")
    assert kiosk.screen == "home"


def test_after_the_cut_off_the_kiosk_says_so_and_offers_booking(kiosk):
    kiosk.now["value"] = dt.datetime(2026, 11, 24, 20, 30)  # Tuesday evening
    issued = {c.letter: c.issued for c in _queue(kiosk).status().categories}
    _take(kiosk, "C")
    texts = kiosk.texts()
    assert "Pobierz bilet" not in texts
    assert "Dziś nie wydajemy już biletów do tej sprawy." in texts
    assert any(t.startswith("Kolejne bilety: ") for t in texts)
    assert "Umów wizytę przez internet" in texts
    assert [w for w in kiosk.widgets() if isinstance(w, QRCode) and kiosk._in_current_screen(w)]
    assert kiosk.clipped() == []
    kiosk.screenshot("ticket-closed")
    assert {c.letter: c.issued for c in _queue(kiosk).status().categories} == issued


def test_an_unreachable_queue_database_is_said_plainly(kiosk):
    core = kiosk.app.core
    saved_cfg, saved_queue = core.config, core._queue
    bad = dataclasses.replace(core.config.queue,
                              url="postgresql+psycopg://kiosk@127.0.0.1:1/queue")
    core.config, core._queue = dataclasses.replace(core.config, queue=bad), None
    try:
        kiosk.tap("Pobierz bilet do kolejki")
        kiosk.wait_until(lambda: "Teraz nie możemy wydać biletu." in kiosk.texts())
        assert ("queue", "unreachable") in [(a.source, a.kind) for a in core.alerts.open()]
        kiosk.tap("Ekran startowy")
        assert kiosk.screen == "home"
    finally:
        core.config, core._queue = saved_cfg, saved_queue
        core.alerts.clear("queue")
