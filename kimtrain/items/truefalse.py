"""``truefalse``: a statement judged *fakta*/*hoaks* (in a discernment set) or
*benar*/*salah*. Full points when the verdict matches the key (``True`` = fakta).

Answer: ``True`` (fakta/benar) or ``False`` (hoaks/salah).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from kimtrain.errors import AnswerError
from kimtrain.items._base import INVALID, FieldCheck, ItemType, Verdict, strong, verdict

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["TYPE", "TrueFalse"]

_SET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$")


class TrueFalse(ItemType):
    name = "truefalse"
    rank = 30
    instant = True
    reveal_when_wrong = True
    fields: ClassVar[frozenset[str]] = frozenset({"key", "discernment_set", "labels"})

    def validate(self, raw: Mapping[str, Any], check: FieldCheck) -> dict[str, Any]:
        key = raw.get("key")
        if key is None:
            check.bad("bank.field.required", "key")
        elif not isinstance(key, bool):
            check.bad("bank.key.bool", "key", value=key)
        labels = raw.get("labels")
        if labels is not None and (
            not isinstance(labels, list) or len(labels) != 2
            or not all(isinstance(x, str) and x.strip() for x in labels)
        ):
            check.bad("bank.labels.invalid", "labels")
            labels = None
        dset = raw.get("discernment_set", "")
        if dset and (not isinstance(dset, str) or not _SET_ID.match(dset)):
            check.bad("bank.set.invalid", "discernment_set", value=dset)
        return {"key": key, "labels": tuple(labels) if labels else None,
                "discernment_set": dset or ""}

    def public(self, item: Item, data: dict[str, Any], en: dict[str, Any]) -> None:
        super().public(item, data, en)
        data["labels"] = list(item.truefalse_labels("id"))
        if item.discernment_set:
            data["discernment_set"] = item.discernment_set
        en["labels"] = list(item.truefalse_labels("en"))

    def normalise(self, item: Mapping[str, Any], value: Any) -> Any:
        if not isinstance(value, bool):
            raise AnswerError("answer.not_truefalse", item=item.get("id", "?"), value=value)
        return value

    def answer_text(self, item: Mapping[str, Any], value: Any, lang: str = "id",
                    bold: bool = False) -> str:
        labels = item.get("labels") or []
        if not isinstance(value, bool) or len(labels) != 2:
            return strong(str(value), bold)
        return strong(str(labels[0 if value else 1]), bold)

    def score(self, spec: Mapping[str, Any], response: Any) -> Verdict:
        if not isinstance(response, bool):
            return 0.0, INVALID
        return verdict(1.0 if response is spec.get("key") else 0.0)

    def demo_answer(self, item: Item, rng: random.Random, right: bool) -> Any:
        return item.key if right else not item.key

    def analysis_options(self, options: Iterable[tuple[str, str]],
                         labels: tuple[str, ...]) -> list[tuple[str, str]]:
        shown = labels or ("Benar", "Salah")
        return [("true", shown[0]), ("false", shown[1])]

    def chosen_options(self, response: Any) -> list[str]:
        return [("true" if response else "false")] if isinstance(response, bool) else []


TYPE = TrueFalse()
