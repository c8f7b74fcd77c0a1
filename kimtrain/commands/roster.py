"""``kimtrain roster import FILE``: the coordinator's participant list, checked whole."""

from __future__ import annotations

import argparse

from kimtrain.commands._output import say
from kimtrain.i18n import t


def import_(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.course.regions import DEFAULT_REGIONS
    from kimtrain.course.roster import load_roster
    from kimtrain.course.roster_import import import_roster

    course = open_course(args.course)
    regions = None if args.no_region_check else (args.regions or DEFAULT_REGIONS)
    result = import_roster(course, args.file, regions=regions)
    say(t("roster.import.done", **result.to_dict()))
    say(t("roster.import.total", count=len(load_roster(course))))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help=t("cli.roster"), description=t("cli.roster"))
    roster_sub = roster.add_subparsers(dest="roster_command", metavar="COMMAND", required=True)
    parser = roster_sub.add_parser("import", help=t("cli.roster.import"),
                                   description=t("cli.roster.import"))
    parser.add_argument("file", metavar="FILE", help=t("cli.roster.import.file"))
    parser.add_argument("--course", default=".", help=t("cli.course"))
    parser.add_argument("--regions", help=t("cli.roster.import.regions"))
    parser.add_argument("--no-region-check", action="store_true",
                        help=t("cli.roster.import.no_regions"))
    parser.set_defaults(func=import_)
