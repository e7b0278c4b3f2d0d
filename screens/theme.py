"""Colours and sizes of the kiosk UI. Plain Python (no Kivy) so tests can check contrast.

Sizes are in pixels for a 1080 px wide portrait screen; the app runs with density 1. Two
palettes: the normal one (text at least 4.5:1) and high contrast (at least 7:1); the app holds
the palette in use as `app.pal` and the text scale as `app.font_scale`, which the .kv rules
follow, so switching either restyles the screen at once.
"""

from dataclasses import dataclass, fields

from kiosk.contrast import hex_rgb

# Colour pairs that carry text; tests compute each contrast ratio (WCAG 2.x, >= 4.5:1).
BACKGROUND = hex_rgb("#F4F6F8")
SURFACE = hex_rgb("#FFFFFF")
TEXT = hex_rgb("#1A1A1A")
TEXT_MUTED = hex_rgb("#4A5560")
PRIMARY = hex_rgb("#0B4F8A")        # city blue: primary buttons and the top bar
ON_PRIMARY = hex_rgb("#FFFFFF")
SECONDARY = hex_rgb("#DDE6EE")      # secondary buttons and tiles
ON_SECONDARY = hex_rgb("#0B2E4F")
ACCENT = hex_rgb("#FFD34D")         # focus ring and ticked boxes (never the only cue)
OK = hex_rgb("#1B6B2F")             # "open now"
WARN = hex_rgb("#9A2A12")           # "closed", missing documents, unconfirmed facts
NOTE_BG = hex_rgb("#FFF4D6")        # notes and announcements

TEXT_PAIRS = {
    "body on background": (TEXT, BACKGROUND),
    "body on surface": (TEXT, SURFACE),
    "muted on surface": (TEXT_MUTED, SURFACE),
    "muted on background": (TEXT_MUTED, BACKGROUND),
    "primary button": (ON_PRIMARY, PRIMARY),
    "secondary button": (ON_SECONDARY, SECONDARY),
    "open now": (OK, SURFACE),
    "closed / missing": (WARN, SURFACE),
    "warning on note": (WARN, NOTE_BG),
    "body on note": (TEXT, NOTE_BG),
    "link-like on surface": (PRIMARY, SURFACE),
}

# Sizes (px at 1080 px width).
FONT_BODY = 30
FONT_SMALL = 28          # the smallest text anywhere
FONT_HEADING = 44
FONT_TITLE = 52
FONT_BUTTON = 34
FONT_TILE = 36
FONT_TICKET = 150       # the ticket number on screen, readable at arm's length and beyond
PRIMARY_BUTTON_HEIGHT = 112
BUTTON_HEIGHT = 84       # every other touch target
TILE_HEIGHT = 190
TOP_BAR_HEIGHT = 170
BOTTOM_BAR_HEIGHT = 136
PADDING = 28
SPACING = 20


FOCUS_RING_WIDTH = 6
AUDIO_CORNER = 150       # the marked corner (bottom left) held 2 s to start audio mode
LARGE_TEXT_SCALES = (1.0, 1.5, 2.0)


def rgba(rgb, alpha: float = 1.0) -> tuple[float, float, float, float]:
    return (*rgb, alpha)


@dataclass(frozen=True)
class Palette:
    """Every colour the UI draws with, as RGBA tuples ready for Kivy."""

    name: str
    BACKGROUND: tuple
    SURFACE: tuple
    TEXT: tuple
    TEXT_MUTED: tuple
    PRIMARY: tuple
    ON_PRIMARY: tuple
    SECONDARY: tuple
    ON_SECONDARY: tuple
    ACCENT: tuple
    OK: tuple
    WARN: tuple
    NOTE_BG: tuple
    FOCUS: tuple  # the audio-mode focus ring
    LINK: tuple  # text in PRIMARY colour on a surface (headings)

    def pairs(self) -> dict[str, tuple[tuple, tuple]]:
        """Text colour on background colour, for every combination the screens use."""
        return {
            "body on background": (self.TEXT, self.BACKGROUND),
            "body on surface": (self.TEXT, self.SURFACE),
            "muted on surface": (self.TEXT_MUTED, self.SURFACE),
            "muted on background": (self.TEXT_MUTED, self.BACKGROUND),
            "primary button": (self.ON_PRIMARY, self.PRIMARY),
            "secondary button": (self.ON_SECONDARY, self.SECONDARY),
            "open now": (self.OK, self.SURFACE),
            "closed / missing": (self.WARN, self.SURFACE),
            "closed on background": (self.WARN, self.BACKGROUND),
            "warning on note": (self.WARN, self.NOTE_BG),
            "body on note": (self.TEXT, self.NOTE_BG),
            "heading on surface": (self.LINK, self.SURFACE),
            "heading on background": (self.LINK, self.BACKGROUND),
        }

    def non_text_pairs(self) -> dict[str, tuple[tuple, tuple]]:
        """Controls and the focus ring against what they sit on (at least 3:1)."""
        return {
            "focus ring on background": (self.FOCUS, self.BACKGROUND),
            "focus ring on surface": (self.FOCUS, self.SURFACE),
            "focus ring on secondary": (self.FOCUS, self.SECONDARY),
            "checkbox frame on surface": (self.PRIMARY, self.SURFACE),
        }


def _palette(name: str, **colours: str) -> Palette:
    return Palette(name, **{k: rgba(hex_rgb(v)) for k, v in colours.items()})


NORMAL = _palette(
    "normal", BACKGROUND="#F4F6F8", SURFACE="#FFFFFF", TEXT="#1A1A1A", TEXT_MUTED="#4A5560",
    PRIMARY="#0B4F8A", ON_PRIMARY="#FFFFFF", SECONDARY="#DDE6EE", ON_SECONDARY="#0B2E4F",
    ACCENT="#FFD34D", OK="#1B6B2F", WARN="#9A2A12", NOTE_BG="#FFF4D6", FOCUS="#C2185B",
    LINK="#0B4F8A")

# Black and white with yellow: every text pair reaches 7:1 (tests compute it).
HIGH_CONTRAST = _palette(
    "high_contrast", BACKGROUND="#000000", SURFACE="#000000", TEXT="#FFFFFF",
    TEXT_MUTED="#FFFFFF", PRIMARY="#FFFF00", ON_PRIMARY="#000000", SECONDARY="#FFFFFF",
    ON_SECONDARY="#000000", ACCENT="#00FFFF", OK="#7CFF7C", WARN="#FFFF00", NOTE_BG="#000000",
    FOCUS="#FF00FF", LINK="#FFFF00")

PALETTES = {p.name: p for p in (NORMAL, HIGH_CONTRAST)}
PALETTE_FIELDS = tuple(f.name for f in fields(Palette) if f.name != "name")
