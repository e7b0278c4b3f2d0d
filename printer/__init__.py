"""A pure ESC/POS adapter: the document model, encoding and raster, printer connections and their
real-time status, profiles, and the preview decoder and renderer. It knows nothing of the kiosk."""

import os
from pathlib import Path

import platformdirs

from printer import capabilities_cache as _capabilities_cache

# DejaVu Sans Mono (every Polish and Cyrillic letter) for raster lines and the paper preview.
FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"

# python-escpos parses its printer database at import time and caches it as a pickle; see
# printer/capabilities_cache.py for why the kiosk prepares that pickle itself.
# Under a systemd unit its CacheDirectory= ($CACHE_DIRECTORY), never the read-only HOME.
_folder = _capabilities_cache.prepare(
    Path(os.environ.get("CACHE_DIRECTORY", "").split(":")[0]
         or platformdirs.user_cache_dir("bom-kiosk", appauthor=False)))
if _folder is not None:
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(_folder)
