"""``kimtrain followup init|collect|export|import``: follow-up tasks after the training.

Hand-ins arrive through the workshop server (``/tindak-lanjut``), zips or folders the
trainer collects, or a hub; they are scored by rubric in a workbook and reported by
``kimtrain report`` as the share of participants who applied each skill."""

from __future__ import annotations

import argparse
from pathlib import Path

from kimtrain.commands._output import say
from kimtrain.i18n import t


def init(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.evaluation.followup import load_taskset, write_default_taskset

    course = open_course(args.course)
    path = write_default_taskset(course, force=args.force)
    taskset = load_taskset(course)
    say(t("evfu.cli.init", path=str(path), count=len(taskset.tasks) if taskset else 0))
    return 0


def collect(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.evaluation.followup import collect_handins

    course = open_course(args.course)
    stored, refused = collect_handins(course, Path(args.source))
    say(t("evfu.cli.collected", count=len(stored)))
    for name, reason in refused:
        say(t("evfu.cli.refused", name=name, reason=reason))
    return 1 if refused and not stored else 0


def export(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.evaluation.followup_scores import export_scoring

    path, listed = export_scoring(open_course(args.course), args.out)
    say(t("evfu.cli.exported", path=str(path), count=listed))
    return 0


def import_(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course
    from kimtrain.evaluation.followup_scores import import_scoring

    count = import_scoring(open_course(args.course), args.file)
    say(t("evfu.cli.imported", count=count))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("followup", help=t("cli.followup"), description=t("cli.followup"))
    commands = parser.add_subparsers(dest="followup_command", metavar="COMMAND", required=True)

    def add(name: str, func: object, help_key: str) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=t(help_key), description=t(help_key))
        p.add_argument("--course", default=".", help=t("cli.course"))
        p.set_defaults(func=func)
        parser_: argparse.ArgumentParser = p
        return parser_

    add("init", init, "cli.followup.init").add_argument(
        "--force", action="store_true", help=t("cli.followup.force"))
    add("collect", collect, "cli.followup.collect").add_argument(
        "--from", dest="source", required=True, metavar="DIR", help=t("cli.followup.from"))
    add("export", export, "cli.followup.export").add_argument(
        "--out", metavar="FILE", help=t("cli.followup.out"))
    add("import", import_, "cli.followup.import").add_argument(
        "file", metavar="FILE", help=t("cli.followup.file"))
