"""Audio mode in the real window: started without sight, every screen reachable by keys and
gestures, touch explores without activating, speech stops at a touch, real audio plays, and a
whole guide plus a ticket done with the keyboard alone while the screen is blanked."""

from __future__ import annotations

import wave

import pytest
from kivy.tests.common import UnitTestTouch

from screens import theme
from screens.audio_mode import KEY_BACKSPACE, KEY_DOWN, KEY_ENTER, KEY_PAGEUP, KEY_UP
from screens.widgets import CheckRow, Tile


@pytest.fixture
def audio(kiosk):
    yield kiosk
    kiosk.app.audio.stop(silent=True)
    kiosk.frames(2)


def said(kiosk) -> str:
    return kiosk.app.audio.speaker.said[-1] if kiosk.app.audio.speaker.said else ""


def start_with_a_key(kiosk) -> None:
    kiosk.key(KEY_DOWN)
    assert kiosk.app.audio.active


def focus_on(kiosk, text: str, limit: int = 300) -> None:
    """Press Down until the spoken item contains `text` (as a blind resident would)."""
    audio = kiosk.app.audio
    for _ in range(limit):
        kiosk.key(KEY_DOWN, frames=1)
        if audio.focused is not None and text in audio.describe(audio.focused):
            return
    raise AssertionError(f"{text!r} never reached; items: "
                         f"{[audio.describe(w)[:30] for w in audio.items]}")


def wait_for_audio(kiosk, timeout: float = 15.0):
    """The clip of the newest speech request, once it reaches the loudspeaker."""
    speaker = kiosk.app.audio.speaker
    kiosk.wait_until(lambda: speaker.answered, timeout)
    return speaker.played[-1]


