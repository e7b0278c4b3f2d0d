"""Crash and power-cut recovery: `kiosk run` is SIGKILLed at random moments while it loads new
content at start and while another process issues queue tickets; each restart must reach Home,
and the files must be whole: SQLite integrity_check, one complete content revision (the
newest), queue numbers 1..n per letter with no gap or duplicate and counters that agree.

KIOSK_KILL_ROUNDS sets the number of kills. The default, 3, is what every run of the suite and
CI does (two during start-up, one after Home is drawn; the same seed and assertions). The
drill of the README's figures, 20 kills:

    bash scripts/test.sh --slow tests/ui/test_kill_restart.py   # KIOSK_KILL_ROUNDS=20
    .venv/bin/python bench/run.py --kill-rounds 20 ...          # beside the other benchmarks
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from kiosk import PROJECT_ROOT
from kiosk.content.format import read_content

ROUNDS = int(os.environ.get("KIOSK_KILL_ROUNDS", "3"))
SEED = 1107
NOW = "2026-11-24T10:00:00+01:00"  # a Tuesday, the office open


def _env(cfg_file, ready=None, exit_after=False):
    env = {**os.environ, "KIOSK_CONFIG": str(cfg_file), "KIOSK_TEST_NOW": NOW,
           "SDL_AUDIODRIVER": "dummy", "KIVY_NO_FILELOG": "1"}
    for key in ("KIOSK_READY_FILE", "KIOSK_EXIT_AFTER_READY", "KIOSK_DATA_DIR"):
        env.pop(key, None)
    if ready is not None:
        env["KIOSK_READY_FILE"] = str(ready)
    if exit_after:
        env["KIOSK_EXIT_AFTER_READY"] = "1"
    return env


def _integrity(path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.mark.ui
def test_sigkill_at_random_moments_then_restart(tmp_path, content_copy):
    rng = random.Random(SEED)
    data = tmp_path / "data"
    cfg_file = tmp_path / "kiosk.toml"
    cfg_file.write_text(f'[paths]\ndata_dir = "{data}"\ncontent_dir = "{content_copy}"\n'
                        '[screen]\nfullscreen = false\n', encoding="utf-8")
    meta = content_copy / "content.yaml"
    original = meta.read_text(encoding="utf-8")
    issued_before = 0
    kill_points = []
    for rnd in range(ROUNDS):
        # New content each round: the kiosk loads it at start, so kills land in that write.
        label = f"kill-round-{rnd}"
        meta.write_text(original.replace("revision: sample-2026-11-26", f"revision: {label}"),
                        encoding="utf-8")
        ready = tmp_path / f"ready-{rnd}.json"
        kiosk = subprocess.Popen([sys.executable, "-m", "entrypoints", "run", "--windowed"],
                                 env=_env(cfg_file, ready), cwd=PROJECT_ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        issuer = subprocess.Popen([sys.executable, "-m", "tests.kill_support", "issue",
                                   str(cfg_file), "ABCDEF"[rnd % 6]], env=_env(cfg_file),
                                  cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        # Even rounds: a random moment of the start (content load, schema, first frame);
        # odd rounds: a random moment after Home is on screen (heartbeat, tickets issued).
        started = time.monotonic()
        if rnd % 2:
            deadline = started + 90
            while not ready.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 2.0))
        else:
            time.sleep(rng.uniform(0.2, 3.0))
        kill_points.append((round(time.monotonic() - started, 2), ready.exists()))
        for p in (kiosk, issuer):
            p.send_signal(signal.SIGKILL)
        for p in (kiosk, issuer):
            p.wait(timeout=30)

        # The restart: reaches Home (ready file written on the first drawn Home frame).
        after = tmp_path / f"after-{rnd}.json"
        r = subprocess.run([sys.executable, "-m", "entrypoints", "run", "--windowed"],
                           env=_env(cfg_file, after, exit_after=True), cwd=PROJECT_ROOT,
                           capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, f"round {rnd}: restart failed\n{r.stderr[-3000:]}"
        info = json.loads(after.read_text())
        assert info["screen"] == "home", f"round {rnd}"
        assert "start-up check ok" in r.stderr, f"round {rnd}: {r.stderr[-2000:]}"

        # The files are whole and agree with each other.
        assert _integrity(data / "kiosk.sqlite3") == "ok", f"round {rnd}"
        if (data / "queue.sqlite3").exists():
            assert _integrity(data / "queue.sqlite3") == "ok", f"round {rnd}"
        from dataclasses import replace

        from kiosk.bootstrap import open_core
        from kiosk.config import load_config
        from kiosk.db.queue_engine import make_queue_engine
        from kiosk.ops.integrity import queue_problems, startup_check

        cfg = load_config(cfg_file)
        core = open_core(replace(cfg), load_bundled=False)
        try:
            st = core.content.status()
            bundle = read_content(content_copy)
            assert st.revision == label, f"round {rnd}: the newest content after the restart"
            for kind, n in st.counts.items():
                if hasattr(bundle, kind):
                    assert n == len(getattr(bundle, kind)), f"round {rnd}: {kind}"
            assert startup_check(core) == [], f"round {rnd}"
        finally:
            core.close()
        qe = make_queue_engine(f"sqlite:///{data / 'queue.sqlite3'}")
        try:
            assert queue_problems(qe) == [], f"round {rnd}"
            with qe.connect() as conn:
                has = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE "
                                           "name = 'queue_ticket'").scalar()
                issued = conn.exec_driver_sql("SELECT count(*) FROM queue_ticket").scalar() \
                    if has else 0
        finally:
            qe.dispose()
        assert issued >= issued_before
        issued_before = issued
    print(f"\n{ROUNDS} kills at (s, kiosk had drawn Home): {kill_points}; "
          f"{issued_before} tickets issued in all")
    assert issued_before > 0, "tickets were being issued when the kills came"
