"""A content-addressed audio cache: one file per (engine, voice, language, speed, normalised
text). The same sentence is synthesised once, whoever asks and whenever.

A clip is written to a temporary file in its own folder and renamed into place
(kiosk.speech.engines), so the cache never holds half a clip. The temporary file is named
`.part-<pid>-...` after the process writing it: a process killed mid-write leaves it behind,
and `remove_leftovers` deletes those of processes no longer running."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PART_PREFIX = ".part-"
# A temporary file this old is a leftover whatever its name says: a clip is written in seconds
# (espeak-ng and each gTTS request have time limits), and process ids come round again.
LEFTOVER_AGE_S = 3600.0


def part_prefix() -> str:
    """The name a temporary clip starts with in this process."""
    return f"{PART_PREFIX}{os.getpid()}-"


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def _leftover(name: str, age_s: float) -> bool:
    """A temporary file (`.part-<pid>-*` or `stats.<pid>.tmp`) whose writer is gone."""
    if age_s > LEFTOVER_AGE_S:
        return True
    if name.startswith(PART_PREFIX):
        pid = name[len(PART_PREFIX):].split("-", 1)[0]
    else:
        pid = name.removeprefix("stats.").removesuffix(".tmp")
    # A name without a process id (written before they carried one) waits for the age limit.
    return pid.isdigit() and not _pid_running(int(pid))


def cache_key(engine: str, voice: str, lang: str, speed: float, text: str) -> str:
    raw = "\x1f".join([engine, voice, lang, f"{speed:.2f}", text])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    files: int
    bytes: int

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class AudioCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()
        self._counts = {"hits": 0, "misses": 0}
        self._stats_file = folder / "stats.json"

    def path(self, key: str, suffix: str) -> Path:
        return self.folder / key[:2] / f"{key}{suffix}"

    def find(self, key: str, suffix: str) -> Path | None:
        p = self.path(key, suffix)
        return p if p.exists() else None

    def count(self, hit: bool) -> None:
        """One request answered from the cache (hit) or synthesised (miss)."""
        with self._lock:
            self._counts["hits" if hit else "misses"] += 1

    def files(self) -> list[Path]:
        if not self.folder.exists():
            return []
        return [p for p in self.folder.glob("??/*") if not p.name.startswith(PART_PREFIX)]

    def names(self) -> set[str]:
        """The file names of every clip (`<key><suffix>`): one listing, for counting."""
        return {p.name for p in self.files()}

    def partials(self) -> list[Path]:
        """Temporary files: clips being written now, or left by a process killed mid-write."""
        if not self.folder.exists():
            return []
        return (list(self.folder.glob(f"??/{PART_PREFIX}*"))
                + list(self.folder.glob("stats.*.tmp")))

    def remove_leftovers(self) -> int:
        """Delete the temporary files of processes that are gone (a sync or a kiosk killed
        while writing a clip); a clip another process is writing now is left alone. Returns
        how many went."""
        gone = 0
        now = time.time()
        for p in self.partials():
            try:
                age = now - p.stat().st_mtime
            except FileNotFoundError:  # renamed into place or removed meanwhile
                continue
            if _leftover(p.name, age):
                p.unlink(missing_ok=True)
                gone += 1
        return gone

    def prune(self, keep: set[str]) -> int:
        """Delete audio no text uses any more; returns how many files went."""
        gone = 0
        for p in self.files():
            if p.stem not in keep:
                p.unlink(missing_ok=True)
                gone += 1
        return gone

    # Hits and misses are counted per process and added to a small file, so `kiosk audio
    # stats` sees the kiosk's figures as well as the prerender's.
    def flush_counts(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, {"hits": 0, "misses": 0}
        if not any(counts.values()):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        total = self._read_counts()
        for k in counts:
            total[k] = total.get(k, 0) + counts[k]
        tmp = self._stats_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(total))
        os.replace(tmp, self._stats_file)

    def _read_counts(self) -> dict:
        try:
            return json.loads(self._stats_file.read_text())
        except (OSError, ValueError):
            return {"hits": 0, "misses": 0}

    def stats(self) -> CacheStats:
        self.flush_counts()
        counts = self._read_counts()
        files = self.files()
        return CacheStats(counts.get("hits", 0), counts.get("misses", 0), len(files),
                          sum(p.stat().st_size for p in files))
