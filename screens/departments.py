"""All departments: a button each, with the building and whether it is open now."""

from kiosk.content.places import open_now_line
from screens.base import KioskScreen, load_kv
from screens.widgets import Tile, TitleLabel


class DepartmentsScreen(KioskScreen):
    def crumb(self) -> str:
        return self._("Departments and rooms")

    def render(self) -> None:
        now = self.app.today()
        self.clear()
        self.add(TitleLabel(text=self._("Departments and rooms")))
        for d in self.app.core.content.departments():
            _open, status = open_now_line(d, now, self.app.i18n)
            tile = Tile(title=f"{self.tx(d.name)} ({d.code})",
                        subtitle=f"{d.place.building}. {status}")
            tile.bind(on_release=lambda *_, c=d.code: self.app.go("department", code=c))
            self.add(tile)
        self.finish()


SCREEN = DepartmentsScreen
load_kv(__file__)
