"""Search by touch in the real window: the on-screen keyboard key by key, results as you type,
the Ukrainian layout, the physical keyboard, and a helpful "nothing found"."""

from kivy.uix.label import Label

from printer.escpos_decode import decode
from screens import theme
from screens.search import KeyButton, ResultRow


def keys(kiosk) -> dict[str, KeyButton]:
    return {w.text: w for w in kiosk.widgets() if isinstance(w, KeyButton)
            and kiosk._in_current_screen(w)}


def type_by_touch(kiosk, text: str) -> None:
    pad = keys(kiosk)
    space = next(k for k in pad.values() if k.text == "Spacja" or k.text == "Пробіл")
    for ch in text:
        kiosk.tap(space if ch == " " else pad[ch], reveal=False)


def results(kiosk) -> list[ResultRow]:
    return [w for w in kiosk.widgets() if isinstance(w, ResultRow) and kiosk._in_current_screen(w)]


def wait_for_result(kiosk, title: str) -> ResultRow:
    kiosk.wait_until(lambda: any(r.title == title for r in results(kiosk)))
    return next(r for r in results(kiosk) if r.title == title)


def query_shown(kiosk) -> str:
    return kiosk.app.manager.get_screen("search").ids.query_label.text


def test_type_by_touch_find_the_certificate_and_open_its_guide(kiosk):
    kiosk.tap(kiosk.find("Szukaj"))
    assert kiosk.screen == "search"
    assert "Wpisz tu, czego szukasz" in kiosk.texts()
    kiosk.wait_until(lambda: "Najczęstsze sprawy" in kiosk.texts())
    pad = keys(kiosk)
    for ch in "ąćęłńóśźż" + "qwertyuiopasdfghjklzxcvbnm1234567890":
        assert ch in pad, ch
    assert all(k.height >= theme.BUTTON_HEIGHT for k in pad.values())
    assert all(kiosk.on_screen(k) for k in pad.values())
    kiosk.screenshot("search-empty")

    type_by_touch(kiosk, "zaswiadczenie o zameldowaniu")
    assert query_shown(kiosk) == "zaswiadczenie o zameldowaniu"
    row = wait_for_result(kiosk, "Zaświadczenie o zameldowaniu")
    assert row.kind_text == "Sprawa · DEL XII"
    assert results(kiosk)[0] is row
    kinds = {r.kind_text.split(" · ")[0] for r in results(kiosk)}
    assert {"Sprawa", "Formularz"} <= kinds
    assert kiosk.clipped() == []
    kiosk.screenshot("search-results")

    opens_before = kiosk.app.core.search._opens_all().get("DEL XII", 0)
    kiosk.tap(row)
    assert kiosk.screen == "guide"
    assert "Zaświadczenie o zameldowaniu" in kiosk.texts()
    kiosk.wait_until(lambda: kiosk.app.core.search._opens_all().get("DEL XII", 0)
                     == opens_before + 1)
    # Back returns to the results with the query as it was.
    kiosk.tap("Wstecz")
    assert kiosk.screen == "search"
    assert query_shown(kiosk) == "zaswiadczenie o zameldowaniu"
    wait_for_result(kiosk, "Zaświadczenie o zameldowaniu")


def test_results_follow_each_key_and_delete(kiosk):
    kiosk.app.go("search")
    kiosk.frames(3)
    type_by_touch(kiosk, "meld")
    wait_for_result(kiosk, "Zameldowanie na pobyt stały")
    kiosk.tap(keys(kiosk)["‹ Usuń"], reveal=False)
    assert query_shown(kiosk) == "mel"
    kiosk.tap(keys(kiosk)["Wyczyść"], reveal=False)
    assert query_shown(kiosk) == "Wpisz tu, czego szukasz"
    kiosk.wait_until(lambda: "Najczęstsze sprawy" in kiosk.texts())


def test_a_language_switch_keeps_what_was_typed(kiosk):
    """Found looking at the screen: a tap on "English" while searching emptied the query
    and its results (the screen was shown again with the query it was opened with)."""
    kiosk.app.go("search")
    kiosk.frames(3)
    type_by_touch(kiosk, "dowod")
    wait_for_result(kiosk, "Wydanie dowodu osobistego")
    kiosk.tap("English")
    wait_for_result(kiosk, "Issuing an ID card")
    assert query_shown(kiosk) == "dowod"
    kiosk.tap("Polski")
    wait_for_result(kiosk, "Wydanie dowodu osobistego")
    assert query_shown(kiosk) == "dowod"


def test_ukrainian_layout_when_the_language_is_uk(kiosk):
    kiosk.app.go("search")
    kiosk.frames(3)
    kiosk.app.set_lang("uk")
    kiosk.frames(3)
    pad = keys(kiosk)
    for ch in "йцукенгшщзхїфівапролджєячсмитьбюґ":
        assert ch in pad, ch
    assert "ą" not in pad and "q" not in pad
    type_by_touch(kiosk, "паспорт")
    wait_for_result(kiosk, "Видача посвідчення особи")
    assert results(kiosk)[0].kind_text == "Справа · DEL I"
    assert kiosk.clipped() == []
    kiosk.screenshot("search-uk")
    kiosk.app.set_lang("en")
    kiosk.frames(3)
    pad = keys(kiosk)
    assert "q" in pad and "ą" not in pad and "й" not in pad


