"""Speech: real audio from espeak-ng, gTTS up to its prepared request and its failure falling
back at once, the content-addressed cache and the prerender."""

from __future__ import annotations

import array
import json
import subprocess
import sys
import urllib.parse
import wave
from pathlib import Path

import pytest

from kiosk.speech.cache import AudioCache
from kiosk.speech.engines import EngineError, EspeakEngine, GttsEngine
from kiosk.speech.prerender import content_texts, prerender_texts, ui_texts
from kiosk.speech.service import Speech

SENTENCE = "Opłata wynosi 22 zł, pok. 12, ul. Szkolna 28"


def wav_facts(path: Path) -> tuple[float, float]:
    """(seconds, RMS of the samples) of a 16-bit mono WAV."""
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
        seconds = w.getnframes() / w.getframerate()
    samples = array.array("h", frames)
    rms = (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5
    return seconds, rms


@pytest.fixture
def speech(tmp_path) -> Speech:
    return Speech(AudioCache(tmp_path / "audio"), [EspeakEngine()])


@pytest.fixture
def no_network(monkeypatch):
    """gTTS's requests go through a proxy that refuses at once: a real network failure."""
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)


def test_espeak_speaks_polish_audibly_for_a_plausible_time(speech):
    clip = speech.clip(SENTENCE, "pl")
    assert clip.engine == "espeak-ng" and not clip.cached
    assert clip.spoken == ("Opłata wynosi dwadzieścia dwa złote, pokój dwanaście, ulica Szkolna "
                           "dwadzieścia osiem")
    seconds, rms = wav_facts(clip.path)
    assert 3.0 < seconds < 12.0  # 13 words at a calm pace
    assert rms > 500  # not silence


def test_speed_setting_changes_the_duration(speech):
    normal, _ = wav_facts(speech.clip(SENTENCE, "pl", 1.0).path)
    fast, rms = wav_facts(speech.clip(SENTENCE, "pl", 2.0).path)
    slow, _ = wav_facts(speech.clip(SENTENCE, "pl", 0.8).path)
    assert fast < normal * 0.7 and slow > normal * 1.1 and rms > 500


@pytest.mark.parametrize("lang, text", [("en", "Your number is A012."),
                                        ("uk", "Ваш номер A012. Ґанок, єнот, їжак.")])
def test_english_and_ukrainian_voices(speech, lang, text):
    seconds, rms = wav_facts(speech.clip(text, lang).path)
    assert seconds > 1.0 and rms > 500


def test_the_cache_answers_the_second_time_and_counts_it(speech):
    first = speech.clip("Dzień dobry", "pl")
    second = speech.clip("Dzień dobry", "pl")
    assert not first.cached and second.cached and first.path == second.path
    st = speech.cache.stats()
    assert (st.hits, st.misses, st.files) == (1, 1, 1) and st.bytes > 1000
    keep = speech.keys_for("Dzień dobry", "pl")
    speech.clip("Do widzenia", "pl")
    assert speech.cache.prune(keep) == 1 and speech.cache.stats().files == 1


def test_gtts_request_is_prepared_with_the_normalised_polish_text_and_a_timeout():
    engine = GttsEngine(timeout=4.0)
    tts = engine.prepare("Bilet A dwanaście, stanowisko numer trzy", "pl")
    assert tts.timeout == 4.0 and tts.lang == "pl"
    (req,) = tts._prepare_requests()
    assert req.url.startswith("https://translate.google.")
    # The batchexecute body: JSON inside JSON; decode both levels back to the text sent.
    (freq,) = urllib.parse.parse_qs(req.body)["f.req"]
    inner = json.loads(json.loads(freq)[0][0][1])
    assert inner[:2] == ["Bilet A dwanaście, stanowisko numer trzy", "pl"]


def test_gtts_failure_falls_back_to_espeak_at_once_and_leaves_no_half_file(tmp_path,
                                                                           no_network):
    cache = AudioCache(tmp_path / "audio")
    speech = Speech(cache, [GttsEngine(timeout=2.0), EspeakEngine()])
    with pytest.raises(EngineError):
        speech.engines[0].synthesise("Dzień dobry", "pl", 1.0, tmp_path / "x.mp3")
    clip = speech.clip("Dzień dobry", "pl", online=True)
    assert clip.engine == "espeak-ng" and wav_facts(clip.path)[1] > 500
    assert not list(tmp_path.rglob("*.mp3")) and not list(tmp_path.rglob(".part-*"))


