"""Read and validate content in the human-editable YAML format (docs/content-format.md).

Pure: reads files, returns plain data, touches no database. Every problem names the file, the
record and the field, so a content editor can fix it without reading code.

Each kind of record is a pydantic model (`CategoryRecord` ... `SynonymRecord`, with parts such
as `Fee`, `Document`, `Place`, `Appeal`) that forbids unknown fields, so a misspelt key such as
`emial:` is refused instead of silently dropped. The field types are the values the kiosk uses
(LocalText, Decimal, dates, opening hours); each is checked by one of the small validators
below, which word their problems for content editors. `_problems` turns pydantic's error list
into ContentProblems: no pydantic wording reaches an editor. A valid model becomes the plain
dict the store and the sync take (`as_dict`), so the database side is unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, NoReturn, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainValidator,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from kiosk.closures import CLOSURE_KINDS
from kiosk.content.layout import (  # noqa: F401  (folder_checksum: format's public name)
    OPTIONAL_FILES,
    RECORD_KINDS,
    RecordKind,
    folder_checksum,
)
from kiosk.content.layout import kind_files as _kind_files
from kiosk.content.lint import lint_problems
from kiosk.content.problems import ContentError, ContentProblem
from kiosk.money import parse_amount
from kiosk.texts import LANGS, LocalText, clean_text

SUPPORTED_SCHEMA_VERSIONS = (1,)
# libyaml's loader when PyYAML has it: the same safe types, about ten times faster on a
# central export of thousands of procedures.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RATE_KINDS = ("property_tax", "waste_fee", "dog_fee", "market_fee", "other")

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_DEPT = re.compile(r"^[A-Z]{2,6}$")
_FORM = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
_LETTER = re.compile(r"^[A-Z]$")
_SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,29}$")
_URL = re.compile(r"^https?://[^\s]+$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")

# Field names an `unconfirmed:` list may name, per record type. Not simply the record's fields:
# a department may mark its `place` unconfirmed (room and floor together), for instance.
_DEPT_FIELDS = frozenset(["code", "name", "building", "entrance", "floor", "room", "phones",
                          "email", "hours", "scope", "place", "source_url"])
_RATE_FIELDS = frozenset(["amount", "percent", "unit", "year", "resolution", "name", "notes",
                          "kind"])
_QUEUE_FIELDS = frozenset(["letter", "name", "department", "hours", "daily_limit",
                           "cutoff_minutes", "priority", "booking_url", "prepare"])
_PROC_FIELDS = frozenset(["symbol", "category", "department", "queue_category", "title",
                          "summary", "who_may_apply", "steps", "documents", "fees",
                          "fee_exemptions", "payment_methods", "deadline", "deadline_days",
                          "place", "legal_basis", "appeal", "appeal_none", "notes",
                          "online_url", "valid_from", "source_url"])

_CLOSURE_FIELDS = frozenset(["code", "date", "until", "kind", "hours", "reason"])

_MISSING = "required field is missing"
Hours = list[tuple[int, dt.time, dt.time]]


@dataclass
class ContentBundle:
    """A whole validated revision: plain dicts ready for the store."""

    schema_version: int
    revision: str
    published: dt.date | None
    source: str
    checksum: str
    categories: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    queue_categories: list[dict] = field(default_factory=list)
    forms: list[dict] = field(default_factory=list)
    rates: list[dict] = field(default_factory=list)
    announcements: list[dict] = field(default_factory=list)
    procedures: list[dict] = field(default_factory=list)
    # synonyms.yaml (optional): everyday words for search, [{"words": [...], "means": [...]}]
    synonyms: list[dict] = field(default_factory=list)
    # closures.yaml (optional): days the office is closed or open shorter
    closures: list[dict] = field(default_factory=list)
    # elsewhere.yaml (optional): matters another institution handles, and where
    elsewhere: list[dict] = field(default_factory=list)


# --- field validators -------------------------------------------------------------------------
# Each returns a pydantic validator that takes the raw YAML value and returns the value the
# kiosk uses, or raises with the editor's wording. A problem inside a value (one language of a
# text, one day of the hours) carries its place below the field, so the message can say
# `title.pl` or `hours.mon`; one value may have several.

Loc = tuple[str | int, ...]


def _reject(*problems: tuple[Loc, str]) -> NoReturn:
    raise PydanticCustomError("content", "{message}",
                              {"message": problems[0][1], "problems": problems})


def _bad(message: str) -> NoReturn:
    _reject(((), message))


def _text(max_len: int, *, required: bool = True) -> PlainValidator:
    """A text residents read: a plain string (Polish) or a mapping of pl, en, uk."""

    def check(value: Any) -> LocalText | None:
        if value is None:
            if required:
                _bad(_MISSING)
            return None
        if isinstance(value, str):
            value = {"pl": value}
        if not isinstance(value, dict):
            _bad("must be a text or a mapping of languages (pl, en, uk)")
        unknown = [k for k in value if k not in LANGS]
        if unknown:
            _bad(f"unknown language {unknown[0]!r} (use pl, en, uk)")
        out: dict[str, str] = {}
        issues: list[tuple[Loc, str]] = []
        for lang in LANGS:
            part = value.get(lang)
            if part is None:
                continue
            if not isinstance(part, (str, int, float)) or isinstance(part, bool):
                issues.append(((lang,), "must be text"))
                continue
            cleaned = clean_text(str(part))
            if len(cleaned) > max_len:
                issues.append(((lang,), f"too long ({len(cleaned)} characters, at most {max_len})"))
            elif cleaned:
                out[lang] = cleaned
        if "pl" not in out and (required or out) and not any(loc == ("pl",) for loc, _ in issues):
            issues.append((("pl",), "the Polish text is required"))
        if issues:
            _reject(*issues)
        return LocalText(**out) if out else None

    return PlainValidator(check)


def _string(max_len: int = 200, *, required: bool = True, pattern: re.Pattern | None = None,
            hint: str = "", choices: tuple[str, ...] = ()) -> PlainValidator:
    """A code, a room, an address: one line of text, never translated."""

    def check(value: Any) -> str | None:
        if value is None:
            if required:
                _bad(_MISSING)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            _bad("must be text")
        value = clean_text(str(value))
        if len(value) > max_len:
            _bad(f"too long ({len(value)} characters, at most {max_len})")
        if pattern and not pattern.match(value):
            _bad(f"not valid: {value!r}{' (' + hint + ')' if hint else ''}")
        if not value and required:
            _bad("required field is empty")
        if choices and value not in choices:
            _bad(f"unknown kind {value!r} (use {', '.join(choices)})")
        return value or None

    return PlainValidator(check)


def _url(*, required: bool = False) -> PlainValidator:
    return _string(500, required=required, pattern=_URL,
                   hint="a web address starting with https://")


def _integer(low: int = 0, high: int = 100_000, *, required: bool = False) -> PlainValidator:
    def check(value: Any) -> int | None:
        if value is None:
            if required:
                _bad(_MISSING)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            _bad(f"must be a whole number, not {value!r}")
        if not low <= value <= high:
            _bad(f"must be between {low} and {high}, not {value}")
        return value

    return PlainValidator(check)


def _boolean(default: bool = False) -> PlainValidator:
    def check(value: Any) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            _bad("must be true or false")
        return value

    return PlainValidator(check)


def _date(*, required: bool = True) -> PlainValidator:
    def check(value: Any) -> dt.date | None:
        if value is None:
            if required:
                _bad(_MISSING)
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        if not isinstance(value, dt.date):
            _bad(f"not a date: {value!r} (write YYYY-MM-DD)")
        return value

    return PlainValidator(check)


def _amount() -> PlainValidator:
    """Money as an exact Decimal: YAML floats would turn 100.50 into 100.5 and worse."""

    def check(value: Any) -> Decimal:
        if value is None:
            _bad(_MISSING)
        try:
            return parse_amount(value)
        except ValueError as exc:
            _bad(str(exc))

    return PlainValidator(check)


def _list(value: Any, min_len: int = 0, max_len: int = 100) -> list:
    if value is None:
        if min_len:
            _bad(_MISSING)
        return []
    if not isinstance(value, list):
        _bad("must be a list")
    if len(value) > max_len:
        _bad(f"too many items ({len(value)}, at most {max_len})")
    if len(value) < min_len:
        _bad(f"needs at least {min_len} item(s)")
    return value


def _items(*, min_len: int = 0, max_len: int = 100) -> BeforeValidator:
    """The list itself; pydantic then validates each item with the item's own type."""
    return BeforeValidator(lambda value: _list(value, min_len, max_len))


