"""A seeded generator of realistic usage events (a month of several kiosks), for the report
tests, the benchmark and a demonstration report. Not used by the kiosk itself.

Visits follow the office's week (busy mornings, quiet Saturdays, nothing on Sundays), open the
sample content's procedures (a few much more than others), search (some queries find nothing),
finish guides with some documents missing, take tickets of the procedure's queue letter, answer
the satisfaction question now and then, hit a print fault rarely and use audio mode rarely.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.usage.events import REASONS

FOUND = [("dowod osobisty", 4), ("meldunek", 3), ("akt urodzenia", 2), ("prawo jazdy", 1),
         ("rejestracja auta", 3), ("podatek od nieruchomosci", 2), ("slub", 2), ("psa", 1),
         ("500 plus", 1), ("paszport", 1)]
NOT_FOUND = ["karta miejska", "parking abonament", "wycinka drzewa", "zasilek celowy",
             "basen", "mpk bilety", "zgloszenie dziury", "ksiazeczka wojskowa", "becikowe"]
FAULTS = ["paper_out", "paper_near_end", "offline", "cover_open"]
LANGS = ["en", "uk"]


def _procedures(content_dir: Path):
    from kiosk.content.format import read_content

    bundle = read_content(content_dir)
    out = []
    for p in bundle.procedures:
        docs = [(i, d["name"].pl) for i, d in enumerate(p["documents"]) if not d["optional"]]
        out.append((p["symbol"], p["queue_letter"], docs))
    return out


def sample_month(kiosks: list[str], start: dt.date, days: int = 30, *, seed: int = 1,
                 visits_per_day: int = 40, tz: str = "Europe/Warsaw",
                 content_dir: Path = SAMPLE_CONTENT_DIR) -> list[dict]:
    """Usage events as `usage_event` rows (UTC times, pushed_at None), in time order."""
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    procs = _procedures(content_dir)
    # A few matters are asked for far more often (ID cards, registration, vehicles...).
    weights = [1.0 / (1 + i) ** 0.9 for i in range(len(procs))]
    rng.shuffle(weights)
    events: list[dict] = []

    def add(kiosk, at_local, kind, **fields):
        at = at_local.astimezone(dt.UTC).replace(tzinfo=None)
        events.append(dict(id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                           kiosk_id=kiosk, at=at, kind=kind, symbol=fields.get("symbol"),
                           name=fields.get("name"), value=fields.get("value"),
                           count=fields.get("count"), detail=fields.get("detail"),
                           pushed_at=None))

    for d in range(days):
        day = start + dt.timedelta(days=d)
        if day.weekday() == 6:
            continue
        for kiosk in kiosks:
            n = visits_per_day // 5 if day.weekday() == 5 else visits_per_day
            n = max(0, int(rng.gauss(n, n / 5)))
            for _ in range(n):
                # Mornings are busiest: most visits between 8 and 12.
                minute = int(min(max(rng.gauss(10.5 * 60, 120), 7.5 * 60), 17 * 60 - 20))
                t = dt.datetime.combine(day, dt.time(minute // 60, minute % 60),
                                        tzinfo=zone)
                _visit(rng, add, kiosk, t, procs, weights)
    events.sort(key=lambda e: (e["at"], e["id"]))
    return events


def _visit(rng, add, kiosk, t, procs, weights) -> None:
    step = lambda: dt.timedelta(seconds=rng.randint(4, 40))  # noqa: E731
    start = t
    add(kiosk, t, "screen", name="home")
    if rng.random() < 0.04:
        t += step()
        add(kiosk, t, "audio_mode", name=rng.choice(["corner", "key", "menu"]))
    if rng.random() < 0.12:
        t += step()
        add(kiosk, t, "language", name=rng.choice(LANGS))
    if rng.random() < 0.06:
        t += step()
        add(kiosk, t, "setting", name="font_scale", value=rng.choice(["1.5", "2.0"]))
    symbol = letter = None
    if rng.random() < 0.45:
        t += step()
        add(kiosk, t, "screen", name="search")
        if rng.random() < 0.25:
            query, results = rng.choice(NOT_FOUND), 0
        else:
            query, results = rng.choice(FOUND)
        add(kiosk, t, "search", value=query, count=results, name="pl")
    if rng.random() < 0.75:
        symbol, letter, docs = rng.choices(procs, weights)[0]
        t += step()
        add(kiosk, t, "screen", name="guide")
        add(kiosk, t, "procedure_opened", symbol=symbol)
        if rng.random() < 0.6:
            missing = [(i, name) for i, name in docs if rng.random() < 0.3]
            t += step() * 4
            add(kiosk, t, "guide_completed", symbol=symbol, count=len(missing),
                detail={"missing": [i for i, _n in missing], "names": [n for _i, n in missing]})
            if rng.random() < 0.4:
                _answer(rng, add, kiosk, t, "guide", symbol)
    if letter and rng.random() < 0.5:
        t += step()
        add(kiosk, t, "screen", name="ticket")
        add(kiosk, t, "ticket", name=letter, detail={"priority": rng.random() < 0.05})
        t += step()
        add(kiosk, t, "print", name=rng.choice(FAULTS) if rng.random() < 0.04 else "ok",
            value="ticket")
        if rng.random() < 0.3:
            _answer(rng, add, kiosk, t, "ticket", symbol)
    if symbol and rng.random() < 0.1:
        t += step()
        add(kiosk, t, "print", name=rng.choice(FAULTS) if rng.random() < 0.04 else "ok",
            value="card")
    reason = "idle" if rng.random() < 0.35 else "home"
    add(kiosk, t, "session_end", name=reason, count=int((t - start).total_seconds()))


def _answer(rng, add, kiosk, t, context, symbol) -> None:
    answer = rng.choices(["yes", "partly", "no"], [6, 2, 1])[0]
    add(kiosk, t, "satisfaction", name=answer, value=context, symbol=symbol)
    if answer != "yes" and rng.random() < 0.5:
        add(kiosk, t, "satisfaction_reason", name=rng.choice(REASONS), value=context,
            symbol=symbol)


def store_local(Session_, events: list[dict]) -> None:
    """Write generated events into a kiosk database."""
    from sqlalchemy import insert

    from kiosk.db.usage_models import UsageEvent

    with Session_.begin() as s:
        for i in range(0, len(events), 5000):
            s.execute(insert(UsageEvent), events[i:i + 5000])


def store_central(url: str, events: list[dict], password: str | None = None) -> None:
    """Write generated events straight into the central usage table (an admin URL)."""
    from psycopg.types.json import Jsonb

    from content_sync.central import USAGE_SCHEMA
    from content_sync.pg import connect

    cols = ("id", "kiosk_id", "at", "kind", "symbol", "name", "value", "count", "detail")
    with connect(url, password=password, statement_timeout=None) as conn:
        with conn.cursor() as cur, cur.copy(f"COPY {USAGE_SCHEMA}.usage_event "
                                            f"({', '.join(cols)}) FROM STDIN") as copy:
            for e in events:
                copy.write_row([Jsonb(e[c]) if c == "detail" and e[c] is not None else e[c]
                                for c in cols])
        conn.commit()
