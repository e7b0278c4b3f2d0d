"""Issue 18, defect 6: a `kiosk sync` killed with SIGKILL while it renders audio. The next sync
renders every clip the killed one left undone (even though nothing changed centrally), the
temporary files the kill left are removed, and `kiosk status` counts the missing clips until
then.

Real parts: a central PostgreSQL database, `kiosk sync` and `kiosk status` as separate
processes, espeak-ng writing real WAV files. The central content is cut down to a few hundred
texts so that a whole render takes seconds, not the minute the full sample content needs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from content_sync.central import SCHEMA
from content_sync.sync import run_sync
from kiosk.config import SpeechConfig
from tests.sync_support import Central, central_db, kiosk_cfg

ROOT = Path(__file__).resolve().parents[1]
KEEP_PROCEDURES = 3  # of those that need no form: the content's text count stays small


def _trim(central: Central) -> None:
    """Leave the categories, departments and queue categories, and a few procedures."""
    table = f"{SCHEMA}.content_record"
    central.sql(f"DELETE FROM {table} WHERE kind IN ('form', 'rate', 'announcement', "
                f"'elsewhere', 'closure')")
    central.sql(f"""DELETE FROM {table} WHERE kind = 'procedure' AND key NOT IN (
        SELECT key FROM {table} WHERE kind = 'procedure'
        AND NOT jsonb_path_exists(data, '$.documents[*].form') ORDER BY key LIMIT %s)""",
                (KEEP_PROCEDURES,))


def _clips(audio: Path) -> set[str]:
    return {p.name for p in audio.glob("??/*") if not p.name.startswith(".")}


def _temp_files(audio: Path) -> list[str]:
    return sorted(str(p.relative_to(audio)) for p in
                  [*audio.glob("??/.part-*"), *audio.glob("*.tmp")])


def _env(config: Path) -> dict:
    return {**os.environ, "KIOSK_CONFIG": str(config), "PYTHONPATH": str(ROOT)}


def _status(config: Path) -> dict:
    r = subprocess.run([sys.executable, "-m", "entrypoints", "status", "--json"],
                       env=_env(config), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1) and r.stdout, r.stderr
    return json.loads(r.stdout)


def _sync(config: Path, reader: str) -> tuple[int, dict]:
    r = subprocess.run([sys.executable, "-m", "entrypoints", "sync", "--source", reader, "--now",
                        "--json"], env=_env(config), cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.stdout, r.stderr
    return r.returncode, json.loads(r.stdout)


@dataclass
class Scenario:
    config: Path
    audio: Path
    reader: str
    full: set[str]  # the clips an uninterrupted sync of the same content makes
    killed_with: list[int]  # clips on disk at each kill
    temp_after_kill: list[str]
    status_after_kill: dict
    resumed: dict | None = None  # the next sync's report
    clips_after_resume: set[str] | None = None
    temp_after_resume: list[str] | None = None
    status_after_resume: dict | None = None
    again: dict | None = None  # one more sync, nothing missing


@pytest.fixture(scope="module")
def killed(pg_server, tmp_path_factory) -> Scenario:
    """The cut-down content synced once uninterrupted (the reference), then by `kiosk sync`
    processes killed with SIGKILL while they render audio, with `kiosk status` right after."""
    tmp = tmp_path_factory.mktemp("audio-resume")
    url, reader = central_db(pg_server)
    _trim(Central(url))
    espeak_only = SpeechConfig(engines=("espeak-ng",))  # offline, and never Google in a test

    ref = replace(kiosk_cfg(tmp / "reference", render_audio=True), speech=espeak_only)
    report = run_sync(ref, source_url=reader)
    assert report.outcome == "ok", report.detail
    full = _clips(tmp / "reference" / "audio")
    assert 150 <= len(full) <= 600, len(full)  # seconds of espeak-ng, yet a render to cut

    data = tmp / "kiosk"
    config = tmp / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{data}"\n'
                      f'[sync]\nrender_audio = true\nenv_file = "{tmp / "no.env"}"\n'
                      f'[speech]\nengines = ["espeak-ng"]\n', encoding="utf-8")
    audio = data / "audio"
    killed_with: list[int] = []
    temp: list[str] = []
    for _ in range(3):  # until a kill leaves a half-written clip behind (nearly always once)
        target = len(_clips(audio)) + max(20, len(full) // 6)
        proc = subprocess.Popen([sys.executable, "-m", "entrypoints", "sync", "--source", reader,
                                 "--now"], env=_env(config), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            # Mid-render: some clips made, one being written by espeak-ng this moment.
            if len(_clips(audio)) >= target and list(audio.glob("??/.part-*")):
                break
            time.sleep(0.005)
        if proc.poll() is not None:
            break  # it finished (or had nothing to render) before the kill
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
        killed_with.append(len(_clips(audio)))
        temp = _temp_files(audio)
        if temp:
            break
    assert killed_with, "no sync was killed: it finished first"
    return Scenario(config, audio, reader, full, killed_with, temp, _status(config))


@pytest.fixture(scope="module")
def resumed(killed: Scenario) -> Scenario:
    """The next `kiosk sync` (nothing changed centrally), `kiosk status`, and one more sync."""
    code, killed.resumed = _sync(killed.config, killed.reader)
    assert code == 0, killed.resumed
    killed.clips_after_resume = _clips(killed.audio)
    killed.temp_after_resume = _temp_files(killed.audio)
    killed.status_after_resume = _status(killed.config)
    code, killed.again = _sync(killed.config, killed.reader)
    assert code == 0, killed.again
    return killed


def test_a_sync_killed_while_rendering_audio_is_finished_by_the_next_one(resumed: Scenario):
    s = resumed
    # The kill came mid-render, and left the clip being written as a temporary file.
    assert 0 < s.killed_with[0] < len(s.full), (s.killed_with, len(s.full))
    assert s.temp_after_kill, "the kill left no temporary file (none was being written?)"
    assert s.resumed is not None and s.resumed["outcome"] == "unchanged", s.resumed
    # The next sync rendered every clip the killed one left undone: the same clips as an
    # uninterrupted sync of the same content, and nothing half-written is left.
    assert s.clips_after_resume is not None
    missing = len(s.full - s.clips_after_resume)
    assert missing == 0, (f"{missing} of {len(s.full)} clips never rendered; "
                          f"the next sync said audio: {s.resumed['audio']!r}")
    assert s.clips_after_resume == s.full
    assert s.temp_after_resume == [], s.temp_after_resume
    rendered = s.resumed["detail"]["audio"]["rendered"]
    assert sum(rendered["rendered"].values()) == len(s.full) - s.killed_with[-1], rendered
    assert rendered["leftovers_removed"] >= len(s.temp_after_kill)
    # With nothing missing, a sync only looks: nothing rendered, nothing to do.
    assert s.again is not None
    assert s.again["audio"] == f"not needed: all {len(s.full):,} clips present", s.again
    assert _clips(s.audio) == s.full


def test_kiosk_status_counts_the_missing_clips_until_a_sync_renders_them(resumed: Scenario):
    s = resumed
    comps = s.status_after_kill["components"]
    assert "audio" in comps, f"kiosk status has no audio line: {sorted(comps)}"
    audio = comps["audio"]
    missing = len(s.full) - s.killed_with[-1]
    assert audio["state"] == "warn" and audio["staff"] is False, audio
    assert audio["data"]["clips"] == len(s.full), audio
    assert audio["data"]["missing"] == missing, audio
    assert audio["detail"] == (f"{missing:,} of {len(s.full):,} clips missing; "
                               f"next sync renders them"), audio
    assert s.status_after_kill["ok"], s.status_after_kill["problems"]  # a warning, not staff

    assert s.status_after_resume is not None
    audio = s.status_after_resume["components"]["audio"]
    assert audio["state"] == "ok" and audio["data"]["missing"] == 0, audio
    assert audio["detail"] == f"all {len(s.full):,} clips of the content present", audio


def test_leftovers_of_a_live_writer_stay_and_those_of_a_dead_one_go(tmp_path):
    """The clean-up never deletes a clip another process is writing right now (the running
    kiosk synthesising a miss while the sync renders)."""
    from kiosk.speech.cache import AudioCache, part_prefix

    cache = AudioCache(tmp_path)
    (tmp_path / "ab").mkdir()
    live = tmp_path / "ab" / f"{part_prefix()}x1.wav"  # this process: alive
    live.write_bytes(b"RIFF")
    dead_proc = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_proc.wait()
    dead = tmp_path / "ab" / f".part-{dead_proc.pid}-x2.wav"
    dead.write_bytes(b"RIFF")
    old = tmp_path / "ab" / ".part-x3.wav"  # no process id: goes once it is an hour old
    old.write_bytes(b"RIFF")
    stats_tmp = tmp_path / f"stats.{dead_proc.pid}.tmp"
    stats_tmp.write_text("{}")
    assert cache.remove_leftovers() == 2
    assert live.exists() and old.exists() and not dead.exists() and not stats_tmp.exists()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert cache.remove_leftovers() == 1 and not old.exists() and live.exists()


def test_a_render_going_on_is_told_from_one_cut_short(tmp_path):
    """`kiosk status` says "being rendered now" only while a process renders: the mark is a
    lock, so a render killed with SIGKILL leaves none behind."""
    from kiosk.speech.cache import AudioCache
    from kiosk.speech.prerender import render_running

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from kiosk.speech.cache import AudioCache\n"
         "from kiosk.speech.prerender import rendering\n"
         f"with rendering(AudioCache(Path({str(tmp_path)!r}))):\n"
         "    print('rendering', flush=True)\n    time.sleep(60)\n"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    cache = AudioCache(tmp_path)
    assert not render_running(AudioCache(tmp_path / "none"))
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "rendering\n"
        assert render_running(cache)
    finally:
        holder.kill()
        holder.wait()
    assert not render_running(cache)


def test_a_sync_killed_while_rendering_still_leaves_its_report(resumed: Scenario):
    """The content was in when the kill came: the report says so, and that the audio stopped
    (before, a killed sync left no report at all and status showed the one before it)."""
    s = resumed
    sync = s.status_after_kill["components"]["sync"]
    assert sync["state"] == "ok", sync
    assert "stopped while rendering; the next sync renders what is missing" in sync["detail"]
    assert sync["data"]["outcome"] == "ok" and sync["data"]["content_revision_id"], sync
    after = s.status_after_resume["components"]["sync"]
    assert "stopped while rendering" not in after["detail"], after
