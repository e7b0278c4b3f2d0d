"""Handing the C heap's free pages back to the system, at the end of each visit.

glibc keeps memory that was freed in the middle of its heap resident until something asks
for it back (malloc_trim); a visit frees the label textures and widgets of every screen it
showed, and an idle kiosk need not hold on to them (tests/test_memory.py).

The soak also tried two arenas and a fixed mmap threshold (mallopt): resident memory was a
quarter lower, but it crept up by about 1 MB per 1,000 events, where glibc's defaults stayed
level after the warm-up; the defaults were kept (README, "Soak"). IT staff can still set
glibc's own variables (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_) in the service unit.
"""

from __future__ import annotations

import ctypes
import ctypes.util


def _libc():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def give_back_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim; elsewhere
    nothing)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(ctypes.c_size_t(0))
