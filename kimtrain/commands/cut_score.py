"""``kimtrain cut-score worksheet|set FORM``: cut scores set by judges (modified Angoff)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.i18n import t


def worksheet(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.reports.standard_setting import write_worksheet

    course = open_course(args.course)
    out = Path(args.out or f"{args.form}-angoff.xlsx")
    write_worksheet(course, args.form, out, judges=args.judges)
    say(t("cut.cli.worksheet", path=str(out.resolve()), judges=args.judges, form=args.form))
    return 0


def set_(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.reports.standard_setting import set_cut

    course = open_course(args.course)
    result = set_cut(course, args.form, args.file)
    say(result.describe())
    say(t("cut.cli.judges", cuts=", ".join(f"{c:.1f}" for c in result.judge_cuts)))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("cut-score", help=t("cli.cut"), description=t("cli.cut"))
    cut_sub = parser.add_subparsers(dest="cut_command", metavar="COMMAND", required=True)
    sheet = cut_sub.add_parser("worksheet", help=t("cli.cut.worksheet"),
                               description=t("cli.cut.worksheet"))
    sheet.add_argument("form", metavar="NAME", help=t("cli.cut.form"))
    sheet.add_argument("--judges", type=int, default=5, help=t("cli.cut.judges"))
    sheet.add_argument("--out", help=t("cli.cut.out"))
    add_course_option(sheet)
    sheet.set_defaults(func=worksheet)
    setter = cut_sub.add_parser("set", help=t("cli.cut.set"), description=t("cli.cut.set"))
    setter.add_argument("form", metavar="NAME", help=t("cli.cut.form"))
    setter.add_argument("file", metavar="FILE", help=t("cli.cut.file"))
    add_course_option(setter)
    setter.set_defaults(func=set_)
