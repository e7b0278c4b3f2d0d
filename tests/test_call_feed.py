"""The call log, the call feed the hall display follows, the announcement texts, the chime and
the announcement queue (core only; the display window itself is tested in
tests/ui/test_display.py)."""

from __future__ import annotations

import array
import threading
import time
import wave
from pathlib import Path

import pytest

from kiosk.queue.announce import (
    Announcement,
    AnnouncementQueue,
    announcement_texts,
    make_chime,
    speech_renderer,
)
from kiosk.queue.call_feed import CallWatcher, calls_since, last_call_id
from kiosk.speech.cache import AudioCache
from kiosk.speech.engines import EspeakEngine
from kiosk.speech.normalise import normalise
from kiosk.speech.service import Speech
from tests.queue_support import MONDAY, Clock, at, service


@pytest.fixture(params=["sqlite", "pg"])
def url(request, tmp_path):
    if request.param == "pg":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'queue.sqlite3'}"


def test_calls_and_recalls_are_logged_in_order_and_nothing_else(url):
    svc = service(url, clock=Clock(at(MONDAY, 10)))
    try:
        for _ in range(3):
            svc.issue("A")
        a1 = svc.call_next(3)
        svc.recall(3)
        svc.recall(3)
        a2 = svc.call_next(3)      # closes A001 as served: no event for that
        svc.no_show(3)
        svc.call_next(4)
        with svc._Session() as s:
            calls = calls_since(s, 0, svc.tz)
            assert last_call_id(s) == calls[-1].id
        assert [(c.kind, c.code, c.desk) for c in calls] == [
            ("call", "A001", 3), ("recall", "A001", 3), ("recall", "A001", 3),
            ("call", "A002", 3), ("call", "A003", 4)]
        assert [c.ticket_id for c in calls[:4]] == [a1.id] * 3 + [a2.id]
        ids = [c.id for c in calls]
        assert ids == sorted(ids) and len(set(ids)) == 5
        assert all(0 <= c.age_seconds < 30 for c in calls)
        assert calls[0].called_at == at(MONDAY, 10)
    finally:
        svc.close()


def _collect(url, **kw):
    updates, lock = [], threading.Lock()

    def on_update(u):
        with lock:
            updates.append(u)

    clock = Clock(at(MONDAY, 10))
    w = CallWatcher(lambda: service(url, clock=clock, upgrade=False), on_update, **kw)
    return w, updates


