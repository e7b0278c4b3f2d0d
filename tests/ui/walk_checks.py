"""The acceptance walks' screenshots and the check made on each (issue 19): every visible text
stands out from the pixels behind it by at least 4.5:1, and no text is clipped.

`Walk(kiosk, "resident").shot("guide-step1")` reads the window's pixels once (glReadPixels,
tests/ui/pixels.py), saves exactly those pixels as test-artifacts/walks/resident/NN-guide-step1.png
and checks the live widget tree at that moment against them:

- **contrast**: each label shown on the current screen, the bars and anything over them, the
  part of its text texture that is on screen, measured as tests/ui/test_high_contrast.py does
  (background = the colour most pixels have, text = the colour of at least 6 pixels that stands
  out most from it). Labels under something drawn over them (a pop-up, the audio-mode strip, the
  privacy curtain) are not visible and not measured.
- **clipping**, for every label of the current screen and the bars, on screen or scrolled away:
  its text texture wider or taller than its box; its text outside a parent's box (up to the
  nearest ScrollView, whose width still counts) or outside the window; squeezed into under 60 px;
  shortened by Kivy (`shorten`), cut to `max_lines`, or cut with "…" in the text. Only the
  breadcrumb may be shortened on purpose.

Every failure of a walk is collected; `Walk.finish()` fails once, listing screen, label text and
the measured contrast or clip, with the screenshot's path.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk import PROJECT_ROOT
from tests.ui.pixels import grab, label_text_rect, region, text_contrast

WALKS_DIR = Path(os.environ.get("KIOSK_WALKS_DIR", PROJECT_ROOT / "test-artifacts" / "walks"))
MIN_CONTRAST = 4.5
SLACK = 2  # px: rounding of texture and layout sizes
ELLIPSIS = "…"


@dataclass(frozen=True)
class Problem:
    shot: Path
    text: str
    what: str  # "contrast 2.10:1 (text (…) on (…))" or "clipped: …"

    def line(self) -> str:
        return f"{self.shot.name}: {self.text[:60]!r} {self.what}"


@dataclass
class Measured:
    """One label's reading in one screenshot (for the tests' own assertions)."""

    text: str
    contrast: float | None  # None: not visible in this screenshot


class Walk:
    """One person's walk: numbered screenshots, each checked when it is taken."""

    def __init__(self, kiosk, name: str):
        self.kiosk, self.name = kiosk, name
        self.folder = WALKS_DIR / name
        if self.folder.exists():  # the screenshots of this run only
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        self.shots: list[Path] = []
        self.problems: list[Problem] = []
        self.measured: dict[Path, list[Measured]] = {}

    def shot(self, screen: str) -> Path:
        """Screenshot the window now as NN-<screen>.png and check what it shows."""
        k = self.kiosk
        k.frames(3)
        pixels = grab(k)
        path = self.folder / f"{len(self.shots) + 1:02d}-{screen}.png"
        Image.fromarray(np.ascontiguousarray(pixels)).save(path)
        self.shots.append(path)
        measured, problems = check_window(k, pixels, path)
        self.measured[path] = measured
        self.problems += problems
        return path

    def contrast_of(self, path: Path, text: str) -> float | None:
        return next((m.contrast for m in self.measured[path] if m.text == text), None)

    def report(self) -> str:
        lines = [p.line() for p in self.problems]
        return (f"walk {self.name!r}: {len(lines)} problem(s) in {len(self.shots)} screenshots "
                f"({self.folder}):\n  " + "\n  ".join(lines))

    def finish(self, known: dict[tuple[str, ...], str] | None = None) -> None:
        """Fail with every problem of the walk. `known` maps substrings that together pick out
        the problem lines of one known product defect to that defect: when those are all the
        walk found, it xfails naming the defect (and still lists every line); any other problem
        fails it."""
        assert len(self.shots) >= 2, "a walk takes a screenshot of every screen it passes"
        if not self.problems:
            return
        known = known or {}

        def defect(p: Problem) -> str | None:
            line = p.line()
            return next((r for keys, r in known.items() if all(k in line for k in keys)), None)

        if any(defect(p) is None for p in self.problems):
            pytest.fail(self.report(), pytrace=False)
        reasons = sorted({defect(p) for p in self.problems})
        pytest.xfail("; ".join(reasons) + "\n" + self.report())


# --- the check ------------------------------------------------------------------------------

def check_window(kiosk, pixels: np.ndarray, shot: Path) -> tuple[list[Measured], list[Problem]]:
    """Every label of what is shown now: its contrast in `pixels` and whether it is clipped."""
    from kivy.uix.label import Label

    window = kiosk.window
    roots = list(reversed(window.children))  # drawn bottom first
    breadcrumb = kiosk.app.root.ids.get("breadcrumb")
    measured, problems = [], []
    seen = set()
    for depth, root in enumerate(roots):
        covers = [_rect_of(o) for o in roots[depth + 1:] if _covers(o)]
        for w in kiosk._walk(root):
            if not isinstance(w, Label) or id(w) in seen:
                continue
            seen.add(id(w))
            if not w.text.strip() or not kiosk._in_current_screen(w) or not _drawn(w):
                continue
            deliberate = breadcrumb is not None and (
                w is breadcrumb or getattr(w, "proxy_ref", None) is breadcrumb)
            for why in clip_problems(kiosk, w, deliberate=deliberate):
                problems.append(Problem(shot, w.text, "clipped: " + why))
            ratio = _contrast(kiosk, w, pixels, covers)
            measured.append(Measured(w.text, None if ratio is None else ratio[0]))
            if ratio is not None and ratio[0] < MIN_CONTRAST:
                r, fg, bg = ratio
                problems.append(Problem(shot, w.text, f"contrast {r:.2f}:1 < {MIN_CONTRAST}:1 "
                                        f"(text {fg} on {bg})"))
    assert len(measured) >= 3, f"{shot.name}: almost no labels found: {kiosk.texts()}"
    return measured, problems