def _strings(max_len: int = 300, *, min_items: int = 0, names: frozenset[str] = frozenset(),
             words: bool = False) -> PlainValidator:
    """A list of one-line texts. `names`: the field names an `unconfirmed:` list may hold;
    `words`: each item must have something search can match (synonyms)."""

    def check(value: Any) -> list[str]:
        listed = _list(value)
        out: list[str] = []
        issues: list[tuple[Loc, str]] = []
        for i, item in enumerate(listed):
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                issues.append(((i,), "must be text"))
            elif len(s := clean_text(str(item))) > max_len:
                issues.append(((i,), f"too long ({len(s)} characters, at most {max_len})"))
            elif s:
                out.append(s)
        if issues:
            _reject(*issues)
        if min_items and len(out) < min_items:
            _bad(_MISSING if value is None else f"needs at least {min_items} item(s)")
        issues += [((), f"names no field of this record: {name!r}")
                   for name in out if names and name not in names]
        if words:
            from kiosk.search.text import tokens

            issues += [((j,), f"has no letters or digits: {s!r}")
                       for j, s in enumerate(out) if not tokens(s)]
        if issues:
            _reject(*issues)
        return out

    return PlainValidator(check)


def _hours(*, absent: Hours | None) -> PlainValidator:
    """Weekly opening hours {mon: ['08:00-15:30'], ...} as (weekday, opens, closes)."""

    def check(value: Any) -> Hours | None:
        if value is None:
            return None if absent is None else list(absent)
        if not isinstance(value, dict):
            _bad("must map days (mon..sun) to lists like ['08:00-15:30']")
        out: Hours = []
        issues: list[tuple[Loc, str]] = []
        for day, spans in value.items():
            if day not in WEEKDAYS:
                issues.append(((str(day),), f"unknown day (use {', '.join(WEEKDAYS)})"))
                continue
            for span in spans if isinstance(spans, list) else [spans]:
                m = _HOURS.match(str(span).strip())
                try:
                    if m is None:
                        raise ValueError(span)
                    opens = dt.time(int(m[1]), int(m[2]))
                    closes = dt.time(int(m[3]), int(m[4]))
                except ValueError:
                    issues.append(((day,), f"not a time range: {span!r} (write 08:00-15:30)"))
                    continue
                if closes <= opens:
                    issues.append(((day,), f"closes before it opens: {span!r}"))
                    continue
                out.append((WEEKDAYS.index(day), opens, closes))
        if issues:
            _reject(*issues)
        return out

    return PlainValidator(check)


