"""Queue rules with time injected: numbering per letter per office-local day, opening hours,
cut-off, daily limit, people ahead after calls and no-shows, estimates, desks. Every service
test runs on SQLite and on the private PostgreSQL server."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kiosk.db.queue_models import QueueCounter, Ticket
from kiosk.queue.service import (
    AFTER_CUTOFF,
    BEFORE_OPENING,
    CLOSED_TODAY,
    DAILY_LIMIT,
    UNKNOWN_CATEGORY,
    DeskIdle,
    PriorityNotOffered,
    QueueClosed,
    UnknownCategory,
)
from tests.queue_support import MONDAY, OFFICE, WARSAW, Clock, StaticContent, at, category, service


@pytest.fixture(params=["sqlite", "postgresql"])
def queue_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def clock():
    return Clock(at(MONDAY, 10))


def make(queue_url, clock, *cats):
    q = service(queue_url, StaticContent(*cats) if cats else None, clock)
    return q


def all_tickets(q):
    with q._Session() as s:
        return s.scalars(select(Ticket).order_by(Ticket.id)).all()


# --- numbering and the service day ----------------------------------------------------------

def test_numbers_start_at_one_per_letter_and_codes_have_three_digits(queue_url, clock):
    q = make(queue_url, clock)
    codes = [q.issue(x).code for x in "AABAC"]
    assert codes == ["A001", "A002", "B001", "A003", "C001"]
    t = q.issue("a")  # letters are case-insensitive
    assert (t.code, t.number, t.letter, t.service_day) == ("A004", 4, "A", MONDAY)
    assert t.issued_at == at(MONDAY, 10) and t.issued_at.tzinfo is not None
    assert t.department_code == "DBM" and t.prepare.pl.startswith("Przygotuj")
    q.close()


def test_day_rolls_over_at_midnight_warsaw_not_utc(queue_url, clock):
    q = make(queue_url, clock)
    clock.set(at(MONDAY, 23, 58, 30))
    assert q.issue("A").code == "A001"
    assert q.issue("A").code == "A002"
    # 00:00:30 in Warsaw is still 23:00:30 UTC of Monday: a new service day all the same.
    clock.set(at(MONDAY + dt.timedelta(days=1), 0, 0, 30))
    assert clock().astimezone(dt.UTC).date() == MONDAY
    t = q.issue("A")
    assert (t.code, t.service_day) == ("A001", MONDAY + dt.timedelta(days=1))
    # Summer time (UTC+2): 22:30 UTC on 30 June is 00:30 on 1 July in Warsaw.
    clock.set(dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC))
    t = q.issue("A")
    assert (t.code, t.service_day) == ("A001", dt.date(2026, 7, 1))
    assert t.issued_at.hour == 0 and t.issued_at.tzinfo == WARSAW
    q.close()


def test_people_ahead_counts_only_waiting_earlier_tickets_of_the_letter(queue_url, clock):
    q = make(queue_url, clock)
    tickets = [q.issue("A") for _ in range(5)]
    q.issue("B")
    assert [t.people_ahead for t in tickets] == [0, 1, 2, 3, 4]
    last = tickets[-1]
    assert q.call_next(1, ["A"]).code == "A001"      # the oldest
    assert q.ticket(last.id).people_ahead == 3
    q.no_show(1)
    assert q.call_next(1, ["A"]).code == "A002"
    assert q.ticket(last.id).people_ahead == 2
    q.served(1)
    q.cancel(tickets[2].id)
    assert q.ticket(last.id).people_ahead == 1       # only A004 is still ahead
    assert q.issue("A").people_ahead == 2            # A004 and A005
    assert q.issue("B").people_ahead == 1
    q.close()


def test_priority_tickets_are_called_first_and_have_only_priority_ahead(queue_url, clock):
    q = make(queue_url, clock)
    q.issue("A"), q.issue("A")
    p1 = q.issue("A", priority=True)
    p2 = q.issue("A", priority=True)
    assert (p1.people_ahead, p2.people_ahead) == (0, 1)
    assert [q.call_next(2).code for _ in range(4)] == ["A003", "A004", "A001", "A002"]
    assert q.call_next(2) is None
    q.close()


def test_priority_only_where_the_category_offers_it(tmp_path, clock):
    q = make(f"sqlite:///{tmp_path / 'q.sqlite3'}", clock, category("A", priority=False))
    with pytest.raises(PriorityNotOffered):
        q.issue("A", priority=True)
    assert q.issue("A").code == "A001"
    q.close()


# --- closed and full --------------------------------------------------------------------------

def test_opening_hours_and_cut_off(queue_url, clock):
    q = make(queue_url, clock, category("A", hours=OFFICE, cutoff=15),
             category("L", hours=((0, dt.time(8), dt.time(12)), (0, dt.time(13), dt.time(15)))))
    clock.set(at(MONDAY, 7, 59))
    with pytest.raises(QueueClosed) as err:
        q.issue("A")
    a = err.value.availability
    assert (err.value.reason, a.next_opening) == (BEFORE_OPENING, at(MONDAY, 8))
    assert a.hours_today == ((dt.time(8), dt.time(15, 30)),) and a.booking_url
    clock.set(at(MONDAY, 8))
    assert q.issue("A").code == "A001"
    clock.set(at(MONDAY, 15, 14, 59))
    assert q.issue("A").code == "A002"
    clock.set(at(MONDAY, 15, 15))                     # 15 minutes before closing
    with pytest.raises(QueueClosed) as err:
        q.issue("A")
    a = err.value.availability
    assert err.value.reason == AFTER_CUTOFF and a.last_ticket_at == dt.time(15, 15)
    assert a.next_opening == at(MONDAY + dt.timedelta(days=1), 8)
    assert "15:15" in str(err.value)
    clock.set(at(MONDAY + dt.timedelta(days=1), 16, 30))  # Tuesday: open until 17:00
    assert q.availability("A").is_open
    # Lunch break: between spans the next opening is the afternoon.
    clock.set(at(MONDAY, 12, 30))
    a = q.availability("L")
    assert (a.reason, a.next_opening) == (BEFORE_OPENING, at(MONDAY, 13))
    # Sunday: closed all day; next opening Monday 8:00.
    sunday = MONDAY + dt.timedelta(days=6)
    clock.set(at(sunday, 11))
    with pytest.raises(QueueClosed) as err:
        q.issue("A")
    assert err.value.reason == CLOSED_TODAY
    assert err.value.availability.next_opening == at(sunday + dt.timedelta(days=1), 8)
    assert [t.code for t in all_tickets(q)] == ["A001", "A002"]  # nothing issued when refused
    q.close()


def test_daily_limit_refuses_without_using_a_number(queue_url, clock):
    q = make(queue_url, clock, category("A", hours=OFFICE, daily_limit=3))
    assert [q.issue("A").number for _ in range(3)] == [1, 2, 3]
    for _ in range(2):
        with pytest.raises(QueueClosed) as err:
            q.issue("A")
        assert err.value.reason == DAILY_LIMIT
    a = q.availability("A")
    assert (a.is_open, a.reason, a.issued_today, a.daily_limit) == (False, DAILY_LIMIT, 3, 3)
    assert a.next_opening == at(MONDAY + dt.timedelta(days=1), 8)
    with q._Session() as s:
        assert s.scalar(select(QueueCounter.last_number)) == 3
        assert s.scalar(select(func.count()).select_from(Ticket)) == 3
    clock.set(at(MONDAY + dt.timedelta(days=1), 8))
    assert q.issue("A").code == "A001"
    q.close()


def test_unknown_letter(queue_url, clock):
    q = make(queue_url, clock)
    with pytest.raises(QueueClosed) as err:
        q.issue("Z")
    assert err.value.reason == UNKNOWN_CATEGORY
    assert q.availability("Z").reason == UNKNOWN_CATEGORY
    with pytest.raises(UnknownCategory):
        q.call_next(1, ["Z"])
    with pytest.raises(UnknownCategory):
        q.issue("A"), q.call_next(1), q.transfer(1, "Z")
    q.close()


# --- desks -------------------------------------------------------------------------------------

def test_desk_actions(queue_url, clock):
    q = make(queue_url, clock)
    a1, a2, b1 = q.issue("A"), q.issue("A"), q.issue("B")
    with pytest.raises(DeskIdle):
        q.served(3)
    t = q.call_next(3, ["B"])
    assert (t.code, t.status, t.desk) == ("B001", "called", 3)
    assert q.recall(3).recalls == 1
    # Calling the next ticket closes the current one as served.
    assert q.call_next(3).code == "A001"
    assert q.ticket(b1.id).status == "served"
    # Transfer A001 to B: it keeps its code and goes before B tickets issued after it.
    b2 = q.issue("B")
    assert b2.people_ahead == 0
    moved = q.transfer(3, "B")
    assert (moved.code, moved.category, moved.transferred_from, moved.status) == \
        ("A001", "B", "A", "waiting")
    assert q.ticket(b2.id).people_ahead == 1
    assert q.ticket(a2.id).people_ahead == 0
    with pytest.raises(DeskIdle):
        q.no_show(3)
    assert q.call_next(4, ["B"]).code == "A001"
    assert q.served(4).status == "served"
    q.mark_printed(a2.id)
    assert q.ticket(a2.id).printed is True
    q.mark_printed(a2.id, False)
    assert q.ticket(a2.id).printed is False
    assert a1.id != a2.id
    q.close()


def test_desk_call_sees_only_todays_tickets(queue_url, clock):
    q = make(queue_url, clock)
    q.issue("A")
    clock.advance(days=1)
    assert q.call_next(1) is None
    assert q.issue("A").code == "A001"
    assert q.call_next(1).service_day == MONDAY + dt.timedelta(days=1)
    q.close()


# --- estimates ---------------------------------------------------------------------------------

def _serve(q, clock, desk, minutes, n):
    for _ in range(n):
        q.call_next(desk, ["A"])
        clock.advance(minutes=minutes)
        q.served(desk)


def test_no_estimate_without_history(queue_url, clock):
    q = make(queue_url, clock)
    t = [q.issue("A") for _ in range(3)][-1]
    assert t.estimate is None
    _serve(q, clock, 1, 5, 2)  # two services are not yet a history
    assert q.issue("A").estimate is None
    q.close()


def test_estimate_is_a_range_from_recent_services_and_desks(queue_url, clock):
    q = make(queue_url, clock)
    for _ in range(10):
        q.issue("A")
    _serve(q, clock, 1, 4, 2)
    _serve(q, clock, 1, 6, 2)                 # service times 4, 4, 6, 6 minutes
    for _ in range(5):
        q.issue("A")
    t = q.issue("A")                          # 11 waiting ahead of it, one desk
    e = t.estimate
    assert t.people_ahead == 11
    assert (e.samples, e.desks) == (4, 1)
    assert e.low_minutes < e.high_minutes
    assert e.high_minutes >= 11 * 4 and e.low_minutes <= 11 * 6
    assert "4 recent services" in e.basis
    # A second desk now serving A shortens the range.
    q.call_next(2, ["A"])
    e2 = q.issue("A").estimate
    assert e2.desks == 2 and e2.high_minutes < e.high_minutes
    # Desks idle for more than half an hour no longer count: one desk is assumed.
    clock.advance(hours=2)
    e3 = q.issue("A").estimate
    assert e3.desks == 0 and "one assumed" in e3.basis
    # History older than two weeks is forgotten.
    clock.advance(days=15)
    assert q.issue("A").estimate is None
    q.close()


def test_status_counts_and_last_called(queue_url, clock):
    q = make(queue_url, clock)
    for x in "AAAB":
        q.issue(x)
    q.issue("A", priority=True)
    q.call_next(1, ["A"])
    clock.advance(minutes=1)
    q.call_next(2, ["A"])
    q.no_show(2)
    st = q.status()
    a = {c.letter: c for c in st.categories}["A"]
    assert (a.issued, a.waiting, a.waiting_priority, a.called, a.no_show) == (4, 2, 0, 1, 1)
    assert a.last_called.code == "A001" and a.last_called.desk == 2
    assert a.availability.is_open and a.estimate is None
    assert [(d.desk, d.current.code if d.current else None) for d in st.desks] == \
        [(1, "A004"), (2, None)]
    assert st.service_day == MONDAY
    q.close()


# --- with the real content ------------------------------------------------------------------------

def test_sample_content_letters_and_department_hours(core):
    from kiosk.queue.service import QueueService

    clock = Clock(at(MONDAY, 10))
    q = core.queue
    q = QueueService(q._Session, core.content, kiosk_id="k1", tz="Europe/Warsaw", now=clock)
    cats = {c.letter: c for c in q.categories()}
    assert set(cats) == set("ABCDEF")
    assert cats["A"].department_code == "USC" and "USC I" in cats["A"].procedures
    assert cats["D"].department_code == "DRK" and "DRK XV" in cats["D"].procedures
    assert all(c.availability.is_open and c.priority_offered for c in cats.values())
    t = q.issue("B")
    assert (t.code, t.department_code) == ("B001", "DEL") and t.name.pl
    clock.set(at(MONDAY, 15, 20))  # departments close at 15:30; the sample cut-off is 15 min
    with pytest.raises(QueueClosed) as err:
        q.issue("B")
    assert err.value.reason == AFTER_CUTOFF
