"""The report's tables as an XLSX workbook (one formatted sheet per table) and as CSV files.

The workbook keeps numbers as numbers with a display format (a percentage shows as
``62.6``, a share as ``50%``), so a coordinator can sort, filter and chart them;
each sheet starts with its header row (frozen, with a filter) and nothing above it,
so it can be pivoted as it is; titles and notes are listed on the first sheet. CSV
files are UTF-8 with a byte-order mark; in Indonesian they use ``;`` between fields
and a decimal comma, as Indonesian Excel expects (English: ``,`` and ``.``).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from kimtrain.i18n import t
from kimtrain.i18n.formats import csv_separator
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
    """One sheet per table with its header on the first row (no title rows above the
    data, so every sheet pivots and filters as it is); the titles and notes are on a
    first "contents" sheet, the method notes on the last."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": False, "nan_inf_to_errors": True})
    title = book.add_format({"bold": True, "font_size": 13, "font_color": "#1F4E5F"})
    header = book.add_format({"bold": True, "bg_color": "#E4EDF1", "border": 1,
                              "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in _NUMBER_FORMATS.items()}
    yes, no = t("report.yes", lang=lang), t("report.no", lang=lang)
    used: set[str] = set()
    contents = book.add_worksheet(_sheet_name(Table("isi", "", [], None), used, lang))
    contents.write_row(0, 0, [t(f"results.xlsx.{c}", lang=lang)
                              for c in ("sheet", "title", "note")], header)
    contents.set_column(0, 0, 28)
    contents.set_column(1, 1, 60, wrap)
    contents.set_column(2, 2, 90, wrap)
    contents.freeze_panes(1, 0)
    for n, table in enumerate(tables, start=1):
        name = _sheet_name(table, used, lang)
        contents.write_url(n, 0, f"internal:'{name}'!A1", string=name)
        contents.write_string(n, 1, table.title)
        if table.note:
            contents.write_string(n, 2, table.note)
        sheet = book.add_worksheet(name)
        first = 0
        sheet.write_row(first, 0, [c.label for c in table.columns], header)
        kinds = table.frame["kind"].tolist() if "kind" in table.frame else None
        widths = [min(max(len(c.label), 6), 40) for c in table.columns]
        write_number, write_string = sheet.write_number, sheet.write_string
        for c, column in enumerate(table.columns):
            values = table.frame[column.id].tolist() if column.id in table.frame else []
            if column.kind == "text":  # most cells of a big report: the plainest loop
                longest = 0
                for r, value in enumerate(values, start=first + 1):
                    if value is None or value != value:
                        continue
                    text = value if type(value) is str else str(value)
                    write_string(r, c, text)
                    if len(text) > longest:
                        longest = len(text)
                if longest > widths[c]:
                    widths[c] = min(longest, 60)
                continue
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
    sheet = book.add_worksheet(_sheet_name(Table("catatan", "", [], None), used, lang))
    sheet.write(0, 0, t("report.section.method", lang=lang), title)
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
        elif column.kind == "mixed":  # text beside numbers: write the numbers as text
            comma = lang == "id"
            frame[column.id] = [
                (f"{v:.4g}".replace(".", ",") if comma else f"{v:.4g}")
                if isinstance(v, float) and v == v else v for v in frame[column.id]]
        elif column.kind != "text":
            frame[column.id] = frame[column.id].astype(float).round(4)
        else:  # only the few cells that would read as a formula are changed
            values = frame[column.id]
            risky = values.astype(str).str.startswith(_FORMULA_START).to_numpy()
            if risky.any():
                frame[column.id] = [spreadsheet_text(v) if r else v
                                    for v, r in zip(values, risky, strict=True)]
    frame = frame[[c.id for c in table.columns]]
    frame.columns = [c.label for c in table.columns]
    path = folder / f"{table.key}.csv"
    tmp = folder / f".{table.key}.csv.tmp"
    # Indonesian Excel reads ";" between fields and "," in numbers (62,6); English the reverse
    frame.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n",
                 sep=csv_separator(lang), decimal="," if lang == "id" else ".")
    os.replace(tmp, path)
    return path
