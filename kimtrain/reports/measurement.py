"""The report's measurement layer: how the two forms are linked, the equated gain, the
item calibration and the method notes that say so (issue 11).

:func:`measure` reads the design each built form declares in its manifest (and, for
counterbalancing, ``roster/urutan.csv``), turns each form into a 0/1 matrix and calls
:func:`kimtrain.reports.equating.equate`. The result, an
:class:`~kimtrain.reports.equating.EquatedGain`, is ``Report.equated``: the one-page
summary and the tables below read it. When the pair is not linked the report says so
and :func:`withhold_claims` takes ⟨g⟩, its bands, c and mastery out of the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from kimtrain.assessment.design import ORDER_FILE, load_orders
from kimtrain.assessment.manifest import load_manifest
from kimtrain.course.layout import Course
from kimtrain.errors import CourseError
from kimtrain.i18n import t
from kimtrain.reports.analysis import FormAnalysis
from kimtrain.reports.data import FormData
from kimtrain.reports.equating import EquatedGain, FormMatrix, Link, equate
from kimtrain.reports.standard_setting import CutScore
from kimtrain.reports.tables import Column, Table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["equating_tables", "form_matrix", "group_gain_table", "measure", "method_notes",
           "read_link", "withhold_claims"]

UNLINKED_COLUMNS = ("g", "band", "c", "mastery_pre", "mastery_post")
UNLINKED_ROWS = ("g", "band", "c", "mastery_pre", "mastery_post")


def form_matrix(form: FormData) -> FormMatrix:
    """1 where an automatically scored item earned full marks, 0 where not, NaN where it
    is not scored; written tasks are left out (a person scores them, knowing the occasion)."""
    keep = [i for i, item in enumerate(form.items) if item.type != "written"]
    scores = form.scores[:, keep]
    top = form.max_points[keep]
    correct = np.where(np.isnan(scores), np.nan, (scores >= top - 1e-9).astype(float))
    return FormMatrix(form.name, list(form.participants), [form.items[i].id for i in keep],
                      correct)


def _linking(course: Course, name: str) -> dict[str, Any] | None:
    try:
        manifest = load_manifest(course.source_dir(name), name)
    except CourseError:
        return None
    found = manifest.get("linking")
    return found if isinstance(found, dict) else None


def read_link(course: Course, pre: str, post: str) -> Link:
    """The design both forms declare, or ``none`` with the reason."""
    a, b = _linking(course, pre), _linking(course, post)
    if a is None or b is None:
        return Link("none", reason="measure.reason.not_declared")
    if a.get("pair") != post or b.get("pair") != pre or a.get("design") != b.get("design"):
        return Link("none", reason="measure.reason.not_a_pair")
    design = str(a.get("design"))
    if design == "anchor":
        return Link(design, tuple(a.get("anchor") or ()))
    if design == "counterbalanced":
        orders = load_orders(course.root / "roster" / ORDER_FILE, pre, post)
        return Link(design, (), orders, None if orders else "measure.reason.no_order")
    return Link(design)


def measure(course: Course, forms: dict[str, FormAnalysis]) -> EquatedGain | None:
    """The equated gain of a pre/post pair; None for a single form."""
    if set(forms) != {"pre", "post"}:
        return None
    pre, post = forms["pre"].data, forms["post"].data
    link = read_link(course, pre.name, post.name)
    return equate(form_matrix(pre), form_matrix(post), link)


def withhold_claims(tables: list[Table]) -> None:
    """Take ⟨g⟩, its band, c and mastery out of the summary and group tables (in place):
    without a link between the forms they would read form difficulty as learning."""
    for table in tables:
        if table.key == "ringkasan" and "key" in table.frame:
            table.frame = table.frame[~table.frame["key"].isin(UNLINKED_ROWS)]
        if table.key.startswith("kelompok_") or table.key == "peserta":
            table.columns = [c for c in table.columns if c.id not in UNLINKED_COLUMNS
                             and not c.id.startswith("mastered_")]
            table.frame = table.frame.reindex(columns=[c.id for c in table.columns])


def _num(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def equating_tables(equated: EquatedGain | None, lang: str | None) -> list[Table]:
    """The equated gain (one table) and the item calibration (difficulty, fit)."""
    if equated is None:
        return []

    def col(cid: str, kind: str = "text") -> Column:
        return Column(cid, t(f"measure.col.{cid}", lang=lang), kind)

    rows: list[dict[str, Any]] = []

    def add(key: str, value: Any, kind: str) -> None:
        rows.append({"measure": t(f"measure.sum.{key}", lang=lang), "value": value,
                     "kind": kind})

    add("design", t(f"measure.design.{equated.design}", lang=lang), "text")
    if equated.linked and equated.method:
        add("method", t(f"measure.method.{equated.method}", lang=lang), "text")
        add("n_pairs", equated.n_pairs, "int")
        add("n_common", equated.n_common, "int")
        add("pre_mean", _num(equated.pre_mean), "pct")
        add("post_mean", _num(equated.post_mean), "pct")
        add("gain", _num(equated.gain), "pp")
        add("ci_low", _num(equated.ci_low), "pp")
        add("ci_high", _num(equated.ci_high), "pp")
        if equated.gain_logit is not None:
            add("gain_logit", _num(equated.gain_logit), "num2")
            add("logit_ci", f"{equated.logit_ci_low:.2f} – {equated.logit_ci_high:.2f}"
                if equated.logit_ci_low is not None else None, "text")
        add("raw_diff", _num(equated.raw_diff), "pp")
    frame_note = t(equated.reason, lang=lang) if equated.reason else t(
        "measure.note.gain" + _analytic(equated), lang=lang)
    import pandas as pd

    summary = Table("kenaikan_setara", t("measure.table.gain", lang=lang),
                    [col("measure"), Column("value", t("measure.col.value", lang=lang),
                                            "mixed")],
                    pd.DataFrame(rows, columns=["measure", "value", "kind"]), note=frame_note)
    items = [{"item": i.item, "forms": t(f"measure.forms.{i.forms.replace('+', '_')}",
                                         lang=lang),
              "difficulty": i.difficulty, "se": i.se, "infit": i.infit, "outfit": i.outfit,
              "n": i.n, "note": t("measure.flag.misfit", lang=lang) if i.misfit else ""}
             for i in equated.items]
    calibration = Table.build("kalibrasi_butir", t("measure.table.items", lang=lang), [
        col("item"), col("forms"), col("difficulty", "num2"), col("se", "num2"),
        col("infit", "num2"), col("outfit", "num2"), col("n", "int"), col("note")], items,
        note=t("measure.note.items", lang=lang))
    return [summary, calibration]


def group_gain_table(equated: EquatedGain | None, frame: pd.DataFrame,
                     lang: str | None) -> Table | None:
    """The equated gain of the cohort, each KIM group and each kecamatan: mean of each
    pair's equated post − pre with a t-based 95 % interval (the linking error of the
    cohort's bootstrap is not added here); groups under the minimum size are hidden."""
    import pandas as pd
    from scipy.special import stdtrit

    from kimtrain.reports.privacy import MIN_GROUP

    if equated is None or not (equated.linked and equated.method) or \
            equated.pre_equated is None:
        return None
    index = pd.Index(equated.participants)
    pre = pd.Series(equated.pre_equated, index=index)
    post = pd.Series(equated.post_equated, index=index)
    known = frame.reindex(index)
    rows = []
    for level in ("cohort", "kim", "kecamatan"):
        keys = pd.Series("", index=index) if level == "cohort" else known[level].fillna("")
        for group, members in keys.groupby(keys, sort=True).groups.items():
            d = (post[members] - pre[members]).to_numpy(dtype=float)
            label = t("report.cohort", lang=lang) if level == "cohort" else (
                group or t("report.unlisted", lang=lang))
            row: dict[str, Any] = {"level": t(f"measure.level.{level}", lang=lang),
                                   "group": label, "n": len(d)}
            if len(d) < MIN_GROUP:
                row["note"] = t("report.reason.small_group", lang=lang)
                row["n"] = None
            else:
                half = (float(stdtrit(len(d) - 1, 0.975)) * d.std(ddof=1) / np.sqrt(len(d))
                        if len(d) > 1 else np.nan)
                row.update(pre=float(pre[members].mean()), post=float(post[members].mean()),
                           gain=float(d.mean()), ci_low=float(d.mean() - half),
                           ci_high=float(d.mean() + half), note="")
            rows.append(row)

    def col(cid: str, kind: str = "text") -> Column:
        return Column(cid, t(f"measure.col.{cid}", lang=lang), kind)

    return Table.build("kenaikan_setara_kelompok", t("measure.table.groups", lang=lang), [
        col("level"), col("group"), col("n", "int"), col("pre", "pct"), col("post", "pct"),
        col("gain", "pp"), col("ci_low", "pp"), col("ci_high", "pp"), col("note")], rows,
        note=t("measure.note.groups", lang=lang, n=MIN_GROUP))


