"""Shared fixtures: a kiosk configuration in a temporary folder and the core opened on it.

Also how the suite shares the machine under pytest-xdist (`bash scripts/test.sh` runs
`-n <CPUs + 1> --dist loadfile`; `-n N` alone gets the same scheduling):

- Each worker has its own Xvfb and kiosk window (tests/ui/conftest.py), its own PostgreSQL
  server (pg_server below) and its own tmp_path tree; the workers share nothing else.
- A test file stays on one worker: module fixtures are built once, and the UI modules keep
  their order on one window.
- The tests in SERIAL hold a wall-clock bound that another worker's load could break (a desk
  call on the hall display within 2 s, no UI frame over 1 s during a sync, frames drawn while
  a slow printer thinks). They run first, one after another on the first worker, while the
  other workers wait: the serial phase, about 45 s. Then everything else runs in parallel.
- The work is handed out longest first (LONG_FIRST), so the last minutes are not one worker
  finishing the soak alone. Only the order changes, never what a test does; a run in one
  process (`pytest` without -n) keeps the usual order and waits for nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.config import KioskConfig, PathsConfig

# Test files that keep a worker busy longest (30 s or more), the longest first: seconds on the
# 2-core CI machine with 3 workers, the soak and the restart drill at their suite lengths. Files
# not listed follow in their usual order.
LONG_FIRST = [
    "tests/ui/test_soak.py",  # 250-330 s
    "tests/ui/test_display.py",  # 140-150 s
    "tests/ui/test_audio_mode.py",  # 80-110 s
    "tests/ui/test_admin_ui.py",  # 70-100 s
    "tests/ui/test_acceptance_walks.py",  # 50-90 s
    "tests/ui/test_pin_brute_force.py",  # 50-65 s
    "tests/test_one_clock_and_wording.py",  # 40-55 s
    "tests/test_audio_resume.py",  # 35-45 s
    "tests/test_sync_kill.py",  # 40-70 s
    "tests/ui/test_visual_access.py",  # 40-65 s
    "tests/ui/test_search_ui.py",  # 40-60 s
    "tests/test_queue_cli.py",  # 40-55 s
    "tests/test_search.py",  # 40-55 s
    "tests/test_hall_alerts.py",  # 30-35 s
    "tests/ui/test_clean_stop.py",  # 20-25 s
    "tests/test_web_browser.py",  # 15-25 s
    "tests/test_web.py",  # 15-20 s
    "tests/test_central_kiosks.py",  # 10-15 s
    "tests/ui/test_kill_restart.py",  # 35-50 s
    "tests/test_queue_concurrency.py",  # 30-45 s
    "tests/test_sync.py",  # 30-40 s
    "tests/ui/test_languages.py",  # 30-40 s
    "tests/test_printing.py",  # 35 s
    "tests/ui/test_scroll_memory.py",  # 35 s
    "tests/test_admin.py",  # 30 s
    "tests/test_holidays.py",  # 25-30 s
    "tests/ui/test_high_contrast.py",  # 25 s
    "tests/ui/test_usage_ui.py",  # 30 s
]

# The tests with a wall-clock bound that a busy neighbour could break (node ids without the
# parameters). They get the `serial` mark (`-m serial` selects them) and the serial phase.
SERIAL = [
    # the banner within 2 s of a desk call, in a display process beside the test's own work
    "tests/ui/test_display.py::test_a_desk_call_from_another_process_is_shown_within_2_s_and_"
    "announced",
    # no frame of the window over 1 s while a sync process applies content beside it
    "tests/ui/test_sync_ui.py::test_sync_beside_the_ui_shows_new_content_only_after_home",
    # more than 5 frames drawn (Mesa software OpenGL) in 0.5 s while the printer thinks
    "tests/ui/test_printing_ui.py::test_a_slow_printer_never_freezes_the_screen_and_nothing_"
    "prints_twice",
    # a printer job given up within its limit + 0.5 s (a stalled peer, a late answer)
    "tests/test_printer_truth.py::test_a_printer_that_stops_reading_is_given_up_within_the_"
    "time_limit",
    "tests/test_printer_truth.py::test_a_printer_that_answers_too_late_after_the_job_is_"
    "unknown_not_failed",
]
SERIAL_UNIT = "serial"
_SERIAL_FIRST_DISTS = ("load", "loadfile")  # the --dist modes this scheduling replaces


def _is_serial(nodeid: str) -> bool:
    return nodeid.split("[", 1)[0] in SERIAL


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "serial: a wall-clock bound; under xdist it runs in the serial phase, alone "
        "(list it in tests/conftest.py SERIAL)")
    if not hasattr(config, "workerinput"):  # the controlling process: one folder per run
        config._kiosk_turns_dir = tempfile.mkdtemp(prefix="kiosk-test-turns-")


def pytest_unconfigure(config):
    folder = getattr(config, "_kiosk_turns_dir", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """(xdist controller) A file per worker at a time, the SERIAL tests one unit handed out
    first, the rest in the order the workers collected them (see pytest_collection_modifyitems:
    longest first)."""
    if config.getvalue("dist") not in _SERIAL_FIRST_DISTS:
        return None
    from xdist.scheduler import LoadFileScheduling

    class SerialFirstScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return SERIAL_UNIT if _is_serial(nodeid) else super()._split_scope(nodeid)

    config.option.loadscopereorder = False  # the collection order is the order of the work
    return SerialFirstScheduling(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """(xdist controller) Tell each worker where this run's serial-phase files are."""
    if node.config.getvalue("dist") in _SERIAL_FIRST_DISTS:
        node.workerinput["kiosk_turns_dir"] = node.config._kiosk_turns_dir


