"""Fill the audio cache ahead of time: every content text and every UI text, in every
language, so the kiosk rarely synthesises while a resident waits. Run nightly after the
content sync (`kiosk audio prerender`); the sync calls `prerender_texts` for what changed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from kiosk.speech.engines import EngineError
from kiosk.speech.service import Speech
from kiosk.texts import LocalText

log = logging.getLogger(__name__)


@dataclass
class PrerenderReport:
    texts: int = 0
    already: int = 0
    rendered: dict[str, int] = field(default_factory=dict)  # engine -> files made
    failed: list[str] = field(default_factory=list)

    @property
    def fell_back(self) -> int:
        """Rendered offline only because the preferred engine failed: tried again next night."""
        return sum(n for e, n in self.rendered.items() if e != "gtts")

    def as_dict(self) -> dict:
        return {"texts": self.texts, "already_cached": self.already, "rendered": self.rendered,
                "failed": len(self.failed), "failures": self.failed[:20]}


def prerender_texts(texts: Iterable[tuple[str, str]], speech: Speech, *, online: bool = True,
                    speeds: tuple[float, ...] = (1.0,)) -> PrerenderReport:
    """Make sure each (text, language) has audio from the preferred engine if it can."""
    report = PrerenderReport()
    for text, lang in dict.fromkeys(texts):  # unique, in order
        for speed in speeds:
            report.texts += 1
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
