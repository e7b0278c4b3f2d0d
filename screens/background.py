"""The one way a screen runs slow work (printing, the queue database, speech, PIN checks,
counters) off the UI thread.

    token = self._requests.new()             # a Generation: a newer job makes this one stale
    run_in_background(lambda: core.queue.issue(letter), name="queue-issue",
                      done=self._issued, error=self._unavailable, current=token)

- `work()` runs on a worker thread. It must not touch widgets; it may read plain values it
  was given and call the core.
- What it returns goes to `done(result)` on the UI thread (Clock.schedule_once).
- What it raises is logged here (`log.exception`; for `private=True` work, which handles what
  a resident typed, only the kind of failure and never its text) and goes to `error(exc)` on
  the UI thread. A screen's `error` shows the resident a message: no failure may leave
  "Please wait" on screen for ever. `error=None` is only for work nobody waits for (a
  counter, a log line): its failure is only logged. Exception types in `expected` are answers
  rather than faults (the queue is closed): they go to `error` with a debug line only.
- `current()` says whether the answer is still wanted; it is asked on the UI thread just
  before `done` or `error`, and when it says the screen has moved on the answer is dropped
  (logged at debug level). `Generation` makes such tokens; a screen may add its own
  condition (`lambda: token() and shown`).
- Jobs given the same `serial` name run one at a time, in order (search: one query after
  another, never a pile of them fighting the UI for the CPU); a serial job whose `current()`
  is already false when its turn comes is skipped without running. For serial jobs
  `current()` is therefore also asked on the worker thread: keep it a cheap read.
- An exception raised by `done` or `error` themselves is an ordinary UI fault: Kivy hands it
  to the kiosk's crash handler (Home and an apology).
- When the kiosk is stopped (SIGTERM from systemd), `wait_idle(seconds)` gives the jobs still
  running that long to end, and names those that did not (a print on a hung printer).

Each job (or each serial line while it has work) gets its own daemon thread rather than a
shared pool: jobs come at a human pace (a tap, a key), a thread costs next to nothing at
that rate, a hung printer or queue server cannot hold up the PIN check or a search behind
it, and a daemon thread never holds a restart at exit the way a ThreadPoolExecutor's
workers (joined at interpreter exit) would.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock

log = logging.getLogger(__name__)


class Generation:
    """Staleness tokens: `token = gen.new()` when starting a job; `token()` stays true until
    a newer job starts (`new()` again) or the screen drops everything running (`drop()`)."""

    def __init__(self) -> None:
        self._n = 0

    def new(self) -> Callable[[], bool]:
        self._n += 1
        n = self._n
        return lambda: self._n == n

    def drop(self) -> None:
        self._n += 1


def run_in_background(work: Callable[[], Any], *, name: str,
                      done: Callable[[Any], None] | None,
                      error: Callable[[Exception], None] | None,
                      current: Callable[[], bool] | None = None,
                      serial: str | None = None, private: bool = False,
                      expected: tuple[type[Exception], ...] = ()) -> None:
    """Run `work()` off the UI thread; hand its result to `done` or its exception to `error`
    on the UI thread, unless `current()` says the answer is no longer wanted. See the module
    docstring."""

    def hand_back(callback, value) -> None:
        def on_ui(_dt) -> None:
            if current is not None and not current():
                log.debug("%s: the screen has moved on; answer dropped", name)
                return
            if callback is not None:
                callback(value)

        Clock.schedule_once(on_ui)

    def job() -> None:
        if serial is not None and current is not None and not current():
            log.debug("%s: stale before it started; skipped", name)
            return
        key = _running.begin(name)
        try:
            result = work()
        except Exception as exc:
            if isinstance(exc, expected):
                log.debug("%s: %s", name, type(exc).__name__)
            elif private:  # what a resident typed may be in the message: not in the log
                log.error("%s failed: %s", name, type(exc).__name__)
            else:
                log.exception("%s failed", name)
            hand_back(error, exc)
            return
        finally:
            _running.end(key)
        hand_back(done, result)

    if serial is None:
        threading.Thread(target=job, daemon=True, name=name).start()
    else:
        _enqueue(serial, job)


class _Running:
    """The jobs whose `work()` is running now, so that a stop can wait for them."""

    def __init__(self) -> None:
        self._jobs: dict[int, str] = {}
        self._keys = iter(range(1, 1 << 62))
        self._changed = threading.Condition()

    def begin(self, name: str) -> int:
        with self._changed:
            key = next(self._keys)
            self._jobs[key] = name
            return key

    def end(self, key: int) -> None:
        with self._changed:
            self._jobs.pop(key, None)
            self._changed.notify_all()

    def wait_idle(self, seconds: float) -> list[str]:
        with self._changed:
            self._changed.wait_for(lambda: not self._jobs, timeout=seconds)
            return sorted(self._jobs.values())


_running = _Running()


def wait_idle(seconds: float) -> list[str]:
    """Wait up to `seconds` for every running job's `work()` to end; returns the names of
    those still running (empty when all ended). Called on the UI thread only at a stop."""
    return _running.wait_idle(seconds)


# --- serial lines: one daemon thread per line while it has jobs ---------------------------
_lines: dict[str, deque[Callable[[], None]]] = {}
_lines_lock = threading.Lock()


def _enqueue(serial: str, job: Callable[[], None]) -> None:
    with _lines_lock:
        jobs = _lines.get(serial)
        if jobs is not None:  # its worker is running and will get to it
            jobs.append(job)
            return
        _lines[serial] = deque([job])
    threading.Thread(target=_drain, args=(serial,), daemon=True, name=serial).start()


def _drain(serial: str) -> None:
    while True:
        with _lines_lock:
            jobs = _lines[serial]
            if not jobs:
                del _lines[serial]  # the next job starts a new worker
                return
            job = jobs.popleft()
        try:
            job()
        except Exception:  # job() catches work's faults; this is a fault of the hand-back
            log.exception("%s: background job failed", serial)