@pytest.hookimpl(tryfirst=True)  # marks before `-m` selects by them
def pytest_collection_modifyitems(config, items):
    """The serial marks; on xdist workers also the order of the work: the serial tests, then
    LONG_FIRST, then the rest, each file's tests in their usual order."""
    for item in items:
        if _is_serial(item.nodeid):
            item.add_marker(pytest.mark.serial)
    if not hasattr(config, "workerinput"):
        return

    def rank(item) -> int:
        if _is_serial(item.nodeid):
            return 0
        path = item.nodeid.split("::", 1)[0]
        return 1 + (LONG_FIRST.index(path) if path in LONG_FIRST else len(LONG_FIRST))

    items.sort(key=rank)  # stable


class _SerialPhase:
    """(xdist workers) The serial phase: the first worker runs the serial tests, counting each
    one done in a file; every other test waits until all are done. If the worker running them
    dies, the wait ends too (its pid is in a file); and after 15 minutes whatever happens."""

    def __init__(self, folder: Path, total: int):
        self.done, self.runner, self.total = folder / "serial-done", folder / "serial-pid", total

    def serial_test(self):
        self.runner.write_text(str(os.getpid()))

    def serial_done(self):
        with open(self.done, "a") as f:
            f.write(".")

    def _over(self) -> bool:
        if not self.total or (self.done.exists() and self.done.stat().st_size >= self.total):
            return True
        try:
            os.kill(int(self.runner.read_text()), 0)
        except (FileNotFoundError, ValueError):
            return False  # not begun yet
        except ProcessLookupError:
            return True  # the worker running them died: xdist reports that
        return False

    def wait(self) -> None:
        deadline = time.monotonic() + 900
        while not self._over() and time.monotonic() < deadline:
            time.sleep(0.05)


_phase: _SerialPhase | None = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _phase
    folder = getattr(item.config, "workerinput", {}).get("kiosk_turns_dir")
    if folder is None:
        return (yield)
    if _phase is None:
        total = sum(1 for i in item.session.items if _is_serial(i.nodeid))
        _phase = _SerialPhase(Path(folder), total)
    if not _is_serial(item.nodeid):
        _phase.wait()
        return (yield)
    _phase.serial_test()
    try:
        return (yield)
    finally:
        _phase.serial_done()


@pytest.fixture
def cfg(tmp_path: Path) -> KioskConfig:
    return replace(KioskConfig(), paths=PathsConfig(data_dir=tmp_path / "data"))


@pytest.fixture
def core(cfg):
    from kiosk.bootstrap import open_core

    c = open_core(cfg)
    yield c
    c.close()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled sample content, for tests that break it on purpose."""
    dst = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT_DIR, dst)
    return dst


@pytest.fixture(scope="session")
def pg_server():
    """A private PostgreSQL cluster for the whole run (see tests/pg.py); under pytest-xdist,
    one per worker (each its own folder, socket directory and port)."""
    from tests.pg import SKIP_ENV, PgServer, PgUnavailable

    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"${SKIP_ENV}=1: PostgreSQL tests skipped on request")
    try:
        server = PgServer()
    except PgUnavailable as exc:
        pytest.fail(f"{exc}\n(set {SKIP_ENV}=1 to skip the PostgreSQL tests deliberately)")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh, empty PostgreSQL database on the private server."""
    return pg_server.new_database()
