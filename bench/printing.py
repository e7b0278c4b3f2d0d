"""Printing benchmark: time and bytes to encode and send a ticket and a card over a real TCP
socket to the loopback printer, in text mode against raster mode (every line a picture).

    .venv/bin/python bench/printing.py [--rounds N]

Baseline: the ticket in text mode, measured in the same run (1.00x). Each job includes the
status queries before and after, as the kiosk does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import pct  # noqa: E402
from kiosk.config import KioskConfig, PathsConfig, PrinterConfig  # noqa: E402
from kiosk.printing.layouts import TicketSlip, card_document, ticket_document  # noqa: E402
from kiosk.printing.service import PrinterService  # noqa: E402
from kiosk.texts import LocalText  # noqa: E402
from printer.escpos_out import encode  # noqa: E402
from tests.printer_peer import LoopbackPrinter  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 10, 5)


def documents(lang: str):
    from kiosk.bootstrap import open_core

    cfg = KioskConfig(paths=PathsConfig(data_dir=Path(tempfile.mkdtemp(prefix="bench-print-"))))
    core = open_core(cfg)
    guide = core.content.guide("USC I")
    core.close()
    ticket = TicketSlip("A012", LocalText(pl="Dowody osobiste i meldunki",
                                          uk="Посвідчення особи та реєстрація"), NOW, 4, (10, 25),
                        "Sala obsługi, parter",
                        LocalText(pl="Przygotuj dowód osobisty.", uk="Підготуйте паспорт."),
                        "https://www.piotrkow.pl/bom")
    return {"ticket": ticket_document(ticket, lang, cfg.office.name),
            "card": card_document(guide, lang, cfg.office.name, have=frozenset({0}), now=NOW,
                                  revision="bench")}


def measure(svc: PrinterService, doc, raster: bool, rounds: int) -> tuple[list[float], int]:
    times = []
    size = 0
    for _ in range(rounds):
        started = time.perf_counter()
        data = encode(doc, svc.model, raster_only=raster)
        result = svc._job(doc.kind, data, started)  # the same path print_document takes
        assert result.ok, result
        times.append(time.perf_counter() - started)
        size = len(data)
    return times, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    rows = []
    with LoopbackPrinter("ready") as peer:
        svc = PrinterService(PrinterConfig(kind="network", host=peer.host, port=peer.port),
                             Path(tempfile.mkdtemp()))
        for lang in ("pl", "uk"):
            for kind, doc in documents(lang).items():
                for raster in (False, True):
                    times, size = measure(svc, doc, raster, args.rounds)
                    rows.append((f"{kind} {lang} {'raster' if raster else 'text'}",
                                 pct(times, 0.5), pct(times, 0.95), size))
    base_t, base_b = rows[0][1], rows[0][3]
    print(f"printing over loopback TCP, {args.rounds} rounds each; baseline = {rows[0][0]}")
    print(f"{'job':<22}{'p50 ms':>9}{'p95 ms':>9}{'x time':>8}{'bytes':>9}{'x bytes':>9}")
    for name, p50, p95, size in rows:
        print(f"{name:<22}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{p50 / base_t:>8.2f}"
              f"{size:>9}{size / base_b:>9.2f}")


if __name__ == "__main__":
    main()
