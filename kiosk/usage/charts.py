"""Charts (PNG, matplotlib's Agg backend: no display) and the summary page of a usage report.

Labels are Polish: the report is for the office's staff and management. The same figures go
into summary.pdf, one page each, after a page of key figures.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import default_cache_dir

# matplotlib keeps its font list under HOME unless told: the units make HOME read-only.
os.environ.setdefault("MPLCONFIGDIR", str(default_cache_dir() / "matplotlib"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from kiosk.usage.report import WEEKDAYS_PL, Figures, shown  # noqa: E402

TOP = 15
DPI = 110
BLUE, GREEN, AMBER, RED, GREY = "#1f5fa8", "#2e7d32", "#e0a100", "#c62828", "#9e9e9e"


@dataclass
class Chart:
    name: str
    title: str
    path: Path
    note: str = ""


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _barh(ax, labels, values, color=BLUE, xlabel=""):
    y = range(len(labels))
    ax.barh(list(y), values, color=color)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v}", va="center", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)


def _empty(ax, text="Brak danych w tym okresie"):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=12,
            color=GREY)
    ax.set_axis_off()


def _save(fig, path: Path, pdf) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    if pdf is not None:
        pdf.savefig(fig)
    plt.close(fig)


def draw_all(f: Figures, out: Path, pdf_path: Path | None = None) -> list[Chart]:
    out.mkdir(parents=True, exist_ok=True)
    charts: list[Chart] = []
    pdf = PdfPages(pdf_path) if pdf_path else None
    try:
        if pdf is not None:
            _key_page(f, pdf)
        for draw in (_top_procedures, _no_result, _missing, _heatmap, _satisfaction,
                     _print_faults, _audio):
            charts.append(draw(f, out, pdf))
    finally:
        if pdf is not None:
            pdf.close()
    return charts


def _key_page(f: Figures, pdf) -> None:
    fig = plt.figure(figsize=(8.27, 11.69))
    fig.text(0.08, 0.94, "Kiosk BOM – raport korzystania", fontsize=18, weight="bold")
    fig.text(0.08, 0.91, _period(f), fontsize=11)
    y = 0.86
    for _i, label, value in f.key:
        fig.text(0.08, y, label, fontsize=11)
        fig.text(0.85, y, shown(value), fontsize=11, ha="right", weight="bold")
        y -= 0.035
    pdf.savefig(fig)
    plt.close(fig)


def _period(f: Figures) -> str:
    kiosks = ", ".join(f.kiosks) if len(f.kiosks) <= 4 else f"{len(f.kiosks)} kiosków"
    return (f"Okres: {f.period.first.isoformat()} – {f.period.last.isoformat()}; "
            f"kioski: {kiosks or 'brak'}")


def _top_procedures(f, out, pdf) -> Chart:
    rows = f.tables["top_procedures"].rows[:TOP]
    fig, ax = plt.subplots(figsize=(10, 6.5))
    if rows:
        labels = [_short(f"{r[0]} – {r[1]}" if r[1] else r[0]) for r in rows]
        y = list(range(len(rows)))
        ax.barh(y, [r[2] for r in rows], color=BLUE, label="otwarte")
        ax.barh(y, [r[3] for r in rows], color=GREEN, height=0.45,
                label="doprowadzone do podsumowania")
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.legend(loc="lower right")
        ax.set_xlabel("liczba")
        ax.spines[["top", "right"]].set_visible(False)
    else:
        _empty(ax)
    ax.set_title("Najczęściej otwierane sprawy")
    path = out / "top_procedures.png"
    _save(fig, path, pdf)
    return Chart("top_procedures", "Najczęściej otwierane sprawy", path)


def _no_result(f, out, pdf) -> Chart:
    rows = f.tables["searches_no_result"].rows[:TOP]
    fig, ax = plt.subplots(figsize=(10, 6))
    if rows:
        _barh(ax, [_short(r[0]) for r in rows], [r[1] for r in rows], RED, "ile razy")
    else:
        _empty(ax, "Każde wyszukiwanie coś znalazło")
    ax.set_title("Wyszukiwania bez wyniku (czego brakuje w treściach)")
    path = out / "searches_no_result.png"
    _save(fig, path, pdf)
    return Chart("searches_no_result", "Wyszukiwania bez wyniku", path,
                 "Lista do uzupełnienia treści lub słownika wyszukiwarki.")


def _missing(f, out, pdf) -> Chart:
    rows = f.tables["missing_documents"].rows[:TOP]
    fig, ax = plt.subplots(figsize=(10, 6.5))
    if rows:
        _barh(ax, [_short(f"{r[0]}: {r[3]}", 60) for r in rows], [r[4] for r in rows], AMBER,
              "ile razy brakowało")
    else:
        _empty(ax)
    ax.set_title("Dokumenty, których mieszkańcom najczęściej brakuje")
    path = out / "missing_documents.png"
    _save(fig, path, pdf)
    return Chart("missing_documents", "Dokumenty najczęściej brakujące", path)


def _heatmap(f, out, pdf) -> Chart:
    cats = sorted(f.heatmap)
    hours = sorted({h for c in cats for (_wd, h) in f.heatmap[c]}) or list(range(8, 16))
    hours = list(range(min(hours), max(hours) + 1))
    days = sorted({wd for c in cats for (wd, _h) in f.heatmap[c]} | set(range(5)))
    n = max(1, len(cats))
    cols = 2 if n > 1 else 1
    rows_ = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows_, cols, figsize=(11, 2.3 * rows_ + 1), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(cats):
            ax.set_axis_off()
            continue
        c = cats[i]
        grid = [[f.heatmap[c].get((wd, h), 0) for h in hours] for wd in days]
        im = ax.imshow(grid, aspect="auto", cmap="YlOrRd", vmin=0)
        ax.set_title(f"Kolejka {c}", fontsize=10)
        ax.set_yticks(range(len(days)), [WEEKDAYS_PL[d][:3] for d in days], fontsize=8)
        ax.set_xticks(range(len(hours)), [str(h) for h in hours], fontsize=8)
        fig.colorbar(im, ax=ax, fraction=0.04, ticks=MaxNLocator(integer=True))
    if not cats:
        _empty(axes.flat[0])
    fig.suptitle("Bilety według kolejki, dnia tygodnia i godziny")
    path = out / "tickets_heatmap.png"
    _save(fig, path, pdf)
    return Chart("tickets_heatmap", "Bilety według dnia tygodnia i godziny", path,
                 "Godzina pobrania biletu (czas lokalny); im ciemniej, tym więcej biletów.")


def _satisfaction(f, out, pdf) -> Chart:
    rows = [r for r in f.tables["satisfaction"].rows if r[0] == "guide"][:TOP]
    fig, ax = plt.subplots(figsize=(10, 6.5))
    if rows:
        y = list(range(len(rows)))
        yes = [r[3] for r in rows]
        partly = [r[4] for r in rows]
        no = [r[5] for r in rows]
        ax.barh(y, yes, color=GREEN, label="tak")
        ax.barh(y, partly, left=yes, color=AMBER, label="częściowo", hatch="//")
        ax.barh(y, no, left=[a + b for a, b in zip(yes, partly, strict=True)], color=RED,
                label="nie",
                hatch="xx")
        ax.set_yticks(y, [_short(f"{r[1]} – {r[2]}" if r[2] else r[1]) for r in rows])
        ax.invert_yaxis()
        ax.legend(loc="lower right")
        ax.set_xlabel("odpowiedzi")
        ax.spines[["top", "right"]].set_visible(False)
    else:
        _empty(ax)
    ax.set_title("„Czy znalazłeś to, czego szukałeś?” – według sprawy")
    path = out / "satisfaction.png"
    _save(fig, path, pdf)
    return Chart("satisfaction", "Zadowolenie według sprawy", path)


def _print_faults(f, out, pdf) -> Chart:
    rows = f.tables["print_faults"].rows
    names = {"paper_out": "brak papieru", "paper_near_end": "kończy się papier",
             "offline": "drukarka niedostępna", "cover_open": "otwarta pokrywa",
             "error": "błąd drukarki", "unknown": "stan nieznany"}
    what = {"ticket": "bilet", "card": "karta"}
    fig, ax = plt.subplots(figsize=(9, 4))
    if rows:
        _barh(ax, [f"{what.get(r[0], r[0])}: {names.get(r[1], r[1])}" for r in rows],
              [r[2] for r in rows], RED, "ile razy")
    else:
        _empty(ax, "Bez błędów drukarki")
    ax.set_title("Błędy drukarki")
    path = out / "print_faults.png"
    _save(fig, path, pdf)
    return Chart("print_faults", "Błędy drukarki", path)


def _audio(f, out, pdf) -> Chart:
    rows = f.tables["audio_mode"].rows
    fig, ax = plt.subplots(figsize=(10, 4))
    if rows:
        x = list(range(len(rows)))
        ax.bar(x, [r[2] for r in rows], color=BLUE, label="uruchomienia trybu głosowego")
        ax2 = ax.twinx()
        ax2.plot(x, [r[3] for r in rows], color=AMBER, marker="o", markersize=3,
                 label="% wizyt")
        ax2.set_ylabel("% wizyt")
        step = max(1, len(rows) // 10)
        ax.set_xticks(x[::step], [r[0][5:] for r in rows][::step], fontsize=8)
        ax.set_ylabel("uruchomienia")
        ax.legend(loc="upper left")
        ax2.legend(loc="upper right")
    else:
        _empty(ax)
    ax.set_title("Tryb głosowy według dnia")
    path = out / "audio_mode.png"
    _save(fig, path, pdf)
    return Chart("audio_mode", "Tryb głosowy", path)


# --- the summary page -------------------------------------------------------------------------

def _table_html(header: list[str], rows: list[tuple], limit: int = 10) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows[:limit])
    if not rows:
        body = f"<tr><td colspan='{len(header)}'>brak danych</td></tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_html(f: Figures, charts: list[Chart], path: Path) -> Path:
    t = f.tables
    key = "".join(f"<tr><th>{html.escape(label)}</th><td>{html.escape(shown(v))}</td></tr>"
                  for _i, label, v in f.key)
    sections = {
        "top_procedures": _table_html(
            ["Symbol", "Sprawa", "Otwarte", "Do podsumowania", "Z brakami"],
            t["top_procedures"].rows),
        "searches_no_result": _table_html(["Zapytanie", "Ile razy", "Kioski", "Ostatnio"],
                                          t["searches_no_result"].rows, 20),
        "missing_documents": _table_html(
            ["Symbol", "Sprawa", "Nr", "Dokument", "Brakowało", "Podsumowań", "%"],
            t["missing_documents"].rows),
        "satisfaction": _table_html(
            ["Kontekst", "Symbol", "Sprawa", "Tak", "Częściowo", "Nie", "Odpowiedzi", "Wskaźnik %"],
            t["satisfaction"].rows),
        "print_faults": _table_html(["Wydruk", "Błąd", "Ile razy", "Wydruków", "%"],
                                    t["print_faults"].rows),
        "tickets_heatmap": _table_html(["Kolejka", "Bilety", "W tym priorytetowe"],
                                       t["tickets_per_category"].rows, 30),
        "audio_mode": "",
    }
    parts = []
    for c in charts:
        parts.append(f"<section><h2>{html.escape(c.title)}</h2>"
                     + (f"<p>{html.escape(c.note)}</p>" if c.note else "")
                     + f"<img src='{html.escape(c.path.name)}' alt='{html.escape(c.title)}'>"
                     + sections.get(c.name, "")
                     + f"<p class='csv'>Dane: <a href='{c.name}.csv'>{c.name}.csv</a></p>"
                     + "</section>")
    csv_links = " · ".join(f"<a href='{n}.csv'>{n}.csv</a>" for n in t)
    page = f"""<!doctype html>
<html lang="pl"><head><meta charset="utf-8">
<title>Kiosk BOM – raport korzystania {f.period.first} – {f.period.last}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1100px; margin: 2em auto;
       color: #1a1a1a; line-height: 1.4; }}
h1 {{ color: #1f5fa8; }} h2 {{ color: #1f5fa8; border-bottom: 2px solid #1f5fa8; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #bbb; padding: 4px 8px; text-align: left; vertical-align: top; }}
thead th {{ background: #e8eef7; }}
img {{ max-width: 100%; border: 1px solid #ddd; }}
.csv {{ font-size: 0.9em; color: #555; }}
</style></head><body>
<h1>Kiosk BOM – raport korzystania</h1>
<p>{html.escape(_period(f))}. Dane anonimowe: bez danych osobowych, bez identyfikatora
wizyty; zapytania wyszukiwarki bez adresów e-mail i ciągów 6 i więcej cyfr.</p>
<h2>Najważniejsze liczby</h2>
<table>{key}</table>
<p>Wersja do druku: <a href="summary.pdf">summary.pdf</a>.</p>
{''.join(parts)}
<h2>Wszystkie dane (CSV)</h2>
<p>{csv_links}</p>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