def _span() -> PlainValidator:
    """One time range, '08:00-12:00', as (opens, closes)."""

    def check(value: Any) -> tuple[dt.time, dt.time] | None:
        if value is None:
            return None
        m = _HOURS.match(str(value).strip()) if isinstance(value, str) else None
        try:
            if m is None:
                raise ValueError(value)
            opens, closes = dt.time(int(m[1]), int(m[2])), dt.time(int(m[3]), int(m[4]))
        except ValueError:
            _bad(f"not a time range: {value!r} (write 08:00-12:00)")
        if closes <= opens:
            _bad(f"closes before it opens: {value!r}")
        return opens, closes

    return PlainValidator(check)


def _empty_is_none(value: Any) -> Any:
    return None if value == {} else value


# --- the records --------------------------------------------------------------------------

class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Record(_Part):
    def as_dict(self, position: int) -> dict[str, Any]:
        """The record as the store and the sync take it."""
        raise NotImplementedError


class ContentMeta(_Part):
    """content.yaml."""

    schema_version: Annotated[int, _integer(1, 1000, required=True)]
    revision: Annotated[str, _string(80)]
    published: Annotated[dt.date | None, _date(required=False)] = None


class CategoryRecord(_Record):
    code: Annotated[str, _string(pattern=_CODE, hint="lowercase letters, digits and '-'")]
    order: Annotated[int, _integer(required=True)]
    icon: Annotated[str | None, _string(40, required=False)] = None
    name: Annotated[LocalText, _text(80)]
    description: Annotated[LocalText | None, _text(300, required=False)] = None
    unconfirmed: Annotated[list[str], _strings(60)] = []

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(code=self.code, position=self.order, icon=self.icon, name=self.name,
                    description=self.description, unconfirmed=self.unconfirmed)


class DepartmentRecord(_Record):
    code: Annotated[str, _string(pattern=_DEPT, hint="2 to 6 capital letters")]
    name: Annotated[LocalText, _text(120)]
    building: Annotated[str, _string(120)]
    entrance: Annotated[str | None, _string(20, required=False)] = None
    floor: Annotated[int | None, _integer(-2, 20)] = None
    room: Annotated[str | None, _string(20, required=False)] = None
    phones: Annotated[list[str], _strings(40)] = []
    email: Annotated[str | None, _string(120, required=False, pattern=_EMAIL,
                                         hint="an e-mail address")] = None
    hours: Annotated[Hours, _hours(absent=[])] = []
    scope: Annotated[LocalText, _text(2000)]
    source_url: Annotated[str | None, _url()] = None
    unconfirmed: Annotated[list[str], _strings(60, names=_DEPT_FIELDS)] = []

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(code=self.code, name=self.name, building=self.building,
                    entrance=self.entrance, floor=self.floor, room=self.room,
                    phones=self.phones, email=self.email, scope=self.scope,
                    source_url=self.source_url, hours=self.hours, unconfirmed=self.unconfirmed)


class QueueCategoryRecord(_Record):
    letter: Annotated[str, _string(pattern=_LETTER, hint="one capital letter")]
    name: Annotated[LocalText, _text(80)]
    department: Annotated[str, _string(pattern=_DEPT)]
    # Absent: the department's hours. Present but empty ({}): no tickets on any day.
    hours: Annotated[Hours | None, _hours(absent=None)] = None
    # Three digits on the ticket ("A012"): more than 999 a day would change its look.
    daily_limit: Annotated[int | None, _integer(1, 999)] = None
    cutoff_minutes: Annotated[int | None, _integer(0, 240)] = None
    priority: Annotated[bool, _boolean()] = False
    booking_url: Annotated[str | None, _url()] = None
    prepare: Annotated[LocalText | None, _text(300, required=False)] = None
    unconfirmed: Annotated[list[str], _strings(60, names=_QUEUE_FIELDS)] = []

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(letter=self.letter, name=self.name, department_code=self.department,
                    hours=self.hours, daily_limit=self.daily_limit,
                    cutoff_minutes=self.cutoff_minutes or 0, priority=self.priority,
                    booking_url=self.booking_url, prepare=self.prepare,
                    unconfirmed=self.unconfirmed)


class FormField(_Part):
    label: Annotated[LocalText, _text(200)]
    guide: Annotated[LocalText, _text(1000)]
    example: Annotated[str | None, _string(200, required=False)] = None


class FormRecord(_Record):
    code: Annotated[str, _string(pattern=_FORM, hint="capital letters, digits and '-'")]
    title: Annotated[LocalText, _text(200)]
    department: Annotated[str, _string(pattern=_DEPT)]
    description: Annotated[LocalText | None, _text(1000, required=False)] = None
    url: Annotated[str | None, _url()] = None
    fields: Annotated[list[FormField], _items(min_len=1)]
    unconfirmed: Annotated[list[str], _strings(60)] = []

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(code=self.code, title=self.title, department_code=self.department,
                    description=self.description, url=self.url,
                    fields=[dict(position=i, label=f.label, guide=f.guide, example=f.example)
                            for i, f in enumerate(self.fields)],
                    unconfirmed=self.unconfirmed)


