"""The kiosk runs inside its unit's sandbox: HOME and /usr read-only, every file it writes under
the folders systemd gives it ($STATE_DIRECTORY, $CACHE_DIRECTORY, $LOGS_DIRECTORY). The commands
run in a private mount namespace (unshare -m) with read-only bind mounts, as the unit's
ProtectHome=read-only and ProtectSystem= make them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import PROJECT_ROOT

READ_ONLY = ("/usr", str(Path.home()))


def _sandboxed(args: list[str], tmp_path: Path, **extra_env) -> subprocess.CompletedProcess:
    home = tmp_path / "home"
    dirs = {name: tmp_path / name.lower() for name in ("STATE", "CACHE", "LOGS")}
    for d in (home, *dirs.values()):
        d.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "KIOSK_", "KIVY_"))
           and k not in ("MPLCONFIGDIR", "MESA_SHADER_CACHE_DIR")}  # what the tests set
    env.update(HOME=str(home), SDL_AUDIODRIVER="dummy", KIVY_NO_FILELOG="1",
               **{f"{k}_DIRECTORY": str(v) for k, v in dirs.items()}, **extra_env)
    mounts = " && ".join(f"mount --bind {p} {p} && mount -o remount,bind,ro {p}"
                         for p in (str(home), *READ_ONLY))
    script = f"set -e; {mounts}; touch {home}/probe 2>/dev/null && exit 97; exec \"$@\""
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                           "sh", sys.executable, "-m", "entrypoints", *args],
                          env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180)


pytestmark = pytest.mark.skipif(shutil.which("unshare") is None or os.geteuid() != 0,
                                reason="needs unshare and root (CI runs as root)")


def test_kiosk_status_with_a_read_only_home_writes_only_its_own_folders(tmp_path):
    r = _sandboxed(["status", "--json"], tmp_path)
    assert r.returncode != 97, "HOME was writable: the sandbox did not hold"
    assert r.returncode in (0, 1), r.stderr[-2000:]  # 1: something needs staff, e.g. audio
    assert "Traceback" not in r.stderr and "Read-only file system" not in r.stderr, r.stderr
    assert json.loads(r.stdout)["components"], r.stdout[:500]
    assert (tmp_path / "state" / "kiosk.sqlite3").exists()
    assert list((tmp_path / "cache").glob("escpos-*/*")), "the printer database cache"
    assert list((tmp_path / "home").iterdir()) == []


def test_kiosk_run_with_a_read_only_home_draws_home(tmp_path):
    ready = tmp_path / "ready.json"
    r = _sandboxed(["run", "--windowed"], tmp_path, KIOSK_READY_FILE=str(ready),
                   KIOSK_EXIT_AFTER_READY="1")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Read-only file system" not in r.stderr, r.stderr[-2000:]
    assert json.loads(ready.read_text())["screen"] == "home"
    assert (tmp_path / "state" / "kivy").is_dir()  # Kivy's own files: state, not HOME
    assert list((tmp_path / "logs").glob("kiosk.log")), "the JSON log in LogsDirectory"
