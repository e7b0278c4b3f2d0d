"""Screens residents seldom come back to (fees, forms, departments) give back their page once
Back can no longer lead to them, and show it again whole, in the language and text size of
the moment, when asked for again."""

from kivy.uix.label import Label

from screens import theme
from screens.widgets import TitleLabel

FEES_PL, FEES_EN = "Opłaty i podatki lokalne", "Local fees and taxes"


def _page_labels(screen) -> list[Label]:
    return [w for w in screen.ids.scroll.body.walk(restrict=True)
            if isinstance(w, Label) and w.text]


def test_fees_page_is_let_go_on_leaving_and_shown_again_in_the_current_language(kiosk):
    app = kiosk.app
    rates = app.manager.get_screen("rates")
    kiosk.tap(FEES_PL)
    first = kiosk.texts()
    labels = _page_labels(rates)
    assert labels
    kiosk.tap(app.root.ids.back_button)
    assert kiosk.screen == "home"
    # Nothing of the page is left drawn: its labels are blank and hold no pixels.
    assert not rates.ids.scroll.body.children
    assert all(not w.text and w.texture is None and w._label.texture is None for w in labels)
    # Nor a copy of them: Kivy's SDL2 text kept each label's last rendering in an SDL
    # surface beside its texture (17 MiB of fees-page pixels stayed after leaving it).
    assert all(getattr(w._label, "_surface", None) is None for w in labels)

    kiosk.tap("English")
    app.set_font_scale(1.5)
    kiosk.frames(2)
    kiosk.tap(FEES_EN)
    assert kiosk.screen == "rates"
    texts = kiosk.texts()
    assert FEES_EN in texts and FEES_PL not in texts
    assert any(t.startswith("Year: ") for t in texts)
    title = next(w for w in rates.walk(restrict=True) if isinstance(w, TitleLabel))
    assert title.font_size == theme.FONT_TITLE * 1.5
    assert kiosk.clipped() == []

    kiosk.tap(app.root.ids.back_button)
    kiosk.tap("Polski")
    app.set_font_scale(1.0)
    kiosk.frames(2)
    kiosk.tap(FEES_PL)
    assert kiosk.texts() == first


def test_forms_list_is_kept_while_back_leads_to_it(kiosk):
    app = kiosk.app
    forms = app.manager.get_screen("forms")
    kiosk.tap("Formularze")
    listed = list(forms.ids.scroll.body.children)
    form = app.core.content.forms()[0]
    kiosk.tap(form.title.pl)
    assert kiosk.screen == "form"
    assert forms.ids.scroll.body.children == listed  # one tap back: kept as it is
    kiosk.tap(app.root.ids.back_button)
    assert kiosk.screen == "forms"
    assert forms.ids.scroll.body.children == listed
    form_screen = app.manager.get_screen("form")
    assert not form_screen.ids.scroll.body.children  # Back cannot lead there any more
    kiosk.tap(app.root.ids.back_button)
    assert kiosk.screen == "home"
    assert not forms.ids.scroll.body.children
    kiosk.tap("Formularze")
    assert form.title.pl in kiosk.texts()
