"""The report's plots, as PNG bytes (matplotlib's Agg canvas; no pyplot, no display).

* ``distribusi`` — score distributions, pre-test and post-test side by side;
* ``domain`` — the cohort's mean % per domain, pre vs post;
* ``heatmap`` — kecamatan × competency, mean % on the latest form (groups under the
  minimum size left out, cells without enough people grey);
* ``butir`` — every item's facility against its discrimination index, with the
  flag thresholds drawn and flagged items labelled.
"""

from __future__ import annotations

import io

import numpy as np

from kimtrain.i18n import t
from kimtrain.reports.analysis import DISCRIMINATION_LOW, FACILITY_HIGH, FACILITY_LOW

__all__ = ["PLOTS", "make_plots"]

PLOTS = ("distribusi", "domain", "heatmap", "butir")
COLOURS = {"pre": "#9aa7b8", "post": "#1f6f8b"}
DPI = 130


def _figure(width: float, height: float, left: float = 0.9, bottom: float = 0.55,
            right: float = 0.15, top: float = 0.35):
    """A figure with fixed margins in inches (a layout engine would draw it twice)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height,
                        top=1 - top / height)
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _role_label(report, role: str) -> str:
    return t(f"report.role.{role}", lang=report.lang, name=report.forms[role].name)


def distribution(report) -> bytes:
    fig = _figure(7, 3.2)
    ax = fig.add_subplot()
    bins = np.linspace(0, 100, 11)
    for role, form in report.forms.items():
        values = form.percent[~np.isnan(form.percent)]
        ax.hist(values, bins=bins, alpha=0.75 if role == "post" else 0.9, color=COLOURS[role],
                label=f"{_role_label(report, role)} (n = {len(values)})", edgecolor="white")
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


def domains(report) -> bytes:
    table = report.table("domain_semua")
    frame = table.frame
    fig = _figure(7, 3.2)
    ax = fig.add_subplot()
    labels = [t(f"domain.short.{c}", lang=report.lang) for c in table.extra.get("codes", [])]
    x = np.arange(len(labels))
    width = 0.38 if len(report.forms) == 2 else 0.6
    for offset, role in enumerate(report.forms):
        values = frame[role].astype(float).fillna(0).to_numpy() if role in frame else []
        shift = (offset - (len(report.forms) - 1) / 2) * width
        bars = ax.bar(x + shift, values, width, color=COLOURS[role],
                      label=_role_label(report, role))
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylim(0, 118)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel(t("report.plot.mean_score", lang=report.lang))
    ax.legend(fontsize=8, frameon=False, loc="upper left", ncol=2)
    ax.set_title(t("report.plot.domains", lang=report.lang), fontsize=10)
    return _png(fig)


def heatmap(report) -> bytes:
    table = report.table("kompetensi_kecamatan")
    role = "post" if "post" in report.forms else "pre"
    frame = table.frame.assign(code=table.extra.get("codes", []))
    groups = list(dict.fromkeys(frame["group"])) if not frame.empty else []
    codes = sorted(set(frame["code"])) if not frame.empty else []
    grid = np.full((len(groups), len(codes)), np.nan)
    for _, row in frame.iterrows():
        value = row.get(role)
        if value is not None and value == value:
            grid[groups.index(row["group"]), codes.index(row["code"])] = float(value)
    left = 0.3 + 0.065 * max((len(g) for g in groups), default=4)
    width = max(5.0, 0.36 * len(codes) + left + 1.3)
    fig = _figure(width, max(2.2, 0.26 * len(groups) + 1.0), left=left, right=1.3, bottom=0.4)
    ax = fig.add_subplot()
    if groups and codes:
        from matplotlib import colormaps

        cmap = colormaps["RdYlGn"].with_extremes(bad="#dddddd")
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=100,
                          aspect="auto")
        ax.set_xticks(range(len(codes)), codes, fontsize=7)
        ax.set_yticks(range(len(groups)), groups, fontsize=7)
        if grid.size <= 300:  # beyond that the numbers are unreadable; the table has them
            for (r, c), value in np.ndenumerate(grid):
                if value == value:
                    ax.text(c, r, f"{value:.0f}", ha="center", va="center", fontsize=6)
        bar = fig.add_axes((1 - 1.0 / width, 0.15, 0.15 / width, 0.7))
        fig.colorbar(image, cax=bar, label=t("report.plot.mean_score", lang=report.lang))
    else:
        ax.text(0.5, 0.5, t("report.plot.no_groups", lang=report.lang), ha="center",
                va="center", fontsize=9)
        ax.set_axis_off()
    ax.set_title(t("report.plot.heatmap", lang=report.lang, form=_role_label(report, role)),
                 fontsize=10)
    return _png(fig)


def items(report) -> bytes:
    fig = _figure(7, 3.6)
    ax = fig.add_subplot()
    ax.axvspan(0, FACILITY_LOW, color="#f4dede", zorder=0)
    ax.axvspan(FACILITY_HIGH, 1, color="#f4dede", zorder=0)
    ax.axhline(DISCRIMINATION_LOW, color="#b33", linestyle="--", linewidth=1)
    ax.axhline(0, color="#555", linewidth=0.8)
    for role, form in report.forms.items():
        points = [(r.stats.facility, r.stats.discrimination, r.info.id, bool(r.flags))
                  for r in form.items if r.stats and r.stats.discrimination is not None]
        if not points:
            continue
        xs, ys, _ids, _flagged = zip(*points, strict=True)
        ax.scatter(xs, ys, s=22, color=COLOURS[role], label=_role_label(report, role),
                   edgecolor="white", linewidth=0.5, zorder=3)
        if len(points) <= 80:
            for x, y, item, flag in points:
                if flag:
                    ax.annotate(item, (x, y), fontsize=6, xytext=(3, 3),
                                textcoords="offset points")
    ax.set_xlim(0, 1)
    ax.set_ylim(min(-20, ax.get_ylim()[0]), 100)
    if not ax.get_legend_handles_labels()[0]:
        ax.text(0.5, 50, t("report.plot.no_items", lang=report.lang), ha="center", fontsize=9)
        ax.set_title(t("report.plot.items", lang=report.lang), fontsize=10)
        return _png(fig)
    ax.set_xlabel(t("report.plot.facility", lang=report.lang))
    ax.set_ylabel(t("report.plot.discrimination", lang=report.lang))
    ax.legend(fontsize=8, frameon=False, loc="lower center")
    ax.set_title(t("report.plot.items", lang=report.lang), fontsize=10)
    return _png(fig)


def make_plots(report) -> dict[str, bytes]:
    """Every plot of the report, name -> PNG bytes."""
    return {"distribusi": distribution(report), "domain": domains(report),
            "heatmap": heatmap(report), "butir": items(report)}
