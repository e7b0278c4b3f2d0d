"""All departments: a button each, with the building and whether it is open now."""

from kiosk.content.places import open_now_line
from screens.base import KioskScreen, load_kv
from screens.widgets import TitleLabel


class DepartmentsScreen(KioskScreen):
    reuse_widgets = True  # refilled each time: "open now" changes with the minute
    let_go_when_left = True
    def crumb(self) -> str:
        return self._("Departments and rooms")

    def render(self) -> None:
        now = self.app.today()
        self.clear()
        self.add(self.take(TitleLabel, text=self._("Departments and rooms")))
        for d in self.app.core.content.departments():
            _open, status = open_now_line(d, now, self.app.i18n)
            self.tile(f"{self.tx(d.name)} ({d.code})", f"{d.place.building}. {status}",
                      lambda c=d.code: self.app.go("department", code=c))
        self.finish()


SCREEN = DepartmentsScreen
load_kv(__file__)
