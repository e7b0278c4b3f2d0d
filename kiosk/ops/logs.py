"""Structured logs, written once: under systemd to the journal, with the fields as journal
fields (`journalctl -u bom-kiosk EVENT=stop`); elsewhere one JSON object per line in a rotated
file (`kiosk run`) and plain lines on stderr, for the office's monitoring and a developer.

Nothing a resident typed or chose is logged (no search text, no PIN): messages carry codes,
counts and states. Every record gets time, level, logger and message; an exception adds its
traceback; `extra={"event": ..., ...}` adds fields.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import socket
import sys
import traceback
from pathlib import Path

from kiosk.config import KioskConfig, systemd_directory
from kiosk.paths import private_dir, private_file

# Attributes every LogRecord has; anything else came in through `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message",
                                                                               "asctime"}
_HANDLER_NAME = "kiosk-json-file"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}"
        out: dict[str, object] = {"time": stamp,
               "level": record.levelname, "logger": record.name,
               "message": record.getMessage()}
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, (str, int, float, bool, type(None))) \
                    else str(value)
        if record.exc_info:
            out["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(out, ensure_ascii=False)


def log_file(cfg: KioskConfig) -> Path:
    folder = cfg.logging.log_dir or systemd_directory("LOGS") or cfg.paths.data_dir / "logs"
    return folder / "kiosk.log"


def setup_file_logging(cfg: KioskConfig) -> Path | None:
    """Add (or replace) the rotating JSON-lines handler on the root logger. Returns the file,
    or None when the folder cannot be written (the kiosk still runs, logging to stderr)."""
    root = logging.getLogger()
    for h in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(h)
        h.close()
    path = log_file(cfg)
    try:
        private_file(private_dir(path.parent) / path.name)  # 0600 in 0700: the kiosk's alone
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=cfg.logging.max_bytes, backupCount=cfg.logging.backups,
            encoding="utf-8")
    except OSError as exc:
        logging.getLogger(__name__).warning("no log file in %s: %s", path.parent, exc)
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(cfg.logging.level.upper())
    root.addHandler(handler)
    if root.getEffectiveLevel() > handler.level:
        root.setLevel(handler.level)  # the file gets what [logging] level asks for
    return path


# --- the journal ------------------------------------------------------------------------------
JOURNAL_SOCKET_ENV = "KIOSK_JOURNAL_SOCKET"  # tests point it at their own socket
JOURNAL_SOCKET = "/run/systemd/journal/socket"
_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6,
             logging.DEBUG: 7}


def under_journal() -> bool:
    """stderr goes to the journal: systemd says so in $JOURNAL_STREAM ("device:inode" of the
    stream it gave us, compared with our stderr, as sd_journal_stream_fd's manual says)."""
    value = os.environ.get("JOURNAL_STREAM", "")
    try:
        dev, ino = (int(x) for x in value.split(":"))
        st = os.fstat(sys.stderr.fileno())
    except (ValueError, OSError, AttributeError):
        return False
    return (st.st_dev, st.st_ino) == (dev, ino)


class JournalHandler(logging.Handler):
    """Sends each record to journald's native socket: MESSAGE, PRIORITY, the logger, and every
    `extra=` field as an upper-case journal field. A record the journal cannot take (the socket
    gone) falls back to stderr, which systemd also keeps."""

    def __init__(self, identifier: str = "kiosk", path: str | None = None):
        super().__init__()
        self.identifier = identifier
        self.path = path or os.environ.get(JOURNAL_SOCKET_ENV, JOURNAL_SOCKET)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)

    def fields(self, record: logging.LogRecord) -> dict[str, str]:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info))
        out = {"MESSAGE": message, "PRIORITY": str(_PRIORITY.get(record.levelno, 6)),
               "SYSLOG_IDENTIFIER": self.identifier, "LOGGER": record.name,
               "CODE_FILE": record.pathname, "CODE_LINE": str(record.lineno),
               "CODE_FUNC": record.funcName}
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                name = "".join(c if c.isalnum() else "_" for c in key.upper()).lstrip("_")
                if name and name not in out:
                    out[name] = str(value)
        return out

    def emit(self, record: logging.LogRecord) -> None:
        try:
            payload = b"".join(_journal_field(k, v) for k, v in self.fields(record).items())
            self._sock.sendto(payload, self.path)
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        self._sock.close()
        super().close()


def _journal_field(key: str, value: str) -> bytes:
    data = value.encode("utf-8", "replace")
    if b"\n" not in data:
        return key.encode() + b"=" + data + b"\n"
    # A value with new lines: the name, a new line, its length as 64-bit little endian, itself.
    return key.encode() + b"\n" + len(data).to_bytes(8, "little") + data + b"\n"


def setup_logging(cfg: KioskConfig | None, *, to_file: bool) -> str:
    """Where this process logs, once: "journal" under systemd (nothing on stderr, no file),
    else stderr, and with `to_file` the JSON-lines file too. Returns which."""
    root = logging.getLogger()
    if under_journal():
        for h in list(root.handlers):
            root.removeHandler(h)
            h.close()
        root.addHandler(JournalHandler())
        root.setLevel((cfg.logging.level if cfg else "INFO").upper())
        return "journal"
    if to_file and cfg is not None and setup_file_logging(cfg) is not None:
        return "file"
    return "stderr"
