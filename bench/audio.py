"""Audio-mode benchmark: latency from a request to the first audio sample playing, from the
cache against on-the-fly espeak-ng synthesis (ratio), and the cache hit rate of what audio mode
actually says while a resident walks through the kiosk after `kiosk audio prerender`.

    .venv/bin/python bench/audio.py [--rounds N] [--procedures N]

Baseline: the on-the-fly espeak-ng path measured in the same run (1.00x).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import pct  # noqa: E402


def first_sample_latency(speech, texts: list[str]) -> list[float]:
    """Request -> the clip is playing (SDL has the first samples)."""
    from kivy.core.audio import SoundLoader

    out = []
    for text in texts:
        t0 = time.perf_counter()
        clip = speech.clip(text, "pl")
        sound = SoundLoader.load(str(clip.path))
        sound.play()
        out.append(time.perf_counter() - t0)
        sound.stop()
    return out


def walk(data_dir: Path, procedures: int) -> dict:
    """The kiosk in a real window, audio mode on, every item of every screen read out."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "audio_walk.py"), str(data_dir),
                          str(procedures)], capture_output=True, text=True, timeout=1800,
                         env={**os.environ, "KIOSK_DATA_DIR": str(data_dir),
                              "SDL_AUDIODRIVER": "dummy", "KIVY_NO_FILELOG": "1"})
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(out.stderr[-2000:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--procedures", type=int, default=5)
    args = ap.parse_args()
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ["KCFG_KIVY_LOG_LEVEL"] = "error"
    data_dir = Path(tempfile.mkdtemp(prefix="bench-audio-"))
    os.environ["KIOSK_DATA_DIR"] = str(data_dir)

    from kiosk.bootstrap import open_core
    from kiosk.config import load_config
    from kiosk.speech.prerender import content_texts, prerender_texts, ui_texts
    from kiosk.speech.service import open_speech

    cfg = load_config()
    core = open_core(cfg)
    speech = open_speech(cfg)
    texts = ui_texts() + content_texts(core.content)
    t0 = time.perf_counter()
    report = prerender_texts(texts, speech, online=False)
    took = time.perf_counter() - t0
    print(f"prerender (espeak-ng only): {report.texts} texts in {took:.0f} s, "
          f"{report.rendered} rendered, {len(report.failed)} failed")

    sample = [t for t, lang in texts if lang == "pl"][: args.rounds]
    fresh = [f"{t} ({i})" for i, t in enumerate(sample)]  # same length, never cached
    cached = first_sample_latency(speech, sample)
    synthesised = first_sample_latency(speech, fresh)
    base = pct(synthesised, 0.5)
    print(f"\nrequest -> first sample playing, {args.rounds} Polish texts each")
    print(f"{'path':<32}{'p50 ms':>9}{'p95 ms':>9}{'x p50':>8}")
    for name, values in (("espeak-ng on the fly (baseline)", synthesised),
                         ("from the audio cache", cached)):
        print(f"{name:<32}{pct(values, 0.5) * 1000:>9.1f}{pct(values, 0.95) * 1000:>9.1f}"
              f"{pct(values, 0.5) / base:>8.3f}")
    core.close()

    result = walk(data_dir, args.procedures)
    print(f"\naudio-mode walk after prerender ({result['screens']} screens, "
          f"{result['items']} items read): {result['hits']} hits, {result['misses']} misses, "
          f"hit rate {result['hit_rate']:.0%}")
    print("misses are sentences composed at run time (e.g. 'Krok 2 z 6', amounts with their "
          "names); espeak-ng speaks them on the spot")


if __name__ == "__main__":
    main()
