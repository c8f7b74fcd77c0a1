"""Finding and loading practice banks (``assessments/bank/latihan-*.yaml``).

Practice items are ordinary bank items (same format, same ``kimtrain bank check``),
kept in their own files with ids starting ``LAT-`` so they never collide with test
items. A module notebook names its bank by its short name (``"hoaks"`` for
``latihan-hoaks.yaml``) or by a path.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["PREFIX", "bank_path", "load_practice", "practice_banks"]

PREFIX = "latihan-"


def _bank_dir() -> Path:
    from kimtrain.course.layout import assessments_dir

    return assessments_dir() / "bank"


def bank_path(name: str | os.PathLike[str]) -> Path:
    """``"hoaks"`` -> ``.../assessments/bank/latihan-hoaks.yaml``; a path stays a path."""
    text = os.fspath(name)
    if text.endswith((".yaml", ".yml")) or os.sep in text or "/" in text:
        return Path(text).expanduser().resolve()
    return _bank_dir() / f"{PREFIX}{text}.yaml"


def practice_banks() -> list[Path]:
    """Every practice bank shipped with kimtrain, by name."""
    return sorted(_bank_dir().glob(f"{PREFIX}*.yaml"))


@cache
def _load(path: Path, _stamp: float) -> tuple[Item, ...]:
    from kimtrain.bank import load_banks

    return tuple(load_banks([path]))


def load_practice(name: str | os.PathLike[str]) -> dict[str, Item]:
    """The items of one practice bank, in file order, by id (raises BankError, listing
    every mistake, when the file is missing or broken). A bank edited during a session
    is read again the next time a module opens it."""
    path = bank_path(name)
    stamp = path.stat().st_mtime if path.exists() else 0.0
    return {item.id: item for item in _load(path, stamp)}
