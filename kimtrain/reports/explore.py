"""Exploring a report interactively: one kecamatan, one form, one domain at a time.

The coordinator notebook (``curriculum/koordinator/eksplorasi-hasil.ipynb``) puts
three dropdowns over :func:`explore`; everything shown comes from the same
:class:`~kimtrain.reports.Report` the command writes, so the notebook and the files
never disagree, and the same privacy rules hold (pseudonyms, groups under the
minimum size never shown).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kimtrain.i18n import t
from kimtrain.reports.groups import GroupStats, group_stats
from kimtrain.reports.privacy import MIN_GROUP
from kimtrain.reports.report import Report
from kimtrain.reports.tables import cell_text

__all__ = ["ALL", "View", "assessments_in", "choices", "explore"]

ALL = ""  # the "every kecamatan" choice


def assessments_in(course) -> list[str]:
    """The assessments the course's gradebook knows, in name order."""
    from sqlalchemy import text

    from kimtrain.course.database import engine as open_engine

    engine = open_engine(course.db_url, readonly=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name FROM assignment WHERE course_id = :c "
                                     "ORDER BY name"), {"c": course.course_id}).all()
    finally:
        engine.dispose()
    return [r[0] for r in rows]


def choices(report: Report) -> dict[str, list[tuple[str, str]]]:
    """Dropdown options as (label, value): kecamatan with enough participants, forms,
    domains."""
    lang = report.lang
    took = report.frame[report.roles].notna().any(axis=1)
    sizes = report.frame[took].groupby("kecamatan").size()
    kecamatan = [(t("report.explore.all", lang=lang), ALL)] + [
        (str(k), str(k)) for k, n in sizes.items() if k and n >= MIN_GROUP]
    forms = [(t(f"report.role.{role}", lang=lang, name=form.name), role)
             for role, form in report.forms.items()]
    domains = list(dict.fromkeys(d for f in report.forms.values() for d in f.domains))
    return {"kecamatan": kecamatan, "form": forms,
            "domain": [(t(f"domain.{d}", lang=lang), d) for d in domains]}


@dataclass
class View:
    title: str
    group: GroupStats
    summary: pd.DataFrame
    competencies: pd.DataFrame
    figure: Any

    def _repr_html_(self) -> str:
        # the title names a kecamatan from the roster: text, never markup
        return (f"<h3>{html.escape(self.title)}</h3>" + self.summary.to_html(index=False)
                + self.competencies.to_html(index=False))


def explore(report: Report, kecamatan: str = ALL, role: str | None = None,
            domain: str | None = None) -> View:
    """The chosen kecamatan's results on one form, and its competencies in one domain
    next to the whole cohort's."""
    lang = report.lang
    role = role or report.roles[-1]
    form = report.forms[role]
    domain = domain or next(iter(form.domains))
    frame = report.frame if kecamatan == ALL else report.frame[
        report.frame["kecamatan"] == kecamatan]
    stats = group_stats(frame, "kecamatan", kecamatan, report.options.cut)
    place = t("report.explore.all", lang=lang) if kecamatan == ALL else kecamatan
    mean = getattr(stats, f"{role}_mean")
    rows = [(t("report.explore.people", lang=lang), cell_text(getattr(stats, f"n_{role}"),
                                                              "int", lang)),
            (t("report.col.mean", lang=lang), cell_text(mean, "pct", lang)),
            (t("report.explore.mastery", lang=lang, cut=f"{report.options.cut:g}"),
             cell_text(getattr(stats, f"mastery_{role}"), "share", lang))]
    if stats.paired is not None:
        rows += [(t("report.col.diff", lang=lang), cell_text(stats.paired.mean_diff, "pp", lang)),
                 (t("report.col.g", lang=lang), cell_text(stats.g, "num2", lang))]
    if stats.suppressed:
        rows.append((t("report.col.note", lang=lang), t("report.reason.small_group", lang=lang)))
    summary = pd.DataFrame(rows, columns=[t("report.col.measure", lang=lang),
                                          t("report.col.value", lang=lang)])
    codes = [i.competency for i in form.data.items if i.domain == domain]
    codes = list(dict.fromkeys(c for c in codes if c))
    here, everyone = [], []
    for code in codes:
        column = f"{role}_comp_{code}"
        part = frame[column].dropna() if column in frame else pd.Series(dtype=float)
        whole = report.frame[column].dropna() if column in report.frame else part
        here.append(float(part.mean()) if len(part) >= MIN_GROUP else np.nan)
        everyone.append(float(whole.mean()) if len(whole) >= MIN_GROUP else np.nan)
    competencies = pd.DataFrame({
        t("report.col.competency", lang=lang): [f"{c} {t(f'competency.{c}', lang=lang)}"
                                                for c in codes],
        place: [cell_text(v, "pct", lang) for v in here],
        t("report.cohort", lang=lang): [cell_text(v, "pct", lang) for v in everyone]})
    title = t("report.explore.title", lang=lang, place=place, form=form.name,
              domain=t(f"domain.{domain}", lang=lang))
    return View(title, stats, summary, competencies,
                _figure(codes, here, everyone, place, title, lang))


def _figure(codes, here, everyone, place, title, lang):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 2.8), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(codes))
    ax.bar(x - 0.2, np.nan_to_num(here), 0.4, label=place, color="#1f6f8b")
    ax.bar(x + 0.2, np.nan_to_num(everyone), 0.4, label=t("report.cohort", lang=lang),
           color="#9aa7b8")
    ax.set_xticks(x, codes)
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("report.plot.mean_score", lang=lang))
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    return fig
