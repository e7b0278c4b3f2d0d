"""Content sync benchmark: a full sync of 5,000 generated procedures from a private PostgreSQL,
then incremental syncs with 1% of them changed (as a ratio to the full sync), with audio
rendering excluded and included.

    .venv/bin/python bench/sync.py [--procedures 5000] [--rounds 3]
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


def generate(folder: Path, n: int) -> None:
    """The sample content with its procedures cloned into `n` distinct ones, 100 a file."""
    shutil.copytree(SAMPLE_CONTENT_DIR, folder)
    base = []
    for path in sorted((folder / "procedures").glob("*.yaml")):
        base += yaml.safe_load(path.read_text(encoding="utf-8"))["procedures"]
        path.unlink()
    for start in range(0, n, 100):
        items = []
        for i in range(start, min(n, start + 100)):
            p = copy.deepcopy(base[i % len(base)])
            p["symbol"] = f"GEN {i:05d}"
            title = p["title"] if isinstance(p["title"], dict) else {"pl": p["title"]}
            p["title"] = {**title, "pl": f"{title['pl']} ({i})"[:200]}
            items.append(p)
        (folder / "procedures" / f"gen-{start // 100:03d}.yaml").write_text(
            yaml.safe_dump({"procedures": items}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")


def change_one_percent(url: str, n: int, round_: int) -> None:
    import psycopg

    keys = [f"GEN {i:05d}" for i in range(round_, n, 100)]  # 1%
    with psycopg.connect(libpq_url(url), autocommit=True) as conn, conn.transaction():
        for k in keys:
            conn.execute("UPDATE bom_content.content_record SET data = jsonb_set(data, "
                         "'{summary}', jsonb_build_object('pl', %s::text)) "
                         "WHERE kind = 'procedure' AND key = %s",
                         (f"Zmienione w rundzie {round_}.", k))


def timed_sync(cfg, reader: str, expect_changed: int | None = None) -> tuple[float, object]:
    t = time.perf_counter()
    report = sync_mod.run_sync(cfg, source_url=reader)
    elapsed = time.perf_counter() - t
    assert report.outcome == "ok", report.detail
    if expect_changed is not None:
        assert report.changed == expect_changed, (report.changed, expect_changed)
    return elapsed, report


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--procedures", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    n = args.procedures
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    server = PgServer(fsync=True)
    try:
        folder = tmp / "content"
        generate(folder, n)
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

        rows = []
        installed = hooks.speech_layer_installed()
        real_render = sync_mod.render_audio
        for audio in (False, True):
            if audio and not installed:
                rows.append(("audio included", None, None, None))
                continue
            sync_mod.render_audio = real_render if audio else (lambda *a: ("excluded", {}))
            cfg = kiosk_cfg(tmp / f"kiosk-{'audio' if audio else 'plain'}", render_audio=audio)
            full_s, report = timed_sync(cfg, reader)
            incs = []
            for r in range(args.rounds):
                change_one_percent(url, n, r + (10 if audio else 0))
                inc_s, _ = timed_sync(cfg, reader, expect_changed=n // 100)
                incs.append(inc_s)
            inc = statistics.median(incs)
            rows.append((f"audio {'included' if audio else 'excluded'}", full_s, inc,
                         report.audio))
        sync_mod.render_audio = real_render

        print(f"\n{n} procedures ({n // 100} changed per incremental sync), "
              f"median of {args.rounds} incremental syncs, PostgreSQL with fsync on:\n")
        print("| run | full sync | incremental (1%) | incremental / full | audio |")
        print("|---|---|---|---|---|")
        for name, full_s, inc, audio in rows:
            if full_s is None:
                print(f"| {name} | - | - | - | speech layer not installed: not measured "
                      f"(run again once kiosk.speech exists) |")
            else:
                print(f"| {name} | {full_s:.2f} s | {inc:.2f} s | {inc / full_s:.2f} | "
                      f"{audio} |")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
