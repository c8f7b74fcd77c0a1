"""The typed shape of a public item: what the reports and the feedback pages know of
an item from the assessment's public manifest (``kimtrain_soal.json``, never a key).

The bank's :class:`kimtrain.bank.model.Item` is the item as written (with its key);
the item-type modules (``kimtrain.items``) own what each type does; this is the one
read-only record of an item's metadata that the reporting side passes around
(``kimtrain.reports.data.ItemInfo`` is this class). Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PublicItem"]


@dataclass(frozen=True)
class PublicItem:
    id: str
    type: str
    domain: str
    competency: str
    points: float
    options: tuple[tuple[str, str], ...] = ()  # (letter, text)
    discernment_set: str = ""
    labels: tuple[str, ...] = ()  # a true/false item's two labels

    @classmethod
    def from_manifest(cls, raw: Mapping[str, Any]) -> PublicItem:
        """From one item of the public manifest (missing fields empty)."""
        return cls(
            id=str(raw["id"]), type=str(raw.get("type", "")), domain=str(raw.get("domain", "")),
            competency=str(raw.get("competency", "")), points=float(raw.get("points", 0)),
            options=tuple((str(k), str(v)) for k, v in raw.get("options") or ()),
            discernment_set=str(raw.get("discernment_set", "") or ""),
            labels=tuple(str(label) for label in raw.get("labels") or ()),
        )