def test_physical_keyboard_types_too(kiosk):
    kiosk.app.go("search")
    kiosk.frames(3)
    kiosk.window.dispatch("on_textinput", "rejestracja autx")
    kiosk.window.dispatch("on_key_down", 8, 22, None, [])  # Backspace
    kiosk.window.dispatch("on_textinput", "a")
    kiosk.frames(2)
    assert query_shown(kiosk) == "rejestracja auta"
    row = wait_for_result(kiosk, "Rejestracja pojazdu kupionego w Polsce (nowego lub używanego)")
    assert results(kiosk)[0] is row
    # Keys typed elsewhere do not reach the search once the resident has left it.
    kiosk.app.home()
    kiosk.frames(2)
    kiosk.window.dispatch("on_textinput", "x")
    assert kiosk.app.manager.get_screen("search").query == "rejestracja auta"


def test_nothing_found_offers_topics_and_records_the_query(kiosk):
    kiosk.app.go("search")
    kiosk.frames(3)
    kiosk.window.dispatch("on_textinput", "kwiatki 85010112345")
    kiosk.wait_until(lambda: any(t.startswith("Nie znaleźliśmy nic") for t in kiosk.texts()))
    texts = kiosk.texts()
    assert "Nie znaleźliśmy nic dla „kwiatki 85010112345”." in texts
    assert "Najczęstsze sprawy" in texts
    for cat in kiosk.app.core.content.categories():
        assert kiosk.find(cat.name.pl)
    kiosk.screenshot("search-no-results")
    kiosk.wait_until(lambda: any(q == "kwiatki #" for _at, _l, q, _n in
                                 kiosk.app.core.search.unanswered()), timeout=10)
    kiosk.tap(kiosk.find(kiosk.app.core.content.categories()[0].name.pl))
    assert kiosk.screen == "category"


def test_other_results_open_their_screens(kiosk):
    kiosk.app.go("search")
    kiosk.frames(3)
    for query, title, screen in (
            ("urząd stanu cywilnego", "Urząd Stanu Cywilnego", "department"),
            ("wniosek o wydanie prawa jazdy", "Wniosek o wydanie prawa jazdy", "form"),
            ("opłata targowa", "Opłata targowa", "rates")):
        kiosk.tap(keys(kiosk)["Wyczyść"], reveal=False)
        kiosk.window.dispatch("on_textinput", query)
        kiosk.tap(wait_for_result(kiosk, title))
        assert kiosk.screen == screen, query
        kiosk.tap("Wstecz")
        assert kiosk.screen == "search"
    labels = [w for w in kiosk.widgets() if isinstance(w, Label) and w.text
              and kiosk._in_current_screen(w) and kiosk.on_screen(w)]
    assert min(lb.font_size for lb in labels) >= theme.FONT_SMALL


def test_an_idle_reset_forgets_the_last_search_and_every_screen_of_the_visit(kiosk):
    """The next resident finds nothing of the last one: the query, its results and the
    screens of the visit are dropped when the visit ends (not just hidden behind Home)."""
    kiosk.app.go("search")
    kiosk.frames(3)
    type_by_touch(kiosk, "meld")
    wait_for_result(kiosk, "Zameldowanie na pobyt stały")
    kiosk.clock.advance(91)  # the idle warning, then nobody answers it
    kiosk.pump(0.7)
    kiosk.clock.advance(31)
    kiosk.pump(0.7)
    assert kiosk.screen == "home"
    search = kiosk.app.manager.get_screen("search")
    assert query_shown(kiosk) == "Wpisz tu, czego szukasz"
    assert not [w for w in search.walk() if isinstance(w, ResultRow)]
    held = [s.name for s in kiosk.app.manager.screens if s.name != "home" and s.body.children]
    assert held == []
    kiosk.frames(3)  # the switch to Home may have begun at the end of the pump
    kiosk.tap(kiosk.find("Szukaj"))  # and search opens empty for the next resident
    kiosk.wait_until(lambda: "Najczęstsze sprawy" in kiosk.texts())
    assert query_shown(kiosk) == "Wpisz tu, czego szukasz"


def test_a_matter_handled_elsewhere_says_where_to_go(kiosk):
    kiosk.app.go("search")
    kiosk.frames(3)
    type_by_touch(kiosk, "paszport")
    row = wait_for_result(kiosk, "Paszport")
    assert results(kiosk)[0] is row
    assert row.kind_text == "Sprawa poza urzędem miasta"
    assert row.detail.startswith("Tej sprawy nie załatwisz w urzędzie miasta — idź do: ")
    kiosk.tap(row)
    assert kiosk.screen == "search"
    kiosk.wait_until(lambda: "Wojewoda Łódzki" in " ".join(kiosk.texts()))
    kiosk.screenshot("search-elsewhere")

    # The resident takes it on paper: who handles it, where, and the page to read at home.
    printouts = kiosk.app.core.printer.preview_dir
    before = set(printouts.glob("*.bin")) if printouts.exists() else set()
    kiosk.tap("Drukuj kartę informacyjną")
    assert kiosk.screen == "printing"
    screen = kiosk.app.manager.get_screen("printing")
    kiosk.wait_until(lambda: screen.results and None not in screen.results.values())
    kiosk.frames(3)
    assert "Weź kartę z otworu poniżej." in kiosk.texts()
    (job,) = set(printouts.glob("*.bin")) - before
    paper = decode(job.read_bytes(), kiosk.app.core.printer.model.codepages)
    assert "Paszport" in paper.lines and "Wojewoda Łódzki" in paper.text
    assert paper.qr_payloads == ["https://www.gov.pl/web/gov/uzyskaj-paszport"]
    kiosk.tap("Wstecz")
    assert kiosk.screen == "search"
