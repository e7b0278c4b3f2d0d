""""Ekran startowy" ends the visit exactly as the idle reset does (issue 19, defect 6): the
next person finds Polish, normal text, normal colours, no audio mode, nothing ticked and no
history; and Ułatwienia says so. Measured in the window's pixels, not only in the settings."""

from __future__ import annotations

from screens import theme
from screens.widgets import CheckRow, TitleLabel
from tests.ui.pixels import dominant, grab, region


def _home_look(kiosk) -> dict:
    """What Home looks like: the colours most of its column and of each bar are drawn in, and
    how tall the title's letters are drawn."""
    assert kiosk.screen == "home"
    kiosk.app.manager.current_screen.ids.scroll.scroll_y = 1
    pixels = grab(kiosk)
    manager, ids = kiosk.app.manager, kiosk.app.root.ids
    top, bottom = ids.top_bar, ids.bottom_bar
    title = next(w for w in kiosk.widgets() if isinstance(w, TitleLabel)
                 and kiosk._in_current_screen(w))
    return {
        "column": dominant(region(pixels, *manager.to_window(*manager.pos), *manager.size)),
        "top bar": dominant(region(pixels, *top.to_window(*top.pos), *top.size)),
        "bottom bar": dominant(region(pixels, *bottom.to_window(*bottom.pos), *bottom.size)),
        "title height": title.texture_size[1],
        "title": title.text,
    }


def _rgb(colour) -> tuple[int, int, int]:
    return tuple(round(c * 255) for c in colour[:3])


def test_start_screen_ends_the_visit_like_the_idle_reset(kiosk):
    app = kiosk.app
    normal = _home_look(kiosk)
    assert normal["top bar"] == _rgb(theme.NORMAL.PRIMARY)
    assert normal["bottom bar"] == _rgb(theme.NORMAL.SURFACE)

    # A visit: very large text, high contrast, English, then a document ticked in a guide.
    kiosk.tap("Ułatwienia")
    kiosk.tap(kiosk.find("Bardzo duży tekst"))
    kiosk.tap(kiosk.find("Wysoki kontrast"))
    kiosk.tap(kiosk.find("English"))
    assert (app.font_scale, app.pal, app.lang) == (2.0, theme.HIGH_CONTRAST, "en")
    kiosk.tap("Back")  # Home, still in the visit: large, high contrast, English
    changed = _home_look(kiosk)
    assert changed["top bar"] == _rgb(theme.HIGH_CONTRAST.PRIMARY)
    assert changed["bottom bar"] == _rgb(theme.HIGH_CONTRAST.SURFACE)
    assert changed["title height"] > normal["title height"] * 1.5
    content = app.core.content
    kiosk.tap(content.category("civil-status").name.en)
    kiosk.tap(kiosk.find(content.guide("USC I").title.en))
    kiosk.tap("Next")
    kiosk.tap([w for w in kiosk.widgets() if isinstance(w, CheckRow)][0])
    assert app.session.ticked

    kiosk.tap(kiosk.find("Start screen"))

    assert kiosk.screen == "home"
    assert _home_look(kiosk) == normal  # Polish, normal size, normal colours
    assert (app.font_scale, app.pal, app.lang, app.low_reach, app.audio_on) == (
        1.0, theme.NORMAL, "pl", False, False)
    assert app.session.ticked == {} and app.history == [("home", {})]
    assert kiosk.app.root.ids.nav_buttons.opacity == 0  # nothing to go back to


def test_accessibility_page_says_the_rule(kiosk):
    kiosk.tap("Ułatwienia")
    assert ("Wszystko tutaj wraca do zwykłych ustawień, gdy dotkniesz „Ekran startowy” albo "
            "gdy nikt przez chwilę nie dotyka kiosku.") in kiosk.texts()
    kiosk.tap(kiosk.find("English"))
    assert ("Everything here goes back to normal when you tap Start screen, or when nobody "
            "touches the kiosk for a while.") in kiosk.texts()
    kiosk.tap(kiosk.find("Українська"))
    assert ("Усе тут повертається до звичайних налаштувань, коли ви торкнетеся «Головний "
            "екран» або коли ніхто деякий час не торкається кіоску.") in kiosk.texts()


def test_start_screen_chosen_in_audio_mode_says_how_to_turn_it_on_again(kiosk):
    app = kiosk.app
    kiosk.tap("Ułatwienia")
    kiosk.tap(kiosk.find("Tryb głosowy"))
    assert app.audio_on
    kiosk.pump(0.3)  # the list of items is collected once the screen is laid out
    for _ in range(100):  # Down until "Ekran startowy" is spoken, as a blind resident would
        kiosk.key(274, frames=1)
        if app.audio.describe(app.audio.focused).startswith("Ekran startowy."):
            break
    kiosk.key(13)  # Enter: chosen
    assert kiosk.screen == "home" and not app.audio_on
    assert app.audio.speaker.said[-1] == ("Ekran startowy. Tryb głosowy jest wyłączony. "
                                          "Naciśnij dowolny klawisz, aby go włączyć.")


def test_the_end_of_a_visit_collects_what_it_left_and_sets_the_rest_aside(kiosk):
    """The kiosk keeps its ~500,000 living objects out of the cycle collector's full passes
    (a pass over them stopped the screen for 120-170 ms at random taps), so what a visit
    leaves in reference cycles must still go: the end of the visit collects it, then sets
    aside what lives."""
    import gc
    import weakref

    class Left:
        pass

    left = Left()
    left.me = left  # a cycle: only the collector frees it
    gone = weakref.ref(left)
    gc.freeze()  # as an earlier settling left it: out of the collector's passes
    del left
    gc.collect()
    assert gone() is not None  # frozen: no pass reaches it
    kiosk.app.end_visit()
    kiosk.pump(0.7)
    assert gone() is None
    assert gc.get_freeze_count() > 100_000  # the kiosk's own objects, set aside again
