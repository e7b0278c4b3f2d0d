"""The declarative base of the kiosk database and its column types (local text, money, hours)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Integer, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

from kiosk.money import from_grosze, to_grosze
from kiosk.texts import LocalText


class LocalTextType(TypeDecorator):
    """A LocalText stored as a small JSON object {"pl": ..., "en": ..., "uk": ...}."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.to_json()

    def process_result_value(self, value, dialect):
        return LocalText.from_json(value)


class MoneyType(TypeDecorator):
    """A Decimal amount in złoty stored as whole grosze, exact on SQLite and PostgreSQL."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect):
        return None if value is None else to_grosze(value)

    def process_result_value(self, value, dialect):
        return None if value is None else from_grosze(value)


class HoursType(TypeDecorator):
    """Weekly hours [(weekday, opens, closes), ...] stored as JSON [[0, "08:00", "15:30"], ...].

    Used where a small list belongs to one row (a queue category's own hours); departments keep
    their hours in a child table from the first schema."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return [[w, o.strftime("%H:%M"), c.strftime("%H:%M")] for w, o, c in value]

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return [(int(w), dt.time.fromisoformat(o), dt.time.fromisoformat(c)) for w, o, c in value]


class Base(DeclarativeBase):
    pass
