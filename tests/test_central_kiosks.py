"""One credential per kiosk, against the real PostgreSQL (tests/pg.py): `kiosk central
add-kiosk` makes a login role whose row-level security lets it write usage events, heartbeats
and alerts under its own name only, and read no other kiosk's; the content stays read-only; a
sync pushes a heartbeat and the open alerts that `kiosk fleet` shows; the old shared role still
pulls content and pushes usage events, and is told clearly why it sends no heartbeat."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import time
from dataclasses import replace

import psycopg
import pytest
from sqlalchemy.engine import make_url

from content_sync.central import (
    FLEET_SCHEMA,
    KIOSK_GROUP_ROLE,
    USAGE_SCHEMA,
    CentralError,
    add_kiosk,
    init_central,
    kiosk_role,
    list_kiosks,
    remove_kiosk,
)
from content_sync.fleet_push import FleetPushError, FleetPushSkipped, Heartbeat, push_fleet
from content_sync.fleet_read import fleet_status
from content_sync.pg import libpq_url
from content_sync.sync import run_sync
from content_sync.usage_push import UsagePushRefused, push_usage
from entrypoints.cli import main
from kiosk import __version__
from kiosk.db.engine import make_engine, session_factory, upgrade
from kiosk.ops.alerts import Alerts
from kiosk.usage.events import UsageLog
from tests.sync_support import READER, READER_PASSWORD, central_db, kiosk_cfg

_names = itertools.count(1)


def require_kiosk_passwords(server) -> None:
    """The kiosks' roles log in with a password on the test server (it trusts the rest)."""
    hba = server.data / "pg_hba.conf"
    line = f"host all +{KIOSK_GROUP_ROLE} 127.0.0.1/32 scram-sha-256\n"
    text = hba.read_text()
    if line not in text:
        hba.write_text(line + text)
        server._run("pg_ctl", "-D", str(server.data), "reload")
        time.sleep(0.5)


def as_role(admin: str, role: str, password: str) -> str:
    return make_url(admin).set(username=role, password=password).render_as_string(
        hide_password=False)


@pytest.fixture(scope="module")
def central(pg_server):
    """One central database with the sample content and two kiosks (roles are server-wide:
    each module run gets new kiosk names). (admin URL, shared role URL, {name: URL})."""
    require_kiosk_passwords(pg_server)
    admin, shared = central_db(pg_server)
    run = next(_names)
    kiosks = {}
    for letter in "ab":
        name = f"{letter}-{run}-{pg_server.port}"
        cred = add_kiosk(admin, name)
        kiosks[name] = as_role(admin, cred.role, cred.password)
    return admin, shared, kiosks


def connect_as(url: str) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url))


def insert_event(conn, kiosk_id: str) -> None:
    conn.execute(f"INSERT INTO {USAGE_SCHEMA}.usage_event (id, kiosk_id, at, kind) "
                 f"VALUES (gen_random_uuid(), %s, now(), 'screen')", (kiosk_id,))


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def kiosk_db(tmp_path):
    def make(name: str):
        cfg = kiosk_cfg(tmp_path / name)
        cfg = replace(cfg, usage=replace(cfg.usage, kiosk_id=name))
        engine = make_engine(cfg.paths.effective_database_url)
        upgrade(engine)
        engines.append(engine)
        return cfg, session_factory(engine)
    engines: list = []
    yield make
    for e in engines:
        e.dispose()


# --- the credential ---------------------------------------------------------------------------

def test_add_kiosk_prints_a_working_password_once_and_refuses_bad_names(central):
    admin, _shared, _kiosks = central
    name = f"hall-{next(_names)}-x"
    code, out, _ = run_cli("central", "add-kiosk", name, "--url", admin)
    assert code == 0, out
    env = dict(line.split("=", 1) for line in out.splitlines() if line.startswith("KIOSK_SYNC_"))
    assert set(env) == {"KIOSK_SYNC_URL", "KIOSK_SYNC_PASSWORD"}
    assert len(env["KIOSK_SYNC_PASSWORD"]) >= 32
    assert env["KIOSK_SYNC_URL"].startswith(f"postgresql://{kiosk_role(name)}@")
    assert env["KIOSK_SYNC_PASSWORD"] not in env["KIOSK_SYNC_URL"]
    with psycopg.connect(libpq_url(env["KIOSK_SYNC_URL"]),
                         password=env["KIOSK_SYNC_PASSWORD"]) as conn:
        assert conn.execute("SELECT count(*) FROM bom_content.content_record").fetchone()[0]
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(libpq_url(env["KIOSK_SYNC_URL"]), password="wrong").close()
    # the same name again: refused; a new password on request, and the old one stops working
    code, _, err = run_cli("central", "add-kiosk", name, "--url", admin)
    assert code == 2 and "exists already" in err
    code, out, _ = run_cli("central", "add-kiosk", name, "--new-password", "--url", admin,
                           "--json")
    renewed = json.loads(out)
    assert code == 0 and renewed["password"] != env["KIOSK_SYNC_PASSWORD"]
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(libpq_url(env["KIOSK_SYNC_URL"]),
                        password=env["KIOSK_SYNC_PASSWORD"]).close()
    for bad in ("Hall-1", "hall_1", "-hall", "hall-", "", "a" * 60, "hall 1", "x;drop"):
        code, _, err = run_cli("central", "add-kiosk", "--url", admin, "--", bad)
        assert code == 2 and "kiosk name" in err, (bad, err)
    with pytest.raises(CentralError, match="lowercase"):
        add_kiosk(admin, "Robert'); DROP ROLE x; --")


