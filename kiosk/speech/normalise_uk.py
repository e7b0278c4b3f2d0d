"""Ukrainian as a person would say it: numbers in the case the sentence demands ("протягом
14 днів" -> "протягом чотирнадцяти днів"), dates, ranges, units, addresses and codes.

A number's case comes from the preposition before it (PREPOSITION_CASES) or, with none, from
the noun after it as pymorphy3 reads it ("2 особи": nominative). The numeral forms are a table
(Ukrainian numerals are a closed set, and pymorphy3 does not inflect all of them); nouns the
normaliser writes itself (złoty, hours) come from pymorphy3. Without pymorphy3 the preposition
table still applies; the noun is not read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

from kiosk import morphology
from kiosk.speech import common
from kiosk.speech.basic import normalise_basic

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
# A number right after these takes this case; several: the noun decides, the first otherwise.
PREPOSITION_CASES: dict[str, tuple[str, ...]] = {
    "протягом": ("gent",), "впродовж": ("gent",), "до": ("gent",), "від": ("gent",),
    "після": ("gent",), "близько": ("gent",), "без": ("gent",), "для": ("gent",),
    "понад": ("accs",), "з": ("gent", "ablt"), "із": ("gent", "ablt"), "зі": ("gent", "ablt"),
    "через": ("accs",), "за": ("accs", "ablt"), "на": ("accs", "loct"), "у": ("loct", "accs"),
    "в": ("loct", "accs"), "о": ("loct",), "об": ("loct",), "по": ("loct", "accs"),
    "при": ("loct",), "під час": ("gent",), "старше": ("gent",), "молодше": ("gent",),
    "віком від": ("gent",), "віком до": ("gent",), "у віці": ("gent",),
    "не більше": ("gent",), "не менше": ("gent",), "ніж": ("nomn",), "між": ("ablt",),
    "перед": ("ablt",), "над": ("ablt",), "під": ("ablt",), "разом з": ("ablt",),
}

# Cardinal forms: nominative, genitive, dative, accusative (inanimate), instrumental, locative.
_UNITS: dict[int, tuple[str, ...]] = {
    1: ("один", "одного", "одному", "один", "одним", "одному"),
    2: ("два", "двох", "двом", "два", "двома", "двох"),
    3: ("три", "трьох", "трьом", "три", "трьома", "трьох"),
    4: ("чотири", "чотирьох", "чотирьом", "чотири", "чотирма", "чотирьох"),
    5: ("п'ять", "п'яти", "п'яти", "п'ять", "п'ятьма", "п'яти"),
    6: ("шість", "шести", "шести", "шість", "шістьма", "шести"),
    7: ("сім", "семи", "семи", "сім", "сьома", "семи"),
    8: ("вісім", "восьми", "восьми", "вісім", "вісьма", "восьми"),
    9: ("дев'ять", "дев'яти", "дев'яти", "дев'ять", "дев'ятьма", "дев'яти"),
    10: ("десять", "десяти", "десяти", "десять", "десятьма", "десяти"),
    40: ("сорок", "сорока", "сорока", "сорок", "сорока", "сорока"),
    90: ("дев'яносто", "дев'яноста", "дев'яноста", "дев'яносто", "дев'яноста", "дев'яноста"),
    100: ("сто", "ста", "ста", "сто", "ста", "ста"),
}
_FEMININE = {1: ("одна", "однієї", "одній", "одну", "однією", "одній"),
             2: ("дві", "двох", "двом", "дві", "двома", "двох")}
_TEEN = {11: "одинадцять", 12: "дванадцять", 13: "тринадцять", 14: "чотирнадцять",
         15: "п'ятнадцять", 16: "шістнадцять", 17: "сімнадцять", 18: "вісімнадцять",
         19: "дев'ятнадцять", 20: "двадцять", 30: "тридцять", 50: "п'ятдесят",
         60: "шістдесят", 70: "сімдесят", 80: "вісімдесят"}
_HUNDREDS = {200: ("двісті", "двохсот", "двомстам", "двісті", "двомастами", "двохстах"),
             300: ("триста", "трьохсот", "трьомстам", "триста", "трьомастами", "трьохстах"),
             400: ("чотириста", "чотирьохсот", "чотирьомстам", "чотириста", "чотирмастами",
                   "чотирьохстах")}
_THOUSAND = {("sing", "nomn"): "тисяча", ("sing", "gent"): "тисячі", ("sing", "datv"): "тисячі",
             ("sing", "accs"): "тисячу", ("sing", "ablt"): "тисячею", ("sing", "loct"): "тисячі",
             ("plur", "nomn"): "тисячі", ("plur", "gent"): "тисяч", ("plur", "datv"): "тисячам",
             ("plur", "accs"): "тисячі", ("plur", "ablt"): "тисячами", ("plur", "loct"): "тисячах"}
MONTHS_GEN = ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
              "вересня", "жовтня", "листопада", "грудня")


def _word(n: int, case: str, feminine: bool) -> str:
    i = CASES.index(case)
    if feminine and n in _FEMININE:
        return _FEMININE[n][i]
    if n in _UNITS:
        return _UNITS[n][i]
    if n in _TEEN:
        base = _TEEN[n]
        stem = base[:-1]  # "чотирнадцять" -> "чотирнадцят"
        return (base, stem + "и", stem + "и", base, stem + "ьма", stem + "и")[i]
    if n in _HUNDREDS:
        return _HUNDREDS[n][i]
    if n % 100 == 0 and 500 <= n <= 900:  # п'ятсот: п'ятисот, п'ятистам, п'ятьмастами ...
        unit = _UNITS[n // 100]
        nom = num2words(n, lang="uk")
        return (nom, unit[1] + "сот", unit[1] + "стам", nom, unit[4] + "стами",
                unit[1] + "стах")[i]
    return num2words(n, lang="uk")


@lru_cache(maxsize=4096)
def cardinal(n: int, case: str = "nomn", feminine: bool = False) -> str:
    if n >= 1_000_000 or n == 0:
        return num2words(n, lang="uk")
    thousands, rest = divmod(n, 1000)
    out = []
    if thousands:
        if thousands > 1 or case != "nomn":
            out.append(cardinal(thousands, case, True))
        number, ncase = counted(thousands, case)
        out.append(_THOUSAND[(number, ncase)])
        if thousands == 1 and case == "nomn":
            out = ["тисяча"]
    hundreds, tens = divmod(rest, 100)
    if hundreds:
        out.append(_word(hundreds * 100, case, False))
    if tens:
        if tens < 20 or tens % 10 == 0:
            out.append(_word(tens, case, feminine))
        else:
            out.append(_word(tens - tens % 10, case, False))
            out.append(_word(tens % 10, case, feminine))
    return " ".join(out)


def counted(n: int, case: str) -> tuple[str, str]:
    """The number and case of the noun counted by `n` ("21 день", "2 дні", "5 днів")."""
    if n % 10 == 1 and n % 100 != 11:
        return "sing", case
    if case in ("nomn", "accs"):
        if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
            return "plur", "nomn"
        return "plur", "gent"
    return "plur", case


@lru_cache(maxsize=8192)
def _readings(word: str) -> tuple[tuple[str, str, str], ...]:
    """(number, case, gender) of each noun reading of a word."""
    m = morphology.ukrainian()
    if m is None:
        return ()
    out = []
    for p in m.parse(word):
        if p.tag.POS != "NOUN" or p.score < 0.05:
            continue
        gender = p.tag.gender or m.parse(p.normal_form)[0].tag.gender or ""
        out.append((p.tag.number or "sing", p.tag.case or "nomn", gender))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=2048)
def noun(lemma: str, number: str, case: str) -> str:
    m = morphology.ukrainian()
    if m is None:
        return lemma
    for p in m.parse(lemma):
        if p.tag.POS == "NOUN":
            form = p.inflect({number, case})
            if form is not None:
                return form.word
    return lemma


def _prep(s: str, start: int) -> tuple[str, ...] | None:
    before = s[max(0, start - 30):start]
    if not before.endswith(" "):
        return None
    words = re.findall(r"[\w'’]+|[,.;:()!?–-]", before.lower())
    if len(words) >= 2 and f"{words[-2]} {words[-1]}" in PREPOSITION_CASES:
        return PREPOSITION_CASES[f"{words[-2]} {words[-1]}"]
    return PREPOSITION_CASES.get(words[-1]) if words else None


def _agree(n: int, s: str, start: int, end: int) -> tuple[str, bool]:
    """The case of `n` and whether it counts a feminine noun."""
    cases = _prep(s, start)
    m = re.match(r"\s+([\w'’]+)", s[end:end + 40])
    readings = _readings(m.group(1).lower()) if m else ()
    options = []
    for case in cases or CASES:
        number, ncase = counted(n, case)
        for rn, rc, rg in readings:
            if rn == number and rc == ncase or (number == "plur" and rn == "plur" and rc == ncase):
                options.append((case, rg == "femn"))
            elif rn == "plur" and number == "sing" and rc == ncase:
                continue
    if not readings:
        return (cases[0] if cases else "nomn"), False
    if not options:
        return (cases[0] if cases else "nomn"), False
    if not cases:
        nominative = [o for o in options if o[0] == "nomn"]
        return (nominative or options)[0]
    return options[0]


def _number(m: re.Match) -> str:
    n = int(m.group(1))
    case, feminine = _agree(n, m.string, m.start(), m.end())
    return cardinal(n, case, feminine)


def ordinal_gen(n: int) -> str:
    """"двадцять шостого": only the last word of an ordinal inflects."""
    words = num2words(n, lang="uk", to="ordinal").split()
    last = words[-1]
    for end, gen in (("ий", "ого"), ("ій", "ього"), ("є", "ього")):
        if last.endswith(end):
            words[-1] = last[: -len(end)] + gen
            break
    return " ".join(words)


def _date(day: int, month: int, year: int | None) -> str:
    said = f"{ordinal_gen(day)} {MONTHS_GEN[month - 1]}"
    return f"{said} {ordinal_gen(year)} року" if year else said


UNITS = {"м²": "квадратний метр", "м2": "квадратний метр", "m²": "квадратний метр",
         "m2": "квадратний метр", "мм": "міліметр", "mm": "міліметр", "см": "сантиметр",
         "cm": "сантиметр", "км": "кілометр", "кг": "кілограм", "га": "гектар",
         "ha": "гектар", "хв": "хвилина", "с": "секунда", "мс": "мілісекунда"}

_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_NUM = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*р\.)?")
_DATE_TEXT = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS_GEN) + r")(?:\s+(\d{4}))?"
                        r"(?:\s*р\.)?")
_TIME_RANGE = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\s*[–—-]\s*([01]?\d|2[0-3])[:.]"
                         r"([0-5]\d)\b")
_RANGE = re.compile(r"(?<![\w,.])(\d+)\s*[–—-]\s*(\d+)(?![\w,])")
_UNIT = re.compile(r"(?<![\w,])(\d+)\s*(" + "|".join(
    re.escape(k) for k in sorted(UNITS, key=len, reverse=True)) + r")(?![\w²])")
_NUMBER = re.compile(r"(?<![\w,.:])(\d+)(?![\w:]|[,.]\d)")


def _hm(h: int, m: int) -> str:
    """An hour after "з"/"до": "з восьмої до п'ятнадцятої тридцяти"."""
    words = num2words(h, lang="uk", to="ordinal").split() if h else ["нуль"]
    for nom, gen in (("ий", "ої"), ("ій", "ьої")):
        if words[-1].endswith(nom):
            words[-1] = words[-1][:-2] + gen
            break
    hour = " ".join(words)
    return hour if m == 0 else f"{hour} {cardinal(m, 'gent')}"


def _unit(m: re.Match) -> str:
    n = int(m.group(1))
    case = (_prep(m.string, m.start()) or ("nomn",))[0]
    number, ncase = counted(n, case)
    adj, _, lemma = UNITS[m.group(2)].rpartition(" ")
    said = noun(lemma, number, ncase)
    if adj:
        said = f"{noun_adj(adj, number, ncase)} {said}"
    return f"{cardinal(n, case, lemma in ('хвилина', 'секунда', 'мілісекунда'))} {said}"


@lru_cache(maxsize=256)
def noun_adj(adj: str, number: str, case: str) -> str:
    m = morphology.ukrainian()
    if m is None:
        return adj
    form = m.parse(adj)[0].inflect({number, case} | ({"masc"} if number == "sing" else set()))
    return form.word if form is not None else adj


_MONEY = re.compile(r"(?<![\w,])(\d+)(?:[,.](\d{1,2}))?\s*(?:zł|zl|PLN)(?!\w)", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\s*(р\.|рік|року|році)(?!\w)")
_YEAR_CASE = {"у": "loct", "в": "loct", "на": "accs", "за": "accs"}


def _money(m: re.Match) -> str:
    case = (_prep(m.string, m.start()) or ("nomn",))[0]
    zl, gr = int(m.group(1)), int((m.group(2) or "0").ljust(2, "0"))
    out = []
    if zl or not gr:
        out.append(f"{cardinal(zl, case)} {noun('злотий', *counted(zl, case))}")
    if gr:
        out.append(f"{cardinal(gr, case)} {noun('гріш', *counted(gr, case))}")
    return " ".join(out)


def _year(m: re.Match) -> str:
    before = m.string[max(0, m.start() - 4):m.start()].split()
    case = _YEAR_CASE.get(before[-1].lower(), "gent") if before else "gent"
    words = num2words(int(m.group(1)), lang="uk", to="ordinal").split()
    for nom, endings in (("ий", {"gent": "ого", "loct": "ому", "accs": "ий"}),
                         ("ій", {"gent": "ього", "loct": "ьому", "accs": "ій"})):
        if words[-1].endswith(nom):
            words[-1] = words[-1][:-2] + endings[case]
            break
    rok = {"gent": "року", "loct": "році", "accs": "рік"}[case]
    return f"{' '.join(words)} {rok if m.group(2) == 'р.' else m.group(2)}"


def normalise(text: str) -> str:
    t = text.replace("\u00a0", " ")
    t = common.shared(t, "uk", cardinal)
    t = re.sub(r"\b([A-Z])[ -]?(\d{3})\b", lambda m: f"{m.group(1)} {cardinal(int(m.group(2)))}",
               t)
    t = common.codes(t, cardinal)
    t = _DATE_ISO.sub(lambda m: _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                      if 1 <= int(m.group(2)) <= 12 else m.group(0), t)
    t = _DATE_NUM.sub(lambda m: _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                      if 1 <= int(m.group(2)) <= 12 else m.group(0), t)
    t = _DATE_TEXT.sub(lambda m: _date(int(m.group(1)), MONTHS_GEN.index(m.group(2)) + 1,
                                       int(m.group(3)) if m.group(3) else None), t)
    t = _TIME_RANGE.sub(lambda m: f"з {_hm(int(m.group(1)), int(m.group(2)))} до "
                        f"{_hm(int(m.group(3)), int(m.group(4)))}", t)
    t = _YEAR.sub(_year, t)
    t = _MONEY.sub(_money, t)
    t = common.TIMES.sub(" на ", t)
    t = _RANGE.sub(lambda m: f"від {cardinal(int(m.group(1)), 'gent')} до "
                   f"{cardinal(int(m.group(2)), 'gent')}", t)
    t = _UNIT.sub(_unit, t)
    t = common.long_digits(t, cardinal)
    t = re.sub(r"(?<![\w.])(?:Dz\.\s*U\.)", "Дзєннік Устав", t)
    t = re.sub(r"(?<![\w.])M\.P\.", "Монітор Польскі", t)
    t = _NUMBER.sub(_number, t)
    t = normalise_basic(t, "uk")
    t = common.symbols(t, "uk")
    return re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\s+", " ", t)).strip()
