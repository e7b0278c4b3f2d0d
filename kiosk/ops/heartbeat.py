"""The running kiosk's sign of life: a small JSON file rewritten every few seconds, and the
systemd watchdog when the unit asks for one. `kiosk status` reads the file: an old file means
the app has stopped or its main loop is stuck."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.paths import write_private


def heartbeat_path(cfg: KioskConfig) -> Path:
    return cfg.paths.data_dir / "heartbeat.json"


def beat(path: Path, **info) -> None:
    """Rewrite the heartbeat atomically (a reader never sees half a file)."""
    tmp = path.with_name(path.name + ".tmp")
    write_private(tmp, json.dumps({"time": time.time(), "pid": os.getpid(), **info}))
    tmp.replace(path)


def read_heartbeat(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("time"), (int, float)) else None


def sd_notify(message: str) -> bool:
    """Tell systemd (Type=notify units: READY=1, WATCHDOG=1, STOPPING=1). A no-op elsewhere."""
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr:
        return False
    if addr.startswith("@"):  # abstract namespace socket
        addr = "\0" + addr[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.connect(addr)
            s.sendall(message.encode())
        return True
    except OSError:
        return False
