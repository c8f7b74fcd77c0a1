"""``ordering``: put steps in order (urutan), e.g. the steps of a fact-check.

The bank lists the steps as ``options`` in the order the participant first sees
them (never already in order) and the right order as ``key``, every step once::

    type: ordering
    options: {A: Putuskan dan sebarkan klarifikasi, B: Cek sumbernya, C: ...}
    key: [B, C, A]

The participant taps the steps in the order they happen; the answer is the list of
tapped steps, first first (steps not tapped yet are missing from it).

Scoring — pairs in the right relative order (Kendall-style): of the n steps there
are n(n−1)/2 pairs; a pair earns its share when both of its steps were placed and
the one that comes first in the key was placed first. The item earns
``points × concordant pairs / (n(n−1)/2)``: all steps in order earn full points,
the exact reverse earns 0, a step not placed earns nothing with any other step.
With four steps and one neighbouring pair swapped: 5 of 6 pairs, 5/6 of the points.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from kimtrain.errors import AnswerError
from kimtrain.items._base import (
    INVALID,
    FieldCheck,
    ItemType,
    Verdict,
    not_option,
    option_ids,
    strong,
    verdict,
)
from kimtrain.items._options import check_key_list, check_options

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["TYPE", "Ordering", "concordant_pairs"]

MIN_STEPS = 3


def concordant_pairs(key: Sequence[str], answer: Sequence[str]) -> int:
    """How many of the key's pairs (a before b) the answer placed in that order."""
    place = {step: n for n, step in enumerate(answer)}
    return sum(1 for i, a in enumerate(key) for b in key[i + 1:]
               if a in place and b in place and place[a] < place[b])


class Ordering(ItemType):
    name = "ordering"
    rank = 70
    fields: ClassVar[frozenset[str]] = frozenset({"options", "key"})
    label_keys = ("items.ordering.hint", "items.ordering.yours", "items.ordering.placed",
                  "items.ordering.reset", "items.ordering.step", "items.ordering.remove")

    def validate(self, raw: Mapping[str, Any], check: FieldCheck) -> dict[str, Any]:
        clean = check_options(raw, check)
        if clean is None:
            return {}
        options = raw["options"]
        if len(options) < MIN_STEPS:
            check.bad("items.ordering.bank.too_few", "options", minimum=MIN_STEPS)
        key = check_key_list(raw, options, check)
        if key and set(map(str, key)) <= set(map(str, options)):
            missing = [str(o) for o in options if o not in key]
            if missing:
                check.bad("items.ordering.bank.key_incomplete", "key",
                          missing=", ".join(missing))
            elif list(map(str, key)) == [str(o) for o in options]:
                check.bad("items.ordering.bank.already_in_order", "options")
        return {"options": clean, "key": key}

    def normalise(self, item: Mapping[str, Any], value: Any) -> Any:
        ids = option_ids(item)
        if not isinstance(value, list | tuple) or any(
                not isinstance(v, str) or v not in ids for v in value):
            raise not_option(item, value)
        if len(set(value)) != len(value):
            raise AnswerError("items.ordering.repeated", item=item.get("id", "?"))
        return list(value) or None

    def answer_text(self, item: Mapping[str, Any], value: Any, lang: str = "id",
                    bold: bool = False) -> str:
        """``1. Cek sumbernya → 2. Cari berita pembanding → …``; steps not placed are
        left out."""
        steps = dict(item.get("options", []))
        placed = value if isinstance(value, list | tuple) else [value]
        return " → ".join(f"{strong(str(n), bold)}. {steps.get(s, '?')}"
                          for n, s in enumerate(placed, 1))

    def scoring_spec(self, item: Item) -> dict[str, Any]:
        return super().scoring_spec(item) | {"options": list(item.options)}

    def score(self, spec: Mapping[str, Any], response: Any) -> Verdict:
        key = [str(k) for k in spec["key"]]
        steps = set(spec.get("options") or key)
        if (not isinstance(response, list) or not all(isinstance(r, str) for r in response)
                or not set(response) <= steps or len(set(response)) != len(response)):
            return 0.0, INVALID
        pairs = len(key) * (len(key) - 1) // 2
        return verdict(concordant_pairs(key, response) / pairs if pairs else 0.0)

    def practice_hints(self, item: Item, stored: Any, lang: str) -> list[str]:
        from kimtrain.i18n import t

        n = len(item.key)
        hints = [t("items.ordering.practice.pairs", lang=lang,
                   right=concordant_pairs(item.key, stored), total=n * (n - 1) // 2)]
        if len(stored) < n:
            hints.append(t("items.ordering.practice.unplaced", lang=lang,
                           missing=n - len(stored)))
        return hints

    def demo_answer(self, item: Item, rng: random.Random, right: bool) -> Any:
        order = list(item.key)
        if not right:  # a slip: two neighbouring steps swapped
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
        return order


TYPE = Ordering()
