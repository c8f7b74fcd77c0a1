"""The report's reaction-survey chapter (Kirkpatrick level 1).

Per statement: how many answered, the share giving each of the five answers, the
mean and the share who agree (4 or 5); per day: how many answered against how many
were present; then the open answers, as text. With fewer than
:data:`~kimtrain.reports.privacy.MIN_GROUP` respondents nothing but the count is
shown: a distribution of three people, or their own words, would point at them.
The answers carry no identity (:mod:`kimtrain.evaluation.survey_store`); the open
answers are listed in alphabetical order, so even their order says nothing.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.errors import KimtrainError
from kimtrain.i18n import t
from kimtrain.reports.privacy import MIN_GROUP
from kimtrain.reports.tables import Column, Table

__all__ = ["likert_plot", "survey_html", "survey_tables"]

SCALE = (1, 2, 3, 4, 5)


def _definition(course: Course) -> Any:
    from kimtrain.evaluation.survey import load_survey, survey_path

    try:
        return load_survey(survey_path(course.root))
    except KimtrainError:
        return None


def survey_tables(course: Course, lang: str) -> list[Table]:
    """The survey's tables (none when nobody answered)."""
    from kimtrain.evaluation.attendance import read_day
    from kimtrain.evaluation.attendance_export import weekday_date
    from kimtrain.evaluation.survey_store import answered, read_answers, survey_days

    answers = read_answers(course.root)
    if not answers:
        return []
    survey = _definition(course)
    n = len(answers)
    hidden = n < MIN_GROUP
    items = ([(i.id, i.shown(lang), i.aspect) for i in survey.items] if survey else
             [(k, k, "") for k in sorted({k for a in answers for k in a.scores})])
    rows: list[dict[str, Any]] = []
    for item_id, text, aspect in items:
        values = [a.scores.get(item_id) for a in answers]
        given = [v for v in values if v in SCALE]
        row: dict[str, Any] = {"item": text, "aspect": t(f"survey.aspect.{aspect}", lang=lang)
                               if aspect else "", "n": len(given)}
        for v in SCALE:
            row[f"s{v}"] = (None if hidden or not given else
                            sum(1 for g in given if g == v) / len(given))
        row["mean"] = None if hidden or not given else sum(given) / len(given)
        row["agree"] = (None if hidden or not given else
                        sum(1 for g in given if g >= 4) / len(given))
        rows.append(row)
    scale = survey.scale_in(lang) if survey else {v: str(v) for v in SCALE}
    columns = [Column("item", t("survey.report.col.item", lang=lang)),
               Column("aspect", t("survey.report.col.aspect", lang=lang)),
               Column("n", t("survey.report.col.n", lang=lang), "int"),
               *(Column(f"s{v}", f"{v} {scale.get(v, '')}".strip(), "share") for v in SCALE),
               Column("mean", t("survey.report.col.mean", lang=lang), "num2"),
               Column("agree", t("survey.report.col.agree", lang=lang), "share")]
    note = (t("survey.report.hidden", lang=lang, n=n, min=MIN_GROUP) if hidden
            else t("survey.report.note", lang=lang, n=n))
    tables = [Table.build("survei_butir", t("survey.report.table.items", lang=lang), columns,
                          rows, note=note, extra={"respondents": n, "hidden": hidden})]
    day_rows = []
    for day in survey_days(course.root):
        present = {m.participant for m in read_day(course.root, day)}
        count = len(answered(course.root, day))
        day_rows.append({"day": weekday_date(day, lang), "respondents": count,
                         "present": len(present) if present else None,
                         "rate": count / len(present) if present else None})
    tables.append(Table.build("survei_hari", t("survey.report.table.days", lang=lang), [
        Column("day", t("attendance.report.col.day", lang=lang)),
        Column("respondents", t("survey.report.col.respondents", lang=lang), "int"),
        Column("present", t("survey.report.col.present", lang=lang), "int"),
        Column("rate", t("survey.report.col.rate", lang=lang), "share")], day_rows,
        note=t("survey.report.days_note", lang=lang)))
    open_rows = []
    questions = ([(q.id, q.shown(lang)) for q in survey.open] if survey else
                 [(k, k) for k in sorted({k for a in answers for k in a.texts})])
    if not hidden:
        for qid, text in questions:
            said = sorted((a.texts.get(qid) or "").strip() for a in answers)
            open_rows += [{"question": text, "answer": s} for s in said if s]
    tables.append(Table.build("survei_terbuka", t("survey.report.table.open", lang=lang), [
        Column("question", t("survey.report.col.question", lang=lang)),
        Column("answer", t("survey.report.col.answer", lang=lang))], open_rows,
        note=t("survey.report.hidden", lang=lang, n=n, min=MIN_GROUP) if hidden else
        t("survey.report.open_note", lang=lang)))
    return tables


