"""Acceptance walks, one per person (issue 19), in the real window with real touches and keys.

Each walk saves a screenshot of every screen it passes into test-artifacts/walks/<walk>/
NN-<screen>.png and checks each one as it is taken (tests/ui/walk_checks.py): every visible
text at least 4.5:1 against the pixels behind it, and nothing clipped. A walk fails once, at
its end, listing every problem it met (screen, label text, contrast or clip).

- resident: Home → category → the DEL I guide → the checklist, some ticked → summary → print
  the card → take a ticket;
- low-vision: Ułatwienia → high contrast and ×2 text → search "meldunek" → a guide → a ticket;
- audio-by-accident: a key starts audio mode → the "Wyłącz tryb głosowy" bar → one tap → touch
  works again;
- staff: the hidden corner gesture and the PIN → the status panel → print a test page → the
  loopback printer runs out of paper → the fault on the staff side; a resident's ticket then
  shown on screen while the printer fails.
"""

from __future__ import annotations

from pathlib import Path

from screens import theme
from screens.audio_mode import KEY_DOWN
from screens.widgets import CheckRow
from tests.printer_peer import LoopbackPrinter
from tests.ui.test_admin_ui import PIN, corner_taps, enter_pin
from tests.ui.test_printing_ui import _network_printer, _result_shown
from tests.ui.walk_checks import Walk

GUIDE = "DEL I"
SEARCHED = "meldunek"
# Product defects the walks find that are outside the walks' own work: the problem lines they
# make (all substrings must match) and the defect, named. A walk that finds only these xfails.
KNOWN: dict[tuple[str, str], str] = {}  # (screenshot suffix, problem) -> a known defect


# --- waiting for what a resident waits for ------------------------------------------------

def _printed(kiosk) -> None:
    """The printing screen has its answer (the job runs on a worker thread)."""
    kiosk.wait_until(lambda: kiosk.screen == "printing", 15)
    kiosk.wait_until(_result_shown(kiosk), 30)
    kiosk.frames(3)


def _ticket_choices(kiosk) -> None:
    """The ticket screen has read the queue (a worker thread): the matters or one matter."""
    kiosk.wait_until(lambda: kiosk.screen == "ticket" and (
        any("  ·  " in (getattr(w, "title", "") or "") for w in kiosk.widgets()
            if kiosk._in_current_screen(w))
        or "Pobierz bilet" in kiosk.texts()), 15)
    kiosk.frames(3)


def _take_ticket(kiosk, walk: Walk, letter: str | None = None) -> None:
    """From the ticket screen: choose the matter (unless preselected), take the ticket."""
    _ticket_choices(kiosk)
    if "Pobierz bilet" not in kiosk.texts():
        walk.shot("ticket-choose")
        kiosk.tap(kiosk.find(f"{letter}  ·  "))
        kiosk.wait_until(lambda: "Pobierz bilet" in kiosk.texts(), 15)
        kiosk.frames(3)
    walk.shot("ticket-matter")
    kiosk.tap(kiosk.find("Pobierz bilet"))
    _printed(kiosk)


def _shown_ticket(kiosk) -> str:
    ticket = kiosk.app.manager.get_screen("printing").params["ticket"]
    code = f"{ticket.code[0]} {ticket.code[1:]}"
    assert code in kiosk.texts(), (code, kiosk.texts())
    return code


def _type(kiosk, word: str) -> None:
    from screens.search import KeyButton

    keys = {w.text: w for w in kiosk.widgets() if isinstance(w, KeyButton)
            and kiosk._in_current_screen(w)}
    for ch in word:
        kiosk.tap(keys[ch], reveal=False)
    search = kiosk.app.manager.current_screen
    kiosk.wait_until(lambda: search.query == word and search.last_results is not None, 15)
    kiosk.frames(3)


# --- 1. a resident ------------------------------------------------------------------------

