"""Shared widgets: wrapped labels, big buttons, tiles, cards and the document tick row."""

from pathlib import Path

from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.layout import Layout
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from screens import theme


class KLabel(Label):
    """Text that wraps to its width and grows in height: nothing is ever cut off."""


class Heading(KLabel):
    pass


class ShortText(KLabel):
    """A short text shown again and again (a tile's title, a search result's title)."""

    shares_texture = True  # screens/text_textures.py: rendered once per text and style


class TitleLabel(Heading):
    pass


class SmallLabel(KLabel):
    pass


class NoteLabel(KLabel):
    """A highlighted note: unconfirmed facts, announcements."""


class PolishOnlyMark(Label):
    """A small "Only in Polish" tag under the one item whose text has no translation."""

    shares_texture = True


class KButton(Button):
    """Secondary button: at least theme.BUTTON_HEIGHT px high, text wraps inside."""

    role = StringProperty("secondary")
    base_font = NumericProperty(theme.FONT_BUTTON)
    # Keys of the on-screen keyboard keep their size in large-text mode: the layout of the
    # keyboard must not change under the resident's fingers.
    scalable = BooleanProperty(True)
    shrink = NumericProperty(1.0)  # below 1 where a word would not fit otherwise (FitButton)


class FitButton(KButton):
    """A bar button whose words are never split (Kivy cuts a word wider than the line it
    wraps to: "Доступ|ність" at x2 text): as wide as its longest word needs, from min_width
    up to max_width; a word still too wide at max_width gets a smaller font instead."""

    min_width = NumericProperty(260)
    max_width = NumericProperty(400)
    natural_font = NumericProperty(theme.FONT_BUTTON)  # the font before any shrinking (kv)
    word_width = NumericProperty(0)  # the longest word at natural_font
    MARGIN = 32 + 4  # KButton's text_size margin, and a little slack for Kivy's layout

    def on_text(self, *_args):
        self._measure()

    def on_natural_font(self, *_args):
        self._measure()

    def on_bold(self, *_args):
        self._measure()

    def on_font_name(self, *_args):
        self._measure()

    def _measure(self) -> None:
        from kivy.core.text import Label as CoreLabel

        core = CoreLabel(font_size=self.natural_font, bold=self.bold, font_name=self.font_name)
        self.word_width = max((core.get_extents(word)[0] for word in self.text.split()),
                              default=0)


class PrimaryButton(KButton):
    role = StringProperty("primary")


class SwitchButton(KButton):
    """An on/off setting ("Audio mode: off"). On is filled and its box ticked; off is plain
    with an empty box, like any button not chosen; the state is also in the words."""

    active = BooleanProperty(False)


class LanguageButton(KButton):
    """Switches the kiosk to `lang_code`; the current language is the light, bold one."""

    shares_texture = True  # screens/text_textures.py: rendered once per text and style

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


class Breadcrumb(KLabel):
    """Where the resident is, on one line: "Start › Category › DEL I". When it does not fit,
    the middle goes ("Start › … › DEL I"): the start and the current place always show."""

    crumbs = ListProperty([])
    SEPARATOR = "  ›  "
    shares_texture = True

    def on_crumbs(self, *_args):
        self._fit()

    def on_width(self, *_args):
        self._fit()

    def on_font_size(self, *_args):
        self._fit()

    def _fits(self, text: str) -> bool:
        from kivy.core.text import Label as CoreLabel

        core = CoreLabel(text=text, font_size=self.font_size, bold=self.bold,
                         font_name=self.font_name)
        return core.get_extents(text)[0] + self.padding[0] + self.padding[2] <= self.width

    def _fit(self) -> None:
        crumbs = [c for c in self.crumbs if c]
        join = self.SEPARATOR.join
        text = join(crumbs)
        if self.width <= 1 or self._fits(text):
            self.text = text
            return
        # Drop the middle, oldest first, until the rest fits.
        for k in range(1, len(crumbs) - 1):
            text = join([crumbs[0], "…", *crumbs[k + 1:]])
            if self._fits(text):
                self.text = text
                return
        # Still too long: the current place keeps its beginning, its end goes.
        head = crumbs[:1] + (["…"] if len(crumbs) > 2 else [])
        last = crumbs[-1] if len(crumbs) > 1 else ""
        low, high = 0, len(last)
        while low < high:  # the longest beginning of the last crumb that fits
            mid = (low + high + 1) // 2
            if self._fits(join([*head, last[:mid].rstrip() + "…"])):
                low = mid
            else:
                high = mid - 1
        self.text = join([*head, last[:low].rstrip() + "…"]) if len(crumbs) > 1 else text


