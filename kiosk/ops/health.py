"""Health of every part of the kiosk, for `kiosk status` (monitoring) and the admin screen.

Each check returns a Component with a state word and whether staff must act. `kiosk status`
exits 1 when any component needs staff: no paper, the last two syncs failed or the last sync
rejected records, the queue database unreachable, the disk nearly full, the app stopped or
frozen, no content. Slow checks (printer, queue database) are bounded by [health]
check_timeout.
"""

from __future__ import annotations

import concurrent.futures
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kiosk import __version__
from kiosk.config import KioskConfig
from kiosk.i18n import N_
from kiosk.messages import Decimal1, Message, Percent, msg
from kiosk.ops.heartbeat import heartbeat_path, read_heartbeat

OK, WARN, FAIL, UNKNOWN, STOPPED = "ok", "warn", "fail", "unknown", "stopped"


@dataclass(frozen=True)
class Component:
    name: str
    state: str  # ok, warn, fail, unknown, stopped
    staff: bool  # someone must act
    detail: str  # English, for `kiosk status` and the logs
    data: dict = field(default_factory=dict)
    # The same for the staff screen, translated there (None: only `detail` is known).
    message: Message | None = field(default=None, compare=False)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("message")
        return d

    def text(self, tr) -> str:
        """The detail in the translator's language."""
        return self.message.render(tr) if self.message is not None else self.detail


def _c(name: str, state: str, staff: bool, message: Message, data: dict | None = None,
       detail: str | None = None) -> Component:
    """A component whose English detail is its message in the source language."""
    return Component(name, state, staff, message.english() if detail is None else detail,
                     data or {}, message)


# Printer states and the printer's own fixed words, for the staff screen.
PRINTER_STATES = {
    "ready": N_("ready"), "paper_near_end": N_("paper running out"),
    "paper_out": N_("out of paper"), "cover_open": N_("cover open"), "offline": N_("offline"),
    "error": N_("printer error"), "unknown": N_("state unknown"),
}
PAPER_WORDS = {"out": N_("out"), "near end": N_("near end"), "ok": N_("OK"),
               "unknown": N_("unknown")}
PRINTER_DETAILS = {
    "the printer did not answer": N_("the printer did not answer"),
    "the cover is open": N_("the cover is open"),
    "out of paper": N_("out of paper"),
    "recoverable error, the printer will come back":
        N_("recoverable error, the printer will come back"),
    "printer error": N_("printer error"),
    "autocutter error": N_("autocutter error"),
    "unrecoverable error": N_("unrecoverable error"),
    "the printer is offline": N_("the printer is offline"),
    "no answer about the paper": N_("no answer about the paper"),
    "paper is running out": N_("paper is running out"),
    "ready": N_("ready"),
}


def printer_detail(detail: str) -> Message | None:
    """A printer's detail as a message, when it is one of the fixed sentences (an error from
    the system is left to `kiosk status` and the log)."""
    import re

    if detail in PRINTER_DETAILS:
        return msg(PRINTER_DETAILS[detail])
    patterns = [
        (r"preview printer writing to (?P<path>.+)", N_("preview printer writing to {path}")),
        (r"cannot write to (?P<path>.+)", N_("cannot write to {path}")),
        (r"(?P<device>.+) cannot report its status", N_("{device} cannot report its status")),
        (r"no answer within (?P<seconds>\d+) s", N_("no answer within {seconds} s")),
        (r"unexpected status byte (?P<byte>0x[0-9a-f]+)", N_("unexpected status byte {byte}")),
    ]
    for pattern, msgid in patterns:
        m = re.fullmatch(pattern, detail)
        if m:
            return Message(msgid, m.groupdict())
    return None


def printer_message(state: str, detail: str, paper: str | None = None) -> Message:
    """"ready, paper OK (the printer's detail)" for staff, in their language."""
    state_word = msg(PRINTER_STATES.get(state, N_("state unknown")))
    said = printer_detail(detail)
    if paper is None:
        if said is None:
            return state_word
        return msg(N_("{state}: {detail}"), state=state_word, detail=said)
    paper_word = msg(PAPER_WORDS.get(paper, N_("unknown")))
    if said is None:
        return msg(N_("{state}, paper: {paper}"), state=state_word, paper=paper_word)
    return msg(N_("{state}, paper: {paper} ({detail})"), state=state_word, paper=paper_word,
               detail=said)


