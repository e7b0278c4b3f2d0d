"""Results of slow pure work kept in the cache folder between processes.

Every sync, content load and `kiosk status` is a process of its own, and each met most of its
inputs the night before: the inflections of the content's words (kiosk.search.text), the
spoken form of each text (kiosk.speech.prerender). A `KeptResults` file maps an input (a
string) to its result (anything JSON holds). The file's name carries what the results depend
on (the rules' version, the dictionaries', the code's), so a file from before a change is
never read; a file that cannot be read or written only costs the time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


class KeptResults:
    def __init__(self, path: Path | None, work: Callable[[str], Any]) -> None:
        self.path, self.work = path, work
        self.results: dict[str, Any] = {}
        self.added = False
        if path is not None:
            with contextlib.suppress(OSError, ValueError):
                self.results = json.loads(path.read_text(encoding="utf-8"))

    def get(self, key: str) -> Any:
        got = self.results.get(key)
        if got is None:
            got = self.results[key] = self.work(key)
            self.added = True
        return got

    def save(self) -> None:
        if not self.added or self.path is None:
            return
        self.added = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.results, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)  # whole or not at all, whoever writes last
        except OSError:
            pass


def kept_file(kind: str, *parts: str) -> Path:
    """The cache folder's file for `kind` of results depending on `parts`."""
    from kiosk.config import default_cache_dir

    return default_cache_dir() / f"{'-'.join((kind, *parts))}.json"


def sources_digest(files: Iterable[Path]) -> str:
    """A short digest of these source files: results of code kept until the code changes."""
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]
