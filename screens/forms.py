"""All forms; each opens its field-by-field filling guide."""

from screens.base import KioskScreen, load_kv
from screens.widgets import Tile, TitleLabel


class FormsScreen(KioskScreen):
    def crumb(self) -> str:
        return self._("Forms")

    def render(self) -> None:
        self.clear()
        self.add(TitleLabel(text=self._("Forms")))
        self.small(self._("Choose a form to see how to fill it in."))
        for f in self.app.core.content.forms():
            tile = Tile(title=self.tx(f.title), subtitle=f.code)
            tile.bind(on_release=lambda *_, c=f.code: self.app.go("form", code=c))
            self.add(tile)
        self.finish()


SCREEN = FormsScreen
load_kv(__file__)
