"""A sync never loses what the kiosk shows to a broken reference (issue 18, defect 2), against a
real PostgreSQL central database and `kiosk` commands run as separate processes:

- a record whose new version points at a missing record keeps its previous version;
- a central deletion that would strand other records (procedures, forms, queue categories
  pointing at the deleted one) is refused whole, naming them, and the kiosk keeps everything;
- such a sync exits 1 and `kiosk status` needs staff (exit 1, sync "warn") until a sync
  rejects nothing; `kiosk ticket issue A` keeps working.
"""

from __future__ import annotations

import json

import pytest

from content_sync.sync import run_sync
from kiosk.content.service import ContentService
from kiosk.db.engine import make_engine, session_factory, upgrade
from kiosk.ops.sync_reports import EXIT_OK, EXIT_PARTIAL, recent_reports
from tests.sync_support import Central, central_db, kiosk_cfg, kiosk_cli, no_audio_config


@pytest.fixture
def central(pg_server):
    url, reader = central_db(pg_server)
    return Central(url), reader


@pytest.fixture
def kiosk(tmp_path):
    cfg = kiosk_cfg(tmp_path / "kiosk")
    engine = make_engine(cfg.paths.effective_database_url)
    upgrade(engine)
    Session_ = session_factory(engine)
    yield cfg, Session_, ContentService(Session_)
    engine.dispose()


def sync(kiosk, source, **kw):
    cfg, Session_, _ = kiosk
    return run_sync(cfg, source_url=source, Session_=Session_, **kw)


def users_of(c: Central, department: str) -> set[str]:
    """What points at a department in the central database, as the report names it."""
    with c._conn() as conn:
        rows = conn.execute("SELECT kind, key FROM bom_content.content_record WHERE NOT deleted "
                            "AND kind IN ('procedure', 'form', 'queue_category') "
                            "AND data->>'department' = %s", (department,)).fetchall()
    labels = {"procedure": "procedure", "form": "form", "queue_category": "queue category"}
    return {f"{labels[kind]} {key!r}" for kind, key in rows}


def status(data_dir, tmp_path):
    r = kiosk_cli("status", "--json", data_dir=data_dir, config=no_audio_config(tmp_path))
    return r.returncode, json.loads(r.stdout)


