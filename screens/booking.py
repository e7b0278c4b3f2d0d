"""Mam rezerwację: a resident who booked a visit online types the six-digit code of the
booking and gets a ticket marked as booked, for the booked matter and time; or a plain answer
why not (wrong code, already used, another day, too early, too late).

The digits come from the on-screen keyboard (the search screen's keys, laid out as a phone's
number pad), from a keypad or keyboard, or in audio mode by choosing the keys; audio mode
hears the code read back digit by digit after every key. The code is never logged: it is the
key to someone's visit. Check-in runs through screens.background (the queue may be a shared
server across the hall); a queue that cannot be reached is said plainly and staff are told.
"""

from __future__ import annotations

import datetime as dt
import logging

from kivy.core.window import Window
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_
from kiosk.queue.bookings import (
    ALREADY_USED,
    ANOTHER_DAY,
    CODE_DIGITS,
    EARLY_MINUTES,
    TOO_EARLY,
    TOO_LATE,
    TOO_MANY_WRONG,
)
from kiosk.queue.service import CheckInRefused
from screens.background import Generation, run_in_background
from screens.base import KioskScreen, load_kv
from screens.printing import new_job
from screens.search import KeyButton, SearchKeyboard
from screens.ticket import queue_call
from screens.widgets import KButton, PrimaryButton, TitleLabel

log = logging.getLogger(__name__)

KEY_BACKSPACE, KEY_ENTER, KEY_KP_ENTER = 8, 13, 271
PAD_ROWS = ("123", "456", "789")
PAD_KEY_HEIGHT = 150

WRONG_CODE_TEXT = N_("We cannot find this code. Check the six digits in your booking "
                     "and try again.")


class PadKey(KeyButton):
    """A key of the number pad: as tall as its row (booking.kv)."""


class PadCommandKey(PadKey):
    """Delete and Clear: words, in the search keys' size (they must fit in every language)."""


class CodeKeyboard(SearchKeyboard):
    """The search screen's keyboard as a number pad: 1-9 in three rows, then Delete, 0 and
    Clear. The same keys, the same "\\b" (delete) and "\\x18" (clear)."""

    def build(self, lang: str, _, on_key) -> None:
        self.on_key = on_key
        if not self.children:
            for row in PAD_ROWS:
                self._row([(ch, ch) for ch in row])
            self.delete, zero, self.clear = self._row([("", "\b"), ("0", "0"), ("", "\x18")])
        self.delete.text = "‹ " + _("Delete")
        self.clear.text = _("Clear")

    def _row(self, keys) -> list[PadKey]:
        # Taller than the search keys: a number pad has room, and a trembling finger needs it.
        box = BoxLayout(size_hint_y=None, height=PAD_KEY_HEIGHT, spacing=16)
        made = []
        for text, ch in keys:
            key = PadKey(text=text) if text else PadCommandKey()
            key.bind(on_release=lambda _b, c=ch: self.on_key(c))
            box.add_widget(key)
            made.append(key)
        self.add_widget(box)
        return made


class CodeSlots(BoxLayout):
    """Six boxes showing the digits typed so far; audio mode reads them one by one."""

    code = StringProperty("")

    def audio_text(self) -> str:
        from kivy.app import App

        _ = App.get_running_app().i18n._
        if not self.code:
            return _("Booking code: nothing typed yet.")
        return _("Booking code: {digits}.").format(digits=spoken_digits(self.code))


def spoken_digits(code: str) -> str:
    """"482" -> "4, 8, 2": digit by digit, never "four hundred and eighty-two"."""
    return ", ".join(code)


