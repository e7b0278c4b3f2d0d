"""Shared widgets: wrapped labels, big buttons, tiles, cards and the document tick row."""

from pathlib import Path

from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from screens import theme


class KLabel(Label):
    """Text that wraps to its width and grows in height: nothing is ever cut off."""


class Heading(KLabel):
    pass


class TitleLabel(Heading):
    pass


class SmallLabel(KLabel):
    pass


class NoteLabel(KLabel):
    """A highlighted note: unconfirmed facts, Polish-only text, announcements."""


class KButton(Button):
    """Secondary button: at least theme.BUTTON_HEIGHT px high, text wraps inside."""

    role = StringProperty("secondary")
    base_font = NumericProperty(theme.FONT_BUTTON)
    # Keys of the on-screen keyboard keep their size in large-text mode: the layout of the
    # keyboard must not change under the resident's fingers.
    scalable = BooleanProperty(True)


class PrimaryButton(KButton):
    role = StringProperty("primary")


class SwitchButton(KButton):
    """An on/off setting ("Audio mode: off"). On is filled and its box ticked; off is plain
    with an empty box, like any button not chosen; the state is also in the words."""

    active = BooleanProperty(False)


class LanguageButton(KButton):
    """Switches the kiosk to `lang_code`; the current language is the light, bold one."""

    lang_code = StringProperty("pl")

    def audio_text(self) -> str:
        from kivy.app import App

        app = App.get_running_app()
        if app.lang == self.lang_code:
            return app.i18n._("{language}: the language now.").format(language=self.text)
        return app.i18n._("{language}: switch to this language.").format(
            language=self.text)


class LanguageRow(BoxLayout):
    pass


class Tile(ButtonBehavior, BoxLayout):
    """A large Home or category tile: a title and a line under it."""

    title = StringProperty("")
    subtitle = StringProperty("")


class TileGrid(GridLayout):
    """Tiles in two columns in portrait, three in landscape."""


class BodyScroll(ScrollView):
    """The scrolling column every screen fills; `body` is the column."""

    def update_from_scroll(self, *largs):
        # Kivy 2.3 binds bar_color to the bar once per scroll update but unbinds it once per
        # pause (a 0.5 s trigger), so every scroll gesture left dozens of duplicate bindings
        # behind: the soak measured about 3 MB more memory per 1,000 events. One at most.
        self.funbind("bar_color", self._change_bar_color)
        super().update_from_scroll(*largs)

    @property
    def body(self):
        return self.ids.body


class Card(BoxLayout):
    """A white panel that grows with what it holds."""

    note = BooleanProperty(False)  # an announcement or note: the note colour


class CheckRow(ButtonBehavior, BoxLayout):
    """A document the resident ticks as "I have it". State is said in words, not only colour."""

    text = StringProperty("")
    detail = StringProperty("")
    state_text = StringProperty("")
    checked = BooleanProperty(False)
    index = NumericProperty(0)


class QRCode(Widget):
    """A QR code drawn from `data` as a crisp texture (one texel per module, scaled up)."""

    data = StringProperty("")
    texture = ObjectProperty(None, allownone=True)

    def audio_text(self) -> str:
        from kivy.app import App

        return App.get_running_app().i18n._("QR code with the address {url}").format(
            url=self.data)

    def on_data(self, _instance, value: str) -> None:
        if not value:
            self.texture = None
            return
        import qrcode

        qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(value)
        matrix = qr.get_matrix()
        n = len(matrix)
        # Rows bottom-up: GL textures start at the bottom-left corner.
        buf = bytes(0 if cell else 255 for row in reversed(matrix) for cell in row)
        tex = Texture.create(size=(n, n), colorfmt="luminance")
        tex.mag_filter = tex.min_filter = "nearest"
        tex.blit_buffer(buf, colorfmt="luminance", bufferfmt="ubyte")
        self.texture = tex


class AudioCorner(Widget):
    """The marked bottom-left corner: held about 2 s, it starts audio mode."""

    def audio_text(self) -> str:
        from kivy.app import App

        return App.get_running_app().i18n._("Audio mode corner.")


class IdleWarning(ModalView):
    """'Are you still there?' with a countdown; any touch keeps the session."""

    seconds_left = NumericProperty(0)

    def spoken(self) -> str:
        """The warning as audio mode says it: any key or touch continues."""
        from kivy.app import App

        app = App.get_running_app()
        _ = app.i18n._
        return " ".join([_("Are you still there?"), app.i18n.ngettext(
            "The kiosk will return to the start screen in {n} second.",
            "The kiosk will return to the start screen in {n} seconds.",
            int(self.seconds_left)).format(n=int(self.seconds_left)),
            _("Press any key or touch the screen to continue.")])


class Apology(ModalView):
    """Shown after an unexpected error sent the resident back to Home. Any touch closes it;
    it closes by itself after a few seconds too."""

    def on_open(self):
        from kivy.clock import Clock

        self._auto = Clock.schedule_once(lambda _dt: self.dismiss(animation=False), 8)

    def on_dismiss(self):
        auto = getattr(self, "_auto", None)
        if auto is not None:
            auto.cancel()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
