"""``kimtrain collect NAME [--from DIR]``: gather submissions into nbgrader's ``submitted/``,
from the exchange (a hub or a shared machine) or from offline zips in ``DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import format_table, say
from kimtrain.i18n import t


def collect(args: argparse.Namespace) -> int:
    from kimtrain.course.layout import open_course

    course = open_course(args.course)
    if args.source is None:
        from kimtrain.oscompat import exchange_available

        if exchange_available():
            from kimtrain.course.nbgrader_api import Nbgrader

            Nbgrader(course).collect(args.name)
            from kimtrain.hub.ids import canonical_submissions

            canonical_submissions(course, args.name)  # submitted/jupyter-kim-001 -> KIM-001
        else:  # Windows: no exchange; the workshop server's hand-ins are the submissions
            _sweep_served(course.root, args.name)
        submitted = course.submitted_participants(args.name)
        key = "collect.exchange.done" if exchange_available() else "windows.collect.no_exchange"
        say(t(key, name=args.name, count=len(submitted)))
        return 0
    from kimtrain.course.collect import collect_zips

    report = collect_zips(course, args.name, args.source)
    rows = [[file, participant, t("collect.kind.imported"), ""]
            for file, participant in report.imported]
    rows += [[p.file, p.participant or "–", t(f"collect.kind.{p.kind}"), p.detail]
             for p in report.problems]
    if rows:
        say(format_table([t("collect.col.file"), t("table.participant"),
                          t("collect.col.result"), t("collect.col.detail")], rows))
    say(t("collect.zip.done", imported=len(report.imported), problems=len(report.problems)))
    return 0 if not report.problems else 2


def _sweep_served(course_root: Path, name: str) -> None:
    """Place any "Kirim" of the workshop server whose hand-in is missing."""
    from kimtrain.serve.submission import sweep
    from kimtrain.serve.workshop import notebooks_root

    served = notebooks_root(course_root) / name
    if served.is_dir():
        sweep(course_root, served, name)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("collect", help=t("cli.collect"), description=t("cli.collect"))
    parser.add_argument("name", metavar="NAME", help=t("cli.build.name"))
    add_course_option(parser)
    parser.add_argument("--from", dest="source", metavar="DIR", help=t("cli.collect.from"))
    parser.set_defaults(func=collect)
