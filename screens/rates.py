"""Local taxes and fees with the year and the council resolution that sets them."""

from screens.base import KioskScreen, load_kv
from screens.widgets import TitleLabel


class RatesScreen(KioskScreen):
    reuse_widgets = True
    let_go_when_left = True

    def crumb(self) -> str:
        return self._("Local fees and taxes")

    def render(self) -> None:
        self.show_page()
        self.finish()

    def page_key(self):
        return ("rates",)

    def fill(self) -> None:
        tr = self.app.i18n
        self.add(self.take(TitleLabel, text=self._("Local fees and taxes")))
        for r in self.app.core.content.rates():
            box = self.card()
            self.heading(self.tx(r.name), box)
            amount = tr.percent(r.amount) if r.percent else tr.money(r.amount)
            self.para(f"{amount} {self.tx(r.unit)}", box, bold=True)
            self.para(self._("Year: {year}").format(year=r.year), box)
            if r.resolution:
                self.small(self._("Set by: {resolution}").format(resolution=r.resolution), box)
            if r.notes:
                self.para(self.tx(r.notes), box)
            self.unconfirmed_note(r.unconfirmed, "amount", "resolution", "unit", parent=box)


SCREEN = RatesScreen
load_kv(__file__)
