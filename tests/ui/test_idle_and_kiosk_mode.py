"""Idle warning and reset; keys that must not leave the kiosk; bad content shown safely."""

from kivy.uix.label import Label

from kiosk.content.format import read_content
from kiosk.content.store import apply_bundle
from screens.widgets import CheckRow, IdleWarning


def _open_guide_and_tick(kiosk):
    cat = kiosk.app.core.content.categories()[0]
    kiosk.tap(cat.name.pl)
    p = kiosk.app.core.content.procedures_in(cat.code)[0]
    kiosk.tap(p.title.pl)
    kiosk.tap("Dalej")
    rows = [w for w in kiosk.widgets() if isinstance(w, CheckRow)]
    if rows:
        kiosk.tap(rows[0])
    return p


def _warning(kiosk):
    return [w for w in kiosk.window.children if isinstance(w, IdleWarning)]


def test_idle_warning_gives_time_and_one_tap_keeps_the_session(kiosk):
    p = _open_guide_and_tick(kiosk)
    kiosk.clock.advance(91)
    kiosk.pump(0.7)
    assert _warning(kiosk), "the warning is shown"
    texts = [w.text for w in kiosk.widgets() if isinstance(w, Label)]
    assert "Czy jeszcze tu jesteś?" in texts
    countdown = next(t for t in texts if t.startswith("Za "))
    assert int(countdown.split()[1]) >= 20
    kiosk.screenshot("idle-warning")
    kiosk.tap(kiosk.find("Tak, kontynuuję"), reveal=False)
    kiosk.pump(0.6)
    assert not _warning(kiosk)
    assert kiosk.screen == "guide" and kiosk.app.breadcrumb.endswith(p.symbol)


def test_idle_reset_returns_home_and_forgets_everything(kiosk):
    _open_guide_and_tick(kiosk)
    kiosk.clock.advance(91)
    kiosk.pump(0.7)
    assert _warning(kiosk)
    kiosk.clock.advance(31)
    kiosk.pump(0.7)
    assert not _warning(kiosk)
    assert kiosk.screen == "home"
    assert kiosk.app.session.ticked == {}
    assert kiosk.app.session.lang == "pl"


def test_no_warning_when_nobody_started_anything(kiosk):
    kiosk.clock.advance(100)
    kiosk.pump(0.7)
    assert not _warning(kiosk)


def test_escape_and_f1_do_not_leave_the_kiosk(kiosk):
    kiosk.tap("Formularze")
    for key in (27, 282):  # Escape, F1
        kiosk.window.dispatch("on_key_down", key, 0, "", [])
        kiosk.window.dispatch("on_key_up", key, 0)
        kiosk.frames(3)
    assert kiosk.screen == "forms"
    assert kiosk.app._app_settings is None
    assert kiosk.window.children, "the window still shows the kiosk"


def test_markup_in_content_is_shown_literally(kiosk, content_copy):
    import yaml

    core = kiosk.app.core
    original = read_content(core.config.paths.content_dir)
    path = sorted((content_copy / "procedures").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["procedures"][0]["summary"] = "[b]Uwaga[/b] [ref=x]tekst[/ref] [color=ff0000]x[/color]"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    symbol = data["procedures"][0]["symbol"]
    apply_bundle(core.Session, read_content(content_copy))
    kiosk.home()  # a revision loaded while the kiosk runs shows from Home on
    try:
        kiosk.app.go("guide", symbol=symbol, step=0)
        kiosk.frames(3)
        label = next(w for w in kiosk.widgets() if isinstance(w, Label)
                     and w.text.startswith("[b]Uwaga"))
        assert label.markup is False
        assert label.texture_size[0] > 0
    finally:
        apply_bundle(core.Session, original)


def test_a_broken_screen_returns_the_resident_home(kiosk):
    kiosk.app.go("guide", symbol="NO SUCH 1", step=0)
    kiosk.frames(3)
    assert kiosk.screen == "home"
