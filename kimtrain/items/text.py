"""``text``: a short typed answer (isian singkat). Full points when the normalised
answer equals a normalised accepted answer (case, accents, punctuation and spacing
ignored).

Answer: the text as typed, trimmed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from kimtrain.answers.values import MAX_SHORT, normalise_text
from kimtrain.errors import AnswerError
from kimtrain.items._base import INVALID, FieldCheck, ItemType, Verdict, strong, verdict

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["TYPE", "Text"]


def typed_text(item: Mapping[str, Any], value: Any, limit: int) -> str:
    """Typed text, trimmed; refused when it is not text or longer than ``limit``."""
    if not isinstance(value, str):
        raise AnswerError("answer.not_text", item=item.get("id", "?"))
    if len(value) > limit:
        raise AnswerError("answer.too_long", item=item.get("id", "?"), limit=limit)
    return value.strip()


class Text(ItemType):
    name = "text"
    rank = 50
    fields: ClassVar[frozenset[str]] = frozenset({"accept"})
    label_keys = ("widget.answer",)

    def validate(self, raw: Mapping[str, Any], check: FieldCheck) -> dict[str, Any]:
        accept = raw.get("accept")
        if accept is None:
            check.bad("bank.field.required", "accept")
            return {}
        if not isinstance(accept, list) or not accept or not all(
            isinstance(a, str | int | float) and str(a).strip() for a in accept
        ):
            check.bad("bank.accept.invalid", "accept")
            return {}
        values = tuple(str(a).strip() for a in accept)
        return {"accept": values, "key": list(values)}

    def normalise(self, item: Mapping[str, Any], value: Any) -> Any:
        return typed_text(item, value, MAX_SHORT)

    def answer_text(self, item: Mapping[str, Any], value: Any, lang: str = "id",
                    bold: bool = False) -> str:
        """The answer as typed; a key (the accepted answers) as ``a / b``."""
        if isinstance(value, list | tuple):
            return " / ".join(strong(str(v), bold) for v in value)
        return strong(str(value), bold)

    def scoring_spec(self, item: Item) -> dict[str, Any]:
        return {"id": item.id, "type": item.type, "points": item.points,
                "accept": list(item.accept)}

    def score(self, spec: Mapping[str, Any], response: Any) -> Verdict:
        if not isinstance(response, str):
            return 0.0, INVALID
        accepted = {normalise_text(a) for a in spec.get("accept", ())}
        return verdict(1.0 if normalise_text(response) in accepted else 0.0)

    def key_answer(self, item: Item) -> Any:
        return list(item.accept)

    def demo_answer(self, item: Item, rng: random.Random, right: bool) -> Any:
        return item.accept[0].lower() if right else "cari di Google"


TYPE = Text()