class RateRecord(_Record):
    code: Annotated[str, _string(60, pattern=_CODE)]
    kind: Annotated[str, _string(20, choices=RATE_KINDS)]
    name: Annotated[LocalText, _text(200)]
    amount: Annotated[Decimal, _amount()]
    percent: Annotated[bool, _boolean()] = False
    unit: Annotated[LocalText, _text(120)]
    year: Annotated[int, _integer(2000, 2100, required=True)]
    resolution: Annotated[str | None, _string(300, required=False)] = None
    notes: Annotated[LocalText | None, _text(1000, required=False)] = None
    unconfirmed: Annotated[list[str], _strings(60, names=_RATE_FIELDS)] = []

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(code=self.code, kind=self.kind, position=position, name=self.name,
                    amount=self.amount, percent=self.percent, unit=self.unit, year=self.year,
                    resolution=self.resolution, notes=self.notes, unconfirmed=self.unconfirmed)


class AnnouncementRecord(_Record):
    code: Annotated[str, _string(60, pattern=_CODE)]
    title: Annotated[LocalText, _text(120)]
    body: Annotated[LocalText, _text(1000)]
    valid_from: Annotated[dt.date, _date()]
    valid_to: Annotated[dt.date | None, _date(required=False)] = None
    unconfirmed: Annotated[list[str], _strings(60)] = []

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> AnnouncementRecord:
        if self.valid_to and self.valid_to < self.valid_from:
            _reject((("valid_to",), "ends before it starts"))
        return self

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(code=self.code, position=position, title=self.title, body=self.body,
                    valid_from=self.valid_from, valid_to=self.valid_to,
                    unconfirmed=self.unconfirmed)


# How long one closure may last: a longer one is a typo in a year, not a closure.
MAX_CLOSURE_DAYS = 31


class ClosureRecord(_Record):
    """closures.yaml: a day (or days) the office is closed, or open shorter, whatever its
    weekly hours say. Public holidays need no record: the kiosk knows them."""

    code: Annotated[str, _string(60, pattern=_CODE, hint="lowercase letters, digits and '-'")]
    date: Annotated[dt.date, _date()]
    # The last day of a closure of several days (inclusive); absent: `date` alone.
    until: Annotated[dt.date | None, _date(required=False)] = None
    # closed: the whole day; shorter: open only within `hours` ('08:00-12:00').
    kind: Annotated[str, _string(12, choices=CLOSURE_KINDS)]
    hours: Annotated[tuple[dt.time, dt.time] | None, _span()] = None
    reason: Annotated[LocalText, _text(120)]
    unconfirmed: Annotated[list[str], _strings(60, names=_CLOSURE_FIELDS)] = []

    @model_validator(mode="after")
    def _consistent(self) -> ClosureRecord:
        if self.until is not None and self.until < self.date:
            _reject((("until",), "ends before it starts"))
        if self.until is not None and (self.until - self.date).days >= MAX_CLOSURE_DAYS:
            _reject((("until",), f"more than {MAX_CLOSURE_DAYS} days after date: "
                                 "check the year"))
        if self.kind == "shorter" and self.hours is None:
            _reject((("hours",), "required for kind shorter (write 08:00-12:00)"))
        if self.kind == "closed" and self.hours is not None:
            _reject((("hours",), "a closed day has no hours: leave hours out, or use kind "
                                 "shorter"))
        return self

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(code=self.code, position=position, first_day=self.date,
                    last_day=self.until or self.date, kind=self.kind,
                    opens=self.hours[0] if self.hours else None,
                    closes=self.hours[1] if self.hours else None, reason=self.reason,
                    unconfirmed=self.unconfirmed)


# Who gets a document to the desk. Only what the resident brings is ticked on the checklist
# and can be "missing"; a form the clerk fills in at the desk is shown, never asked for.
DOCUMENT_KINDS = ("bring", "desk", "if_applies")


class Document(_Part):
    name: Annotated[LocalText, _text(300)]
    form: Annotated[str | None, _string(required=False, pattern=_FORM)] = None
    # bring: the resident brings it; desk: prepared at the desk; if_applies: only some bring
    # it. Absent in content from before kinds: `optional` decides (the linter asks for one).
    kind: Annotated[str | None, _string(12, required=False, choices=DOCUMENT_KINDS)] = None
    optional: Annotated[bool, _boolean()] = False
    note: Annotated[LocalText | None, _text(500, required=False)] = None

    @model_validator(mode="after")
    def _kind_agrees_with_optional(self) -> Document:
        if self.optional and self.kind not in (None, "if_applies"):
            _reject((("optional",), f"contradicts kind {self.kind!r} (leave optional out)"))
        return self

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(position=position, name=self.name, form_code=self.form, kind=self.kind,
                    optional=self.optional or self.kind == "if_applies", note=self.note)


class Fee(_Part):
    name: Annotated[LocalText, _text(200)]
    amount: Annotated[Decimal, _amount()]
    legal_basis: Annotated[str | None, _string(300, required=False)] = None
    # Paid only in some cases (a power of attorney, an extra certificate); the name says
    # when. A matter whose every fee is conditional is listed as free.
    conditional: Annotated[bool, _boolean()] = False


class Place(_Part):
    building: Annotated[str, _string(120)]
    entrance: Annotated[str | None, _string(20, required=False)] = None
    floor: Annotated[int | None, _integer(-2, 20)] = None
    room: Annotated[str | None, _string(20, required=False)] = None
    desk: Annotated[str | None, _string(20, required=False)] = None


