"""``kimtrain build NAME``: a blueprint becomes an nbgrader source assignment."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import format_points, say
from kimtrain.errors import KimtrainError
from kimtrain.i18n import t

if TYPE_CHECKING:
    from kimtrain.course.layout import Course


def build(args: argparse.Namespace) -> int:
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.course.layout import open_course

    course = open_course(args.course)
    if not args.blueprint:
        from kimtrain.commands._hints import check_blueprint

        check_blueprint(course, args.name)
    blueprint_path = Path(args.blueprint) if args.blueprint else course.blueprint(args.name)
    blueprint = load_blueprint(blueprint_path)
    if blueprint.name != args.name:
        raise KimtrainError("build.name_mismatch", name=args.name, found=blueprint.name,
                            path=str(blueprint_path))
    notebook = build_assessment(blueprint, course.root, force=args.force)
    say(t("build.done", path=str(notebook), count=len(blueprint.items),
          points=format_points(blueprint.total_points)))
    if blueprint.linking and blueprint.linking.design == "counterbalanced":
        _record_orders(course, blueprint.name, blueprint.linking.pair)
    say(t("build.next", name=args.name))
    return 0


def _record_orders(course: Course, name: str, pair: str) -> None:
    """Counterbalanced pair: who takes which form first, balanced within KIM groups,
    recorded once in roster/urutan.csv (never overwritten: it is what was handed out;
    ``kimtrain serve`` enforces it, kimtrain.serve.orders, and the report reads it)."""
    from kimtrain.assessment.design import ORDER_FILE, assign_orders, save_orders
    from kimtrain.course.roster import load_roster

    path = course.root / "roster" / ORDER_FILE
    roster = load_roster(course)
    if path.exists():
        say(t("design.orders_kept", path=str(path)))
    elif not roster:
        say(t("design.orders_later", name=name))
    else:
        save_orders(path, name, pair, assign_orders(roster))
        say(t("design.orders_saved", path=str(path), first=name, second=pair))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("build", help=t("cli.build"), description=t("cli.build"))
    parser.add_argument("name", metavar="NAME", help=t("cli.build.name"))
    add_course_option(parser)
    parser.add_argument("--blueprint", help=t("cli.build.blueprint"))
    parser.add_argument("--force", action="store_true", help=t("cli.build.force"))
    parser.set_defaults(func=build)
