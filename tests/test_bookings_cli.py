"""`kiosk bookings import|list` as IT staff use them, with the documented example feed; and
`kiosk desk call` calling the booked visit that checked in. In-process (the command line's
own `main`), with $KIOSK_TEST_NOW fixing the office time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_central_kiosks import run_cli

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


@pytest.fixture
def hall(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIOSK_TEST_NOW", "2026-11-30T10:05:00+01:00")  # Monday
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return monkeypatch


def test_import_the_example_feeds_list_a_day_and_call_the_checked_in_visit(hall):
    code, out, err = run_cli("bookings", "import", str(EXAMPLES / "bookings.csv"), "--json")
    assert code == 0, err
    got = json.loads(out)
    assert (got["added"], got["unchanged"], got["problems"]) == (4, 1, [])  # one cancelled
    # The JSON example says the same: nothing changes.
    code, out, err = run_cli("bookings", "import", str(EXAMPLES / "bookings.json"))
    assert code == 0, err
    assert "0 added, 0 changed, 0 cancelled, 5 unchanged" in out

    from kiosk.bootstrap import open_core
    from kiosk.config import load_config

    core = open_core(load_config(None), load_bundled=False)
    try:
        walk_in = core.queue.issue("F")
        booked = core.queue.check_in("482913")  # 10:15, five minutes from now
    finally:
        core.close()
    assert (walk_in.code, booked.code) == ("F001", "F002")

    code, out, _ = run_cli("bookings", "list", "--json")
    rows = json.loads(out)["bookings"]
    assert [(r["time"], r["code"], r["letter"], r["ticket"]) for r in rows] == [
        ("10:15", "482913", "F", "F002"), ("10:30", "107364", "F", None),
        ("11:00", "590221", "B", None)]
    code, out, _ = run_cli("bookings", "list", "--date", "2026-12-01")
    assert out.split() == ["08:30", "A", "264850", "not", "checked", "in"]

    # At 10:15 the desk calls the booked visit before the walk-in who came first.
    hall.setenv("KIOSK_TEST_NOW", "2026-11-30T10:15:00+01:00")
    code, out, err = run_cli("desk", "call", "--desk", "3", "--categories", "F")
    assert code == 0, err
    assert out.startswith("desk 3: F002 called (booked visit 10:15)")


def test_a_feed_that_cannot_be_read_changes_nothing_and_bad_rows_are_named(hall, tmp_path):
    code, _, err = run_cli("bookings", "import", str(tmp_path / "none.csv"))
    assert code == 1 and "bookings not imported: cannot read" in err
    feed = tmp_path / "today.csv"
    feed.write_text("code,date,time,category\n123456,2026-11-30,10:30,F\n"
                    "98765,2026-11-30,10:40,F\n", encoding="utf-8")
    code, out, err = run_cli("bookings", "import", str(feed))
    assert code == 1
    assert "1 added" in out and "line 3: left out, invalid code" in err
    with pytest.raises(SystemExit) as bad:
        run_cli("bookings", "list", "--date", "30.11.2026")
    assert bad.value.code == 2
