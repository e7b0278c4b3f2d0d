"""Connections to a printer, one class per kind in the configuration.

Each device sends bytes and, where the link can read, answers one DLE EOT query with a
timeout. python-escpos opens the link; reads and timeouts are ours, because its `_read` can
block for the socket's whole timeout and it has no notion of "no answer".

A device counts what it has handed over (`sent`) and, given a `deadline`, never waits past it:
a printer that accepts the connection but stops reading cannot hold a job for longer than its
time limit. `confirms_send` says whether a `send` that returns is itself the sign that the job
arrived (a file written, a spooler that accepted it); on a link that can read, only the
printer's answer after the job is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import os
import select
import socket
import struct
import time
from pathlib import Path
from typing import Protocol

from printer.status import DLE_EOT

log = logging.getLogger(__name__)
CHUNK = 4096
# The kernel's send buffer for a network printer (Linux doubles it). Autotuned, it grows to
# megabytes, so a send that returns would say nothing of what the printer took; a thermal
# printer needs a few KiB per second. What the kiosk keeps in flight stays small and bounded.
SEND_BUFFER = 32 * 1024


class PrinterConfig(Protocol):
    """The connection settings a device reads (the kiosk's [printer] section has them all)."""

    @property
    def profile(self) -> str: ...
    @property
    def host(self) -> str | None: ...
    @property
    def port(self) -> int: ...
    @property
    def usb_vendor(self) -> str | None: ...
    @property
    def usb_product(self) -> str | None: ...
    @property
    def serial_device(self) -> str | None: ...
    @property
    def baudrate(self) -> int: ...
    @property
    def cups_queue(self) -> str | None: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def status_timeout(self) -> float: ...
    @property
    def job_timeout(self) -> float: ...


class PrinterUnreachable(OSError):
    """The printer could not be opened or the link broke during a job."""


class PrinterTimeout(PrinterUnreachable):
    """The job's time limit (`Device.deadline`) passed while waiting for the printer."""


class Device:
    can_read = False
    # True where a send that returns proves the job arrived (a file, a spooler's "accepted").
    confirms_send = False
    name = "printer"
    deadline: float | None = None  # time.monotonic() by which the whole job must be done
    sent = 0  # bytes handed to the link so far

    def send(self, data: bytes) -> None:
        raise NotImplementedError

    def ask(self, n: int) -> int | None:
        """The reply byte to DLE EOT n, or None when the link cannot read or nothing came."""
        return None

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class NetworkDevice(Device):
    """A printer on TCP port 9100 (raw), the usual Ethernet interface."""

    can_read = True

    def __init__(self, cfg: PrinterConfig):
        from escpos.printer import Network

        self.name = f"{cfg.host}:{cfg.port}"
        self.status_timeout = cfg.status_timeout
        self.job_timeout = cfg.job_timeout
        self._p = Network(cfg.host, cfg.port, timeout=cfg.connect_timeout, profile=cfg.profile)
        try:
            self._p.open()
        except Exception as exc:  # python-escpos wraps socket errors in its own types
            raise PrinterUnreachable(f"cannot connect to {self.name}: {exc}") from exc
        self._sock: socket.socket = self._p.device
        self._abandoned = False  # a job cut off half-way: reset, do not let the rest trickle
        # Status queries are 3 bytes: without this, Nagle holds each one for the peer's
        # delayed ACK (40 ms on Linux) after a job's data.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)

    def _wait(self, limit: float) -> float:
        """`limit`, cut to what is left before the deadline; PrinterTimeout if nothing is."""
        if self.deadline is None:
            return limit
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise PrinterTimeout(f"{self.name}: the job's time limit passed")
        return min(limit, left)

    def _expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        done = 0
        try:
            while done < len(data):
                self._sock.settimeout(self._wait(self.job_timeout))
                n = self._sock.send(view[done:done + CHUNK])
                done += n
                self.sent += n
        except TimeoutError as exc:
            self._abandoned = True
            raise PrinterTimeout(f"{self.name} stopped taking data after {done} of "
                                 f"{len(data)} bytes") from exc
        except PrinterTimeout as exc:
            self._abandoned = True
            raise PrinterTimeout(f"{exc} after {done} of {len(data)} bytes") from exc
        except OSError as exc:
            self._abandoned = True
            raise PrinterUnreachable(f"connection to {self.name} lost after {done} of "
                                     f"{len(data)} bytes: {exc}") from exc

    def _drain(self) -> None:
        # A reply that arrived after an earlier timeout must not be read as this one's.
        while select.select([self._sock], [], [], 0)[0]:
            try:
                if not self._sock.recv(64):
                    raise PrinterUnreachable(f"{self.name} closed the connection")
            except BlockingIOError:
                return

    def ask(self, n: int) -> int | None:
        try:
            self._drain()
            self._sock.settimeout(self._wait(self.status_timeout))
            self._sock.sendall(DLE_EOT + bytes([n]))
            data = self._sock.recv(16)
        except PrinterUnreachable:
            raise
        except TimeoutError as exc:
            if self._expired():
                raise PrinterTimeout(f"{self.name} did not answer DLE EOT {n} before the "
                                     "job's time limit") from exc
            return None
        except OSError as exc:
            raise PrinterUnreachable(f"connection to {self.name} lost: {exc}") from exc
        if not data:
            raise PrinterUnreachable(f"{self.name} closed the connection")
        return data[-1]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self._abandoned:
                # Linger 0: close() resets the connection. The unsent rest of a job cut off
                # half-way is dropped instead of reaching the printer minutes later, and a
                # printer that serves one connection at a time is free again at once.
                self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
            self._sock.close()


class _EscposLinkDevice(Device):
    """USB and serial: python-escpos writes; its `_read` honours the link's own timeout."""

    can_read = True

    def __init__(self, printer, name: str, explain=None):
        self.name = name
        self._p = printer
        try:
            self._p.open()
        except Exception as exc:
            reason = (explain(exc) if explain else None) or f"cannot open {name}: {exc}"
            raise PrinterUnreachable(reason) from exc

    def send(self, data: bytes) -> None:
        try:
            for i in range(0, len(data), CHUNK):
                self._p._raw(data[i:i + CHUNK])
                self.sent += len(data[i:i + CHUNK])
        except Exception as exc:
            raise PrinterUnreachable(f"{self.name}: {exc}") from exc

    def ask(self, n: int) -> int | None:
        try:
            self._p._raw(DLE_EOT + bytes([n]))
            data = self._p._read()
        except Exception:
            return None
        return data[-1] if data else None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._p.close()


def usb_device(cfg: PrinterConfig) -> Device:
    from escpos.printer import Usb

    if not (cfg.usb_vendor and cfg.usb_product):
        raise PrinterUnreachable("a USB printer needs usb_vendor and usb_product")
    vendor, product = int(cfg.usb_vendor, 16), int(cfg.usb_product, 16)
    p = Usb(vendor, product, timeout=int(cfg.job_timeout * 1000), profile=cfg.profile)
    ids = f"{vendor:04x}:{product:04x}"

    def explain(exc: Exception) -> str | None:
        # python-escpos's own messages name the ids in decimal inside two nested sentences.
        text = f"{type(exc).__name__} {exc}"
        if "NoBackend" in text or "No backend" in text:
            return "USB support is missing on this machine: install libusb-1.0-0"
        if "not found" in text or "DeviceNotFound" in text:
            return (f"no USB printer {ids} found: is it plugged in and switched on? "
                    "(`kiosk printer find` lists the printers this machine sees)")
        if "Access denied" in text or "Errno 13" in text or "permission" in text.lower():
            return (f"USB printer {ids} found, but the kiosk may not use it: the udev rule "
                    "(deploy/99-bom-kiosk-printer.rules) gives it to the lp group")
        return None

    return _EscposLinkDevice(p, f"USB {ids}", explain)


def serial_device(cfg: PrinterConfig) -> Device:
    from escpos.printer import Serial

    if not cfg.serial_device:
        raise PrinterUnreachable("a serial printer needs serial_device")
    p = Serial(cfg.serial_device, baudrate=cfg.baudrate, timeout=cfg.status_timeout,
               profile=cfg.profile)
    return _EscposLinkDevice(p, cfg.serial_device)


class CupsDevice(Device):
    """A raw CUPS queue through `lp`: it prints, but it cannot tell us the printer's state.
    `lp` ending well (CUPS accepted the job) is the only confirmation there is."""

    confirms_send = True

    def __init__(self, cfg: PrinterConfig):
        from escpos.printer import LP

        if not LP.is_usable():
            raise PrinterUnreachable("the `lp` command (CUPS client) is not installed")
        self.name = f"CUPS queue {cfg.cups_queue}"
        self._p = LP(cfg.cups_queue, profile=cfg.profile)
        self._p.open()

    def send(self, data: bytes) -> None:
        try:
            lp = self._p.device  # flush() waits for this `lp` and then starts the next one
            self._p._raw(data)
            self._p.flush()
        except Exception as exc:
            raise PrinterUnreachable(f"{self.name}: {exc}") from exc
        code = getattr(lp, "returncode", 0)
        if code:
            raise PrinterUnreachable(f"{self.name}: lp refused the job (exit {code})")
        self.sent = len(data)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._p.close()


class PreviewDevice(Device):
    """Writes each job's bytes and a picture of the paper into a folder (the default)."""

    name = "preview"
    confirms_send = True  # the file is written: that is the whole job
    _seq = itertools.count(1)

    def __init__(self, folder: Path, paper_px: int, codepages: dict[int, str], kind: str = "job"):
        self.folder = folder
        self.paper_px = paper_px
        self.codepages = codepages
        self.kind = kind
        self.bin_path: Path | None = None
        self.png_path: Path | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrinterUnreachable(f"cannot create {folder}: {exc}") from exc

    def send(self, data: bytes) -> None:
        from printer.escpos_render import render_png

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        stem = self.folder / f"{stamp}-{os.getpid()}-{next(self._seq):03d}-{self.kind}"
        tmp = stem.with_suffix(".bin.part")
        try:
            tmp.write_bytes(data)
            tmp.replace(stem.with_suffix(".bin"))
            self.bin_path = stem.with_suffix(".bin")
            self.sent = len(data)
            self.png_path = render_png(data, stem.with_suffix(".png"), paper_px=self.paper_px,
                                       codepages=self.codepages)
        except OSError as exc:
            raise PrinterUnreachable(f"cannot write to {self.folder}: {exc}") from exc