def test_a_resident_reads_a_guide_ticks_documents_prints_the_card_and_takes_a_ticket(kiosk):
    core = kiosk.app.core
    g = core.content.guide(GUIDE)
    walk = Walk(kiosk, "resident")
    walk.shot("home")

    kiosk.tap(kiosk.find(g.category_name.pl))
    assert kiosk.screen == "category"
    walk.shot("category")

    kiosk.tap(kiosk.find(g.title.pl))
    assert kiosk.screen == "guide" and "Krok 1 z 6" in kiosk.texts()
    walk.shot("guide-1-about")

    kiosk.tap("Dalej")
    assert "Krok 2 z 6" in kiosk.texts()
    rows = [w for w in kiosk.widgets() if isinstance(w, CheckRow)
            and kiosk._in_current_screen(w)]
    required = [r for r in rows if not g.documents[r.index].optional]
    assert len(rows) >= 2 and required, "DEL I lists documents to tick"
    left = required[-1]  # one the resident has not got yet
    ticked = [r for r in rows if r is not left]
    for row in ticked:
        kiosk.tap(row)
        assert row.checked
    walk.shot("guide-2-checklist")

    for step, name in ((3, "fees"), (4, "where"), (5, "time-appeal"), (6, "summary")):
        kiosk.tap("Dalej")
        assert f"Krok {step} z 6" in kiosk.texts()
        walk.shot(f"guide-{step}-{name}")
    texts = kiosk.texts()
    assert "•  " + left.text in texts, "the document left unticked is still needed"
    assert not any(t == "•  " + r.text for r in ticked for t in texts)

    kiosk.tap("Drukuj kartę informacyjną")
    _printed(kiosk)
    assert "Weź kartę z otworu poniżej." in kiosk.texts()
    walk.shot("printing-card")

    kiosk.tap("Wstecz")
    assert kiosk.screen == "guide" and "Krok 6 z 6" in kiosk.texts()
    kiosk.tap("Pobierz bilet do kolejki")
    _take_ticket(kiosk, walk, g.queue_letter)
    assert "Weź bilet z otworu poniżej." in kiosk.texts()
    assert _shown_ticket(kiosk).startswith(g.queue_letter)
    walk.shot("printing-ticket")

    kiosk.tap("Gotowe")
    assert kiosk.screen == "home"
    walk.shot("home-after")
    walk.finish(KNOWN)


# --- 2. a low-vision resident -------------------------------------------------------------

def test_a_low_vision_resident_searches_reads_a_guide_and_takes_a_ticket_in_high_contrast_x2(
        kiosk):
    app = kiosk.app
    walk = Walk(kiosk, "low-vision")
    walk.shot("home")

    kiosk.tap("Ułatwienia")
    assert kiosk.screen == "accessibility"
    walk.shot("accessibility")
    kiosk.tap(kiosk.find("Wysoki kontrast"))
    assert app.pal is theme.HIGH_CONTRAST
    walk.shot("accessibility-high-contrast")
    kiosk.tap(kiosk.find("Bardzo duży tekst"))
    assert app.font_scale == 2.0
    walk.shot("accessibility-x2")

    kiosk.tap(kiosk.find("Wstecz"))
    assert kiosk.screen == "home"
    walk.shot("home")

    kiosk.tap(kiosk.find("Szukaj"))
    kiosk.wait_until(lambda: "Najczęstsze sprawy" in kiosk.texts(), 15)
    kiosk.frames(3)
    walk.shot("search")
    _type(kiosk, SEARCHED)
    from screens.search import ResultRow

    hits = [w for w in kiosk.widgets() if isinstance(w, ResultRow)
            and kiosk._in_current_screen(w)]
    assert hits, "meldunek finds something"
    walk.shot("search-results")  # the README's high-contrast search screen

    kiosk.tap(hits[0])
    assert kiosk.screen == "guide"
    walk.shot("guide-1")
    for step in range(2, 7):
        kiosk.tap(kiosk.app.manager.current_screen.ids.next_button)
        assert f"Krok {step} z 6" in kiosk.texts()
        walk.shot(f"guide-{step}")

    kiosk.tap("Pobierz bilet do kolejki")
    symbol = kiosk.app.manager.get_screen("ticket").params.get("symbol")
    letter = kiosk.app.core.content.guide(symbol).queue_letter if symbol else "B"
    _take_ticket(kiosk, walk, letter)
    _shown_ticket(kiosk)
    walk.shot("printing-ticket")

    kiosk.tap("Ekran startowy")
    assert kiosk.screen == "home"
    walk.shot("home-after")
    walk.finish(KNOWN)


