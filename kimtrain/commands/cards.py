"""``kimtrain cards``: participant cards (name, code, PIN, the server's QR code) as a PDF."""

from __future__ import annotations

import argparse

from kimtrain.commands._options import add_course_option
from kimtrain.commands._output import say
from kimtrain.i18n import t

DEFAULT_OUT = "kartu-peserta.pdf"


def cards(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kimtrain.commands.serve import DEFAULT_PORT
    from kimtrain.course.cards import write_cards
    from kimtrain.course.layout import open_course
    from kimtrain.i18n import get_language
    from kimtrain.serve.network import server_urls

    course = open_course(args.course)
    address = args.address or server_urls("0.0.0.0", DEFAULT_PORT)[0]
    out = Path(args.out) if args.out else course.root / DEFAULT_OUT
    count, pages = write_cards(course, out, address, lang=get_language())
    say(t("cards.written", count=count, path=str(out), pages=pages))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("cards", help=t("cli.cards"), description=t("cli.cards"))
    add_course_option(parser)
    parser.add_argument("--address", metavar="URL", help=t("cli.cards.address"))
    parser.add_argument("--out", metavar="FILE", help=t("cli.cards.out"))
    parser.set_defaults(func=cards)
