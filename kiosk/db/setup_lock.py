"""One process at a time sets up a data folder: schema migrations and the first content load.

Eight `kiosk ticket issue` started at once on an empty folder used to race: all saw no schema,
all ran `CREATE TABLE`, seven failed, and the sample content was loaded twice. An exclusive
`flock` on a file in the folder serialises them; the kernel drops it when a holder dies, so a
killed start never leaves the folder locked. Re-entrant within a process (bootstrap takes it,
then the content load inside takes it again).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_NAME = ".setup.lock"

_held: dict[Path, int] = {}  # lock file -> depth, in this process
_guard = threading.RLock()


@contextmanager
def setup_lock(data_dir: Path) -> Iterator[None]:
    path = (data_dir / LOCK_NAME).resolve()
    with _guard:  # threads of one process wait here; processes wait on the flock
        if path in _held:
            _held[path] += 1
            try:
                yield
            finally:
                _held[path] -= 1
            return
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("another kiosk process is setting up %s; waiting for it", data_dir)
                fcntl.flock(fd, fcntl.LOCK_EX)
            _held[path] = 1
            try:
                yield
            finally:
                del _held[path]
        finally:
            os.close(fd)  # closing the descriptor releases the flock
