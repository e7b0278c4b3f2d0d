"""A concurrent first start on an empty data folder: eight `kiosk ticket issue A` at once, as
when several desks and the kiosk are switched on together after an install. Real processes,
real SQLite files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from tests.test_queue_cli import env_for


def _start_together(n: int, data_dir, *args: str) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, "-m", "entrypoints", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env_for(data_dir)) for _ in range(n)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_eight_first_starts_at_once_all_get_a_ticket_and_load_the_content_once(tmp_path):
    results = _start_together(8, tmp_path, "ticket", "issue", "A", "--json")
    failures = [r.stderr.strip().splitlines()[-1:] for r in results if r.returncode != 0]
    assert not failures, f"{len(failures)} of 8 first starts failed: {failures}"
    codes = sorted(json.loads(r.stdout)["code"] for r in results)
    assert codes == [f"A{i:03d}" for i in range(1, 9)], "no ticket lost or duplicated"
    with sqlite3.connect(tmp_path / "kiosk.sqlite3") as db:
        revisions = db.execute("SELECT count(*) FROM content_revision").fetchone()[0]
    assert revisions == 1, f"the sample content was loaded {revisions} times"


def test_a_broken_kiosk_database_is_named_not_blamed_on_the_queue(tmp_path):
    (tmp_path / "kiosk.sqlite3").write_bytes(b"this is not a database" * 100)
    r = subprocess.run([sys.executable, "-m", "entrypoints", "ticket", "issue", "A"],
                       capture_output=True, text=True, env=env_for(tmp_path), timeout=120)
    assert r.returncode == 1
    assert "kiosk database" in r.stderr and "kiosk.sqlite3" in r.stderr, r.stderr
    assert "queue database unreachable" not in r.stderr, r.stderr


def test_the_setup_lock_is_left_to_the_next_start_when_a_holder_is_killed(tmp_path):
    """The lock is the kernel's: a start killed while setting up never blocks the next one."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from kiosk.db.setup_lock import "
         "setup_lock\nwith setup_lock(Path(sys.argv[1])):\n print('held', flush=True); "
         "time.sleep(600)", str(tmp_path)],
        stdout=subprocess.PIPE, text=True, env={**os.environ})
    try:
        assert holder.stdout.readline().strip() == "held"
        waiting = subprocess.Popen([sys.executable, "-m", "entrypoints", "ticket", "issue", "A",
                                    "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env_for(tmp_path))
        try:
            waiting.wait(timeout=3)
            raise AssertionError("set-up went ahead while another process held the lock")
        except subprocess.TimeoutExpired:
            pass
        holder.kill()
        stdout, stderr = waiting.communicate(timeout=120)
        assert waiting.returncode == 0, stderr
        assert json.loads(stdout)["code"] == "A001"
    finally:
        holder.kill()
        holder.wait()
