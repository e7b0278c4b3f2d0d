"""Bring a revision's search index up to date for some of its records only (an incremental
sync: kiosk.content.store.apply_changes), instead of indexing the whole revision again.

The rows are built by the same code as a whole index (kiosk.search.service._docs_for_revision),
made to see only the records asked for: while it runs, every ORM query of this session on an
indexed record type gets the extra criterion of `with_loader_criteria` (SQLAlchemy's "global
filter" recipe, through the session's do_orm_execute event). So the words of a record are
always those a full build would write, and there is one place that says what gets indexed.

A kind is either indexed by record (procedures: by symbol) or whole (every other kind: their
positions in the index are their order among all records of the kind, and they are few).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import ColumnElement, delete, event, false, select, update
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from kiosk.db import models as m
from kiosk.db.search_models import ElsewhereMatter, SearchDoc
from kiosk.search.service import (
    _docs_for_revision,
    has_lemmas,
    record_all_lemmas,
    record_lemmas,
    synonym_words,
)

# The record type each kind of index row is built from, and the column naming it (`ref`).
_INDEXED = {"procedure": (m.Procedure, m.Procedure.symbol),
            "department": (m.Department, m.Department.code),
            "form": (m.Form, m.Form.code),
            "rate": (m.LocalRate, m.LocalRate.code),
            "elsewhere": (ElsewhereMatter, ElsewhereMatter.code),
            "announcement": (m.Announcement, m.Announcement.code)}
WHOLE_KINDS = frozenset(_INDEXED) - {"procedure"}


@contextmanager
def _only(s: Session, criteria: Mapping[type, ColumnElement[bool]]) -> Iterator[None]:
    """ORM queries of `s` on these types see only the rows meeting their criterion."""
    options = [with_loader_criteria(entity, crit, include_aliases=True)
               for entity, crit in criteria.items()]

    def add_criteria(state: ORMExecuteState) -> None:
        if state.is_select and not state.is_column_load and not state.is_relationship_load:
            state.statement = state.statement.options(*options)

    event.listen(s, "do_orm_execute", add_criteria)
    try:
        yield
    finally:
        event.remove(s, "do_orm_execute", add_criteria)


def reindex(s: Session, revision_id: int, *, procedures: Collection[str] = (),
            kinds: Collection[str] = (), synonyms: bool = False) -> int:
    """Write the index rows (every language) of these procedures (symbols) and of every record
    of these whole kinds again, inside the caller's transaction; other rows stay. A symbol
    no longer in the revision just loses its rows. The lemmas of their words (and of the
    synonyms', when they changed) that the revision lacks are added. Returns the number of
    rows written."""
    kinds = set(kinds) & WHOLE_KINDS
    procedures = sorted(set(procedures))
    if not has_lemmas(s, revision_id):  # applied before search_lemma existed: all, once
        record_all_lemmas(s, revision_id)
    elif synonyms:
        record_lemmas(s, revision_id, synonym_words(s, revision_id))
    if not procedures and not kinds:
        return 0
    _drop(s, revision_id, procedures, kinds)
    criteria: dict[type, ColumnElement[bool]] = {}
    for kind, (entity, name) in _INDEXED.items():
        if kind == "procedure":
            criteria[entity] = name.in_(procedures) if procedures else false()
        elif kind not in kinds:
            criteria[entity] = false()
    vocabulary: set[str] = set()
    with _only(s, criteria):
        docs = _docs_for_revision(s, revision_id, vocabulary)
    s.add_all(SearchDoc(revision_id=revision_id, **d) for d in docs)
    record_lemmas(s, revision_id, vocabulary)
    s.flush()
    return len(docs)


def _drop(s: Session, revision_id: int, procedures: list[str], kinds: set[str]) -> None:
    mine = SearchDoc.revision_id == revision_id
    if kinds:
        s.execute(delete(SearchDoc).where(mine, SearchDoc.kind.in_(kinds)))
    for start in range(0, len(procedures), 500):  # SQLite's limit on bound parameters
        chunk = procedures[start:start + 500]
        s.execute(delete(SearchDoc).where(mine, SearchDoc.kind == "procedure",
                                          SearchDoc.ref.in_(chunk)))


def reposition_procedures(s: Session, revision_id: int) -> None:
    """The procedures' index rows take their records' positions again (a record added or
    removed before others moves them): one statement, writing only the rows that moved."""
    position = (select(m.Procedure.position)
                .where(m.Procedure.revision_id == SearchDoc.revision_id,
                       m.Procedure.symbol == SearchDoc.ref).scalar_subquery())
    s.execute(update(SearchDoc).where(SearchDoc.revision_id == revision_id,
                                      SearchDoc.kind == "procedure",
                                      SearchDoc.position != position)
              .values(position=position).execution_options(synchronize_session=False))
