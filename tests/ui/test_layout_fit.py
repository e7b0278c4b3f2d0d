"""Layout (issue 19, defect 13), in the real window: the breadcrumb keeps its start and the
current place and drops the middle ("…dy osobiste i meldunki" lost both the start and the
category's first letters); the tiles of one row share the tallest tile's height in Ukrainian
and at x2 text."""

from __future__ import annotations

import pytest

from screens.widgets import Tile, TileGrid


def _drawn(label) -> str:
    """The text the label really drew (after any shortening), line by line."""
    label.texture_update()
    lines = label._label._cached_lines
    return "\n".join("".join(w.text for w in line.words) for line in lines)


@pytest.mark.parametrize("lang", ["pl", "uk"])
def test_the_breadcrumb_keeps_its_start_and_the_current_place(kiosk, lang):
    app = kiosk.app
    content = app.core.content
    kiosk.tap("Ułatwienia")
    kiosk.tap(kiosk.find("Bardzo duży tekst"))
    start = {"pl": "Start", "uk": "Початок"}[lang]
    if lang != "pl":
        kiosk.tap(kiosk.find("Українська"))
    kiosk.tap(kiosk.app.root.ids.back_button)
    assert kiosk.screen == "home"
    cat = content.category("id-residence")
    kiosk.tap(cat.name.get(lang))
    assert kiosk.screen == "category"
    kiosk.frames(3)
    crumb = app.root.ids.breadcrumb
    drawn = _drawn(crumb)
    kiosk.screenshot(f"breadcrumb-x2-{lang}-category")
    # The start, then the beginning of the current place (a resident reads from the left).
    assert drawn.startswith(start), drawn
    assert cat.name.get(lang)[:8] in drawn, drawn
    assert "\n" not in drawn and crumb.texture_size[0] <= crumb.width + 1, drawn

    kiosk.tap(kiosk.find(content.guide("DEL I").title.get(lang)))
    assert kiosk.screen == "guide"
    kiosk.frames(3)
    drawn = _drawn(crumb)
    kiosk.screenshot(f"breadcrumb-x2-{lang}-guide")
    assert drawn.startswith(start), drawn
    assert drawn.endswith("DEL I"), drawn
    assert "\n" not in drawn and crumb.texture_size[0] <= crumb.width + 1, drawn


def _rows(grid: TileGrid) -> list[list[Tile]]:
    """The grid's tiles row by row, in the order they were added."""
    tiles = [t for t in reversed(grid.children) if isinstance(t, Tile)]
    cols = int(grid.cols)
    return [r for r in (tiles[i:i + cols] for i in range(0, len(tiles), cols)) if len(r) > 1]


@pytest.mark.parametrize("lang,scale", [("uk", 1.0), ("pl", 2.0), ("uk", 2.0)])
def test_tiles_in_one_row_share_the_tallest_height(kiosk, lang, scale):
    if scale != 1.0:
        kiosk.tap("Ułatwienia")
        kiosk.tap(kiosk.find({1.5: "Duży tekst", 2.0: "Bardzo duży tekst"}[scale]))
        kiosk.tap(kiosk.find("Wstecz"))
    if lang != "pl":
        kiosk.tap(kiosk.find({"en": "English", "uk": "Українська"}[lang]))
    assert kiosk.screen == "home"
    kiosk.frames(5)
    grids = [w for w in kiosk.widgets() if isinstance(w, TileGrid)
             and kiosk._in_current_screen(w)]
    uneven, rows_seen = [], 0
    for grid in grids:
        for row in _rows(grid):
            rows_seen += 1
            heights = sorted({round(t.height) for t in row})
            if len(heights) > 1:
                uneven.append([(t.title[:30], round(t.height)) for t in row])
            for t in row:  # the texts still fit their tile
                assert t.ids.tile_title.height + t.ids.tile_sub.height <= t.height
    kiosk.screenshot(f"home-tiles-{lang}-x{scale:g}")
    assert rows_seen >= 4
    assert uneven == [], uneven
    assert kiosk.clipped() == []
