"""What a guide says agrees with the data (issue 19, defects 2, 3 and 17), in the real window:
a document the clerk prepares has no tick box and is never "missing"; the ticket letter comes
from the queue category, never from typed prose; no "how to pay" for a free matter; the
unconfirmed note says what is unconfirmed; the two back buttons say which is which; the
switches' states agree in gender; the closing question speaks to everyone."""

from __future__ import annotations

from screens.widgets import CheckRow, KButton

APPLICATION = "Wniosek o wydanie dowodu osobistego"
PHOTO = "Kolorowe zdjęcie 35 x 45 mm, nie starsze niż 6 miesięcy"


def _open_guide(kiosk, category: str, title: str):
    kiosk.tap(category)
    assert kiosk.screen == "category"
    kiosk.tap(title)
    assert kiosk.screen == "guide"
    return kiosk.app.manager.current_screen


def _step(kiosk, n: int) -> None:
    """Dalej until "Krok n z 6" shows, by touch."""
    while f"Krok {n} z 6" not in kiosk.texts():
        kiosk.tap(kiosk.app.manager.current_screen.ids.next_button)


def _joined(kiosk) -> str:
    return "\n".join(kiosk.texts())


def test_a_document_the_clerk_prepares_has_no_box_and_is_never_missing(kiosk):
    _open_guide(kiosk, "Dowody osobiste i meldunki", "Wydanie dowodu osobistego")
    _step(kiosk, 2)
    rows = [w for w in kiosk.widgets() if isinstance(w, CheckRow) and kiosk._in_current_screen(w)]
    boxed = [r.text for r in rows]
    assert PHOTO in boxed
    assert not any(APPLICATION in t for t in boxed), boxed  # no tick box for it
    texts = kiosk.texts()
    assert APPLICATION in texts, "\n".join(texts)
    assert any(t.startswith("(przygotuje urzędnik)") for t in texts), "\n".join(texts)
    kiosk.screenshot("guide-del-i-documents")
    _step(kiosk, 6)  # nothing ticked
    text = _joined(kiosk)
    assert "Brakuje Ci jeszcze:" in text
    assert "•  " + PHOTO in kiosk.texts()
    assert APPLICATION not in text, text


def test_the_guide_shows_the_ticket_letter_of_its_queue_category(kiosk):
    _open_guide(kiosk, "Dowody osobiste i meldunki", "Wydanie dowodu osobistego")
    assert "z literą A" not in _joined(kiosk)
    _step(kiosk, 4)
    assert "Bilet z literą B: Dowody osobiste i meldunki" in kiosk.texts()
    kiosk.screenshot("guide-del-i-where")
    _step(kiosk, 6)
    assert "Bilet z literą B: Dowody osobiste i meldunki" in kiosk.texts()

    kiosk.home()
    _open_guide(kiosk, "Pojazdy i prawa jazdy",
                "Rejestracja pojazdu kupionego w Polsce (nowego lub używanego)")
    assert "z literą B" not in _joined(kiosk)
    _step(kiosk, 4)
    assert "Bilet z literą C: Rejestracja pojazdów" in kiosk.texts()


def test_a_free_matter_has_no_how_to_pay(kiosk):
    _open_guide(kiosk, "Dowody osobiste i meldunki", "Wydanie dowodu osobistego")
    _step(kiosk, 3)
    texts = kiosk.texts()
    assert "Ta sprawa jest bezpłatna." in texts
    assert "Jak zapłacić" not in texts


def test_the_unconfirmed_note_says_what_is_unconfirmed(kiosk):
    _open_guide(kiosk, "Dowody osobiste i meldunki", "Wydanie dowodu osobistego")
    _step(kiosk, 4)
    notes = [t for t in kiosk.texts() if t.startswith("Do potwierdzenia w urzędzie")]
    assert "Do potwierdzenia w urzędzie: miejsce, piętro, pokój." in notes, notes
    assert "Do potwierdzenia w urzędzie: godziny." in notes, notes
    assert "Do potwierdzenia w urzędzie." not in notes


def test_leaving_the_guide_and_the_previous_step_say_which_is_which(kiosk):
    guide = _open_guide(kiosk, "Dowody osobiste i meldunki", "Wydanie dowodu osobistego")
    _step(kiosk, 2)
    back = kiosk.app.root.ids.back_button
    assert back.text == "‹  Wstecz: zamknij przewodnik"
    assert guide.ids.prev_button.text == "‹  Poprzedni krok"
    kiosk.tap(guide.ids.prev_button)
    assert kiosk.screen == "guide" and "Krok 1 z 6" in kiosk.texts()
    kiosk.tap(back)
    assert kiosk.screen == "category"
    assert back.text == "‹  Wstecz"  # elsewhere it is plain Back


def test_switch_states_agree_with_their_words(kiosk):
    kiosk.tap("Ułatwienia")
    texts = [w.text for w in kiosk.widgets() if isinstance(w, KButton)
             and kiosk._in_current_screen(w)]
    assert "Przyciski niżej: wyłączone" in texts, texts
    assert "Tryb głosowy: wyłączony" in texts and "Wysoki kontrast: wyłączony" in texts
    kiosk.tap(kiosk.find("Przyciski niżej"))
    assert kiosk.find("Przyciski niżej").text == "Przyciski niżej: włączone"


def test_the_closing_question_speaks_to_everyone(kiosk):
    _open_guide(kiosk, "Dowody osobiste i meldunki", "Wydanie dowodu osobistego")
    _step(kiosk, 6)
    text = _joined(kiosk)
    assert "Czy to było pomocne?" in kiosk.texts()
    assert "znalazłeś" not in text and "szukałeś" not in text
