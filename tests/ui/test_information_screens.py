"""Departments, local rates and forms, and both screen orientations."""

from screens.widgets import Tile, TileGrid


def test_departments_show_where_when_and_phones(kiosk):
    kiosk.tap("Wydziały i pokoje")
    assert kiosk.screen == "departments"
    depts = kiosk.app.core.content.departments()
    texts = " ".join(kiosk.texts())
    for d in depts:
        assert d.name.pl in texts
    kiosk.screenshot("departments")
    usc = next(d for d in depts if d.code == "USC")
    kiosk.tap(f"{usc.name.pl} (USC)")
    assert kiosk.screen == "department"
    texts = kiosk.texts()
    assert usc.place.building in texts
    assert any(usc.phones[0] in t for t in texts)
    if usc.hours:
        assert any(t.startswith("Teraz otwarte, do ") for t in texts)
    assert kiosk.clipped() == []
    kiosk.screenshot("department-usc")


def test_department_closed_at_night_says_when_it_opens(kiosk):
    import datetime as dt

    kiosk.now["value"] = dt.datetime(2026, 11, 27, 20, 0)  # Friday evening
    kiosk.tap("Wydziały i pokoje")
    dept = next(d for d in kiosk.app.core.content.departments() if d.hours)
    kiosk.tap(f"{dept.name.pl} ({dept.code})")
    assert any(t.startswith("Teraz zamknięte. Otwarcie: poniedziałek o ") for t in kiosk.texts())


def test_local_rates_show_amount_year_and_resolution(kiosk):
    kiosk.tap("Opłaty i podatki lokalne")
    assert kiosk.screen == "rates"
    texts = " ".join(kiosk.texts())
    waste = next(r for r in kiosk.app.core.content.rates() if r.kind == "waste_fee")
    assert "35,00\xa0zł" in texts and waste.name.pl in texts
    assert "XLVII/593/22" in texts
    # Unconfirmed rates say so, and what is unconfirmed.
    assert "Do potwierdzenia w urzędzie: kwota, uchwała." in texts
    kiosk.screenshot("rates")


def test_forms_show_a_field_by_field_guide(kiosk):
    kiosk.tap("Formularze")
    form = kiosk.app.core.content.forms()[0]
    kiosk.tap(form.title.pl)
    assert kiosk.screen == "form"
    texts = kiosk.texts()
    for i, field in enumerate(form.fields, start=1):
        assert f"{i}. {field.label.pl}" in texts
        assert field.guide.pl in texts
    assert kiosk.clipped() == []
    kiosk.screenshot("form")


def test_landscape_lays_out_without_clipping(kiosk):
    kiosk.resize(1920, 1080)
    grids = [w for w in kiosk.widgets() if isinstance(w, TileGrid)]
    assert grids and all(g.cols == 3 for g in grids)
    assert kiosk.clipped() == []
    kiosk.screenshot("home-landscape")
    cat = kiosk.app.core.content.categories()[0]
    kiosk.tap(cat.name.pl)
    first = kiosk.app.core.content.procedures_in(cat.code)[0]
    kiosk.tap(first.title.pl)
    for _ in range(5):
        assert kiosk.clipped() == []
        kiosk.tap("Dalej")
    assert kiosk.clipped() == []
    kiosk.screenshot("guide-summary-landscape")
    assert all(t.height >= 90 for t in kiosk.widgets() if isinstance(t, Tile))
