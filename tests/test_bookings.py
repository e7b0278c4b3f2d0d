"""Visits booked online (issue 24, part 2): the feed read into the hall's bookings, check-in
with the six-digit code and each of its refusals, one ticket per code even from two kiosks at
once, numbers shared with walk-ins, and desks calling a booked visit at its time before the
walk-ins of its letter. Every service test runs on SQLite and on the private PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import func, select

from kiosk.db.queue_models import Booking, QueueCounter, Ticket
from kiosk.queue.booking_feeds import FeedError, FileFeed
from kiosk.queue.bookings import (
    ALREADY_USED,
    ANOTHER_DAY,
    TOO_EARLY,
    TOO_LATE,
    TOO_MANY_WRONG,
    WRONG_CODE,
    BookingRecord,
)
from kiosk.queue.service import CheckInRefused
from tests.queue_support import MONDAY, Clock, StaticContent, at, category, service

TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def queue_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def clock():
    return Clock(at(MONDAY, 10))


def booking(code: str, hhmm: str, letter: str = "A", day: dt.date = MONDAY,
            status: str = "booked") -> BookingRecord:
    return BookingRecord.model_validate({"code": code, "date": day.isoformat(), "time": hhmm,
                                         "category": letter, "status": status})


def refusal(q, code: str) -> CheckInRefused:
    with pytest.raises(CheckInRefused) as caught:
        q.check_in(code)
    return caught.value


# --- check-in and its refusals -----------------------------------------------------------

def test_a_booked_code_gives_one_booked_ticket_and_every_refusal_says_why(queue_url, clock):
    q = service(queue_url, clock=clock)
    q.bookings.import_records([booking("123456", "10:20"), booking("654321", "11:00"),
                               booking("111111", "09:40"), booking("222222", "10:00",
                                                                   day=TUESDAY)], "test")
    walk_in = q.issue("A")
    t = q.check_in(" 123456 ")
    assert (t.code, t.letter, t.booked_at) == ("A002", "A", at(MONDAY, 10, 20))
    assert t.token and t.name.pl == "Sprawy A"
    assert q.ticket(t.id).booked_at == at(MONDAY, 10, 20)
    # Each refusal, with what the screen needs to say it plainly.
    used = refusal(q, "123456")
    assert (used.reason, used.refusal.booked_at) == (ALREADY_USED, at(MONDAY, 10, 20))
    early = refusal(q, "654321")  # 11:00 is more than 30 minutes away
    assert (early.reason, early.refusal.booked_at) == (TOO_EARLY, at(MONDAY, 11))
    late = refusal(q, "111111")  # 09:40 was more than 15 minutes ago
    assert late.reason == TOO_LATE
    other = refusal(q, "222222")
    assert (other.reason, other.refusal.service_day) == (ANOTHER_DAY, TUESDAY)
    for wrong in ("999999", "12345", "1234567", "abcdef", ""):
        assert refusal(q, wrong).reason == WRONG_CODE
    # The edges of the window: 30 minutes before and 15 after are still in.
    clock.set(at(MONDAY, 10, 30))
    assert q.check_in("654321").code == "A003"
    clock.set(at(MONDAY, 9, 55))
    q.bookings.import_records([booking("333333", "09:40")], "test")
    assert q.check_in("333333").booked_at == at(MONDAY, 9, 40)
    # Refusals used no number: A001..A004, nothing skipped.
    with q._Session() as s:
        assert s.scalars(select(Ticket.number).order_by(Ticket.id)).all() == [1, 2, 3, 4]
        assert s.scalar(select(QueueCounter.last_number)) == 4
    assert walk_in.code == "A001"
    q.close()


def test_codes_tried_one_after_another_stop_being_checked_for_a_while(tmp_path, clock):
    """Trying codes to take someone else's booked time: after five wrong codes the kiosk
    checks none, not even a right one, for ten minutes; a resident who mistypes twice is not
    affected."""
    q = service(f"sqlite:///{tmp_path / 'queue.sqlite3'}", clock=clock)
    q.bookings.import_records([booking("123456", "10:20")], "test")
    for guess in ("000001", "000002", "000003", "000004", "000005"):
        assert refusal(q, guess).reason == WRONG_CODE
    assert refusal(q, "123456").reason == TOO_MANY_WRONG
    clock.set(at(MONDAY, 10, 9))
    assert refusal(q, "123456").reason == TOO_MANY_WRONG
    clock.set(at(MONDAY, 10, 10))
    assert q.check_in("123456").booked_at == at(MONDAY, 10, 20)
    with q._Session() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1  # no number spent
    q.close()


def test_a_cancelled_or_moved_booking_follows_the_feed_until_it_checks_in(queue_url, clock):
    q = service(queue_url, clock=clock)
    first = q.bookings.import_records([booking("123456", "10:00"), booking("234567", "10:10")],
                                      "feed.csv")
    assert (first.added, first.updated) == (2, 0)
    again = q.bookings.import_records(
        [booking("123456", "12:00", "B"), booking("234567", "10:10", status="cancelled")],
        "feed.csv")
    assert (again.added, again.updated, again.cancelled) == (0, 1, 1)
    assert refusal(q, "234567").reason == WRONG_CODE
    assert refusal(q, "123456").reason == TOO_EARLY
    clock.set(at(MONDAY, 11, 45))
    assert q.check_in("123456").code == "B001"
    # Checked in: a later change or cancellation leaves it and its ticket alone.
    kept = q.bookings.import_records([booking("123456", "13:00", status="cancelled")], "f")
    assert kept.kept_checked_in == 1
    (row,) = q.bookings.on(MONDAY)
    assert (row.code, row.ticket_code, row.booked_at) == ("123456", "B001", at(MONDAY, 12))
    # A week later the import deletes past bookings.
    clock.set(at(MONDAY + dt.timedelta(days=8), 10))
    assert q.bookings.import_records([], "f").pruned == 1
    q.close()


def test_two_kiosks_typing_one_code_at_once_get_one_ticket(queue_url, clock):
    kiosks = [service(queue_url, clock=clock, kiosk_id=f"k{i}") for i in range(4)]
    kiosks[0].bookings.import_records([booking("424242", "10:00")], "test")
    start = threading.Barrier(len(kiosks))
    got: list = []

    def check_in(q):
        start.wait()
        try:
            got.append(q.check_in("424242").code)
        except CheckInRefused as exc:
            got.append(exc.reason)

    threads = [threading.Thread(target=check_in, args=(q,)) for q in kiosks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(got) == ["A001"] + [ALREADY_USED] * 3
    with kiosks[0]._Session() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1
        assert s.scalar(select(QueueCounter.last_number)) == 1
        assert s.scalar(select(Booking.ticket_id)) is not None
    for q in kiosks:
        q.close()


# --- the desks' order --------------------------------------------------------------------

def test_desks_call_a_booked_visit_at_its_time_before_walk_ins(queue_url, clock):
    q = service(queue_url, StaticContent(category("A"), category("B")), clock)
    q.bookings.import_records([booking("100000", "10:20"), booking("200000", "10:10"),
                               booking("300000", "10:15", "B")], "test")
    clock.set(at(MONDAY, 9, 50))
    early = q.check_in("100000")            # A001, booked 10:20, came half an hour early
    walk = [q.issue("A").code for _ in range(2)]  # A002, A003
    prio = q.issue("A", priority=True)      # A004
    b_walk = q.issue("B")                   # B001
    clock.set(at(MONDAY, 10, 5))
    on_time = q.check_in("200000")          # A005, booked 10:10
    b_booked = q.check_in("300000")         # B002, booked 10:15
    assert early.people_ahead == 0 and on_time.people_ahead == 0
    assert q.ticket(early.id).people_ahead == 1  # 10:10 is before 10:20

    def calls(n, desk=1, letters=("A",)):
        return [t.code for t in (q.call_next(desk, letters) for _ in range(n)) if t]

    # 10:05: nobody's time has come yet: priority, then the oldest walk-ins.
    assert calls(2) == [prio.code, walk[0]]
    # 10:10: the 10:10 visit goes before the walk-in left, and before B's desk sees it.
    clock.set(at(MONDAY, 10, 10))
    assert calls(1) == [on_time.code]
    assert calls(1, desk=2, letters=("B",)) == [b_walk.code]  # B's visit is at 10:15
    clock.set(at(MONDAY, 10, 20))
    # Both due: the earliest time first, across letters for a desk of both.
    assert calls(1, desk=2, letters=("A", "B")) == [b_booked.code]
    assert calls(1) == [early.code]
    assert calls(2) == [walk[1]]
    # A booked visit not due yet is called only when nobody else waits.
    clock.set(at(MONDAY, 10, 30))
    q.bookings.import_records([booking("400000", "11:00")], "test")
    later = q.check_in("400000")
    last_walk = q.issue("A")
    assert calls(2) == [last_walk.code, later.code]
    called = q.ticket(later.id)
    assert called.status == "called" and called.booked_at == at(MONDAY, 11)
    q.close()


# --- the feed -----------------------------------------------------------------------------

def test_the_feed_reads_csv_and_json_keeps_no_names_and_names_bad_rows(tmp_path):
    csv_file = tmp_path / "bookings.csv"
    csv_file.write_text(
        "code;date;time;category;name\n"
        "123456;2026-11-30;10:30;b;Jan Kowalski\n"
        "12345;2026-11-30;10:30;B;\n"          # five digits
        "234567;2026-11-30;25:00;B;\n"         # no such hour
        "123456;2026-11-30;11:00;A;\n"         # the same code twice on one day
        "\n", encoding="utf-8")
    got = FileFeed(str(csv_file)).read()
    assert [r.model_dump() for r in got.records] == [
        {"code": "123456", "date": MONDAY, "time": dt.time(10, 30), "category": "B",
         "status": "booked"}]
    assert got.problems == ("line 3: left out, invalid code", "line 4: left out, invalid time",
                            "line 5: left out, the code repeats another booking of 2026-11-30")
    assert "Kowalski" not in repr(got)
    js = tmp_path / "feed"  # no extension: told by its first character
    js.write_text(json.dumps({"bookings": [
        {"code": "000123", "date": "2026-12-01", "time": "08:15", "category": "A",
         "status": "Cancelled"}]}), encoding="utf-8")
    (r,) = FileFeed(str(js)).read().records
    assert (r.code, r.status, FileFeed(str(js)).name) == ("000123", "cancelled", "feed")
    for bad, why in (("code,date\n1,2\n", "no column category, time"),
                     ("[{", "not JSON"), ('{"x": 1}', "list of bookings")):
        js.write_text(bad, encoding="utf-8")
        with pytest.raises(FeedError, match=why):
            FileFeed(str(js)).read()
    with pytest.raises(FeedError, match="cannot read"):
        FileFeed(str(tmp_path / "missing.csv")).read()
