"""Polish as a person would say it: numbers in the case the sentence demands.

Each number's case comes from the word before it (the preposition table in
kiosk.speech.pl_cases) and the noun after it (its form, from morfeusz2): "w ciągu 14 dni" ->
"w ciągu czternastu dni", "2 osoby" -> "dwie osoby", "na 2 piętrze" -> "na drugim piętrze".
Where the two do not settle one case the number keeps its basic form and the sentence is
logged (logger kiosk.speech.undecided) for the content team: never a guessed case.

The passes run in order, each on what the one before left: addresses, phone numbers and codes;
weekdays; dates; times; years; roman numerals; ranges; numbers with their units and nouns;
abbreviations; symbols.
"""

from __future__ import annotations

import logging
import re

from kiosk.speech import common
from kiosk.speech import pl_grammar as g
from kiosk.speech.basic import ABBREVIATIONS_PL, MONTHS_PL_GEN, _time
from kiosk.speech.pl_cases import (
    ORDINAL_NOUNS,
    PREPOSITION_CASES,
    UNITS,
    WEEKDAYS,
    WITHOUT_NOUN,
)

undecided_log = logging.getLogger("kiosk.speech.undecided")
_LOGGED: set[str] = set()
UNDECIDED: list[str] = []  # the sentences logged by this process (the scan reads them)

_L = "a-ząćęłńóśźż"
_WORD = re.compile(rf"[{_L}A-ZĄĆĘŁŃÓŚŹŻ]+\.?|[.,;:()!?–-]")


def _basic(n: int) -> str:
    return g.cardinal(n) if g.available() else str(n)


def _sentence(s: str, start: int, end: int) -> str:
    a = max(s.rfind(". ", 0, start) + 1, 0)
    b = s.find(". ", end)
    return s[a:b + 1 if b >= 0 else len(s)].strip()[:200]


def _undecided(s: str, start: int, end: int) -> None:
    sentence = _sentence(s, start, end)
    if sentence in _LOGGED or len(_LOGGED) > 2000:
        return
    _LOGGED.add(sentence)
    UNDECIDED.append(sentence)
    undecided_log.info("number case undecided, basic form kept: %s", sentence,
                       extra={"event": "speech_case_undecided"})


# --- context ------------------------------------------------------------------------------------

def _prep(s: str, start: int) -> tuple[str | None, tuple[str, ...] | None]:
    """The preposition (or phrase) right before position `start` and its cases."""
    before = s[max(0, start - 40):start]
    words = re.findall(rf"[{_L}A-ZĄĆĘŁŃÓŚŹŻ.]+|[,;:()!?–-]", before)
    if not words or not before.endswith((" ", "(")) and before:
        return None, None
    last = words[-1].lower()
    if len(words) >= 2:
        two = f"{words[-2].lower()} {last}"
        if two in PREPOSITION_CASES:
            return two, PREPOSITION_CASES[two]
    if last in PREPOSITION_CASES:
        return last, PREPOSITION_CASES[last]
    if last.rstrip(".") in PREPOSITION_CASES:
        return last.rstrip("."), PREPOSITION_CASES[last.rstrip(".")]
    return None, None


def _noun(s: str, end: int) -> tuple[g.Reading, ...]:
    """The readings of the noun after position `end` (an adjective before it is skipped)."""
    m = re.match(rf"\s+([{_L}]+)(?:\s+([{_L}]+))?", s[end:end + 60])
    if not m:
        return ()
    first = g.analyse(m.group(1))
    nouns = tuple(r for r in first if r.pos in ("subst", "depr"))
    adjs = [r for r in first if r.pos == "adj"]
    if adjs and m.group(2):
        second = tuple(r for r in g.analyse(m.group(2)) if r.pos in ("subst", "depr"))
        if second:
            return second
    return nouns


# --- numbers ------------------------------------------------------------------------------------

def _agreement(n: int, s: str, start: int, end: int) -> g.Agreement | None:
    word, cases = _prep(s, start)
    readings = _noun(s, end)
    if not readings and word in WITHOUT_NOUN:
        cases = (WITHOUT_NOUN[word],)
    return g.decide(n, cases, readings)


