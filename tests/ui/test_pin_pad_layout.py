"""The staff PIN pad does not move under the finger (issue 19, defect 5): a message line that
appears after a wrong PIN has its room kept from the start, so the right PIN typed at once, by
the key positions measured before the message, opens the admin side."""

from __future__ import annotations

import pytest

from screens.kiosk_app import ADMIN_CORNER
from tests.ui.conftest import STAFF_PIN as PIN

KEYS = "0123456789"




def _open_pad(kiosk) -> None:
    w, h = kiosk.window.size
    for _ in range(5):
        kiosk.tap_at(w - ADMIN_CORNER / 2, h - ADMIN_CORNER / 2)
        kiosk.clock.advance(0.3)
    assert kiosk.screen == "admin_pin"
    kiosk.frames(3)


def _key_positions(kiosk) -> dict[str, tuple[float, float]]:
    from screens.admin_pin import PinKey

    keys = [w for w in kiosk.widgets() if isinstance(w, PinKey) and kiosk._in_current_screen(w)]
    return {k.text: tuple(k.to_window(*k.center)) for k in keys}


def _moved(before, after) -> dict:
    return {k: (before[k], after.get(k)) for k in before
            if k not in after or abs(before[k][0] - after[k][0]) > 1
            or abs(before[k][1] - after[k][1]) > 1}


def _type_at(kiosk, positions, pin: str) -> None:
    """Taps where the keys were, whatever is there now: a resident's finger, not a lookup."""
    for digit in pin:
        kiosk.tap_at(*positions[digit])
    kiosk.tap_at(*positions["OK"])
    pad = kiosk.app.manager.get_screen("admin_pin")
    # scrypt takes about half a second, on a worker thread.
    kiosk.wait_until(lambda: not pad.checking, 15)
    kiosk.frames(3)


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_the_keys_stay_put_when_a_message_appears(staff, scale):
    staff.app.set_font_scale(scale)  # the pad keeps its place at any text size
    _open_pad(staff)
    before = _key_positions(staff)
    assert set(KEYS) | {"OK"} <= set(before)
    staff.screenshot(f"admin-pin-before-{scale}")

    _type_at(staff, before, "1111")
    assert staff.screen == "admin_pin"
    texts = staff.texts()
    assert any(t.startswith("Błędny PIN.") for t in texts), texts
    staff.screenshot(f"admin-pin-wrong-{scale}")
    assert _moved(before, _key_positions(staff)) == {}

    _type_at(staff, before, PIN)
    assert staff.screen == "admin"


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_the_longest_message_keeps_the_keys_in_place_too(staff, scale):
    """Every message the pad can show fits the room kept for it."""
    staff.app.set_font_scale(scale)
    _open_pad(staff)
    before = _key_positions(staff)
    pad = staff.app.manager.get_screen("admin_pin")
    _ = staff.app.i18n._
    for message in (_("The PIN could not be checked. Try again."),
                    _("No PIN is set on this kiosk. IT staff set one with: kiosk admin set-pin"),
                    pad._locked_text(15 * 60)):
        pad.message = message
        pad.refresh()
        staff.frames(3)
        assert message in staff.texts()
        assert _moved(before, _key_positions(staff)) == {}, message
