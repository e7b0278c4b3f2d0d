"""Issue 19, defects 15 and 17 (part): the test clock reaches every part of the program, a
procedure symbol is found however it is typed, and a report does not invent a percentage out
of no answers. Real `kiosk` processes on a fresh data folder."""

from __future__ import annotations

import json
import subprocess
import sys

from printer.escpos_decode import decode
from tests.test_queue_cli import MONDAY_10, SUNDAY_10, env_for


def kiosk(*args, data_dir, now=MONDAY_10):
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env_for(data_dir, now), timeout=120)


def printed_card(data_dir, symbol, now):
    r = kiosk("print", "card", symbol, "--json", data_dir=data_dir, now=now)
    assert r.returncode == 0, r.stderr
    with open(json.loads(r.stdout)["job_file"], "rb") as f:
        return decode(f.read()).text


def test_the_test_clock_sets_the_card_and_the_queue_alike(tmp_path):
    """A drill at Monday 10:00: the queue issues tickets, and the card printed at that moment
    says Monday 10:00 and the office open (it used to carry the machine's real date)."""
    r = kiosk("ticket", "issue", "A", "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["issued_at"].startswith("2026-11-30T10:00")
    card = printed_card(tmp_path, "USC I", MONDAY_10)
    assert "Wydrukowano 30 listopada 2026, 10:00" in card
    assert "Teraz zamknięte" not in card
    sunday = printed_card(tmp_path, "USC I", SUNDAY_10)
    assert "Wydrukowano 29 listopada 2026, 10:00" in sunday and "Teraz zamknięte" in sunday
    r = kiosk("ticket", "issue", "A", data_dir=tmp_path, now=SUNDAY_10)
    assert r.returncode == 1, "the queue is closed on Sunday too"


def test_a_symbol_is_found_however_it_is_typed(tmp_path):
    for typed in ("del i", "DEL  I", " Del I "):
        card = printed_card(tmp_path, typed, MONDAY_10)
        assert "Wydanie dowodu osobistego" in card, typed
    r = kiosk("print", "card", "del ii i", data_dir=tmp_path)
    assert r.returncode == 2 and "no procedure with the symbol 'del ii i'" in r.stderr


def test_a_report_without_answers_shows_no_satisfaction_figure(tmp_path):
    out = tmp_path / "report"
    r = kiosk("report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out),
              "--no-pdf", data_dir=tmp_path / "data")
    assert r.returncode == 0, r.stderr
    lines = {line.split(":")[0].strip(): line.split(":", 1)[1].strip()
             for line in r.stdout.splitlines() if line.startswith("  ")}
    assert lines["Odpowiedzi na pytanie o zadowolenie"] == "0"
    assert lines["„Tak” [%]"] == "—", "no answers is not 0 % satisfied"
    assert lines["Wskaźnik zadowolenia (tak = 1, częściowo = ½) [%]"] == "—"
    assert "0.0" not in (out / "summary.html").read_text(encoding="utf-8")
    r = kiosk("report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out),
              "--no-pdf", "--json", data_dir=tmp_path / "data")
    assert json.loads(r.stdout)["figures"]["satisfaction_yes_pct"] is None


def test_a_first_sync_that_fails_does_not_print_none(tmp_path):
    """`kiosk sync` once said "content stays at central revision None" on a kiosk that had
    never synced."""
    r = kiosk("sync", "--now", "--source", "postgresql://kiosk@127.0.0.1:9/nothing",
              data_dir=tmp_path)
    assert r.returncode == 4, r.stdout + r.stderr
    assert "None" not in r.stdout + r.stderr
    assert "the kiosk keeps its own content: no sync has reached it yet" in r.stdout + r.stderr
