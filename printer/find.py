"""Which ESC/POS printers this machine can see: USB devices of the printer class or of a known
receipt-printer maker, serial ports, and TCP port 9100 on given hosts. Serial ports and network
hosts are asked for their real-time status (DLE EOT): only a port that answers as an ESC/POS
printer is listed as one. Each find comes with the configuration lines that use it."""

from __future__ import annotations

import contextlib
import glob
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from printer.devices import NetworkDevice, PrinterUnreachable, serial_device
from printer.status import PrinterState, read_status

# USB vendor ids of receipt-printer makers (a printer may also present the USB printer class).
RECEIPT_VENDORS = {
    0x04B8: "Epson", 0x0519: "Star Micronics", 0x1D90: "Citizen", 0x2730: "Citizen",
    0x1504: "Bixolon", 0x0DD4: "Custom", 0x154F: "SNBC", 0x0416: "Winbond (Xprinter, Zjiang)",
    0x0FE6: "ICS Advent (POS-58/80)", 0x20D1: "Rongta", 0x6868: "Hprt", 0x0483: "STM (POS-80)",
    0x1FC9: "NXP (POS-80)", 0x28E9: "GD32 (POS-58)",
}
USB_PRINTER_CLASS = 7
SERIAL_GLOBS = ("/dev/ttyUSB*", "/dev/ttyACM*", "/dev/ttyS[0-3]")


@dataclass(frozen=True)
class Found:
    kind: str  # usb, serial, network: the [printer] kind
    where: str  # what a person recognises: "USB 04b8:0202 Epson", "/dev/ttyUSB0", "10.0.0.5"
    config: dict = field(default_factory=dict)  # the [printer] keys that use it
    state: str | None = None  # its answer to a status query, when one was asked

    def config_lines(self) -> str:
        lines = [f'kind = "{self.kind}"']
        for key, value in self.config.items():
            lines.append(f"{key} = {value!r}" if isinstance(value, int)
                         else f'{key} = "{value}"')
        return "[printer]\n" + "\n".join(lines)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "where": self.where, "config": self.config,
                "state": self.state, "config_lines": self.config_lines()}


@dataclass(frozen=True)
class Search:
    found: list[Found]
    looked_at: list[str]  # what was tried, for "nothing found" to say where it looked
    problems: list[str]  # a part that could not be searched (no USB support, ...)


@dataclass(frozen=True)
class _Probe:
    """Just enough of a [printer] section to open a device for one status query."""

    host: str | None = None
    port: int = 9100
    serial_device: str | None = None
    baudrate: int = 9600
    profile: str = "default"
    usb_vendor: str | None = None
    usb_product: str | None = None
    cups_queue: str | None = None
    connect_timeout: float = 1.0
    status_timeout: float = 0.5
    job_timeout: float = 2.0


def _answers(open_device) -> str | None:
    """Its status as an ESC/POS printer, or None when it does not answer as one."""
    # python-escpos logs every open and close on the root logger: a search is many of them.
    logging.disable(logging.INFO)
    try:
        with open_device() as dev:
            status = read_status(dev.ask)
    except (PrinterUnreachable, OSError):
        return None
    finally:
        logging.disable(logging.NOTSET)
    return None if status.state is PrinterState.UNKNOWN else status.state.value


def find_usb(search: Search) -> None:
    try:
        import usb.core
        import usb.util
        devices = list(usb.core.find(find_all=True))
    except Exception as exc:  # no libusb: say so, it is the likeliest reason for nothing
        search.problems.append(f"USB: cannot list devices ({exc}); install libusb-1.0-0")
        return
    search.looked_at.append(f"{len(devices)} USB devices")
    for dev in devices:
        classes = {intf.bInterfaceClass for cfg in dev for intf in cfg}
        maker = RECEIPT_VENDORS.get(dev.idVendor)
        if USB_PRINTER_CLASS not in classes and maker is None:
            continue
        name = maker or ""
        with contextlib.suppress(Exception):  # the name needs access to the device
            name = usb.util.get_string(dev, dev.iProduct) or name
        search.found.append(Found("usb", f"USB {dev.idVendor:04x}:{dev.idProduct:04x} {name}"
                                  .strip(), {"usb_vendor": f"0x{dev.idVendor:04x}",
                                             "usb_product": f"0x{dev.idProduct:04x}"}))


def find_serial(search: Search, paths: list[str] | None = None,
                baudrates: tuple[int, ...] = (9600, 19200, 38400, 115200)) -> None:
    ports = paths if paths is not None else sorted(p for g in SERIAL_GLOBS for p in glob.glob(g))
    search.looked_at.append(f"serial ports {', '.join(ports) or '(none)'}")
    for path in ports:
        for baud in baudrates:
            probe = _Probe(serial_device=path, baudrate=baud)
            state = _answers(lambda probe=probe: serial_device(probe))
            if state is not None:
                search.found.append(Found("serial", path, {"serial_device": path,
                                                           "baudrate": baud}, state))
                break


def find_network(search: Search, hosts: Sequence[str]) -> None:
    """`hosts`: "name" or "name:port" (port 9100 when not given)."""
    for entry in hosts:
        host, _, given = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        port = int(given) if given.isdigit() else 9100
        search.looked_at.append(f"{host}:{port}")
        probe = _Probe(host=host, port=port)
        state = _answers(lambda probe=probe: NetworkDevice(probe))
        if state is not None:
            search.found.append(Found("network", f"{host}:{port}",
                                      {"host": host, "port": port}, state))


def find_printers(*, hosts: Sequence[str] = (), serial_paths: list[str] | None = None,
                  usb: bool = True, serial: bool = True) -> Search:
    search = Search([], [], [])
    if usb:
        find_usb(search)
    if serial:
        find_serial(search, serial_paths)
    if hosts:
        find_network(search, hosts)
    return search
