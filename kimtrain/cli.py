"""The ``kimtrain`` command: a thin shell over the library.

Sub-commands live in :mod:`kimtrain.commands`, one module each. Every user mistake
is a :class:`~kimtrain.errors.KimtrainError`, printed as one message in the user's
language (``--lang`` or ``KIMTRAIN_LANG``) with exit status 1 and no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kimtrain import __version__
from kimtrain.commands import COMMANDS
from kimtrain.errors import KimtrainError
from kimtrain.i18n import LANGUAGES, set_language, t

__all__ = ["build_parser", "main"]


def _argparse_text(message: str) -> str:
    """argparse's own words (usage, errors, --help), from our catalogs when we have them."""
    translated = t(f"argparse.{message}")
    return message if translated == f"argparse.{message}" else translated


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kimtrain", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"kimtrain {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.lang"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"kimtrain.commands.{name}").register(sub)
    return parser


def _language_from(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _safe_streams() -> None:
    """Output redirected to a file or a pipe on Windows is cp1252, which has no "→" or
    "✓": such characters become "?" instead of ending the command in a traceback."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "→✓…".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _safe_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language_from(argv)
    if lang in LANGUAGES:
        set_language(lang)  # before the parser is built, so --help is translated too
    argparse._ = _argparse_text  # type: ignore[attr-defined]  # argparse looks it up per call
    args = build_parser().parse_args(argv)
    try:
        status: int = args.func(args)
        return status
    except KimtrainError as exc:
        print(f"{t('cli.error')}: {exc}", file=sys.stderr)
        return 1
    except PermissionError as exc:  # a report open in Excel or a PDF viewer (Windows)
        path = exc.filename2 or exc.filename  # os.replace names the target second
        if path is None:
            raise
        print(f"{t('cli.error')}: {t('windows.file_in_use', path=path)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
