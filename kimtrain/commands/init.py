"""``kimtrain init DIR``: a new course folder, ready for a roster and a first assessment."""

from __future__ import annotations

import argparse

from kimtrain.commands._output import say
from kimtrain.i18n import t


def init(args: argparse.Namespace) -> int:
    from kimtrain.course.setup import init_course

    exchange = args.exchange
    if args.hub and not exchange:
        from kimtrain.hub.setup import DEFAULT_EXCHANGE

        exchange = DEFAULT_EXCHANGE
    course = init_course(args.dir, course_id=args.course_id, db_url=args.db_url,
                         exchange=exchange)
    if args.hub:  # the hub's groups, roles, service and the participants' nbgrader config
        from kimtrain.hub.cli import init_hub

        init_hub(course, args, exchange)
    say(t("init.done", path=str(course.root), course_id=course.course_id))
    say(t("init.guide", path=str(course.root / "PANDUAN.md")))
    say(t("results.init.cd", dir=args.dir))
    say(t("init.next"))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("init", help=t("cli.init"), description=t("cli.init"))
    parser.add_argument("dir", metavar="DIR", help=t("cli.init.dir"))
    parser.add_argument("--course-id", default="kim", help=t("cli.init.course_id"))
    parser.add_argument("--db-url", help=t("cli.init.db_url"))
    parser.add_argument("--exchange", help=t("cli.init.exchange"))
    from kimtrain.hub.cli import add_init_arguments

    add_init_arguments(parser)
    parser.set_defaults(func=init)
