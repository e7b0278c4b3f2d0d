"""`kiosk run` stops cleanly on SIGTERM (systemctl stop, restart, shutdown) and SIGINT (Ctrl-C):
exit 0 within 5 s, a ticket whose print is under way stays valid and is recorded as not
printed, and the usage counts are written. A window manager's close stays refused
(test_lockdown.py).

The kiosk runs as its own process in a real window, as systemd starts it, and is tapped through
the X server (XTEST) at the button positions it reports in its ready file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from kiosk import PROJECT_ROOT
from tests.printer_peer import LoopbackPrinter
from tests.ui.xinput import XInput

NOW = "2026-11-24T10:00:00+01:00"  # a Tuesday, the office open


def _start(tmp_path, peer: LoopbackPrinter) -> tuple[subprocess.Popen, object]:
    data = tmp_path / "data"
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[paths]\ndata_dir = "{data}"\n'
                   '[screen]\nfullscreen = false\nwidth = 1080\nheight = 1920\n'
                   f'[printer]\nkind = "network"\nhost = "{peer.host}"\nport = {peer.port}\n'
                   # it waits for the printer's answer longer than a stop waits for the print
                   'status_timeout = 5.0\n'
                   # usage counts are written every 10 minutes: a stop must write them itself
                   '[usage]\nflush_seconds = 600\n', encoding="utf-8")
    ready = tmp_path / "ready.json"
    env = {**os.environ, "KIOSK_CONFIG": str(cfg), "KIOSK_TEST_NOW": NOW,
           "KIOSK_READY_FILE": str(ready), "SDL_AUDIODRIVER": "dummy", "KIVY_NO_FILELOG": "1"}
    for key in ("KIOSK_EXIT_AFTER_READY", "KIOSK_DATA_DIR"):
        env.pop(key, None)
    proc = subprocess.Popen([sys.executable, "-m", "entrypoints", "run", "--windowed"],
                            env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    return proc, ready


def _wait_screen(proc, ready, screen: str, timeout: float = 60.0, *,
                 buttons: bool = True) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the kiosk ended early: {proc.stderr.read()[-2000:]}"
        try:
            info = json.loads(ready.read_text())
        except (OSError, ValueError):
            info = {}
        if info.get("screen") == screen and (info.get("buttons") or not buttons):
            return info
        time.sleep(0.1)
    raise AssertionError(f"the kiosk never showed {screen!r}; last: {info}")


def _tap(info: dict, label_start: str) -> None:
    label = next((b for b in info["buttons"] if b.startswith(label_start)), None)
    assert label, f"no button {label_start!r} on {info['screen']}: {list(info['buttons'])}"
    xi = XInput(info["window"])
    try:
        xi.click(*info["buttons"][label])
    finally:
        xi.close()


def _rows(path, query: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


@pytest.mark.ui
def test_sigterm_mid_print_exits_0_within_5_s_ticket_valid_and_counted(tmp_path):
    # A printer that answers each status query after 4 s: the print is still under way when
    # the stop's grace (2 s) is over.
    with LoopbackPrinter("slow", delay=4.0) as peer:
        proc, ready = _start(tmp_path, peer)
        try:
            home = _wait_screen(proc, ready, "home")
            connections = len(peer.jobs)
            _tap(home, "Pobierz bilet do kolejki")
            _tap(_wait_screen(proc, ready, "ticket"), "A  ·")
            info = _wait_screen(proc, ready, "ticket")
            while "Pobierz bilet" not in info["buttons"]:  # the chosen matter's page
                info = _wait_screen(proc, ready, "ticket")
            _tap(info, "Pobierz bilet")
            _wait_screen(proc, ready, "printing", buttons=False)  # "Printing...": no buttons
            deadline = time.monotonic() + 10
            while len(peer.jobs) == connections and time.monotonic() < deadline:
                time.sleep(0.05)  # until the print job has connected to the printer
            assert len(peer.jobs) > connections, "the ticket never reached the printer"

            # Alive in the hall's database (the queue's), where the desks look.
            hall = tmp_path / "data" / "queue.sqlite3"
            assert [r[1] for r in _rows(hall, "SELECT kiosk_id, role FROM hall_kiosk")] == \
                ["kiosk"]
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=30)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err = proc.stderr.read()

    assert code == 0, f"exit {code}: {err[-2000:]}"
    assert took < 5.0, f"SIGTERM to exit took {took:.1f} s: {err[-3000:]}"
    assert "Traceback" not in err, err[-2000:]

    tickets = _rows(tmp_path / "data" / "queue.sqlite3",
                    "SELECT code, status, printed FROM queue_ticket")
    events = _rows(tmp_path / "data" / "kiosk.sqlite3", "SELECT kind, name, value FROM usage_event")
    # Stopped on purpose: the hall does not take it for a kiosk gone silent.
    assert _rows(tmp_path / "data" / "queue.sqlite3", "SELECT * FROM hall_kiosk") == []
    # The ticket stands: the desk will call A001 although no paper came out.
    assert tickets == [("A001", "waiting", 0)], tickets
    # The counts a stop used to lose: the ticket and a print that was cut off.
    assert ("ticket", "A", None) in events, events
    assert ("print", "interrupted", "ticket") in events, events


@pytest.mark.ui
def test_ctrl_c_ends_the_hall_display_with_exit_0_and_no_traceback(tmp_path):
    ready = tmp_path / "ready.json"
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data"), "KIOSK_READY_FILE": str(ready),
           "SDL_AUDIODRIVER": "dummy", "KIVY_NO_FILELOG": "1"}
    for key in ("KIOSK_CONFIG", "KIOSK_EXIT_AFTER_READY"):
        env.pop(key, None)
    proc = subprocess.Popen([sys.executable, "-m", "entrypoints", "display", "--windowed"],
                            env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert ready.exists(), "the display never drew its first frame"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read()
    assert (code, "Traceback" in err) == (0, False), err[-2000:]
    assert took < 5.0, f"SIGINT to exit took {took:.1f} s"
