"""One resident's visit: language, ticked documents, and the idle reset that ends it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


@dataclass
class ResidentSession:
    """What the kiosk remembers for the person in front of it, and forgets at the idle reset."""

    lang: str = "pl"
    # procedure symbol -> indexes of the documents the resident has ticked as "I have it"
    ticked: dict[str, set[int]] = field(default_factory=dict)
    # (context, symbol) -> the satisfaction answer given, and the reasons tapped after it
    answers: dict[tuple[str, str | None], str] = field(default_factory=dict)
    reasons: dict[tuple[str, str | None], set[str]] = field(default_factory=dict)

    def toggle(self, symbol: str, index: int) -> bool:
        have = self.ticked.setdefault(symbol, set())
        have.symmetric_difference_update({index})
        return index in have

    def has(self, symbol: str, index: int) -> bool:
        return index in self.ticked.get(symbol, ())

    def missing(self, symbol: str, indexes: list[int]) -> list[int]:
        return [i for i in indexes if not self.has(symbol, i)]


class IdleState(Enum):
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


class IdleWatch:
    """Counts time since the last touch. `now` is injectable so tests can move time."""

    def __init__(self, idle_seconds: float, warning_seconds: float,
                 now: Callable[[], float] = time.monotonic):
        self.idle_seconds, self.warning_seconds, self.now = idle_seconds, warning_seconds, now
        self._last = now()

    def touch(self) -> None:
        self._last = self.now()

    @property
    def last_touch(self) -> float:
        return self._last

    def quiet(self) -> float:
        """Seconds since the last touch or key."""
        return self.now() - self._last

    def state(self) -> IdleState:
        quiet = self.quiet()
        if quiet < self.idle_seconds:
            return IdleState.ACTIVE
        if quiet < self.idle_seconds + self.warning_seconds:
            return IdleState.WARNING
        return IdleState.EXPIRED

    def seconds_left(self) -> int:
        """Whole seconds the resident still has to answer the warning."""
        left = self.idle_seconds + self.warning_seconds - (self.now() - self._last)
        return max(0, int(left + 0.999))
