"""The morphology dictionaries, loaded once per process and shared: Polish (morfeusz2, SGJP)
and Ukrainian (pymorphy3 with pymorphy3-dicts-uk). Speech uses them to put numbers in the case
a sentence demands, search to match words by lemma.

Each is optional: where it cannot be installed or loaded (morfeusz2 has no wheel for the
platform, say) its getter returns None after one warning, and callers keep their simpler
behaviour. The kiosk always starts."""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_loaded: dict[str, Any] = {}
# morfeusz2's Morfeusz is one C++ object, not documented as safe across threads: speech (audio
# worker threads) and search (its serial thread) call it under this lock; results worth
# keeping are cached by the callers.
POLISH_LOCK = threading.Lock()


def _load(name: str, make) -> Any:
    with _lock:
        if name not in _loaded:
            try:
                _loaded[name] = make()
            except Exception as exc:  # ImportError, a missing dictionary, a broken wheel
                log.warning("%s morphology unavailable (%s: %s); falling back to the plain "
                            "forms", name, type(exc).__name__, exc)
                _loaded[name] = None
        return _loaded[name]


def polish() -> Any:
    """A morfeusz2.Morfeusz that both analyses and generates, or None."""
    def make():
        import morfeusz2

        return morfeusz2.Morfeusz(analyse=True, generate=True)
    return _load("Polish", make)


def ukrainian() -> Any:
    """A pymorphy3.MorphAnalyzer for Ukrainian, or None."""
    def make():
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang="uk")
    return _load("Ukrainian", make)
