"""Speech as the kiosk uses it: text in, a playable audio file out.

At run time the kiosk plays from the cache and synthesises a miss with espeak-ng locally (it
never waits for the network while a resident listens). The nightly prerender asks the engines
in the configured order (gTTS first) and falls back to espeak-ng at once when gTTS fails; since
the cache key names the engine, a sentence spoken by espeak-ng tonight is offered to gTTS again
on a later night.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.speech.cache import AudioCache, cache_key
from kiosk.speech.engines import Engine, EngineError, EspeakEngine, make_engines

log = logging.getLogger(__name__)

SPEEDS = (0.8, 1.0, 1.25, 1.5, 2.0)
VOLUMES = (0.25, 0.5, 0.75, 1.0)


def _normalise(text: str, lang: str) -> str:
    # Imported on the first text spoken (num2words and the grammar tables, ~55 ms): the
    # window imports this module for its settings and must not wait for them.
    from kiosk.speech.normalise import normalise

    return normalise(text, lang)


@dataclass(frozen=True)
class Clip:
    path: Path
    engine: str
    cached: bool
    spoken: str  # the normalised text


class Speech:
    # An online engine that failed this many times in a row is not asked again by this
    # instance: a night's prerender must not wait out thousands of network timeouts.
    GIVE_UP_AFTER = 3

    def __init__(self, cache: AudioCache, engines: list[Engine]):
        self.cache = cache
        self.engines = engines or [EspeakEngine()]
        self._failures: dict[str, int] = {}

    def _key(self, engine: Engine, spoken: str, lang: str, speed: float) -> str:
        return cache_key(engine.name, engine.voice(lang), lang, speed, spoken)

    def clip(self, text: str, lang: str, speed: float = 1.0, *, online: bool = False,
             preferred_only: bool = False) -> Clip:
        """Audio for `text`. `online`: offline engines are not the only ones asked on a miss.
        `preferred_only`: a hit counts only for the first usable engine (prerender)."""
        spoken = _normalise(text, lang)
        if not spoken:
            raise EngineError("nothing to say")
        usable = [e for e in self.engines if (online or not e.online)
                  and self._failures.get(e.name, 0) < self.GIVE_UP_AFTER]
        lookup = usable[:1] if preferred_only else self.engines
        for e in lookup:
            found = self.cache.find(self._key(e, spoken, lang, speed), e.suffix)
            if found is not None:
                self.cache.count(True)
                return Clip(found, e.name, True, spoken)
        self.cache.count(False)
        errors = []
        for e in usable:
            key = self._key(e, spoken, lang, speed)
            if preferred_only and e is not usable[0]:
                found = self.cache.find(key, e.suffix)
                if found is not None:  # the stand-in from an earlier night will do
                    return Clip(found, e.name, True, spoken)
            try:
                path = e.synthesise(spoken, lang, speed, self.cache.path(key, e.suffix))
            except EngineError as exc:
                # Say nothing to the resident: the next engine speaks at once.
                log.info("%s could not speak (%s); trying the next engine", e.name, exc)
                errors.append(f"{e.name}: {exc}")
                if e.online:
                    self._failures[e.name] = self._failures.get(e.name, 0) + 1
                continue
            self._failures.pop(e.name, None)
            return Clip(path, e.name, False, spoken)
        raise EngineError("; ".join(errors) or "no speech engine")

    def keys_for(self, text: str, lang: str, speed: float = 1.0) -> set[str]:
        spoken = _normalise(text, lang)
        return {self._key(e, spoken, lang, speed) for e in self.engines}


def open_speech(cfg) -> Speech:
    folder = cfg.speech.cache_dir or cfg.paths.data_dir / "audio"
    return Speech(AudioCache(folder), make_engines(cfg.speech.engines, cfg.speech.gtts_timeout))
