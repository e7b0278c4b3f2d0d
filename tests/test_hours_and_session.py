import datetime as dt

from kiosk.hours import opening_status
from kiosk.session import IdleState, IdleWatch, ResidentSession

T = dt.time
WEEK = [(0, T(8), T(15, 30)), (1, T(8), T(17)), (2, T(8), T(15, 30)), (3, T(8), T(15, 30)),
        (4, T(8), T(15, 30))]


def test_open_now_until_closing_time():
    st = opening_status(WEEK, dt.datetime(2026, 11, 24, 16, 0))  # Tuesday, long day
    assert st.is_open and st.closes_at == T(17)


def test_closed_after_hours_names_the_next_opening():
    st = opening_status(WEEK, dt.datetime(2026, 11, 27, 15, 30))  # Friday at closing time
    assert not st.is_open
    assert st.next_open == (dt.date(2026, 11, 30), T(8))  # Monday


def test_before_opening_opens_today():
    st = opening_status(WEEK, dt.datetime(2026, 11, 25, 7, 0))
    assert not st.is_open and st.next_open == (dt.date(2026, 11, 25), T(8))


def test_no_hours_never_opens():
    assert opening_status([], dt.datetime(2026, 11, 25, 9)).next_open is None


def test_ticks_are_per_procedure_and_missing_lists_the_rest():
    s = ResidentSession()
    assert s.toggle("DEL I", 0) is True
    s.toggle("DEL I", 2)
    assert s.missing("DEL I", [0, 1, 2]) == [1]
    assert s.toggle("DEL I", 0) is False
    assert s.missing("USC I", [0]) == [0]


def test_idle_watch_warns_then_expires_and_a_touch_resets():
    now = [0.0]
    w = IdleWatch(90, 30, now=lambda: now[0])
    now[0] = 89.9
    assert w.state() is IdleState.ACTIVE
    now[0] = 95
    assert w.state() is IdleState.WARNING and w.seconds_left() == 25
    w.touch()
    assert w.state() is IdleState.ACTIVE
    now[0] = 95 + 120
    assert w.state() is IdleState.EXPIRED
