"""Home: announcements, the matters by category, and the other ways in."""

from __future__ import annotations

from screens.base import KioskScreen, load_kv
from screens.widgets import Card, Tile, TileGrid, TitleLabel


class HomeScreen(KioskScreen):
    def crumb(self, **params) -> str:
        return self._("Start")

    def render(self) -> None:
        content = self.app.core.content
        self.clear()
        self.add(TitleLabel(text=self._("Good day! How can we help you?")))
        quick = self.add(TileGrid())
        ticket = Tile(title=self._("Take a queue ticket"),
                      subtitle=self._("Get a number and wait to be called"))
        ticket.bind(on_release=lambda *_: self.app.go("ticket"))
        search = Tile(title=self._("Search"), subtitle=self._("Type what you need to do"))
        search.bind(on_release=lambda *_: self.app.go("search"))
        quick.add_widget(ticket)
        quick.add_widget(search)

        self.heading(self._("Matters by topic"))
        grid = self.add(TileGrid())
        for cat in content.categories():
            n = cat.procedure_count
            tile = Tile(title=self.tx(cat.name),
                        subtitle=self.app.i18n.ngettext("{n} matter", "{n} matters", n).format(n=n))
            tile.bind(on_release=lambda *_, code=cat.code: self.app.go("category", code=code))
            grid.add_widget(tile)

        self.heading(self._("More information"))
        more = self.add(TileGrid())
        for title, subtitle, target in (
            (self._("Departments and rooms"), self._("Where to go, phones, opening hours"),
             "departments"),
            (self._("Local fees and taxes"), self._("Waste fee, property tax and others"),
             "rates"),
            (self._("Forms"), self._("How to fill them in, field by field"), "forms"),
        ):
            tile = Tile(title=title, subtitle=subtitle)
            tile.bind(on_release=lambda *_, t=target: self.app.go(t))
            more.add_widget(tile)

        # Notices come after the ways in: residents come for their matter first.
        for a in content.announcements(self.app.today().date()):
            box = self.add(Card(note=True))
            self.para(self.tx(a.title), box, bold=True)
            self.para(self.tx(a.body), box)
        self.finish()



SCREEN = HomeScreen
load_kv(__file__)
