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
from kiosk.ops.heartbeat import heartbeat_path, read_heartbeat

OK, WARN, FAIL, UNKNOWN, STOPPED = "ok", "warn", "fail", "unknown", "stopped"


@dataclass(frozen=True)
class Component:
    name: str
    state: str  # ok, warn, fail, unknown, stopped
    staff: bool  # someone must act
    detail: str
    data: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


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
        return Component(name, FAIL, True, f"no answer within {seconds:.0f} s")
    except Exception as exc:  # a check that breaks is itself a finding
        return Component(name, FAIL, True, f"check failed: {type(exc).__name__}: {exc}"[:300])


# --- the checks -------------------------------------------------------------------------------

def check_app(cfg: KioskConfig, now: float | None = None) -> Component:
    hb = read_heartbeat(heartbeat_path(cfg))
    now = time.time() if now is None else now
    if hb is None:
        return Component("app", UNKNOWN, False, "no heartbeat yet (the kiosk has not run here)")
    age = now - hb["time"]
    data = {"age_s": round(age, 1), "pid": hb.get("pid"), "screen": hb.get("screen"),
            "uptime_s": round(hb["time"] - hb["started"], 0) if "started" in hb else None}
    if hb.get("stopped"):
        return Component("app", STOPPED, True, f"stopped: {hb.get('reason', 'exit')}", data)
    if age > cfg.health.heartbeat_stale_seconds:
        return Component("app", FAIL, True, f"no heartbeat for {age:.0f} s: the kiosk is not "
                         f"running or is frozen", data)
    return Component("app", OK, False, f"running, last heartbeat {age:.0f} s ago", data)


def check_content(core) -> Component:
    st = core.content.status()
    data = {"revision": st.revision, "revision_id": st.revision_id, "loaded_at": st.loaded_at,
            "checksum": st.checksum, "counts": st.counts}
    if not st.revision:
        return Component("content", FAIL, True, "no content loaded", data)
    return Component("content", OK, False, f"revision {st.revision}", data)


def check_sync(core) -> Component:
    from kiosk.ops.sync_reports import recent_reports

    reports = recent_reports(core.Session, 2)
    if not reports:
        return Component("sync", UNKNOWN, False, "never run")
    last = reports[0]
    data = {**last.as_dict(), "summary": last.summary()}
    if len(reports) == 2 and all(r.failed for r in reports):
        return Component("sync", FAIL, True,
                         f"the last two content syncs failed: {last.summary()}", data)
    # Records rejected by the last sync that reached the central database (kept in their last
    # good version, not shown, or a deletion refused): staff must have them fixed centrally.
    reached = next((r for r in reports if not r.failed), None)
    if reached is not None and reached.rejected:
        failed = f"the last sync failed: {last.summary()}; " if last.failed else ""
        return Component("sync", WARN, True, failed + reached.rejected_line(), data)
    if last.failed:
        return Component("sync", WARN, False, f"the last sync failed: {last.summary()}", data)
    return Component("sync", OK, False, last.summary(), data)


def check_printer(core) -> Component:
    from printer.status import PrinterState

    st = core.printer.status()
    p = core.config.printer
    data = {"kind": p.kind, "profile": p.profile, "paper_mm": p.paper_mm, **st.as_dict()}
    paper = {PrinterState.PAPER_OUT: "out", PrinterState.PAPER_NEAR_END: "near end",
             PrinterState.READY: "ok"}.get(st.state, "unknown")
    data["paper"] = paper
    detail = f"{st.state.value}, paper {paper} ({st.detail})"
    if st.state is PrinterState.READY:
        return Component("printer", OK, False, detail, data)
    if st.state in (PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN):
        return Component("printer", WARN, False, detail, data)
    return Component("printer", FAIL, True, detail, data)


def check_queue_db(cfg: KioskConfig, timeout: float) -> Component:
    from sqlalchemy import create_engine, text

    from kiosk.db.queue_engine import normalise_url

    url = normalise_url(cfg.queue.effective_url(cfg.paths.data_dir))
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return Component("queue_db", OK, False, "embedded, created with the first ticket",
                             {"url": shown})
        engine = create_engine(url)
    else:
        engine = create_engine(url, connect_args={"connect_timeout": max(1, int(timeout))})
    started = time.monotonic()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return Component("queue_db", FAIL, True, f"unreachable: {type(exc).__name__}",
                         {"url": shown})
    finally:
        engine.dispose()
    ms = (time.monotonic() - started) * 1000
    return Component("queue_db", OK, False, f"reachable ({ms:.0f} ms)", {"url": shown,
                                                                        "ms": round(ms, 1)})


def check_database(core) -> Component:
    from kiosk.ops.integrity import quick_check

    problems = quick_check(core.engine)
    if problems:
        return Component("database", FAIL, True, f"integrity check: {problems[0]}"[:300],
                         {"problems": problems[:10]})
    return Component("database", OK, False, "integrity check ok")


def check_audio_cache(cfg: KioskConfig) -> Component:
    from kiosk.speech.cache import AudioCache

    folder = cfg.speech.cache_dir or cfg.paths.data_dir / "audio"
    st = AudioCache(folder).stats()
    data = {"files": st.files, "bytes": st.bytes, "hits": st.hits, "misses": st.misses,
            "hit_rate": round(st.hit_rate, 3)}
    if st.files == 0:
        return Component("audio_cache", WARN, False, "empty: espeak-ng speaks everything "
                         "(run kiosk audio prerender)", data)
    return Component("audio_cache", OK, False, f"{st.files} clips, {st.bytes / 1e6:.1f} MB, "
                     f"{st.hit_rate:.0%} hits", data)


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
        return Component("audio", UNKNOWN, False,
                         f"could not count the clips: {type(exc).__name__}: {exc}"[:300])
    missing = len(cov.missing)
    data = {"clips": cov.wanted, "present": cov.present, "missing": missing,
            "rendering_now": running, "sync_renders_audio": cfg.sync.render_audio,
            "missing_examples": [f"{lang}: {text[:60]}" for text, lang in cov.missing[:5]]}
    if not cov.wanted:
        return Component("audio", UNKNOWN, False, "no content texts to speak", data)
    if not missing:
        return Component("audio", OK, False, f"all {cov.wanted:,} clips of the content "
                         f"present", data)
    detail = f"{missing:,} of {cov.wanted:,} clips missing; "
    if running:
        detail += "being rendered now"
    elif cfg.sync.render_audio:
        detail += "next sync renders them"
    else:
        detail += "the sync renders no audio here: run kiosk audio prerender"
    return Component("audio", WARN, False, detail, data)


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
                         f"{cfg.health.disk_min_free_mb} MB needed)", data)
    return Component("disk", OK, False, f"{free_mb:.0f} MB free", data)


def check_alerts(core) -> Component:
    alerts = core.alerts.open()
    data = {"open": [{"raised_at": a.raised_at.isoformat(timespec="seconds"),
                      "source": a.source, "kind": a.kind, "detail": a.detail}
                     for a in alerts[:20]]}
    if alerts:
        return Component("alerts", WARN, False, f"{len(alerts)} open staff alert(s)", data)
    return Component("alerts", OK, False, "none open", data)


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