# Outcomes of a sync and the audio line of its report, for the staff screen.
SYNC_OUTCOMES = {
    "ok": N_("updated"), "unchanged": N_("no changes"), "partial": N_("partly applied"),
    "usage": N_("not configured"), "rejected": N_("central data refused"),
    "unreachable": N_("central database unreachable"), "local": N_("local failure"),
}
SYNC_AUDIO = {
    "not needed": N_("not needed"),
    "skipped ([sync] render_audio = false)": N_("not rendered on this kiosk"),
    "stopped while rendering; the next sync renders what is missing":
        N_("stopped while rendering; the next sync renders what is missing"),
}


def sync_outcome(outcome: str) -> Message | str:
    return msg(SYNC_OUTCOMES[outcome]) if outcome in SYNC_OUTCOMES else outcome


def sync_summary(r) -> Message:
    """One sync report (kiosk.ops.sync_reports.SyncReportView) for staff, in their language."""
    when = r.started_at
    none = msg(N_("none"))
    if r.failed:
        error = str(r.detail.get("error", "") or "")
        args = {"outcome": sync_outcome(r.outcome), "when": when,
                "revision": r.revision_before if r.revision_before is not None else none}
        if error:
            return msg(N_("{outcome} at {when}: {error}; the content stays at central "
                          "revision {revision}"), error=error, **args)
        return msg(N_("{outcome} at {when}; the content stays at central revision {revision}"),
                   **args)
    if r.revision_after != r.revision_before:
        moved = msg(N_("revision {before} → {after}"),
                    before=r.revision_before if r.revision_before is not None else none,
                    after=r.revision_after)
    else:
        moved = msg(N_("revision {revision}, nothing changed"), revision=r.revision_after)
    counts = msg(N_("added {added}, changed {changed}, removed {removed}, "
                    "rejected {rejected}"), added=r.added, changed=r.changed,
                 removed=r.removed, rejected=r.rejected)
    audio = r.audio or ""
    if audio in SYNC_AUDIO:
        audio_word: Message | None = msg(SYNC_AUDIO[audio])
    elif audio.startswith("not needed"):
        audio_word = msg(N_("not needed"))
    elif audio.startswith("failed"):
        audio_word = msg(N_("failed"))
    elif "rendered" in audio:
        audio_word = msg(N_("clips rendered"))
    else:
        audio_word = None
    parts: list[Message] = [
        msg(N_("{outcome} at {when}: {revision}"), outcome=sync_outcome(r.outcome), when=when,
            revision=moved), counts]
    if audio_word is not None:
        parts.append(msg(N_("audio: {audio}"), audio=audio_word))
    parts.append(msg(N_("{seconds} s"), seconds=Decimal1(r.duration_s)))
    if "usage_events_error" in r.detail:
        parts.append(msg(N_("usage events not sent: {error}"),
                         error=str(r.detail["usage_events_error"])))
    elif "usage_events_pushed" in r.detail:
        parts.append(msg(N_("usage events sent: {n}"), n=int(r.detail["usage_events_pushed"])))
    return _joined(parts)


def _joined(parts: list[Message]) -> Message:
    out = parts[0]
    for p in parts[1:]:
        out = msg(N_("{first}; {second}"), first=out, second=p)
    return out


# The kinds of content records (kiosk.content.format.RECORD_KINDS), for staff.
RECORD_KIND_WORDS = {
    "category": N_("category record"), "department": N_("department record"),
    "queue_category": N_("queue category record"), "form": N_("form record"),
    "rate": N_("rate record"), "announcement": N_("announcement record"),
    "procedure": N_("procedure record"), "synonym": N_("synonym record"),
}


