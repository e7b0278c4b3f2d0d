"""Normalising every content text: the normaliser with case agreement against the basic one
(today's before issue 21), in the same run. A cache miss is normalised while the resident
waits, so p95 must stay under 2 ms per text.

    .venv/bin/python -m bench.speech_normalise
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path


def _texts() -> list[tuple[str, str]]:
    from kiosk.bootstrap import open_core
    from kiosk.config import KioskConfig, PathsConfig
    from kiosk.speech.prerender import content_texts

    with tempfile.TemporaryDirectory() as d:
        core = open_core(replace(KioskConfig(), paths=PathsConfig(data_dir=Path(d) / "data")))
        try:
            return content_texts(core.content)
        finally:
            core.close()


def _times(fn, texts) -> list[float]:
    out = []
    for text, lang in texts:
        t0 = time.perf_counter()
        fn(text, lang)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> None:
    from kiosk.speech.normalise import normalise, normalise_basic

    texts = _texts()
    normalise("w ciągu 14 dni", "pl")  # load the dictionaries outside the timing
    normalise("протягом 14 днів", "uk")
    cold_new = _times(normalise, texts)  # first pass: caches empty
    old = _times(normalise_basic, texts)
    new = _times(normalise, texts)  # warm: what a kiosk that has run a while sees
    print(f"{len(texts)} content texts")
    for name, values in (("basic", old), ("new, cold caches", cold_new), ("new, warm", new)):
        print(f"{name:>17}: p50 {_p(values, 50):.3f} ms, p95 {_p(values, 95):.3f} ms, "
              f"max {max(values):.2f} ms")
    print(f"ratio new/basic: p50 {_p(new, 50) / _p(old, 50):.1f}x, "
          f"p95 {_p(new, 95) / _p(old, 95):.1f}x (cold p95 {_p(cold_new, 95) / _p(old, 95):.1f}x)")
    assert _p(cold_new, 95) < 2.0, "p95 over 2 ms per text"


if __name__ == "__main__":
    main()
