"""High contrast, measured in the window's pixels: on every screen a resident reaches, each
label's text stands out from what it is drawn on by at least 4.5:1 (issue 19, defect 1: the
search results' titles were black on black).

The colours come from glReadPixels, not from the theme table: a label drawn in the colour of
the panel under it fails here even if both colours are fine on their own."""

from __future__ import annotations

from screens import theme
from tests.ui.pixels import grab, label_contrasts, region, text_contrast

TARGET = 4.5


def _low_contrast(kiosk, where: str) -> list[str]:
    """Labels under TARGET on the current screen, scrolled top, middle and bottom."""
    bad = []
    measured = 0
    scroll = kiosk.app.manager.current_screen.ids.get("scroll")
    for y in ((1.0, 0.5, 0.0) if scroll is not None else (None,)):
        if scroll is not None:
            scroll.scroll_y = y
            kiosk.frames(3)
        pixels = grab(kiosk)
        for text, ratio, fg, bg, _rect in label_contrasts(kiosk, pixels):
            measured += 1
            if ratio < TARGET:
                bad.append(f"{where}: {text[:40]!r} {ratio:.2f}:1 (text {fg} on {bg})")
    assert measured >= 3, f"{where}: almost no labels measured"
    if scroll is not None:
        scroll.scroll_y = 1.0
        kiosk.frames(2)
    return sorted(set(bad))


def _type(kiosk, word: str) -> None:
    from screens.search import KeyButton

    for ch in word:
        kiosk.tap(kiosk.find(ch, cls=KeyButton), reveal=False)
    kiosk.wait_until(lambda: kiosk.app.manager.current_screen.last_results is not None
                     and kiosk.app.manager.current_screen.query == word)
    kiosk.frames(5)


def test_every_label_stands_out_in_high_contrast_measured_in_pixels(kiosk):
    kiosk.tap("Ułatwienia")
    kiosk.tap(kiosk.find("Wysoki kontrast"))
    assert kiosk.app.pal is theme.HIGH_CONTRAST
    bad = _low_contrast(kiosk, "Ułatwienia")

    kiosk.tap(kiosk.find("Wstecz"))
    assert kiosk.screen == "home"
    bad += _low_contrast(kiosk, "Home")
    kiosk.screenshot("high-contrast-home")

    kiosk.tap(kiosk.find("Szukaj"))
    kiosk.wait_until(lambda: "Najczęstsze sprawy" in kiosk.texts())
    kiosk.frames(3)
    bad += _low_contrast(kiosk, "Search, most asked")
    _type(kiosk, "meldunek")
    assert kiosk.app.manager.current_screen.last_results.hits
    bad += _low_contrast(kiosk, "Search results")
    kiosk.screenshot("high-contrast-search")

    from screens.search import ResultRow

    first = next(w for w in kiosk.widgets() if isinstance(w, ResultRow)
                 and kiosk._in_current_screen(w))
    kiosk.tap(first)
    assert kiosk.screen == "guide"
    bad += _low_contrast(kiosk, "Guide step 1")
    kiosk.tap(kiosk.app.manager.current_screen.ids.next_button)
    bad += _low_contrast(kiosk, "Guide step 2")
    kiosk.screenshot("high-contrast-guide")

    for _ in range(3):
        if kiosk.screen == "home":
            break
        kiosk.tap(kiosk.find("Wstecz"))
    assert kiosk.screen == "home"
    kiosk.tap(kiosk.find("Stan cywilny (USC)"))
    assert kiosk.screen == "category"
    bad += _low_contrast(kiosk, "Category")

    kiosk.tap(kiosk.find("Wstecz"))
    kiosk.tap(kiosk.find("Pobierz bilet do kolejki"))
    kiosk.wait_until(lambda: any("  ·  " in (getattr(w, "title", "") or "")
                                 for w in kiosk.widgets()))
    bad += _low_contrast(kiosk, "Ticket")
    assert bad == [], "\n".join(bad)


def test_pixel_measure_sees_text_drawn_in_its_background_colour(kiosk):
    """The measure itself: a label drawn black on a black panel reads 1:1, white 21:1."""
    from kivy.graphics import Color, Rectangle
    from kivy.uix.label import Label

    def measure(colour):
        label = Label(text="Sprawa", color=colour, font_size=40, size_hint=(None, None),
                      size=(300, 80),
                      pos=(200, 900))
        with label.canvas.before:
            Color(0, 0, 0, 1)
            Rectangle(pos=label.pos, size=label.size)
        kiosk.window.add_widget(label)
        try:
            return text_contrast(region(grab(kiosk), 200, 900, 300, 80))
        finally:
            kiosk.window.remove_widget(label)

    assert measure((0, 0, 0, 1))[0] < 1.1
    ratio, fg, bg = measure((1, 1, 1, 1))
    assert ratio > 15
    assert (fg, bg) == ((255, 255, 255), (0, 0, 0))