# --- 3. a sighted person who pressed a key by accident -----------------------------------

def test_a_key_pressed_by_accident_turns_audio_mode_on_and_one_tap_turns_it_off(kiosk):
    app = kiosk.app
    walk = Walk(kiosk, "audio-by-accident")
    try:
        walk.shot("home")
        kiosk.key(KEY_DOWN)  # one press of Down, by accident
        assert app.audio_on
        kiosk.frames(3)
        bar = walk.shot("home-audio-mode-bar")
        assert "Tryb głosowy włączony" in kiosk.texts()
        assert (walk.contrast_of(bar, "Wyłącz tryb głosowy") or 0) >= 4.5, "the way out reads"

        tile = kiosk.find("Stan cywilny (USC)")
        kiosk.tap(tile)  # in audio mode a tap only explores
        assert kiosk.screen == "home" and app.audio_on
        walk.shot("home-audio-mode-explored")

        kiosk.tap(kiosk.find("Wyłącz tryb głosowy"))
        assert not app.audio_on
        assert "Tryb głosowy włączony" not in kiosk.texts()
        walk.shot("home-audio-mode-off")

        kiosk.tap(kiosk.find("Stan cywilny (USC)"))  # touch works again
        assert kiosk.screen == "category"
        walk.shot("category")
    finally:
        app.audio.stop(silent=True)
        kiosk.frames(2)
    walk.finish(KNOWN)


# --- 4. a clerk and an IT admin -----------------------------------------------------------



def _admin(kiosk):
    return kiosk.app.manager.get_screen("admin")


def _checked(kiosk) -> None:
    """The status panel has its health checks (a worker thread) and shows them."""
    screen = _admin(kiosk)
    kiosk.wait_until(lambda: screen.health is not None and screen.busy is None, 30)
    kiosk.frames(3)


def _label_starting(kiosk, start: str):
    from kivy.uix.label import Label

    found = [w for w in kiosk.widgets() if isinstance(w, Label) and w.text.startswith(start)
             and kiosk._in_current_screen(w)]
    assert found, (start, kiosk.texts())
    return found[0]


def _act(kiosk, label: str) -> None:
    screen = _admin(kiosk)
    kiosk.tap(kiosk.find(label))
    kiosk.wait_until(lambda: screen.busy is None and screen.last is not None, 30)
    _checked(kiosk)


def test_a_clerk_opens_the_staff_side_prints_a_test_page_and_sees_a_printer_fault(staff):
    kiosk = staff
    core = kiosk.app.core
    walk = Walk(kiosk, "staff")
    with LoopbackPrinter("ready") as peer, _network_printer(kiosk, peer):
        walk.shot("home")
        corner_taps(kiosk, 5)
        assert kiosk.screen == "admin_pin"
        walk.shot("admin-pin")
        enter_pin(kiosk, PIN)
        assert kiosk.screen == "admin"
        _checked(kiosk)
        walk.shot("admin-status")

        _act(kiosk, "Wydrukuj stronę testową")
        assert _admin(kiosk).last[:2] == ("print_test", True), _admin(kiosk).last
        assert peer.wait_for_jobs(1)
        walk.shot("admin-test-page-printed")

        peer.scenario = "paper_out"  # the roll runs out
        _act(kiosk, "Wydrukuj stronę testową")
        assert _admin(kiosk).last[:2] == ("print_test", False), _admin(kiosk).last
        printer = _admin(kiosk).health.get("printer")
        assert printer.state == "fail" and printer.staff, printer
        assert ("printer", "paper_out") in [(a.source, a.kind) for a in core.alerts.open()]
        texts = " ".join(kiosk.texts())
        assert "paper_out" in texts or "papier" in texts.lower(), texts
        walk.shot("admin-printer-fault")
        # Further down the same panel: the action's outcome over its buttons, the staff alert
        # and the audit list.
        _label_starting(kiosk, "Wydrukuj stronę testową:")
        scroll = _admin(kiosk).ids.scroll
        scroll.scroll_y = 0
        kiosk.frames(3)
        walk.shot("admin-printer-fault-alerts")
        scroll.scroll_y = 1
        kiosk.frames(2)

        kiosk.tap(kiosk.find("Zamknij i wróć do ekranu startowego"))
        assert kiosk.screen == "home"
        walk.shot("home")

        # A resident comes for a ticket while the printer has no paper: the number is on screen.
        kiosk.tap(kiosk.find("Pobierz bilet do kolejki"))
        _take_ticket(kiosk, walk, "B")
        texts = kiosk.texts()
        assert "Nie udało się wydrukować." in texts
        assert "Twój bilet jest ważny. Zapamiętaj swój numer:" in texts
        _shown_ticket(kiosk)
        walk.shot("printing-ticket-paper-out")
        kiosk.tap(kiosk.find("Gotowe"))
        assert kiosk.screen == "home"
    walk.finish(KNOWN)


