"""``kimtrain report --pre NAME --post NAME --out DIR``: the coordinator's report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kimtrain.commands._output import say
from kimtrain.defaults import DEFAULT_COURSE
from kimtrain.i18n import t

if TYPE_CHECKING:
    from kimtrain.course.layout import Course
    from kimtrain.reports.report import Report


def report(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.reports import ReportOptions, build_report, write_report

    courses = args.course or [DEFAULT_COURSE]
    if len(courses) > 1:  # several courses (databases): the province roll-up
        return province(args, [open_course(c) for c in courses])
    course = open_course(courses[0])
    from kimtrain.commands._hints import check_graded

    for option, name in (("--pre", args.pre), ("--post", args.post)):
        if name:
            check_graded(course, name, option)
    options = ReportOptions(pre=args.pre, post=args.post, cut=args.cut, names=args.names,
                            internal=args.internal)
    result = build_report(course, options)
    out = Path(args.out)
    files = write_report(result, out)
    for sentence in result.summary.sentences:  # the summary page, in the same words
        say(f"- {sentence}")
    say()
    if result.equated is not None:
        say(equated_line(result))
    say(result.cut_info.describe(result.lang))
    say(t("report.cli.done", count=len(files.all()), path=str(out.resolve())))
    if files.summary is not None:
        say(t("results.cli.summary_page", path=str(files.summary.resolve())))
    say(t("report.cli.open", path=str(files.html.resolve())))
    return 0


def province(args: argparse.Namespace, courses: list[Course]) -> int:
    from kimtrain.reports.province import province_report, write_province

    forms = {role: name for role, name in (("pre", args.pre), ("post", args.post)) if name}
    if not forms:
        from kimtrain.errors import CourseError

        raise CourseError("report.no_forms")
    result = province_report(courses, forms, args.cut)
    files = write_province(result, Path(args.out))
    say(t("province.done", courses=len(courses), participants=result.participants,
          path=str(files[0].resolve())))
    return 0


def equated_line(result: Report) -> str:
    """One line on the gain after equating (or why there is none)."""
    from kimtrain.reports.tables import cell_text

    e, lang = result.equated, result.lang
    if e is None or not (e.linked and e.method) or e.gain is None:
        reason = e.reason if e is not None else None
        return t("measure.cli.unlinked", reason=t(reason or "measure.reason.not_linked"))
    return t("measure.cli.gain", gain=cell_text(e.gain, "pp", lang),
             low=cell_text(e.ci_low, "pp", lang), high=cell_text(e.ci_high, "pp", lang),
             method=t(f"measure.method.{e.method}"), raw=cell_text(e.raw_diff, "pp", lang))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("report", help=t("cli.report"), description=t("cli.report"))
    parser.add_argument("--pre", metavar="NAME", help=t("cli.report.pre"))
    parser.add_argument("--post", metavar="NAME", help=t("cli.report.post"))
    parser.add_argument("--out", default="laporan", help=t("cli.report.out"))
    # repeated: several courses (each its own database) in one province roll-up
    parser.add_argument("--course", action="append", metavar="DIR",
                        help=t("cli.province.course"))
    parser.add_argument("--cut", type=float, default=None, help=t("cli.report.cut"))
    parser.add_argument("--names", action="store_true", help=t("cli.report.names"))
    parser.add_argument("--internal", action="store_true", help=t("results.cli.internal"))
    parser.set_defaults(func=report)
