"""An incremental sync applies only what changed (kiosk.content.store.apply_changes) and shows
residents exactly what a whole revision of the same central content would; it falls back to
the whole revision when much changed or when what records are checked against changed; a
failure in the middle of it leaves the old content. Real PostgreSQL, real SQLite files.
(A SIGKILL at random points of an incremental sync: tests/test_sync_kill.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from content_sync.sync import run_sync
from kiosk.content.service import ContentService, NotFound
from kiosk.db import models as m
from kiosk.db.engine import make_engine, session_factory, upgrade
from kiosk.db.search_models import SearchDoc
from kiosk.search.service import SearchService
from tests.sync_support import Central, central_db, kiosk_cfg

QUERIES = [("dowód osobisty", "pl"), ("odpis aktu urodzenia", "pl"), ("hulajnoga", "pl"),
           ("podatek od psa", "pl"), ("ślub", "pl"), ("Kultura i sport", "pl"),
           ("birth certificate", "en"), ("паспорт", "uk")]


class Kiosk:
    def __init__(self, data_dir, reader: str):
        self.cfg = kiosk_cfg(data_dir)
        self.engine = make_engine(self.cfg.paths.effective_database_url)
        upgrade(self.engine)
        self.Session = session_factory(self.engine)
        self.reader = reader

    def sync(self, **kw):
        report = run_sync(self.cfg, source_url=self.reader, Session_=self.Session, **kw)
        assert report.outcome == "ok", report.detail
        return report

    def seen(self) -> dict:
        """What residents see: every screen's content and the answers to a few searches."""
        content = ContentService(self.Session)
        cats = content.categories()
        procs = {c.code: content.procedures_in(c.code) for c in cats}
        out = {"categories": cats, "procedures": procs,
               "guides": {p.symbol: content.guide(p.symbol)
                          for items in procs.values() for p in items},
               "departments": content.departments(), "forms": content.forms(),
               "rates": content.rates(), "queues": content.queue_categories(),
               "closures": content.closures(),
               "announcements": content.announcements(dt.date(2026, 11, 24))}
        search = SearchService(self.Session)
        out["search"] = {q: [(h.kind, h.ref, h.score) for h in search.search(q, lang).hits]
                         for q, lang in QUERIES}
        with self.Session() as s:
            out["index"] = sorted(
                (d.lang, d.kind, d.ref, d.position, d.title, d.symbol, d.keywords, d.body)
                for d in s.scalars(select(SearchDoc).join(
                    m.ContentRevision, m.ContentRevision.id == SearchDoc.revision_id)
                    .where(m.ContentRevision.active.is_(True))))
            out["checksum"] = s.scalar(select(m.ContentRevision.checksum)
                                       .where(m.ContentRevision.active.is_(True)))
        return out

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def central(pg_server):
    url, reader = central_db(pg_server)
    return Central(url), reader


def test_an_incremental_sync_shows_what_a_whole_revision_would(central, tmp_path):
    c, reader = central
    kiosk = Kiosk(tmp_path / "incremental", reader)
    kiosk.sync()
    rev_before = ContentService(kiosk.Session).status()
    # An editor's evening: one procedure changed, one added before the others (every later
    # one moves), one deleted, a category renamed (in the procedures' index words), a form
    # and an announcement changed.
    c.edit("procedure", "USC I", lambda d: d["title"].update(pl="Odpis aktu (zmieniony)"))
    new = c.add_procedure("AAA 1", title={"pl": "Rejestracja hulajnogi"})
    c.put("procedure", "AAA 1", new, file="a-first", position=0)
    c.delete("procedure", "DRK XX")
    c.edit("category", "civil-status", lambda d: d.update(name={"pl": "Kultura i sport"}))
    c.edit("form", "DEL-DOWOD", lambda d: d.update(title={"pl": "Wniosek (nowy wzór)"}))
    ann = "sign-language-interpreter"
    c.edit("announcement", ann, lambda d: d.update(title={"pl": "Tłumacz PJM codziennie"}))

    report = kiosk.sync()
    assert report.detail["applied"] == "changes only", report.detail
    assert (report.added, report.removed) == (1, 1)
    content = ContentService(kiosk.Session)
    status = content.status()  # the same revision, changed: its checksum tells caches
    assert status.revision_id == rev_before.revision_id
    assert status.checksum != rev_before.checksum and status.loaded_at > rev_before.loaded_at
    assert content.guide("USC I").title.pl == "Odpis aktu (zmieniony)"
    assert content.guide("AAA 1").title.pl == "Rejestracja hulajnogi"
    with pytest.raises(NotFound):
        content.guide("DRK XX")
    hits = SearchService(kiosk.Session).search("hulajnoga").hits
    assert hits and hits[0].ref == "AAA 1"
    with kiosk.Session() as s:
        assert s.scalars(select(m.ContentRevision.id)).all() == [status.revision_id]

    whole = Kiosk(tmp_path / "whole", reader)
    assert whole.sync(full=True).detail["applied"].startswith("whole revision")
    incremental_seen, whole_seen = kiosk.seen(), whole.seen()
    for key, value in whole_seen.items():
        assert incremental_seen[key] == value, key
    kiosk.close()
    whole.close()


