"""The kiosk reads query words by lemma from the revision's search_lemma rows, written where
content is applied: a kiosk that searches never loads morfeusz2 or pymorphy3 (together ~65 MiB
it would keep for good), and an incremental sync brings the lemmas of the words it adds."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.config import KioskConfig, PathsConfig
from kiosk.content.format import read_content
from kiosk.content.store import WHOLE_LISTS, ContentChanges, active_revision, apply_changes
from kiosk.db.search_models import SearchLemma
from kiosk.search.service import SearchService

ROOT = Path(__file__).resolve().parents[1]

# Each needs a lemma; none of these forms is in the sample content, their lemmas are.
# "zgubiłaś" is zgubić (the content has "zgubienie", "zgubiony"...), "договору" is договір.
LEMMA_QUERIES = [("zgubiłaś", "pl", "DEL II"), ("zgubiłem dowód", "pl", "DEL II"),
                 ("zgubiłaś", "en", "DEL II"), ("паспорта", "uk", "DEL I"),
                 ("укладання договору", "uk", "notary")]

_SEARCH_IN_A_FRESH_KIOSK = """
import json, sys
from dataclasses import replace
from pathlib import Path
from kiosk.bootstrap import open_core
from kiosk.config import KioskConfig, PathsConfig

core = open_core(replace(KioskConfig(), paths=PathsConfig(data_dir=Path(sys.argv[1]))),
                 load_bundled=False)
core.search.warm()
queries = json.loads(sys.argv[2])
top = {q + "|" + lang: [h.ref for h in core.search.search(q, lang, limit=3).hits]
       for q, lang in queries}
print(json.dumps({"top": top, "loaded": sorted(m for m in ("morfeusz2", "pymorphy3")
                                               if m in sys.modules)}))
core.close()
"""


def test_a_kiosk_searches_by_lemma_without_the_morphology_dictionaries(tmp_path):
    from kiosk.bootstrap import open_core

    data = tmp_path / "data"
    open_core(replace(KioskConfig(), paths=PathsConfig(data_dir=data))).close()  # loads
    r = subprocess.run(
        [sys.executable, "-c", _SEARCH_IN_A_FRESH_KIOSK, str(data),
         json.dumps([(q, lang) for q, lang, _ref in LEMMA_QUERIES])],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.splitlines()[-1])
    for query, lang, ref in LEMMA_QUERIES:
        assert ref in got["top"][f"{query}|{lang}"], (query, lang, got["top"])
    assert got["loaded"] == []


def _changed(core, symbol: str | None, change, synonyms: list[dict] | None = None
             ) -> ContentChanges:
    """The sample content with one procedure changed, or its synonyms replaced, as an
    incremental sync applies it."""
    bundle = read_content(SAMPLE_CONTENT_DIR)
    with core.Session() as s:
        rid = active_revision(s).id
    procs = []
    if symbol is not None:
        procs = [copy.deepcopy(next(p for p in bundle.procedures if p["symbol"] == symbol))]
        change(procs[0])
    lists: dict = {name: [] for name in WHOLE_LISTS}
    if synonyms is not None:
        lists["synonyms"] = synonyms
    only = dataclasses.replace(bundle, procedures=procs, checksum="changed", **lists)
    return ContentChanges(rid, only, whole=frozenset({"synonyms"} if synonyms else ()),
                          positions={p["symbol"]: p["position"] for p in bundle.procedures})


def test_an_incremental_sync_makes_the_forms_of_a_new_word_findable(core):
    # "przyjechać" is in no record of the sample; "przyjechałem" shares no stem with it.
    def add_word(proc):
        proc["keywords"] = [*proc["keywords"], "przyjechać z zagranicy"]

    assert "DEL XII" not in [h.ref for h in core.search.search("przyjechałem").hits]
    rid = apply_changes(core.Session, _changed(core, "DEL XII", add_word))
    with core.Session() as s:
        forms = s.scalar(select(SearchLemma.forms).where(
            SearchLemma.revision_id == rid, SearchLemma.family == "pl",
            SearchLemma.lemma == "przyjechać"))
    assert forms is not None and "przyjechałem" in forms.split()
    hits = SearchService(core.Session).search("przyjechałem").hits
    assert hits and hits[0].ref == "DEL XII"


def test_a_revision_applied_before_the_lemma_table_gets_its_lemmas_when_first_searched(core):
    from sqlalchemy import delete, func

    with core.Session.begin() as s:  # as after migration 0012 on a kiosk with content
        s.execute(delete(SearchLemma))
    fresh = SearchService(core.Session)
    assert "DEL II" in [h.ref for h in fresh.search("zgubiłaś").hits[:3]]
    with core.Session() as s:
        assert s.scalar(select(func.count()).select_from(SearchLemma)) > 1000


def test_an_incremental_sync_of_the_synonyms_makes_the_forms_of_their_words_findable(core):
    # An everyday word no record holds leads to its matter whatever its form.
    synonyms = read_content(SAMPLE_CONTENT_DIR).synonyms
    synonyms.append({"position": len(synonyms), "words": ["przyjechać"],
                     "means": ["zameldowanie"], "matters": ["DEL XII"]})
    assert "DEL XII" not in [h.ref for h in core.search.search("przyjechałam ").hits[:1]]
    apply_changes(core.Session, _changed(core, None, None, synonyms))
    hits = SearchService(core.Session).search("przyjechałam ").hits
    assert hits and hits[0].ref == "DEL XII"


def test_inflections_kept_between_processes_are_the_same_and_a_broken_file_costs_nothing(
        tmp_path, monkeypatch):
    """A sync or a content load is a process of its own: the words it has worked out are
    kept in the cache folder for the next one, which must get exactly the same forms; a
    file that cannot be read is worked out again."""
    from kiosk.kept_results import KeptResults
    from kiosk.search import text

    words = ["zgubiłem", "dowód", "паспорта", "meldunek", "przyjechać"]
    path = tmp_path / "inflections.json"
    monkeypatch.setattr(text, "_kept_inflections", KeptResults(path, text._word_inflections))
    fresh = text.inflections(words)
    assert ("pl", "zgubić") in fresh and "zgubiłem" in fresh[("pl", "zgubić")]
    assert path.exists()
    # The next process: everything read back, nothing worked out again.
    monkeypatch.setattr(text, "_kept_inflections", KeptResults(path, pytest.fail))
    assert text.inflections(words) == fresh
    path.write_text("{not json")
    monkeypatch.setattr(text, "_kept_inflections", KeptResults(path, text._word_inflections))
    assert text.inflections(words) == fresh
