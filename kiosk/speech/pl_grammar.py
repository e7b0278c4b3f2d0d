"""Polish numbers in the case and gender a sentence demands, from morfeusz2 (SGJP).

`decide` works out a number's case from the preposition before it (kiosk.speech.pl_cases) and
the noun after it: the noun's form must be the one that number demands in that case ("2 osoby":
nominative plural after two, so the number is nominative and feminine: "dwie"). `cardinal`
and `ordinal` then write the number out in that case and gender. Every morfeusz2 call is made
under kiosk.morphology.POLISH_LOCK and cached, so a sentence costs a few dictionary look-ups
the first time and none after.

Where morfeusz2 is missing, `available()` is False and the normaliser keeps its plain forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from num2words import num2words

from kiosk import morphology

CASES = ("nom", "gen", "dat", "acc", "inst", "loc")
GENDERS = ("m1", "m2", "m3", "f", "n")
# Correct forms SGJP also lists that a reader would not choose: the everyday one is kept.
_AVOID = frozenset({"dwu", "dwuset", "dwóchset", "dwomaset", "dwom", "półtory", "trzech set"})


# SGJP qualifiers of homonyms a kiosk text never means: archaic, obsolete, rare, regional,
# beekeepers' words.
_RARE = ("daw.", "przest.", "rzad.", "reg.", "pszcz.", "arch.", "gwar.")


def available() -> bool:
    return morphology.polish() is not None


@lru_cache(maxsize=4096)
def _generate(lemma: str) -> tuple[tuple[str, str], ...]:
    m = morphology.polish()
    if m is None:
        return ()
    with morphology.POLISH_LOCK:
        return tuple((orth, tag) for orth, _lemma, tag, *_ in m.generate(lemma))


@dataclass(frozen=True)
class Reading:
    """One interpretation of a word: its lemma, part of speech, number, cases and genders."""

    lemma: str
    pos: str
    number: str
    cases: frozenset[str]
    genders: frozenset[str]


def _parse(lemma: str, tag: str) -> Reading | None:
    parts = tag.split(":")
    if parts[0] not in ("subst", "adj", "num", "depr") or len(parts) < 4:
        return None
    return Reading(lemma.split(":")[0], parts[0], parts[1], frozenset(parts[2].split(".")),
                   frozenset(parts[3].split(".")))


@lru_cache(maxsize=16384)
def analyse(word: str) -> tuple[Reading, ...]:
    """The noun, adjective and numeral readings of a word (none for other words)."""
    m = morphology.polish()
    if m is None:
        return ()
    with morphology.POLISH_LOCK:
        found = m.analyse(word)
    out = []
    for _start, _end, (_orth, lemma, tag, *rest) in found:
        labels = ",".join(rest[1]) if len(rest) > 1 else ""
        if any(q in labels for q in _RARE):
            continue  # an archaic or regional homonym ("dzień" as a feminine noun)
        r = _parse(lemma, tag.replace(".voc", "").replace("voc.", ""))
        if r is not None and r.cases != {"voc"} and r not in out:
            out.append(r)
    return tuple(out)


def _pick(forms: list[str], case: str) -> str | None:
    forms = [f for f in dict.fromkeys(forms) if f not in _AVOID] or forms
    if not forms:
        return None
    if case == "inst":  # "pięcioma", "dwoma" before "pięciu", "dwu"
        forms.sort(key=lambda f: not f.endswith("ma"))
    return forms[0]


@lru_cache(maxsize=4096)
def _num_word(word: str, case: str, gender: str, rec: bool) -> str:
    """One numeral word ("dwadzieścia", "dwa", "sto") in a case and gender."""
    congr: list[str] = []
    recs: list[str] = []
    for orth, tag in _generate(word):
        p = tag.split(":")
        if p[0] != "num" or len(p) < 5 or (len(p) > 5 and p[5] == "col"):
            continue
        if case not in p[2].split(".") or gender not in p[3].split("."):
            continue
        (recs if "rec" in p[4].split(".") else congr).append(orth)
        if "congr" in p[4].split(".") and "rec" in p[4].split("."):
            congr.append(orth)
    if gender == "m1" and case in ("nom", "acc"):
        first, second = (recs, congr) if rec else (congr, recs)
    else:
        first, second = congr + recs, []
    return _pick(first, case) or _pick(second, case) or word


@lru_cache(maxsize=4096)
def _adj_word(word: str, number: str, case: str, gender: str) -> str | None:
    """An adjective ("pierwszy", "jeden", "dwudziesty") agreeing in number, case and gender."""
    for orth, tag in _generate(word):
        p = tag.split(":")
        if (p[0] == "adj" and p[1] == number and case in p[2].split(".")
                and gender in p[3].split(".")):
            return orth
    return None


@lru_cache(maxsize=4096)
def noun(lemma: str, number: str, case: str, gender: str | None = None) -> str:
    """A noun ("złoty", "tysiąc", "rok") in a number and case; the lemma if unknown."""
    for wanted in ((gender, None) if gender else (None,)):
        for orth, tag in _generate(lemma):
            p = tag.split(":")
            if (p[0] == "subst" and p[1] == number and case in p[2].split(".")
                    and orth not in ("lata", "roki", "roków")
                    and (wanted is None or wanted in p[3].split("."))):
                return orth
    if lemma == "rok" and number == "pl":  # suppletive plural
        return {"gen": "lat", "nom": "lata", "acc": "lata", "dat": "latom", "inst": "latami",
                "loc": "latach"}[case]
    return lemma


def adjective(lemma: str, number: str, case: str, gender: str) -> str:
    return _adj_word(lemma, number, case, gender) or lemma


def few(n: int) -> bool:
    """2, 3, 4, 22, 103...: the numbers after which a noun is nominative plural."""
    return n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14)


def counted(n: int, case: str) -> tuple[str, str]:
    """The number and case of the noun counted by `n` in `case` ("5 dni": plural genitive)."""
    if n == 1:
        return "sg", case
    if case in ("nom", "acc") and not few(n):
        return "pl", "gen"
    return "pl", case


_BASIC: dict[int, str] = {}


def _basic(n: int) -> str:
    if n not in _BASIC:
        _BASIC[n] = num2words(n, lang="pl")
    return _BASIC[n]


@lru_cache(maxsize=8192)
def cardinal(n: int, case: str = "nom", gender: str = "m3", rec: bool = False) -> str:
    """`n` in words, in a case and gender ("trzydziestu", "dwie", "dwa tysiące dwudziestu")."""
    if n >= 1_000_000 or not available():
        return _basic(n)
    if n == 0:
        return "zero"
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        if thousands == 1:
            words.append(noun("tysiąc", "sg", case, "m3"))
        else:
            words.append(cardinal(thousands, case, "m3"))
            words.append(noun("tysiąc", *counted(thousands, case), "m3"))
    if rest:
        words.extend(_small(rest, case, gender, rec, compound=bool(thousands)))
    return " ".join(words)


def _small(n: int, case: str, gender: str, rec: bool, compound: bool) -> list[str]:
    hundreds, tens = divmod(n, 100)
    parts = [hundreds * 100] if hundreds else []
    if tens >= 20 or tens == 10:
        parts.append(tens - tens % 10)
        if tens % 10:
            parts.append(tens % 10)
    elif tens:
        parts.append(tens)
    out = []
    for i, p in enumerate(parts):
        if p == 1:
            if compound or i:  # "dwadzieścia jeden", "dwudziestu jeden": unchanged
                out.append("jeden")
            else:
                out.append(_adj_word("jeden", "sg", case, gender) or "jeden")
        else:
            out.append(_num_word(_basic(p), case, gender, rec))
    return out


@lru_cache(maxsize=4096)
def ordinal(n: int, case: str = "nom", gender: str = "m3", number: str = "sg") -> str:
    """`n` as an ordinal in a case, gender and number ("drugim", "dwa tysiące dwudziestym
    szóstym"): only the adjectival words inflect, thousands and hundreds stay cardinal."""
    words = num2words(n, lang="pl", to="ordinal").split()
    out = []
    for w in words:
        out.append(_adj_word(w, number, case, gender) or w if w.endswith(("y", "i")) else w)
    return " ".join(out)


@dataclass(frozen=True)
class Agreement:
    case: str
    gender: str
    rec: bool = False


def candidates(n: int, readings: tuple[Reading, ...]) -> list[Agreement]:
    """The cases (and genders) in which `n` could count a noun in this form."""
    out: list[Agreement] = []
    for r in readings:
        if r.pos not in ("subst", "depr"):
            continue
        for case in CASES:
            number, ncase = counted(n, case)
            for g in sorted(r.genders):
                if r.number == number and ncase in r.cases:
                    out.append(Agreement(case, g, rec=g == "m1" and n > 1 and ncase == "gen"))
                if (g == "m1" and case == "nom" and few(n) and r.number == "pl"
                        and "gen" in r.cases):
                    out.append(Agreement(case, g, rec=True))  # "dwóch świadków"
    return list(dict.fromkeys(out))


def ordinal_candidates(readings: tuple[Reading, ...]) -> list[tuple[str, str, str]]:
    """(case, gender, number) an ordinal before this noun agrees with ("drugim piętrze")."""
    out = []
    for r in readings:
        if r.pos != "subst":
            continue
        for case in CASES:
            if case in r.cases:
                for g in sorted(r.genders):
                    out.append((case, g, r.number))
    return list(dict.fromkeys(out))


def decide(n: int, prep_cases: tuple[str, ...] | None,
           readings: tuple[Reading, ...] | None) -> Agreement | None:
    """The case and gender of `n` from the preposition's cases and the noun's readings; None
    when they cannot be decided (the caller keeps the basic form and logs the sentence)."""
    if readings:
        cands = candidates(n, readings)
        if not cands and not prep_cases:
            return Agreement("nom", "m3")  # a name, not a count: "800 plus"
        if prep_cases:
            allowed = [c for c in cands if c.case in prep_cases]
        else:
            nominative = [c for c in cands if c.case == "nom"]
            allowed = nominative or cands
        return _one(n, allowed)
    if prep_cases and len(prep_cases) == 1:
        # No noun to agree with: fine when the gender does not change the word ("do stu").
        return _one(n, [Agreement(prep_cases[0], g) for g in GENDERS if g != "m1"])
    return None


def _one(n: int, options: list[Agreement]) -> Agreement | None:
    if not options:
        return None
    said = {cardinal(n, a.case, a.gender, a.rec) for a in options}
    return options[0] if len(said) == 1 else None
