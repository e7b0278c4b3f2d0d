"""How search reads words: folding, tokens, a light Polish stemmer, lemmas, procedure symbols.

Pure functions, no database. The same functions prepare the index and the query, so whatever
they do to a word they do on both sides. Lemmas are the exception in where they come from:
the index asks the dictionaries (`lemmas`, where content is applied), a query asks the
revision's table of forms (`Lexicon`, written by `inflections` beside the index), so that the
kiosk never loads the dictionaries; for every form of the content's lemmas both give the same.

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
from array import array
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from kiosk.kept_results import KeptResults, kept_file
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
    own = fold(word)
    out: list[str] = []
    for lemma in _polish_readings(word):
        lemma = fold(lemma)
        if lemma and lemma != own and lemma not in out and lemma.isalpha():
            out.append(lemma)
    return tuple(out)


@lru_cache(maxsize=100_000)
def _polish_readings(word: str) -> tuple[str, ...]:
    """Every lemma morfeusz2 reads the word as (as written, homonym marks dropped), its own
    included: the index's lemmas, and the lemmas `inflections` generates forms of."""
    if not word.isalpha() or _is_cyrillic(word) or len(word) < 3:
        return ()
    morf = polish()
    if morf is None:
        return ()
    with POLISH_LOCK:
        analysis = morf.analyse(word)
    return tuple(dict.fromkeys(lemma.split(":", 1)[0]
                               for _start, _end, (_form, lemma, tag, *_rest) in analysis
                               if not tag.startswith(_SKIP_TAGS)))


@lru_cache(maxsize=100_000)
def ukrainian_lemmas(word: str) -> tuple[str, ...]:
    """Folded lemmas of a Ukrainian word ("втратив" → втратити, "паспорта" → паспорт), from
    pymorphy3 with its Ukrainian dictionary: its most likely reading and any as likely."""
    parses = _ukrainian_parses(word)
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


@lru_cache(maxsize=20_000)
def _ukrainian_parses(word: str) -> tuple[Any, ...]:
    if not _is_cyrillic(word):
        return ()
    morph = ukrainian()
    return tuple(morph.parse(word)) if morph is not None else ()


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
    """What else the index knows a word (as written, lower case) by, in the language of the
    text it is in: Polish lemmas (every language: Polish is searched everywhere), Ukrainian
    lemmas, English stems (marked "e:" so they never meet a Polish word). Index time only:
    it loads the dictionaries; a query asks a Lexicon."""
    if _is_cyrillic(word):
        return ukrainian_lemmas(word)
    return _with_english(polish_lemmas(word), word, lang)


def _with_english(out: tuple[str, ...], word: str, lang: str) -> tuple[str, ...]:
    if lang == "en":
        en = english_stem(word)
        if en is not None:
            out = (*out, en)
    return out


# --- the lemmas of a revision's words, for queries --------------------------------------
#
# The dictionaries cost the process that loads them ~65 MiB (morfeusz2's SGJP ~41, pymorphy3's
# Ukrainian ~24) that it never gives back, while a revision uses a few thousand lemmas. So the
# process that applies content (and has the dictionaries anyway, to index it) writes each
# lemma of the content's words with every inflected form of it (search_lemma), and the kiosk
# answers queries from those: a form typed that no lemma of the content has can only match
# through its stem, exactly as before, since its lemma would have been in no index word.

FAMILIES = ("pl", "uk")  # Polish (morfeusz2) and Ukrainian (pymorphy3) lemmas
MAX_LEMMA = 120
# morfeusz2 analyses a past form with a personal ending as two or three segments ("zgubiłem" =
# zgubił + em, "zgubiłbym" = zgubił + by + m) but generates the bare form only: the endings a
# past form (praet) takes, by the form's number and last letter.
_AGLT_SG_CONSONANT: tuple[str, ...] = ("em", "eś", "by", "bym", "byś")
_AGLT_SG_VOWEL: tuple[str, ...] = ("m", "ś", "by", "bym", "byś")
_AGLT_PL: tuple[str, ...] = ("śmy", "ście", "by", "byśmy", "byście")
_LEXICON_CACHE = 4096


