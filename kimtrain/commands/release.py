"""``kimtrain release NAME [--offline DIR]``: hand an assessment out, through nbgrader's
exchange (a hub or a shared machine) or as a folder to copy to participants' laptops."""

from __future__ import annotations

import argparse

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.i18n import t


def release(args: argparse.Namespace) -> int:
    from kimtrain.course.handout import release_assessment
    from kimtrain.oscompat import exchange_available

    course, folder = release_assessment(args.course, args.name, offline=args.offline,
                                        regenerate=args.regenerate)
    if folder is None and not exchange_available():
        say(t("windows.release.no_exchange", name=args.name,
              path=str(course.release_dir(args.name))))
    elif folder is None:
        say(t("release.exchange", name=args.name, course_id=course.course_id))
    else:
        say(t("release.offline", name=args.name, path=str(folder)))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("release", help=t("cli.release"), description=t("cli.release"))
    parser.add_argument("name", metavar="NAME", help=t("cli.build.name"))
    add_course_option(parser)
    parser.add_argument("--offline", metavar="DIR", help=t("cli.release.offline"))
    parser.add_argument("--regenerate", action="store_true", help=t("cli.release.regenerate"))
    parser.set_defaults(func=release)
