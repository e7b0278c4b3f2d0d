"""What the sync does beside the content itself: audio and usage events.

Both are hooks for layers being built elsewhere; each call site is this one function, so wiring
them changes nothing else in the sync.
"""

from __future__ import annotations

import importlib.util
import logging

log = logging.getLogger(__name__)

PRERENDER_MODULE = "kiosk.speech.prerender"
AUDIO_NOT_INSTALLED = "skipped (speech layer not installed)"


def speech_layer_installed() -> bool:
    try:
        return importlib.util.find_spec(PRERENDER_MODULE) is not None
    except ModuleNotFoundError:  # kiosk.speech itself is missing
        return False


def prerender_audio(cfg, texts: list[tuple[str, str]],
                    all_texts: list[tuple[str, str]]) -> tuple[str, dict]:
    """Render audio for new and changed texts and prune audio no text uses any more.

    `texts`: (text, language) pairs of the records added or changed by this sync, each text in
    the language it is spoken in (Polish standing in for a missing translation); `all_texts`:
    the same for the whole new revision. Runs after the new content is committed; a failure here
    never undoes the content (the kiosk synthesises a missing clip with espeak-ng at run time).
    Returns a short line for the report and details.

    THE audio call site of the sync. It calls kiosk.speech.prerender.prerender_texts only when
    that module exists; it assumes the API of the speech layer as drafted in the lead's
    worktree (prerender_texts(texts, speech, online=True) -> report with as_dict() and
    fell_back, open_speech(cfg), speech.keys_for(text, lang), speech.cache.prune(keep),
    ui_texts()). gTTS when reachable, espeak-ng otherwise: clips made offline are re-rendered
    by gTTS on a later night because prerender_texts asks for the preferred engine only."""
    if not speech_layer_installed():
        return AUDIO_NOT_INSTALLED, {}
    try:
        from kiosk.speech import prerender
        from kiosk.speech.service import open_speech

        speech = open_speech(cfg)
        result = prerender.prerender_texts(texts, speech, online=True)
        detail = {"rendered": result.as_dict()}
        # Keep every clip a content or UI text may ask for; delete the rest.
        keep_texts = list(all_texts) + prerender.ui_texts()
        keep: set[str] = set()
        for text, lang in dict.fromkeys(keep_texts):
            keep |= speech.keys_for(text, lang)
        pruned = speech.cache.prune(keep)
        detail["pruned"] = pruned
        made = sum(result.rendered.values())
        return (f"{made} clip(s) rendered ({result.fell_back} offline, re-rendered later), "
                f"{len(result.failed)} failed, {pruned} pruned"), detail
    except Exception as exc:  # audio must never cost the residents their new content
        log.exception("audio prerender failed")
        return f"failed: {exc}"[:300], {"error": repr(exc)[:500]}


def push_usage_events(cfg, source_url: str, password: str | None, Session_=None):
    """Push the kiosk's anonymous usage events to the central database, exactly once, then
    delete local events older than `[usage] retention_days` (content_sync.usage_push).
    Returns the PushResult. The caller keeps a failure here out of the content's outcome."""
    from content_sync.usage_push import push_usage

    engine = None
    if Session_ is None:
        from kiosk.db.engine import make_engine, session_factory

        engine = make_engine(cfg.paths.effective_database_url)
        Session_ = session_factory(engine)
    try:
        return push_usage(Session_, source_url, password, batch=cfg.usage.push_batch,
                          retention_days=cfg.usage.retention_days,
                          connect_timeout=cfg.sync.connect_timeout,
                          statement_timeout=cfg.sync.statement_timeout)
    finally:
        if engine is not None:
            engine.dispose()
