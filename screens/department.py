"""One department: where it is, phones, hours this week, and what it deals with."""

from kiosk.content.places import open_now_line, place_lines, week_lines
from screens.base import KioskScreen, load_kv
from screens.widgets import TitleLabel


class DepartmentScreen(KioskScreen):
    reuse_widgets = True  # refilled each time: "open now" changes with the minute
    let_go_when_left = True
    def crumb(self, code: str) -> str:
        return code

    def render(self, code: str) -> None:
        d = self.app.core.content.department(code)
        tr = self.app.i18n
        self.clear()
        self.add(self.take(TitleLabel, text=f"{self.tx(d.name)} ({d.code})"))
        where = self.card()
        self.heading(self._("Where"), where)
        for line in place_lines(d.place, tr):
            self.para(line, where)
        self.unconfirmed_note(d.unconfirmed, "place", "building", "entrance", "floor", "room",
                              parent=where)
        hours = self.card()
        self.heading(self._("Opening hours"), hours)
        is_open, status = open_now_line(d, self.app.today(), tr)
        self.para(status, hours, bold=True, color=self.app.pal.OK if is_open else self.app.pal.WARN)
        for line in week_lines(d.hours, tr):
            self.para(line, hours)
        self.unconfirmed_note(d.unconfirmed, "hours", parent=hours)
        contact = self.card()
        self.heading(self._("Contact"), contact)
        if d.phones:
            self.para(self._("Phone: {numbers}").format(numbers=", ".join(d.phones)), contact)
        if d.email:
            self.para(self._("E-mail: {address}").format(address=d.email), contact)
        if not d.phones and not d.email:
            self.para(self._("Ask at the information point."), contact)
        self.unconfirmed_note(d.unconfirmed, "phones", "email", parent=contact)
        scope = self.card()
        self.heading(self._("What we deal with"), scope)
        self.para(self.tx(d.scope), scope)
        self.unconfirmed_note(d.unconfirmed, "scope", "name", "code", parent=scope)
        self.finish()


SCREEN = DepartmentScreen
load_kv(__file__)
