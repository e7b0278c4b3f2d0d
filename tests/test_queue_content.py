"""Queue categories as content: the six sample letters, their rules, and clear messages for
bad definitions."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.content.format import ContentError, read_content


def test_sample_letters_and_procedures_point_at_them():
    b = read_content(SAMPLE_CONTENT_DIR)
    letters = {q["letter"]: q for q in b.queue_categories}
    assert sorted(letters) == list("ABCDEF")
    assert [letters[x]["department_code"] for x in "ABCDEF"] == \
        ["USC", "DEL", "DRK", "DRK", "IGO", "DBM"]
    for q in letters.values():
        assert q["hours"] is None                  # the department's hours apply
        assert q["priority"] is True and q["prepare"].pl and q["booking_url"]
        assert q["cutoff_minutes"] == 15 and "cutoff_minutes" in q["unconfirmed"]
    by_symbol = {p["symbol"]: p["queue_letter"] for p in b.procedures}
    assert by_symbol["USC I"] == "A" and by_symbol["DEL I"] == "B"
    assert by_symbol["DRK I"] == "C" and by_symbol["DRK XV"] == "D"
    assert by_symbol["IGO I"] == "E" and by_symbol["DBM II"] == "F"
    used = {x for x in by_symbol.values() if x}
    assert used == set("ABCDEF")


def _write(content_copy, items):
    (content_copy / "queue_categories.yaml").write_text(
        yaml.safe_dump({"queue_categories": items}, allow_unicode=True), encoding="utf-8")


def test_own_hours_limit_and_advice_are_read(content_copy):
    _write(content_copy, [dict(letter=x, name="X", department="DBM") for x in "ABCDEF"[:5]] + [
        dict(letter="F", name="Inne", department="DBM", hours={"mon": ["08:00-12:00"], "sat": []},
             daily_limit=50, cutoff_minutes=30, priority=False,
             booking_url="https://bom.piotrkow.pl/", prepare={"pl": "Przygotuj dowód."})])
    f = next(q for q in read_content(content_copy).queue_categories if q["letter"] == "F")
    assert f["hours"] == [(0, dt.time(8), dt.time(12))]
    assert (f["daily_limit"], f["cutoff_minutes"], f["priority"]) == (50, 30, False)
    assert f["prepare"].pl == "Przygotuj dowód."


@pytest.mark.parametrize("extra, message", [
    ({"daily_limit": 0}, "daily_limit: must be between 1 and 999"),
    ({"daily_limit": 1000}, "daily_limit: must be between 1 and 999"),
    ({"cutoff_minutes": -5}, "cutoff_minutes: must be between 0 and 240"),
    ({"priority": "yes"}, "priority: must be true or false"),
    ({"booking_url": "bom.piotrkow.pl"}, "booking_url: not valid"),
    ({"hours": {"mon": ["8-15"]}}, "hours.mon: not a time range"),
    ({"unconfirmed": ["colour"]}, "unconfirmed: names no field of this record"),
])
def test_bad_queue_category_is_refused_with_file_record_and_field(content_copy, extra, message):
    items = [dict(letter=x, name="X", department="DBM") for x in "ABCDEF"]
    items[0].update(extra)
    _write(content_copy, items)
    with pytest.raises(ContentError) as err:
        read_content(content_copy)
    assert f"queue_categories.yaml: queue category 'A': {message}" in str(err.value)
