"""The content linter: free text must not contradict the data it sits beside.

A guide once said "Weź bilet z literą A" for a matter whose queue category is B, and residents
queued at the wrong desk. What the data already holds (ticket letter, room, hours, fees) is
shown from the data; prose that types it again is refused, and so are documents without a
kind, "how to pay" on a free matter, an online link without a label saying what it opens, and a
translation whose numbers differ from the Polish text.

Run by `read_content` (so by `kiosk content validate`, `kiosk content lint`, `kiosk content
load` and `kiosk central import`) and by the sync, record by record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple, Protocol

from kiosk.texts import LocalText


class Bundle(Protocol):
    """What the linter reads of a `ContentBundle` (format.py runs the linter, so the linter
    does not import it)."""

    procedures: list[dict]
    departments: list[dict]
    queue_categories: list[dict]
    rates: list[dict]
    announcements: list[dict]
    closures: list[dict]


class Finding(NamedTuple):
    """One contradiction: the record (kind, identity) and where an editor finds it."""

    kind: str
    identity: str
    file: str
    record: str
    field: str
    message: str

# A ticket letter named in prose: a word for ticket or letter, then within a few words a
# capital letter standing alone ("bilet B", "weź bilet z literą A", "ticket with the letter
# B", "талон з літерою B").
_TICKET_WORD = re.compile(r"\b(bilet|liter|ticket|letter|талон|літер)\w*", re.IGNORECASE)
_LONE_CAPITAL = re.compile(r"(?<![\w.])([A-Z])(?![\w])")
_ROOM = re.compile(r"\b(?:pok\.|pokój|pokoju|pokoi|room|кімнат\w*|каб\.|кабінет\w*)"
                   r"\s*(?:nr\.?|no\.?|№)?\s*(\d+[a-zA-Z]?)\b", re.IGNORECASE)
_TIME = re.compile(r"(?<![\d,.])([01]?\d|2[0-3])[:.]([0-5]\d)(?![\d,.]|\s*(?:zł|PLN|грн))")
_MONEY = re.compile(r"(?<![\d,.])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[,.](\d{1,2}))?"
                    r"\s*(?:zł|PLN|злот\w*)", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")

_PROSE_FIELDS = ("summary", "who_may_apply", "fee_exemptions", "payment_methods", "deadline",
                 "appeal_how", "appeal_none", "notes")


def _texts(p: dict) -> Iterator[tuple[str, LocalText]]:
    """Every translated text of a procedure with the field path an editor finds it by."""
    for name in _PROSE_FIELDS:
        if isinstance(p.get(name), LocalText):
            yield name.replace("appeal_how", "appeal.how"), p[name]
    for st in p["steps"]:
        yield f"steps[{st['position']}]", st["text"]
    for d in p["documents"]:
        yield f"documents[{d['position']}].name", d["name"]
        if d.get("note"):
            yield f"documents[{d['position']}].note", d["note"]


def _languages(text: LocalText) -> Iterator[tuple[str, str]]:
    for lang in ("pl", "en", "uk"):
        if value := getattr(text, lang):
            yield lang, value


def _letters_named(text: str, letters: set[str]) -> list[str]:
    named = []
    for word in _TICKET_WORD.finditer(text):
        tail = re.split(r"[.;:!?]", text[word.end():word.end() + 40], maxsplit=1)[0]
        named += [m.group(1) for m in _LONE_CAPITAL.finditer(tail) if m.group(1) in letters]
    return named


def _amount(whole: str, part: str | None) -> Decimal | None:
    try:
        return Decimal(re.sub(r"\s", "", whole) + "." + (part or "0"))
    except InvalidOperation:
        return None


def _times(hours: Any) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for _day, opens, closes in hours or ():
        out |= {(opens.hour, opens.minute), (closes.hour, closes.minute)}
    return out


# Where a typed amount would be a fee to pay: a benefit's amount in the summary ("1000 zł
# becikowego") is not a fee and stays.
_FEE_PROSE = ("steps[", "payment_methods", "fee_exemptions")


def procedure_problems(p: dict, *, letters: set[str], hours: set[tuple[int, int]],
                       rates: frozenset[Decimal] = frozenset()) -> list[tuple[str, str]]:
    """(field, message) for each contradiction in one procedure. `letters`: every ticket
    letter of the content; `hours`: the opening and closing times of its department and queue
    category; `rates`: the amounts of the local rates table, which prose may quote."""
    out: list[tuple[str, str]] = []
    own = p.get("queue_letter")
    room = (p.get("place_room") or "").strip().lower()
    fees = {f["amount"] for f in p["fees"]}
    for path, text in _texts(p):
        for lang, value in _languages(text):
            where = f"{path}.{lang}"
            for letter in dict.fromkeys(_letters_named(value, letters)):
                why = (f"but its queue category is {own}" if own and letter != own
                       else "which the kiosk already shows from queue_category")
                out.append((where, f"names ticket letter {letter} in the text, {why}: "
                                   "leave the letter out"))
            for m in _ROOM.finditer(value):
                if m.group(1).lower() != room:
                    out.append((where, f"names room {m.group(1)}, but place.room is "
                                       f"{p.get('place_room') or 'empty'}: "
                                       "put the room in place.room only"))
            for m in _TIME.finditer(value):
                if (int(m.group(1)), int(m.group(2))) not in hours:
                    out.append((where, f"names the time {m.group(0)}, which is not an "
                                       "opening or closing time of its department or queue "
                                       "category: hours come from the department's hours"))
            for m in _MONEY.finditer(value) if path.startswith(_FEE_PROSE) else ():
                amount = _amount(m.group(1), m.group(2))
                if amount is not None and amount not in fees | rates:
                    listed = ", ".join(f"{f} zł" for f in sorted(fees)) or "none"
                    out.append((where, f"names {m.group(0).strip()}, which is not one of its "
                                       f"fees ({listed}): add the fee to fees, or leave the "
                                       "amount out"))
    for d in p["documents"]:
        if d.get("kind") is None:
            out.append((f"documents[{d['position']}].kind",
                        "missing: say who gets it to the desk (bring, desk or if_applies)"))
    if p.get("payment_methods") is not None and not any(f["amount"] for f in p["fees"]):
        out.append(("payment_methods", "a free matter has nothing to pay: leave it out"))
    if p.get("online_url") and p.get("online_label") is None:
        out.append(("online_label", "missing: say what the online link opens (it is printed "
                                    "beside its QR code)"))
    out += translation_problems(_texts(p))
    return out


def translation_problems(texts: Iterator[tuple[str, LocalText]]) -> list[tuple[str, str]]:
    """A translation whose numbers differ from the Polish text (a fee, a deadline, a room)."""
    out = []
    for path, text in texts:
        want = sorted(_NUMBER.findall(text.pl))
        for lang in ("en", "uk"):
            value = getattr(text, lang)
            if value and sorted(_NUMBER.findall(value)) != want:
                out.append((f"{path}.{lang}",
                            f"its numbers ({', '.join(sorted(_NUMBER.findall(value))) or 'none'}"
                            f") differ from the Polish text's ({', '.join(want) or 'none'})"))
    return out


@dataclass(frozen=True)
class LintContext:
    """What the linter compares a record with: the ticket letters, the opening and closing
    times of each department and queue category, and the local rates' amounts."""

    letters: frozenset[str]
    dept_hours: dict[str, set[tuple[int, int]]]
    queue_hours: dict[str, set[tuple[int, int]]]
    rates: frozenset[Decimal]

    @classmethod
    def of(cls, departments: Iterable[dict], queue_categories: Iterable[dict],
           rates: Iterable[dict]) -> LintContext:
        queue_categories = list(queue_categories)
        return cls(frozenset(q["letter"] for q in queue_categories),
                   {d["code"]: _times(d.get("hours")) for d in departments},
                   {q["letter"]: _times(q.get("hours")) for q in queue_categories},
                   frozenset(r["amount"] for r in rates))