def _number(m: re.Match) -> str:
    """A number with no unit: its case from the preposition before and the noun after."""
    s, start, end = m.string, m.start(), m.end()
    n = int(m.group(1))
    readings = _noun(s, end)
    word, cases = _prep(s, start)
    if readings and all(r.lemma in ORDINAL_NOUNS and r.number == "sg" for r in readings):
        return _ordinal_for(n, readings, cases, s, start, end)
    if not readings and not cases:
        return g.cardinal(n)  # a label: "pokój 12", "ul. Szkolna 28"
    a = _agreement(n, s, start, end)
    if a is None:
        _undecided(s, start, end)
        return g.cardinal(n)
    return g.cardinal(n, a.case, a.gender, a.rec)


def _ordinal_for(n: int, readings: tuple[g.Reading, ...], cases: tuple[str, ...] | None,
                 s: str, start: int, end: int) -> str:
    """An ordinal agreeing with the noun after it ("na 2 piętrze" -> "na drugim piętrze")."""
    options = g.ordinal_candidates(readings)
    if cases:
        options = [o for o in options if o[0] in cases] or options
    said = {g.ordinal(n, *o) for o in options}
    if len(said) == 1:
        return said.pop()
    nominative = [o for o in options if o[0] == "nom"]
    if nominative and len({g.ordinal(n, *o) for o in nominative}) == 1:
        return g.ordinal(n, *nominative[0])
    _undecided(s, start, end)
    return g.cardinal(n)


def _dotted_ordinal(m: re.Match) -> str:
    """"w 30. dniu" -> "w trzydziestym dniu"."""
    s, start, end = m.string, m.start(), m.end()
    n = int(m.group(1))
    readings = _noun(s, end)
    _word, cases = _prep(s, start)
    if not readings:
        _undecided(s, start, end)
        return g.cardinal(n)
    return _ordinal_for(n, readings, cases, s, start, end)


def _unit_case(s: str, start: int) -> str:
    """The case of a number before a unit: the preposition's, accusative when it allows
    several ("za 5 zł", "na 2 m"), genitive after "z"; nominative with none."""
    word, cases = _prep(s, start)
    if not cases:
        return "nom"
    if len(cases) == 1:
        return cases[0]
    if word in WITHOUT_NOUN:
        return WITHOUT_NOUN[word]
    return "acc" if "acc" in cases else cases[0]


def _counted(n: int, case: str, lemma: str, adj: str | None, gender: str) -> str:
    """"dwa złote", "pięciu metrów kwadratowych": the number and the noun it counts."""
    number, ncase = g.counted(n, case)
    said = [g.cardinal(n, case, gender), g.noun(lemma, number, ncase, gender)]
    if adj:
        said.append(g.adjective(adj, number, ncase, gender))
    return " ".join(said)


def _gender(lemma: str) -> str:
    found = {x for r in g.analyse(lemma) if r.pos == "subst" and r.lemma == lemma
             for x in r.genders}
    return next((x for x in ("m3", "f", "n", "m2", "m1") if x in found), "m3")


def _fraction(whole: int, frac: str, case: str, gender: str) -> str | None:
    """"4,5" -> "cztery i pół", "1,5" -> "półtora"; other fractions only in the nominative."""
    if frac in ("5", "50"):
        if whole == 1:
            return "półtorej" if gender == "f" else "półtora"
        return f"{g.cardinal(whole, case, gender)} i pół"
    if case != "nom":
        return None
    tail = common.group(frac.rstrip("0") or "0", g.cardinal) if not frac.startswith("0") \
        else common.digits(frac, g.cardinal)
    return f"{g.cardinal(whole)} przecinek {tail}"


