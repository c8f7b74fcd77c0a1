"""``multiple``: several options are right (pilihan ganda kompleks).

Partial credit "right minus wrong", each side as a share, floored at 0:
``points × max(0, right chosen / right options − wrong chosen / wrong options)``.
Choosing every option therefore earns nothing (unless every option is right),
however many keys the item has; with two keys of four this equals the older
``(right − wrong) / right options``.

Answer: the chosen option ids in option order, e.g. ``["A", "C"]``.
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
from kimtrain.items._options import check_feedback, check_key_list, check_options

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["TYPE", "Multiple"]


class Multiple(ItemType):
    name = "multiple"
    rank = 20
    fields: ClassVar[frozenset[str]] = frozenset({"options", "key", "feedback"})
    label_keys = ("widget.multiple_hint",)

    def validate(self, raw: Mapping[str, Any], check: FieldCheck) -> dict[str, Any]:
        clean = check_options(raw, check)
        if clean is None:
            return {}
        options = raw["options"]
        return {"options": clean, "key": check_key_list(raw, options, check),
                "feedback": check_feedback(raw, options, check)}

    def normalise(self, item: Mapping[str, Any], value: Any) -> Any:
        ids = option_ids(item)
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, list | tuple) or any(v not in ids for v in chosen):
            raise not_option(item, value)
        return [o for o in ids if o in chosen] or None

    def answer_text(self, item: Mapping[str, Any], value: Any, lang: str = "id",
                    bold: bool = False) -> str:
        chosen = value if isinstance(value, list | tuple) else [value]
        return "; ".join(option_line(item, str(c), bold) for c in chosen)

    def scoring_spec(self, item: Item) -> dict[str, Any]:
        return super().scoring_spec(item) | {"options": list(item.options)}

    def score(self, spec: Mapping[str, Any], response: Any) -> Verdict:
        key = spec["key"]
        chosen = {response} if isinstance(response, str) else set(response or ())
        valid = set(spec.get("options") or chosen)
        if not chosen <= valid:
            return 0.0, INVALID
        right = len(chosen & set(key))
        wrong = len(chosen - set(key))
        distractors = len(valid - set(key)) if spec.get("options") else len(key)
        return verdict(max(0.0, right / len(key) - wrong / max(1, distractors)))

    def practice_hints(self, item: Item, stored: Any, lang: str) -> list[str]:
        from kimtrain.i18n import t

        chosen = set(stored)
        feedback = item.localized(lang)["feedback"]
        return [t("practice.multiple.count", lang=lang, right=len(chosen & set(item.key)),
                  total=len(item.key), wrong=len(chosen - set(item.key))),
                *(feedback.get(o, "") for o in stored if o not in item.key)]

    def demo_answer(self, item: Item, rng: random.Random, right: bool) -> Any:
        key = list(item.key)
        others = [o for o in item.options if o not in key]
        if right:
            return key
        # a partial answer: most of the key, sometimes with one distractor
        chosen = key[:-1] or key
        if others and rng.random() < 0.5:
            chosen = [*chosen, rng.choice(others)]
        return chosen

    def analysis_options(self, options: Iterable[tuple[str, str]],
                         labels: tuple[str, ...]) -> list[tuple[str, str]]:
        return list(options)

    def chosen_options(self, response: Any) -> list[str]:
        if isinstance(response, list):
            return [str(r) for r in response if r is not None]
        return [] if response is None else [str(response)]


TYPE = Multiple()
