"""A tap right after a drag-scroll is a tap (issue 19, defect 13).

A resident drags the category's column of tiles up past its end, lifts the finger and taps a
tile a quarter of a second later, while the column still glides back (Kivy's kinetic scroll and
its spring at the end of the list). The tile opens its guide. Then the resident comes back to
the category, and the same again. Before the fix, the column's motion outlived the screen:
shown afresh, the category started at its top but the old glide went on and threw the column
past its end (scroll_y -0.5 ... -3.6), the drag hardly moved it and taps went astray.

Only real pointer events show it (X11 through XTEST, read by the window as Kivy's main loop
does, see harness.Driver.os_events), not UnitTestTouch.
"""

from __future__ import annotations

import time

import pytest

from tests.ui.xinput import XInput

TILE = "Zameldowanie na pobyt stały"
SYMBOL = "DEL IX"


@pytest.fixture
def x(kiosk):
    xi = XInput(kiosk.window.get_window_info().window)
    xi.focus()
    kiosk.frames(3)
    yield xi
    kiosk.stop_scrolling()
    xi.close()


def _x_pos(kiosk, wx: float, wy: float) -> tuple[int, int]:
    """Kivy's window position (from the bottom left) as X's (from the top left)."""
    return int(round(wx)), int(round(kiosk.window.height - wy))


def _drag_up(kiosk, x, from_y: int = 1500, to_y: int = 900, step: int = 40) -> None:
    """A finger on the column moved up 40 px a frame, and lifted (X coordinates)."""
    x.move(540, from_y)
    x.press()
    kiosk.os_events(0.016)
    for y in range(from_y - step, to_y - 1, -step):
        x.move(540, y)
        kiosk.os_events(0.016)
    x.release()


def _until_guide(kiosk, seconds: float = 1.0) -> None:
    end = time.monotonic() + seconds
    while kiosk.screen != "guide" and time.monotonic() < end:
        kiosk.os_events(0.05)  # the window reads the click as Kivy's main loop does


def test_a_tap_while_the_column_still_glides_opens_the_tile(kiosk, x):
    misses = []
    for n, wait in enumerate((0.25, 0.3, 0.35), start=1):
        kiosk.app.go("category", code="id-residence")  # afresh, as after Back or from Home
        kiosk.os_events(0.3)
        scroll = kiosk.app.manager.current_screen.ids.scroll
        assert scroll.viewport_size[1] > scroll.height, "the column must need scrolling"
        shown_at = scroll.scroll_y
        _drag_up(kiosk, x)
        kiosk.os_events(wait)
        tile = kiosk.find(TILE)
        gliding = scroll.effect_y.velocity
        x.click(*_x_pos(kiosk, *tile.to_window(*tile.center)))
        _until_guide(kiosk)
        opened = kiosk.app.manager.current_screen
        if not (abs(shown_at - 1) < 0.01 and kiosk.screen == "guide"
                and opened.guide.symbol == SYMBOL):
            misses.append(f"tap {n} ({wait} s after the drag): the column shown afresh at "
                          f"scroll_y {shown_at:.2f} (1 is its top), gliding at {gliding:.0f} "
                          f"px/s at the tap; then on {kiosk.screen!r}")
    assert not misses, "\n".join(misses)