def _with_unit(m: re.Match) -> str:
    s, start = m.string, m.start()
    whole = int(m.group(1).replace(" ", ""))
    frac, unit = m.group(2), m.group(3)
    lemma, adj = UNITS[unit.lower()]
    case = _unit_case(s, start)
    if lemma == "złoty":
        return _money(whole, frac, case)
    gender = _gender(lemma)
    if lemma == "procent":
        if frac:
            f = _fraction(whole, frac, case, gender)
            if f is None:
                _undecided(s, start, m.end())
                f = _fraction(whole, frac, "nom", gender)
            return f"{f} procent"
        if whole == 1:
            return f"{g.cardinal(1, case, 'm3')} {g.noun('procent', 'sg', case)}"
        return f"{g.cardinal(whole, case, 'm3')} procent"
    if frac and frac.strip("0"):
        f = _fraction(whole, frac, case, gender)
        if f is None:
            _undecided(s, start, m.end())
            f = _fraction(whole, frac, "nom", gender) or ""
        said = [f, g.noun(lemma, "sg", "gen")]
        if adj:
            said.append(g.adjective(adj, "sg", "gen", gender))
        return " ".join(said)
    return _counted(whole, case, lemma, adj, gender)


def _money(zl: int, gr: str | None, case: str) -> str:
    grosze = int((gr or "0").ljust(2, "0")[:2])
    parts = []
    if zl or not grosze:
        parts.append(_counted(zl, case, "złoty", None, "m3"))
    if grosze:
        parts.append(_counted(grosze, case, "grosz", None, "m3"))
    return " ".join(parts)


# --- years, dates, roman numerals, ranges --------------------------------------------------------

def _year_case(s: str, start: int, written: str) -> tuple[str, str]:
    """The case of a year and the word for "rok" after it."""
    word, cases = _prep(s, start)
    if written.lower() != "r.":
        readings = [r for r in g.analyse(written.lower()) if r.lemma == "rok" and r.number == "sg"]
        options = [c for r in readings for c in g.CASES if c in r.cases]
        if cases:
            options = [c for c in options if c in cases] or options
        case = options[0] if options else "nom"
        return case, written
    if not cases:
        case = "gen"  # "ustawa z dnia 16 listopada 2006 r.", "(stan na 2025 r.)"
    elif word in ("z", "ze"):
        case = "gen"
    elif word in ("w", "we", "po", "o"):
        case = "loc"
    else:
        case = "acc" if "acc" in cases else cases[0]
    return case, g.noun("rok", "sg", case)


def _year(m: re.Match) -> str:
    case, rok = _year_case(m.string, m.start(), m.group(2))
    return f"{g.ordinal(int(m.group(1)), case, 'm3')} {rok}"


def _day_case(s: str, start: int) -> str:
    """A date's day is genitive ("do trzydziestego pierwszego stycznia") except after a
    preposition that wants another case ("przed piętnastym marca")."""
    word, cases = _prep(s, start)
    if cases and word not in ("z", "ze", "w", "we") and cases[0] in ("inst", "loc", "acc"):
        return cases[0]
    return "gen"


def _date(day: int, month: int, year: int | None, case: str) -> str:
    text = f"{g.ordinal(day, case, 'm3')} {MONTHS_PL_GEN[month - 1]}"
    return f"{text} {g.ordinal(year, 'gen', 'm3')} roku" if year else text


def _roman_ordinal(m: re.Match) -> str:
    value = common.roman(m.group(1))
    if value is None:
        return m.group(0)
    s, start, end = m.string, m.start(), m.start(1) + len(m.group(1))
    noun = m.group(2)
    readings = tuple(r for r in g.analyse(noun.lower()) if r.pos == "subst")
    if noun.lower() == "w.":
        readings = tuple(r for r in g.analyse("wiek") if r.pos == "subst")
        _w, cases = _prep(s, start)
        case = cases[0] if cases else "nom"
        return f"{g.ordinal(value, case, 'm3')} {g.noun('wiek', 'sg', case)}"
    return f"{_ordinal_for(value, readings, _prep(s, start)[1], s, start, end)} {noun}"


def _roman_after(m: re.Match) -> str:
    """"dział VIII" -> "dział ósmy": an ordinal agreeing with the noun before it."""
    value = common.roman(m.group(2))
    if value is None:
        return m.group(0)
    readings = tuple(r for r in g.analyse(m.group(1).lower()) if r.pos == "subst")
    options = g.ordinal_candidates(readings)
    _w, cases = _prep(m.string, m.start())
    if cases:
        options = [o for o in options if o[0] in cases] or options
    said = {g.ordinal(value, *o) for o in options}
    if len(said) != 1:
        nominative = [o for o in options if o[0] == "nom"]
        said = {g.ordinal(value, *nominative[0])} if nominative else said
    if len(said) != 1:
        return m.group(0)
    return f"{m.group(1)} {said.pop()}"


