"""Every screen in Polish, English and Ukrainian: no clipped label, no letter the font lacks,
and a screenshot of each (the longest language decides the layout)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from kivy.uix.label import Label

SCREENS = [("home", {}), ("category", {"code": "civil-status"}),
           *[("guide", {"symbol": "USC I", "step": n}) for n in range(6)],
           ("departments", {}), ("department", {"code": "USC"}), ("rates", {}), ("forms", {}),
           ("form", {"code": "USC-ODPIS"}), ("ticket", {}), ("ticket", {"letter": "A"}),
           ("accessibility", {}), ("search", {"query": ""}),
           ("printing", {"what": "card", "symbol": "USC I"})]


@cache
def _font(path: str):
    from PIL import ImageFont

    return ImageFont.truetype(path, 40)


@cache
def _has_glyph(path: str, ch: str) -> bool:
    """The font draws `ch` as itself, not as its missing-glyph box."""
    font = _font(path)
    missing = bytes(font.getmask("\U0010fffd"))
    return bytes(font.getmask(ch)) != missing


def _font_file(label) -> str:
    from kivy.core.text import LabelBase

    name = label.font_name
    regs = LabelBase._fonts.get(name)
    path = regs[2 if label.bold else 0] if regs else name
    return str(Path(path))


def missing_glyphs(kiosk) -> list[str]:
    bad = []
    for w in kiosk.widgets():
        if isinstance(w, Label) and w.text and w.opacity > 0 and kiosk._in_current_screen(w):
            path = _font_file(w)
            for ch in set(w.text):
                if ch.isprintable() and not ch.isspace() and not _has_glyph(path, ch):
                    bad.append(f"{ch!r} in {w.text[:30]!r}")
    return bad


def _visit(kiosk, name, params):
    if name == "printing":
        from screens.printing import new_job

        params = {**params, "job": new_job()}
    kiosk.app.go(name, **params)
    kiosk.frames(5)
    if name == "printing":
        screen = kiosk.app.manager.get_screen("printing")
        kiosk.wait_until(lambda: screen.results.get(params["job"]) is not None)
        kiosk.frames(3)
    if name == "ticket":
        kiosk.wait_until(lambda: "Please wait" not in " ".join(kiosk.texts())
                         and "Proszę chwilę poczekać." not in kiosk.texts()
                         and "Зачекайте, будь ласка." not in kiosk.texts())
        kiosk.frames(3)


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_every_screen_in_each_language(kiosk, lang):
    kiosk.app.set_lang(lang)
    problems = {}
    for name, params in SCREENS:
        _visit(kiosk, name, params)
        bad = kiosk.clipped() + missing_glyphs(kiosk)
        if bad:
            problems[f"{name} {params}"] = bad
        step = params.get("step", params.get("letter", ""))
        kiosk.screenshot(f"lang-{lang}-{name}{step}")
    assert problems == {}


def test_the_glyph_check_catches_a_letter_the_font_lacks(kiosk):
    label = Label(text="x")
    assert _has_glyph(_font_file(label), "ą") and _has_glyph(_font_file(label), "ї")
    assert not _has_glyph(_font_file(label), "𝄞")  # a musical symbol: not in Roboto
