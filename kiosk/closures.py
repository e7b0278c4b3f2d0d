"""Days the office is closed whatever its weekly hours say: Polish public holidays.

From the maintained `holidays` package (Easter Monday, Corpus Christi and, since 2025, 24
December move or appear; a table of our own would go stale). The names are in the resident's
language where the package has it (Polish, English, Ukrainian).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

_LANGS = {"pl": "pl", "en": "en_US", "uk": "uk"}


@lru_cache(maxsize=32)
def _year(year: int, lang: str) -> dict[dt.date, str]:
    return dict(holidays.Poland(years=year, language=_LANGS.get(lang, "pl")))


def public_holiday(day: dt.date, lang: str = "pl") -> str | None:
    """The holiday's name when `day` is a public holiday in Poland, else None."""
    return _year(day.year, lang).get(day)