_LABEL_PLURAL = {"art.": "artykuły", "§": "paragrafy", "ust.": "ustępy", "pkt": "punkty",
                 "poz.": "pozycje", "str.": "strony"}


def _range(m: re.Match) -> str:
    """"10–25 minut" -> "od dziesięciu do dwudziestu pięciu minut"."""
    s, start, end = m.string, m.start(), m.end()
    a, b = int(m.group(2)), int(m.group(3))
    if m.group(1):  # "art. 217–219" -> "artykuły od dwieście siedemnastego do ..."
        plural = _LABEL_PLURAL[m.group(1).lower()]
        return f"{plural} od {g.ordinal(a, 'gen')} do {g.ordinal(b, 'gen')}"
    word, cases = _prep(s, start)
    readings = _noun(s, end)
    if cases and cases != ("gen",):
        _undecided(s, start, end)
        return f"{g.cardinal(a)} do {g.cardinal(b)}"
    agree_b = g.decide(b, ("gen",), readings)
    agree_a = g.decide(a, ("gen",), readings) if readings else agree_b
    if agree_a is None or agree_b is None:
        _undecided(s, start, end)
        return f"{g.cardinal(a)} do {g.cardinal(b)}"
    said = (f"{g.cardinal(a, 'gen', agree_a.gender)} do "
            f"{g.cardinal(b, 'gen', agree_b.gender)}")
    return said if word == "od" else f"od {said}"


# --- abbreviations ------------------------------------------------------------------------------

_ABBR_NOUNS = {"pok.": "pokój", "ul.": "ulica", "al.": "aleja", "pl.": "plac", "nr": "numer",
               "godz.": "godzina", "tel.": "telefon", "os.": "osiedle", "art.": "artykuł",
               "ust.": "ustęp", "pkt": "punkt", "poz.": "pozycja", "str.": "strona",
               "p.": "piętro"}
_FIXED = {"k.p.a.": "Kodeksu postępowania administracyjnego",
          "kpa": "Kodeksu postępowania administracyjnego",
          "dz. u.": "Dziennik Ustaw", "dz.u.": "Dziennik Ustaw", "m.p.": "Monitor Polski",
          "t.j.": "tekst jednolity", "ze zm.": "ze zmianami", "z późn. zm.": "z późniejszymi "
          "zmianami", "ur.": "urodzony", "m. in.": "między innymi",
          "lit.": "litera", "cd.": "ciąg dalszy", "ds.": "do spraw", "im.": "imienia",
          "św.": "świętego", "mgr": "magister", "dr": "doktor", "inż.": "inżynier",
          "sp. z o.o.": "spółka z ograniczoną odpowiedzialnością", "tzn.": "to znaczy",
          "pn.": "pod nazwą", "br.": "bieżącego roku", "ub.r.": "ubiegłego roku"}


def _abbreviation(m: re.Match) -> str:
    word = m.group(0)
    key = word.lower()
    lemma = _ABBR_NOUNS.get(key)
    if lemma is None:
        expanded = _FIXED.get(key) or ABBREVIATIONS_PL.get(key) or word
    else:
        _w, cases = _prep(m.string, m.start())
        case = "nom"
        if cases:
            case = "loc" if "loc" in cases else cases[0]
        number = "sg"
        if key == "godz." and m.string[m.end():].lstrip().startswith("od "):
            number = "pl"  # "w godz. 8:00–15:30" -> "w godzinach od ósmej do ..."
            case = case if cases else "nom"
        expanded = g.noun(lemma, number, case)
    if word[0].isupper() and key not in ("k.p.a.", "kpa", "dz. u.", "dz.u.", "m.p."):
        return expanded[0].upper() + expanded[1:]
    return expanded


_ABBR_KEYS = sorted(set(ABBREVIATIONS_PL) | set(_ABBR_NOUNS) | set(_FIXED), key=len,
                    reverse=True)
