"""``kimtrain feedback NAME [--reveal]``: one phone-friendly page per participant.

``--release`` shares the pages already written with the participants on the workshop
server (each sees only their own after code + PIN); ``--withdraw`` stops that."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.defaults import DEFAULT_CUT
from kimtrain.i18n import get_language, t

if TYPE_CHECKING:
    from kimtrain.course.layout import Course


def feedback(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.feedback import write_feedback

    course = open_course(args.course)
    if args.release or args.withdraw:
        return _share(course, args.name, release=args.release)
    from kimtrain.commands._hints import check_built, check_graded, graded_names

    check_built(course, args.name)
    check_graded(course, args.name)
    previous = args.pre
    if previous:
        check_graded(course, previous, "--pre")
    elif args.name == "posttest" and "pretest" in graded_names(course):
        previous = "pretest"  # the usual pair: show each participant's progress
    paths = write_feedback(course, args.name, reveal=args.reveal, lang=get_language(),
                           cut=args.cut, previous=previous)
    folder = paths[0].parent if paths else course.root / "umpan-balik" / args.name
    say(t("feedback.done", count=len(paths), path=str(folder)))
    say(t("results.fb.cli_files", example=paths[0].name if paths else ""))
    if previous:
        say(t("results.fb.cli_previous", name=previous))
    say(t("feedback.revealed") if args.reveal else t("feedback.not_revealed"))
    if args.exchange:  # a hub: out through nbgrader's release_feedback (kimtrain.hub.feedback)
        from kimtrain.hub.feedback import release_feedback

        say(t("hub.feedback.released", count=len(release_feedback(course, args.name, paths))))
    from kimtrain.evaluation.results import released

    shared = any(r.assessment == args.name for r in released(course))
    say(t("evres.cli.still_released" if shared else "evres.cli.not_released_yet",
          name=args.name))
    return 0


def _share(course: Course, name: str, *, release: bool) -> int:
    from kimtrain.evaluation.results import release_feedback, withdraw_feedback

    if release:
        count = release_feedback(course, name)
        say(t("evres.cli.released", count=count, name=name))
    elif withdraw_feedback(course, name):
        say(t("evres.cli.withdrawn", name=name))
    else:
        say(t("evres.cli.was_not_released", name=name))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("feedback", help=t("cli.feedback"), description=t("cli.feedback"))
    parser.add_argument("name", metavar="NAME", help=t("cli.build.name"))
    add_course_option(parser)
    parser.add_argument("--reveal", action="store_true", help=t("cli.feedback.reveal"))
    parser.add_argument("--cut", type=float, default=DEFAULT_CUT, help=t("cli.report.cut"))
    parser.add_argument("--pre", metavar="NAME", help=t("results.fb.cli_pre"))
    share = parser.add_mutually_exclusive_group()
    share.add_argument("--release", action="store_true", help=t("evres.cli.release"))
    share.add_argument("--withdraw", action="store_true", help=t("evres.cli.withdraw"))
    parser.add_argument("--exchange", action="store_true", help=t("hub.cli.feedback_release"))
    parser.set_defaults(func=feedback)
