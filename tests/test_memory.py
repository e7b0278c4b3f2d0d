"""The C heap settings of the long-running processes (kiosk/memory.py), checked against
glibc's real malloc in fresh processes (the settings are per process and one-way)."""

import json
import os
import subprocess
import sys

import pytest

from kiosk import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

# Label textures are a few hundred KB (a tile) to a few MB (a paragraph). glibc maps the first
# large block and, once it is freed, raises its threshold so the next ones come from the heap,
# where their holes stay. With the kiosk's settings the threshold stays put: blocks above it
# keep being mapped and go back to the system on free; smaller ones come from the heap and go
# back when the kiosk trims it (give_back_free_memory, when pages are let go).
SCRIPT = r"""
import ctypes, json, sys
sys.path.insert(0, sys.argv[2])
from kiosk.ops.memory import give_back_free_memory, tune_malloc
from kiosk.ops.probe import rss_kib

done = tune_malloc() if sys.argv[1] == "tuned" else {}
size = int(sys.argv[3]) * 1024

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
first = bytearray(size)
del first
mapped_before = libc.mallinfo2().hblkhd
textures, pinned = [], []
for _ in range(40):  # each texture followed by a small block that outlives it
    textures.append(bytearray(size))
    pinned.append(bytearray(2048))
mapped = libc.mallinfo2().hblkhd - mapped_before
with_textures = rss_kib()
del textures
freed = rss_kib()
give_back_free_memory()
print(json.dumps({"done": done, "mapped_mib": mapped / 2**20,
                  "given_back_mib": (with_textures - freed) / 1024,
                  "trimmed_mib": (with_textures - rss_kib()) / 1024}))
"""


def run(mode: str, kib: int = 800, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(PROJECT_ROOT), str(kib)],
                         env={**clean, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_texture_sized_buffers_stay_mapped_and_go_back_to_the_system_when_freed():
    plain, tuned = run("plain"), run("tuned")
    # Without the settings the buffers come from the heap and stay resident after free
    # (the problem the soak found); with them, all 40 (31 MiB) are mapped and returned.
    assert plain["mapped_mib"] < 1 and plain["given_back_mib"] < 2, plain
    assert tuned["mapped_mib"] > 30, tuned
    assert tuned["given_back_mib"] > 28, tuned
    assert tuned["done"] == {"mmap_threshold": 512 * 1024, "trim_threshold": 1024 * 1024,
                             "arena_max": 2}


def test_smaller_buffers_come_from_the_heap_and_go_back_when_it_is_trimmed():
    """A tile's pixels: reused warm from the heap by the next tap, and handed back to the
    system by the trim that follows a let-go page, though small blocks pin the holes."""
    tuned = run("tuned", kib=300)
    assert tuned["mapped_mib"] < 1, tuned
    assert tuned["trimmed_mib"] > 10, tuned


def test_settings_made_in_the_service_environment_are_left_alone():
    r = run("tuned", MALLOC_ARENA_MAX="4", MALLOC_MMAP_THRESHOLD_="65536")
    assert r["done"] == {}
    r = run("tuned", MALLOC_ARENA_MAX="4")
    assert "arena_max" not in r["done"] and r["done"]["mmap_threshold"] == 512 * 1024