# --- the check itself -----------------------------------------------------------------------

def test_the_walk_check_sees_text_in_its_background_colour_clipped_and_cut_text(kiosk):
    """Labels planted over the window: black on a black panel reads about 1:1, a text wider
    than its box and a text cut with "…" are clipped; white on black passes."""
    from kivy.graphics import Color, Rectangle
    from kivy.uix.label import Label
    from kivy.uix.widget import Widget

    from tests.ui.pixels import grab
    from tests.ui.walk_checks import check_window

    panel = Widget(size_hint=(None, None), size=(900, 400), pos=(90, 800))
    with panel.canvas.before:
        Color(0, 0, 0, 1)
        Rectangle(pos=panel.pos, size=panel.size)
    labels = {
        "dark": Label(text="Sprawa", color=(0, 0, 0, 1)),
        "wide": Label(text="Zaświadczenie o zameldowaniu na pobyt stały i czasowy"),
        "cut": Label(text="Jeśli zgubisz dowód…"),
        "good": Label(text="Dobrze widać"),
    }
    for n, label in enumerate(labels.values()):
        label.font_size, label.size_hint, label.size = 40, (None, None), (420, 80)
        label.pos = (120, 1100 - 95 * n)
        panel.add_widget(label)
    kiosk.window.add_widget(panel)
    try:
        _measured, problems = check_window(kiosk, grab(kiosk), Path("self-test.png"))
    finally:
        kiosk.window.remove_widget(panel)
    found = {(p.text, p.what.split(" ")[0]) for p in problems}
    assert ("Sprawa", "contrast") in found, problems
    assert (labels["wide"].text, "clipped:") in found, problems
    assert (labels["cut"].text, "clipped:") in found, problems
    assert not [p for p in problems if p.text == "Dobrze widać"], problems


def test_the_walk_check_refuses_a_breadcrumb_cut_at_its_start(kiosk):
    """The breadcrumb may be shortened, but one that has lost its start (the "…dy osobiste i
    meldunki" of issue 19, defect 13) is clipped."""
    from tests.ui.pixels import grab
    from tests.ui.walk_checks import check_window

    kiosk.app.go("category", code=kiosk.app.core.content.guide(GUIDE).category_code)
    kiosk.app.go("guide", symbol=GUIDE, step=0)
    kiosk.frames(3)
    crumb = kiosk.app.root.ids.breadcrumb
    _measured, problems = check_window(kiosk, grab(kiosk), Path("self-test.png"))
    assert not [p for p in problems if p.text == crumb.text], problems
    crumb.text = "…sobiste i meldunki  ›  " + GUIDE
    try:
        _measured, problems = check_window(kiosk, grab(kiosk), Path("self-test.png"))
    finally:
        crumb.text = kiosk.app.breadcrumb
    assert any("breadcrumb drawn as" in p.what for p in problems), problems
