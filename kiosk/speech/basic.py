"""The basic normaliser, kept as it was before case agreement (issue 21): numbers, money,
dates, times, abbreviations, ticket codes and phone numbers written out in words, every number
in its basic form. kiosk.speech.normalise uses it for Polish where morfeusz2 is missing, and
bench/speech_normalise.py as its baseline; its helpers serve the fuller normalisers.

TTS engines read "22 zł" as "dwadzieścia dwa zet eł" and "A012" as "a zero dwanaście"; here
they become "dwadzieścia dwa złote" and "A dwanaście". Number words come from num2words (it
knows Polish grammar for currencies); the rest are small, tested rules. English and Ukrainian get
numbers, money, times and ticket codes; the abbreviation table is Polish.
"""

from __future__ import annotations

import re
from decimal import Decimal

from num2words import num2words

MONTHS_PL_GEN = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca",
                 "sierpnia", "września", "października", "listopada", "grudnia")

# Expanded only as whole words, with their dot; nominative forms, as a reader would say them.
ABBREVIATIONS_PL = {
    "ul.": "ulica", "al.": "aleja", "pl.": "plac", "nr": "numer", "pok.": "pokój",
    "godz.": "godzina", "tel.": "telefon", "np.": "na przykład", "ok.": "około",
    "m.in.": "między innymi", "tj.": "to jest", "tzw.": "tak zwany", "wg": "według",
    "os.": "osiedle", "r.": "roku", "ust.": "ustęp", "art.": "artykuł", "pkt": "punkt",
    "poz.": "pozycja", "str.": "strona", "zm.": "zmianami", "dz.u.": "Dziennik Ustaw",
    "min.": "minut", "max.": "maksymalnie", "ww.": "wyżej wymieniony", "itd.": "i tak dalej",
    "itp.": "i tym podobne", "tys.": "tysięcy", "mln": "milionów", "p.": "piętro",
}
_NUM_LANG = {"pl": "pl", "en": "en", "uk": "uk"}
_CURRENCY_WORD = {"zł", "zl", "pln", "złotych", "złote", "złoty"}


def _cardinal(n: int, lang: str) -> str:
    return num2words(n, lang=_NUM_LANG.get(lang, "pl"))


def _ordinal_pl(n: int, form: str) -> str:
    """Polish ordinal in a form num2words does not give: "gen" (piętnastego), "fem" (ósma),
    "fem_gen" (ósmej)."""
    words = num2words(n, lang="pl", to="ordinal").split()
    out = []
    for w in words:
        if w in ("trzy", "cztery", "dwa", "tysiące", "tysiąc", "tysięcy"):
            out.append(w)  # cardinal part of a large ordinal: "dwa tysiące dwudziestego"
        elif form == "gen":
            out.append(w[:-1] + "ego" if w.endswith("y") else w + "ego")
        elif form == "fem_gen":  # "od ósmej do piętnastej"
            out.append(w[:-1] + "ej" if w.endswith("y") else w + "ej")
        elif w.endswith(("gi", "ki")):
            out.append(w[:-1] + "a")
        elif w.endswith("i"):
            out.append(w + "a")
        else:
            out.append(w[:-1] + "a")
    return " ".join(out)


def _money(zl: str, gr: str | None, lang: str) -> str:
    amount = Decimal(f"{int(zl)}.{(gr or '0').ljust(2, '0')[:2]}")
    words = num2words(amount, lang=_NUM_LANG.get(lang, "pl"), to="currency", currency="PLN")
    # "dwadzieścia dwa złote, zero groszy" -> "dwadzieścia dwa złote"
    whole, _, cents = words.partition(", ")
    if amount == int(amount):
        return whole
    return f"{whole} {cents}" if cents else whole


def _time(h: int, m: int, lang: str, form: str = "fem") -> str:
    if lang == "pl":
        hour = _ordinal_pl(h, form) if h else "zero"
        if m == 0:
            return hour
        return f"{hour} {'zero ' if m < 10 else ''}{_cardinal(m, lang)}"
    if m == 0:
        return f"{_cardinal(h, lang)}" + (" o'clock" if lang == "en" else " нуль нуль")
    return f"{_cardinal(h, lang)} {'oh ' if lang == 'en' and m < 10 else ''}{_cardinal(m, lang)}"


def _digits(s: str, lang: str) -> str:
    return " ".join(_cardinal(int(d), lang) for d in s if d.isdigit())


def _phone(match: re.Match, lang: str) -> str:
    # Digit by digit, group by group, as people dictate numbers.
    groups = re.findall(r"\d+", match.group(0))
    prefix = "plus " if match.group(0).startswith("+") and lang != "uk" else (
        "плюс " if match.group(0).startswith("+") else "")
    return prefix + ", ".join(_digits(g, lang) for g in groups)


_PHONE = re.compile(r"(?<![\w,.])\+?(?:48[ -]?)?\d{2,3}(?:[ -]\d{2,3}){2,4}(?![\w,])")
_TICKET = re.compile(r"\b([A-Z])[ -]?(\d{3})\b")
_MONEY = re.compile(r"(\d[\d\u00a0 ]*?)(?:[,.](\d{1,2}))?\s*(?:zł|zl|PLN)\b", re.IGNORECASE)
_GROSZE = re.compile(r"\b(\d+)\s*gr\b\.?")
_DATE_TEXT = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS_PL_GEN) + r")(?:\s+(\d{4}))?"
                        r"(?:\s*r\.)?")