def rejected_message(r) -> Message:
    """What staff must fix centrally after a sync that rejected records (rejected_line)."""
    text = msg(N_("central records rejected at the sync of {when}: {n}; the kiosk keeps their "
                  "last good versions"), when=r.started_at, n=r.rejected)
    refused = r.refused_deletions
    if refused:
        which = _joined([msg(N_("{kind} {key}"), kind=msg(RECORD_KIND_WORDS[x["kind"]])
                             if x["kind"] in RECORD_KIND_WORDS else x["kind"],
                             key=repr(x["key"])) for x in refused[:3]])
        text = msg(N_("{first}; deletions refused because other records still use them: {n} "
                      "({which})"), first=text, n=len(refused), which=which)
    return msg(N_("{first} (fix them centrally; kiosk sync lists them)"), first=text)


@dataclass(frozen=True)
class Health:
    components: list[Component]
    version: str = __version__

    @property
    def ok(self) -> bool:
        return not any(c.staff for c in self.components)

    @property
    def problems(self) -> list[str]:
        return [f"{c.name}: {c.detail}" for c in self.components if c.staff]

    def get(self, name: str) -> Component:
        return next(c for c in self.components if c.name == name)


def _within(seconds: float, fn, name: str) -> Component:
    """A slow check in a daemon thread: a hung printer or database must not hang `status`."""
    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"health-{name}")
    fut = pool.submit(fn)
    pool.shutdown(wait=False)
    try:
        return fut.result(timeout=seconds)
    except concurrent.futures.TimeoutError:
        return _c(name, FAIL, True, msg(N_("no answer within {seconds} s"),
                                         seconds=int(round(seconds))))
    except Exception as exc:  # a check that breaks is itself a finding
        error = f"{type(exc).__name__}: {exc}"[:280]
        return _c(name, FAIL, True, msg(N_("check failed: {error}"), error=error),
                  detail=f"check failed: {error}"[:300])


# --- the checks -------------------------------------------------------------------------------

def check_app(cfg: KioskConfig, now: float | None = None) -> Component:
    hb = read_heartbeat(heartbeat_path(cfg))
    now = time.time() if now is None else now
    if hb is None:
        return _c("app", UNKNOWN, False,
                  msg(N_("no heartbeat yet (the kiosk has not run here)")))
    age = now - hb["time"]
    data = {"age_s": round(age, 1), "pid": hb.get("pid"), "screen": hb.get("screen"),
            "uptime_s": round(hb["time"] - hb["started"], 0) if "started" in hb else None}
    if hb.get("stopped"):
        reason = str(hb.get("reason", "exit"))
        return _c("app", STOPPED, True, msg(N_("stopped: {reason}"), reason=msg(
            STOP_REASONS[reason]) if reason in STOP_REASONS else reason), data,
            detail=f"stopped: {reason}")
    if age > cfg.health.heartbeat_stale_seconds:
        return _c("app", FAIL, True, msg(N_("no heartbeat for {age} s: the kiosk is not "
                                            "running or is frozen"), age=int(round(age))),
                  data, detail=f"no heartbeat for {age:.0f} s: the kiosk is not running or "
                               f"is frozen")
    return _c("app", OK, False, msg(N_("running, last heartbeat {age} s ago"),
                                    age=int(round(age))), data,
              detail=f"running, last heartbeat {age:.0f} s ago")


STOP_REASONS = {"exit": N_("exit"), "stopped": N_("stopped"), "restart": N_("restart"),
                "idle": N_("idle")}


def check_content(core) -> Component:
    st = core.content.status()
    data = {"revision": st.revision, "revision_id": st.revision_id, "loaded_at": st.loaded_at,
            "checksum": st.checksum, "counts": st.counts}
    if not st.revision:
        return _c("content", FAIL, True, msg(N_("no content loaded")), data)
    return _c("content", OK, False, msg(N_("revision {revision}"), revision=str(st.revision)), data)