class Tile(ButtonBehavior, BoxLayout):
    """A large Home or category tile: a title and a line under it."""

    title = StringProperty("")
    subtitle = StringProperty("")
    polish_only = StringProperty("")  # the "Only in Polish" tag, when the tile needs one
    polish_only_fields = ("title", "subtitle")
    natural_height = NumericProperty(0)  # what its own text needs
    row_height = NumericProperty(0)  # the tallest tile of its row (TileGrid)


class TileGrid(GridLayout):
    """Tiles in two columns in portrait, three in landscape; the tiles of one row are as tall
    as the tallest of them (a longer title in Ukrainian or at x2 text must not leave its
    neighbours short)."""

    holds_screen_widgets = True

    def add_widget(self, widget, *args, **kwargs):
        if hasattr(widget, "natural_height"):
            widget.bind(natural_height=self._trigger_layout)
        return super().add_widget(widget, *args, **kwargs)

    def remove_widget(self, widget, *args, **kwargs):
        if hasattr(widget, "natural_height"):
            widget.unbind(natural_height=self._trigger_layout)
        return super().remove_widget(widget, *args, **kwargs)

    def do_layout(self, *largs):
        cols = max(1, int(self.cols or 1))
        tiles = list(reversed(self.children))  # in the order they were added
        for start in range(0, len(tiles), cols):
            row = [t for t in tiles[start:start + cols] if hasattr(t, "natural_height")]
            tallest = max((t.natural_height for t in row), default=0)
            for t in row:
                t.row_height = tallest
        super().do_layout(*largs)


class Column(BoxLayout):
    """A screen's page: the column of widgets its BodyScroll scrolls. A screen may keep a
    second one, built in idle frames, and swap it in (screens.base)."""

    holds_screen_widgets = True
    key = None  # what the page shows (KioskScreen.page_key); None: nothing to keep

    def __init__(self, **kwargs):
        self.page: list = []  # the widgets the screen's pool gave out to this page
        super().__init__(**kwargs)


class BodyScroll(ScrollView):
    """The scrolling column every screen fills; `body` is the column shown."""

    def update_from_scroll(self, *largs):
        # Kivy 2.3 binds bar_color to the bar once per scroll update but unbinds it once per
        # pause (a 0.5 s trigger), so every scroll gesture left dozens of duplicate bindings
        # behind: the soak measured about 3 MB more memory per 1,000 events. One at most.
        self.funbind("bar_color", self._change_bar_color)
        super().update_from_scroll(*largs)

    def halt(self) -> None:
        """End any glide or spring-back, leaving the column where scroll_x/scroll_y put it.

        Called when the screen is filled afresh. Kivy's scroll effects keep the motion of the
        last gesture (a fling, the spring back from past the end of the list) after the
        content is replaced, and setting scroll_y does not reach them: the new column began
        at its top, then the old motion went on and threw it past its end. A resident who
        tapped a tile while the list still glided and came back saw the list fly off, and
        the next drag and tap went astray (issue 19, tests/ui/test_tap_after_drag.py)."""
        for effect in (self.effect_x, self.effect_y):
            if effect is None:
                continue
            effect.trigger_velocity_update.cancel()
            effect.is_manual = False
            effect.velocity = 0
        # The effects' values from the scroll position, as Kivy does when a touch starts.
        self._update_effect_bounds()

    @property
    def body(self):
        return self._viewport or self.ids.body

    def swap(self, column: Column) -> Column:
        """Show `column` in place of the one shown, from its top; the one shown is returned."""
        old = self.body
        self.remove_widget(old)
        # Kivy's ScrollView leaves its bindings on a removed child: the old column, filled
        # again off screen, would still set this view's viewport size.
        old.unbind(size=self._set_viewport_size)
        old.unbind(size=self._trigger_update_from_scroll,
                   size_hint_min=self._trigger_update_from_scroll)
        self.add_widget(column)
        self.scroll_y = 1
        self.halt()
        # Placed now, not a frame later: a tap in the next frame finds every widget where it
        # is drawn (the column was laid out off screen, at 0, 0).
        self.update_from_scroll()
        for w in column.walk(restrict=True):
            if isinstance(w, Layout):
                w.do_layout()
        return old


class Card(BoxLayout):
    """A white panel that grows with what it holds."""

    holds_screen_widgets = True  # a screen fills it (screens.reuse empties it)

    note = BooleanProperty(False)  # an announcement or note: the note colour


class CheckRow(ButtonBehavior, BoxLayout):
    """A document the resident ticks as "I have it". State is said in words, not only colour."""

    text = StringProperty("")
    detail = StringProperty("")
    state_text = StringProperty("")
    checked = BooleanProperty(False)
    index = NumericProperty(0)
    polish_only = StringProperty("")
    polish_only_fields = ("text", "detail")


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
