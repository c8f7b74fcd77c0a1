"""The report's attendance chapter: how many were present at each session.

Counts only, no names (the names are on the printed attendance list, ``kimtrain
attendance``, which stays with the office). Read from the session plan and the
presence records of :mod:`kimtrain.evaluation.attendance`; a course where nobody
signed in has no chapter.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.course.roster import Participant
from kimtrain.errors import KimtrainError
from kimtrain.i18n import t
from kimtrain.reports.tables import Column, Table

__all__ = ["attendance_html", "attendance_tables"]


def attendance_tables(course: Course, roster: list[Participant], lang: str) -> list[Table]:
    """One row per session (present, share, by phone, by the facilitator), and a last
    row for those present at every session."""
    from kimtrain.evaluation.attendance import load_plan, read_all
    from kimtrain.evaluation.attendance_export import weekday_date

    marks = read_all(course.root)
    if not marks:
        return []
    try:
        plan = load_plan(course.root, course.course_id)
        sessions = {s.key: s for s in plan.sessions}
    except KimtrainError:  # a plan broken since: the sessions by their keys
        sessions = {}
    codes = {p.id.upper() for p in roster}
    keys = sorted({m.session for m in marks} | {k for k in sessions
                                                 if k.split("/")[0] <= max(
                                                     m.session.split("/")[0] for m in marks)})
    total = len(codes)
    rows: list[dict[str, Any]] = []
    everywhere = set(codes)
    for key in keys:
        here = [m for m in marks if m.session == key and m.participant in codes]
        everywhere &= {m.participant for m in here}
        day = date.fromisoformat(key.split("/")[0])
        session = sessions.get(key)
        rows.append({"day": weekday_date(day, lang),
                     "session": session.label(lang) if session else key.split("/")[1],
                     "roster": total, "present": len(here),
                     "share": len(here) / total if total else None,
                     "phone": sum(1 for m in here if m.via == "ponsel"),
                     "hand": sum(1 for m in here if m.via == "pelatih")})
    rows.append({"day": t("attendance.report.all_sessions", lang=lang), "session": "",
                 "roster": total, "present": len(everywhere),
                 "share": len(everywhere) / total if total else None, "phone": None,
                 "hand": None})
    columns = [Column(c, t(f"attendance.report.col.{c}", lang=lang), kind) for c, kind in (
        ("day", "text"), ("session", "text"), ("roster", "int"), ("present", "int"),
        ("share", "share"), ("phone", "int"), ("hand", "int"))]
    return [Table.build("hadir_sesi", t("attendance.report.table", lang=lang), columns, rows,
                        note=t("attendance.report.note", lang=lang))]


def attendance_html(tables: dict[str, Table], lang: str) -> list[str]:
    """The chapter's HTML (empty when nobody signed in)."""
    table = tables.get("hadir_sesi")
    if table is None:
        return []
    from kimtrain.reports.html import _table

    frame = table.frame
    last = frame.iloc[-1]
    sessions = frame.iloc[:-1]
    mean = float(sessions["share"].mean()) if len(sessions) else 0.0
    meaning = t("attendance.report.meaning", lang=lang, sessions=len(sessions),
                mean=f"{100 * mean:.0f}".replace(".", ","), all=int(last["present"]),
                total=int(last["roster"]))
    return [f'<section id="attendance"><h2>{escape(t("attendance.report.section", lang=lang))}'
            f'</h2><p class="artinya">{escape(meaning)}</p>{_table(table, lang)}</section>']
