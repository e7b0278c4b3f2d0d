"""Kiosk configuration: one TOML file, every key optional, defaults documented in
docs/configuration.md and assets/kiosk.example.toml.

The configuration the code uses is plain frozen dataclasses (KioskConfig and one per section),
so `dataclasses.replace(cfg, paths=PathsConfig(...))` keeps working everywhere, and building
one in a test or a bench validates nothing and costs nothing. The file is checked against
strict pydantic models derived from those dataclasses (`_schema`: the same keys and types, so
the two cannot drift apart), with `extra="forbid"`: an unknown section or key, or a value of
the wrong type, is an error. The rules on values and across keys (`_rule_problems`) then run
on the result. Every problem of a file is reported at once, one line each, naming the section
and key: `kiosk.toml: [screen] unknown key 'widht' (did you mean 'width'?)`. Messages are
ours, worded by the key's type; pydantic's own wording never reaches the operator.
"""

from __future__ import annotations

import difflib
import os
import re
import socket
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic_core import ErrorDetails

from kiosk import SAMPLE_CONTENT_DIR

LANGUAGES = ("pl", "en", "uk")
CONFIG_ENV = "KIOSK_CONFIG"
DATA_DIR_ENV = "KIOSK_DATA_DIR"
MIN_IDLE_WARNING_S = 20


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and key, one
    line per problem, and `problems` lists them without the file."""

    def __init__(self, message: str, problems: Sequence[str] = ()):
        super().__init__(message)
        self.problems = list(problems) or [message]

    @classmethod
    def listing(cls, where: str, problems: Sequence[str]) -> ConfigError:
        return cls("\n".join(f"{where}: {p}" for p in problems), problems)


def systemd_directory(name: str) -> Path | None:
    """The folder systemd made for the unit (StateDirectory= gives $STATE_DIRECTORY, and so on
    for CACHE_ and LOGS_); the first when it names several. None outside such a unit."""
    value = os.environ.get(f"{name}_DIRECTORY", "")
    first = value.split(":")[0]
    return Path(first) if first else None


def default_data_dir() -> Path:
    """$KIOSK_DATA_DIR, else the unit's state folder, else the user's data folder. Under the
    units nothing the kiosk writes goes to HOME, which they make read-only."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return systemd_directory("STATE") or Path(platformdirs.user_data_dir("bom-kiosk",
                                                                         appauthor=False))


def default_cache_dir() -> Path:
    """The unit's cache folder, else the user's (the printer database, Mesa's shaders,
    matplotlib's fonts: all can be made again)."""
    return systemd_directory("CACHE") or Path(platformdirs.user_cache_dir("bom-kiosk",
                                                                          appauthor=False))


@dataclass(frozen=True)
class PathsConfig:
    data_dir: Path = field(default_factory=default_data_dir)
    # None means "<data_dir>/kiosk.sqlite3".
    database_url: str | None = None
    content_dir: Path = SAMPLE_CONTENT_DIR

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'kiosk.sqlite3'}"


@dataclass(frozen=True)
class ScreenConfig:
    fullscreen: bool = True
    width: int = 1080
    height: int = 1920
    show_cursor: bool = False


@dataclass(frozen=True)
class LanguageConfig:
    default: str = "pl"
    available: tuple[str, ...] = LANGUAGES


@dataclass(frozen=True)
class TimeoutConfig:
    idle_seconds: int = 90
    idle_warning_seconds: int = 30
    # Listening takes longer than reading: audio mode waits longer before the warning.
    audio_idle_seconds: int = 180


SPEECH_ENGINES = ("gtts", "espeak-ng")


@dataclass(frozen=True)
class SpeechConfig:
    # Order in which the nightly prerender asks the engines; the kiosk itself only plays the
    # cache and synthesises misses with the offline engine.
    engines: tuple[str, ...] = SPEECH_ENGINES
    gtts_timeout: float = 5.0
    # None means "<data_dir>/audio".
    cache_dir: Path | None = None


MODES = ("development", "production")


