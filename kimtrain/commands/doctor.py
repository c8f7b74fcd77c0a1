"""``kimtrain doctor``: check the laptop before a workshop and say what to fix."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.i18n import t

if TYPE_CHECKING:
    from kimtrain.doctor import Check

MARKS = {"ok": "doctor.mark.ok", "warn": "doctor.mark.warn", "fail": "doctor.mark.fail"}


def format_checks(checks: Iterable[Check]) -> str:
    """One line per check, and under it what to do when it is not in order."""
    lines = []
    for check in checks:
        lines.append(f"{t(MARKS[check.status])} {t(check.key, **check.params)}")
        if check.fix and check.status != "ok":
            lines.append(f"       → {t(check.fix, **check.params)}")
    return "\n".join(lines)


def doctor(args: argparse.Namespace) -> int:
    from kimtrain.doctor import run_checks

    say(t("doctor.title"))
    checks = run_checks(args.course, port=args.port)
    say(format_checks(checks))
    failed = sum(1 for c in checks if c.status == "fail")
    warned = sum(1 for c in checks if c.status == "warn")
    say()
    say(t("doctor.summary.fail", count=failed) if failed else
        t("doctor.summary.warn", count=warned) if warned else t("doctor.summary.ok"))
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("doctor", help=t("cli.doctor"), description=t("cli.doctor"))
    add_course_option(parser, "cli.doctor.course")
    parser.add_argument("--port", type=int, default=8866, help=t("cli.serve.port"))
    parser.set_defaults(func=doctor)
