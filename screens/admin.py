"""The admin side (staff, after the PIN): status of every part, actions, staff alerts and the
audit trail. Closes itself after [admin] idle_seconds without a touch (kiosk_app._check_idle).

Slow work (health checks, printing, sync) runs through screens.background. Every action is
written to the audit log with its outcome; an action or a check that fails says so here.
"""

from __future__ import annotations

import logging
import time

from kiosk import __version__
from kiosk.i18n import N_
from kiosk.messages import Message, msg
from kiosk.ops.health import PRINTER_STATES, printer_detail
from screens.background import Generation, run_in_background
from screens.base import KioskScreen, load_kv
from screens.widgets import PrimaryButton, TitleLabel

COMPONENT_NAMES = {
    "app": N_("Kiosk app"), "content": N_("Content"), "sync": N_("Content sync"),
    "printer": N_("Printer and paper"), "queue_db": N_("Queue database"),
    "database": N_("Kiosk database"), "audio_cache": N_("Audio cache"), "disk": N_("Disk"),
    "alerts": N_("Staff alerts"), "audio": N_("Audio clips of the content"),
}
STATE_WORDS = {"ok": N_("OK"), "warn": N_("Warning"), "fail": N_("Needs staff"),
               "unknown": N_("Unknown"), "stopped": N_("Stopped")}
ACTIONS = {  # name -> (button label, runs on a worker thread)
    "print_test": N_("Print a test page"),
    "sync_now": N_("Sync content now"),
    "reload_content": N_("Reload content"),
    "clear_printer_alert": N_("Clear printer alert"),
    "restart": N_("Restart the kiosk"),
    "exit": N_("Exit to desktop"),
}
# The audit log's words (kiosk.ops.admin.Admin.audit callers), for the list on this screen.
AUDIT_ACTIONS = {
    **ACTIONS, "pin": N_("PIN"), "gesture": N_("Staff gesture"), "close": N_("Staff side closed"),
    "set_pin": N_("PIN set"),
}
AUDIT_OUTCOMES = {
    "ok": N_("OK"), "failed": N_("failed"), "wrong": N_("wrong PIN"),
    "locked": N_("attempt while locked"), "lockout": N_("locked after wrong PINs"),
    "no_pin": N_("no PIN set"), "idle": N_("after idle time"),
}
# Staff alerts: where they come from and what they are.
ALERT_SOURCES = {"printer": N_("Printer"), "kiosk": N_("Kiosk"), "queue": N_("Queue"),
                 "sync": N_("Content sync")}
ALERT_KINDS = {"integrity": N_("database integrity"), "unreachable": N_("unreachable"),
               "failed": N_("failed")}
CONFIRM = ("restart", "exit")  # leave the kiosk: a second tap confirms

log = logging.getLogger(__name__)


