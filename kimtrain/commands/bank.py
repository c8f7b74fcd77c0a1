"""``kimtrain bank check PATH...``: validate question banks, every mistake at once."""

from __future__ import annotations

import argparse
from collections import Counter

from kimtrain.commands._output import say
from kimtrain.i18n import t


def check(args: argparse.Namespace) -> int:
    from kimtrain.bank import check_banks

    items, issues = check_banks(args.paths)
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
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    bank = sub.add_parser("bank", help=t("cli.bank"), description=t("cli.bank"))
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="COMMAND", required=True)
    parser = bank_sub.add_parser("check", help=t("cli.bank.check"),
                                 description=t("cli.bank.check"))
    parser.add_argument("paths", nargs="+", metavar="PATH", help=t("cli.bank.check.paths"))
    parser.set_defaults(func=check)
