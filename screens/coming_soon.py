"""A polite placeholder for a function that is not switched on at this kiosk yet."""

from kiosk.i18n import N_
from screens.base import KioskScreen, load_kv
from screens.widgets import TitleLabel

FEATURES = {
    "ticket": N_("Queue tickets"),
    "language": N_("Language"),
    "audio": N_("Audio mode"),
    "print": N_("Printing"),
}


class ComingSoonScreen(KioskScreen):
    def crumb(self, feature: str) -> str:
        return self._(FEATURES.get(feature, feature))

    def render(self, feature: str) -> None:
        self.clear()
        self.add(TitleLabel(text=self._(FEATURES.get(feature, feature))))
        self.para(self._("This function is not available at this kiosk yet."))
        self.para(self._("Please ask at the information point. Staff will be glad to help."))
        self.button(self._("Back"), self.app.back)


SCREEN = ComingSoonScreen
load_kv(__file__)
