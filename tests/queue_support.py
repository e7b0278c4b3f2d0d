"""Helpers for the queue tests: categories defined in code, a settable clock, a service."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kiosk.content.service import QueueCategoryView
from kiosk.db.queue_engine import make_queue_engine, queue_session_factory, upgrade_queue
from kiosk.queue.service import QueueService
from kiosk.texts import LocalText

WARSAW = ZoneInfo("Europe/Warsaw")
ALL_DAY = tuple((w, dt.time(0, 0), dt.time(23, 59)) for w in range(7))
OFFICE = ((0, dt.time(8), dt.time(15, 30)), (1, dt.time(8), dt.time(17)),
          (2, dt.time(8), dt.time(15, 30)), (3, dt.time(8), dt.time(15, 30)),
          (4, dt.time(8), dt.time(15, 30)))
MONDAY = dt.date(2026, 11, 30)  # a Monday in winter time (UTC+1)


def category(letter: str, *, hours=ALL_DAY, daily_limit=None, cutoff=0, priority=True,
             booking_url="https://bom.piotrkow.pl/") -> QueueCategoryView:
    return QueueCategoryView(
        letter=letter, name=LocalText(f"Sprawy {letter}", f"Matters {letter}"),
        department_code="DBM", hours=tuple(hours), own_hours=True, daily_limit=daily_limit,
        cutoff_minutes=cutoff, priority=priority, booking_url=booking_url,
        prepare=LocalText("Przygotuj dowód osobisty."), procedures=(), unconfirmed=())


class StaticContent:
    """Stands in for ContentService: the queue only asks it for the categories."""

    def __init__(self, *cats: QueueCategoryView):
        self.cats = list(cats) or [category(x) for x in "ABC"]

    def queue_categories(self):
        return list(self.cats)


class Clock:
    def __init__(self, local: dt.datetime):
        self.t = local if local.tzinfo else local.replace(tzinfo=WARSAW)

    def __call__(self) -> dt.datetime:
        return self.t

    def set(self, local: dt.datetime) -> None:
        self.t = local if local.tzinfo else local.replace(tzinfo=WARSAW)

    def advance(self, **kw) -> None:
        self.t = self.t + dt.timedelta(**kw)


def at(day: dt.date, hh: int, mm: int = 0, ss: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=WARSAW)


def service(url: str, content=None, clock=None, kiosk_id: str = "test",
            upgrade: bool = True) -> QueueService:
    engine = make_queue_engine(url)
    if upgrade:
        upgrade_queue(engine)
    return QueueService(queue_session_factory(engine), content or StaticContent(),
                        kiosk_id=kiosk_id, tz="Europe/Warsaw",
                        now=clock or Clock(at(MONDAY, 10)), engine=engine)
