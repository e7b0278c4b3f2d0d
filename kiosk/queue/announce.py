"""Spoken calling for the hall display: what is said for a call, the chime before it, and the
queue that plays announcements one after another.

"A012 to desk 3" is said as "Numer A dwanaście, stanowisko numer trzy": the sentence is built
here and read through the speech normaliser (kiosk.speech.normalise), which writes ticket codes
and desk numbers out in words; then English and Ukrainian when configured.

The queue never cuts an announcement short: a call that comes while another is spoken waits
its turn; a recall is a new event and is announced again. The chime starts at once; the spoken
clips are rendered on a worker thread as soon as a call is queued (during the chime, or long
before their turn when calls queue up).
Core only: the UI supplies `play(path, done)` and `call_soon(fn)` (its own thread).
"""

from __future__ import annotations

import logging
import math
import queue as queue_mod
import struct
import threading
import time
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# What is said, per language; the normaliser turns "A012" and "3" into words.
TEMPLATES = {
    "pl": "Numer {code}, stanowisko {desk}",
    "en": "Ticket {code}, desk {desk}",
    "uk": "Номер {code}, вікно номер {desk}",
}

CHIME_NAME = "chime-v1.wav"
CHIME_RATE = 22050


def announcement_texts(code: str, desk: int, langs: tuple[str, ...]) -> list[tuple[str, str]]:
    """[(text, lang), ...] in the order they are said; Polish always first."""
    ordered = ["pl"] + [x for x in langs if x != "pl"]
    return [(TEMPLATES[x].format(code=code, desk=desk), x) for x in ordered if x in TEMPLATES]


def make_chime(path: Path) -> Path:
    """A two-tone "ding-dong" (G5 then E5, each with a soft attack and a bell-like decay),
    written once. A WAV made here, so the display needs no sound file of unknown licence."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for freq, seconds in ((784.0, 0.45), (659.25, 0.75)):
        n = int(CHIME_RATE * seconds)
        for i in range(n):
            t = i / CHIME_RATE
            env = min(1.0, t / 0.01) * math.exp(-3.2 * t)
            # a little of the octave above makes it sound like a bell, not a test tone
            v = env * (0.8 * math.sin(2 * math.pi * freq * t)
                       + 0.2 * math.sin(4 * math.pi * freq * t))
            frames += struct.pack("<h", int(v * 0.6 * 32767))
    frames += b"\0\0" * int(CHIME_RATE * 0.15)  # a breath before the voice
    tmp = path.with_suffix(".part")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(CHIME_RATE)
        w.writeframes(bytes(frames))
    tmp.replace(path)
    return path


@dataclass(frozen=True)
class Announcement:
    event_id: int
    kind: str        # "call" or "recall"
    code: str
    desk: int


@dataclass
class Played:
    """One clip that reached the loudspeaker (wall-clock times, for tests and the benchmark)."""

    event_id: int
    code: str
    desk: int
    part: str        # "chime" or the language of the sentence
    path: str
    text: str
    started: float
    ended: float | None = None


@dataclass
class _Entry:
    ann: Announcement
    queued: float
    clips: list[tuple[str, Path, str]] | None = None   # (part, path, spoken text)
    rendered: threading.Event = field(default_factory=threading.Event)


class AnnouncementQueue:
    """Plays announcements strictly one after another, in the order they were queued.

    `lead_in` (the chime) starts each announcement at once; `render(ann)` -> [(part, path,
    text), ...] makes the spoken clips on a worker thread meanwhile (usually done before the
    chime ends). `play(path, done)` starts a clip and calls `done()` once when it has finished
    (from any thread); `call_soon(fn)` runs `fn` on the player's thread (Kivy: the main loop
    through Clock.schedule_once). Everything but rendering happens on the player's thread."""

    def __init__(self, render: Callable[[Announcement], list[tuple[str, Path, str]]],
                 play: Callable[[Path, Callable[[], None]], None],
                 call_soon: Callable[[Callable[[], None]], None], *,
                 lead_in: Path | None = None, clock: Callable[[], float] = time.time):
        self._render, self._play, self._call_soon, self._clock = render, play, call_soon, clock
        self.lead_in = lead_in
        self.pending: deque[_Entry] = deque()
        self.current: _Entry | None = None
        self.played: list[Played] = []
        self.announced: list[int] = []   # event ids whose announcement finished
        self._seen: set[int] = set()
        self._lead: list[tuple[str, Path, str]] = []
        self._waiting_render = False
        self._jobs: queue_mod.Queue[_Entry | None] = queue_mod.Queue()
        self._worker = threading.Thread(target=self._render_loop, daemon=True,
                                        name="announce-render")
        self._worker.start()

    @property
    def busy(self) -> bool:
        return self.current is not None or bool(self.pending)

    def submit(self, ann: Announcement) -> bool:
        """Queue an announcement. An event already queued is ignored: a recall has an event id
        of its own, so it is announced again."""
        if ann.event_id in self._seen:
            return False
        self._seen.add(ann.event_id)
        entry = _Entry(ann, self._clock())
        self.pending.append(entry)
        self._jobs.put(entry)
        self._pump()
        return True

    def close(self) -> None:
        self._jobs.put(None)

    def _render_loop(self) -> None:
        while True:
            entry = self._jobs.get()
            if entry is None:
                return
            try:
                entry.clips = self._render(entry.ann)
            except Exception:  # say what can be said; never stop the queue
                log.exception("cannot render the announcement of %s", entry.ann.code)
                entry.clips = []
            entry.rendered.set()
            self._call_soon(self._pump)

    def _pump(self) -> None:
        if self.current is None:
            if not self.pending:
                return
            self.current = self.pending.popleft()
            self._lead = [("chime", self.lead_in, "")] if self.lead_in is not None else []
            self._next_clip()
        elif self._waiting_render and self.current.rendered.is_set():
            self._waiting_render = False
            self._next_clip()

    def _next_clip(self) -> None:
        entry = self.current
        if entry is None:
            return
        if self._lead:
            part, path, spoken = self._lead.pop(0)
        elif not entry.rendered.is_set():
            self._waiting_render = True  # the render thread's _pump carries on
            return
        elif entry.clips:
            part, path, spoken = entry.clips.pop(0)
        else:
            self.announced.append(entry.ann.event_id)
            self.current = None
            self._pump()
            return
        rec = Played(entry.ann.event_id, entry.ann.code, entry.ann.desk, part, str(path), spoken,
                     self._clock())
        self.played.append(rec)
        done_once = threading.Event()

        def done() -> None:
            if done_once.is_set():
                return
            done_once.set()
            self._call_soon(lambda: self._clip_done(rec))

        try:
            self._play(path, done)
        except Exception:
            log.exception("cannot play %s", path)
            done()

    def _clip_done(self, rec: Played) -> None:
        rec.ended = self._clock()
        self._next_clip()


def speech_renderer(speech, langs: tuple[str, ...]
                    ) -> Callable[[Announcement], list[tuple[str, Path, str]]]:
    """The spoken clips of an announcement, the sentence in each language, from the audio
    cache or espeak-ng (kiosk.speech.service.Speech.clip)."""
    def render(ann: Announcement) -> list[tuple[str, Path, str]]:
        out: list[tuple[str, Path, str]] = []
        for sentence, lang in announcement_texts(ann.code, ann.desk, langs):
            try:
                clip = speech.clip(sentence, lang)
            except Exception as exc:
                log.warning("cannot say %r in %s: %s", sentence, lang, exc)
                continue
            out.append((lang, clip.path, clip.spoken))
        return out
    return render
