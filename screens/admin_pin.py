"""The staff PIN pad behind the hidden corner gesture. Digits are shown as dots; wrong PINs
count towards the lockout (kiosk.ops.admin); nothing typed here is logged."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout

from screens.background import Generation, run_in_background
from screens.base import KioskScreen, load_kv
from screens.widgets import KButton, KLabel, TitleLabel


class PinPad(GridLayout):
    pass


class PinMessage(KLabel):
    """The pad's message line (wrong PIN, lockout, no PIN set): as tall as three lines of
    its text even when empty."""


class PinKey(KButton):
    """A key of the PIN pad: every key the same height."""


class AdminPinScreen(KioskScreen):
    accepts_typing = True  # a keyboard here must not start audio mode

    def __init__(self, **kw):
        super().__init__(**kw)
        self.pin = ""
        self.message = ""
        self.checking = False  # a PIN is being checked on a worker thread
        self._checks = Generation()

    def crumb(self, **_params) -> str:
        return self._("Staff")

    def show(self, **params) -> None:
        if self.app.manager.current != self.name:
            self.pin, self.message = "", ""  # each visit starts empty
        super().show(**params)

    def on_leave(self, *_args) -> None:
        """Left (idle reset, Cancel) while a PIN was checked: its answer is not wanted."""
        self._checks.drop()
        self.checking = False

    def render(self) -> None:
        _ = self._
        self.clear()
        self.add(TitleLabel(text=_("Staff only")))
        locked = self.app.admin.lock_remaining()
        if locked:
            self.message = self._locked_text(locked)
        self.para(_("Enter the PIN."))
        self.dots = self.para("•  " * len(self.pin) if self.pin else "—", halign="center",
                              bold=True)
        self.dots.font_size = 60
        # Always there, with room for the longest message kept from the start: a message
        # that appears must not move the keys under the finger.
        self.add(PinMessage(text=self.message, bold=True, color=self.app.pal.WARN))
        pad = self.add(PinPad())
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9"):
            self._key(pad, key, key)
        self._key(pad, _("Clear"), "clear")
        self._key(pad, "0", "0")
        ok = PinKey(text=_("OK"), role="primary", bold=True)
        ok.bind(on_release=lambda *_a: self.submit())
        pad.add_widget(ok)
        self.button(_("Cancel"), self.app.reset_session)
        self.finish()

    def _key(self, pad, text: str, value: str) -> None:
        btn = PinKey(text=text)
        btn.bind(on_release=lambda *_a: self.press(value))
        pad.add_widget(btn)

    def _locked_text(self, seconds: int) -> str:
        minutes = max(1, (seconds + 59) // 60)
        return self.app.i18n.ngettext(
            "Too many wrong PINs. Try again in {n} minute.",
            "Too many wrong PINs. Try again in {n} minutes.", minutes).format(n=minutes)

    def press(self, value: str) -> None:
        if self.checking:
            return
        if value == "clear":
            self.pin = ""
        elif len(self.pin) < 12:
            self.pin += value
        self.dots.text = "•  " * len(self.pin) if self.pin else "—"

    def submit(self) -> None:
        """Checks the PIN on a worker thread: scrypt takes about half a second by design, and the
        attempt is written to the audit database; the pad must not freeze meanwhile."""
        if self.checking:
            return
        pin, self.pin = self.pin, ""
        self.checking = True
        self.dots.text = self._("Checking...")
        admin, token = self.app.admin, self._checks.new()
        # private: nothing typed on the pad may reach the log, not even in an error's text.
        run_in_background(lambda: admin.check_pin(pin), name="admin-pin", private=True,
                          done=self._checked, error=self._checked,
                          current=lambda: token() and self.manager.current == self.name)

    def _checked(self, result) -> None:
        """The answer, or the exception that stopped the check (a database fault: say so,
        keep the pad usable). A pad left meanwhile never gets here (on_leave)."""
        self.checking = False
        if isinstance(result, Exception):
            self.message = self._("The PIN could not be checked. Try again.")
        elif result.ok:
            self.message = ""
            # The PIN pad leaves the history: Back from the admin side goes Home.
            self.app.history = [("home", {})]
            self.app.go("admin")
            return
        elif result.no_pin:
            self.message = self._("No PIN is set on this kiosk. IT staff set one with: "
                                  "kiosk admin set-pin")
        elif result.locked_for:
            self.message = self._locked_text(result.locked_for)
        else:
            self.message = self.app.i18n.ngettext(
                "Wrong PIN. {n} more try before the lock.",
                "Wrong PIN. {n} more tries before the lock.",
                result.attempts_left).format(n=result.attempts_left)
        self.refresh()


SCREEN = AdminPinScreen
load_kv(__file__)
