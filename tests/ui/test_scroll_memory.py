"""Scrolling must not leave anything behind: a resident may scroll a long guide for minutes.

Kivy 2.3's ScrollView bound the bar colour once per scroll update and unbound it once per
pause; screens.widgets.BodyScroll keeps one binding. Found by the soak (tests/ui/test_soak.py)
as memory growing by about 3 MB per 1,000 events.
"""

from __future__ import annotations

from kivy.tests.common import UnitTestTouch


def _drag(kiosk, scroll, dy: float, steps: int = 20) -> None:
    x, y = scroll.to_window(scroll.center_x, scroll.center_y)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    for i in range(1, steps + 1):
        touch.touch_move(x, y + dy * i / steps)
        kiosk.frames(1)
    touch.touch_up()
    kiosk.frames(2)


def test_scrolling_a_long_guide_again_and_again_keeps_one_bar_binding(kiosk):
    kiosk.app.set_font_scale(2.0)  # large text: the documents step runs over several screens
    kiosk.app.go("guide", symbol="USC I", step=1)
    kiosk.frames(5)
    scroll = kiosk.app.manager.current_screen.ids.scroll
    assert scroll.viewport_size[1] > scroll.height, "the documents step must need scrolling"
    seen = set()
    for n in range(6):  # drags quicker than the bar's 0.5 s fade, as a hurried hand does
        _drag(kiosk, scroll, 300 if n % 2 else -300)
        seen.add(round(scroll.scroll_y, 2))
    assert len(seen) > 1, "the drags must really scroll the column"
    # The bar still follows the theme after all that scrolling (one colour binding, not 200).
    assert len(scroll.get_property_observers("bar_color")) <= 1
