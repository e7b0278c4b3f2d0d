"""Shared text textures (screens/text_textures.py): a text the kiosk has drawn before comes
back without being rendered again, and every label still shows its own text in its own style.

What is compared is what the window would draw: a label's texture read back from the GPU
against the same text rendered afresh by Kivy with the label's options."""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel
from kivy.uix.label import Label

from screens import text_textures


def _fresh_pixels(label: Label) -> bytes:
    core = CoreLabel(**{**label._label.options, "text": label._label.text,
                        "text_size": label._label.text_size})
    core.refresh()
    return core.texture.pixels


def _drawn_as_own_text(kiosk) -> list[str]:
    shared = [w for w in kiosk.widgets()
              if isinstance(w, Label) and w.text and kiosk._in_current_screen(w)
              and w.texture is not None and len(w._label.text) <= text_textures.MAX_TEXT
              and type(w._label) is CoreLabel]
    return [w.text for w in shared if w.texture.pixels != _fresh_pixels(w)]


def test_home_after_language_switches_shows_each_label_in_its_language(kiosk):
    """English and back, three times, then high contrast: each label on Home shows exactly
    its current text in its current colours, and no tile or language button is rendered
    again on a second visit to a language."""
    app = kiosk.app

    def shared_rendered_in(rounds: int) -> set[str]:
        rendered: list[str] = []
        original = CoreLabel.refresh

        def counting_refresh(core):
            rendered.append(core.text)
            return original(core)

        CoreLabel.refresh = counting_refresh
        try:
            for _ in range(rounds):
                app.set_lang("en")
                kiosk.frames(3)
                app.set_lang("pl")
                kiosk.frames(3)
        finally:
            CoreLabel.refresh = original
        shared = {w._label.text for w in kiosk.widgets()
                  if getattr(w, "shares_texture", False) and kiosk._in_current_screen(w)}
        assert len(shared) > 20  # the tiles, the language buttons
        return shared & set(rendered)

    # Each text seen in both languages at its final width (a window just opened may still
    # be settling its layout), then three more switches there and back render none of them.
    for _ in range(4):
        if not shared_rendered_in(1):
            break
    assert shared_rendered_in(3) == set()
    assert _drawn_as_own_text(kiosk) == []
    app.set_palette("high_contrast")
    try:
        kiosk.frames(3)
        assert _drawn_as_own_text(kiosk) == []
    finally:
        app.set_palette("normal")
        kiosk.frames(3)
    app.set_lang("en")
    kiosk.frames(3)
    try:
        assert _drawn_as_own_text(kiosk) == []
    finally:
        app.set_lang("pl")
        kiosk.frames(3)


def test_a_label_changing_its_text_leaves_a_shared_texture_alone(kiosk):
    """Two tiles' texts show "0"; one turns to "1" (same size in the kiosk's font, so Kivy
    would draw it into the texture it has): the other still shows "0"."""
    from screens.widgets import ShortText

    root = kiosk.app.root
    first, second = ShortText(text="0", font_size=60), ShortText(text="0", font_size=60)
    root.add_widget(first)
    root.add_widget(second)
    try:
        kiosk.frames(3)
        assert first.texture is second.texture  # rendered once, shown twice
        zero = _fresh_pixels(second)
        first.text = "1"
        kiosk.frames(3)
        assert first.texture.pixels == _fresh_pixels(first)
        assert first.texture.pixels != zero
        assert second.texture.pixels == zero
    finally:
        root.remove_widget(first)
        root.remove_widget(second)
