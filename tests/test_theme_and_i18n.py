"""Contrast of every text colour pair, and the Polish catalogue is complete."""

import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from kiosk import PROJECT_ROOT
from kiosk.contrast import contrast_ratio
from kiosk.i18n import po_path, translator
from screens import theme


@pytest.mark.parametrize("name", sorted(theme.TEXT_PAIRS))
def test_text_contrast_is_at_least_4_5(name):
    fg, bg = theme.TEXT_PAIRS[name]
    assert contrast_ratio(fg, bg) >= 4.5, name


@pytest.mark.parametrize("palette, minimum", [(theme.NORMAL, 4.5), (theme.HIGH_CONTRAST, 7.0)],
                         ids=["normal", "high-contrast"])
def test_every_text_pair_of_both_palettes_meets_its_contrast(palette, minimum):
    low = {name: round(contrast_ratio(fg, bg), 2) for name, (fg, bg) in palette.pairs().items()
           if contrast_ratio(fg, bg) < minimum}
    assert low == {}


@pytest.mark.parametrize("palette", [theme.NORMAL, theme.HIGH_CONTRAST], ids=lambda p: p.name)
def test_focus_ring_and_controls_reach_3_to_1(palette):
    low = {name: round(contrast_ratio(fg, bg), 2)
           for name, (fg, bg) in palette.non_text_pairs().items()
           if contrast_ratio(fg, bg) < 3.0}
    assert low == {}


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast_ratio((0.4627,) * 3, (1, 1, 1)) == pytest.approx(4.54, abs=0.02)  # #767676


def test_sizes_meet_the_touch_and_text_minimums():
    assert theme.PRIMARY_BUTTON_HEIGHT >= 90
    assert theme.BUTTON_HEIGHT >= 60
    assert min(theme.FONT_SMALL, theme.FONT_BODY) >= 28


def _extract(tmp_path):
    pot = tmp_path / "k.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(PROJECT_ROOT / "babel.cfg"), "-k", "N_", "-o", str(pot),
                    str(PROJECT_ROOT)], check=True, cwd=PROJECT_ROOT, capture_output=True)
    with pot.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


@pytest.mark.parametrize("lang, locale", [("pl", "pl_PL"), ("en", "en_GB"), ("uk", "uk_UA")])
def test_every_ui_string_is_translated_with_its_placeholders(tmp_path, lang, locale):
    used = _extract(tmp_path)
    assert len(used) > 50
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    missing, fuzzy, bad = [], [], []
    for msg in catalog:
        if not msg.id:
            continue
        key = msg.id if isinstance(msg.id, str) else msg.id[0]
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        if not all(strings):
            missing.append(key)
        if msg.fuzzy:
            fuzzy.append(key)
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        want = set(re.findall(r"\{\w+\}", ids[-1]))
        if any(set(re.findall(r"\{\w+\}", s)) != want for s in strings if s):
            bad.append(key)
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert sorted(used - known) == [], "run scripts/update_catalogues.py and translate"
    assert missing == [] and fuzzy == [] and bad == []


def test_polish_plurals_use_three_forms():
    tr = translator("pl")
    assert [tr.days(n) for n in (1, 3, 5, 14, 22)] == [
        "1 dzień", "3 dni", "5 dni", "14 dni", "22 dni"]
    assert [tr.ngettext("{n} matter", "{n} matters", n).format(n=n) for n in (1, 2, 5, 12, 23)] \
        == ["1 sprawa", "2 sprawy", "5 spraw", "12 spraw", "23 sprawy"]


def test_polish_money_and_dates():
    import datetime as dt
    from decimal import Decimal
    tr = translator("pl")
    assert tr.money(Decimal("100.50")) == "100,50\xa0zł"
    assert tr.date(dt.date(2026, 3, 15)) == "15 marca 2026"


def test_ukrainian_and_english_plurals_dates_and_coverage_report():
    import datetime as dt

    from kiosk.i18n import coverage

    uk, en = translator("uk"), translator("en")
    assert [uk.ngettext("{n} matter", "{n} matters", n).format(n=n) for n in (1, 3, 5, 21)] == [
        "1 справа", "3 справи", "5 справ", "21 справа"]
    assert uk.date(dt.date(2026, 3, 15)).startswith("15 березня 2026")
    assert en.date(dt.date(2026, 3, 15)) == "15 March 2026"
    report = coverage()
    assert {lang: (c["translated"] == c["total"]) for lang, c in report.items()} == {
        "pl": True, "en": True, "uk": True}
