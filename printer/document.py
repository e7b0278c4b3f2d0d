"""A printout as plain data: what to print, independent of any printer.

Layouts build a `Document`; `printer.escpos_out` turns it into ESC/POS bytes for a given
printer model. Keeping the two apart lets tests read a layout without decoding bytes and lets
one layout serve 58 mm and 80 mm paper.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]
NBSP = "\u00a0"


@dataclass(frozen=True)
class Text:
    """A paragraph; wrapped to the paper width when it is encoded."""

    text: str
    size: int = 1  # character magnification, 1..4 (ESC/POS GS !)
    bold: bool = False
    align: Align = "left"
    indent: int = 0  # characters; continuation lines keep it (for bullets)


@dataclass(frozen=True)
class Rule:
    """A thin horizontal line between sections."""


@dataclass(frozen=True)
class QR:
    url: str
    caption: str | None = None


@dataclass(frozen=True)
class Feed:
    lines: int = 1


Block = Text | Rule | QR | Feed


@dataclass(frozen=True)
class Document:
    kind: str  # "ticket", "card", "test"
    lang: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    cut: bool = True

    def plain_text(self, columns: int) -> str:
        """The text exactly as the printer should print it, line by line."""
        lines: list[str] = []
        for b in self.blocks:
            if isinstance(b, Rule):
                b = Text("-" * columns)
            elif isinstance(b, QR):
                b = Text(b.caption or "", align="center")
            if isinstance(b, Text) and b.text:
                lines.extend(printed_lines(b, columns))
        return "\n".join(lines)


def printed_lines(t: Text, columns: int) -> list[str]:
    """The lines a paragraph prints as: typography folded, wrapped at the width its size
    allows; no-break spaces (inside phone numbers, "22 zł") hold words together."""
    from printer.encoding import fold_typography

    size = max(1, min(t.size, 4))
    return [line.replace(NBSP, " ")
            for line in wrap(fold_typography(t.text), columns // size, t.indent)]


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """Split a paragraph into printed lines of at most `width` characters.

    Explicit newlines are kept; words longer than a line (URLs, long compound names) are
    broken rather than overflowing the paper.
    """
    width = max(width, indent + 4)
    out: list[str] = []
    for para in text.split("\n"):
        lines = textwrap.wrap(para, width=width, subsequent_indent=" " * indent,
                              break_long_words=True, break_on_hyphens=True,
                              drop_whitespace=True) or [""]
        out.extend(lines)
    return out
