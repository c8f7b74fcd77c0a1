"""Scoring, as a pure function of an item's scoring spec and a stored response.

Each type's rule lives in its module in :mod:`kimtrain.items` (also in
assessments/README.md):

* single — full points for the key, else 0.
* multiple — "right minus wrong", each side as a share, floored at 0:
  ``points × max(0, right chosen / right options − wrong chosen / wrong options)``.
* truefalse — full points when the verdict matches the key (``True`` = fakta).
* numeric — full points when ``|answer − key| ≤ tolerance``; the answer is read
  the Indonesian way (``1.500`` = 1500, ``2,5`` = 2.5), see ``parse_number``.
* text — full points when the normalised answer equals a normalised accepted
  answer (case, accents, punctuation and spacing ignored).
* written — no automatic points: a person grades it against the rubric.
* ordering — ``points × pairs of steps in the right relative order / all pairs``.
* blank — 0 for every type.

An unknown type is an error (:class:`kimtrain.items.UnknownItemType`), not 0 points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from kimtrain import items
from kimtrain.answers.values import is_blank
from kimtrain.items import BLANK, CORRECT, INVALID, MANUAL, PARTIAL, WRONG

__all__ = ["BLANK", "CORRECT", "INVALID", "MANUAL", "PARTIAL", "STATUSES", "WRONG", "ItemScore",
           "score_item"]

# the statuses, re-exported for callers of this module
STATUSES = (CORRECT, PARTIAL, WRONG, BLANK, MANUAL, INVALID)


@dataclass(frozen=True)
class ItemScore:
    """The result for one item: ``points`` is ``None`` while it waits for a person."""

    item: str
    points: float | None
    max_points: float
    status: str
    response: Any = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_item(spec: Mapping[str, Any], response: Any) -> ItemScore:
    """Score ``response`` (as stored by the answer store) against ``spec``."""
    item, max_points = spec["id"], float(spec["points"])
    kind = items.get(spec["type"], item)
    if is_blank(response):
        return ItemScore(item, 0.0, max_points, BLANK, None)
    fraction, status = kind.score(spec, response)
    points = None if fraction is None else round(max_points * fraction, 4)
    return ItemScore(item, points, max_points, status, response)
