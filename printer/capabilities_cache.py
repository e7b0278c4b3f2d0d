"""python-escpos's printer database, cached safely.

At import, `escpos.capabilities` reads `<python version>.capabilities.pickle` in the folder that
ESCPOS_CAPABILITIES_PICKLE_DIR names if it exists, else parses capabilities.json (about a
second) and writes the pickle in place. Two processes starting at once, or a power cut, leave a
truncated pickle, and from then on every import fails with EOFError until someone deletes it.
So before escpos is imported the pickle is made here: in a folder per python-escpos version,
checked by loading it, and written to a temporary file and renamed, so a reader sees either no
pickle or a whole one.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import platform
import tempfile
from importlib import metadata, resources
from pathlib import Path

log = logging.getLogger(__name__)


def pickle_path(folder: Path) -> Path:
    # The name python-escpos itself looks for.
    return folder / f"{platform.python_version()}.capabilities.pickle"


def _source() -> Path:
    return Path(str(resources.files("escpos") / "capabilities.json"))


def _loads(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
        return isinstance(data, dict) and "profiles" in data
    except Exception:  # truncated, corrupt or unreadable: rebuild it
        return False


def prepare(cache_root: Path) -> Path | None:
    """Make sure a whole, current pickle is in a folder of its own; returns that folder, or
    None when no folder could be written (escpos then uses a temporary folder of its own)."""
    try:
        version = metadata.version("python-escpos")
        folder = cache_root / f"escpos-{version}"
        folder.mkdir(parents=True, exist_ok=True)
        target, source = pickle_path(folder), _source()
        if (target.exists() and target.stat().st_mtime >= source.stat().st_mtime
                and _loads(target)):
            return folder
        data = json.loads(source.read_text(encoding="utf-8"))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".capabilities-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return folder
    except OSError as exc:
        log.warning("printer database cache not writable (%s); using a temporary one", exc)
        return None
