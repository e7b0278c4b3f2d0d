"""A pure ESC/POS adapter: the document model, encoding and raster, printer connections and their
real-time status, profiles, and the preview decoder and renderer. It knows nothing of the kiosk."""

import os
from pathlib import Path

import platformdirs

# DejaVu Sans Mono (every Polish and Cyrillic letter) for raster lines and the paper preview.
FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"

# python-escpos parses its printer database at import time and caches it as a pickle in a fresh
# temporary folder each time (one left behind per start); a fixed cache folder avoids both.
_cache = platformdirs.user_cache_dir("bom-kiosk", appauthor=False)
os.makedirs(_cache, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _cache)
