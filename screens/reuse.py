"""Widgets a screen fills again instead of creating anew.

Creating a Kivy widget applies its kv rules (a few hundred bindings for a tile) and renders
its text; on the 2-core kiosk that was most of a tap's time. A screen built from the pool gets
back the widgets of its previous page, filled with the new data: a label whose text did not
change keeps its texture (the headings, the tiles of Home, the keyboard), one whose text did
only renders its text again.

A widget taken from the pool gets every property asked for set again; its other properties
are those of its kv rule, because the pool hands it out again only for the same set of asked
properties (a label asked with `bold` is never handed out to a caller who does not ask it).
Screens therefore change a pooled widget only through `take`, never afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.widget import Widget

# Free widgets kept per kind, shared by every screen: about what the longest page needs (the
# soak's memory stays flat: an unusually long page's extra widgets are dropped, not kept).
FREE_LIMIT = 32
# The properties that hold what a pooled widget says (a label, a tile, a tick row).
TEXT_PROPS = ("text", "title", "subtitle", "detail", "state_text", "kind_text")


def _pooled_release(widget) -> None:
    action = getattr(widget, "pool_action", None)
    if action is not None:
        action()


class WidgetPool:
    """Free widgets by kind (class and the names of the properties asked for), and the
    widgets given out to each page, so that a page can be given back whole."""

    def __init__(self) -> None:
        self._free: dict[tuple, list[Widget]] = {}

    def take(self, page: list[Widget], cls: type, action: Callable[[], Any] | None = None,
             **props) -> Widget:
        """A widget of `cls` with `props` set, preferring a free one that shows them already
        (its texture is kept); `action` runs on release (buttons and tiles)."""
        key = (cls, tuple(sorted(props)))
        free = self._free.get(key)
        widget = None
        if free:
            for i in range(len(free) - 1, -1, -1):
                w = free[i]
                if all(getattr(w, k) == v for k, v in props.items() if isinstance(v, str)):
                    widget = free.pop(i)
                    break
            else:
                widget = free.pop(0)  # the longest unused
            if getattr(widget, "polish_only", ""):
                widget.polish_only = ""
            for k, v in props.items():
                setattr(widget, k, v)
        else:
            widget = cls(**props)
            widget.pool_key = key
            if isinstance(widget, ButtonBehavior):
                widget.bind(on_release=_pooled_release)
        widget.pool_action = action
        page.append(widget)
        return widget

    def give_back(self, page: list[Widget], forget: bool = False) -> None:
        """Detach every widget of `page` and keep it for the next page; with `forget`,
        blank (its textures' memory goes: a page nobody is likely to see again)."""
        for w in page:
            if w.parent is not None:
                w.parent.remove_widget(w)
        for w in page:
            if forget:
                _blank(w)
            if getattr(w, "holds_screen_widgets", False) and w.children:
                w.clear_widgets()  # what a screen added without the pool (none is kept)
            w.pool_action = None
            free = self._free.setdefault(w.pool_key, [])
            if len(free) < FREE_LIMIT:
                free.append(w)
        page.clear()

    def forget_texts(self) -> None:
        """Blank the free widgets' texts (the end of a visit: nothing of it stays, and the
        textures' memory goes)."""
        for free in self._free.values():
            for w in free:
                _blank(w)


def _blank(widget: Widget) -> None:
    for name in TEXT_PROPS:
        if getattr(widget, name, ""):
            setattr(widget, name, "")
    for w in widget.walk(restrict=True):
        if isinstance(w, Label) and not w.text and (w._label.texture is not None
                                                    or w.texture is not None):
            # Kivy drops a blanked label's texture but its core label keeps the last
            # rendering (for reuse at the same size): without this a blank widget still
            # held its pixels, and the end of a visit gave back no memory at all. (A label
            # showing a shared texture, screens/text_textures.py, lets go of it here too.)
            w._label.texture = None
            w.texture_update()  # now, not next frame: the texture goes with this call


SHARED_POOL = WidgetPool()  # one window per process: every screen takes from the same widgets
