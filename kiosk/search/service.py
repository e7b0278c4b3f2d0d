"""Search over procedures, departments, forms, local rates, announcements and the matters
other offices handle ("not here, but there").

How it works (docs/residents.md "Search", docs/content-editors.md "Synonyms and situations"):
- When a content revision is applied, `build_index` writes one `search_doc` row per item and
  language (the language's text plus the Polish original, so Polish always works), its fields
  already turned into index words by kiosk.search.text: each word folded ("dowód" → dowod),
  plus its lemmas (morfeusz2 for Polish, pymorphy3 for Ukrainian) or English stem. Beside
  them, `search_lemma` rows: each lemma of the revision's words (synonyms.yaml's included)
  with all its inflected forms. Written in the same transaction as the content: the index
  always matches the revision residents see.
- The first query of a revision reads its lemmas once (kiosk.search.text.Lexicon, shared by
  the three languages), so the kiosk reads a query's words by lemma without loading the
  dictionaries (~65 MiB a process keeps for good); the first query of a language reads the
  index rows once into memory (kiosk.search.ranking.Corpus): postings per word with the best
  field it occurs in, the sorted vocabulary for prefixes, the everyday phrases of
  synonyms.yaml, and the titles shown. Nothing that does not depend on the query is computed
  again.
- A query is read into "concepts": each meaningful word (stop words in pl/en/uk dropped), or a
  procedure symbol ("USC I" / "usc1" / "DRK 15"), or an everyday phrase or situation from
  synonyms.yaml with what it means and the matters it names. A word matches index words
  exactly (as typed, or by lemma), by its stem as a prefix ("dowodem" → dowod*), or, for words
  of 5+ letters the content does not know, as a typo (one or two letters off); a typo of an
  everyday word is read as that word ("проприска" → прописка).
- Ranking: how many of the query's concepts a record covers, first; then where it covers them
  (title and symbol 10, keywords 4, body 1, a situation's named matter 12); then how rare the
  covered words are (idf); then typos cost (a typo counts 0.7 of a match); ties go to the guide
  residents open most often at this kiosk (`record_open`), then to the content's order.

Never raises on odd input: every query word is reduced to letters and digits first.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from kiosk.db import models as m
from kiosk.db.search_models import (
    ElsewhereMatter,
    SearchDoc,
    SearchLemma,
    SearchOpenCount,
    SearchQueryLog,
    SearchSynonym,
)

if TYPE_CHECKING:
    from kiosk.search.ranking import Corpus
from kiosk.search.text import Lexicon, index_words, inflections, raw_tokens, symbol_keys, tokens
from kiosk.texts import LANGS, LocalText, clean_text
from kiosk.usage.scrub import scrub_text

log = logging.getLogger(__name__)

FTS_TABLE = "search_fts"
KINDS = ("procedure", "elsewhere", "department", "form", "rate", "announcement")
MAX_QUERY = 200


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


def _texts(value: LocalText | None, lang: str) -> list[tuple[str, str]]:
    """The texts of one item to index in `lang`, with their language: its own and the
    Polish original."""
    if value is None:
        return []
    if lang == "pl":
        return [(value.pl, "pl")]
    own = getattr(value, lang, None)
    return [(own, lang), (value.pl, "pl")] if own and own != value.pl else [(value.pl, "pl")]


def _index_text(seen: set[str], *parts) -> str:
    """Index words of texts: (text, lang) pairs, lists of them, or plain Polish strings; the
    words as written go into `seen`."""
    out: list[str] = []

    def add(part) -> None:
        if isinstance(part, tuple):
            text, lang = part
            out.extend(index_words(text, lang, seen))
        elif isinstance(part, list):
            for p in part:
                add(p)
        elif part:
            out.extend(index_words(part, "pl", seen))

    for part in parts:
        add(part)
    return " ".join(out)


def _docs_for_revision(s: Session, rid: int, vocabulary: set[str] | None = None
                       ) -> list[dict]:
    """The index rows of a revision; `vocabulary` collects the words of their texts as
    written (for their lemmas: record_lemmas)."""
    seen = vocabulary if vocabulary is not None else set()

    def _words(*parts) -> str:
        return _index_text(seen, *parts)

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
    for e in s.scalars(select(ElsewhereMatter).where(ElsewhereMatter.revision_id == rid)
                       .order_by(ElsewhereMatter.position)):
        for lang in LANGS:
            t = lambda v, lang=lang: _texts(v, lang)  # noqa: E731
            docs.append(dict(lang=lang, kind="elsewhere", ref=e.code, position=e.position,
                             label=e.title, detail=e.handled_by, title=_words(t(e.title)),
                             symbol="", keywords=_words(list(e.keywords or ())),
                             body=_words(t(e.summary), t(e.handled_by))))
    for a in s.scalars(select(m.Announcement).where(m.Announcement.revision_id == rid)
                       .order_by(m.Announcement.position)):
        for lang in LANGS:
            docs.append(dict(lang=lang, kind="announcement", ref=a.code, position=a.position,
                             label=a.title, detail=a.body, title=_words(_texts(a.title, lang)),
                             symbol="", keywords="", body=_words(_texts(a.body, lang))))
    return docs


def build_index(s: Session, revision_id: int) -> int:
    """Index one revision inside the caller's transaction (kiosk.content.store.apply_bundle):
    committed with the content it describes, or not at all; its lemmas too. Returns the
    number of index rows."""
    drop_index(s, [revision_id], synonyms=False)
    vocabulary: set[str] = set()
    docs = _docs_for_revision(s, revision_id, vocabulary)
    rows = [SearchDoc(revision_id=revision_id, **d) for d in docs]
    s.add_all(rows)
    record_lemmas(s, revision_id, vocabulary | synonym_words(s, revision_id))
    s.flush()
    return len(rows)


def synonym_words(s: Session, revision_id: int) -> set[str]:
    """The words of the revision's everyday phrases and of what they mean, as written: a
    query is compared with them by lemma (kiosk.search.ranking.signature)."""
    out: set[str] = set()
    for words, means in s.execute(select(SearchSynonym.words, SearchSynonym.means)
                                  .where(SearchSynonym.revision_id == revision_id)):
        for phrase in (*(words or ()), *(means or ())):
            out.update(raw_tokens(phrase))
    return out


def record_lemmas(s: Session, revision_id: int, words: set[str]) -> int:
    """Add the lemmas of these words (as written) that the revision lacks, each with all its
    forms (kiosk.search.text.inflections), inside the caller's transaction. Loads the
    morphology dictionaries: run where content is applied, never in the kiosk's own
    queries. Lemmas are never removed: a form of content since changed is harmless. Returns
    the number of lemmas added."""
    known: dict[str, set[str]] = {}
    for family, lemma in s.execute(select(SearchLemma.family, SearchLemma.lemma)
                                   .where(SearchLemma.revision_id == revision_id)):
        known.setdefault(family, set()).add(lemma)
    found = inflections(sorted(words), known)
    s.add_all(SearchLemma(revision_id=revision_id, family=family, lemma=lemma,
                          forms=" ".join(sorted(forms)))
              for (family, lemma), forms in found.items())
    s.flush()
    return len(found)


def record_all_lemmas(s: Session, revision_id: int) -> int:
    """The lemmas of every word of the revision (for a revision applied before search_lemma
    existed); loads the morphology dictionaries."""
    vocabulary: set[str] = set()
    _docs_for_revision(s, revision_id, vocabulary)
    return record_lemmas(s, revision_id, vocabulary | synonym_words(s, revision_id))


def has_lemmas(s: Session, revision_id: int) -> bool:
    return s.scalar(select(SearchLemma.lemma).where(SearchLemma.revision_id == revision_id)
                    .limit(1)) is not None


def read_lexicon(s: Session, revision_id: int) -> Lexicon:
    return Lexicon(s.execute(select(SearchLemma.family, SearchLemma.lemma, SearchLemma.forms)
                             .where(SearchLemma.revision_id == revision_id)))


def drop_index(s: Session, revision_ids: list[int], *, synonyms: bool = True) -> None:
    """Remove the index (and synonyms and lemmas) of revisions being deleted."""
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
        s.execute(delete(SearchLemma).where(SearchLemma.revision_id.in_(revision_ids)))
        s.execute(delete(SearchSynonym).where(SearchSynonym.revision_id.in_(revision_ids)))
        s.execute(delete(ElsewhereMatter).where(ElsewhereMatter.revision_id.in_(revision_ids)))


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchHit:
    kind: str  # procedure, elsewhere, department, form, rate, announcement
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
    mode: str  # "index" (in memory) or "none"
    concepts: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ElsewhereView:
    """A matter another institution handles, as the search screen and its card show it."""

    code: str
    title: LocalText
    summary: LocalText
    handled_by: LocalText
    address: str | None
    phones: tuple[str, ...]
    hours: LocalText | None
    url: str | None
    unconfirmed: tuple[str, ...]


def scrub_query(query: str) -> str:
    """What may be kept of a query (kiosk.usage.scrub: e-mail addresses and runs of 6+ digits
    replaced), so a log of unanswered queries holds no personal data."""
    return scrub_text(query, MAX_QUERY)


class SearchService:
    """Queries over the active revision's index, read once per revision and language into
    memory; thread-safe."""

    def __init__(self, Session_: sessionmaker[Session],
                 now=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None)):
        self._Session = Session_
        self._now = now
        self._lock = threading.Lock()
        self._corpora: dict[tuple[tuple[int, str], str], Corpus] = {}
        self._lexicons: dict[tuple[int, str], Lexicon] = {}
        self._open_counts: dict[str, int] | None = None

    def _active_key(self, s: Session) -> tuple[int, str] | None:
        """The active revision and its checksum: a sync that updates a revision in place
        changes the checksum, so its index is read again."""
        row = s.execute(select(m.ContentRevision.id, m.ContentRevision.checksum)
                        .where(m.ContentRevision.active.is_(True))).first()
        return (row[0], row[1]) if row is not None else None

    def _corpus(self, key: tuple[int, str], lang: str) -> Corpus:
        rid = key[0]
        with self._lock:
            corpus = self._corpora.get((key, lang))
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
                rows = s.execute(
                    select(SearchDoc.id, SearchDoc.kind, SearchDoc.ref, SearchDoc.position,
                           SearchDoc.label, SearchDoc.detail, SearchDoc.title, SearchDoc.symbol,
                           SearchDoc.keywords, SearchDoc.body)
                    .where(SearchDoc.revision_id == rid, SearchDoc.lang == lang)
                    .order_by(SearchDoc.id)).all()
                synonyms = [(list(w), list(mn), list(mt)) for w, mn, mt in s.execute(
                    select(SearchSynonym.words, SearchSynonym.means, SearchSynonym.matters)
                    .where(SearchSynonym.revision_id == rid).order_by(SearchSynonym.position))]
            from kiosk.search.ranking import Corpus  # numpy: only where a search runs

            corpus = Corpus.build(rid, lang, rows, synonyms, self._lexicon(key))
            # Keep only the active revision's corpora: an old one is never asked again.
            self._corpora = {k: v for k, v in self._corpora.items() if k[0] == key}
            self._corpora[(key, lang)] = corpus
            return corpus

    def _lexicon(self, key: tuple[int, str]) -> Lexicon:
        """The revision's lemmas, read once for its three languages (under self._lock)."""
        lexicon = self._lexicons.get(key)
        if lexicon is not None:
            return lexicon
        rid = key[0]
        with self._Session() as s:
            missing = not has_lemmas(s, rid)
        if missing:
            # Content applied before search_lemma (schema 0011): write its lemmas now, once.
            # This loads morfeusz2 and pymorphy3 into this process for good (~65 MiB): the
            # only time its searching does; content applied since brings its lemmas along.
            with self._Session.begin() as s:
                record_all_lemmas(s, rid)
        with self._Session() as s:
            lexicon = read_lexicon(s, rid)
        self._lexicons = {key: lexicon}
        return lexicon

    def _opens_all(self) -> dict[str, int]:
        """Open counts, read once and then kept up to date by `record_open` (the kiosk is the
        only writer of its own counts)."""
        if self._open_counts is None:
            with self._Session() as s:
                self._open_counts = dict(s.execute(
                    select(SearchOpenCount.symbol, SearchOpenCount.count)).all())
        return self._open_counts

    # --- the query ----------------------------------------------------------------------
    def search(self, query: str, lang: str = "pl", limit: int = 20, *,
               revision: tuple[int, str] | None = None) -> SearchResults:
        """`revision`: (id, checksum) of the revision the screens show (ContentService's
        pinned key), so results match the guides they open and no query reads the database;
        None searches the active revision."""
        query = clean_text(query or "")[:MAX_QUERY]
        lang = lang if lang in LANGS else "pl"
        key = revision
        if key is None:
            with self._Session() as s:
                key = self._active_key(s)
        if key is None or not tokens(query):
            return SearchResults(query, lang, (), 0, "none")
        from kiosk.search.ranking import near_pairs, rank, read_query

        corpus = self._corpus(key, lang)
        concepts = read_query(query, corpus)
        if not concepts:
            return SearchResults(query, lang, (), 0, "none")
        opens = self._opens_all()
        ranked, total = rank(corpus, concepts, opens, max(0, limit),
                             near_pairs(query, corpus))
        hits = tuple(SearchHit(corpus.kinds[i], corpus.refs[i], corpus.labels[i],
                               corpus.details[i], round(score, 3),
                               opens.get(corpus.refs[i], 0)
                               if corpus.kinds[i] == "procedure" else 0)
                     for i, score in ranked)
        return SearchResults(query, lang, hits, total, "index",
                             tuple(c.text for c in concepts))

    def warm(self, langs: Sequence[str] = LANGS) -> None:
        """Read the active revision's index into memory now (after the first frame, after a
        sync), so that no resident's first query waits for it."""
        with self._Session() as s:
            key = self._active_key(s)
        if key is not None:
            for lang in langs:
                self._corpus(key, lang)

    def elsewhere(self, code: str) -> ElsewhereView | None:
        """The "not handled here" entry `code` of the active revision, or None."""
        with self._Session() as s:
            key = self._active_key(s)
            rid = key[0] if key is not None else None
            e = s.scalar(select(ElsewhereMatter).where(ElsewhereMatter.revision_id == rid,
                                                       ElsewhereMatter.code == code))
            if e is None:
                return None
            return ElsewhereView(e.code, e.title, e.summary, e.handled_by, e.address,
                                 tuple(e.phones or ()), e.hours, e.url,
                                 tuple(e.unconfirmed or ()))

    # --- what residents do ----------------------------------------------------------------
    def record_open(self, symbol: str) -> None:
        """A resident opened this guide (the guide screen calls this once per visit)."""
        with self._Session.begin() as s:
            row = s.get(SearchOpenCount, symbol)
            if row is None:
                row = SearchOpenCount(symbol=symbol, count=1, last_opened=self._now())
                s.add(row)
            else:
                row.count += 1
                row.last_opened = self._now()
            count = row.count
        if self._open_counts is not None:
            self._open_counts[symbol] = count

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
            key = self._active_key(s)
        if key is None:
            return []
        rid = key[0]
        self._corpus(key, "pl")  # builds the index of content loaded before search existed
        with self._Session() as s:
            rows = list(s.execute(select(SearchDoc.ref, SearchDoc.label, SearchDoc.detail,
                                         SearchDoc.position)
                                  .where(SearchDoc.revision_id == rid, SearchDoc.lang == "pl",
                                         SearchDoc.kind == "procedure")).all())
        opens = self._opens_all()
        rows.sort(key=lambda r: (-opens.get(r.ref, 0), r.position))
        return [SearchHit("procedure", r.ref, r.label, r.detail, 0.0, opens.get(r.ref, 0))
                for r in rows[:n]]
