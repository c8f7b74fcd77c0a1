"""Options shared by several sub-commands, defined once."""

from __future__ import annotations

import argparse

from kimtrain.defaults import DEFAULT_COURSE
from kimtrain.i18n import t

__all__ = ["add_course_option"]


def add_course_option(parser: argparse.ArgumentParser, help_key: str = "cli.course") -> None:
    """``--course DIR`` (default: this folder)."""
    parser.add_argument("--course", default=DEFAULT_COURSE, help=t(help_key))
