"""Search over procedures, departments, forms, local rates and announcements.

How it works (docs in README "Search"):
- When a content revision is applied, `build_index` writes one `search_doc` row per item and
  language (the language's text plus the Polish original, so Polish always works), its fields
  already folded into plain words by kiosk.search.text, and the same rows into the SQLite FTS5
  table `search_fts`, in the same transaction as the content: the index always matches the
  revision residents see.
- A query is read into "concepts": each word (or a procedure symbol such as "USC I" / "usc1" /
  "DRK 15", or an everyday phrase from synonyms.yaml with its alternatives) must match a word of
  the item exactly, by its stem as a prefix ("dowodem" → dowod*), or, for words of 5+ letters
  that the content does not know, as a typo correction (one or two letters off).
- FTS5 finds the candidates (all concepts; if none has them all, any concept), then each is
  scored here: title and symbol 10, keywords 4, body 1 per concept; ties go to the guide
  residents open most often at this kiosk (`record_open`).
- Without FTS5 (another database, an SQLite without it) the same scoring scans `search_doc`.

Never raises on odd input: every query word is reduced to letters and digits before it reaches
FTS5, so quotes, `*`, `NEAR`, `-`, `^`, `:` or parentheses are just ignored characters.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from bisect import bisect_left
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from kiosk.db import models as m
from kiosk.db.search_models import SearchDoc, SearchOpenCount, SearchQueryLog, SearchSynonym
from kiosk.search.text import (
    IRREGULAR,
    STOPWORDS,
    index_words,
    query_symbol_key,
    stem,
    symbol_keys,
    symbol_prefix,
    tokens,
)
from kiosk.texts import LANGS, LocalText, clean_text
from kiosk.usage.scrub import scrub_text

log = logging.getLogger(__name__)

FTS_TABLE = "search_fts"
KINDS = ("procedure", "department", "form", "rate", "announcement")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
# Field weights: "title and symbol over keywords over body".
W_TITLE, W_SYMBOL, W_KEYWORDS, W_BODY = 10.0, 10.0, 4.0, 1.0
SYMBOL_BONUS = 50.0  # "USC I" typed as a symbol puts that procedure first
Q_EXACT, Q_PREFIX, Q_FUZZY, Q_SYNONYM = 1.0, 0.9, 0.7, 0.9
MAX_QUERY = 200
CANDIDATES = 200


# --- the index ---------------------------------------------------------------------------

def create_fts_table(conn: Connection) -> bool:
    """Create the FTS5 table on SQLite (migration 0004); False where there is none."""
    if conn.dialect.name != "sqlite":
        return False
    try:
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "scope, title, symbol, keywords, body, tokenize='unicode61 remove_diacritics 2')")
        return True
    except OperationalError as exc:  # an SQLite compiled without FTS5
        log.warning("no SQLite FTS5 (%s): search will scan instead", exc)
        return False


def is_search_index_table(name: str) -> bool:
    """The FTS5 table and its shadow tables: not ORM tables, left out of schema checks."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


def _has_fts(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    return conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (FTS_TABLE,)
    ).first() is not None


def _scope(revision_id: int, lang: str) -> str:
    return f"r{revision_id}{lang}"


def _texts(value: LocalText | None, lang: str) -> list[str]:
    if value is None:
        return []
    if lang == "pl":
        return [value.pl]
    own = getattr(value, lang, None)
    return [own, value.pl] if own and own != value.pl else [value.pl]


def _words(*parts) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            for p in part:
                out.extend(index_words(p))
        elif part:
            out.extend(index_words(part))
    return " ".join(out)


