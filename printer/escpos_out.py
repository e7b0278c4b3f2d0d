"""A `Document` as ESC/POS bytes for one printer model (python-escpos builds the commands)."""

from __future__ import annotations

from escpos.printer import Dummy

from printer.document import QR, Document, Feed, Rule, Text, printed_lines
from printer.encoding import CodePages
from printer.profiles import PrinterModel
from printer.raster import text_image

ESC_T = b"\x1bt"  # select character code table


def encode(doc: Document, model: PrinterModel, *, raster_only: bool = False) -> bytes:
    """Bytes that print `doc`. With `raster_only`, every line is sent as a picture (the
    benchmark's baseline, and what a printer without any usable code page gets)."""
    out = _Writer(model, raster_only)
    out.p.hw("INIT")
    for block in doc.blocks:
        if isinstance(block, Text):
            out.text(block)
        elif isinstance(block, Rule):
            out.text(Text("-" * model.columns))
        elif isinstance(block, QR):
            out.qr(block)
        elif isinstance(block, Feed):
            out.p._raw(b"\n" * block.lines)
    if doc.cut and model.cutter:
        # GS V B 0: feed just to the blade, then cut. python-escpos's plain cut() adds six
        # lines first, and with our own three that was about 40 mm of blank paper per job.
        out.p.cut(feed=False)
    elif doc.cut:
        out.p._raw(b"\n" * 3)  # no cutter: feed past the tear bar
    return out.p.output


class _Writer:
    def __init__(self, model: PrinterModel, raster_only: bool):
        self.model = model
        self.p = Dummy(profile=model.name)
        self.pages = CodePages(model.codepages)
        self.raster_only = raster_only
        self.slot = 0  # ESC @ selects slot 0

    def text(self, t: Text) -> None:
        size = max(1, min(t.size, 4))
        self.p.set(align=t.align, bold=t.bold, custom_size=True, width=size, height=size)
        pending: list[str] = []  # consecutive lines that need a picture, sent as one image
        for line in printed_lines(t, self.model.columns):
            runs = None if self.raster_only else self.pages.plan(line, self.slot)
            if runs is None:
                pending.append(line)
                continue
            self._flush_raster(pending, t, size)
            for run in runs:
                if run.slot != self.slot:
                    self.p._raw(ESC_T + bytes([run.slot]))
                    self.slot = run.slot
                self.p._raw(run.encode())
            self.p._raw(b"\n")
        self._flush_raster(pending, t, size)
        self.p.set(align="left", bold=False, custom_size=True, width=1, height=1)

    def _flush_raster(self, lines: list[str], t: Text, size: int) -> None:
        if not lines:
            return
        img = text_image(lines, self.model.width_px, size=size, bold=t.bold, align=t.align)
        self.p.image(img, impl="bitImageRaster", center=False)
        lines.clear()

    def qr(self, q: QR) -> None:
        self.p.set(align="center")
        # Module size 6 gives ~4 cm codes for a 60-character URL: easy for phone cameras.
        if self.model.qr_native:
            self.p.qr(q.url, native=True, size=6, ec=1)  # ec=M
        else:
            self.p.qr(q.url, native=False, size=6, center=True)
        self.p.set(align="left")
        if q.caption:
            self.text(Text(q.caption, align="center"))
