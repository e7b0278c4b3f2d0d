"""Draw an ESC/POS job as the thermal receipt it would print, for previews and tests.

The picture is built from ``escpos_decode`` ops at the printer's own resolution: one pixel is
one dot, the paper is ``paper_px`` dots wide (576 for 80 mm paper, 384 for 58 mm). Font A is a
12x24-dot cell (48 columns on 576 dots), font B 9x17; glyphs come from the bundled DejaVu Sans
Mono, thresholded to pure black and white because a thermal head has no grey. Native QR codes
are redrawn from their payload with the ``qrcode`` library at the module size the job asked for.

Not drawn: upside-down printing (ESC {), colour (ESC r), density and smoothing; hardware
barcodes appear as a framed box with their human-readable text, not as bars.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from printer import FONTS_DIR
from printer.escpos_decode import (
    Barcode,
    Cut,
    Feed,
    LineFeed,
    Picture,
    QrCode,
    Style,
    Text,
    decode,
)

# font -> (cell width, cell height, point size, baseline from the cell top), in dots
_CELLS = {"a": (12, 24, 20, 19), "b": (9, 17, 14, 13), "c": (9, 17, 14, 13)}
DEFAULT_LINE_SPACING = 30  # ESC 2 on a TM-T20II: 3.75 mm at 8 dots/mm
TAB_COLUMNS = 8  # default horizontal tab stops: every 8 characters
MARGIN = 16  # white paper above the first line and below the last
_QR_LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
              "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
WHITE, BLACK = 255, 0


@lru_cache(maxsize=8)
def _font(font: str, bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    return ImageFont.truetype(str(FONTS_DIR / name), _CELLS[font][2])


@lru_cache(maxsize=4096)
def _glyph(char: str, font: str, bold: bool, width: int, height: int, underline: int,
           invert: bool) -> Image.Image:
    """One character cell, scaled like the printer scales dots (nearest neighbour)."""
    cw, ch, _, baseline = _CELLS[font]
    cell = Image.new("L", (cw, ch), WHITE)
    draw = ImageDraw.Draw(cell)
    draw.text((cw / 2, baseline), char, font=_font(font, bold), fill=BLACK, anchor="ms")
    cell = cell.point(lambda v: BLACK if v < 128 else WHITE)  # no grey on thermal paper
    if underline:
        draw = ImageDraw.Draw(cell)
        draw.rectangle((0, ch - underline, cw - 1, ch - 1), fill=BLACK)
    if invert:
        cell = cell.point(lambda v: WHITE - v)
    if width > 1 or height > 1:
        cell = cell.resize((cw * width, ch * height), Image.Resampling.NEAREST)
    return cell


class _Paper:
    """Collects horizontal strips of printed paper, top to bottom."""

    def __init__(self, width: int):
        self.width = width
        self.strips: list[Image.Image] = [Image.new("L", (width, MARGIN), WHITE)]
        self.line: list[tuple[str, Style]] = []  # the print buffer: characters not yet printed

    def blank(self, height: int) -> None:
        if height > 0:
            self.strips.append(Image.new("L", (self.width, height), WHITE))

    def add_text(self, text: str, style: Style) -> None:
        for char in text:
            if char == "\t":
                cell = _CELLS[style.font][0] * style.width
                column = sum(_CELLS[s.font][0] * s.width for _, s in self.line) // cell
                self.line.extend((" ", style) for _ in range(TAB_COLUMNS - column % TAB_COLUMNS))
            else:
                self.line.append((char, style))

    def print_line(self, style: Style) -> None:
        """LF: print the buffer (wrapping like the printer does at the paper edge)."""
        if not self.line:
            self.blank(style.line_spacing or DEFAULT_LINE_SPACING)
            return
        row: list[tuple[str, Style]] = []
        x = 0
        for char, s in self.line:
            advance = _CELLS[s.font][0] * s.width
            if row and x + advance > self.width:
                self._print_row(row)
                row, x = [], 0
            row.append((char, s))
            x += advance
        self._print_row(row)
        self.line = []

    def _print_row(self, row: list[tuple[str, Style]]) -> None:
        glyphs = [_glyph(c, s.font, s.bold, s.width, s.height, s.underline, s.invert)
                  for c, s in row]
        text_height = max(g.height for g in glyphs)
        # The line advances by the line spacing, or by the tallest character if that is more.
        spacing = row[0][1].line_spacing or DEFAULT_LINE_SPACING
        strip = Image.new("L", (self.width, max(spacing, text_height)), WHITE)
        x = _aligned_x(row[0][1].align, sum(g.width for g in glyphs), self.width)
        for g in glyphs:
            strip.paste(g, (x, text_height - g.height))  # characters share the bottom line
            x += g.width
        self.strips.append(strip)

    def flush(self, style: Style) -> None:
        if self.line:
            self.print_line(style)

    def picture(self, image: Image.Image, align: str) -> None:
        strip = Image.new("L", (self.width, image.height), WHITE)
        strip.paste(image.crop((0, 0, min(image.width, self.width), image.height)),
                    (_aligned_x(align, min(image.width, self.width), self.width), 0))
        self.strips.append(strip)

    def cut(self, partial: bool) -> None:
        strip = Image.new("L", (self.width, 24), WHITE)
        draw = ImageDraw.Draw(strip)
        gap = range(self.width // 2 - 24, self.width // 2 + 24) if partial else range(0)
        for x in range(0, self.width, 12):  # dashes 8 dots long, 4 apart
            if x not in gap and x + 8 not in gap:
                draw.line((x, 12, min(x + 7, self.width - 1), 12), fill=BLACK, width=2)
        self.strips.append(strip)

    def image(self) -> Image.Image:
        self.blank(MARGIN)
        out = Image.new("L", (self.width, sum(s.height for s in self.strips)), WHITE)
        y = 0
        for s in self.strips:
            out.paste(s, (0, y))
            y += s.height
        return out


def _aligned_x(align: str, content_width: int, paper_width: int) -> int:
    free = max(paper_width - content_width, 0)
    return {"center": free // 2, "right": free}.get(align, 0)


def _qr_image(op: QrCode) -> Image.Image:
    # The printer draws the symbol without a quiet zone; the paper around it provides one.
    code = qrcode.QRCode(version=None, error_correction=_QR_LEVELS[op.error_level],
                         box_size=1, border=0)
    code.add_data(op.payload.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    side = len(matrix)
    image = Image.new("L", (side, side), WHITE)
    image.putdata([BLACK if cell else WHITE for row in matrix for cell in row])
    return image.resize((side * op.size, side * op.size), Image.Resampling.NEAREST)


def _barcode_image(op: Barcode) -> Image.Image:
    text = op.data.decode("ascii", "replace")
    cw, ch, _, _ = _CELLS["a"]
    width = max(len(text) * cw + 24, 120)
    image = Image.new("L", (width, op.height + (ch if op.hri_position else 0)), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, op.height - 1), outline=BLACK, width=2)
    draw.text((width / 2, op.height / 2), f"barcode {op.system}", font=_font("b", False),
              fill=BLACK, anchor="mm")
    if op.hri_position:
        draw.text((width / 2, op.height + ch - 5), text, font=_font("a", False), fill=BLACK,
                  anchor="ms")
    return image


def render(data: bytes, *, paper_px: int = 576, codepages: Mapping | None = None) -> Image.Image:
    """The receipt as an "L" image (white paper, black dots), ``paper_px`` wide."""
    paper = _Paper(paper_px)
    for op in decode(data, codepages).ops:
        if isinstance(op, Text):
            paper.add_text(op.text, op.style)
        elif isinstance(op, LineFeed):
            paper.print_line(op.style)
        elif isinstance(op, Feed):
            paper.flush(op.style)
            spacing = op.style.line_spacing or DEFAULT_LINE_SPACING
            paper.blank(op.lines * spacing + op.dots)
        elif isinstance(op, Picture):
            paper.flush(op.style)
            image = op.image.convert("L")
            if op.scale_x > 1 or op.scale_y > 1:
                image = image.resize((image.width * op.scale_x, image.height * op.scale_y),
                                     Image.Resampling.NEAREST)
            paper.picture(image, op.style.align)
        elif isinstance(op, QrCode):
            paper.flush(op.style)
            paper.picture(_qr_image(op), op.style.align)
        elif isinstance(op, Barcode):
            paper.flush(op.style)
            paper.picture(_barcode_image(op), op.style.align)
        elif isinstance(op, Cut):
            paper.flush(Style())
            paper.blank(op.feed_dots)
            paper.cut(op.partial)
    paper.flush(Style())  # text never followed by LF: shown, although a printer would wait
    return paper.image()


def render_png(data: bytes, path: str | Path, **kw) -> Path:
    """Render ``data`` (see ``render``) and save it as a PNG; returns the path."""
    path = Path(path)
    render(data, **kw).save(path, format="PNG")
    return path
