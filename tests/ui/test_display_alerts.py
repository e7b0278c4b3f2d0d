"""The hall display tells staff that technical alerts are open (issue 20, part 4), and says
"Czekamy na pierwsze wezwanie" whole before the day's first call.

A real `kiosk display --windowed` under the tests' Xvfb, read back through its state file. An
alert is raised on the display's queue database as a kiosk of the hall would raise it
(kiosk.queue.hall_alerts); the display reads the count with the queue status, on its worker
thread, at the feed's usual pace (`status_seconds`). Only the number is shown: the hall is
public."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.queue.hall_alerts import HallAlerts
from tests.display_support import DisplayProcess, write_config
from tests.queue_support import service

SHOTS = Path("test-artifacts/screenshots")
STATUS_SECONDS = 0.5
FIRST_CALL = {"pl": "Czekamy na pierwsze wezwanie", "en": "Waiting for the first call",
              "uk": "Чекаємо на перший виклик"}


def _display(tmp: Path, lang: str) -> tuple[DisplayProcess, str]:
    tmp.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{tmp / 'queue.sqlite3'}"
    cfg = write_config(tmp / "display.toml", tmp / "data", url, status_seconds=STATUS_SECONDS)
    with cfg.open("a") as f:
        f.write(f'\n[languages]\ndefault = "{lang}"\n')
    return DisplayProcess(cfg, tmp), url


def _banner_whole(st: dict, lang: str) -> None:
    """The sentence is on the banner whole: not cut with "…", not wrapped past its height."""
    assert st["banner"]["desk"] == FIRST_CALL[lang], st["banner"]
    assert st["clipped"] == [], st["clipped"]
    assert st["banner_desk_font"] >= 60, st["banner_desk_font"]  # still read across the hall


def test_open_staff_alerts_are_counted_on_the_display_and_go_when_cleared(tmp_path):
    display, url = _display(tmp_path, "pl")
    svc = service(url)
    try:
        st = display.wait_until(lambda s: s.get("connected") is True and s.get("waiting")
                                and not s["clipped"], timeout=30, what="the display")
        assert st["alerts"] == ""
        _banner_whole(st, "pl")
        display.screenshot(SHOTS / "display-first-call-pl.png")

        printer = HallAlerts(svc._Session, "kiosk-2")
        printer.raise_("printer", "paper_out", "no paper (ESC/POS status 0x0C)")
        HallAlerts(svc._Session, "kiosk-3").raise_("queue", "unreachable", "timeout")
        raised = time.monotonic()
        st = display.wait_until(lambda s: s["alerts"], timeout=STATUS_SECONDS + 3,
                                what="the alerts line")
        assert time.monotonic() - raised <= STATUS_SECONDS + 2
        assert st["alerts"] == "Obsługa: 2 zgłoszenia techniczne"
        assert "paper" not in json_text(st) and "kiosk-2" not in json_text(st)  # no detail
        assert st["clipped"] == [], st["clipped"]
        display.screenshot(SHOTS / "display-staff-alerts.png")

        printer.clear("printer")
        st = display.wait_until(lambda s: s["alerts"] == "Obsługa: 1 zgłoszenie techniczne",
                                timeout=STATUS_SECONDS + 3, what="one alert left")
        HallAlerts(svc._Session, "kiosk-3").clear("queue")
        display.wait_until(lambda s: s["alerts"] == "", timeout=STATUS_SECONDS + 3,
                           what="the alerts line gone")
    finally:
        display.stop()
        svc.close()


def test_waiting_for_the_first_call_fits_whole_in_english_and_ukrainian(tmp_path):
    displays = {lang: _display(tmp_path / lang, lang)[0] for lang in ("en", "uk")}
    try:
        for lang, display in displays.items():
            st = display.wait_until(lambda s: s.get("connected") is True and s.get("waiting")
                                    and not s["clipped"], timeout=30, what="the display")
            _banner_whole(st, lang)
            display.screenshot(SHOTS / f"display-first-call-{lang}.png")
    finally:
        for display in displays.values():
            display.stop()


def json_text(st: dict) -> str:
    import json

    return json.dumps({k: v for k, v in st.items() if k != "clipped"}, ensure_ascii=False)
