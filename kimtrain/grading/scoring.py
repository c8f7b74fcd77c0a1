"""Scoring, as a pure function of an item's scoring spec and a stored response.

Each type's rule is in its module in :mod:`kimtrain.items` (and, for trainers, in
assessments/README.md); a blank answer scores 0 for every type. An unknown type is an
error (:class:`kimtrain.items.UnknownItemType`), not 0 points.
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
