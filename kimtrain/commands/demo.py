"""``kimtrain demo [--out DIR]``: the whole loop with simulated participants."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kimtrain.commands._output import format_points, format_table, say
from kimtrain.i18n import t
from kimtrain.i18n.formats import number

if TYPE_CHECKING:
    from kimtrain.course.gradebook import ParticipantScore


def score_table(scores: Sequence[ParticipantScore], domains: list[str]) -> str:
    """Participants × (score, %, each domain's %, items waiting for a person)."""
    header = [t("table.participant"), t("table.score"), "%",
              *(t(f"domain.short.{d}") for d in domains), t("table.pending")]
    rows = []
    for s in scores:
        row = [s.participant, f"{format_points(s.score)}/{format_points(s.max_points)}",
               number(s.percent, 0)]
        for d in domains:
            pct = s.domain_percent(d)
            row.append("–" if pct is None else number(pct, 0))
        row.append(str(s.pending) if s.pending else "")
        rows.append(row)
    return format_table(header, rows)


def demo(args: argparse.Namespace) -> int:
    from kimtrain.demo import run_demo

    say(t("demo.start", path=str(Path(args.out).resolve())))
    result = run_demo(args.out, participants=args.participants,
                      progress=lambda message: say(f"  {message}"), posttest=args.posttest)
    say()
    say(t("demo.table_title", assessment=result.assessment))
    say(score_table(result.scores, result.domains))
    say()
    say(t("demo.legend"))
    say(t("demo.done", path=str(result.course.root)))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help=t("cli.demo"), description=t("cli.demo"))
    parser.add_argument("--out", default="kimtrain-demo", help=t("cli.demo.out"))
    parser.add_argument("--participants", type=int, default=12,
                        help=t("cli.demo.participants"))
    parser.add_argument("--posttest", action="store_true", help=t("results.cli.demo_posttest"))
    parser.set_defaults(func=demo)
