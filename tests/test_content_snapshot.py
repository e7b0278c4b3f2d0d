"""What a resident reads comes from one moment of the content, also while a sync changes the
active revision in place (an incremental sync): a guide is never half old and half new, and a
snapshot the kiosk keeps is never a mix of the two."""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import event, select

from kiosk.db import models as m
from kiosk.texts import LocalText

SYMBOL = "USC I"


def _sync_in_place(db_path, title: str, step: str, checksum: str) -> None:
    """What an incremental sync commits for one changed procedure, from its own connection."""
    db = sqlite3.connect(db_path)
    try:
        (pid,) = db.execute("SELECT id FROM procedure WHERE symbol = ? AND revision_id = "
                            "(SELECT id FROM content_revision WHERE active)", (SYMBOL,)).fetchone()
        db.execute("UPDATE procedure SET title = ? WHERE id = ?",
                   (json.dumps(LocalText(pl=title).to_json()), pid))
        db.execute("UPDATE procedure_step SET text = ? WHERE procedure_id = ?",
                   (json.dumps(LocalText(pl=step).to_json()), pid))
        db.execute("UPDATE content_revision SET checksum = ? WHERE active", (checksum,))
        db.commit()
    finally:
        db.close()


def test_a_guide_read_while_a_sync_commits_is_all_old_or_all_new(core):
    db_path = core.config.paths.data_dir / "kiosk.sqlite3"
    before = core.content.guide(SYMBOL)
    statements = []

    def sync_between_selects(_conn, _cursor, statement, *_args):
        statements.append(statement)
        if len(statements) == 3:  # the procedure was read; its steps are next
            _sync_in_place(db_path, "Nowy tytuł", "Nowy krok", "changed-in-place")

    event.listen(core.engine, "before_cursor_execute", sync_between_selects)
    try:
        during = core.content.guide(SYMBOL)
    finally:
        event.remove(core.engine, "before_cursor_execute", sync_between_selects)
    assert len(statements) > 3  # the sync really came in the middle of the read
    assert during.title == before.title
    assert during.steps == before.steps
    after = core.content.guide(SYMBOL)
    assert after.title.pl == "Nowy tytuł" and {s.pl for s in after.steps} == {"Nowy krok"}


def test_a_kept_snapshot_starts_again_when_its_revision_changes_in_place(core):
    content = core.content
    content.pin()
    old_title = content.guide(SYMBOL).title  # kept in the snapshot
    _sync_in_place(core.config.paths.data_dir / "kiosk.sqlite3", "Nowy tytuł", "Nowy krok",
                   "changed-in-place")
    # The next read the kiosk makes finds its revision changed: everything is read anew, so
    # a guide opened now and one opened before never mix within the snapshot.
    content.categories()
    assert content.guide(SYMBOL).title.pl == "Nowy tytuł" != old_title.pl
    with core.Session() as s:
        rev = s.scalar(select(m.ContentRevision).where(m.ContentRevision.active.is_(True)))
    assert content.pinned_key == (rev.id, "changed-in-place", rev.loaded_at)
