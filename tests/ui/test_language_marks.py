"""Languages (issue 19, defect 12), in the real window: an item shown in Polish for want of a
translation carries its own small "Only in Polish" tag, and nothing else does (no banner over
a page whose heading is translated, none on a Ukrainian page with nothing in Polish); the
Ukrainian office name is the city hall, not the council; English Home says Hello."""

from __future__ import annotations

from screens import widgets
from screens.widgets import NoteLabel, Tile, TitleLabel

# Looked up, not imported: the test must fail by its assertions on a kiosk without tags.
PolishOnlyMark = getattr(widgets, "PolishOnlyMark", type("NoMark", (), {}))

MARKS = {"en": "Only in Polish", "uk": "Лише польською", "pl": "Tylko po polsku"}


def _current(kiosk, cls):
    return [w for w in kiosk.widgets() if isinstance(w, cls) and kiosk._in_current_screen(w)
            and w.opacity > 0]


def _banners(kiosk, lang):
    """Page-wide notes saying 'Only in Polish' (the old way)."""
    return [w for w in _current(kiosk, NoteLabel) if w.text == MARKS[lang]]


def test_each_untranslated_item_is_marked_and_nothing_else(kiosk):
    app = kiosk.app
    content = app.core.content
    kiosk.tap(kiosk.find("English"))
    cat = content.category("id-residence")
    kiosk.tap(cat.name.en)
    assert kiosk.screen == "category"
    kiosk.frames(3)
    # The translated heading comes first; no page banner above (or anywhere).
    assert _banners(kiosk, "en") == []
    titles = _current(kiosk, TitleLabel)
    assert titles and titles[0].text == cat.name.en
    tiles = {t.title: t for t in _current(kiosk, Tile)}
    marked, plain = [], []
    for p in content.procedures_in("id-residence"):
        translated = p.title.has("en") and p.summary.has("en")
        tile = tiles[p.title.en if p.title.has("en") else p.title.pl]
        (plain if translated else marked).append(tile)
        assert getattr(tile, "polish_only", "") == ("" if translated else "Only in Polish"), \
            (p.symbol, getattr(tile, "polish_only", None))
    assert marked and plain
    # The tag is drawn inside its own tile, under the title.
    tile = marked[0]
    mark = next(w for w in tile.walk(restrict=True) if isinstance(w, PolishOnlyMark))
    assert mark.text == "Only in Polish" and mark.height > 10 and mark.opacity == 1
    _x, my = mark.to_window(*mark.pos)
    _x, ty = tile.to_window(*tile.pos)
    assert ty <= my and my + mark.height <= ty + tile.height
    assert kiosk.clipped() == []
    kiosk.screenshot("category-en-polish-only-marks")

    # A guide whose title has no English: the tag sits right under that title.
    untranslated = next(p for p in content.procedures_in("id-residence")
                        if not p.title.has("en"))
    kiosk.tap(kiosk.find(untranslated.title.pl))
    assert kiosk.screen == "guide"
    assert _banners(kiosk, "en") == []
    body = app.manager.current_screen.body
    order = list(reversed(body.children))
    title = next(w for w in order if isinstance(w, TitleLabel))
    assert title.text == untranslated.title.pl
    assert isinstance(order[order.index(title) + 1], PolishOnlyMark)


def test_the_ukrainian_nothing_found_page_tags_only_the_rows_in_polish(kiosk):
    """"Лише польською" stood over the whole page, which is Ukrainian; now only the suggested
    matters without a Ukrainian title carry it, each its own."""
    from screens.search import ResultRow

    app = kiosk.app
    kiosk.tap(kiosk.find("Українська"))
    app.go("search", query="qqqzzz")
    kiosk.wait_until(lambda: any("qqqzzz" in t for t in kiosk.texts()))
    kiosk.frames(5)
    assert _banners(kiosk, "uk") == []
    content = app.core.content
    rows = _current(kiosk, ResultRow)
    assert rows
    for row in rows:
        g = content.guide(row.hit.ref)
        polish = not g.title.has("uk")
        assert getattr(row, "polish_only", "") == ("Лише польською" if polish else ""), \
            (row.title, getattr(row, "polish_only", None))
    # Above the suggestions all is Ukrainian: no tag there.
    shown = [w for w in kiosk.widgets() if kiosk._in_current_screen(w)]  # top first
    above = shown[:shown.index(rows[0])]
    assert not any(isinstance(w, (NoteLabel, PolishOnlyMark)) for w in above)
    kiosk.screenshot("search-uk-nothing-found")


def test_ukrainian_names_the_city_hall_and_english_home_says_hello(kiosk):
    ids = kiosk.app.root.ids
    kiosk.tap(kiosk.find("Українська"))
    name = ids.office_name.text
    assert "рада" not in name.lower(), name  # the council is not the office
    assert name == "Мерія Пйотркува-Трибунальського — Бюро обслуговування мешканців"
    kiosk.tap(kiosk.find("English"))
    texts = kiosk.texts()
    assert "Hello! How can we help you?" in texts
    assert not any("Good day" in t for t in texts)

