"""The staff side: the PIN (a salted scrypt hash, never the PIN itself), its lockout, the audit
trail, and the admin actions as plain functions over the core. The Kivy screens are a thin
adapter over this module.

scrypt comes with Python's hashlib (OpenSSL), so the kiosk needs no extra library for a
memory-hard, salted PIN hash; the parameters are stored with the hash so they can be raised
later without breaking PINs already set.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import pwd
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.clock import office_now
from kiosk.config import KioskConfig
from kiosk.content.service import ContentService
from kiosk.content.store import ensure_bundled_content
from kiosk.db.models import AdminAudit
from kiosk.i18n import N_
from kiosk.messages import Message, msg
from kiosk.ops.alerts import Alerts
from kiosk.ops.health import printer_message, sync_outcome
from kiosk.printing.jobs import PrintJobs

log = logging.getLogger(__name__)

# `kiosk run` exit codes the deploy units understand: restart the kiosk, or stay stopped
# (staff left to the desktop on purpose; systemd's RestartPreventExitStatus=10).
EXIT_RESTART = 75
EXIT_TO_DESKTOP = 10

PIN_MIN, PIN_MAX = 6, 12
# scrypt cost: 128 MiB and about 0.45 s per check (bench/pin.py): a pause staff hardly notice
# on a worker thread, and 1,000,000 six-digit PINs cost a thief ~125 core-hours instead of ~11.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 17, 8, 1
# Hashes set with a lower cost still open the pad, and are rewritten at the current cost on
# the first right PIN. A file asking for more than this is refused, not run (1 GiB).
SCRYPT_MAX_MEMORY = 2 ** 30


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    need = 128 * r * (n + p + 2)
    if need > SCRYPT_MAX_MEMORY:
        raise ValueError("scrypt parameters beyond the kiosk's limit")
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=need + 2 ** 20)


class PinError(ValueError):
    """A PIN that cannot be set (too short, not digits, too easy to guess)."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --- the PIN hash ---------------------------------------------------------------------------

