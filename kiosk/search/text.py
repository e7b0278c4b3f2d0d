"""How search reads words: folding, tokens, a light Polish stemmer, procedure symbols.

Pure functions, no database. The same functions prepare the index and the query, so whatever
they do to a word they do on both sides.

Why a home-made stemmer: residents type on a touch screen and often leave out the Polish
letters ("zaswiadczenie"). Every word is therefore folded first (ą→a, ł→l, ó→o...) and then
stemmed, so "dowód", "dowodu", "dowodem" and "dowody" all become "dowod" whether typed with
diacritics or not. The maintained Polish stemmers that install here were measured and rejected
for this (2026-11): pystempel 2.0 (Stempel, PoliMorf table) needs 5 s to load, prints progress
bars, gives inconsistent stems ("psa"→"ps", "pies"→"pies", "psem"→"pes") and garbles words
without diacritics ("zaswiadczenia"→"zaswiadczć"); simplemma 2.0 lemmatises well ("psa"→"pies")
but keeps 408 MiB resident for its Polish dictionary, loads in 3 s, and does not know words
without diacritics either. So: strip one inflectional ending from the folded word (longest
first, keeping a stem of at least 3 letters), and let the index match stems as prefixes of the
words it holds. A small table covers irregular words ("psa" → "pies"); everyday words and
synonyms are content (synonyms.yaml), not code. tests/test_search.py checks real word forms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kiosk.morphology import POLISH_LOCK, polish, ukrainian

_TOKEN = re.compile(r"[^\W_]+")
# Letters with no Unicode decomposition that residents type without their stroke.
_NO_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "ø": "o", "ß": "ss"})

# Endings of Polish nouns, adjectives and verb nouns, folded; longest first. The "k" endings
# also cover the -ek/-k- alternation (meldunek, meldunku; podatek, podatku).
_SUFFIXES = sorted(["owaniami", "owaniach", "owaniem", "owania", "owaniu", "owanie", "owac", "eniami", "eniach", "eniem", "enia", "eniu", "enie", "owego", "owemu", "owymi", "owych", "owej", "owym", "owa", "owe", "owy", "kami", "kach", "kiem", "kow", "ku", "ka", "ki", "ko", "ke", "ek", "iami", "iach", "ami", "ach", "ego", "emu", "ymi", "imi", "ich", "ych", "owi", "iem", "iom", "ow", "om", "em", "ej", "ie", "ia", "iu", "ii", "io", "ja", "ji", "je", "ju", "ym", "im", "a", "e", "i", "o", "u", "y"], key=len, reverse=True)
_K_SUFFIXES = frozenset(["kami", "kach", "kiem", "kow", "ku", "ka", "ki", "ko", "ke", "ek"])
MIN_STEM = 3

# Irregular forms (folded) and the word they belong to: vowel dropping and suppletion that
# no ending rule can undo. Both the index and the query add the lemma beside the word.
IRREGULAR: dict[str, str] = {}
for _lemma, _forms in {
    "pies": "psa psu psem psie psy psow psom psami psach",
    "dzien": "dnia dniu dniem dni dniach",
    "tydzien": "tygodnia tygodniu tygodniem tygodnie tygodni",
    "ojciec": "ojca ojcu ojcem ojcowie ojcow",
    "maz": "meza mezowi mezem mezu mezowie",
    "czlowiek": "ludzie ludzi ludzmi",
    "kosciol": "kosciola kosciele kosciolem",
    "rok": "lata lat latach",
}.items():
    for _form in _forms.split():
        IRREGULAR[_form] = _lemma

# Words that carry no matter of their own in a resident's question, in the three languages:
# function words, question words, pronouns, "I want / I need / how do I" and the office verbs
# every matter shares ("złożyć", "załatwić", "get"). Folded like every word (мій → мии).
_STOP = {
    "pl": """a i o u w we z ze na do od po za dla sie się jak co czy to jest są sa mam ma mamy
        chce chcę chcemy chciałbym chciałabym chcialbym chcialabym gdzie ile kiedy kto czego
        komu dlaczego czemu który która które którego jaki jaka jakie jakiego jakim moj mój
        moja moje mojego mojej moim mojemu moich mi mnie mną ja ty on ona my wy oni nasz nasza
        nasze twój twoja twoje swój swoja swoje swojego swojej sobie proszę prosze potrzebuję
        potrzebuje trzeba musze muszę moge mogę można mozna oraz lub albo przez przy pod nad bez
        też tez jeszcze już juz tylko bardzo ten ta tego tej tym te tu tam nie by być byc był
        była było zrobić zrobic złożyć zlozyc załatwić zalatwic dostać dostac otrzymać otrzymac
        uzyskać uzyskac wyrobić wyrobic odebrać odebrac wziąć wziac sprawa sprawę sprawe sprawy sprawie
        będzie bedzie będą beda zrobię zrobie wyrobię wyrobie załatwię zalatwie złożę zloze
        dostanę dostane odbiorę odbiore mogę""",
    "en": """a an the of and or for to in on at by with from about into is are was were be been am
        i me my mine we our you your he she it its they their this that these those there here
        how what where when which who whom why can could do does did should must need needs want
        wants would like please have has had get got getting do done some any""",
    "uk": """а і й та але або в у з із зі до від по за на про для при без над під як де що коли
        куди скільки чому хто який яка яке які якого якій чи це цей ця ці той та там тут я ти
        він вона ми ви вони мій моя моє мої мого моєї моєму моїй мені мене мною свій своя своє
        свої свого своєї наш наша наше ваш ваша треба потрібно потрібен потрібна потрібні хочу
        хочемо можна можу будь ласка мати маю є був була було отримати зробити""",
}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ROMAN_RE = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")  # 1..39 is plenty for office symbols


def fold(text: str) -> str:
    """Lower case without diacritics: "Zaświadczenie Łódź" → "zaswiadczenie lodz"."""
    text = text.translate(_NO_DECOMPOSITION).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


STOPWORDS = frozenset(fold(w) for words_ in _STOP.values() for w in words_.split())


def tokens(text: str) -> list[str]:
    """Folded words and numbers of a text, in order."""
    return _TOKEN.findall(fold(text))


def raw_tokens(text: str) -> list[str]:
    """The words of a text in lower case with their letters as written (morphology needs
    "dowodu" and "sąd" as they are, not folded)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


