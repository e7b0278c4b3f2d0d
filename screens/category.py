"""The matters of one category, each a button into its guide."""

from screens.base import KioskScreen, load_kv
from screens.widgets import Tile, TitleLabel


class CategoryScreen(KioskScreen):
    def crumb(self, code: str) -> str:
        return self.app.t(self.app.core.content.category(code).name)

    def render(self, code: str) -> None:
        content = self.app.core.content
        cat = content.category(code)
        self.clear()
        self.add(TitleLabel(text=self.tx(cat.name)))
        if cat.description:
            self.para(self.tx(cat.description))
        self.small(self._("Choose your matter:"))
        for p in content.procedures_in(code):
            sub = self.tx(p.summary)
            if len(sub) > 160:
                sub = sub[:157].rsplit(" ", 1)[0] + "…"
            tile = Tile(title=f"{self.tx(p.title)}", subtitle=f"{p.symbol} · {sub}")
            tile.bind(on_release=lambda *_, s=p.symbol: self.app.go("guide", symbol=s, step=0))
            self.add(tile)
        self.finish()


SCREEN = CategoryScreen
load_kv(__file__)
