"""Fill the audio cache ahead of time: every content text and every UI text, in every
language, so the kiosk rarely synthesises while a resident waits.

What needs rendering is worked out from the content and the cache, never from what one sync
changed: `revision_texts` lists every text of the active content revision, `coverage` says
which of them have no clip yet. So a sync killed while rendering leaves clips missing that the
next sync renders (content_sync.hooks.prerender_audio), and `kiosk status` counts them
(kiosk.ops.health.check_audio). `kiosk audio prerender` renders every content and UI text."""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kiosk.kept_results import KeptResults, kept_file, sources_digest
from kiosk.progress import Progress
from kiosk.speech.cache import AudioCache, cache_key
from kiosk.speech.engines import EngineError
from kiosk.speech.normalise import normalise
from kiosk.speech.service import Speech
from kiosk.texts import LocalText

log = logging.getLogger(__name__)

LANGS = ("pl", "en", "uk")
# Held (shared) by whoever renders clips ahead of time, so `kiosk status` can tell a render
# going on now from one that was cut short.
RENDER_LOCK = ".render.lock"


@dataclass
class PrerenderReport:
    texts: int = 0
    already: int = 0
    rendered: dict[str, int] = field(default_factory=dict)  # engine -> files made
    failed: list[str] = field(default_factory=list)
    leftovers_removed: int = 0  # temporary files of killed runs

    @property
    def fell_back(self) -> int:
        """Rendered offline only because the preferred engine failed: tried again next night."""
        return sum(n for e, n in self.rendered.items() if e != "gtts")

    def as_dict(self) -> dict:
        return {"texts": self.texts, "already_cached": self.already, "rendered": self.rendered,
                "failed": len(self.failed), "failures": self.failed[:20],
                "leftovers_removed": self.leftovers_removed}


def prerender_texts(texts: Iterable[tuple[str, str]], speech: Speech, *, online: bool = True,
                    speeds: tuple[float, ...] = (1.0,),
                    progress: Progress | None = None) -> PrerenderReport:
    """Make sure each (text, language) has audio from the preferred engine if it can.

    Each clip is renamed into place complete (kiosk.speech.engines), so a run killed halfway
    keeps every clip it finished and the next run picks up the rest; the temporary files such
    a run left behind are removed first."""
    report = PrerenderReport()
    progress = progress or Progress()
    unique = list(dict.fromkeys(texts))
    progress.stage("audio", len(unique) * len(speeds))
    with rendering(speech.cache):
        report.leftovers_removed = speech.cache.remove_leftovers()
        for text, lang in unique:
            for speed in speeds:
                report.texts += 1
                progress.advance()
                try:
                    clip = speech.clip(text, lang, speed, online=online, preferred_only=True)
                except EngineError as exc:
                    report.failed.append(f"{lang}: {text[:40]!r}: {exc}")
                    continue
                if clip.cached:
                    report.already += 1
                else:
                    report.rendered[clip.engine] = report.rendered.get(clip.engine, 0) + 1
        speech.cache.flush_counts()
    made = sum(report.rendered.values())
    progress.done(f"{made} rendered, {report.already} cached, {len(report.failed)} failed")
    return report


def content_texts(content, langs=("pl", "en", "uk")) -> list[tuple[str, str]]:
    """Every text a resident can hear from the content, in each language (Polish stands in
    for a missing translation and is spoken in Polish)."""
    out: list[tuple[str, str]] = []

    def add(value: LocalText | None) -> None:
        if value is None:
            return
        for lang in langs:
            shown = value.show(lang)
            out.append((shown.text, shown.lang))

    for cat in content.categories():
        add(cat.name)
        add(cat.description)
        for p in content.procedures_in(cat.code):
            g = content.guide(p.symbol)
            for v in (g.title, g.summary, g.who_may_apply, g.fee_exemptions, g.payment_methods,
                      g.deadline, g.notes, g.appeal_none, *g.steps):
                add(v)
            for d in g.documents:
                add(d.name)
                add(d.note)
            for f in g.fees:
                add(f.name)
            if g.appeal:
                add(g.appeal.to)
                add(g.appeal.how)
    for d in content.departments():
        add(d.name)
        add(d.scope)
    for f in content.forms():
        add(f.title)
        add(f.description)
    for r in content.rates():
        add(r.name)
    return out


def ui_texts(langs=("pl", "en", "uk")) -> list[tuple[str, str]]:
    """Every UI catalogue string as each language shows it (placeholders left out)."""
    from babel.messages.pofile import read_po

    from kiosk.i18n import LOCALE_DIR, translator

    with (LOCALE_DIR / "kiosk.pot").open("rb") as fh:
        template = read_po(fh)
    out = []
    for msg in template:
        if not msg.id or isinstance(msg.id, tuple) or "{" in msg.id:
            continue
        for lang in langs:
            out.append((translator(lang)._(str(msg.id)), lang))
    return out


