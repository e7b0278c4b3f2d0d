"""`kiosk status --json`: every component with a state, exit 1 whenever staff must act."""

import datetime as dt
import json
import os
import subprocess
import sys
import time

import pytest

from kiosk.bootstrap import open_core
from kiosk.ops.heartbeat import beat
from kiosk.ops.sync_reports import SyncReportView, save_report
from tests.printer_peer import LoopbackPrinter

COMPONENTS = {"app", "content", "sync", "printer", "queue_db", "database", "audio", "audio_cache",
              "disk", "alerts"}


def status(tmp_path, toml: str = ""):
    data = tmp_path / "data"
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[paths]\ndata_dir = "{data}"\n' + toml, encoding="utf-8")
    env = {**os.environ, "KIOSK_CONFIG": str(cfg)}
    r = subprocess.run([sys.executable, "-m", "entrypoints", "status", "--json"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    return r.returncode, json.loads(r.stdout)


def test_a_fresh_kiosk_reports_every_component_and_exits_0(tmp_path):
    code, data = status(tmp_path)
    assert code == 0 and data["ok"] and data["problems"] == []
    comps = data["components"]
    assert set(comps) == COMPONENTS
    for name, c in comps.items():
        assert c["state"] in ("ok", "warn", "unknown") and c["staff"] is False, name
    assert comps["content"]["state"] == "ok"
    assert comps["content"]["data"]["counts"]["procedures"] > 40
    assert comps["printer"]["data"]["paper"] == "ok"
    assert comps["app"]["state"] == "unknown"  # never ran here
    assert comps["disk"]["data"]["free_mb"] > 0


def test_no_paper_needs_staff(tmp_path):
    with LoopbackPrinter("paper_out") as peer:
        code, data = status(tmp_path, f'[printer]\nkind = "network"\nhost = "{peer.host}"\n'
                                      f'port = {peer.port}\nconnect_timeout = 1.0\n')
    p = data["components"]["printer"]
    assert code == 1 and p["state"] == "fail" and p["staff"] and p["data"]["paper"] == "out"
    assert any(x.startswith("printer: paper_out") for x in data["problems"])


def test_paper_near_end_is_a_warning_not_a_call(tmp_path):
    with LoopbackPrinter("paper_near_end") as peer:
        code, data = status(tmp_path, f'[printer]\nkind = "network"\nhost = "{peer.host}"\n'
                                      f'port = {peer.port}\n')
    assert code == 0 and data["components"]["printer"]["data"]["paper"] == "near end"
    assert data["components"]["printer"]["state"] == "warn"


def _failed_sync(Session_, minutes_ago: int):
    t = dt.datetime.now() - dt.timedelta(minutes=minutes_ago)
    save_report(Session_, SyncReportView(None, t, t, "unreachable", 4, "central", 3, 3, None,
                                         0, 0, 0, 0, "", 0.5, {"error": "timeout"}),
                keep_days=30)


def test_sync_failed_twice_in_a_row_needs_staff_once_is_a_warning(tmp_path):
    from dataclasses import replace

    from kiosk.config import KioskConfig, PathsConfig

    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=tmp_path / "data"))
    core = open_core(cfg)
    _failed_sync(core.Session, 60)
    code, data = status(tmp_path)
    assert code == 0 and data["components"]["sync"]["state"] == "warn"
    _failed_sync(core.Session, 1)
    core.close()
    code, data = status(tmp_path)
    assert code == 1 and data["components"]["sync"]["state"] == "fail"
    assert "the last two content syncs failed" in data["components"]["sync"]["detail"]


def test_queue_database_unreachable_needs_staff(tmp_path):
    code, data = status(tmp_path, '[queue]\nurl = "postgresql+psycopg://kiosk@127.0.0.1:1/q"\n'
                                  '[health]\ncheck_timeout = 2.0\n')
    q = data["components"]["queue_db"]
    assert code == 1 and q["state"] == "fail" and q["detail"].startswith("unreachable")
    assert "127.0.0.1:1" in q["data"]["url"]


def test_queue_database_reachable_on_postgresql(tmp_path, pg_url):
    code, data = status(tmp_path, f'[queue]\nurl = "{pg_url}"\n')
    assert code == 0 and data["components"]["queue_db"]["state"] == "ok"


def test_disk_low_needs_staff(tmp_path):
    code, data = status(tmp_path, "[health]\ndisk_min_free_mb = 100000000\n")
    assert code == 1 and data["components"]["disk"]["state"] == "fail"


@pytest.mark.parametrize("age, stopped, state, exit_code", [
    (2, False, "ok", 0), (300, False, "fail", 1), (2, True, "stopped", 1)])
def test_the_heartbeat_tells_whether_the_app_runs(tmp_path, age, stopped, state, exit_code):
    (tmp_path / "data").mkdir()
    beat(tmp_path / "data" / "heartbeat.json", started=time.time() - 3600, screen="home",
         **({"stopped": True, "reason": "exit"} if stopped else {}))
    hb = json.loads((tmp_path / "data" / "heartbeat.json").read_text())
    hb["time"] -= age
    (tmp_path / "data" / "heartbeat.json").write_text(json.dumps(hb))
    code, data = status(tmp_path)
    assert data["components"]["app"]["state"] == state and code == exit_code


def test_plain_status_names_each_component(tmp_path):
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path)}
    env.pop("KIOSK_CONFIG", None)
    r = subprocess.run([sys.executable, "-m", "entrypoints", "status"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0
    for name in COMPONENTS:
        assert f"\n{name}:" in r.stdout, name
