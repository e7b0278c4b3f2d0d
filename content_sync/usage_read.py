"""Usage events read back from the central database, for `kiosk report --central`."""

from __future__ import annotations

from collections.abc import Iterator

from content_sync.central import USAGE_SCHEMA
from content_sync.pg import connect
from kiosk.usage.report import EVENT_COLUMNS, Event, Period


def events_central(url: str, period: Period, password: str | None = None,
                   connect_timeout: float = 10.0) -> Iterator[Event]:
    lo, hi = period.utc_bounds()
    with connect(url, password=password, connect_timeout=connect_timeout,
                 statement_timeout=None, read_only=True,
                 application_name="bom-usage-report") as conn, \
            conn.cursor(name="usage_report") as cur:
        cur.itersize = 5000
        cur.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM {USAGE_SCHEMA}.usage_event "
                    f"WHERE at >= %s AND at < %s", (lo, hi))
        for row in cur:
            yield Event(*row)
