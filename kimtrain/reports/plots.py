"""The report's plots, as PNG bytes (matplotlib's Agg canvas; no pyplot, no display).

* ``distribusi`` — score distributions, pre-test and post-test side by side;
* ``perubahan`` — change per KIM, desa and kecamatan over the pairs, smallest first
  (two tests only; groups under the minimum size left out); of a bigger programme the
  30 smallest, saying so (every group is in the group tables);
* ``kompetensi`` — every competency by name on the latest test, weakest first, the
  summary's weakest three in red, with the cut line;
* ``domain`` — the cohort's mean % per domain, lowest first, with the cut line;
* ``butir`` — every item's facility on the latest test, hardest first, one labelled
  row per item (flagged items marked ⚑).

Every chart is horizontal bars with one row per label, so labels never overlap.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from kimtrain.i18n import t
from kimtrain.reports.analysis import FACILITY_LOW

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kimtrain.reports.report import Report

__all__ = ["PLOTS", "changes_caption", "make_plots"]

CHANGE_BARS = 30  # the change chart's bars at most (the smallest changes)
PLOTS = ("perubahan", "kompetensi", "distribusi", "domain", "butir")
COLOURS = {"pre": "#9aa7b8", "post": "#1f6f8b"}
DPI = 130


def _figure(width: float, height: float, left: float = 0.9, bottom: float = 0.55,
            right: float = 0.15, top: float = 0.35) -> Figure:
    """A figure with fixed margins in inches (a layout engine would draw it twice)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height,
                        top=1 - top / height)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _role_label(report: Report, role: str) -> str:
    return t(f"report.role.{role}", lang=report.lang, name=report.forms[role].name)


def distribution(report: Report) -> bytes:
    fig = _figure(7, 3.2)
    ax = fig.add_subplot()
    bins = [float(b) for b in np.linspace(0, 100, 11)]
    for role, form in report.forms.items():
        values = form.percent[~np.isnan(form.percent)]
        ax.hist(values, bins=bins, alpha=0.75 if role == "post" else 0.9, color=COLOURS[role],
                label=f"{_role_label(report, role)} (n = {len(values)})", edgecolor="white")
    if report.options.cut is not None:
        ax.axvline(report.options.cut, color="#b33", linestyle="--", linewidth=1,
                   label=t("report.plot.cut", lang=report.lang, cut=f"{report.options.cut:g}"))
    ax.set_xlabel(t("report.plot.score", lang=report.lang))
    ax.set_ylabel(t("report.plot.people", lang=report.lang))
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, 100)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(t("report.plot.distribution", lang=report.lang), fontsize=10)
    return _png(fig)


def _hbars(report: Report, labels: list[str], series: dict[str, list[float]], title: str,
           xlabel: str, *, cut: bool = False, zero: bool = False, signed: bool = False,
           highlight: int = 0, empty: str = "report.plot.no_groups", note: str = "") -> bytes:
    """Horizontal bars, one row per label (so long names never overlap), values printed
    at the bar's end in the report's number format; ``note``, in small type under the
    title, says what the bars leave out."""
    import textwrap

    from kimtrain.i18n.formats import number
    from kimtrain.i18n.formats import signed as signed_text

    lang = report.lang
    rows = max(len(labels), 1)
    per_row = 0.22 * max(len(series), 1) + 0.1
    left = min(0.35 + 0.062 * max((len(x) for x in labels), default=8), 4.2)
    legend = cut or len(series) > 1
    bottom = 0.85 if legend else 0.5  # the legend goes under the axis, never over a bar
    note_lines = textwrap.wrap(note, 110)
    top = 0.35 + 0.14 * len(note_lines)
    fig = _figure(7.2, max(1.8, per_row * rows + 0.5 + bottom + top - 0.35), left=left,
                  bottom=bottom, right=0.5, top=top)
    ax = fig.add_subplot()
    if not labels:
        ax.text(0.5, 0.5, t(empty, lang=lang), ha="center", va="center", fontsize=9)
        ax.set_axis_off()
        ax.set_title(title, fontsize=10)
        return _png(fig)
    y = np.arange(len(labels))
    height = 0.8 / max(len(series), 1)
    for offset, (role, values) in enumerate(series.items()):
        shift = (offset - (len(series) - 1) / 2) * height
        colours = [COLOURS.get(role, "#1f6f8b")] * len(values)
        if highlight:
            colours = ["#c0392b" if i < highlight else c for i, c in enumerate(colours)]
        named = role in report.forms and len(series) > 1  # one series needs no legend
        bars = ax.barh(y + shift, values, height, color=colours,
                       label=_role_label(report, role) if named else None)
        texts = [signed_text(v, 1, lang) if signed else number(v, 0, lang) for v in values]
        ax.bar_label(bars, labels=texts, fontsize=7, padding=2)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()  # the first (lowest/weakest) on top
    if signed:
        low = min(0.0, *(min(v) for v in series.values()))
        high = max(1.0, *(max(v) for v in series.values()))
        ax.set_xlim(low - 0.15 * (high - low) - 1, high + 0.18 * (high - low) + 1)
    else:
        ax.set_xlim(0, 112)
    if zero:
        ax.axvline(0, color="#555", linewidth=0.8)
    if cut and report.options.cut is not None:
        ax.axvline(report.options.cut, color="#b33", linestyle="--", linewidth=1,
                   label=t("report.plot.cut", lang=lang, cut=f"{report.options.cut:g}"))
    ax.set_xlabel(xlabel, fontsize=8)
    handles, names = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, names, fontsize=7, frameon=False, loc="lower center", ncol=3)
    fig.text(0.01, 0.99, title, ha="left", va="top", fontsize=10)  # never cut off
    if note_lines:
        fig.text(0.01, 1 - 0.3 / fig.get_figheight(), "\n".join(note_lines), ha="left",
                 va="top", fontsize=7, color="#555")
    return _png(fig)