def _meaning(table: Table, lang: str) -> str:
    n = table.extra.get("respondents", 0)
    if table.extra.get("hidden"):
        return t("survey.report.hidden", lang=lang, n=n, min=MIN_GROUP)
    frame = table.frame.dropna(subset=["agree"])
    if frame.empty:
        return ""
    low = frame.sort_values("agree").iloc[0]
    high = frame.sort_values("agree").iloc[-1]

    def pct(value: float) -> str:
        return f"{100 * value:.0f}" if not math.isnan(value) else "–"

    return t("survey.report.meaning", lang=lang, n=n, high=high["item"],
             high_pct=pct(float(high["agree"])), low=low["item"],
             low_pct=pct(float(low["agree"])))


COLOURS = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")  # 1 … 5


def likert_plot(table: Table) -> bytes | None:
    """One bar per statement, the five answers stacked left to right (100 %)."""
    frame = table.frame.dropna(subset=["s1"])
    if frame.empty:
        return None
    import textwrap

    from kimtrain.reports.plots import _figure, _png

    labels = ["\n".join(textwrap.wrap(str(text), 46)) for text in frame["item"]]
    fig = _figure(7.2, 0.62 * len(frame) + 1.2, left=3.3, bottom=0.5, right=0.2, top=0.6)
    ax = fig.add_subplot(111)
    rows = list(range(len(frame)))[::-1]  # the file's order, top to bottom
    start = [0.0] * len(frame)
    for value, colour in zip(SCALE, COLOURS, strict=True):
        widths = [100 * float(v) for v in frame[f"s{value}"]]
        ax.barh(rows, widths, left=start, color=colour, height=0.62,
                label=table.columns[2 + value].label)
        for row, left, width in zip(rows, start, widths, strict=True):
            if width >= 8:
                ax.text(left + width / 2, row, f"{width:.0f}", ha="center", va="center",
                        fontsize=7, color="white" if value in (1, 5) else "black")
        start = [a + b for a, b in zip(start, widths, strict=True)]
    ax.set_yticks(rows, labels, fontsize=7.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("%", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(ncol=3, fontsize=6.5, loc="lower center", bbox_to_anchor=(0.3, 1.0),
              frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)


def survey_html(tables: dict[str, Table], lang: str) -> list[str]:
    """The chapter's HTML (empty when nobody answered)."""
    items = tables.get("survei_butir")
    if items is None:
        return []
    from kimtrain.reports.html import _figure, _table

    parts = [f'<section id="survey"><h2>{escape(t("survey.report.section", lang=lang))}</h2>',
             f"<p>{escape(t('survey.report.intro', lang=lang))}</p>",
             f'<p class="artinya">{escape(_meaning(items, lang))}</p>']
    png = likert_plot(items)
    if png is not None:
        parts.append(_figure(png, t("survey.report.plot", lang=lang)))
    parts.append(_table(items, lang))
    parts += [_table(tables[k], lang) for k in ("survei_hari", "survei_terbuka") if k in tables]
    return ["\n".join(parts) + "</section>"]