def _drawn(widget) -> bool:
    w = widget
    while w is not None:
        if getattr(w, "opacity", 1) == 0:
            return False
        w = w.parent if w.parent is not w else None
    return True


def _covers(overlay) -> bool:
    """Drawn over what is below it: a pop-up, the audio-mode strip, the privacy curtain; not
    the focus ring (a line around an item, the item still shows through it)."""
    return type(overlay).__name__ != "FocusRing" and overlay.opacity > 0


def _rect_of(widget) -> tuple[float, float, float, float]:
    x, y = widget.to_window(*widget.pos)
    return x, y, x + widget.width, y + widget.height


def _scrolls(widget) -> bool:
    return hasattr(widget, "scroll_y") and hasattr(widget, "do_scroll_y")


def clip_problems(kiosk, w, *, deliberate: bool = False) -> list[str]:
    """How the text of label `w` is cut, if it is: in words, with the sizes measured."""
    bad = []
    tw, th = w.texture_size
    if tw <= 0 or th <= 0:
        return bad
    if tw > w.width + SLACK or th > w.height + SLACK:
        bad.append(f"text {tw:.0f}x{th:.0f} in a box of {w.width:.0f}x{w.height:.0f}")
    if w.width < 60 and len(w.text.strip()) > 2:
        bad.append(f"squeezed into {w.width:.0f} px")
    core = getattr(w, "_label", None)
    if deliberate:
        bad += _breadcrumb_cut(kiosk, w)
    else:
        if w.shorten and core is not None and getattr(core, "is_shortened", False):
            bad.append("shortened with '...' to fit")
        if ELLIPSIS in w.text:
            bad.append("cut with '…'")
        if w.max_lines and _lines_cut(w):
            bad.append(f"cut to {w.max_lines} line(s)")
    # The text where it is drawn (centred on the label), against every box around it.
    x0, y0, tw, th = label_text_rect(w)
    x1, y1 = x0 + tw, y0 + th
    in_scroll = False
    parent = w.parent
    while parent is not None and parent is not kiosk.window:
        px0, py0, px1, py1 = _rect_of(parent)
        if _scrolls(parent):
            in_scroll = True
            if x0 < px0 - SLACK or x1 > px1 + SLACK:
                bad.append(f"sideways out of its scrolling area (text x {x0:.0f}..{x1:.0f}, "
                           f"area {px0:.0f}..{px1:.0f})")
            break
        if x0 < px0 - SLACK or x1 > px1 + SLACK or y0 < py0 - SLACK or y1 > py1 + SLACK:
            bad.append(f"out of its {type(parent).__name__} (text {x0:.0f},{y0:.0f} "
                       f"{tw:.0f}x{th:.0f}; box {px0:.0f},{py0:.0f} "
                       f"{px1 - px0:.0f}x{py1 - py0:.0f})")
            break
        parent = parent.parent
    width, height = kiosk.window.size
    if x0 < -SLACK or x1 > width + SLACK:
        bad.append(f"past the window's side (text x {x0:.0f}..{x1:.0f} of {width:.0f})")
    if not in_scroll and (y0 < -SLACK or y1 > height + SLACK):
        bad.append(f"past the window's top or bottom (text y {y0:.0f}..{y1:.0f})")
    return bad


def _breadcrumb_cut(kiosk, w) -> list[str]:
    """The breadcrumb may be shortened, but not where it loses its start or the current place:
    what it draws still begins with the first crumb and ends with the current one."""
    crumbs = [c for c in getattr(kiosk.app, "_crumbs", []) if c]
    shown = " ".join(_drawn_text(w).split())
    if len(crumbs) < 2 or not shown:
        return []
    first, last = " ".join(crumbs[0].split()), " ".join(crumbs[-1].split())
    if shown.startswith(first) and shown.endswith(last):
        return []
    return [f"breadcrumb drawn as {shown!r}: it must keep its start {first!r} and the "
            f"current place {last!r}"]


def _drawn_text(w) -> str:
    """The words Kivy drew for label `w` (after shortening), line by line."""
    core = getattr(w, "_label", None)
    lines = getattr(core, "_cached_lines", None) or []
    words = ["".join(word.text for word in line.words) for line in lines]
    return " ".join(words) if words else w.text


def _lines_cut(w) -> bool:
    """The label's text needs more lines than its `max_lines` lets it draw."""
    core = getattr(w, "_label", None)
    if core is None:
        return False
    options = dict(core.options)
    options["max_lines"] = 0
    options.pop("text", None)
    whole = type(core)(text=w.text, **options)
    whole.refresh()
    return whole.texture is not None and whole.texture.size[1] > w.texture_size[1] + SLACK


def _contrast(kiosk, w, pixels, covers):
    """(ratio, text colour, background colour) of the label's text as drawn in `pixels`, or
    None when too little of it shows (scrolled away, under an overlay, a sliver)."""
    from tests.ui.pixels import visible_rect

    rect = label_text_rect(w)
    if rect[2] < 4 or rect[3] < 4:
        return None
    shown = visible_rect(kiosk, w, *rect)
    if shown is None or shown[3] < min(16, rect[3]):
        return None
    sx0, sy0, sx1, sy1 = shown[0], shown[1], shown[0] + shown[2], shown[1] + shown[3]
    for cx0, cy0, cx1, cy1 in covers:
        if sx0 < cx1 and cx0 < sx1 and sy0 < cy1 and cy0 < sy1:
            return None
    block = region(pixels, *shown)
    if block.size == 0:
        return None
    return text_contrast(block)
