"""Connections to a printer, one class per kind in the configuration.

Each device sends bytes and, where the link can read, answers one DLE EOT query with a
timeout. python-escpos opens the link; reads and timeouts are ours, because its `_read` can
block for the socket's whole timeout and it has no notion of "no answer".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import os
import select
import socket
from pathlib import Path
from typing import Protocol

from printer.status import DLE_EOT

log = logging.getLogger(__name__)
CHUNK = 4096


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


class Device:
    can_read = False
    name = "printer"

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
        # Status queries are 3 bytes: without this, Nagle holds each one for the peer's
        # delayed ACK (40 ms on Linux) after a job's data.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, data: bytes) -> None:
        self._sock.settimeout(self.job_timeout)
        try:
            for i in range(0, len(data), CHUNK):
                self._sock.sendall(data[i:i + CHUNK])
        except OSError as exc:
            raise PrinterUnreachable(f"connection to {self.name} lost: {exc}") from exc

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
            self._sock.settimeout(self.status_timeout)
            self._sock.sendall(DLE_EOT + bytes([n]))
            data = self._sock.recv(16)
        except TimeoutError:
            return None
        except OSError as exc:
            raise PrinterUnreachable(f"connection to {self.name} lost: {exc}") from exc
        if not data:
            raise PrinterUnreachable(f"{self.name} closed the connection")
        return data[-1]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()


class _EscposLinkDevice(Device):
    """USB and serial: python-escpos writes; its `_read` honours the link's own timeout."""

    can_read = True

    def __init__(self, printer, name: str):
        self.name = name
        self._p = printer
        try:
            self._p.open()
        except Exception as exc:
            raise PrinterUnreachable(f"cannot open {name}: {exc}") from exc

    def send(self, data: bytes) -> None:
        try:
            for i in range(0, len(data), CHUNK):
                self._p._raw(data[i:i + CHUNK])
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
    return _EscposLinkDevice(p, f"USB {vendor:04x}:{product:04x}")


def serial_device(cfg: PrinterConfig) -> Device:
    from escpos.printer import Serial

    if not cfg.serial_device:
        raise PrinterUnreachable("a serial printer needs serial_device")
    p = Serial(cfg.serial_device, baudrate=cfg.baudrate, timeout=cfg.status_timeout,
               profile=cfg.profile)
    return _EscposLinkDevice(p, cfg.serial_device)


class CupsDevice(Device):
    """A raw CUPS queue through `lp`: it prints, but it cannot tell us the printer's state."""

    def __init__(self, cfg: PrinterConfig):
        from escpos.printer import LP

        if not LP.is_usable():
            raise PrinterUnreachable("the `lp` command (CUPS client) is not installed")
        self.name = f"CUPS queue {cfg.cups_queue}"
        self._p = LP(cfg.cups_queue, profile=cfg.profile)
        self._p.open()

    def send(self, data: bytes) -> None:
        try:
            self._p._raw(data)
            self._p.flush()
        except Exception as exc:
            raise PrinterUnreachable(f"{self.name}: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._p.close()


class PreviewDevice(Device):
    """Writes each job's bytes and a picture of the paper into a folder (the default)."""

    name = "preview"
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
            self.png_path = render_png(data, stem.with_suffix(".png"), paper_px=self.paper_px,
                                       codepages=self.codepages)
        except OSError as exc:
            raise PrinterUnreachable(f"cannot write to {self.folder}: {exc}") from exc
