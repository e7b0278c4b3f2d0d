"""All forms; each opens its field-by-field filling guide."""

from screens.base import KioskScreen, load_kv
from screens.widgets import TitleLabel


class FormsScreen(KioskScreen):
    reuse_widgets = True
    let_go_when_left = True

    def crumb(self) -> str:
        return self._("Forms")

    def render(self) -> None:
        self.show_page()
        self.finish()

    def page_key(self):
        return ("forms",)

    def fill(self) -> None:
        self.add(self.take(TitleLabel, text=self._("Forms")))
        self.small(self._("Choose a form to see how to fill it in."))
        for f in self.app.core.content.forms():
            self.tile(self.tx(f.title), f.code, lambda c=f.code: self.app.go("form", code=c))


SCREEN = FormsScreen
load_kv(__file__)