class Appeal(_Part):
    to: Annotated[LocalText, _text(300)]
    days: Annotated[int, _integer(1, 365, required=True)]
    how: Annotated[LocalText | None, _text(1000, required=False)] = None


class ProcedureRecord(_Record):
    symbol: Annotated[str, _string(30, pattern=_SYMBOL,
                                   hint="letters, digits, spaces, '-', '/', '.'")]
    category: Annotated[str, _string(pattern=_CODE)]
    department: Annotated[str, _string(pattern=_DEPT)]
    queue_category: Annotated[str | None, _string(required=False, pattern=_LETTER,
                                                  hint="one capital letter")] = None
    title: Annotated[LocalText, _text(200)]
    summary: Annotated[LocalText, _text(1000)]
    who_may_apply: Annotated[LocalText, _text(1000)]
    steps: Annotated[list[Annotated[LocalText, _text(1000)]], _items(min_len=1, max_len=30)]
    documents: Annotated[list[Document], _items(max_len=40)] = []
    fees: Annotated[list[Fee], _items(max_len=30)] = []
    fee_exemptions: Annotated[LocalText | None, _text(1000, required=False)] = None
    payment_methods: Annotated[LocalText | None, _text(1000, required=False)] = None
    deadline: Annotated[LocalText, _text(300)]
    deadline_days: Annotated[int | None, _integer(0, 3650)] = None
    place: Place
    legal_basis: Annotated[list[str], _strings(300)] = []
    # null (or {}) when there is no appeal; appeal_none then says why.
    appeal: Annotated[Appeal | None, BeforeValidator(_empty_is_none)] = None
    appeal_none: Annotated[LocalText | None, _text(1000, required=False)] = None
    notes: Annotated[LocalText | None, _text(2000, required=False)] = None
    online_url: Annotated[str | None, _url()] = None
    # What the card's QR code opens, in the resident's words ("Wniosek przez internet na
    # gov.pl"): printed beside the code, so the label never promises another page.
    online_label: Annotated[LocalText | None, _text(120, required=False)] = None
    valid_from: Annotated[dt.date, _date()]
    last_reviewed: Annotated[dt.date, _date()]
    source_url: Annotated[str, _url(required=True)]
    keywords: Annotated[list[str], _strings(60)] = []
    unconfirmed: Annotated[list[str], _strings(60, names=_PROC_FIELDS)] = []

    def as_dict(self, position: int) -> dict[str, Any]:
        p, a = self.place, self.appeal
        return dict(
            symbol=self.symbol, position=position, category_code=self.category,
            department_code=self.department, queue_letter=self.queue_category,
            title=self.title, summary=self.summary, who_may_apply=self.who_may_apply,
            steps=[dict(position=i, text=t) for i, t in enumerate(self.steps)],
            documents=[d.as_dict(i) for i, d in enumerate(self.documents)],
            fees=[dict(position=i, name=f.name, amount=f.amount, legal_basis=f.legal_basis,
                       conditional=f.conditional) for i, f in enumerate(self.fees)],
            fee_exemptions=self.fee_exemptions, payment_methods=self.payment_methods,
            deadline=self.deadline, deadline_days=self.deadline_days,
            place_building=p.building, place_entrance=p.entrance, place_floor=p.floor,
            place_room=p.room, place_desk=p.desk, legal_basis=self.legal_basis,
            appeal_to=a.to if a else None, appeal_days=a.days if a else None,
            appeal_how=a.how if a else None, appeal_none=self.appeal_none, notes=self.notes,
            online_url=self.online_url, online_label=self.online_label,
            valid_from=self.valid_from,
            last_reviewed=self.last_reviewed, source_url=self.source_url,
            keywords=self.keywords, unconfirmed=self.unconfirmed)


class SynonymRecord(_Record):
    """synonyms.yaml: everyday words or situations (`words`), and what they mean in the
    content's words (`means`), or the matters they lead to (`matters`: procedure symbols,
    codes of "not handled here" entries, rates, forms or departments), or both."""

    words: Annotated[list[str], _strings(60, min_items=1, words=True)]
    means: Annotated[list[str], _strings(100, words=True)] = []
    matters: Annotated[list[str], _strings(60)] = []

    @model_validator(mode="after")
    def _leads_somewhere(self) -> SynonymRecord:
        if not self.means and not self.matters:
            _reject((("means",), "required field is missing (or give matters)"))
        return self

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(position=position, words=self.words, means=self.means,
                    matters=self.matters)


_ELSEWHERE_FIELDS = frozenset(["code", "title", "summary", "handled_by", "address", "phones",
                               "hours", "url", "keywords"])


class ElsewhereRecord(_Record):
    """elsewhere.yaml: a matter residents bring to the City Hall that another institution
    handles (passports: the voivode's office), with who handles it and where in Piotrków."""

    code: Annotated[str, _string(60, pattern=_CODE, hint="lowercase letters, digits and '-'")]
    title: Annotated[LocalText, _text(120)]
    summary: Annotated[LocalText, _text(1000)]
    handled_by: Annotated[LocalText, _text(300)]
    address: Annotated[str | None, _string(200, required=False)] = None
    phones: Annotated[list[str], _strings(40)] = []
    hours: Annotated[LocalText | None, _text(300, required=False)] = None
    url: Annotated[str | None, _url()] = None
    keywords: Annotated[list[str], _strings(60, words=True)] = []
    unconfirmed: Annotated[list[str], _strings(60, names=_ELSEWHERE_FIELDS)] = []

    def as_dict(self, position: int) -> dict[str, Any]:
        return dict(code=self.code, position=position, title=self.title, summary=self.summary,
                    handled_by=self.handled_by, address=self.address, phones=self.phones,
                    hours=self.hours, url=self.url, keywords=self.keywords,
                    unconfirmed=self.unconfirmed)


