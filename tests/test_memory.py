"""The C heap settings of the long-running processes (kiosk/memory.py), checked against
glibc's real malloc in fresh processes (the settings are per process and one-way)."""

import json
import os
import subprocess
import sys

import pytest

from kiosk import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

# A label texture's pixels are a few hundred KB. glibc maps the first such block and, once
# it is freed, raises its threshold so the next ones come from the heap, where their holes
# stay. With the kiosk's settings they keep being mapped, and go back to the system on free.
SCRIPT = r"""
import ctypes, json, sys
sys.path.insert(0, sys.argv[2])
from kiosk.ops.memory import tune_malloc
from kiosk.ops.probe import rss_kib

done = tune_malloc() if sys.argv[1] == "tuned" else {}

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
first = bytearray(300 * 1024)
del first
mapped_before = libc.mallinfo2().hblkhd
textures, pinned = [], []
for _ in range(40):  # each texture followed by a small block that outlives it
    textures.append(bytearray(300 * 1024))
    pinned.append(bytearray(2048))
mapped = libc.mallinfo2().hblkhd - mapped_before
with_textures = rss_kib()
del textures
print(json.dumps({"done": done, "mapped_mib": mapped / 2**20,
                  "given_back_mib": (with_textures - rss_kib()) / 1024}))
"""


def run(mode: str, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(PROJECT_ROOT)],
                         env={**clean, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_texture_sized_buffers_stay_mapped_and_go_back_to_the_system_when_freed():
    plain, tuned = run("plain"), run("tuned")
    # Without the settings the buffers come from the heap and stay resident after free
    # (the problem the soak found); with them, all 40 (11.7 MiB) are mapped and returned.
    assert plain["mapped_mib"] < 1 and plain["given_back_mib"] < 2, plain
    assert tuned["mapped_mib"] > 11, tuned
    assert tuned["given_back_mib"] > 10, tuned
    assert tuned["done"] == {"mmap_threshold": 131072, "trim_threshold": 262144,
                             "arena_max": 2}


def test_settings_made_in_the_service_environment_are_left_alone():
    r = run("tuned", MALLOC_ARENA_MAX="4", MALLOC_MMAP_THRESHOLD_="65536")
    assert r["done"] == {}
    r = run("tuned", MALLOC_ARENA_MAX="4")
    assert "arena_max" not in r["done"] and r["done"]["mmap_threshold"] == 131072
