"""``kimtrain report --pre NAME --post NAME --out DIR``: the coordinator's report."""

from __future__ import annotations

import argparse
from pathlib import Path

from kimtrain.commands._output import say
from kimtrain.i18n import t


def report(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.reports import ReportOptions, build_report, write_report
    from kimtrain.reports.tables import cell_text

    course = open_course(args.course)
    options = ReportOptions(pre=args.pre, post=args.post, cut=args.cut, names=args.names)
    result = build_report(course, options)
    out = Path(args.out)
    files = write_report(result, out)
    cohort = result.groups[0]
    for role, form in result.forms.items():
        mean = getattr(cohort, f"{role}_mean")
        say(t("report.cli.summary", n=getattr(cohort, f"n_{role}"), form=form.name,
              mean=cell_text(mean, "pct", result.lang) + (" %" if mean is not None else "")))
    if result.equated is not None:
        say(equated_line(result))
    say(result.cut_info.describe(result.lang))
    say(t("report.cli.done", count=len(files.all()), path=str(out.resolve())))
    say(t("report.cli.open", path=str(files.html.resolve())))
    return 0


def equated_line(result) -> str:
    """One line on the gain after equating (or why there is none)."""
    from kimtrain.reports.tables import cell_text

    e, lang = result.equated, result.lang
    if not (e.linked and e.method) or e.gain is None:
        return t("measure.cli.unlinked", reason=t(e.reason or "measure.reason.not_linked"))
    return t("measure.cli.gain", gain=cell_text(e.gain, "pp", lang),
             low=cell_text(e.ci_low, "pp", lang), high=cell_text(e.ci_high, "pp", lang),
             method=t(f"measure.method.{e.method}"), raw=cell_text(e.raw_diff, "pp", lang))


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help=t("cli.report"), description=t("cli.report"))
    parser.add_argument("--pre", metavar="NAME", help=t("cli.report.pre"))
    parser.add_argument("--post", metavar="NAME", help=t("cli.report.post"))
    parser.add_argument("--out", default="laporan", help=t("cli.report.out"))
    parser.add_argument("--course", default=".", help=t("cli.course"))
    parser.add_argument("--cut", type=float, default=None, help=t("cli.report.cut"))
    parser.add_argument("--names", action="store_true", help=t("cli.report.names"))
    parser.set_defaults(func=report)
