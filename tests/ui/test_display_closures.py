"""The hall display names a closed day (issue 20, part 3): on a public holiday or a day the
content closes, a yellow strip under the top bar says "Dziś urząd nieczynny: …" with the next
opening. A real `kiosk display --windowed` under the tests' Xvfb, read back through its state
file, at a frozen office time."""

from __future__ import annotations

from pathlib import Path

from tests import display_support
from tests.display_support import DisplayProcess, write_config

SHOTS = Path("test-artifacts/screenshots")

INDEPENDENCE_DAY = "2026-11-11T10:00:00+01:00"  # a Wednesday


def test_the_hall_display_says_the_office_is_closed_today_and_when_it_opens(tmp_path,
                                                                             monkeypatch):
    monkeypatch.setattr(display_support, "OPEN_NOW", INDEPENDENCE_DAY)
    cfg = write_config(tmp_path / "display.toml", tmp_path / "data",
                       f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    display = DisplayProcess(cfg, tmp_path)
    try:
        st = display.wait_until(lambda s: s.get("closure"), timeout=60,
                                what="the closure line")
        assert st["closure"] == ("Dziś urząd nieczynny: Narodowe Święto Niepodległości. "
                                 "Otwarcie: czwartek o 08:00."), st
        assert st["connected"] is True and st["waiting"], st
        display.screenshot(SHOTS / "display-closed-day.png")  # for people to look at
    finally:
        display.stop()
