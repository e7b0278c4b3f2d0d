"""Tables of search: synonyms (content), the derived index and lemmas, and kiosk-local counters.

kiosk.db.schema imports it, so that Base.metadata (and the migration check) holds them.
The SQLite FTS5 table `search_fts` is not an ORM table: it is created by migration 0004 with raw
SQL (see kiosk.search.service.FTS_TABLE) and left out of the schema comparison.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.base import Base, LocalTextType
from kiosk.texts import LocalText


class SearchSynonym(Base):
    """Everyday words and situations (synonyms.yaml), per content revision: the words or
    phrases residents use, the content words they mean, and the matters (procedure symbols or
    other codes) a situation leads to."""

    __tablename__ = "search_synonym"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("content_revision.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    words: Mapped[list[str]] = mapped_column(JSON, default=list)
    means: Mapped[list[str]] = mapped_column(JSON, default=list)
    matters: Mapped[list[str]] = mapped_column(JSON, default=list)


class ElsewhereMatter(Base):
    """A matter residents bring to the office that another institution handles (elsewhere.yaml):
    passports, the land register, ZUS... with who handles it and where, per content revision."""

    __tablename__ = "elsewhere_matter"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("content_revision.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[LocalText] = mapped_column(LocalTextType)
    summary: Mapped[LocalText] = mapped_column(LocalTextType)
    handled_by: Mapped[LocalText] = mapped_column(LocalTextType)
    address: Mapped[str | None] = mapped_column(String(200))
    phones: Mapped[list[str]] = mapped_column(JSON, default=list)
    hours: Mapped[LocalText | None] = mapped_column(LocalTextType)
    url: Mapped[str | None] = mapped_column(String(500))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    unconfirmed: Mapped[list[str]] = mapped_column(JSON, default=list)


class SearchDoc(Base):
    """One searchable item of one revision in one language, its fields already normalised
    (folded words separated by spaces). Derived from the content when a revision is applied."""

    __tablename__ = "search_doc"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("content_revision.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(20))  # procedure, department, form, rate, announcement
    ref: Mapped[str] = mapped_column(String(60))  # symbol or code
    position: Mapped[int]
    label: Mapped[LocalText] = mapped_column(LocalTextType)
    detail: Mapped[LocalText | None] = mapped_column(LocalTextType)
    title: Mapped[str] = mapped_column(Text)
    symbol: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


class SearchLemma(Base):
    """A lemma of a revision's words with every inflected form of it (as generated: lower case
    but for proper names; separated by spaces), in its family: "pl" (morfeusz2) or "uk"
    (pymorphy3). Written where content is applied, so that the kiosk can read a query's words
    by lemma without loading the dictionaries (kiosk.search.text.Lexicon). Only ever added
    to: a form left over from content since changed just leads to a lemma no index word
    holds."""

    __tablename__ = "search_lemma"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("content_revision.id", ondelete="CASCADE"), primary_key=True)
    family: Mapped[str] = mapped_column(String(2), primary_key=True)
    lemma: Mapped[str] = mapped_column(String(120), primary_key=True)
    forms: Mapped[str] = mapped_column(Text)


class SearchOpenCount(Base):
    """How often residents opened each guide at this kiosk (kiosk-local; the kiosk is the only
    writer). Breaks ties in the ranking; kept across content revisions."""

    __tablename__ = "search_open_count"

    symbol: Mapped[str] = mapped_column(String(30), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_opened: Mapped[dt.datetime] = mapped_column(DateTime)


class SearchQueryLog(Base):
    """A query that found nothing, for staff: scrubbed of long digit runs and e-mail addresses,
    with no link to a person or a session."""

    __tablename__ = "search_query_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    lang: Mapped[str] = mapped_column(String(2))
    query: Mapped[str] = mapped_column(String(200))
    result_count: Mapped[int]
