"""C heap settings for a process that runs for weeks (the kiosk, the hall display).

Screens come and go all day, each with label textures of hundreds of KB, and every worker
thread (speech, search, printing, usage) allocates too. With glibc's defaults much of what is
freed stays resident: each thread may get an arena of its own, and after the first large block
is freed glibc raises its mmap threshold (up to 32 MB), so later large blocks come from the
heap and leave holes there (tests/test_memory.py shows it). In two 10,000-event soaks
(bench/soak.py --glibc-defaults, after its tour) the kiosk ended at 480 and 500 MiB with the
defaults, growing by -0.2 and +25.6 MiB after the warm-up; with two arenas and a fixed
threshold, at 374 and 369 MiB, growing by +4.8 and +7.1 MiB.

IT staff can still set glibc's own environment variables (MALLOC_ARENA_MAX,
MALLOC_MMAP_THRESHOLD_) in the service unit; a setting made that way is left alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

log = logging.getLogger(__name__)

# mallopt parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

# Kept fixed. Blocks from here up (a paragraph's texture) are mapped and go back to the
# system when freed. Smaller ones (a tile's or a result row's pixels, a label's surface) come
# from the heap, whose freed pages are reused warm by the next tap and handed back by
# give_back_free_memory when pages are let go and at the end of a visit. At glibc's starting
# value (128 KiB) every such block was a fresh mapping: ~1,400 page faults and 4.5 ms of
# system time a tap, 2-5 ms more per tap than at 512 KiB (bench/run.py, same run), for 1 MiB
# less memory.
MMAP_THRESHOLD = 512 * 1024
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # glibc's pairing of the two
ARENA_MAX = 2


def _libc():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def tune_malloc() -> dict[str, int]:
    """Apply the settings above, before the window and the worker threads start. Returns
    what was set (empty where this is not glibc, or where the environment decides)."""
    libc = _libc()
    if libc is None:
        return {}
    settings = {}
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        settings["mmap_threshold"] = (M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
            settings["trim_threshold"] = (M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    if "MALLOC_ARENA_MAX" not in os.environ:
        settings["arena_max"] = (M_ARENA_MAX, ARENA_MAX)
    done = {}
    for name, (param, value) in settings.items():
        if libc.mallopt(ctypes.c_int(param), ctypes.c_int(value)) == 1:
            done[name] = value
        else:
            log.warning("mallopt %s=%s was refused", name, value)
    return done


def give_back_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(ctypes.c_size_t(0))