_POLISH_LETTERS = frozenset("ąćęłńóśźż")
# morfeusz2 segments that are not a word's own lemma: "zgubiłem" = "zgubił" + "em" (być).
_SKIP_TAGS = ("aglt", "ign", "interp", "brev")


@lru_cache(maxsize=100_000)
def polish_lemmas(word: str) -> tuple[str, ...]:
    """Folded lemmas of a Polish word as written ("psa" → pies, "sprzedałem" → sprzedac),
    from morfeusz2 (SGJP), without the folded word itself; () where morfeusz2 does not know
    the word (most words typed without Polish letters) or is not installed."""
    if not word.isalpha() or _is_cyrillic(word) or len(word) < 3:
        return ()
    morf = polish()
    if morf is None:
        return ()
    with POLISH_LOCK:
        analysis = morf.analyse(word)
    own = fold(word)
    out: list[str] = []
    for _start, _end, (_form, lemma, tag, *_rest) in analysis:
        if tag.startswith(_SKIP_TAGS):
            continue
        lemma = fold(lemma.split(":", 1)[0])
        if lemma and lemma != own and lemma not in out and lemma.isalpha():
            out.append(lemma)
    return tuple(out)


@lru_cache(maxsize=100_000)
def ukrainian_lemmas(word: str) -> tuple[str, ...]:
    """Folded lemmas of a Ukrainian word ("втратив" → втратити, "паспорта" → паспорт), from
    pymorphy3 with its Ukrainian dictionary: its most likely reading and any as likely."""
    if not _is_cyrillic(word):
        return ()
    morph = ukrainian()
    if morph is None:
        return ()
    parses = morph.parse(word)
    if not parses:
        return ()
    best = parses[0].score
    own = fold(word)
    out: list[str] = []
    for p in parses:
        if p.score < best * 0.5:
            break
        lemma = fold(p.normal_form)
        if lemma != own and lemma not in out:
            out.append(lemma)
    return tuple(out[:3])


try:
    import snowballstemmer as _snowball

    _ENGLISH = _snowball.stemmer("english")
except ImportError:  # the English stems are an improvement, not a requirement
    _ENGLISH = None


@lru_cache(maxsize=50_000)
def english_stem(word: str) -> str | None:
    """The Snowball (Porter 2) stem of an English word ("registering" → regist), or None
    when it is the word itself, not Latin letters, or the stemmer is not installed."""
    if _ENGLISH is None or not word.isascii() or not word.isalpha() or len(word) < 4:
        return None
    stemmed = _ENGLISH.stemWord(word)
    return "e:" + stemmed if stemmed != word else None


