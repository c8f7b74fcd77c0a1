"""Coordinator reports: statistics, tables, plots, HTML/XLSX/CSV outputs and certificates.

The only package of kimtrain that imports pandas and matplotlib. Data flows one way:
gradebook + manifest + graded notebooks (:mod:`.data`) -> one analysed form
(:mod:`.analysis`, formulas in :mod:`.stats`) -> participants and groups
(:mod:`.groups`) -> tables (:mod:`.sections`) -> files (:mod:`.writer`).
"""

from __future__ import annotations

from kimtrain.reports.report import DEFAULT_CUT, Report, ReportOptions, build_report
from kimtrain.reports.writer import ReportFiles, write_report

__all__ = ["DEFAULT_CUT", "Report", "ReportFiles", "ReportOptions", "build_report",
           "write_report"]
