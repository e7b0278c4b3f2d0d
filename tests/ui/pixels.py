"""What the real window drew, read back pixel by pixel: the contrast of every visible label's
text against the pixels behind it, and the colour of a widget's face.

The window's framebuffer is read with glReadPixels (as Window.screenshot does), so what is
measured is what a resident sees, not what the theme table says.
"""

from __future__ import annotations

import numpy as np

from kiosk.contrast import contrast_ratio


def grab(kiosk) -> np.ndarray:
    """The window as an array of rows (top row first) of RGB bytes, after a few frames."""
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glPixelStorei, glReadPixels

    kiosk.frames(3)
    w, h = (int(v) for v in kiosk.window.size)
    glPixelStorei(0x0D05, 1)  # GL_PACK_ALIGNMENT: rows without padding
    data = glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE)
    return np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)[::-1]


def region(pixels: np.ndarray, x: float, y: float, w: float, h: float) -> np.ndarray:
    """The pixels of a window rectangle given in Kivy's coordinates (y from the bottom)."""
    height, width = pixels.shape[:2]
    x0, x1 = max(0, int(round(x))), min(width, int(round(x + w)))
    top, bottom = height - int(round(y + h)), height - int(round(y))
    top, bottom = max(0, top), min(height, bottom)
    if x1 <= x0 or bottom <= top:
        return pixels[0:0, 0:0]
    return pixels[top:bottom, x0:x1]


def _colours(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct colours of `block` (as RGB rows) and how many pixels have each."""
    flat = block.reshape(-1, 3).astype(np.uint32)
    packed = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    rgb = np.stack([(values >> 16) & 255, (values >> 8) & 255, values & 255], axis=1)
    return rgb, counts


def dominant(block: np.ndarray) -> tuple[int, int, int]:
    """The colour most pixels of `block` have."""
    colours, counts = _colours(block)
    return tuple(int(c) for c in colours[int(np.argmax(counts))])


def _rgb01(c) -> tuple[float, float, float]:
    return tuple(v / 255 for v in c[:3])


def text_contrast(block: np.ndarray, min_pixels: int = 6) -> tuple[float, tuple, tuple]:
    """(ratio, text colour, background colour) of the text drawn in `block`: the background
    is the colour most pixels have; the text colour is the one, among colours drawn on at
    least `min_pixels` pixels, that stands out most from it (glyph cores, not their
    anti-aliased edges). Text drawn in the background's colour gives 1.0."""
    colours, counts = _colours(block)
    bg = colours[int(np.argmax(counts))]
    best, best_colour = 1.0, tuple(int(v) for v in bg)
    for colour, count in zip(colours, counts, strict=True):
        if count < min_pixels:
            continue
        ratio = contrast_ratio(_rgb01(colour), _rgb01(bg))
        if ratio > best:
            best, best_colour = ratio, tuple(int(v) for v in colour)
    return best, best_colour, tuple(int(v) for v in bg)


def visible_rect(kiosk, widget, x: float, y: float, w: float, h: float):
    """The part of a window rectangle inside the window and every ScrollView around
    `widget`; None when nothing of it shows."""
    from kivy.uix.scrollview import ScrollView

    x0, y0, x1, y1 = x, y, x + w, y + h
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, kiosk.window.width), min(y1, kiosk.window.height)
    parent = widget.parent
    while parent is not None and parent is not kiosk.window:
        if isinstance(parent, ScrollView):
            px, py = parent.to_window(*parent.pos)
            x0, y0 = max(x0, px), max(y0, py)
            x1, y1 = min(x1, px + parent.width), min(y1, py + parent.height)
        parent = parent.parent
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    return x0, y0, x1 - x0, y1 - y0


def label_text_rect(widget):
    """Where a Kivy Label draws its text texture, in window coordinates (its default canvas
    centres the texture on the widget)."""
    tw, th = widget.texture_size
    cx, cy = widget.to_window(*widget.center)
    return int(cx - tw / 2), int(cy - th / 2), tw, th


def label_contrasts(kiosk, pixels: np.ndarray, *, min_height: int = 16):
    """(text, ratio, text colour, background colour, screen position) of every label on
    screen now: the current screen, the top and bottom bars and anything over them."""
    from kivy.uix.label import Label

    found = []
    for w in kiosk.widgets():
        if not isinstance(w, Label) or not w.text.strip() or not kiosk._in_current_screen(w):
            continue
        if not _shown(w):
            continue
        rect = label_text_rect(w)
        if rect[2] < 4 or rect[3] < 4:
            continue
        shown = visible_rect(kiosk, w, *rect)
        if shown is None or shown[3] < min(min_height, rect[3]):
            continue
        block = region(pixels, *shown)
        if block.size == 0:
            continue
        ratio, fg, bg = text_contrast(block)
        found.append((w.text, ratio, fg, bg, shown))
    return found


def _shown(widget) -> bool:
    """Drawn at all: neither it nor any parent is transparent."""
    w = widget
    while w is not None:
        if getattr(w, "opacity", 1) == 0:
            return False
        w = w.parent if w.parent is not w else None
    return True
