"""What may be kept of text a resident typed: nothing that could identify them.

One function for every place that keeps typed text (the usage events and the search's log of
unanswered queries), so both scrub the same way.
"""

from __future__ import annotations

import re

from kiosk.texts import clean_text

MAX_KEPT = 80
# Anything around an "@": "jan.kowalski@wp.pl", "jan @ wp.pl".
_EMAIL = re.compile(r"\S*\s*@\s*\S*")
# Digits with up to three non-letters between them: "85010112345", "600 123 456",
# "+48 600-123-456", "600 - 123 - 456", "(42) 123/45/67". `\d` is every Unicode decimal digit.
_DIGIT_RUN = re.compile(r"\d(?:[\W_]{0,3}\d)*")
MIN_DIGITS = 6
DIGITS_MARK = "#"
EMAIL_MARK = "[e-mail]"


def digit_count(text: str) -> int:
    return sum(ch.isdecimal() for ch in text)


def scrub_text(text: str, limit: int = MAX_KEPT) -> str:
    """`text` with e-mail addresses and runs of 6+ digits (PESEL, phone, ID, account numbers)
    replaced, control characters removed, spaces collapsed and cut to `limit` characters."""
    q = clean_text(text)[:limit]
    q = _EMAIL.sub(f" {EMAIL_MARK} ", q)
    q = _DIGIT_RUN.sub(lambda mt: DIGITS_MARK if digit_count(mt[0]) >= MIN_DIGITS else mt[0], q)
    return " ".join(q.split())


def looks_personal(text: str) -> bool:
    """True when `text` still holds what scrub_text removes (tests and the push check it)."""
    if "@" in text:
        return True
    return any(digit_count(mt[0]) >= MIN_DIGITS for mt in _DIGIT_RUN.finditer(text))
