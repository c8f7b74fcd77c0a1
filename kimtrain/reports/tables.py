"""The report's tables: one :class:`Table` per sheet, CSV file and HTML section.

A table keeps raw numbers (percent 0–100, shares 0–1) in a DataFrame with stable
column ids; each column knows its translated label and kind, so the HTML, XLSX and
CSV writers format the same data their own way. Every empty cell is explained in
the row's ``catatan`` (note) column or in the table's note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kimtrain.i18n import formats, t

__all__ = ["Column", "Table", "cell_text", "join_reasons"]

KINDS = ("text", "int", "pct", "share", "num1", "num2", "num3", "pp", "p", "bool", "mixed")


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    kind: str = "text"


@dataclass
class Table:
    key: str  # file and sheet name: ascii, short
    title: str
    columns: list[Column]
    frame: pd.DataFrame
    note: str = ""
    in_html: bool = True
    html_limit: int | None = None  # rows shown in HTML (all rows go to XLSX and CSV)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, key: str, title: str, columns: list[Column], rows: list[dict[str, Any]],
              **kwargs: Any) -> Table:
        frame = pd.DataFrame(rows, columns=[c.id for c in columns])
        return cls(key, title, columns, frame, **kwargs)


def join_reasons(keys: list[str] | tuple[str, ...], lang: str | None = None) -> str:
    """Translated, de-duplicated reasons joined into one note."""
    return "; ".join(dict.fromkeys(t(k, lang=lang) for k in keys if k))


def _decimal(value: float, places: int, lang: str) -> str:
    return formats.number(value, places, lang)  # 1.234,5 in Indonesian


def cell_text(value: Any, kind: str, lang: str) -> str:
    """How a value reads in HTML: "–" for missing, decimal comma in Indonesian."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if kind == "bool":
        return t("report.yes", lang=lang) if value else t("report.no", lang=lang)
    if kind == "text":
        return str(value)
    number = float(value)
    if kind == "int":
        return _decimal(number, 0, lang)
    if kind == "share":
        return formats.percent(100 * number, 0, lang)
    if kind in ("pct", "num1"):
        return _decimal(number, 1, lang)
    if kind == "p":
        return "< " + _decimal(0.001, 3, lang) if number < 0.001 else _decimal(number, 3, lang)
    if kind == "pp":
        return ("+" if number > 0 else "") + _decimal(number, 1, lang)
    return _decimal(number, 2 if kind == "num2" else 3, lang)
