"""At x2 text the buttons of one bar are one height (issue 19, defect 13): "Poprzedni krok" and
"Dalej" in the guide, "Wstecz" and "Ekran startowy" at the bottom, measured in the real window
in every language, with their tops and bottoms level."""

from __future__ import annotations

import pytest


def _edges(button) -> tuple[float, float]:
    _x, y = button.to_window(*button.pos)
    return round(y), round(y + button.height)


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_buttons_of_one_bar_share_a_height_at_double_text(kiosk, lang):
    app = kiosk.app
    kiosk.tap("Ułatwienia")
    kiosk.tap(kiosk.find("Bardzo duży tekst"))
    assert app.font_scale == 2.0
    if lang != "pl":
        kiosk.tap(kiosk.find({"en": "English", "uk": "Українська"}[lang]))
    app.go("guide", symbol="USC I", step=1)
    kiosk.frames(5)
    guide = app.manager.current_screen
    prev, nxt = guide.ids.prev_button, guide.ids.next_button
    assert prev.opacity == 1 and nxt.opacity == 1
    back, home = app.root.ids.back_button, app.root.ids.home_button
    kiosk.screenshot(f"bar-heights-x2-{lang}")
    for a, b in ((prev, nxt), (back, home)):
        assert a.height == b.height, (a.text, a.height, b.text, b.height)
        assert _edges(a) == _edges(b), (a.text, _edges(a), b.text, _edges(b))
        for w in (a, b):  # the text still fits its button
            assert w.texture_size[1] <= w.height
