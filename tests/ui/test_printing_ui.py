"""Printing an information card by touch: success, a printer fault, a slow printer."""

from __future__ import annotations

import time
from contextlib import contextmanager

from kiosk.config import PrinterConfig
from kiosk.printing.service import PrinterService
from printer.escpos_decode import decode
from screens.widgets import CheckRow
from tests.printer_peer import LoopbackPrinter

SYMBOL = "USC I"


def _walk_to_summary(kiosk, tick_first: bool = True):
    g = kiosk.app.core.content.guide(SYMBOL)
    kiosk.tap(g.category_name.pl)
    kiosk.tap(g.title.pl)
    kiosk.tap("Dalej")
    if tick_first:
        kiosk.tap([w for w in kiosk.widgets() if isinstance(w, CheckRow)][0])
    for _ in range(4):
        kiosk.tap("Dalej")
    assert "Krok 6 z 6" in kiosk.texts()
    return g


def _result_shown(kiosk):
    screen = kiosk.app.manager.get_screen("printing")
    return lambda: screen.results and all(r is not None for r in screen.results.values())


@contextmanager
def _network_printer(kiosk, peer, **kw):
    core = kiosk.app.core
    jobs = core.printing  # the screens print through it; it holds the printer it was made with
    saved = core.printer, jobs.printer
    cfg = PrinterConfig(kind="network", host=peer.host, port=peer.port, connect_timeout=1.0,
                        **{"status_timeout": 0.5, "job_timeout": 10.0, **kw})
    core.printer = jobs.printer = PrinterService(cfg, core.config.paths.data_dir,
                                                 alerts=core.alerts)
    try:
        yield core.printer
    finally:
        core.printer, jobs.printer = saved
        core.alerts.clear("printer")


def test_print_card_from_the_summary_with_the_resident_checklist(kiosk):
    printouts = kiosk.app.core.printer.preview_dir
    before = set(printouts.glob("*.bin")) if printouts.exists() else set()
    g = _walk_to_summary(kiosk)
    kiosk.tap("Drukuj kartę informacyjną")
    assert kiosk.screen == "printing"
    kiosk.wait_until(_result_shown(kiosk))
    kiosk.frames(3)
    assert "Weź kartę z otworu poniżej." in kiosk.texts()
    assert kiosk.clipped() == []
    kiosk.screenshot("printing-done")
    (job,) = set(printouts.glob("*.bin")) - before
    paper = decode(job.read_bytes(), kiosk.app.core.printer.model.codepages)
    text = " ".join(paper.lines)
    assert "Karta informacyjna" in paper.lines and g.symbol in paper.lines
    assert "[x] " + g.documents[0].name.pl.split()[0] in text
    required = [d for d in g.documents if not d.optional]
    assert paper.text.count("BRAKUJE") == len(required) - 1
    assert job.with_suffix(".png").exists()
    kiosk.tap("Wstecz")
    assert kiosk.screen == "guide" and "Krok 6 z 6" in kiosk.texts()


def test_out_of_paper_is_said_plainly_staff_are_told_and_the_kiosk_goes_on(kiosk):
    with LoopbackPrinter("paper_out") as peer, _network_printer(kiosk, peer):
        _walk_to_summary(kiosk, tick_first=False)
        kiosk.tap("Drukuj kartę informacyjną")
        kiosk.wait_until(_result_shown(kiosk))
        kiosk.frames(3)
        texts = kiosk.texts()
        assert "Nie udało się wydrukować." in texts
        assert "W drukarce skończył się papier. Obsługa już o tym wie." in texts
        assert [(a.source, a.kind) for a in kiosk.app.core.alerts.open()] == [
            ("printer", "paper_out")]
        assert peer.received_print_bytes == b""
        kiosk.screenshot("printing-paper-out")
        kiosk.tap("Ekran startowy")
        assert kiosk.screen == "home"


def test_a_slow_printer_never_freezes_the_screen_and_nothing_prints_twice(kiosk):
    # Each status answer takes 1.2 s: the job takes about 4 s in all.
    with LoopbackPrinter("slow", delay=1.2) as peer, _network_printer(
            kiosk, peer, status_timeout=3.0):
        _walk_to_summary(kiosk, tick_first=False)
        kiosk.tap("Drukuj kartę informacyjną")
        assert "Drukujemy..." in kiosk.texts()
        # While the printer thinks, the window keeps drawing and answering touches.
        started, frames = time.monotonic(), 0
        while time.monotonic() - started < 0.5:
            kiosk.loop.idle()
            frames += 1
        assert frames > 5
        kiosk.app.set_lang("en")
        kiosk.frames(2)
        assert "Printing..." in kiosk.texts()
        kiosk.wait_until(_result_shown(kiosk))
        kiosk.frames(3)
        assert "Take your card from the slot below." in kiosk.texts()
        kiosk.app.set_lang("uk")
        kiosk.frames(2)
        assert "Візьміть картку з отвору внизу." in kiosk.texts()
        jobs = peer.wait_for_jobs(1)
        time.sleep(0.2)
        assert len(peer.print_jobs) == 1 and jobs


def test_leaving_while_printing_is_fine(kiosk):
    with LoopbackPrinter("slow", delay=1.0) as peer, _network_printer(
            kiosk, peer, status_timeout=3.0):
        _walk_to_summary(kiosk, tick_first=False)
        kiosk.tap("Drukuj kartę informacyjną")
        kiosk.tap("Ekran startowy")
        assert kiosk.screen == "home"
        kiosk.wait_until(_result_shown(kiosk))
        kiosk.frames(3)
        assert kiosk.screen == "home"  # the late result does not pull the resident back


def _printer_raises(kiosk, monkeypatch):
    """The printer path raises instead of answering with a PrintResult (a driver bug, a
    library fault): nothing the printer service foresaw."""
    def boom(_doc):
        raise RuntimeError("the driver fell over")

    monkeypatch.setattr(kiosk.app.core.printing.printer, "print_document", boom)


def test_a_printer_that_raises_is_said_plainly_staff_are_told_and_the_kiosk_goes_on(
        kiosk, monkeypatch):
    _printer_raises(kiosk, monkeypatch)
    alerts = kiosk.app.core.alerts
    try:
        _walk_to_summary(kiosk, tick_first=False)
        kiosk.tap("Drukuj kartę informacyjną")
        kiosk.wait_until(_result_shown(kiosk))  # never "Drukujemy..." for ever
        kiosk.frames(3)
        texts = kiosk.texts()
        assert "Drukujemy..." not in texts
        assert "Nie udało się wydrukować." in texts
        assert "Drukarka teraz nie działa. Obsługa już o tym wie." in texts
        assert "Zapytaj w punkcie informacyjnym. Pracownicy chętnie pomogą." in texts
        kiosk.wait_until(lambda: [(a.source, a.kind) for a in alerts.open()] == [
            ("printer", "error")])
        assert "RuntimeError: the driver fell over" in alerts.open()[0].detail
        kiosk.tap("Wstecz")
        assert kiosk.screen == "guide" and "Krok 6 z 6" in kiosk.texts()
    finally:
        alerts.clear("printer")
