"""Home: announcements, the matters by category, and the other ways in."""

from __future__ import annotations

from screens.base import KioskScreen, load_kv
from screens.widgets import TileGrid, TitleLabel


class HomeScreen(KioskScreen):
    reuse_widgets = True

    def crumb(self, **params) -> str:
        return self._("Start")

    def render(self) -> None:
        self.show_page()
        self.finish()

    def page_key(self):
        # Notices change with the day; the rest with the language and the content.
        return ("home", self.app.today().date())

    def fill(self) -> None:
        content = self.app.core.content
        go = self.app.go
        self.add(self.take(TitleLabel, text=self._("Good day! How can we help you?")))
        quick = self.add(self.take(TileGrid))
        self.tile(self._("Take a queue ticket"), self._("Get a number and wait to be called"),
                  lambda: go("ticket"), quick)
        self.tile(self._("Search"), self._("Type what you need to do"), lambda: go("search"),
                  quick)

        self.heading(self._("Matters by topic"))
        grid = self.add(self.take(TileGrid))
        for cat in content.categories():
            n = cat.procedure_count
            self.tile(self.tx(cat.name),
                      self.app.i18n.ngettext("{n} matter", "{n} matters", n).format(n=n),
                      lambda code=cat.code: go("category", code=code), grid)

        self.heading(self._("More information"))
        more = self.add(self.take(TileGrid))
        for title, subtitle, target in (
            (self._("Departments and rooms"), self._("Where to go, phones, opening hours"),
             "departments"),
            (self._("Local fees and taxes"), self._("Waste fee, property tax and others"),
             "rates"),
            (self._("Forms"), self._("How to fill them in, field by field"), "forms"),
        ):
            self.tile(title, subtitle, lambda t=target: go(t), more)

        # Notices come after the ways in: residents come for their matter first.
        for a in content.announcements(self.app.today().date()):
            box = self.card(note=True)
            self.para(self.tx(a.title), box, bold=True)
            self.para(self.tx(a.body), box)


SCREEN = HomeScreen
load_kv(__file__)
