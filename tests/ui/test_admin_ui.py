"""The admin side in the real window: the hidden gesture, the PIN pad and its lockout, the
status panel, actions with their audit rows, closing itself when idle, and crash recovery."""

import json

from kiosk.ops.admin import EXIT_TO_DESKTOP
from kiosk.ops.logs import log_file, setup_file_logging
from screens.kiosk_app import ADMIN_CORNER
from screens.widgets import Apology
from tests.ui.conftest import STAFF_PIN as PIN


def corner_taps(kiosk, n: int, gap: float = 0.3) -> None:
    w, h = kiosk.window.size
    for _ in range(n):
        kiosk.tap_at(w - ADMIN_CORNER / 2, h - ADMIN_CORNER / 2)
        kiosk.clock.advance(gap)


def enter_pin(kiosk, pin: str) -> None:
    for digit in pin:
        kiosk.tap(kiosk.find(digit))
    kiosk.tap("OK")
    # The PIN is checked on a worker thread; the answer comes back on the next frames.
    pad = kiosk.app.manager.get_screen("admin_pin")
    kiosk.wait_until(lambda: not pad.checking, 10)
    kiosk.frames(2)


def audit(kiosk) -> list[tuple[str, str]]:
    return [(r.action, r.outcome) for r in reversed(kiosk.app.admin.recent(50))]


def open_admin(kiosk) -> None:
    corner_taps(kiosk, 5)
    assert kiosk.screen == "admin_pin"
    enter_pin(kiosk, PIN)
    assert kiosk.screen == "admin"
    settled(kiosk)


def settled(kiosk) -> None:
    """The status panel has its health check (it is redrawn when the check comes back, and a
    tap during that redraw would land on a button that is being replaced)."""
    admin = kiosk.app.manager.get_screen("admin")
    kiosk.wait_until(lambda: admin.health is not None and not admin.busy, 30)
    kiosk.frames(2)


def test_five_taps_in_the_corner_open_the_pin_pad_four_or_slow_ones_do_not(staff):
    corner_taps(staff, 4)
    assert staff.screen == "home"
    staff.clock.advance(5)  # the four taps are too old now
    corner_taps(staff, 4, gap=1.0)  # five taps spread over more than 3 s
    assert staff.screen == "home"
    staff.clock.advance(5)
    corner_taps(staff, 5)
    assert staff.screen == "admin_pin"
    assert "Tylko dla obsługi" in staff.texts()
    for digit in "246":
        staff.tap(staff.find(digit))
    assert "•  •  •  " in staff.texts(), "digits are shown as dots only"
    staff.screenshot("admin-pin")


def test_corner_taps_do_not_open_accessibility_under_them(staff):
    """The corner square takes its taps: the Accessibility button beside it is not pressed."""
    corner_taps(staff, 3)
    assert staff.screen == "home"
    staff.tap("Ułatwienia")
    assert staff.screen == "accessibility"


def test_the_gesture_opens_the_pin_pad_in_audio_mode_too_and_ends_audio_mode(staff):
    """A kiosk left in audio mode takes every touch for exploring; the staff square still
    answers, and the pad is shown in silence (staff read it)."""
    staff.app.audio.start()
    staff.frames(2)
    staff.tap_at(staff.window.width / 2, staff.window.height / 2)  # audio mode explores this
    assert staff.screen == "home" and staff.app.audio_on
    corner_taps(staff, 5)
    assert staff.screen == "admin_pin"
    assert not staff.app.audio_on
    enter_pin(staff, PIN)
    assert staff.screen == "admin"