def record_problems(kind: str, parsed: dict, ctx: LintContext) -> list[tuple[str, str]]:
    """(field, message) for one parsed record: what the sync asks of each central record."""
    if kind == "procedure":
        hours = (ctx.dept_hours.get(parsed["department_code"], set())
                 | ctx.queue_hours.get(parsed.get("queue_letter") or "", set()))
        return procedure_problems(parsed, letters=set(ctx.letters), hours=hours,
                                  rates=ctx.rates)
    names = {"queue_category": ("prepare",), "announcement": ("title", "body"),
             "closure": ("reason",)}.get(kind, ())
    return translation_problems(iter([(n, parsed[n]) for n in names
                                      if isinstance(parsed.get(n), LocalText)]))


def lint_problems(b: Bundle) -> list[Finding]:
    """Every contradiction in the bundle, by record, so a sync can refuse just the records
    concerned."""
    ctx = LintContext.of(b.departments, b.queue_categories, b.rates)
    out: list[Finding] = []
    for p in b.procedures:
        file, record = p.get("_where") or ("procedures/", f"procedure {p['symbol']!r}")
        out += [Finding("procedure", p["symbol"], file, record, f, m)
                for f, m in record_problems("procedure", p, ctx)]
    for q in b.queue_categories:
        out += [Finding("queue_category", q["letter"], "queue_categories.yaml",
                        f"queue category {q['letter']!r}", f, m)
                for f, m in record_problems("queue_category", q, ctx)]
    for a in b.announcements:
        out += [Finding("announcement", a["code"], "announcements.yaml",
                        f"announcement {a['code']!r}", f, m)
                for f, m in record_problems("announcement", a, ctx)]
    for c in b.closures:
        out += [Finding("closure", c["code"], "closures.yaml", f"closure {c['code']!r}", f, m)
                for f, m in record_problems("closure", c, ctx)]
    return out
