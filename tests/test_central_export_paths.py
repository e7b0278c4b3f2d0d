"""A procedure's file name comes from the central database and becomes a path on export: it
must be a plain name (issue 18, defect 3). Against a real PostgreSQL central database and the
`kiosk central export` command as a separate process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from content_sync.central import CentralError, export_folder, import_folder
from content_sync.sync import run_sync
from kiosk.content.format import ContentError
from kiosk.content.service import ContentService
from kiosk.db.engine import make_engine, session_factory, upgrade
from kiosk.ops.sync_reports import EXIT_PARTIAL
from tests.sync_support import Central, central_db, kiosk_cfg, kiosk_cli

EVIL = {"EVIL 1": "../../../../x", "EVIL 2": "/tmp/kiosk-export-evil", "EVIL 3": "a/b",
        "EVIL 4": "..", "EVIL 5": ".hidden", "EVIL 6": "spacja w nazwie"}


def files_under(root: Path) -> set[Path]:
    return {Path(d) / f for d, _, fs in os.walk(root) for f in fs}


@pytest.fixture
def central(pg_server):
    url, reader = central_db(pg_server)
    return Central(url), reader


def put_raw(c: Central, key: str, file: str) -> None:
    """An editor's INSERT straight into the central table, with a file name of its own."""
    data = dict(c.get("procedure", "USC I"), symbol=key)
    c.put("procedure", key, data, file=file)


def test_export_refuses_a_record_whose_file_leaves_the_folder(central, tmp_path):
    c, _ = central
    put_raw(c, "EVIL 1", EVIL["EVIL 1"])
    target = tmp_path / "a" / "b" / "c" / "out"
    before = files_under(tmp_path)

    with pytest.raises(CentralError) as err:
        export_folder(c.url, target)
    assert "procedure 'EVIL 1': file name '../../../../x' is not a plain file name" \
        in str(err.value)
    assert "Nothing was exported" in str(err.value)
    assert files_under(tmp_path) == before  # nothing written, inside or out
    assert not (tmp_path / "a" / "x.yaml").exists()

    # The command: exit 3 (invalid content), the record named, nothing written.
    r = kiosk_cli("central", "export", str(target), data_dir=tmp_path / "kiosk",
                  env={"KIOSK_CENTRAL_URL": c.url})
    assert r.returncode == 3, r.stdout + r.stderr
    assert "procedure 'EVIL 1': file name '../../../../x'" in r.stderr
    new = files_under(tmp_path) - before
    assert all(tmp_path / "kiosk" in p.parents for p in new), new  # the kiosk's own logs


def test_export_names_every_bad_file_name(central, tmp_path):
    c, _ = central
    for key, file in EVIL.items():
        put_raw(c, key, file)
    target = tmp_path / "a" / "b" / "c" / "out"  # '../../../../x' stays under tmp_path
    with pytest.raises(CentralError) as err:
        export_folder(c.url, target)
    for key, file in EVIL.items():
        assert f"procedure {key!r}: file name {file!r}" in str(err.value)
    assert files_under(tmp_path) == set()
    assert not Path(EVIL["EVIL 2"] + ".yaml").exists()


def test_export_does_not_follow_a_link_out_of_the_folder(central, tmp_path):
    """The folder's procedures/ is a symbolic link elsewhere: export neither writes nor
    deletes there."""
    c, _ = central
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / "keep.yaml").write_text("precious: true\n")
    (out / "procedures").symlink_to(elsewhere)
    with pytest.raises(CentralError, match="outside the export folder"):
        export_folder(c.url, out)
    assert files_under(elsewhere) == {elsewhere / "keep.yaml"}


def test_import_refuses_a_folder_whose_procedure_file_has_a_bad_name(pg_server, content_copy):
    from content_sync.central import init_central

    url = pg_server.new_database()
    init_central(url)
    procs = content_copy / "procedures"
    (procs / "civil-status.yaml").rename(procs / "stan cywilny.yaml")
    (procs / "vehicles.yaml").rename(procs / ".vehicles.yaml")
    with pytest.raises(ContentError) as err:
        import_folder(url, content_copy)
    text = str(err.value)
    assert "procedures/stan cywilny.yaml: file name 'stan cywilny' is not a plain file name" \
        in text
    assert "procedures/.vehicles.yaml: file name '.vehicles'" in text
    assert Central(url).revision() == 0  # nothing imported


def test_sync_rejects_a_record_with_a_bad_file_name(central, tmp_path):
    c, reader = central
    cfg = kiosk_cfg(tmp_path / "kiosk")
    engine = make_engine(cfg.paths.effective_database_url)
    upgrade(engine)
    Session_ = session_factory(engine)
    content = ContentService(Session_)
    try:
        assert run_sync(cfg, source_url=reader, Session_=Session_).outcome == "ok"
        put_raw(c, "EVIL 1", EVIL["EVIL 1"])  # a new record: not shown
        old_title = content.guide("USC II").title.pl
        c.edit("procedure", "USC II", lambda d: d["title"].update(pl="Zmieniony"))
        c.sql("UPDATE bom_content.content_record SET file = %s WHERE key = 'USC II'",
              ("../x",))  # a shown record: keeps its previous version
        report = run_sync(cfg, source_url=reader, Session_=Session_)
        assert report.outcome == "partial" and report.exit_code == EXIT_PARTIAL
        rejected = {r["key"]: r for r in report.detail["rejected_records"]}
        assert set(rejected) == {"EVIL 1", "USC II"}
        assert "procedure 'EVIL 1': file name '../../../../x' is not a plain file name" \
            in rejected["EVIL 1"]["reason"]
        assert rejected["EVIL 1"]["kept_previous"] is False
        assert "file name '../x' is not a plain file name" in rejected["USC II"]["reason"]
        assert rejected["USC II"]["kept_previous"] is True
        with pytest.raises(LookupError):
            content.guide("EVIL 1")
        assert content.guide("USC II").title.pl == old_title
    finally:
        engine.dispose()
