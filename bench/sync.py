"""Content sync benchmark: a full sync of 5,000 generated procedures from a private PostgreSQL,
then incremental syncs with 1% of them changed (as a ratio to the full sync), with audio
rendering excluded and included.

    .venv/bin/python bench/sync.py [--procedures 5000] [--rounds 3] [--no-audio]
"""

from __future__ import annotations

import argparse
import copy
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content_sync import hooks  # noqa: E402
from content_sync import sync as sync_mod
from content_sync.central import import_folder, init_central  # noqa: E402
from content_sync.pg import libpq_url  # noqa: E402
from kiosk import SAMPLE_CONTENT_DIR  # noqa: E402
from tests.pg import PgServer  # noqa: E402
from tests.sync_support import kiosk_cfg  # noqa: E402


def generate(folder: Path, n: int) -> list[str]:
    """The sample content plus clones of its procedures up to `n` procedures in all, 100 a
    file. The sample's own procedures stay: its synonyms name them. Returns the clones'
    symbols."""
    shutil.copytree(SAMPLE_CONTENT_DIR, folder)
    base = []
    for path in sorted((folder / "procedures").glob("*.yaml")):
        base += yaml.safe_load(path.read_text(encoding="utf-8"))["procedures"]
    clones = max(0, n - len(base))
    for start in range(0, clones, 100):
        items = []
        for i in range(start, min(clones, start + 100)):
            p = copy.deepcopy(base[i % len(base)])
            p["symbol"] = f"GEN {i:05d}"
            title = p["title"] if isinstance(p["title"], dict) else {"pl": p["title"]}
            p["title"] = {**title, "pl": f"{title['pl']} ({i})"[:200]}
            items.append(p)
        (folder / "procedures" / f"gen-{start // 100:03d}.yaml").write_text(
            yaml.safe_dump({"procedures": items}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
    return [f"GEN {i:05d}" for i in range(clones)]


def change_one_percent(url: str, symbols: list[str], n: int, round_: int) -> int:
    """Change the summary of 1% of the `n` procedures (clones only); returns how many."""
    import psycopg

    step = max(1, len(symbols) // max(1, n // 100))
    keys = symbols[round_ % step::step][:max(1, n // 100)]
    with psycopg.connect(libpq_url(url), autocommit=True) as conn, conn.transaction():
        for k in keys:
            conn.execute("UPDATE bom_content.content_record SET data = jsonb_set(data, "
                         "'{summary}', jsonb_build_object('pl', %s::text)) "
                         "WHERE kind = 'procedure' AND key = %s",
                         (f"Zmienione w rundzie {round_}.", k))
    return len(keys)


def timed_sync(cfg, reader: str, expect_changed: int | None = None) -> tuple[float, object]:
    t = time.perf_counter()
    report = sync_mod.run_sync(cfg, source_url=reader)
    elapsed = time.perf_counter() - t
    assert report.outcome == "ok", report.detail
    if expect_changed is not None:
        assert report.changed == expect_changed, (report.changed, expect_changed)
    return elapsed, report


def _no_audio(cfg, Session_, draft, *args, **kw) -> None:
    draft["audio"] = "excluded"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--procedures", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-audio", action="store_true",
                    help="measure only with audio rendering excluded (rendering 5,000 "
                         "procedures' clips takes long)")
    args = ap.parse_args()
    n = args.procedures
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    server = PgServer(fsync=True)
    try:
        folder = tmp / "content"
        symbols = generate(folder, n)
        url = server.new_database()
        init_central(url, reader_password="bench")
        t = time.perf_counter()
        imp = import_folder(url, folder)
        import_s = time.perf_counter() - t
        t = time.perf_counter()
        import_folder(url, folder)
        reimport_s = time.perf_counter() - t
        reader = url.replace("kiosk@", "bom_kiosk:bench@")
        print(f"central: {imp.added} records imported in {import_s:.2f} s; "
              f"re-import of the same folder (no change) {reimport_s:.2f} s")

        print(f"\n{n} procedures ({n // 100} changed per incremental sync), "
              f"median of {args.rounds} incremental syncs, PostgreSQL with fsync on:\n")
        print("| run | full sync | incremental (1%) | incremental / full | applied as | audio |")
        print("|---|---|---|---|---|---|", flush=True)
        installed = hooks.speech_layer_installed()
        real_render = sync_mod.render_audio
        for audio in (False, True):
            name = f"audio {'included' if audio else 'excluded'}"
            if audio and args.no_audio:
                continue
            if audio and not installed:
                print(f"| {name} | - | - | - | - | speech layer not installed: not measured |")
                continue
            sync_mod.render_audio = real_render if audio else _no_audio
            cfg = kiosk_cfg(tmp / f"kiosk-{'audio' if audio else 'plain'}", render_audio=audio)
            full_s, report = timed_sync(cfg, reader)
            incs, applied = [], set()
            for r in range(args.rounds):
                changed = change_one_percent(url, symbols, n, r + (10 if audio else 0))
                inc_s, inc_report = timed_sync(cfg, reader, expect_changed=changed)
                incs.append(inc_s)
                applied.add(str(inc_report.detail.get("applied", "whole revision")))
            inc = statistics.median(incs)
            print(f"| {name} | {full_s:.2f} s | {inc:.2f} s | {inc / full_s:.3f} | "
                  f"{', '.join(sorted(applied))} | {report.audio} |", flush=True)
        sync_mod.render_audio = real_render
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
