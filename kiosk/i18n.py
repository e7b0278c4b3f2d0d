"""UI catalogues (gettext, .po sources in assets/locale) and locale-aware formatting.

The .po files are the only source: they are compiled in memory with Babel when first used, so
no .mo file is ever committed or left stale.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from decimal import Decimal
from functools import cache

from kiosk import ASSETS_DIR
from kiosk.money import format_money

LOCALE_DIR = ASSETS_DIR / "locale"
DOMAIN = "kiosk"
BABEL_LOCALES = {"pl": "pl_PL", "en": "en_GB", "uk": "uk_UA"}
LANGUAGE_NAMES = {"pl": "Polski", "en": "English", "uk": "Українська"}


def po_path(lang: str):
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = po_path(lang)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=BABEL_LOCALES.get(lang, lang))
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translator:
    """UI strings and formatting for one language. Immutable: switching language makes a new one."""

    def __init__(self, lang: str):
        self.lang = lang
        self._t = _catalogue(lang)
        self.locale = BABEL_LOCALES.get(lang, "pl_PL")

    def _(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.lang)

    def percent(self, value: Decimal) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale) + "%"

    def date(self, value: dt.date) -> str:
        from babel.dates import format_date

        return format_date(value, format="long", locale=self.locale)

    def time(self, value: dt.time) -> str:
        return value.strftime("%H:%M")

    def weekday(self, index: int) -> str:
        from babel.dates import get_day_names

        return get_day_names("wide", locale=self.locale)[index]

    def floor(self, floor: int | None) -> str | None:
        if floor is None:
            return None
        if floor == 0:
            return self._("ground floor")
        if floor < 0:
            return self._("basement")
        return self._("floor {n}").format(n=floor)

    def days(self, n: int) -> str:
        return self.ngettext("{n} day", "{n} days", n).format(n=n)


@cache
def translator(lang: str) -> Translator:
    return Translator(lang)


def N_(message: str) -> str:
    """Marks a string for extraction where it is translated later (e.g. a table of names)."""
    return message


def _placeholders(text: object) -> set[str]:
    import re

    return set(re.findall(r"\{(\w*)\}", str(text or "")))


def coverage(langs=("pl", "en", "uk")) -> dict[str, dict]:
    """How complete each UI catalogue is against the template: translated, total, what is
    missing or fuzzy, and entries whose {placeholders} differ from the msgid's."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as fh:
        template = [m for m in read_po(fh) if m.id]
    out = {}
    for lang in langs:
        path = po_path(lang)
        with path.open("rb") as fh:
            cat = read_po(fh, locale=BABEL_LOCALES.get(lang, lang))
        missing, fuzzy, wrong = [], [], []
        for t in template:
            msg = cat.get(t.id)
            key = str(t.id[0] if isinstance(t.id, tuple) else t.id)
            strings = (msg.string if isinstance(msg.string, tuple) else (msg.string,)) \
                if msg is not None else ("",)
            if msg is None or not all(strings):
                missing.append(key)
            elif msg.fuzzy:
                fuzzy.append(key)
            else:
                ids = t.id if isinstance(t.id, tuple) else (t.id,)
                expected = set().union(*(_placeholders(i) for i in ids))
                if any(_placeholders(s) - expected or
                       (expected - _placeholders(s) - {"n"}) for s in strings):
                    wrong.append(key)
        total = len(template)
        out[lang] = {"total": total, "translated": total - len(missing) - len(fuzzy),
                     "missing": missing, "fuzzy": fuzzy, "placeholder_mismatch": wrong}
    return out
