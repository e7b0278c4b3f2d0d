"""A sighted resident who pressed a key by accident sees that audio mode is on and gets out of
it with one ordinary tap (issue 19, defect 4); in the real window, with real key and touch
events, the bar measured in its pixels."""

from __future__ import annotations

from kivy.uix.label import Label

from screens.audio_mode import KEY_DOWN, AudioStrip
from tests.ui.pixels import grab, label_contrasts


def _bar_label(kiosk):
    return next((w for w in kiosk.widgets() if isinstance(w, Label)
                 and w.text == "Tryb głosowy włączony" and kiosk.on_screen(w)), None)


def test_one_tap_on_turn_off_audio_mode_brings_back_touch(kiosk):
    app = kiosk.app
    try:
        kiosk.key(KEY_DOWN)  # one press of Down, by accident
        assert app.audio_on
        kiosk.frames(3)

        # The bar says so, readable: its label and button stand out from what they are on.
        label = _bar_label(kiosk)
        assert label is not None, kiosk.texts()
        button = kiosk.find("Wyłącz tryb głosowy")
        assert button.height >= 112 and button.width >= 400 and kiosk.on_screen(button)
        pixels = grab(kiosk)
        kiosk.screenshot("audio-mode-bar")
        measured = {text: ratio for text, ratio, *_ in label_contrasts(kiosk, pixels)}
        assert measured["Tryb głosowy włączony"] >= 4.5
        assert measured["Wyłącz tryb głosowy"] >= 4.5
        # Nothing of the screen is hidden under the bar: it sits above the bottom bar.
        _x, bar_y = button.parent.to_window(*button.parent.pos)
        manager = app.manager
        assert manager.to_window(*manager.pos)[1] >= bar_y + button.parent.height - 1

        # A tap on a tile only explores (says it) in audio mode...
        tile = kiosk.find("Stan cywilny (USC)")
        kiosk.tap(tile)
        assert kiosk.screen == "home" and app.audio_on

        # ...but one ordinary tap on the bar's button turns audio mode off.
        kiosk.tap(button)
        assert not app.audio_on
        assert _bar_label(kiosk) is None
        assert not [w for w in kiosk.window.children if isinstance(w, AudioStrip)]
        assert app.audio.speaker.said[-1] == ("Tryb głosowy jest wyłączony. Naciśnij dowolny "
                                              "klawisz, aby go włączyć.")

        # Touch mode again: the next tap on a tile opens it.
        kiosk.tap(kiosk.find("Stan cywilny (USC)"))
        assert kiosk.screen == "category"
        kiosk.tap("Wstecz")
        assert kiosk.screen == "home"
    finally:
        app.audio.stop(silent=True)
        kiosk.frames(2)


def test_the_bar_speaks_english_and_ukrainian(kiosk):
    app = kiosk.app
    try:
        for lang, on, off in (("en", "Audio mode is on", "Turn off audio mode"),
                              ("uk", "Голосовий режим увімкнено", "Вимкнути голосовий режим")):
            kiosk.tap(kiosk.find({"en": "English", "uk": "Українська"}[lang]))
            kiosk.key(KEY_DOWN)
            assert app.audio_on
            texts = kiosk.texts()
            assert on in texts and off in texts
            kiosk.tap(kiosk.find(off))
            assert not app.audio_on
    finally:
        app.audio.stop(silent=True)
        kiosk.frames(2)