def test_remove_kiosk_drops_its_login_and_keeps_its_data(central):
    admin, _shared, _kiosks = central
    name = f"gone-{next(_names)}"
    cred = add_kiosk(admin, name)
    url = as_role(admin, cred.role, cred.password)
    with connect_as(url) as conn:
        conn.read_only = False
        insert_event(conn, name)
    assert name in [k.name for k in list_kiosks(admin)]
    code, out, _ = run_cli("central", "remove-kiosk", name, "--url", admin)
    assert code == 0 and cred.role in out
    with pytest.raises(psycopg.OperationalError):
        connect_as(url).close()
    assert name not in [k.name for k in list_kiosks(admin)]
    with connect_as(admin) as conn:
        assert conn.execute(f"SELECT count(*) FROM {USAGE_SCHEMA}.usage_event "
                            f"WHERE kiosk_id = %s", (name,)).fetchone()[0] == 1
    with pytest.raises(CentralError, match="no kiosk"):
        remove_kiosk(admin, name)
    # init again (an upgrade) keeps the kiosks and their policies
    init_central(admin, reader_role=READER)
    assert len(list_kiosks(admin)) >= 2


# --- row-level security -----------------------------------------------------------------------

def test_a_kiosk_writes_only_under_its_own_name_and_reads_no_other_kiosks_rows(central):
    admin, _shared, kiosks = central
    (a, a_url), (b, b_url) = kiosks.items()
    with connect_as(b_url) as conn:  # B's own rows, for A to try to see and change
        conn.read_only = False
        with conn.transaction():
            insert_event(conn, b)
            conn.execute(f"INSERT INTO {FLEET_SCHEMA}.alert (kiosk_id, local_id, raised_at, "
                         f"source, kind) VALUES (%s, 1, now(), 'printer', 'paper_out')", (b,))
    with connect_as(a_url) as conn:
        conn.read_only = False
        with conn.transaction():
            insert_event(conn, a)  # its own: fine
            conn.execute(f"INSERT INTO {FLEET_SCHEMA}.heartbeat (kiosk_id) VALUES (%s)", (a,))
        for statement, params in (
                (f"INSERT INTO {USAGE_SCHEMA}.usage_event (id, kiosk_id, at, kind) "
                 f"VALUES (gen_random_uuid(), %s, now(), 'screen')", (b,)),
                (f"INSERT INTO {FLEET_SCHEMA}.heartbeat (kiosk_id) VALUES (%s)", (b,)),
                (f"INSERT INTO {FLEET_SCHEMA}.alert (kiosk_id, local_id, raised_at, source, "
                 f"kind) VALUES (%s, 7, now(), 's', 'k')", (b,))):
            with pytest.raises(psycopg.errors.InsufficientPrivilege,
                               match="row-level security"), conn.transaction():
                conn.execute(statement, params)
        # B's alert is invisible to A: not read, not changed
        with conn.transaction():
            assert conn.execute(f"SELECT kiosk_id FROM {FLEET_SCHEMA}.alert").fetchall() == []
            cur = conn.execute(f"UPDATE {FLEET_SCHEMA}.alert SET cleared_at = now() "
                               f"WHERE kiosk_id = %s", (b,))
            assert cur.rowcount == 0
        # No reading events, heartbeats or the kiosk list; no deleting, no renaming, no
        # forged central clock
        for statement in (f"SELECT count(*) FROM {USAGE_SCHEMA}.usage_event",
                          f"SELECT count(*) FROM {FLEET_SCHEMA}.heartbeat",
                          f"SELECT count(*) FROM {FLEET_SCHEMA}.kiosk",
                          f"DELETE FROM {FLEET_SCHEMA}.alert",
                          f"UPDATE {FLEET_SCHEMA}.alert SET kiosk_id = '{b}'",
                          f"INSERT INTO {FLEET_SCHEMA}.heartbeat (kiosk_id, at) "
                          f"VALUES ('{a}', now() + interval '1 year')",
                          f"INSERT INTO {FLEET_SCHEMA}.kiosk (name, role) VALUES ('x', 'y')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)
        # Content: readable, never writable, even in a READ WRITE transaction
        with conn.transaction():
            assert conn.execute("SELECT count(*) FROM bom_content.content_record").fetchone()[0]
        for statement in ("UPDATE bom_content.content_record SET position = 0",
                          "DELETE FROM bom_content.content_record",
                          "UPDATE bom_content.central_state SET revision = 0"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)
        # SET ROLE to the group gives no name, so nothing
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute(f"SET LOCAL ROLE {KIOSK_GROUP_ROLE}")
            insert_event(conn, a)
    # read-only unless the push asks otherwise
    with connect_as(a_url) as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        insert_event(conn, a)
    with connect_as(admin) as conn:  # the owner sees everything
        kiosks_seen = {r[0] for r in conn.execute(
            f"SELECT DISTINCT kiosk_id FROM {USAGE_SCHEMA}.usage_event")}
        assert {a, b} <= kiosks_seen


# --- the sync pushes a heartbeat and alerts; `kiosk fleet` shows them -------------------------

def test_a_sync_pushes_a_heartbeat_and_open_alerts_that_kiosk_fleet_shows(central, kiosk_db):
    admin, _shared, kiosks = central
    (a, a_url), (b, _) = kiosks.items()
    cfg, Session_ = kiosk_db(a)
    alerts = Alerts(Session_)
    alerts.raise_("printer", "paper_out", "paper out in the ticket printer")
    log = UsageLog(Session_, a, flush_seconds=3600)
    log.search("dowod", 3, "pl")
    log.flush()

    report = run_sync(cfg, source_url=a_url, Session_=Session_)
    assert report.outcome == "ok", report.detail
    assert report.detail.get("usage_events_pushed") == 1, report.detail
    assert report.detail["fleet"].startswith(f"heartbeat sent as {a!r}, 1 open alert"), \
        report.detail

    code, out, _ = run_cli("fleet", "--json", "--url", admin)
    data = json.loads(out)
    assert code == 1  # B has never been heard of, A has an open alert
    by_name = {k["name"]: k for k in data["kiosks"]}
    mine = by_name[a]
    assert mine["last_heartbeat"] is not None and not mine["stale"]
    assert mine["central_revision"] == report.revision_after
    assert mine["content_revision_id"] == report.content_revision_id
    assert (mine["sync_outcome"], mine["app_version"]) == ("ok", __version__)
    assert [(x["source"], x["kind"], x["detail"]) for x in mine["alerts"]] == \
        [("printer", "paper_out", "paper out in the ticket printer")]
    assert mine["open_alerts"] == 1
    assert by_name[b]["last_heartbeat"] is None and by_name[b]["stale"]

    code, text, _ = run_cli("fleet", "--url", admin)
    assert code == 1
    assert a in text and "printer/paper_out" in text and "no heartbeat yet" in text

    # Cleared on the kiosk: cleared centrally at the next push; a repeat changes nothing
    alerts.clear("printer")
    hb = Heartbeat(central_revision=report.revision_after, sync_outcome="unchanged")
    r = push_fleet(Session_, a_url, None, kiosk_id=a, heartbeat=hb)
    assert (r.alerts_open, r.alerts_cleared) == (0, 1)
    r = push_fleet(Session_, a_url, None, kiosk_id=a, heartbeat=hb)
    assert (r.alerts_open, r.alerts_cleared) == (0, 0)
    state = {k.name: k for k in fleet_status(admin)}[a]
    assert state.alerts == [] and state.sync_outcome == "unchanged" and not state.needs_staff
    # a kiosk not heard of for longer than the threshold is stale
    assert {k.name: k for k in fleet_status(admin, stale_hours=1e-9)}[a].stale


def test_a_kiosk_id_that_is_not_the_credentials_name_is_refused_clearly(central, kiosk_db):
    _admin, _shared, kiosks = central
    (a, a_url), _ = kiosks.items()
    cfg, Session_ = kiosk_db("elsewhere")
    with pytest.raises(FleetPushError, match=f"kiosk_id = \"{a}\""):
        push_fleet(Session_, a_url, None, kiosk_id="elsewhere", heartbeat=Heartbeat())
    log = UsageLog(Session_, "elsewhere", flush_seconds=3600)
    log.search("dowod", 3, "pl")
    log.flush()
    with pytest.raises(UsagePushRefused, match=f"'elsewhere'.*kiosk '{a}'"):
        push_usage(Session_, a_url, None)


# --- the old shared role ----------------------------------------------------------------------

def test_the_old_shared_role_still_pushes_usage_but_is_told_it_sends_no_heartbeat(
        central, kiosk_db):
    admin, shared, _kiosks = central
    assert f"{READER}:{READER_PASSWORD}@" in shared
    cfg, Session_ = kiosk_db("old-hall")
    log = UsageLog(Session_, "old-hall", flush_seconds=3600)
    log.search("dowod", 3, "pl")
    log.flush()
    assert push_usage(Session_, shared, None).sent == 1
    with pytest.raises(FleetPushSkipped, match="add-kiosk"):
        push_fleet(Session_, shared, None, kiosk_id="old-hall", heartbeat=Heartbeat())
    with connect_as(shared) as conn:
        conn.read_only = False
        for statement in (f"SELECT count(*) FROM {USAGE_SCHEMA}.usage_event",
                          f"INSERT INTO {FLEET_SCHEMA}.heartbeat (kiosk_id) VALUES ('x')",
                          "UPDATE bom_content.content_record SET position = 0"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)