def test_deleting_a_department_others_use_is_refused_and_status_needs_staff(central, kiosk,
                                                                           tmp_path):
    """The issue's must-show: department USC deleted centrally. Before: 9 procedures, 2 forms
    and queue letter A vanished, the sync exited 1 unnoticed and `kiosk status` said ok."""
    c, reader = central
    cfg, Session_, content = kiosk
    data_dir = cfg.paths.data_dir
    assert sync(kiosk, reader).outcome == "ok"
    before = content.status().counts
    orphans = users_of(c, "USC")
    assert len(orphans) == 9 + 2 + 1  # as the issue counted: 9 procedures, 2 forms, letter A
    assert status(data_dir, tmp_path)[0] == 0

    c.delete("department", "USC")
    r = kiosk_cli("sync", "--source", reader, "--now", data_dir=data_dir,
                  config=no_audio_config(tmp_path))
    assert r.returncode == EXIT_PARTIAL, r.stdout + r.stderr
    # The kiosk keeps the department and everything that points at it.
    assert content.status().counts == before
    assert "USC" in {d.code for d in content.departments()}
    assert content.guide("USC I").department.code == "USC"
    assert {"USC-ODPIS", "USC-ZASWIADCZENIE"} <= {f.code for f in content.forms()}
    assert "A" in {q.letter for q in content.queue_categories()}
    # The sync's output names every record the deletion would have stranded.
    assert "rejected department 'USC': deleted centrally, but 9 procedures ('USC I', " \
        "'USC II'," in r.stdout
    assert "'USC XXIV'), 2 forms ('USC-ODPIS', 'USC-ZASWIADCZENIE') and queue category 'A' " \
        "still refer to it: the deletion is refused and the kiosk keeps it" in r.stdout

    report = recent_reports(Session_, 1)[0]
    assert report.outcome == "partial" and report.rejected == 1 and report.removed == 0
    [refused] = report.detail["rejected_records"]
    assert (refused["kind"], refused["key"]) == ("department", "USC")
    assert refused["refused_deletion"] is True and refused["kept_previous"] is True
    assert set(refused["orphans"]) == orphans

    # `kiosk status` does not say ok: the sync needs staff, and the command exits 1.
    code, out = status(data_dir, tmp_path)
    assert code == 1, out
    sync_part = out["components"]["sync"]
    assert sync_part["state"] == "warn" and sync_part["staff"] is True
    assert "refused 1 deletion(s)" in sync_part["detail"]
    assert "department 'USC' still used by" in sync_part["detail"]
    assert any(p.startswith("sync: ") for p in out["problems"])
    text = kiosk_cli("status", data_dir=data_dir, config=no_audio_config(tmp_path))
    assert text.returncode == 1
    assert "rejected department 'USC'" in text.stdout and "sync:" in text.stdout
    assert "sync:        ok" not in text.stdout

    # A resident can still take a ticket for the civil registry.
    r = kiosk_cli("ticket", "issue", "A", "--json", data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["department"] == "USC"

    # Nothing changed centrally since: still refused, still exit 1, status still needs staff.
    r = kiosk_cli("sync", "--source", reader, "--now", data_dir=data_dir,
                  config=no_audio_config(tmp_path))
    assert r.returncode == EXIT_PARTIAL and "nothing changed" in r.stdout
    assert "rejected department 'USC'" in r.stdout
    assert status(data_dir, tmp_path)[0] == 1


def test_a_ticket_for_letter_a_can_still_be_taken_after_the_usc_deletion_attempt(central, kiosk):
    """Before: `kiosk ticket issue A` failed with "unknown queue category"."""
    c, reader = central
    cfg, _, _ = kiosk
    sync(kiosk, reader)
    c.delete("department", "USC")
    assert sync(kiosk, reader).exit_code == EXIT_PARTIAL
    r = kiosk_cli("ticket", "issue", "A", "--json", data_dir=cfg.paths.data_dir)
    assert r.returncode == 0, r.stderr
    ticket = json.loads(r.stdout)
    assert ticket["code"] == "A001" and ticket["department"] == "USC"


def test_the_deletion_goes_through_once_nothing_uses_the_department(central, kiosk, tmp_path):
    c, reader = central
    cfg, Session_, content = kiosk
    sync(kiosk, reader)
    c.delete("department", "USC")
    assert sync(kiosk, reader).exit_code == EXIT_PARTIAL
    # The editor moves the queue letter and deletes the rest: a later sync completes it.
    c.edit("queue_category", "A", lambda d: d.update(department="DEL"))
    c.sql("DELETE FROM bom_content.content_record WHERE data->>'department' = 'USC'")
    report = sync(kiosk, reader)
    assert report.outcome == "ok" and report.exit_code == EXIT_OK, report.detail
    assert report.rejected == 0 and report.removed == 1 + 9 + 2  # USC, its procedures, forms
    assert "USC" not in {d.code for d in content.departments()}
    assert next(q for q in content.queue_categories() if q.letter == "A").department_code \
        == "DEL"
    assert status(cfg.paths.data_dir, tmp_path)[0] == 0


def test_a_procedure_pointing_to_a_missing_department_keeps_its_previous_version(central,
                                                                                 kiosk):
    """Before: the card disappeared (54 procedures left)."""
    c, reader = central
    _, Session_, content = kiosk
    sync(kiosk, reader)
    before = content.status().counts["procedures"]
    old_title = content.guide("USC I").title.pl
    c.edit("procedure", "USC I", lambda d: (d.update(department="ZZZ"),
                                            d["title"].update(pl="Nowa wersja")))
    report = sync(kiosk, reader)
    assert report.outcome == "partial" and report.exit_code == EXIT_PARTIAL
    assert (report.added, report.changed, report.removed, report.rejected) == (0, 0, 0, 1)
    [rejected] = report.detail["rejected_records"]
    assert (rejected["kind"], rejected["key"], rejected["kept_previous"]) == \
        ("procedure", "USC I", True)
    assert "department: unknown department 'ZZZ'" in rejected["reason"]
    assert content.status().counts["procedures"] == before
    guide = content.guide("USC I")
    assert guide.title.pl == old_title and guide.department.code == "USC"

    # A full pull keeps it as well, and fixing the reference centrally brings the new version.
    assert sync(kiosk, reader, full=True).detail["rejected_records"][0]["key"] == "USC I"
    assert content.guide("USC I").title.pl == old_title
    c.edit("procedure", "USC I", lambda d: d.update(department="USC"))
    fixed = sync(kiosk, reader)
    assert fixed.outcome == "ok" and fixed.rejected == 0
    assert content.guide("USC I").title.pl == "Nowa wersja"


def test_status_needs_staff_after_a_sync_that_rejected_a_record(central, kiosk, tmp_path):
    """Before: `kiosk status` said "sync: ok" and exited 0 after a sync that rejected
    records; now the sync is "warn", needs staff, and the command exits 1 until a sync
    rejects nothing."""
    c, reader = central
    cfg, _, _ = kiosk
    sync(kiosk, reader)
    c.edit("procedure", "USC I", lambda d: d.update(department="ZZZ"))
    assert sync(kiosk, reader).exit_code == EXIT_PARTIAL
    code, out = status(cfg.paths.data_dir, tmp_path)
    assert (code, out["ok"]) == (1, False)
    assert out["components"]["sync"]["state"] == "warn"
    assert "1 central record(s) rejected" in out["components"]["sync"]["detail"]
    c.edit("procedure", "USC I", lambda d: d.update(department="USC"))
    assert sync(kiosk, reader).exit_code == EXIT_OK
    code, out = status(cfg.paths.data_dir, tmp_path)
    assert code == 0 and out["components"]["sync"]["state"] == "ok"


def test_deleting_a_queue_letter_and_its_department_together_is_refused_for_both(central,
                                                                                kiosk):
    """A chain: procedures point at letter A, letter A at department USC; a full pull."""
    c, reader = central
    _, _, content = kiosk
    sync(kiosk, reader)
    c.delete("queue_category", "A")
    c.delete("department", "USC")
    report = sync(kiosk, reader, full=True)
    assert report.exit_code == EXIT_PARTIAL and report.removed == 0
    refused = {r["key"]: r for r in report.detail["rejected_records"]}
    assert set(refused) == {"A", "USC"}
    assert "procedure 'USC I'" in refused["A"]["orphans"]
    assert "queue category 'A'" in refused["USC"]["orphans"]
    assert "A" in {q.letter for q in content.queue_categories()}
    assert content.guide("USC I").queue_letter == "A"


def test_a_central_record_that_contradicts_the_data_keeps_its_previous_version(central, kiosk):
    """The content linter runs on every sync (issue 19): a central edit that types the wrong
    ticket letter into DEL I (queue category B) is refused, naming record and field; residents
    keep the guide they had."""
    c, reader = central
    _, Session_, content = kiosk
    sync(kiosk, reader)
    old_step = content.guide("DEL I").steps[0].pl
    c.edit("procedure", "DEL I", lambda d: d["steps"][0].update(
        pl=d["steps"][0]["pl"] + " Weź bilet z literą A."))
    report = sync(kiosk, reader)
    assert report.outcome == "partial" and report.rejected == 1
    [rejected] = report.detail["rejected_records"]
    assert (rejected["key"], rejected["kept_previous"]) == ("DEL I", True)
    assert ("procedure 'DEL I': steps[0].pl: names ticket letter A in the text, but its queue "
            "category is B") in rejected["reason"]
    assert content.guide("DEL I").steps[0].pl == old_step
