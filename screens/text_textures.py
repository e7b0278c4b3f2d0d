"""Text textures rendered once per text, style and size, and shared.

A language switch, a palette change or a return to a kept page sets texts the kiosk has drawn
before: tiles, buttons, the top bar, the keyboard's keys. Kivy lays out and renders every such
text again (FreeType, then a texture upload, all in software here); a switch to English and
back rendered ~45 textures each way. So a label of the kinds that come back (`shares_texture`:
buttons, headings, tiles, the breadcrumb, result titles) whose text and style the kiosk has
rendered already gets that texture back. The key is everything the renderer reads (the text
and Kivy's own `options`: font, size, colour, width, alignment...), so a label at ×2 text or
in high contrast never gets another style's texture.

Paragraphs render as Kivy has them: Kivy draws a label's next text of the same size into the
texture it has (which a shared texture must never take), and a guide step is rarely shown
twice in a row; sharing them too cost ~5 ms on every next step.

Only short texts are kept, and textures no label shows any more are kept up to BUDGET_BYTES,
least recently used out first (one language's Home is ~8 MiB of textures: the other
language's fits).
"""

from __future__ import annotations

import sys
from collections import OrderedDict

from kivy.core.text import Label as CoreLabel
from kivy.uix.label import Label

MAX_TEXT = 120  # characters: tiles, buttons, headings, keys (not paragraphs)
BUDGET_BYTES = 8 * 1024 * 1024  # RGBA bytes of kept textures no label shows

_original_update = Label.texture_update
_cache: OrderedDict[tuple, tuple] = OrderedDict()
_hidden_bytes = 0  # an upper bound, worked out again when it passes the budget
# References to a kept texture that no label holds: the cache's tuple, the loop's name and
# getrefcount's own argument.
_ONLY_HERE = 3


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


def _key(label: Label) -> tuple | None:
    core = label._label
    text = core.text
    # Markup labels carry refs and anchors computed with their texture; not shared.
    if type(core) is not CoreLabel or not text or len(text) > MAX_TEXT:
        return None
    try:
        # The width to wrap at is read into `options` only when rendering: take it from
        # where the label puts it.
        options = tuple(sorted((k, _frozen(v)) for k, v in core.options.items()
                               if k != "text_size"))
        key = text, _frozen(core.text_size), options
        hash(key)
    except TypeError:  # an option Kivy may add that is not hashable: render as usual
        return None
    return key


def texture_update(self: Label, *largs) -> None:
    # Named as Kivy's method: Kivy's clock keeps a weak method by its name.
    if not getattr(self, "shares_texture", False):
        return _original_update(self, *largs)
    key = _key(self)
    if key is None:
        return _original_update(self, *largs)
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        texture, shortened = hit
        self.texture = texture
        self.texture_size = list(texture.size)
        self.is_shortened = shortened
        return None
    _original_update(self, *largs)
    texture = self.texture
    core = self._label
    if texture is None or texture is core.texture_1px:
        return None
    # Kivy fills a label's texture when it is first drawn, from the label's text at that
    # moment, and later redraws a changed text of the same size into the same texture. A
    # shared texture must hold this text for good: fill it now and give the label a fresh
    # one next time.
    texture.bind()
    core.texture = None
    _keep(key, texture, self.is_shortened)
    return None


def _keep(key: tuple, texture, shortened: bool) -> None:
    global _hidden_bytes
    _cache[key] = (texture, shortened)
    _hidden_bytes += texture.width * texture.height * 4  # hidden soon enough: count it now
    if _hidden_bytes > BUDGET_BYTES:
        trim()


def trim() -> None:
    """Drop the least recently used textures no label holds any more until those left fit
    the budget (a texture a label shows costs nothing more for being kept here too). Called
    when one is added past the budget, and when pages have been let go: a texture becomes
    hidden only then, and is counted only when added."""
    global _hidden_bytes
    hidden = [(k, tex.width * tex.height * 4) for k, (tex, _s) in _cache.items()
              if sys.getrefcount(tex) <= _ONLY_HERE]
    total = sum(size for _k, size in hidden)
    for k, size in hidden:  # oldest first
        if total <= BUDGET_BYTES // 2:
            break
        del _cache[k]
        total -= size
    _hidden_bytes = total


_FONT_ID_FIELDS = ("font_size", "font_name_r", "bold", "italic", "underline", "strikethrough")
_font_ids: dict[tuple, str] = {}


def _font_id(self) -> str:
    """Kivy's SDL2 text names the font of every measured word by joining six options as
    strings: ~500 words a guide step, a few ms of each tap. The same name, looked up."""
    options = self.options
    key = tuple(options[name] for name in _FONT_ID_FIELDS)
    font_id = _font_ids.get(key)
    if font_id is None:
        font_id = _font_ids[key] = "|".join(str(value) for value in key)
    return font_id


def _render_end(self):
    """Kivy's SDL2 text renders into an SDL surface, copies its pixels out for the texture,
    and keeps the surface until the label renders again: every label held its text twice,
    and a blank pooled label still held its last page's (the fees page left 17 MiB of them
    behind). The texture has the pixels; the surface goes here."""
    data = self._surface.get_data()
    self._surface = None
    return data


def install() -> None:
    """Share text textures in every Kivy Label of this process (once, at start); where
    Kivy's SDL2 text provider is the one in use, name fonts faster and let each rendered
    text's pixels live in its texture only."""
    Label.texture_update = texture_update
    from kivy.core.text import text_sdl2

    if CoreLabel is text_sdl2.LabelSDL2:
        text_sdl2.LabelSDL2._get_font_id = _font_id
        text_sdl2.LabelSDL2._render_end = _render_end


def forget() -> None:
    """Drop the kept textures (a test's clean start; the labels showing them keep theirs)."""
    global _hidden_bytes
    _cache.clear()
    _hidden_bytes = 0
