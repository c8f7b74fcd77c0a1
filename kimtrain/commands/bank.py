"""``kimtrain bank check PATH...``: validate question banks, every mistake at once,
then warn about item-quality cues (``--strict`` or the course's ``quality.yaml``
turns those warnings into mistakes; ``--summary`` prints the count of every cue)."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from kimtrain.commands._output import say
from kimtrain.i18n import t


def _blueprint_files(args: argparse.Namespace) -> list[Path]:
    folders = [Path(f) for f in args.blueprints or []]
    if not folders:
        for p in map(Path, args.paths):
            if p.is_dir() and (p.parent / "blueprints").is_dir():
                folders.append(p.parent / "blueprints")
    files: list[Path] = []
    for folder in folders:
        files.extend(sorted(folder.glob("*.yaml")) if folder.is_dir() else [folder])
    return list(dict.fromkeys(files))


def check(args: argparse.Namespace) -> int:
    from kimtrain.bank import check_banks
    from kimtrain.bank.quality import blueprint_sets, cue_counts, quality_issues, read_level

    items, issues = check_banks(args.paths)
    level = "error" if args.strict else "warning"
    for p in map(Path, args.paths):
        if p.is_dir():
            course_level, bad = read_level(p)
            if bad:
                issues.append(bad)
            if course_level == "error":
                level = "error"
    sets, blueprint_errors = ([], []) if issues else blueprint_sets(_blueprint_files(args))
    issues += blueprint_errors
    if issues:
        say(t("bank.check.failed", count=len(issues)))
        for issue in issues:
            say(f"  - {issue.render()}")
        return 1
    by_type = Counter(item.type for item in items)
    by_domain = Counter(item.domain for item in items)
    say(t("bank.check.ok", count=len(items)))
    say("  " + ", ".join(f"{t('type.' + k)}: {v}" for k, v in sorted(by_type.items())))
    say("  " + ", ".join(f"{t('domain.' + k)}: {v}" for k, v in sorted(by_domain.items())))
    if args.summary:
        for label, value in cue_counts(items).rows():
            say(f"  {label}: {value}")
    warnings = quality_issues(items, sets)
    if not warnings:
        say(t("quality.ok"))
        return 0
    say(t("quality.header", count=len(warnings)))
    for warning in warnings:
        say(f"  ! {warning.render()}")
    if level == "error":
        say(t("quality.failed", count=len(warnings)))
        return 1
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bank = sub.add_parser("bank", help=t("cli.bank"), description=t("cli.bank"))
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="COMMAND", required=True)
    parser = bank_sub.add_parser("check", help=t("cli.bank.check"),
                                 description=t("cli.bank.check"))
    parser.add_argument("paths", nargs="+", metavar="PATH", help=t("cli.bank.check.paths"))
    parser.add_argument("--strict", action="store_true", help=t("cli.bank.check.strict"))
    parser.add_argument("--blueprints", action="append", metavar="DIR",
                        help=t("cli.bank.check.blueprints"))
    parser.add_argument("--summary", action="store_true", help=t("cli.bank.check.summary"))
    parser.set_defaults(func=check)
