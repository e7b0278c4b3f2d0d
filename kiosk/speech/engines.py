"""TTS engines behind one interface. gTTS (Google, online, natural voices) and espeak-ng
(offline, any speed). Both write a complete file or nothing: audio goes to a temporary file
that is renamed into place, so a crash or a timeout never leaves half an MP3 in the cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kiosk.speech.cache import part_prefix

# espeak-ng words per minute at speed 1.0; 170 is a calm pace for public information.
BASE_WPM = 170


class EngineError(RuntimeError):
    """The engine could not speak this text now (no network, not installed, refused...)."""


def _write_atomically(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Named after this process: a leftover of a killed one is found and removed (cache.py).
    fd, tmp = tempfile.mkstemp(prefix=part_prefix(), suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        if os.path.getsize(tmp) == 0:
            raise EngineError("the engine wrote no audio")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


class Engine:
    name = "engine"
    suffix = ".wav"
    online = False

    def voice(self, lang: str) -> str:
        raise NotImplementedError

    def synthesise(self, text: str, lang: str, speed: float, out: Path) -> Path:
        raise NotImplementedError


class EspeakEngine(Engine):
    name = "espeak-ng"
    suffix = ".wav"
    VOICES = {"pl": "pl", "en": "en-gb", "uk": "uk"}

    def __init__(self, binary: str = "espeak-ng", timeout: float = 20.0):
        self.binary = binary
        self.timeout = timeout

    def available(self) -> bool:
        return shutil.which(self.binary) is not None

    def voice(self, lang: str) -> str:
        return self.VOICES.get(lang, "pl")

    def synthesise(self, text: str, lang: str, speed: float, out: Path) -> Path:
        if not self.available():
            raise EngineError("espeak-ng is not installed (apt-get install espeak-ng)")
        wpm = str(max(80, min(450, round(BASE_WPM * speed))))

        def write(tmp: Path) -> None:
            try:
                # Text on stdin: never parsed as options, whatever a content editor typed.
                subprocess.run([self.binary, "-v", self.voice(lang), "-s", wpm, "-w", str(tmp),
                                "--stdin"], input=text.encode("utf-8"), check=True,
                               timeout=self.timeout, capture_output=True)
            except (subprocess.SubprocessError, OSError) as exc:
                raise EngineError(f"espeak-ng failed: {exc}") from exc

        return _write_atomically(out, write)


class GttsEngine(Engine):
    """Google's voices via gTTS. Needs the network; the text goes to Google, so only public
    texts (content, UI) are ever sent, never what a resident typed."""

    name = "gtts"
    suffix = ".mp3"
    online = True

    def __init__(self, timeout: float = 5.0):
        self.timeout = timeout

    def voice(self, lang: str) -> str:
        return {"pl": "pl", "en": "en", "uk": "uk"}.get(lang, "pl")

    def prepare(self, text: str, lang: str):
        """The gTTS object with its requests prepared (no network): what would be sent."""
        from gtts import gTTS

        return gTTS(text, lang=self.voice(lang), slow=False, timeout=self.timeout)

    def synthesise(self, text: str, lang: str, speed: float, out: Path) -> Path:
        if abs(speed - 1.0) > 1e-6:
            raise EngineError("gTTS speaks at one speed only")
        from gtts import gTTSError

        tts = self.prepare(text, lang)

        def write(tmp: Path) -> None:
            try:
                with tmp.open("wb") as fh:
                    tts.write_to_fp(fh)
            except (gTTSError, OSError, AssertionError) as exc:
                raise EngineError(f"gTTS failed: {exc}") from exc
            except Exception as exc:  # requests' own errors (timeouts, DNS)
                raise EngineError(f"gTTS failed: {exc}") from exc

        return _write_atomically(out, write)


def make_engines(names: tuple[str, ...], gtts_timeout: float) -> list[Engine]:
    out: list[Engine] = []
    for name in names:
        if name == "gtts":
            out.append(GttsEngine(gtts_timeout))
        elif name == "espeak-ng":
            out.append(EspeakEngine())
        else:
            raise ValueError(f"unknown speech engine {name!r}")
    return out
