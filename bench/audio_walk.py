"""One process of bench/audio.py: the kiosk under Xvfb in audio mode, every item of Home, the
categories and a few guides read out, counting audio-cache hits and misses.

    python bench/audio_walk.py DATA_DIR PROCEDURES   -> prints one RESULT JSON line
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ui.harness import Driver, FakeClock, start_xvfb  # noqa: E402


def main() -> None:
    data_dir, procedures = Path(sys.argv[1]), int(sys.argv[2])
    xvfb = start_xvfb()
    try:
        from kiosk.bootstrap import open_core
        from kiosk.config import KioskConfig, PathsConfig, ScreenConfig
        from screens.app import build_app, configure_kivy

        cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=data_dir),
                      screen=ScreenConfig(fullscreen=False))
        configure_kivy(cfg)
        from kivy.base import runTouchApp

        app = build_app(cfg, open_core(cfg), now=FakeClock())
        app._run_prepare()
        runTouchApp(embedded=True)
        d = Driver(app, FakeClock())
        d.frames(5)
        app.audio.start()
        cache = app.core.speech.cache
        cache.flush_counts()
        cache._counts = {"hits": 0, "misses": 0}
        screens = items = 0
        stops = [("home", {})]
        for cat in app.core.content.categories()[:3]:
            stops.append(("category", {"code": cat.code}))
        symbols = [p.symbol for c in app.core.content.categories()
                   for p in app.core.content.procedures_in(c.code)][:procedures]
        stops += [("guide", {"symbol": s, "step": n}) for s in symbols for n in range(6)]
        for name, params in stops:
            app.go(name, **params)
            d.frames(5)
            app.audio._collect()
            for _ in app.audio.items:
                app.audio.move(1)
                d.wait_until(lambda: app.audio.speaker.answered, 30)
                items += 1
            screens += 1
        hits, misses = cache._counts["hits"], cache._counts["misses"]
        print("RESULT " + json.dumps({"screens": screens, "items": items, "hits": hits,
                                      "misses": misses,
                                      "hit_rate": hits / max(1, hits + misses)}))
        app.audio.stop(silent=True)
        app.stop()
    finally:
        if xvfb is not None:
            xvfb.terminate()


if __name__ == "__main__":
    main()