_DATE_NUM = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*r\.)?")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TIME = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_TIME_RANGE = re.compile(r"(?:\bod\s+)?\b([01]?\d|2[0-3])[:.]([0-5]\d)\s*-\s*"
                         r"([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_TIME_AFTER = re.compile(r"\b([oO]|[oO]d|[dD]o|[pP]o|[pP]rzed)\s+([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_DESK = re.compile(r"\b(stanowisk[oau]|okienk[oau]|pokoju|pokój|pok\.|sal[ai]|sala)"
                   r"\s+(?:nr\.?\s*|numer\s+)?(\d+)\b", re.IGNORECASE)
_PERCENT = re.compile(r"(\d+)(?:,(\d+))?\s*%")
_DECIMAL = re.compile(r"\b(\d+),(\d+)\b")
_NUMBER = re.compile(r"\d+")


def _year_gen(y: int) -> str:
    return _ordinal_pl(y, "gen")


def _date_pl(day: int, month: int, year: int | None) -> str:
    text = f"{_ordinal_pl(day, 'gen')} {MONTHS_PL_GEN[month - 1]}"
    return f"{text} {_year_gen(year)} roku" if year else text


def _expand_abbreviations(text: str) -> str:
    def repl(m: re.Match) -> str:
        word = m.group(0)
        expanded = ABBREVIATIONS_PL.get(word.lower())
        if expanded is None:
            return word
        return expanded.capitalize() if word[0].isupper() else expanded

    keys = sorted(ABBREVIATIONS_PL, key=len, reverse=True)
    alternatives = "|".join(re.escape(k) for k in keys)
    pattern = r"(?<![\wąćęłńóśźż])(?:" + alternatives + r")(?![\wąćęłńóśźż])"
    return re.sub(pattern, repl, text, flags=re.IGNORECASE)


def normalise_basic(text: str, lang: str = "pl") -> str:
    """Every number in its basic form: the normaliser as it was before case agreement
    (issue 21). Used for Polish where morfeusz2 is missing, and as the benchmark's baseline."""
    t = text.replace("\u00a0", " ").replace("–", " - ").replace("—", " - ")
    t = _PHONE.sub(lambda m: _phone(m, lang), t)
    t = _TICKET.sub(lambda m: f"{m.group(1)} {_cardinal(int(m.group(2)), lang)}", t)
    if lang == "pl":
        t = _DATE_ISO.sub(lambda m: _date_pl(int(m.group(3)), int(m.group(2)), int(m.group(1))),
                          t)
        t = _DATE_NUM.sub(lambda m: _date_pl(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                          if 1 <= int(m.group(2)) <= 12 else m.group(0), t)
        t = _DATE_TEXT.sub(lambda m: _date_pl(int(m.group(1)),
                                              MONTHS_PL_GEN.index(m.group(2)) + 1,
                                              int(m.group(3)) if m.group(3) else None), t)
    t = _MONEY.sub(lambda m: _money(m.group(1).replace(" ", "").replace("\u00a0", ""),
                                    m.group(2), lang), t)
    if lang == "pl":
        t = _GROSZE.sub(lambda m: num2words(Decimal(int(m.group(1))) / 100, lang="pl",
                                            to="currency", currency="PLN").split(", ")[1], t)
    if lang == "pl":
        def hour(m: re.Match, first: int) -> str:
            return _time(int(m.group(first)), int(m.group(first + 1)), lang, "fem_gen")

        t = _TIME_RANGE.sub(lambda m: f"od {hour(m, 1)} do {hour(m, 3)}", t)
        # "o 12:00", "do 15:30": the hour after these prepositions is "dwunastej".
        t = _TIME_AFTER.sub(lambda m: f"{m.group(1)} "
                            f"{_time(int(m.group(2)), int(m.group(3)), lang, 'fem_gen')}", t)
    t = _TIME.sub(lambda m: _time(int(m.group(1)), int(m.group(2)), lang), t)
    if lang == "pl":
        t = _DESK.sub(lambda m: f"{m.group(1)} numer {_cardinal(int(m.group(2)), lang)}"
                      if m.group(1).lower().startswith(("stanowisk", "okienk"))
                      else f"{m.group(1)} {_cardinal(int(m.group(2)), lang)}", t)
        t = _expand_abbreviations(t)
    percent = {"pl": "procent", "en": "percent", "uk": "відсотків"}.get(lang, "procent")
    comma = {"pl": "przecinek", "en": "point", "uk": "кома"}.get(lang, "przecinek")
    t = _PERCENT.sub(lambda m: (f"{_cardinal(int(m.group(1)), lang)} {comma} "
                                f"{_digits(m.group(2), lang)} {percent}" if m.group(2)
                                else f"{_cardinal(int(m.group(1)), lang)} {percent}"), t)
    t = _DECIMAL.sub(lambda m: f"{_cardinal(int(m.group(1)), lang)} {comma} "
                               f"{_digits(m.group(2), lang)}", t)
    t = _NUMBER.sub(lambda m: _cardinal(int(m.group(0)), lang), t)
    return re.sub(r"\s+", " ", t).strip()