def test_large_changes_and_changes_to_what_records_are_checked_against_write_it_whole(
        central, tmp_path, monkeypatch):
    c, reader = central
    kiosk = Kiosk(tmp_path / "k", reader)
    kiosk.sync()
    c.edit("department", "USC", lambda d: d.update(room="101"))
    assert kiosk.sync().detail["applied"].startswith("whole revision (departments")
    symbols = _keys(c, "procedure")
    for symbol in symbols[:len(symbols) // 3 + 1]:  # over 30 % of the procedures
        c.edit("procedure", symbol, lambda d: d.update(notes={"pl": "Zmiana."}))
    assert kiosk.sync().detail["applied"].startswith("whole revision (")
    c.edit("procedure", symbols[0], lambda d: d.update(notes={"pl": "Jeszcze jedna."}))
    assert kiosk.sync().detail["applied"] == "changes only"

    # Content loaded by hand while the sync worked out its changes: they no longer apply,
    # and the sync writes the whole revision instead.
    from content_sync import sync as sync_mod
    from kiosk.content.store import ChangesDoNotApply

    def moved_on(*_a, **_k):
        raise ChangesDoNotApply("the active revision is another")

    monkeypatch.setattr(sync_mod, "apply_changes", moved_on)
    c.edit("procedure", symbols[1], lambda d: d.update(title={"pl": "Po załadowaniu"}))
    report = kiosk.sync()
    assert report.detail["applied"] == "whole revision (the active revision is another)"
    assert ContentService(kiosk.Session).guide(symbols[1]).title.pl == "Po załadowaniu"
    monkeypatch.undo()
    c.edit("procedure", symbols[1], lambda d: d.update(title={"pl": "I znowu"}))
    assert kiosk.sync().detail["applied"] == "changes only"
    assert ContentService(kiosk.Session).guide(symbols[1]).title.pl == "I znowu"
    kiosk.close()


def test_a_failure_in_the_middle_of_an_incremental_apply_leaves_the_old_content(
        central, tmp_path, monkeypatch):
    from kiosk.search import index_update

    c, reader = central
    kiosk = Kiosk(tmp_path / "k", reader)
    kiosk.sync()
    before = kiosk.seen()
    c.edit("procedure", "USC I", lambda d: d["title"].update(pl="Nigdy nie widziany"))
    c.delete("procedure", "DRK XX")

    def broken(*_a, **_k):  # after the rows moved and changed, before the commit
        raise OSError("disk full")

    monkeypatch.setattr(index_update, "_docs_for_revision", broken)
    report = run_sync(kiosk.cfg, source_url=reader, Session_=kiosk.Session)
    assert report.outcome == "local" and "disk full" in report.detail["error"]
    after = kiosk.seen()
    assert after == before
    monkeypatch.undo()
    assert kiosk.sync().detail["applied"] == "changes only"  # and the next night catches up
    assert ContentService(kiosk.Session).guide("USC I").title.pl == "Nigdy nie widziany"
    kiosk.close()


def _keys(c: Central, kind: str) -> list[str]:
    from content_sync.central import SCHEMA

    with c._conn() as conn:
        return [r[0] for r in conn.execute(
            f"SELECT key FROM {SCHEMA}.content_record WHERE kind = %s AND NOT deleted "
            f"ORDER BY file, position, key", (kind,))]

