"""List every token the speech normaliser leaves as digits or symbols in the bundled content
and the UI catalogues (pl, en, uk). Exit 1 if there is any.

    .venv/bin/python scripts/scan_speech.py [--json]
"""

from __future__ import annotations

import json
import sys

from kiosk.speech.scan import bundled_texts, scan


def main(argv: list[str]) -> int:
    report = scan(bundled_texts())
    if "--json" in argv:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for lang, found in report.languages.items():
            print(f"{lang}: {found.texts} texts, {len(found.tokens)} unsaid tokens")
            for token, text in found.tokens[:50]:
                print(f"  {token!r} in {text[:80]!r}")
        print(f"{len(report.undecided)} sentences with a number left in its basic form "
              "(case undecided)")
    return 1 if report.unsaid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