def test_prerender_renders_once_and_offers_gtts_again_later(tmp_path, no_network, caplog):
    cache = AudioCache(tmp_path / "audio")
    speech = Speech(cache, [GttsEngine(timeout=2.0), EspeakEngine()])
    texts = [("Dzień dobry", "pl"), ("Good morning", "en"), ("Добрий день", "uk"),
             ("Dzień dobry", "pl")]
    first = prerender_texts(texts, speech, online=True)
    assert first.texts == 3 and first.rendered == {"espeak-ng": 3} and first.fell_back == 3
    offline = prerender_texts(texts, Speech(cache, [EspeakEngine()]), online=False)
    assert offline.already == 3 and not offline.rendered
    # Tomorrow night gTTS is asked again for what espeak-ng stood in for.
    caplog.clear()
    tomorrow = Speech(cache, [GttsEngine(timeout=2.0), EspeakEngine()])  # a new night's run
    with caplog.at_level("INFO", logger="kiosk.speech.service"):
        again = prerender_texts(texts, tomorrow, online=True)
    assert sum("gtts could not speak" in r.getMessage() for r in caplog.records) == 3
    assert again.already == 3 and not again.rendered  # espeak-ng's audio is reused meanwhile
    assert cache.stats().files == 3


def test_every_content_and_ui_text_is_collected_for_prerender(core):
    texts = content_texts(core.content)
    langs = {lang for _, lang in texts}
    assert langs == {"pl", "en", "uk"}
    g = core.content.guide("USC I")
    assert (g.title.pl, "pl") in texts and (g.title.uk, "uk") in texts
    ui = ui_texts()
    assert ("Pobierz bilet", "pl") in ui and ("Take a ticket", "en") in ui


def test_cli_speak_prints_the_normalised_text_and_writes_real_speech(tmp_path):
    out = tmp_path / "x.wav"
    r = subprocess.run([sys.executable, "-m", "entrypoints", "speak", SENTENCE, "--out", str(out),
                        "--print-normalised"], capture_output=True, text=True, timeout=60,
                       env={**__import__("os").environ, "KIOSK_DATA_DIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ("Opłata wynosi dwadzieścia dwa złote, pokój dwanaście, ulica "
                                "Szkolna dwadzieścia osiem")
    seconds, rms = wav_facts(out)
    assert seconds > 3 and rms > 500
    stats = subprocess.run([sys.executable, "-m", "entrypoints", "audio", "stats", "--json"],
                           capture_output=True, text=True, timeout=60,
                           env={**__import__("os").environ, "KIOSK_DATA_DIR": str(tmp_path)})
    assert json.loads(stats.stdout)["files"] == 1


def test_a_night_without_network_stops_asking_gtts_after_three_failures(tmp_path, no_network,
                                                                         caplog):
    speech = Speech(AudioCache(tmp_path / "audio"), [GttsEngine(timeout=2.0), EspeakEngine()])
    texts = [(f"Sprawa numer {n}", "pl") for n in range(10)]
    with caplog.at_level("INFO", logger="kiosk.speech.service"):
        report = prerender_texts(texts, speech, online=True)
    assert report.rendered == {"espeak-ng": 10}
    assert sum("gtts could not speak" in r.getMessage() for r in caplog.records) == 3


def test_spoken_texts_kept_between_processes_give_the_same_coverage(speech, tmp_path,
                                                                     monkeypatch):
    """`kiosk status` and each sync are processes of their own: the spoken form of each text,
    worked out once, is kept in the cache folder, and the next process counts the same clips
    without the grammar work; a file that cannot be read is worked out again."""
    from kiosk.kept_results import KeptResults
    from kiosk.speech import prerender

    texts = [("Opłata skarbowa: 17 zł, ul. Szkolna 28, pok. 12.", "pl"),
             ("Fee: PLN 17, room 12.", "en"), ("Збір: 17 зл, кімната 12.", "uk")]
    path = tmp_path / "spoken.json"
    first = KeptResults(path, prerender._normalise_key)
    monkeypatch.setattr(prerender, "_kept_spoken", lambda: first)
    fresh = prerender.coverage(texts, speech)
    assert fresh.wanted == 3 and path.exists()
    again = KeptResults(path, pytest.fail)  # the next process: nothing worked out again
    monkeypatch.setattr(prerender, "_kept_spoken", lambda: again)
    assert prerender.coverage(texts, speech) == fresh
    path.write_text("{not json", encoding="utf-8")
    broken = KeptResults(path, prerender._normalise_key)
    monkeypatch.setattr(prerender, "_kept_spoken", lambda: broken)
    assert prerender.coverage(texts, speech) == fresh
    assert [prerender._spoken(t, lang) for t, lang in texts] == [
        prerender.normalise(t, lang) for t, lang in texts]