def _docs_for_revision(s: Session, rid: int) -> list[dict]:
    cats = {c.code: c.name
            for c in s.scalars(select(m.Category).where(m.Category.revision_id == rid))}
    docs: list[dict] = []
    procs = s.scalars(select(m.Procedure).options(
        selectinload(m.Procedure.steps), selectinload(m.Procedure.documents),
        selectinload(m.Procedure.fees)).where(m.Procedure.revision_id == rid)
        .order_by(m.Procedure.position))
    for p in procs:
        for lang in LANGS:
            t = lambda v, lang=lang: _texts(v, lang)  # noqa: E731
            docs.append(dict(
                lang=lang, kind="procedure", ref=p.symbol, position=p.position, label=p.title,
                detail=p.summary, title=_words(t(p.title)),
                symbol=" ".join(symbol_keys(p.symbol)),
                keywords=_words(list(p.keywords or ()), p.department_code),
                body=_words(t(p.summary), t(p.who_may_apply), t(cats.get(p.category_code)),
                            *[t(x.text) for x in p.steps], *[t(d.name) for d in p.documents],
                            *[t(f.name) for f in p.fees], t(p.notes), t(p.deadline))))
    for i, d in enumerate(s.scalars(select(m.Department).where(m.Department.revision_id == rid)
                                    .order_by(m.Department.id))):
        for lang in LANGS:
            docs.append(dict(lang=lang, kind="department", ref=d.code, position=i, label=d.name,
                             detail=None, title=_words(_texts(d.name, lang)),
                             symbol=" ".join(tokens(d.code)), keywords="",
                             body=_words(_texts(d.scope, lang), d.building)))
    for i, f in enumerate(s.scalars(select(m.Form).options(selectinload(m.Form.fields))
                                    .where(m.Form.revision_id == rid).order_by(m.Form.id))):
        for lang in LANGS:
            t = lambda v, lang=lang: _texts(v, lang)  # noqa: E731
            docs.append(dict(lang=lang, kind="form", ref=f.code, position=i, label=f.title,
                             detail=f.description, title=_words(t(f.title)),
                             symbol="".join(tokens(f.code)),
                             keywords=_words(f.code, f.department_code),
                             body=_words(t(f.description), *[t(x.label) for x in f.fields])))
    for r in s.scalars(select(m.LocalRate).where(m.LocalRate.revision_id == rid)
                       .order_by(m.LocalRate.position)):
        for lang in LANGS:
            docs.append(dict(lang=lang, kind="rate", ref=r.code, position=r.position, label=r.name,
                             detail=r.unit, title=_words(_texts(r.name, lang)), symbol="",
                             keywords="", body=_words(_texts(r.unit, lang), _texts(r.notes, lang),
                                                      r.resolution)))
    for a in s.scalars(select(m.Announcement).where(m.Announcement.revision_id == rid)
                       .order_by(m.Announcement.position)):
        for lang in LANGS:
            docs.append(dict(lang=lang, kind="announcement", ref=a.code, position=a.position,
                             label=a.title, detail=a.body, title=_words(_texts(a.title, lang)),
                             symbol="", keywords="", body=_words(_texts(a.body, lang))))
    return docs


def build_index(s: Session, revision_id: int) -> int:
    """Index one revision inside the caller's transaction (kiosk.content.store.apply_bundle):
    committed with the content it describes, or not at all. Returns the number of rows."""
    drop_index(s, [revision_id], synonyms=False)
    docs = _docs_for_revision(s, revision_id)
    rows = [SearchDoc(revision_id=revision_id, **d) for d in docs]
    s.add_all(rows)
    s.flush()
    conn = s.connection()
    if _has_fts(conn):
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, scope, title, symbol, keywords, body) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(r.id, _scope(revision_id, r.lang), r.title, r.symbol, r.keywords, r.body)
             for r in rows])
    return len(rows)


def drop_index(s: Session, revision_ids: list[int], *, synonyms: bool = True) -> None:
    """Remove the index (and synonyms) of revisions being deleted."""
    if not revision_ids:
        return
    conn = s.connection()
    if _has_fts(conn):
        marks = ",".join("?" * len(revision_ids))
        conn.exec_driver_sql(
            f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
            f"(SELECT id FROM search_doc WHERE revision_id IN ({marks}))", tuple(revision_ids))
    s.execute(delete(SearchDoc).where(SearchDoc.revision_id.in_(revision_ids)))
    if synonyms:
        s.execute(delete(SearchSynonym).where(SearchSynonym.revision_id.in_(revision_ids)))


