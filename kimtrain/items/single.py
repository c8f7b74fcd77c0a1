"""``single``: one option is right (pilihan ganda). Full points for the key, else 0.

Answer: the option id, e.g. ``"B"``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from kimtrain.items._base import (
    INVALID,
    FieldCheck,
    ItemType,
    Verdict,
    not_option,
    option_ids,
    option_line,
    verdict,
)
from kimtrain.items._options import check_feedback, check_options

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["TYPE", "Single"]


class Single(ItemType):
    name = "single"
    rank = 10
    instant = True
    fields: ClassVar[frozenset[str]] = frozenset({"options", "key", "feedback"})

    def validate(self, raw: Mapping[str, Any], check: FieldCheck) -> dict[str, Any]:
        clean = check_options(raw, check)
        if clean is None:
            return {}
        options = raw["options"]
        key = raw.get("key")
        if key is None:
            check.bad("bank.field.required", "key")
        elif not isinstance(key, str) or key not in options:
            check.bad("bank.key.not_option", "key", value=key,
                      options=", ".join(map(str, options)))
        return {"options": clean, "key": key,
                "feedback": check_feedback(raw, options, check)}

    def normalise(self, item: Mapping[str, Any], value: Any) -> Any:
        if not isinstance(value, str) or value not in option_ids(item):
            raise not_option(item, value)
        return value

    def answer_text(self, item: Mapping[str, Any], value: Any, lang: str = "id",
                    bold: bool = False) -> str:
        return option_line(item, str(value), bold)

    def score(self, spec: Mapping[str, Any], response: Any) -> Verdict:
        if not isinstance(response, str):
            return 0.0, INVALID
        return verdict(1.0 if response == spec.get("key") else 0.0)

    def practice_hints(self, item: Item, stored: Any, lang: str) -> list[str]:
        return [item.localized(lang)["feedback"].get(stored, "")]

    def demo_answer(self, item: Item, rng: random.Random, right: bool) -> Any:
        wrong = [o for o in item.options if o != item.key]
        return item.key if right else rng.choice(wrong)

    def analysis_options(self, options: Iterable[tuple[str, str]],
                         labels: tuple[str, ...]) -> list[tuple[str, str]]:
        return list(options)

    def chosen_options(self, response: Any) -> list[str]:
        return [response] if isinstance(response, str) else []


TYPE = Single()
