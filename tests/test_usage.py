"""Usage events: what the narrow methods store, scrubbing of personal data, retention."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kiosk.config import UsageConfig, parse_config
from kiosk.db.search_models import SearchQueryLog
from kiosk.db.usage_models import UsageEvent
from kiosk.usage.events import mark_pushed, prune
from kiosk.usage.scrub import scrub_text


def stored(core) -> list[UsageEvent]:
    core.usage.flush()
    with core.Session() as s:
        return list(s.scalars(select(UsageEvent).order_by(UsageEvent.at)))


def test_each_method_stores_structured_fields_with_the_kiosk_id(cfg):
    from kiosk.bootstrap import open_core

    core = open_core(replace(cfg, usage=UsageConfig(kiosk_id="hall-2", flush_seconds=60)))
    try:
        u = core.usage
        u.screen_viewed("guide")
        u.procedure_opened("USC I")
        u.guide_completed("USC I", [(0, "Wniosek"), (2, "Dowód osobisty")])
        u.search("dowod 85010112345", 3, "pl")
        u.ticket_issued("A", priority=True)
        u.printed("ticket", "paper_out")
        u.audio_mode_started("corner")
        u.setting_used("font_scale", 1.5)
        u.language("uk")
        u.session_ended(73.4, "idle")
        u.satisfaction("guide", "USC I", "partly")
        u.satisfaction_reason("guide", "USC I", "missing_info")
        assert u.pending == 12  # nothing written on the caller's thread
        rows = stored(core)
    finally:
        core.close()
    got = [(r.kind, r.symbol, r.name, r.value, r.count, r.detail) for r in rows]
    assert got == [
        ("screen", None, "guide", None, None, None),
        ("procedure_opened", "USC I", None, None, None, None),
        ("guide_completed", "USC I", None, None, 2,
         {"missing": [0, 2], "names": ["Wniosek", "Dowód osobisty"]}),
        ("search", None, "pl", "dowod #", 3, None),
        ("ticket", None, "A", None, None, {"priority": True}),
        ("print", None, "paper_out", "ticket", None, None),
        ("audio_mode", None, "corner", None, None, None),
        ("setting", None, "font_scale", "1.5", None, None),
        ("language", None, "uk", None, None, None),
        ("session_end", None, "idle", None, 73, None),
        ("satisfaction", "USC I", "partly", "guide", None, None),
        ("satisfaction_reason", "USC I", "missing_info", "guide", None, None),
    ]
    assert {r.kiosk_id for r in rows} == {"hall-2"}
    assert len({r.id for r in rows}) == 12 and all(len(r.id) == 36 for r in rows)
    assert all(r.pushed_at is None for r in rows)


def test_the_kiosk_id_defaults_to_the_queue_kiosk_id_and_disabled_records_nothing(cfg):
    from kiosk.bootstrap import open_core

    core = open_core(cfg)
    try:
        core.usage.language("en")
        (row,) = stored(core)
        assert row.kiosk_id == cfg.queue.kiosk_id
    finally:
        core.close()
    off = open_core(replace(cfg, usage=UsageConfig(enabled=False)))
    try:
        off.usage.language("en")
        assert off.usage.pending == 0
    finally:
        off.close()


def test_the_writer_thread_writes_without_being_asked(cfg):
    import time

    from kiosk.bootstrap import open_core

    core = open_core(replace(cfg, usage=UsageConfig(flush_seconds=0.2)))
    try:
        core.usage.screen_viewed("home")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with core.Session() as s:
                if s.scalar(select(UsageEvent.kind)) == "screen":
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("the writer never wrote the event")
    finally:
        core.close()


def test_usage_config_section():
    cfg = parse_config({"usage": {"kiosk_id": "k1", "retention_days": 30}})
    assert (cfg.usage.kiosk_id, cfg.usage.retention_days) == ("k1", 30)
    for bad in ({"retention_days": 0}, {"kiosk_id": ""}, {"nope": 1}):
        try:
            parse_config({"usage": bad}, "x.toml")
        except ValueError as exc:
            assert "[usage]" in str(exc)
        else:
            raise AssertionError(f"{bad} accepted")


# --- personal data -----------------------------------------------------------------------------

PHONES = ["600 123 456", "+48 600-123-456", "600-123-456", "600123456", "(42) 123 45 67",
          "600 - 123 - 456", "48.600.123.456", "+48600123456", "６００１２３４５６"]


def test_phone_numbers_pesel_and_e_mails_are_scrubbed():
    for phone in PHONES:
        assert not re.search(r"\d", scrub_text(f"zadzwon {phone} prosze").replace("zadzwon", "")
                             .replace("prosze", "")), phone
    assert scrub_text("PESEL 85010112345 dowód") == "PESEL # dowód"
    assert scrub_text("jan.kowalski@example.com zgubiony") == "[e-mail] zgubiony"
    assert scrub_text("jan @ wp.pl") == "[e-mail]"
    # What residents need stays: years, amounts, house numbers, short codes.
    assert scrub_text("500 plus 2026") == "500 plus 2026"
    assert scrub_text("ul. Szkolna 28") == "ul. Szkolna 28"
    assert scrub_text("DRK 15") == "DRK 15"


def personal_digit_runs(text: str) -> list[str]:
    """Independent of kiosk.usage.scrub: walk the text, joining digits separated by up to three
    characters that are neither letters nor digits; return runs of 6+ digits."""
    runs, digits, gap = [], "", 0
    for ch in text:
        if ch.isdecimal():
            digits += ch
            gap = 0
        elif not ch.isalpha() and digits and gap < 3:
            gap += 1
        else:
            if len(digits) >= 6:
                runs.append(digits)
            digits, gap = ("", 0)
    if len(digits) >= 6:
        runs.append(digits)
    return runs


def _pesel(d):
    return "".join(str(x) for x in d)


PII = st.one_of(
    st.lists(st.integers(0, 9), min_size=11, max_size=11).map(_pesel),
    st.sampled_from(PHONES),
    st.builds(lambda a, b, c, sep: f"{a}{sep}{b}{sep}{c}", st.integers(100, 999),
              st.integers(100, 999), st.integers(100, 999),
              st.sampled_from([" ", "-", " - ", ".", "/", "  "])),
    st.builds(lambda u, d: f"{u}@{d}.pl", st.from_regex(r"[a-z0-9._]{1,12}", fullmatch=True),
              st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True)),
)
WORDS = st.one_of(st.sampled_from(["dowód", "meldunek", "tel", "PESEL", "nr", "mój", "500 plus",
                                   "28", "2026", ",", ":", "+48"]),
                  st.text(max_size=12))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(PII, WORDS), min_size=1, max_size=8), st.integers(0, 20))
def test_no_stored_event_or_query_log_holds_a_long_number_or_an_e_mail(core, parts, count):
    query = " ".join(parts)
    core.usage.search(query, count, "pl")
    core.usage.guide_completed("USC I", [(1, query)])  # even a content text passes the scrub
    core.usage.setting_used(query, query)
    core.search.record_unanswered(query, "pl", 0)
    core.usage.flush()
    with core.Session() as s:
        texts = []
        for e in s.scalars(select(UsageEvent)):
            texts += [e.symbol or "", e.name or "", e.value or ""]
            for key, value in (e.detail or {}).items():
                texts += [key] + [str(v) for v in (value if isinstance(value, list) else [value])]
        texts += list(s.scalars(select(SearchQueryLog.query)))
        s.query(UsageEvent).delete()
        s.query(SearchQueryLog).delete()
        s.commit()
    for text in texts:
        assert "@" not in text, (query, text)
        assert personal_digit_runs(text) == [], (query, text)


# --- retention ---------------------------------------------------------------------------------

def test_retention_keeps_recent_events_and_deletes_old_ones_pushed_or_not(core):
    now = dt.datetime(2026, 11, 26, 12, 0)
    for days, pushed in ((10, True), (10, False), (100, True), (100, False), (95, True)):
        core.usage._now = lambda d=days: now - dt.timedelta(days=d)
        core.usage.language(f"{days}-{pushed}")
        core.usage.flush()
        if pushed:
            with core.Session() as s:
                ids = list(s.scalars(select(UsageEvent.id)
                                     .where(UsageEvent.name == f"{days}-{pushed}")))
            mark_pushed(core.Session, ids, now)
    assert prune(core.Session, 90, now) == (2, 1)
    with core.Session() as s:
        left = sorted(s.scalars(select(UsageEvent.name)))
    assert left == ["10-False", "10-True"]
