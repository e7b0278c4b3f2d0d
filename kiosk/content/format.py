"""Read and validate content in the human-editable YAML format (docs/content-format.md).

Pure: reads files, returns plain data, touches no database. Every problem names the file, the
record and the field, so a content editor can fix it without reading code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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
_SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,29}$")
_URL = re.compile(r"^https?://[^\s]+$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")

# Field names an `unconfirmed:` list may name, per record type.
_DEPT_FIELDS = frozenset(["code", "name", "building", "entrance", "floor", "room", "phones", "email", "hours", "scope", "place", "source_url"])
_RATE_FIELDS = frozenset(["amount", "percent", "unit", "year", "resolution", "name", "notes", "kind"])
_QUEUE_FIELDS = frozenset(["letter", "name", "department", "hours", "daily_limit", "cutoff_minutes", "priority", "booking_url", "prepare"])
_PROC_FIELDS = frozenset(["symbol", "category", "department", "queue_category", "title", "summary", "who_may_apply", "steps", "documents", "fees", "fee_exemptions", "payment_methods", "deadline", "deadline_days", "place", "legal_basis", "appeal", "appeal_none", "notes", "online_url", "valid_from", "source_url"])


@dataclass(frozen=True)
class ContentProblem:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}" if self.record else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentError(ValueError):
    """Content that cannot be loaded; `problems` lists each one."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = problems
        head = f"{len(problems)} problem(s) in the content:"
        super().__init__("\n".join([head, *("  " + str(p) for p in problems[:50])]))


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


class _Reader:
    """Reads fields of one record and collects problems instead of stopping at the first."""

    def __init__(self, problems: list[ContentProblem], file: str, record: str, data: Any):
        self.problems, self.file, self.record = problems, file, record
        self.ok = isinstance(data, dict)
        self.data = data if self.ok else {}
        if not self.ok:
            self.fail("", "must be a mapping of fields")

    def fail(self, key: str, message: str) -> None:
        self.problems.append(ContentProblem(self.file, self.record, key, message))
        self.ok = False

    def _raw(self, key: str, required: bool):
        node = self.data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None and required:
            self.fail(key, "required field is missing")
        return node

    def text(self, key: str, *, required: bool = True, max_len: int = 1000,
             raw: Any = ..., label: str | None = None) -> LocalText | None:
        value = self._raw(key, required) if raw is ... else raw
        label = label or key
        if value is None:
            if required and raw is not ...:
                self.fail(label, "required field is missing")
            return None
        if isinstance(value, str):
            value = {"pl": value}
        if not isinstance(value, dict):
            self.fail(label, "must be a text or a mapping of languages (pl, en, uk)")
            return None
        unknown = [k for k in value if k not in LANGS]
        if unknown:
            self.fail(label, f"unknown language {unknown[0]!r} (use pl, en, uk)")
            return None
        out = {}
        for lang in LANGS:
            part = value.get(lang)
            if part is None:
                continue
            if not isinstance(part, (str, int, float)) or isinstance(part, bool):
                self.fail(f"{label}.{lang}", "must be text")
                continue
            cleaned = clean_text(str(part))
            if len(cleaned) > max_len:
                self.fail(f"{label}.{lang}",
                          f"too long ({len(cleaned)} characters, at most {max_len})")
                continue
            if cleaned:
                out[lang] = cleaned
        if "pl" not in out:
            if required or out:
                self.fail(f"{label}.pl", "the Polish text is required")
            return None
        return LocalText(**out)

    def string(self, key: str, *, required: bool = True, max_len: int = 200,
               pattern: re.Pattern | None = None, hint: str = "") -> str | None:
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.fail(key, "must be text")
            return None
        value = clean_text(str(value))
        if len(value) > max_len:
            self.fail(key, f"too long ({len(value)} characters, at most {max_len})")
            return None
        if pattern and not pattern.match(value):
            self.fail(key, f"not valid: {value!r}{' (' + hint + ')' if hint else ''}")
            return None
        if not value and required:
            self.fail(key, "required field is empty")
            return None
        return value or None

    def url(self, key: str, *, required: bool = False) -> str | None:
        return self.string(key, required=required, max_len=500, pattern=_URL,
                           hint="a web address starting with https://")

    def integer(self, key: str, *, required: bool = False, low: int = 0,
                high: int = 100_000) -> int | None:
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be a whole number, not {value!r}")
            return None
        if not low <= value <= high:
            self.fail(key, f"must be between {low} and {high}, not {value}")
            return None
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self._raw(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
            return default
        return value

    def date(self, key: str, *, required: bool = True) -> dt.date | None:
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, dt.date):
            self.fail(key, f"not a date: {value!r} (write YYYY-MM-DD)")
            return None
        return value

    def amount(self, key: str, raw: Any = ...):
        value = self._raw(key, True) if raw is ... else raw
        if value is None:
            if raw is not ...:
                self.fail(key, "required field is missing")
            return None
        try:
            return parse_amount(value)
        except ValueError as exc:
            self.fail(key, str(exc))
            return None

    def items(self, key: str, *, required: bool = False, min_len: int = 0,
              max_len: int = 100) -> list:
        value = self._raw(key, required and min_len > 0)
        if value is None:
            value = []
        if not isinstance(value, list):
            self.fail(key, "must be a list")
            return []
        if len(value) < min_len:
            self.fail(key, f"needs at least {min_len} item(s)")
        if len(value) > max_len:
            self.fail(key, f"too many items ({len(value)}, at most {max_len})")
            return []
        return value

    def strings(self, key: str, *, max_len: int = 300) -> list[str]:
        out = []
        for i, item in enumerate(self.items(key)):
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                self.fail(f"{key}[{i}]", "must be text")
            elif len(s := clean_text(str(item))) > max_len:
                self.fail(f"{key}[{i}]", f"too long ({len(s)} characters, at most {max_len})")
            elif s:
                out.append(s)
        return out

    def unconfirmed(self, known: frozenset[str] = frozenset()) -> list[str]:
        names = self.strings("unconfirmed", max_len=60)
        for name in names:
            if known and name not in known:
                self.fail("unconfirmed", f"names no field of this record: {name!r}")
        return names


