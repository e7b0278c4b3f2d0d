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


def prerender_audio(cfg, Session_, texts: list[tuple[str, str]],
                    all_texts: list[tuple[str, str]] | None = None, *,
                    progress=None) -> tuple[str, dict]:
    """Render every clip the active content still lacks, and prune audio no text uses any more.

    What to render comes from the content and the cache, not from what this sync changed: the
    texts of the active content revision in the kiosk database (`Session_`) with no clip yet,
    after `texts`, the texts this sync added or changed (each in the language it is spoken in,
    Polish standing in for a missing translation), which go first and are offered to the
    preferred engine again. So a sync killed while rendering leaves clips missing that the next
    one renders, even when nothing changed centrally; when nothing is missing this costs a
    listing of the cache and a hash per text. `all_texts`: the texts of the records this sync
    applied (None when it applied nothing: nothing is pruned then). Runs after the new content
    is committed; a failure here never undoes the content (the kiosk synthesises a missing clip
    with espeak-ng at run time). Returns a short line for the report and details.

    THE audio call site of the sync, through kiosk.speech.prerender. gTTS when reachable,
    espeak-ng otherwise: a changed text spoken offline is offered to gTTS again on a later
    night only if it changes again or its clip is pruned (`kiosk audio prerender` offers every
    text)."""
    if not speech_layer_installed():
        return AUDIO_NOT_INSTALLED, {}
    try:
        from kiosk.speech import prerender
        from kiosk.speech.service import open_speech

        speech = open_speech(cfg)
        with Session_() as s:
            wanted = prerender.revision_texts(s)
        before = prerender.coverage(wanted, speech)
        todo = list(texts) + before.missing
        detail: dict = {"wanted": before.wanted, "missing_before": len(before.missing)}
        made = fell_back = 0
        failed: list[str] = []
        if todo:  # prerender_texts also removes what killed runs left half-written
            result = prerender.prerender_texts(todo, speech, online=True, progress=progress)
            detail["rendered"] = result.as_dict()
            made, fell_back, failed = sum(result.rendered.values()), result.fell_back, \
                result.failed
        else:
            speech.cache.remove_leftovers()
        pruned = 0
        if all_texts is not None:
            # Keep every clip a content or UI text may ask for; delete the rest.
            keep_texts = wanted + list(all_texts) + prerender.ui_texts()
            keep: set[str] = set()
            for text, lang in dict.fromkeys(keep_texts):
                keep |= speech.keys_for(text, lang)
            pruned = speech.cache.prune(keep)
        detail["pruned"] = pruned
        after = prerender.coverage(wanted, speech) if todo else before
        detail["missing_after"] = len(after.missing)
        if not todo and not pruned:
            return f"not needed: all {after.wanted:,} clips present", detail
        left = (f"all {after.wanted:,} clips present" if not after.missing else
                f"{len(after.missing):,} of {after.wanted:,} clips still missing")
        return (f"{made} clip(s) rendered ({fell_back} offline), "
                f"{len(failed)} failed, {pruned} pruned; {left}"), detail
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
