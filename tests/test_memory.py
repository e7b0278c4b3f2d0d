"""Freed memory goes back to the system at the end of a visit (kiosk/memory.py), checked
against glibc's real malloc in fresh processes."""

import json
import os
import subprocess
import sys

import pytest

from kiosk import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

# A visit's label textures are blocks of a few hundred KB with small blocks that outlive
# them in between (what the next screen allocates). Once glibc has raised its mmap threshold
# (after the first large free) they come from the heap, and freeing them leaves holes that
# stay resident until the heap is trimmed.
SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from kiosk.memory import give_back_free_memory
from kiosk.probe import rss_kib

first = bytearray(300 * 1024)
del first
textures, kept = [], []
for _ in range(40):
    textures.append(bytearray(300 * 1024))
    kept.append(bytearray(2048))
with_textures = rss_kib()
del textures
if sys.argv[1] == "trim":
    give_back_free_memory()
print(json.dumps({"given_back_mib": (with_textures - rss_kib()) / 1024}))
"""


def run(mode: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(PROJECT_ROOT)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_memory_a_visit_freed_is_given_back_to_the_system():
    kept, trimmed = run("keep"), run("trim")
    # 40 blocks of 300 KB (11.7 MiB) freed: without the trim they all stay resident...
    assert kept["given_back_mib"] < 1, kept
    # ...and the end of a visit hands them back.
    assert trimmed["given_back_mib"] > 10, trimmed