def check_new_pin(pin: str) -> None:
    if not pin.isdigit() or not PIN_MIN <= len(pin) <= PIN_MAX:
        raise PinError(f"the PIN must be {PIN_MIN} to {PIN_MAX} digits")
    if len(set(pin)) == 1 or pin in "0123456789012345678" or pin in "9876543210987654321":
        raise PinError("the PIN is too easy to guess (one digit repeated, or a run of digits)")


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
    b64 = base64.b64encode
    return (f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}$"
            f"{b64(digest).decode()}")


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = _scrypt(pin, base64.b64decode(salt), int(n), int(r), int(p), len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def pin_file(cfg: KioskConfig) -> Path:
    return cfg.admin.pin_file or cfg.paths.data_dir / "admin_pin"


def hash_is_current(stored: str) -> bool:
    """Whether a stored hash uses at least today's cost (older ones are rewritten)."""
    try:
        scheme, n, r, p, *_ = stored.strip().split("$")
        return scheme == "scrypt" and int(n) * int(r) >= SCRYPT_N * SCRYPT_R
    except ValueError:
        return False


def write_pin(path: Path, pin: str, *, owner: str | None = None) -> None:
    """Store the hash of `pin` atomically, mode 0600: nobody but its owner reads it.

    `owner` (a user name) is for root setting the PIN of the kiosk user, which must read it.
    """
    check_new_pin(pin)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        os.fchmod(f.fileno(), 0o600)  # an old .tmp keeps its mode through O_CREAT
        f.write(hash_pin(pin) + "\n")
        if owner is not None:
            user = pwd.getpwnam(owner)
            os.fchown(f.fileno(), user.pw_uid, user.pw_gid)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


# --- attempts, lockout, audit ---------------------------------------------------------------

@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime  # UTC
    action: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class PinResult:
    ok: bool
    locked_for: int = 0  # seconds until the PIN pad opens again (0: not locked)
    attempts_left: int = 0
    no_pin: bool = False  # no PIN was ever set on this kiosk


class Admin:
    """PIN checks with a lockout kept in the audit log (a restart does not reset it)."""

    def __init__(self, Session_: sessionmaker[Session], cfg: KioskConfig,
                 now: Callable[[], dt.datetime] = utcnow):
        self._Session, self.cfg, self._now = Session_, cfg, now

    @property
    def pin_file(self) -> Path:
        return pin_file(self.cfg)

    def has_pin(self) -> bool:
        try:
            return self.pin_file.read_text(encoding="ascii").startswith("scrypt$")
        except (OSError, UnicodeDecodeError):
            return False

    def audit(self, action: str, outcome: str, detail: str = "") -> None:
        """Write one audit row (and one log line): time, action, outcome."""
        with self._Session.begin() as s:
            s.add(AdminAudit(at=self._now(), action=action[:40], outcome=outcome[:20],
                             detail=detail[:300]))
        log.info("admin %s: %s", action, outcome, extra={"event": "admin", "action": action,
                                                         "outcome": outcome})

    def recent(self, n: int = 20) -> list[AuditEntry]:
        """The newest `n` audit rows, newest first, as plain data for the staff screen."""
        with self._Session() as s:
            rows = s.scalars(select(AdminAudit).order_by(AdminAudit.at.desc(),
                                                         AdminAudit.id.desc()).limit(n))
            return [AuditEntry(r.at, r.action, r.outcome, r.detail) for r in rows]

    def _last_pin_row(self, s: Session, *outcomes: str) -> AdminAudit | None:
        return s.scalars(select(AdminAudit)
                         .where(AdminAudit.action == "pin", AdminAudit.outcome.in_(outcomes))
                         .order_by(AdminAudit.at.desc(), AdminAudit.id.desc()).limit(1)).first()

    def lock_remaining(self) -> int:
        """Whole seconds the PIN pad stays locked, 0 when open."""
        with self._Session() as s:
            return self._lock_remaining(s)

    def _lock_remaining(self, s: Session) -> int:
        # The newest lockout row, however many attempts came after it: taps while locked
        # add rows of their own and must never push the lock out of sight.
        lock = self._last_pin_row(s, "lockout")
        if lock is None:
            return 0
        left = (lock.at + dt.timedelta(seconds=self.cfg.admin.lockout_seconds)
                - self._now()).total_seconds()
        return max(0, int(left + 0.999))

    def _wrong_in_a_row(self, s: Session) -> int:
        """Wrong PINs since the last success or lockout (taps while locked do not count)."""
        since = self._last_pin_row(s, "ok", "lockout")
        query = select(func.count()).select_from(AdminAudit).where(
            AdminAudit.action == "pin", AdminAudit.outcome == "wrong")
        if since is not None:
            query = query.where(AdminAudit.id > since.id)
        return s.scalar(query) or 0

    def check_pin(self, pin: str) -> PinResult:
        """One attempt at the PIN pad, written to the audit log whatever its outcome."""
        a = self.cfg.admin
        with self._Session() as s:
            locked = self._lock_remaining(s)
            wrong_before = self._wrong_in_a_row(s)
        if locked:
            self.audit("pin", "locked", f"attempt while locked, {locked} s left")
            return PinResult(False, locked_for=locked)
        try:
            stored = self.pin_file.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            self.audit("pin", "no_pin", "no PIN has been set (kiosk admin set-pin)")
            return PinResult(False, no_pin=True)
        if verify_pin(pin, stored):
            self.audit("pin", "ok")
            self._rehash(pin, stored)
            return PinResult(True, attempts_left=a.max_attempts)
        self.audit("pin", "wrong")
        wrong = wrong_before + 1
        if wrong >= a.max_attempts:
            self.audit("pin", "lockout", f"{wrong} wrong PINs in a row: locked for "
                                         f"{a.lockout_seconds} s")
            return PinResult(False, locked_for=a.lockout_seconds)
        return PinResult(False, attempts_left=a.max_attempts - wrong)

    def _rehash(self, pin: str, stored: str) -> None:
        """A hash from before the cost was raised is rewritten with the right PIN just typed."""
        if hash_is_current(stored):
            return
        try:
            write_pin(self.pin_file, pin)
        except (OSError, PinError) as exc:
            log.warning("the admin PIN hash uses an old, cheaper cost and cannot be rewritten "
                        "(%s): set the PIN again with `kiosk admin set-pin`", exc)
        else:
            self.audit("set_pin", "ok", "rehashed at the current scrypt cost")


# --- admin actions --------------------------------------------------------------------------

def _sync_result(code: int, outcome: str, error: object) -> ActionResult:
    """A finished sync for the staff screen: exit code, outcome and the error if any."""
    summary = outcome + (f" ({error})" if error else "")
    said: Message | str = sync_outcome(outcome)
    if error:
        said = msg(N_("{outcome} ({error})"), outcome=said, error=str(error)[:200])
    return ActionResult(code in (0, 1), f"exit {code}: {summary}"[:300],
                        msg(N_("exit code {code}: {outcome}"), code=str(code), outcome=said))


def _sync_late(timeout: float) -> ActionResult:
    return ActionResult(False, f"sync did not finish within {timeout:.0f} s",
                        msg(N_("the sync did not finish within {seconds} s"),
                            seconds=int(timeout)))


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    detail: str  # for staff: plain, short, no personal data
    # The same for the staff screen, translated there (kiosk.messages; None: only detail).
    message: Message | None = field(default=None, compare=False)


class StaffActions:
    """What the admin side's buttons do; each returns a plain result for the staff screen."""

    def __init__(self, Session_: sessionmaker[Session], cfg: KioskConfig,
                 content: ContentService, alerts: Alerts, printing: PrintJobs):
        self._Session, self.cfg = Session_, cfg
        self.content, self.alerts, self.printing = content, alerts, printing

    def print_test_page(self) -> ActionResult:
        res = self.printing.print_document(
            self.printing.test_page(office_now(self.cfg.office.timezone)))
        return ActionResult(res.ok, f"{res.state.value}: {res.detail}",
                            printer_message(res.state.value, res.detail))

    def sync_now(self, timeout: float = 3600, poll: float = 1.0) -> ActionResult:
        """Sync the content now and wait for the outcome: through the sync unit when
        [sync] request_file is set (an installed kiosk: the unit holds the central secret),
        else in a `kiosk sync --now` process of our own (as the nightly timer does)."""
        if self.cfg.sync.request_file is not None:
            return self._sync_by_unit(self.cfg.sync.request_file, timeout, poll)
        cfg = self.cfg
        env = dict(os.environ)
        if cfg.source is not None:
            env["KIOSK_CONFIG"] = str(cfg.source)
        env.setdefault("KIOSK_DATA_DIR", str(cfg.paths.data_dir))
        try:
            r = subprocess.run([sys.executable, "-m", "entrypoints", "sync", "--now", "--json"],
                               capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return _sync_late(timeout)
        try:
            data = json.loads(r.stdout)
            return _sync_result(r.returncode, data.get("outcome", ""),
                                (data.get("detail") or {}).get("error"))
        except (ValueError, AttributeError, TypeError):
            last = (r.stderr.strip().splitlines() or [""])[-1]
            return ActionResult(r.returncode in (0, 1), f"exit {r.returncode}: {last}"[:300],
                                msg(N_("exit code {code}: {outcome}"), code=str(r.returncode),
                                    outcome=last[:200]))

    def _sync_by_unit(self, request: Path, timeout: float, poll: float) -> ActionResult:
        """Write the request file the path unit watches, then wait for the unit's report."""
        from kiosk.ops.sync_reports import recent_reports
        from kiosk.paths import write_private

        def newest_id() -> int:
            reports = recent_reports(self._Session, 1)
            return (reports[0].id or 0) if reports else 0

        before = newest_id()
        try:
            write_private(request, dt.datetime.now(dt.UTC).isoformat() + "\n")
        except OSError as exc:
            return ActionResult(False, f"cannot ask for a sync ({request}: {exc})",
                                msg(N_("cannot ask for a sync: {error}"), error=str(exc)[:200]))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(poll)
            reports = recent_reports(self._Session, 1)
            if reports and (reports[0].id or 0) > before:
                r = reports[0]
                return _sync_result(r.exit_code, r.outcome, (r.detail or {}).get("error"))
        return _sync_late(timeout)

    def reload_content(self) -> ActionResult:
        """Load the content folder again if it changed, and show the newest revision at once."""
        rid = ensure_bundled_content(self._Session, self.cfg)
        self.content.pin()
        st = self.content.status()
        return ActionResult(True,
                            f"revision {st.revision} ({'reloaded' if rid else 'unchanged'})",
                            msg(N_("revision {revision} (reloaded)") if rid else
                                N_("revision {revision} (unchanged)"), revision=str(st.revision)))

    def clear_printer_alert(self) -> ActionResult:
        n = self.alerts.clear("printer")
        return ActionResult(True, f"{n} printer alert(s) cleared",
                            msg(N_("printer alerts cleared: {n}"), n=n))