def test_the_feed_reports_every_call_once_in_order_while_desks_call_at_once(url):
    """Four desks (each its own connection) call 25 tickets each as fast as they can; the
    feed, reading all the while, reports each of the 100 calls exactly once, in id order."""
    clock = Clock(at(MONDAY, 10))
    setup = service(url, clock=clock)
    letters = {1: "A", 2: "B", 3: "C", 4: "A"}  # desks 1 and 4 compete for the same letter
    for i in range(100):
        setup.issue(letters[i % 4 + 1])
    w, updates = _collect(url, poll_seconds=0.01, listen=False, status_seconds=60)
    w.start()
    try:
        deadline = time.monotonic() + 30
        while w.connected is not True and time.monotonic() < deadline:
            time.sleep(0.02)

        def desk(n):
            svc = service(url, clock=clock, upgrade=False)
            try:
                for _ in range(25):
                    assert svc.call_next(n, [letters[n]]) is not None
            finally:
                svc.close()

        threads = [threading.Thread(target=desk, args=(n,)) for n in (1, 2, 3, 4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        while sum(len(u.calls) for u in updates) < 100 and time.monotonic() < deadline + 30:
            time.sleep(0.05)
    finally:
        w.stop()
    seen = [c for u in updates for c in u.calls]
    ids = [c.id for c in seen]
    assert len(ids) == 100 and len(set(ids)) == 100 and ids == sorted(ids)
    with setup._Session() as s:
        assert ids == [c.id for c in calls_since(s, 0, setup.tz)]
    setup.close()


def test_the_feed_starts_after_old_calls_and_resumes_after_a_restart(url, tmp_path):
    svc = service(url, clock=Clock(at(MONDAY, 10)))
    for _ in range(4):
        svc.issue("A")
    svc.call_next(1)  # before the display ever ran: history, not news
    state = tmp_path / "last.json"

    def run_until(pred, **kw):
        w, updates = _collect(url, poll_seconds=0.05, state_file=state, **kw)
        w.start()
        end = time.monotonic() + 20
        while not pred(updates) and time.monotonic() < end:
            time.sleep(0.02)
        w.stop()
        return updates

    ups = run_until(lambda us: any(u.recent for u in us))
    assert [c.code for u in ups for c in u.calls] == []
    assert [c.code for c in next(u.recent for u in ups if u.recent)] == ["A001"]
    svc.call_next(2)  # while the display is off
    ups = run_until(lambda us: any(u.calls for u in us))
    calls = [c for u in ups for c in u.calls]
    assert [c.code for c in calls] == ["A002"]
    assert [i for u in ups for i in u.announce] == [calls[0].id]  # fresh: announced
    # too old by the time it is read (max age 0 s): shown, not announced
    svc.call_next(3)
    time.sleep(1.2)
    ups = run_until(lambda us: any(u.calls for u in us), max_age_seconds=0)
    assert [c.code for u in ups for c in u.calls] == ["A003"]
    assert [i for u in ups for i in u.announce] == []
    svc.close()


def test_announcements_say_the_ticket_and_the_desk_in_words():
    said = [normalise(t, lang) for t, lang in announcement_texts("A012", 3, ("pl", "en", "uk"))]
    assert said == ["Numer A dwanaście, stanowisko numer trzy",
                    "Ticket A twelve, desk three",
                    "Номер A дванадцять, вікно номер три"]
    # Polish always first, whatever the order configured
    assert [lang for _t, lang in announcement_texts("B104", 12, ("uk", "pl"))] == ["pl", "uk"]
    assert normalise(announcement_texts("B104", 12, ("pl",))[0][0], "pl") == \
        "Numer B sto cztery, stanowisko numer dwanaście"


def _samples(path: Path) -> tuple[array.array, int]:
    with wave.open(str(path), "rb") as w:
        return array.array("h", w.readframes(w.getnframes())), w.getframerate()


def _crossings_hz(samples, rate, start: float, end: float) -> float:
    part = samples[int(start * rate):int(end * rate)]
    n = sum(1 for a, b in zip(part, part[1:], strict=False) if (a < 0) != (b < 0))
    return n / 2 / (end - start)


def test_the_chime_is_a_two_tone_wav_made_once(tmp_path):
    path = make_chime(tmp_path / "chime.wav")
    stamp = path.stat().st_mtime_ns
    assert make_chime(path).stat().st_mtime_ns == stamp  # not rewritten
    samples, rate = _samples(path)
    assert 1.0 < len(samples) / rate < 2.0
    assert max(abs(s) for s in samples) > 10000
    # a higher tone, then a lower one (the octave partial adds a little to the count)
    first = _crossings_hz(samples, rate, 0.05, 0.35)
    second = _crossings_hz(samples, rate, 0.55, 0.85)
    assert 700 < first < 950 and 580 < second < 800 and first > second * 1.1


class WavPlayer:
    """Plays a WAV by waiting out its length on a timer thread (no audio device needed)."""

    def __call__(self, path: Path, done) -> None:
        with wave.open(str(path), "rb") as w:
            seconds = w.getnframes() / w.getframerate()
        threading.Timer(seconds, done).start()


def test_the_announcement_queue_plays_in_order_never_cuts_and_repeats_recalls(tmp_path):
    speech = Speech(AudioCache(tmp_path / "audio"), [EspeakEngine()])
    chime = make_chime(tmp_path / "chime.wav")
    lock = threading.RLock()

    def call_soon(fn):
        with lock:  # one "player thread" at a time, as Kivy's main loop would be
            fn()

    q = AnnouncementQueue(speech_renderer(speech, ("pl",)), WavPlayer(), call_soon,
                          lead_in=chime)
    with lock:
        assert q.submit(Announcement(1, "call", "A001", 1))
        assert q.submit(Announcement(2, "call", "B001", 2))
        assert not q.submit(Announcement(2, "call", "B001", 2))  # the same event: ignored
        assert q.submit(Announcement(3, "recall", "A001", 1))    # a recall is a new event
        # the chime of the first call started at once, before its speech was rendered
        assert [(p.event_id, p.part) for p in q.played] == [(1, "chime")]
    end = time.monotonic() + 60
    while len(q.announced) < 3 and time.monotonic() < end:
        time.sleep(0.05)
    assert q.announced == [1, 2, 3] and not q.busy
    assert [(p.event_id, p.part) for p in q.played] == [
        (1, "chime"), (1, "pl"), (2, "chime"), (2, "pl"), (3, "chime"), (3, "pl")]
    assert [p.text for p in q.played if p.part == "pl"] == [
        "Numer A jeden, stanowisko numer jeden", "Numer B jeden, stanowisko numer dwa",
        "Numer A jeden, stanowisko numer jeden"]
    for a, b in zip(q.played, q.played[1:], strict=False):
        assert b.started >= a.ended
    for p in q.played:
        samples, rate = _samples(Path(p.path))
        assert max(abs(s) for s in samples) > 3000
        assert p.ended - p.started >= 0.95 * len(samples) / rate
    q.close()


def test_display_settings_are_checked():
    from kiosk.config import ConfigError, parse_config

    cfg = parse_config({"display": {"announce_languages": ["pl", "uk"], "listen": False,
                                    "poll_seconds": 0.25}})
    assert cfg.display.announce_languages == ("pl", "uk") and not cfg.display.listen
    assert cfg.display.poll_seconds == 0.25
    with pytest.raises(ConfigError, match=r"\[display\] announce_languages: unknown language 'de'"):
        parse_config({"display": {"announce_languages": ["pl", "de"]}})
    with pytest.raises(ConfigError, match=r"\[display\] poll_seconds"):
        parse_config({"display": {"poll_seconds": 0}})
