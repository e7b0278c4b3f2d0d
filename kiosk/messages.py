"""A text for staff that is translated where it is shown: a msgid of the UI catalogues (marked
with N_ where it is written, so the extraction sees it) and its format arguments.

The core keeps its English sentences for `kiosk status` and the logs; it also hands the screen
a Message, which the screen renders with its own translator. Arguments are rendered per
language: a Message inside is translated too, whole numbers and decimals get the language's
separators, a Percent its sign; any other value (a revision, an error from the system) is shown
as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class _Translator(Protocol):
    locale: str

    def _(self, message: str) -> str: ...


@dataclass(frozen=True)
class Percent:
    """A share from 0 to 1, shown as a whole percentage."""

    share: float


@dataclass(frozen=True)
class Decimal1:
    """A number shown with one decimal place (megabytes, seconds)."""

    value: float


@dataclass(frozen=True)
class Message:
    msgid: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def render(self, tr: _Translator) -> str:
        return tr._(self.msgid).format(**{k: render_arg(v, tr) for k, v in self.args.items()})

    def english(self) -> str:
        """The message in its source language, with plain number formatting."""
        return self.render(_English())


def msg(msgid: str, **args: Any) -> Message:
    return Message(msgid, args)


class _English:
    locale = "en_GB"

    def _(self, message: str) -> str:
        return message


def render_arg(value: Any, tr: _Translator) -> str:
    from babel.numbers import format_decimal

    if isinstance(value, Message):
        return value.render(tr)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return format_decimal(value, locale=tr.locale)
    if isinstance(value, float):
        return format_decimal(round(value), locale=tr.locale)
    if isinstance(value, Decimal1):
        return format_decimal(value.value, format="#,##0.0", locale=tr.locale)
    if isinstance(value, Percent):
        return format_decimal(round(value.share * 100), locale=tr.locale) + "%"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)