def method_notes(equated: EquatedGain | None, lang: str | None,
                 cuts: CutScore | Sequence[CutScore] | None = ()) -> list[str]:
    """Plain-language notes on how the forms were linked, the gain computed and each
    form's cut score set (``cuts``: :class:`~kimtrain.reports.standard_setting.CutScore`,
    one, a list, or none). Mastery on each form uses that form's own cut."""
    if cuts is None:
        cuts = []
    elif isinstance(cuts, CutScore):
        cuts = [cuts]
    cut_note = [c.describe(lang) for c in cuts]
    if equated is None:
        return [t("measure.method.single", lang=lang), *cut_note]
    notes = [t(f"measure.explain.{equated.design}", lang=lang, n=equated.n_common)]
    if equated.linked and equated.method:
        notes.append(t(f"measure.explain.method.{equated.method}{_analytic(equated)}",
                       lang=lang, boot=equated.bootstrap))
    elif equated.linked:  # linked, but too few pairs for a gain
        notes.append(t(equated.reason or "measure.reason.too_few_pairs", lang=lang))
    else:
        notes.append(t("measure.explain.withheld", lang=lang))
    notes.append(t("measure.explain.competency", lang=lang))
    return notes + cut_note


def _analytic(equated: Any) -> str:
    """The key suffix for a Rasch interval computed analytically (large cohorts)."""
    return "_analytic" if equated.method == "rasch" and equated.bootstrap == 0 else ""