class BookingScreen(KioskScreen):
    code = StringProperty("")
    answer = StringProperty("")  # the last refusal, said plainly (tests and audio read it)
    accepts_typing = True  # digits typed on a keypad or keyboard go into the code

    def __init__(self, **kw):
        super().__init__(**kw)
        self._requests = Generation()
        self._listening = False

    def crumb(self, **_params) -> str:
        return self._("I have a booking")

    def render(self) -> None:
        self.code, self.answer = "", ""
        self.ids.keyboard.build(self.app.lang, self._, self.press)
        self.ids.confirm.text = self._("Confirm")
        self._intro()

    def _intro(self) -> None:
        self.answer = ""
        self.clear()
        self.add(TitleLabel(text=self._("I have a booking")))
        self.para(self._("Type the six-digit code from your booking. You will get a ticket "
                         "for your booked time."))
        self.finish()

    def release(self) -> None:
        self._requests.drop()
        super().release()
        self.code, self.answer = "", ""

    # --- keys ----------------------------------------------------------------------------
    def on_pre_enter(self, *_args) -> None:
        if not self._listening:
            Window.bind(on_textinput=self._on_textinput, on_key_down=self._on_key_down)
            self._listening = True

    def on_leave(self, *_args) -> None:
        self._requests.drop()  # a check-in answer must not pull the resident back here
        if self._listening:
            Window.unbind(on_textinput=self._on_textinput, on_key_down=self._on_key_down)
            self._listening = False

    def _on_textinput(self, _window, text: str) -> bool:
        self.app.idle.touch()
        for ch in text:
            if ch.isdigit() and ch.isascii():
                self.press(ch)
        return True

    def _on_key_down(self, _window, key, *_args) -> bool:
        if key == KEY_BACKSPACE and self.code:  # with nothing typed, Back as anywhere
            self.app.idle.touch()
            self.press("\b")
            return True
        if key in (KEY_ENTER, KEY_KP_ENTER) and not self.app.audio.active:
            self.app.idle.touch()
            self.confirm()
            return True
        return False

    def press(self, ch: str) -> None:
        if ch == "\b":
            self.code = self.code[:-1]
        elif ch == "\x18":
            self.code = ""
        elif len(self.code) < CODE_DIGITS:
            self.code += ch
        if self.answer:  # typing again: the last answer no longer applies
            self.answer = ""
            self._intro()
        self.app.audio.typed(self.ids.slots.audio_text())

    # --- checking in ---------------------------------------------------------------------
    def confirm(self) -> None:
        if len(self.code) < CODE_DIGITS:
            self._intro()
            self._say(self._("Please type all six digits of the code."))
            return
        code, core = self.code, self.app.core
        token = self._requests.new()
        self.clear()
        self.add(TitleLabel(text=self._("Please wait a moment.")))

        def work():
            return queue_call(core, lambda queue: queue.check_in(code), CheckInRefused)

        # private: the code is a key to someone's visit; it stays out of the log.
        run_in_background(work, name="queue-check-in", private=True,
                          done=self._checked_in, error=self._refused,
                          expected=(CheckInRefused,),
                          current=lambda: token() and self.manager.current == self.name)

    def _checked_in(self, ticket) -> None:
        self.app.core.usage.ticket_issued(ticket.letter, ticket.priority)
        # Back from the ticket leads before this screen: the code is used.
        self.app.history.pop()
        self.app.go("printing", what="ticket", ticket=ticket, symbol=None, job=new_job())

    def _refused(self, error: Exception) -> None:
        if not isinstance(error, CheckInRefused):
            self.clear()
            self.add(TitleLabel(text=self._("We cannot give out tickets right now.")))
            self._say(self._("Please ask at the information point. Staff will be glad to "
                             "help."))
            self.finish()
            return
        r, tr = error.refusal, self.app.i18n
        at = tr.time(r.booked_at.time().replace(tzinfo=None)) if r.booked_at else ""
        if error.reason == TOO_EARLY and r.booked_at is not None:
            from_ = (r.booked_at - dt.timedelta(minutes=EARLY_MINUTES)).time()
            text = self._("It is too early. Your visit is at {time}. Please confirm it from "
                          "{from_time}.").format(time=at, from_time=tr.time(from_))
        elif error.reason == TOO_LATE:
            text = self._("Your visit was at {time}. It is too late to confirm it. Please "
                          "take an ordinary ticket.").format(time=at)
        elif error.reason == ANOTHER_DAY and r.service_day is not None:
            text = self._("This code is for a visit on {date} at {time}. Please come that "
                          "day.").format(date=tr.date(r.service_day), time=at)
        elif error.reason == TOO_MANY_WRONG:
            text = self._("Too many wrong codes have been typed here. Please ask at the "
                          "information point.")
        elif error.reason == ALREADY_USED:
            text = self._("This code has already been used. Each code gives one ticket. If "
                          "you have lost your ticket, please ask at the information point.")
        else:
            text = self._(WRONG_CODE_TEXT)
        self.clear()
        self.add(TitleLabel(text=self._("No ticket for this code")))
        self.answer = text
        label = self.para(text, bold=True, color=self.app.pal.WARN)
        if error.reason == TOO_LATE:
            self.button(self._("Take an ordinary ticket"),
                        lambda: self.app.go("ticket", letter=r.letter), cls=PrimaryButton)
        if error.reason not in (ALREADY_USED, TOO_MANY_WRONG):
            self.button(self._("Type the code again"), self._again, cls=KButton)
        self.mark_polish_only()
        self.app.audio.items_changed(focus=label, say=text)

    def _again(self) -> None:
        self.code, self.answer = "", ""
        self._intro()

    def _say(self, text: str) -> None:
        """A short answer under the title, also spoken in audio mode."""
        self.answer = text
        label = self.para(text, bold=True, color=self.app.pal.WARN)
        self.app.audio.items_changed(focus=label, say=text)


SCREEN = BookingScreen
load_kv(__file__)