@dataclass(frozen=True)
class OfficeConfig:
    name: str = "Urząd Miasta Piotrkowa Trybunalskiego"
    timezone: str = "Europe/Warsaw"
    # "production": an installed kiosk; it refuses to start on the bundled sample content or
    # without its configuration file (`kiosk run --production` says the same).
    mode: str = "development"


PRINTER_KINDS = ("preview", "network", "usb", "serial", "cups")


@dataclass(frozen=True)
class PrinterConfig:
    # "preview" writes each job's ESC/POS bytes and a PNG picture into preview_dir.
    kind: str = "preview"
    # escpos-printer-db profile: decides code pages, paper width in dots, QR and cutter support.
    profile: str = "TM-T20II"
    paper_mm: int = 80
    host: str | None = None
    port: int = 9100
    usb_vendor: str | None = None
    usb_product: str | None = None
    serial_device: str | None = None
    baudrate: int = 9600
    cups_queue: str | None = None
    # None means "<data_dir>/printouts".
    preview_dir: Path | None = None
    # Seconds for connecting, one status answer and a whole job; the UI never waits longer.
    connect_timeout: float = 3.0
    status_timeout: float = 1.0
    job_timeout: float = 20.0
    # Where a QR code points when a matter has no online card of its own.
    office_url: str = "https://www.piotrkow.pl"
def default_kiosk_id() -> str:
    return (socket.gethostname() or "kiosk")[:64]


# --- secrets: never in kiosk.toml (every local user can read it), never shown ---------------

# The queue database's password: from this environment variable (the kiosk unit loads it from
# QUEUE_ENV_FILE, root-owned, mode 0600), else libpq's own ways (a `passfile=` in the URL,
# $PGPASSFILE, ~/.pgpass, $PGPASSWORD).
QUEUE_PASSWORD_ENV = "KIOSK_QUEUE_PASSWORD"
QUEUE_ENV_FILE = Path("/etc/bom-kiosk/queue.env")
# The central database's: content_sync reads it from here or from [sync] env_file.
SYNC_PASSWORD_ENV = "KIOSK_SYNC_PASSWORD"
REDACTED = "***"