# --- pydantic's errors in the editor's words ----------------------------------------------

# What a field that must be a mapping expects, where a bare "mapping of fields" says too little.
_MAPPING_HINTS = {"place": "must be a mapping with building, entrance, floor, room, desk",
                  "appeal": "must be a mapping with to, days and how, or null"}


def _field_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if found := _model_in(arg):
            return found
    return None


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names of the (nested) model at `loc`, for a did-you-mean."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, str):
            info = current.model_fields.get(part)
            current = _model_in(info.annotation) if info else None
    return list(current.model_fields) if current else []


def _messages(model: type[BaseModel], error: ErrorDetails) -> list[tuple[Loc, str]]:
    loc, kind = tuple(error["loc"]), error["type"]
    if kind == "content":
        return [(loc + sub, message) for sub, message in error["ctx"]["problems"]]
    if kind == "missing":
        return [(loc, _MISSING)]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _fields_at(model, loc[:-1]), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "see docs/content-format.md"
        return [(loc, f"unknown field ({hint})")]
    if kind in ("model_type", "model_attributes_type"):
        last = loc[-1] if loc else None
        return [(loc, _MAPPING_HINTS.get(last, "must be a mapping of fields")
                 if isinstance(last, str) else "must be a mapping of fields")]
    if kind == "invalid_key":
        return [(loc, "a field name must be text")]
    # Every field has a validator of ours, so this is unexpected; still say it plainly.
    return [(loc, f"not valid: {error.get('input')!r}"[:300])]


def _validate(model: type[_Part], data: Any, file: str, record: str
              ) -> tuple[Any, list[ContentProblem]]:
    """The model instance (None when invalid) and every problem of the record."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [ContentProblem(file, record, _field_path(loc), message)
                      for error in exc.errors() for loc, message in _messages(model, error)]


# --- record kinds ---------------------------------------------------------------------------

# RecordKind, RECORD_KINDS and OPTIONAL_FILES: kiosk/content/layout.py (a start reads the
# folder's checksum from there without this module's models).

RECORD_MODELS: dict[str, type[_Record]] = {
    "category": CategoryRecord, "department": DepartmentRecord,
    "queue_category": QueueCategoryRecord, "form": FormRecord, "rate": RateRecord,
    "announcement": AnnouncementRecord, "procedure": ProcedureRecord, "synonym": SynonymRecord,
    "closure": ClosureRecord, "elsewhere": ElsewhereRecord,
}


def synonym_key(data: Any) -> str:
    """A synonym entry has no code of its own: its first everyday word identifies it."""
    words = data.get("words") if isinstance(data, dict) else None
    first = words[0] if isinstance(words, list) and words else None
    return first.strip().lower() if isinstance(first, str) else ""


def record_key(kind: str, data: Any) -> str:
    """The identity of a record in the YAML format, as the central database keys it."""
    if kind == "synonym":
        return synonym_key(data)
    return str(data[RECORD_KINDS[kind].ident])


def _identity(kind: str, data: Any) -> str | None:
    """The record's identity as written, also when the record itself is invalid."""
    if kind == "synonym":
        return synonym_key(data) or None
    name = data.get(RECORD_KINDS[kind].ident) if isinstance(data, dict) else None
    if isinstance(name, bool) or not isinstance(name, (str, int)):
        return None
    return clean_text(str(name)) or None


def _label(kind: str, data: Any, position: int) -> str:
    spec = RECORD_KINDS[kind]
    if kind == "synonym":
        key = synonym_key(data)
        return f"synonym {key!r}" if key else f"synonym #{position + 1}"
    name = data.get(spec.ident) if isinstance(data, dict) else None
    return (f"{spec.label} {name!r}" if isinstance(name, (str, int))
            else f"{spec.label} #{position + 1}")


def _parse(kind: str, data: Any, file: str, label: str, position: int
           ) -> tuple[dict | None, list[ContentProblem]]:
    record, problems = _validate(RECORD_MODELS[kind], data, file, label)
    return (record.as_dict(position) if record is not None else None), problems


def read_record(kind: str, data: Any, *, file: str, position: int
                ) -> tuple[dict | None, list[ContentProblem]]:
    """Validate one record in the YAML format (as a dict) exactly as a file load would.

    Returns the parsed record (None when it has any problem) and its problems. References to
    other records are not checked here: see `reference_problems`."""
    return _parse(kind, data, file, _label(kind, data, position), position)


