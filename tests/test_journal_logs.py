"""Under systemd the kiosk logs once, to the journal, with its fields as journal fields; it
never also writes the JSON file or lines on stderr (which the journal would keep a second
time). A real datagram socket stands in for journald's (/run/systemd/journal/socket)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from kiosk import PROJECT_ROOT


def _fields(datagram: bytes) -> dict[str, str]:
    """Decode journald's native protocol: KEY=value lines, or KEY, a new line, a 64-bit length
    and the raw value (values with new lines)."""
    out, i = {}, 0
    while i < len(datagram):
        nl = datagram.index(b"\n", i)
        line = datagram[i:nl]
        if b"=" in line:
            key, _, value = line.partition(b"=")
            i = nl + 1
        else:
            key, size = line, int.from_bytes(datagram[nl + 1:nl + 9], "little")
            value = datagram[nl + 9:nl + 9 + size]
            i = nl + 9 + size + 1
        out[key.decode()] = value.decode()
    return out


def test_under_systemd_logs_go_to_the_journal_once_with_fields(tmp_path):
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    journal.bind(str(tmp_path / "journal.socket"))
    journal.settimeout(0.2)
    read_end, write_end = os.pipe()  # stderr, as systemd hands it to the service
    st = os.fstat(write_end)
    data = tmp_path / "data"
    env = {**os.environ, "KIOSK_DATA_DIR": str(data), "JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}",
           "KIOSK_JOURNAL_SOCKET": str(tmp_path / "journal.socket")}
    env.pop("KIOSK_CONFIG", None)
    try:
        r = subprocess.run([sys.executable, "-m", "entrypoints", "status"], env=env,
                           cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=write_end,
                           text=True, timeout=120)
    finally:
        os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    records = []
    try:
        while True:
            records.append(_fields(journal.recv(1 << 16)))
    except TimeoutError:
        pass
    finally:
        journal.close()
    assert r.returncode in (0, 1), stderr
    loading = [f for f in records if f["MESSAGE"].startswith("loading content")]
    assert loading, [f["MESSAGE"] for f in records]
    assert loading[0]["PRIORITY"] == "6" and loading[0]["LOGGER"] == "kiosk.content.store"
    assert loading[0]["SYSLOG_IDENTIFIER"] == "kiosk"
    # Once: not again on stderr (the journal keeps that too), and no JSON file beside it.
    assert "loading content" not in stderr
    assert not (data / "logs" / "kiosk.log").exists()


def test_off_systemd_kiosk_run_keeps_its_json_file_and_stderr(tmp_path):
    """The same setup without $JOURNAL_STREAM: stderr for a person at a terminal, and for
    `kiosk run` the JSON-lines file; the journal socket is never used."""
    from dataclasses import replace

    from kiosk.config import KioskConfig, PathsConfig
    from kiosk.ops.logs import setup_file_logging, setup_logging

    cfg = replace(KioskConfig(), paths=PathsConfig(data_dir=tmp_path))
    saved = os.environ.pop("JOURNAL_STREAM", None)
    try:
        assert setup_logging(cfg, to_file=True) == "file"
        assert setup_logging(cfg, to_file=False) == "stderr"
    finally:
        setup_file_logging(replace(cfg, paths=PathsConfig(data_dir=tmp_path / "elsewhere")))
        if saved is not None:
            os.environ["JOURNAL_STREAM"] = saved
