"""Baseline for the benchmarks: the smallest Kivy app with two screens and one button.

Started exactly like the kiosk (same Kivy settings, same window size) so ratios show what the
kiosk adds on top of Kivy itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.config import KioskConfig, PathsConfig, ScreenConfig  # noqa: E402
from kiosk.ops.probe import EXIT_AFTER_READY_ENV, READY_FILE_ENV, write_ready_file  # noqa: E402
from screens.app import configure_kivy  # noqa: E402


def build_bare_app(data_dir: Path):
    configure_kivy(KioskConfig(paths=PathsConfig(data_dir=data_dir),
                               screen=ScreenConfig(fullscreen=False)))
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.button import Button
    from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager

    class BareApp(App):
        def build(self):
            sm = ScreenManager(transition=NoTransition())
            for name, target in (("home", "next"), ("next", "home")):
                screen = Screen(name=name)
                btn = Button(text=f"go to {target}", font_size=40)
                btn.bind(on_release=lambda *_, t=target: setattr(sm, "current", t))
                screen.add_widget(btn)
                sm.add_widget(screen)
            self.manager = sm
            return sm

        def on_start(self):
            if os.environ.get(READY_FILE_ENV):
                Window.bind(on_flip=self._ready)

        def _ready(self, *_):
            Window.unbind(on_flip=self._ready)
            write_ready_file(Path(os.environ[READY_FILE_ENV]), screen="home")
            if os.environ.get(EXIT_AFTER_READY_ENV):
                Clock.schedule_once(lambda *_: self.stop(), 0)

    return BareApp()


if __name__ == "__main__":
    build_bare_app(Path(sys.argv[1])).run()
