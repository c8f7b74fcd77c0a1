"""Scoring rules, as pure functions of an item's scoring spec and a stored response.

The rules (also in assessments/README.md):

* single — full points for the key, else 0.
* multiple — "right minus wrong", each side as a share, floored at 0:
  ``points × max(0, right chosen / right options − wrong chosen / wrong options)``.
  Choosing every option therefore earns nothing (unless every option is right),
  however many keys the item has; with two keys of four this equals the older
  ``(right − wrong) / right options``.
* truefalse — full points when the verdict matches the key (``True`` = fakta).
* numeric — full points when ``|answer − key| ≤ tolerance``; the answer is read
  the Indonesian way (``1.500`` = 1500, ``2,5`` = 2.5), see ``parse_number``.
* text — full points when the normalised answer equals a normalised accepted
  answer (case, accents, punctuation and spacing ignored).
* written — no automatic points: a person grades it against the rubric.
* blank — 0 for every type.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from kimtrain.answers.values import is_blank, normalise_text, parse_number

__all__ = ["ItemScore", "score_item"]

CORRECT, PARTIAL, WRONG, BLANK, MANUAL, INVALID = (
    "correct", "partial", "wrong", "blank", "manual", "invalid",
)


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


def _fraction_to_status(fraction: float) -> str:
    if fraction >= 1:
        return CORRECT
    return PARTIAL if fraction > 0 else WRONG


def score_item(spec: Mapping[str, Any], response: Any) -> ItemScore:
    """Score ``response`` (as stored by the answer store) against ``spec``."""
    item, kind = spec["id"], spec["type"]
    max_points = float(spec["points"])

    def result(fraction: float, status: str | None = None) -> ItemScore:
        points = round(max_points * fraction, 4)
        return ItemScore(item, points, max_points, status or _fraction_to_status(fraction),
                         response)

    if is_blank(response):
        return ItemScore(item, 0.0, max_points, BLANK, None)
    if kind == "written":
        return ItemScore(item, None, max_points, MANUAL, response)
    key = spec.get("key")
    if kind == "single":
        if not isinstance(response, str):
            return result(0.0, INVALID)
        return result(1.0 if response == key else 0.0)
    if kind == "multiple":
        chosen = {response} if isinstance(response, str) else set(response or ())
        valid = set(spec.get("options") or chosen)
        if not chosen <= valid:
            return result(0.0, INVALID)
        right = len(chosen & set(key))
        wrong = len(chosen - set(key))
        distractors = len(valid - set(key)) if spec.get("options") else len(key)
        return result(max(0.0, right / len(key) - wrong / max(1, distractors)))
    if kind == "truefalse":
        if not isinstance(response, bool):
            return result(0.0, INVALID)
        return result(1.0 if response is key else 0.0)
    if kind == "numeric":
        value = parse_number(response)
        if value is None:
            return result(0.0, INVALID)
        target = float(key)
        slack = float(spec.get("tolerance", 0)) + 1e-9 * max(1.0, abs(target))
        return result(1.0 if math.fabs(value - target) <= slack else 0.0)
    if kind == "text":
        if not isinstance(response, str):
            return result(0.0, INVALID)
        accepted = {normalise_text(a) for a in spec.get("accept", ())}
        return result(1.0 if normalise_text(response) in accepted else 0.0)
    return result(0.0, INVALID)
