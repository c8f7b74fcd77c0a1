"""Item types: one module per type, each owning everything about it.

``kimtrain/items/<name>.py`` defines ``TYPE``, an :class:`ItemType` that owns the
bank validation of an item of that type, its public form, normalising an answer,
the answer as text, scoring, its key, practice hints, a demo answer and the item
analysis of its options; ``kimtrain/items/<name>.js`` is its renderer in the
participant widget (``renderers["<name>"]``), ``<name>.css`` its styles. Adding a
type is adding those files and the catalog keys they use: every caller goes through
this registry, and an unknown type is an error, never a silent fallback.

Standard library only, so a participant kernel stays light.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from kimtrain.errors import AnswerError
from kimtrain.items._base import (
    BLANK,
    CORRECT,
    INVALID,
    MANUAL,
    PARTIAL,
    WRONG,
    FieldCheck,
    ItemType,
    Verdict,
)

__all__ = [
    "BLANK", "CORRECT", "INVALID", "MANUAL", "PARTIAL", "WRONG",
    "FieldCheck", "ItemType", "UnknownItemType", "Verdict",
    "all_types", "answer_text", "front_end", "get", "names", "normalise",
]


class UnknownItemType(AnswerError):
    """An item whose ``type`` no module in kimtrain/items defines."""

    key = "answer.unknown_type"


@cache
def _registry() -> dict[str, ItemType]:
    found: list[ItemType] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "TYPE", None)
        if not isinstance(kind, ItemType) or kind.name != info.name:
            raise TypeError(f"kimtrain.items.{info.name} must define TYPE, an ItemType "
                            f"named {info.name!r}")
        found.append(kind)
    return {kind.name: kind for kind in sorted(found, key=lambda k: (k.rank, k.name))}


def get(name: Any, item: str = "?") -> ItemType:
    """The item type called ``name``; :class:`UnknownItemType` (naming ``item``) if none."""
    kind = _registry().get(name) if isinstance(name, str) else None
    if kind is None:
        raise UnknownItemType(item=item, type=name)
    return kind


def all_types() -> Iterator[ItemType]:
    """Every item type, in listing order (single, multiple, truefalse, ...)."""
    return iter(_registry().values())


def names() -> tuple[str, ...]:
    return tuple(_registry())


def normalise(item: Mapping[str, Any], value: Any) -> Any:
    """``value`` in the stored shape of ``item``'s type (``None`` for a blank)."""
    from kimtrain.answers.values import is_blank

    kind = get(item.get("type"), item.get("id", "?"))
    return None if is_blank(value) else kind.normalise(item, value)


def answer_text(item: Mapping[str, Any], value: Any, lang: str = "id",
                bold: bool = False) -> str:
    """A stored answer or key of ``item`` (its public form) as one line of text."""
    return get(item.get("type"), item.get("id", "?")).answer_text(item, value, lang, bold)


def front_end(suffix: str) -> str:
    """Every type's ``.js`` renderers (or ``.css`` styles), in listing order."""
    return "\n".join(part for kind in all_types() if (part := kind.front_end(suffix)))
