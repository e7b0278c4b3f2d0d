"""Search as residents use it: recall on realistic queries, word forms, typos, symbols,
synonyms from the content, the index per revision, open counts, the unanswered-query log, the
plain scan without FTS5, and arbitrary input that must never raise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kiosk.config import KioskConfig, PathsConfig
from kiosk.content.format import ContentError, read_content
from kiosk.content.store import apply_bundle
from kiosk.db.search_models import SearchDoc, SearchOpenCount, SearchQueryLog
from kiosk.search.service import SearchService, scrub_query
from kiosk.search.text import fold, stem, symbol_keys, tokens
from tests.search_queries import QUERIES


@pytest.fixture(scope="module")
def mcore(tmp_path_factory):
    """One kiosk core for the read-only tests of this module (loading content takes a while)."""
    from kiosk.bootstrap import open_core

    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=tmp_path_factory.mktemp("search")))
    c = open_core(cfg)
    yield c
    c.close()


def refs(core_, query, lang="pl", n=3):
    return [h.ref for h in core_.search.search(query, lang, limit=n).hits]


# --- recall on the table of resident queries ------------------------------------------------

def test_recall_on_resident_queries(mcore, capsys):
    assert len(QUERIES) >= 60
    at1 = at3 = 0
    misses = []
    for query, expected in QUERIES:
        got = refs(mcore, query)
        at1 += got[:1] == [expected]
        at3 += expected in got
        if expected not in got:
            misses.append(f"{query!r}: wanted {expected}, got {got}")
    r1, r3 = at1 / len(QUERIES), at3 / len(QUERIES)
    with capsys.disabled():
        print(f"\nsearch recall on {len(QUERIES)} resident queries: "
              f"recall@1 {r1:.1%}, recall@3 {r3:.1%}")
        for miss in misses:
            print(f"  not in top 3: {miss}")
    assert r3 >= 0.90, misses


def test_scan_without_fts_ranks_exactly_like_fts(mcore, monkeypatch):
    scan = SearchService(mcore.Session)
    monkeypatch.setattr("kiosk.search.service._has_fts", lambda conn: False)
    for query, _expected in QUERIES:
        fts = mcore.search.search(query, limit=5)
        plain = scan.search(query, limit=5)
        assert plain.mode == "scan" and fts.mode == "fts"
        assert [h.ref for h in plain.hits] == [h.ref for h in fts.hits], query


# --- words ---------------------------------------------------------------------------------

@pytest.mark.parametrize("forms", [
    "dowód dowodu dowodem dowody dowodów",
    "zaświadczenie zaświadczenia zaświadczeniem zaświadczeniu zaswiadczenie zaswiadczeniu",
    "zameldowanie zameldowania zameldowaniu zameldowaniem zameldować",
    "meldunek meldunku meldunkiem",
    "samochód samochodu samochodem samochodzie samochody",
    "pies psa psem psy psów",
    "opłata opłaty opłatę opłatą",
    "podatek podatku podatkiem podatki",
    "rejestracja rejestracji rejestrację rejestracją",
    "małżeństwo małżeństwa małżeństwem",
    "dziecko dziecka dzieci",
])
def test_inflected_forms_share_a_stem(forms):
    stems = {stem(w) for w in tokens(forms)}
    assert len(stems) == 1, stems


def test_short_words_and_different_words_keep_apart():
    assert stem("wieku") == "wiek" and stem("roku") == "rok"
    assert stem("prawko") != stem("prawo")
    assert stem("dowód") != stem("podatek")


def test_folding_works_both_ways(mcore):
    assert fold("Zaświadczenie ŁÓDŹ") == "zaswiadczenie lodz"
    assert refs(mcore, "zaswiadczenie o zameldowaniu")[0] == "DEL XII"
    assert refs(mcore, "ZAŚWIADCZENIE O ZAMELDOWANIU")[0] == "DEL XII"
    # Content without Polish letters (a form code) is found by a query with them.
    assert "DEL-ZASWIADCZENIE" in refs(mcore, "wniosek zaświadczenie", n=5)


@pytest.mark.parametrize("query, expected", [
    ("zaswiadczneie o zameldowaniu", "DEL XII"),   # swapped letters
    ("zaswiadczenie o zameldowniu", "DEL XII"),    # a missing letter
    ("becikowee", "MOPR IV"),                      # an extra letter
    ("rejestracia pojazdu", "DRK I"),              # a wrong letter
    ("wymeldowamie", "DEL XI"),                    # a wrong letter
    ("dzierzawa gruntu", "SPN I"),
    ("pelnomocnitwo", "DBM VI"),
])
def test_typos_in_longer_words(mcore, query, expected):
    assert expected in refs(mcore, query)


def test_no_typo_guessing_in_short_words(mcore):
    # "dwód" is 4 letters: no guessing "dowód" (too many short words are one letter apart).
    assert mcore.search.search("dwód ").hits == ()


@pytest.mark.parametrize("query, expected", [
    ("usc1", "USC I"), ("USC I", "USC I"), ("usc i", "USC I"), ("usc 1", "USC I"),
    ("USC 4", "USC IV/V"), ("usc v", "USC IV/V"), ("DRK 15", "DRK XV"), ("drkxv", "DRK XV"),
    ("del 27", "DEL XXVII"), ("PODAT III", "PODAT III"),
])
def test_symbols_in_any_spelling_come_first(mcore, query, expected):
    assert refs(mcore, query)[0] == expected


def test_symbol_keys():
    assert symbol_keys("USC IV/V") == ["usc4", "usc5"]
    assert symbol_keys("DEL XXVII") == ["del27"]


def test_department_code_finds_the_department_first(mcore):
    hits = mcore.search.search("USC").hits
    assert (hits[0].kind, hits[0].ref) == ("department", "USC")
    # "i" after a word that is not a symbol prefix is the Polish "and", not a Roman one.
    assert refs(mcore, "akt urodzenia i malzenstwa")[0] == "USC I"


def test_search_as_you_type_finds_half_written_words(mcore):
    assert "DEL XII" in refs(mcore, "zaswiadczenie o zameld")
    assert "DEL IX" in refs(mcore, "meld")
    assert "MOPR IV" in refs(mcore, "becik")
    # A finished word (a space after it) is no longer a prefix of longer words.
    assert mcore.search.search("usc1").hits[0].ref == "USC I"


def test_results_say_what_they_are(mcore):
    kinds = {h.kind for q in ("psa", "smieci", "urzad stanu cywilnego", "IN-1", "migowy")
             for h in mcore.search.search(q).hits}
    assert kinds == {"procedure", "department", "form", "rate", "announcement"}


def test_other_languages_with_polish_as_fallback(mcore):
    assert refs(mcore, "паспорт", "uk")[0] == "DEL I"
    assert "DEL IX" in refs(mcore, "прописка", "uk")
    assert refs(mcore, "rubbish", "en")[0] == "IGO I"
    # Polish words work in every language: untranslated content is searched in Polish.
    assert "DEL XII" in refs(mcore, "zaswiadczenie o zameldowaniu", "uk")
    hit = mcore.search.search("zaswiadczenie o zameldowaniu", "uk").hits[0]
    assert hit.title.get("uk") != hit.title.pl


# --- ranking ties and open counts -------------------------------------------------------------

def test_ties_go_to_the_guide_residents_open_most(core):
    first = core.search.search("akt zgonu").hits
    assert first[0].score == first[1].score  # USC I and USC III tie on words
    other = first[1].ref
    for _ in range(3):
        core.search.record_open(other)
    core.search.record_open(first[0].ref)
    again = core.search.search("akt zgonu").hits
    assert again[0].ref == other and again[0].opens == 3
    assert core.search.most_asked(2)[0].ref == other
    with core.Session() as s:
        assert s.get(SearchOpenCount, other).count == 3


# --- unanswered queries ------------------------------------------------------------------------

def test_unanswered_queries_are_kept_without_personal_data(core):
    assert scrub_query("PESEL 85010112345, jan.kowalski@example.com") == "PESEL #, [e-mail]"
    assert scrub_query("tel 600 123 456 dowod") == "tel # dowod"
    assert scrub_query("500 plus 2026") == "500 plus 2026"
    assert core.search.record_unanswered("xyzzy 85010112345 a@b.pl", "pl", 0)
    assert not core.search.record_unanswered("85010112345", "pl", 0)
    (at, lang, query, count), = core.search.unanswered()
    assert (lang, query, count) == ("pl", "xyzzy # [e-mail]", 0)
    with core.Session() as s:
        assert s.scalar(select(func.count()).select_from(SearchQueryLog)) == 1


# --- the index follows the content ------------------------------------------------------------

def _bump(content_copy, label):
    path = content_copy / "content.yaml"
    meta = yaml.safe_load(path.read_text())
    meta["revision"] = label
    path.write_text(yaml.safe_dump(meta))


def test_index_and_synonyms_are_rebuilt_with_each_revision(core, content_copy):
    assert core.search.search("zyrafa").hits == ()
    syn = yaml.safe_load((content_copy / "synonyms.yaml").read_text())
    syn["synonyms"].append({"words": ["żyrafa"], "means": ["wycinka drzew"]})
    (content_copy / "synonyms.yaml").write_text(yaml.safe_dump(syn, allow_unicode=True))
    _bump(content_copy, "second")
    apply_bundle(core.Session, read_content(content_copy))
    assert "IGK III" in refs(core, "zyrafa")
    _bump(content_copy, "third")
    apply_bundle(core.Session, read_content(content_copy))
    with core.Session() as s:
        revs = s.scalars(select(SearchDoc.revision_id).distinct()).all()
    assert len(revs) == 2  # the active revision and the one kept before it, no more


def test_a_failed_load_keeps_the_old_index(core, content_copy):
    before = refs(core, "meldunek")
    bundle = read_content(content_copy)
    bundle.procedures[-1]["symbol"] = None
    with pytest.raises(IntegrityError):
        apply_bundle(core.Session, bundle)
    assert refs(core, "meldunek") == before


def test_content_loaded_before_search_existed_is_indexed_on_first_query(core):
    with core.Session.begin() as s:
        s.query(SearchDoc).delete()
        s.connection().exec_driver_sql("DELETE FROM search_fts")
    fresh = SearchService(core.Session)
    assert fresh.search("meldunek").hits[0].ref == "DEL IX"


def test_bad_synonyms_are_reported_with_file_record_and_field(content_copy):
    (content_copy / "synonyms.yaml").write_text(
        "synonyms:\n  - words: [auto]\n  - words: ['!!!']\n    means: [pojazd]\n")
    with pytest.raises(ContentError) as exc:
        read_content(content_copy)
    text = str(exc.value)
    assert "synonyms.yaml: synonym 'auto': means: required field is missing" in text
    assert "synonyms.yaml: synonym '!!!': words[0]: has no letters or digits" in text


def test_content_without_a_synonyms_file_still_loads(content_copy):
    (content_copy / "synonyms.yaml").unlink()
    assert read_content(content_copy).synonyms == []


# --- odd input ---------------------------------------------------------------------------------

FTS_SYNTAX = st.sampled_from(['"', "'", "*", "NEAR", "NEAR(", "-", "^", "(", ")", ":", "AND",
                              "OR", "NOT", "+", "{", "}", "usc", "I", "dowód", "title:", "\x00",
                              "\u200b", "ł", "й", " "])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text(max_size=20), FTS_SYNTAX), max_size=12),
       st.sampled_from(["pl", "en", "uk", "xx"]))
def test_any_input_never_raises(mcore, parts, lang):
    query = "".join(parts)
    res = mcore.search.search(query, lang, limit=5)
    assert len(res.hits) <= 5
    scrub_query(query)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=300))
def test_any_unicode_never_raises_in_the_scan_either(mcore, query):
    scan = SearchService(mcore.Session)
    scan._corpora = {}
    import kiosk.search.service as ks

    real = ks._has_fts
    ks._has_fts = lambda conn: False
    try:
        scan.search(query, "pl", limit=3)
    finally:
        ks._has_fts = real


# --- the command line --------------------------------------------------------------------------

def _kiosk(*args, data_dir):
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_cli_search(tmp_path):
    r = _kiosk("search", "zaswiadczenie o zameldowaniu", "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["results"][0]["ref"] == "DEL XII"
    assert data["results"][0]["kind"] == "procedure"
    assert data["results"][0]["title"] == "Zaświadczenie o zameldowaniu"
    out = _kiosk("search", "rejestracja auta", data_dir=tmp_path).stdout
    assert out.splitlines()[0].split()[1:4] == ["procedure", "DRK", "I"]
    assert "Rejestracja pojazdu" in out.splitlines()[0]
    out = _kiosk("search", "usc1", "--limit", "1", data_dir=tmp_path).stdout
    assert "USC I " in out and len(out.splitlines()) <= 2
    uk = json.loads(_kiosk("search", "паспорт", "--lang", "uk", "--json",
                           data_dir=tmp_path).stdout)
    assert uk["results"][0]["title"] == "Видача посвідчення особи"
    assert _kiosk("search", "qqqqqq", data_dir=tmp_path).stdout.startswith("no results")


def test_invalid_utf8_in_a_query_never_reaches_the_json_output(tmp_path):
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path)}
    env.pop("KIOSK_CONFIG", None)
    r = subprocess.run([sys.executable, "-m", "entrypoints", "search", b"meldu\xffnek", "--json"],
                       capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout.decode("utf-8"))  # strict: the output is valid UTF-8
    assert data["query"] == "meldunek"
