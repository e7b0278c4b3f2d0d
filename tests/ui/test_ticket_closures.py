"""The ticket screen names a closed day (issue 20, part 3): on a public holiday the chooser's
tiles and the matter's page say "Dziś nieczynne: Narodowe Święto Niepodległości." and when the
next tickets are given, not only that there are no tickets today; no ticket can be taken."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.closures import public_holiday
from kiosk.queue.service import QueueClosed
from screens.widgets import Tile
from tests.ui.test_ticket_ui import _ticket_list_shown

INDEPENDENCE_DAY = dt.datetime(2026, 11, 11, 10, 0)  # a Wednesday


def test_on_a_public_holiday_the_ticket_screen_names_it_and_gives_no_ticket(kiosk):
    holiday = public_holiday(INDEPENDENCE_DAY.date(), "pl")
    assert holiday == "Narodowe Święto Niepodległości"
    line = f"Dziś nieczynne: {holiday}."
    queue = kiosk.app.core.queue
    kiosk.now["value"] = INDEPENDENCE_DAY
    # That day's counts (earlier tests issue tickets on the fixture's usual day).
    issued = {c.letter: c.issued for c in queue.status().categories}

    kiosk.tap("Pobierz bilet do kolejki")
    _ticket_list_shown(kiosk)
    tiles = [w for w in kiosk.widgets() if isinstance(w, Tile) and kiosk._in_current_screen(w)
             and "  ·  " in w.title]  # the matters (not "Mam rezerwację" under them)
    assert tiles and all(t.subtitle == line for t in tiles), [t.subtitle for t in tiles]
    assert kiosk.clipped() == []
    kiosk.screenshot("ticket-holiday-choose")

    kiosk.tap(kiosk.find("B  ·  "))
    kiosk.wait_until(lambda: "Kolejne bilety: czwartek o 08:00." in kiosk.texts())
    texts = kiosk.texts()
    assert line in texts, texts
    assert "Kolejne bilety: czwartek o 08:00." in texts, texts
    assert "Pobierz bilet" not in texts
    assert not any("Dziś nie ma biletów" in t for t in texts)  # named, not generic
    assert kiosk.clipped() == []
    kiosk.screenshot("ticket-holiday")
    with pytest.raises(QueueClosed):  # not by another way either
        queue.issue("B")
    assert {c.letter: c.issued for c in queue.status().categories} == issued


def test_on_a_shorter_day_the_ticket_screen_says_until_when_and_why(kiosk):
    line = "Dziś urząd czynny krócej: 08:00–12:00 (Sylwester)."  # assets/content/closures.yaml
    kiosk.now["value"] = dt.datetime(2026, 12, 31, 12, 30)  # after the shorter day's end
    kiosk.tap("Pobierz bilet do kolejki")
    _ticket_list_shown(kiosk)
    tiles = [w for w in kiosk.widgets() if isinstance(w, Tile) and kiosk._in_current_screen(w)
             and "  ·  " in w.title]  # the matters (not "Mam rezerwację" under them)
    assert tiles and all(t.subtitle.endswith(line) for t in tiles), [t.subtitle for t in tiles]
    assert kiosk.clipped() == []

    kiosk.now["value"] = dt.datetime(2026, 12, 31, 10, 0)  # open, until 12:00
    kiosk.tap(kiosk.find("B  ·  "))
    kiosk.wait_until(lambda: "Pobierz bilet" in kiosk.texts())
    assert line in kiosk.texts(), kiosk.texts()
    assert kiosk.clipped() == []
    kiosk.screenshot("ticket-shorter-day")