# --- reading a query ---------------------------------------------------------------------

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
    everyday phrase means), each a list of terms that must all match."""

    text: str
    alternatives: tuple[tuple[Term, ...], ...]
    synonym: bool = False


@dataclass
class _Corpus:
    revision_id: int
    lang: str
    fts: bool
    vocab: list[str]  # sorted
    vocab_set: frozenset[str]
    symbol_prefixes: frozenset[str]
    synonyms: list[tuple[tuple[str, ...], list[list[str]]]]
    docs: list[_Doc] | None = None  # loaded only when scanning


@dataclass
class _Doc:
    id: int
    kind: str
    ref: str
    position: int
    # title, symbol, keywords, body as " word word " (spaces at both ends): a word is
    # f" {w} " in it, a prefix f" {p}" in it, both substring searches done in C.
    fields: tuple[str, str, str, str]


def _known(corpus: _Corpus, word: str, prefixes: tuple[str, ...]) -> bool:
    if word in corpus.vocab_set:
        return True
    for p in prefixes:
        i = bisect_left(corpus.vocab, p)
        if i < len(corpus.vocab) and corpus.vocab[i].startswith(p):
            return True
    return False


def _fuzzy(corpus: _Corpus, word: str) -> frozenset[str]:
    """Index words one letter off (5-7 letters) or two (8+): wrong, missing, extra, swapped."""
    if len(word) < 5 or not word.isalpha():
        return frozenset()
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    limit = 1 if len(word) < 8 else 2
    found = process.extract(word, corpus.vocab, scorer=OSA.distance, score_cutoff=limit,
                            limit=8)
    return frozenset(w for w, _d, _i in found if abs(len(w) - len(word)) <= limit)


def _term(corpus: _Corpus | None, word: str, *, typing: bool) -> Term:
    exact = {word}
    if word in IRREGULAR:
        exact.add(IRREGULAR[word])
    s = stem(word)
    prefixes: list[str] = []
    if len(s) >= 3 and (s != word or len(s) >= 4):
        prefixes.append(s)
    if typing and len(word) >= 2 and word not in prefixes:
        prefixes.append(word)  # search as you type: the last word may be half written
    fuzzy: frozenset[str] = frozenset()
    if corpus is not None and not _known(corpus, word, tuple(prefixes)):
        fuzzy = _fuzzy(corpus, word)
    return Term(frozenset(exact), tuple(prefixes), fuzzy)


def _phrase_terms(phrase: str) -> tuple[Term, ...]:
    words = tokens(phrase)
    kept = [w for w in words if w not in STOPWORDS] or words
    return tuple(_term(None, w, typing=False) for w in kept)


def read_query(query: str, corpus: _Corpus) -> list[Concept]:
    words = tokens(clean_text(query)[:MAX_QUERY])
    typing = bool(query) and not query[-1].isspace()
    concepts: list[Concept] = []
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
        span, means = _synonym_at(words, i, corpus)
        if span:
            original = tuple(_term(corpus, w, typing=typing and i + k == n - 1)
                             for k, w in enumerate(words[i:i + span]) if w not in STOPWORDS)
            alts = ((original,) if original else ()) + tuple(
                t for t in (_phrase_terms(p) for p in means) if t)
            concepts.append(Concept(" ".join(words[i:i + span]), alts, synonym=True))
            i += span
            continue
        if words[i] not in STOPWORDS:
            term = _term(corpus, words[i], typing=typing and last)
            concepts.append(Concept(words[i], ((term,),)))
        i += 1
    if not concepts and words:  # only small words: take them as they are
        concepts = [Concept(w, ((_term(corpus, w, typing=False),),)) for w in words[:5]]
    return concepts[:12]


def _synonym_at(words: list[str], i: int, corpus: _Corpus) -> tuple[int, list[str]]:
    """The longest everyday phrase starting at word i (compared by stems) and what it means."""
    best, means = 0, list[str]()
    stems = [stem(w) for w in words[i:i + 6]]
    for key, phrases in corpus.synonyms:
        k = len(key)
        if k > len(stems) or tuple(stems[:k]) != key:
            continue
        if k > best:
            best, means = k, []
        if k == best:
            means.extend(" ".join(p) for p in phrases)
    return best, means


# --- scoring -------------------------------------------------------------------------------

def _term_quality(term: Term, field_: str) -> float:
    if len(field_) < 3:
        return 0.0
    for w in term.exact:
        if f" {w} " in field_:
            return Q_EXACT
    for p in term.prefixes:
        if f" {p}" in field_:
            return Q_PREFIX
    for w in term.fuzzy:
        if f" {w} " in field_:
            return Q_FUZZY
    return 0.0


_WEIGHTS = (W_TITLE, W_SYMBOL, W_KEYWORDS, W_BODY)


def _score(doc: _Doc, concepts: list[Concept]) -> tuple[float, int]:
    total, matched = 0.0, 0
    for c in concepts:
        best = 0.0
        for a, alt in enumerate(c.alternatives):
            alt_score = None
            for term in alt:
                ts = 0.0
                for fi, weight in enumerate(_WEIGHTS):
                    q = _term_quality(term, doc.fields[fi])
                    if q:
                        ts = max(ts, weight * q)
                        if term.symbol and fi == 1 and q == Q_EXACT:
                            ts += SYMBOL_BONUS
                alt_score = ts if alt_score is None else min(alt_score, ts)
                if not ts:
                    break
            if alt_score:
                best = max(best, alt_score * (Q_SYNONYM if a and c.synonym else 1.0))
        if best:
            matched += 1
            total += best
    return total, matched


def _fts_term(t: Term) -> str:
    # Every string here is letters and digits only (tokens()), so nothing in it is FTS syntax.
    parts = [f'"{w}"' for w in sorted(t.exact | t.fuzzy)] + [f'"{p}"*' for p in t.prefixes]
    return "(" + " OR ".join(parts) + ")"


def _fts_concept(c: Concept) -> str:
    return "(" + " OR ".join("(" + " AND ".join(_fts_term(t) for t in alt) + ")"
                             for alt in c.alternatives) + ")"


def _fts_query(scope: str, concepts: list[Concept], every: bool) -> str:
    joined = (" AND " if every else " OR ").join(_fts_concept(c) for c in concepts)
    return f'scope : "{scope}" AND {{title symbol keywords body}} : ({joined})'


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchHit:
    kind: str  # procedure, department, form, rate, announcement
    ref: str  # symbol or code
    title: LocalText
    detail: LocalText | None
    score: float
    opens: int


@dataclass(frozen=True)
class SearchResults:
    query: str
    lang: str
    hits: tuple[SearchHit, ...]
    total: int
    mode: str  # "fts", "scan" or "none"
    concepts: tuple[str, ...] = field(default=())


def scrub_query(query: str) -> str:
    """What may be kept of a query (kiosk.usage.scrub: e-mail addresses and runs of 6+ digits
    replaced), so a log of unanswered queries holds no personal data."""
    return scrub_text(query, MAX_QUERY)


class SearchService:
    """Queries over the active revision's index, one short session per call; thread-safe."""

    def __init__(self, Session_: sessionmaker[Session],
                 now=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None)):
        self._Session = Session_
        self._now = now
        self._lock = threading.Lock()
        self._corpora: dict[tuple[int, str], _Corpus] = {}

    # --- corpus (vocabulary, symbols, synonyms) per revision and language --------------
    def _active(self, s: Session) -> int | None:
        return s.scalar(select(m.ContentRevision.id).where(m.ContentRevision.active.is_(True)))

    def _corpus(self, rid: int, lang: str) -> _Corpus:
        with self._lock:
            corpus = self._corpora.get((rid, lang))
            if corpus is not None:
                return corpus
            with self._Session() as s:
                has_docs = s.scalar(select(SearchDoc.id).where(SearchDoc.revision_id == rid)
                                    .limit(1)) is not None
            if not has_docs:
                # Content loaded before search existed (schema 0003): index it now, once.
                with self._Session.begin() as s:
                    build_index(s, rid)
            with self._Session() as s:
                fts = _has_fts(s.connection())
                vocab: set[str] = set()
                prefixes: set[str] = set()
                for kind, ref, *fields in s.execute(
                        select(SearchDoc.kind, SearchDoc.ref, SearchDoc.title, SearchDoc.symbol,
                               SearchDoc.keywords, SearchDoc.body)
                        .where(SearchDoc.revision_id == rid, SearchDoc.lang == lang)):
                    for f in fields:
                        vocab.update(f.split())
                    if kind in ("procedure", "department"):
                        prefixes.add(symbol_prefix(ref))
                synonyms = []
                for words, means in s.execute(
                        select(SearchSynonym.words, SearchSynonym.means)
                        .where(SearchSynonym.revision_id == rid)
                        .order_by(SearchSynonym.position)):
                    phrases = [tokens(p) for p in means if tokens(p)]
                    for w in words:
                        key = tuple(stem(x) for x in tokens(w))
                        if key:
                            synonyms.append((key, phrases))
            corpus = _Corpus(rid, lang, fts, sorted(vocab), frozenset(vocab),
                             frozenset(p for p in prefixes if p.isalpha()), synonyms)
            # Keep only the active revision's corpora: an old one is never asked again.
            self._corpora = {k: v for k, v in self._corpora.items() if k[0] == rid}
            self._corpora[(rid, lang)] = corpus
            return corpus

    _DOC_COLUMNS = (SearchDoc.id, SearchDoc.kind, SearchDoc.ref, SearchDoc.position,
                    SearchDoc.title, SearchDoc.symbol, SearchDoc.keywords, SearchDoc.body)

    @staticmethod
    def _doc(row) -> _Doc:
        title, symbol, keywords, body = (f" {f} " for f in row[4:8])
        return _Doc(row[0], row[1], row[2], row[3], (title, symbol, keywords, body))

    def _scan_docs(self, corpus: _Corpus) -> list[_Doc]:
        if corpus.docs is None:
            with self._Session() as s:
                corpus.docs = [self._doc(r) for r in s.execute(
                    select(*self._DOC_COLUMNS).where(SearchDoc.revision_id == corpus.revision_id,
                                                     SearchDoc.lang == corpus.lang))]
        return corpus.docs

    # --- the query ----------------------------------------------------------------------
    def search(self, query: str, lang: str = "pl", limit: int = 20) -> SearchResults:
        query = clean_text(query or "")[:MAX_QUERY]
        lang = lang if lang in LANGS else "pl"
        with self._Session() as s:
            rid = self._active(s)
        if rid is None or not tokens(query):
            return SearchResults(query, lang, (), 0, "none")
        corpus = self._corpus(rid, lang)
        concepts = read_query(query, corpus)
        if not concepts:
            return SearchResults(query, lang, (), 0, "none")
        if corpus.fts:
            docs, mode = self._fts_candidates(corpus, concepts), "fts"
        else:
            docs, mode = self._scan_docs(corpus), "scan"
        scored = [(d, *_score(d, concepts)) for d in docs]
        scored = [x for x in scored if x[1] > 0]
        if any(n == len(concepts) for _d, _s, n in scored):
            scored = [x for x in scored if x[2] == len(concepts)]
        opens = self._opens([d.ref for d, _s, _n in scored if d.kind == "procedure"])
        scored.sort(key=lambda x: (-round(x[1], 3), -opens.get(x[0].ref, 0) if x[0].kind ==
                                   "procedure" else 0, _KIND_ORDER[x[0].kind], x[0].position))
        top = scored[:max(0, limit)]
        texts = self._labels([d.id for d, _s, _n in top])
        hits = tuple(SearchHit(d.kind, d.ref, *texts[d.id], round(sc, 3),
                               opens.get(d.ref, 0) if d.kind == "procedure" else 0)
                     for d, sc, _n in top)
        return SearchResults(query, lang, hits, len(scored), mode,
                             tuple(c.text for c in concepts))

    def _fts_candidates(self, corpus: _Corpus, concepts: list[Concept]) -> list[_Doc]:
        scope = _scope(corpus.revision_id, corpus.lang)
        with self._Session() as s:
            conn = s.connection()
            ids: list[int] = []
            for every in (True, False):
                ids = [r[0] for r in conn.exec_driver_sql(
                    f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? "
                    f"ORDER BY bm25({FTS_TABLE}, 0, 10, 10, 4, 1) LIMIT {CANDIDATES}",
                    (_fts_query(scope, concepts, every),))]
                if ids or len(concepts) == 1:
                    break
            if not ids:
                return []
            return [self._doc(r) for r in s.execute(select(*self._DOC_COLUMNS)
                                                       .where(SearchDoc.id.in_(ids)))]

    def _labels(self, ids: list[int]) -> dict[int, tuple[LocalText, LocalText | None]]:
        """Titles and details of the hits shown (read last: only for the few shown)."""
        if not ids:
            return {}
        with self._Session() as s:
            return {i: (label, detail) for i, label, detail in s.execute(
                select(SearchDoc.id, SearchDoc.label, SearchDoc.detail)
                .where(SearchDoc.id.in_(ids)))}

    def _opens(self, symbols: list[str]) -> dict[str, int]:
        if not symbols:
            return {}
        with self._Session() as s:
            return dict(s.execute(select(SearchOpenCount.symbol, SearchOpenCount.count)
                                  .where(SearchOpenCount.symbol.in_(set(symbols)))).all())

    # --- what residents do ----------------------------------------------------------------
    def record_open(self, symbol: str) -> None:
        """A resident opened this guide (the guide screen calls this once per visit)."""
        with self._Session.begin() as s:
            row = s.get(SearchOpenCount, symbol)
            if row is None:
                s.add(SearchOpenCount(symbol=symbol, count=1, last_opened=self._now()))
            else:
                row.count += 1
                row.last_opened = self._now()

    def record_unanswered(self, query: str, lang: str, result_count: int = 0) -> bool:
        """Keep a query that found nothing, scrubbed, for staff reports. False if nothing
        was left to keep after scrubbing."""
        q = scrub_query(query)
        if not tokens(q):
            return False
        with self._Session.begin() as s:
            s.add(SearchQueryLog(at=self._now(), lang=lang if lang in LANGS else "pl", query=q,
                                 result_count=result_count))
        return True

    def unanswered(self, limit: int = 100) -> list[tuple[dt.datetime, str, str, int]]:
        with self._Session() as s:
            return [(r[0], r[1], r[2], r[3]) for r in s.execute(
                select(SearchQueryLog.at, SearchQueryLog.lang, SearchQueryLog.query,
                       SearchQueryLog.result_count)
                .order_by(SearchQueryLog.at.desc(), SearchQueryLog.id.desc()).limit(limit))]

    def most_asked(self, n: int = 5) -> list[SearchHit]:
        """The matters residents open most here (in content order until anyone has)."""
        with self._Session() as s:
            rid = self._active(s)
        if rid is None:
            return []
        self._corpus(rid, "pl")  # builds the index of content loaded before search existed
        with self._Session() as s:
            rows = list(s.execute(select(SearchDoc.ref, SearchDoc.label, SearchDoc.detail,
                                         SearchDoc.position)
                                  .where(SearchDoc.revision_id == rid, SearchDoc.lang == "pl",
                                         SearchDoc.kind == "procedure")).all())
        opens = self._opens([r.ref for r in rows])
        rows.sort(key=lambda r: (-opens.get(r.ref, 0), r.position))
        return [SearchHit("procedure", r.ref, r.label, r.detail, 0.0, opens.get(r.ref, 0))
                for r in rows[:n]]
