"""Printer truth (issue 18, defect 9): "printed" needs a positive sign.

Over a real TCP socket to the loopback printer (tests/printer_peer.py). A job is "printed" only
when the printer answered a status query after it and said it is fine; when the whole job went
out and nothing confirms it came out, the outcome is "unknown": never sent again, the resident
is shown the ticket as on a fault, and staff get an alert. A printer that accepts the
connection but stops reading holds nothing beyond the job's time limit.
"""

from __future__ import annotations

import json
import time

import pytest

from kiosk.config import PrinterConfig
from kiosk.printing.layouts import ticket_document
from kiosk.printing.service import PrinterService
from printer.document import Document, Text
from printer.escpos_decode import decode
from printer.status import PrinterState
from tests.printer_peer import LoopbackPrinter
from tests.test_printing import OFFICE, _kiosk, _ticket

UNKNOWN_TICKET = "We do not know if your ticket printed."


def _network(peer, tmp_path, alerts=None, **kw) -> PrinterService:
    cfg = PrinterConfig(kind="network", host=peer.host, port=peer.port,
                        **{"connect_timeout": 1.0, "status_timeout": 0.3, "job_timeout": 5.0,
                           **kw})
    return PrinterService(cfg, tmp_path, alerts=alerts)


def _doc() -> Document:
    return ticket_document(_ticket(), "pl", OFFICE)


def _printer_alerts(core) -> list[tuple[str, str]]:
    return [(a.source, a.kind) for a in core.alerts.open()]


def test_a_printer_that_never_answers_status_is_unknown_and_staff_are_told(core, tmp_path):
    with LoopbackPrinter("silent") as peer:
        svc = _network(peer, tmp_path, core.alerts)
        result = svc.print_document(_doc())
        peer.wait_for_jobs(1)
        paper = decode(peer.received_print_bytes, svc.model.codepages)
    assert not result.ok, f"reported printed without a word from the printer: {result}"
    assert result.state is PrinterState.UNKNOWN
    assert _printer_alerts(core) == [("printer", "unknown")]
    assert result.outcome == "unknown" and result.as_dict()["outcome"] == "unknown"
    assert result.message == UNKNOWN_TICKET
    assert "may have printed" in core.alerts.open()[0].detail
    # It went out once, whole, and is not sent again: a second ticket is worse than none.
    assert "A 012" in paper.lines and paper.cuts == 1 and len(peer.print_jobs) == 1
    assert result.bytes_sent == len(svc.encode(_doc()))


def test_a_printer_that_accepts_but_never_reads_is_unknown_not_printed(core, tmp_path):
    # The ticket fits in the kernel's buffers, so the send itself succeeds; nothing comes back.
    with LoopbackPrinter("deaf") as peer:
        svc = _network(peer, tmp_path, core.alerts)
        started = time.monotonic()
        result = svc.print_document(_doc())
        took = time.monotonic() - started
        ended = peer.connections_ended(1, timeout=1.0)
    assert not result.ok, f"reported printed by a printer that never read a byte: {result}"
    assert result.state is PrinterState.UNKNOWN and result.outcome == "unknown"
    assert _printer_alerts(core) == [("printer", "unknown")]
    assert result.message == UNKNOWN_TICKET
    assert took < 5.0
    assert ended, "the connection was left open"


def test_a_printer_that_stops_reading_is_given_up_within_the_time_limit(core, tmp_path):
    # Small buffers at the printer and a long printout: the send blocks part-way.
    doc = Document("card", "pl", tuple(Text(f"Linia {i:05d} " + "x" * 36)
                                       for i in range(5000)))
    with LoopbackPrinter("deaf", rcvbuf=4096) as peer:
        svc = _network(peer, tmp_path, core.alerts, job_timeout=2.0)
        size = len(svc.encode(doc))
        assert size > 200_000
        started = time.monotonic()
        result = svc.print_document(doc)
        took = time.monotonic() - started
        # The printer's only connection is let go at once, not held by a leftover thread.
        released = peer.connections_ended(1, timeout=1.0)
        peer.scenario = "ready"  # someone fixed it: the next job goes through
        after = svc.print_document(_doc())
    assert not result.ok, f"reported printed by a printer that stopped reading: {result}"
    assert result.outcome in ("failed", "unknown")
    assert took < 2.0 + 0.5, f"{took:.1f} s for a 2 s job limit"
    assert 0 < result.bytes_sent < size
    assert "stopped taking data" in result.detail
    assert released, "the connection to the printer is still held"
    assert after.ok and after.outcome == "printed"
    assert core.alerts.open() == []  # the clean job cleared the alert it had raised


