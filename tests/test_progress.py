"""Long commands say how far they are: a bar on a terminal; one line per stage, with counts,
in a journal or a pipe; JSON lines with --json (stdout stays the command's answer)."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys

from content_sync.central import import_folder, init_central
from content_sync.sync import run_sync
from kiosk import PROJECT_ROOT
from kiosk.config import SAMPLE_CONTENT_DIR
from kiosk.progress import LineProgress
from tests.sync_support import kiosk_cfg


def _prerender(tmp_path, *extra, tty=False):
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")}
    env.pop("KIOSK_CONFIG", None)
    cmd = [sys.executable, "-m", "entrypoints", "audio", "prerender", "--limit", "12",
           "--offline", *extra]
    if not tty:
        return subprocess.run(cmd, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=120)
    leader, follower = pty.openpty()  # a terminal, as an admin at the console has
    proc = subprocess.run(cmd, env=env, cwd=PROJECT_ROOT, stdout=follower, stderr=follower,
                          timeout=120)
    os.close(follower)
    out = b""
    try:
        while chunk := os.read(leader, 65536):
            out += chunk
    except OSError:  # the terminal's other end closed
        pass
    os.close(leader)
    return proc.returncode, out.decode("utf-8", "replace")


def test_audio_prerender_reports_its_stage_as_a_line_as_json_and_as_a_bar(tmp_path):
    r = _prerender(tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [x for x in r.stderr.splitlines() if x.startswith("audio:")]
    assert len(lines) == 1 and lines[0].startswith("audio: 12 of 12 in "), r.stderr
    assert lines[0].endswith("(12 rendered, 0 cached, 0 failed)"), lines[0]  # a new cache

    r = _prerender(tmp_path, "--json")
    stage = [json.loads(x) for x in r.stderr.splitlines() if x.startswith("{")]
    assert [(s["stage"], s["done"], s["total"]) for s in stage] == [("audio", 12, 12)]
    assert json.loads(r.stdout)["texts"] == 12  # the answer itself is untouched

    code, screen = _prerender(tmp_path, tty=True)
    assert code == 0
    assert "\r" in screen and "audio      [####################]    12/12 100%" in screen


def test_sync_and_central_import_report_each_stage_with_counts(tmp_path, pg_server):
    url = pg_server.new_database()
    init_central(url)
    out = io.StringIO()
    imported = import_folder(url, SAMPLE_CONTENT_DIR, progress=LineProgress(out))
    check, write = out.getvalue().splitlines()
    assert check.startswith(f"check: {imported.added} in ") and check.endswith("(records valid)")
    assert write.startswith(f"write: {imported.added} of {imported.added} in ")

    out = io.StringIO()
    report = run_sync(kiosk_cfg(tmp_path / "kiosk"), source_url=url,
                      progress=LineProgress(out, as_json=True))
    stages = [json.loads(x) for x in out.getvalue().splitlines()]
    assert report.outcome == "ok", report.detail
    assert [s["stage"] for s in stages] == ["fetch", "apply"]  # audio is off in kiosk_cfg
    assert stages[0]["done"] == imported.added
    assert f"{report.added} added" in stages[1]["summary"]
