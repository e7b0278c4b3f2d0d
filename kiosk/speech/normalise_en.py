"""English as a person would say it: addresses, codes, dates, ranges, units and symbols on top
of the basic normaliser's numbers, money and times."""

from __future__ import annotations

import re

from num2words import num2words

from kiosk.speech import common
from kiosk.speech.basic import normalise_basic

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
            "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}
FIXED = {"e.g.": "for example", "i.e.": "that is", "etc.": "et cetera",
         "m.p.": "Monitor Polski", "dz. u.": "Journal of Laws", "k.p.a.":
         "the Code of Administrative Procedure", "art.": "article", "no.": "number"}
UNITS = {"m²": "square metres", "m2": "square metres", "mm": "millimetres",
         "cm": "centimetres", "km": "kilometres", "kg": "kilograms", "ha": "hectares",
         "min": "minutes", "s": "seconds", "ms": "milliseconds"}
UNIT_ONE = {"m²": "square metre", "m2": "square metre", "mm": "millimetre", "cm": "centimetre",
            "km": "kilometre", "kg": "kilogram", "ha": "hectare", "min": "minute",
            "s": "second", "ms": "millisecond"}


def cardinal(n: int) -> str:
    return num2words(n, lang="en")


def _date(day: int, month: int, year: int | None) -> str:
    said = f"the {num2words(day, lang='en', to='ordinal')} of {MONTHS[month - 1]}"
    return f"{said} {num2words(year, lang='en', to='year')}" if year else said


_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_NUM = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_DATE_TEXT = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")(?:\s+(\d{4}))?")
_WEEKDAY_RANGE = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?\s*[–—-]\s*"
                            r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b\.?")
_TIME_RANGE = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\s*[–—-]\s*([01]?\d|2[0-3])[:.]"
                         r"([0-5]\d)\b")
_GROSZE = re.compile(r"(?<![\w,])0[,.](\d{2})\s*(?:zł|zl|PLN)(?!\w)", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_RANGE = re.compile(r"(?<![\w,.])(\d+)\s*[–—-]\s*(\d+)(?![\w,])")
_UNIT = re.compile(r"(?<![\w,])(\d+)(?:[,.](\d+))?\s*(" + "|".join(
    re.escape(k) for k in sorted(UNITS, key=len, reverse=True)) + r")(?![\w²])")
_SPACELESS = {k.replace(" ", ""): v for k, v in FIXED.items()}
_FIXED = re.compile(r"(?<![\w.])(" + "|".join(re.escape(k).replace(r"\ ", r"\s*")
                                              for k in FIXED) + r")(?!\w)", re.IGNORECASE)


def _hm(h: int, m: int) -> str:
    return cardinal(h) if m == 0 else f"{cardinal(h)} {'oh ' if m < 10 else ''}{cardinal(m)}"


def _unit(m: re.Match) -> str:
    n, frac, unit = int(m.group(1)), m.group(2), m.group(3)
    if frac:
        return f"{cardinal(n)} point {common.digits(frac, cardinal)} {UNITS[unit]}"
    return f"{cardinal(n)} {UNIT_ONE[unit] if n == 1 else UNITS[unit]}"


def normalise(text: str) -> str:
    t = text.replace("\u00a0", " ")
    t = common.shared(t, "en", cardinal)
    t = re.sub(r"\b([A-Z])[ -]?(\d{3})\b", lambda m: f"{m.group(1)} {cardinal(int(m.group(2)))}",
               t)
    t = common.codes(t, cardinal)
    t = _WEEKDAY_RANGE.sub(lambda m: f"{WEEKDAYS[m.group(1).lower()]} to "
                           f"{WEEKDAYS[m.group(2).lower()]}", t)
    t = _DATE_ISO.sub(lambda m: _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                      if 1 <= int(m.group(2)) <= 12 else m.group(0), t)
    t = _DATE_NUM.sub(lambda m: _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                      if 1 <= int(m.group(2)) <= 12 else m.group(0), t)
    t = _DATE_TEXT.sub(lambda m: _date(int(m.group(1)), MONTHS.index(m.group(2)) + 1,
                                       int(m.group(3)) if m.group(3) else None), t)
    t = _TIME_RANGE.sub(lambda m: f"{_hm(int(m.group(1)), int(m.group(2)))} to "
                        f"{_hm(int(m.group(3)), int(m.group(4)))}", t)
    t = _ORDINAL.sub(lambda m: num2words(int(m.group(1)), lang="en", to="ordinal"), t)
    t = common.TIMES.sub(lambda m: " by " if re.match(r"\s*\d+\s*(mm|cm|m)\b",
                                                       m.string[m.end():]) else " times ", t)
    t = _RANGE.sub(lambda m: f"{cardinal(int(m.group(1)))} to {cardinal(int(m.group(2)))}", t)
    t = _UNIT.sub(_unit, t)
    t = _GROSZE.sub(lambda m: f"{cardinal(int(m.group(1)))} grosz"
                    f"{'' if int(m.group(1)) == 1 else 'y'}", t)
    t = common.long_digits(t, cardinal)
    t = _FIXED.sub(lambda m: _SPACELESS[re.sub(r"\s+", "", m.group(0).lower())], t)
    t = normalise_basic(t, "en")
    t = common.symbols(t, "en")
    return re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\s+", " ", t)).strip()