def test_the_pad_stays_live_while_the_pin_is_checked_and_says_when_it_cannot_be(staff):
    """The check (scrypt and an audit row) runs off the UI thread. With the kiosk database
    held by another process the pad shows that it is checking instead of freezing; when the
    database stays busy past its timeout, staff get a plain message and can try again."""
    import sqlite3

    corner_taps(staff, 5)
    held = sqlite3.connect(staff.app.core.engine.url.database, timeout=1)
    held.execute("BEGIN EXCLUSIVE")
    try:
        for digit in PIN:
            staff.tap(staff.find(digit))
        staff.tap("OK")  # returns at once: the UI thread does not wait for the database
        assert staff.screen == "admin_pin"
        assert "Sprawdzam..." in staff.texts()
        staff.tap(staff.find("1"))  # keys wait for the answer
        assert "Sprawdzam..." in staff.texts()
        pad = staff.app.manager.get_screen("admin_pin")
        staff.wait_until(lambda: not pad.checking, 20)  # the database's 5 s busy timeout
        staff.frames(2)
        assert staff.screen == "admin_pin"
        assert any("Nie udało się sprawdzić PIN-u" in t for t in staff.texts())
    finally:
        held.rollback()
        held.close()
    enter_pin(staff, PIN)
    assert staff.screen == "admin"


def test_right_pin_opens_the_status_panel(staff):
    open_admin(staff)
    staff.wait_until(lambda: staff.app.manager.current_screen.health is not None, 20)
    staff.frames(3)
    texts = staff.texts()
    for name in ("Aplikacja kiosku", "Treści", "Drukarka i papier", "Baza kolejki",
                 "Pamięć nagrań", "Dysk", "Synchronizacja treści"):
        assert any(t.startswith(name + ":") for t in texts), name
    assert any(t.startswith("Wersja 0.1.0") for t in texts)
    assert ("gesture", "ok") in audit(staff) and ("pin", "ok") in audit(staff)
    staff.screenshot("admin-status")
    staff.tap("Zamknij i wróć do ekranu startowego")
    assert staff.screen == "home" and staff.app.history == [("home", {})]


def test_wrong_pins_lock_the_pad_for_five_minutes_and_every_attempt_is_logged(staff):
    corner_taps(staff, 5)
    for left in (4, 3, 2, 1):
        enter_pin(staff, "111111")
        assert staff.screen == "admin_pin"
        assert any(f"Jeszcze {left} pr" in t for t in staff.texts())
    enter_pin(staff, "111111")
    assert any("Spróbuj ponownie za 5 minut" in t for t in staff.texts())
    enter_pin(staff, PIN)  # the right PIN, but locked
    assert staff.screen == "admin_pin"
    staff.screenshot("admin-locked")
    outcomes = [o for a, o in audit(staff) if a == "pin"]
    assert outcomes == ["wrong"] * 5 + ["lockout", "locked"]
    # A restart does not lift the lock: a fresh Admin over the same database sees it.
    from kiosk.ops.admin import Admin

    assert Admin(staff.app.core.Session, staff.app.cfg).lock_remaining() > 290
    assert all(PIN not in r.detail and "111111" not in r.detail
               for r in staff.app.admin.recent(50))


def test_actions_run_and_are_audited(staff):
    core = staff.app.core
    core.alerts.raise_("printer", "paper_out", "test")
    open_admin(staff)
    staff.tap("Wydrukuj stronę testową")
    staff.wait_until(lambda: staff.app.manager.current_screen.last is not None, 30)
    settled(staff)
    assert "Wydrukuj stronę testową: wykonano" in staff.texts()
    staff.tap("Skasuj alarm drukarki")
    staff.wait_until(lambda: staff.app.manager.current_screen.last[0] ==
                     "clear_printer_alert", 10)
    assert not [a for a in core.alerts.open() if a.source == "printer"]
    settled(staff)
    staff.tap("Wczytaj treści ponownie")
    staff.wait_until(lambda: staff.app.manager.current_screen.last[0] == "reload_content", 10)
    staff.frames(2)
    assert "Wczytaj treści ponownie: wykonano" in staff.texts()
    staff.screenshot("admin-actions")
    got = audit(staff)
    for action in ("print_test", "clear_printer_alert", "reload_content"):
        assert (action, "ok") in got, got