class Lexicon:
    """The lemmas of one revision's words for queries, read from its search_lemma rows; no
    dictionary loaded.

    Some 50,000 forms as a dict of strings would hold ~6 MiB and peak at twice that while
    being built; so each form is kept as its str hash only (this process's, in a sorted
    numpy array, 12 bytes a form), beside the index of its lemma. Two forms sharing a
    64-bit hash would swap lemmas: a chance of about one in 10^10 per revision."""

    def __init__(self, rows: Iterable[tuple[str, str, str]] = ()):
        """rows: (family, lemma as written, its forms as generated, separated by spaces)."""
        import numpy as np  # only where a search runs, as kiosk.search.ranking

        self._lemmas: list[str] = []
        ids: dict[str, int] = {}
        # (family, proper name?) → hashes of forms and the index of their lemma.
        parts: dict[tuple[str, bool], tuple[array[int], array[int]]] = {
            (f, p): (array("q"), array("i")) for f in FAMILIES for p in (False, True)}
        for family, lemma, forms in rows:
            if family not in FAMILIES:
                continue
            folded = fold(lemma)
            lemma_id = ids.setdefault(folded, len(ids))
            if lemma_id == len(self._lemmas):
                self._lemmas.append(folded)
            for form in forms.split():
                lower = form.lower()
                # morfeusz2 reads a word typed in lower case as a proper name ("krakowa" →
                # Kraków) only where no common word has that form ("polskiej" is polski's,
                # not Polska's).
                hashes, lemma_ids = parts[(family, family == "pl" and lower != form)]
                hashes.append(hash(lower))
                lemma_ids.append(lemma_id)
        self._parts: dict[tuple[str, bool], tuple[Any, Any]] = {}
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}
        for key, (hashes, lemma_ids) in parts.items():
            h = np.frombuffer(hashes, dtype=np.int64)
            order = np.argsort(h, kind="stable")
            self._parts[key] = (h[order], np.frombuffer(lemma_ids, dtype=np.int32)[order])

    def _find(self, family: str, word: str) -> tuple[str, ...]:
        h = hash(word)
        for proper in (False, True):
            hashes, lemma_ids = self._parts[(family, proper)]
            lo = int(hashes.searchsorted(h, "left"))
            hi = int(hashes.searchsorted(h, "right"))
            if hi > lo:
                return tuple(dict.fromkeys(self._lemmas[i] for i in lemma_ids[lo:hi]))
        return ()

    def lemmas(self, word: str, lang: str) -> tuple[str, ...]:
        """As `lemmas` (the word as written, lower case), from the revision's forms."""
        # Cached: a query asks for each word's lemmas several times, and each key typed asks
        # again for the words before it.
        got = self._cache.get((word, lang))
        if got is None:
            if _is_cyrillic(word):
                got = self._find("uk", word)
            else:
                polish_ = self._find("pl", word) if word.isalpha() and len(word) >= 3 else ()
                got = _with_english(polish_, word, lang)
            if len(self._cache) >= _LEXICON_CACHE:
                self._cache.clear()
            self._cache[(word, lang)] = got
        return got


# Forms morfeusz2 generates but reads only inside a longer word: "aktualno-" (adja), "biorąco-"
# (pacta), abbreviations (brev: "pkt" is read as itself), personal endings (aglt: "śmy").
_NOT_ALONE = ("adja", "pacta", "brev", "aglt")


@lru_cache(maxsize=20_000)
def _polish_forms(lemma: str) -> frozenset[str]:
    # Kept per process: every revision a process applies repeats most of its vocabulary.
    morf = polish()
    with POLISH_LOCK:
        generated = morf.generate(lemma)
    forms: set[str] = set()
    for form, _lemma, tag, *_rest in generated:
        if tag.startswith(_NOT_ALONE):
            continue
        if not tag.startswith("praet"):
            forms.add(form)
            continue
        # "mogł" takes a personal ending only (mogłem), "mógł" stands alone or takes "by"
        # (mógłbym); most verbs have one form for both (zgubił, zgubiłem, zgubiłbym).
        if ":pl:" in tag:
            endings = _AGLT_PL
        elif form[-1:] in "aeiouyąęó":
            endings = _AGLT_SG_VOWEL
        else:
            endings = _AGLT_SG_CONSONANT
        if tag.endswith(":agl"):
            endings = tuple(e for e in endings if not e.startswith("by"))
        else:
            forms.add(form)
            if tag.endswith(":nagl"):
                endings = tuple(e for e in endings if e.startswith("by"))
        forms.update(form + e for e in endings)
    return frozenset(forms)