# user:password@ in a URL (a password may hold ':' and '/', never a raw '@'), or ?password=.
_URL_PASSWORD = re.compile(r"^(?P<head>[\w+.-]+://[^:/@?#]*:)(?P<pw>[^@]*)@")
_BARE_PASSWORD = re.compile(r"^(?P<head>[^:/@?#]*:)(?P<pw>[^@]*)@")
_PG_URL = re.compile(r"^postgres(ql)?(\+\w+)?://")
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)(?P<pw>[^&#]*)", re.IGNORECASE)


def url_has_password(url: str | None) -> bool:
    if not url:
        return False
    m = _URL_PASSWORD.match(url)
    q = _QUERY_PASSWORD.search(url)
    return bool(m and m["pw"]) or bool(q and q["pw"])


def redact_url(url: str | None) -> str | None:
    """The URL with any password in it replaced by ***, fit for output, logs and errors."""
    if not url:
        return url
    # A value that is not a URL (no scheme) may still be one with the scheme forgotten.
    pattern = _URL_PASSWORD if "://" in url else _BARE_PASSWORD
    url = pattern.sub(lambda m: m["head"] + (REDACTED if m["pw"] else "") + "@", url)
    return _QUERY_PASSWORD.sub(lambda m: m["head"] + REDACTED, url)


def url_with_password(url: str, password: str | None) -> str:
    """A PostgreSQL URL with `password` put in (quoted), unless it has one or is not PG."""
    if not password or url_has_password(url) or not _PG_URL.match(url):
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


@dataclass(frozen=True)
class QueueConfig:
    # SQLAlchemy URL of the queue database (tickets, counters, desks). None means the embedded
    # "<data_dir>/queue.sqlite3"; a hall with several kiosks and desks shares one PostgreSQL:
    # "postgresql+psycopg://kiosk@queue-db/bomqueue", its password in $KIOSK_QUEUE_PASSWORD
    # (/etc/bom-kiosk/queue.env) or a libpq passfile, never here.
    url: str | None = None
    # Written on every ticket this kiosk issues (which machine, for reports and faults).
    kiosk_id: str = field(default_factory=default_kiosk_id)

    def effective_url(self, data_dir: Path) -> str:
        """The URL to connect with: the password from $KIOSK_QUEUE_PASSWORD put in."""
        if not self.url:
            return f"sqlite:///{data_dir / 'queue.sqlite3'}"
        return url_with_password(self.url, os.environ.get(QUEUE_PASSWORD_ENV))


@dataclass(frozen=True)
class DisplayConfig:
    """The hall display (`kiosk display`): called tickets and spoken calling."""

    # Languages each call is announced in, in order after Polish (always first).
    announce_languages: tuple[str, ...] = ("pl",)
    # A two-tone chime before each announcement.
    chime: bool = True
    # PostgreSQL: LISTEN/NOTIFY, with a safety poll every pg_poll_seconds. SQLite (and
    # PostgreSQL with listen = false): the call log is read every poll_seconds.
    listen: bool = True
    poll_seconds: float = 0.4
    pg_poll_seconds: float = 2.0
    # Calls found older than this (e.g. after an outage) are shown but not announced.
    announce_max_age_seconds: int = 60
    # How long a new call stays highlighted; how many past calls are listed.
    highlight_seconds: int = 8
    recent_calls: int = 6
    # Waiting counts and estimates are refreshed this often (calls at once).
    status_seconds: float = 2.0


@dataclass(frozen=True)
class WebConfig:
    """The live queue site residents follow on their phones (`kiosk web`, kiosk.web)."""

    # The site's address as phones reach it, e.g. "https://kolejka.piotrkow.pl". When set,
    # a printed ticket's QR code opens its own page there (<public_url>/t/<token>); None: the
    # code opens the matter's guide, as before.
    public_url: str | None = None


SYNC_ENV_FILE = Path("/etc/bom-kiosk/sync.env")


@dataclass(frozen=True)
class SyncConfig:
    # URL of the central content database (PostgreSQL), reached with the read-only kiosk role:
    # "postgresql://bom_kiosk@central-db.example/bom". Better kept out of this file, with the
    # password, in env_file as KIOSK_SYNC_URL / KIOSK_SYNC_PASSWORD.
    source_url: str | None = None
    # KEY=VALUE file read when present (the sync unit also loads it with EnvironmentFile=).
    env_file: Path = SYNC_ENV_FILE
    # Seconds: to connect; for one statement on the server; for the whole transfer.
    connect_timeout: float = 10.0
    statement_timeout: float = 60.0
    transfer_timeout: float = 600.0
    # Longest random wait before `kiosk sync` starts (0: none; --now skips it). The systemd
    # timer already spreads kiosks out with RandomizedDelaySec.
    random_delay_seconds: int = 0
    # Sync reports older than this are deleted.
    report_days: int = 30
    # Render audio for new and changed texts after each sync (kiosk audio prerender).
    render_audio: bool = True
    # "Sync now" on the admin side. None: the kiosk runs `kiosk sync --now` itself (it needs
    # the central database's URL and password). A path: it writes this file, and the sync
    # unit's path unit (deploy/bom-kiosk-sync.path) starts the sync as the unit, with the
    # secret the kiosk user may not read; the kiosk waits for the unit's report.
    request_file: Path | None = None


@dataclass(frozen=True)
class UsageConfig:
    # Record anonymous usage events (kiosk.usage.events); false records nothing at all.
    enabled: bool = True
    # Written on every event; None means the same as [queue] kiosk_id (the host name).
    kiosk_id: str | None = None
    # Events older than this many days are deleted from the kiosk (pushed or not).
    retention_days: int = 90
    # Seconds between writes of the recorded events to the database (off the UI thread).
    flush_seconds: float = 5.0
    # Events sent to the central database per transaction by the nightly push.
    push_batch: int = 2000


@dataclass(frozen=True)
class AdminConfig:
    # The salted scrypt hash of the staff PIN (`kiosk admin set-pin`). None means
    # "<data_dir>/admin_pin"; on a kiosk machine keep it beside this file, owned by root.
    pin_file: Path | None = None
    # Wrong PINs in a row that lock the admin side, and for how long.
    max_attempts: int = 5
    lockout_seconds: int = 300
    # The admin side closes itself (back to Home) after this long without a touch.
    idle_seconds: int = 60
    # The hidden way in: this many taps in the top-right corner within gesture_seconds.
    gesture_taps: int = 5
    gesture_seconds: float = 3.0


@dataclass(frozen=True)
class LoggingConfig:
    # JSON-lines log files; None means "<data_dir>/logs". Never holds search text or PINs.
    log_dir: Path | None = None
    level: str = "INFO"
    # Rotation: a file grows to max_bytes, then the oldest of `backups` files is dropped.
    max_bytes: int = 5_000_000
    backups: int = 5


@dataclass(frozen=True)
class HealthConfig:
    # The running kiosk rewrites <data_dir>/heartbeat.json this often; `kiosk status` calls
    # the app frozen or stopped when the file is older than heartbeat_stale_seconds.
    heartbeat_seconds: int = 10
    heartbeat_stale_seconds: int = 60
    # Below this much free space on the data disk, staff are needed.
    disk_min_free_mb: int = 500
    # Seconds `kiosk status` waits for the printer and the queue database.
    check_timeout: float = 3.0


@dataclass(frozen=True)
class KioskConfig:
    paths: PathsConfig = field(default_factory=PathsConfig)
    screen: ScreenConfig = field(default_factory=ScreenConfig)
    languages: LanguageConfig = field(default_factory=LanguageConfig)
    timeouts: TimeoutConfig = field(default_factory=TimeoutConfig)
    office: OfficeConfig = field(default_factory=OfficeConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    queue: QueueConfig = field(default_factory=QueueConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)
    usage: UsageConfig = field(default_factory=UsageConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    web: WebConfig = field(default_factory=WebConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    health: HealthConfig = field(default_factory=HealthConfig)
    source: Path | None = None


_SECTIONS = {f.name: f for f in fields(KioskConfig) if f.name != "source"}


# --- the TOML schema: one strict pydantic model per section, derived from the dataclass ---------

# What a key of each Python type must be in the file, and how to say it when it is not.
_TOML_TYPES: dict[str, tuple[Any, str]] = {
    "path": (Annotated[str, StringConstraints(min_length=1)], "must be a path string"),
    "str": (str, "must be a string"),
    "bool": (bool, "must be true or false"),
    "int": (int, "must be a whole number"),
    "float": (Annotated[float, Field(gt=0, allow_inf_nan=False)],
              "must be a number of seconds above 0"),
    "strings": (list[str], "must be a list of strings"),
}


def _type_name(hint: Any) -> str:
    """The TOML type ("path", "str", ...) of a field's type; `X | None` is X: TOML has no
    null, so a key left out is the None."""
    if get_origin(hint) in (Union, UnionType):
        hint = next(a for a in get_args(hint) if a is not type(None))
    if hint is Path:
        return "path"
    if get_origin(hint) is tuple:
        return "strings"
    if hint in (str, bool, int, float):
        return hint.__name__
    raise TypeError(f"no TOML type for {hint!r}")


def _schema(section_type: type) -> tuple[type[BaseModel], dict[str, str]]:
    """A strict pydantic model accepting exactly the section's keys, with the TOML types of
    its fields; and the type name of each key. Every key optional: the dataclass holds the
    defaults, the model only checks what the file sets."""
    names = {k: _type_name(t) for k, t in get_type_hints(section_type).items()}
    keys: dict[str, Any] = {k: (_TOML_TYPES[name][0], None) for k, name in names.items()}
    model = create_model(f"{section_type.__name__}Toml",
                         __config__=ConfigDict(extra="forbid", strict=True), **keys)
    return model, names


_SCHEMAS = {name: _schema(t) for name, t in get_type_hints(KioskConfig).items()
            if name in _SECTIONS}


def _unknown(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"


# Where each section's password belongs instead of kiosk.toml.
_SECRET_HOME = {
    "queue": f"{QUEUE_ENV_FILE} as {QUEUE_PASSWORD_ENV}=... (root-owned, mode 0600; the kiosk "
             f"unit loads it), or a libpq passfile (passfile=... in the URL)",
    "sync": f"{SYNC_ENV_FILE} as {SYNC_PASSWORD_ENV}=... (root-owned, mode 0600)",
    "paths": "a libpq passfile (passfile=... in the URL, mode 0600) or $PGPASSWORD",
}
_SECRET_KEY = re.compile(r"passw(or)?d|secret|token", re.IGNORECASE)


def _secret_problem(section: str, what: str) -> str:
    home = _SECRET_HOME.get(section, "the unit's EnvironmentFile= (root-owned, mode 0600)")
    return (f"[{section}] {what}: no passwords in this file (every local user can read it); "
            f"put it in {home}")


def _key_problem(section: str, error: ErrorDetails, names: dict[str, str]) -> str:
    key = str(error["loc"][0])
    if error["type"] == "extra_forbidden" and _SECRET_KEY.search(key):
        return _secret_problem(section, f"key {key!r}")
    if error["type"] == "extra_forbidden":
        return f"[{section}] unknown key {key!r} ({_unknown(key, names)})"
    # Worded by the key's type, whatever pydantic's error was (wrong type, 0 seconds, ...).
    return f"[{section}] {key} {_TOML_TYPES[names[key]][1]}"


def _toml_value(type_name: str, value: Any) -> Any:
    if type_name == "path":
        return Path(value).expanduser()
    if type_name == "strings":
        return tuple(value)
    return value


def parse_config(data: dict, where: str = "config") -> KioskConfig:
    """The configuration a parsed TOML file describes; raise ConfigError listing every
    problem in it (unknown sections and keys, wrong types, values out of range)."""
    cfg = KioskConfig()
    problems: list[str] = []
    for section, value in data.items():
        if section not in _SECTIONS:
            problems.append(f"unknown section [{section}] ({_unknown(section, _SECTIONS)})")
            continue
        if not isinstance(value, dict):
            problems.append(f"[{section}] must be a table")
            continue
        model, names = _SCHEMAS[section]
        try:
            checked = model.model_validate(value)
        except ValidationError as exc:
            order = list(value)
            errors = sorted(exc.errors(), key=lambda e: order.index(e["loc"][0]))
            problems += [_key_problem(section, e, names) for e in errors]
            # The keys that are right still count, so the rules below judge them too (a
            # wrong key keeps its default).
            wrong = {e["loc"][0] for e in errors}
            checked = model.model_validate({k: v for k, v in value.items() if k not in wrong})
        changes = {k: _toml_value(names[k], v)
                   for k, v in checked.model_dump(exclude_unset=True).items()}
        cfg = replace(cfg, **{section: replace(getattr(cfg, section), **changes)})
    problems += _rule_problems(cfg)
    if problems:
        raise ConfigError.listing(where, problems)
    return cfg


# --- rules across keys and on values ------------------------------------------------------

def _validate(cfg: KioskConfig, where: str) -> KioskConfig:
    problems = _rule_problems(cfg)
    if problems:
        raise ConfigError.listing(where, problems)
    return cfg


def _rule_problems(cfg: KioskConfig) -> list[str]:
    out: list[str] = []
    if cfg.office.mode not in MODES:
        out.append(f"[office] mode must be one of {', '.join(MODES)}, not {cfg.office.mode!r}")
    langs = cfg.languages
    unknown = [lang for lang in langs.available if lang not in LANGUAGES]
    if unknown:
        out.append(f"[languages] available: unknown language {unknown[0]!r} "
                   f"(supported: {', '.join(LANGUAGES)})")
    if "pl" not in langs.available:
        out.append("[languages] available must include 'pl'")
    if langs.default not in langs.available:
        out.append(f"[languages] default {langs.default!r} is not in available")
    t = cfg.timeouts
    if t.idle_warning_seconds < MIN_IDLE_WARNING_S:
        out.append(f"[timeouts] idle_warning_seconds must be at least {MIN_IDLE_WARNING_S} "
                   f"(residents need time to answer)")
    if t.idle_seconds < 10:
        out.append("[timeouts] idle_seconds must be at least 10")
    s = cfg.screen
    if s.width < 480 or s.height < 480:
        out.append("[screen] width and height must be at least 480")
    out += _printer_problems(cfg.printer)
    try:
        ZoneInfo(cfg.office.timezone)
    except (ValueError, ZoneInfoNotFoundError):
        out.append(f"[office] timezone {cfg.office.timezone!r} is not a time zone "
                   f"(e.g. Europe/Warsaw)")
    db_url = cfg.paths.database_url
    if db_url is not None and not re.match(r"^(sqlite|postgresql|postgres)(\+\w+)?://", db_url):
        out.append(f"[paths] database_url must be a sqlite:/// or postgresql+psycopg:// URL, "
                   f"not {redact_url(db_url)!r}")
    q = cfg.queue
    if q.url is not None and not re.match(r"^(sqlite|postgresql|postgres)(\+\w+)?://", q.url):
        out.append(f"[queue] url must be a sqlite:/// or postgresql+psycopg:// URL, "
                   f"not {redact_url(q.url)!r}")
    for section, key, url in (("paths", "database_url", db_url), ("queue", "url", q.url),
                              ("sync", "source_url", cfg.sync.source_url)):
        if url_has_password(url):
            out.append(_secret_problem(section, f"{key} holds a password "
                                                f"({redact_url(url)})"))
    if not 1 <= len(q.kiosk_id) <= 64:
        out.append("[queue] kiosk_id must be 1 to 64 characters")
    y = cfg.sync
    if y.source_url is not None and not re.match(r"^postgres(ql)?(\+\w+)?://", y.source_url):
        out.append("[sync] source_url must be a postgresql:// URL")
    if y.report_days < 1 or y.random_delay_seconds < 0:
        out.append("[sync] report_days must be at least 1 and random_delay_seconds at least 0")
    u = cfg.usage
    if u.kiosk_id is not None and not 1 <= len(u.kiosk_id) <= 64:
        out.append("[usage] kiosk_id must be 1 to 64 characters")
    if u.retention_days < 1 or u.push_batch < 1:
        out.append("[usage] retention_days and push_batch must be at least 1")
    d = cfg.display
    bad = [x for x in d.announce_languages if x not in LANGUAGES]
    if bad:
        out.append(f"[display] announce_languages: unknown language {bad[0]!r} "
                   f"(supported: {', '.join(LANGUAGES)})")
    if d.announce_max_age_seconds < 0 or d.highlight_seconds < 1 or not 1 <= d.recent_calls <= 20:
        out.append("[display] announce_max_age_seconds must be at least 0, "
                   "highlight_seconds at least 1, recent_calls 1 to 20")
    w = cfg.web.public_url
    if w is not None and not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", w):
        out.append(f"[web] public_url must be an http:// or https:// address without a query, "
                   f"not {w!r}")
    a = cfg.admin
    if a.max_attempts < 1 or a.lockout_seconds < 0 or a.idle_seconds < 10 or a.gesture_taps < 2:
        out.append("[admin] max_attempts must be at least 1, lockout_seconds at least 0, "
                   "idle_seconds at least 10 and gesture_taps at least 2")
    lg = cfg.logging
    if lg.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        out.append("[logging] level must be DEBUG, INFO, WARNING or ERROR")
    if lg.max_bytes < 10_000 or lg.backups < 1:
        out.append("[logging] max_bytes must be at least 10000 and backups at least 1")
    h = cfg.health
    if h.heartbeat_seconds < 1 or h.heartbeat_stale_seconds <= h.heartbeat_seconds:
        out.append("[health] heartbeat_seconds must be at least 1 and "
                   "heartbeat_stale_seconds longer than heartbeat_seconds")
    if h.disk_min_free_mb < 0:
        out.append("[health] disk_min_free_mb must be at least 0")
    return out


_PRINTER_NEEDS = {"network": ("host",), "usb": ("usb_vendor", "usb_product"),
                  "serial": ("serial_device",), "cups": ("cups_queue",)}


def _printer_problems(p: PrinterConfig) -> list[str]:
    out: list[str] = []
    if p.kind not in PRINTER_KINDS:
        out.append(f"[printer] kind must be one of {', '.join(PRINTER_KINDS)}")
    out += [f"[printer] kind = {p.kind!r} needs {key}"
            for key in _PRINTER_NEEDS.get(p.kind, ()) if not getattr(p, key)]
    for key in ("usb_vendor", "usb_product"):
        value = getattr(p, key)
        if value is not None:
            try:
                int(value, 16)
            except ValueError:
                out.append(f"[printer] {key} must be a hexadecimal id such as \"0x04b8\"")
    if p.paper_mm not in (58, 80):
        out.append("[printer] paper_mm must be 58 or 80")
    from printer.profiles import profile_names

    if p.profile not in profile_names():
        out.append(f"[printer] unknown profile {p.profile!r} "
                   f"(see escpos-printer-db, e.g. TM-T20II, TM-T88V, NT-80-V-UL)")
    return out


# Where a kiosk looks for its configuration when neither --config nor $KIOSK_CONFIG names a
# file, in this order: the user's own, then the machine's (what install.sh writes).
ETC_DIR_ENV = "KIOSK_ETC_DIR"  # /etc/bom-kiosk unless set (tests, a chroot)


def config_candidates() -> list[Path]:
    from platformdirs import user_config_dir

    etc = Path(os.environ.get(ETC_DIR_ENV) or "/etc/bom-kiosk")
    return [Path(user_config_dir("bom-kiosk")) / "kiosk.toml", etc / "kiosk.toml"]


def load_config(path: Path | str | None = None) -> KioskConfig:
    """Load the TOML file given, or $KIOSK_CONFIG, or the first of `config_candidates` that
    exists, or return the embedded defaults (a development machine)."""
    path = path or os.environ.get(CONFIG_ENV)
    if not path:
        path = next((c for c in config_candidates() if c.is_file()), None)
    if not path:
        return _validate(KioskConfig(), "defaults")
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8") \
            from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return replace(parse_config(data, str(path)), source=path)


def config_as_dict(cfg: KioskConfig) -> dict:
    """Every key with its value, as the example file documents them; a password in a URL is
    shown as ***."""
    out: dict = {}
    for section in _SECTIONS:
        sec = getattr(cfg, section)
        out[section] = {f.name: getattr(sec, f.name) for f in fields(sec)}
        for key, value in out[section].items():
            if isinstance(value, str) and "://" in value:
                out[section][key] = redact_url(value)
    return out


def _env_file_has(path: Path, key: str) -> bool | None:
    """Whether the KEY=VALUE file sets `key` (None: the file cannot be read)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return any(line.strip().removeprefix("export ").strip().startswith(f"{key}=")
               for line in lines)


def _secret_source(env: str, env_file: Path) -> str:
    if os.environ.get(env):
        return f"{REDACTED} (from {env})"
    found = _env_file_has(env_file, env) if env_file.exists() else False
    if found:
        return f"{REDACTED} (from {env_file})"
    if found is None:
        return f"not readable here ({env_file} is root's); the unit loads {env} from it"
    return f"not set (no {env}; libpq may use a passfile, ~/.pgpass or $PGPASSWORD)"


def secret_sources(cfg: KioskConfig) -> dict[str, str]:
    """Per section, where its password comes from, the password itself shown as ***."""
    return {"queue": _secret_source(QUEUE_PASSWORD_ENV, QUEUE_ENV_FILE),
            "sync": _secret_source(SYNC_PASSWORD_ENV, cfg.sync.env_file)}
