"""`kiosk printer find`: the ESC/POS printers this machine can see, each with its config lines,
over the real links: a TCP peer that answers status queries like a receipt printer, a serial
line (a pseudo-terminal) with a printer on the other end, and USB through libusb. A port that
does not answer as a printer is not listed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import tty

from kiosk import PROJECT_ROOT
from kiosk.config import PrinterConfig
from kiosk.printing.service import PrinterService
from printer.find import Search, find_printers, find_serial
from tests.printer_peer import LoopbackPrinter, status_byte


def _kiosk(*args, data_dir):
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "entrypoints", *args], capture_output=True,
                          text=True, env=env, cwd=PROJECT_ROOT, timeout=120)


def test_a_network_printer_is_found_with_its_config_lines_and_a_web_server_is_not(tmp_path):
    web = socket.create_server(("127.0.0.1", 0))  # answers anything with an HTTP error

    def serve():
        while True:
            try:
                conn, _ = web.accept()
            except OSError:
                return
            with conn:
                conn.recv(64)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    with LoopbackPrinter("paper_out") as peer:
        r = _kiosk("printer", "find", "--no-serial", "--json", "--host",
                   f"127.0.0.1:{peer.port}", "--host", f"127.0.0.1:{web.getsockname()[1]}",
                   data_dir=tmp_path)
    web.close()
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)["found"]
    network = [f for f in found if f["kind"] == "network"]
    assert [(f["where"], f["state"]) for f in network] == [
        (f"127.0.0.1:{peer.port}", "paper_out")]
    assert network[0]["config_lines"] == (
        f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {peer.port}')


def test_nothing_found_says_where_it_looked(tmp_path):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    r = _kiosk("printer", "find", "--no-serial", "--host", f"127.0.0.1:{port}",
               data_dir=tmp_path)
    assert r.returncode == 1
    assert "no ESC/POS printer found; looked at: " in r.stderr
    assert f"127.0.0.1:{port}" in r.stderr and "USB devices" in r.stderr


def test_a_serial_printer_answers_on_its_line_and_is_found_with_the_baud_rate(tmp_path):
    master, slave = os.openpty()
    tty.setraw(master)
    stop = threading.Event()

    def printer_end():  # a receipt printer on the line: answers DLE EOT n, ready
        buf = b""
        while not stop.is_set():
            try:
                buf += os.read(master, 64)
            except OSError:
                return
            while b"\x10\x04" in buf:
                i = buf.index(b"\x10\x04")
                if len(buf) < i + 3:
                    break
                os.write(master, bytes([status_byte("ready", buf[i + 2])]))
                buf = buf[i + 3:]

    threading.Thread(target=printer_end, daemon=True).start()
    search = Search([], [], [])
    line = os.ttyname(slave)
    try:
        find_serial(search, [line])
    finally:
        stop.set()
        os.close(slave)
        os.close(master)
    assert [(f.kind, f.state, f.config["baudrate"]) for f in search.found] == [
        ("serial", "ready", 9600)]
    assert search.found[0].config_lines() == (
        f'[printer]\nkind = "serial"\nserial_device = "{line}"\nbaudrate = 9600')


def test_usb_is_usable_and_a_missing_usb_printer_is_named_within_2_s(tmp_path):
    from escpos.printer import Serial, Usb

    assert Usb.is_usable() and Serial.is_usable()
    search = find_printers(serial=False)
    assert search.problems == [], search.problems  # libusb is there: USB was really searched
    assert any(x.endswith("USB devices") for x in search.looked_at)

    cfg = PrinterConfig(kind="usb", usb_vendor="0x04b8", usb_product="0x0202")
    started = time.monotonic()
    status = PrinterService(cfg, tmp_path).status()
    took = time.monotonic() - started
    assert status.state.value == "offline"
    assert status.detail.startswith("no USB printer 04b8:0202 found: is it plugged in"), \
        status.detail
    assert took < 2.0, f"{took:.1f} s to say the USB printer is missing"