def _hours(r: _Reader) -> list[tuple[int, dt.time, dt.time]]:
    raw = r._raw("hours", False) or {}
    if not isinstance(raw, dict):
        r.fail("hours", "must map days (mon..sun) to lists like ['08:00-15:30']")
        return []
    out = []
    for day, spans in raw.items():
        if day not in WEEKDAYS:
            r.fail(f"hours.{day}", f"unknown day (use {', '.join(WEEKDAYS)})")
            continue
        for span in spans if isinstance(spans, list) else [spans]:
            m = _HOURS.match(str(span).strip())
            try:
                opens = dt.time(int(m[1]), int(m[2]))
                closes = dt.time(int(m[3]), int(m[4]))
            except (TypeError, ValueError):
                r.fail(f"hours.{day}", f"not a time range: {span!r} (write 08:00-15:30)")
                continue
            if closes <= opens:
                r.fail(f"hours.{day}", f"closes before it opens: {span!r}")
                continue
            out.append((WEEKDAYS.index(day), opens, closes))
    return out


# --- one record of each kind (a file load and the central sync validate the same way) -------

def _category(r: _Reader, position: int) -> dict:
    return dict(
        code=r.string("code", pattern=_CODE, hint="lowercase letters, digits and '-'"),
        position=r.integer("order", required=True),
        icon=r.string("icon", required=False, max_len=40),
        name=r.text("name", max_len=80),
        description=r.text("description", required=False, max_len=300),
        unconfirmed=r.unconfirmed(),
    )


def _department(r: _Reader, position: int) -> dict:
    return dict(
        code=r.string("code", pattern=_DEPT, hint="2 to 6 capital letters"),
        name=r.text("name", max_len=120),
        building=r.string("building", max_len=120),
        entrance=r.string("entrance", required=False, max_len=20),
        floor=r.integer("floor", low=-2, high=20),
        room=r.string("room", required=False, max_len=20),
        phones=r.strings("phones", max_len=40),
        email=r.string("email", required=False, max_len=120, pattern=_EMAIL,
                       hint="an e-mail address"),
        scope=r.text("scope", max_len=2000),
        source_url=r.url("source_url"),
        hours=_hours(r),
        unconfirmed=r.unconfirmed(_DEPT_FIELDS),
    )


