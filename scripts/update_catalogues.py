"""Extract UI strings into assets/locale/kiosk.pot and merge them into each language's .po.

Run after changing UI texts:  .venv/bin/python scripts/update_catalogues.py
Then translate the new empty entries in assets/locale/*/LC_MESSAGES/kiosk.po.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "assets" / "locale"
POT = LOCALE / "kiosk.pot"
LANGS = {"pl": "pl_PL", "en": "en_GB", "uk": "uk_UA"}
# The msgids are written in plain English: the English catalogue takes them as they are, and
# a reviewer may still change an entry there (it is never overwritten once filled).
SOURCE_LANG = "en"


def extract() -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "N_", "--no-location", "--sort-output",
                    "--omit-header", "--project", "BOM kiosk", "-o", str(POT), str(ROOT)],
                   check=True, cwd=ROOT)


def merge(lang: str, locale: str) -> None:
    with POT.open("rb") as fh:
        template = read_po(fh)
    po = LOCALE / lang / "LC_MESSAGES" / "kiosk.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    if po.exists():
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
    else:
        from babel.messages.catalog import Catalog
        catalog = Catalog(locale=locale, project="BOM kiosk")
    catalog.update(template, no_fuzzy_matching=True)
    if lang == SOURCE_LANG:
        for msg in catalog:
            if msg.id and (not msg.string
                           or isinstance(msg.id, tuple) and not all(msg.string)):
                msg.string = msg.id
    with po.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=True, ignore_obsolete=True,
                 width=100)


if __name__ == "__main__":
    extract()
    for lang, locale in LANGS.items():
        merge(lang, locale)
    print(f"updated {POT.relative_to(ROOT)} and {', '.join(LANGS)}")