def _ukrainian_forms(parse: Any) -> set[str]:
    forms = {x.word for x in parse.lexeme}
    # pymorphy3 reads "г" typed for "ґ" as that letter ("гміни" → ґміна).
    return forms | {f.replace("ґ", "г") for f in forms if "ґ" in f}


def inflections(words: Iterable[str], known: Mapping[str, Iterable[str]] | None = None
                ) -> dict[tuple[str, str], set[str]]:
    """(family, lemma) → its inflected forms, for the lemmas of these words (as written,
    lower case) that `known` (family → lemmas) does not hold yet. Loads the dictionaries for
    words not met before (_inflection_store): for the process that applies content.

    Each lemma the dictionaries read a word as, its own included ("dowód" brings "dowodu",
    "dowodem"...): every Polish form morfeusz2 generates of it, with the personal endings of
    past forms; every form of each Ukrainian lexeme pymorphy3 reads the word in."""
    have = {f: set((known or {}).get(f, ())) for f in FAMILIES}
    out: dict[tuple[str, str], set[str]] = {}
    store = _inflection_store()
    for word in words:
        entries = store.get(word)
        for family, lemma, forms in entries:
            if lemma in have[family]:
                continue
            if family == "pl":
                have["pl"].add(lemma)
                out[("pl", lemma)] = set(forms)
            else:  # not marked as had: another word may bring another lexeme of it
                out.setdefault(("uk", lemma), set()).update(forms)
    store.save()
    return out


def _word_inflections(word: str) -> list[tuple[str, str, tuple[str, ...]]]:
    if _is_cyrillic(word):
        return [("uk", p.normal_form, tuple(sorted(_plain(p.normal_form, _ukrainian_forms(p)))))
                for p in _ukrainian_parses(word) if len(p.normal_form) <= MAX_LEMMA]
    # A lemma that does not fold to letters alone is never a query's (polish_lemmas).
    return [("pl", lemma, tuple(sorted(_plain(lemma, set(_polish_forms(lemma))))))
            for lemma in _polish_readings(word)
            if len(lemma) <= MAX_LEMMA and fold(lemma).isalpha()]


# Bumped when what a word's inflections are changes (the rules above), so that a kept file
# from before is not read.
_INFLECTION_RULES = 2


def _inflection_store() -> KeptResults:
    """Each word's inflections as worked out once, kept between processes: every sync and
    content load met most of its words the night before, and generating their forms took
    ~1 s of a sample load. Keyed by the dictionaries' versions and the rules."""
    global _kept_inflections
    if _kept_inflections is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            versions = "-".join(version(p) for p in ("morfeusz2", "pymorphy3-dicts-uk"))
            path = kept_file("inflections", str(_INFLECTION_RULES), versions)
        except PackageNotFoundError:
            path = None
        _kept_inflections = KeptResults(path, _word_inflections)
    return _kept_inflections


_kept_inflections: KeptResults | None = None


def _plain(lemma: str, forms: set[str]) -> set[str]:
    # A form that folds to its lemma needs no entry: the folded word is already an index word.
    folded = fold(lemma)
    return {f for f in forms if f.isalpha() and fold(f) != folded}


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


def index_words(text: str, lang: str = "pl", seen: set[str] | None = None) -> list[str]:
    """Words as the index stores them: folded, plus the lemma of an irregular form and the
    lemmas (or English stems) of the word in its text's language. `seen` collects the words
    as written (for `inflections`)."""
    out: list[str] = []
    raws = raw_tokens(text)
    if seen is not None:
        seen.update(raws)
    for raw in raws:
        out.extend(_token_index_words(raw, lang))
    return out


@lru_cache(maxsize=200_000)
def _token_index_words(raw: str, lang: str) -> tuple[str, ...]:
    # Cached: a revision repeats its words many times over, and indexes its Polish text in
    # each of the three languages.
    word = fold(raw)
    irregular = (IRREGULAR[word],) if word in IRREGULAR else ()
    return (word, *irregular, *lemmas(raw, lang))