def _queue_category(r: _Reader, position: int) -> dict:
    return dict(
        letter=r.string("letter", pattern=re.compile(r"^[A-Z]$"), hint="one capital letter"),
        name=r.text("name", max_len=80),
        department_code=r.string("department", pattern=_DEPT),
        # Absent: the department's hours. Present but empty ({}): no tickets on any day.
        hours=None if r._raw("hours", False) is None else _hours(r),
        # Three digits on the ticket ("A012"): more than 999 a day would change its look.
        daily_limit=r.integer("daily_limit", low=1, high=999),
        cutoff_minutes=r.integer("cutoff_minutes", low=0, high=240) or 0,
        priority=r.boolean("priority"),
        booking_url=r.url("booking_url"),
        prepare=r.text("prepare", required=False, max_len=300),
        unconfirmed=r.unconfirmed(_QUEUE_FIELDS),
    )


def _form(r: _Reader, position: int) -> dict:
    fields_ = []
    for i, f in enumerate(r.items("fields", required=True, min_len=1)):
        fr = _Reader(r.problems, r.file, r.record, f)
        if fr.ok:
            fields_.append(dict(
                position=i,
                label=fr.text("label", max_len=200, raw=f.get("label"), label=f"fields[{i}].label"),
                guide=fr.text("guide", max_len=1000, raw=f.get("guide"), label=f"fields[{i}].guide"),
                example=fr.string("example", required=False, max_len=200),
            ))
        else:
            r.ok = False
    return dict(
        code=r.string("code", pattern=_FORM, hint="capital letters, digits and '-'"),
        title=r.text("title", max_len=200),
        department_code=r.string("department", pattern=_DEPT),
        description=r.text("description", required=False, max_len=1000),
        url=r.url("url"),
        fields=fields_,
        unconfirmed=r.unconfirmed(),
    )


def _rate(r: _Reader, position: int) -> dict:
    kind = r.string("kind", max_len=20)
    if kind is not None and kind not in RATE_KINDS:
        r.fail("kind", f"unknown kind {kind!r} (use {', '.join(RATE_KINDS)})")
    return dict(
        code=r.string("code", pattern=_CODE, max_len=60), kind=kind, position=position,
        name=r.text("name", max_len=200),
        amount=r.amount("amount"),
        percent=r.boolean("percent"),
        unit=r.text("unit", max_len=120),
        year=r.integer("year", required=True, low=2000, high=2100),
        resolution=r.string("resolution", required=False, max_len=300),
        notes=r.text("notes", required=False, max_len=1000),
        unconfirmed=r.unconfirmed(_RATE_FIELDS),
    )


def _announcement(r: _Reader, position: int) -> dict:
    item = dict(
        code=r.string("code", pattern=_CODE, max_len=60), position=position,
        title=r.text("title", max_len=120), body=r.text("body", max_len=1000),
        valid_from=r.date("valid_from"), valid_to=r.date("valid_to", required=False),
        unconfirmed=r.unconfirmed(),
    )
    if item["valid_from"] and item["valid_to"] and item["valid_to"] < item["valid_from"]:
        r.fail("valid_to", "ends before it starts")
    return item


@dataclass(frozen=True)
class RecordKind:
    """One kind of content record: where it lives in the folder and what identifies it."""

    kind: str
    file: str  # "procedures/" for the procedure files, one per category
    key: str  # the YAML list under which the records sit
    ident: str  # the identifying field in the YAML record
    field: str  # the same identity in the parsed dict
    label: str  # how problems name a record
    bundle: str  # the ContentBundle list


# In dependency order: a record only points at kinds listed before it.
RECORD_KINDS: dict[str, RecordKind] = {k.kind: k for k in (
    RecordKind("category", "categories.yaml", "categories", "code", "code", "category",
               "categories"),
    RecordKind("department", "departments.yaml", "departments", "code", "code", "department",
               "departments"),
    RecordKind("queue_category", "queue_categories.yaml", "queue_categories", "letter",
               "letter", "queue category", "queue_categories"),
    RecordKind("form", "forms.yaml", "forms", "code", "code", "form", "forms"),
    RecordKind("rate", "rates.yaml", "rates", "code", "code", "rate", "rates"),
    RecordKind("announcement", "announcements.yaml", "announcements", "code", "code",
               "announcement", "announcements"),
    RecordKind("procedure", "procedures/", "procedures", "symbol", "symbol", "procedure",
               "procedures"),
    # Everyday words for search (optional file); identified by their first word.
    RecordKind("synonym", "synonyms.yaml", "synonyms", "words", "words", "synonym",
               "synonyms"),
)}
OPTIONAL_FILES = frozenset({"synonyms.yaml"})


