"""``kimtrain grade NAME``: grade the cohort, with a progress bar and a summary table."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import format_points, format_table, say
from kimtrain.i18n import t
from kimtrain.i18n.formats import seconds

if TYPE_CHECKING:
    from kimtrain.course.grade import GradeSummary

BAR = 24


def progress_bar(done: int, total: int, participant: str) -> None:
    filled = BAR * done // max(total, 1)
    line = f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} {participant:<16}"
    print(line, end="\n" if done == total else "", file=sys.stderr, flush=True)


def summary_table(summary: GradeSummary) -> str:
    rows = []
    for o in summary.outcomes:
        score = ("–" if o.score is None else
                 f"{format_points(o.score)}/{format_points(o.max_points or 0)}")
        notes = "; ".join(t(f"grade.flag.{f.kind}", detail=f.detail) for f in o.flags)
        rows.append([o.participant, t(f"grade.status.run.{o.status}"), score,
                     str(o.pending or ""), notes])
    return format_table([t("table.participant"), t("grade.col.status"), t("table.score"),
                         t("table.pending"), t("grade.col.notes")], rows)


def grade(args: argparse.Namespace) -> int:
    from kimtrain.course.grade import (
        GRADED,
        NOT_GRADED,
        NOT_SUBMITTED,
        REFUSED,
        UNCHANGED,
        grade_cohort,
        usable_jobs,
    )
    from kimtrain.course.layout import open_course

    course = open_course(args.course)
    if args.jobs is not None and args.jobs > 1 and usable_jobs(args.jobs) == 1:
        say(t("windows.grade.one_job", jobs=args.jobs))
    say(t("grade.start", name=args.name))
    summary = grade_cohort(course, args.name, force=args.force, jobs=args.jobs,
                           progress=None if args.quiet else progress_bar)
    say(t("grade.backup", path=str(summary.backup)) if summary.backup
        else t("grade.backup.none"))
    say(summary_table(summary))
    say()
    say(t("grade.summary", graded=summary.count(GRADED), unchanged=summary.count(UNCHANGED),
          flagged=summary.flagged, not_graded=summary.count(NOT_GRADED),
          manual=summary.needs_manual, missing=summary.count(NOT_SUBMITTED),
          seconds=seconds(summary.seconds)))
    if summary.count(REFUSED):
        say(t("safety.grade.refused", count=summary.count(REFUSED)))
    if summary.needs_manual:
        say(t("grade.manual_hint"))
    return 0 if not summary.count(NOT_GRADED) else 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("grade", help=t("cli.grade"), description=t("cli.grade"))
    parser.add_argument("name", metavar="NAME", help=t("cli.build.name"))
    add_course_option(parser)
    parser.add_argument("--force", action="store_true", help=t("cli.grade.force"))
    parser.add_argument("--quiet", action="store_true", help=t("cli.grade.quiet"))
    parser.add_argument("--jobs", type=int, default=None, metavar="N", help=t("cli.grade.jobs"))
    parser.set_defaults(func=grade)
