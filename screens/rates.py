"""Local taxes and fees with the year and the council resolution that sets them."""

from screens.base import KioskScreen, load_kv
from screens.widgets import TitleLabel


class RatesScreen(KioskScreen):
    def crumb(self) -> str:
        return self._("Local fees and taxes")

    def render(self) -> None:
        tr = self.app.i18n
        self.clear()
        self.add(TitleLabel(text=self._("Local fees and taxes")))
        for r in self.app.core.content.rates():
            box = self.card()
            self.heading(self.tx(r.name), box)
            self.para(f"{tr.money(r.amount)} {self.tx(r.unit)}", box, bold=True)
            self.para(self._("Year: {year}").format(year=r.year), box)
            if r.resolution:
                self.small(self._("Set by: {resolution}").format(resolution=r.resolution), box)
            if r.notes:
                self.para(self.tx(r.notes), box)
            if "amount" in r.unconfirmed or "resolution" in r.unconfirmed:
                self.note(self._("To be confirmed at the office."), box)
        self.finish()


SCREEN = RatesScreen
load_kv(__file__)
