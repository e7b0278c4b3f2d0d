"""Search latency (p50/p95) on the sample content and on 10,000 generated procedures, against a
plain `LIKE '%word%'` scan over the same rows, measured in the same run (speed-up = LIKE /
search).

    .venv/bin/python bench/search.py [--procedures 10000] [--rounds 3]

Queries: the resident queries of tests/search_queries.py (Polish, English, Ukrainian), each run
`rounds` times after one warm-up pass (the first query of a revision and language reads the
index into memory). The LIKE baseline gets
the same help the index has: the query folded (no diacritics, lower case) and matched against
the folded words of search_doc, one `LIKE '%word%'` per word (ANDed), as a simple kiosk search
would do it; it knows no stems, typos, synonyms or symbols, which its recall@3 shows.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.stats import pct  # noqa: E402
from kiosk.config import KioskConfig, PathsConfig  # noqa: E402
from kiosk.db.search_models import SearchDoc  # noqa: E402
from kiosk.search.text import STOPWORDS, tokens  # noqa: E402
from tests.search_queries import PL_FIRST_100, QUERIES  # noqa: E402


def generated(bundle, n: int, seed: int = 7):
    """The sample bundle plus n procedures made of the sample's own words (realistic
    vocabulary and lengths), symbols GEN 1..n; the real procedures stay in."""
    rnd = random.Random(seed)
    words = sorted({w for p in bundle.procedures for w in
                    (p["title"].pl + " " + p["summary"].pl).split() if len(w) > 3})
    out = []
    for i in range(1, n + 1):
        src = rnd.choice(bundle.procedures)
        p = dict(src)
        p["symbol"] = f"GEN {i}"
        p["position"] = len(bundle.procedures) + i
        title = " ".join(rnd.sample(words, 4)) + " " + src["title"].pl.split()[0]
        p["title"] = type(src["title"])(pl=title[:200])
        p["summary"] = type(src["summary"])(pl=" ".join(rnd.sample(words, 25))[:1000])
        p["keywords"] = rnd.sample(words, 3)
        p["steps"] = [dict(x) for x in src["steps"]]
        p["documents"] = [dict(x) for x in src["documents"]]
        p["fees"] = [dict(x) for x in src["fees"]]
        out.append(p)
    bundle.procedures = bundle.procedures + out
    bundle.checksum = f"generated-{n}"
    return bundle


def like_search(Session_, rid: int, query: str, limit: int = 3, lang: str = "pl"
                ) -> list[str]:
    words = [w for w in tokens(query) if w not in STOPWORDS] or tokens(query)
    if not words:
        return []
    haystack = SearchDoc.title + " " + SearchDoc.keywords + " " + SearchDoc.body
    stmt = select(SearchDoc.ref).where(SearchDoc.revision_id == rid, SearchDoc.lang == lang)
    for w in words:
        stmt = stmt.where(haystack.like(f"%{w}%"))
    with Session_() as s:
        return list(s.scalars(stmt.order_by(SearchDoc.kind, SearchDoc.position).limit(limit)))


def _recall(found, table) -> float:
    return sum(exp in found(q, lang) for q, exp, lang in table) / len(table)


def measure(core, rounds: int) -> dict:
    from kiosk.content.store import active_revision

    with core.Session() as s:
        rev = active_revision(s)
        rid, key = rev.id, (rev.id, rev.checksum)
    # As the kiosk asks: for the revision its screens show (ContentService's pinned key).
    search = functools.partial(core.search.search, revision=key)
    table = QUERIES
    first = [(q, e, "pl") for q, e in PL_FIRST_100]
    t = time.perf_counter()
    for q, _, lang in table:  # warm-up: the index of each language, page cache
        search(q, lang, limit=10)
    warm_s = time.perf_counter() - t
    for q, _, lang in table:
        like_search(core.Session, rid, q, lang=lang)
    ours, like = [], []
    for _ in range(rounds):
        for q, _, lang in table:
            t = time.perf_counter()
            search(q, lang, limit=10)
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            like_search(core.Session, rid, q, limit=10, lang=lang)
            like.append((time.perf_counter() - t) * 1000)

    def ours3(q, lang):
        return [h.ref for h in search(q, lang, limit=3).hits]

    def like3(q, lang):
        return like_search(core.Session, rid, q, lang=lang)

    per_lang = {lang: _recall(ours3, [x for x in table if x[2] == lang])
                for lang in ("pl", "en", "uk")}
    return {"ours": ours, "like": like, "r3_ours": _recall(ours3, first),
            "r3_like": _recall(like3, first), "r3_all": _recall(ours3, table),
            "per_lang": per_lang, "warm_s": warm_s}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--procedures", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    from kiosk import SAMPLE_CONTENT_DIR
    from kiosk.bootstrap import open_core
    from kiosk.content.format import read_content
    from kiosk.content.store import apply_bundle

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=Path(tmp) / "sample"))
        core = open_core(cfg)
        rows.append(("sample content (55 procedures)", measure(core, args.rounds), None))
        core.close()

        cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=Path(tmp) / "big"))
        core = open_core(cfg, load_bundled=False)
        bundle = generated(read_content(SAMPLE_CONTENT_DIR), args.procedures)
        t = time.perf_counter()
        apply_bundle(core.Session, bundle)
        load_s = time.perf_counter() - t
        rows.append((f"+ {args.procedures:,} generated procedures", measure(core, args.rounds),
                     load_s))
        core.close()

    print(f"{len(QUERIES)} queries (pl/en/uk) x {args.rounds} rounds; speed-up = LIKE / search; "
          f"recall@3 on the first {len(PL_FIRST_100)} Polish queries, then on all, per language")
    print("| content | search p50 | search p95 | LIKE p50 | LIKE p95 | speed-up p50 "
          "| speed-up p95 | recall@3 search (100) | recall@3 LIKE (100) | recall@3 all "
          "| pl / en / uk |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r, _load in rows:
        o50, o95 = pct(r["ours"], 0.5), pct(r["ours"], 0.95)
        l50, l95 = pct(r["like"], 0.5), pct(r["like"], 0.95)
        pl_, en, uk = (r["per_lang"][x] for x in ("pl", "en", "uk"))
        print(f"| {name} | {o50:.2f} ms | {o95:.2f} ms | {l50:.2f} ms | {l95:.2f} ms | "
              f"{l50 / o50:.1f}x | {l95 / o95:.1f}x | {r['r3_ours']:.0%} | {r['r3_like']:.0%} | "
              f"{r['r3_all']:.1%} | {pl_:.0%} / {en:.0%} / {uk:.0%} |")
    for name, r, _load in rows:
        print(f"first query of each language reads its index ({name.lstrip('+ ')}): "
              f"{r['warm_s']:.2f} s for the warm-up pass")
    for name, _r, load in rows:
        if load is not None:
            print(f"loading and indexing {name.lstrip('+ ')} (one transaction): {load:.1f} s")


if __name__ == "__main__":
    main()
