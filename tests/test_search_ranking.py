"""Ranking among many records that hold the query's words: what keeps the right matter on top
when a catalogue grows to thousands of procedures (bench/search.py measures it at 10,000).
Each case is a small index built in memory, the real matter among look-alike records."""

from __future__ import annotations

from kiosk.search.ranking import Corpus, near_pairs, rank, read_query
from kiosk.search.text import index_words


def _row(i: int, ref: str, title: str, keywords: str = "", body: str = "") -> tuple:
    words = lambda text: " ".join(index_words(text, "pl"))  # noqa: E731
    return (i, "procedure", ref, i, None, None, words(title), "", words(keywords), words(body))


def _top(rows: list[tuple], query: str, synonyms=()) -> list[str]:
    corpus = Corpus.build(1, "pl", rows, list(synonyms))
    ranked, _total = rank(corpus, read_query(query, corpus), {}, 3, near_pairs(query, corpus))
    return [corpus.refs[i] for i, _score in ranked]


def _look_alikes(titles: list[str], start: int = 10) -> list[tuple]:
    return [_row(start + k, f"GEN {k}", t) for k, t in enumerate(titles)]


def test_the_editors_phrase_in_the_keywords_beats_the_same_words_scattered_in_titles():
    real = _row(1, "USC III", "Rejestracja zgonu",
                keywords="zgon, akt zgonu, zgłoszenie zgonu, pogrzeb")
    others = _look_alikes(["Zgon drzewo jeden Zgłoszenie", "Zgłoszenie działki urząd zgonu",
                           "zgonu instytucje stopnia Zgłoszenie", "Zgłoszenia pojazd zgon"])
    assert _top(others + [real], "zgłoszenie zgonu")[0] == "USC III"


def test_the_matter_a_situation_names_beats_records_that_only_hold_its_words():
    real = _row(1, "USC VII", "Zmiana imienia lub nazwiska", body="także po rozwodzie")
    others = _look_alikes(["Zmienić nazwisko rozwodzie drzewo", "nazwisko rozwodzie zmienić wpis",
                           "rozwodzie Zmiana nazwiska podatek"])
    situations = [(["chcę zmienić nazwisko"], [], ["USC VII"])]
    assert _top(others + [real], "chce zmienic nazwisko po rozwodzie",
                situations)[0] == "USC VII"


def test_a_word_typed_without_polish_letters_matches_every_form_of_it_alike():
    # "skarge" (skargę typed plainly) is no word morfeusz2 knows: its stem joins it to
    # "skarga" as fully as to "skargę", so the matter's own title is not ranked below a
    # record that happens to hold the form typed.
    real = _row(1, "DBM I", "Skarga lub wniosek")
    other = _row(2, "GEN 1", "Skargę drzewo alkoholu pojazd")
    assert _top([other, real], "chce zlozyc skarge")[0] == "DBM I"
