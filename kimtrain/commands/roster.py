"""``kimtrain roster import FILE``: the coordinator's participant list, checked whole.

``kimtrain roster pin [CODE] [--reset]``: participant PINs (kimtrain.serve.identity).
"""

from __future__ import annotations

import argparse

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.i18n import t


def import_(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.course.regions import DEFAULT_REGIONS
    from kimtrain.course.roster import load_roster
    from kimtrain.course.roster_import import import_roster

    course = open_course(args.course)
    regions = None if args.no_region_check else (args.regions or DEFAULT_REGIONS)
    from kimtrain.serve.identity import load_pins

    before = len(load_pins(course.root))
    result = import_roster(course, args.file, regions=regions)  # new participants get a PIN
    say(t("roster.import.done", **result.to_dict()))
    say(t("roster.import.total", count=len(load_roster(course))))
    made = len(load_pins(course.root)) - before
    if made:
        say(t("serve.pins.made", count=made))
    from kimtrain.hub.cli import enrol_after_import

    return enrol_after_import(course)  # a hub course: participants join its hub group


def pin(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.course.roster import load_roster
    from kimtrain.errors import KimtrainError
    from kimtrain.serve.identity import ensure_pins, load_pins, reset_pin

    course = open_course(args.course)
    codes = [p.id.upper() for p in load_roster(course)]
    if not args.code:
        made = ensure_pins(course.root, codes)
        say(t("roster.pin.made", count=len(made), total=len(load_pins(course.root))))
        return 0
    code = args.code.strip().upper()
    if code not in codes:
        raise KimtrainError("roster.pin.unknown", code=code)
    if args.reset:
        say(t("roster.pin.reset", code=code, pin=reset_pin(course.root, code)))
    elif ensure_pins(course.root, [code]):
        say(t("roster.pin.made", count=1, total=len(load_pins(course.root))))
    else:
        say(t("roster.pin.exists", code=code))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    roster = sub.add_parser("roster", help=t("cli.roster"), description=t("cli.roster"))
    roster_sub = roster.add_subparsers(dest="roster_command", metavar="COMMAND", required=True)
    parser = roster_sub.add_parser("import", help=t("cli.roster.import"),
                                   description=t("cli.roster.import"))
    parser.add_argument("file", metavar="FILE", help=t("cli.roster.import.file"))
    add_course_option(parser)
    parser.add_argument("--regions", help=t("cli.roster.import.regions"))
    parser.add_argument("--no-region-check", action="store_true",
                        help=t("cli.roster.import.no_regions"))
    parser.set_defaults(func=import_)

    from kimtrain.hub.cli import register_enrol

    register_enrol(roster_sub)

    parser = roster_sub.add_parser("pin", help=t("cli.roster.pin"), description=t("cli.roster.pin"))
    parser.add_argument("code", nargs="?", metavar="CODE", help=t("cli.roster.pin.code"))
    parser.add_argument("--reset", action="store_true", help=t("cli.roster.pin.reset"))
    add_course_option(parser)
    parser.set_defaults(func=pin)
