"""``kimtrain rating export|import|agreement``: blind double scoring of written tasks."""

from __future__ import annotations

import argparse

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.i18n import t


def export(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.reports.raters import export_ratings

    course = open_course(args.course)
    done = export_ratings(course, share=args.share, seed=args.seed, rater=args.rater,
                          out=args.out)
    say(t("rating.export.done", path=str(done.path), drawn=done.drawn, total=done.total,
          rubrics=len(done.per_rubric), keyfile=str(done.key_path)))
    return 0


def import_(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.reports.raters import import_ratings

    course = open_course(args.course)
    totals = import_ratings(course, args.file, rater=args.rater)
    say(t("rating.import.done", rater=args.rater, count=len(totals)))
    if args.rater == "1":
        say(t("rating.import.gradebook"))
    return 0


def show(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.reports.raters import agreement

    found = agreement(open_course(args.course))
    if not found:
        say(t("rating.agreement.none"))
        return 0
    for a in found:
        say(t("rating.agreement.row", rubric=a.rubric, items=", ".join(a.items), n=a.n,
              kappa="-" if a.kappa is None else f"{a.kappa:.2f}",
              exact="-" if a.exact is None else f"{a.exact:.0%}", meaning=a.meaning))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rating = sub.add_parser("rating", help=t("cli.rating"), description=t("cli.rating"))
    rating_sub = rating.add_subparsers(dest="rating_command", metavar="COMMAND", required=True)

    def common(parser: argparse.ArgumentParser) -> None:
        add_course_option(parser)
        parser.add_argument("--rater", default="2", choices=["1", "2"],
                            help=t("cli.rating.rater"))

    p = rating_sub.add_parser("export", help=t("cli.rating.export"),
                              description=t("cli.rating.export"))
    common(p)
    p.add_argument("--share", type=float, default=0.2, help=t("cli.rating.share"))
    p.add_argument("--seed", type=int, default=2026, help=t("cli.rating.seed"))
    p.add_argument("--out", help=t("cli.rating.out"))
    p.set_defaults(func=export)
    p = rating_sub.add_parser("import", help=t("cli.rating.import"),
                              description=t("cli.rating.import"))
    common(p)
    p.add_argument("file", metavar="FILE", help=t("cli.rating.file"))
    p.set_defaults(func=import_)
    p = rating_sub.add_parser("agreement", help=t("cli.rating.agreement"),
                              description=t("cli.rating.agreement"))
    common(p)
    p.set_defaults(func=show)
