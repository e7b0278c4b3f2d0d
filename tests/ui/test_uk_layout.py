"""The bars in Ukrainian (and Polish, English) at every text size, in the real window: no word of
a bar's button is split across lines ("Доступ-ність" at x2), nothing is clipped; and on Home
the breadcrumb names the one place, never "Початок › Початок"."""

from __future__ import annotations

LANGS = {"pl": "Polski", "en": "English", "uk": "Українська"}
HOME_CRUMB = {"pl": "Start", "en": "Start", "uk": "Початок"}


def _set_lang(kiosk, lang: str) -> None:
    kiosk.tap(kiosk.find(LANGS[lang]))
    assert kiosk.app.lang == lang


def _word_width(label, word: str) -> float:
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(text=word, font_size=label.font_size, bold=label.bold,
                     font_name=label.font_name)
    return core.get_extents(word)[0]


def split_words(kiosk, labels) -> list[str]:
    """Labels that break a word across lines: Kivy cuts a word wider than the line it wraps
    to, so every word must fit the label's text width."""
    bad = []
    for w in labels:
        if not w.text or w.opacity == 0:
            continue
        room = (w.text_size[0] if w.text_size[0] is not None else w.width) \
            - w.padding[0] - w.padding[2]
        for word in w.text.split():
            if _word_width(w, word) > room + 1:
                bad.append(f"{word!r} ({_word_width(w, word):.0f} px) in {room:.0f} px "
                           f"of {w.text!r} at font {w.font_size:.1f}")
    return bad


def _bar_buttons(app) -> list:
    from kivy.uix.button import Button

    ids = app.root.ids
    return [w for bar in (ids.top_bar, ids.bottom_bar) for w in bar.walk(restrict=True)
            if isinstance(w, Button) and w.opacity > 0]


def _check_bars(kiosk, where: str, *, clipped: bool = True) -> list[str]:
    """Split words in the bars' buttons, and (harness clipped()) any bar label whose text
    does not fit it."""
    kiosk.frames(3)
    ids = kiosk.app.root.ids
    buttons = _bar_buttons(kiosk.app)
    problems = split_words(kiosk, buttons)
    if clipped:
        bar_texts = {w.text[:40] for w in buttons} | {
            ids.office_name.text[:40], ids.breadcrumb.text[:40], ids.corner_hint.text[:40]}
        problems += [c for c in kiosk.clipped() if any(c.startswith(repr(t)) for t in bar_texts)]
    else:  # the same test as clipped() for the buttons alone: the text fits its button
        problems += [f"{w.text!r} text {w.texture_size} in {w.size}" for w in buttons
                     if w.texture_size[0] > w.width + 2 or w.texture_size[1] > w.height + 2]
    access = ids.access_button  # one line: "Доступність" whole, not two halves
    if access.texture_size[1] > 1.6 * access.font_size:
        problems.append(f"{access.text!r} on {access.texture_size[1]} px: more than one line")
    return [f"{where}: {p}" for p in problems]


def test_no_bar_button_splits_a_word_or_is_clipped(kiosk):
    app = kiosk.app
    problems = []
    app.go("guide", symbol="USC I", step=1)  # both bars in full: Back reads "Back: close the
    for lang in LANGS:                       # guide" here, the longest Back there is
        app.set_lang(lang)
        for scale in (1.0, 1.5, 2.0):
            app.font_scale = scale
            problems += _check_bars(kiosk, f"{lang} x{scale} guide", clipped=scale == 2.0)
    app.back()
    for lang in LANGS:  # Home: the corner's hint instead of Back and Start screen
        app.set_lang(lang)
        problems += _check_bars(kiosk, f"{lang} x2 home")
    assert not problems, "\n".join(problems)


def test_uk_home_at_double_text(kiosk):
    """The screenshot to look at; and where the bar cannot give the word its room, the font
    shrinks: still one whole word."""
    app = kiosk.app
    _set_lang(kiosk, "uk")
    app.set_font_scale(2.0)
    shot = kiosk.screenshot("uk-home-x2")
    assert shot.exists()
    assert not _check_bars(kiosk, "uk x2 home")
    assert app.root.ids.breadcrumb.text == "Початок"
    access = app.root.ids.access_button
    kept = access.max_width
    try:
        access.max_width = 200
        kiosk.frames(3)
        assert access.width == 200 and access.shrink < 1
        assert not split_words(kiosk, [access])
        assert access.texture_size[0] <= access.width
    finally:
        access.max_width = kept
    kiosk.frames(2)
    assert access.shrink == 1 and access.width > 260


def _crumb_on_home(kiosk, lang: str, how: str) -> None:
    app = kiosk.app
    assert app.manager.current == "home", how
    crumb = app.root.ids.breadcrumb
    kiosk.frames(2)
    assert app.crumbs == [HOME_CRUMB[lang]], (lang, how, app.crumbs)
    assert crumb.text == HOME_CRUMB[lang] and app.breadcrumb == HOME_CRUMB[lang], \
        (lang, how, crumb.text, app.breadcrumb)


def test_home_breadcrumb_names_the_one_place(kiosk):
    app = kiosk.app
    for lang in LANGS:
        app.set_lang(lang)
        _crumb_on_home(kiosk, lang, "language switched on Home")
        # Home reached as a place of its own (a link to the start screen): the start is
        # where the trail begins, not a second crumb after the first.
        app.go("accessibility")
        app.go("home")
        _crumb_on_home(kiosk, lang, "go('home') after Accessibility")
    app.go("accessibility")
    app.go("accessibility")  # Accessibility from Accessibility: named once
    assert app.crumbs == ["Початок", "Доступність"], app.crumbs
    app.back()
    app.back()
    _crumb_on_home(kiosk, "uk", "Back from Accessibility")
    app.go("guide", symbol="USC I", step=5)
    app.manager.current_screen.next_step()  # the guide's last step leads Home
    _crumb_on_home(kiosk, "uk", "end of a guide")
