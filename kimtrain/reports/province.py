"""Province roll-up: several courses (each its own gradebook database) in one report,
by kabupaten/kota, kecamatan and KIM.

Each course is read as its own report reads it (:func:`kimtrain.reports.data.load_form`:
scores, chosen options, roster groups and manifest from the gradebook database), then
the participant rows are stacked; a participant is ``<course>/<code>`` so two courses'
``KIM-001`` stay two people. The course's kabupaten/kota is the one set with
``kimtrain db kabupaten`` (else the course id). Groups are keyed with their parents
(``kabupaten / kecamatan``, ``kabupaten / KIM``), so namesakes in two regencies never
merge.

The same privacy rules as the course report (:mod:`kimtrain.reports.privacy`): every
figure comes from :func:`kimtrain.reports.groups.group_stats`, so a group with fewer
than :data:`~kimtrain.reports.privacy.MIN_GROUP` participants is never shown (its row
is left out and counted), and no participant is named or listed at all — there is no
per-participant table, so no code or pseudonym leaves a course.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kimtrain.course.layout import Course
from kimtrain.errors import CourseError
from kimtrain.i18n import t
from kimtrain.reports.groups import GroupStats, group_stats
from kimtrain.reports.privacy import MIN_GROUP

__all__ = ["LEVELS", "ProvinceReport", "province_frame", "province_report",
           "write_province"]

LEVELS = ("kabupaten", "kecamatan", "kim")


@dataclass
class ProvinceReport:
    forms: dict[str, str]  # role -> form name
    courses: list[str]
    participants: int
    cohort: GroupStats
    levels: dict[str, list[GroupStats]]  # shown groups
    suppressed: dict[str, int]  # level -> groups left out


def province_frame(courses: list[Course], forms: dict[str, str]) -> pd.DataFrame:
    """One row per participant of every course: kabupaten, kecamatan, kim, and the
    ``pre``/``post`` percent scores."""
    from kimtrain.course.tables import get_setting
    from kimtrain.reports.analysis import analyse_form
    from kimtrain.reports.data import load_form, load_roster
    from kimtrain.reports.groups import participant_frame

    parts = []
    for course in courses:
        analysed = {role: analyse_form(load_form(course, name)) for role, name in forms.items()}
        frame = participant_frame(load_roster(course), analysed)
        kabupaten = get_setting(course, "kabupaten") or course.course_id
        frame["kabupaten"] = kabupaten
        frame["kecamatan"] = [f"{kabupaten} / {k}" if k else "" for k in frame["kecamatan"]]
        frame["kim"] = [f"{kabupaten} / {k}" if k else "" for k in frame["kim"]]
        frame.index = pd.Index([f"{course.course_id}/{p}" for p in frame.index],
                               name="participant")
        parts.append(frame[["on_roster", *LEVELS, *forms]])
    return pd.concat(parts) if parts else pd.DataFrame()


def province_report(courses: list[Course], forms: dict[str, str],
                    cut: float | None = None) -> ProvinceReport:
    if not courses:
        raise CourseError("province.no_courses")
    from kimtrain.reports.standard_setting import cut_for

    cuts = {role: cut_for(courses[0], name, cut).cut for role, name in forms.items()}
    frame = province_frame(courses, forms)
    levels: dict[str, list[GroupStats]] = {}
    suppressed: dict[str, int] = {}
    for level in LEVELS:
        rows = [group_stats(part, level, str(group), cuts)
                for group, part in frame[frame[level] != ""].groupby(level, sort=True)]
        levels[level] = [r for r in rows if not r.suppressed]
        suppressed[level] = sum(1 for r in rows if r.suppressed)
    took = frame[list(forms)].notna().any(axis=1)
    return ProvinceReport(forms, [c.course_id for c in courses], int(took.sum()),
                          group_stats(frame, "cohort", "", cuts), levels, suppressed)


def _cell(value: float | None) -> str:
    from kimtrain.i18n.formats import number

    return "—" if value is None else number(value, 1)


def _rows(report: ProvinceReport, level: str) -> list[list[str]]:
    out = []
    for g in report.levels[level]:
        n = max(g.n_pre, g.n_post)
        change = None
        if g.paired is not None and g.pair_pre_mean is not None \
                and g.pair_post_mean is not None:
            change = g.pair_post_mean - g.pair_pre_mean
        out.append([g.group, str(n), _cell(g.pre_mean), _cell(g.post_mean), _cell(change)])
    return out


def write_province(report: ProvinceReport, out: Path) -> list[Path]:
    """``provinsi.html`` (every label escaped) and one ``provinsi-<level>.csv`` per level
    (``;`` and decimal comma, as the course report's CSV files)."""
    out.mkdir(parents=True, exist_ok=True)
    head = [t("province.col.group"), t("province.col.n"), t("province.col.pre"),
            t("province.col.post"), t("province.col.change")]
    written = []
    title = t("province.title", forms=" → ".join(report.forms.values()))
    body = [f"<h1>{html.escape(title)}</h1>",
            f"<p>{html.escape(', '.join(report.courses))}</p>",
            f"<p>{html.escape(t('province.note'))}</p>"]
    for level in LEVELS:
        rows = _rows(report, level)
        name = t(f"province.level.{level}")
        body.append(f"<h2>{html.escape(t('province.by', level=name))}</h2><table>")
        body.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>")
        body += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                 for row in rows]
        body.append("</table>")
        if report.suppressed[level]:
            body.append(f"<p>{html.escape(t('province.suppressed', count=report.suppressed[level], min=MIN_GROUP))}</p>")  # noqa: E501
        csv_path = out / f"provinsi-{level}.csv"
        lines = [";".join(head)] + [";".join(c.replace(";", ",") for c in row)
                                    for row in rows]
        csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
        written.append(csv_path)
    page = out / "provinsi.html"
    page.write_text("<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\">"
                    f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
                    "max-width:60rem;margin:auto}table{border-collapse:collapse}"
                    "td,th{border:1px solid #999;padding:.2rem .5rem}</style></head><body>"
                    + "\n".join(body) + "</body></html>", encoding="utf-8")
    return [page, *written]
