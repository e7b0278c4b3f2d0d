""""Sync now" on an installed kiosk asks the sync unit instead of syncing itself: the kiosk
user may not read the central secret (/etc/bom-kiosk/sync.env is root's), the unit may. The
kiosk writes [sync] request_file; systemd's path unit (deploy/bom-kiosk-sync.path) starts
bom-kiosk-sync.service, which syncs with the secret in its environment; the kiosk waits for
that run's report. Here a watcher thread plays the path unit and starts the real `kiosk sync`
process with the environment the unit would give it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import replace

from kiosk import PROJECT_ROOT
from kiosk.config import SyncConfig
from kiosk.ops.admin import StaffActions
from tests.test_deploy import unit


def _path_unit(request, env, stop: threading.Event, started: list) -> None:
    """PathModified=: each time the file is written, start the sync as the unit would."""
    seen = None
    while not stop.wait(0.05):
        try:
            mtime = request.stat().st_mtime_ns
        except FileNotFoundError:
            continue
        if mtime != seen:
            seen = mtime
            started.append(mtime)
            subprocess.run([sys.executable, "-m", "entrypoints", "sync", "--now"], env=env,
                           cwd=PROJECT_ROOT, capture_output=True, timeout=120)


def test_sync_now_on_an_installed_kiosk_runs_through_the_unit_with_its_secret(tmp_path, core):
    request = tmp_path / "sync-requested"
    cfg = replace(core.config, sync=replace(SyncConfig(), request_file=request,
                                            env_file=tmp_path / "absent.env", connect_timeout=2))
    assert "KIOSK_SYNC_URL" not in os.environ  # the kiosk itself has no secret
    # The unit's environment: EnvironmentFile=/etc/bom-kiosk/sync.env gives it the URL (here a
    # central database that is not listening, so the sync is quick and says "unreachable").
    unit_env = {**os.environ, "KIOSK_DATA_DIR": str(cfg.paths.data_dir),
                "KIOSK_SYNC_URL": "postgresql://bom_kiosk_a@127.0.0.1:9/bom?connect_timeout=2"}
    unit_env.pop("KIOSK_CONFIG", None)
    stop, started = threading.Event(), []
    watcher = threading.Thread(target=_path_unit, args=(request, unit_env, stop, started))
    watcher.start()
    try:
        # The admin screen's action, over this kiosk's core, with the installed configuration.
        staff = StaffActions(core.Session, cfg, core.content, core.alerts, core.printing)
        result = staff.sync_now(timeout=60, poll=0.1)
    finally:
        stop.set()
        watcher.join()
    assert len(started) == 1, "the request must start exactly one sync"
    # The unit's run, with the unit's secret: it reached for the central database ("unreachable",
    # exit 4), where the kiosk on its own would have said "no central database configured".
    assert result.detail.startswith("exit 4: unreachable"), result.detail
    assert not result.ok
    assert oct(request.stat().st_mode & 0o777) == "0o600"


def test_the_path_unit_starts_the_sync_service_on_the_file_the_kiosk_writes():
    path = unit("bom-kiosk-sync.path")
    kiosk_toml = (PROJECT_ROOT / "deploy" / "kiosk.toml").read_text(encoding="utf-8")
    assert path["Path"]["PathModified"] == "/var/lib/bom-kiosk/sync-requested"
    assert path["Path"]["Unit"] == "bom-kiosk-sync.service"
    assert 'request_file = "/var/lib/bom-kiosk/sync-requested"' in kiosk_toml
