"""Everything about paper: layouts of tickets and information cards, ESC/POS encoding, printer
connections and their real-time status."""

import os

import platformdirs

# python-escpos parses its printer database at import time and caches it as a pickle in a fresh
# temporary folder each time (one left behind per start); a fixed cache folder avoids both.
_cache = platformdirs.user_cache_dir("bom-kiosk", appauthor=False)
os.makedirs(_cache, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _cache)
