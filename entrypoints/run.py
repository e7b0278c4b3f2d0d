"""Start the Kivy windows: the kiosk and the hall display, each over an opened core.

Kivy reads its window settings when its window module is first imported, so
`configure_kivy` runs before any screen module is imported.
"""

from __future__ import annotations

from kiosk.bootstrap import open_core
from kiosk.config import KioskConfig
from kiosk.ops.integrity import startup_check
from screens.app import StopSignals, build_app, configure_kivy


def run_kiosk(cfg: KioskConfig, *, load_bundled: bool = True) -> int:
    """Run until the admin side leaves; returns the exit code (kiosk.ops.admin.EXIT_*).
    `load_bundled`: fill an empty kiosk from the content folder (never on an installed one)."""
    signals = StopSignals().install()  # before SDL starts: see StopSignals
    configure_kivy(cfg)
    app = build_app(cfg, open_core(cfg, load_bundled=load_bundled, warm_up=False))
    signals.attach(app)
    # After a crash or a power cut: check the files before the first resident arrives.
    startup_check(app.core)
    try:
        app.run()
    finally:
        app.core.close()
    return app.exit_code


def run_display(cfg: KioskConfig) -> int:
    """Run the hall display until its window is closed or SIGTERM/SIGINT."""
    signals = StopSignals().install()
    configure_kivy(cfg)
    from screens.display import DisplayApp

    core = open_core(cfg)
    app = DisplayApp(cfg, core)
    signals.attach(app)
    try:
        app.run()
    finally:
        core.close()
    return 0
