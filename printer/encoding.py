"""Choosing ESC/POS code pages for text, and knowing when only a picture will do.

Thermal printers print text from a one-byte code page selected with ESC t n; which pages exist
and their slot numbers depend on the model (escpos-printer-db). A line is printed in text mode
when the printer's pages can encode every character, switching pages between runs if needed;
otherwise the whole line becomes a raster image, so a letter is never printed as "?".
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Page preference: Polish pages first, then Cyrillic ones that have all Ukrainian letters
# (CP866 and CP855 lack some of ґ, і), then the rest in slot order.
PREFERRED = ("CP437", "CP852", "ISO_8859-2", "CP1250", "CP1251", "CP1125", "CP866", "CP855")

# Typography that no thermal code page carries, mapped to what a reader takes as the same.
# The no-break space stays until lines are wrapped (printer.document.printed_lines).
_TYPOGRAPHY = str.maketrans({
    "„": '"', "”": '"', "“": '"', "«": '"', "»": '"', "‚": "'", "‘": "'", "’": "'",
    "–": "-", "—": "-", "‑": "-", "\u202f": "\u00a0", "\u2009": " ",
    "…": "...", "•": "*", "→": "->", "×": "x", "\u00ad": None,
})


def fold_typography(text: str) -> str:
    return text.translate(_TYPOGRAPHY)


def codec_of(page: str) -> str:
    """The Python codec of a page that CodePages kept (every one of them has a codec)."""
    codec = python_codec(page)
    if codec is None:
        raise LookupError(f"no Python codec for code page {page}")
    return codec


def python_codec(page: str) -> str | None:
    """The Python codec for an escpos-printer-db page name, or None if Python has none."""
    name = page.lower().replace("iso_", "iso").replace("-", "_")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


@dataclass(frozen=True)
class Run:
    slot: int
    page: str
    text: str

    def encode(self) -> bytes:
        return self.text.encode(codec_of(self.page))


class CodePages:
    """The pages one printer model offers, in the order we would rather use them."""

    def __init__(self, slots: dict[int, str]):
        usable = [(slot, page) for slot, page in slots.items() if python_codec(page)]
        rank = {p: i for i, p in enumerate(PREFERRED)}
        usable.sort(key=lambda sp: (rank.get(sp[1], len(rank)), sp[0]))
        # One slot per page name: profiles list some pages twice.
        seen: dict[str, int] = {}
        for slot, page in usable:
            seen.setdefault(page, slot)
        self.pages: list[tuple[int, str]] = [(s, p) for p, s in seen.items()]

    def _fits(self, page: str, text: str) -> bool:
        try:
            text.encode(codec_of(page))
        except UnicodeEncodeError:
            return False
        return True

    def plan(self, text: str, current: int | None = None) -> list[Run] | None:
        """Runs that print `text` exactly, or None when some character fits no page.

        Prefers the page already selected (no switch), then one page for the whole line,
        then the fewest switches a greedy walk finds.
        """
        by_slot = dict(self.pages)
        if current in by_slot and self._fits(by_slot[current], text):
            return [Run(current, by_slot[current], text)]
        for slot, page in self.pages:
            if self._fits(page, text):
                return [Run(slot, page, text)]
        runs: list[Run] = []
        for ch in text:
            if runs and self._fits(runs[-1].page, ch):
                last = runs[-1]
                runs[-1] = Run(last.slot, last.page, last.text + ch)
                continue
            for slot, page in self.pages:
                if self._fits(page, ch):
                    runs.append(Run(slot, page, ch))
                    break
            else:
                return None
        return runs
