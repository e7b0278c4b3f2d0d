"""Text drawn as a picture, for lines the printer's code pages cannot encode.

The bundled DejaVu Sans Mono has every Polish and Cyrillic letter; its advance at 20 px is 12
dots, the width of the printer's own font A, so a raster line wraps at the same column count
as a text line and the two look alike on paper.
"""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw, ImageFont

from printer import FONTS_DIR

CELL_W, CELL_H = 12, 24  # font A on a 203 dpi head


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    return ImageFont.truetype(str(FONTS_DIR / name), 20 * size)


def text_image(lines: list[str], width_px: int, *, size: int = 1, bold: bool = False,
               align: str = "left") -> Image.Image:
    """A 1-bit picture of `lines`, `width_px` wide, one text line per CELL_H * size dots."""
    font = _font(bold, size)
    line_h = CELL_H * size
    img = Image.new("1", (width_px, line_h * len(lines)), 1)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        w = draw.textlength(line, font=font)
        x = {"center": (width_px - w) / 2, "right": width_px - w}.get(align, 0)
        draw.text((max(0, x), i * line_h + 2 * size), line, font=font, fill=0)
    return img
