"""``kimtrain feedback NAME [--reveal]``: one phone-friendly page per participant."""

from __future__ import annotations

import argparse

from kimtrain.commands._output import say
from kimtrain.i18n import get_language, t


def feedback(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.feedback import write_feedback

    course = open_course(args.course)
    from kimtrain.commands._hints import check_built, check_graded

    check_built(course, args.name)
    check_graded(course, args.name)
    paths = write_feedback(course, args.name, reveal=args.reveal, lang=get_language())
    say(t("feedback.done", count=len(paths), path=str(course.root / "feedback")))
    say(t("feedback.revealed") if args.reveal else t("feedback.not_revealed"))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("feedback", help=t("cli.feedback"), description=t("cli.feedback"))
    parser.add_argument("name", metavar="NAME", help=t("cli.build.name"))
    parser.add_argument("--course", default=".", help=t("cli.course"))
    parser.add_argument("--reveal", action="store_true", help=t("cli.feedback.reveal"))
    parser.set_defaults(func=feedback)
