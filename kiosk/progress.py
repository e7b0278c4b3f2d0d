"""Progress of long commands (`kiosk sync`, `kiosk audio prerender`, `kiosk central import`),
on stderr so that stdout stays the command's answer:

- on a terminal, a bar per stage, redrawn at most ten times a second:
  `audio      [##########··········]  950/1900  50%  0:41`
- elsewhere (a unit's journal, a pipe), one line per stage when it ends, with its counts:
  `audio: 1900 of 1900 in 83.2 s (12 rendered, 1888 cached)`
- with --json, the same as one JSON object per line.

The work reports through `stage(name, total)`, `advance(n)` and `done(summary)`; `Progress()`
itself does nothing, for callers that want no progress (the kiosk's own UI, tests)."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO


class Progress:
    """Reports nothing; the base of the two that do."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def done(self, summary: str = "") -> None:
        pass


class _Counting(Progress):
    def __init__(self, stream: TextIO):
        self.stream = stream
        self.name: str | None = None
        self.total: int | None = None
        self.count = 0
        self.started = 0.0

    def stage(self, name: str, total: int | None = None) -> None:
        if self.name is not None:
            self.done()
        self.name, self.total, self.count, self.started = name, total, 0, time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.count += n

    def _counts(self) -> str:
        return f"{self.count} of {self.total}" if self.total is not None else f"{self.count}"


class LineProgress(_Counting):
    """One line per stage when it ends (or one JSON object with `as_json`)."""

    def __init__(self, stream: TextIO, *, as_json: bool = False):
        super().__init__(stream)
        self.as_json = as_json

    def done(self, summary: str = "") -> None:
        if self.name is None:
            return
        seconds = time.monotonic() - self.started
        if self.as_json:
            line = json.dumps({"stage": self.name, "done": self.count, "total": self.total,
                               "seconds": round(seconds, 1), "summary": summary},
                              ensure_ascii=False)
        else:
            line = (f"{self.name}: {self._counts()} in {seconds:.1f} s"
                    + (f" ({summary})" if summary else ""))
        print(line, file=self.stream, flush=True)
        self.name = None


class BarProgress(_Counting):
    """A bar on a terminal, redrawn in place; the finished stage stays as one line."""

    WIDTH = 20

    def __init__(self, stream: TextIO):
        super().__init__(stream)
        self._drawn = 0.0

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        now = time.monotonic()
        if now - self._drawn >= 0.1:
            self._drawn = now
            self._draw()

    def _draw(self) -> None:
        elapsed = int(time.monotonic() - self.started)
        clock = f"{elapsed // 60}:{elapsed % 60:02d}"
        if self.total:
            filled = min(self.WIDTH, self.WIDTH * self.count // self.total)
            bar = "#" * filled + "·" * (self.WIDTH - filled)
            line = (f"{self.name:<10} [{bar}] {self.count:>5}/{self.total}"
                    f" {100 * self.count // self.total:3d}%  {clock}")
        else:
            line = f"{self.name:<10} {self.count:>5}  {clock}"
        self.stream.write("\r" + line + "\033[K")  # back to the start, clear the rest
        self.stream.flush()

    def done(self, summary: str = "") -> None:
        if self.name is None:
            return
        self._draw()
        self.stream.write((f"  {summary}" if summary else "") + "\n")
        self.stream.flush()
        self.name = None


def progress_for(as_json: bool = False, stream: TextIO | None = None) -> Progress:
    """A bar on a terminal; lines (or JSON lines) anywhere else."""
    stream = stream or sys.stderr
    if not as_json and stream.isatty():
        return BarProgress(stream)
    return LineProgress(stream, as_json=as_json)
