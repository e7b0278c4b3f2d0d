"""Printing end to end: layouts to ESC/POS bytes, over a real TCP socket to a loopback printer
that answers status queries, and the bytes decoded back to what a resident reads on paper."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import PrinterConfig
from kiosk.ops.alerts import Alerts
from kiosk.printing.layouts import (
    PANGRAM_PL,
    PANGRAM_UK,
    TicketSlip,
    card_document,
    guide_link,
    printer_test_page,
    ticket_document,
)
from kiosk.printing.service import PrinterService
from kiosk.texts import LocalText
from printer.document import Document, Text
from printer.encoding import CodePages
from printer.escpos_decode import decode
from printer.escpos_out import encode
from printer.profiles import printer_model
from printer.status import PrinterState
from tests.printer_peer import LoopbackPrinter

NOW = dt.datetime(2026, 11, 24, 10, 5)
OFFICE = "Urząd Miasta Piotrkowa Trybunalskiego"
POLISH_LETTERS = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
UKRAINIAN_LETTERS = "ґєіїҐЄІЇ"


def _ticket(lang_texts: dict[str, str] | None = None, **kw) -> TicketSlip:
    matter = LocalText(**(lang_texts or {"pl": "Zażółć gęślą jaźń", "uk": PANGRAM_UK}))
    base = dict(code="A012", matter=matter, issued_at=NOW, people_ahead=3, wait_minutes=(10, 25),
                place="Sala obsługi, parter, stanowiska 1–6",
                prepare=LocalText(pl="Przygotuj dowód osobisty.", uk="Підготуйте паспорт."),
                qr_url="https://www.piotrkow.pl/bom/karta/USC-I")
    return TicketSlip(**{**base, **kw})


def _card(core, lang: str, *, have=frozenset({0}), symbol="USC I"):
    g = core.content.guide(symbol)
    return g, card_document(g, lang, OFFICE, have=have, now=NOW, revision="r-test")


def _model(profile="TM-T20II", paper=80):
    return printer_model(profile, paper)


def _printed(doc, model) -> tuple[list[str], object]:
    out = decode(encode(doc, model), model.codepages)
    return out.lines, out


def _network(peer, tmp_path, **kw) -> PrinterService:
    cfg = PrinterConfig(kind="network", host=peer.host, port=peer.port, connect_timeout=1.0,
                        status_timeout=0.3, job_timeout=kw.pop("job_timeout", 5.0), **kw)
    return PrinterService(cfg, tmp_path)


# --- what is on the paper ------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["pl", "uk"])
def test_card_bytes_decode_back_to_exactly_the_card_text(core, lang):
    g, doc = _card(core, lang)
    model = _model()
    lines, out = _printed(doc, model)
    expected = [line.rstrip() for line in doc.plain_text(model.columns).split("\n")
                if line.strip()]
    # A line with a letter no code page of the printer has (the Ukrainian apostrophe in
    # "Пʼятниця") is printed as a picture of itself, never with a "?".
    pages = CodePages(model.codepages)
    as_text = [line for line in expected if pages.plan(line) is not None]
    assert [line for line in lines if line] == as_text
    assert len(out.images) == len(expected) - len(as_text)
    assert g.title.get(lang).split()[0] in out.text
    assert out.qr_payloads == [g.online_url or g.source_url]
    assert out.cuts == 1 and not out.unknown
    if lang == "uk":
        assert any("\u0400" <= ch <= "\u04ff" for ch in out.text)  # Cyrillic in text mode
        assert 46 in out.codepage_switches  # CP1251 on a TM-T20II


def test_card_shows_what_the_resident_marked_missing(core):
    g, doc = _card(core, "pl", have=frozenset({0}))
    text = decode(encode(doc, _model())).text
    required = [d for d in g.documents if not d.optional]
    assert f"[x] {g.documents[0].name.pl[:20]}" in text.replace("\n", " ")
    missing = [d for d in required if d.index != 0]
    assert missing and text.count("BRAKUJE") == len(missing)


def test_every_polish_and_ukrainian_letter_prints_in_text_mode_on_a_tm_t20ii(core):
    doc = ticket_document(_ticket(), "uk", OFFICE)
    model = _model()
    lines, out = _printed(doc, model)
    text = out.text
    for ch in UKRAINIAN_LETTERS.lower():
        assert ch in text
    assert PANGRAM_UK in text.replace("\n", " ")
    assert "A 012" in lines and "?" not in text and not out.images
    pl_doc = ticket_document(_ticket(), "pl", OFFICE)
    pl = decode(encode(pl_doc, model),
                model.codepages)
    assert "Zażółć gęślą jaźń" in pl.lines
    assert set(POLISH_LETTERS.lower()[:9]) <= set(pl.text)
    assert pl.qr_payloads == ["https://www.piotrkow.pl/bom/karta/USC-I"]
    assert pl.cuts == 1


def test_a_printer_without_cyrillic_gets_ukrainian_as_pictures_never_question_marks():
    doc = ticket_document(_ticket(), "uk", OFFICE)
    model = _model("TM-T88IV-SA")  # CP437 only
    assert not any(p in model.codepages.values() for p in ("CP1251", "CP866", "CP852"))
    _, out = _printed(doc, model)
    assert "?" not in out.text
    assert not any("\u0400" <= ch <= "\u04ff" for ch in out.text)
    assert out.images, "Cyrillic lines must come out as raster pictures"
    assert "A 012" in out.lines  # plain ASCII stays text
    # A model with CP866 but no ґ or і: only the lines that need them become pictures.
    cp866 = _model("TM-T88IV")
    _, mixed = _printed(doc, cp866)
    assert "?" not in mixed.text and mixed.images
    assert any("\u0400" <= ch <= "\u04ff" for ch in mixed.text)


def test_long_words_and_lines_wrap_to_the_paper(core):
    long_word = "Konstantynopolitańczykowianeczka" * 3
    t = _ticket({"pl": long_word + " " + "bardzo długi opis sprawy " * 6})
    for paper, cols in ((80, 48), (58, 32)):
        model = _model("TM-T20II", paper)
        assert model.columns == cols
        lines, out = _printed(ticket_document(t, "pl", OFFICE), model)
        assert all(len(line) <= cols for line in lines), max(lines, key=len)
        assert long_word in "".join(lines)
        for img in out.images:
            assert img.width <= model.width_px


def test_test_page_has_every_letter_a_qr_and_a_cut():
    model = _model()
    doc = printer_test_page(OFFICE, NOW, "https://www.piotrkow.pl", "preview TM-T20II")
    _, out = _printed(doc, model)
    for ch in POLISH_LETTERS + "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя":
        assert ch in out.text
    assert PANGRAM_PL in out.text and out.qr_payloads == ["https://www.piotrkow.pl"]
    assert out.cuts == 1


# --- the printer's state, over a real socket -----------------------------------------------

@pytest.mark.parametrize("scenario, state", [
    ("ready", PrinterState.READY), ("paper_near_end", PrinterState.PAPER_NEAR_END),
    ("paper_out", PrinterState.PAPER_OUT), ("cover_open", PrinterState.COVER_OPEN),
    ("offline", PrinterState.OFFLINE), ("error", PrinterState.ERROR),
    ("silent", PrinterState.UNKNOWN), ("slow", PrinterState.UNKNOWN),
    ("refuse", PrinterState.OFFLINE),
])
def test_status_of_each_printer_scenario(tmp_path, scenario, state):
    with LoopbackPrinter(scenario, delay=1.0) as peer:
        st = _network(peer, tmp_path).status()
    assert st.state is state, st
    assert st.needs_staff == (state is not PrinterState.READY)


def test_ready_printer_receives_the_whole_ticket(tmp_path):
    doc = ticket_document(_ticket(), "pl", OFFICE)
    with LoopbackPrinter("ready") as peer:
        svc = _network(peer, tmp_path)
        result = svc.print_document(doc)
        jobs = peer.wait_for_jobs(1)
    assert result.ok and result.state is PrinterState.READY
    assert result.message == "Take your ticket from the slot below."
    out = decode(peer.received_print_bytes, svc.model.codepages)
    assert out.lines == decode(svc.encode(doc), svc.model.codepages).lines
    assert "A 012" in out.lines and out.cuts == 1 and len(jobs) == 1


@pytest.mark.parametrize("scenario, state, message", [
    ("paper_out", PrinterState.PAPER_OUT, "The printer is out of paper. Staff have been told."),
    ("cover_open", PrinterState.COVER_OPEN,
     "The printer cover is open. Staff have been told."),
    ("offline", PrinterState.OFFLINE,
     "The printer is not working right now. Staff have been told."),
    ("refuse", PrinterState.OFFLINE,
     "The printer is not working right now. Staff have been told."),
])
def test_a_printer_that_cannot_print_gets_nothing_and_staff_are_told(core, tmp_path, scenario,
                                                                     state, message):
    doc = ticket_document(_ticket(), "pl", OFFICE)
    with LoopbackPrinter(scenario) as peer:
        svc = _network(peer, tmp_path)
        svc.alerts = core.alerts
        first = svc.print_document(doc)
        second = svc.print_document(doc)
        printed = peer.received_print_bytes
    assert not first.ok and first.state is state and first.message == message
    assert second.state is state
    assert printed == b""  # nothing half-printed
    alerts = core.alerts.open()
    assert [(a.source, a.kind) for a in alerts] == [("printer", state.value)]  # once, not twice


def test_paper_running_out_prints_but_tells_staff_and_a_good_job_clears_it(core, tmp_path):
    doc = ticket_document(_ticket(), "pl", OFFICE)
    with LoopbackPrinter("paper_near_end") as peer:
        svc = _network(peer, tmp_path)
        svc.alerts = core.alerts
        assert svc.print_document(doc).ok
        assert [a.kind for a in core.alerts.open()] == ["paper_near_end"]
        peer.scenario = "ready"
        assert svc.print_document(doc).ok
    assert core.alerts.open() == []


def test_silent_printer_is_still_sent_the_job_but_it_is_not_reported_printed(tmp_path):
    # A printer that never answers may print all the same: the job goes out, once, but
    # without its answer afterwards the outcome is "unknown" (tests/test_printer_truth.py).
    doc = ticket_document(_ticket(), "pl", OFFICE)
    with LoopbackPrinter("silent") as peer:
        svc = _network(peer, tmp_path)
        result = svc.print_document(doc)
        peer.wait_for_jobs(1)
        out = decode(peer.received_print_bytes, svc.model.codepages)
    assert not result.ok and result.outcome == "unknown"
    assert result.state is PrinterState.UNKNOWN
    assert "A 012" in out.lines


def test_connection_dropped_mid_job_is_a_fault_not_a_hang(tmp_path):
    # Mid-job as the kiosk sees it: the printer's small buffer cannot have taken the rest
    # when it drops the connection. (A drop once it has the whole job is "unknown".)
    doc = Document("test", "pl", tuple(Text(f"{i:05d} " + "x" * 40) for i in range(3000)))
    with LoopbackPrinter("drop", drop_after=200, rcvbuf=4096) as peer:
        svc = _network(peer, tmp_path)
        started = time.monotonic()
        result = svc.print_document(doc)
    assert not result.ok and result.state is PrinterState.OFFLINE
    assert result.outcome == "failed" and result.bytes_sent < len(svc.encode(doc))
    assert time.monotonic() - started < 5


def test_a_printer_that_never_finishes_is_given_up_within_the_job_timeout(tmp_path):
    doc = ticket_document(_ticket(), "pl", OFFICE)
    # The printer takes 3 s per status answer; we would wait 5 s for one, but a whole job
    # may take only 1 s.
    with LoopbackPrinter("slow", delay=3.0) as peer:
        cfg = PrinterConfig(kind="network", host=peer.host, port=peer.port, status_timeout=5.0,
                            job_timeout=1.0)
        svc = PrinterService(cfg, tmp_path)
        started = time.monotonic()
        result = svc.print_document(doc)
        took = time.monotonic() - started
    assert not result.ok and took < 2.0
    # No alert sink: nobody was told, so the resident is asked to tell staff.
    assert result.message == ("The printer is not working right now. Please tell the staff at "
                              "a desk.")


def test_preview_printer_writes_the_bytes_and_a_picture(tmp_path, core):
    from PIL import Image

    g, doc = _card(core, "pl")
    svc = PrinterService(PrinterConfig(), tmp_path)
    result = svc.print_document(doc)
    assert result.ok and result.job_file.exists() and result.picture.exists()
    assert decode(result.job_file.read_bytes(), svc.model.codepages).lines
    img = Image.open(result.picture)
    assert img.width == 576 and img.height > 3 * img.width


# --- command line ----------------------------------------------------------------------------

def _kiosk(tmp_path, *args, printer: dict | None = None, env: dict | None = None):
    conf = tmp_path / "kiosk.toml"
    lines = [f'[paths]\ndata_dir = "{tmp_path / "data"}"\n']
    if printer:
        lines.append("[printer]\n" + "".join(f"{k} = {json.dumps(v)}\n"
                                             for k, v in printer.items()))
    conf.write_text("".join(lines))
    import os

    return subprocess.run([sys.executable, "-m", "entrypoints", "--config", str(conf), *args],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("scenario", ["ready", "paper_out", "cover_open", "silent"])
def test_cli_printer_status_json_reports_each_scenario(tmp_path, scenario):
    with LoopbackPrinter(scenario) as peer:
        r = _kiosk(tmp_path, "printer", "status", "--json",
                   printer={"kind": "network", "host": peer.host, "port": peer.port,
                            "status_timeout": 0.3})
    data = json.loads(r.stdout)
    expected = {"silent": "unknown"}.get(scenario, scenario)
    assert data["state"] == expected
    assert r.returncode == (0 if scenario == "ready" else 1)


def test_cli_print_card_with_the_preview_printer(tmp_path):
    r = _kiosk(tmp_path, "print", "card", "USC I", "--lang", "uk", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    job = decode(Path(data["job_file"]).read_bytes(), _model().codepages)
    assert "Інформаційна картка" in job.lines
    assert data["picture"].endswith(".png")
    bad = _kiosk(tmp_path, "print", "card", "NOPE 9")
    assert bad.returncode == 2 and "NOPE 9" in bad.stderr


def test_cli_printer_test_over_the_network(tmp_path):
    with LoopbackPrinter("ready") as peer:
        r = _kiosk(tmp_path, "printer", "test",
                   printer={"kind": "network", "host": peer.host, "port": peer.port})
        peer.wait_for_jobs(1)
        out = decode(peer.received_print_bytes, _model().codepages)
    assert r.returncode == 0, r.stderr
    assert PANGRAM_PL in out.text and PANGRAM_UK in out.text.replace("\n", " ")
    assert out.cuts == 1


def test_alerts_are_kept_until_cleared(core):
    a = core.alerts
    first = a.raise_("printer", "paper_out", "out of paper")
    assert a.raise_("printer", "paper_out", "still out") == first
    a.raise_("sync", "failed", "no network")
    assert {x.kind for x in a.open()} == {"paper_out", "failed"}
    assert a.clear("printer") == 1
    assert [x.source for x in a.open()] == ["sync"]
    assert isinstance(a, Alerts) and dataclasses.is_dataclass(a.open()[0])


def test_pictures_of_a_ticket_and_cards_as_printed(core):
    """The PNGs the README shows, rendered from the very bytes the printer gets."""
    from PIL import Image

    from printer.escpos_render import render_png
    from tests.ui.harness import SCREENSHOT_DIR

    folder = SCREENSHOT_DIR.parent / "printouts"
    folder.mkdir(parents=True, exist_ok=True)
    model = _model()
    # As the kiosk prints a ticket for DEL I: letter B, its QR code labelled where it leads.
    del_i = core.content.guide("DEL I")

    def slip(lang: str, matter: dict[str, str]):
        url, label = guide_link(del_i, lang) or (None, None)
        return ticket_document(_ticket(matter, code="B012", qr_url=url, qr_label=label), lang,
                               OFFICE)

    docs = {"ticket-pl": slip("pl", {"pl": "Dowody osobiste i meldunki"}),
            "ticket-uk": slip("uk", {"pl": "Dowody osobiste i meldunki",
                                     "uk": "Посвідчення особи та реєстрація"}),
            "card-pl": _card(core, "pl")[1], "card-uk": _card(core, "uk")[1]}
    for name, doc in docs.items():
        path = render_png(encode(doc, model), folder / f"{name}.png", paper_px=model.width_px,
                          codepages=model.codepages)
        img = Image.open(path).convert("L")
        assert img.width == model.width_px
        # Ink on the paper: some black, mostly white.
        hist = img.histogram()
        assert 0.02 < sum(hist[:128]) / (img.width * img.height) < 0.5


def test_cli_ticket_issue_prints_and_a_printer_fault_leaves_the_ticket_valid(tmp_path):
    at_ten = {"KIOSK_TEST_NOW": "2026-11-24T10:00+01:00"}
    r = _kiosk(tmp_path, "ticket", "issue", "A", "--print", "--lang", "uk", "--json", env=at_ten)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["print"]["ok"]
    paper = decode(Path(data["print"]["job_file"]).read_bytes(), _model().codepages)
    assert "A 001" in paper.lines and "Ваш номер" in paper.lines
    with LoopbackPrinter("cover_open") as peer:
        r = _kiosk(tmp_path, "ticket", "issue", "A", "--print", "--json", env=at_ten,
                   printer={"kind": "network", "host": peer.host, "port": peer.port})
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["code"] == "A002" and not data["print"]["ok"]
    assert data["print"]["state"] == "cover_open"
    r = _kiosk(tmp_path, "queue", "status", "--json", env=at_ten)
    a = next(c for c in json.loads(r.stdout)["categories"] if c["letter"] == "A")
    assert a["waiting"] == 2  # the unprinted ticket still holds its place


@pytest.mark.parametrize("lang", ["pl", "uk"])
def test_a_card_for_a_matter_handled_elsewhere_says_who_and_where_and_what_is_unconfirmed(
        core, lang):
    from kiosk.printing.layouts import elsewhere_document

    entry = core.search.elsewhere("passport")
    doc = elsewhere_document(entry, lang, OFFICE, now=NOW)
    lines, out = _printed(doc, _model())
    text = " ".join(lines)
    if lang == "pl":
        assert "Sprawa poza urzędem miasta" in lines
        # The dash is "-" on paper: the printer's code page has no em dash.
        assert "Tej sprawy nie załatwisz w urzędzie miasta - idź do: Wojewoda Łódzki" in text
        assert "(do potwierdzenia)" in text  # the url is not confirmed yet
    else:
        assert "Лодзький воєвода" in out.text
    assert out.qr_payloads == [entry.url]
    assert out.cuts == 1 and not out.unknown
