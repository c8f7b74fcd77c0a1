"""``numeric``: a number typed the Indonesian way (isian angka).

Full points when ``|answer − key| ≤ tolerance``; ``1.500`` is 1500 and ``2,5`` is
2.5 (see :func:`kimtrain.answers.values.parse_number`).

Answer: the text as typed, e.g. ``"1.500"``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from kimtrain.answers.values import (
    MAX_NUMBER,
    MAX_NUMBER_TEXT,
    _read_number,
    _shown,
    is_number,
    parse_number,
)
from kimtrain.errors import AnswerError
from kimtrain.items._base import INVALID, FieldCheck, ItemType, Verdict, strong, verdict

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["TYPE", "Numeric", "format_number"]


def format_number(value: float, lang: str = "id") -> str:
    """``1500`` -> ``1.500`` and ``2.5`` -> ``2,5`` in Indonesian; ``1,500``/``2.5`` in English."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    if lang == "en":
        return text
    return text.translate(str.maketrans(",.", ".,"))


class Numeric(ItemType):
    name = "numeric"
    rank = 40
    fields: ClassVar[frozenset[str]] = frozenset({"key", "tolerance", "unit"})
    label_keys = ("widget.numeric_hint", "widget.unit", "widget.answer")

    def validate(self, raw: Mapping[str, Any], check: FieldCheck) -> dict[str, Any]:
        key = raw.get("key")
        if key is None:
            check.bad("bank.field.required", "key")
        elif not is_number(key):
            check.bad("bank.key.number", "key", value=key)
        tolerance = raw.get("tolerance", 0)
        if not is_number(tolerance) or tolerance < 0:
            check.bad("bank.tolerance.invalid", "tolerance", value=tolerance)
        unit = raw.get("unit", "")
        if not isinstance(unit, str):
            check.bad("bank.text.empty", "unit")
        return {"key": key, "tolerance": float(tolerance) if is_number(tolerance) else 0.0,
                "unit": unit if isinstance(unit, str) else ""}

    def public(self, item: Item, data: dict[str, Any], en: dict[str, Any]) -> None:
        super().public(item, data, en)
        if item.unit:
            data["unit"] = item.unit
        if "unit" in item.en:
            en["unit"] = item.en["unit"]

    def normalise(self, item: Mapping[str, Any], value: Any) -> Any:
        item_id = item.get("id", "?")
        if isinstance(value, str) and len(value) > MAX_NUMBER_TEXT:
            raise AnswerError("safety.number_too_long", item=item_id, limit=MAX_NUMBER_TEXT)
        number = _read_number(value)
        if number is None:
            raise AnswerError("answer.not_number", item=item_id, value=_shown(value))
        if not math.isfinite(number) or abs(number) > MAX_NUMBER:
            raise AnswerError("safety.number_out_of_range", item=item_id, value=_shown(value))
        return value.strip() if isinstance(value, str) else value

    def answer_text(self, item: Mapping[str, Any], value: Any, lang: str = "id",
                    bold: bool = False) -> str:
        """As typed (``1.500``); a number (a key) the reader's way; then the unit."""
        shown = value if isinstance(value, str) else (
            format_number(float(value), lang) if is_number(value) else str(value))
        unit = item.get("unit") or ""
        return strong(shown, bold) + (f" {unit}" if unit else "")

    def scoring_spec(self, item: Item) -> dict[str, Any]:
        return super().scoring_spec(item) | {"tolerance": item.tolerance}

    def score(self, spec: Mapping[str, Any], response: Any) -> Verdict:
        value = parse_number(response)
        if value is None:
            return 0.0, INVALID
        target = float(spec["key"])
        slack = float(spec.get("tolerance", 0)) + 1e-9 * max(1.0, abs(target))
        return verdict(1.0 if math.fabs(value - target) <= slack else 0.0)

    def practice_hints(self, item: Item, stored: Any, lang: str) -> list[str]:
        from kimtrain.i18n import t

        value = parse_number(stored)
        direction = "higher" if value is not None and value < float(item.key) else "lower"
        return [t(f"practice.numeric.{direction}", lang=lang,
                  value=format_number(value or 0, lang))]

    def demo_answer(self, item: Item, rng: random.Random, right: bool) -> Any:
        return f"{int(item.key):,}".replace(",", ".") if right else "142.000"


TYPE = Numeric()
