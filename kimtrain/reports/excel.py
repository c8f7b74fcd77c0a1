"""The report's tables as an XLSX workbook (one formatted sheet per table) and as CSV files.

The workbook keeps numbers as numbers with a display format (a percentage shows as
``62.6``, a share as ``50%``), so a coordinator can sort, filter and chart them;
each sheet has a title, its note, a frozen header and a filter. CSV files are UTF-8
with a byte-order mark (Excel opens them correctly) and a ``.`` decimal point.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from kimtrain.i18n import t
from kimtrain.reports.tables import Table

__all__ = ["spreadsheet_text", "write_csv", "write_xlsx"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_NUMBER_FORMATS = {"int": "0", "pct": "0.0", "share": "0%", "num1": "0.0", "num2": "0.00",
                   "num3": "0.000", "pp": "+0.0;-0.0;0.0", "p": "0.0000"}
_INVALID_SHEET = str.maketrans({c: " " for c in "[]:*?/\\"})


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def spreadsheet_text(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: a name or answer starting with ``=``,
    ``+``, ``-``, ``@`` (a formula when a CSV is opened in Excel or LibreOffice) gets a
    leading apostrophe. Numbers, and text that reads as a number, are left alone."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def _sheet_name(table: Table, used: set[str], lang: str) -> str:
    name = t(f"report.sheet.{table.key}", lang=lang).translate(_INVALID_SHEET)[:31]
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate = f"{name[:28]} {n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def write_xlsx(tables: list[Table], path: Path, lang: str, notes: list[str]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": False, "nan_inf_to_errors": True})
    title = book.add_format({"bold": True, "font_size": 13, "font_color": "#1F4E5F"})
    note = book.add_format({"italic": True, "font_color": "#555555", "text_wrap": True,
                            "valign": "top"})
    header = book.add_format({"bold": True, "bg_color": "#E4EDF1", "border": 1,
                              "text_wrap": True, "valign": "top"})
    formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in _NUMBER_FORMATS.items()}
    yes, no = t("report.yes", lang=lang), t("report.no", lang=lang)
    used: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table, used, lang))
        sheet.write(0, 0, table.title, title)
        width = max(len(table.columns), 1)
        if table.note:
            sheet.merge_range(1, 0, 1, max(width - 1, 0), table.note, note) if width > 1 \
                else sheet.write(1, 0, table.note, note)
            sheet.set_row(1, 15 * min(6, 1 + len(table.note) // (12 * width + 1)))
        first = 3
        sheet.write_row(first, 0, [c.label for c in table.columns], header)
        kinds = table.frame["kind"].tolist() if "kind" in table.frame else None
        widths = [min(max(len(c.label), 6), 40) for c in table.columns]
        for c, column in enumerate(table.columns):
            values = table.frame[column.id].tolist() if column.id in table.frame else []
            write_number, write_string = sheet.write_number, sheet.write_string
            fixed = None if column.kind == "mixed" else column.kind
            for r, value in enumerate(values, start=first + 1):
                if value is None or value != value:  # None or NaN: an empty cell
                    continue
                kind = fixed or (kinds[r - first - 1] if kinds else "text")
                if kind == "bool":
                    write_string(r, c, yes if value else no)
                elif kind in formats and not isinstance(value, str):
                    write_number(r, c, float(value), formats[kind])
                else:
                    text = str(value)
                    write_string(r, c, text)
                    if len(text) > widths[c]:
                        widths[c] = min(len(text), 60)
        for c, w in enumerate(widths):
            sheet.set_column(c, c, w + 2)
        sheet.freeze_panes(first + 1, 1 if len(table.columns) > 6 else 0)
        if len(table.frame):
            sheet.autofilter(first, 0, first + len(table.frame), len(table.columns) - 1)
    sheet = book.add_worksheet(_sheet_name(Table("catatan", "", [], None), used, lang))  # type: ignore[arg-type]
    sheet.write(0, 0, t("report.section.method", lang=lang), title)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 120)
    for r, text in enumerate(notes, start=2):
        sheet.write_string(r, 0, text, wrap)
    book.close()
    return path


def write_csv(table: Table, folder: Path, lang: str) -> Path:
    frame = table.frame.copy()
    yes, no = t("report.yes", lang=lang), t("report.no", lang=lang)
    for column in table.columns:
        if column.id not in frame:
            continue
        if column.kind == "bool":
            frame[column.id] = [None if _clean(v) is None else (yes if v else no)
                                for v in frame[column.id]]
        elif column.kind == "int":
            frame[column.id] = frame[column.id].astype(float).round().astype("Int64")
        elif column.kind == "mixed":
            frame[column.id] = [float(f"{v:.4g}") if isinstance(v, float) else v
                                for v in frame[column.id]]
        elif column.kind != "text":
            frame[column.id] = frame[column.id].astype(float).round(4)
        else:
            frame[column.id] = [spreadsheet_text(v) for v in frame[column.id]]
    frame = frame[[c.id for c in table.columns]]
    frame.columns = [c.label for c in table.columns]
    path = folder / f"{table.key}.csv"
    tmp = folder / f".{table.key}.csv.tmp"
    frame.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    os.replace(tmp, path)
    return path
