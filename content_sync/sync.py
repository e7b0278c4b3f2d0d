"""`kiosk sync`: bring the kiosk's content up to the central database's, incrementally,
validated record by record, applied atomically, keeping the last good content on any failure.

1. Read where the kiosk stands (sync_state: the central revision counter its content matches).
2. In one read-only REPEATABLE READ transaction with the kiosk role: the central revision
   counter and every record changed since that revision, tombstones included (first run:
   everything). The transaction's snapshot makes the pair consistent.
3. Merge with the records as last synced (sync_record), validate every record with the same
   code as a content folder load (kiosk.content.format) and resolve the references
   (build_bundle). Nothing shown is lost to a bad record: a record whose new version is
   invalid, names a bad file or points at a missing record keeps its last good version; a
   deletion that would strand records the kiosk keeps is refused whole and reported with
   their names. Each of these is a rejected record in the report (exit 1, `kiosk status`
   needs staff).
4. Apply the result, and in the same transaction the merged records and the new position
   (sync_state). When little changed (_plan_apply), the procedures that did not change are
   not parsed again (their identity and references are kept with them: sync_record.links)
   and only the changes are written, into the active revision (content_store.apply_changes);
   else the whole result as a new revision (content_store.apply_bundle). A crash or kill
   anywhere leaves the old content, records and position, or all of the new ones.
5. Audio and usage events (content_sync.hooks), then the report (kiosk.ops.sync_reports).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import JSON, Text, bindparam, case, cast, delete, insert, select
from sqlalchemy.orm import Session, sessionmaker

from content_sync import hooks
from content_sync.central import (
    CENTRAL_DDL_VERSION,
    SCHEMA,
    file_name_problem,
    record_file_problem,
)
from content_sync.pg import connect, deadline, is_pg_url, redact
from kiosk.config import KioskConfig
from kiosk.content.format import (
    RECORD_KINDS,
    SUPPORTED_SCHEMA_VERSIONS,
    ContentBundle,
    ContentProblem,
    read_record,
    record_key,
    reference_problems,
)
from kiosk.content.lint import LintContext, record_problems
from kiosk.content.store import (
    WHOLE_LISTS,
    ChangesDoNotApply,
    ContentChanges,
    active_revision,
    apply_bundle,
    apply_changes,
)
from kiosk.db import models as m
from kiosk.db.models import SyncRecord, SyncState
from kiosk.ops.alerts import Alerts
from kiosk.ops.sync_reports import (
    AUDIO_INTERRUPTED,
    EXIT_LOCAL,
    SyncReportView,
    exit_code_for,
    save_report,
)
from kiosk.progress import Progress
from kiosk.texts import LANGS, LocalText

log = logging.getLogger(__name__)

URL_ENV = "KIOSK_SYNC_URL"
PASSWORD_ENV = "KIOSK_SYNC_PASSWORD"


class SyncFailure(Exception):
    """The sync stops; the kiosk keeps its content. `outcome` names the kind of failure."""

    def __init__(self, outcome: str, message: str):
        super().__init__(message)
        self.outcome = outcome


# --- where the central database is -----------------------------------------------------------

@dataclass(frozen=True)
class SyncSource:
    url: str
    password: str | None
    origin: str  # where the URL came from, for messages


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments, optional quotes)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip().removeprefix("export ").strip()] = value
    return out


def resolve_source(cfg: KioskConfig, override: str | None = None) -> SyncSource:
    """--source, else $KIOSK_SYNC_URL, else the env file, else [sync] source_url; the password
    from $KIOSK_SYNC_PASSWORD or the env file (or libpq's own PGPASSWORD / ~/.pgpass)."""
    env_file: dict[str, str] = {}
    path = cfg.sync.env_file
    if path and path.exists():
        try:
            env_file = read_env_file(path)
        except OSError as exc:
            log.warning("cannot read %s: %s", path, exc)
    candidates = [(override, "--source"), (os.environ.get(URL_ENV), f"${URL_ENV}"),
                  (env_file.get(URL_ENV), str(path)), (cfg.sync.source_url, "[sync] source_url")]
    url, origin = next(((u, o) for u, o in candidates if u), (None, ""))
    if not url:
        raise SyncFailure("usage", f"no central database configured: set {URL_ENV} in "
                          f"{path} or [sync] source_url, or give --source URL")
    if not is_pg_url(url):
        raise SyncFailure("usage", f"{origin}: not a postgresql:// URL: {redact(url)}")
    password = os.environ.get(PASSWORD_ENV) or env_file.get(PASSWORD_ENV) or None
    return SyncSource(url, password, origin)


# --- reading the central database ------------------------------------------------------------

@dataclass(frozen=True)
class CentralHead:
    revision: int
    label: str
    published: dt.date | None
    schema_version: int
    ddl_version: int


@dataclass(frozen=True)
class CentralRow:
    kind: str
    key: str
    file: str | None
    position: int
    data: Any
    deleted: bool
    changed_rev: int


def fetch_changes(source: SyncSource, since: int, cfg: KioskConfig
                  ) -> tuple[CentralHead, list[CentralRow]]:
    """The central head and every record changed after `since` (0: all live records)."""
    sc = cfg.sync
    try:
        conn = connect(source.url, password=source.password, connect_timeout=sc.connect_timeout,
                       statement_timeout=sc.statement_timeout, read_only=True,
                       application_name="bom-kiosk-sync")
    except psycopg.Error as exc:
        raise SyncFailure("unreachable", f"cannot connect to {redact(source.url)}: "
                          f"{_first_line(exc)}") from None
    try:
        with deadline(conn, sc.transfer_timeout) as timed_out:
            try:
                return _read(conn, since)
            except SyncFailure:
                raise
            except psycopg.errors.UndefinedTable:
                raise SyncFailure("rejected", "the central database has no content schema "
                                  "(run `kiosk central init` there)") from None
            except psycopg.errors.InsufficientPrivilege as exc:
                raise SyncFailure("unreachable", f"the kiosk role may not read the central "
                                  f"content: {_first_line(exc)}") from None
            except psycopg.Error as exc:
                if timed_out.is_set():
                    raise SyncFailure("unreachable", f"transfer took longer than "
                                      f"{sc.transfer_timeout:g} s; gave up") from None
                raise SyncFailure("unreachable", f"connection lost during the transfer: "
                                  f"{_first_line(exc)}") from None
    finally:
        with suppress(Exception):
            conn.close()


def _read(conn: psycopg.Connection, since: int) -> tuple[CentralHead, list[CentralRow]]:
    conn.read_only = True
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    with conn.transaction():
        row = conn.execute(f"SELECT revision, label, published, schema_version, ddl_version "
                           f"FROM {SCHEMA}.central_state WHERE id = 1").fetchone()
        if row is None:
            raise SyncFailure("rejected", "the central database is not initialised")
        head = CentralHead(*row)
        if head.ddl_version > CENTRAL_DDL_VERSION:
            raise SyncFailure("rejected", f"the central database layout version "
                              f"{head.ddl_version} is newer than this kiosk understands "
                              f"({CENTRAL_DDL_VERSION}); update the kiosk software")
        if head.schema_version not in SUPPORTED_SCHEMA_VERSIONS:
            raise SyncFailure("rejected", f"content schema version {head.schema_version} is "
                              f"not supported by this kiosk (supported: "
                              f"{', '.join(map(str, SUPPORTED_SCHEMA_VERSIONS))}); "
                              f"update the kiosk software")
        if head.revision == since:
            return head, []
        query = (f"SELECT kind, key, file, position, data, deleted, changed_rev "
                 f"FROM {SCHEMA}.content_record WHERE changed_rev > %s")
        if since == 0:
            query += " AND NOT deleted"
        with conn.cursor(name="bom_sync_changes") as cur:  # streamed, not one huge answer
            cur.itersize = 500
            cur.execute(query, (since,))
            rows = [CentralRow(*r) for r in cur]
    return head, rows


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


# --- merging and validating ------------------------------------------------------------------

@dataclass
class _Record:
    kind: str
    key: str
    file: str | None
    position: int
    central_revision: int
    # The central version, valid or not; None: deleted centrally, and kept on the kiosk
    # (`shown`) because records it still has refer to it (stored as JSON null).
    data: Any
    shown: Any = None
    problem: str | None = None
    links: dict | None = None  # the shown version's identity and references (_links)

    def state(self) -> tuple:
        return (self.file, self.position, self.central_revision, self.data, self.shown,
                self.problem, self.links)

    def label(self) -> str:
        return f"{RECORD_KINDS[self.kind].label} {self.key!r}"

    def where(self) -> str:
        spec = RECORD_KINDS[self.kind]
        if self.kind != "procedure":
            return spec.file
        return f"procedures/{self.file or 'other'}.yaml" if self.file_ok() else "procedures/"

    def file_ok(self) -> bool:
        return self.file is None or file_name_problem(self.file) is None


def _parse(rec: _Record, data: Any) -> tuple[dict | None, str | None]:
    spec = RECORD_KINDS[rec.kind]
    parsed, problems = read_record(rec.kind, data, file=rec.where(), position=rec.position)
    if parsed is not None and record_key(rec.kind, data) != rec.key:
        return None, (f"{rec.where()}: {spec.label} {rec.key!r}: {spec.ident}: "
                      f"{record_key(rec.kind, data)!r} does not match the record's key")
    if parsed is None:
        return None, "; ".join(str(p) for p in problems[:5])[:1000]
    return parsed, None


_Key = tuple[str, str]


def _references(kind: str, parsed: dict) -> list[tuple[_Key, str]]:
    """The records a parsed record points at, as ((kind, identity), field): the references
    kiosk.content.format.reference_problems checks."""
    out: list[tuple[_Key, str]] = []
    if kind in ("queue_category", "form", "procedure") and parsed.get("department_code"):
        out.append((("department", parsed["department_code"]), "department"))
    if kind == "procedure":
        if parsed.get("category_code"):
            out.append((("category", parsed["category_code"]), "category"))
        if parsed.get("queue_letter"):
            out.append((("queue_category", parsed["queue_letter"]), "queue_category"))
        for d in parsed.get("documents") or ():
            if d.get("form_code"):
                out.append((("form", d["form_code"]), f"documents[{d['position']}].form"))
    return out


@dataclass(frozen=True)
class _Linked:
    """A record not parsed again (an incremental sync: it did not change): what the
    reference check needs of it, as kept from when it was (sync_record.links)."""

    ident: str
    refs: list[tuple[_Key, str]]
    links: dict  # as kept (given back unchanged: the record stays clean)


def _links(rec: _Record, value: dict | _Linked) -> dict:
    """How a shown record is named, what it points at, and a digest of what is shown (the
    revision's checksum is made of these), to keep with it."""
    if isinstance(value, _Linked):
        return value.links
    name = value[RECORD_KINDS[rec.kind].field]
    shown = json.dumps([rec.kind, rec.key, rec.file, rec.position, rec.shown],
                       sort_keys=True, default=str)
    return {"ident": name if isinstance(name, str) else None,
            "refs": [[k, n, f] for (k, n), f in _references(rec.kind, value)],
            "digest": hashlib.sha256(shown.encode()).hexdigest()}


def _linked(links: dict) -> _Linked:
    return _Linked(links["ident"], [((k, n), f) for k, n, f in links["refs"]], links)


def _refs(kind: str, value: dict | _Linked) -> list[tuple[_Key, str]]:
    return value.refs if isinstance(value, _Linked) else _references(kind, value)


def _names(keys: list[_Key]) -> str:
    """"9 procedures ('USC I', 'USC II', ...), 2 forms (...) and queue category 'A'"."""
    by_kind: dict[str, list[str]] = {}
    for kind, key in sorted(keys, key=lambda k: (-list(RECORD_KINDS).index(k[0]), k[1])):
        by_kind.setdefault(kind, []).append(key)
    parts = []
    for kind, keys_ in by_kind.items():
        label = RECORD_KINDS[kind].label
        shown = ", ".join(repr(k) for k in keys_[:12]) + (", ..." if len(keys_) > 12 else "")
        if len(keys_) == 1:
            parts.append(f"{label} {shown}")
        else:
            plural = RECORD_KINDS[kind].bundle.replace("_", " ")
            parts.append(f"{len(keys_)} {plural} ({shown})")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# The kinds the content linter checks other records against (LintContext): a change to one
# of them may change what is refused anywhere, so every record is checked again.
LINT_CONTEXT_KINDS = frozenset({"department", "queue_category", "rate"})


def _refuse_contradictions(records: dict[_Key, _Record],
                           versions: dict[_Key, list[tuple[Any, dict | _Linked]]],
                           own: dict[_Key, str]) -> None:
    """A central version whose free text contradicts the data (the content linter: a typed
    ticket letter, room, hour or fee, a document without a kind, ...) is refused like an
    invalid one: the record keeps its last good version."""
    newest = {kind: [v[0][1] for k, v in versions.items() if k[0] == kind and v]
              for kind in LINT_CONTEXT_KINDS}
    ctx = LintContext.of(newest["department"], newest["queue_category"], newest["rate"])
    for k, options in versions.items():
        rec = records[k]
        if rec.data is None or not options or options[0][0] is not rec.data:
            continue  # deleted, invalid already, or only the last good version is left
        value = options[0][1]
        if isinstance(value, _Linked):
            continue  # unchanged, and so is what it is checked against: passed before
        found = record_problems(k[0], value, ctx)
        if found:
            own[k] = "; ".join(str(ContentProblem(rec.where(), rec.label(), f, m))
                               for f, m in found[:5])[:1000]
            options.pop(0)


@dataclass
class _Outcome:
    bundle: ContentBundle
    records: dict[tuple[str, str], _Record]
    parsed: dict[tuple[str, str], dict]
    rejected: list[dict] = field(default_factory=list)
    # Every shown procedure's position in the content order, by symbol.
    positions: dict[str, int] = field(default_factory=dict)


def build_bundle(head: CentralHead, records: dict[tuple[str, str], _Record],
                 source: str, unchanged: frozenset[_Key] = frozenset()) -> _Outcome:
    """Validate every record and put the valid ones together as a whole revision.

    `unchanged`: records known valid and unchanged since the last sync (with nothing they are
    checked against changed either, and their links kept): they are not parsed again, only
    their references take part; they are left out of the bundle and `parsed` (an incremental
    sync applies only what changed), but count in the checksum and positions as ever.

    Nothing the kiosk shows is lost to a broken record or reference:
    - a record whose new version is invalid (or names a bad file) keeps its last good
      version (`shown`); a new record that is invalid is not shown;
    - a record whose new version points at a record the kiosk does not have keeps its last
      good version too, and is not shown if it has none;
    - a record deleted centrally (`data` None) stays, with everything pointing at it, while
      records the kiosk keeps still refer to it: the deletion is refused whole and reported
      with the names of those records, until they are changed or deleted centrally too.
    Records deleted centrally that nothing refers to any more are removed from `records`."""
    # Each record's valid versions, the preferred first: the central one, then the last good.
    versions: dict[_Key, list[tuple[Any, dict | _Linked]]] = {}
    own: dict[_Key, str] = {}  # problems of the central version itself
    for k, rec in records.items():
        options: list[tuple[Any, dict | _Linked]] = []
        if k in unchanged and rec.links is not None:
            versions[k] = [(rec.data, _linked(rec.links))]
            continue
        if rec.data is not None:
            bad_file = record_file_problem(rec.kind, rec.key, rec.file)
            value, problem = (None, bad_file) if bad_file else _parse(rec, rec.data)
            if problem:
                own[k] = problem
            if value is not None:
                options.append((rec.data, value))
        if rec.shown is not None and rec.shown != rec.data:
            value, _ = _parse(rec, rec.shown)  # the last good version
            if value is not None:
                options.append((rec.shown, value))
        versions[k] = options
    _refuse_contradictions(records, versions, own)
    # How references name each record (the parsed code or letter; synonyms: their key).
    ident: dict[_Key, tuple[str, Any]] = {}
    for k, v in versions.items():
        if v:
            value = v[0][1]
            name = value.ident if isinstance(value, _Linked) else value[RECORD_KINDS[k[0]].field]
            ident[k] = (k[0], name if isinstance(name, str) else k[1])

    choice = {k: 0 for k, v in versions.items() if v}  # index into versions; absent: not shown
    deleted = {k for k, rec in records.items() if rec.data is None}
    dangling_why: dict[_Key, list[str]] = {}
    while True:
        present = {k: versions[k][i][1] for k, i in choice.items() if k not in deleted}
        by_ident = {ident[k]: k for k in present}
        deleted_by_ident = {ident[k]: k for k in deleted if k in choice}
        dangling: dict[_Key, list[tuple[_Key, str]]] = {}
        for k, value in present.items():
            for target, field_ in _refs(k[0], value):
                if target not in by_ident:
                    dangling.setdefault(k, []).append((target, field_))
        if not dangling:
            break
        # A deletion that would strand a record is refused first: that record then stays
        # in its current version, and the refused record may itself need others kept.
        refused = {deleted_by_ident[t] for refs in dangling.values() for t, _ in refs
                   if t in deleted_by_ident}
        if refused:
            deleted -= refused
            continue
        for k, refs in dangling.items():  # then: the last good version, or not shown
            rec = records[k]
            for (kind, code), field_ in refs:
                why = str(ContentProblem(rec.where(), rec.label(), field_,
                                         f"unknown {RECORD_KINDS[kind].label} {code!r}"))
                if why not in dangling_why.setdefault(k, []):
                    dangling_why[k].append(why)
            if choice[k] + 1 < len(versions[k]):
                choice[k] += 1
            else:
                del choice[k]

    present = {k: versions[k][i][1] for k, i in choice.items() if k not in deleted}
    parsed: dict[_Key, dict] = {}
    rejected: list[dict] = []
    for k in list(records):
        rec = records[k]
        if k in deleted or (rec.data is None and k not in present):
            del records[k]  # gone centrally, and nothing the kiosk keeps refers to it
            continue
        rec.shown = versions[k][choice[k]][0] if k in choice else None
        rec.links = _links(rec, present[k]) if k in present else None
        value = present.get(k)
        if value is not None and not isinstance(value, _Linked):
            parsed[k] = value
        kept = rec.shown is not None and rec.shown != rec.data
        entry: dict[str, Any] = {"kind": rec.kind, "key": rec.key, "kept_previous": kept}
        if rec.data is None:  # a refused deletion
            target = ident[k]
            orphans = sorted(o for o, value in present.items() if o != k and any(
                t == target for t, _ in _refs(o[0], value)))
            rec.problem = (f"deleted centrally, but {_names(orphans)} still "
                           f"refer to it: the deletion is refused and the kiosk keeps it; "
                           f"change or delete those records centrally first")[:1000]
            entry.update(refused_deletion=True,
                         orphans=[f"{RECORD_KINDS[o[0]].label} {o[1]!r}" for o in orphans])
        else:
            reasons = ([own[k]] if k in own else []) + dangling_why.get(k, [])
            rec.problem = "; ".join(reasons)[:1000] or None
        if rec.problem:
            entry["reason"] = rec.problem
            rejected.append(entry)

    b = ContentBundle(schema_version=head.schema_version,
                      revision=f"{head.label or 'central'} (central {head.revision})"[:80],
                      published=head.published, source=source[:500], checksum="")
    order = sorted(present, key=lambda k: (records[k].file or "", records[k].position, k[1]))
    positions: dict[str, int] = {}
    for k in order:
        if k[0] == "procedure":  # one order across the procedure files
            positions[ident[k][1]] = len(positions)
        if k in parsed:
            record = dict(parsed[k])
            if k[0] == "procedure":
                record["position"] = positions[ident[k][1]]
            getattr(b, RECORD_KINDS[k[0]].bundle).append(record)
    left = reference_problems(b)
    if left:  # cannot happen after the resolution above; never apply a broken revision
        raise SyncFailure("rejected", f"the content still has broken references: "
                          f"{'; '.join(str(p) for _, _, p in left[:5])}")
    digest = hashlib.sha256(json.dumps(
        [head.label, str(head.published), head.schema_version,
         sorted([k[0], k[1], records[k].links["digest"]] for k in present)]).encode())
    b.checksum = digest.hexdigest()
    return _Outcome(b, records, parsed, rejected, positions)


def _texts(value: Any, out: list[tuple[str, str]]) -> None:
    """Every resident-facing text in a parsed record, as (text, language spoken in)."""
    if isinstance(value, LocalText):
        for lang in LANGS:
            shown = value.show(lang)
            out.append((shown.text, shown.lang))
    elif isinstance(value, dict):
        for v in value.values():
            _texts(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _texts(v, out)


# --- the kiosk side ---------------------------------------------------------------------------

@contextmanager
def _only_sync(data_dir: Path) -> Iterator[None]:
    """One sync at a time per kiosk (the timer and a manual run); released if killed."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "sync.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncFailure("local", "another sync is running on this kiosk") from None
        yield


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def run_sync(cfg: KioskConfig, *, source_url: str | None = None, full: bool = False,
             Session_: sessionmaker[Session] | None = None,
             progress: Progress | None = None) -> SyncReportView:
    """One sync; never raises for a sync failure: the report says what happened. `progress`
    hears of each stage (fetch, apply, audio) as it goes (kiosk.progress)."""
    progress = progress or Progress()
    started, t0 = _now(), time.monotonic()
    draft: dict[str, Any] = dict(source="", revision_before=None, revision_after=None,
                                 content_revision_id=None, added=0, changed=0, removed=0,
                                 rejected=0, audio="not needed", detail={})
    outcome = "local"
    engine = None
    provisional: list[int] = []  # the id of the report saved before audio rendering
    reached_source: SyncSource | None = None  # heartbeat and alerts go there (fleet_push)

    def checkpoint(so_far: str) -> None:
        """Store the report as it stands before the long audio rendering, so a sync killed
        there still leaves one (its audio says so); the final report replaces it."""
        if Session_ is None:
            return
        view = SyncReportView(None, started, _now(), so_far,
                              exit_code_for(so_far, draft["rejected"]),
                              duration_s=time.monotonic() - t0,
                              **{**draft, "audio": AUDIO_INTERRUPTED,
                                 "detail": dict(draft["detail"])})
        saved = _record(Session_, cfg, view, replace=provisional[-1] if provisional else None)
        if saved.id is not None:
            provisional.append(saved.id)

    try:
        if Session_ is None:
            from kiosk.db.engine import make_engine, session_factory, upgrade

            try:
                engine = make_engine(cfg.paths.effective_database_url)
                upgrade(engine)
            except Exception as exc:
                raise SyncFailure("local", f"kiosk database: {_first_line(exc)}") from None
            Session_ = session_factory(engine)
        with Session_() as s:
            state = s.get(SyncState, 1)
            rev = active_revision(s)
            draft["content_revision_id"] = rev.id if rev else None
            if state is not None:
                draft["revision_before"] = draft["revision_after"] = state.central_revision
        source = resolve_source(cfg, source_url)
        draft["source"] = redact(source.url)
        with _only_sync(cfg.paths.data_dir):
            reached = True
            try:
                outcome = _sync(cfg, Session_, source, full, draft, checkpoint, progress)
            except SyncFailure as exc:
                reached = exc.outcome != "unreachable"
                raise
            finally:  # every night, whatever became of the content, if the server answers
                if reached:
                    _push_usage(cfg, Session_, source, draft["detail"])
                    reached_source = source
    except SyncFailure as exc:
        outcome = exc.outcome
        draft["detail"]["error"] = str(exc)
        log.error("sync %s: %s", outcome, exc)
    except Exception as exc:  # the kiosk's own side failed: disk, database, a bug
        outcome = "local"
        draft["detail"]["error"] = f"{type(exc).__name__}: {_first_line(exc)}"
        log.exception("sync failed on the kiosk side")
    report = SyncReportView(None, started, _now(), outcome,
                            exit_code_for(outcome, draft["rejected"]),
                            duration_s=time.monotonic() - t0, **draft)
    if Session_ is not None:
        report = _record(Session_, cfg, report, replace=provisional[-1] if provisional else None)
        if reached_source is not None:  # after _record: its outcome and alerts go up
            from content_sync.fleet_push import push_after_sync

            report.detail["fleet"] = push_after_sync(
                cfg, Session_, reached_source.url, reached_source.password, report)
    if engine is not None:
        engine.dispose()
    return report


def _record(Session_, cfg: KioskConfig, report: SyncReportView, *,
            replace: int | None = None) -> SyncReportView:
    """Store the report (instead of the provisional one `replace`) and raise or clear the
    staff alerts; a failure here is logged only."""
    try:
        report = save_report(Session_, report, keep_days=cfg.sync.report_days,
                             replace=replace)
        alerts = Alerts(Session_)
        if report.failed:
            alerts.raise_("sync", "sync_failed", report.summary())
        else:
            alerts.clear("sync", "sync_failed")
            if report.rejected:
                alerts.raise_("sync", "records_rejected",
                              f"{report.rejected} central record(s) rejected; see kiosk status")
            elif report.outcome != "unchanged":
                alerts.clear("sync", "records_rejected")
    except Exception:
        log.exception("could not store the sync report")
        if report.exit_code == 0:
            report = dataclasses.replace(report, exit_code=EXIT_LOCAL)
    return report


def _merge(base: dict[_Key, _Record], rows: list[CentralRow], since: int, detail: dict
           ) -> tuple[dict[_Key, _Record], set[_Key]]:
    """The records as last synced with what changed centrally, and the keys pulled live."""
    records = dict(base)
    pulled: set[_Key] = set()
    for row in rows:
        k = (row.kind, row.key)
        if row.kind not in RECORD_KINDS:
            detail.setdefault("unknown_kinds", []).append(row.kind)
            continue
        old = records.get(k)
        if row.deleted:  # build_bundle removes it unless records the kiosk keeps use it
            if old is not None:
                records[k] = _Record(row.kind, row.key, old.file, old.position,
                                     row.changed_rev, None, old.shown)
            continue
        pulled.add(k)
        records[k] = _Record(row.kind, row.key, row.file, row.position, row.changed_rev,
                             row.data, old.shown if old else None)
    if not since:  # a full pull has only the live records: the others are gone centrally
        for k, r in records.items():
            if k not in pulled:
                r.data = None
    return records, pulled


def _read_mirror(s: Session) -> dict[_Key, _Record]:
    """The records as last synced. Most are shown as they came (`shown` the same as `data`):
    those are decoded once, into one object, which also makes comparing them free."""
    t = SyncRecord
    same = cast(t.shown, Text) == cast(t.data, Text)
    rows = s.execute(select(t.kind, t.key, t.file, t.position, t.central_revision, t.data,
                            case((same, None), else_=t.shown).label("shown"), same,
                            t.problem, t.links))
    return {(kind, key): _Record(kind, key, file, position, central, data,
                                 data if is_same else shown, problem, links)
            for kind, key, file, position, central, data, shown, is_same, problem, links
            in rows}


# Above this share of the procedures changed, the whole revision is written again: the
# change set would cost about as much, and a whole revision is the simpler path.
INCREMENTAL_LIMIT = 0.3


@dataclass(frozen=True)
class _Plan:
    unchanged: frozenset[_Key]  # records not validated again; empty: the whole revision
    how: str  # for the report: "changes only" or "whole revision (why)"


def _plan_apply(records: dict[_Key, _Record], touched: set[_Key], since: int,
                rev: m.ContentRevision | None, head: CentralHead) -> _Plan:
    """Apply only what changed when the kiosk's content is the one these records were last
    synced into, and little changed; else validate and write the whole revision (a first or
    full sync, a changed schema, a change to what every record is checked against)."""
    if not since or rev is None:
        return _Plan(frozenset(), "whole revision (first or full sync)")
    if rev.schema_version != head.schema_version:
        return _Plan(frozenset(), f"whole revision (schema {rev.schema_version} → "
                                  f"{head.schema_version})")
    if any(k[0] in LINT_CONTEXT_KINDS for k in touched):
        return _Plan(frozenset(), "whole revision (departments, queue categories or rates "
                                  "changed: every record is checked again)")
    procedures = [k for k in records if k[0] == "procedure"]
    unchanged = frozenset(
        k for k in procedures
        if k not in touched and (r := records[k]).problem is None
        and r.links is not None and "digest" in r.links and r.shown is not None
        and (r.shown is r.data or r.shown == r.data))
    if not procedures or len(procedures) - len(unchanged) > INCREMENTAL_LIMIT * len(procedures):
        return _Plan(frozenset(), f"whole revision ({len(procedures) - len(unchanged)} of "
                                  f"{len(procedures)} procedures to check)")
    return _Plan(unchanged, "changes only")


def _changes(base_revision_id: int, result: _Outcome, written: list[_Key],
             removed: list[_Key], old_links: dict[_Key, dict | None]
             ) -> ContentChanges | None:
    """The change set for kiosk.content.store.apply_changes: the procedures added or changed,
    the symbols of those removed, and every other kind with any change whole. None when a
    removed record's name is not known (kept from a sync before links were)."""
    b = result.bundle
    procedures = {p["symbol"]: p for p in b.procedures}
    out = dataclasses.replace(b, procedures=[], **{n: [] for n in WHOLE_LISTS})
    gone: set[str] = set()
    for k in removed:
        if k[0] == "procedure":
            links = old_links.get(k)
            if not links or not isinstance(links.get("ident"), str):
                return None
            gone.add(links["ident"])
    for k in written:
        if k[0] == "procedure":
            symbol = result.records[k].links["ident"] if result.records[k].links else None
            if symbol not in procedures:
                return None
            out.procedures.append(procedures[symbol])
    whole = {RECORD_KINDS[k[0]].bundle for k in written + removed if k[0] != "procedure"}
    for name in whole:
        setattr(out, name, getattr(b, name))
    return ContentChanges(base_revision_id, out, frozenset(whole), frozenset(gone),
                          result.positions)


def _sync(cfg: KioskConfig, Session_: sessionmaker[Session], source: SyncSource, full: bool,
          draft: dict, checkpoint: Callable[[str], None] = lambda _outcome: None,
          progress: Progress | None = None) -> str:
    progress = progress or Progress()
    detail = draft["detail"]
    with Session_() as s:
        state = s.get(SyncState, 1)
        rev = active_revision(s)
        mirror = _read_mirror(s)
    # The records stand for the shown content only while the revision built from them is
    # active; after `kiosk content load` (or a first sync) start again from nothing.
    consistent = (state is not None and rev is not None
                  and state.content_revision_id == rev.id)
    since = state.central_revision if consistent and not full else 0
    detail.update(since=since, full=since == 0)
    progress.stage("fetch")
    head, rows = fetch_changes(source, since, cfg)
    if consistent and head.revision < state.central_revision:
        detail["note"] = (f"the central revision went back from {state.central_revision} to "
                          f"{head.revision} (database re-created?): full sync")
        since = 0
        detail.update(since=0, full=True)
        head, rows = fetch_changes(source, 0, cfg)
    detail["pulled"] = len(rows)
    draft["revision_after"] = head.revision
    progress.advance(len(rows))
    progress.done(f"records changed since central revision {since}; now {head.revision}")

    if since and head.revision == since:
        still = [{"kind": r.kind, "key": r.key, "reason": r.problem,
                  "kept_previous": r.shown is not None and r.shown != r.data,
                  **({"refused_deletion": True} if r.data is None else {})}
                 for r in mirror.values() if r.problem]
        draft["rejected"] = len(still)
        if still:
            detail["rejected_records"] = still[:200]
            detail["note"] = "nothing changed centrally; these records are still rejected"
        checkpoint("unchanged")
        render_audio(cfg, Session_, draft, [], progress=progress)  # what a killed sync left
        return "unchanged"

    # Start from the records as last synced (also for a full pull: their last good versions
    # and what the kiosk shows must not be lost to a broken record or reference).
    base = mirror if consistent else {}
    old_shown = {k: (r.file, r.position, r.shown) for k, r in base.items()
                 if r.shown is not None}
    before = {k: r.state() for k, r in mirror.items()} if since else {}
    old_links = {k: r.links for k, r in base.items()}
    # build_bundle updates the records in place (the mirror's own: not copied, for speed).
    records, pulled = _merge(base, rows, since, detail)
    plan = _plan_apply(records, pulled | {(r.kind, r.key) for r in rows}, since,
                       rev if consistent else None, head)
    detail["applied"] = plan.how
    source_label = f"central {redact(source.url)}"
    result = build_bundle(head, records, source_label, plan.unchanged)
    bundle = result.bundle
    if not bundle.categories or not result.positions:
        raise SyncFailure("rejected", "after validation the central content has no "
                          "categories or no procedures; refusing to empty the kiosk "
                          f"({len(result.rejected)} record(s) rejected)")
    new_shown = {k: (r.file, r.position, r.shown) for k, r in records.items()
                 if r.shown is not None}
    added = [k for k in new_shown if k not in old_shown]
    removed = [k for k in old_shown if k not in new_shown]
    changed = [k for k in new_shown if k in old_shown and new_shown[k] != old_shown[k]]
    draft.update(added=len(added), changed=len(changed), removed=len(removed),
                 rejected=len(result.rejected))
    if result.rejected:
        detail["rejected_records"] = result.rejected[:200]
    detail["counts"] = {spec.bundle: len(getattr(bundle, spec.bundle))
                        for spec in RECORD_KINDS.values()}
    detail["counts"]["procedures"] = len(result.positions)

    dirty = [k for k, r in records.items() if before.get(k) != r.state()]
    gone = [k for k in before if k not in records]

    def write_state(s: Session, revision_id: int) -> None:
        conn = s.connection()
        table = SyncRecord.__table__
        if not since:
            conn.execute(delete(table))
        else:
            keys = [{"k": k, "n": n} for k, n in gone + [d for d in dirty if d in before]]
            if keys:
                conn.execute(delete(table).where(table.c.kind == bindparam("k"),
                                                 table.c.key == bindparam("n")), keys)
        rows_ = [dict(kind=r.kind, key=r.key, file=r.file, position=r.position,
                      central_revision=r.central_revision,
                      data=JSON.NULL if r.data is None else r.data, shown=r.shown,
                      problem=r.problem, links=r.links) for k in dirty if (r := records[k])]
        if rows_:
            conn.execute(insert(table), rows_)
        s.merge(SyncState(id=1, source=redact(source.url)[:500],
                          central_revision=head.revision, content_revision_id=revision_id,
                          synced_at=_now()))

    def whole_revision(why: str) -> int:
        """Validate every record and write the whole revision after all, from the records
        as last synced again (the incremental build changed them in place)."""
        nonlocal result, records, dirty, gone
        detail["applied"] = f"whole revision ({why})"
        with Session_() as s:
            fresh = _read_mirror(s) if consistent else {}
        records, _ = _merge(fresh, rows, since, {})
        result = build_bundle(head, records, source_label)
        dirty = [k for k, r in records.items() if before.get(k) != r.state()]
        gone = [k for k in before if k not in records]
        return apply_bundle(Session_, result.bundle, keep_old=1, in_transaction=write_state)

    progress.stage("apply", len(records))
    if not plan.unchanged:
        rid = apply_bundle(Session_, bundle, keep_old=1, in_transaction=write_state)
    else:
        assert rev is not None
        changes = _changes(rev.id, result, added + changed, removed, old_links)
        try:
            rid = (apply_changes(Session_, changes, in_transaction=write_state) if changes
                   else whole_revision("a removed record synced before its links were kept"))
        except ChangesDoNotApply as exc:  # a content load meanwhile
            rid = whole_revision(str(exc))
    progress.advance(len(records))
    progress.done(f"content revision {rid}: {len(added)} added, {len(changed)} changed, "
                  f"{len(removed)} removed, {len(result.rejected)} rejected")
    draft["content_revision_id"] = rid
    log.info("applied central revision %s as content revision %s (+%d ~%d -%d, %d rejected)",
             head.revision, rid, len(added), len(changed), len(removed), len(result.rejected))

    texts: list[tuple[str, str]] = []
    for k in added + changed:
        if k in result.parsed:
            _texts(result.parsed[k], texts)
    all_texts: list[tuple[str, str]] = []
    for value in result.parsed.values():
        _texts(value, all_texts)
    outcome = "partial" if result.rejected else "ok"
    checkpoint(outcome)  # the content is in: a kill while rendering still leaves a report
    render_audio(cfg, Session_, draft, texts, all_texts, progress=progress)
    return outcome


def _push_usage(cfg: KioskConfig, Session_, source: SyncSource, detail: dict) -> None:
    """Usage events go up after the content came down; a failure is reported, never fatal."""
    try:
        pushed = hooks.push_usage_events(cfg, source.url, source.password, Session_)
        detail["usage"] = pushed.line()
        detail["usage_events_pushed"] = pushed.sent
    except Exception as exc:
        log.warning("usage push failed: %s", exc)
        detail["usage_events_error"] = _first_line(exc)


def render_audio(cfg: KioskConfig, Session_: sessionmaker[Session], draft: dict,
                 texts: list[tuple[str, str]],
                 all_texts: list[tuple[str, str]] | None = None, *,
                 progress: Progress | None = None) -> None:
    """Audio for the texts this sync added or changed (`texts`) and for every text of the active
    content that has no clip yet, also when nothing changed centrally: what a sync killed while
    rendering left undone is finished by the next one. `all_texts`: the texts of the records
    applied (None: nothing applied, nothing pruned). See hooks.prerender_audio."""
    if not cfg.sync.render_audio:
        draft["audio"] = "skipped ([sync] render_audio = false)"
        return
    draft["audio"], audio_detail = hooks.prerender_audio(cfg, Session_, texts, all_texts,
                                                         progress=progress)
    if audio_detail:
        draft["detail"]["audio"] = audio_detail
