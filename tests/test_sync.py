"""Content sync against a real PostgreSQL: central import/export, full and incremental sync,
record validation, failures that keep the last good content, pinning in the content service."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from content_sync.central import export_folder, import_folder, init_central
from content_sync.sync import run_sync
from kiosk import SAMPLE_CONTENT_DIR
from kiosk.content.format import ContentError, raw_records, read_content
from kiosk.content.service import ContentService
from kiosk.content.store import active_revision, apply_bundle
from kiosk.db import models as m
from kiosk.db.engine import make_engine, session_factory, upgrade
from kiosk.ops.sync_reports import (
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_REJECTED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    recent_reports,
)
from tests.sync_support import (
    READER,
    Central,
    Proxy,
    central_db,
    kiosk_cfg,
    kiosk_counts,
    no_audio_config,
)


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


def active_id(Session_) -> int | None:
    with Session_() as s:
        rev = active_revision(s)
        return rev.id if rev else None


# --- central side ----------------------------------------------------------------------------

def test_import_twice_changes_nothing_and_export_gives_the_same_content(pg_server, tmp_path):
    url = pg_server.new_database()
    init_central(url)
    first = import_folder(url, SAMPLE_CONTENT_DIR)
    assert first.revision_before == 0 and first.revision_after == 1 and first.added > 100
    again = import_folder(url, SAMPLE_CONTENT_DIR)
    assert not again.changed_anything and again.added == again.changed == again.removed == 0
    init_central(url)  # running init again keeps content and counter
    assert import_folder(url, SAMPLE_CONTENT_DIR).revision_after == 1

    out = tmp_path / "exported"
    export_folder(url, out)
    a, b = read_content(SAMPLE_CONTENT_DIR), read_content(out)
    for name in ("categories", "departments", "queue_categories", "forms", "rates",
                 "announcements", "procedures"):
        assert getattr(a, name) == getattr(b, name), name
    assert not import_folder(url, out).changed_anything  # the round trip is exact


def test_import_of_an_edited_folder_adds_changes_and_tombstones(pg_server, content_copy):
    url = pg_server.new_database()
    init_central(url)
    import_folder(url, SAMPLE_CONTENT_DIR)
    import yaml
    path = content_copy / "announcements.yaml"
    data = yaml.safe_load(path.read_text())
    data["announcements"].pop()
    data["announcements"][0]["title"] = "Nowy tytuł"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    r = import_folder(url, content_copy)
    assert (r.added, r.changed, r.removed, r.revision_after) == (0, 1, 1, 2)
    c = Central(url)
    with c._conn() as conn:
        tomb = conn.execute("SELECT deleted, changed_rev FROM bom_content.content_record "
                            "WHERE key = 'sign-language-interpreter'").fetchone()
    assert tomb == (True, 2)


def test_invalid_folder_is_refused_whole(pg_server, content_copy):
    url = pg_server.new_database()
    init_central(url)
    (content_copy / "rates.yaml").write_text("rates: [{code: x}]\n")
    with pytest.raises(ContentError):
        import_folder(url, content_copy)
    assert Central(url).revision() == 0


def test_the_kiosk_role_cannot_write(central):
    c, reader = central
    import psycopg

    with psycopg.connect(reader.replace("+psycopg", "")) as conn, \
            pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("UPDATE bom_content.content_record SET position = 0")


# --- full and incremental sync ----------------------------------------------------------------

def test_full_sync_gives_the_sample_content_and_a_second_sync_changes_nothing(central, kiosk):
    c, reader = central
    cfg, Session_, content = kiosk
    report = sync(kiosk, reader)
    assert report.exit_code == EXIT_OK and report.outcome == "ok", report
    assert report.revision_before is None and report.revision_after == 1
    sample = read_content(SAMPLE_CONTENT_DIR)
    st = content.status()
    assert st.counts["procedures"] == len(sample.procedures)
    assert report.added == (sum(st.counts.values()) + len(sample.synonyms)
                            + len(sample.elsewhere))
    assert report.rejected == 0 and report.audio.startswith("skipped")
    # The everyday words for search come along with the content.
    from kiosk.db.search_models import SearchSynonym

    with Session_() as s:
        assert s.scalar(select(func.count()).select_from(SearchSynonym).where(
            SearchSynonym.revision_id == st.revision_id)) == len(sample.synonyms) > 0
    # The same content as a folder load: compare what a resident reads.
    engine2 = make_engine(f"sqlite:///{cfg.paths.data_dir / 'folder.sqlite3'}")
    upgrade(engine2)
    S2 = session_factory(engine2)
    apply_bundle(S2, sample)
    folder = ContentService(S2)
    assert content.categories() == folder.categories()
    assert content.departments() == folder.departments()
    assert content.forms() == folder.forms() and content.rates() == folder.rates()
    assert content.queue_categories() == folder.queue_categories()
    for p in sample.procedures:
        assert content.guide(p["symbol"]) == folder.guide(p["symbol"])
    engine2.dispose()

    again = sync(kiosk, reader)
    assert again.outcome == "unchanged" and again.exit_code == EXIT_OK
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert again.detail["pulled"] == 0
    assert active_id(Session_) == st.revision_id  # no new revision for nothing


def test_incremental_sync_applies_exactly_the_central_edits(central, kiosk):
    c, reader = central
    _, Session_, content = kiosk
    sync(kiosk, reader)
    before = content.status()
    rev_before = c.revision()
    c.edit("procedure", "USC I", lambda d: d["title"].update(pl="Odpis aktu (zmieniony)"))
    c.edit("rate", "waste-fee-2026", lambda d: d.update(amount="41.00"))
    c.add_procedure("USC NEW 1", title={"pl": "Nowa sprawa"})
    c.delete("announcement", "sign-language-interpreter")
    c.delete("procedure", "USC II")
    removed = 2

    report = sync(kiosk, reader)
    assert report.outcome == "ok", report
    assert (report.added, report.changed, report.removed) == (1, 2, removed)
    assert report.detail["pulled"] == 3 + removed  # only what changed crossed the network
    assert report.revision_before == rev_before and report.revision_after == c.revision()
    assert content.guide("USC I").title.pl == "Odpis aktu (zmieniony)"
    assert content.guide("USC NEW 1").title.pl == "Nowa sprawa"
    assert [r.amount for r in content.rates() if r.code == "waste-fee-2026"] == [Decimal("41.00")]
    assert "sign-language-interpreter" not in [a.code for a in content.announcements(
        __import__("datetime").date(2026, 11, 24))]
    after = content.status()
    assert after.counts["procedures"] == before.counts["procedures"] + 1 - 1
    assert not _has(content, "USC II")
    assert after.counts["announcements"] == before.counts["announcements"] - 1
    assert after.counts["departments"] == before.counts["departments"]
    # The previous revision stays for a kiosk that still shows it; only one is active.
    with Session_() as s:
        assert s.scalar(select(func.count()).select_from(m.ContentRevision)) == 2
        assert s.scalar(select(func.count()).where(m.ContentRevision.active.is_(True))) == 1
    assert kiosk_counts(Session_, after.revision_id)["procedure"] == \
        c.live_counts()["procedure"]


def test_a_sync_renders_audio_for_what_changed_only(central, kiosk):
    """With every other clip in the cache, a sync renders only the changed record's texts.
    (What is missing comes from the content and the cache, so a first sync without audio
    would leave all of them to render: tests/test_audio_resume.py.)"""
    from dataclasses import replace

    from kiosk.speech.prerender import clip_names, revision_texts
    from kiosk.speech.service import open_speech

    c, reader = central
    cfg, Session_, content = kiosk
    sync(kiosk, reader)
    speech = open_speech(cfg)
    with Session_() as s:  # what an earlier render left: a clip for every text (stand-ins)
        for text, lang in set(revision_texts(s)):
            for name in clip_names(speech, text, lang):
                if name.endswith(".wav"):
                    path = speech.cache.path(name.removesuffix(".wav"), ".wav")
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(b"RIFF")
    c.edit("procedure", "USC I", lambda d: d["title"].update(pl="Odpis aktu, 22 zł"))
    with_audio = replace(cfg, sync=replace(cfg.sync, render_audio=True))
    report = run_sync(with_audio, source_url=reader, Session_=Session_)
    assert report.outcome == "ok", report
    made = int(report.audio.split(" clip")[0])
    assert 1 <= made <= 60, report.audio  # the changed record's texts, not the whole content
    assert report.audio.endswith("clips present"), report.audio
    files = {p.stem for p in speech.cache.files()}
    assert speech.keys_for("Odpis aktu, 22 zł", "pl") & files


def _has(content, symbol):
    try:
        content.guide(symbol)
        return True
    except Exception:
        return False


def test_content_loaded_by_hand_after_a_sync_makes_the_next_sync_full(central, kiosk):
    c, reader = central
    _, Session_, content = kiosk
    sync(kiosk, reader)
    apply_bundle(Session_, read_content(SAMPLE_CONTENT_DIR))  # `kiosk content load`
    c.edit("procedure", "USC I", lambda d: d["title"].update(pl="Po ręcznym wczytaniu"))
    report = sync(kiosk, reader)
    assert report.detail["full"] is True and report.outcome == "ok"
    assert content.guide("USC I").title.pl == "Po ręcznym wczytaniu"


# --- validation ------------------------------------------------------------------------------

def test_bad_records_are_rejected_with_reasons_and_the_rest_applies(central, kiosk):
    c, reader = central
    _, Session_, content = kiosk
    sync(kiosk, reader)
    c.add_procedure("BAD 1", title=None)                                    # missing title
    c.add_procedure("BAD 2", fees=[{"name": {"pl": "Opłata"}, "amount": "-3"}])  # negative fee
    c.add_procedure("BAD 3", online_url="javascript:alert(1)")              # invalid URL
    c.add_procedure("BAD 4", summary={"pl": "x" * 1_000_000})               # 1 MB of text
    c.add_procedure("MARKUP 1", title={"pl": "[b]Pilne[/b] [color=ff0000]kliknij[/color]\x1b\x07"},
                    summary={"pl": "[ref=http://evil]tutaj[/ref]\u200b"})  # markup injection
    c.add_procedure("GOOD 1", title={"pl": "Poprawna nowa sprawa"})
    c.add_procedure("BAD 5", category="astrology")                          # dangling reference
    c.edit("procedure", "USC I", lambda d: d.update(title=None))            # an edit breaks it

    report = sync(kiosk, reader)
    assert report.outcome == "partial" and report.exit_code == EXIT_PARTIAL
    reasons = {r["key"]: r for r in report.detail["rejected_records"]}
    assert set(reasons) == {"BAD 1", "BAD 2", "BAD 3", "BAD 4", "BAD 5", "USC I"}
    assert report.rejected == 6
    assert "title: required field is missing" in reasons["BAD 1"]["reason"]
    assert "not an amount: '-3'" in reasons["BAD 2"]["reason"]
    assert "online_url: not valid" in reasons["BAD 3"]["reason"]
    assert "too long (1000000 characters" in reasons["BAD 4"]["reason"]
    assert "unknown category 'astrology'" in reasons["BAD 5"]["reason"]
    assert reasons["USC I"]["kept_previous"] is True
    assert report.added == 2  # GOOD 1 and MARKUP 1

    assert content.guide("GOOD 1").title.pl == "Poprawna nowa sprawa"
    for bad in ("BAD 1", "BAD 2", "BAD 3", "BAD 4", "BAD 5"):
        assert not _has(content, bad)
    # The broken edit did not take the matter away: the last good version stays.
    assert content.guide("USC I").title.pl.startswith("Wydanie odpisu")
    # Markup arrives as literal text (labels show it as typed), control characters removed.
    g = content.guide("MARKUP 1")
    assert g.title.pl == "[b]Pilne[/b] [color=ff0000]kliknij[/color]"
    assert g.summary.pl == "[ref=http://evil]tutaj[/ref]"

    # Fixing a record centrally brings it in at the next sync.
    c.add_procedure("BAD 1", title={"pl": "Naprawiona"})
    fixed = sync(kiosk, reader)
    assert content.guide("BAD 1").title.pl == "Naprawiona"
    assert "BAD 1" not in {r["key"] for r in fixed.detail["rejected_records"]}


def test_a_record_whose_key_does_not_match_its_symbol_is_rejected(central, kiosk):
    c, reader = central
    sync(kiosk, reader)
    data = c.get("procedure", "USC I")
    c.put("procedure", "USC COPY", data, file="zz")  # same symbol under another key
    report = sync(kiosk, reader)
    assert [r["key"] for r in report.detail["rejected_records"]] == ["USC COPY"]
    assert "does not match the record's key" in report.detail["rejected_records"][0]["reason"]


def test_an_empty_central_database_never_empties_the_kiosk(central, kiosk):
    c, reader = central
    _, Session_, content = kiosk
    sync(kiosk, reader)
    before = active_id(Session_)
    c.sql("DELETE FROM bom_content.content_record WHERE kind = 'procedure'")
    report = sync(kiosk, reader)
    assert report.outcome == "rejected" and report.exit_code == EXIT_REJECTED
    assert "refusing to empty the kiosk" in report.detail["error"]
    assert active_id(Session_) == before and content.guide("USC I")


# --- failures keep the last good content ------------------------------------------------------

def _last_good_kept(kiosk, before_id, report, outcome, code, words):
    _, Session_, content = kiosk
    assert report.outcome == outcome and report.exit_code == code, report
    assert words in report.detail["error"], report.detail["error"]
    assert active_id(Session_) == before_id
    assert content.guide("USC I").title.pl.startswith("Wydanie odpisu")
    stored = recent_reports(Session_, 1)[0]
    assert stored.outcome == outcome and words in stored.detail["error"]


def test_central_database_down(central, kiosk, pg_server):
    c, reader = central
    _, Session_, _ = kiosk
    sync(kiosk, reader)
    before = active_id(Session_)
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = reader.replace(f":{pg_server.port}/", f":{s.getsockname()[1]}/")
    report = sync(kiosk, dead)
    _last_good_kept(kiosk, before, report, "unreachable", EXIT_UNREACHABLE, "cannot connect")


def test_wrong_password(central, kiosk):
    c, reader = central
    _, Session_, _ = kiosk
    sync(kiosk, reader)
    before = active_id(Session_)
    report = sync(kiosk, reader.replace(":kiosk-reader-pw@", ":wrong@"))
    _last_good_kept(kiosk, before, report, "unreachable", EXIT_UNREACHABLE,
                    "password authentication failed")
    assert "wrong" not in json.dumps(report.as_dict())  # no password in the report


def test_connection_cut_in_the_middle_of_the_transfer(central, kiosk, pg_server):
    c, reader = central
    _, Session_, _ = kiosk
    sync(kiosk, reader)
    before = active_id(Session_)
    c.edit("procedure", "USC I", lambda d: d["title"].update(pl="Nie dotrze"))
    proxy = Proxy(pg_server.port, cut_after=40_000)  # the whole content is ~10 times more
    try:
        report = sync(kiosk, proxy.url(reader, pg_server.port), full=True)
    finally:
        proxy.close()
    assert proxy.cuts == 1
    _last_good_kept(kiosk, before, report, "unreachable", EXIT_UNREACHABLE,
                    "connection lost during the transfer")
    # Back online: the next sync gets everything.
    assert sync(kiosk, reader).outcome == "ok"
    assert kiosk[2].guide("USC I").title.pl == "Nie dotrze"


def test_connection_killed_by_the_server_mid_transfer(central, kiosk, pg_server, monkeypatch):
    c, reader = central
    _, Session_, _ = kiosk
    sync(kiosk, reader)
    before = active_id(Session_)
    import psycopg

    import content_sync.sync as sync_mod

    real_read = sync_mod._read

    def read_then_die(conn, since):
        # Another connection terminates this one once the transfer has begun.
        pid = conn.info.backend_pid
        with psycopg.connect(c.url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return real_read(conn, since)

    monkeypatch.setattr(sync_mod, "_read", read_then_die)
    report = sync(kiosk, reader, full=True)
    _last_good_kept(kiosk, before, report, "unreachable", EXIT_UNREACHABLE,
                    "connection lost during the transfer")


def test_a_stalled_network_gives_up_after_the_transfer_timeout(central, tmp_path, pg_server):
    c, reader = central
    cfg = kiosk_cfg(tmp_path / "k", transfer_timeout=1.5)
    first = run_sync(cfg, source_url=reader)
    assert first.outcome == "ok"
    proxy = Proxy(pg_server.port, stall_after=20_000)
    try:
        report = run_sync(cfg, source_url=proxy.url(reader, pg_server.port), full=True)
    finally:
        proxy.close()
    assert report.outcome == "unreachable" and "longer than 1.5 s" in report.detail["error"]
    assert report.duration_s < 15


def test_schema_version_from_the_future_aborts(central, kiosk):
    c, reader = central
    _, Session_, _ = kiosk
    sync(kiosk, reader)
    before = active_id(Session_)
    c.edit("procedure", "USC I", lambda d: d["title"].update(pl="Z przyszłości"))
    c.sql("UPDATE bom_content.central_state SET schema_version = 99")
    report = sync(kiosk, reader)
    _last_good_kept(kiosk, before, report, "rejected", EXIT_REJECTED,
                    "content schema version 99 is not supported")


def test_no_source_configured_is_a_usage_error(kiosk):
    report = sync(kiosk, None)
    assert report.outcome == "usage" and report.exit_code == EXIT_USAGE
    assert "no central database configured" in report.detail["error"]


def test_source_and_password_from_the_env_file(central, tmp_path, monkeypatch):
    c, reader = central
    monkeypatch.delenv("KIOSK_SYNC_URL", raising=False)
    monkeypatch.delenv("KIOSK_SYNC_PASSWORD", raising=False)
    env = tmp_path / "sync.env"
    env.write_text(f"# credentials\nKIOSK_SYNC_URL={reader.replace(':kiosk-reader-pw', '')}\n"
                   f"KIOSK_SYNC_PASSWORD='kiosk-reader-pw'\n")
    env.chmod(0o600)
    cfg = kiosk_cfg(tmp_path / "k")
    from dataclasses import replace
    cfg = replace(cfg, sync=replace(cfg.sync, env_file=env))
    report = run_sync(cfg)
    assert report.outcome == "ok", report.detail
    assert READER in report.source and "kiosk-reader-pw" not in report.source


def test_status_needs_attention_after_two_failed_syncs(central, tmp_path, monkeypatch, capsys):
    from entrypoints.cli import main

    c, reader = central
    data = tmp_path / "k"
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    monkeypatch.setenv("KIOSK_CONFIG", str(no_audio_config(tmp_path)))
    assert main(["sync", "--source", reader, "--now"]) == EXIT_OK
    assert main(["status"]) == 0
    bad = reader.replace(":kiosk-reader-pw@", ":nope@")
    assert main(["sync", "--source", bad, "--now"]) == EXIT_UNREACHABLE
    assert main(["status"]) == 0  # one failure: tonight may go better
    assert main(["sync", "--source", bad, "--now"]) == EXIT_UNREACHABLE
    capsys.readouterr()
    assert main(["status", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["sync"]["outcome"] == "unreachable" and out["sync"]["failed"]
    assert any("last two content syncs failed" in p for p in out["problems"])
    assert main(["sync", "--source", reader, "--now"]) == EXIT_OK
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sync"]["outcome"] == "unchanged"


def test_the_cli_walkthrough_central_init_import_sync(pg_server, tmp_path, monkeypatch, capsys):
    """What the issue asks to show: init, import the sample, sync, sync again."""
    from entrypoints.cli import main
    from tests.sync_support import READER_PASSWORD, require_password

    require_password(pg_server)
    url = pg_server.new_database()
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "k"))
    monkeypatch.setenv("KIOSK_CONFIG", str(no_audio_config(tmp_path)))
    monkeypatch.setenv("KIOSK_READER_PASSWORD", READER_PASSWORD)
    monkeypatch.setenv("KIOSK_CENTRAL_URL", url)
    assert main(["central", "init"]) == 0
    assert main(["central", "import", str(SAMPLE_CONTENT_DIR)]) == 0
    assert main(["central", "import", str(SAMPLE_CONTENT_DIR)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    reader = url.replace("kiosk@", f"{READER}:{READER_PASSWORD}@")
    assert main(["sync", "--source", reader, "--now", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    # every record of the sample: matters, closures, synonyms, "not here" entries...
    assert first["outcome"] == "ok"
    assert first["added"] == len(raw_records(SAMPLE_CONTENT_DIR)[1]) > 300
    assert main(["sync", "--source", reader, "--now"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["central", "export", str(tmp_path / "out")]) == 0
    assert main(["content", "validate", str(tmp_path / "out")]) == 0
    (tmp_path / "bad").mkdir()
    assert main(["central", "import", str(tmp_path / "bad")]) == 3


# --- pinning ---------------------------------------------------------------------------------

def test_a_pinned_service_shows_its_revision_until_pinned_again(central, kiosk):
    """A sync that writes the whole revision keeps the old one for a service pinned to it
    (a resident mid-session). An incremental sync changes the active revision in place
    (tests/test_sync_incremental.py)."""
    c, reader = central
    _, Session_, _ = kiosk
    sync(kiosk, reader)
    ui = ContentService(Session_)
    ui.pin()
    c.edit("procedure", "USC I", lambda d: d["title"].update(pl="Nowy tytuł"))
    sync(kiosk, reader, full=True)
    assert ui.guide("USC I").title.pl.startswith("Wydanie odpisu")  # mid-session: old
    assert kiosk[2].guide("USC I").title.pl == "Nowy tytuł"  # unpinned: the active one
    ui.pin()
    assert ui.guide("USC I").title.pl == "Nowy tytuł"


def test_a_pinned_revision_pruned_away_falls_back_to_the_active_one(central, kiosk):
    c, reader = central
    _, Session_, _ = kiosk
    sync(kiosk, reader)
    ui = ContentService(Session_)
    old = ui.pin()
    for title in ("Drugi", "Trzeci"):  # two syncs in one session: the pinned one is pruned
        c.edit("procedure", "USC I", lambda d, t=title: d["title"].update(pl=t))
        sync(kiosk, reader, full=True)
    with Session_() as s:
        assert s.get(m.ContentRevision, old) is None
    assert ui.guide("USC I").title.pl == "Trzeci"
    assert ui.pinned == active_id(Session_)


def test_an_editor_adds_an_everyday_word_and_search_knows_it_after_the_sync(central, kiosk):
    from kiosk.search.service import SearchService

    c, reader = central
    cfg, Session_, content = kiosk
    sync(kiosk, reader)
    assert not SearchService(Session_).search("kennkarta").hits
    c.edit("synonym", "dowodzik", lambda d: d["words"].append("kennkarta"))
    report = sync(kiosk, reader)
    assert (report.added, report.changed, report.removed) == (0, 1, 0), report
    content.pin()
    hits = SearchService(Session_).search("kennkarta").hits
    assert hits and hits[0].kind == "procedure"
