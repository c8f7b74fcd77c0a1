"""Defaults used in more than one place, defined once (standard library only)."""

from __future__ import annotations

__all__ = ["DEFAULT_COURSE", "DEFAULT_CUT"]

# The mastery cut score, in percent, until a standard-setting panel saved one
# (``kimtrain cut-score``): reports, feedback pages and certificates.
DEFAULT_CUT = 70.0

# The course folder a command works on when ``--course`` is not given.
DEFAULT_COURSE = "."
