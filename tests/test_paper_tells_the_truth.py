"""What the printed card and ticket say (issue 19, defects 2, 3, 7, 8 and 16): the ticket
letter from the data, only what the resident brings can be missing, the week's hours, QR codes
labelled with where they lead, and no metre of blank paper. Real `kiosk` processes print to the
preview printer; the ESC/POS bytes are decoded back to what a resident reads."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from printer.escpos_decode import decode
from tests.test_queue_cli import MONDAY_10, SUNDAY_10, env_for


def kiosk(*args, data_dir, now=MONDAY_10):
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env_for(data_dir, now), timeout=120)


def printed(r):
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    job = (data.get("print") or data)["job_file"]
    with open(job, "rb") as f:
        raw = f.read()
    return raw, decode(raw)


def card(data_dir, symbol, now=MONDAY_10):
    return printed(kiosk("print", "card", symbol, "--json", data_dir=data_dir, now=now))


def test_the_card_names_the_ticket_letter_from_the_queue_category(tmp_path):
    """DEL I is queue category B; its guide once told residents to take an A."""
    _, out = card(tmp_path, "DEL I")
    assert "Bilet z literą B: Dowody osobiste i meldunki" in out.lines
    assert "literą A" not in out.text and "(bilet" not in out.text
    _, out = card(tmp_path, "DRK I")
    assert any(line.startswith("Bilet z literą C:") for line in out.lines), out.lines


def test_a_document_the_clerk_prepares_is_listed_without_a_box_and_never_missing(tmp_path):
    from kiosk.bootstrap import open_core
    from kiosk.config import KioskConfig, PathsConfig
    from printer.escpos_out import encode
    from printer.profiles import printer_model

    cfg = KioskConfig(paths=PathsConfig(data_dir=tmp_path))
    core = open_core(cfg)
    try:
        g = core.content.guide("DEL I")
        assert [d.kind for d in g.documents] == ["desk", "bring", "if_applies"]
        assert [d.brought for d in g.documents] == [False, True, False]
        doc = core.printing.card_document("DEL I", "pl", have=frozenset(),
                                          now=dt.datetime(2026, 11, 30, 10, 0))
    finally:
        core.close()
    model = printer_model("TM-T20II", 80)
    text = decode(encode(doc, model), model.codepages).text
    desk = text[text.index("Wniosek o wydanie dowodu"):text.index("[ ] Kolorowe")]
    assert "[ ]" not in desk and "BRAKUJE" not in desk and "(przygotuje urzędnik)" in desk
    photo = text[text.index("Kolorowe"):text.index("Obecny dowód")]
    assert "BRAKUJE" in photo, "what the resident must bring and did not tick is missing"
    assert "BRAKUJE" not in text[text.index("Obecny dowód"):], "only if it applies"


def test_the_card_prints_the_weeks_hours_and_the_next_opening_when_closed(tmp_path):
    _, monday = card(tmp_path, "DEL I")
    lines = [line.replace("–", "-") for line in monday.lines]  # CP852 has no en dash
    for line in ("Poniedziałek: 08:00-15:30", "Wtorek: 08:00-17:00", "Piątek: 08:00-15:30"):
        assert line in lines, lines
    assert not any(line.startswith("Dziś") for line in monday.lines)
    assert not any(line.startswith("Teraz zamknięte") for line in monday.lines)
    _, sunday = card(tmp_path, "DEL I", SUNDAY_10)
    assert "Teraz zamknięte. Otwarcie: poniedziałek o 08:00." in sunday.lines


def test_each_qr_code_is_labelled_with_where_it_leads(tmp_path):
    _, out = card(tmp_path, "DEL I")  # has an online service
    assert out.qr_payloads == ["https://www.gov.pl/web/gov/uzyskaj-dowod-osobisty"]
    assert "Wniosek o dowód przez internet na gov.pl" in out.text
    assert "Ta karta w internecie" not in out.text
    _, out = card(tmp_path, "USC II")  # no online service: its page on the office's site
    assert out.qr_payloads == ["https://bom.piotrkow.pl/szczegoly-sprawy/"
                               "125-usc-ii---rejestracja-urodzen"]
    assert "Ta sprawa na stronie urzędu: bom.piotrkow.pl" in out.text
    _, out = card(tmp_path, "USC III")  # its only source is the office's home page
    assert out.qr_payloads == [], "no code rather than one that opens a page about nothing"
    # A ticket taken without a matter has no code; with one, the matter's page and its label.
    _, out = printed(kiosk("ticket", "issue", "B", "--print", "--json", data_dir=tmp_path))
    assert out.qr_payloads == [] and "Co zabrać" not in out.text
    _, out = printed(kiosk("ticket", "issue", "B", "--for", "del i", "--print", "--json",
                           data_dir=tmp_path))
    assert out.qr_payloads == ["https://www.gov.pl/web/gov/uzyskaj-dowod-osobisty"]
    assert "Wniosek o dowód przez internet na gov.pl" in out.text


def test_only_the_cutter_feed_follows_the_last_line(tmp_path):
    """GS V B 0 feeds to the blade and cuts; before, three line feeds and python-escpos's six
    more left about 40 mm of blank paper after every ticket."""
    raw, out = printed(kiosk("ticket", "issue", "B", "--print", "--json", data_dir=tmp_path))
    assert raw.endswith(b"\x1dVB\x00"), raw[-20:]
    assert b"\x1bd" not in raw and out.cuts == 1  # no "print and feed n lines"
    tail = raw[raw.rindex(b"10:00"):]  # the issue time, the ticket's last line
    assert tail.count(b"\n") == 1, f"one line end after the last line, no blank feed: {tail}"
