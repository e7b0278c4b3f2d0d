from decimal import Decimal

import pytest

from kiosk.money import format_money, parse_amount
from kiosk.texts import LocalText, clean_text


def test_missing_translation_falls_back_to_polish_and_says_so():
    t = LocalText(pl="Dowód osobisty", en="ID card")
    assert t.show("en").text == "ID card" and not t.show("en").fallback
    shown = t.show("uk")
    assert shown.text == "Dowód osobisty" and shown.fallback and shown.lang == "pl"
    assert not t.show("pl").fallback


def test_clean_text_removes_control_characters_but_keeps_lines():
    assert clean_text(" a\x00b\x1b[31m\r\nc\u200b ") == "ab[31m\nc"


@pytest.mark.parametrize("raw, value", [("22", "22.00"), ("100.50", "100.50"), (17, "17.00"),
                                        ("0.5", "0.50")])
def test_amounts_are_exact(raw, value):
    assert parse_amount(raw) == Decimal(value)


def test_money_in_each_language():
    assert format_money(Decimal("100.50"), "pl") == "100,50\xa0zł"
    assert "100.50" in format_money(Decimal("100.50"), "en")