def test_sync_now_without_a_source_fails_plainly_and_is_audited(staff):
    open_admin(staff)
    staff.tap("Synchronizuj treści teraz")
    staff.wait_until(lambda: staff.app.manager.current_screen.last is not None, 60)
    name, ok, detail = staff.app.manager.current_screen.last
    assert name == "sync_now" and not ok and detail.startswith("exit 2")
    assert ("sync_now", "failed") in audit(staff)
    staff.app.core.alerts.clear("sync")  # the failed sync told staff; later tests start clean


def test_exit_to_desktop_needs_a_second_tap_and_leaves_with_its_exit_code(staff, monkeypatch):
    stopped = []
    monkeypatch.setattr(staff.app, "stop", lambda *a: stopped.append(True))
    open_admin(staff)
    staff.tap("Wyjdź do pulpitu")
    assert not stopped and any("dotknij jeszcze raz" in t for t in staff.texts())
    staff.tap("Wyjdź do pulpitu: dotknij jeszcze raz, aby potwierdzić")
    assert stopped and staff.app.exit_code == EXIT_TO_DESKTOP
    assert not staff.window.dispatch("on_request_close"), "now the window may close"
    assert ("exit", "ok") in audit(staff)
    staff.app._leaving, staff.app.exit_code = False, 0


def test_the_admin_side_closes_itself_after_60_seconds_idle(staff):
    open_admin(staff)
    staff.clock.advance(59)
    staff.pump(0.7)
    assert staff.screen == "admin"
    staff.clock.advance(2)
    staff.pump(0.7)
    assert staff.screen == "home"
    assert ("close", "idle") in audit(staff)


def test_an_error_in_a_screen_returns_home_with_an_apology_and_is_logged(kiosk):
    setup_file_logging(kiosk.app.cfg)
    kiosk.tap("Formularze")
    button = kiosk.app.root.ids.back_button

    def broken(*_a):
        raise RuntimeError("boom in a handler")

    button.bind(on_release=broken)
    try:
        kiosk.tap(button)
    finally:
        button.unbind(on_release=broken)
    assert kiosk.screen == "home"
    apology = [w for w in kiosk.window.children if isinstance(w, Apology)]
    assert apology, "an apology is shown"
    assert "Przepraszamy, coś poszło nie tak." in [getattr(w, "text", "") for w in
                                                   kiosk.widgets()]
    kiosk.screenshot("crash-apology")
    assert len(kiosk.app.crashes) == 1 and "boom in a handler" in kiosk.app.crashes[0]
    kiosk.app.crashes.clear()
    lines = [json.loads(line) for line in log_file(kiosk.app.cfg).read_text().splitlines()]
    crash = [r for r in lines if r.get("event") == "crash"][-1]
    assert "RuntimeError: boom in a handler" in crash["traceback"]
    kiosk.tap(kiosk.find("OK"), reveal=False)
    assert not [w for w in kiosk.window.children if isinstance(w, Apology)]
    kiosk.tap("Formularze")  # the kiosk goes on as before
    assert kiosk.screen == "forms"


def test_what_a_resident_types_never_reaches_the_log(kiosk, monkeypatch):
    """Even when search fails with the text in its error message, the log line carries only
    the kind of failure."""
    from tests.ui.test_search_ui import type_by_touch

    setup_file_logging(kiosk.app.cfg)
    search = kiosk.app.core.search

    def failing(query, *a, **kw):
        raise ValueError(f"fts5: syntax error near {query!r}")

    monkeypatch.setattr(search, "search", failing)
    kiosk.tap(kiosk.find("Szukaj"))
    type_by_touch(kiosk, "kowalski")
    kiosk.pump(1.0)
    text = log_file(kiosk.app.cfg).read_text(encoding="utf-8")
    assert "search (8 characters) failed: ValueError" in text
    assert "kowalski" not in text.lower()