@pytest.mark.parametrize("reset", [True, False], ids=["reset", "closed"])
def test_a_connection_dropped_after_the_whole_job_is_unknown_not_failed(core, tmp_path, reset):
    doc = _doc()
    with LoopbackPrinter("hangup", reset=reset) as peer:
        svc = _network(peer, tmp_path, core.alerts)
        result = svc.print_document(doc)
        peer.wait_for_jobs(1)
        paper = decode(peer.received_print_bytes, svc.model.codepages)
        hung_up = peer.hung_up
    assert hung_up == 1  # the peer had the whole job (its cut) when it hung up
    assert paper.lines == decode(svc.encode(doc), svc.model.codepages).lines
    assert result.state is PrinterState.UNKNOWN, f"a job that arrived whole is not failed: {result}"
    assert not result.ok and result.outcome == "unknown"
    assert result.message == UNKNOWN_TICKET
    assert result.bytes_sent == len(svc.encode(doc))
    assert _printer_alerts(core) == [("printer", "unknown")]
    assert len(peer.print_jobs) == 1  # not sent again


def test_a_printer_that_answers_too_late_after_the_job_is_unknown_not_failed(core, tmp_path):
    # Each answer takes 0.6 s: the checks before the job fit in its 2.5 s, those after do not.
    with LoopbackPrinter("slow", delay=0.6) as peer:
        svc = _network(peer, tmp_path, core.alerts, status_timeout=2.0, job_timeout=2.5)
        started = time.monotonic()
        result = svc.print_document(_doc())
        took = time.monotonic() - started
        peer.wait_for_jobs(1, timeout=5)
        paper = decode(peer.received_print_bytes, svc.model.codepages)
    assert result.state is PrinterState.UNKNOWN, f"the whole job was sent: {result}"
    assert not result.ok and result.outcome == "unknown"
    assert took < 2.5 + 0.5
    assert "A 012" in paper.lines and len(peer.print_jobs) == 1
    assert _printer_alerts(core) == [("printer", "unknown")]


def test_a_ready_printer_is_printed_and_a_clean_job_clears_the_unknown_alert(core, tmp_path):
    with LoopbackPrinter("ready") as peer:
        svc = _network(peer, tmp_path, core.alerts)
        first = svc.print_document(_doc())
        assert first.ok and first.state is PrinterState.READY
        assert first.message == "Take your ticket from the slot below."
        peer.scenario = "silent"
        unsure = svc.print_document(_doc())
        assert not unsure.ok and _printer_alerts(core) == [("printer", "unknown")]
        peer.scenario = "ready"
        again = svc.print_document(_doc())
        peer.wait_for_jobs(3)
    assert first.outcome == "printed" and first.as_dict()["outcome"] == "printed"
    assert again.ok and again.outcome == "printed"
    assert core.alerts.open() == []
    assert len(peer.print_jobs) == 3


def test_cli_printer_test_says_not_confirmed_when_the_printer_stays_silent(tmp_path):
    printer = {"status_timeout": 0.3, "kind": "network", "host": "127.0.0.1"}
    with LoopbackPrinter("silent") as peer:
        r = _kiosk(tmp_path, "printer", "test", printer={**printer, "port": peer.port})
        j = _kiosk(tmp_path, "printer", "test", "--json", printer={**printer, "port": peer.port})
    assert r.returncode == 1, r.stdout
    assert "printed" not in r.stdout
    assert "unknown whether it printed" in r.stderr and "not sent again" in r.stderr
    data = json.loads(j.stdout)
    assert j.returncode == 1 and data["ok"] is False and data["outcome"] == "unknown"
    assert data["state"] == "unknown"
