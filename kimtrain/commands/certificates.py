"""``kimtrain certificates``: a PDF for every participant who reached the cut score."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.errors import KimtrainError
from kimtrain.i18n import t


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KimtrainError("report.cert.bad_date", date=text) from None


def certificates(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.reports.certificates import CODES_FILE, issue_certificates

    course = open_course(args.course)
    out = Path(args.out)
    from kimtrain.reports.standard_setting import cut_for

    info = cut_for(course, args.form, args.cut)
    issued = issue_certificates(course, args.form, out, cut=args.cut, day=_day(args.date))
    say(info.describe())
    if not issued:
        say(t("report.cert.none", cut=f"{info.cut:g}", form=args.form))
    else:
        say(t("report.cert.done", count=len(issued), path=str(out.resolve())))
    say(t("report.cert.list", path=str((out / CODES_FILE).resolve())))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("certificates", help=t("cli.certificates"),
                            description=t("cli.certificates"))
    parser.add_argument("--form", default="posttest", metavar="NAME",
                        help=t("cli.certificates.form"))
    parser.add_argument("--out", default="sertifikat", help=t("cli.certificates.out"))
    add_course_option(parser)
    parser.add_argument("--cut", type=float, default=None, help=t("cli.report.cut"))
    parser.add_argument("--date", metavar="YYYY-MM-DD", help=t("cli.certificates.date"))
    parser.set_defaults(func=certificates)
