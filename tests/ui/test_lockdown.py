"""Locked down: the keys that leave or configure a desktop app do nothing, and the window
refuses to close, with real X11 key events and a real WM_DELETE_WINDOW sent to the window."""

import pytest

from tests.ui.xinput import XInput


@pytest.fixture
def x(kiosk):
    xi = XInput(kiosk.window.get_window_info().window)
    xi.focus()
    kiosk.frames(3)
    yield xi
    xi.close()


def _deliver(kiosk):
    kiosk.os_events(0.5)  # the window reads the X events as Kivy's main loop does


def test_real_key_events_reach_the_window(kiosk, x):
    """The probe works: an ordinary key does arrive (and starts audio mode, as designed)."""
    x.keys("Down")
    _deliver(kiosk)
    assert kiosk.app.audio_on
    kiosk.home()


@pytest.mark.parametrize("keys", [("Escape",), ("F1",), ("Alt_L", "F4"), ("Menu",),
                                  ("Control_L", "Escape"), ("Super_L", "Escape")],
                         ids=["Escape", "F1", "Alt+F4", "Menu", "Ctrl+Escape", "Super+Escape"])
def test_blocked_key_does_nothing(kiosk, x, keys):
    kiosk.tap("Formularze")
    before = (kiosk.screen, kiosk.app.breadcrumb, list(kiosk.app.history))
    x.keys(*keys)
    _deliver(kiosk)
    assert (kiosk.screen, kiosk.app.breadcrumb, list(kiosk.app.history)) == before
    assert kiosk.app._app_settings is None, "the settings panel stays closed"
    assert not kiosk.app.audio_on, "not even audio mode: the key is inert"
    assert not kiosk.app._leaving and kiosk.loop.status == "started"
    assert kiosk.window.children, "the window still shows the kiosk"


def test_a_close_request_is_refused(kiosk, x):
    kiosk.tap("Formularze")
    x.request_close()
    _deliver(kiosk)
    assert kiosk.loop.status == "started" and not kiosk.loop.quit
    assert kiosk.screen == "forms"
    # The same event reaches Kivy as on_request_close: refused unless the admin side leaves.
    assert kiosk.window.dispatch("on_request_close") is True


def test_kiosk_mode_window_settings_have_no_cursor_and_no_decorations(tmp_path):
    """What `kiosk run` gives Kivy with the default [screen]: full screen, borderless, no
    cursor, not resizable, Escape never exits. (The test window itself is windowed.)"""
    from dataclasses import replace

    from kivy.config import Config

    from kiosk.config import KioskConfig, PathsConfig
    from screens.app import configure_kivy
    from tests.ui.conftest import CFG

    try:
        configure_kivy(replace(KioskConfig(), paths=PathsConfig(data_dir=tmp_path)))
        got = {k: Config.get("graphics", k) for k in ("fullscreen", "borderless",
                                                      "show_cursor", "resizable")}
        assert got == {"fullscreen": "auto", "borderless": "1", "show_cursor": "0",
                       "resizable": "0"}
        assert Config.get("kivy", "exit_on_escape") == "0"
    finally:
        configure_kivy(CFG)


@pytest.mark.parametrize("kind", ["kivy", "stdlib"])
def test_a_binding_left_by_a_dead_widget_does_not_break_large_text(kiosk, kind):
    """Found by the soak: a widget freed by the cycle collector can leave its kv rule bound
    to app.font_scale through a dead weak proxy (as kivy.lang's call_fn holds it); the next
    "Large text" raised ReferenceError. The app drops such bindings first (and looks for
    them only when a widget has gone since it last looked: every kv proxy is a widget's or
    its canvas's)."""
    import gc
    import weakref

    from kivy.uix.label import Label

    kiosk.tap("Ułatwienia")
    widget = Label(text="gone soon")
    widget.cycle = widget  # only the cycle collector frees it, as the soak's widgets
    proxy = widget.proxy_ref if kind == "kivy" else weakref.proxy(widget)

    def call_fn(args, _instance, value):
        args[0].font_size = value  # what a kv rule does with its widget

    kiosk.app.fbind("font_scale", call_fn, (proxy, "x"))
    del widget
    gc.collect()
    kiosk.tap("Duży tekst")
    assert kiosk.app.font_scale == 1.5
    assert call_fn not in kiosk.app.get_property_observers("font_scale")
    kiosk.home()