_ABBR_ALTERNATIVES = "|".join(re.escape(k).replace(r"\ ", r"\s*") for k in _ABBR_KEYS)
_ABBR = re.compile(r"(?<![\wąćęłńóśźż.])(?<!kropka )(?:" + _ABBR_ALTERNATIVES
                   + r")(?![\wąćęłńóśźż])", re.IGNORECASE)

# --- patterns -----------------------------------------------------------------------------------

_TICKET = re.compile(r"\b([A-Z])[ -]?(\d{3})\b")
_WEEKDAY_KEYS = "|".join(re.escape(k) for k in WEEKDAYS)
_WEEKDAY_RANGE = re.compile(rf"(?<!\w)({_WEEKDAY_KEYS})\s*[–—-]\s*({_WEEKDAY_KEYS})",
                            re.IGNORECASE)
_WEEKDAY = re.compile(rf"(?<!\w)({_WEEKDAY_KEYS})(?!\w)", re.IGNORECASE)
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_NUM = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*r\.)?")
_DATE_TEXT = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS_PL_GEN) + r")(?:\s+(\d{4}))?"
                        r"(?:\s*r\.)?")
_TIME_RANGE = re.compile(r"(?:\bod\s+)?\b([01]?\d|2[0-3])[:.]([0-5]\d)\s*[–—-]\s*"
                         r"([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_TIME_AFTER = re.compile(r"\b([oO]|[oO]d|[dD]o|[pP]o|[pP]rzed|[oO]koło|[oO]k\.)\s+"
                         r"(?:(godz\.|godziny|godzinie|godzina)\s+)?"
                         r"([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_TIME = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\s*(r\.|rok|roku|rokiem)(?![\w])")
_ROMAN_BEFORE = re.compile(r"\b([IVXLC]+)\s+(piętr\w*|kondygnacj\w*|wiek\w*|w\.)",
                           re.IGNORECASE)
_ROMAN_AFTER = re.compile(r"\b(dział\w*|rozdział\w*|część|części|tom\w*|etap\w*)\s+"
                          r"([IVXLC]+)\b", re.IGNORECASE)
_DESK = re.compile(r"\b(stanowisk[oau]|okienk[oau])\s+(?:nr\.?\s*|numer\s+)?(\d+)\b",
                   re.IGNORECASE)
_RANGE = re.compile(r"(?:(?<![\w.])(art\.|§|ust\.|pkt|poz\.|str\.)\s*)?(?<![\w,.])(\d+)\s*[–—-]\s*"
                    r"(\d+)(?![\w,])", re.IGNORECASE)
_DATE_RANGE = re.compile(r"\b(\d{1,2})\s*[–—-]\s*(\d{1,2})\s+(" + "|".join(MONTHS_PL_GEN) + r")\b")
_FLAT = re.compile(r"(?<![\w.])m\.\s*(?=\d)")
_UNIT_KEYS = sorted(UNITS, key=len, reverse=True)
_WITH_UNIT = re.compile(r"(?<![\w,])(\d{1,3}(?: \d{3})+|\d+)(?:,(\d{1,2}))?\s*("
                        + "|".join(re.escape(k) for k in _UNIT_KEYS)
                        + r")(?![\w²])(?!\.\s*\d)", re.IGNORECASE)