def record_key(kind: str, data: Any) -> str:
    """The identity of a record in the YAML format, as the central database keys it."""
    if kind == "synonym":
        return synonym_key(data)
    return str(data[RECORD_KINDS[kind].ident])

_PARSERS = {"category": _category, "department": _department,
            "queue_category": _queue_category, "form": _form, "rate": _rate,
            "announcement": _announcement, "procedure": None}


def read_record(kind: str, data: Any, *, file: str, position: int
                ) -> tuple[dict | None, list[ContentProblem]]:
    """Validate one record in the YAML format (as a dict) exactly as a file load would.

    Returns the parsed record (None when it has any problem) and its problems. References to
    other records are not checked here: see `reference_problems`."""
    spec = RECORD_KINDS[kind]
    name = data.get(spec.ident) if isinstance(data, dict) else None
    if kind == "synonym":
        label = _synonym_label(data, position)
    else:
        label = (f"{spec.label} {name!r}" if isinstance(name, (str, int))
                 else f"{spec.label} #{position + 1}")
    problems: list[ContentProblem] = []
    r = _Reader(problems, file, label, data)
    parsed = _procedure(r, position) if kind == "procedure" else _PARSERS[kind](r, position)
    parsed.pop("_where", None)
    return (None if problems else parsed), problems


def reference_problems(b: ContentBundle) -> list[tuple[str, str, ContentProblem]]:
    """Records pointing at a category, department, queue category or form the bundle lacks,
    as (kind, identity, problem)."""
    cats = {c["code"] for c in b.categories}
    depts = {d["code"] for d in b.departments}
    letters = {q["letter"] for q in b.queue_categories}
    forms = {f["code"] for f in b.forms}
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

        def bad(field_, msg):
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


def _load_yaml(path: Path, key: str, problems: list[ContentProblem], root: Path) -> list:
    rel = str(path.relative_to(root))
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        problems.append(ContentProblem(rel, "", "", "file is missing"))
        return []
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(ContentProblem(rel, "", "", f"not valid YAML: {exc}"))
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(ContentProblem(rel, "", key, f"the file must have a list under '{key}:'"))
        return []
    return data[key]


def _records(path: Path, key: str, kind: str, ident: str, problems, root):
    """Yield a reader per record, named by its identifying field for error messages."""
    rel = str(path.relative_to(root))
    for i, data in enumerate(_load_yaml(path, key, problems, root)):
        name = data.get(ident) if isinstance(data, dict) else None
        label = f"{kind} {name!r}" if isinstance(name, (str, int)) else f"{kind} #{i + 1}"
        yield _Reader(problems, rel, label, data)


