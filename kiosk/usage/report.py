"""`kiosk report`: the office's figures from the usage events of one kiosk (its own database)
or of every kiosk (the central database): CSV files, PNG charts, a summary page (HTML) and the
same as a PDF (matplotlib's own PDF backend: no further dependency).

The figures are computed here in plain Python from the events of the period (`compute`), so
they do not depend on the database; `kiosk.usage.charts` draws them.
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS_PL = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")


@dataclass(frozen=True, slots=True)
class Event:
    kiosk_id: str
    at: dt.datetime  # UTC, naive
    kind: str
    symbol: str | None
    name: str | None
    value: str | None
    count: int | None
    detail: dict | None


EVENT_COLUMNS = ("kiosk_id", "at", "kind", "symbol", "name", "value", "count", "detail")


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date  # inclusive
    tz: str = "Europe/Warsaw"

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """From local midnight of the first day to local midnight after the last, in UTC."""
        zone = ZoneInfo(self.tz)

        def utc(day: dt.date) -> dt.datetime:
            local = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
            return local.astimezone(dt.UTC).replace(tzinfo=None)

        return utc(self.first), utc(self.last + dt.timedelta(days=1))


def events_local(Session_, period: Period) -> Iterator[Event]:
    from sqlalchemy import select

    from kiosk.db.usage_models import UsageEvent

    lo, hi = period.utc_bounds()
    cols = [getattr(UsageEvent, c) for c in EVENT_COLUMNS]
    with Session_() as s:
        for row in s.execute(select(*cols).where(UsageEvent.at >= lo, UsageEvent.at < hi)
                             .execution_options(yield_per=5000)):
            yield Event(*row)


@dataclass
class Table:
    header: tuple[str, ...]
    rows: list[tuple]


@dataclass
class Figures:
    period: Period
    kiosks: list[str]
    key: list[tuple[str, str, object]] = field(default_factory=list)  # (id, Polish label, value)
    tables: dict[str, Table] = field(default_factory=dict)
    # letter -> {(weekday 0-6, hour): tickets}
    heatmap: dict[str, Counter] = field(default_factory=dict)

    def key_value(self, ident: str):
        return next(v for i, _label, v in self.key if i == ident)


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _share(part: float, whole: float) -> float | None:
    """A key figure's percentage, or None when nothing was counted: "0.0 %" satisfaction
    when nobody answered reads as "everybody was unhappy"."""
    return round(100.0 * part / whole, 1) if whole else None


NO_DATA = "—"


def shown(value) -> str:
    """A key figure as staff read it (None: nothing to count)."""
    return NO_DATA if value is None else str(value)


def _by_count(counter: Counter) -> list:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def normalise_query(q: str) -> str:
    return " ".join((q or "").casefold().split())


def compute(events: Iterable[Event], period: Period,
            titles: dict[str, str] | None = None) -> Figures:
    titles = titles or {}
    zone = ZoneInfo(period.tz)
    utc = dt.UTC
    kiosks: set[str] = set()
    opened: Counter[Any] = Counter()
    completed: Counter[Any] = Counter()
    completed_missing: Counter[Any] = Counter()
    missing_docs: Counter = Counter()
    doc_names: dict[tuple[str | None, int], str] = {}
    searches = no_result = 0
    unanswered: Counter = Counter()
    unanswered_kiosks: dict[str, set] = defaultdict(set)
    unanswered_last: dict[str, dt.date] = {}
    tickets: Counter[Any] = Counter()
    priority: Counter[Any] = Counter()
    heat: dict[Any, Counter] = defaultdict(Counter)
    answers: dict[tuple[str, str], Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    prints: Counter[Any] = Counter()
    faults: Counter[Any] = Counter()
    audio_by_day: Counter[Any] = Counter()
    sessions_by_day: Counter[Any] = Counter()
    seconds_by_day: dict[dt.date, list[int]] = defaultdict(list)
    idle_by_day: Counter = Counter()
    settings: Counter[Any] = Counter()
    languages: Counter[Any] = Counter()
    screens: Counter[Any] = Counter()
    for e in events:
        kiosks.add(e.kiosk_id)
        local = e.at.replace(tzinfo=utc).astimezone(zone)
        day = local.date()
        k = e.kind
        if k == "screen":
            screens[e.name] += 1
        elif k == "procedure_opened":
            opened[e.symbol] += 1
        elif k == "guide_completed":
            completed[e.symbol] += 1
            detail = e.detail or {}
            idx, names = detail.get("missing") or [], detail.get("names") or []
            if idx:
                completed_missing[e.symbol] += 1
            for i, index in enumerate(idx):
                missing_docs[(e.symbol, index)] += 1
                if i < len(names):
                    doc_names[(e.symbol, index)] = names[i]
        elif k == "search":
            searches += 1
            if not e.count:
                no_result += 1
                q = normalise_query(e.value or "")
                unanswered[q] += 1
                unanswered_kiosks[q].add(e.kiosk_id)
                unanswered_last[q] = max(day, unanswered_last.get(q, day))
        elif k == "ticket":
            tickets[e.name] += 1
            if (e.detail or {}).get("priority"):
                priority[e.name] += 1
            heat[e.name][(local.weekday(), local.hour)] += 1
        elif k == "satisfaction":
            answers[(e.value or "", e.symbol or "")][e.name] += 1
        elif k == "satisfaction_reason":
            reasons[(e.value or "", e.name)] += 1
        elif k == "print":
            prints[e.value or ""] += 1
            if e.name != "ok":
                faults[(e.value or "", e.name)] += 1
        elif k == "audio_mode":
            audio_by_day[day] += 1
        elif k == "session_end":
            sessions_by_day[day] += 1
            seconds_by_day[day].append(e.count or 0)
            if e.name == "idle":
                idle_by_day[day] += 1
        elif k == "setting":
            settings[(e.name, e.value)] += 1
        elif k == "language":
            languages[e.name] += 1

    f = Figures(period, sorted(kiosks))
    t = f.tables
    t["top_procedures"] = Table(
        ("symbol", "title", "opened", "completed", "completed_with_missing"),
        [(s, titles.get(s, ""), n, completed[s], completed_missing[s])
         for s, n in _by_count(Counter({s: opened[s] for s in set(opened) | set(completed)}))])
    t["searches_no_result"] = Table(
        ("query", "times", "kiosks", "last_seen"),
        [(q, n, len(unanswered_kiosks[q]), unanswered_last[q].isoformat())
         for q, n in _by_count(unanswered)])
    t["missing_documents"] = Table(
        ("symbol", "title", "document_index", "document", "times_missing", "guides_completed",
         "share_pct"),
        [(s, titles.get(s, ""), i, doc_names.get((s, i), ""), n, completed[s],
          _pct(n, completed[s])) for (s, i), n in _by_count(missing_docs)])
    t["tickets_per_category"] = Table(
        ("category", "tickets", "priority"),
        [(c, n, priority[c]) for c, n in sorted(tickets.items())])
    t["tickets_hour_of_week"] = Table(
        ("category", "weekday", "weekday_name", "hour", "tickets"),
        [(c, wd + 1, WEEKDAYS_PL[wd], h, n) for c in sorted(heat)
         for (wd, h), n in sorted(heat[c].items())])
    f.heatmap = dict(heat)
    sat_rows = []
    for (ctx, sym), c in answers.items():
        total = c["yes"] + c["partly"] + c["no"]
        sat_rows.append((ctx, sym, titles.get(sym, ""), c["yes"], c["partly"], c["no"], total,
                         _pct(c["yes"] + 0.5 * c["partly"], total)))
    sat_rows.sort(key=lambda r: (-r[6], r[0], r[1]))
    t["satisfaction"] = Table(("context", "symbol", "title", "yes", "partly", "no", "answers",
                               "score_pct"), sat_rows)
    t["satisfaction_reasons"] = Table(("context", "reason", "times"),
                                      [(c, r, n) for (c, r), n in _by_count(reasons)])
    t["print_faults"] = Table(("what", "fault", "times", "jobs", "share_pct"),
                              [(w, k_, n, prints[w], _pct(n, prints[w]))
                               for (w, k_), n in _by_count(faults)])
    days = sorted(set(sessions_by_day) | set(audio_by_day))
    t["audio_mode"] = Table(("date", "sessions", "audio_mode_starts", "share_pct"),
                            [(d.isoformat(), sessions_by_day[d], audio_by_day[d],
                              _pct(audio_by_day[d], sessions_by_day[d])) for d in days])
    t["sessions"] = Table(("date", "sessions", "median_seconds", "ended_idle"),
                          [(d.isoformat(), sessions_by_day[d],
                            round(statistics.median(seconds_by_day[d]))
                            if seconds_by_day[d] else 0, idle_by_day[d]) for d in days])
    t["settings"] = Table(("setting", "value", "times"),
                          [(s, v, n) for (s, v), n in _by_count(settings)])
    t["languages"] = Table(("language", "times"), _by_count(languages))

    sessions = sum(sessions_by_day.values())
    all_seconds = [s for v in seconds_by_day.values() for s in v]
    n_answers = sum(sum(c.values()) for c in answers.values())
    yes = sum(c["yes"] for c in answers.values())
    partly = sum(c["partly"] for c in answers.values())
    n_prints, n_faults = sum(prints.values()), sum(faults.values())
    f.key = [
        ("kiosks", "Kioski", len(kiosks)),
        ("sessions", "Wizyty (sesje)", sessions),
        ("median_session_seconds", "Mediana długości wizyty [s]",
         round(statistics.median(all_seconds)) if all_seconds else 0),
        ("idle_share_pct", "Wizyty zakończone bezczynnością [%]",
         _share(sum(idle_by_day.values()), sessions)),
        ("procedures_opened", "Otwarte karty spraw", sum(opened.values())),
        ("guides_completed", "Przewodniki doprowadzone do podsumowania", sum(completed.values())),
        ("guides_with_missing_pct", "…w tym z brakującymi dokumentami [%]",
         _share(sum(completed_missing.values()), sum(completed.values()))),
        ("searches", "Wyszukiwania", searches),
        ("searches_no_result_pct", "Wyszukiwania bez wyniku [%]", _share(no_result, searches)),
        ("tickets", "Pobrane bilety", sum(tickets.values())),
        ("satisfaction_answers", "Odpowiedzi na pytanie o zadowolenie", n_answers),
        ("satisfaction_yes_pct", "„Tak” [%]", _share(yes, n_answers)),
        ("satisfaction_score_pct", "Wskaźnik zadowolenia (tak = 1, częściowo = ½) [%]",
         _share(yes + 0.5 * partly, n_answers)),
        ("print_jobs", "Wydruki", n_prints),
        ("print_faults", "Błędy drukarki", n_faults),
        ("audio_mode_starts", "Uruchomienia trybu głosowego", sum(audio_by_day.values())),
        ("audio_mode_share_pct", "Wizyty z trybem głosowym [%]",
         _share(sum(audio_by_day.values()), sessions)),
        ("language_switches", "Zmiany języka", sum(languages.values())),
        ("settings_used", "Użyte ułatwienia (tekst, kontrast, zasięg)", sum(settings.values())),
    ]
    t["key_figures"] = Table(("figure", "label", "value"), list(f.key))
    return f


def write_csvs(f: Figures, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in f.tables.items():
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(table.header)
            w.writerows(table.rows)
        paths.append(path)
    return paths


def titles_from_content(content) -> dict[str, str]:
    """Polish titles of the procedures the kiosk knows, for the tables."""
    out = {}
    for cat in content.categories():
        for p in content.procedures_in(cat.code):
            out[p.symbol] = p.title.get("pl")
    return out