_GROSZE = re.compile(r"(?<![\w,])(\d+)\s*gr\b\.?")
_DOTTED = re.compile(rf"(?<![\w,.])(\d{{1,3}})\.(?=\s+[{_L}])")
_DECIMAL = re.compile(r"(?<![\w,])(\d+),(\d+)(?![\w,])")
_NUMBER = re.compile(r"(?<![\w])(\d+)(?![\w])")
_ANY_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Polish text with every number, date, address and abbreviation written out as said."""
    t = text.replace("\u00a0", " ").replace("—", "–")
    t = common.shared(t, "pl", _basic)
    t = _TICKET.sub(lambda m: f"{m.group(1)} {g.cardinal(int(m.group(2)))}", t)
    t = common.codes(t, _basic)
    t = _FLAT.sub("\x01 ", t)  # "m. 2": a flat, said once the numbers are words
    t = _WEEKDAY_RANGE.sub(lambda m: f"od {WEEKDAYS[m.group(1).lower()][1]} do "
                           f"{WEEKDAYS[m.group(2).lower()][1]}", t)
    t = _WEEKDAY.sub(lambda m: WEEKDAYS[m.group(1).lower()][0], t)
    t = _DATE_ISO.sub(lambda m: _date(int(m.group(3)), int(m.group(2)), int(m.group(1)),
                                      _day_case(m.string, m.start()))
                      if 1 <= int(m.group(2)) <= 12 else m.group(0), t)
    t = _DATE_NUM.sub(lambda m: _date(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                                      _day_case(m.string, m.start()))
                      if 1 <= int(m.group(2)) <= 12 else m.group(0), t)
    t = _DATE_RANGE.sub(lambda m: f"od {g.ordinal(int(m.group(1)), 'gen')} do "
                        f"{g.ordinal(int(m.group(2)), 'gen')} {m.group(3)}", t)
    t = _DATE_TEXT.sub(lambda m: _date(int(m.group(1)), MONTHS_PL_GEN.index(m.group(2)) + 1,
                                       int(m.group(3)) if m.group(3) else None,
                                       _day_case(m.string, m.start())), t)
    t = _TIME_RANGE.sub(lambda m: f"od {_time(int(m.group(1)), int(m.group(2)), 'pl', 'fem_gen')}"
                        f" do {_time(int(m.group(3)), int(m.group(4)), 'pl', 'fem_gen')}", t)
    t = _TIME_AFTER.sub(_time_after, t)
    t = _TIME.sub(lambda m: _time(int(m.group(1)), int(m.group(2)), "pl"), t)
    t = _YEAR.sub(_year, t)
    t = _ROMAN_BEFORE.sub(_roman_ordinal, t)
    t = _ROMAN_AFTER.sub(_roman_after, t)
    t = _DESK.sub(lambda m: f"{m.group(1)} numer {g.cardinal(int(m.group(2)))}", t)
    t = common.TIMES.sub(lambda m: " na " if re.match(r"\s*\d+\s*(mm|cm|m)\b",
                                                       m.string[m.end():]) else " razy ", t)
    t = _RANGE.sub(_range, t)
    t = _WITH_UNIT.sub(_with_unit, t)
    t = _GROSZE.sub(lambda m: _counted(int(m.group(1)), _unit_case(m.string, m.start()),
                                       "grosz", None, "m3"), t)
    t = _DOTTED.sub(_dotted_ordinal, t)
    t = _DECIMAL.sub(lambda m: _fraction(int(m.group(1)), m.group(2), "nom", "m3") or "", t)
    t = common.long_digits(t, _basic)
    t = _NUMBER.sub(_number, t)
    t = _ANY_DIGITS.sub(lambda m: g.cardinal(int(m.group(0))), t)
    t = _ABBR.sub(_abbreviation, t).replace("\x01", "mieszkanie")
    t = common.symbols(t, "pl").replace("\x00", "")
    t = t.replace("–", " – ")
    return re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\s+", " ", t)).strip()


def _time_after(m: re.Match) -> str:
    """"o 12:00" -> "o dwunastej", "do godz. 15:30" -> "do godziny piętnastej trzydzieści"."""
    prep, hour_word = m.group(1), m.group(2)
    word = "około" if prep.lower() == "ok." else prep
    cases = PREPOSITION_CASES.get(word.lower(), ("gen",))
    case = "loc" if word.lower() in ("o", "po") else cases[0]
    form = "fem_gen" if case == "gen" else "fem_loc" if case == "loc" else "fem_inst"
    said = _hour(int(m.group(3)), int(m.group(4)), form)
    if hour_word:
        said = f"{g.noun('godzina', 'sg', case)} {said}"
    return f"{word} {said}"


def _hour(h: int, minutes: int, form: str) -> str:
    case = {"fem_gen": "gen", "fem_loc": "loc", "fem_inst": "inst"}[form]
    hour = g.ordinal(h, case, "f") if h else "zero"
    if minutes == 0:
        return hour
    return f"{hour} {'zero ' if minutes < 10 else ''}{g.cardinal(minutes)}"
