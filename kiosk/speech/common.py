"""What the Polish, English and Ukrainian normalisers share: e-mail and web addresses, phone
numbers, codes, digit strings and symbols, each said with the language's own words."""

from __future__ import annotations

import re
from collections.abc import Callable

# The words for the characters of an address or a formula, per language.
WORDS: dict[str, dict[str, str]] = {
    "pl": {"@": "małpa", ".": "kropka", "/": "ukośnik", "-": "myślnik", "_": "podkreślnik",
           "www": "wu wu wu", "plus": "plus", "=": "równa się", "times": "razy", "by": "na",
           "§": "paragraf", "&": "i", "over": "łamane przez", "to": "do"},
    "en": {"@": "at", ".": "dot", "/": "slash", "-": "dash", "_": "underscore",
           "www": "w w w", "plus": "plus", "=": "equals", "times": "times", "by": "by",
           "§": "section", "&": "and", "over": "slash", "to": "to"},
    "uk": {"@": "равлик", ".": "крапка", "/": "скісна риска", "-": "дефіс",
           "_": "підкреслення", "www": "ве ве ве", "plus": "плюс", "=": "дорівнює",
           "times": "помножити на", "by": "на", "§": "параграф", "&": "і", "over": "дріб",
           "to": "до"},
}

EMAIL = re.compile(r"(?<![\w.@])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?<![\w@.])(?:https?://)?(?:[\w-]+\.)+(?:pl|com|eu|org|net|gov|info|ua|de)"
                 r"\b(?:/[\w./?=&%-]*)?")
PHONE = re.compile(r"(?<![\w,.])\+?(?:48[ -]?)?\d{2,3}(?:[ -]\d{2,3}){2,4}(?![\w,])")
POSTCODE = re.compile(r"(?<![\w-])(\d{2})-(\d{3})(?![\w-])")
LONG_DIGITS = re.compile(r"(?<![\w,.:])(?<!\d )(0\d+|\d{6,})(?![\w,:]|\.\d| \d)")
CODE = re.compile(r"(?<![\w-])([A-ZĄĆĘŁŃÓŚŹŻ]{1,6})-?(\d+)(?![\w-])")
PKD = re.compile(r"(?<![\w.])(\d{2})\.(\d{2})\.([A-Z])(?![\w])")
SLASHED = re.compile(r"(?<![\w/])([0-9IVXLCDM]+)((?:/[0-9IVXLCDM]+)+)(?![\w/])")
TIMES = re.compile(r"(?<=\d)\s*[x×]\s*(?=\d)")


def digits(s: str, cardinal: Callable[[int], str]) -> str:
    return " ".join(cardinal(int(d)) for d in s if d.isdigit())


def group(s: str, cardinal: Callable[[int], str]) -> str:
    """A group of digits as people say it: "732" as a number, "07" digit by digit."""
    return digits(s, cardinal) if s.startswith("0") and len(s) > 1 else cardinal(int(s))


def phone(m: re.Match, lang: str, cardinal: Callable[[int], str]) -> str:
    groups = re.findall(r"\d+", m.group(0))
    prefix = (WORDS[lang]["plus"] + " ") if m.group(0).startswith("+") else ""
    return prefix + ", ".join(group(g, cardinal) for g in groups)


def address(text: str, lang: str, cardinal: Callable[[int], str]) -> str:
    """An e-mail or web address, character by character where it is not a word:
    "bom@piotrkow.pl" -> "bom małpa piotrkow kropka pl"."""
    w = WORDS[lang]
    t = re.sub(r"^https?://", "", text).rstrip("/")
    out = []
    if t.lower().startswith("www."):
        out += [w["www"], w["."]]
        t = t[4:]
    for part in re.split(r"([@./_-])", t):
        if not part:
            continue
        if part in w:
            out.append(w[part])
        elif part.isdigit():
            out.append(group(part, cardinal))
        else:
            out.append(part)
    return " ".join(out)


def roman(s: str) -> int | None:
    """The value of a roman numeral ("XLVII" -> 47), None if it is not one."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    if not s or any(c not in values for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = values[c]
        total += -v if i + 1 < len(s) and values[s[i + 1]] > v else v
    return total if 0 < total < 4000 and to_roman(total) == s else None


def to_roman(n: int) -> str:
    out = ""
    for v, r in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += r
            n -= v
    return out


def shared(t: str, lang: str, cardinal: Callable[[int], str]) -> str:
    """Addresses, phone numbers, postcodes, codes and long digit strings: the same in every
    language but for the words."""
    w = WORDS[lang]
    t = EMAIL.sub(lambda m: address(m.group(0), lang, cardinal), t)
    t = URL.sub(lambda m: address(m.group(0), lang, cardinal), t)
    t = PHONE.sub(lambda m: phone(m, lang, cardinal), t)
    t = PKD.sub(lambda m: f"{digits(m.group(1), cardinal)}, {digits(m.group(2), cardinal)}, "
                f"{m.group(3)}", t)
    t = SLASHED.sub(lambda m: f" {w['over']} ".join(
        group(p, cardinal) if p.isdigit() else cardinal(roman(p) or 0) if roman(p) else p
        for p in (m.group(1) + m.group(2)).split("/")), t)
    t = POSTCODE.sub(lambda m: f"{group(m.group(1), cardinal)} {group(m.group(2), cardinal)}",
                     t)
    return t


def long_digits(t: str, cardinal: Callable[[int], str]) -> str:
    """Identity numbers and other long digit strings, digit by digit ("PESEL 0 0 0 ...")."""
    return LONG_DIGITS.sub(lambda m: digits(m.group(1), cardinal), t)


def codes(t: str, cardinal: Callable[[int], str]) -> str:
    """Form and document codes: "CEIDG-1" -> "CEIDG jeden", "A4" -> "A cztery"."""
    return CODE.sub(lambda m: f"{m.group(1)} {group(m.group(2), cardinal)}", t)


def symbols(t: str, lang: str) -> str:
    """The symbols left once numbers are words."""
    w = WORDS[lang]
    t = t.replace("§§", f" {w['§']} ").replace("§", f" {w['§']} ")
    t = re.sub(r"\s&\s", f" {w['&']} ", t)
    t = re.sub(r"\s=\s", f" {w['=']} ", t)
    t = re.sub(r"\s\+\s", f" {w['plus']} ", t)
    t = re.sub(r"(?<=\w)/(?=\w)", " ", t)  # "i/lub" -> "i lub"
    return t.replace("*", " ")


# What a scan counts as unsaid: a digit, a symbol, or a dot inside a word (an address or an
# abbreviation left as it is written).
UNSAID = re.compile(r"\S*(?:\d|[§%@/&#*+=<>€$^_~|\\²³°×]|\w\.\w)\S*")
