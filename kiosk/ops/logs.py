"""Structured logs: one JSON object per line in a rotated file, for the office's monitoring.

Nothing a resident typed or chose is logged (no search text, no PIN): messages carry codes,
counts and states. Every record gets time, level, logger and message; an exception adds its
traceback; `extra={"event": ..., ...}` adds fields.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import traceback
from pathlib import Path

from kiosk.config import KioskConfig
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
    return (cfg.logging.log_dir or cfg.paths.data_dir / "logs") / "kiosk.log"


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
