"""``kimtrain db ...``: the gradebook database — kimtrain's tables, backup and restore,
and the course archive a village laptop sends to the central server."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimtrain.commands._output import say
from kimtrain.i18n import t

if TYPE_CHECKING:
    from kimtrain.course.layout import Course


def _course(args: argparse.Namespace) -> Course:
    from kimtrain.course.layout import open_course

    return open_course(args.course)


def upgrade(args: argparse.Namespace) -> int:
    from kimtrain.course.tables import upgrade as run

    say(t("db.upgrade_done", revision=run(_course(args))))
    return 0


def sync(args: argparse.Namespace) -> int:
    from kimtrain.course.tables import sync_assessment, sync_roster

    course = _course(args)
    roster = sync_roster(course)
    for name in args.names:
        people, rows = sync_assessment(course, name)
        say(t("db.sync_done", assessment=name, participants=people, rows=rows,
              roster=roster))
    return 0


def backup(args: argparse.Namespace) -> int:
    from kimtrain.course.backup import backup_gradebook

    path = backup_gradebook(_course(args), reason="manual")
    say(t("db.backup_done", path=str(path)) if path else t("db.backup_none"))
    return 0 if path else 1


def restore(args: argparse.Namespace) -> int:
    from kimtrain.course.backup import restore_gradebook
    from kimtrain.course.lock import grading_lock

    course = _course(args)
    with grading_lock(course):  # never under a running grader
        path, before = restore_gradebook(course, args.file)
    say(t("db.restore_done", path=str(path), before=str(before or "-")))
    return 0


def kabupaten(args: argparse.Namespace) -> int:
    from kimtrain.course.tables import set_setting, sync_roster

    course = _course(args)
    set_setting(course, "kabupaten", args.name.strip())
    sync_roster(course)
    say(t("db.kabupaten_done", name=args.name.strip()))
    return 0


def export(args: argparse.Namespace) -> int:
    from kimtrain.course.archive import export_course

    course = _course(args)
    out = Path(args.out) if args.out else Path(f"{course.course_id}-kiriman.zip")
    result = export_course(course, out)
    say(t("archive.done", path=str(result.path.resolve()), files=result.files,
          participants=result.participants, name=result.path.name))
    return 0


def import_(args: argparse.Namespace) -> int:
    from kimtrain.course.archive import import_course

    result = import_course(_course(args), Path(args.file))
    say(t("archive.imported", path=args.file, new=result.new, same=result.same,
          changed=result.changed, participants=result.participants, rows=result.rows))
    if result.differ:
        form, participant, item = result.differ[0]
        say(t("archive.differ", count=len(result.differ),
              first=f"{form} {participant} {item}"))
        return 1
    return 0


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("db", help=t("cli.db"), description=t("cli.db"))
    actions = parser.add_subparsers(dest="action", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int],
            help_key: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=t(help_key),
                                                        description=t(help_key))
        p.add_argument("--course", default=".", help=t("cli.course"))
        p.set_defaults(func=func)
        return p

    add("upgrade", upgrade, "cli.db.upgrade")
    add("sync", sync, "cli.db.sync").add_argument("names", nargs="*", metavar="NAME")
    add("backup", backup, "cli.db.backup")
    add("restore", restore, "cli.db.restore").add_argument("file", metavar="FILE",
                                                           help=t("cli.db.file"))
    add("kabupaten", kabupaten, "cli.db.kabupaten").add_argument("name", metavar="NAMA")
    add("export", export, "cli.db.export").add_argument("--out", metavar="FILE",
                                                        help=t("cli.db.out"))
    add("import", import_, "cli.db.import").add_argument("file", metavar="FILE",
                                                         help=t("cli.db.file"))
