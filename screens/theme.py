"""Colours and sizes of the kiosk UI. Plain Python (no Kivy) so tests can check contrast.

Sizes are in pixels for a 1080 px wide portrait screen; the app runs with density 1.
"""

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


def rgba(rgb, alpha: float = 1.0) -> tuple[float, float, float, float]:
    return (*rgb, alpha)
