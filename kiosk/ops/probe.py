"""Start-up readiness file: written when the first frame is on screen (used by benchmarks,
and by anything that must know the kiosk is really showing)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

READY_FILE_ENV = "KIOSK_READY_FILE"
EXIT_AFTER_READY_ENV = "KIOSK_EXIT_AFTER_READY"


def rss_kib() -> int:
    """Resident set size of this process in KiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def write_ready_file(path: Path, **extra) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"time": time.time(), "rss_kib": rss_kib(), "pid": os.getpid(),
                               **extra}))
    tmp.replace(path)
