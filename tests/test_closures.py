"""Office closures from the content (issue 20, part 3): closures.yaml says which days the office
is closed or open shorter; the queue, the guides and the card count them like public holidays,
and a sync brings them like any other record. The sample content has two: 2 January 2026 closed
(a day off for 1 November 2025, a Saturday) and 31 December 2026 open 08:00-12:00."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.closures import CLOSED, HOLIDAY, SHORTER, ContentClosure, closure_on, day_spans
from kiosk.content.format import read_record
from kiosk.content.places import open_now_line, today_hours_line
from kiosk.content.service import DepartmentView, Place
from kiosk.i18n import translator
from kiosk.texts import LocalText
from tests.test_holidays import kiosk

DAY_OFF = "2026-01-02T10:00:00+01:00"  # a Friday, closed by the content
DAY_OFF_REASON = "Dzień wolny za święto 1 listopada 2025 (sobota)"
NEW_YEARS_EVE = dt.date(2026, 12, 31)  # a Thursday, 08:00-12:00 by the content
WEEK = tuple((wd, dt.time(8), dt.time(15, 30)) for wd in range(5))


def _eve(code="new-years-eve-2026", hours=(dt.time(8), dt.time(12))) -> ContentClosure:
    return ContentClosure(code, NEW_YEARS_EVE, NEW_YEARS_EVE, SHORTER,
                          LocalText("Sylwester", "New Year's Eve"), hours)


# --- the queue, through the command line ----------------------------------------------------

def test_a_closure_of_the_content_refuses_tickets_naming_its_reason(tmp_path):
    r = kiosk("ticket", "issue", "A", data_dir=tmp_path, now=DAY_OFF)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"the office is closed: {DAY_OFF_REASON}" in r.stderr, r.stderr
    assert "next opening Mon 2026-01-05 08:00" in r.stderr, r.stderr


def test_a_shorter_day_issues_tickets_before_its_shorter_close_and_none_after(tmp_path):
    from dataclasses import replace

    from kiosk.queue.service import AFTER_CUTOFF, QueueClosed
    from tests.queue_support import OFFICE, Clock, StaticContent, at, category, service

    clock = Clock(at(NEW_YEARS_EVE, 11, 30))
    cat = replace(category("A", hours=OFFICE, cutoff=15), closures=(_eve(),))
    svc = service(f"sqlite:///{tmp_path / 'q.sqlite3'}", StaticContent(cat), clock)
    try:
        assert svc.issue("A").code == "A001"
        # A closes at 12:00 that day, its last ticket 15 minutes before (the cut-off).
        clock.set(at(NEW_YEARS_EVE, 11, 50))
        with pytest.raises(QueueClosed) as e:
            svc.issue("A")
        assert e.value.reason == AFTER_CUTOFF
        assert "last ticket 11:45; shorter hours today: Sylwester" in str(e.value)
        # 1 January is a public holiday, then the weekend.
        assert "next opening Mon 2027-01-04 08:00" in str(e.value)
        assert e.value.availability.hours_today == ((dt.time(8), dt.time(12)),)
    finally:
        svc.close()


# --- the rules, in process ------------------------------------------------------------------

def test_a_public_holiday_comes_first_then_closed_then_the_shortest_hours():
    closed = ContentClosure("x", NEW_YEARS_EVE, NEW_YEARS_EVE, CLOSED, LocalText("Zamknięte"))
    assert closure_on(dt.date(2026, 11, 11), [closed]).kind == HOLIDAY
    assert closure_on(NEW_YEARS_EVE, [_eve(), closed]).kind == CLOSED
    both = closure_on(NEW_YEARS_EVE, [_eve(), _eve("b", (dt.time(9), dt.time(13)))])
    assert both.hours == (dt.time(9), dt.time(12)) and both.name("en") == "New Year's Eve"
    assert day_spans(WEEK, NEW_YEARS_EVE, [_eve()]) == [(dt.time(8), dt.time(12))]
    assert day_spans(WEEK, NEW_YEARS_EVE - dt.timedelta(days=1), [_eve()]) == [
        (dt.time(8), dt.time(15, 30))]
    # shorter hours never open a day the weekly hours keep closed
    assert day_spans(WEEK, dt.date(2027, 1, 2), [
        ContentClosure("s", dt.date(2027, 1, 2), dt.date(2027, 1, 2), SHORTER,
                       LocalText("x"), (dt.time(8), dt.time(12)))]) == []


def test_guides_say_closed_today_with_the_reason_and_count_shorter_hours():
    closed = ContentClosure("day-off", dt.date(2026, 1, 2), dt.date(2026, 1, 2), CLOSED,
                            LocalText(DAY_OFF_REASON, "Day off"))
    dept = DepartmentView("USC", LocalText("USC"), Place("Pasaż"), (), None, LocalText("x"),
                          WEEK, None, (), (closed, _eve()))
    pl, en = translator("pl"), translator("en")
    day_off = dt.datetime(2026, 1, 2, 10)
    assert open_now_line(dept, day_off, pl) == (
        False, f"Dziś nieczynne: {DAY_OFF_REASON}. Otwarcie: poniedziałek o 08:00.")
    assert open_now_line(dept, day_off, en)[1] == "Closed today: Day off. Opens Monday at 08:00."
    assert today_hours_line(dept, day_off, pl) == "Dziś: zamknięte."
    eve = dt.datetime(2026, 12, 31, 10)
    assert open_now_line(dept, eve, pl) == (
        True, "Teraz otwarte, do 12:00 (dziś krócej: Sylwester).")
    assert today_hours_line(dept, eve, en) == "Today: 08:00–12:00 (shorter hours: New Year's Eve)."
    assert open_now_line(dept, eve.replace(hour=13), pl)[1] == \
        "Teraz zamknięte. Otwarcie: poniedziałek o 08:00."


@pytest.mark.parametrize("data, field, words", [
    ({"kind": "shorter"}, "hours", "required for kind shorter"),
    ({"kind": "closed", "hours": "08:00-12:00"}, "hours", "a closed day has no hours"),
    ({"kind": "shorter", "hours": "12:00-08:00"}, "hours", "closes before it opens"),
    ({"kind": "closed", "until": "2026-12-30"}, "until", "ends before it starts"),
    ({"kind": "closed", "until": "2027-12-31"}, "until", "check the year"),
    ({"kind": "holiday"}, "kind", "unknown kind 'holiday' (use closed, shorter)"),
], ids=["no-hours", "closed-with-hours", "backwards", "until-before", "a-year", "kind"])
def test_a_bad_closure_is_refused_with_the_field_and_the_reason(data, field, words):
    record = {"code": "x", "date": "2026-12-31", "reason": {"pl": "Powód"}, **data}
    parsed, problems = read_record("closure", record, file="closures.yaml", position=0)
    assert parsed is None
    assert [p.field for p in problems] == [field] and words in problems[0].message, problems


# --- the sync -----------------------------------------------------------------------------------

def test_closures_arrive_by_sync_and_a_bad_one_keeps_its_previous_version(pg_server, tmp_path):
    from content_sync.sync import run_sync
    from kiosk.content.service import ContentService
    from kiosk.db.engine import make_engine, session_factory, upgrade
    from tests.sync_support import Central, central_db, kiosk_cfg

    url, reader = central_db(pg_server)
    central = Central(url)
    cfg = kiosk_cfg(tmp_path / "kiosk")
    engine = make_engine(cfg.paths.effective_database_url)
    upgrade(engine)
    content = ContentService(session_factory(engine))
    try:
        def sync():
            return run_sync(cfg, source_url=reader, Session_=content._Session)

        assert sync().outcome == "ok"
        assert [c.code for c in content.closures()] == ["day-off-2026-01-02",
                                                        "new-years-eve-2026"]
        # An editor adds a closure of three days and breaks the shorter day (no hours).
        central.put("closure", "inventory-2027", {
            "code": "inventory-2027", "date": "2027-01-11", "until": "2027-01-13",
            "kind": "closed", "reason": {"pl": "Inwentaryzacja", "en": "Stocktaking"}})
        central.edit("closure", "new-years-eve-2026", lambda d: d.pop("hours"))
        report = sync()
        assert report.outcome == "partial", report
        rejected = {r["key"]: r for r in report.detail["rejected_records"]}
        assert list(rejected) == ["new-years-eve-2026"]
        assert rejected["new-years-eve-2026"]["kept_previous"] is True
        assert "hours: required for kind shorter" in rejected["new-years-eve-2026"]["reason"]
        got = {c.code: c for c in content.closures()}
        assert got["new-years-eve-2026"].hours == (dt.time(8), dt.time(12))  # the last good
        new = got["inventory-2027"]
        assert (new.first, new.last, new.kind) == (dt.date(2027, 1, 11), dt.date(2027, 1, 13),
                                                   CLOSED)
        # ... and the queue counts it: no letter takes tickets on the middle day.
        (cat, *_) = content.queue_categories()
        assert day_spans(cat.hours, dt.date(2027, 1, 12), cat.closures) == []
        assert closure_on(dt.date(2027, 1, 12), cat.closures).name("en") == "Stocktaking"
    finally:
        engine.dispose()
