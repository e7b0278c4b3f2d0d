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
            sub = first_sentence(self.tx(p.summary))
            tile = Tile(title=f"{self.tx(p.title)}", subtitle=f"{p.symbol} · {sub}")
            tile.bind(on_release=lambda *_, s=p.symbol: self.app.go("guide", symbol=s, step=0))
            self.add(tile)
        self.finish()


def first_sentence(text: str) -> str:
    """A matter's summary on its tile: its first whole sentence, never a text cut mid-way
    with "…" (the whole summary is the guide's first page)."""
    for i, ch in enumerate(text):
        if ch in ".!?" and (i + 1 == len(text) or text[i + 1] == " ") and i >= 20:
            return text[:i + 1]
    return text


SCREEN = CategoryScreen
load_kv(__file__)