def domains(report: Report) -> bytes:
    """Domain means, lowest first on the latest test, with the cut line."""
    table = report.table("domain_semua")
    frame = table.frame.assign(code=table.extra.get("codes", []))
    latest = "post" if "post" in report.forms else "pre"
    if latest in frame:
        frame = frame.sort_values(latest, kind="stable", na_position="last")
    labels = [t(f"domain.{c}", lang=report.lang) for c in frame["code"]]
    series = {role: frame[role].astype(float).fillna(0).tolist()
              for role in report.forms if role in frame}
    return _hbars(report, labels, series, t("report.plot.domains", lang=report.lang),
                  t("report.plot.mean_score", lang=report.lang), cut=True)


def competencies(report: Report) -> bytes:
    """Every competency by name, weakest first (the summary's three in red)."""
    summary = report.summary
    table = report.table("kompetensi_semua")
    frame = table.frame.assign(code=table.extra.get("codes", []))
    latest = "post" if "post" in report.forms else "pre"
    frame = frame[frame[latest].notna()] if latest in frame else frame.iloc[:0]
    frame = frame.sort_values([latest, "code"], kind="stable") if len(frame) else frame
    labels = [f"{c} {t(f'competency.{c}', lang=report.lang)}" for c in frame["code"]]
    labels = [x if len(x) <= 58 else x[:56] + "…" for x in labels]
    values = frame[latest].astype(float).tolist() if len(frame) else []
    weak = len(summary.weakest) if summary is not None else 0
    return _hbars(report, labels, {latest: values},
                  t("results.plot.competencies", lang=report.lang,
                    form=_role_label(report, latest)),
                  t("report.plot.mean_score", lang=report.lang), cut=True, highlight=weak)


def changes_left_out(report: Report) -> str:
    """What the change chart leaves out, in words ("" when it shows every group)."""
    found = report.summary.changes if report.summary is not None else []
    if len(found) <= CHANGE_BARS:
        return ""
    return t("results.plot.changes_some", lang=report.lang, shown=CHANGE_BARS,
             total=len(found))


def changes_caption(report: Report) -> str:
    """The change chart's caption in the HTML: its title, and what it leaves out."""
    left_out = changes_left_out(report)
    title = t("results.plot.changes", lang=report.lang)
    return f"{title}. {left_out}." if left_out else title


def changes(report: Report) -> bytes:
    """Change per KIM, desa and kecamatan (pairs), smallest first; of a big programme
    only the :data:`CHANGE_BARS` smallest (hundreds of bars are no chart to read, and
    every group is in the group tables)."""
    summary = report.summary
    found = (summary.changes if summary is not None else [])[:CHANGE_BARS]
    labels = [f"{t(f'results.level.{c.level}', lang=report.lang)}: {c.group} (n = {c.n_pairs})"
              for c in found]
    values = [c.diff for c in found]
    return _hbars(report, labels, {"change": values},
                  t("results.plot.changes", lang=report.lang),
                  t("results.plot.change_axis", lang=report.lang), zero=True, signed=True,
                  empty="results.plot.no_changes", note=changes_left_out(report))


def items(report: Report) -> bytes:
    """Each item's facility (share of points earned) on the latest test, hardest first,
    one labelled row per item; flagged items in red."""
    role = "post" if "post" in report.forms else "pre"
    form = report.forms[role]
    rows = sorted(((r.stats.facility, r) for r in form.items
                   if r.stats and r.stats.facility is not None),
                  key=lambda pair: (pair[0], pair[1].info.id))
    labels = [r.info.id + (" ⚑" if r.flags else "") for _, r in rows]
    values = [100 * facility for facility, _ in rows]
    return _hbars(report, labels, {role: values},
                  t("results.plot.items", lang=report.lang, form=_role_label(report, role)),
                  t("results.plot.items_axis", lang=report.lang),
                  highlight=sum(1 for facility, _ in rows if facility < FACILITY_LOW),
                  empty="report.plot.no_items")


def make_plots(report: Report) -> dict[str, bytes]:
    """Every plot of the report, name -> PNG bytes."""
    plots = {"perubahan": changes(report), "kompetensi": competencies(report),
             "distribusi": distribution(report), "domain": domains(report),
             "butir": items(report)}
    if len(report.forms) < 2:
        del plots["perubahan"]
    return plots
