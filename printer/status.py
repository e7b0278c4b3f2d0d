"""The printer's real-time status (ESC/POS DLE EOT), with an honest "unknown".

python-escpos 3.1 reports "paper OK" when the printer answers nothing; here silence, a timeout
or a malformed byte is UNKNOWN, never READY.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeGuard

DLE_EOT = b"\x10\x04"
# n of DLE EOT n: printer, offline cause, error cause, roll paper sensor.
PRINTER, OFFLINE_CAUSE, ERROR_CAUSE, PAPER_SENSOR = 1, 2, 3, 4


class PrinterState(str, Enum):
    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"
    UNKNOWN = "unknown"


# States in which a job is not even sent: it could not come out.
BLOCKING = frozenset({PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.OFFLINE,
                      PrinterState.ERROR})


@dataclass(frozen=True)
class PrinterStatus:
    state: PrinterState
    detail: str
    replies: dict[int, int | None] = field(default_factory=dict)  # n -> status byte

    @property
    def can_print(self) -> bool:
        return self.state not in BLOCKING

    @property
    def needs_staff(self) -> bool:
        return self.state is not PrinterState.READY

    def as_dict(self) -> dict:
        return {"state": self.state.value, "detail": self.detail, "needs_staff": self.needs_staff,
                "replies": {str(n): (None if b is None else f"0x{b:02x}")
                            for n, b in self.replies.items()}}


def _valid(byte: int | None) -> TypeGuard[int]:
    # Bits 1 and 4 are always 1 and bits 0 and 7 always 0 in every DLE EOT reply.
    return byte is not None and byte & 0b1001_0011 == 0b0001_0010


def read_status(ask: Callable[[int], int | None]) -> PrinterStatus:
    """Query the printer through `ask(n)` (sends DLE EOT n, returns the reply byte or None)."""
    replies: dict[int, int | None] = {}

    def q(n: int) -> int | None:
        replies[n] = ask(n)
        return replies[n]

    printer = q(PRINTER)
    if printer is None:
        return PrinterStatus(PrinterState.UNKNOWN, "the printer did not answer", replies)
    if not _valid(printer):
        return PrinterStatus(PrinterState.UNKNOWN, f"unexpected status byte 0x{printer:02x}",
                             replies)
    if printer & 0x08:  # offline: ask why
        cause = q(OFFLINE_CAUSE)
        if _valid(cause):
            if cause & 0x04:
                return PrinterStatus(PrinterState.COVER_OPEN, "the cover is open", replies)
            if cause & 0x20:
                return PrinterStatus(PrinterState.PAPER_OUT, "out of paper", replies)
            if cause & 0x40:
                error = q(ERROR_CAUSE)
                if _valid(error) and error & 0x40 and not error & 0x28:
                    # e.g. the head is too hot: it comes back by itself, no one need act.
                    return PrinterStatus(PrinterState.OFFLINE,
                                         "recoverable error, the printer will come back",
                                         replies)
                detail = "printer error"
                if _valid(error) and error & 0x08:
                    detail = "autocutter error"
                elif _valid(error) and error & 0x20:
                    detail = "unrecoverable error"
                return PrinterStatus(PrinterState.ERROR, detail, replies)
        return PrinterStatus(PrinterState.OFFLINE, "the printer is offline", replies)
    paper = q(PAPER_SENSOR)
    if not _valid(paper):
        return PrinterStatus(PrinterState.UNKNOWN, "no answer about the paper", replies)
    if paper & 0x60 == 0x60:
        return PrinterStatus(PrinterState.PAPER_OUT, "out of paper", replies)
    if paper & 0x0C == 0x0C:
        return PrinterStatus(PrinterState.PAPER_NEAR_END, "paper is running out", replies)
    return PrinterStatus(PrinterState.READY, "ready", replies)
