"""Amounts of money in złoty: exact Decimals, never floats."""

from __future__ import annotations

import re
from decimal import Decimal

_AMOUNT = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def parse_amount(raw: object) -> Decimal:
    """Parse "22", "100.50" (a dot, up to two decimal places) or raise ValueError."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ValueError(f"not an amount: {raw!r} (write it in quotes, e.g. \"22.50\")")
    text = str(raw).strip()
    if not _AMOUNT.match(text):
        raise ValueError(f"not an amount: {raw!r} (use digits and a dot, e.g. \"22.50\")")
    return Decimal(text).quantize(Decimal("0.01"))


def to_grosze(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def from_grosze(grosze: int) -> Decimal:
    return (Decimal(grosze) / 100).quantize(Decimal("0.01"))


_LOCALES = {"pl": "pl_PL", "en": "en_GB", "uk": "uk_UA"}


def format_money(amount: Decimal, lang: str = "pl") -> str:
    """'100,50 zł' in Polish, 'PLN 100.50' in English, the CLDR style of each language."""
    from babel.numbers import format_currency

    return format_currency(amount, "PLN", locale=_LOCALES.get(lang, "pl_PL"))
