"""Put a validated content revision into the database and make it the one residents see."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import KioskConfig
from kiosk.content.layout import folder_checksum
from kiosk.db import models as m
from kiosk.db.closure_models import OfficeClosure
from kiosk.db.search_models import ElsewhereMatter, SearchSynonym
from kiosk.db.setup_lock import setup_lock

if TYPE_CHECKING:
    from kiosk.content.format import ContentBundle

# The search index modules and the content file models are imported where content is
# written: a start that finds its content loaded already needs neither before its first frame.

log = logging.getLogger(__name__)

def active_revision(session: Session) -> m.ContentRevision | None:
    return session.scalars(
        select(m.ContentRevision).where(m.ContentRevision.active.is_(True))).first()


def _without(d: dict, *keys: str) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


def apply_bundle(Session_: sessionmaker[Session], bundle: ContentBundle, *,
                 keep_old: int = 1,
                 in_transaction: Callable[[Session, int], None] | None = None) -> int:
    """Insert the whole bundle as a new revision and activate it in one transaction.

    Readers keep seeing the old revision until the commit, then the complete new one. Older
    revisions beyond `keep_old` are deleted in the same transaction (cascading to their rows);
    keep at least 1, so a running kiosk's pinned revision (ContentService.pin) outlives one
    load. `in_transaction(session, revision_id)` runs just before the commit, for state that
    must change together with the content (the sync's position in the central database).
    """
    from kiosk.search.service import build_index

    with Session_.begin() as s:
        rev = m.ContentRevision(
            label=bundle.revision, schema_version=bundle.schema_version,
            published=bundle.published, source=bundle.source[:500], checksum=bundle.checksum,
            loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None), active=False)
        s.add(rev)
        s.flush()
        rid = rev.id
        _insert_records(s, rid, bundle)
        s.flush()
        # The search index is part of the revision: built in this transaction, so residents
        # never search an index of another revision than the one they read.
        build_index(s, rid)
        s.execute(update(m.ContentRevision).values(active=m.ContentRevision.id == rid))
        old = s.scalars(select(m.ContentRevision.id).where(m.ContentRevision.id != rid)
                        .order_by(m.ContentRevision.id.desc())).all()
        stale = list(old[keep_old:])
        if stale:
            _delete_revisions(s, stale)
        if in_transaction is not None:
            in_transaction(s, rid)
    return rid


class ChangesDoNotApply(Exception):
    """The change set was worked out against another revision than the active one (a content
    load ran meanwhile) or another schema: apply the whole bundle instead."""


# The bundle lists an incremental apply may replace whole, with their tables. Procedures are
# changed record by record; the other kinds are few, and their order among themselves (by
# row id for departments and forms) is kept only by writing the whole list again.
_WHOLE_LISTS: dict[str, Any] = {  # the mapped classes
    "categories": m.Category, "departments": m.Department,
    "queue_categories": m.QueueCategory, "forms": m.Form, "rates": m.LocalRate,
    "announcements": m.Announcement, "synonyms": SearchSynonym, "elsewhere": ElsewhereMatter,
    "closures": OfficeClosure}
# Bundle list → the kind of its search index rows.
_INDEX_KINDS = {"departments": "department", "forms": "form", "rates": "rate",
                "elsewhere": "elsewhere", "announcements": "announcement"}
WHOLE_LISTS = frozenset(_WHOLE_LISTS)


@dataclass(frozen=True)
class ContentChanges:
    """The next content given as what differs from the active revision, `base_revision_id`
    (what an incremental sync works out).

    `bundle` carries the new revision's header (label, checksum...) and: its procedures that
    were added or changed (with their positions in the new revision); for each list named in
    `whole`, every record of that list (written again whole); every other list empty (kept as
    it is). `removed` names the procedures (symbols) that are gone."""

    base_revision_id: int
    bundle: ContentBundle
    whole: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    # Every procedure's position in the new revision (symbol → position): a record added or
    # removed before others moves them.
    positions: Mapping[str, int] = field(default_factory=dict)


def apply_changes(Session_: sessionmaker[Session], changes: ContentChanges, *,
                  in_transaction: Callable[[Session, int], None] | None = None) -> int:
    """Change the active revision in place by `changes`, in one transaction: costs what
    changed, not the size of the content. Returns its id (the same).

    Only the changed records are written again, and only their search index rows
    (kiosk.search.index_update). A read transaction (WAL) sees the whole old content until
    the commit, then the whole new one; a kill anywhere leaves the old. (Without a read
    transaction, pysqlite's default, each SELECT is a snapshot of its own: a reader making
    several may read some before the commit and some after.) The revision's label,
    checksum and load time change with it: whatever keeps content in memory must key it by
    (id, checksum), as SearchService and ContentService's snapshot do. Unlike a whole new
    revision, the old content is not kept for a kiosk pinned to it: it reads the new one.
    Raises ChangesDoNotApply when the active revision is not the base (nothing written)."""
    from kiosk.search.index_update import reindex, reposition_procedures

    b = changes.bundle
    unknown = changes.whole - WHOLE_LISTS
    if unknown:
        raise ValueError(f"only these lists can be replaced whole: {sorted(WHOLE_LISTS)}; "
                         f"not {sorted(unknown)}")
    with Session_.begin() as s:
        base = active_revision(s)
        if base is None or base.id != changes.base_revision_id:
            raise ChangesDoNotApply(f"the active revision is {base.id if base else None}, "
                                    f"not {changes.base_revision_id}")
        if base.schema_version != b.schema_version:
            raise ChangesDoNotApply(f"schema {base.schema_version} → {b.schema_version}")
        rid = base.id
        base.label, base.published, base.source = b.revision, b.published, b.source[:500]
        base.checksum = b.checksum
        base.loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        categories_before = _category_names(s, rid) if "categories" in changes.whole else {}
        written = {p["symbol"] for p in b.procedures}
        _delete_procedures(s, rid, sorted(written | changes.removed))
        for name in changes.whole:
            _delete_list(s, rid, _WHOLE_LISTS[name])
        _insert_records(s, rid, b)
        s.flush()
        reindexed = set(written | changes.removed)
        if "categories" in changes.whole:  # a procedure's index words hold its category's name
            after = _category_names(s, rid)
            renamed = {c for c in categories_before.keys() | after.keys()
                       if categories_before.get(c) != after.get(c)}
            if renamed:
                reindexed |= set(s.scalars(select(m.Procedure.symbol).where(
                    m.Procedure.revision_id == rid, m.Procedure.category_code.in_(renamed))))
        _reposition_procedures(s, rid, changes.positions)
        reindex(s, rid, procedures=reindexed,
                kinds={_INDEX_KINDS[n] for n in changes.whole if n in _INDEX_KINDS},
                synonyms="synonyms" in changes.whole)
        reposition_procedures(s, rid)
        s.flush()
        if in_transaction is not None:
            in_transaction(s, rid)
    return rid


def _category_names(s: Session, rid: int) -> dict[str, object]:
    return {c.code: c.name for c in s.scalars(select(m.Category)
                                              .where(m.Category.revision_id == rid))}


def _delete_procedures(s: Session, rid: int, symbols: list[str]) -> None:
    for start in range(0, len(symbols), 500):  # SQLite's limit on bound parameters
        ids = select(m.Procedure.id).where(m.Procedure.revision_id == rid,
                                           m.Procedure.symbol.in_(symbols[start:start + 500]))
        for child in (m.ProcedureStep, m.ProcedureDocument, m.ProcedureFee):
            s.execute(delete(child).where(child.procedure_id.in_(ids)))
        s.execute(delete(m.Procedure).where(m.Procedure.revision_id == rid,
                                            m.Procedure.symbol.in_(symbols[start:start + 500])))


def _delete_list(s: Session, rid: int, table: Any) -> None:
    ids = select(table.id).where(table.revision_id == rid)
    if table is m.Department:
        s.execute(delete(m.OpeningHours).where(m.OpeningHours.department_id.in_(ids)))
    elif table is m.Form:
        s.execute(delete(m.FormField).where(m.FormField.form_id.in_(ids)))
    s.execute(delete(table).where(table.revision_id == rid))


def _reposition_procedures(s: Session, rid: int, positions: Mapping[str, int]) -> None:
    """Only the positions that differ are written (usually none)."""
    moved = [{"id": pid, "position": positions[sym]} for pid, sym, pos in s.execute(
        select(m.Procedure.id, m.Procedure.symbol, m.Procedure.position)
        .where(m.Procedure.revision_id == rid)) if positions.get(sym, pos) != pos]
    if moved:
        s.execute(update(m.Procedure), moved)  # by primary key


def _insert_records(s: Session, rid: int, bundle: ContentBundle) -> None:
    """Every record of the bundle's lists as rows of revision `rid` (children included)."""
    s.add_all(m.Category(revision_id=rid, **c) for c in bundle.categories)
    for d in bundle.departments:
        dept = m.Department(revision_id=rid, **_without(d, "hours"))
        dept.hours = [m.OpeningHours(weekday=w, opens=o, closes=c) for w, o, c in d["hours"]]
        s.add(dept)
    s.add_all(m.QueueCategory(revision_id=rid, **q) for q in bundle.queue_categories)
    for f in bundle.forms:
        form = m.Form(revision_id=rid, **_without(f, "fields"))
        form.fields = [m.FormField(**x) for x in f["fields"]]
        s.add(form)
    s.add_all(m.LocalRate(revision_id=rid, **r) for r in bundle.rates)
    s.add_all(m.Announcement(revision_id=rid, **a) for a in bundle.announcements)
    for p in bundle.procedures:
        proc = m.Procedure(revision_id=rid, **_without(p, "steps", "documents", "fees"))
        proc.steps = [m.ProcedureStep(**x) for x in p["steps"]]
        proc.documents = [m.ProcedureDocument(**x) for x in p["documents"]]
        proc.fees = [m.ProcedureFee(**x) for x in p["fees"]]
        s.add(proc)
    s.add_all(SearchSynonym(revision_id=rid, **x) for x in bundle.synonyms)
    s.add_all(ElsewhereMatter(revision_id=rid, **x) for x in bundle.elsewhere)
    s.add_all(OfficeClosure(revision_id=rid, **x) for x in bundle.closures)


def _delete_revisions(s: Session, ids: list[int]) -> None:
    from kiosk.search.service import drop_index

    drop_index(s, ids)  # search rows of these revisions (no ORM relationship to cascade)
    # Child rows first: ON DELETE CASCADE is not relied on because SQLite enforces it only
    # with the foreign_keys pragma, which a hand-made connection may lack.
    proc_ids = select(m.Procedure.id).where(m.Procedure.revision_id.in_(ids))
    for child in (m.ProcedureStep, m.ProcedureDocument, m.ProcedureFee):
        s.execute(delete(child).where(child.procedure_id.in_(proc_ids)))
    s.execute(delete(m.FormField).where(m.FormField.form_id.in_(
        select(m.Form.id).where(m.Form.revision_id.in_(ids)))))
    s.execute(delete(m.OpeningHours).where(m.OpeningHours.department_id.in_(
        select(m.Department.id).where(m.Department.revision_id.in_(ids)))))
    for table in (*m.CONTENT_TABLES, OfficeClosure):
        s.execute(delete(table).where(table.revision_id.in_(ids)))
    s.execute(delete(m.ContentRevision).where(m.ContentRevision.id.in_(ids)))


def ensure_bundled_content(Session_: sessionmaker[Session], config: KioskConfig) -> int | None:
    """Load the configured content folder when the kiosk has none, or when that folder (not a
    sync) supplied the active revision and has changed since. Returns the new revision id."""
    with setup_lock(config.paths.data_dir):
        return _ensure_bundled_content(Session_, config)


def _ensure_bundled_content(Session_: sessionmaker[Session],
                            config: KioskConfig) -> int | None:
    source = str(config.paths.content_dir)
    with Session_() as s:
        rev = active_revision(s)
        current = (rev.source, rev.checksum) if rev else None
    if current is not None and current[0] != source:
        return None
    if current is not None:
        try:  # unchanged files: nothing to parse (every command and start asks this)
            if folder_checksum(config.paths.content_dir) == current[1]:
                return None
        except OSError:
            pass  # a file gone: read_content below says which
    from kiosk.content.format import read_content

    bundle = read_content(config.paths.content_dir)
    if current is not None and current[1] == bundle.checksum:
        return None
    log.info("loading content %s from %s", bundle.revision, source)
    return apply_bundle(Session_, bundle)
