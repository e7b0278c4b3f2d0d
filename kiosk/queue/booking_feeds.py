"""Where bookings come from: the office's booking system, through an adapter.

An adapter is anything with a `name` and a `read()` giving booking records (the BookingFeed
protocol below); `kiosk bookings import` runs one and hands its records to
kiosk.queue.bookings. The one adapter here reads a documented CSV or JSON feed from a file or
an http(s) address (docs/operations.md, "Booked visits"; examples in
docs/examples/bookings.csv and bookings.json). Another booking system is another class with
the same two members, chosen in `open_feed`.

A record that does not fit the format is left out and named in `problems` (by its row, never
by its contents beyond the field at fault); the other records are imported.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from pydantic import ValidationError

from kiosk.queue.bookings import BookingRecord

FETCH_TIMEOUT_S = 20.0
MAX_FEED_BYTES = 20 * 1024 * 1024  # a year of a busy office's bookings is far less


class FeedError(Exception):
    """The feed could not be read at all (unreachable, not CSV or JSON): nothing imported."""


@dataclass(frozen=True)
class FeedRead:
    records: tuple[BookingRecord, ...]
    problems: tuple[str, ...]  # records left out, one line each for staff


class BookingFeed(Protocol):
    """An adapter to a booking system."""

    @property
    def name(self) -> str:
        """Short, for staff: which feed a booking came from (kept with it, 40 characters)."""
        ...

    def read(self) -> FeedRead:
        """Every booking the system publishes now; raises FeedError when it cannot."""
        ...


class FileFeed:
    """CSV or JSON bookings from a file path or an http(s) URL; the format is told by the
    name's extension, else by the first character ('[' or '{': JSON)."""

    def __init__(self, location: str, *, timeout: float = FETCH_TIMEOUT_S):
        self.location = location
        self.timeout = timeout

    @property
    def name(self) -> str:
        parts = urlsplit(self.location)
        if parts.scheme in ("http", "https"):
            return (parts.hostname or "web")[:40]
        return Path(self.location).name[:40] or "feed"

    def _fetch(self) -> bytes:
        try:
            if urlsplit(self.location).scheme in ("http", "https"):
                with urllib.request.urlopen(self.location, timeout=self.timeout) as r:
                    data = r.read(MAX_FEED_BYTES + 1)
            else:
                with open(self.location, "rb") as f:
                    data = f.read(MAX_FEED_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise FeedError(f"cannot read {self.location}: {exc}") from exc
        if len(data) > MAX_FEED_BYTES:
            raise FeedError(f"{self.location}: larger than {MAX_FEED_BYTES} bytes")
        return data

    def read(self) -> FeedRead:
        try:
            text = self._fetch().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FeedError(f"{self.location}: not UTF-8 text ({exc.reason})") from None
        suffix = Path(urlsplit(self.location).path).suffix.lower()
        is_json = suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("[", "{"))
        rows = _json_rows(text, self.location) if is_json else _csv_rows(text, self.location)
        return validate(rows)


def _json_rows(text: str, where: str) -> list[tuple[str, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"{where}: not JSON ({exc.msg}, line {exc.lineno})") from None
    if isinstance(data, dict):
        data = data.get("bookings")
    if not isinstance(data, list):
        raise FeedError(f"{where}: JSON must be a list of bookings or {{\"bookings\": [...]}}")
    return [(f"booking {i}", row) for i, row in enumerate(data, 1)]


def _csv_rows(text: str, where: str) -> list[tuple[str, object]]:
    # Comma, or the semicolon a Polish spreadsheet writes: told by the header line.
    first = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = {(h or "").strip().lower() for h in reader.fieldnames or ()}
    missing = {"code", "date", "time", "category"} - header
    if missing:
        raise FeedError(f"{where}: not a bookings CSV (no column {', '.join(sorted(missing))})")
    return [(f"line {reader.line_num}",
             {(k or "").strip().lower(): v for k, v in row.items() if k})
            for row in reader if any((v or "").strip() for v in row.values() if
                                     isinstance(v, str))]


def validate(rows: list[tuple[str, object]]) -> FeedRead:
    """Records from raw rows; a row that does not fit, or repeats a day's code, is left out."""
    records: dict[tuple, BookingRecord] = {}
    problems = []
    for where, row in rows:
        try:
            r = BookingRecord.model_validate(row)
        except ValidationError as exc:
            fields = ", ".join(".".join(str(x) for x in e["loc"]) or "record"
                               for e in exc.errors())
            problems.append(f"{where}: left out, invalid {fields}")
            continue
        if r.key in records:
            problems.append(f"{where}: left out, the code repeats another booking of {r.date}")
            continue
        records[r.key] = r
    return FeedRead(tuple(records.values()), tuple(problems))


def open_feed(location: str) -> BookingFeed:
    """The adapter for a feed location (the only one so far: CSV or JSON, file or URL)."""
    return FileFeed(location)
