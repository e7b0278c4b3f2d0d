"""On looks on, off looks off (issue 19, defect 11): on Ułatwienia a setting that is off is
drawn like a button not chosen, with an empty box; one that is on is drawn filled like the
chosen text size, with its box filled. Measured in the window's pixels, in both palettes."""

from __future__ import annotations

from screens.widgets import KButton
from tests.ui.pixels import dominant, grab, region


def _button(kiosk, starts: str):
    found = [w for w in kiosk.widgets() if isinstance(w, KButton) and kiosk._in_current_screen(w)
             and w.text.startswith(starts)]
    assert found, f"no button {starts!r}: {kiosk.texts()}"
    return found[0]


def _look(kiosk, pixels, button) -> dict:
    """The colour most of the button's face has, and what fills the box at its left (where
    a switch draws its box: 32 px in, 52 px square, centred)."""
    kiosk.reveal(button)
    x, y = button.to_window(*button.pos)
    face = dominant(region(pixels, x, y, button.width, button.height))
    box = dominant(region(pixels, x + 42, button.to_window(*button.center)[1] - 16, 32, 32))
    return {"face": face, "box filled": box != face}


def _looks(kiosk) -> dict:
    scroll = kiosk.app.manager.current_screen.ids.scroll
    looks = {}
    for starts in ("Tryb głosowy:", "Zwykły tekst", "Duży tekst", "Wysoki kontrast:",
                   "Przyciski niżej:"):
        button = _button(kiosk, starts)
        kiosk.reveal(button)
        looks[starts] = _look(kiosk, grab(kiosk), button)
    scroll.scroll_y = 1
    kiosk.frames(2)
    return looks


def test_off_looks_off_and_on_looks_on(kiosk):
    app = kiosk.app
    kiosk.tap("Ułatwienia")
    looks = _looks(kiosk)
    chosen, not_chosen = looks["Zwykły tekst"], looks["Duży tekst"]
    assert chosen["face"] != not_chosen["face"]
    kiosk.screenshot("accessibility-toggles-off")
    for off in ("Tryb głosowy:", "Wysoki kontrast:", "Przyciski niżej:"):
        assert looks[off]["face"] == not_chosen["face"], (off, looks[off])
        assert not looks[off]["box filled"], off

    kiosk.tap(_button(kiosk, "Przyciski niżej: wyłączone"))
    assert app.low_reach
    looks = _looks(kiosk)
    assert looks["Przyciski niżej:"] == {"face": chosen["face"], "box filled": True}
    assert _button(kiosk, "Przyciski niżej:").text == "Przyciski niżej: włączone"

    kiosk.tap(_button(kiosk, "Wysoki kontrast: wyłączony"))
    looks = _looks(kiosk)
    kiosk.screenshot("accessibility-toggles-high-contrast")
    assert looks["Wysoki kontrast:"]["face"] == looks["Zwykły tekst"]["face"]
    assert looks["Wysoki kontrast:"]["box filled"]
    assert looks["Tryb głosowy:"]["face"] == looks["Duży tekst"]["face"]
    assert not looks["Tryb głosowy:"]["box filled"]
    assert looks["Zwykły tekst"]["face"] != looks["Duży tekst"]["face"]


def test_audio_mode_switch_shows_its_new_state_at_once(kiosk):
    app = kiosk.app
    kiosk.tap("Ułatwienia")
    try:
        kiosk.tap(_button(kiosk, "Tryb głosowy: wyłączony"))
        assert app.audio_on
        kiosk.pump(0.3)
        button = _button(kiosk, "Tryb głosowy:")
        assert button.text == "Tryb głosowy: włączony"
        assert _look(kiosk, grab(kiosk), button)["box filled"]
        # The orientation is what was said; the page was not announced over it.
        assert app.audio.speaker.said[-1].startswith("Tryb głosowy jest włączony.")
        assert app.audio.items and button in app.audio.items
    finally:
        app.audio.stop(silent=True)
        kiosk.frames(2)
