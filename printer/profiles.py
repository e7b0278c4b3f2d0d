"""What a printer model can do, from escpos-printer-db (the profiles python-escpos ships)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from escpos.capabilities import CAPABILITIES, get_profile

import printer  # noqa: F401  (sets the capabilities cache folder before escpos loads)

# Dots per line of a 203 dpi head when the profile does not say.
PAPER_DOTS = {58: 384, 80: 576}


@dataclass(frozen=True)
class PrinterModel:
    name: str
    codepages: dict[int, str]  # ESC t slot -> code page name, e.g. {18: "CP852"}
    width_px: int
    qr_native: bool
    cutter: bool

    @property
    def columns(self) -> int:
        """Characters per line in font A (12 dots wide)."""
        return self.width_px // 12


def profile_names() -> list[str]:
    return sorted(CAPABILITIES["profiles"])


@cache
def printer_model(name: str, paper_mm: int) -> PrinterModel:
    profile = get_profile(name)
    media = profile.profile_data.get("media", {}).get("width", {})
    px = media.get("pixels")
    width = PAPER_DOTS[paper_mm]
    if isinstance(px, int) and px > 0:
        # The profile knows its head; 58 mm paper in an 80 mm printer still limits the width.
        width = min(px, width)
    features = profile.profile_data.get("features", {})
    pages = {int(slot): page for slot, page in profile.profile_data.get("codePages", {}).items()}
    return PrinterModel(name=name, codepages=pages, width_px=width,
                        qr_native=bool(features.get("qrCode")),
                        cutter=bool(features.get("paperFullCut") or features.get("paperPartCut")))
