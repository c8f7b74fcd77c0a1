"""``kimtrain attendance``: the attendance list per day (XLSX and PDF), and the plan."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kimtrain.commands._output import say
from kimtrain.errors import CourseError
from kimtrain.i18n import t


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CourseError("report.cert.bad_date", date=text) from None


def attendance(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.course.roster import load_roster
    from kimtrain.evaluation.attendance import load_plan, read_all, write_plan_template
    from kimtrain.evaluation.attendance_export import export_day
    from kimtrain.i18n import get_language

    course = open_course(args.course)
    if args.plan:
        path = write_plan_template(course.root, args.activity or course.course_id,
                                   _day(args.start) or date.today(), args.days)
        say(t("attendance.plan.written", path=str(path)))
        return 0
    plan = load_plan(course.root, args.activity or course.course_id)
    roster = load_roster(course)
    if not roster:
        raise CourseError("cards.empty")
    wanted = _day(args.day)
    if wanted is not None:
        days = [wanted]
    else:  # every day of the plan that has begun (a blank list for today is for paper)
        marked = {date.fromisoformat(m.session.split("/")[0]) for m in read_all(course.root)}
        days = [d.day for d in plan.days if d.day <= date.today() or d.day in marked]
    out = Path(args.out)
    for day in days:
        xlsx, pdf, count = export_day(plan, day, roster, course.root, out,
                                      lang=get_language())
        say(t("attendance.export.done", date=day.isoformat(), count=count,
              xlsx=str(xlsx.resolve()), pdf=str(pdf.resolve())))
    if not days:
        say(t("attendance.export.none"))
    else:
        say(t("attendance.export.private", path=str(out.resolve())))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("attendance", help=t("cli.attendance"),
                            description=t("cli.attendance"))
    parser.add_argument("--day", metavar="YYYY-MM-DD", help=t("cli.attendance.day"))
    parser.add_argument("--out", default="daftar-hadir", help=t("cli.attendance.out"))
    parser.add_argument("--course", default=".", help=t("cli.course"))
    parser.add_argument("--activity", help=t("cli.attendance.activity"))
    parser.add_argument("--plan", action="store_true", help=t("cli.attendance.plan"))
    parser.add_argument("--days", type=int, default=1, help=t("cli.attendance.days"))
    parser.add_argument("--start", metavar="YYYY-MM-DD", help=t("cli.attendance.start"))
    parser.set_defaults(func=attendance)
