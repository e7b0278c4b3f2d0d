"""Days the office keeps other hours than its weekly ones: Polish public holidays, and the
office's own closures from the content (closures.yaml: "24 grudnia nieczynne", "31 grudnia do
12:00").

Public holidays come from the maintained `holidays` package (Easter Monday, Corpus Christi and,
since 2025, 24 December move or appear; a table of our own would go stale). Their names are in
the resident's language where the package has it (Polish, English, Ukrainian).

Content closures arrive with the content revision (kiosk.content.service hands them out with
each department and queue category), so a sync changes them like any other record. `closure_on`
combines both for one day: a public holiday first, then a content closure of the whole day,
then shorter hours; `day_spans` gives a day's opening spans after it. Pure: no database.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import holidays

from kiosk.texts import LocalText

_LANGS = {"pl": "pl", "en": "en_US", "uk": "uk"}

# Closure.kind
HOLIDAY = "holiday"  # a public holiday: closed all day
CLOSED = "closed"  # closed all day by the office's decision (content)
SHORTER = "shorter"  # open only within `hours` (content)
CLOSURE_KINDS = (CLOSED, SHORTER)  # what content may say

TimeSpan = tuple[dt.time, dt.time]


@lru_cache(maxsize=1)
def _poland() -> type:
    """The package's Poland, imported alone. `holidays.countries` imports all of its ~250
    countries to hand out one (8 MiB that the kiosk held all day, 0.13 s on a worker); its
    modules import only their own needs, so Poland's is imported under a bare package. A
    process that imported the real package already gets the class from it."""
    name = "holidays.countries"
    if name not in sys.modules:
        bare = types.ModuleType(name)
        bare.__path__ = [str(Path(holidays.__file__).parent / "countries")]
        sys.modules[name] = bare
    return importlib.import_module(f"{name}.poland").Poland


@lru_cache(maxsize=32)
def _year(year: int, lang: str) -> dict[dt.date, str]:
    return dict(_poland()(years=year, language=_LANGS.get(lang, "pl")))


def public_holiday(day: dt.date, lang: str = "pl") -> str | None:
    """The holiday's name when `day` is a public holiday in Poland, else None."""
    return _year(day.year, lang).get(day)


@dataclass(frozen=True)
class ContentClosure:
    """One record of closures.yaml: from `first` to `last` (inclusive) the office is closed,
    or open only within `hours`; `reason` is what residents read."""

    code: str
    first: dt.date
    last: dt.date
    kind: str  # CLOSED or SHORTER
    reason: LocalText
    hours: TimeSpan | None = None  # SHORTER only

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Closure:
    """Why `day` is not an ordinary day, and what is left of it."""

    day: dt.date
    kind: str  # HOLIDAY, CLOSED or SHORTER
    reason: LocalText | None = None  # content closures; a holiday is named by the package
    hours: TimeSpan | None = None  # SHORTER: the only time the office works that day
    code: str | None = None  # the content record's code

    @property
    def closed(self) -> bool:
        """Closed the whole day (a public holiday or a closure of the content)."""
        return self.kind != SHORTER

    def name(self, lang: str = "pl") -> str:
        """What residents read: the holiday's name, or the editor's reason, in `lang`."""
        if self.reason is not None:
            return self.reason.get(lang)
        return public_holiday(self.day, lang) or ""


def closure_on(day: dt.date, closures: Iterable[ContentClosure] = ()) -> Closure | None:
    """What keeps the office from its weekly hours on `day`, or None: a public holiday, else a
    content closure of the whole day, else the shortest of the content's shorter hours (two
    records for one day never open the office longer than either says)."""
    if public_holiday(day):
        return Closure(day, HOLIDAY)
    shorter: Closure | None = None
    for c in closures:
        if not c.covers(day):
            continue
        if c.kind != SHORTER or c.hours is None:
            return Closure(day, CLOSED, c.reason, None, c.code)
        if shorter is None or shorter.hours is None:
            shorter = Closure(day, SHORTER, c.reason, c.hours, c.code)
        else:
            opens, closes = max(shorter.hours[0], c.hours[0]), min(shorter.hours[1], c.hours[1])
            if opens >= closes:  # nothing left of the day
                return Closure(day, CLOSED, c.reason, None, c.code)
            shorter = Closure(day, SHORTER, shorter.reason, (opens, closes), shorter.code)
    return shorter


def cut(spans: Iterable[TimeSpan], closure: Closure | None) -> list[TimeSpan]:
    """A day's opening spans after its closure: none when closed, each span cut to the shorter
    hours (shorter hours never open the office when its weekly hours do not)."""
    if closure is None:
        return sorted(spans)
    if closure.closed or closure.hours is None:
        return []
    lo, hi = closure.hours
    out = []
    for opens, closes in spans:
        o, c = max(opens, lo), min(closes, hi)
        if o < c:
            out.append((o, c))
    return sorted(out)


def day_spans(hours: Iterable[tuple[int, dt.time, dt.time]], day: dt.date,
              closures: Iterable[ContentClosure] = ()) -> list[TimeSpan]:
    """The opening spans of `day` from weekly `hours` (weekday, opens, closes), after public
    holidays and the content's closures."""
    spans = [(o, c) for w, o, c in hours if w == day.weekday()]
    return cut(spans, closure_on(day, closures)) if spans else []
