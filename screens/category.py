"""The matters of one category, each a button into its guide."""

from screens.base import KioskScreen, load_kv
from screens.widgets import TitleLabel


class CategoryScreen(KioskScreen):
    reuse_widgets = True

    def crumb(self, code: str) -> str:
        return self.app.t(self.app.core.content.category(code).name)

    def render(self, code: str) -> None:
        self.show_page(code=code)
        self.finish()

    def page_key(self, code: str):
        return ("category", code)

    def fill(self, code: str) -> None:
        content = self.app.core.content
        cat = content.category(code)
        self.add(self.take(TitleLabel, text=self.tx(cat.name)))
        if cat.description:
            self.para(self.tx(cat.description))
        self.small(self._("Choose your matter:"))
        go = self.app.go
        for p in content.procedures_in(code):
            sub = first_sentence(self.tx(p.summary))
            self.tile(self.tx(p.title), f"{p.symbol} · {sub}",
                      lambda s=p.symbol: go("guide", symbol=s, step=0))


def first_sentence(text: str) -> str:
    """A matter's summary on its tile: its first whole sentence, never a text cut mid-way
    with "…" (the whole summary is the guide's first page)."""
    for i, ch in enumerate(text):
        if ch in ".!?" and (i + 1 == len(text) or text[i + 1] == " ") and i >= 20:
            return text[:i + 1]
    return text


SCREEN = CategoryScreen
load_kv(__file__)
