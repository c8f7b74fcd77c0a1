"""National context: the Indeks Literasi Digital (ILD), shown beside — never against — test scores.

The ILD (Kominfo with Katadata Insight Center) is a **self-report survey** on a 1–5
scale; a test percentage measures something else on another scale, so the report
prints these figures in their own table with that label and never on a plot with
test results. Figures from ``shared/context/measurement.md`` (§A, sources S14–S17);
2023's Budaya Digital figure was not found and stays empty.
"""

from __future__ import annotations

__all__ = ["ILD"]

# year -> (overall, cakap, etika, aman, budaya); None where no published figure was found
ILD: dict[int, tuple[float, float, float, float, float | None]] = {
    2020: (3.46, 3.34, 3.72, 3.24, 3.55),
    2021: (3.49, 3.44, 3.53, 3.10, 3.90),
    2022: (3.54, 3.52, 3.68, 3.12, 3.84),
    2023: (3.65, 3.50, 3.99, 3.29, None),
}
ILD_PILLARS = ("cakap", "etika", "aman", "budaya")
