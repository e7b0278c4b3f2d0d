"""Private files: what the kiosk writes (databases, logs, printouts, the heartbeat, the audio
cache) is for the kiosk user alone, folders 0700 and files 0600.

`kiosk` sets the process umask once at start (`use_private_umask`, in entrypoints/cli.py), so
every folder and file any part of it makes, SQLite's and the logging module's included, is
private without each call site saying so. The helpers below make the same explicit where the
kiosk's own folders and files are created, so a library or a test that calls them without
the command line still gets private ones. The systemd units add `UMask=0027` and
`StateDirectoryMode=0700` on top (see deploy/).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def use_private_umask() -> int:
    """Make every file this process creates from now on private (0600, folders 0700);
    returns the previous umask."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parents 0700. A folder that already exists is left as it
    is: it may be one the administrator chose and shares (systemd makes the deployed ones
    0700 with StateDirectoryMode= / LogsDirectoryMode=)."""
    path = Path(path)
    if not path.is_dir():
        if path.parent != path:
            private_dir(path.parent)
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            path.mkdir(mode=DIR_MODE)
    return path


def write_private(path: Path, data: str) -> None:
    """Write a text file that only its owner can read (0600, also when it existed)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        os.fchmod(f.fileno(), FILE_MODE)
        f.write(data)


def private_file(path: Path) -> Path:
    """Create `path` empty if it is missing; either way leave it 0600 (a log file, say, that a
    library then opens for appending)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        with contextlib.suppress(PermissionError):  # another user's file: theirs to set
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return Path(path)