def check_sync(core) -> Component:
    from kiosk.ops.sync_reports import recent_reports

    reports = recent_reports(core.Session, 2)
    if not reports:
        return _c("sync", UNKNOWN, False, msg(N_("never run")))
    last = reports[0]
    data = {**last.as_dict(), "summary": last.summary()}
    summary = sync_summary(last)
    if len(reports) == 2 and all(r.failed for r in reports):
        return Component("sync", FAIL, True,
                         f"the last two content syncs failed: {last.summary()}", data,
                         msg(N_("the last two content syncs failed: {summary}"),
                             summary=summary))
    # Records rejected by the last sync that reached the central database (kept in their last
    # good version, not shown, or a deletion refused): staff must have them fixed centrally.
    reached = next((r for r in reports if not r.failed), None)
    if reached is not None and reached.rejected:
        failed = f"the last sync failed: {last.summary()}; " if last.failed else ""
        message = rejected_message(reached)
        if last.failed:
            message = msg(N_("the last sync failed: {summary}; {rejected}"), summary=summary,
                          rejected=message)
        return Component("sync", WARN, True, failed + reached.rejected_line(), data, message)
    if last.failed:
        return Component("sync", WARN, False, f"the last sync failed: {last.summary()}", data,
                         msg(N_("the last sync failed: {summary}"), summary=summary))
    return Component("sync", OK, False, last.summary(), data, summary)


def check_printer(core) -> Component:
    from printer.status import PrinterState

    st = core.printer.status()
    p = core.config.printer
    data = {"kind": p.kind, "profile": p.profile, "paper_mm": p.paper_mm, **st.as_dict()}
    paper = {PrinterState.PAPER_OUT: "out", PrinterState.PAPER_NEAR_END: "near end",
             PrinterState.READY: "ok"}.get(st.state, "unknown")
    data["paper"] = paper
    detail = f"{st.state.value}, paper {paper} ({st.detail})"
    message = printer_message(st.state.value, st.detail, paper)
    if st.state is PrinterState.READY:
        return Component("printer", OK, False, detail, data, message)
    if st.state in (PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN):
        return Component("printer", WARN, False, detail, data, message)
    return Component("printer", FAIL, True, detail, data, message)


def check_queue_db(cfg: KioskConfig, timeout: float) -> Component:
    from sqlalchemy import create_engine, text

    from kiosk.db.queue_engine import normalise_url

    url = normalise_url(cfg.queue.effective_url(cfg.paths.data_dir))
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return _c("queue_db", OK, False,
                      msg(N_("embedded, created with the first ticket")), {"url": shown})
        engine = create_engine(url)
    else:
        engine = create_engine(url, connect_args={"connect_timeout": max(1, int(timeout))})
    started = time.monotonic()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return _c("queue_db", FAIL, True, msg(N_("unreachable: {error}"),
                                              error=type(exc).__name__), {"url": shown})
    finally:
        engine.dispose()
    ms = (time.monotonic() - started) * 1000
    return _c("queue_db", OK, False, msg(N_("reachable ({ms} ms)"), ms=int(round(ms))),
              {"url": shown, "ms": round(ms, 1)}, detail=f"reachable ({ms:.0f} ms)")


def check_database(core) -> Component:
    from kiosk.ops.integrity import quick_check

    problems = quick_check(core.engine)
    if problems:
        return Component("database", FAIL, True, f"integrity check: {problems[0]}"[:300],
                         {"problems": problems[:10]},
                         msg(N_("integrity check: {problem}"), problem=problems[0][:280]))
    return _c("database", OK, False, msg(N_("integrity check OK")),
              detail="integrity check ok")


def check_audio_cache(cfg: KioskConfig) -> Component:
    from kiosk.speech.cache import AudioCache

    folder = cfg.speech.cache_dir or cfg.paths.data_dir / "audio"
    st = AudioCache(folder).stats()
    data = {"files": st.files, "bytes": st.bytes, "hits": st.hits, "misses": st.misses,
            "hit_rate": round(st.hit_rate, 3)}
    if st.files == 0:
        return _c("audio_cache", WARN, False, msg(N_(
            "empty: espeak-ng speaks everything (run kiosk audio prerender)")), data)
    return _c("audio_cache", OK, False, msg(N_("clips: {files}, {mb} MB, hits: {rate}"),
                                            files=st.files, mb=Decimal1(st.bytes / 1e6),
                                            rate=Percent(st.hit_rate)), data,
              detail=f"{st.files} clips, {st.bytes / 1e6:.1f} MB, {st.hit_rate:.0%} hits")