# --- what is missing ----------------------------------------------------------------------------

def revision_texts(session, revision_id: int | None = None,
                   langs: tuple[str, ...] = LANGS) -> list[tuple[str, str]]:
    """Every resident-facing text of a content revision (the active one by default) as
    (text, language it is spoken in), in each language, Polish standing in for a missing
    translation: every LocalText column of the content tables and of their child rows (steps,
    documents, fees, form fields). The same texts the sync collects from the records it applied.
    """
    from sqlalchemy import select

    from kiosk.db import models as m
    from kiosk.db.base import LocalTextType
    from kiosk.db.schema import Base

    if revision_id is None:
        revision_id = session.scalar(select(m.ContentRevision.id)
                                     .where(m.ContentRevision.active.is_(True)))
        if revision_id is None:
            return []
    out: list[tuple[str, str]] = []

    def collect(table, source, where) -> None:
        cols = [c for c in table.columns if isinstance(c.type, LocalTextType)]
        if not cols:
            return
        for row in session.execute(select(*cols).select_from(source).where(where)
                                   .order_by(table.c.id)):
            for value in row:
                if value is None:
                    continue
                for lang in langs:
                    shown = value.show(lang)
                    out.append((shown.text, shown.lang))

    # Every table of a revision (the content's, the closures', the "not here" entries'...),
    # so that nothing the sync collects from the records it applied is missing here.
    per_revision = sorted((mp.class_ for mp in Base.registry.mappers
                           if "revision_id" in mp.local_table.c), key=lambda c: c.__name__)
    for cls in per_revision:
        table = cls.__table__
        collect(table, table, table.c.revision_id == revision_id)
        for rel in cls.__mapper__.relationships:
            child = rel.mapper.local_table
            collect(child, child.join(table), table.c.revision_id == revision_id)
    return out


def _spoken(text: str, lang: str) -> str:
    # A sync asks for the clips of every text of a revision up to three times (what to
    # render, what to keep, what is covered), and `kiosk status` once more, each a process
    # of its own: the grammar work once per text and per version of the normalisers
    # (~0.5 s of every status for the sample, a dictionary load included).
    return str(_kept_spoken().get(f"{lang}\x1f{text}"))


def _normalise_key(key: str) -> str:
    lang, text = key.split("\x1f", 1)
    return normalise(text, lang)


@lru_cache(maxsize=1)
def _kept_spoken() -> KeptResults:
    from importlib.metadata import PackageNotFoundError, version

    code = [*Path(__file__).parent.glob("*.py"), Path(__file__).parent.parent / "morphology.py"]
    try:
        versions = "-".join(version(p) for p in ("num2words", "morfeusz2", "pymorphy3-dicts-uk"))
        path: Path | None = kept_file("spoken", sources_digest(code), versions)
    except (PackageNotFoundError, OSError):
        path = None
    return KeptResults(path, _normalise_key)


def clip_names(speech: Speech, text: str, lang: str, speed: float = 1.0) -> set[str]:
    """The file names a clip of `text` may have in the cache, one per configured engine (a
    stand-in from the offline engine counts: the kiosk plays it)."""
    spoken = _spoken(text, lang)
    if not spoken:
        return set()  # nothing to say: no clip needed
    return {cache_key(e.name, e.voice(lang), lang, speed, spoken) + e.suffix
            for e in speech.engines}


@dataclass(frozen=True)
class Coverage:
    """How many of the clips the texts need are in the cache (texts said alike share one)."""

    wanted: int
    missing: list[tuple[str, str]]  # one (text, language) per missing clip

    @property
    def present(self) -> int:
        return self.wanted - len(self.missing)


def coverage(texts: Iterable[tuple[str, str]], speech: Speech, speed: float = 1.0) -> Coverage:
    """Which clips the texts need are in the cache from no engine yet: one listing of the cache
    and a hash per text, a fraction of a second for the whole content."""
    present = speech.cache.names()
    clips: dict[frozenset[str], tuple[str, str]] = {}
    for text, lang in dict.fromkeys(texts):
        names = frozenset(clip_names(speech, text, lang, speed))
        if names:
            clips.setdefault(names, (text, lang))
    _kept_spoken().save()
    missing = [pair for names, pair in clips.items() if not names & present]
    return Coverage(len(clips), missing)


@contextlib.contextmanager
def rendering(cache: AudioCache) -> Iterator[None]:
    """Mark a render going on (a shared lock: several may render at once); released when the
    process ends, however it ends."""
    cache.folder.mkdir(parents=True, exist_ok=True)
    with open(cache.folder / RENDER_LOCK, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH)
        yield


def render_running(cache: AudioCache) -> bool:
    """Whether some process is rendering clips ahead of time right now."""
    path = cache.folder / RENDER_LOCK
    if not path.exists():
        return False
    with open(path) as fh:  # read only: `kiosk status` may run as another user
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False
