"""python-escpos's printer database cache: a truncated pickle, or several processes starting at
once on an empty cache, never break a command (issue 18, defect 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

IMPORT = "import printer.profiles as p; print(len(p.profile_names()))"


def _run(home: Path) -> subprocess.Popen:
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    return subprocess.Popen([sys.executable, "-c", IMPORT], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_truncated_cache_is_rebuilt_and_every_command_still_works(tmp_path):
    first = _run(tmp_path)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    (pickle,) = tmp_path.glob("bom-kiosk/escpos-*/*.capabilities.pickle")
    pickle.write_bytes(pickle.read_bytes()[:100])  # a power cut in the middle of a write
    again = _run(tmp_path)
    out2, err2 = again.communicate(timeout=120)
    assert again.returncode == 0, err2
    assert out2 == out and int(out) > 10


def test_eight_processes_starting_at_once_on_an_empty_cache_all_work(tmp_path):
    procs = [_run(tmp_path) for _ in range(8)]
    results = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in results), [err for _, err in results if err]
    assert not list(tmp_path.glob("bom-kiosk/escpos-*/*.tmp")), "no temporary file left"