class AdminScreen(KioskScreen):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.health = None
        self.busy: str | None = None  # the action running now
        self.last: tuple[str, bool, str] | None = None  # action, ok, detail
        self.last_message: Message | None = None  # the detail, translated when shown
        self._arm: tuple[str, float] | None = None  # a leave action waiting for its second tap
        self._checks = Generation()  # only the newest health check is shown

    def crumb(self, **_params) -> str:
        return self._("Staff")

    def show(self, **params) -> None:
        if self.app.manager.current != self.name:  # entering: fresh checks
            self.health, self.last, self._arm, self.busy = None, None, None, None
            self.last_message = None
            self._check()
        super().show(**params)

    def _check(self) -> None:
        core, token = self.app.core, self._checks.new()

        def work():
            from kiosk.ops.health import check_all

            return check_all(core)

        # A check that fails is shown to staff ("The check failed: ..."); the kiosk goes on.
        run_in_background(work, name="admin-health", done=self._checked, error=self._checked,
                          current=lambda: token() and self.app.manager.current == self.name)

    def _checked(self, health) -> None:
        self.health = health
        self.refresh()

    def render(self) -> None:
        _ = self._
        self.clear()
        self.add(TitleLabel(text=_("Staff")))
        self.button(_("Close and return to the start screen"), self._close, cls=PrimaryButton)
        self._status()
        self._actions()
        self._alerts()
        self._audit()
        self.finish()

    # --- status ---------------------------------------------------------------------------
    def _status(self) -> None:
        _ = self._
        box = self.card()
        self.heading(_("Status"), box)
        up = int(time.time() - self.app._started)
        self.small(_("Version {version}, running for {h} h {m} min.").format(
            version=__version__, h=up // 3600, m=up % 3600 // 60), box)
        if self.health is None:
            self.para(_("Checking..."), box)
            return
        if isinstance(self.health, Exception):
            self.para(_("The check failed: {error}").format(error=str(self.health)[:200]), box)
            return
        for c in self.health.components:
            word = _(STATE_WORDS.get(c.state, c.state))
            self.para(_("{component}: {state}").format(
                component=_(COMPONENT_NAMES.get(c.name, c.name)), state=word), box, bold=True,
                color=self.app.pal.WARN if c.staff else self.app.pal.TEXT)
            self.small(c.text(self.app.i18n), box)
        self.button(_("Check again"), self._recheck, box)

    def _recheck(self) -> None:
        self.health = None
        self._check()
        self.refresh()

    # --- actions --------------------------------------------------------------------------
    def _actions(self) -> None:
        _ = self._
        box = self.card()
        self.heading(_("Actions"), box)
        if self.busy:
            self.para(_("Working: {action}...").format(action=_(ACTIONS[self.busy])), box,
                      bold=True)
        elif self.last:
            name, ok, detail = self.last
            word = _("done") if ok else _("failed")
            self.para(_("{action}: {outcome}").format(action=_(ACTIONS[name]), outcome=word),
                      box, bold=True, color=self.app.pal.OK if ok else self.app.pal.WARN)
            self.small(self.last_message.render(self.app.i18n) if self.last_message else detail,
                       box)
        for name, label in ACTIONS.items():
            text = _(label)
            if self._arm and self._arm[0] == name:
                text = _("{action}: tap again to confirm").format(action=text)
            btn = self.button(text, lambda n=name: self.act(n), box)
            btn.action = name
            btn.disabled = self.busy is not None

    def act(self, name: str) -> None:
        if self.busy:
            return
        if name in CONFIRM:
            if not (self._arm and self._arm[0] == name and time.monotonic() - self._arm[1] < 5):
                self._arm = (name, time.monotonic())
                self.refresh()
                return
            from kiosk.ops.admin import EXIT_RESTART, EXIT_TO_DESKTOP

            self.app.admin.audit(name, "ok")
            self.app.leave(EXIT_RESTART if name == "restart" else EXIT_TO_DESKTOP, name)
            return
        # Here, not with the screen (made after the first frame on every start): the staff
        # side's module brings the printing one, and python-escpos, Pillow and numpy with it.
        from kiosk.ops.admin import ActionResult

        self._arm = None
        staff = self.app.core.staff
        run = {"print_test": staff.print_test_page,
               "sync_now": staff.sync_now,
               "reload_content": staff.reload_content,
               "clear_printer_alert": staff.clear_printer_alert}[name]
        self.busy = name
        self.refresh()

        admin = self.app.admin

        def audit(outcome: str, detail: str) -> None:
            try:
                admin.audit(name, outcome, detail)
            except Exception:  # the outcome is still shown; the log says why it is unaudited
                log.exception("could not audit %s", name)

        def work():
            try:
                result = run()
            except Exception as exc:
                audit("failed", f"{type(exc).__name__}: {exc}"[:300])
                raise
            audit("ok" if result.ok else "failed", result.detail)
            return result

        run_in_background(work, name=f"admin-{name}", done=lambda r: self._done(name, r),
                          error=lambda exc: self._done(name, ActionResult(
                              False, f"{type(exc).__name__}: {exc}"[:300],
                              msg(N_("error: {error}"),
                                  error=f"{type(exc).__name__}: {exc}"[:300]))))

    def _done(self, name: str, result) -> None:
        self.busy = None
        self.last = (name, result.ok, result.detail)
        self.last_message = getattr(result, "message", None)
        if self.app.manager.current == self.name:
            self.health = None
            self._check()  # the action may have changed the status
            self.refresh()

    # --- alerts and audit -----------------------------------------------------------------
    def _alerts(self) -> None:
        _ = self._
        box = self.card()
        self.heading(_("Staff alerts"), box)
        alerts = self.app.core.alerts.open()
        if not alerts:
            self.para(_("No open alerts."), box)
        for a in alerts[:10]:
            self.para(_("{when}  {source}: {kind}").format(
                when=f"{a.raised_at:%Y-%m-%d %H:%M}", source=_(ALERT_SOURCES.get(a.source,
                                                                                a.source)),
                kind=self._alert_kind(a)), box, bold=True)
            if a.source == "printer":  # the printer's fixed sentences; anything else is in
                said = printer_detail(a.detail)  # the log and `kiosk status --json`
                if said is not None:
                    self.small(said.render(self.app.i18n), box)
            elif a.detail:
                self.small(_("Technical detail: {detail}").format(detail=a.detail[:200]), box)

    def _alert_kind(self, a) -> str:
        if a.source == "printer" and a.kind in PRINTER_STATES:
            return self._(PRINTER_STATES[a.kind])
        return self._(ALERT_KINDS.get(a.kind, a.kind))

    def _audit(self) -> None:
        _ = self._
        box = self.card()
        self.heading(_("Recent admin activity"), box)
        for r in self.app.admin.recent(10):
            self.small(_("{time} UTC  {action}: {outcome}").format(
                time=f"{r.at:%Y-%m-%d %H:%M:%S}",
                action=_(AUDIT_ACTIONS.get(r.action, r.action)),
                outcome=_(AUDIT_OUTCOMES.get(r.outcome, r.outcome))), box)

    def _close(self) -> None:
        self.app.admin.audit("close", "ok")
        self.app.reset_session()


SCREEN = AdminScreen
load_kv(__file__)
