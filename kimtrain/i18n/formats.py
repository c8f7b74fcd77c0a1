"""Numbers and dates as a reader expects them: ``35,33/43``, ``82%``, ``4 Desember 2026``.

One module for every output — CLI lines, reports, workbook text, CSV files, feedback
pages and certificates — so a number never reads ``35.33`` in one place and ``35,33``
in another. Indonesian uses a decimal comma and a thousands point; English the
opposite. Light on purpose (no pandas), so participant-side code may use it.
"""

from __future__ import annotations

from datetime import date

from kimtrain.i18n import get_language, t

__all__ = ["CSV_SEPARATOR", "csv_separator", "long_date", "number", "percent", "points",
           "seconds", "signed"]

CSV_SEPARATOR = {"id": ";", "en": ","}


def _lang(lang: str | None) -> str:
    return lang or get_language()


def number(value: float | int, places: int = 1, lang: str | None = None) -> str:
    """``1234.5`` -> ``1.234,5`` (id) or ``1,234.5`` (en)."""
    text = f"{float(value):,.{places}f}"
    if _lang(lang) == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def points(value: float | int, lang: str | None = None) -> str:
    """Points with at most two decimals and no trailing zeros: ``1``, ``0,67``, ``35,33``."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if _lang(lang) == "id" else text


def percent(value: float | int, places: int = 0, lang: str | None = None) -> str:
    """A percent (0–100) with its sign attached, as PUEBI writes it: ``82%``, ``58,8%``."""
    return number(value, places, lang) + "%"


def signed(value: float | int, places: int = 1, lang: str | None = None) -> str:
    """A change with its sign: ``+8,5``, ``-2,0``, ``0,0``."""
    text = number(abs(value), places, lang)
    if round(value, places) > 0:
        return "+" + text
    if round(value, places) < 0:
        return "-" + text
    return text


def seconds(value: float, lang: str | None = None) -> str:
    """``2.8`` -> ``2,8`` (the caller adds the unit through the catalog)."""
    return number(value, 1, lang)


def long_date(day: date, lang: str | None = None) -> str:
    """``4 Desember 2026`` (the month's name in the chosen language)."""
    return f"{day.day} {t(f'report.month.{day.month}', lang=_lang(lang))} {day.year}"


def csv_separator(lang: str | None = None) -> str:
    """``;`` for Indonesian spreadsheets (whose decimal separator is the comma)."""
    return CSV_SEPARATOR.get(_lang(lang), ",")
