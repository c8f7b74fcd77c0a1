"""How typed text and numbers are read, and what counts as blank.

Each item type checks its own answers and says their stored shape in its module
(:mod:`kimtrain.items`); :func:`normalise_response` finds the type. A blank answer is
stored as ``None`` (never ``[]`` or ``""``) for every type.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections.abc import Mapping
from typing import Any

__all__ = ["is_blank", "is_number", "normalise_response", "normalise_text", "parse_number"]

MAX_SHORT = 500
MAX_WRITTEN = 20_000
MAX_NUMBER_TEXT = 40  # characters: "Rp 1.500.000.000.000,75" fits with room to spare
MAX_NUMBER = 1e15  # beyond any count, amount or percentage a KIM item asks for

_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$")
_PUNCT = str.maketrans({c: " " for c in string.punctuation + "“”‘’«»…–—"})


def is_number(value: Any) -> bool:
    """A finite int or float that is not a bool (a number written in a bank file)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def parse_number(text: Any) -> float | None:
    """Read a number as an Indonesian participant would type it.

    ``2,5`` and ``2.5`` are both 2.5; ``1.500`` and ``1.500.000`` use the dot as the
    thousands separator (Indonesian style); ``1.500,75`` is 1500.75; ``Rp 1.500``
    and ``15 %`` keep only the number. Returns ``None`` when no number is there, and
    for text longer than ``MAX_NUMBER_TEXT``, ``nan``, ``inf`` and anything beyond
    ``MAX_NUMBER`` either way.
    """
    number = _read_number(text)
    if number is None or not math.isfinite(number) or abs(number) > MAX_NUMBER:
        return None
    return number


def _read_number(text: Any) -> float | None:
    """The number in ``text``, possibly ``inf``/``nan`` (too large reads as ``inf``)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        try:
            return float(text)
        except OverflowError:  # 10**400
            return math.inf if text > 0 else -math.inf
    if isinstance(text, float):
        return text
    if not isinstance(text, str) or len(text) > MAX_NUMBER_TEXT:
        return None
    s = text.strip().lower().replace("rp", "").replace("%", "").replace(" ", "")
    s = s.replace("\u00a0", "")
    if not s:
        return None
    if "," in s and "." in s:
        if _THOUSANDS_COMMA.match(s):
            s = s.replace(",", "")
        else:
            s = s.replace(".", "").replace(",", ".")
    elif "," in s:
        s = s.replace(",", ".") if s.count(",") == 1 else s.replace(",", "")
    elif _THOUSANDS_DOT.match(s):
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None


def _shown(value: Any) -> str:
    """A value quoted back to a participant: at most ``MAX_NUMBER_TEXT`` characters."""
    text = str(value) if not isinstance(value, int) or abs(value) < 10**40 else "…"
    return text if len(text) <= MAX_NUMBER_TEXT else text[:MAX_NUMBER_TEXT] + "…"


def normalise_text(text: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form of a short answer."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold().translate(_PUNCT)
    return " ".join(s.split())


def normalise_response(item: Mapping[str, Any], value: Any) -> Any:
    """Check ``value`` against ``item`` (its public form) and return the stored shape.

    Raises :class:`AnswerError` naming the item for a value that cannot be an answer,
    and for an item of a type no module in :mod:`kimtrain.items` defines.
    """
    from kimtrain.items import normalise  # the types read numbers and text from here

    return normalise(item, value)
