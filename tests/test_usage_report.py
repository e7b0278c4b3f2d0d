"""`kiosk report` on a generated month of several kiosks: every figure in the CSV files equals
the one computed here independently from the generated events; the charts open and the summary
page and PDF hold them. Locally (one kiosk's SQLite) and from the real central PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from entrypoints.cli import main
from tests.usage_sample import sample_month, store_central, store_local

KIOSKS = ["hall-1", "hall-2", "szkolna"]
WARSAW = ZoneInfo("Europe/Warsaw")
CHARTS = ["top_procedures", "searches_no_result", "missing_documents", "tickets_heatmap",
          "satisfaction", "print_faults", "audio_mode"]


def _event(kiosk, local: dt.datetime, kind, **kw):
    at = local.replace(tzinfo=WARSAW).astimezone(dt.UTC).replace(tzinfo=None)
    return dict(id=str(uuid.uuid4()), kiosk_id=kiosk, at=at, kind=kind, symbol=kw.get("symbol"),
                name=kw.get("name"), value=kw.get("value"), count=kw.get("count"),
                detail=kw.get("detail"), pushed_at=None)


@pytest.fixture(scope="module")
def month():
    events = sample_month(KIOSKS, dt.date(2026, 11, 1), 30, seed=7, visits_per_day=25)
    # Just inside and just outside the month, in office time (UTC is an hour behind).
    events.append(_event("hall-1", dt.datetime(2026, 11, 1, 0, 30), "ticket", name="A",
                         detail={"priority": False}))
    events.append(_event("hall-1", dt.datetime(2026, 12, 1, 0, 30), "ticket", name="A",
                         detail={"priority": False}))
    events.append(_event("hall-1", dt.datetime(2026, 10, 31, 23, 30), "ticket", name="A",
                         detail={"priority": False}))
    return events


def expected(events: list[dict]) -> dict:
    """The figures, straight from the generated events (no code shared with the report)."""
    first, last = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    inside = []
    for e in events:
        local = e["at"].replace(tzinfo=dt.UTC).astimezone(WARSAW)
        if first <= local.date() <= last:
            inside.append((e, local))
    opened = Counter(e["symbol"] for e, _ in inside if e["kind"] == "procedure_opened")
    no_result = Counter(" ".join(e["value"].lower().split()) for e, _ in inside
                        if e["kind"] == "search" and e["count"] == 0)
    missing = Counter((e["symbol"], i) for e, _ in inside if e["kind"] == "guide_completed"
                      for i in e["detail"]["missing"])
    completed = Counter(e["symbol"] for e, _ in inside if e["kind"] == "guide_completed")
    how = Counter((e["name"], local.isoweekday(), local.hour) for e, local in inside
                  if e["kind"] == "ticket")
    sat = defaultdict(Counter)
    for e, _ in inside:
        if e["kind"] == "satisfaction":
            sat[(e["value"], e["symbol"])][e["name"]] += 1
    faults = Counter((e["value"], e["name"]) for e, _ in inside
                     if e["kind"] == "print" and e["name"] != "ok")
    audio = Counter(local.date().isoformat() for e, local in inside if e["kind"] == "audio_mode")
    sessions = Counter(local.date().isoformat() for e, local in inside
                       if e["kind"] == "session_end")
    return dict(opened=opened, no_result=no_result, missing=missing, completed=completed,
                how=how, sat=sat, faults=faults, audio=audio, sessions=sessions,
                tickets=sum(how.values()), kiosks=len({e["kiosk_id"] for e, _ in inside}))


def read(out: Path, name: str) -> list[dict]:
    with (out / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def check_report(out: Path, want: dict) -> None:
    rows = read(out, "top_procedures")
    assert {r["symbol"]: int(r["opened"]) for r in rows if int(r["opened"])} == want["opened"]
    assert [int(r["opened"]) for r in rows] == sorted((int(r["opened"]) for r in rows),
                                                      reverse=True)
    assert all(r["title"] for r in rows)  # titles from the content
    rows = read(out, "searches_no_result")
    assert {r["query"]: int(r["times"]) for r in rows} == want["no_result"]
    rows = read(out, "missing_documents")
    assert {(r["symbol"], int(r["document_index"])): int(r["times_missing"])
            for r in rows} == want["missing"]
    for r in rows:
        assert int(r["guides_completed"]) == want["completed"][r["symbol"]]
        assert r["document"]
    rows = read(out, "tickets_hour_of_week")
    assert {(r["category"], int(r["weekday"]), int(r["hour"])): int(r["tickets"])
            for r in rows} == want["how"]
    rows = read(out, "satisfaction")
    assert {(r["context"], r["symbol"]): (int(r["yes"]), int(r["partly"]), int(r["no"]))
            for r in rows} == {k: (c["yes"], c["partly"], c["no"]) for k, c in want["sat"].items()}
    for r in rows:
        total = int(r["yes"]) + int(r["partly"]) + int(r["no"])
        assert float(r["score_pct"]) == round(100 * (int(r["yes"]) + int(r["partly"]) / 2)
                                              / total, 1)
    rows = read(out, "print_faults")
    assert {(r["what"], r["fault"]): int(r["times"]) for r in rows} == want["faults"]
    rows = read(out, "audio_mode")
    assert {r["date"]: int(r["audio_mode_starts"]) for r in rows
            if int(r["audio_mode_starts"])} == want["audio"]
    assert {r["date"]: int(r["sessions"]) for r in rows} == want["sessions"]
    key = {r["figure"]: r["value"] for r in read(out, "key_figures")}
    assert int(key["tickets"]) == want["tickets"]
    assert int(key["kiosks"]) == want["kiosks"]
    assert int(key["sessions"]) == sum(want["sessions"].values())

    for name in CHARTS:
        with Image.open(out / f"{name}.png") as im:
            im.load()
            assert im.width >= 800 and im.height >= 400, name
            lo_hi = im.convert("L").getextrema()
            assert lo_hi[1] - lo_hi[0] > 100, f"{name} is blank"
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and 'lang="pl"' in page
    assert "Najważniejsze liczby" in page
    for name in CHARTS:
        assert f"src='{name}.png'" in page
    top_query = max(want["no_result"].items(), key=lambda kv: kv[1])[0]
    assert top_query in page
    pdf = (out / "summary.pdf").read_bytes()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pdf.startswith(b"%PDF") and pages == 1 + len(CHARTS)  # key figures + each chart


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[usage]\nkiosk_id = "hall-1"\n',
                    encoding="utf-8")
    return path


def test_local_report_of_one_kiosk_has_the_expected_figures(tmp_path, month, capsys):
    from kiosk.bootstrap import open_core
    from kiosk.config import load_config

    conf = config_file(tmp_path)
    core = open_core(load_config(conf))
    try:
        store_local(core.Session, [e for e in month if e["kiosk_id"] == "hall-1"])
    finally:
        core.close()
    out = tmp_path / "report"
    code = main(["--config", str(conf), "report", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--out", str(out)])
    assert code == 0
    assert "summary.html" in capsys.readouterr().out
    check_report(out, expected([e for e in month if e["kiosk_id"] == "hall-1"]))


def test_central_report_covers_every_kiosk(tmp_path, month, pg_server, capsys):
    from content_sync.central import init_central

    url = pg_server.new_database()
    init_central(url)
    store_central(url, month)
    out = tmp_path / "central-report"
    code = main(["--config", str(config_file(tmp_path)), "report", "--from", "2026-11-01",
                 "--to", "2026-11-30", "--out", str(out), "--central", url, "--json"])
    assert code == 0
    want = expected(month)
    assert want["kiosks"] == 3
    check_report(out, want)


def test_bad_dates_and_an_unreachable_central_database(tmp_path, capsys):
    conf = str(config_file(tmp_path))
    assert main(["--config", conf, "report", "--from", "2026-11-30", "--to", "2026-11-01",
                 "--out", str(tmp_path / "r")]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["--config", conf, "report", "--from", "30.11.2026", "--out", str(tmp_path)])
    assert exc.value.code == 2
    assert main(["--config", conf, "report", "--out", str(tmp_path / "r"), "--central",
                 "postgresql://nobody@127.0.0.1:9/none"]) == 4
    assert "unreachable" in capsys.readouterr().err
