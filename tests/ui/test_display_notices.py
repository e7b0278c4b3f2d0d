"""The hall display shows every notice whole (issue 19, defect 14): a notice longer than the
bar is never cut with "…"; over its rotation every word of it is drawn in the real window.

The display runs in a process of its own (one Kivy window per process) under the tests' Xvfb,
started by this module's `_child`: the display as `kiosk display --windowed` builds it, with one
long notice in the content and Kivy's clock running 20 times faster (a controllable clock: a
page meant to stay 12 s stays 0.6 s). On every frame the child writes what the notice label
really draws (the words of the lines Kivy laid out, after any shortening) and whether the
drawing fits the label, to a JSON lines file the test reads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.display_support import REPO, env_for, write_config

SPEED = 20.0  # Kivy's clock runs this many times faster than the wall clock
TITLE = "Zmiana godzin pracy"
BODY = ("W dniach od 22 do 24 grudnia Biuro Obsługi Mieszkańców przy Pasażu Karola Rudowskiego "
        "czynne jest w godzinach od 8:00 do 13:00, a Wydział Komunikacji przyjmuje wyłącznie "
        "osoby umówione wcześniej przez internet lub telefonicznie pod numerem 44 732 77 01. "
        "Dowody osobiste odbierzesz w Wydziale Spraw Obywatelskich na parterze, pokój 12, także "
        "w sobotę 20 grudnia od 9:00 do 12:00. Dziękujemy za wyrozumiałość i życzymy "
        "spokojnych świąt.")


def _child(config: str, out: str) -> None:
    """The display with a long notice, a fast clock and a record of what is drawn."""
    import datetime as dt
    from dataclasses import replace

    from kiosk.config import load_config
    from kiosk.texts import LocalText

    cfg = load_config(config)
    screen = replace(cfg.screen, width=1920, height=1080, fullscreen=False, show_cursor=True)
    cfg = replace(cfg, screen=screen)
    from screens.app import configure_kivy

    configure_kivy(cfg)
    from kivy.clock import Clock
    from kivy.core.window import Window

    from kiosk.bootstrap import open_core
    from kiosk.content.service import AnnouncementView
    from screens.display import DisplayApp

    real = Clock.time
    start = real()
    Clock.time = lambda: start + (real() - start) * SPEED  # the controllable clock

    core = open_core(cfg)
    notice = AnnouncementView("test", LocalText(TITLE), LocalText(BODY),
                              dt.date(2020, 1, 1), None)
    core.content.announcements = lambda today: [notice]
    app = DisplayApp(cfg, core)
    log = open(out, "w", encoding="utf-8")  # noqa: SIM115 (open while the app runs)

    def record(*_a):
        label = app.root.ids.notice if app.root else None
        core_label = getattr(label, "_label", None)
        if label is None or core_label is None or not label.text:
            return
        lines = [" ".join(w.text for w in line.words)
                 for line in getattr(core_label, "_cached_lines", [])]
        tw, th = label.texture_size
        log.write(json.dumps({"t": real() - start, "text": label.text, "lines": lines,
                              "fits": th <= label.height + 1 and tw <= label.width + 1,
                              "texture": [tw, th], "size": [label.width, label.height]},
                             ensure_ascii=False) + "\n")
        log.flush()

    Window.bind(on_flip=record)
    Clock.schedule_once(lambda _dt: app.stop(), 240 * SPEED)  # 4 min of display time at most
    try:
        app.run()
    finally:
        log.close()
        core.close()


def _words(text: str) -> list[str]:
    return [w.strip(".,:;") for w in text.split() if w.strip(".,:;")]


def test_a_long_notice_is_shown_whole_over_time_never_cut(tmp_path):
    cfg = write_config(tmp_path / "display.toml", tmp_path / "data",
                       f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    out = tmp_path / "drawn.jsonl"
    code = ("import sys; from tests.ui.test_display_notices import _child; "
            "_child(sys.argv[1], sys.argv[2])")
    log = (tmp_path / "display.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", code, str(cfg), str(out)], cwd=REPO,
                            env=env_for(cfg), stdout=log, stderr=subprocess.STDOUT)
    wanted = _words(f"{TITLE}: {BODY}")
    rows: list[dict] = []
    try:
        # 150 s of display time: the whole notice at a slow reading pace, and more.
        end = time.monotonic() + 150 / SPEED + 40
        while time.monotonic() < end and proc.poll() is None:
            time.sleep(0.5)
            if out.exists():
                rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()
                        if x.strip()]
                seen = {w for r in rows for line in r["lines"] for w in _words(line)}
                if rows and rows[-1]["t"] * SPEED > 150 and set(wanted) <= seen:
                    break
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(20)
        log.close()
    assert rows, f"the display drew no notice:\n{(tmp_path / 'display.log').read_text()[-3000:]}"

    drawn = [line for r in rows for line in r["lines"]]
    cut = sorted({line for line in drawn if line.rstrip().endswith(("…", "..."))})
    assert not cut, f"notice lines cut with an ellipsis: {cut}"
    texts = sorted({r["text"] for r in rows})
    assert not [t for t in texts if t.rstrip().endswith("…")], texts
    overflowing = sorted({(r["text"], tuple(r["texture"]), tuple(r["size"]))
                          for r in rows if not r["fits"]})
    assert not overflowing, f"notice drawn outside its bar: {overflowing[:3]}"
    seen = {w for line in drawn for w in _words(line)}
    missing = [w for w in wanted if w not in seen]
    assert not missing, f"words of the notice never shown: {missing}"
    # Each page stays long enough to read slowly: at least 12 s of display time.
    changes = [r["t"] * SPEED for a, r in zip(rows, rows[1:], strict=False)
               if r["text"] != a["text"]]
    gaps = [b - a for a, b in zip(changes, changes[1:], strict=False)]
    assert all(g >= 11 for g in gaps), gaps
