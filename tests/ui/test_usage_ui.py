"""Usage events from a scripted visit in the real window: search (with a PESEL typed in), open
a guide, tick a document, reach the summary, answer the satisfaction question with a reason,
take a ticket, answer again, walk away; every event arrives with its fields and nothing typed
that identifies the resident is stored. Also: the question never blocks, and audio mode lists
its buttons."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.db.usage_models import UsageEvent
from screens.satisfaction import AnswerRow
from screens.widgets import CheckRow
from tests.test_usage import personal_digit_runs
from tests.ui.test_printing_ui import _result_shown
from tests.ui.test_search_ui import keys, results, type_by_touch

PESEL = "85010112345"


def _events_since(kiosk, seen: set[str]) -> list[UsageEvent]:
    kiosk.app.core.usage.flush()
    with kiosk.app.core.Session() as s:
        rows = s.scalars(select(UsageEvent).order_by(UsageEvent.at)).all()
    return [r for r in rows if r.id not in seen]


def _seen(kiosk) -> set[str]:
    kiosk.app.core.usage.flush()
    with kiosk.app.core.Session() as s:
        return set(s.scalars(select(UsageEvent.id)))


def _to_summary(kiosk) -> None:
    while "Krok 6 z 6" not in kiosk.texts():
        kiosk.tap("Dalej")


def test_a_scripted_visit_stores_its_events_with_their_fields(kiosk):
    seen = _seen(kiosk)
    core = kiosk.app.core

    kiosk.tap(kiosk.find("Szukaj"))
    kiosk.wait_until(lambda: keys(kiosk))
    type_by_touch(kiosk, f"dowod {PESEL}")
    kiosk.wait_until(lambda: results(kiosk))
    row = next(r for r in results(kiosk) if r.hit.kind == "procedure")
    symbol = row.hit.ref
    count = kiosk.app.manager.get_screen("search").last_results.total
    kiosk.tap(row)  # leaving the screen settles the query at once
    assert kiosk.screen == "guide"

    g = core.content.guide(symbol)
    kiosk.tap("Dalej")
    rows = [w for w in kiosk.widgets() if isinstance(w, CheckRow)]
    kiosk.tap(rows[0])
    _to_summary(kiosk)
    assert "Czy to było pomocne?" in kiosk.texts()
    assert "Możesz pominąć to pytanie." in kiosk.texts()
    answers = [w for w in kiosk.widgets() if isinstance(w, AnswerRow)]
    assert [b.text for b in reversed(answers[0].children)] == ["Tak", "Częściowo", "Nie"]
    assert all(b.height >= 112 for b in answers[0].children)
    kiosk.reveal(answers[0])
    kiosk.screenshot("satisfaction-question")
    kiosk.tap("Częściowo")
    assert "Dziękujemy za odpowiedź." in kiosk.texts()
    assert kiosk.screen == "guide" and "Krok 6 z 6" in kiosk.texts()  # still the summary
    kiosk.tap("Brakuje informacji")
    assert "Wybrano: Brakuje informacji" in kiosk.texts()
    assert kiosk.clipped() == []
    kiosk.screenshot("satisfaction-reasons")

    kiosk.tap("Pobierz bilet do kolejki")
    kiosk.wait_until(lambda: "Pobierz bilet" in kiosk.texts())
    kiosk.tap("Pobierz bilet")
    kiosk.wait_until(lambda: kiosk.screen == "printing")
    kiosk.wait_until(_result_shown(kiosk))
    kiosk.frames(3)
    ticket = kiosk.app.manager.get_screen("printing").params["ticket"]
    assert "Czy to było pomocne?" in kiosk.texts()
    kiosk.tap("Tak")
    assert "Dziękujemy za odpowiedź." in kiosk.texts()
    assert "Co było nie tak? Dotknij, co pasuje, albo pomiń." not in kiosk.texts()
    kiosk.tap("Gotowe")
    assert kiosk.screen == "home"
    # The resident walks away from Home: the kiosk resets when the idle time runs out.
    kiosk.clock.advance(200)
    kiosk.pump(1.2)

    events = _events_since(kiosk, seen)
    kinds = [e.kind for e in events]
    by_kind = {}
    for e in events:
        by_kind.setdefault(e.kind, []).append(e)
    screens = [e.name for e in by_kind["screen"]]
    assert screens == ["search", "guide", "ticket", "printing", "home"]
    # A slow machine may pause 1.5 s between two taps: a query settled on the way is counted
    # too (scrubbed like the rest); the last one is what the resident searched for.
    search = by_kind["search"][-1]
    assert (search.value, search.count, search.name) == ("dowod #", count, "pl")
    for e in by_kind["search"]:
        assert "dowod".startswith(e.value) or e.value.startswith("dowod")
        assert personal_digit_runs(e.value) == []
    assert [e.symbol for e in by_kind["procedure_opened"]] == [symbol]
    (done,) = by_kind["guide_completed"]
    required = [d.index for d in g.documents if not d.optional]
    missing = [i for i in required if i != rows[0].index]
    assert (done.symbol, done.count, done.detail["missing"]) == (symbol, len(missing), missing)
    assert done.detail["names"] == [g.documents[i].name.pl for i in missing]
    sat = [(e.value, e.symbol, e.name) for e in by_kind["satisfaction"]]
    assert sat == [("guide", symbol, "partly"), ("ticket", symbol, "yes")]
    assert [(e.value, e.name) for e in by_kind["satisfaction_reason"]] == [("guide",
                                                                             "missing_info")]
    (t,) = by_kind["ticket"]
    assert (t.name, t.detail) == (ticket.letter, {"priority": False})
    (p,) = by_kind["print"]
    assert (p.value, p.name) == ("ticket", "ok")
    (end,) = by_kind["session_end"]
    assert end.name == "home" and 0 <= end.count < 600
    assert kinds.index("search") < kinds.index("procedure_opened") < kinds.index("ticket")
    assert {e.kiosk_id for e in events} == {core.config.queue.kiosk_id}
    for e in events:
        for text in (e.value, e.name, e.symbol, repr(e.detail)):
            assert PESEL not in (text or "")


def test_the_question_never_blocks_and_the_idle_reset_still_comes(kiosk):
    g = kiosk.app.core.content.guide("USC I")
    kiosk.app.go("guide", symbol=g.symbol, step=5)
    kiosk.frames(3)
    assert "Czy to było pomocne?" in kiosk.texts()
    kiosk.tap("Zakończ")  # ignoring the question
    assert kiosk.screen == "home"
    kiosk.app.go("guide", symbol=g.symbol, step=5)
    kiosk.frames(3)
    seen = _seen(kiosk)
    kiosk.clock.advance(95)
    kiosk.pump(0.8)
    assert "Czy jeszcze tu jesteś?" in " ".join(
        getattr(w, "text", "") for w in kiosk.widgets())
    kiosk.clock.advance(40)
    kiosk.pump(0.8)
    assert kiosk.screen == "home" and kiosk.app.session.answers == {}
    (end,) = [e for e in _events_since(kiosk, seen) if e.kind == "session_end"]
    assert end.name == "idle"
    assert not [e for e in _events_since(kiosk, seen) if e.kind == "satisfaction"]


def test_audio_mode_reaches_and_chooses_the_answers(kiosk):
    g = kiosk.app.core.content.guide("USC I")
    kiosk.app.go("guide", symbol=g.symbol, step=5)
    kiosk.frames(3)
    seen = _seen(kiosk)
    audio = kiosk.app.audio
    audio.start()
    kiosk.frames(3)
    try:
        described = [audio.describe(w) for w in audio.items]
        assert "Czy to było pomocne?" in described
        for label in ("Tak", "Częściowo", "Nie"):
            assert f"{label}. przycisk" in described
        audio.index = described.index("Nie. przycisk") - 1
        audio.move(1)
        audio.select()
        kiosk.pump(0.3)
        assert audio.speaker.said[-1] == "Dziękujemy za odpowiedź."
        # The reasons are in the list now, right after the thanks.
        audio.move(1)
        audio.move(1)
        assert audio.describe(audio.focused) == "Brakuje informacji. przycisk"
        audio.select()
        kiosk.frames(3)
    finally:
        audio.stop(silent=True)
    events = _events_since(kiosk, seen)
    assert [(e.kind, e.name) for e in events if e.kind.startswith("satisfaction")] == [
        ("satisfaction", "no"), ("satisfaction_reason", "missing_info")]
    assert ("audio_mode", "menu") in [(e.kind, e.name) for e in events]
