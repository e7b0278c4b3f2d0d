"""`kiosk ticket`, `kiosk desk` and `kiosk queue` as IT staff and desks use them: real
processes. $KIOSK_TEST_NOW fixes the office time so the sample hours apply predictably."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

MONDAY_10 = "2026-11-30T10:00:00+01:00"
SUNDAY_10 = "2026-11-29T10:00:00+01:00"
MONDAY_1520 = "2026-11-30T15:20:00+01:00"


def env_for(data_dir, now=MONDAY_10, config=None):
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir), "KIOSK_TEST_NOW": now}
    env.pop("KIOSK_CONFIG", None)
    if config:
        env["KIOSK_CONFIG"] = str(config)
    return env


def kiosk(*args, data_dir, now=MONDAY_10, config=None):
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env_for(data_dir, now, config), timeout=120)


def test_ticket_issue_json_and_desk_call(tmp_path):
    r = kiosk("ticket", "issue", "A", "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    first = json.loads(r.stdout)
    assert (first["code"], first["number"], first["people_ahead"]) == ("A001", 1, 0)
    assert first["estimate"] is None and first["estimate_text"] == "no estimate yet"
    assert first["department"] == "USC" and first["issued_at"].startswith("2026-11-30T10:00")
    assert first["page"] is None  # no live queue site configured
    assert (tmp_path / "queue.sqlite3").exists()
    for n in (2, 3):
        out = json.loads(kiosk("ticket", "issue", "A", "--json", data_dir=tmp_path).stdout)
        assert (out["code"], out["people_ahead"]) == (f"A00{n}", n - 1)

    r = kiosk("desk", "call", "--desk", "1", "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ticket"]["code"] == "A001"   # the oldest waiting
    st = json.loads(kiosk("queue", "status", "--json", data_dir=tmp_path).stdout)
    a = next(c for c in st["categories"] if c["letter"] == "A")
    assert (a["waiting"], a["called"], a["last_called"]["code"]) == (2, 1, "A001")
    assert st["desks"][0]["current"]["code"] == "A001"
    # People ahead of the others dropped: a new ticket has A002 and A003 ahead, not three.
    out = json.loads(kiosk("ticket", "issue", "A", "--json", data_dir=tmp_path).stdout)
    assert (out["code"], out["people_ahead"]) == ("A004", 2)

    r = kiosk("desk", "no-show", "--desk", "1", data_dir=tmp_path)
    assert r.returncode == 0 and "A001 marked no-show" in r.stdout
    r = kiosk("desk", "served", "--desk", "1", data_dir=tmp_path)
    assert r.returncode == 1 and "desk 1 has no called ticket" in r.stderr
    r = kiosk("desk", "call", "--desk", "2", "--categories", "B", data_dir=tmp_path)
    assert r.returncode == 1 and "no ticket waiting" in r.stderr
    r = kiosk("queue", "status", data_dir=tmp_path)
    assert r.returncode == 0 and "A " in r.stdout and "desk 1" in r.stdout


def test_outside_hours_nothing_is_issued_and_the_reason_is_given(tmp_path):
    r = kiosk("ticket", "issue", "B", "--json", data_dir=tmp_path, now=SUNDAY_10)
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert (data["ok"], data["reason"]) == (False, "closed_today")
    assert data["next_opening"].startswith("2026-11-30T08:00")
    assert data["booking_url"] and "no tickets today" in r.stderr
    r = kiosk("ticket", "issue", "B", data_dir=tmp_path, now=MONDAY_1520)
    assert r.returncode == 1 and "last ticket 15:15" in r.stderr
    st = json.loads(kiosk("queue", "status", "--json", data_dir=tmp_path).stdout)
    assert all(c["issued"] == 0 for c in st["categories"])


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    r = kiosk("ticket", "issue", "Q", data_dir=tmp_path)
    assert r.returncode == 2 and "unknown queue category 'Q'" in r.stderr
    r = kiosk("desk", "transfer", "--desk", "1", "--to", "Q", data_dir=tmp_path)
    assert r.returncode == 2 and "unknown queue category 'Q'" in r.stderr
    r = kiosk("desk", "call", "--desk", "0", data_dir=tmp_path)
    assert r.returncode == 2 and "desk must be 1 to 999" in r.stderr


def test_many_kiosk_processes_on_postgresql_never_repeat_or_skip(tmp_path, pg_url):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[queue]\nurl = "{pg_url}"\n', encoding="utf-8")
    # The first start loads the content and creates the queue schema; then 8 at once.
    assert kiosk("ticket", "issue", "C", data_dir=tmp_path, config=config).returncode == 0
    procs = [subprocess.Popen([sys.executable, "-m", "entrypoints", "ticket", "issue", "C",
                               "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env_for(tmp_path, config=config)) for _ in range(8)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    numbers = sorted(json.loads(o)["number"] for o, _ in outs)
    assert numbers == list(range(2, 10))
    st = json.loads(kiosk("queue", "status", "--json", data_dir=tmp_path, config=config).stdout)
    c = next(c for c in st["categories"] if c["letter"] == "C")
    assert (c["issued"], c["waiting"]) == (9, 9)
    assert not (tmp_path / "queue.sqlite3").exists()


def test_queue_config_is_validated(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[queue]\nurl = "mysql://x/y"\n', encoding="utf-8")
    r = kiosk("queue", "status", data_dir=tmp_path, config=config)
    assert r.returncode == 2 and "[queue] url must be" in r.stderr


@pytest.mark.parametrize("args", [["ticket", "issue", "--help"], ["desk", "call", "--help"],
                                  ["queue", "status", "--help"]])
def test_help(tmp_path, args):
    r = kiosk(*args, data_dir=tmp_path)
    assert r.returncode == 0 and "usage" in r.stdout


def test_ticket_issue_json_gives_the_tickets_live_page(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[web]\npublic_url = "https://kolejka.example.pl"\n', encoding="utf-8")
    r = kiosk("ticket", "issue", "A", "--json", data_dir=tmp_path, config=config)
    assert r.returncode == 0, r.stderr
    page = json.loads(r.stdout)["page"]
    prefix = "https://kolejka.example.pl/t/"
    assert page.startswith(prefix) and len(page) - len(prefix) >= 20  # a random token
    assert "A001" not in page
