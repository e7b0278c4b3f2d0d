"""Printing a document and asking a printer how it is, each within a time limit.

`PrinterService` is what the core, the UI and the command line use. Every call returns a plain
result and never raises for a printer fault: a resident's ticket must survive any of them.
The UI calls these methods on a worker thread; the limits here keep that thread short-lived.

A job ends in one of three outcomes (`PrintOutcome`):

- **printed**: there is a positive sign. The printer answered a status query after the whole
  job and said it is fine, or the link itself confirms delivery (the preview file is written,
  CUPS accepted the job).
- **failed**: it cannot have come out whole: nothing or only part of it reached the printer,
  or the printer said after the job that it ran out of paper or stopped.
- **unknown**: the whole job was handed over but nothing says it came out: the printer did not
  answer afterwards, or the connection dropped after the last byte. It may well have printed,
  so it is never sent again (two tickets for one resident are worse than none); the resident
  is shown the ticket on screen as on a fault and staff get an alert to look at the printer.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Protocol

from kiosk.config import PrinterConfig
from kiosk.i18n import N_
from printer.devices import (
    CupsDevice,
    Device,
    NetworkDevice,
    PreviewDevice,
    PrinterTimeout,
    PrinterUnreachable,
    serial_device,
    usb_device,
)
from printer.document import Document
from printer.escpos_out import encode
from printer.profiles import PrinterModel, printer_model
from printer.status import PrinterState, PrinterStatus, read_status

log = logging.getLogger(__name__)


class AlertSink(Protocol):
    """Where printer faults go for staff (kiosk.ops.alerts.Alerts)."""

    def raise_(self, source: str, kind: str, detail: str) -> _Raised: ...

    def clear(self, source: str, kind: str | None = None) -> int: ...


class _Raised(Protocol):
    @property
    def delivered(self) -> bool: ...  # staff of the hall can see it

# What a resident reads when something went wrong; staff get the technical detail.
FAULT_MESSAGES = {
    PrinterState.PAPER_OUT: N_("The printer is out of paper. Staff have been told."),
    PrinterState.COVER_OPEN: N_("The printer cover is open. Staff have been told."),
    PrinterState.OFFLINE: N_("The printer is not working right now. Staff have been told."),
    PrinterState.ERROR: N_("The printer is not working right now. Staff have been told."),
    PrinterState.UNKNOWN: N_("The printer is not working right now. Staff have been told."),
}
TAKE_MESSAGES = {
    "ticket": N_("Take your ticket from the slot below."),
    "card": N_("Take your card from the slot below."),
    "test": N_("Take your card from the slot below."),
}
# The headline when the job went out but nothing confirms it came out (PrintOutcome.UNKNOWN),
# and the line under it.
UNKNOWN_MESSAGES = {
    "ticket": N_("We do not know if your ticket printed."),
    "card": N_("We do not know if your card printed."),
    "test": N_("We do not know if your card printed."),
}
UNKNOWN_NOTE = N_("Check the slot below. Staff have been told.")
# The same when the alert could not reach the hall's staff: the resident tells them.
ASK_MESSAGES = {
    PrinterState.PAPER_OUT: N_("The printer is out of paper. Please tell the staff at a desk."),
    PrinterState.COVER_OPEN: N_("The printer cover is open. Please tell the staff at a desk."),
    PrinterState.OFFLINE: N_("The printer is not working right now. Please tell the staff at "
                             "a desk."),
    PrinterState.ERROR: N_("The printer is not working right now. Please tell the staff at a "
                           "desk."),
    PrinterState.UNKNOWN: N_("The printer is not working right now. Please tell the staff at "
                             "a desk."),
}
UNKNOWN_NOTE_ASK = N_("Check the slot below. If it is empty, please tell the staff at a desk.")
# Beyond the job's own limit, how long a stuck driver may hold the caller (see _within).
GRACE_SECONDS = 1.0


class PrintOutcome(str, Enum):
    PRINTED = "printed"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrintResult:
    ok: bool  # printed, with a positive sign (outcome PRINTED)
    state: PrinterState
    message: str  # msgid for the resident, translate with the session's language
    detail: str  # for staff and logs
    bytes_sent: int = 0
    seconds: float = 0.0
    job_file: Path | None = None
    picture: Path | None = None
    # Left out: PRINTED if ok, else FAILED (a fault is the default way not to print).
    outcome: PrintOutcome = None  # type: ignore[assignment]
    # The fault reached the hall's staff (kiosk.ops.alerts): only then may the screen say
    # "Staff have been told".
    staff_told: bool = False

    def __post_init__(self) -> None:
        if self.outcome is None:
            object.__setattr__(self, "outcome",
                               PrintOutcome.PRINTED if self.ok else PrintOutcome.FAILED)
        if self.ok != (self.outcome is PrintOutcome.PRINTED):
            raise ValueError(f"ok={self.ok} contradicts outcome {self.outcome}")

    @property
    def unknown(self) -> bool:
        """The job went out, but whether it came out is not known."""
        return self.outcome is PrintOutcome.UNKNOWN

    def as_dict(self) -> dict:
        return {"ok": self.ok, "outcome": self.outcome.value, "state": self.state.value,
                "detail": self.detail, "bytes": self.bytes_sent,
                "seconds": round(self.seconds, 3),
                "job_file": str(self.job_file) if self.job_file else None,
                "picture": str(self.picture) if self.picture else None}


class _Progress:
    """How far a job got, shared with the caller in case the job thread is given up on."""

    def __init__(self) -> None:
        self.device: Device | None = None
        self.written = False  # the whole job was handed to the link


class PrinterService:
    def __init__(self, cfg: PrinterConfig, data_dir: Path, *, alerts: AlertSink | None = None):
        self.cfg = cfg
        self.preview_dir = cfg.preview_dir or data_dir / "printouts"
        self.model: PrinterModel = printer_model(cfg.profile, cfg.paper_mm)
        self.alerts = alerts
        # One job at a time: two residents' tickets must not interleave on the paper.
        self._lock = threading.Lock()

    @property
    def columns(self) -> int:
        return self.model.columns

    def encode(self, doc: Document) -> bytes:
        return encode(doc, self.model)

    # --- devices ---------------------------------------------------------------------------
    def _open(self, kind: str) -> Device:
        c = self.cfg
        if c.kind == "preview":
            return PreviewDevice(self.preview_dir, self.model.width_px, self.model.codepages,
                                 kind)
        if c.kind == "network":
            return NetworkDevice(c)
        if c.kind == "usb":
            return usb_device(c)
        if c.kind == "serial":
            return serial_device(c)
        return CupsDevice(c)

    def _status_of(self, dev: Device) -> PrinterStatus:
        if isinstance(dev, PreviewDevice):
            writable = os.access(self.preview_dir, os.W_OK)
            return PrinterStatus(PrinterState.READY if writable else PrinterState.ERROR,
                                 f"preview printer writing to {self.preview_dir}"
                                 if writable else f"cannot write to {self.preview_dir}")
        if not dev.can_read:
            return PrinterStatus(PrinterState.UNKNOWN, f"{dev.name} cannot report its status")
        return read_status(dev.ask)

    def status(self) -> PrinterStatus:
        """The printer's state now; UNKNOWN when it cannot tell, OFFLINE when unreachable."""
        def run() -> PrinterStatus:
            try:
                with self._open("status") as dev:
                    return self._status_of(dev)
            except PrinterUnreachable as exc:
                return PrinterStatus(PrinterState.OFFLINE, str(exc))

        limit = self.cfg.connect_timeout + 4 * self.cfg.status_timeout + 1
        result = _within(limit, run)
        if result is None:
            return PrinterStatus(PrinterState.UNKNOWN, f"no answer within {limit:.0f} s")
        return result

    # --- jobs ------------------------------------------------------------------------------
    def print_document(self, doc: Document) -> PrintResult:
        """Encode and print `doc`; check the printer before and after where it can tell."""
        started = time.monotonic()
        data = self.encode(doc)
        progress = _Progress()
        deadline = started + self.cfg.job_timeout
        # The job keeps its own deadline (every wait on the link is cut to it) and reports
        # truthfully; the grace is for a driver stuck where no timeout reaches.
        result = _within(self.cfg.job_timeout + GRACE_SECONDS,
                         lambda: self._job(doc.kind, data, started, progress, deadline))
        if result is None:
            result = self._given_up(doc.kind, data, started, progress)
        if not result.ok:
            log.warning("print %s %s: %s (%s)", doc.kind, result.outcome.value,
                        result.state.value, result.detail)
        return self._tell_staff(result)

    def _job(self, kind: str, data: bytes, started: float, progress: _Progress | None = None,
             deadline: float | None = None) -> PrintResult:
        progress = progress or _Progress()
        deadline = deadline or time.monotonic() + self.cfg.job_timeout
        # One job at a time; a job still held by a stuck driver makes this one wait, but
        # never past its own time limit.
        if not self._lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
            return self._fault(PrinterState.OFFLINE, "the printer is still busy with an "
                               "earlier job that did not finish", started)
        try:
            return self._job_locked(kind, data, started, progress, deadline)
        finally:
            self._lock.release()

    def _job_locked(self, kind: str, data: bytes, started: float, progress: _Progress,
                    deadline: float) -> PrintResult:
        dev: Device | None = None
        try:
            with self._open(kind) as dev:
                progress.device = dev
                dev.deadline = deadline
                before = self._status_of(dev)
                if not before.can_print:
                    return self._fault(before.state, before.detail, started)
                dev.send(data)
                progress.written = True
                confirmed = dev.confirms_send
                files = getattr(dev, "bin_path", None), getattr(dev, "png_path", None)
                if dev.can_read:
                    try:
                        after = self._status_of(dev)
                    except PrinterUnreachable as exc:
                        return self._unknown(kind, f"the whole job was sent, then: {exc}",
                                             started, len(data))
                elif dev.confirms_send:
                    after = before
                else:
                    return self._unknown(kind, f"the whole job was sent; {dev.name} cannot "
                                         "confirm it", started, len(data))
        except PrinterTimeout as exc:
            sent = dev.sent if dev is not None else 0
            return self._fault(PrinterState.OFFLINE, f"the job did not finish within "
                               f"{self.cfg.job_timeout:g} s: {exc}", started, sent)
        except PrinterUnreachable as exc:
            return self._fault(PrinterState.OFFLINE, str(exc), started,
                               dev.sent if dev is not None else 0)
        if not after.can_print:
            # It ran out (or opened) while printing: the paper may be cut short.
            return self._fault(after.state, f"after the job: {after.detail}", started,
                               len(data))
        if after.state is PrinterState.UNKNOWN and not confirmed:
            # No answer after the job: the bytes went out, nothing says they came out.
            return self._unknown(kind, f"the whole job was sent, then: {after.detail}",
                                 started, len(data))
        return PrintResult(True, after.state, TAKE_MESSAGES.get(kind, TAKE_MESSAGES["card"]),
                           after.detail, len(data), time.monotonic() - started, *files,
                           PrintOutcome.PRINTED)

    def _given_up(self, kind: str, data: bytes, started: float,
                  progress: _Progress) -> PrintResult:
        """The job thread is still stuck past the limit: say what is known of it."""
        limit = f"no end within {self.cfg.job_timeout + GRACE_SECONDS:g} s"
        if progress.written:
            return self._unknown(kind, f"the whole job was sent, then {limit}", started,
                                 len(data))
        sent = progress.device.sent if progress.device is not None else 0
        return self._fault(PrinterState.OFFLINE, f"the job did not finish: {limit}", started,
                           sent)

    def _fault(self, state: PrinterState, detail: str, started: float,
               sent: int = 0) -> PrintResult:
        return PrintResult(False, state, FAULT_MESSAGES.get(state, FAULT_MESSAGES[
            PrinterState.ERROR]), detail, sent, time.monotonic() - started,
            outcome=PrintOutcome.FAILED)

    def _unknown(self, kind: str, detail: str, started: float, sent: int) -> PrintResult:
        return PrintResult(False, PrinterState.UNKNOWN,
                           UNKNOWN_MESSAGES.get(kind, UNKNOWN_MESSAGES["card"]),
                           f"not confirmed, may have printed (not sent again): {detail}", sent,
                           time.monotonic() - started, outcome=PrintOutcome.UNKNOWN)

    def _tell_staff(self, result: PrintResult) -> PrintResult:
        """Alert staff of a fault (or clear the alert after a clean job); the result comes
        back saying whether staff were told, its message asking the resident to tell them
        when they were not."""
        told = False
        try:
            if self.alerts is not None:
                if not result.ok or result.state is PrinterState.PAPER_NEAR_END:
                    told = self.alerts.raise_("printer", result.state.value,
                                              result.detail).delivered
                elif result.state is PrinterState.READY:
                    self.alerts.clear("printer")  # someone fixed it: a clean job proves it
        except Exception:  # an alert that cannot be written must not break printing
            log.exception("could not record the printer alert")
        if not result.ok and not told and result.outcome is PrintOutcome.FAILED:
            return replace(result, message=ASK_MESSAGES.get(result.state,
                                                            ASK_MESSAGES[PrinterState.ERROR]))
        return replace(result, staff_told=told)


def _within(seconds: float, fn):
    """fn() on a daemon thread, or None if it has not finished in time (the thread is left
    to end on its own socket timeouts; a stuck driver must not hold the caller)."""
    box: list = []

    def run() -> None:
        try:
            box.append((True, fn()))
        except BaseException as exc:  # handed to the caller below
            box.append((False, exc))

    t = threading.Thread(target=run, daemon=True, name="printer-job")
    t.start()
    t.join(seconds)
    if not box:
        return None
    ok, value = box[0]
    if not ok:
        raise value
    return value