def check_audio(core) -> Component:
    """Clips the active content still lacks (every text in every language, at normal speed):
    a sync killed while rendering leaves some, and the next sync renders them. Never needs
    staff: the kiosk speaks a missing clip with espeak-ng while the resident waits."""
    from kiosk.speech import prerender
    from kiosk.speech.service import open_speech

    cfg = core.config
    try:
        speech = open_speech(cfg)
        with core.Session() as s:
            texts = prerender.revision_texts(s)
        cov = prerender.coverage(texts, speech)
        running = prerender.render_running(speech.cache)
    except Exception as exc:  # e.g. an unknown engine in the config: not the residents' loss
        error = f"{type(exc).__name__}: {exc}"[:270]
        return _c("audio", UNKNOWN, False, msg(N_("could not count the clips: {error}"),
                                               error=error),
                  detail=f"could not count the clips: {error}"[:300])
    missing = len(cov.missing)
    data = {"clips": cov.wanted, "present": cov.present, "missing": missing,
            "rendering_now": running, "sync_renders_audio": cfg.sync.render_audio,
            "missing_examples": [f"{lang}: {text[:60]}" for text, lang in cov.missing[:5]]}
    if not cov.wanted:
        return _c("audio", UNKNOWN, False, msg(N_("no content texts to speak")), data)
    if not missing:
        return _c("audio", OK, False, msg(N_("all clips of the content present: {n}"),
                                          n=cov.wanted), data,
                  detail=f"all {cov.wanted:,} clips of the content present")
    detail = f"{missing:,} of {cov.wanted:,} clips missing; "
    if running:
        detail += "being rendered now"
        then = msg(N_("being rendered now"))
    elif cfg.sync.render_audio:
        detail += "next sync renders them"
        then = msg(N_("the next sync renders them"))
    else:
        detail += "the sync renders no audio here: run kiosk audio prerender"
        then = msg(N_("the sync renders no audio here: run kiosk audio prerender"))
    return Component("audio", WARN, False, detail, data,
                     msg(N_("clips missing: {missing} of {wanted}; {then}"), missing=missing,
                         wanted=cov.wanted, then=then))


def check_disk(cfg: KioskConfig) -> Component:
    path = cfg.paths.data_dir
    while not path.exists():
        path = path.parent
    du = shutil.disk_usage(path)
    free_mb = du.free / 2 ** 20
    data = {"path": str(cfg.paths.data_dir), "free_mb": round(free_mb),
            "total_mb": round(du.total / 2 ** 20), "min_free_mb": cfg.health.disk_min_free_mb}
    if free_mb < cfg.health.disk_min_free_mb:
        return Component("disk", FAIL, True, f"only {free_mb:.0f} MB free (at least "
                         f"{cfg.health.disk_min_free_mb} MB needed)", data,
                         msg(N_("only {free} MB free (at least {needed} MB needed)"),
                             free=int(round(free_mb)), needed=cfg.health.disk_min_free_mb))
    return Component("disk", OK, False, f"{free_mb:.0f} MB free", data,
                     msg(N_("free: {free} MB"), free=int(round(free_mb))))


def check_alerts(core) -> Component:
    alerts = core.alerts.open()
    data = {"open": [{"raised_at": a.raised_at.isoformat(timespec="seconds"),
                      "source": a.source, "kind": a.kind, "detail": a.detail}
                     for a in alerts[:20]]}
    if alerts:
        return Component("alerts", WARN, False, f"{len(alerts)} open staff alert(s)", data,
                         msg(N_("open staff alerts: {n}"), n=len(alerts)))
    return Component("alerts", OK, False, "none open", data, msg(N_("none open")))


def check_all(core) -> Health:
    """Every component, for a core already open (the CLI's or the running app's)."""
    cfg = core.config
    t = cfg.health.check_timeout
    parts = [check_app(cfg), check_content(core), check_sync(core),
             _within(t + 8, lambda: check_printer(core), "printer"),
             _within(t + 1, lambda: check_queue_db(cfg, t), "queue_db"),
             check_database(core), check_audio(core), check_audio_cache(cfg),
             check_disk(cfg), check_alerts(core)]
    return Health(parts)
