"""Which grammatical case a Polish number takes, as data: the words before it (prepositions and
the phrases that act like one) and the abbreviated nouns (units) that may follow it.

The normaliser (kiosk.speech.normalise) reads a number's case from here and from the noun
that follows it (kiosk.speech.pl_grammar): a row lists the cases the word can demand, the
likelier first; the noun's own form picks one of them ("w 2 dni": accusative, "w 2 pokojach":
locative). To teach the normaliser a new preposition, add a row here and a test row in
tests/test_speech_grammar.py (PREPOSITION_ROWS); nothing else changes.

Cases: nom, gen, dat, acc, inst, loc (SGJP tags, as morfeusz2 writes them).
"""

from __future__ import annotations

# Written lower case; several words are one key ("w ciągu"). A number directly after the key
# takes one of these cases. Facts: ../shared/reference/polish-speech.md and the SGJP entries.
PREPOSITION_CASES: dict[str, tuple[str, ...]] = {
    # genitive
    "w ciągu": ("gen",),
    "w terminie": ("gen",),
    "w okresie": ("gen",),
    "w wieku": ("gen",),
    "w wysokości": ("gen",),
    "w kwocie": ("gen",),
    "na wysokości": ("gen",),
    "po upływie": ("gen",),
    "na podstawie": ("gen",),
    "przed upływem": ("gen",),
    "do": ("gen",),
    "od": ("gen",),
    "około": ("gen",),
    "ok.": ("gen",),
    "powyżej": ("gen",),
    "poniżej": ("gen",),
    "bez": ("gen",),
    "dla": ("gen",),
    "podczas": ("gen",),
    "wobec": ("gen",),
    "według": ("gen",),
    "wg": ("gen",),
    "u": ("gen",),
    "spośród": ("gen",),
    "zamiast": ("gen",),
    "sprzed": ("gen",),
    "z": ("gen", "inst"),   # from (z 2026 r.) / with (z dwoma świadkami): the noun decides
    "ze": ("gen", "inst"),
    # accusative
    "przez": ("acc",),
    "ponad": ("acc",),      # SGJP: ponad + accusative ("ponad trzy miesiące")
    "co": ("acc",),         # co dwa tygodnie
    "na": ("acc", "loc"),   # na dwa dni / na drugim piętrze
    "za": ("acc", "inst"),  # za pięć dni / za dwoma budynkami
    "w": ("loc", "acc"),    # w pokoju, w 2026 r. / w dwa dni
    "we": ("loc", "acc"),
    "o": ("loc", "acc"),    # o ósmej / o dwa dni dłużej
    "po": ("loc", "acc"),   # po sześciu miesiącach / po dwa złote
    # locative
    "przy": ("loc",),
    # instrumental
    "przed": ("inst",),
    "między": ("inst",),
    "nad": ("inst",),
    "pod": ("inst",),
    "wraz z": ("inst",),
    "razem z": ("inst",),
    "zgodnie z": ("inst",),
    # dative
    "dzięki": ("dat",),
    "wbrew": ("dat",),
    "przeciw": ("dat",),
    "ku": ("dat",),
    # nominative: a comparison ("nie starsze niż sześć miesięcy")
    "niż": ("nom",),
}

# A preposition with several cases and no noun after the number: the case it takes then
# ("krok 2 z 5": "z pięciu").
WITHOUT_NOUN: dict[str, str] = {"z": "gen", "ze": "gen"}

# Abbreviated nouns and units after a number: the lemma to inflect and, for a compound, the
# adjective that agrees with it ("metr kwadratowy").
UNITS: dict[str, tuple[str, str | None]] = {
    "zł": ("złoty", None), "zl": ("złoty", None), "pln": ("złoty", None),
    "gr": ("grosz", None),
    "min": ("minuta", None), "min.": ("minuta", None),
    "godz.": ("godzina", None), "godz": ("godzina", None),
    "mm": ("milimetr", None), "cm": ("centymetr", None), "m": ("metr", None),
    "km": ("kilometr", None), "kg": ("kilogram", None), "ha": ("hektar", None),
    "m2": ("metr", "kwadratowy"), "m²": ("metr", "kwadratowy"),
    "s": ("sekunda", None), "ms": ("milisekunda", None),
    "tys.": ("tysiąc", None), "mln": ("milion", None),
    "os.": ("osoba", None), "str.": ("strona", None),
    "%": ("procent", None), "proc.": ("procent", None),
}

# Nouns that make the number before them an ordinal ("2 piętro", "na 2 piętrze", "XX wiek").
ORDINAL_NOUNS = frozenset({"piętro", "kondygnacja", "wiek"})

# Weekday abbreviations: nominative and genitive ("od poniedziałku do piątku").
WEEKDAYS: dict[str, tuple[str, str]] = {
    "pon.": ("poniedziałek", "poniedziałku"), "wt.": ("wtorek", "wtorku"),
    "śr.": ("środa", "środy"), "czw.": ("czwartek", "czwartku"),
    "pt.": ("piątek", "piątku"), "sob.": ("sobota", "soboty"),
    "niedz.": ("niedziela", "niedzieli"), "nd.": ("niedziela", "niedzieli"),
}
