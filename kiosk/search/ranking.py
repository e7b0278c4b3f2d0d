"""The in-memory index of one revision and language, reading a query, and ranking.

`Corpus.build` reads the `search_doc` rows of a revision and language once: per index word the
documents it occurs in and the weight of the best field it occurs in (title and symbol 10,
keywords 4, body 1, plus a twentieth of the other fields it is also in, so a word in the title
and the keywords counts a little more than one in the title only), as numpy arrays; the sorted
vocabulary (prefixes by bisection, typos by length bucket); the everyday phrases and situations
of synonyms.yaml with their terms already read; the labels shown. A query then costs a few
array operations per word, whatever the number of records.

Ranking (`rank`), highest first:
1. coverage: how many of the query's concepts (meaningful words, symbols, phrases) a record
   covers; a record covering "podatek" and "pies" beats one covering "podatek" alone; a
   matter that synonyms.yaml names for a situation in the query counts one concept more
   (the editors' answer to "chcę zmienić nazwisko" beats records that merely hold its words);
2. where: the sum over concepts of the best field weight, times the match quality (exact,
   lemma or the same stem 1, a longer word starting with the stem 0.9, everyday phrase 0.9,
   typo 0.7); a situation's named matter W_MATTER; plus W_NEAR for each pair of the query's
   consecutive words that stand side by side, in that order, in the keywords ("zgłoszenie
   zgonu" is a keyword of the death registration; a record whose title merely holds "zgon"
   and "zgłoszenie" gets no more than their weights). Keywords only, not titles: keywords
   are the editors' phrases, and at 10,000 records chance neighbours in titles outnumber them;
3. rarity (idf) of the concepts covered: with "podatek od psa", "psa" is the rarer word;
4. how often residents opened the guide here; the kind (matters first); the content's order.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kiosk.search.text import (
    IRREGULAR,
    STOPWORDS,
    Lexicon,
    fold,
    query_symbol_key,
    raw_tokens,
    stem,
    symbol_prefix,
)
from kiosk.texts import LocalText, clean_text

KINDS = ("procedure", "elsewhere", "department", "form", "rate", "announcement")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
# Field weights: "title and symbol over keywords over body".
W_TITLE, W_SYMBOL, W_KEYWORDS, W_BODY = 10.0, 10.0, 4.0, 1.0
_WEIGHTS = (W_TITLE, W_SYMBOL, W_KEYWORDS, W_BODY)
SPREAD = 0.05  # each other field a word is also in adds this share of its weight
W_MATTER = 20.0  # a matter a situation names ("sprzedałem samochód" → DRK VI)
SYMBOL_BONUS = 50.0  # "USC I" typed as a symbol puts that procedure first
Q_EXACT, Q_PREFIX, Q_FUZZY, Q_SYNONYM = 1.0, 0.9, 0.7, 0.9
MAX_QUERY = 200
MAX_CONCEPTS = 12
W_NEAR = 10.0  # a pair of query words side by side in a record's keywords
NEAR_WINDOW = 2  # "side by side": within this many index words (lemmas sit between words)
_PAIR_SHIFT = 21  # a pair of stem ids as one integer key: first << shift | second
MAX_SAME_STEM = 40
_PREFIX_CACHE = 2048
_FUZZY_CACHE = 4096


@dataclass(frozen=True)
class Term:
    """One word of the query and the index words it accepts."""

    exact: frozenset[str]
    prefixes: tuple[str, ...] = ()
    fuzzy: frozenset[str] = frozenset()
    symbol: bool = False


@dataclass(frozen=True)
class Concept:
    """Something the resident asked for: its alternatives (the words typed, or what an
    everyday phrase means), each a list of terms that must all match, and the matters a
    situation names."""

    text: str
    alternatives: tuple[tuple[Term, ...], ...]
    synonym: bool = False
    matters: tuple[str, ...] = ()


@dataclass
class Phrase:
    """An everyday word or phrase of synonyms.yaml: the signatures of its meaningful words
    (stems and lemmas), the terms of what it means, and the matters it names."""

    text: str
    words: tuple[frozenset[str], ...]
    means: tuple[tuple[Term, ...], ...]
    matters: tuple[str, ...]


def signature(raw: str, lang: str, lexicon: Lexicon) -> frozenset[str]:
    """What identifies a word when phrases are compared: its stem and its lemmas."""
    word = fold(raw)
    out = {stem(word), *lexicon.lemmas(raw, lang)}
    if word in IRREGULAR:
        out.add(IRREGULAR[word])
    return frozenset(out)


def make_term(corpus: Corpus | None, raw: str, *, typing: bool,
              lexicon: Lexicon | None = None) -> Term:
    """`lexicon`: where there is no corpus (the meaning of an everyday phrase, read once)."""
    word = fold(raw)
    if corpus is not None:
        lexicon = corpus.lexicon
    exact = {word, *(lexicon.lemmas(raw, corpus.lang if corpus else "pl")
                     if lexicon is not None else ())}
    if word in IRREGULAR:
        exact.add(IRREGULAR[word])
    s = stem(word)
    if corpus is not None and len(s) >= 4:
        exact.update(corpus.by_stem.get(s, ())[:MAX_SAME_STEM])  # "skarge" finds "skarga"
    prefixes: list[str] = []
    if len(s) >= 3 and (s != word or len(s) >= 4):
        prefixes.append(s)
    if typing and len(word) >= 2 and word not in prefixes:
        prefixes.append(word)  # search as you type: the last word may be half written
    fuzzy: frozenset[str] = frozenset()
    if corpus is not None and not corpus.knows(exact, prefixes):
        fuzzy = corpus.fuzzy(word)
    return Term(frozenset(exact), tuple(prefixes), fuzzy)


def _meaningful(raws: Sequence[str]) -> list[str]:
    kept = [r for r in raws if fold(r) not in STOPWORDS]
    return kept or list(raws)


class Corpus:
    """One revision's index in one language, in memory."""

    def __init__(self, revision_id: int, lang: str, lexicon: Lexicon | None = None):
        self.revision_id = revision_id
        self.lang = lang
        self.lexicon = lexicon if lexicon is not None else Lexicon()
        self.n = 0
        self.kinds: list[str] = []
        self.refs: list[str] = []
        self.labels: list[LocalText] = []
        self.details: list[LocalText | None] = []
        self.kind_order = np.zeros(0, dtype=np.int16)
        self.position = np.zeros(0, dtype=np.int32)
        self.title_len = np.zeros(0, dtype=np.int16)
        # Postings of every index word, one after another in `vocab` order: the records of
        # vocab[k] are post_docs[post_start[k]:post_start[k + 1]], with their weights. (A pair
        # of arrays per word held ~300 bytes of numpy objects for each of ~17,000 words.)
        self.post_start = np.zeros(1, dtype=np.int32)
        self.post_docs = np.zeros(0, dtype=np.int32)
        self.post_weights = np.zeros(0, dtype=np.float32)
        self.symbol_docs: dict[str, np.ndarray] = {}
        self.by_ref: dict[str, np.ndarray] = {}
        self.procedures_by_ref: dict[str, np.ndarray] = {}
        self.vocab: list[str] = []
        self.by_length: dict[int, list[str]] = {}
        self.symbol_prefixes: frozenset[str] = frozenset()
        self.by_stem: dict[str, list[str]] = {}
        self.stem_ids: dict[str, int] = {}
        # Every pair of stems standing side by side in a record's keywords (stop words left
        # out), as sorted integer keys and the record of each: for W_NEAR, by bisection.
        self.pair_keys = np.zeros(0, dtype=np.int64)
        self.pair_docs = np.zeros(0, dtype=np.int32)
        self.phrases: list[Phrase] = []
        self.phrase_index: dict[str, list[int]] = {}
        self.phrase_words: dict[str, str] = {}  # folded word of a phrase -> the word as written
        self._prefix_cache: dict[str, np.ndarray] = {}
        self._fuzzy_cache: dict[str, frozenset[str]] = {}

    # --- building ---------------------------------------------------------------------------
    @classmethod
    def build(cls, revision_id: int, lang: str, rows: Sequence[Any],
              synonyms: Sequence[tuple[list[str], list[str], list[str]]],
              lexicon: Lexicon | None = None) -> Corpus:
        """rows: (id, kind, ref, position, label, detail, title, symbol, keywords, body);
        lexicon: the revision's lemmas (search_lemma), shared by its languages."""
        c = cls(revision_id, lang, lexicon)
        c.n = len(rows)
        masks: dict[str, dict[int, int]] = {}
        symbol_docs: dict[str, list[int]] = {}
        by_ref: dict[str, list[int]] = {}
        prefixes: set[str] = set()
        kind_order, position, title_len = [], [], []
        pairs: set[tuple[int, int]] = set()
        stem_ids = c.stem_ids
        for i, (_id, kind, ref, pos, label, detail, *fields) in enumerate(rows):
            c.kinds.append(kind)
            c.refs.append(ref)
            c.labels.append(label)
            c.details.append(detail)
            kind_order.append(_KIND_ORDER.get(kind, len(KINDS)))
            position.append(pos)
            title_len.append(min(len(fields[0].split()), 30000))
            by_ref.setdefault(ref, []).append(i)
            if kind in ("procedure", "department"):
                prefixes.add(symbol_prefix(ref))
            seq: list[int] = []
            for w in fields[2].split():
                if w not in STOPWORDS:
                    sid = stem_ids.setdefault(stem(w), len(stem_ids))
                    if not seq or seq[-1] != sid:  # a word's lemma mostly shares its stem
                        seq.append(sid)
            for k, first in enumerate(seq):
                for second in seq[k + 1:k + 1 + NEAR_WINDOW]:
                    pairs.add(((first << _PAIR_SHIFT) | second, i))
            for fi, text in enumerate(fields):
                bit = 1 << fi
                for w in text.split():
                    docs = masks.get(w)
                    if docs is None:
                        masks[w] = {i: bit}
                    else:
                        docs[i] = docs.get(i, 0) | bit
                    if fi == 1:
                        symbol_docs.setdefault(w, []).append(i)
        weight_of = [0.0] * 16
        for mask in range(16):
            ws = [_WEIGHTS[f] for f in range(4) if mask >> f & 1]
            weight_of[mask] = max(ws) + SPREAD * (sum(ws) - max(ws)) if ws else 0.0
        c.vocab = sorted(masks)
        lengths = np.fromiter((len(masks[w]) for w in c.vocab), dtype=np.int32,
                              count=len(c.vocab))
        c.post_start = np.concatenate(([0], np.cumsum(lengths))).astype(np.int32)
        total = int(c.post_start[-1])
        c.post_docs = np.fromiter((i for w in c.vocab for i in masks[w]), dtype=np.int32,
                                  count=total)
        c.post_weights = np.fromiter((weight_of[b] for w in c.vocab for b in masks[w].values()),
                                     dtype=np.float32, count=total)
        c.symbol_docs = {w: np.unique(np.array(v, dtype=np.int32))
                         for w, v in symbol_docs.items()}
        c.by_ref = {r: np.array(v, dtype=np.int32) for r, v in by_ref.items()}
        c.procedures_by_ref = {r: d for r, d in ((r, v[[c.kinds[i] == "procedure" for i in v]])
                                                for r, v in c.by_ref.items()) if d.size}
        c.kind_order = np.array(kind_order, dtype=np.int16)
        c.position = np.array(position, dtype=np.int32)
        c.title_len = np.array(title_len, dtype=np.int16)
        if pairs:
            keyed = np.array(sorted(pairs), dtype=np.int64)
            c.pair_keys, c.pair_docs = keyed[:, 0], keyed[:, 1].astype(np.int32)
        for w in c.vocab:
            if w.isalpha():
                c.by_length.setdefault(len(w), []).append(w)
                c.by_stem.setdefault(stem(w), []).append(w)
        c.symbol_prefixes = frozenset(p for p in prefixes if p.isalpha())
        for words, means, matters in synonyms:
            mean_terms = tuple(t for t in (
                tuple(make_term(None, r, typing=False, lexicon=c.lexicon)
                      for r in _meaningful(raw_tokens(p)))
                for p in means) if t)
            for phrase in words:
                raws = _meaningful(raw_tokens(phrase))
                if not raws:
                    continue
                k = len(c.phrases)
                c.phrases.append(Phrase(clean_text(phrase), tuple(signature(r, lang, c.lexicon)
                                                                   for r in raws),
                                        mean_terms, tuple(matters)))
                for sig in c.phrases[-1].words[0]:
                    c.phrase_index.setdefault(sig, []).append(k)
                for r in raws:
                    c.phrase_words.setdefault(fold(r), r)
        for w in c.phrase_words:
            if w.isalpha() and w not in masks:
                c.by_length.setdefault(len(w), []).append(w)
        return c

    # --- words --------------------------------------------------------------------------
    def _prefix_range(self, p: str) -> tuple[int, int]:
        lo = bisect_left(self.vocab, p)
        hi = bisect_left(self.vocab, p + "\U0010ffff", lo)
        return lo, hi

    def _word(self, w: str) -> int:
        """The position of `w` in `vocab`, or -1."""
        k = bisect_left(self.vocab, w)
        return k if k < len(self.vocab) and self.vocab[k] == w else -1

    def indexed(self, w: str) -> bool:
        return self._word(w) >= 0

    def posting(self, w: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The records that hold `w` (each once) and its weight in each, or None."""
        k = self._word(w)
        if k < 0:
            return None
        lo, hi = self.post_start[k], self.post_start[k + 1]
        return self.post_docs[lo:hi], self.post_weights[lo:hi]

    def knows(self, exact: set[str] | frozenset[str], prefixes: Sequence[str]) -> bool:
        if any(self.indexed(w) or w in self.phrase_words for w in exact):
            return True
        for p in prefixes:
            lo, hi = self._prefix_range(p)
            if hi > lo:
                return True
        return False

    def fuzzy(self, word: str) -> frozenset[str]:
        """Index and phrase words one letter off (5-7 letters) or two (8+): wrong, missing,
        extra or swapped letters."""
        if len(word) < 5 or not word.isalpha():
            return frozenset()
        cached = self._fuzzy_cache.get(word)
        if cached is not None:
            return cached
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        limit = 1 if len(word) < 8 else 2
        pool = [w for n in range(len(word) - limit, len(word) + limit + 1)
                for w in self.by_length.get(n, ())]
        found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=limit, limit=8)
        out = frozenset(w for w, _d, _i in found)
        if len(self._fuzzy_cache) >= _FUZZY_CACHE:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[word] = out
        return out

    def _prefix_vector(self, p: str) -> np.ndarray | None:
        """Best weight per document of any index word starting with p (cached)."""
        got = self._prefix_cache.get(p)
        if got is not None:
            return got
        lo, hi = self._prefix_range(p)
        if hi <= lo:
            return None
        vec = np.zeros(self.n, dtype=np.float32)
        start, end = self.post_start[lo], self.post_start[hi]
        # The words of the range follow one another: their postings are one slice, where a
        # record may come once per word (maximum.at keeps the best of them).
        np.maximum.at(vec, self.post_docs[start:end], self.post_weights[start:end])
        if len(self._prefix_cache) >= _PREFIX_CACHE:
            self._prefix_cache.clear()
        self._prefix_cache[p] = vec
        return vec

    def term_vector(self, term: Term) -> np.ndarray:
        vec = np.zeros(self.n, dtype=np.float32)
        for p in term.prefixes:
            pv = self._prefix_vector(p)
            if pv is not None:
                np.maximum(vec, pv * Q_PREFIX, out=vec)
        for w in term.exact:
            post = self.posting(w)
            if post is not None:
                _max_into(vec, post[0], post[1])
        for w in term.fuzzy:
            post = self.posting(w)
            if post is not None:
                _max_into(vec, post[0], post[1] * Q_FUZZY)
        if term.symbol:
            for w in term.exact:
                docs = self.symbol_docs.get(w)
                if docs is not None:
                    vec[docs] += SYMBOL_BONUS
        return vec

    def concept_vector(self, c: Concept) -> np.ndarray:
        best = np.zeros(self.n, dtype=np.float32)
        for a, alt in enumerate(c.alternatives):
            if not alt:
                continue
            vec = self.term_vector(alt[0])
            for term in alt[1:]:
                if not vec.any():
                    break
                np.minimum(vec, self.term_vector(term), out=vec)
            if a and c.synonym:
                vec *= Q_SYNONYM
            np.maximum(best, vec, out=best)
        for ref in c.matters:
            docs = self.by_ref.get(ref)
            if docs is not None:
                best[docs] = np.maximum(best[docs], W_MATTER)
        return best


def _max_into(vec: np.ndarray, idx: np.ndarray, wt: np.ndarray) -> None:
    """vec[idx] = max(vec[idx], wt); idx holds each document once."""
    vec[idx] = np.maximum(vec[idx], wt)


# --- reading a query ---------------------------------------------------------------------

@dataclass
class _Word:
    raw: str
    folded: str
    last: bool
    used: bool = False
    sig: frozenset[str] = field(default_factory=frozenset)


def read_query(query: str, corpus: Corpus) -> list[Concept]:
    raws = raw_tokens(clean_text(query)[:MAX_QUERY])
    words = [fold(r) for r in raws]
    typing = bool(query) and not query[-1].isspace()
    concepts: list[Concept] = []
    rest: list[_Word] = []
    i, n = 0, len(words)
    while i < n:
        last = i == n - 1
        sym = query_symbol_key(words[i], words[i + 1] if i + 1 < n else None,
                               corpus.symbol_prefixes)
        if sym is not None:
            key, consumed = sym
            prefixes = (key,) if typing and (last or (consumed and i + 1 == n - 1)) else ()
            concepts.append(Concept(key, ((Term(frozenset({key}), prefixes, symbol=True),),)))
            i += 2 if consumed else 1
            continue
        if words[i] not in STOPWORDS:
            rest.append(_Word(raws[i], words[i], typing and last))
        i += 1
    if not concepts and not rest and words:  # only small words: take them as they are
        return [Concept(w, ((make_term(corpus, r, typing=False),),))
                for r, w in list(zip(raws, words, strict=True))[:5]]
    for w in rest:
        _correct(corpus, w)
        w.sig = signature(w.raw, corpus.lang, corpus.lexicon)
    concepts += _phrases(corpus, rest)
    for w in rest:
        if not w.used:
            concepts.append(Concept(w.folded, ((make_term(corpus, w.raw, typing=w.last),),)))
    return concepts[:MAX_CONCEPTS]


def near_pairs(query: str, corpus: Corpus) -> list[np.ndarray]:
    """The query's consecutive meaningful words as pair keys (each word: the stems of its
    folded form and its lemmas; every combination of the two words' stems), for W_NEAR."""
    ids: list[set[int]] = []
    for raw in raw_tokens(clean_text(query)[:MAX_QUERY]):
        word = fold(raw)
        if word in STOPWORDS:
            continue
        forms = {word, *corpus.lexicon.lemmas(raw, corpus.lang)}
        ids.append({corpus.stem_ids.get(stem(f), -1) for f in forms} - {-1})
    return [np.array(sorted((a << _PAIR_SHIFT) | b for a in first for b in second),
                     dtype=np.int64)
            for first, second in zip(ids, ids[1:], strict=False) if first and second]


def _near_vector(corpus: Corpus, pairs: Sequence[np.ndarray]) -> np.ndarray | None:
    """Per record, how many of the query's word pairs stand side by side in its keywords."""
    hits: np.ndarray | None = None
    for keys in pairs:
        lo = np.searchsorted(corpus.pair_keys, keys, "left")
        hi = np.searchsorted(corpus.pair_keys, keys, "right")
        found = [corpus.pair_docs[a:b] for a, b in zip(lo, hi, strict=True) if b > a]
        if not found:
            continue
        if hits is None:
            hits = np.zeros(corpus.n, dtype=np.int16)
        hits[np.unique(np.concatenate(found))] += 1
    return hits


def _correct(corpus: Corpus, w: _Word) -> None:
    """A typo of an everyday word the content does not use ("проприска") is read as that
    word, so its phrase applies."""
    if len(w.folded) < 5 or not w.folded.isalpha():
        return
    exact = {w.folded, *corpus.lexicon.lemmas(w.raw, corpus.lang)}
    s = stem(w.folded)
    if corpus.knows(exact, [s, w.folded] if len(s) >= 4 else [w.folded]):
        return
    for cand in sorted(corpus.fuzzy(w.folded)):
        if cand in corpus.phrase_words and not corpus.indexed(cand):
            w.raw = corpus.phrase_words[cand]
            w.folded = cand
            return


def _phrases(corpus: Corpus, words: list[_Word]) -> list[Concept]:
    """Everyday phrases whose every meaningful word is in the query (any order), longest
    first; each becomes one concept, and its words are used up."""
    if not corpus.phrases or not words:
        return []
    found: set[int] = set()
    for w in words:
        for sig in w.sig:
            found.update(corpus.phrase_index.get(sig, ()))
    if not found:
        return []
    out: list[Concept] = []
    for k in sorted(found, key=lambda k: (-len(corpus.phrases[k].words), k)):
        ph = corpus.phrases[k]
        picked: list[_Word] = []
        for want in ph.words:
            match = next((w for w in words if not w.used and w not in picked
                          and not want.isdisjoint(w.sig)), None)
            if match is None:
                break
            picked.append(match)
        else:
            for w in picked:
                w.used = True
            original = tuple(make_term(corpus, w.raw, typing=w.last) for w in picked)
            same = [p for p in (corpus.phrases[j] for j in found)
                    if p.words == ph.words and p is not ph]
            means = ph.means + tuple(t for p in same for t in p.means)
            matters = tuple(dict.fromkeys(ph.matters + tuple(r for p in same
                                                             for r in p.matters)))
            out.append(Concept(" ".join(w.folded for w in picked), (original, *means),
                               synonym=True, matters=matters))
    return out


# --- ranking -----------------------------------------------------------------------------

def rank(corpus: Corpus, concepts: list[Concept], opens: dict[str, int], limit: int,
         pairs: Sequence[np.ndarray] = ()
         ) -> tuple[list[tuple[int, float]], int]:
    """The best `limit` documents as (index, score) and how many match at all; `pairs`
    (near_pairs) add W_NEAR where the query's words stand together."""
    if corpus.n == 0 or not concepts:
        return [], 0
    cover = np.zeros(corpus.n, dtype=np.int16)
    score = np.zeros(corpus.n, dtype=np.float64)
    rarity = np.zeros(corpus.n, dtype=np.float64)
    for c in concepts:
        vec = corpus.concept_vector(c)
        hit = vec > 0
        df = int(np.count_nonzero(hit))
        if not df:
            continue
        cover += hit
        for ref in c.matters:  # the editors' answer to a situation counts one concept more
            docs = corpus.by_ref.get(ref)
            if docs is not None:
                cover[docs] += 1
        score += vec
        rarity += hit * math.log(1.0 + corpus.n / df)
    cand = np.flatnonzero(cover)
    total = int(cand.size)
    if not total or limit <= 0:
        return [], total
    near = _near_vector(corpus, pairs) if pairs else None
    if near is not None:
        score += near * W_NEAR
    primary = cover[cand] * 100_000.0 + np.round(score[cand], 3)
    if cand.size > limit:
        kth = np.partition(primary, cand.size - limit)[cand.size - limit]
        keep = primary >= kth  # ties at the edge stay: the order below decides them
        cand, primary = cand[keep], primary[keep]
    opened = np.zeros(cand.size, dtype=np.int64)
    if opens:  # a few dozen guides at most: look those up, not every candidate
        per_doc = np.zeros(corpus.n, dtype=np.int64)
        for ref, count in opens.items():
            docs = corpus.procedures_by_ref.get(ref)
            if docs is not None:
                per_doc[docs] = count
        opened = per_doc[cand]
    order = np.lexsort((corpus.position[cand], corpus.kind_order[cand], -opened,
                        -np.round(rarity[cand], 3), -primary))
    return [(int(cand[j]), float(score[cand[j]])) for j in order[:limit]], total