def reference_problems(b: ContentBundle, *, known: Mapping[str, Iterable[str]] | None = None
                       ) -> list[tuple[str, str, ContentProblem]]:
    """Records pointing at a category, department, queue category or form the bundle lacks,
    as (kind, identity, problem). `known`: identities per bundle list that exist although
    the bundle lacks them (records refused for problems of their own, already reported)."""
    known = known or {}
    cats = {c["code"] for c in b.categories} | set(known.get("categories", ()))
    depts = {d["code"] for d in b.departments} | set(known.get("departments", ()))
    letters = ({q["letter"] for q in b.queue_categories}
               | set(known.get("queue_categories", ())))
    forms = {f["code"] for f in b.forms} | set(known.get("forms", ()))
    out: list[tuple[str, str, ContentProblem]] = []
    for q in b.queue_categories:
        if q["department_code"] and q["department_code"] not in depts:
            out.append(("queue_category", q["letter"], ContentProblem(
                "queue_categories.yaml", f"queue category {q['letter']!r}", "department",
                f"unknown department {q['department_code']!r}")))
    for f in b.forms:
        if f["department_code"] and f["department_code"] not in depts:
            out.append(("form", f["code"], ContentProblem(
                "forms.yaml", f"form {f['code']!r}", "department",
                f"unknown department {f['department_code']!r}")))
    for p in b.procedures:
        file, record = p.get("_where") or ("procedures/", f"procedure {p['symbol']!r}")

        def bad(field_: str, msg: str, p: dict = p, file: str = file, record: str = record
                ) -> None:
            out.append(("procedure", p["symbol"], ContentProblem(file, record, field_, msg)))
        if p["category_code"] and p["category_code"] not in cats:
            bad("category", f"unknown category {p['category_code']!r}")
        if p["department_code"] and p["department_code"] not in depts:
            bad("department", f"unknown department {p['department_code']!r}")
        if p["queue_letter"] and p["queue_letter"] not in letters:
            bad("queue_category", f"unknown queue category {p['queue_letter']!r}")
        for d in p["documents"]:
            if d["form_code"] and d["form_code"] not in forms:
                bad(f"documents[{d['position']}].form", f"unknown form {d['form_code']!r}")
    return out


# --- files --------------------------------------------------------------------------------

class _StrictLoader(_YAML_LOADER):  # type: ignore[misc,valid-type]
    """YAML that remembers every key written twice in one mapping (plain YAML keeps the last
    one without a word, so an editor's second `fee:` would silently replace the first)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []  # (key, 0-based line)

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int)) and key in seen:
                self.duplicates.append((str(key), key_node.start_mark.line))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load_strict(text: str) -> tuple[Any, Any, list[tuple[str, int]]]:
    """The data, its node tree (for line numbers) and the duplicate keys found."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        return data, node, loader.duplicates
    finally:
        loader.dispose()


