"""The hall display (`kiosk display`) in a real window under the tests' Xvfb, in its own process
(one Kivy window per process), with desks calling from other processes. What is on screen is
read back from the display's labels through its state file; what was played is the display's
own record of the clips that reached the audio device, and the clips are opened as WAV files.

Each test runs on SQLite (one machine; the display polls) and on a real PostgreSQL
(LISTEN/NOTIFY), unless it says otherwise. The order of three quick calls, which the announcer
keeps whatever the backend, runs on PostgreSQL only in the slow lane (`KIOSK_SLOW=1`, or
`bash scripts/test.sh --slow`), to keep CI within its time.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from tests.display_support import DisplayProcess, TcpRelay, kiosk, wav_facts, write_config
from tests.queue_support import Clock, StaticContent, at, category, service

SHOTS = Path("test-artifacts/screenshots")
DAY = dt.date(2026, 11, 24)  # the tests' office day (tests.display_support.OPEN_NOW)


class Hall:
    """A queue database, a desk configuration and a display configuration on one machine.
    The display reaches the database by a path that can be taken away (SQLite: a symlinked
    folder; PostgreSQL: a TCP relay), the desks directly."""

    def __init__(self, tmp: Path, kind: str, pg_server=None, **display):
        self.tmp, self.kind = tmp, kind
        self.relay = None
        if kind == "sqlite":
            self.queue_dir = tmp / "queue"
            self.queue_dir.mkdir()
            self.link = tmp / "queue-link"
            self.link.symlink_to(self.queue_dir)
            self.url = f"sqlite:///{self.queue_dir / 'queue.sqlite3'}"
            display_url = f"sqlite:///{self.link / 'queue.sqlite3'}"
        else:
            self.url = pg_server.new_database()
            self.relay = TcpRelay("127.0.0.1", pg_server.port)
            display_url = self.url.replace(f":{pg_server.port}/", f":{self.relay.port}/")
        self.clock = Clock(at(DAY, 10))
        self.svc = service(self.url, content=StaticContent(*[category(x) for x in "ABCDEF"]),
                           clock=self.clock)
        self.desk_cfg = write_config(tmp / "desk.toml", tmp / "desk-data", self.url)
        self.display_cfg = write_config(tmp / "display.toml", tmp / "display-data", display_url,
                                        **display)
        self.display: DisplayProcess | None = None

    def start_display(self) -> DisplayProcess:
        self.display = DisplayProcess(self.display_cfg, self.tmp)
        self.display.wait_until(lambda s: s.get("connected") is True and s.get("waiting"),
                                timeout=60, what="the display to connect")
        return self.display

    def outage(self) -> None:
        if self.relay is not None:
            self.relay.cut()
        else:
            self.link.unlink()

    def recover(self) -> None:
        if self.relay is not None:
            self.relay.restore()
        else:
            self.link.symlink_to(self.queue_dir)

    def close(self) -> None:
        if self.display is not None:
            self.display.stop()
        if self.relay is not None:
            self.relay.close()
        self.svc.close()


def _hall(request, tmp_path, **display) -> Hall:
    kind = request.param
    pg = request.getfixturevalue("pg_server") if kind == "pg" else None
    return Hall(tmp_path, kind, pg, **display)


@pytest.fixture(params=["sqlite", "pg"])
def hall(request, tmp_path):
    h = _hall(request, tmp_path)
    yield h
    h.close()


@pytest.fixture(params=["sqlite", "pg"])
def hall_short_memory(request, tmp_path):
    """Calls older than 3 s when the display learns of them are shown, not announced."""
    h = _hall(request, tmp_path, announce_max_age_seconds=3)
    yield h
    h.close()


@pytest.fixture(params=["sqlite"])
def hall_three_languages(request, tmp_path):
    h = _hall(request, tmp_path, announce_languages=["pl", "en", "uk"])
    yield h
    h.close()


def _speech(st: dict, event_id: int) -> list[dict]:
    return [p for p in st["played"] if p["event_id"] == event_id]


def _assert_real_audio(played: list[dict]) -> None:
    for p in played:
        seconds, peak = wav_facts(p["path"])
        assert seconds > 0.3 and peak > 3000, f"{p['part']} clip {p['path']} is silent or empty"
        # played to its end, not cut short by the next call
        assert p["ended"] - p["started"] >= 0.9 * seconds, p


def _assert_no_overlap(played: list[dict]) -> None:
    for a, b in zip(played, played[1:], strict=False):
        assert a["ended"] is not None and b["started"] >= a["ended"] - 0.001, (a, b)


def test_a_desk_call_from_another_process_is_shown_within_2_s_and_announced(hall):
    for _ in range(3):
        hall.svc.issue("A")
    hall.svc.call_next(1)  # before the display starts: shown, never announced
    d = hall.start_display()
    st = d.state()
    assert st["banner"]["code"] == "A001" and st["banner"]["desk"] == "Stanowisko 1"
    assert not st["banner"]["highlight"] and st["played"] == []
    assert st["mode"] == ("listen" if hall.kind == "pg" else "poll")
    # a notice from the content in the bottom bar
    st = d.wait_until(lambda s: s["notice"], timeout=10, what="a notice")
    assert ": " in st["notice"] and st["clock"]

    kiosk(hall.desk_cfg, "desk", "call", "--desk", "3")   # a desk in another process
    called = time.monotonic()
    st = d.wait_until(lambda s: s["banner"]["code"] == "A002", timeout=2.0,
                      what="A002 on the display within 2 s of the desk call")
    assert time.monotonic() - called <= 2.0
    assert st["banner"]["desk"] == "Stanowisko 3" and st["banner"]["highlight"]
    assert st["recent"][:2] == ["A002 Stanowisko 3", "A001 Stanowisko 1"]
    assert "A001 1" in st["current"]  # desk 1 still serves A001
    assert st["note"] == ""
    d.screenshot(SHOTS / f"display-called-{hall.kind}.png")

    st = d.wait_until(lambda s: s["announced"], timeout=30, what="the announcement")
    played = st["played"]
    assert [p["part"] for p in played] == ["chime", "pl"]
    assert played[1]["text"] == "Numer A dwa, stanowisko numer trzy"
    _assert_real_audio(played)
    assert {p["code"] for p in played} == {"A002"}  # A001 (before the start) was not said
    # the highlight ends after a while; the call stays
    st = d.wait_until(lambda s: not s["banner"]["highlight"], timeout=15)
    assert st["banner"]["code"] == "A002"
    assert any(w.startswith("A czeka: 1") for w in st["waiting"]), st["waiting"]


def _served_this_morning(hall: Hall, letter: str, minutes: list[int], waiting: int) -> None:
    """Tickets of `letter` served at desk 9 since 9:00, then `waiting` more in the queue: the
    display then has service times to estimate from."""
    hall.clock.set(at(DAY, 9))
    for _ in range(len(minutes)):
        hall.svc.issue(letter)
    hall.svc.call_next(9, [letter])
    for m in minutes[:-1]:
        hall.clock.advance(minutes=m)
        hall.svc.call_next(9, [letter])
    hall.clock.advance(minutes=minutes[-1])
    hall.svc.served(9)
    for _ in range(waiting):
        hall.svc.issue(letter)
    hall.clock.set(at(DAY, 10))


def test_three_quick_calls_are_announced_in_order_without_overlap(hall):
    if hall.kind == "pg" and os.environ.get("KIOSK_SLOW") != "1":
        pytest.skip("slow lane: KIOSK_SLOW=1 (the SQLite run checks the same order in CI)")
    _served_this_morning(hall, "D", [6, 8, 7, 5], waiting=3)
    for letter in "ABC":
        hall.svc.issue(letter)
    d = hall.start_display()
    # waiting counts and an estimate from this morning's services
    assert [w for w in d.state()["waiting"] if w.startswith("D ")] == [
        "D czeka: 3 ok. 17–29 min"]
    # three desks within a few milliseconds
    calls = [hall.svc.call_next(desk, [letter]) for desk, letter in ((2, "A"), (5, "B"), (7, "C"))]
    assert [c.code for c in calls] == ["A001", "B001", "C001"]
    st = d.wait_until(lambda s: len(s["shown"]) == 3, timeout=5, what="three calls shown")
    assert st["banner"]["code"] == "C001" and st["banner"]["desk"] == "Stanowisko 7"
    assert st["recent"][:3] == ["C001 Stanowisko 7", "B001 Stanowisko 5", "A001 Stanowisko 2"]
    assert st["current"] == ["B001 5", "A001 2"]
    d.screenshot(SHOTS / f"display-three-calls-{hall.kind}.png")
    st = d.wait_until(lambda s: len(s["announced"]) == 3, timeout=60,
                      what="three announcements")
    played = st["played"]
    assert [(p["code"], p["part"]) for p in played] == [
        ("A001", "chime"), ("A001", "pl"), ("B001", "chime"), ("B001", "pl"),
        ("C001", "chime"), ("C001", "pl")]
    assert [p["text"] for p in played if p["part"] == "pl"] == [
        "Numer A jeden, stanowisko numer dwa", "Numer B jeden, stanowisko numer pięć",
        "Numer C jeden, stanowisko numer siedem"]
    _assert_no_overlap(played)
    _assert_real_audio(played)
    # the later calls were on screen while the first was still being said: they waited
    first_end = played[1]["ended"]
    shown = {int(k): v for k, v in st["shown"].items()}
    ids = sorted(shown)
    assert shown[ids[1]] < first_end and shown[ids[2]] < first_end


def test_a_recall_is_announced_again_and_listed(hall_three_languages):
    hall = hall_three_languages
    hall.svc.issue("D")
    d = hall.start_display()
    hall.svc.call_next(4)
    d.wait_until(lambda s: len(s["announced"]) == 1, timeout=60, what="the call announced")
    kiosk(hall.desk_cfg, "desk", "recall", "--desk", "4")
    st = d.wait_until(lambda s: len(s["shown"]) == 2, timeout=5, what="the recall shown")
    assert st["banner"]["code"] == "D001" and st["banner"]["highlight"]
    assert st["recent"][:2] == ["D001 Stanowisko 4  (ponownie)", "D001 Stanowisko 4"]
    st = d.wait_until(lambda s: len(s["announced"]) == 2, timeout=60,
                      what="the recall announced")
    played = st["played"]
    parts = [(p["code"], p["part"]) for p in played]
    assert parts == [("D001", x) for x in ("chime", "pl", "en", "uk")] * 2
    assert [p["text"] for p in played[1:4]] == [
        "Numer D jeden, stanowisko numer cztery", "Ticket D one, desk four",
        "Номер D один, вікно номер чотири"]
    _assert_no_overlap(played)
    _assert_real_audio(played)


def test_queue_database_outage_keeps_the_screen_and_recovers_without_repeats(hall_short_memory):
    hall = hall_short_memory
    for letter in "AAB":
        hall.svc.issue(letter)
    d = hall.start_display()
    hall.svc.call_next(1, ["A"])
    d.wait_until(lambda s: len(s["announced"]) == 1, timeout=60, what="A001 announced")

    hall.outage()
    st = d.wait_until(lambda s: s["note"], timeout=15, what="the outage note")
    assert st["note"] == "Brak połączenia z kolejką" and st["connected"] is False
    # the last state stays on screen
    assert st["banner"]["code"] == "A001" and st["recent"][0] == "A001 Stanowisko 1"
    assert any(w.startswith("A czeka: 1") for w in st["waiting"])
    d.screenshot(SHOTS / f"display-outage-{hall.kind}.png")

    # desks go on calling meanwhile: one call long before the display is back, one just before
    hall.svc.call_next(2, ["A"])
    time.sleep(4.5)
    hall.svc.call_next(3, ["B"])
    st = d.state()
    assert st["connected"] is False and st["banner"]["code"] == "A001"
    hall.recover()
    st = d.wait_until(lambda s: s["connected"] and s["banner"]["code"] == "B001", timeout=15,
                      what="reconnected, with the calls made meanwhile")
    assert st["note"] == ""
    assert st["recent"][:3] == ["B001 Stanowisko 3", "A002 Stanowisko 2", "A001 Stanowisko 1"]
    st = d.wait_until(lambda s: len(s["announced"]) == 2, timeout=60, what="B001 announced")
    time.sleep(1.5)  # a few more reads of the log: nothing is repeated
    st = d.state()
    said = [p["code"] for p in st["played"] if p["part"] == "pl"]
    # A001 once (not again after the outage), A002 shown but too old to announce, B001 fresh
    assert said == ["A001", "B001"], said
    assert len(st["shown"]) == 3


@pytest.fixture(params=["pg"])
def hall_pg(request, tmp_path):
    h = _hall(request, tmp_path)
    yield h
    h.close()


def test_a_network_that_swallows_packets_is_noticed_and_survived(hall_pg):
    """Not refused but silent: the display's read hangs on a connection that stays open. The
    screen says so within seconds, keeps its state, and carries on when packets flow again."""
    hall = hall_pg
    hall.svc.issue("E")
    hall.svc.issue("E")
    d = hall.start_display()
    hall.svc.call_next(6)
    d.wait_until(lambda s: len(s["shown"]) == 1, timeout=10, what="E001 shown")
    hall.relay.freeze()
    st = d.wait_until(lambda s: s["note"], timeout=30, what="the note while the network hangs")
    assert st["note"] == "Brak połączenia z kolejką" and st["banner"]["code"] == "E001"
    hall.svc.call_next(8)  # the desk's own link works
    hall.relay.thaw()
    st = d.wait_until(lambda s: s["banner"]["code"] == "E002" and not s["note"], timeout=30,
                      what="E002 after the network came back")
    assert st["recent"][:2] == ["E002 Stanowisko 8", "E001 Stanowisko 6"]
    st = d.wait_until(lambda s: len(s["announced"]) == 2, timeout=60)
    assert [p["code"] for p in st["played"] if p["part"] == "pl"] == ["E001", "E002"]


def test_kiosk_display_starts_full_screen_on_the_default_sqlite_queue(tmp_path):
    """As a newcomer starts it: no configuration, the embedded queue, full screen."""
    import json
    import os
    import subprocess
    import sys

    ready = tmp_path / "ready.json"
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data"),
           "KIOSK_READY_FILE": str(ready), "KIOSK_EXIT_AFTER_READY": "1"}
    env.pop("KIOSK_CONFIG", None)
    r = subprocess.run([sys.executable, "-m", "entrypoints", "display"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    info = json.loads(ready.read_text())
    assert info["screen"] == "display" and info["title"] == "Zapraszamy"
    assert (tmp_path / "data" / "audio" / "chime-v1.wav").exists()