def lemmas(word: str, lang: str) -> tuple[str, ...]:
    """What else the index and the query know a word (as written, lower case) by, in the
    language of the text it is in: Polish lemmas (every language: Polish is searched
    everywhere), Ukrainian lemmas, English stems (marked "e:" so they never meet a Polish
    word)."""
    if _is_cyrillic(word):
        return ukrainian_lemmas(word)
    out = polish_lemmas(word)
    if lang == "en":
        en = english_stem(word)
        if en is not None:
            out = (*out, en)
    return out


def has_polish_letters(word: str) -> bool:
    return not _POLISH_LETTERS.isdisjoint(word)


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


_UK_SUFFIXES = sorted(["ами", "ями", "ові", "еві", "ого", "ому", "ими", "іми", "ах", "ях", "ів", "їв", "ою", "ею", "ом", "ем", "ий", "ій", "ої", "ої", "ії", "ну", "на", "не", "ні", "а", "я", "у", "ю", "і", "и", "е", "о", "ь", "й"], key=len, reverse=True)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The folded word without one inflectional ending; digits and short words unchanged."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if not word.isalpha() or len(word) <= MIN_STEM:
        return word
    suffixes = _UK_SUFFIXES if _is_cyrillic(word) else _SUFFIXES
    for suffix in suffixes:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            # A "k" ending must leave a real stem ("wieku" is "wiek", not "wie"; "prawko" is
            # not "prawo").
            if len(base) >= (MIN_STEM + 2 if suffix in _K_SUFFIXES else MIN_STEM):
                return _alternation(base)
    return word


def _alternation(base: str) -> str:
    # Locative consonant changes, shortened so the stem stays a prefix of every form:
    # samochodzie → samochod (samochód), dworze → dwor (dwór).
    if base.endswith(("dz", "rz")) and len(base) > MIN_STEM + 1:
        return base[:-1]
    return base


def roman_to_int(text: str) -> int | None:
    text = text.lower()
    if not text or not _ROMAN_RE.match(text):
        return None
    total, prev = 0, 0
    for ch in reversed(text):
        value = _ROMAN[ch]
        total += -value if value < prev else value
        prev = max(prev, value)
    return total or None


def symbol_keys(symbol: str) -> list[str]:
    """Index keys of a procedure symbol: "USC IV/V" → ["usc4", "usc5"], "DRK XV" → ["drk15"].

    Residents write the number in Arabic or Roman figures, with or without the space."""
    words = tokens(symbol)
    if not words:
        return []
    prefix, keys = words[0], []
    for part in words[1:]:
        number = int(part) if part.isdigit() else roman_to_int(part)
        if number is not None:
            keys.append(f"{prefix}{number}")
    return keys or ["".join(words)]


def symbol_prefix(symbol: str) -> str:
    words = tokens(symbol)
    return words[0] if words else ""


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 3 else roman_to_int(text)


def query_symbol_key(word: str, following: str | None, prefixes: frozenset[str]
                     ) -> tuple[str, bool] | None:
    """A symbol key for a query word ("usc1", "usci") or the pair ("usc", "1" / "i").

    Returns (key, consumed_following) or None. Only known symbol prefixes count, so "akt i"
    ("and") is not read as a symbol."""
    if word in prefixes and following is not None:
        number = _number(following)
        if number is not None:
            return f"{word}{number}", True
    for cut in range(2, min(len(word), 7)):
        if word[:cut] in prefixes:
            number = _number(word[cut:])
            if number is not None:
                return f"{word[:cut]}{number}", False
    return None


def index_words(text: str, lang: str = "pl") -> list[str]:
    """Words as the index stores them: folded, plus the lemma of an irregular form and the
    lemmas (or English stems) of the word in its text's language."""
    out: list[str] = []
    for raw in raw_tokens(text):
        out.extend(_token_index_words(raw, lang))
    return out


@lru_cache(maxsize=200_000)
def _token_index_words(raw: str, lang: str) -> tuple[str, ...]:
    # Cached: a revision repeats its words many times over, and indexes its Polish text in
    # each of the three languages.
    word = fold(raw)
    irregular = (IRREGULAR[word],) if word in IRREGULAR else ()
    return (word, *irregular, *lemmas(raw, lang))
