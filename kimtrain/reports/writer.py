"""``write_report``: every output of a report into one folder.

::

    <out>/
      laporan.html          self-contained, Indonesian (or --lang en), prints on A4
      ringkasan.html        the one-page summary alone, to print or send
      laporan.xlsx          one formatted sheet per table, plus the method notes
      csv/<table>.csv       the same tables as CSV
      grafik/<plot>.png     distribusi, domain, heatmap, butir

Files are written under temporary names and moved into place, so an interrupted
run never leaves a half-written report that looks complete.

A big workbook (a programme of thousands: the tidy long sheet alone is 70,000 rows at
5,000 participants) is written by a second process while this one draws the plots and
writes the CSV and HTML files (:mod:`kimtrain.reports.background`: where a process
cannot be forked, as on Windows, it is written here, after them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kimtrain.errors import CourseError
from kimtrain.i18n import t
from kimtrain.reports.background import Background
from kimtrain.reports.excel import write_csv, write_xlsx
from kimtrain.reports.html import METHOD_NOTES, render_html, render_summary_page
from kimtrain.reports.plots import make_plots

if TYPE_CHECKING:
    from kimtrain.reports.report import Report
    from kimtrain.reports.tables import Table

__all__ = ["ReportFiles", "write_report"]

BACKGROUND_CELLS = 50_000  # a workbook of this many cells or more goes to a second process


@dataclass
class ReportFiles:
    html: Path
    xlsx: Path
    csv: list[Path] = field(default_factory=list)
    png: list[Path] = field(default_factory=list)
    summary: Path | None = None

    def all(self) -> list[Path]:
        return [self.html, *([self.summary] if self.summary else []), self.xlsx, *self.csv,
                *self.png]


def _replace(tmp: Path, final: Path) -> Path:
    os.replace(tmp, final)
    return final


def _cells(tables: list[Table]) -> int:
    return sum(len(table.frame) * len(table.columns) for table in tables)


def write_report(report: Report, out: str | Path) -> ReportFiles:
    """Write the HTML, XLSX, CSV and PNG outputs of ``report`` into ``out``."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CourseError("report.out_is_file", path=str(out))
    (out / "csv").mkdir(parents=True, exist_ok=True)
    (out / "grafik").mkdir(parents=True, exist_ok=True)
    lang = report.lang
    from kimtrain.reports.measurement import method_notes

    notes = [*method_notes(report.equated, lang, list(report.cuts.values())),
             *(t(f"report.method.{i}", lang=lang) for i in range(1, METHOD_NOTES + 1))]
    xlsx_tmp = out / ".laporan.xlsx.tmp"
    workbook = Background(write_xlsx, report.tables, xlsx_tmp, lang, notes,
                          wanted=_cells(report.tables) >= BACKGROUND_CELLS)
    try:
        plots = make_plots(report)
        png = []
        for name, data in plots.items():
            tmp = out / "grafik" / f".{name}.png.tmp"
            tmp.write_bytes(data)
            png.append(_replace(tmp, out / "grafik" / f"{name}.png"))
        csv = []
        for table in report.tables:
            path = write_csv(table, out / "csv", lang)
            csv.append(path)
        tmp = out / ".laporan.html.tmp"
        tmp.write_text(render_html(report, plots), encoding="utf-8")
        html = _replace(tmp, out / "laporan.html")
        tmp = out / ".ringkasan.html.tmp"
        tmp.write_text(render_summary_page(report, plots), encoding="utf-8")
        summary = _replace(tmp, out / "ringkasan.html")
    except BaseException:
        workbook.stop()
        xlsx_tmp.unlink(missing_ok=True)
        raise
    workbook.result()
    xlsx = _replace(xlsx_tmp, out / "laporan.xlsx")
    return ReportFiles(html, xlsx, csv, png, summary)
