"""`kiosk run` as a newcomer starts it: a separate process, a real window, sample content."""

import json
import os
import subprocess
import sys


def test_kiosk_run_draws_home_on_the_sample_content(kiosk_app, tmp_path):
    ready = tmp_path / "ready.json"
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data"),
           "KIOSK_READY_FILE": str(ready), "KIOSK_EXIT_AFTER_READY": "1"}
    env.pop("KIOSK_CONFIG", None)
    r = subprocess.run([sys.executable, "-m", "entrypoints", "run", "--windowed"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    info = json.loads(ready.read_text())
    assert info["screen"] == "home"
    assert (tmp_path / "data" / "kiosk.sqlite3").exists()


def test_kiosk_run_full_screen_starts_too(kiosk_app, tmp_path):
    ready = tmp_path / "ready.json"
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data"),
           "KIOSK_READY_FILE": str(ready), "KIOSK_EXIT_AFTER_READY": "1"}
    env.pop("KIOSK_CONFIG", None)
    r = subprocess.run([sys.executable, "-m", "entrypoints", "run"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(ready.read_text())["screen"] == "home"


def test_kiosk_run_lang_uk_opens_in_ukrainian(kiosk_app, tmp_path):
    ready = tmp_path / "ready.json"
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data"),
           "KIOSK_READY_FILE": str(ready), "KIOSK_EXIT_AFTER_READY": "1"}
    env.pop("KIOSK_CONFIG", None)
    r = subprocess.run([sys.executable, "-m", "entrypoints", "run", "--windowed", "--lang", "uk"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    info = json.loads(ready.read_text())
    assert info["lang"] == "uk" and info["title"] == "Добрий день! Чим можемо допомогти?"
