"""A resident walks a procedure guide end to end by touch, in the real window."""

from kivy.uix.label import Label

from screens.widgets import CheckRow, PrimaryButton, Tile


def _category_with_documents(core):
    for cat in core.content.categories():
        for p in core.content.procedures_in(cat.code):
            g = core.content.guide(p.symbol)
            if len([d for d in g.documents if not d.optional]) >= 2 and g.fees:
                return cat, g
    raise AssertionError("no procedure with two required documents and a fee")


def test_home_shows_every_category_and_way_in(kiosk):
    texts = kiosk.texts()
    assert "Dzień dobry! W czym możemy pomóc?" in texts
    for cat in kiosk.app.core.content.categories():
        assert cat.name.pl in texts
    for label in ("Pobierz bilet do kolejki", "Szukaj", "Wydziały i pokoje",
                  "Opłaty i podatki lokalne", "Formularze", "Polski", "English", "Українська",
                  "Ułatwienia"):
        assert kiosk.find(label)
    for a in kiosk.app.core.content.announcements(kiosk.now["value"].date()):
        assert a.title.pl in texts
    assert kiosk.clipped() == []
    kiosk.screenshot("home-portrait")


def test_touch_targets_and_text_sizes(kiosk):
    from kivy.uix.behaviors import ButtonBehavior

    buttons = [w for w in kiosk.widgets() if isinstance(w, ButtonBehavior)
               and kiosk.on_screen(w) and w.opacity > 0]
    assert len(buttons) > 8
    for b in buttons:
        assert b.height >= 60, (getattr(b, "text", "") or getattr(b, "title", ""), b.height)
        if isinstance(b, (PrimaryButton, Tile)):
            assert b.height >= 90
    labels = [w for w in kiosk.widgets() if isinstance(w, Label) and w.text
              and kiosk.on_screen(w)]
    assert min(lb.font_size for lb in labels) >= 28


def test_walk_a_guide_from_home_to_summary_and_back_home(kiosk):
    cat, g = _category_with_documents(kiosk.app.core)
    kiosk.tap(cat.name.pl)
    assert kiosk.screen == "category"
    assert g.title.pl in kiosk.texts()
    assert cat.name.pl in kiosk.app.breadcrumb
    kiosk.screenshot("category")

    kiosk.tap(g.title.pl)
    assert kiosk.screen == "guide"
    texts = kiosk.texts()
    assert "Krok 1 z 6" in texts and g.summary.pl in texts
    assert g.who_may_apply.pl in texts
    assert kiosk.app.breadcrumb.endswith(g.symbol)
    assert kiosk.clipped() == []
    kiosk.screenshot("guide-1-about")

    kiosk.tap("Dalej")
    assert "Krok 2 z 6" in kiosk.texts()
    rows = [w for w in kiosk.widgets() if isinstance(w, CheckRow)]
    assert [r.text for r in rows] == [d.name.pl for d in g.documents]
    assert all(r.state_text == "Brak" for r in rows)
    first = rows[0]
    kiosk.tap(first)
    assert first.checked and first.state_text == "Mam"
    kiosk.screenshot("guide-2-documents")

    kiosk.tap("Dalej")
    texts = " ".join(kiosk.texts())
    assert "Krok 3 z 6" in texts
    for f in g.fees:
        assert f.name.pl in texts
    kiosk.screenshot("guide-3-fees")

    kiosk.tap("Dalej")
    texts = kiosk.texts()
    assert g.place.building in texts and g.department.name.pl in texts
    kiosk.screenshot("guide-4-where")

    kiosk.tap("Dalej")
    texts = kiosk.texts()
    assert g.deadline.pl in texts and "Czy możesz się odwołać?" in texts
    kiosk.screenshot("guide-5-time-appeal")

    kiosk.tap("Dalej")
    texts = kiosk.texts()
    assert "Krok 6 z 6" in texts and "Brakuje Ci jeszcze:" in texts
    required = [d for d in g.documents if not d.optional]
    missing = [t for t in texts if t.startswith("•  ")]
    assert "•  " + g.documents[0].name.pl not in missing
    assert len(missing) == len(required) - (0 if g.documents[0].optional else 1)
    assert kiosk.find("Drukuj kartę informacyjną") and kiosk.find("Pobierz bilet do kolejki")
    assert kiosk.clipped() == []
    kiosk.screenshot("guide-6-summary")

    kiosk.tap("Poprzedni krok")
    assert "Krok 5 z 6" in kiosk.texts()
    kiosk.tap("Dalej")
    kiosk.tap("Zakończ")
    assert kiosk.screen == "home"


def test_back_returns_to_the_category_and_ticks_survive_within_the_visit(kiosk):
    cat, g = _category_with_documents(kiosk.app.core)
    kiosk.tap(cat.name.pl)
    kiosk.tap(g.title.pl)
    kiosk.tap("Dalej")
    kiosk.tap([w for w in kiosk.widgets() if isinstance(w, CheckRow)][0])
    kiosk.tap("Wstecz")
    assert kiosk.screen == "category"
    kiosk.tap(g.title.pl)
    kiosk.tap("Dalej")
    assert [w for w in kiosk.widgets() if isinstance(w, CheckRow)][0].checked
    kiosk.tap("Ekran startowy")
    assert kiosk.screen == "home"


def test_switching_language_mid_guide_keeps_the_step_and_ticks(kiosk):
    cat, g = _category_with_documents(kiosk.app.core)
    kiosk.tap(cat.name.pl)
    kiosk.tap(g.title.pl)
    kiosk.tap("Dalej")
    kiosk.tap([w for w in kiosk.widgets() if isinstance(w, CheckRow)][0])
    kiosk.tap("Українська")
    assert kiosk.app.lang == "uk" and kiosk.screen == "guide"
    assert "Крок 2 з 6" in kiosk.texts()
    assert [w for w in kiosk.widgets() if isinstance(w, CheckRow)][0].checked
    kiosk.tap("English")
    assert "Step 2 of 6" in kiosk.texts()
    kiosk.tap("Polski")
    assert "Krok 2 z 6" in kiosk.texts()


def test_untranslated_content_is_marked_only_in_polish(kiosk):
    core = kiosk.app.core
    procedures = [p for c in core.content.categories() for p in core.content.procedures_in(c.code)]
    untranslated = next(p for p in procedures if not p.title.has("en"))
    translated = next(p for p in procedures if p.title.has("en") and p.summary.has("en"))
    kiosk.app.go("guide", symbol=translated.symbol, step=0)
    kiosk.app.set_lang("en")
    kiosk.frames(3)
    texts = kiosk.texts()
    assert translated.title.en in texts and "Only in Polish" not in texts
    kiosk.app.go("guide", symbol=untranslated.symbol, step=0)
    kiosk.frames(3)
    texts = kiosk.texts()
    assert untranslated.title.pl in texts and "Only in Polish" in texts
    kiosk.app.reset_session()
    assert kiosk.app.lang == "pl"