def test_any_key_starts_audio_mode_with_spoken_orientation_and_real_audio(audio):
    start_with_a_key(audio)
    assert said(audio).startswith("Tryb głosowy jest włączony.")
    assert "Dzień dobry! W czym możemy pomóc?" in said(audio)
    clip = wait_for_audio(audio)
    with wave.open(str(clip.path)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert seconds > 5  # the orientation is a few sentences of real speech
    assert audio.app.idle.idle_seconds == audio.app.cfg.timeouts.audio_idle_seconds


def test_holding_the_marked_corner_for_two_seconds_starts_it(audio):
    touch = UnitTestTouch(theme.AUDIO_CORNER / 2, theme.AUDIO_CORNER / 2)
    touch.touch_down()
    audio.pump(1.0)
    assert not audio.app.audio.active  # a short touch is just a touch
    audio.pump(1.3)
    assert audio.app.audio.active
    touch.touch_up()
    audio.frames(2)
    assert audio.screen == "home"


def test_touch_explores_without_activating_and_a_double_tap_chooses(audio):
    start_with_a_key(audio)
    tile = next(w for w in audio.widgets() if isinstance(w, Tile)
                and w.title == "Stan cywilny (USC)")
    audio.reveal(tile)
    x, y = tile.to_window(*tile.center)
    t = UnitTestTouch(x, y)
    t.touch_down()
    t.touch_up()
    audio.frames(3)
    assert audio.screen == "home"
    assert said(audio) == "Stan cywilny (USC). 9 spraw. przycisk"
    assert audio.app.audio.focused is tile
    ring = audio.app.audio.ring
    ring.follow()
    rx, ry, rw, rh = ring._line.rectangle
    assert rx < x < rx + rw and ry < y < ry + rh  # the ring is around what is spoken
    t2 = UnitTestTouch(x, y)
    t2.touch_down()
    t2.is_double_tap = True
    t2.touch_up()
    audio.frames(5)
    assert audio.screen == "category"


def test_swipes_move_through_the_list(audio):
    start_with_a_key(audio)
    a = audio.app.audio

    def swipe(dx):
        t = UnitTestTouch(500, 900)
        t.touch_down()
        t.touch_move(500 + dx, 900)
        t.touch_up()
        audio.frames(2)

    swipe(300)
    first = a.index
    swipe(300)
    assert a.index == first + 1
    swipe(-300)
    assert a.index == first
    assert audio.screen == "home"


def test_any_touch_stops_speech_at_once(audio):
    start_with_a_key(audio)
    speaker = audio.app.audio.speaker
    wait_for_audio(audio)
    assert speaker.speaking
    t = UnitTestTouch(500, 900)
    t.touch_down()
    assert not speaker.speaking and speaker.sound is None
    t.touch_up()
    audio.frames(2)


def test_new_speech_replaces_old(audio):
    start_with_a_key(audio)
    speaker = audio.app.audio.speaker
    wait_for_audio(audio)
    first = speaker.sound
    audio.key(KEY_DOWN)
    wait_for_audio(audio)
    assert first.state == "stop" and speaker.sound is not first


SCREENS = [("home", {}), ("category", {"code": "civil-status"}),
           ("guide", {"symbol": "USC I", "step": 1}), ("guide", {"symbol": "USC I", "step": 5}),
           ("departments", {}), ("department", {"code": "USC"}), ("rates", {}), ("forms", {}),
           ("accessibility", {})]


@pytest.mark.parametrize("name, params", SCREENS, ids=[f"{n}-{p}" for n, p in SCREENS])
def test_the_keys_reach_every_control_of_every_screen_and_never_trap(audio, name, params):
    start_with_a_key(audio)
    audio.app.go(name, **params)
    audio.frames(5)
    a = audio.app.audio
    a._collect()
    from kivy.uix.behaviors import ButtonBehavior

    controls = [w for w in audio.widgets() if isinstance(w, ButtonBehavior)
                and w.opacity > 0 and not w.disabled and w.height > 0
                and w.get_root_window() is not None and w not in audio.app.audio.strip.children]
    assert controls
    seen = []
    for _ in range(len(a.items)):
        audio.key(KEY_DOWN, frames=0)
        seen.append(a.focused)
    audio.frames(1)
    assert all(c in seen for c in controls), [getattr(c, "text", "") for c in controls
                                              if c not in seen]
    audio.key(KEY_DOWN)
    assert a.index == 0 and said(audio).startswith("Początek ekranu.")  # wraps: no trap
    audio.key(KEY_UP)
    assert a.index == len(a.items) - 1


def test_help_repeat_volume_and_speed_are_spoken_and_reset_with_the_session(audio):
    start_with_a_key(audio)
    a = audio.app.audio
    audio.key(KEY_DOWN)
    audio.key(0, "h")
    assert said(audio) == ("Dzień dobry! W czym możemy pomóc? To jest tekst. Przesuń w prawo "
                           "albo naciśnij strzałkę w dół, aby przejść dalej.")
    audio.key(KEY_DOWN)
    audio.key(0, "h")
    assert said(audio) == ("Pobierz bilet do kolejki. Weź numer i poczekaj na wezwanie. "
                           "przycisk Stuknij dwa razy albo naciśnij Enter, aby go wybrać.")
    before = said(audio)
    audio.key(0, "r")
    assert said(audio) == before
    audio.key(0, "-")
    assert said(audio) == "Głośność 3 z 4." and a.speaker.volume == 0.75
    audio.key(KEY_PAGEUP)
    audio.key(KEY_PAGEUP)
    assert said(audio) == "Tempo mowy 4 z 5." and a.speaker.speed == 1.5
    clip = wait_for_audio(audio)
    assert clip.path.exists() and audio.app.audio.speaker.sound.volume == 0.75
    audio.app.reset_session()
    audio.frames(2)
    assert not a.active and a.speaker.volume == 1.0 and a.speaker.speed == 1.0


def test_idle_warning_is_spoken_and_comes_later_in_audio_mode(audio):
    start_with_a_key(audio)
    app = audio.app
    audio.clock.advance(app.cfg.timeouts.idle_seconds + 5)
    audio.pump(0.6)
    assert app._idle_popup is None  # audio mode waits longer
    t = app.cfg.timeouts
    audio.clock.advance(t.audio_idle_seconds - t.idle_seconds - 5 + 1)
    audio.pump(0.6)
    assert app._idle_popup is not None
    assert said(audio).startswith("Czy jeszcze tu jesteś?")
    audio.key(KEY_DOWN)
    audio.pump(0.6)
    assert app._idle_popup is None and app.audio.active


def test_a_whole_guide_and_a_ticket_with_the_keyboard_alone_and_the_screen_blanked(audio):
    start_with_a_key(audio)
    audio.key(0, "b")
    assert audio.app.privacy and said(audio) == "Ekran zasłonięty."
    focus_on(audio, "Stan cywilny (USC)")
    audio.key(KEY_ENTER, frames=5)
    assert audio.screen == "category"
    g = audio.app.core.content.guide("USC I")
    focus_on(audio, g.title.pl)
    audio.key(KEY_ENTER, frames=5)
    assert audio.screen == "guide"
    for step in range(5):
        if step == 1:  # the documents: tick the first one
            focus_on(audio, g.documents[0].name.pl)
            audio.key(KEY_ENTER)
            assert said(audio) == "Mam."
            assert [w for w in audio.widgets() if isinstance(w, CheckRow)][0].checked
        focus_on(audio, "Dalej")
        audio.key(KEY_ENTER, frames=5)
        audio.frames(3)
    assert "Krok 6 z 6" in audio.texts()
    focus_on(audio, "Pobierz bilet do kolejki")
    audio.key(KEY_ENTER, frames=5)
    audio.wait_until(lambda: "Pobierz bilet" in audio.texts())
    audio.frames(5)  # the list is rebuilt when the screen has its content
    focus_on(audio, "Pobierz bilet.")
    audio.key(KEY_ENTER, frames=5)
    screen = audio.app.manager.get_screen("printing")
    audio.wait_until(lambda: audio.screen == "printing" and screen.results
                     and all(r is not None for r in screen.results.values()))
    audio.frames(10)
    audio.wait_until(lambda: "Weź bilet z otworu poniżej." in said(audio))
    ticket = screen.params["ticket"]
    assert f"Twój numer {ticket.code}." in said(audio)
    # What the resident hears: the number read as a letter and a number.
    clip = wait_for_audio(audio)
    assert f"{ticket.letter} " in clip.spoken and "Weź bilet z otworu poniżej." in clip.spoken
    assert audio.app.privacy  # the screen stayed blank throughout
    audio.key(KEY_BACKSPACE)


def test_a_held_key_does_not_repeat_for_two_seconds(audio):
    start_with_a_key(audio)
    a = audio.app.audio
    w = audio.window
    w.dispatch("on_key_down", KEY_DOWN, 0, None, [])
    first = a.index
    for _ in range(5):  # the keyboard's auto-repeat while the key stays down
        w.dispatch("on_key_down", KEY_DOWN, 0, None, [])
    assert a.index == first
    w.dispatch("on_key_up", KEY_DOWN, 0)
    audio.key(KEY_DOWN)
    assert a.index == first + 1


def test_the_strip_works_with_single_taps(audio):
    start_with_a_key(audio)
    a = audio.app.audio
    strip_next = next(b for b in a.strip.children if b.text == "Dalej")
    audio.tap(strip_next)
    assert a.index == 0 and audio.screen == "home"
    audio.tap(next(b for b in a.strip.children if b.text == "Powtórz"))
    assert said(audio) == a.describe(a.focused)
    audio.tap(next(b for b in a.strip.children if b.text == "Pomoc"))
    assert "To jest tekst." in said(audio)


def test_speech_follows_the_language_on_screen(audio):
    audio.app.set_lang("uk")
    audio.frames(2)
    start_with_a_key(audio)
    assert said(audio).startswith("Голосовий режим увімкнено.")
    clip = wait_for_audio(audio)
    assert clip.spoken.startswith("Голосовий режим")
    # Rendered with the Ukrainian voice: its cache key is the Ukrainian one.
    assert clip.path.stem in audio.app.core.speech.keys_for(said(audio), "uk")
    assert clip.path.stem not in audio.app.core.speech.keys_for(said(audio), "pl")
    audio.app.audio.speaker.stop()


def test_pictures_have_spoken_alternatives(audio):
    from screens.widgets import AudioCorner, QRCode

    start_with_a_key(audio)
    a = audio.app.audio
    assert a.describe(QRCode(data="https://bom.piotrkow.pl/")) == \
        "Kod QR z adresem https://bom.piotrkow.pl/"
    corner = next(w for w in audio.widgets() if isinstance(w, AudioCorner))
    assert corner in a.items and a.describe(corner) == "Róg trybu głosowego."


def test_enter_right_after_a_screen_change_does_not_choose_on_the_screen_just_left(audio):
    """The list of items follows a screen change a moment later. A key pressed in that moment
    (key repeat, a quick double press) once chose the item focused on the old screen, and the
    resident landed somewhere they never asked for, or on an error (found by the soak)."""
    start_with_a_key(audio)
    focus_on(audio, "Formularze")  # a Home tile
    audio.app.go("departments")  # the screen changes (as after a choice), no frame drawn yet
    audio.key(KEY_ENTER, frames=0)
    audio.frames(3)
    assert audio.screen == "departments", "the Home tile left behind was not chosen"
    assert "Wydziały" in said(audio)  # the resident hears where they are instead
    audio.key(KEY_DOWN)
    assert audio.app.audio.focused is not None
    assert audio.app.audio._still_shown(audio.app.audio.focused)


def test_blanking_the_screen_again_and_again_keeps_no_old_curtains(audio):
    """The curtain still covers the whole window after a resize, and the ones taken down are
    freed: a kiosk blanks and unblanks all day (the soak found them all kept alive)."""
    import gc

    from screens.audio_mode import PrivacyCurtain

    start_with_a_key(audio)
    for _ in range(10):
        audio.key(0, "b")  # blank
        audio.key(0, "b")  # and show again
    audio.key(0, "b")
    assert audio.app.privacy
    audio.resize(1920, 1080)
    curtain = audio.app.audio.curtain
    assert tuple(curtain._rect.size) == (1920, 1080)
    del curtain
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, PrivacyCurtain)]
    assert len(alive) == 1, f"{len(alive)} curtains alive, 1 shown"