def _load_yaml(path: Path, spec: RecordKind, problems: list[ContentProblem], root: Path) -> list:
    rel, key = str(path.relative_to(root)), spec.key
    try:
        data, node, duplicates = _load_strict(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(ContentProblem(rel, "", "", "file is missing"))
        return []
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(ContentProblem(rel, "", "", f"not valid YAML: {exc}"))
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(ContentProblem(rel, "", key, f"the file must have a list under '{key}:'"))
        return []
    items: list = next((v.value for k, v in node.value if k.value == key), [])
    for name, line in duplicates:
        i = next((i for i, item in enumerate(items)
                  if item.start_mark.line <= line <= item.end_mark.line), None)
        record = _label(spec.kind, data[key][i], i) if i is not None else ""
        problems.append(ContentProblem(rel, record, name,
                                       f"written twice (line {line + 1}): keep one"))
    return data[key]


def _load_meta(root: Path, problems: list[ContentProblem]) -> Any:
    try:
        return yaml.load((root / "content.yaml").read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        problems.append(ContentProblem("content.yaml", "", "", "file is missing"))
    except yaml.YAMLError as exc:
        problems.append(ContentProblem("content.yaml", "", "", f"not valid YAML: {exc}"))
    return {}


def _read_meta(root: Path, problems: list[ContentProblem]) -> ContentMeta | None:
    raw = _load_meta(root, problems)
    meta, found = _validate(ContentMeta, raw, "content.yaml", "")
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    # A newer format may mean anything: refuse it alone, before its records produce noise.
    if (not any(p.field == "schema_version" for p in found) and isinstance(version, int)
            and version not in SUPPORTED_SCHEMA_VERSIONS):
        raise ContentError([ContentProblem(
            "content.yaml", "", "schema_version",
            f"version {version} is not supported by this kiosk "
            f"(supported: {', '.join(map(str, SUPPORTED_SCHEMA_VERSIONS))})")])
    problems.extend(found)
    return meta


@dataclass
class _Seen:
    """A record read from a file, valid or not: for the checks across records."""

    spec: RecordKind
    file: str
    label: str
    identity: str | None
    data: Any
    parsed: dict | None
    problems: list[ContentProblem]


def read_content(root: Path | str) -> ContentBundle:
    """Read and validate a whole content folder; raise ContentError listing every problem."""
    root = Path(root)
    problems: list[ContentProblem] = []
    if not root.is_dir():
        raise ContentError([ContentProblem(str(root), "", "", "content folder not found")])

    meta = _read_meta(root, problems)
    bundle = ContentBundle(
        schema_version=meta.schema_version if meta else 0,
        revision=meta.revision if meta else "",
        published=meta.published if meta else None,
        source=str(root),
        checksum="",
    )
    seen: list[_Seen] = []
    files: list[Path] = []
    for spec in RECORD_KINDS.values():
        kind_files = _kind_files(root, spec)
        if spec.kind == "procedure" and not kind_files:
            problems.append(ContentProblem("procedures/", "", "", "no procedure files (*.yaml)"))
        files += kind_files
        # Procedures are numbered across their files: one order for the whole list.
        numbered = 0
        for path in kind_files:
            rel = str(path.relative_to(root))
            for i, data in enumerate(_load_yaml(path, spec, problems, root)):
                label = _label(spec.kind, data, i)
                parsed, found = _parse(spec.kind, data, rel, label,
                                       numbered if spec.kind == "procedure" else i)
                numbered += 1
                problems += found
                seen.append(_Seen(spec, rel, label, _identity(spec.kind, data), data, parsed,
                                  found))
                if parsed is not None:
                    getattr(bundle, spec.bundle).append(parsed)

    problems += _cross_record_problems(bundle, seen)
    if problems:
        raise ContentError(problems)
    bundle.checksum = folder_checksum(root)
    return bundle


def _cross_record_problems(b: ContentBundle, seen: list[_Seen]) -> list[ContentProblem]:
    """Identities used twice, and references to records that do not exist. A record refused
    for a problem of its own still counts as existing: its problem is already reported, and
    every record pointing at it would only repeat it."""
    problems: list[ContentProblem] = []
    used: set[tuple[str, str]] = set()
    for s in seen:
        if s.identity is None:
            continue
        if (s.spec.kind, s.identity) in used:
            # A synonym record is keyed by its first word (synonym_key): two records starting
            # alike would be one in the central database, and one of them lost in a sync.
            why = (f"another synonym record starts with {s.identity!r} too: merge the two"
                   if s.spec.kind == "synonym" else "used twice")
            problems.append(ContentProblem(s.file, s.label, s.spec.ident, why))
        used.add((s.spec.kind, s.identity))
    known: dict[str, set[str]] = {}
    exists: dict[str, set[str]] = {}
    for s in seen:
        if s.identity is not None:
            exists.setdefault(s.spec.bundle, set()).add(s.identity)
            if s.parsed is None:
                known.setdefault(s.spec.bundle, set()).add(s.identity)
    where = {id(s.parsed): (s.file, s.label) for s in seen if s.spec.kind == "procedure"}
    for p in b.procedures:
        p["_where"] = where[id(p)]
    try:
        problems += [problem for _, _, problem in reference_problems(b, known=known)]
        problems += [ContentProblem(*f[2:]) for f in lint_problems(b)]
    finally:
        for p in b.procedures:
            p.pop("_where", None)
    for s in seen:
        if s.parsed is None:
            problems += _dangling_in_invalid(s, exists)
    problems += _situation_problems(b, seen)
    return problems


def _situation_problems(b: ContentBundle, seen: list[_Seen]) -> list[ContentProblem]:
    """A situation in synonyms.yaml must name matters that exist: a procedure symbol, or the
    code of a "not handled here" entry, a rate, a form or a department."""
    refs = ({p["symbol"] for p in b.procedures} | {e["code"] for e in b.elsewhere}
            | {r["code"] for r in b.rates} | {f["code"] for f in b.forms}
            | {d["code"] for d in b.departments})
    refs |= {s.identity for s in seen if s.identity is not None and s.spec.kind in
             ("procedure", "elsewhere", "rate", "form", "department")}
    out: list[ContentProblem] = []
    for s in seen:
        if s.spec.kind != "synonym" or s.parsed is None:
            continue
        for i, ref in enumerate(s.parsed.get("matters", ())):
            if ref not in refs:
                close = difflib.get_close_matches(ref, sorted(refs), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                out.append(ContentProblem(s.file, s.label, f"matters[{i}]",
                                          f"names no procedure or entry: {ref!r}{hint}"))
    return out


# Where records point, in the YAML: kind -> (field, bundle list it names, what that is called).
_REFERENCES = {
    "queue_category": (("department", "departments", "department"),),
    "form": (("department", "departments", "department"),),
    "procedure": (("category", "categories", "category"),
                  ("department", "departments", "department"),
                  ("queue_category", "queue_categories", "queue category")),
}


def _dangling_in_invalid(s: _Seen, exists: Mapping[str, set[str]]) -> list[ContentProblem]:
    """What `reference_problems` finds in a valid record, read from an invalid one as written,
    so that a load lists these problems together with the record's own."""
    data = s.data
    if not isinstance(data, dict):
        return []
    refs = [(name, data.get(name), target, what)
            for name, target, what in _REFERENCES.get(s.spec.kind, ())]
    documents = data.get("documents") if s.spec.kind == "procedure" else None
    if isinstance(documents, list):
        refs += [(f"documents[{i}].form", d.get("form"), "forms", "form")
                 for i, d in enumerate(documents) if isinstance(d, dict)]
    reported = {p.field for p in s.problems}
    return [ContentProblem(s.file, s.label, name, f"unknown {what} {value!r}")
            for name, value, target, what in refs
            if isinstance(value, str) and name not in reported and clean_text(value)
            and clean_text(value) not in exists.get(target, ())]


def raw_records(root: Path | str) -> tuple[dict, list[tuple[str, str | None, int, Any]]]:
    """The folder's records as written, unparsed: content.yaml's mapping and, per record,
    (kind, procedure file stem or None, position in its file, data). For tools that store
    records as editors wrote them (the central database); validate with read_content first."""
    root = Path(root)
    problems: list[ContentProblem] = []
    meta = _load_meta(root, problems) or {}
    out: list[tuple[str, str | None, int, Any]] = []
    for spec in RECORD_KINDS.values():
        for path in _kind_files(root, spec):
            stem = path.stem if spec.kind == "procedure" else None
            for i, data in enumerate(_load_yaml(path, spec, problems, root)):
                out.append((spec.kind, stem, i, data))
    if problems:
        raise ContentError(problems)
    return meta if isinstance(meta, dict) else {}, out