def _checksum(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_content(root: Path | str) -> ContentBundle:
    """Read and validate a whole content folder; raise ContentError listing every problem."""
    root = Path(root)
    problems: list[ContentProblem] = []
    if not root.is_dir():
        raise ContentError([ContentProblem(str(root), "", "", "content folder not found")])

    head = _Reader(problems, "content.yaml", "", _load_meta(root, problems))
    version = head.integer("schema_version", required=True, low=1, high=1000)
    if version is not None and version not in SUPPORTED_SCHEMA_VERSIONS:
        raise ContentError([ContentProblem(
            "content.yaml", "", "schema_version",
            f"version {version} is not supported by this kiosk "
            f"(supported: {', '.join(map(str, SUPPORTED_SCHEMA_VERSIONS))})")])
    bundle = ContentBundle(
        schema_version=version or 0,
        revision=head.string("revision", max_len=80) or "",
        published=head.date("published", required=False),
        source=str(root),
        checksum="",
    )

    for i, r in enumerate(_records(root / "categories.yaml", "categories", "category", "code",
                                   problems, root)):
        bundle.categories.append(_category(r, i))
    for i, r in enumerate(_records(root / "departments.yaml", "departments", "department",
                                   "code", problems, root)):
        bundle.departments.append(_department(r, i))
    for i, r in enumerate(_records(root / "queue_categories.yaml", "queue_categories",
                                   "queue category", "letter", problems, root)):
        bundle.queue_categories.append(_queue_category(r, i))
    for i, r in enumerate(_records(root / "forms.yaml", "forms", "form", "code", problems, root)):
        bundle.forms.append(_form(r, i))
    for i, r in enumerate(_records(root / "rates.yaml", "rates", "rate", "code", problems, root)):
        bundle.rates.append(_rate(r, i))
    for i, r in enumerate(_records(root / "announcements.yaml", "announcements", "announcement",
                                   "code", problems, root)):
        bundle.announcements.append(_announcement(r, i))

    synonyms_file = root / "synonyms.yaml"
    if synonyms_file.exists():
        bundle.synonyms = _synonyms(synonyms_file, problems, root)

    proc_files = sorted((root / "procedures").glob("*.yaml"))
    if not proc_files:
        problems.append(ContentProblem("procedures/", "", "", "no procedure files (*.yaml)"))
    for path in proc_files:
        for r in _records(path, "procedures", "procedure", "symbol", problems, root):
            bundle.procedures.append(_procedure(r, len(bundle.procedures)))

    _check_references(bundle, problems)
    if problems:
        raise ContentError(problems)
    meta_files = [root / n for n in ("content.yaml", "categories.yaml", "departments.yaml",
                                     "queue_categories.yaml", "forms.yaml", "rates.yaml",
                                     "announcements.yaml")]
    if synonyms_file.exists():
        meta_files.append(synonyms_file)
    bundle.checksum = _checksum(root, meta_files + proc_files)
    return bundle


def _synonym(r: _Reader, position: int) -> dict:
    from kiosk.search.text import tokens

    entry = dict(position=position, words=r.strings("words", max_len=60),
                 means=r.strings("means", max_len=100))
    for key in ("words", "means"):
        if not entry[key] and r._raw(key, False) is None:
            r.fail(key, "required field is missing")
        elif not entry[key]:
            r.fail(key, "needs at least 1 item(s)")
        for j, text in enumerate(entry[key]):
            if not tokens(text):
                r.fail(f"{key}[{j}]", f"has no letters or digits: {text!r}")
    return entry


_PARSERS["synonym"] = _synonym


def synonym_key(data: Any) -> str:
    """A synonym entry has no code of its own: its first everyday word identifies it."""
    words = data.get("words") if isinstance(data, dict) else None
    first = words[0] if isinstance(words, list) and words else None
    return first.strip().lower() if isinstance(first, str) else ""


def _synonym_label(data: Any, i: int) -> str:
    key = synonym_key(data)
    return f"synonym {key!r}" if key else f"synonym #{i + 1}"


def _synonyms(path: Path, problems: list[ContentProblem], root: Path) -> list[dict]:
    out = []
    for i, data in enumerate(_load_yaml(path, "synonyms", problems, root)):
        r = _Reader(problems, str(path.relative_to(root)), _synonym_label(data, i), data)
        out.append(_synonym(r, i))
    return out


def _load_meta(root: Path, problems: list[ContentProblem]):
    try:
        return yaml.load((root / "content.yaml").read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        problems.append(ContentProblem("content.yaml", "", "", "file is missing"))
    except yaml.YAMLError as exc:
        problems.append(ContentProblem("content.yaml", "", "", f"not valid YAML: {exc}"))
    return {}


def _procedure(r: _Reader, position: int) -> dict:
    steps = [r.text("", raw=s, max_len=1000, label=f"steps[{i}]")
             for i, s in enumerate(r.items("steps", required=True, min_len=1, max_len=30))]
    documents = []
    for i, d in enumerate(r.items("documents", max_len=40)):
        dr = _Reader(r.problems, r.file, r.record, d)
        if not dr.ok:
            r.ok = False
            continue
        documents.append(dict(
            position=i,
            name=dr.text("", raw=d.get("name"), max_len=300, label=f"documents[{i}].name"),
            form_code=dr.string("form", required=False, pattern=_FORM),
            optional=dr.boolean("optional"),
            note=dr.text("", raw=d.get("note"), required=False, max_len=500,
                         label=f"documents[{i}].note"),
        ))
    fees = []
    for i, f in enumerate(r.items("fees", max_len=30)):
        fr = _Reader(r.problems, r.file, r.record, f)
        if not fr.ok:
            r.ok = False
            continue
        fees.append(dict(
            position=i,
            name=fr.text("", raw=f.get("name"), max_len=200, label=f"fees[{i}].name"),
            amount=fr.amount(f"fees[{i}].amount", raw=f.get("amount")),
            legal_basis=fr.string("legal_basis", required=False, max_len=300),
        ))
    appeal = r._raw("appeal", False)
    if appeal is not None and not isinstance(appeal, dict):
        r.fail("appeal", "must be a mapping with to, days and how, or null")
        appeal = None
    place = r._raw("place", True)
    if place is not None and not isinstance(place, dict):
        r.fail("place", "must be a mapping with building, entrance, floor, room, desk")
    return dict(
        symbol=r.string("symbol", max_len=30, pattern=_SYMBOL,
                        hint="letters, digits, spaces, '-', '/', '.'"),
        position=position,
        category_code=r.string("category", pattern=_CODE),
        department_code=r.string("department", pattern=_DEPT),
        queue_letter=r.string("queue_category", required=False,
                              pattern=re.compile(r"^[A-Z]$"), hint="one capital letter"),
        title=r.text("title", max_len=200),
        summary=r.text("summary", max_len=1000),
        who_may_apply=r.text("who_may_apply", max_len=1000),
        steps=[dict(position=i, text=t) for i, t in enumerate(steps)],
        documents=documents,
        fees=fees,
        fee_exemptions=r.text("fee_exemptions", required=False, max_len=1000),
        payment_methods=r.text("payment_methods", required=False, max_len=1000),
        deadline=r.text("deadline", max_len=300),
        deadline_days=r.integer("deadline_days", low=0, high=3650),
        place_building=r.string("place.building", max_len=120),
        place_entrance=r.string("place.entrance", required=False, max_len=20),
        place_floor=r.integer("place.floor", low=-2, high=20),
        place_room=r.string("place.room", required=False, max_len=20),
        place_desk=r.string("place.desk", required=False, max_len=20),
        legal_basis=r.strings("legal_basis", max_len=300),
        appeal_to=r.text("appeal.to", max_len=300) if appeal else None,
        appeal_days=r.integer("appeal.days", required=True, low=1, high=365) if appeal else None,
        appeal_how=r.text("appeal.how", required=False, max_len=1000) if appeal else None,
        appeal_none=r.text("appeal_none", required=False, max_len=1000),
        notes=r.text("notes", required=False, max_len=2000),
        online_url=r.url("online_url"),
        valid_from=r.date("valid_from"),
        last_reviewed=r.date("last_reviewed"),
        source_url=r.url("source_url", required=True),
        keywords=r.strings("keywords", max_len=60),
        unconfirmed=r.unconfirmed(_PROC_FIELDS),
        _where=(r.file, r.record),
    )


def _check_references(b: ContentBundle, problems: list[ContentProblem]) -> None:
    def unique(items, key, file, kind):
        seen = set()
        for item in items:
            value = item.get(key)
            if value is not None and value in seen:
                problems.append(ContentProblem(file, f"{kind} {value!r}", key, "used twice"))
            seen.add(value)
        return seen

    unique(b.categories, "code", "categories.yaml", "category")
    unique(b.departments, "code", "departments.yaml", "department")
    unique(b.queue_categories, "letter", "queue_categories.yaml", "queue category")
    unique(b.forms, "code", "forms.yaml", "form")
    unique(b.rates, "code", "rates.yaml", "rate")
    unique(b.announcements, "code", "announcements.yaml", "announcement")
    symbols: set[str] = set()
    for p in b.procedures:
        if p["symbol"] in symbols:
            file, record = p["_where"]
            problems.append(ContentProblem(file, record, "symbol", "used twice"))
        symbols.add(p["symbol"])
    problems.extend(problem for _, _, problem in reference_problems(b))
    for p in b.procedures:
        p.pop("_where", None)


def raw_records(root: Path | str) -> tuple[dict, list[tuple[str, str | None, int, Any]]]:
    """The folder's records as written, unparsed: content.yaml's mapping and, per record,
    (kind, procedure file stem or None, position in its file, data). For tools that store
    records as editors wrote them (the central database); validate with read_content first."""
    root = Path(root)
    problems: list[ContentProblem] = []
    meta = _load_meta(root, problems) or {}
    out: list[tuple[str, str | None, int, Any]] = []
    for spec in RECORD_KINDS.values():
        paths = (sorted((root / "procedures").glob("*.yaml")) if spec.kind == "procedure"
                 else [root / spec.file])
        for path in paths:
            if spec.file in OPTIONAL_FILES and not path.exists():
                continue
            stem = path.stem if spec.kind == "procedure" else None
            for i, data in enumerate(_load_yaml(path, spec.key, problems, root)):
                out.append((spec.kind, stem, i, data))
    if problems:
        raise ContentError(problems)
    return meta if isinstance(meta, dict) else {}, out
