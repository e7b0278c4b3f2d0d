"""BOM kiosk core: content, services and the command line. Never imports Kivy at module level."""

from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
SAMPLE_CONTENT_DIR = ASSETS_DIR / "content"
