"""The report's files: CSV tables, PNG charts, summary.html and summary.pdf."""

from __future__ import annotations

from pathlib import Path

from kiosk.usage.charts import draw_all, write_html
from kiosk.usage.report import Figures, write_csvs


def write_report(f: Figures, out: Path, *, pdf: bool = True) -> list[Path]:
    """Every file of the report in `out`: CSVs, PNG charts, summary.html (and summary.pdf)."""
    out = Path(out)
    paths = write_csvs(f, out)
    charts = draw_all(f, out, pdf_path=out / "summary.pdf" if pdf else None)
    paths += [c.path for c in charts]
    if pdf:
        paths.append(out / "summary.pdf")
    paths.append(write_html(f, charts, out / "summary.html"))
    return paths
