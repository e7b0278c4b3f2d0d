"""One form, field by field: what to write and an example."""

from screens.base import KioskScreen, load_kv
from screens.widgets import TitleLabel


class FormScreen(KioskScreen):
    reuse_widgets = True
    let_go_when_left = True

    def crumb(self, code: str) -> str:
        return code

    def render(self, code: str) -> None:
        self.show_page(code=code)
        self.finish()

    def page_key(self, code: str):
        return ("form", code)

    def fill(self, code: str) -> None:
        f = self.app.core.content.form(code)
        self.add(self.take(TitleLabel, text=self.tx(f.title)))
        if f.description:
            self.para(self.tx(f.description))
        if f.url:
            self.small(self._("Download: {url}").format(url=f.url))
        self.small(self._("Where to get it: at the information point or the department ({code}).")
                   .format(code=f.department_code))
        for i, field in enumerate(f.fields, start=1):
            box = self.card()
            self.heading(f"{i}. {self.tx(field.label)}", box)
            self.para(self.tx(field.guide), box)
            if field.example:
                self.small(self._("Example: {example}").format(example=field.example), box)


SCREEN = FormScreen
load_kv(__file__)
